/* The apply of one reconciled detail: the single place that turns (what the database
 * holds, a decoded detail) into writes, used by the detail fetch and by quarantine
 * replay alike so both write exactly the same things. The writes go to a sink: the
 * store batch in production, a recording fake in the unit tests. */
#ifndef HALALTRACK_SYNC_APPLY_H
#define HALALTRACK_SYNC_APPLY_H

#include <stdint.h>
#include "halaltrack/api.h"
#include "halaltrack/api_paths.h"
#include "halaltrack/compat.h"
#include "halaltrack/stage.h"
#include "halaltrack/store_sync.h"

/* Where the writes of an apply go. Each returns 0, or -1 when it cannot take the write
 * (out of memory). */
struct apply_sink {
    void *ctx;
    int (*event)(void *ctx, int64_t app_id, const char *code, const char *stage,
                 int64_t at, const char *actor, const char *comment);
    int (*move)(void *ctx, int64_t app_id, const char *code, const char *stage,
                int64_t at);
    int (*cert)(void *ctx, int64_t app_id, const char *no, const char *date);
    int (*done)(void *ctx, const struct store_done *d);
};

/* A sink that adds to b (borrowed). */
struct apply_sink apply_sink_batch(struct store_batch *b);

/* The detail path to try first for a claimed application (the other is tried once when
 * it answers 404): the path that answered last; else by channel (CH003/CH004
 * self-declare, CH001/CH002 reguler: pages/sh-domestic/status/index.vue); else by the
 * list's jenis_daftar, then by the jenis of the programme of its kode_fac, when either
 * names a path ("Self Declare", "Reguler": inferred); else reguler. */
enum api_path sync_detail_path(const struct store_claim *c);

/* How many applications a detail batch claims: database.batch_size, but no more than
 * SYNC_BATCH_HOLD_S seconds of requests at api.rate, so that a batch holds its
 * applications (row locks another daemon's sweep may wait for) about that long at most.
 */
#define SYNC_BATCH_HOLD_S 10
long sync_batch_limit(long batch_size, double rate);

/* Seconds until the next poll of an application in stage st ([poll] table). */
long sync_poll_secs(const long stage_poll[STAGE__COUNT], enum ht_stage st);

/* Reconciles the decoded detail d against what the database holds for the application
 * (t: id, id_reg, status code, stage_since, list fingerprint, whether its history was
 * observed) and writes into sink: every new tracking event, the forward stage move, the
 * certificate, and the "done" write (observed now, next poll from stage_poll, identity
 * fields, path: the detail path that answered, NULL when not known). When t's history
 * was observed, upstream tracking replaces it: the stage moves to the latest tracking
 * entry whatever the stored stage_since, and done says replace. Returns 0 when written,
 * 1 when the detail must go to quarantine instead (nothing written; reason says why),
 * -1 when the sink or an allocation failed. Codes map to stages through map. */
int sync_apply_detail(const struct apply_sink *sink, const struct store_claim *t,
                      const struct api_detail *d, const struct stage_map *map,
                      const long stage_poll[STAGE__COUNT], const char *path,
                      char reason[static 256]) HT_MUSTCHECK;

#endif

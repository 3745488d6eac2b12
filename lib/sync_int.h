/* Private to the syncer's files (syncer.c, sync_sweep.c, sync_detail.c): the state of one
 * daemon's sync work. */
#ifndef HALALTRACK_SYNC_INT_H
#define HALALTRACK_SYNC_INT_H

#include <signal.h>
#include "halaltrack/api.h"
#include "halaltrack/api_client.h"
#include "halaltrack/cfg.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/syncer.h"

struct syncer {
    const struct cfg *cfg;
    struct stage_map *map; /* from cfg (owned): [stage_map], [status_labels] */
    struct store *st;
    struct api_client *ac;
    volatile sig_atomic_t *stop;
    struct sync_metrics *m;
    int sweeper;
    int once;
    char owner[256];      /* lease owner: daemon.name, pid and a random part */
    char cycle_start[40]; /* sync_run.started_at of this cycle (database clock) */
    struct sync_counts cnt;
    struct sync_writer *writer; /* writes batch k while batch k+1 is fetched */
    /* the public certificate search (sync_pubsearch.c): its own client, on a copy of the
     * configuration with [public_search]'s host, rate and burst; NULL while off */
    struct api_client *ps;
    struct cfg ps_cfg;
};

/* One batch of the public certificate search, when [public_search] base_url is set. */
int sync_pubsearch(struct syncer *sy, struct ht_err *err) HT_MUSTCHECK;

/* GET path p with query q (see api_url_build) through client ac: 0 with a 2xx answer in r
 * (initialised by the caller), -1 with err otherwise ("HTTP n" for a 403 or 404). */
int sync_get(struct api_client *ac, enum api_path p, const char *const *q,
             struct http_resp *r, struct ht_err *err) HT_MUSTCHECK;

/* The office's facilitation programmes merged into their table (sync_programmes.c). */
int sync_programmes(struct syncer *sy, struct ht_err *err) HT_MUSTCHECK;

/* A list row as the fields of store_listing_add (tgl holds the normalised date). */
void sync_item_fields(const struct api_item *it, char tgl[static 21],
                      const char *f[STORE_LISTING_NFIELDS]);

/* The list sweep (sync_sweep.c): every page staged under run_id and merged; *trusted
 * = 1 when it saw the whole list. */
int sync_sweep(struct syncer *sy, int64_t run_id, int *trusted,
               struct ht_err *err) HT_MUSTCHECK;

/* One detail batch (sync_detail.c): claim, fetch, reconcile, write in one transaction.
 * *claimed = how many applications it took (0: none was due). */
int sync_detail_batch(struct syncer *sy, size_t *claimed,
                      struct ht_err *err) HT_MUSTCHECK;

/* Quarantines one payload now (a capped copy) and counts it; upstream_at as for
 * store_quarantine_add. */
int sync_quarantine(struct syncer *sy, const char *source, const char *ref,
                    const char *reason, const void *raw, size_t len, int64_t upstream_at,
                    struct ht_err *err) HT_MUSTCHECK;

/* The batch writer (sync_writer.c). sync_writer_claim_store gives the connection the
 * next batch is claimed on (store_sync_claim_locked), NULL when none can be had (claim
 * with a lease on the main connection); sync_writer_claimed notes the claim's time,
 * sync_writer_claim_abort rolls back a claim not handed over. sync_writer_start hands
 * batch b (consumed) over to be written in its claim's transaction, after waiting for the
 * batch before it; sync_writer_wait waits for the batch being written and counts it.
 * Both return -1 with the write's error when a write failed. */
struct sync_writer *sync_writer_new(void);
void sync_writer_free(struct sync_writer *w);
void sync_writer_cycle_start(struct syncer *sy);
struct store *sync_writer_claim_store(struct syncer *sy);
void sync_writer_claimed(struct syncer *sy);
void sync_writer_claim_abort(struct syncer *sy);
int sync_writer_start(struct syncer *sy, struct store_batch *b, size_t claimed,
                      size_t applied, int64_t t0, struct ht_err *err) HT_MUSTCHECK;
int sync_writer_wait(struct syncer *sy, struct ht_err *err) HT_MUSTCHECK;

#endif

/* The daemon's database side: sweep lock, list staging by COPY and set-based merge,
 * detail leases, batch reconcile transactions, the shared request budget, sync_run
 * bookkeeping. */
#ifndef HALALTRACK_STORE_SYNC_H
#define HALALTRACK_STORE_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/store.h"

/* Tries the session advisory lock that makes this connection the sweeper (kept until the
 * session ends). *got = 1 when held. */
int store_sync_lock_sweep(struct store *s, int *got, struct ht_err *err) HT_MUSTCHECK;

/* sync_run: one row per cycle. started_at gets the row's start (database clock, text). */
int store_sync_run_start(struct store *s, const char *daemon, int64_t *run_id,
                         char started_at[static 40], struct ht_err *err) HT_MUSTCHECK;
struct sync_counts {
    int sweep;
    long requests, bytes, items_seen, items_changed, details_fetched, events_inserted,
        quarantined, errors;
};
int store_sync_run_finish(struct store *s, int64_t run_id, const struct sync_counts *c,
                          const char *outcome, const char *message,
                          struct ht_err *err) HT_MUSTCHECK;

/* Staging of a list sweep. fields: id_reg, no_daftar, tgl_daftar, nib, nama_pu,
 * jenis_daftar, jenis_produk, status, channel_id (any but id_reg may be NULL). */
#define STORE_STAGE_NFIELDS 9
struct store_stage;
struct store_stage *store_stage_new(void) HT_MUSTCHECK;
void store_stage_free(struct store_stage *st);
int store_stage_add(struct store_stage *st, int64_t seq,
                    const char *const fields[]) HT_MUSTCHECK;
/* COPYs the rows added since the last flush into list_staging under run_id. */
int store_stage_flush(struct store *s, struct store_stage *st, int64_t run_id,
                      struct ht_err *err) HT_MUSTCHECK;
int store_stage_distinct(struct store *s, int64_t run_id, long *out,
                         struct ht_err *err) HT_MUSTCHECK;
int store_stage_clear(struct store *s, int64_t run_id, struct ht_err *err) HT_MUSTCHECK;
/* Merges a staged sweep in one transaction (sql/definitions/031_list_merge.sql), drops
 * the staged rows and then records the bookmark 'last_sweep_at'. Only new and changed
 * applications are written; when complete (the sweep saw the API's whole list), the same
 * transaction confirms every listed application ('observed_through') and marks the ones
 * the list no longer shows. */
int store_sync_merge(struct store *s, int64_t run_id, int complete, long *seen,
                     long *inserted, long *changed, struct ht_err *err) HT_MUSTCHECK;

/* A claimed application (a lease on it is held until lease_until). */
struct store_claim {
    int64_t id;
    char *id_reg;
    char *status_code;
    int64_t stage_since;
    int has_stage_since;
    char *fingerprint;
    int64_t detail_at; /* last reconciled detail, epoch seconds; 0 = never */
};
/* Claims up to limit due applications (next_poll_at <= now, no live lease, not reconciled
 * since cycle_start, a timestamptz text) with FOR UPDATE SKIP LOCKED, so one cycle takes
 * each application at most once. *out is malloc'd (free with store_claims_free). */
int store_sync_claim(struct store *s, const char *owner, long lease_s, long limit,
                     const char *cycle_start, struct store_claim **out, size_t *n,
                     struct ht_err *err) HT_MUSTCHECK;
void store_claims_free(struct store_claim *c, size_t n);
/* Drops every lease held by owner (after a reconnect or at exit). */
int store_sync_release_leases(struct store *s, const char *owner,
                              struct ht_err *err) HT_MUSTCHECK;

/* A batch of writes applied in one transaction. */
struct store_batch;
struct store_batch *store_batch_new(void) HT_MUSTCHECK;
void store_batch_free(struct store_batch *b);
size_t store_batch_size(const struct store_batch *b);
int store_batch_event(struct store_batch *b, int64_t app_id, const char *code,
                      const char *stage, int64_t at, const char *actor,
                      const char *comment) HT_MUSTCHECK;
int store_batch_move(struct store_batch *b, int64_t app_id, const char *code,
                     const char *stage, int64_t at) HT_MUSTCHECK;
int store_batch_cert(struct store_batch *b, int64_t app_id, const char *no,
                     const char *date) HT_MUSTCHECK;
/* The application was reconciled: clear its lease, set observed/detail time, next poll in
 * next_s seconds, identity fields from the detail (invalid ones are ignored), re-link
 * msme. fp is the list fingerprint seen at claim time (detail_needed stays set if it
 * changed). */
int store_batch_done(struct store_batch *b, int64_t app_id, long next_s, const char *fp,
                     const char *nib, const char *no_daftar,
                     const char *channel_id) HT_MUSTCHECK;
/* The application could not be reconciled now: drop the lease, retry in retry_s seconds.
 */
int store_batch_retry(struct store_batch *b, int64_t app_id, long retry_s) HT_MUSTCHECK;
int store_batch_quarantine(struct store_batch *b, const char *source, const char *ref,
                           const char *reason, const void *raw,
                           size_t rawlen) HT_MUSTCHECK;
/* Marks a quarantine row replayed and resolved. */
int store_batch_resolve(struct store_batch *b, int64_t quarantine_id) HT_MUSTCHECK;
/* Applies everything in one transaction; *events_inserted counts new stage events. On
 * failure nothing is written. The batch is left intact (it may be applied again). */
int store_batch_apply(struct store *s, struct store_batch *b, long *events_inserted,
                      long *quarantined, struct ht_err *err) HT_MUSTCHECK;

/* The shared token bucket. init creates or updates it; take returns in *granted how many
 * of want requests may be sent now (0..want). */
int store_budget_init(struct store *s, const char *name, double capacity, double rate,
                      struct ht_err *err) HT_MUSTCHECK;
int store_budget_take(struct store *s, const char *name, int want, const char *daemon,
                      int *granted, struct ht_err *err) HT_MUSTCHECK;

/* Bookmarks (sync_state). */
int store_sync_set_state(struct store *s, const char *key, const char *value,
                         struct ht_err *err) HT_MUSTCHECK;

/* Figures for /metrics. */
struct sync_gauges {
    long applications;
    long quarantine_open;
    double oldest_observed; /* epoch seconds of min(observed_at); 0 when none */
    double budget_tokens;
    long budget_granted;
};
int store_sync_gauges(struct store *s, const char *budget, struct sync_gauges *g,
                      struct ht_err *err) HT_MUSTCHECK;

/* Open quarantine rows of a source (NULL: all), oldest first. raw is decoded bytes. */
struct store_qrow {
    int64_t id;
    char *source;
    char *ref;
    char *reason;
    char *created_at;
    int64_t created_epoch;
    char *raw;
    size_t rawlen;
};
int store_quarantine_open(struct store *s, const char *source, long limit,
                          struct store_qrow **out, size_t *n,
                          struct ht_err *err) HT_MUSTCHECK;
void store_qrows_free(struct store_qrow *q, size_t n);
/* Looks up an application by id_reg for replay: returns 1 when absent. */
int store_sync_app_state(struct store *s, const char *id_reg, struct store_claim *out,
                         struct ht_err *err) HT_MUSTCHECK;

#endif

/* The daemon's database side: sweep lock, list staging by COPY and set-based merge,
 * detail leases, batch reconcile transactions, the shared request budget, sync_run
 * bookkeeping. */
#ifndef HALALTRACK_STORE_SYNC_H
#define HALALTRACK_STORE_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/stage.h"
#include "halaltrack/store.h"

/* *ready = 1 when the schema holds the daemon's tables (the migrations ran). */
int store_sync_schema_ready(struct store *s, int *ready, struct ht_err *err) HT_MUSTCHECK;

/* Tries the session advisory lock that makes this connection the sweeper (kept until the
 * session ends). *got = 1 when held. */
int store_sync_lock_sweep(struct store *s, int *got, struct ht_err *err) HT_MUSTCHECK;

/* sync_run: one row per cycle. started_at gets the row's start (database clock, text). */
int store_sync_run_start(struct store *s, const char *daemon, int64_t *run_id,
                         char started_at[static 40], struct ht_err *err) HT_MUSTCHECK;
struct sync_counts {
    int sweep;
    long requests, bytes, items_seen, items_changed, details_fetched, events_inserted,
        quarantined, errors, details_denied;
};
int store_sync_run_finish(struct store *s, int64_t run_id, const struct sync_counts *c,
                          const char *outcome, const char *message,
                          struct ht_err *err) HT_MUSTCHECK;

/* Staging of a list sweep. fields: id_reg, no_daftar, tgl_daftar, nib, nama_pu,
 * jenis_daftar, jenis_produk, status (a code or NULL), channel_id, kode_fac, status_raw
 * (any may be NULL, but not both id_reg and no_daftar). part tells the passes of one
 * sweep apart (one per facilitation code). */
#define STORE_LISTING_NFIELDS 11
struct store_listing;
struct store_listing *store_listing_new(void) HT_MUSTCHECK;
void store_listing_free(struct store_listing *st);
int store_listing_add(struct store_listing *st, int64_t seq, int part,
                      const char *const fields[]) HT_MUSTCHECK;
/* COPYs the rows added since the last flush into list_staging under run_id. */
int store_listing_flush(struct store *s, struct store_listing *st, int64_t run_id,
                        struct ht_err *err) HT_MUSTCHECK;
/* Distinct applications (id_reg, else no_daftar) staged under run_id in part. */
int store_listing_distinct(struct store *s, int64_t run_id, int part, long *out,
                           struct ht_err *err) HT_MUSTCHECK;
/* Drops the rows of run_id in part (every part when part < 0). */
int store_listing_clear(struct store *s, int64_t run_id, int part,
                        struct ht_err *err) HT_MUSTCHECK;
/* Replays one quarantined list row (quarantine replay): fields as for
 * store_listing_add, with the status now mapped; observed_at is when the list showed it
 * (upstream's clock: the quarantine row's upstream_at). In one transaction: unless a
 * later sighting of the application with a known status is recorded already (*superseded
 * = 1), the row goes through list_merge as a sweep of its own at observed_at (exactly
 * what a sweep applies); the quarantine row is marked resolved either way. */
int store_listing_replay(struct store *s, const struct stage_map *map,
                         int64_t quarantine_id, int64_t observed_at,
                         const char *const fields[], int *superseded,
                         struct ht_err *err) HT_MUSTCHECK;
/* Drops the staged rows of every other run: rows a killed sweeper left behind. Only the
 * holder of the sweep lock stages, so it alone calls this. *dropped = rows deleted. */
int store_listing_clear_others(struct store *s, int64_t run_id, long *dropped,
                               struct ht_err *err) HT_MUSTCHECK;
/* seen_at and at: the upstream time (epoch seconds, from the answers' Date header) of
 * the sweep's first and last answer; the observed history's windows use them. */
/* Merges a staged sweep in one transaction (sql/definitions/031_list_merge.sql; codes
 * map to stages through map, NULL: the built-in table only), drops
 * the staged rows and then records the bookmark 'last_sweep_at'. Only new and changed
 * applications are written; when complete (the sweep saw the API's whole list), the same
 * transaction confirms every listed application ('observed_through') and marks the ones
 * the list no longer shows. */
int store_sync_merge(struct store *s, const struct stage_map *map, int64_t run_id,
                     int complete, int64_t seen_at, int64_t at, long *seen,
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
    /* What chooses the detail path: the path that answered last, the channel, the list's
     * jenis_daftar, the jenis of the programme of its kode_fac (each may be NULL). */
    char *detail_path;
    char *channel_id;
    char *jenis_daftar;
    char *programme_jenis;
    char *list_status; /* the status the list shows (a code) */
    int observed;      /* some of its history is observed (see sync_apply_detail) */
    int denied;        /* its detail was refused to this account */
};
/* Frees the strings of one claim. */
void store_claim_release(struct store_claim *c);
/* Claims up to limit due applications (next_poll_at <= now, no live lease, not reconciled
 * since cycle_start, a timestamptz text) with FOR UPDATE SKIP LOCKED, so one cycle takes
 * each application at most once. *out is malloc'd (free with store_claims_free). */
int store_sync_claim(struct store *s, const char *owner, long lease_s, long limit,
                     const char *cycle_start, struct store_claim **out, size_t *n,
                     struct ht_err *err) HT_MUSTCHECK;
/* Claims like store_sync_claim, but the lease is the row lock (FOR NO KEY UPDATE SKIP
 * LOCKED) of a transaction left open on s, which store_batch_apply_claimed then writes
 * and commits: the claim writes no row and commits nothing. A session idle in that
 * transaction for more than lease_s seconds is ended by the server (its rows are free
 * again, nothing of the batch is written). With no application due (*n = 0) or on
 * failure no transaction is left open. */
int store_sync_claim_locked(struct store *s, long lease_s, long limit,
                            const char *cycle_start, struct store_claim **out, size_t *n,
                            struct ht_err *err) HT_MUSTCHECK;
void store_claims_free(struct store_claim *c, size_t n);
/* Drops every lease held by owner (after a reconnect or at exit). */
int store_sync_release_leases(struct store *s, const char *owner,
                              struct ht_err *err) HT_MUSTCHECK;

/* A batch of writes applied in one transaction. Arrays only: nothing in it is larger
 * than a decoded detail (raw bytes go to quarantine through store_quarantine_add). */
struct store_batch;
struct store_batch *store_batch_new(void) HT_MUSTCHECK;
void store_batch_free(struct store_batch *b);
int store_batch_event(struct store_batch *b, int64_t app_id, const char *code,
                      const char *stage, int64_t at, const char *actor,
                      const char *comment) HT_MUSTCHECK;
int store_batch_move(struct store_batch *b, int64_t app_id, const char *code,
                     const char *stage, int64_t at) HT_MUSTCHECK;
int store_batch_cert(struct store_batch *b, int64_t app_id, const char *no,
                     const char *date) HT_MUSTCHECK;
/* The application was reconciled: clear its lease, set observed/detail time, next poll in
 * next_s seconds, identity fields from the detail (invalid ones are ignored), re-link
 * msme, remember the detail path that answered. fp is the list fingerprint seen at claim
 * time (detail_needed stays set if it changed). replace: the detail is readable again
 * after its history was observed: the observed events are deleted (upstream tracking
 * replaces them) and the stage moves to upstream's latest regardless of stage_since. A
 * move and a certificate of the same application are written by the same row update,
 * so an application needs its done entry for them to take effect. */
struct store_done {
    int64_t app_id;
    long next_s;
    const char *fp, *nib, *no_daftar, *channel_id, *kode_fac;
    const char *path; /* "reguler" or "self_declare" */
    int replace;
};
int store_batch_done(struct store_batch *b, const struct store_done *d) HT_MUSTCHECK;
/* The account may not read the application's detail: note since when, poll again (to
 * see whether it became readable) in next_s seconds, and, when it has no history yet,
 * record the list's status as its first observed event (list_stage: that status's
 * stage). */
int store_batch_denied(struct store_batch *b, int64_t app_id, const char *list_stage,
                       long next_s) HT_MUSTCHECK;
/* The application could not be reconciled now: drop the lease, retry in retry_s seconds.
 */
int store_batch_retry(struct store_batch *b, int64_t app_id, long retry_s) HT_MUSTCHECK;
/* Marks a quarantine row replayed and resolved. */
int store_batch_resolve(struct store_batch *b, int64_t quarantine_id) HT_MUSTCHECK;
/* Applies everything in one transaction; *events_inserted counts new stage events.
 * Every application of the batch is locked first; with owner set, the writes of an
 * application whose lease owner is no longer owner (its lease expired and another daemon
 * claimed it) are dropped and counted in *lease_lost. With owner NULL (quarantine
 * replay) no lease is required. The current stage moves only forward in upstream time,
 * judged against the locked row. On failure nothing is written; the batch is left
 * intact (it may be applied again). Either counter may be NULL. */
int store_batch_apply(struct store *s, struct store_batch *b, const char *owner,
                      long *events_inserted, long *lease_lost,
                      struct ht_err *err) HT_MUSTCHECK;
/* Applies b in the transaction store_sync_claim_locked left open on s (its applications
 * are locked by it, no lease check is needed) and commits it; on failure the
 * transaction is rolled back and nothing is written. */
int store_batch_apply_claimed(struct store *s, struct store_batch *b,
                              long *events_inserted, struct ht_err *err) HT_MUSTCHECK;

/* Quarantines one payload at once (its own statement): at most cap bytes of raw are
 * kept, and the reason then says how many of how many. An identical open row (same
 * source, ref, reason and bytes) is not added twice; *added = 1 when a row was added.
 * reason and ref are stored with control characters replaced. upstream_at: upstream's
 * time of the answer (epoch seconds, the Date header; 0 when not known). */
#define STORE_QUARANTINE_RAW_MAX (64u * 1024)
int store_quarantine_add(struct store *s, const char *source, const char *ref,
                         const char *reason, const void *raw, size_t rawlen, size_t cap,
                         int64_t upstream_at, int *added,
                         struct ht_err *err) HT_MUSTCHECK;

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

/* Open quarantine rows of a source (NULL: all), oldest first. raw is decoded bytes; ref
 * and reason come back with control characters (newline, ESC, ...) replaced by spaces,
 * so a hostile upstream string cannot forge lines in a listing. */
struct store_qrow {
    int64_t id;
    char *source;
    char *ref;
    char *reason;
    char *created_at;
    int64_t created_epoch;
    int64_t upstream_epoch; /* upstream's time of the answer (0: not recorded) */
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

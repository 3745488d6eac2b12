/* One poll cycle of the daemon: authenticate, sweep the list (if this daemon holds the
 * sweep lock), fetch and reconcile due details in batches. Also quarantine replay. */
#ifndef HALALTRACK_SYNCER_H
#define HALALTRACK_SYNCER_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include "halaltrack/backoff.h"
#include "halaltrack/cfg.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/store.h"

/* Response classes counted for /metrics. */
enum sync_class {
    SC_2XX = 0,
    SC_401,
    SC_404,
    SC_429,
    SC_4XX,
    SC_5XX,
    SC_TRANSPORT,
    SC__COUNT
};
const char *sync_class_name(enum sync_class c);

/* Counters and gauges shared with the metrics endpoint (read under mu). */
struct sync_metrics {
    pthread_mutex_t mu;
    unsigned long requests[SC__COUNT];
    unsigned long errors[SC__COUNT]; /* failed attempts by class (non-2xx, transport) */
    unsigned long retries;
    unsigned long items_seen;
    unsigned long items_changed;
    unsigned long details_fetched;
    unsigned long events_inserted;
    unsigned long quarantined;
    unsigned long cycles_ok, cycles_failed;
    unsigned long budget_granted; /* by this daemon */
    unsigned long budget_waits;
    unsigned long breaker_opens;
    int64_t last_sweep_success; /* epoch seconds, 0 = never */
    int64_t last_cycle_success;
    enum breaker_state breaker;
    int sweeper; /* holds the sweep lock */
    int db_ok;
    /* Database gauges, refreshed after each cycle. */
    long applications;
    long quarantine_open;
    double oldest_observed; /* epoch seconds of min(observed_at); 0 = none */
    double budget_tokens;
    long budget_granted_total; /* by every daemon */
    double budget_rate;
};

struct syncer;

/* The syncer borrows cfg and store (both must outlive it or be replaced with
 * syncer_set_cfg); stop is polled between items (SIGTERM). */
struct syncer *syncer_new(const struct cfg *cfg, struct store *st,
                          volatile sig_atomic_t *stop, struct sync_metrics *m,
                          struct ht_err *err) HT_MUSTCHECK;
void syncer_free(struct syncer *sy);
void syncer_set_cfg(struct syncer *sy, const struct cfg *cfg);
/* In a single cycle (--once) the sweep lock is waited for up to 5 s (a previous daemon's
 * session may still be closing); in the loop a held lock just means another sweeps. */
void syncer_set_once(struct syncer *sy, int once);

/* One full cycle: a sync_run row, the sweep if we hold the lock, details until none are
 * due (or stop is set). Returns 0 when the cycle succeeded, -1 otherwise (err says why;
 * HT_EDBCONN when the database connection was lost). */
int syncer_cycle(struct syncer *sy, struct ht_err *err) HT_MUSTCHECK;

/* Replays open quarantine rows of source 'detail' with the current stage mappings: each
 * one that now decodes and maps is applied and marked resolved; one whose application has
 * been reconciled from a later answer since is marked resolved as superseded. */
struct replay_result {
    long examined, resolved, superseded, still_bad;
};
int syncer_replay(struct store *st, long limit, struct replay_result *res,
                  struct ht_err *err) HT_MUSTCHECK;

void sync_metrics_init(struct sync_metrics *m);

#endif

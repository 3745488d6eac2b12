/* Counters and gauges of the daemon's sync work, shared with its /metrics endpoint, and
 * the classes responses are counted in. */
#ifndef HALALTRACK_SYNC_METRICS_H
#define HALALTRACK_SYNC_METRICS_H

#include <pthread.h>
#include <stdint.h>
#include "halaltrack/backoff.h"

/* Response classes counted for /metrics. */
enum sync_class {
    SC_2XX = 0,
    SC_401,
    SC_403,
    SC_404,
    SC_429,
    SC_4XX,
    SC_5XX,
    SC_TRANSPORT,
    SC__COUNT
};
/* "2xx", "401", ... Never NULL. */
const char *sync_class_name(enum sync_class c);
/* The class of an HTTP status (0 = no answer: transport). */
enum sync_class sync_class_of(long http_status);

/* Read and written under mu. */
struct sync_metrics {
    pthread_mutex_t mu;
    unsigned long requests[SC__COUNT];
    unsigned long errors[SC__COUNT]; /* failed attempts by class (non-2xx, transport) */
    unsigned long retries;
    unsigned long items_seen;
    unsigned long items_changed;
    unsigned long details_fetched;
    unsigned long details_denied; /* detail refused to this account (observed history) */
    unsigned long events_inserted;
    unsigned long quarantined;
    unsigned long cycles_ok, cycles_failed;
    unsigned long budget_granted; /* by this daemon */
    unsigned long budget_waits;
    unsigned long breaker_opens;
    unsigned long auth_refusals; /* /api/authenticate said no (401, 403) */
    int64_t auth_backoff_until;  /* epoch seconds; 0 = not backing off */
    unsigned long leases_lost;   /* batch writes dropped: the lease had moved on */
    int64_t last_sweep_success;  /* epoch seconds, 0 = never */
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

void sync_metrics_init(struct sync_metrics *m);
/* Adds v to the counter at *field under the lock. */
void sync_metrics_add(struct sync_metrics *m, unsigned long *field, unsigned long v);
/* Counts one response (request and, when not 2xx, error) of the given HTTP status. */
void sync_metrics_response(struct sync_metrics *m, long http_status);

#endif

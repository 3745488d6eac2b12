/* Retention: pruning the rows that only grow (budget grants, finished cycles, resolved
 * quarantine, self-service failure counters). */
#ifndef HALALTRACK_STORE_RETENTION_H
#define HALALTRACK_STORE_RETENTION_H

#include "halaltrack/store.h"

/* How long each kind of row is kept, in seconds; 0 keeps it for ever. An age under one
 * day counts as one day. */
struct store_retention {
    long budget_grant;
    long sync_run;
    long quarantine_resolved;
    long self_service_attempt;
};

/* Rows deleted by one prune. */
struct store_pruned {
    long budget_grant;
    long sync_run;
    long quarantine_resolved;
    long self_service_attempt;
};

/* Deletes what is older than r says, in one transaction with ten times the session's
 * statement timeout (a first prune may have a year to delete). Unless force, at most once
 * a day per database (whichever daemon asks first). Returns 0 with *out filled, 1 when
 * it was not due, -1 on error (needs the daemon role or the owner). */
int store_prune(struct store *s, const struct store_retention *r, int force,
                struct store_pruned *out, struct ht_err *err) HT_MUSTCHECK;

#endif

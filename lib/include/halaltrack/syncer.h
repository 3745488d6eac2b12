/* One poll cycle of the daemon: authenticate, sweep the list (if this daemon holds the
 * sweep lock), fetch and reconcile due details in batches. Also quarantine replay. */
#ifndef HALALTRACK_SYNCER_H
#define HALALTRACK_SYNCER_H

#include <signal.h>
#include <stdint.h>
#include "halaltrack/cfg.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/stage.h"
#include "halaltrack/store.h"
#include "halaltrack/sync_metrics.h"

struct syncer;

/* The syncer borrows cfg and store (both must outlive it or be replaced with
 * syncer_set_cfg); stop is polled between items (SIGTERM). It holds its own stage map
 * (cfg_stage_map: [stage_map] and [status_labels]), built here and rebuilt by
 * syncer_set_cfg. */
struct syncer *syncer_new(const struct cfg *cfg, struct store *st,
                          volatile sig_atomic_t *stop, struct sync_metrics *m,
                          struct ht_err *err) HT_MUSTCHECK;
void syncer_free(struct syncer *sy);
/* Swaps in a new configuration (a reload) and the stage map built from it. Returns 0,
 * or -1 when the map cannot be built (err set): the old configuration and map stay. */
int syncer_set_cfg(struct syncer *sy, const struct cfg *cfg,
                   struct ht_err *err) HT_MUSTCHECK;
/* In a single cycle (--once) the sweep lock is waited for up to 5 s (a previous daemon's
 * session may still be closing); in the loop a held lock just means another sweeps. */
void syncer_set_once(struct syncer *sy, int once);
/* The owner name of this process's leases ("<daemon.name>:<pid>:<random>"), unique
 * even among daemons that share daemon.name. Borrowed. */
const char *syncer_lease_owner(const struct syncer *sy);

/* One full cycle: a sync_run row, the sweep if we hold the lock, details until none are
 * due (or stop is set). Returns 0 when the cycle succeeded, -1 otherwise (err says why;
 * HT_EDBCONN when the database connection was lost). */
int syncer_cycle(struct syncer *sy, struct ht_err *err) HT_MUSTCHECK;

/* Replays open quarantine rows with the current stage and label mappings, newest first,
 * each in its own transaction. A 'detail' answer goes through the same apply as a fresh
 * fetch (sync_apply.h); a 'list' row whose status did not map (an unknown label or code)
 * goes through the same merge as a sweep, at the time it was quarantined. One that now
 * maps is applied and marked resolved; one whose application has been reconciled (or
 * observed on the list) from a later answer since is marked resolved as superseded;
 * anything else stays open (still_bad). stage_poll gives the next poll times (NULL: the
 * [poll] defaults); codes and labels map through map (NULL: the built-in tables). */
struct replay_result {
    long examined, resolved, superseded, still_bad;
};
int syncer_replay(struct store *st, const struct stage_map *map, const long *stage_poll,
                  long limit, struct replay_result *res, struct ht_err *err) HT_MUSTCHECK;

#endif

/* Reconciliation: stored state of one application + an observed detail -> a plan of what
 * to write (events to insert, a forward stage move, a certificate, or quarantine). Pure.
 */
#ifndef HALALTRACK_RECONCILE_H
#define HALALTRACK_RECONCILE_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/api.h"
#include "halaltrack/compat.h"
#include "halaltrack/stage.h"

/* What the database holds for the application. */
struct reconcile_stored {
    const char *id_reg;      /* the application the detail was asked for */
    const char *status_code; /* may be NULL */
    int64_t stage_since;     /* upstream time of the current stage; 0 = never set */
    int has_stage_since;
};

enum reconcile_action { RECONCILE_APPLY = 0, RECONCILE_QUARANTINE };

struct reconcile_plan {
    enum reconcile_action action;
    char reason[256]; /* for RECONCILE_QUARANTINE */
    /* Events to insert idempotently: indices into detail->events (duplicates removed),
     * with their canonical stage. */
    size_t nev;
    size_t *ev;
    enum ht_stage *ev_stage;
    /* Move the current stage to detail->events[latest] (only forward in upstream time).
     */
    int move;
    size_t latest;
    enum ht_stage new_stage;
    /* Record the certificate number/date (from the detail). */
    int certificate;
};

/* Builds the plan (codes map to stages through map; NULL: the built-in table only). The
 * plan refers to detail by index only; it stays valid while detail is unchanged. Returns
 * 0, or -1 only on allocation failure (plan then empty). */
int reconcile_plan_build(const struct reconcile_stored *st,
                         const struct api_detail *detail, const struct stage_map *map,
                         struct reconcile_plan *plan) HT_MUSTCHECK;
void reconcile_plan_release(struct reconcile_plan *plan);

#endif

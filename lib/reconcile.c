/* Pure reconciliation of one application's observed detail against its stored state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/ident.h"
#include "halaltrack/reconcile.h"
#include "halaltrack/banned.h"

static void quarantine(struct reconcile_plan *p, const char *what, const char *arg)
{
    p->action = RECONCILE_QUARANTINE;
    snprintf(p->reason, sizeof(p->reason), "%s '%s'", what, arg);
    p->nev = 0;
    p->move = 0;
    p->certificate = 0;
}

int reconcile_plan_build(const struct reconcile_stored *st, const struct api_detail *d,
                         struct reconcile_plan *p)
{
    size_t n = d->nevents;
    int have_latest = 0;

    memset(p, 0, sizeof(*p));
    p->ev = calloc(n + 1, sizeof(*p->ev));
    p->ev_stage = calloc(n + 1, sizeof(*p->ev_stage));
    if (!p->ev || !p->ev_stage) {
        reconcile_plan_release(p);
        return -1;
    }
    if (st->id_reg && strcmp(st->id_reg, d->id_reg) != 0) {
        quarantine(p, "detail answer is for another application", d->id_reg);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct api_event *e = &d->events[i];
        enum ht_stage sg = stage_of_code(e->status);
        int dup = 0;

        if (sg == STAGE_UNKNOWN) {
            quarantine(p, "unknown status code", e->status);
            return 0;
        }
        for (size_t j = 0; j < p->nev && !dup; j++) {
            const struct api_event *o = &d->events[p->ev[j]];
            dup = o->at == e->at && strcmp(o->status, e->status) == 0;
        }
        if (dup)
            continue;
        p->ev[p->nev] = i;
        p->ev_stage[p->nev] = sg;
        p->nev++;
        /* The latest event by upstream time; on a tie the later one in the list wins
         * (tracking is oldest first). */
        if (!have_latest || e->at >= d->events[p->latest].at) {
            p->latest = i;
            p->new_stage = sg;
            have_latest = 1;
        }
    }
    if (d->cert_no && ident_check_certificate_no(d->cert_no, NULL) < 0) {
        quarantine(p, "invalid certificate number", d->cert_no);
        return 0;
    }
    if (d->cert_no && !d->cert_date) {
        quarantine(p, "date missing for certificate", d->cert_no);
        return 0;
    }
    if (!have_latest)
        return 0;
    /* Only forward in upstream time: an answer older than what we hold never moves it. */
    if (!st->has_stage_since || d->events[p->latest].at > st->stage_since ||
        (d->events[p->latest].at == st->stage_since &&
         (!st->status_code || strcmp(st->status_code, d->events[p->latest].status) != 0)))
        p->move = 1;
    if (d->cert_no &&
        (p->move || (st->has_stage_since && d->events[p->latest].at >= st->stage_since)))
        p->certificate = 1;
    return 0;
}

void reconcile_plan_release(struct reconcile_plan *p)
{
    free(p->ev);
    free(p->ev_stage);
    memset(p, 0, sizeof(*p));
}

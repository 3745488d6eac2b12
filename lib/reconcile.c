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

/* One event's sort key: upstream time, code, position in the tracking list. */
struct ev_key {
    int64_t at;
    const char *status;
    size_t i;
};

/* By (time, code, position): equal events end up next to each other, first one first. */
static int cmp_key(const void *a, const void *b)
{
    const struct ev_key *x = a, *y = b;
    int c;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if ((c = strcmp(x->status, y->status)) != 0)
        return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_index(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;

    return i < j ? -1 : i > j;
}

int reconcile_plan_build(const struct reconcile_stored *st, const struct api_detail *d,
                         const struct stage_map *map, struct reconcile_plan *p)
{
    size_t n = d->nevents, k = 0;
    struct ev_key *keys = NULL;
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
    for (size_t i = 0; i < n; i++)
        if (stage_map_stage_of(map, d->events[i].status) == STAGE_UNKNOWN) {
            quarantine(p, "unknown status code", d->events[i].status);
            return 0;
        }
    /* Duplicates removed in O(n log n): sort, keep the first of each run of equal
     * (time, code), then restore upstream order. */
    if (!(keys = calloc(n + 1, sizeof(*keys)))) {
        reconcile_plan_release(p);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct ev_key){d->events[i].at, d->events[i].status, i};
    qsort(keys, n, sizeof(*keys), cmp_key);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && keys[i].at == keys[i - 1].at &&
            strcmp(keys[i].status, keys[i - 1].status) == 0)
            continue;
        p->ev[k++] = keys[i].i;
    }
    free(keys);
    qsort(p->ev, k, sizeof(*p->ev), cmp_index);
    p->nev = k;
    for (size_t j = 0; j < k; j++) {
        size_t i = p->ev[j];
        const struct api_event *e = &d->events[i];

        p->ev_stage[j] = stage_map_stage_of(map, e->status);
        /* The latest event by upstream time; on a tie the later one in the list wins
         * (tracking is oldest first). */
        if (!have_latest || e->at >= d->events[p->latest].at) {
            p->latest = i;
            p->new_stage = p->ev_stage[j];
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

/* Timeline of one application: steps, working days against legal limits, paused clock. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/timeline.h"
#include "halaltrack/banned.h"

static int cmp_event(const void *a, const void *b)
{
    const struct tl_event *x = *(const struct tl_event *const *)a;
    const struct tl_event *y = *(const struct tl_event *const *)b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    /* Same instant: keep the pipeline order so a timeline never runs backwards. */
    {
        enum ht_stage sx = stage_of_code(x->code), sy = stage_of_code(y->code);

        if (sx != sy)
            return sx < sy ? -1 : 1;
    }
    return strcmp(x->code, y->code);
}

void timeline_release(struct timeline *t)
{
    if (!t)
        return;
    free(t->v);
    memset(t, 0, sizeof(*t));
}

int timeline_build(const struct tl_event *ev, size_t n, const struct calendar *cal,
                   int64_t now, struct timeline *out, struct ht_err *err)
{
    const struct tl_event **sorted = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (n == 0)
        return 0;
    if (n > TIMELINE_MAX_EVENTS) {
        ht_err_set(err, HT_ELIMIT, "application has %zu events, more than %d", n,
                   TIMELINE_MAX_EVENTS);
        return -1;
    }
    sorted = calloc(n, sizeof(*sorted));
    out->v = calloc(n, sizeof(*out->v));
    if (!sorted || !out->v) {
        ht_err_set(err, HT_ENOMEM, "out of memory building a timeline");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &ev[i];
    qsort(sorted, n, sizeof(*sorted), cmp_event);

    for (size_t i = 0; i < n; i++) {
        const struct tl_event *e = sorted[i];
        struct tl_entry *t;
        const struct stage_def *def;

        if (e->observed_at > out->last_observed)
            out->last_observed = e->observed_at;
        /* The same code repeated (a duplicate observation) does not start a new step. */
        if (out->n > 0 && strcmp(out->v[out->n - 1].code, e->code) == 0)
            continue;
        t = &out->v[out->n++];
        memcpy(t->code, e->code, sizeof(t->code));
        t->code[TIMELINE_CODE_MAX] = '\0';
        t->sc = stage_lookup(e->code);
        t->stage = t->sc ? t->sc->stage : STAGE_UNKNOWN;
        def = stage_def_get(t->stage);
        t->waits_on = t->sc ? t->sc->waits_on : def->waits_on;
        t->limit_days = t->sc ? t->sc->limit_days : def->limit_days;
        t->paused = def->sla_paused || t->waits_on == WAITS_MSME;
        if (t->paused)
            t->limit_days = 0;
        t->entered = e->at;
    }
    for (size_t i = 0; i < out->n; i++) {
        struct tl_entry *t = &out->v[i];
        const struct stage_def *def = stage_def_get(t->stage);
        int64_t end;

        if (i + 1 < out->n) {
            t->left = out->v[i + 1].entered;
            end = t->left;
        } else {
            t->current = 1;
            end = def->terminal ? t->entered : now;
        }
        t->days = calendar_working_days_between(cal, t->entered, end);
        if (t->days < 0)
            t->days = 0;
        if (t->paused)
            out->paused_days += t->days;
        if (!t->paused && t->limit_days > 0 && t->days > t->limit_days) {
            t->breach = 1;
            t->overdue = t->days - t->limit_days;
            out->breaches++;
        }
    }
    rc = 0;
out:
    free(sorted);
    if (rc < 0)
        timeline_release(out);
    return rc;
}

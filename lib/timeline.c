/* Timeline of one application: its codes grouped into legal steps, each step's working
 * days against its limit (extension and takeover included), the paused clock. */
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
    free(t->s);
    memset(t, 0, sizeof(*t));
}

const struct tl_step *timeline_current(const struct timeline *t)
{
    return t->ns ? &t->s[t->ns - 1] : NULL;
}

/* The codes, without repeats of the same code (a duplicate observation is not a step). */
static void add_entries(struct timeline *out, const struct tl_event *const *sorted,
                        size_t n, const char *channel)
{
    for (size_t i = 0; i < n; i++) {
        const struct tl_event *e = sorted[i];
        struct tl_entry *t;

        if (e->observed_at > out->last_observed)
            out->last_observed = e->observed_at;
        if (out->n > 0 && strcmp(out->v[out->n - 1].code, e->code) == 0)
            continue;
        t = &out->v[out->n++];
        memcpy(t->code, e->code, sizeof(t->code));
        t->code[TIMELINE_CODE_MAX] = '\0';
        t->sc = stage_lookup(e->code);
        t->stage = t->sc ? t->sc->stage : STAGE_UNKNOWN;
        t->at = steps_resolve(channel, t->code, t->stage);
        t->entered = e->at;
    }
    for (size_t i = 0; i < out->n; i++) {
        if (i + 1 < out->n)
            out->v[i].left = out->v[i + 1].entered;
        else
            out->v[i].current = 1;
    }
}

/* Consecutive codes of the same step make one run of it. */
static void group_steps(struct timeline *out)
{
    for (size_t i = 0; i < out->n; i++) {
        struct tl_entry *e = &out->v[i];
        struct tl_step *s = out->ns ? &out->s[out->ns - 1] : NULL;

        if (!s || s->step != e->at.step) {
            s = &out->s[out->ns++];
            s->step = e->at.step;
            s->first = i;
            s->entered = e->entered;
        }
        s->n++;
        s->holder = e->at.holder;
        e->step = out->ns - 1;
    }
    for (size_t i = 0; i < out->ns; i++) {
        if (i + 1 < out->ns)
            out->s[i].left = out->s[i + 1].entered;
        else
            out->s[i].current = 1;
    }
}

/* Days of extension granted while the run was under way, up to what the step allows. */
static int granted_days(const struct tl_app *app, const struct tl_step *s,
                        const struct step_def *d, int64_t now)
{
    int64_t from = date_to_days(ts_to_wib_date(s->entered));
    int64_t to = s->left ? date_to_days(ts_to_wib_date(s->left)) : INT64_MAX;
    int days = 0;

    if (d->extension_days <= 0)
        return 0;
    for (size_t i = 0; i < app->next; i++) {
        const struct tl_extension *x = &app->ext[i];
        int64_t g = date_to_days(x->granted_on);

        if (x->step == s->step && x->days > 0 && g >= from && g <= to &&
            x->recorded_at < now)
            days += x->days;
    }
    return days < d->extension_days ? days : d->extension_days;
}

/* The clock of one run: days, limit, extension, takeover, breach. */
static void clock_step(struct timeline *out, struct tl_step *s, const struct tl_app *app,
                       const struct tl_ctx *ctx)
{
    const struct step_def *d = step_def_get(s->step);
    int64_t end = s->left ? s->left : d->terminal ? s->entered : ctx->now;
    struct ht_date d0 = ts_to_wib_date(s->entered), d1 = ts_to_wib_date(end);
    int64_t allowed;

    s->days = calendar_working_days_between_dates(ctx->cal, d0, d1);
    if (s->days < 0)
        s->days = 0;
    calendar_gaps_add(ctx->cal, d0, d1, &out->gaps);
    s->paused = d->paused;
    if (s->paused) {
        out->paused_days += s->days;
        return;
    }
    s->limit_days = step_limit(s->step, out->path, ctx->rules);
    if (s->limit_days == 0)
        return;
    s->extension_days = granted_days(app, s, d, ctx->now);
    s->limit_days += s->extension_days;
    allowed = s->limit_days;
    if (d->takeover != WAITS_NONE && s->days > s->limit_days) {
        s->taken_over = 1;
        s->takeover_days = d->takeover_days;
        s->holder = d->takeover;
        allowed += d->takeover_days;
    }
    if (s->days > allowed) {
        s->breach = 1;
        s->overdue = s->days - allowed;
        out->breaches++;
    }
}

int timeline_build(const struct tl_app *app, const struct tl_ctx *ctx,
                   struct timeline *out, struct ht_err *err)
{
    const struct tl_event **sorted = NULL;
    const char *channel;
    unsigned seen = 0;
    size_t n = app->nev;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    out->path = channel_path(app->channel_id);
    if (n == 0)
        return 0;
    if (n > TIMELINE_MAX_EVENTS) {
        ht_err_set(err, HT_ELIMIT, "application has %zu events, more than %d", n,
                   TIMELINE_MAX_EVENTS);
        return -1;
    }
    sorted = calloc(n, sizeof(*sorted));
    out->v = calloc(n, sizeof(*out->v));
    out->s = calloc(n, sizeof(*out->s));
    if (!sorted || !out->v || !out->s) {
        ht_err_set(err, HT_ENOMEM, "out of memory building a timeline");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i] = &app->ev[i];
        seen |= steps_code_evidence(app->ev[i].code);
    }
    /* Without a known channel, the codes may still tell the path. */
    channel = steps_channel_key(app->channel_id, seen);
    out->path = channel_path(channel);
    qsort(sorted, n, sizeof(*sorted), cmp_event);
    add_entries(out, sorted, n, channel);
    group_steps(out);
    for (size_t i = 0; i < out->ns; i++)
        clock_step(out, &out->s[i], app, ctx);
    rc = 0;
out:
    free(sorted);
    if (rc < 0)
        timeline_release(out);
    return rc;
}

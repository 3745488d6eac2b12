/* JSON renderers of the status card and the weekly report, through the one JSON writer
 * (lib/jsonw.c) in the layout the goldens hold: two-space indentation, ASCII only. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/goal.h"
#include "halaltrack/jsonw.h"
#include "halaltrack/report.h"
#include "halaltrack/banned.h"

#define REPORT_JSON_CAP (4u * JSONW_FLUSH_AT + BUF_CAP_SMALL)

/* A timestamp as UTC ISO 8601, or null for 0. */
static void ts(struct jsonw *w, const char *key, int64_t t)
{
    char text[21];

    jsonw_key(w, key);
    if (!t) {
        jsonw_null(w);
        return;
    }
    ts_format_utc(t, text);
    jsonw_str(w, text);
}

static void date(struct jsonw *w, const char *key, struct ht_date d)
{
    char text[11];

    date_format(d, text);
    jsonw_key(w, key);
    jsonw_str(w, text);
}

static void str(struct jsonw *w, const char *key, const char *v)
{
    jsonw_key(w, key);
    jsonw_str(w, v);
}

static void num(struct jsonw *w, const char *key, long long v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

static void real(struct jsonw *w, const char *key, double v)
{
    jsonw_key(w, key);
    jsonw_real(w, v);
}

static void flag(struct jsonw *w, const char *key, int v)
{
    jsonw_key(w, key);
    jsonw_bool(w, v);
}

/* An integer, or null when has is false. */
static void num_or_null(struct jsonw *w, const char *key, int has, long long v)
{
    jsonw_key(w, key);
    if (has)
        jsonw_int(w, v);
    else
        jsonw_null(w);
}

/* Runs fn to write one document to fp. */
static int document(FILE *fp, void (*fn)(struct jsonw *, const void *), const void *arg)
{
    struct buf b = BUF_INIT(REPORT_JSON_CAP);
    struct jsonw w;
    int rc;

    jsonw_init(&w, &b, fp, JSONW_PRETTY | JSONW_ASCII);
    fn(&w, arg);
    rc = jsonw_finish(&w);
    buf_release(&b);
    return rc;
}

static void status_code(struct jsonw *w, const struct tl_entry *e)
{
    jsonw_begin_object(w);
    str(w, "code", e->code);
    str(w, "stage", stage_name(e->stage));
    str(w, "label", e->sc ? stage_code_label(e->sc) : stage_label(e->stage));
    str(w, "step", step_name(e->at.step));
    str(w, "held_by", stage_waits_on_name(e->at.holder));
    ts(w, "entered", e->entered);
    date(w, "entered_date", ts_to_wib_date(e->entered));
    ts(w, "left", e->left);
    flag(w, "current", e->current);
    jsonw_end_object(w);
}

static void status_step(struct jsonw *w, const struct timeline *t,
                        const struct tl_step *e)
{
    const struct step_def *d = step_def_get(e->step);

    jsonw_begin_object(w);
    str(w, "step", step_name(e->step));
    str(w, "label", step_label(e->step));
    jsonw_key(w, "codes");
    jsonw_begin_array(w);
    for (size_t j = e->first; j < e->first + e->n; j++)
        jsonw_str(w, t->v[j].code);
    jsonw_end_array(w);
    str(w, "held_by", stage_waits_on_name(e->holder));
    ts(w, "entered", e->entered);
    date(w, "entered_date", ts_to_wib_date(e->entered));
    ts(w, "left", e->left);
    num(w, "working_days", e->days);
    num_or_null(w, "limit_days", e->limit_days != 0, e->limit_days);
    num(w, "extension_days", e->extension_days);
    flag(w, "taken_over", e->taken_over);
    num(w, "takeover_days", e->takeover_days);
    str(w, "law", d->law[0] ? d->law : NULL);
    flag(w, "clock_paused", e->paused);
    flag(w, "breach", e->breach);
    num(w, "overdue_days", e->overdue);
    flag(w, "current", e->current);
    jsonw_end_object(w);
}

static void gaps(struct jsonw *w, const struct cal_gaps *g)
{
    jsonw_key(w, "calendar_gaps");
    jsonw_begin_array(w);
    for (size_t i = 0; i < g->n; i++)
        jsonw_int(w, g->year[i]);
    jsonw_end_array(w);
}

static void status_app(struct jsonw *w, const struct report_app *a,
                       const struct timeline *t)
{
    const struct tl_step *cur = timeline_current(t);
    const struct tl_entry *last = t->n ? &t->v[t->n - 1] : NULL;
    int open = cur && !step_def_get(cur->step)->terminal;

    jsonw_begin_object(w);
    str(w, "id_reg", a->id_reg);
    str(w, "no_daftar", a->no_daftar);
    str(w, "channel_id", a->channel_id);
    str(w, "path", path_name(t->path));
    str(w, "status_code", a->status_code);
    str(w, "certificate_no", a->certificate_no);
    str(w, "certificate_date", a->certificate_date);
    str(w, "history_source", a->observed ? "observed" : "upstream");
    jsonw_key(w, "steps");
    jsonw_begin_array(w);
    for (size_t j = 0; j < t->ns; j++)
        status_step(w, t, &t->s[j]);
    jsonw_end_array(w);
    jsonw_key(w, "timeline");
    jsonw_begin_array(w);
    for (size_t j = 0; j < t->n; j++)
        status_code(w, &t->v[j]);
    jsonw_end_array(w);
    str(w, "stage", last ? stage_name(last->stage) : "unknown");
    str(w, "step", cur ? step_name(cur->step) : "unknown");
    str(w, "waits_on", open ? stage_waits_on_name(cur->holder) : "none");
    flag(w, "clock_paused", open && cur->paused);
    str(w, "next_step", last ? steps_next(&last->at) : NULL);
    num(w, "breaches", t->breaches);
    gaps(w, &t->gaps);
    jsonw_end_object(w);
}

struct status_args {
    const struct report_msme *m;
    const struct timeline *tl;
    int64_t now;
};

static void status_doc(struct jsonw *w, const void *arg)
{
    const struct status_args *s = arg;
    const struct report_msme *m = s->m;

    jsonw_begin_object(w);
    str(w, "nib", m->nib);
    str(w, "business_name", m->business_name);
    str(w, "owner", m->owner_name);
    str(w, "kelurahan_code", m->kelurahan_code);
    str(w, "kelurahan", m->kelurahan);
    str(w, "kecamatan", m->kecamatan);
    str(w, "kbli", m->kbli);
    str(w, "size", m->size_class);
    jsonw_key(w, "applications");
    jsonw_begin_array(w);
    for (size_t i = 0; i < m->napps; i++)
        status_app(w, &m->apps[i], &s->tl[i]);
    jsonw_end_array(w);
    ts(w, "data_as_of", report_data_as_of(m, s->tl));
    ts(w, "now", s->now);
    {
        struct cal_gaps g = {{0}, 0, 0};

        for (size_t i = 0; i < m->napps; i++)
            calendar_gaps_merge(&g, &s->tl[i].gaps);
        gaps(w, &g);
    }
    jsonw_end_object(w);
}

int report_status_json(FILE *fp, const struct report_msme *m, const struct timeline *tl,
                       int64_t now)
{
    const struct status_args a = {m, tl, now};

    return document(fp, status_doc, &a);
}

static void areas(struct jsonw *w, const char *key, const struct weekly_area *v, size_t n)
{
    jsonw_key(w, key);
    jsonw_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_begin_object(w);
        str(w, "code", v[i].code);
        str(w, "name", v[i].name);
        if (v[i].parent_code)
            str(w, "kecamatan_code", v[i].parent_code);
        num(w, "msmes", v[i].msmes);
        num(w, "applied", v[i].applied);
        num(w, "certified", v[i].certified);
        num(w, "certified_week", v[i].certified_week);
        num_or_null(w, "goal_target", v[i].goal_target != 0, v[i].goal_target);
        num_or_null(w, "goal_done", v[i].goal_target != 0, v[i].goal_done);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_actions(struct jsonw *w, const struct weekly_report *r)
{
    jsonw_key(w, "actions");
    jsonw_begin_object(w);
    for (int k = 0; k < ACTION__COUNT; k++)
        num(w, action_reason_name((enum action_reason)k), r->actions_by[k]);
    num(w, "total", r->actions_total);
    jsonw_end_object(w);
    jsonw_key(w, "action_list");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->nactions; i++) {
        const struct weekly_action *a = &r->actions[i];

        jsonw_begin_object(w);
        str(w, "reason", action_reason_name(a->reason));
        str(w, "waits_on", stage_waits_on_name(a->waits_on));
        str(w, "nib", a->nib);
        str(w, "name", a->name);
        str(w, "kelurahan", a->kelurahan);
        str(w, "kecamatan", a->kecamatan);
        str(w, "phone", a->phone);
        str(w, "id_reg", a->id_reg);
        str(w, "code", a->code);
        ts(w, "since", a->since);
        num(w, "age_days", a->days);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_head(struct jsonw *w, const struct weekly_report *r)
{
    str(w, "office", r->office);
    str(w, "week", r->week);
    date(w, "from", r->monday);
    date(w, "to", r->sunday);
    ts(w, "as_of", r->end);
    str(w, "totals_hash", r->hash);
    jsonw_key(w, "headline");
    jsonw_begin_object(w);
    num(w, "certified_week", r->certified_week);
    num(w, "certified_prev_week", r->certified_prev_week);
    num(w, "certified_total", r->certified_total);
    jsonw_end_object(w);
    jsonw_key(w, "mandatory");
    jsonw_begin_object(w);
    {
        const struct goal_mandatory *sm = goal_mandatory_small(),
                                    *lg = goal_mandatory_large();

        date(w, "small_deadline", sm->deadline);
        str(w, "small_law", sm->law);
        num(w, "small_days_left", goal_days_to(sm->deadline, r->sunday));
        num(w, "small_not_certified", r->mandatory.small_left);
        date(w, "large_deadline", lg->deadline);
        str(w, "large_law", lg->law);
        num(w, "large_not_certified", r->mandatory.large_left);
    }
    jsonw_end_object(w);
    jsonw_key(w, "trend");
    jsonw_begin_array(w);
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++) {
        jsonw_begin_object(w);
        str(w, "week", r->trend[i].week);
        num(w, "certified", r->trend[i].certified);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_funnel(struct jsonw *w, const struct weekly_report *r)
{
    jsonw_key(w, "funnel");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];

        jsonw_begin_object(w);
        str(w, "stage", stage_name(f->stage));
        str(w, "label", stage_label(f->stage));
        num(w, "reguler", f->reguler);
        num(w, "self_declare", f->self_declare);
        num(w, "other", f->other);
        num(w, "total", f->total);
        num(w, "last_week", f->total_prev);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_goals(struct jsonw *w, const struct weekly_report *r)
{
    jsonw_key(w, "goals");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->ngoals; i++) {
        const struct weekly_goal *g = &r->goals[i];

        jsonw_begin_object(w);
        num(w, "id", g->id);
        str(w, "name", g->name);
        str(w, "scope_kind", g->scope_kind);
        str(w, "scope_value", g->scope_value);
        str(w, "metric", g->metric);
        num(w, "target", g->target);
        num(w, "done", g->done);
        num(w, "done_week_ago", g->done_week_ago);
        real(w, "percent", g->calc.percent);
        real(w, "weeks_left", g->calc.weeks_left);
        real(w, "rate_needed", g->calc.rate_needed);
        real(w, "rate_recent", g->calc.rate_recent);
        jsonw_key(w, "projected");
        if (g->calc.has_projection) {
            char d[11];

            date_format(g->calc.projected, d);
            jsonw_str(w, d);
        } else {
            jsonw_null(w);
        }
        str(w, "status", goal_status_name(g->calc.status));
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_movers(struct jsonw *w, const struct weekly_report *r)
{
    jsonw_key(w, "movers");
    jsonw_begin_object(w);
    for (int k = 0; k < MOVE__COUNT; k++)
        num(w, weekly_move_name((enum weekly_move)k), r->moves[k]);
    jsonw_end_object(w);
    jsonw_key(w, "mover_list");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->nmovers; i++) {
        const struct weekly_mover *m = &r->movers[i];

        jsonw_begin_object(w);
        str(w, "kind", weekly_move_name(m->kind));
        str(w, "nib", m->nib);
        str(w, "name", m->name);
        str(w, "kelurahan", m->kelurahan);
        str(w, "id_reg", m->id_reg);
        str(w, "code", m->code);
        ts(w, "at", m->at);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_stuck(struct jsonw *w, const struct weekly_report *r)
{
    jsonw_key(w, "stuck");
    jsonw_begin_object(w);
    for (int k = 1; k < WAITS__COUNT; k++)
        num(w, stage_waits_on_name((enum ht_waits_on)k), r->stuck_by[k]);
    num(w, "total", r->stuck_total);
    jsonw_end_object(w);
    jsonw_key(w, "stuck_list");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->nstuck; i++) {
        const struct weekly_stuck *s = &r->stuck[i];

        jsonw_begin_object(w);
        str(w, "nib", s->nib);
        str(w, "name", s->name);
        str(w, "kelurahan", s->kelurahan);
        str(w, "phone", s->phone);
        str(w, "id_reg", s->id_reg);
        str(w, "code", s->code);
        str(w, "waits_on", stage_waits_on_name(s->waits_on));
        str(w, "step", step_name(s->step));
        ts(w, "since", s->since);
        num(w, "working_days", s->days);
        num(w, "limit_days", s->limit);
        num(w, "extension_days", s->extension);
        flag(w, "taken_over", s->taken_over);
        num(w, "days_overdue", s->overdue);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

/* Facilitation programme quotas; the member is left out when the office has none. */
static void weekly_programmes(struct jsonw *w, const struct weekly_report *r)
{
    if (!r->nprogrammes && !r->cert_matched && !r->cert_awaiting)
        return;
    jsonw_key(w, "certified_by_source");
    jsonw_begin_object(w);
    num(w, "programme", r->cert_programme);
    num(w, "matched", r->cert_matched);
    num(w, "awaiting", r->cert_awaiting);
    jsonw_end_object(w);
    if (!r->nprogrammes)
        return;
    jsonw_key(w, "programmes");
    jsonw_begin_array(w);
    for (size_t i = 0; i < r->nprogrammes; i++) {
        const struct weekly_programme *g = &r->programmes[i];
        char line[512];

        programme_explain(&g->in, &g->calc, line, sizeof(line));
        jsonw_begin_object(w);
        str(w, "kode_fac", g->kode_fac);
        str(w, "name", g->name);
        num_or_null(w, "kuota", g->kuota >= 0, g->kuota);
        num(w, "used", g->used);
        num(w, "certified", g->certified);
        num(w, "left", g->calc.left);
        num_or_null(w, "days_left", g->calc.days_left >= 0, g->calc.days_left);
        real(w, "rate_needed", g->calc.rate_needed);
        real(w, "rate_recent", g->calc.rate_recent);
        num(w, "projected", g->calc.projected);
        num(w, "unused", g->calc.unused);
        num(w, "over", g->calc.over);
        str(w, "outlook", programme_outlook_name(g->calc.outlook));
        flag(w, "alert", programme_outlook_alert(g->calc.outlook));
        str(w, "arithmetic", line);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void weekly_doc(struct jsonw *w, const void *arg)
{
    const struct weekly_report *r = arg;

    jsonw_begin_object(w);
    weekly_head(w, r);
    weekly_funnel(w, r);
    weekly_goals(w, r);
    areas(w, "kecamatan", r->kecamatan, r->nkecamatan);
    areas(w, "kelurahan", r->kelurahan, r->nkelurahan);
    weekly_movers(w, r);
    weekly_stuck(w, r);
    weekly_actions(w, r);
    gaps(w, &r->gaps);
    jsonw_key(w, "quality");
    jsonw_begin_object(w);
    num(w, "quarantined", r->quarantined);
    num(w, "unmatched", r->unmatched);
    num(w, "observed_history", r->observed_history);
    ts(w, "last_observed", r->last_observed);
    ts(w, "last_sync", r->last_sync);
    jsonw_end_object(w);
    weekly_programmes(w, r);
    jsonw_end_object(w);
}

int report_weekly_json(FILE *fp, const struct weekly_report *r)
{
    return document(fp, weekly_doc, r);
}

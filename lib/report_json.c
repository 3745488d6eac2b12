/* JSON renderers (the one report module allowed jansson): tables, status, weekly. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/report.h"
#include "halaltrack/banned.h"

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jts(int64_t t)
{
    char buf[21];

    if (!t)
        return json_null();
    ts_format_utc(t, buf);
    return json_string(buf);
}

static json_t *jdate(struct ht_date d)
{
    char buf[11];

    date_format(d, buf);
    return json_string(buf);
}

static int dump(FILE *fp, json_t *root)
{
    int rc;

    if (!root)
        return -1;
    rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (rc < 0)
        return -1;
    fputc('\n', fp);
    return ferror(fp) ? -1 : 0;
}

int report_table_json(FILE *fp, const struct rtable *t)
{
    json_t *arr = json_array();

    for (int r = 0; arr && r < t->nrows; r++) {
        json_t *o = json_object();

        for (int c = 0; o && c < t->ncols; c++) {
            const char *v = t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
            json_t *x;

            if (!v) {
                x = json_null();
            } else if (t->numeric & (1u << c)) {
                char *end;
                double d = strtod(v, &end);
                long long ll = strtoll(v, NULL, 10);

                if (*end)
                    x = json_string(v);
                else if (strchr(v, '.'))
                    x = json_real(d);
                else
                    x = json_integer(ll);
            } else {
                x = json_string(v);
            }
            json_object_set_new(o, t->keys[c], x);
        }
        json_array_append_new(arr, o);
    }
    return dump(fp, arr);
}

int report_status_json(FILE *fp, const struct report_msme *m, const struct timeline *tl,
                       int64_t now)
{
    json_t *root = json_object(), *apps = json_array();
    int64_t newest = 0;

    json_object_set_new(root, "nib", jstr(m->nib));
    json_object_set_new(root, "business_name", jstr(m->business_name));
    json_object_set_new(root, "owner", jstr(m->owner_name));
    json_object_set_new(root, "kelurahan_code", jstr(m->kelurahan_code));
    json_object_set_new(root, "kelurahan", jstr(m->kelurahan));
    json_object_set_new(root, "kecamatan", jstr(m->kecamatan));
    json_object_set_new(root, "kbli", jstr(m->kbli));
    json_object_set_new(root, "size", jstr(m->size_class));
    for (size_t i = 0; i < m->napps; i++) {
        const struct report_app *a = &m->apps[i];
        const struct timeline *t = &tl[i];
        json_t *app = json_object(), *steps = json_array();
        const struct tl_entry *cur = t->n ? &t->v[t->n - 1] : NULL;

        if (t->last_observed > newest)
            newest = t->last_observed;
        if (a->observed_at > newest)
            newest = a->observed_at;
        json_object_set_new(app, "id_reg", jstr(a->id_reg));
        json_object_set_new(app, "no_daftar", jstr(a->no_daftar));
        json_object_set_new(app, "channel_id", jstr(a->channel_id));
        json_object_set_new(app, "status_code", jstr(a->status_code));
        json_object_set_new(app, "certificate_no", jstr(a->certificate_no));
        json_object_set_new(app, "certificate_date", jstr(a->certificate_date));
        for (size_t j = 0; j < t->n; j++) {
            const struct tl_entry *e = &t->v[j];
            json_t *s = json_object();

            json_object_set_new(s, "code", json_string(e->code));
            json_object_set_new(s, "stage", json_string(stage_name(e->stage)));
            json_object_set_new(
                s, "label",
                json_string(e->sc ? stage_code_label(e->sc) : stage_label(e->stage)));
            json_object_set_new(s, "entered", jts(e->entered));
            json_object_set_new(s, "entered_date", jdate(ts_to_wib_date(e->entered)));
            json_object_set_new(s, "left", jts(e->left));
            json_object_set_new(s, "working_days", json_integer(e->days));
            json_object_set_new(s, "limit_days",
                                e->limit_days ? json_integer(e->limit_days)
                                              : json_null());
            json_object_set_new(s, "waits_on",
                                json_string(stage_waits_on_name(e->waits_on)));
            json_object_set_new(s, "clock_paused", json_boolean(e->paused));
            json_object_set_new(s, "breach", json_boolean(e->breach));
            json_object_set_new(s, "overdue_days", json_integer(e->overdue));
            json_object_set_new(s, "current", json_boolean(e->current));
            json_array_append_new(steps, s);
        }
        json_object_set_new(app, "timeline", steps);
        json_object_set_new(app, "stage",
                            json_string(cur ? stage_name(cur->stage) : "unknown"));
        json_object_set_new(app, "waits_on",
                            json_string(cur && !stage_def_get(cur->stage)->terminal
                                            ? stage_waits_on_name(cur->waits_on)
                                            : "none"));
        json_object_set_new(
            app, "clock_paused",
            json_boolean(cur && cur->paused && !stage_def_get(cur->stage)->terminal));
        json_object_set_new(app, "next_step",
                            cur && cur->sc ? json_string(stage_code_next(cur->sc))
                                           : json_null());
        json_object_set_new(app, "breaches", json_integer(t->breaches));
        json_array_append_new(apps, app);
    }
    json_object_set_new(root, "applications", apps);
    json_object_set_new(root, "data_as_of", jts(newest));
    json_object_set_new(root, "now", jts(now));
    return dump(fp, root);
}

static json_t *areas(const struct weekly_area *v, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();

        json_object_set_new(o, "code", jstr(v[i].code));
        json_object_set_new(o, "name", jstr(v[i].name));
        if (v[i].parent_code)
            json_object_set_new(o, "kecamatan_code", jstr(v[i].parent_code));
        json_object_set_new(o, "msmes", json_integer(v[i].msmes));
        json_object_set_new(o, "applied", json_integer(v[i].applied));
        json_object_set_new(o, "certified", json_integer(v[i].certified));
        json_object_set_new(o, "certified_week", json_integer(v[i].certified_week));
        json_object_set_new(o, "goal_target",
                            v[i].goal_target ? json_integer(v[i].goal_target)
                                             : json_null());
        json_object_set_new(o, "goal_done",
                            v[i].goal_target ? json_integer(v[i].goal_done)
                                             : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

int report_weekly_json(FILE *fp, const struct weekly_report *r)
{
    json_t *root = json_object(), *o, *arr;

    json_object_set_new(root, "week", json_string(r->week));
    json_object_set_new(root, "from", jdate(r->monday));
    json_object_set_new(root, "to", jdate(r->sunday));
    json_object_set_new(root, "as_of", jts(r->end));
    json_object_set_new(root, "totals_hash", json_string(r->hash));

    o = json_object();
    json_object_set_new(o, "certified_week", json_integer(r->certified_week));
    json_object_set_new(o, "certified_prev_week", json_integer(r->certified_prev_week));
    json_object_set_new(o, "certified_total", json_integer(r->certified_total));
    json_object_set_new(root, "headline", o);

    arr = json_array();
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++) {
        o = json_object();
        json_object_set_new(o, "week", json_string(r->trend[i].week));
        json_object_set_new(o, "certified", json_integer(r->trend[i].certified));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "trend", arr);

    arr = json_array();
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];
        o = json_object();
        json_object_set_new(o, "stage", json_string(stage_name(f->stage)));
        json_object_set_new(o, "label", json_string(stage_label(f->stage)));
        json_object_set_new(o, "reguler", json_integer(f->reguler));
        json_object_set_new(o, "self_declare", json_integer(f->self_declare));
        json_object_set_new(o, "other", json_integer(f->other));
        json_object_set_new(o, "total", json_integer(f->total));
        json_object_set_new(o, "last_week", json_integer(f->total_prev));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "funnel", arr);

    arr = json_array();
    for (size_t i = 0; i < r->ngoals; i++) {
        const struct weekly_goal *g = &r->goals[i];
        o = json_object();
        json_object_set_new(o, "id", json_integer(g->id));
        json_object_set_new(o, "name", jstr(g->name));
        json_object_set_new(o, "scope_kind", jstr(g->scope_kind));
        json_object_set_new(o, "scope_value", jstr(g->scope_value));
        json_object_set_new(o, "metric", jstr(g->metric));
        json_object_set_new(o, "target", json_integer(g->target));
        json_object_set_new(o, "done", json_integer(g->done));
        json_object_set_new(o, "done_week_ago", json_integer(g->done_week_ago));
        json_object_set_new(o, "percent", json_real(g->calc.percent));
        json_object_set_new(o, "weeks_left", json_real(g->calc.weeks_left));
        json_object_set_new(o, "rate_needed", json_real(g->calc.rate_needed));
        json_object_set_new(o, "rate_recent", json_real(g->calc.rate_recent));
        json_object_set_new(o, "projected",
                            g->calc.has_projection ? jdate(g->calc.projected)
                                                   : json_null());
        json_object_set_new(o, "status", json_string(goal_status_name(g->calc.status)));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "goals", arr);
    json_object_set_new(root, "kecamatan", areas(r->kecamatan, r->nkecamatan));
    json_object_set_new(root, "kelurahan", areas(r->kelurahan, r->nkelurahan));

    o = json_object();
    for (int k = 0; k < MOVE__COUNT; k++)
        json_object_set_new(o, weekly_move_name((enum weekly_move)k),
                            json_integer(r->moves[k]));
    json_object_set_new(root, "movers", o);
    arr = json_array();
    for (size_t i = 0; i < r->nmovers; i++) {
        const struct weekly_mover *m = &r->movers[i];
        o = json_object();
        json_object_set_new(o, "kind", json_string(weekly_move_name(m->kind)));
        json_object_set_new(o, "nib", jstr(m->nib));
        json_object_set_new(o, "name", jstr(m->name));
        json_object_set_new(o, "kelurahan", jstr(m->kelurahan));
        json_object_set_new(o, "id_reg", jstr(m->id_reg));
        json_object_set_new(o, "code", jstr(m->code));
        json_object_set_new(o, "at", jts(m->at));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "mover_list", arr);

    o = json_object();
    for (int w = 1; w < WAITS__COUNT; w++)
        json_object_set_new(o, stage_waits_on_name((enum ht_waits_on)w),
                            json_integer(r->stuck_by[w]));
    json_object_set_new(o, "total", json_integer(r->stuck_total));
    json_object_set_new(root, "stuck", o);
    arr = json_array();
    for (size_t i = 0; i < r->nstuck; i++) {
        const struct weekly_stuck *s = &r->stuck[i];
        o = json_object();
        json_object_set_new(o, "nib", jstr(s->nib));
        json_object_set_new(o, "name", jstr(s->name));
        json_object_set_new(o, "kelurahan", jstr(s->kelurahan));
        json_object_set_new(o, "phone", jstr(s->phone));
        json_object_set_new(o, "id_reg", jstr(s->id_reg));
        json_object_set_new(o, "code", jstr(s->code));
        json_object_set_new(o, "waits_on", json_string(stage_waits_on_name(s->waits_on)));
        json_object_set_new(o, "since", jts(s->since));
        json_object_set_new(o, "working_days", json_integer(s->days));
        json_object_set_new(o, "limit_days", json_integer(s->limit));
        json_object_set_new(o, "days_overdue", json_integer(s->overdue));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "stuck_list", arr);

    o = json_object();
    json_object_set_new(o, "quarantined", json_integer(r->quarantined));
    json_object_set_new(o, "unmatched", json_integer(r->unmatched));
    json_object_set_new(o, "last_observed", jts(r->last_observed));
    json_object_set_new(o, "last_sync", jts(r->last_sync));
    json_object_set_new(root, "quality", o);
    return dump(fp, root);
}

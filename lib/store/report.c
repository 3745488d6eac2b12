/* Report queries: set-based SQL over the views and functions of sql/definitions/, rows
 * copied into structs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

/* ---- small row helpers ---- */

static char *dup_cell(const struct store_rows *r, int row, int col)
{
    return xstrdup_or_null(store_rows_get(r, row, col));
}

static long long_cell(const struct store_rows *r, int row, int col)
{
    const char *v = store_rows_get(r, row, col);
    int64_t x = 0;

    if (v && parse_i64(v, INT64_MIN, INT64_MAX, &x, NULL) < 0)
        x = 0;
    return (long)x;
}

static int64_t i64_cell(const struct store_rows *r, int row, int col)
{
    const char *v = store_rows_get(r, row, col);
    int64_t x = 0;

    if (v && parse_i64(v, INT64_MIN, INT64_MAX, &x, NULL) < 0)
        x = 0;
    return x;
}

static struct ht_date date_cell(const struct store_rows *r, int row, int col)
{
    struct ht_date d = {1970, 1, 1};
    const char *v = store_rows_get(r, row, col);

    if (v && date_parse(v, &d, NULL) < 0)
        d = (struct ht_date){1970, 1, 1};
    return d;
}

static void ts_param(int64_t t, char out[32])
{
    snprintf(out, 32, "%lld", (long long)t);
}

/* Reports aggregate large sets in one statement: give the session room to hash and sort
 * in memory (a session setting of this CLI process only). */
static int tune(struct store *s, struct ht_err *err)
{
    return store_exec(s, "SET work_mem = '256MB'", err);
}

static int nomem(struct ht_err *err)
{
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

/* ---- status NIB ---- */

void report_msme_release(struct report_msme *m)
{
    if (!m)
        return;
    free(m->nib), free(m->business_name), free(m->owner_name), free(m->kbli);
    free(m->kbli_title), free(m->size_class), free(m->kelurahan_code), free(m->kelurahan);
    free(m->kecamatan), free(m->phone), free(m->address);
    for (size_t i = 0; i < m->napps; i++) {
        struct report_app *a = &m->apps[i];
        free(a->id_reg), free(a->no_daftar), free(a->channel_id), free(a->status_code);
        free(a->certificate_no), free(a->certificate_date), free(a->events);
        free(a->ext);
    }
    free(m->apps);
    memset(m, 0, sizeof(*m));
}

/* The extensions of application id among rows (application_id, step, days, granted_on).
 */
static int app_extensions(struct report_app *a, const struct store_rows *ex,
                          const char *id)
{
    size_t k = 0;

    for (int j = 0; j < ex->nrows; j++)
        k += strcmp(store_rows_get(ex, j, 0), id) == 0;
    if (k == 0)
        return 0;
    if (!(a->ext = calloc(k, sizeof(*a->ext))))
        return -1;
    for (int j = 0; j < ex->nrows; j++) {
        struct tl_extension *x;

        if (strcmp(store_rows_get(ex, j, 0), id) != 0)
            continue;
        x = &a->ext[a->next++];
        if (step_parse(store_rows_get(ex, j, 1), &x->step) < 0)
            x->step = STEP_UNKNOWN;
        x->days = (int)long_cell(ex, j, 2);
        x->granted_on = date_cell(ex, j, 3);
        x->recorded_at = i64_cell(ex, j, 4);
    }
    return 0;
}

int store_report_msme(struct store *s, const char *nib, struct report_msme *out,
                      struct ht_err *err)
{
    struct store_rows r = {0}, ev = {0}, ex = {0};
    const char *p[1] = {nib};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (store_query_rows(
            s,
            "SELECT m.nib, m.business_name, m.owner_name, m.kbli, k.title,"
            " m.size_class, m.kelurahan_code, kl.name, kc.name, m.phone, m.address"
            " FROM msme m JOIN region kl ON kl.code = m.kelurahan_code"
            " LEFT JOIN region kc ON kc.code = kl.parent_code"
            " LEFT JOIN kbli k ON k.code = m.kbli WHERE m.nib = $1",
            1, p, &r, err) < 0)
        goto out;
    if (r.nrows == 0) {
        rc = 1;
        goto out;
    }
    out->nib = dup_cell(&r, 0, 0);
    out->business_name = dup_cell(&r, 0, 1);
    out->owner_name = dup_cell(&r, 0, 2);
    out->kbli = dup_cell(&r, 0, 3);
    out->kbli_title = dup_cell(&r, 0, 4);
    out->size_class = dup_cell(&r, 0, 5);
    out->kelurahan_code = dup_cell(&r, 0, 6);
    out->kelurahan = dup_cell(&r, 0, 7);
    out->kecamatan = dup_cell(&r, 0, 8);
    out->phone = dup_cell(&r, 0, 9);
    out->address = dup_cell(&r, 0, 10);
    store_rows_release(&r);

    /* Applications linked to the MSME or carrying its NIB, oldest first, with events. */
    if (store_query_rows(
            s,
            "SELECT a.id, a.id_reg, a.no_daftar, a.channel_id, a.status_code,"
            " a.certificate_no, a.certificate_date::text,"
            " extract(epoch FROM a.tgl_daftar)::bigint,"
            " extract(epoch FROM application_observed_at(a.observed_at,"
            " a.missing_since))::bigint,"
            " a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL"
            " FROM application a JOIN msme m ON m.nib = $1"
            " WHERE a.msme_id = m.id OR a.nib = $1"
            " ORDER BY a.tgl_daftar NULLS LAST, a.id",
            1, p, &r, err) < 0)
        goto out;
    if (store_query_rows(
            s,
            "SELECT e.application_id, e.status_code,"
            " extract(epoch FROM e.at)::bigint,"
            " extract(epoch FROM e.observed_at)::bigint"
            " FROM stage_event e JOIN application a ON a.id = e.application_id"
            " JOIN msme m ON m.nib = $1 WHERE a.msme_id = m.id OR a.nib = $1"
            " ORDER BY e.application_id, e.at, e.id",
            1, p, &ev, err) < 0)
        goto out;
    if (store_query_rows(
            s,
            "SELECT x.application_id, x.step, x.days, x.granted_on::text,"
            " extract(epoch FROM x.created_at)::bigint"
            " FROM step_extension x JOIN application a ON a.id = x.application_id"
            " JOIN msme m ON m.nib = $1 WHERE a.msme_id = m.id OR a.nib = $1"
            " ORDER BY x.application_id, x.granted_on, x.id",
            1, p, &ex, err) < 0)
        goto out;
    if (r.nrows > 0) {
        out->apps = calloc((size_t)r.nrows, sizeof(*out->apps));
        if (!out->apps) {
            nomem(err);
            goto out;
        }
    }
    for (int i = 0; i < r.nrows; i++) {
        struct report_app *a = &out->apps[out->napps++];
        const char *id = store_rows_get(&r, i, 0);
        size_t k = 0;

        a->id_reg = dup_cell(&r, i, 1);
        a->no_daftar = dup_cell(&r, i, 2);
        a->channel_id = dup_cell(&r, i, 3);
        a->status_code = dup_cell(&r, i, 4);
        a->certificate_no = dup_cell(&r, i, 5);
        a->certificate_date = dup_cell(&r, i, 6);
        a->tgl_daftar = i64_cell(&r, i, 7);
        a->observed_at = i64_cell(&r, i, 8);
        a->observed = strcmp(store_rows_get(&r, i, 9), "t") == 0;
        if (app_extensions(a, &ex, id) < 0) {
            nomem(err);
            goto out;
        }
        for (int j = 0; j < ev.nrows; j++)
            k += strcmp(store_rows_get(&ev, j, 0), id) == 0;
        if (k == 0)
            continue;
        a->events = calloc(k, sizeof(*a->events));
        if (!a->events) {
            nomem(err);
            goto out;
        }
        for (int j = 0; j < ev.nrows; j++) {
            struct tl_event *e;

            if (strcmp(store_rows_get(&ev, j, 0), id) != 0)
                continue;
            e = &a->events[a->nevents++];
            snprintf(e->code, sizeof(e->code), "%s", store_rows_get(&ev, j, 1));
            e->at = i64_cell(&ev, j, 2);
            e->observed_at = i64_cell(&ev, j, 3);
        }
    }
    rc = 0;
out:
    store_rows_release(&r);
    store_rows_release(&ev);
    store_rows_release(&ex);
    if (rc < 0)
        report_msme_release(out);
    return rc;
}

void report_timelines_free(struct timeline *tl, size_t n)
{
    for (size_t i = 0; tl && i < n; i++)
        timeline_release(&tl[i]);
    free(tl);
}

int store_report_timelines(struct store *s, const struct report_msme *m, int64_t now,
                           struct timeline **out, struct ht_err *err)
{
    struct ht_settings set;
    struct calendar *cal = NULL;
    int rc = -1;

    *out = NULL;
    if (m->napps == 0)
        return 0;
    if (store_clock_load(s, &set, &cal, err) < 0)
        return -1;
    if (!(*out = calloc(m->napps, sizeof(**out)))) {
        nomem(err);
        goto out;
    }
    for (size_t i = 0; i < m->napps; i++) {
        const struct report_app *a = &m->apps[i];
        const struct tl_app app = {a->channel_id, a->events, a->nevents, a->ext, a->next};
        const struct tl_ctx ctx = {cal, set.rules, now};

        if (timeline_build(&app, &ctx, &(*out)[i], err) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0) {
        report_timelines_free(*out, m->napps);
        *out = NULL;
    }
    calendar_free(cal);
    return rc;
}

int store_report_unmatched_apps(struct store *s, const char *nib, long *count,
                                struct ht_err *err)
{
    const char *p[1] = {nib};
    char *v = NULL;
    int rc = store_query_value(s, "SELECT count(*) FROM application WHERE nib = $1", 1, p,
                               &v, err);

    *count = 0;
    if (rc == 0 && v)
        *count = strtol(v, NULL, 10);
    free(v);
    return rc < 0 ? -1 : 0;
}

/* ---- goals ---- */

static int resolve_region(struct store *s, const struct goal_scope *sc, char **code,
                          struct ht_err *err)
{
    const char *level = goal_scope_kind_name(sc->kind);
    const char *p[2] = {sc->value, level};
    struct store_rows r = {0};
    int rc = -1;

    if (store_query_rows(
            s,
            sc->value_is_code
                ? "SELECT code, name FROM region WHERE code = $1 AND level = $2"
                : "SELECT code, name FROM region WHERE lower(name) = lower($1)"
                  " AND level = $2 ORDER BY code",
            2, p, &r, err) < 0)
        return -1;
    if (r.nrows == 0) {
        ht_err_set(err, HT_ENOTFOUND, _("no %s '%s' in the region table"), level,
                   sc->value);
    } else if (r.nrows > 1) {
        ht_err_set(err, HT_EINVAL,
                   _("%s name '%s' is ambiguous (%s, %s...): give the code"), level,
                   sc->value, store_rows_get(&r, 0, 0), store_rows_get(&r, 1, 0));
    } else {
        *code = dup_cell(&r, 0, 0);
        rc = *code ? 0 : nomem(err);
    }
    store_rows_release(&r);
    return rc;
}

int store_report_goal_add(struct store *s, const struct report_goal_new *g, long *id,
                          struct ht_err *err)
{
    char *code = NULL, *v = NULL;
    char start[11], deadline[11], target[24];
    const char *value = NULL;
    const char *p[7];
    int rc = -1;

    switch (g->scope.kind) {
    case GOAL_SCOPE_KECAMATAN:
    case GOAL_SCOPE_KELURAHAN:
        if (resolve_region(s, &g->scope, &code, err) < 0)
            goto out;
        value = code;
        break;
    case GOAL_SCOPE_KBLI: {
        const char *q[1] = {g->scope.value};
        int f = store_query_value(
            s, "SELECT code FROM kbli WHERE starts_with(code, $1) LIMIT 1", 1, q, &v,
            err);
        if (f < 0)
            goto out;
        if (f == 1) {
            ht_err_set(err, HT_ENOTFOUND, _("no KBLI code starts with '%s'"),
                       g->scope.value);
            goto out;
        }
        value = g->scope.value;
        break;
    }
    case GOAL_SCOPE_PROGRAM:
        value = g->scope.value;
        break;
    case GOAL_SCOPE_KODE_FAC: {
        const char *q[1] = {g->scope.value};
        int f = store_query_value(
            s, "SELECT kode_fac FROM facilitation_programme WHERE kode_fac = $1 LIMIT 1",
            1, q, &v, err);
        if (f < 0)
            goto out;
        if (f == 1) {
            ht_err_set(
                err, HT_ENOTFOUND,
                _("no facilitation programme with code '%s' (halaltrack programmes "
                  "lists them)"),
                g->scope.value);
            goto out;
        }
        value = g->scope.value;
        break;
    }
    default:
        value = NULL;
        break;
    }
    if (date_to_days(g->deadline) <= date_to_days(g->start)) {
        date_format(g->deadline, deadline);
        date_format(g->start, start);
        ht_err_set(err, HT_EINVAL, _("deadline %s is not after the start date %s"),
                   deadline, start);
        goto out;
    }
    date_format(g->start, start);
    date_format(g->deadline, deadline);
    snprintf(target, sizeof(target), "%ld", g->target);
    p[0] = g->name;
    p[1] = goal_scope_kind_name(g->scope.kind);
    p[2] = value;
    p[3] = g->metric;
    p[4] = target;
    p[5] = start;
    p[6] = deadline;
    free(v);
    v = NULL;
    {
        int q = store_query_value(
            s,
            "INSERT INTO goal (name, scope_kind, scope_value, metric,"
            " target, start_date, deadline) VALUES ($1,$2,$3,$4,$5,$6,$7)"
            " ON CONFLICT (name) DO NOTHING RETURNING id",
            7, p, &v, err);
        if (q < 0)
            goto out;
        if (q == 1) {
            ht_err_set(err, HT_ECONFLICT, _("a goal named '%s' already exists"), g->name);
            goto out;
        }
    }
    *id = v ? strtol(v, NULL, 10) : 0;
    rc = 0;
out:
    free(code);
    free(v);
    return rc;
}

int store_report_goal_remove(struct store *s, const char *name_or_id, struct ht_err *err)
{
    const char *p[1] = {name_or_id};
    long n = 0;

    if (store_command(s, "DELETE FROM goal WHERE name = $1 OR id::text = $1", 1, p, &n,
                      err) < 0)
        return -1;
    return n == 0 ? 1 : 0;
}

void report_goals_free(struct weekly_goal *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].name), free(g[i].scope_kind), free(g[i].scope_value), free(g[i].metric);
    }
    free(g);
}

static int load_goals(struct store *s, int64_t t, struct weekly_goal **out, size_t *n,
                      struct ht_err *err)
{
    struct store_rows r = {0};
    char ts[32];
    const char *p[1] = {ts};
    int rc = -1;

    *out = NULL;
    *n = 0;
    ts_param(t, ts);
    if (tune(s, err) < 0)
        return -1;
    if (store_query_rows(s,
                         "SELECT goal_id, name, scope_kind, scope_value, metric, target,"
                         " start_date::text, deadline::text, done, done_week_ago,"
                         " done_4_weeks_ago, done_programme, done_matched, awaiting"
                         " FROM goal_progress_at(to_timestamp($1::bigint))"
                         " ORDER BY goal_id",
                         1, p, &r, err) < 0)
        return -1;
    if (r.nrows > 0 && !(*out = calloc((size_t)r.nrows, sizeof(**out)))) {
        nomem(err);
        goto out;
    }
    for (int i = 0; i < r.nrows; i++) {
        struct weekly_goal *g = &(*out)[(*n)++];

        g->id = long_cell(&r, i, 0);
        g->name = dup_cell(&r, i, 1);
        g->scope_kind = dup_cell(&r, i, 2);
        g->scope_value = dup_cell(&r, i, 3);
        g->metric = dup_cell(&r, i, 4);
        g->target = long_cell(&r, i, 5);
        g->start = date_cell(&r, i, 6);
        g->deadline = date_cell(&r, i, 7);
        g->done = long_cell(&r, i, 8);
        g->done_week_ago = long_cell(&r, i, 9);
        g->done_4_weeks_ago = long_cell(&r, i, 10);
        g->done_programme = long_cell(&r, i, 11);
        g->done_matched = long_cell(&r, i, 12);
        g->awaiting = long_cell(&r, i, 13);
        if (!g->name || !g->scope_kind || !g->metric) {
            nomem(err);
            goto out;
        }
    }
    rc = 0;
out:
    store_rows_release(&r);
    if (rc < 0) {
        report_goals_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int store_report_goals(struct store *s, int64_t now, struct weekly_goal **out, size_t *n,
                       struct ht_err *err)
{
    return load_goals(s, now, out, n, err);
}

void report_breakdown_free(struct report_breakdown *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(b[i].group);
    free(b);
}

int store_report_breakdown(struct store *s, int64_t now, const char *by,
                           struct report_breakdown **out, size_t *n, struct ht_err *err)
{
    static const struct {
        const char *by, *expr;
    } groups[] = {
        {"kecamatan", "coalesce(kc.name, kl.parent_code)"},
        {"kelurahan", "kl.name"},
        {"kbli", "coalesce(m.kbli, '-')"},
        {"size", "coalesce(m.size_class, '-')"},
        {"channel",
         "coalesce((SELECT channel_path(a.channel_id) FROM application a"
         " WHERE a.msme_id = m.id ORDER BY a.tgl_daftar DESC NULLS LAST, a.id DESC"
         " LIMIT 1), 'unknown')"},
    };
    const char *expr = NULL;
    struct store_rows r = {0};
    struct buf sql = BUF_INIT(BUF_CAP_LINE);
    char ts[32];
    const char *p[1] = {ts};
    int rc = -1;

    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < HT_ARRAY_LEN(groups); i++)
        if (strcmp(groups[i].by, by) == 0)
            expr = groups[i].expr;
    if (!expr) {
        ht_err_set(err, HT_EINVAL,
                   _("cannot group by '%s': expected kecamatan, kelurahan, kbli, size or "
                     "channel"),
                   by);
        return -1;
    }
    ts_param(now, ts);
    if (buf_addf(&sql,
                 "SELECT h.goal_id, %s AS grp, count(*) FROM "
                 "goal_hits_known(to_timestamp($1::bigint)) h"
                 " JOIN msme m ON m.id = h.msme_id JOIN region kl ON kl.code = "
                 "m.kelurahan_code"
                 " LEFT JOIN region kc ON kc.code = kl.parent_code"
                 " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
                 expr) < 0) {
        ht_err_set(err, HT_ELIMIT, "query too long");
        return -1;
    }
    if (store_query_rows(s, buf_str(&sql), 1, p, &r, err) < 0)
        goto out;
    if (r.nrows > 0 && !(*out = calloc((size_t)r.nrows, sizeof(**out)))) {
        nomem(err);
        goto out;
    }
    for (int i = 0; i < r.nrows; i++) {
        struct report_breakdown *b = &(*out)[(*n)++];

        b->goal_id = long_cell(&r, i, 0);
        b->group = dup_cell(&r, i, 1);
        b->done = long_cell(&r, i, 2);
    }
    rc = 0;
out:
    buf_release(&sql);
    store_rows_release(&r);
    return rc;
}

/* ---- funnel ---- */

int store_report_funnel(struct store *s, struct report_funnel_row out[STAGE__COUNT],
                        struct ht_err *err)
{
    struct store_rows r = {0};

    for (int i = 0; i < STAGE__COUNT; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].stage = (enum ht_stage)i;
    }
    if (store_query_rows(s, "SELECT stage, path, applications FROM v_funnel", 0, NULL, &r,
                         err) < 0)
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        enum ht_stage st;
        const char *path = store_rows_get(&r, i, 1);
        long v = long_cell(&r, i, 2);

        if (stage_parse(store_rows_get(&r, i, 0), &st) < 0)
            continue;
        if (strcmp(path, "reguler") == 0)
            out[st].reguler += v;
        else if (strcmp(path, "self_declare") == 0)
            out[st].self_declare += v;
        else
            out[st].other += v;
    }
    store_rows_release(&r);
    return 0;
}

/* ---- overdue / stuck ---- */

void report_stuck_free(struct weekly_stuck *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].nib), free(v[i].name), free(v[i].kelurahan), free(v[i].phone);
        free(v[i].id_reg), free(v[i].code);
    }
    free(v);
}

/* Adds the years of a PostgreSQL int[] literal ("{2027,2028}", sorted) to g. */
static void gaps_from_text(const char *v, struct cal_gaps *g)
{
    struct cal_gaps one = {{0}, 0, 0};

    while (v && *v) {
        char *end;
        long y;

        if (*v < '0' || *v > '9') {
            v++;
            continue;
        }
        y = strtol(v, &end, 10);
        v = end;
        if (one.n == CAL_GAPS_MAX) {
            one.more = 1;
            continue;
        }
        one.year[one.n++] = (int)y;
    }
    calendar_gaps_merge(g, &one);
}

/* Rows: nib, name, kelurahan, phone, id_reg, code, waits_on, since, days, limit, overdue,
 * step, taken_over, extension, calendar gaps. */
static int stuck_rows(const struct store_rows *r, struct weekly_stuck **out, size_t *n,
                      struct ht_err *err)
{
    *out = NULL;
    *n = 0;
    if (r->nrows > 0 && !(*out = calloc((size_t)r->nrows, sizeof(**out))))
        return nomem(err);
    for (int i = 0; i < r->nrows; i++) {
        struct weekly_stuck *x = &(*out)[(*n)++];

        x->nib = dup_cell(r, i, 0);
        x->name = dup_cell(r, i, 1);
        x->kelurahan = dup_cell(r, i, 2);
        x->phone = dup_cell(r, i, 3);
        x->id_reg = dup_cell(r, i, 4);
        x->code = dup_cell(r, i, 5);
        x->waits_on = stage_waits_on_parse(store_rows_get(r, i, 6));
        x->since = i64_cell(r, i, 7);
        x->days = long_cell(r, i, 8);
        x->limit = long_cell(r, i, 9);
        x->overdue = long_cell(r, i, 10);
        if (step_parse(store_rows_get(r, i, 11), &x->step) < 0)
            x->step = STEP_UNKNOWN;
        x->taken_over = strcmp(store_rows_get(r, i, 12), "t") == 0;
        x->extension = long_cell(r, i, 13);
        gaps_from_text(store_rows_get(r, i, 14), &x->gaps);
    }
    return 0;
}

/* One list at instant now ($1): the session tuned, the rows read. */
static int rows_at(struct store *s, int64_t now, const char *sql, struct store_rows *r,
                   struct ht_err *err)
{
    char ts[32];
    const char *p[1] = {ts};

    ts_param(now, ts);
    if (tune(s, err) < 0)
        return -1;
    return store_query_rows(s, sql, 1, p, r, err);
}

int store_report_overdue(struct store *s, int64_t now, struct weekly_stuck **out,
                         size_t *n, struct cal_gaps *gaps, struct ht_err *err)
{
    struct store_rows r = {0};
    int rc;

    *out = NULL;
    *n = 0;
    if (rows_at(
            s, now,
            "SELECT b.nib, b.business_name, b.kelurahan, b.phone, b.id_reg,"
            " b.status_code, b.waits_on, extract(epoch FROM b.step_since)::bigint,"
            " b.days_in_step, b.limit_days, b.days_overdue, b.step, b.taken_over::text,"
            " b.extension_days, b.calendar_gaps::text"
            " FROM sla_breach_at(to_timestamp($1::bigint)) b"
            " ORDER BY b.waits_on, b.step_since, b.id_reg",
            &r, err) < 0)
        return -1;
    rc = stuck_rows(&r, out, n, err);
    /* The years the listed clocks counted without holiday data: a missing holiday only
     * adds working days, so no file left off the list would be on it with the rows. */
    for (size_t i = 0; rc == 0 && i < *n; i++)
        calendar_gaps_merge(gaps, &(*out)[i].gaps);
    store_rows_release(&r);
    return rc;
}

/* ---- the office's action list ---- */

/* The columns action_rows reads from action_list_at. */
#define ACTION_COLS                                                                      \
    "a.nib, a.business_name, a.kelurahan, a.kecamatan_code, a.kecamatan, a.phone,"       \
    " a.id_reg, a.status_code, a.reason, a.holder, extract(epoch FROM a.since)::bigint," \
    " a.days, a.calendar_gaps::text"

static int action_rows(const struct store_rows *r, struct weekly_action **out, size_t *n,
                       struct ht_err *err)
{
    *out = NULL;
    *n = 0;
    if (r->nrows > 0 && !(*out = calloc((size_t)r->nrows, sizeof(**out))))
        return nomem(err);
    for (int i = 0; i < r->nrows; i++) {
        struct weekly_action *x = &(*out)[(*n)++];

        x->nib = dup_cell(r, i, 0);
        x->name = dup_cell(r, i, 1);
        x->kelurahan = dup_cell(r, i, 2);
        x->kecamatan_code = dup_cell(r, i, 3);
        x->kecamatan = dup_cell(r, i, 4);
        x->phone = dup_cell(r, i, 5);
        x->id_reg = dup_cell(r, i, 6);
        x->code = dup_cell(r, i, 7);
        if (action_reason_parse(store_rows_get(r, i, 8), &x->reason) < 0)
            x->reason = ACTION_DRAFT;
        x->waits_on = stage_waits_on_parse(store_rows_get(r, i, 9));
        x->since = i64_cell(r, i, 10);
        x->days = long_cell(r, i, 11);
        gaps_from_text(store_rows_get(r, i, 12), &x->gaps);
    }
    return 0;
}

int store_report_actions(struct store *s, int64_t now, struct weekly_action **out,
                         size_t *n, struct cal_gaps *gaps, struct ht_err *err)
{
    struct store_rows r = {0};
    int rc;

    *out = NULL;
    *n = 0;
    if (rows_at(s, now,
                "SELECT " ACTION_COLS " FROM action_list_at(to_timestamp($1::bigint)) a"
                " ORDER BY a.days DESC, a.since, a.id_reg",
                &r, err) < 0)
        return -1;
    rc = action_rows(&r, out, n, err);
    for (size_t i = 0; rc == 0 && i < *n; i++)
        calendar_gaps_merge(gaps, &(*out)[i].gaps);
    store_rows_release(&r);
    return rc;
}

/* ---- weekly ---- */

static int weekly_headline(struct store *s, struct weekly_report *w, const char *const *p,
                           struct ht_err *err)
{
    struct store_rows r = {0};
    int64_t trend_start = w->start - (int64_t)(WEEKLY_TREND_WEEKS - 1) * 7 * 86400;
    char ts0[32];
    const char *q[2] = {p[1], ts0};

    ts_param(trend_start, ts0);
    /* Certificates issued per week of the trend (bucket -1: before it) and in total (the
     * row whose bucket is NULL), as known at end: one pass over the OF300 events. */
    if (store_query_rows(
            s,
            "SELECT b, count(DISTINCT application_id) FROM ("
            " SELECT CASE WHEN e.at < to_timestamp($2::bigint) THEN -1 ELSE"
            " floor((extract(epoch FROM e.at) - $2::bigint) / 604800)::int END AS b,"
            " e.application_id"
            " FROM stage_event e WHERE e.status_code = 'OF300'"
            " AND e.at < to_timestamp($1::bigint)"
            " AND e.observed_at < to_timestamp($1::bigint)) x"
            " GROUP BY GROUPING SETS ((b), ())",
            2, q, &r, err) < 0)
        return -1;
    w->certified_total = 0;
    for (int i = 0; i < r.nrows; i++) {
        long b = long_cell(&r, i, 0);

        if (!store_rows_get(&r, i, 0))
            w->certified_total = long_cell(&r, i, 1);
        else if (b >= 0 && b < WEEKLY_TREND_WEEKS)
            w->trend[b].certified = long_cell(&r, i, 1);
    }
    store_rows_release(&r);
    w->certified_week = w->trend[WEEKLY_TREND_WEEKS - 1].certified;
    w->certified_prev_week = w->trend[WEEKLY_TREND_WEEKS - 2].certified;
    return 0;
}

static int weekly_funnel_q(struct store *s, struct weekly_report *w, const char *const *p,
                           struct ht_err *err)
{
    struct store_rows r = {0};

    w->nfunnel = STAGE__COUNT;
    for (int i = 0; i < STAGE__COUNT; i++) {
        memset(&w->funnel[i], 0, sizeof(w->funnel[i]));
        w->funnel[i].stage = (enum ht_stage)i;
    }
    if (store_query_rows(s,
                         "SELECT 'end', g.stage, channel_path(g.channel_id), g.n"
                         " FROM (SELECT s.stage, s.channel_id, count(*) AS n"
                         "  FROM asof_end s GROUP BY 1, 2) g UNION ALL"
                         " SELECT 'start', s.stage, '', count(*)"
                         " FROM app_state_asof(to_timestamp($1::bigint)) s GROUP BY 2",
                         1, p, &r, err) < 0)
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        enum ht_stage st;
        const char *path = store_rows_get(&r, i, 2);
        long v = long_cell(&r, i, 3);

        if (stage_parse(store_rows_get(&r, i, 1), &st) < 0)
            st = STAGE_UNKNOWN;
        if (strcmp(store_rows_get(&r, i, 0), "start") == 0) {
            w->funnel[st].total_prev += v;
            continue;
        }
        if (strcmp(path, "reguler") == 0)
            w->funnel[st].reguler += v;
        else if (strcmp(path, "self_declare") == 0)
            w->funnel[st].self_declare += v;
        else
            w->funnel[st].other += v;
        w->funnel[st].total += v;
    }
    store_rows_release(&r);
    return 0;
}

static int weekly_areas(struct store *s, struct weekly_report *w, const char *const *p,
                        struct ht_err *err)
{
    struct store_rows r = {0};
    int rc = -1;

    if (store_query_rows(
            s,
            "WITH ap AS (SELECT DISTINCT x.msme_id FROM asof_end x"
            "  WHERE x.msme_id IS NOT NULL AND x.stage <> 'draft'),"
            " ce AS (SELECT x.msme_id, bool_or(x.at >= to_timestamp($1::bigint)) AS wk"
            "   FROM asof_end x WHERE x.stage = 'certified' AND x.msme_id IS NOT NULL"
            "    AND $2::bigint IS NOT NULL GROUP BY x.msme_id),"
            " k AS (SELECT m.kelurahan_code, count(*) AS msmes, count(ap.msme_id) AS "
            "applied,"
            "   count(ce.msme_id) AS certified, count(ce.msme_id) FILTER (WHERE ce.wk) "
            "AS wk"
            "   FROM msme m LEFT JOIN ap ON ap.msme_id = m.id LEFT JOIN ce ON ce.msme_id "
            "= m.id"
            "  GROUP BY m.kelurahan_code)"
            " SELECT k.kelurahan_code, kl.name, kl.parent_code, kc.name, k.msmes, "
            "k.applied,"
            "  k.certified, k.wk FROM k JOIN region kl ON kl.code = k.kelurahan_code"
            "  LEFT JOIN region kc ON kc.code = kl.parent_code ORDER BY kl.parent_code, "
            "kl.code",
            2, p, &r, err) < 0)
        return -1;
    if (r.nrows > 0) {
        w->kelurahan = calloc((size_t)r.nrows, sizeof(*w->kelurahan));
        w->kecamatan = calloc((size_t)r.nrows, sizeof(*w->kecamatan));
        if (!w->kelurahan || !w->kecamatan) {
            nomem(err);
            goto out;
        }
    }
    for (int i = 0; i < r.nrows; i++) {
        struct weekly_area *a = &w->kelurahan[w->nkelurahan++];
        const char *kec = store_rows_get(&r, i, 2);
        struct weekly_area *k = w->nkecamatan ? &w->kecamatan[w->nkecamatan - 1] : NULL;

        a->code = dup_cell(&r, i, 0);
        a->name = dup_cell(&r, i, 1);
        a->parent_code = dup_cell(&r, i, 2);
        a->msmes = long_cell(&r, i, 4);
        a->applied = long_cell(&r, i, 5);
        a->certified = long_cell(&r, i, 6);
        a->certified_week = long_cell(&r, i, 7);
        if (!k || strcmp(k->code, kec) != 0) {
            k = &w->kecamatan[w->nkecamatan++];
            k->code = xstrdup_or_null(kec);
            k->name = dup_cell(&r, i, 3);
            if (!k->name)
                k->name = xstrdup_or_null(kec);
        }
        k->msmes += a->msmes;
        k->applied += a->applied;
        k->certified += a->certified;
        k->certified_week += a->certified_week;
    }
    rc = 0;
out:
    store_rows_release(&r);
    return rc;
}

static int weekly_movers(struct store *s, struct weekly_report *w, const char *const *p,
                         struct ht_err *err)
{
    struct store_rows r = {0};
    char lim[16];
    const char *q[3] = {p[0], p[1], lim};
    int rc = -1;

    snprintf(lim, sizeof(lim), "%d", WEEKLY_LIST_MAX);
    if (store_query_rows(
            s,
            "WITH ev AS ("
            " SELECT e.id, e.application_id, e.status_code, e.stage, e.at,"
            /* Only an OF10's kind depends on the step before it (new or advance): the
             * history is read for those alone. */
            "  CASE WHEN e.status_code = 'OF10' THEN"
            "  (SELECT p.stage FROM stage_event p WHERE p.application_id = "
            "e.application_id"
            "    AND (p.at < e.at OR (p.at = e.at AND p.id < e.id))"
            "    AND p.observed_at < to_timestamp($2::bigint)"
            "   ORDER BY p.at DESC, p.id DESC LIMIT 1) END AS prev"
            " FROM stage_event e WHERE e.at >= to_timestamp($1::bigint)"
            "  AND e.at < to_timestamp($2::bigint) AND e.observed_at < "
            "to_timestamp($2::bigint)),"
            " k AS (SELECT ev.*, CASE"
            "   WHEN ev.status_code = 'OF300' THEN 'certified'"
            "   WHEN ev.stage = 'returned' THEN 'returned'"
            "   WHEN ev.stage IN ('rejected', 'cancelled') THEN 'rejected'"
            "   WHEN ev.stage = 'draft' THEN NULL"
            "   WHEN ev.status_code = 'OF10' AND (ev.prev IS NULL OR ev.prev = 'draft')"
            "    THEN 'new'"
            "   ELSE 'advance' END AS kind FROM ev),"
            " n AS (SELECT k.*, count(*) OVER (PARTITION BY kind) AS total,"
            "   row_number() OVER (PARTITION BY kind ORDER BY at, id) AS rn"
            "   FROM k WHERE kind IS NOT NULL)"
            " SELECT n.kind, n.total, a.nib, coalesce(m.business_name, a.nama_pu), "
            "kl.name,"
            "  a.id_reg, n.status_code, extract(epoch FROM n.at)::bigint"
            " FROM n JOIN application a ON a.id = n.application_id"
            " LEFT JOIN msme m ON m.id = a.msme_id"
            " LEFT JOIN region kl ON kl.code = m.kelurahan_code"
            " WHERE n.rn <= $3::int ORDER BY n.kind, n.at, n.id",
            3, q, &r, err) < 0)
        return -1;
    if (r.nrows > 0 && !(w->movers = calloc((size_t)r.nrows, sizeof(*w->movers)))) {
        nomem(err);
        goto out;
    }
    for (int i = 0; i < r.nrows; i++) {
        struct weekly_mover *m = &w->movers[w->nmovers++];
        enum weekly_move k = MOVE_ADVANCE;

        if (weekly_move_parse(store_rows_get(&r, i, 0), &k) < 0)
            k = MOVE_ADVANCE;
        m->kind = k;
        w->moves[k] = long_cell(&r, i, 1);
        m->nib = dup_cell(&r, i, 2);
        m->name = dup_cell(&r, i, 3);
        m->kelurahan = dup_cell(&r, i, 4);
        m->id_reg = dup_cell(&r, i, 5);
        m->code = dup_cell(&r, i, 6);
        m->at = i64_cell(&r, i, 7);
    }
    rc = 0;
out:
    store_rows_release(&r);
    return rc;
}

static int weekly_stuck(struct store *s, struct weekly_report *w, struct ht_err *err)
{
    struct store_rows r = {0};
    char lim[16];
    const char *q[1] = {lim};
    char *gaps = NULL;
    int rc;

    snprintf(lim, sizeof(lim), "%d", WEEKLY_LIST_MAX);
    if (store_query_value(
            s,
            "SELECT calendar_gaps(min(wib_date(x.step_since)), min(x.d))::text"
            " FROM step_end x WHERE NOT x.terminal",
            0, NULL, &gaps, err) < 0)
        return -1;
    gaps_from_text(gaps, &w->gaps);
    free(gaps);
    if (store_query_rows(
            s,
            "WITH b AS (SELECT x.application_id, x.status_code, x.holder AS waits_on,"
            "  x.step_since, x.days_in_step, x.allowed_days AS limit_days,"
            "  x.days_overdue, x.step, x.taken_over, x.extension_days, x.calendar_gaps,"
            "  count(*) OVER (PARTITION BY x.holder) AS total,"
            "  row_number() OVER (PARTITION BY x.holder"
            "   ORDER BY x.step_since, x.application_id) AS rn"
            "  FROM step_end x WHERE x.days_overdue > 0)"
            " SELECT a.nib, coalesce(m.business_name, a.nama_pu), kl.name, m.phone,"
            "  a.id_reg, b.status_code, b.waits_on,"
            "  extract(epoch FROM b.step_since)::bigint, b.days_in_step, b.limit_days,"
            "  b.days_overdue, b.step, b.taken_over::text, b.extension_days,"
            "  b.calendar_gaps::text, b.total"
            " FROM b JOIN application a ON a.id = b.application_id"
            " LEFT JOIN msme m ON m.id = a.msme_id"
            " LEFT JOIN region kl ON kl.code = m.kelurahan_code"
            " WHERE b.rn <= $1::int ORDER BY b.waits_on, b.step_since, b.application_id",
            1, q, &r, err) < 0)
        return -1;
    rc = stuck_rows(&r, &w->stuck, &w->nstuck, err);
    for (int i = 0; rc == 0 && i < r.nrows; i++)
        w->stuck_by[w->stuck[i].waits_on] = long_cell(&r, i, 15);
    for (int i = 0; i < WAITS__COUNT; i++)
        w->stuck_total += w->stuck_by[i];
    store_rows_release(&r);
    return rc;
}

/* The action list at the week's end (days to its Sunday): counts by reason, the oldest
 * WEEKLY_LIST_MAX listed. The rows of action_list_at(end, sunday), read from step_end
 * rather than counting every clock again (tests/db/test_report_weekly.c compares them).
 */
static int weekly_actions(struct store *s, struct weekly_report *w, struct ht_err *err)
{
    struct store_rows r = {0};
    char lim[16];
    const char *q[1] = {lim};
    int rc;

    snprintf(lim, sizeof(lim), "%d", WEEKLY_LIST_MAX);
    if (store_query_rows(
            s,
            "WITH x AS (SELECT a.nib, coalesce(m.business_name, a.nama_pu) AS "
            "business_name,"
            "  kl.name AS kelurahan, kl.parent_code AS kecamatan_code, kc.name AS "
            "kecamatan,"
            "  m.phone, a.id_reg, s.status_code, action_reason(s.step, s.holder) AS "
            "reason,"
            "  s.holder, s.step_since AS since,"
            "  greatest(workdays_between(wib_date(s.step_since), s.d, false), 0) AS days,"
            "  s.calendar_gaps"
            "  FROM step_end s JOIN application a ON a.id = s.application_id"
            "  LEFT JOIN msme m ON m.id = a.msme_id"
            "  LEFT JOIN region kl ON kl.code = m.kelurahan_code"
            "  LEFT JOIN region kc ON kc.code = kl.parent_code"
            "  WHERE s.paused AND NOT s.terminal),"
            " a AS (SELECT x.*,"
            "  count(*) FILTER (WHERE x.reason = 'draft') OVER () AS n0,"
            "  count(*) FILTER (WHERE x.reason = 'returned') OVER () AS n1,"
            "  count(*) FILTER (WHERE x.reason = 'unpaid_invoice') OVER () AS n2,"
            "  count(*) FILTER (WHERE x.reason = 'facilitator_invoice') OVER () AS n3,"
            "  row_number() OVER (ORDER BY x.days DESC, x.since, x.id_reg) AS rn FROM x)"
            " SELECT " ACTION_COLS ", a.n0, a.n1, a.n2, a.n3 FROM a"
            " WHERE a.rn <= $1::int ORDER BY a.rn",
            1, q, &r, err) < 0)
        return -1;
    rc = action_rows(&r, &w->actions, &w->nactions, err);
    for (int k = 0; rc == 0 && r.nrows > 0 && k < ACTION__COUNT; k++) {
        w->actions_by[k] = long_cell(&r, 0, 13 + k);
        w->actions_total += w->actions_by[k];
    }
    for (size_t i = 0; rc == 0 && i < w->nactions; i++)
        calendar_gaps_merge(&w->gaps, &w->actions[i].gaps);
    store_rows_release(&r);
    return rc;
}

/* The register's MSMEs with a food or beverage KBLI (the kbli table: KBLI 2020 divisions
 * 10, 11, 56) not certified at the week's end, by the deadline that applies to them:
 * micro and small (or size unknown: the register is of UMKM) and medium or large. */
static int weekly_mandatory(struct store *s, struct weekly_report *w, struct ht_err *err)
{
    struct store_rows r = {0};

    if (store_query_rows(
            s,
            "SELECT count(*) FILTER (WHERE coalesce(m.size_class, 'mikro')"
            "  IN ('mikro', 'kecil')),"
            " count(*) FILTER (WHERE m.size_class IN ('menengah', 'besar'))"
            " FROM msme m WHERE EXISTS (SELECT 1 FROM kbli k WHERE k.code = m.kbli)"
            " AND NOT EXISTS (SELECT 1 FROM asof_end x WHERE x.msme_id = m.id"
            "  AND x.stage = 'certified')",
            0, NULL, &r, err) < 0)
        return -1;
    w->mandatory.small_left = long_cell(&r, 0, 0);
    w->mandatory.large_left = long_cell(&r, 0, 1);
    store_rows_release(&r);
    return 0;
}

static int weekly_quality(struct store *s, struct weekly_report *w, const char *const *p,
                          struct ht_err *err)
{
    struct store_rows r = {0};

    /* The applications are read once for both of their counts. */
    if (store_query_rows(
            s,
            "SELECT (SELECT count(*) FROM quarantine q WHERE q.created_at < "
            "to_timestamp($1::bigint)"
            "   AND (NOT q.resolved OR q.replayed_at >= to_timestamp($1::bigint))),"
            " a.unmatched,"
            " extract(epoch FROM (SELECT max(e.observed_at) FROM stage_event e"
            "   WHERE e.observed_at < to_timestamp($1::bigint)))::bigint,"
            " extract(epoch FROM (SELECT max(finished_at) FROM sync_run"
            "   WHERE outcome IN ('ok', 'partial') AND finished_at < "
            "to_timestamp($1::bigint)))::bigint,"
            " a.observed"
            " FROM (SELECT count(*) FILTER (WHERE a.msme_id IS NULL) AS unmatched,"
            "   count(*) FILTER (WHERE a.id_reg IS NULL"
            "    OR a.detail_denied_at < to_timestamp($1::bigint)) AS observed"
            "   FROM application a WHERE a.first_seen_at < to_timestamp($1::bigint)) a",
            1, &p[1], &r, err) < 0)
        return -1;
    w->quarantined = long_cell(&r, 0, 0);
    w->unmatched = long_cell(&r, 0, 1);
    w->last_observed = i64_cell(&r, 0, 2);
    w->last_sync = i64_cell(&r, 0, 3);
    w->observed_history = long_cell(&r, 0, 4);
    store_rows_release(&r);
    return 0;
}

/* The facilitation programmes as known at the week's end: applications carrying each
 * code first seen before it, those known four weeks earlier, and those certified in the
 * as-of states (asof_end). */
static int weekly_programmes(struct store *s, struct weekly_report *w,
                             const char *const *p, struct ht_err *err)
{
    struct store_rows r = {0};

    if (store_query_rows(
            s,
            "SELECT p.kode_fac, p.fac_name, p.tgl_aktif::text, p.tgl_selesai::text,"
            " p.kuota,"
            " count(a.id) FILTER (WHERE a.first_seen_at < to_timestamp($1::bigint)),"
            " count(a.id) FILTER (WHERE a.first_seen_at < to_timestamp($1::bigint)"
            "   AND coalesce(a.tgl_daftar, a.first_seen_at)"
            "       < to_timestamp($1::bigint) - interval '28 days'),"
            " count(x.application_id) FILTER (WHERE x.stage = 'certified')"
            " FROM (SELECT DISTINCT ON (kode_fac) * FROM facilitation_programme"
            "        WHERE kode_fac IS NOT NULL AND first_seen_at < "
            "to_timestamp($1::bigint)"
            "        ORDER BY kode_fac, observed_at DESC) p"
            " LEFT JOIN application a ON a.kode_fac = p.kode_fac"
            " LEFT JOIN asof_end x ON x.application_id = a.id"
            " GROUP BY p.kode_fac, p.fac_name, p.tgl_aktif, p.tgl_selesai, p.kuota"
            " ORDER BY p.kode_fac",
            1, &p[1], &r, err) < 0)
        return -1;
    if (r.nrows && !(w->programmes = calloc((size_t)r.nrows, sizeof(*w->programmes)))) {
        store_rows_release(&r);
        return nomem(err);
    }
    for (int i = 0; i < r.nrows; i++) {
        struct weekly_programme *g = &w->programmes[w->nprogrammes++];

        g->kode_fac = dup_cell(&r, i, 0);
        g->name = dup_cell(&r, i, 1);
        g->tgl_aktif = dup_cell(&r, i, 2);
        g->tgl_selesai = dup_cell(&r, i, 3);
        g->kuota = store_rows_get(&r, i, 4) ? long_cell(&r, i, 4) : -1;
        g->used = long_cell(&r, i, 5);
        g->used_4_weeks_ago = long_cell(&r, i, 6);
        g->certified = long_cell(&r, i, 7);
    }
    store_rows_release(&r);
    /* Certified register MSMEs by source at the week's end (docs/coverage.md): our
     * programmes first (their OF300 is known at the week's end), then those only a match
     * accepted before it certifies; awaiting: a match made before it and not decided by
     * then, of an MSME not certified either way. */
    if (store_query_rows(
            s,
            "WITH own AS (SELECT DISTINCT x.msme_id FROM asof_end x"
            "   WHERE x.stage = 'certified' AND x.msme_id IS NOT NULL),"
            " mat AS (SELECT DISTINCT cm.msme_id FROM certificate_match cm"
            "   WHERE cm.status = 'accepted' AND cm.decided_at < to_timestamp($1::bigint)"
            "     AND cm.msme_id NOT IN (SELECT msme_id FROM own))"
            " SELECT (SELECT count(*) FROM own), (SELECT count(*) FROM mat),"
            "  (SELECT count(DISTINCT cm.msme_id) FROM certificate_match cm"
            "    WHERE cm.created_at < to_timestamp($1::bigint)"
            "      AND (cm.decided_at IS NULL OR cm.decided_at >= "
            "to_timestamp($1::bigint))"
            "      AND cm.msme_id NOT IN (SELECT msme_id FROM own)"
            "      AND cm.msme_id NOT IN (SELECT msme_id FROM mat))",
            1, &p[1], &r, err) < 0)
        return -1;
    w->cert_programme = long_cell(&r, 0, 0);
    w->cert_matched = long_cell(&r, 0, 1);
    w->cert_awaiting = long_cell(&r, 0, 2);
    store_rows_release(&r);
    return 0;
}

int store_report_weekly(struct store *s, struct weekly_report *w, struct ht_err *err)
{
    char t0[32], t1[32];
    const char *p[2] = {t0, t1};
    int own = !s->in_tx, rc = -1;

    ts_param(w->start, t0);
    ts_param(w->end, t1);
    /* One snapshot for every figure; the as-of states are computed once. Inside the
     * caller's transaction (halaltrack-serve's request, repeatable read and scoped) it
     * runs there, so that the caller can store the report under the same scope. */
    if (own &&
        (store_begin(s, err) < 0 ||
         store_exec(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", err) < 0))
        goto out;
    if (store_exec(s, "SET LOCAL work_mem = '256MB'", err) < 0)
        goto out;
    /* The states at the end of the week feed the funnel, areas and stuck lists; last
     * week's are only counted per stage (weekly_funnel_q). */
    if (store_command(s,
                      "CREATE TEMP TABLE asof_end ON COMMIT DROP AS"
                      " SELECT * FROM app_state_asof(to_timestamp($1::bigint))",
                      1, &p[1], NULL, err) < 0)
        goto out;
    if (store_exec(s, "ANALYZE asof_end", err) < 0)
        goto out;
    /* The open legal steps at the end of the week, their clocks counted to its Sunday. */
    {
        char day[11];
        const char *q[2] = {p[1], day};

        date_format(w->sunday, day);
        if (store_command(s,
                          "CREATE TEMP TABLE step_end ON COMMIT DROP AS"
                          " SELECT x.*, $2::date AS d"
                          " FROM app_step_at(to_timestamp($1::bigint), $2::date) x"
                          " WHERE NOT x.terminal",
                          2, q, NULL, err) < 0)
            goto out;
    }
    if (weekly_headline(s, w, p, err) < 0 || weekly_funnel_q(s, w, p, err) < 0 ||
        load_goals(s, w->end, &w->goals, &w->ngoals, err) < 0 ||
        weekly_areas(s, w, p, err) < 0 || weekly_movers(s, w, p, err) < 0 ||
        weekly_stuck(s, w, err) < 0 || weekly_actions(s, w, err) < 0 ||
        weekly_mandatory(s, w, err) < 0 || weekly_quality(s, w, p, err) < 0 ||
        weekly_programmes(s, w, p, err) < 0)
        goto out;
    {
        struct ht_settings set;

        if (store_settings_load(s, &set, err) < 0)
            goto out;
        snprintf(w->office, sizeof(w->office), "%s", settings_office_name(&set));
    }
    if (own && store_commit(s, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && (own || s->in_tx))
        store_rollback(s);
    return rc;
}

int store_report_record(struct store *s, const struct weekly_report *w,
                        const char *format, const char *output, struct ht_err *err)
{
    char asof[32];
    const char *p[6] = {w->week, format, asof, w->totals_json, w->hash, output};

    ts_param(w->end, asof);
    return store_command(s,
                         "INSERT INTO report_run (kind, period, format, as_of, totals,"
                         " totals_hash, output) VALUES ('weekly', $1, $2,"
                         " to_timestamp($3::bigint), $4::jsonb, $5, $6)",
                         6, p, NULL, err);
}

/* ---- stored weekly reports (weekly_snapshot, docs/reports.md "Closed weeks") ---- */

static int office_name(struct store *s, char out[SETTINGS_OFFICE_MAX + 1],
                       struct ht_err *err)
{
    struct ht_settings set;

    if (store_settings_load(s, &set, err) < 0)
        return -1;
    snprintf(out, SETTINGS_OFFICE_MAX + 1, "%s", settings_office_name(&set));
    return 0;
}

int store_weekly_snapshot_get(struct store *s, const char *week, const char *format,
                              const char *lang, struct weekly_snapshot *out,
                              struct ht_err *err)
{
    char office[SETTINGS_OFFICE_MAX + 1];
    const char *p[4] = {week, format, lang, office};
    struct store_rows r = {0};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (office_name(s, office, err) < 0)
        return -1;
    /* The row-level security policy leaves only this session's scope's rows; the key
     * names it too, so that the lookup is one index probe. */
    if (store_query_rows(s,
                         "SELECT body, totals, totals_hash,"
                         " extract(epoch FROM stored_at)::bigint, replaced"
                         " FROM weekly_snapshot WHERE week = $1 AND format = $2"
                         " AND lang = $3 AND office = $4"
                         " AND scope = (SELECT weekly_scope_mine())",
                         4, p, &r, err) < 0)
        return -1;
    if (r.nrows == 0) {
        rc = 0;
        goto done;
    }
    out->body = dup_cell(&r, 0, 0);
    out->totals = dup_cell(&r, 0, 1);
    if (!out->body || !out->totals) {
        weekly_snapshot_release(out);
        nomem(err);
        goto done;
    }
    out->len = strlen(out->body);
    snprintf(out->hash, sizeof(out->hash), "%s", store_rows_get(&r, 0, 2));
    out->stored_at = i64_cell(&r, 0, 3);
    out->replaced = long_cell(&r, 0, 4);
    rc = 1;
done:
    store_rows_release(&r);
    return rc;
}

/* The database's clock agrees that the week is closed (the caller's "now" may be
 * HALALTRACK_NOW): nothing observed from now on is observed before its end. */
#define WEEKLY_CLOSED_BY_DB_CLOCK                                                        \
    " AND now() >= to_timestamp($5::bigint) + make_interval(secs => $9::int)"

int store_weekly_snapshot_put(struct store *s, const struct weekly_report *w,
                              const char *format, const char *lang, const char *body,
                              int replace, struct ht_err *err)
{
    char asof[32], settle[16];
    const char *p[9] = {w->week, format,         lang,    w->office, asof,
                        body,    w->totals_json, w->hash, settle};
    long n = 0;

    ts_param(w->end, asof);
    snprintf(settle, sizeof(settle), "%d", WEEKLY_SETTLE_SECONDS);
    if (store_command(
            s,
            replace ? "INSERT INTO weekly_snapshot (week, format, lang, scope, office,"
                      " as_of, body, totals, totals_hash)"
                      " SELECT $1, $2, $3, x.scope, $4, to_timestamp($5::bigint), $6, $7,"
                      " $8 FROM (SELECT weekly_scope_mine() AS scope) x"
                      " WHERE x.scope IS NOT NULL" WEEKLY_CLOSED_BY_DB_CLOCK
                      " ON CONFLICT (week, format, lang, scope, office) DO UPDATE"
                      " SET as_of = EXCLUDED.as_of, body = EXCLUDED.body,"
                      " totals = EXCLUDED.totals, totals_hash = EXCLUDED.totals_hash,"
                      " stored_at = now(), stored_by = session_user,"
                      " replaced = weekly_snapshot.replaced + 1"
                    : "INSERT INTO weekly_snapshot (week, format, lang, scope, office,"
                      " as_of, body, totals, totals_hash)"
                      " SELECT $1, $2, $3, x.scope, $4, to_timestamp($5::bigint), $6, $7,"
                      " $8 FROM (SELECT weekly_scope_mine() AS scope) x"
                      " WHERE x.scope IS NOT NULL" WEEKLY_CLOSED_BY_DB_CLOCK
                      " ON CONFLICT (week, format, lang, scope, office) DO NOTHING",
            9, p, &n, err) < 0)
        return -1;
    return n > 0 ? 1 : 0;
}

void weekly_snapshot_release(struct weekly_snapshot *v)
{
    free(v->body);
    free(v->totals);
    memset(v, 0, sizeof(*v));
}

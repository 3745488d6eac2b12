/* The monitoring API (read-only JSON under /api/v1/) and the weekly report pages, for the
 * bearer tokens `halaltrack token issue` gives out. Each request is one transaction whose
 * scope the database takes from the token (api_request_begin): row-level security shows
 * it the token's kecamatan or the whole city, whatever this file does. */
#include <stdlib.h>
#include <string.h>
#include "serve.h"
#include "halaltrack/apitoken.h"
#include "halaltrack/goal.h"
#include "halaltrack/i18n.h"
#include "halaltrack/jsonw.h"
#include "halaltrack/log.h"
#include "halaltrack/report.h"
#include "halaltrack/store_report.h"
#include "halaltrack/store_serve.h"
#include "halaltrack/weekly.h"
#include "halaltrack/banned.h"

#define JSON_CAP (8u * 1024 * 1024)

/* The token of "Authorization: Bearer <token>", hashed; the scoped transaction opened on
 * a session. NULL with the answer set (401 for a missing, malformed, unknown or revoked
 * token; 503 when the database cannot answer). */
static struct store *begin(struct serve *sv, struct request *r, struct answer *a,
                           struct store_request_scope *scope)
{
    struct ht_err err = HT_ERR_INIT;
    const char *auth = req_header(r, "Authorization");
    char hash[APITOKEN_HASH];
    struct store *s;
    int q;

    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 ||
        apitoken_hash(auth + 7 + strspn(auth + 7, " "), hash) < 0) {
        answer_json_error(a, 401, "unauthorized",
                          "send a bearer token: Authorization: Bearer htk_...");
        a->bearer_challenge = 1;
        return NULL;
    }
    if (!(s = pool_get(sv->pool, 10, &err))) {
        log_error("api: %s", err.msg);
        answer_json_error(a, 503, "unavailable", "the database cannot answer right now");
        return NULL;
    }
    q = store_request_begin(s, hash, scope, &err);
    if (q != 0) {
        pool_put(sv->pool, s);
        if (q < 0) {
            log_error("api: %s", err.msg);
            answer_json_error(a, 503, "unavailable",
                              "the database cannot answer right now");
        } else {
            answer_json_error(a, 401, "unauthorized", "unknown or revoked token");
            a->bearer_challenge = 1;
        }
        return NULL;
    }
    snprintf(r->token_name_buf, sizeof(r->token_name_buf), "%s", scope->name);
    r->token_name = r->token_name_buf;
    return s;
}

static void end(struct serve *sv, struct store *s)
{
    struct ht_err err = HT_ERR_INIT;

    /* Commit (the token's last_used_at); the scope row goes with the transaction. */
    if (store_commit(s, &err) < 0)
        log_warn("api: %s", err.msg);
    pool_put(sv->pool, s);
}

static void db_failed(struct answer *a, const struct ht_err *err)
{
    log_error("api query failed: %s", err->msg);
    answer_json_error(a, 500, "internal", "the query failed");
}

/* A JSON document through the one writer into the answer. */
struct doc {
    FILE *fp;
    struct buf b;
    struct jsonw w;
};

static struct jsonw *doc_open(struct doc *d, struct answer *a)
{
    if (!(d->fp = answer_open(a, 200, "application/json")))
        return NULL;
    buf_init(&d->b, JSON_CAP);
    jsonw_init(&d->w, &d->b, d->fp, JSONW_PRETTY | JSONW_ASCII);
    return &d->w;
}

static void doc_close(struct doc *d, struct answer *a)
{
    int rc = jsonw_finish(&d->w);

    buf_release(&d->b);
    if (answer_close(a, d->fp) == 0 && rc < 0)
        answer_json_error(a, 500, "internal", "the answer is too large");
}

static void kv_str(struct jsonw *w, const char *k, const char *v)
{
    jsonw_key(w, k);
    jsonw_str(w, v);
}

static void kv_int(struct jsonw *w, const char *k, long long v)
{
    jsonw_key(w, k);
    jsonw_int(w, v);
}

static void kv_real(struct jsonw *w, const char *k, double v)
{
    jsonw_key(w, k);
    jsonw_real(w, v);
}

static void kv_date(struct jsonw *w, const char *k, struct ht_date d)
{
    char t[11];

    date_format(d, t);
    kv_str(w, k, t);
}

static void kv_ts(struct jsonw *w, const char *k, int64_t t)
{
    char s[21];

    jsonw_key(w, k);
    if (!t) {
        jsonw_null(w);
        return;
    }
    ts_format_utc(t, s);
    jsonw_str(w, s);
}

static void scope_obj(struct jsonw *w, const struct store_request_scope *sc)
{
    jsonw_key(w, "scope");
    jsonw_begin_object(w);
    kv_str(w, "kind", sc->kind);
    kv_str(w, "kecamatan", sc->kecamatan[0] ? sc->kecamatan : NULL);
    jsonw_end_object(w);
}

/* Every list answer: {"scope": {...}, "as_of": ..., "<key>": [ ... ] ...}. as_of 0
 * leaves "as_of" out (the change feed's position is its cursor). The caller writes the
 * array's elements, then closes with list_close (or ends the array itself and adds keys
 * after it before doc_close). NULL when the answer could not be opened. */
static struct jsonw *list_open(struct doc *d, struct answer *a,
                               const struct store_request_scope *sc, int64_t as_of,
                               const char *key)
{
    struct jsonw *w = doc_open(d, a);

    if (!w)
        return NULL;
    jsonw_begin_object(w);
    scope_obj(w, sc);
    if (as_of)
        kv_ts(w, "as_of", as_of);
    jsonw_key(w, key);
    jsonw_begin_array(w);
    return w;
}

static void list_close(struct doc *d, struct answer *a)
{
    jsonw_end_array(&d->w);
    jsonw_end_object(&d->w);
    doc_close(d, a);
}

void api_progress(struct serve *sv, struct request *r, struct answer *a)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_request_scope sc;
    struct weekly_goal *g = NULL;
    struct jsonw *w;
    struct doc d;
    size_t n = 0;
    int64_t now = ht_now();
    struct store *s = begin(sv, r, a, &sc);

    if (!s)
        return;
    if (store_report_goals(s, now, &g, &n, &err) < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (!(w = list_open(&d, a, &sc, now, "goals")))
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct goal_input in = {g[i].target, g[i].done,     g[i].done_4_weeks_ago,
                                g[i].start,  g[i].deadline, ts_to_wib_date(now)};
        struct goal_calc k;

        goal_compute(&in, &k);
        jsonw_begin_object(w);
        kv_int(w, "id", g[i].id);
        kv_str(w, "name", g[i].name);
        kv_str(w, "scope_kind", g[i].scope_kind);
        kv_str(w, "scope_value", g[i].scope_value);
        kv_str(w, "metric", g[i].metric);
        kv_int(w, "target", g[i].target);
        kv_date(w, "start", g[i].start);
        kv_date(w, "deadline", g[i].deadline);
        kv_int(w, "done", g[i].done);
        kv_int(w, "done_week_ago", g[i].done_week_ago);
        kv_int(w, "done_4_weeks_ago", g[i].done_4_weeks_ago);
        kv_real(w, "percent", k.percent);
        kv_real(w, "weeks_left", k.weeks_left);
        kv_real(w, "rate_needed", k.rate_needed);
        kv_real(w, "rate_recent", k.rate_recent);
        jsonw_key(w, "projected");
        if (k.has_projection) {
            char t[11];

            date_format(k.projected, t);
            jsonw_str(w, t);
        } else {
            jsonw_null(w);
        }
        kv_str(w, "status", goal_status_name(k.status));
        jsonw_end_object(w);
    }
    list_close(&d, a);
out:
    report_goals_free(g, n);
    end(sv, s);
}

void api_funnel(struct serve *sv, struct request *r, struct answer *a)
{
    struct ht_err err = HT_ERR_INIT;
    struct report_funnel_row rows[STAGE__COUNT];
    struct store_request_scope sc;
    struct jsonw *w;
    struct doc d;
    struct store *s = begin(sv, r, a, &sc);

    if (!s)
        return;
    if (store_report_funnel(s, rows, &err) < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (!(w = list_open(&d, a, &sc, ht_now(), "stages")))
        goto out;
    for (int i = 0; i < STAGE__COUNT; i++) {
        jsonw_begin_object(w);
        kv_str(w, "stage", stage_name(rows[i].stage));
        kv_int(w, "reguler", rows[i].reguler);
        kv_int(w, "self_declare", rows[i].self_declare);
        kv_int(w, "other", rows[i].other);
        kv_int(w, "total", rows[i].reguler + rows[i].self_declare + rows[i].other);
        jsonw_end_object(w);
    }
    list_close(&d, a);
out:
    end(sv, s);
}

static void gaps_arr(struct jsonw *w, const struct cal_gaps *g)
{
    jsonw_key(w, "calendar_gaps");
    jsonw_begin_array(w);
    for (size_t i = 0; i < g->n; i++)
        jsonw_int(w, g->year[i]);
    jsonw_end_array(w);
}

/* A list endpoint (overdue, actions): its rows fetched at now in the token's scope, one
 * JSON object per row, the years counted without holiday rows. */
struct list_kind {
    int (*fetch)(struct store *s, int64_t now, void **v, size_t *n, struct cal_gaps *gaps,
                 struct ht_err *err);
    void (*row)(struct jsonw *w, const void *v, size_t i);
    void (*release)(void *v, size_t n);
};

static void api_list(struct serve *sv, struct request *r, struct answer *a,
                     const struct list_kind *k)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_request_scope sc;
    struct cal_gaps gaps = {{0}, 0, 0};
    struct jsonw *w;
    struct doc d;
    void *v = NULL;
    size_t n = 0;
    int64_t now = ht_now();
    struct store *s = begin(sv, r, a, &sc);

    if (!s)
        return;
    if (k->fetch(s, now, &v, &n, &gaps, &err) < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (!(w = list_open(&d, a, &sc, now, "applications")))
        goto out;
    for (size_t i = 0; i < n; i++) {
        jsonw_begin_object(w);
        k->row(w, v, i);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    gaps_arr(w, &gaps);
    jsonw_end_object(w);
    doc_close(&d, a);
out:
    k->release(v, n);
    end(sv, s);
}

static int overdue_fetch(struct store *s, int64_t now, void **v, size_t *n,
                         struct cal_gaps *gaps, struct ht_err *err)
{
    struct weekly_stuck *x = NULL;
    int rc = store_report_overdue(s, now, &x, n, gaps, err);

    *v = x;
    return rc;
}

static void overdue_row(struct jsonw *w, const void *rows, size_t i)
{
    const struct weekly_stuck *v = rows;

    kv_str(w, "nib", v[i].nib);
    kv_str(w, "business_name", v[i].name);
    kv_str(w, "kelurahan", v[i].kelurahan);
    kv_str(w, "phone", v[i].phone);
    kv_str(w, "id_reg", v[i].id_reg);
    kv_str(w, "status_code", v[i].code);
    kv_str(w, "waits_on", stage_waits_on_name(v[i].waits_on));
    kv_str(w, "step", step_name(v[i].step));
    kv_ts(w, "since", v[i].since);
    kv_int(w, "working_days", v[i].days);
    kv_int(w, "limit_days", v[i].limit);
    kv_int(w, "overdue_days", v[i].overdue);
}

static void overdue_release(void *v, size_t n)
{
    report_stuck_free(v, n);
}

void api_overdue(struct serve *sv, struct request *r, struct answer *a)
{
    static const struct list_kind k = {overdue_fetch, overdue_row, overdue_release};

    api_list(sv, r, a, &k);
}

static int actions_fetch(struct store *s, int64_t now, void **v, size_t *n,
                         struct cal_gaps *gaps, struct ht_err *err)
{
    struct weekly_action *x = NULL;
    int rc = store_report_actions(s, now, &x, n, gaps, err);

    *v = x;
    return rc;
}

static void actions_row(struct jsonw *w, const void *rows, size_t i)
{
    const struct weekly_action *v = rows;

    kv_int(w, "age_days", v[i].days);
    kv_str(w, "reason", action_reason_name(v[i].reason));
    kv_str(w, "waits_on", stage_waits_on_name(v[i].waits_on));
    kv_str(w, "nib", v[i].nib);
    kv_str(w, "business_name", v[i].name);
    kv_str(w, "kelurahan", v[i].kelurahan);
    kv_str(w, "kecamatan_code", v[i].kecamatan_code);
    kv_str(w, "kecamatan", v[i].kecamatan);
    kv_str(w, "phone", v[i].phone);
    kv_str(w, "status_code", v[i].code);
    kv_str(w, "id_reg", v[i].id_reg);
    kv_ts(w, "since", v[i].since);
    gaps_arr(w, &v[i].gaps);
}

static void actions_release(void *v, size_t n)
{
    weekly_actions_free(v, n);
}

/* The office's action list (store_report_actions: files waiting on the business or the
 * payer, oldest first), the token's scope only: row-level security filters
 * action_list_at's rows as it does every other. */
void api_actions(struct serve *sv, struct request *r, struct answer *a)
{
    static const struct list_kind k = {actions_fetch, actions_row, actions_release};

    api_list(sv, r, a, &k);
}

void api_msme(struct serve *sv, struct request *r, struct answer *a)
{
    struct ht_err err = HT_ERR_INIT;
    const char *nib = strrchr(r->path, '/') + 1;
    struct store_request_scope sc;
    struct report_msme m;
    struct timeline *tl = NULL;
    int64_t now = ht_now();
    struct store *s;
    FILE *fp;
    int q;

    memset(&m, 0, sizeof(m));
    if (strlen(nib) != 13 || strspn(nib, "0123456789") != 13) {
        answer_json_error(a, 400, "bad_request", "a NIB is 13 digits");
        return;
    }
    if (!(s = begin(sv, r, a, &sc)))
        return;
    q = store_report_msme(s, nib, &m, &err);
    if (q < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (q == 1) {
        /* Not in the register, or not in this token's scope: the same answer. */
        answer_json_error(a, 404, "not_found", "no MSME with this NIB in your scope");
        goto out;
    }
    if (store_report_timelines(s, &m, now, &tl, &err) < 0) {
        db_failed(a, &err);
        goto out;
    }
    serve_render_begin(sv, r->lang);
    if ((fp = answer_open(a, 200, "application/json"))) {
        if (report_status_json(fp, &m, tl, now) < 0)
            fputc('\n', fp);
        answer_close(a, fp);
    }
    serve_render_end(sv);
out:
    report_timelines_free(tl, m.napps);
    report_msme_release(&m);
    end(sv, s);
}

void api_changes(struct serve *sv, struct request *r, struct answer *a)
{
    static const char *const app_keys[] = {
        "id_reg",         "no_daftar",        "nib",
        "nama_pu",        "channel_id",       "status_code",
        "stage",          "stage_since",      "tgl_daftar",
        "certificate_no", "certificate_date", "certificate_expiry",
        "missing_since",
    };
    static const char *const event_keys[] = {"status_code", "stage", "at", "observed_at"};
    struct ht_err err = HT_ERR_INIT;
    const char *since_s = req_arg(r, "since"), *limit_s = req_arg(r, "limit");
    struct store_request_scope sc;
    struct store_rows rows = {0};
    long long since = 0;
    long limit = 100;
    struct jsonw *w;
    struct doc d;
    struct store *s;
    char next[24];

    if ((since_s && (parse_i64(since_s, 0, INT64_MAX, (int64_t *)&since, NULL) < 0)) ||
        (limit_s && parse_int(limit_s, 1, STORE_CHANGES_MAX, &limit, NULL) < 0)) {
        answer_json_error(a, 400, "bad_request",
                          "since is a cursor from an earlier answer (0 to start), limit "
                          "1 to 1000");
        return;
    }
    if (!(s = begin(sv, r, a, &sc)))
        return;
    if (store_changes(s, since, (int)limit, &rows, &err) < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (!(w = list_open(&d, a, &sc, 0, "changes")))
        goto out;
    for (int i = 0; i < rows.nrows; i++) {
        int is_event = strcmp(store_rows_get(&rows, i, 1), "stage_event") == 0;

        jsonw_begin_object(w);
        jsonw_key(w, "cursor");
        jsonw_str(w, store_rows_get(&rows, i, 0));
        kv_str(w, "kind", store_rows_get(&rows, i, 1));
        kv_str(w, "op", store_rows_get(&rows, i, 2));
        kv_str(w, "logged_at", store_rows_get(&rows, i, 3));
        jsonw_key(w, "application");
        jsonw_begin_object(w);
        for (int k = 0; k < (int)HT_ARRAY_LEN(app_keys); k++)
            kv_str(w, app_keys[k], store_rows_get(&rows, i, 4 + k));
        jsonw_end_object(w);
        jsonw_key(w, "event");
        if (is_event) {
            jsonw_begin_object(w);
            for (int k = 0; k < (int)HT_ARRAY_LEN(event_keys); k++)
                kv_str(w, event_keys[k], store_rows_get(&rows, i, 17 + k));
            jsonw_end_object(w);
        } else {
            jsonw_null(w);
        }
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    /* The cursor to ask with next: the last entry's, or the one asked with. */
    snprintf(next, sizeof(next), "%s",
             rows.nrows ? store_rows_get(&rows, rows.nrows - 1, 0) : "");
    if (!rows.nrows)
        snprintf(next, sizeof(next), "%lld", since);
    kv_str(w, "next", next);
    jsonw_key(w, "more");
    jsonw_bool(w, rows.nrows == (int)limit);
    jsonw_end_object(w);
    doc_close(&d, a);
out:
    store_rows_release(&rows);
    end(sv, s);
}

void api_weekly(struct serve *sv, struct request *r, struct answer *a)
{
    struct ht_err err = HT_ERR_INIT;
    const char *week = strrchr(r->path, '/') + 1;
    struct store_request_scope sc;
    struct weekly_report wr;
    struct weekly_snapshot snap = {0};
    char *body = NULL;
    size_t len = 0;
    struct store *s;
    FILE *fp;
    int64_t now = ht_now();
    /* the language serve_render_begin renders in (Bahasa Indonesia unless English) */
    const char *lang = strcmp(r->lang, "en") == 0 ? "en" : "id";
    int found = 0;

    memset(&wr, 0, sizeof(wr));
    if (weekly_period(&wr, week, now, &err) < 0) {
        weekly_release(&wr);
        answer_json_error(a, 404, "not_found",
                          "no closed week of that name (YYYY-Www, Asia/Jakarta, ended)");
        return;
    }
    if (!(s = begin(sv, r, a, &sc))) {
        weekly_release(&wr);
        return;
    }
    /* The weekly report is the city's: a kecamatan token would get its own kecamatan's
     * rows only (row-level security), under the city's headings. */
    if (strcmp(sc.kind, "kota") != 0) {
        answer_json_error(a, 403, "forbidden",
                          "the weekly report needs a kota-scope token");
        goto out;
    }
    /* A closed week's report is the one stored under this request's scope (the policy
     * of weekly_snapshot), the same bytes as `halaltrack report weekly --format html`;
     * else it is built here, in this request's transaction and scope, and stored. */
    if (weekly_closed(&wr, now) &&
        (found = store_weekly_snapshot_get(s, wr.week, "html", lang, &snap, &err)) < 0) {
        db_failed(a, &err);
        goto out;
    }
    if (!found) {
        int rc;

        if (store_report_weekly(s, &wr, &err) < 0 || weekly_finish(&wr, &err) < 0) {
            db_failed(a, &err);
            goto out;
        }
        serve_render_begin(sv, lang);
        fp = open_memstream(&body, &len);
        rc = fp ? report_weekly_html(fp, &wr) : -1;
        if (fp && fclose(fp) != 0)
            rc = -1;
        serve_render_end(sv);
        if (rc < 0) {
            answer_json_error(a, 500, "internal", "cannot render the report");
            goto out;
        }
        /* Under a savepoint: a report that cannot be stored is still served. */
        if (weekly_closed(&wr, now) &&
            (store_exec(s, "SAVEPOINT weekly_snapshot", &err) < 0 ||
             store_weekly_snapshot_put(s, &wr, "html", lang, body, 0, &err) < 0)) {
            log_warn("api: the weekly report %s was not stored: %s", wr.week, err.msg);
            ht_err_clear(&err);
            if (store_exec(s, "ROLLBACK TO SAVEPOINT weekly_snapshot", &err) < 0) {
                db_failed(a, &err);
                goto out;
            }
        }
    }
    if ((fp = answer_open(a, 200, "text/html; charset=utf-8"))) {
        if (found)
            fwrite(snap.body, 1, snap.len, fp);
        else
            fwrite(body, 1, len, fp);
        answer_close(a, fp);
    }
out:
    free(body);
    weekly_snapshot_release(&snap);
    weekly_release(&wr);
    end(sv, s);
}

/* The truth oracle: /_sim/truth decoded, and the database compared with it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "halaltrack/util.h"
#include "truth.h"

static char *dup_str(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? strdup(v) : NULL;
}

static void app_release(struct truth_app *a)
{
    free(a->id_reg);
    free(a->no_daftar);
    free(a->nib);
    free(a->status);
    free(a->channel_id);
    free(a->cert_no);
    free(a->cert_date);
    free(a->ev);
}

void truth_release(struct truth *t)
{
    for (size_t i = 0; i < t->n; i++)
        app_release(&t->apps[i]);
    free(t->apps);
    memset(t, 0, sizeof(*t));
}

static int parse_line(const char *line, size_t len, struct truth_app *a, char *msg,
                      size_t msgsz)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je), *tr, *e;
    size_t i;

    memset(a, 0, sizeof(*a));
    if (!o || !json_is_object(o)) {
        snprintf(msg, msgsz, "truth line is not a JSON object: %s", o ? "" : je.text);
        json_decref(o);
        return -1;
    }
    a->id_reg = dup_str(o, "id_reg");
    a->no_daftar = dup_str(o, "no_daftar");
    a->nib = dup_str(o, "nib");
    a->status = dup_str(o, "status");
    a->channel_id = dup_str(o, "channel_id");
    a->cert_no = dup_str(o, "nomor_sertifikat");
    a->cert_date = dup_str(o, "tanggal_sertifikat");
    a->denied = json_is_true(json_object_get(o, "detail_denied"));
    tr = json_object_get(o, "tracking");
    a->ev = calloc(json_array_size(tr) + 1, sizeof(*a->ev));
    if (!a->id_reg || !a->status || !json_is_array(tr) || !a->ev) {
        snprintf(msg, msgsz, "truth line without id_reg, status or tracking: %.200s",
                 line);
        json_decref(o);
        app_release(a);
        return -1;
    }
    json_array_foreach(tr, i, e)
    {
        const char *st = json_string_value(json_object_get(e, "status"));
        const char *tg = json_string_value(json_object_get(e, "tanggal"));
        if (!st || !tg || ts_parse(tg, &a->ev[a->nev].at, NULL) < 0) {
            snprintf(msg, msgsz, "truth event %zu of %s is not valid", i, a->id_reg);
            json_decref(o);
            app_release(a);
            return -1;
        }
        snprintf(a->ev[a->nev].status, sizeof(a->ev[a->nev].status), "%s", st);
        a->nev++;
    }
    json_decref(o);
    return 0;
}

int truth_parse(const char *ndjson, struct truth *t, char *msg, size_t msgsz)
{
    size_t cap = 0;

    memset(t, 0, sizeof(*t));
    for (const char *p = ndjson, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        size_t len;
        nl = strchr(p, '\n');
        len = nl ? (size_t)(nl - p) : strlen(p);
        if (!len)
            continue;
        if (t->n == cap) {
            struct truth_app *na;
            cap = cap ? cap * 2 : 256;
            if (!(na = realloc(t->apps, cap * sizeof(*na)))) {
                snprintf(msg, msgsz, "out of memory");
                truth_release(t);
                return -1;
            }
            t->apps = na;
        }
        if (parse_line(p, len, &t->apps[t->n], msg, msgsz) < 0) {
            truth_release(t);
            return -1;
        }
        t->n++;
    }
    return 0;
}

/* ---- comparison ---- */

struct db_app {
    const char *key, *id_reg, *no_daftar, *nib, *channel, *status, *cert_no, *cert_date,
        *source;
    int64_t since;
    int has_since;
};

struct db_ev {
    const char *key, *status, *source;
    int64_t at, from;
    int has_from;
};

static int cmp_key_app(const void *a, const void *b)
{
    return strcmp(((const struct db_app *)a)->key, ((const struct db_app *)b)->key);
}

static int cmp_ev(const void *a, const void *b)
{
    const struct db_ev *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->status, y->status);
}

static int cmp_tev(const void *a, const void *b)
{
    const struct truth_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->status, y->status);
}

static int eq_or_null(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void note(struct truth_diff *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct truth_diff *d, const char *fmt, ...)
{
    va_list ap;

    if (d->first[0])
        return;
    va_start(ap, fmt);
    vsnprintf(d->first, sizeof(d->first), fmt, ap);
    va_end(ap);
}

/* Truth applications sorted by id_reg and by no_daftar, for lookups. */
struct truth_index {
    const struct truth_app **by_id, **by_nd;
    size_t n;
};

static int cmp_tid(const void *a, const void *b)
{
    return strcmp((*(const struct truth_app *const *)a)->id_reg,
                  (*(const struct truth_app *const *)b)->id_reg);
}

static int cmp_tnd(const void *a, const void *b)
{
    const char *x = (*(const struct truth_app *const *)a)->no_daftar,
               *y = (*(const struct truth_app *const *)b)->no_daftar;
    return strcmp(x ? x : "", y ? y : "");
}

static void index_build(struct truth_index *ix, const struct truth *t)
{
    ix->n = t->n;
    ix->by_id = malloc((t->n + 1) * sizeof(*ix->by_id));
    ix->by_nd = malloc((t->n + 1) * sizeof(*ix->by_nd));
    for (size_t i = 0; i < t->n; i++)
        ix->by_id[i] = ix->by_nd[i] = &t->apps[i];
    qsort(ix->by_id, t->n, sizeof(*ix->by_id), cmp_tid);
    qsort(ix->by_nd, t->n, sizeof(*ix->by_nd), cmp_tnd);
}

/* The truth application a DB row stands for: by id_reg, else by no_daftar. */
static const struct truth_app *find_truth(const struct truth_index *ix,
                                          const struct db_app *a)
{
    struct truth_app probe = {0};
    const struct truth_app *pp = &probe, **hit;

    probe.id_reg = (char *)(a->id_reg ? a->id_reg : "");
    probe.no_daftar = (char *)a->no_daftar;
    if (a->id_reg)
        hit = bsearch(&pp, ix->by_id, ix->n, sizeof(*ix->by_id), cmp_tid);
    else if (a->no_daftar)
        hit = bsearch(&pp, ix->by_nd, ix->n, sizeof(*ix->by_nd), cmp_tnd);
    else
        hit = NULL;
    return hit ? *hit : NULL;
}

static void compare_row(const struct truth_app *ta, const struct db_app *a,
                        struct truth_diff *d)
{
    int64_t since = 0;

    for (size_t k = 0; k < ta->nev; k++)
        if (k == 0 || ta->ev[k].at >= since)
            since = ta->ev[k].at;
    if (!a->has_since || a->since != since || !eq_or_null(a->cert_no, ta->cert_no) ||
        !eq_or_null(a->cert_date, ta->cert_date) || !eq_or_null(a->nib, ta->nib) ||
        !eq_or_null(a->no_daftar, ta->no_daftar) ||
        !eq_or_null(a->channel, ta->channel_id)) {
        d->rows_wrong++;
        note(d,
             "v_application row of %s differs: stage_since %" PRId64 "/%" PRId64
             " certificate %s %s / %s %s nib %s/%s no_daftar %s/%s channel %s/%s "
             "(database/truth)",
             ta->id_reg, a->has_since ? a->since : -1, since,
             a->cert_no ? a->cert_no : "-", a->cert_date ? a->cert_date : "-",
             ta->cert_no ? ta->cert_no : "-", ta->cert_date ? ta->cert_date : "-",
             a->nib ? a->nib : "-", ta->nib ? ta->nib : "-",
             a->no_daftar ? a->no_daftar : "-", ta->no_daftar ? ta->no_daftar : "-",
             a->channel ? a->channel : "-", ta->channel_id ? ta->channel_id : "-");
    }
}

/* The events of one application: exact for upstream history, inside the windows for
 * observed history. */
static void compare_events(const struct truth_app *ta, struct db_ev *ev, size_t n,
                           int observed, struct truth_diff *d)
{
    struct truth_event *te = malloc((ta->nev + 1) * sizeof(*te));
    size_t i = 0, j = 0;

    memcpy(te, ta->ev, ta->nev * sizeof(*te));
    qsort(te, ta->nev, sizeof(*te), cmp_tev);
    if (observed) {
        for (j = 0; j < n; j++) {
            int ok = 0;
            for (size_t k = 0; k < ta->nev && !ok; k++)
                ok = strcmp(te[k].status, ev[j].status) == 0 && te[k].at <= ev[j].at &&
                     (!ev[j].has_from || te[k].at >= ev[j].from);
            if (!ok) {
                d->events_outside++;
                note(d,
                     "observed event %s %s at %" PRId64 " (from %" PRId64 ") has no true "
                     "event inside its window",
                     ta->id_reg, ev[j].status, ev[j].at,
                     ev[j].has_from ? ev[j].from : -1);
            }
        }
        free(te);
        return;
    }
    while (i < ta->nev || j < n) {
        int c = i == ta->nev ? 1
                : j == n     ? -1
                             : (te[i].at != ev[j].at ? (te[i].at < ev[j].at ? -1 : 1)
                                                     : strcmp(te[i].status, ev[j].status));
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            d->events_missing++;
            note(d, "event missing: %s %s at %" PRId64, ta->id_reg, te[i].status,
                 te[i].at);
            i++;
        } else {
            d->events_extra++;
            note(d, "event not in the truth: %s %s at %" PRId64, ta->id_reg, ev[j].status,
                 ev[j].at);
            j++;
        }
    }
    free(te);
}

long truth_compare(struct store *st, const struct truth *t, struct truth_diff *d)
{
    struct store_rows ra = {0}, re = {0};
    struct ht_err err = HT_ERR_INIT;
    struct db_app *apps = NULL;
    struct db_ev *evs = NULL;
    unsigned char *seen = calloc(t->n + 1, 1);
    struct truth_index ix;
    size_t nev = 0;

    memset(d, 0, sizeof(*d));
    d->truth_apps = (long)t->n;
    for (size_t i = 0; i < t->n; i++)
        d->truth_events += (long)t->apps[i].nev;
    if (store_query_rows(
            st,
            "SELECT coalesce(v.id_reg, 'nd:' || v.no_daftar), v.id_reg, v.no_daftar, "
            "v.nib,"
            " v.channel_id, v.status_code, extract(epoch FROM v.stage_since)::bigint,"
            " v.certificate_no, v.certificate_date::text,"
            " to_jsonb(v) ->> 'history_source' FROM v_application v",
            0, NULL, &ra, &err) < 0 ||
        store_query_rows(
            st,
            "SELECT coalesce(a.id_reg, 'nd:' || a.no_daftar), e.status_code,"
            " extract(epoch FROM e.at)::bigint,"
            " extract(epoch FROM (to_jsonb(e) ->> 'window_from')::timestamptz)"
            "::bigint, to_jsonb(e) ->> 'source'"
            " FROM stage_event e JOIN application a ON a.id = e.application_id",
            0, NULL, &re, &err) < 0) {
        snprintf(d->first, sizeof(d->first), "database: %s", err.msg);
        store_rows_release(&ra);
        free(seen);
        return 1;
    }
    apps = calloc((size_t)ra.nrows + 1, sizeof(*apps));
    evs = calloc((size_t)re.nrows + 1, sizeof(*evs));
    for (int i = 0; i < ra.nrows; i++) {
        struct db_app *a = &apps[i];
        const char *since = store_rows_get(&ra, i, 6);
        a->key = store_rows_get(&ra, i, 0);
        a->id_reg = store_rows_get(&ra, i, 1);
        a->no_daftar = store_rows_get(&ra, i, 2);
        a->nib = store_rows_get(&ra, i, 3);
        a->channel = store_rows_get(&ra, i, 4);
        a->status = store_rows_get(&ra, i, 5);
        a->has_since = since != NULL;
        a->since = since ? strtoll(since, NULL, 10) : 0;
        a->cert_no = store_rows_get(&ra, i, 7);
        a->cert_date = store_rows_get(&ra, i, 8);
        a->source = store_rows_get(&ra, i, 9);
        if (!a->key)
            a->key = "";
    }
    for (int i = 0; i < re.nrows; i++) {
        struct db_ev *e = &evs[nev++];
        const char *from = store_rows_get(&re, i, 3);
        e->key = store_rows_get(&re, i, 0) ? store_rows_get(&re, i, 0) : "";
        e->status = store_rows_get(&re, i, 1);
        e->at = strtoll(store_rows_get(&re, i, 2), NULL, 10);
        e->has_from = from != NULL;
        e->from = from ? strtoll(from, NULL, 10) : 0;
        e->source = store_rows_get(&re, i, 4);
    }
    qsort(apps, (size_t)ra.nrows, sizeof(*apps), cmp_key_app);
    index_build(&ix, t);
    qsort(evs, nev, sizeof(*evs), cmp_ev);
    for (int i = 0; i < ra.nrows; i++) {
        const struct db_app *a = &apps[i];
        const struct truth_app *ta = find_truth(&ix, a);
        struct db_ev probe = {a->key, "", NULL, INT64_MIN, 0, 0};
        size_t lo = 0, hi = nev, k;
        int observed;

        if (!ta) {
            d->apps_extra++;
            note(d, "application not in the truth: %s", a->key);
            continue;
        }
        if (seen[ta - t->apps]++) {
            d->apps_extra++;
            note(d, "application stored twice: %s", a->key);
            continue;
        }
        observed = ta->denied || (a->source && strcmp(a->source, "observed") == 0);
        d->observed_apps += observed;
        if (strcmp(a->status, ta->status) != 0) {
            d->status_wrong++;
            note(d, "status differs: %s truth %s, database %s", ta->id_reg, ta->status,
                 a->status);
        } else if (!observed) {
            compare_row(ta, a, d);
        }
        while (lo < hi) { /* first event of this key */
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_ev(&evs[mid], &probe) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (k = lo; k < nev && strcmp(evs[k].key, a->key) == 0; k++)
            ;
        compare_events(ta, evs + lo, k - lo, observed, d);
    }
    for (size_t i = 0; i < t->n; i++)
        if (!seen[i]) {
            d->apps_missing++;
            d->events_missing += (long)t->apps[i].nev;
            note(d, "application missing: %s (%s)", t->apps[i].id_reg, t->apps[i].status);
        }
    {
        struct store_rows rd = {0};
        if (store_query_rows(
                st,
                "SELECT (SELECT count(*) FROM (SELECT application_id, status_code, at"
                " FROM stage_event GROUP BY 1, 2, 3 HAVING count(*) > 1) d)",
                0, NULL, &rd, &err) == 0) {
            d->events_dup = strtol(store_rows_get(&rd, 0, 0), NULL, 10);
            if (d->events_dup)
                note(d, "%ld duplicated events", d->events_dup);
        }
        store_rows_release(&rd);
    }
    free(ix.by_id);
    free(ix.by_nd);
    free(apps);
    free(evs);
    free(seen);
    store_rows_release(&ra);
    store_rows_release(&re);
    return d->apps_missing + d->apps_extra + d->status_wrong + d->rows_wrong +
           d->events_missing + d->events_extra + d->events_dup + d->events_outside;
}

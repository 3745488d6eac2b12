/* naive_poller: the baselines the daemon must beat, on the inquiry contract. Both page
 * through the office's list (the inquiry), then fetch each application's detail on its
 * path, sequentially over one connection:
 *  - the naive poller (default, >= 20x): one autocommit upsert per row (the
 *    application, then each tracking event);
 *  - the afternoon poller (--afternoon, >= 10x): what any user could write in an
 *    afternoon: one upsert per application, i.e. one statement (the application and all
 *    its events, passed as JSON) in its own transaction.
 * Runs on a capped sample (--limit; whole list pages spread evenly over the list, since
 * old applications carry more events than new ones) and reports its rate; the benchmark
 * extrapolates to N.
 *
 *   naive_poller --base URL [--limit 5000] [--schema naive_bench] [--email E]
 * [--afternoon] (password from HALALSIM_PASSWORD, default sim-password; PG* environment)
 *
 * Prints one JSON object: applications, requests, rows, seconds, applications/s. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include "halaltrack/buf.h"
#include "halaltrack/stage.h"
#include "bench_util.h"
#include "common.h"
#include "halaltrack/banned.h"

#define BODY_MAX (8 * 1024 * 1024)

struct body {
    char *p;
    size_t len, cap;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct body *b = ud;
    size_t len = sz * n;

    if (b->len + len + 1 > BODY_MAX)
        return 0;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        char *np;

        while (cap < b->len + len + 1)
            cap *= 2;
        if (!(np = realloc(b->p, cap)))
            return 0;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, len);
    b->len += len;
    b->p[b->len] = '\0';
    return len;
}

static int get(CURL *h, struct curl_slist *hd, const char *url, const char *post,
               struct body *b, long *requests, double *bytes)
{
    long code = 0;
    CURLcode rc;

    b->len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    if (post)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    else
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    (*requests)++;
    *bytes += (double)b->len;
    if (rc != CURLE_OK || code != 200 || !b->p) {
        fprintf(stderr, "naive_poller: '%s': %s (HTTP %ld)\n", url,
                curl_easy_strerror(rc), code);
        return -1;
    }
    return 0;
}

static int upsert(PGconn *c, const char *sql, int n, const char *const *v, long *rows)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

    if (!ok)
        fprintf(stderr, "naive_poller: upsert failed: %s", PQerrorMessage(c));
    PQclear(r);
    (*rows)++;
    return ok ? 0 : -1;
}

static const char UPSERT_APP[] =
    "INSERT INTO application (id_reg, no_daftar, nib, channel_id, status_code, stage,"
    " stage_since) VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)"
    " ON CONFLICT (id_reg) DO UPDATE SET no_daftar = EXCLUDED.no_daftar, nib = "
    "EXCLUDED.nib,"
    " channel_id = EXCLUDED.channel_id, status_code = EXCLUDED.status_code,"
    " stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since, observed_at = now()";

static const char UPSERT_EV[] =
    "INSERT INTO stage_event (application_id, status_code, stage, at, actor, comment)"
    " SELECT id, $2, $3, $4::timestamptz, $5, $6 FROM application WHERE id_reg = $1"
    " ON CONFLICT (application_id, status_code, at) DO UPDATE SET actor = EXCLUDED.actor,"
    " comment = EXCLUDED.comment";

/* The afternoon poller's one statement per application: the application upserted, then
 * its events from a JSON array, in one implicit transaction. */
static const char UPSERT_ALL[] =
    "WITH a AS (INSERT INTO application (id_reg, no_daftar, nib, channel_id, status_code,"
    " stage, stage_since) VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)"
    " ON CONFLICT (id_reg) DO UPDATE SET no_daftar = EXCLUDED.no_daftar, nib = "
    "EXCLUDED.nib,"
    " channel_id = EXCLUDED.channel_id, status_code = EXCLUDED.status_code,"
    " stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since, observed_at = now()"
    " RETURNING id)"
    " INSERT INTO stage_event (application_id, status_code, stage, at, actor, comment)"
    " SELECT a.id, e.status, e.stage, e.tanggal::timestamptz, e.username, e.comment"
    " FROM a, json_to_recordset($8::json) AS e(status text, stage text, tanggal text,"
    " username text, comment text)"
    " ON CONFLICT (application_id, status_code, at) DO UPDATE SET actor = EXCLUDED.actor,"
    " comment = EXCLUDED.comment";

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Decodes one detail answer and writes it: row by row, or (afternoon) in one statement.
 */
static int store_detail(PGconn *c, const char *text, int afternoon, long *rows,
                        long *events)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr), *data, *ch, *tr, *ev;
    const char *code = NULL, *since = NULL;
    size_t i;
    int rc = -1;

    data = json_object_get(root, "data");
    ch = json_object_get(data, "certificate_halal");
    tr = json_object_get(data, "tracking");
    if (!ch || !jstr(ch, "id_reg") || !json_is_array(tr)) {
        fprintf(stderr, "naive_poller: cannot decode a detail: %s\n",
                root ? "missing fields" : jerr.text);
        goto out;
    }
    json_array_foreach(tr, i, ev)
    {
        code = jstr(ev, "status");
        since = jstr(ev, "tanggal");
    }
    /* the application's columns; v[7]: its events as JSON (afternoon) */
    const char *v[8] = {jstr(ch, "id_reg"),
                        jstr(ch, "no_daftar"),
                        jstr(ch, "nib"),
                        jstr(ch, "channel_id"),
                        code ? code : "?",
                        stage_name(stage_of_code(code ? code : "?")),
                        since,
                        NULL};
    if (afternoon) {
        json_t *evs = json_array();
        char *js = NULL;
        int bad = !evs;

        json_array_foreach(tr, i, ev)
        {
            const char *ec = jstr(ev, "status");

            if (bad || !ec || !jstr(ev, "tanggal"))
                continue;
            bad =
                json_array_append_new(
                    evs, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "status", ec, "stage",
                                   stage_name(stage_of_code(ec)), "tanggal",
                                   jstr(ev, "tanggal"), "username", jstr(ev, "username"),
                                   "comment", jstr(ev, "comment"))) != 0;
            (*events)++;
        }
        if (!bad && (js = json_dumps(evs, JSON_COMPACT))) {
            v[7] = js;
            bad = upsert(c, UPSERT_ALL, 8, v, rows) != 0;
        }
        free(js);
        json_decref(evs);
        rc = bad || !js ? -1 : 0;
        goto out;
    }
    if (upsert(c, UPSERT_APP, 7, v, rows))
        goto out;
    json_array_foreach(tr, i, ev)
    {
        const char *ec = jstr(ev, "status");
        const char *ev_v[6] = {jstr(ch, "id_reg"),
                               ec,
                               stage_name(stage_of_code(ec ? ec : "?")),
                               jstr(ev, "tanggal"),
                               jstr(ev, "username"),
                               jstr(ev, "comment")};

        if (!ec || !ev_v[3])
            continue;
        if (upsert(c, UPSERT_EV, 6, ev_v, rows))
            goto out;
        (*events)++;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static void usage(FILE *fp)
{
    fprintf(
        fp,
        "Usage:\n  naive_poller --base URL [--limit N] [--schema NAME] [--email E]"
        " [--afternoon]\n\n"
        "One detail request and one autocommit upsert per row (--afternoon: one upsert\n"
        "per application), sequentially, for N applications spread over the list\n"
        "(default 5000); prints the rate as JSON.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"base", required_argument, NULL, 'b'},
        {"limit", required_argument, NULL, 'l'},
        {"schema", required_argument, NULL, 's'},
        {"email", required_argument, NULL, 'e'},
        {"afternoon", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *base = NULL, *schema = "naive_bench",
               *email = "dinkop@pasuruankota.go.id";
    const char *pw = bench_password();
    long limit = 5000, requests = 0, rows = 0, events = 0, napps = 0, total = 0;
    long total_pages = 0, want_pages = 0;
    double bytes = 0, t0, t_list = 0, secs;
    struct body b = {0};
    struct curl_slist *hd = NULL;
    CURL *h = NULL;
    PGconn *c = NULL;
    char url[512], post[600], token[512];
    char **ids = NULL;
    enum api_path *sd = NULL; /* each application's detail path */
    int ch, rc = 1, afternoon = 0;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            base = optarg;
            break;
        case 'l':
            limit = strtol(optarg, NULL, 10);
            break;
        case 's':
            schema = optarg;
            break;
        case 'e':
            email = optarg;
            break;
        case 'a':
            afternoon = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!base || limit < 1 || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (bench_schema_ok("naive_poller", schema))
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!(c = bench_pg_connect("naive_poller", schema, "TRUNCATE application CASCADE")))
        goto out;
    if (!(h = curl_easy_init()) || !(ids = calloc((size_t)limit, sizeof(*ids))) ||
        !(sd = calloc((size_t)limit, sizeof(*sd))))
        goto out;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    hd = curl_slist_append(NULL, "Content-Type: application/json");
    (void)bench_url(url, sizeof(url), base, API_AUTH, NULL, NULL); /* "" fails below */
    if (bench_auth_body(post, sizeof(post), email, pw) ||
        get(h, hd, url, post, &b, &requests, &bytes) ||
        bench_json_peek(b.p, "token", token, sizeof(token))) {
        fprintf(stderr, "naive_poller: cannot authenticate at '%s'\n", base);
        goto out;
    }
    curl_slist_free_all(hd);
    snprintf(post, sizeof(post), "Authorization: Bearer %s", token);
    hd = curl_slist_append(NULL, post);
    /* The sample is spread evenly over the list (old applications carry more events than
     * new ones), so its rate extrapolates to the whole list. */
    if (bench_url(url, sizeof(url), base, API_APPLICATIONS, NULL, "page=1&size=100") <
            0 ||
        get(h, hd, url, NULL, &b, &requests, &bytes) ||
        bench_json_peek_long(b.p, "total_page", &total_pages) || total_pages < 1) {
        fprintf(stderr, "naive_poller: cannot read the page count from '%s'\n", url);
        goto out;
    }
    want_pages = (limit + 99) / 100;
    if (want_pages > total_pages)
        want_pages = total_pages;
    t0 = bench_now();
    for (long k = 0; k < want_pages && napps < limit; k++) {
        json_error_t jerr;
        json_t *root, *items, *it;
        long page = 1 + k * total_pages / want_pages;
        size_t i;

        char q[48];

        snprintf(q, sizeof(q), "page=%ld&size=100", page);
        if (bench_url(url, sizeof(url), base, API_APPLICATIONS, NULL, q) < 0 ||
            get(h, hd, url, NULL, &b, &requests, &bytes))
            goto out;
        root = json_loads(b.p, 0, &jerr);
        items = json_object_get(root, "data");
        total = (long)json_integer_value(json_object_get(root, "total_item"));
        if (!json_is_array(items) || json_array_size(items) == 0) {
            json_decref(root);
            break;
        }
        json_array_foreach(items, i, it)
        {
            if (napps < limit && jstr(it, "id_reg")) {
                sd[napps] = bench_detail_path(NULL, jstr(it, "jenis_daftar"));
                ids[napps++] = strdup(jstr(it, "id_reg"));
            }
        }
        json_decref(root);
    }
    t_list = bench_now() - t0;
    for (long i = 0; i < napps; i++) {
        if (!ids[i])
            goto out;
        if (bench_url(url, sizeof(url), base, sd[i], ids[i], NULL) < 0 ||
            get(h, hd, url, NULL, &b, &requests, &bytes) ||
            store_detail(c, b.p, afternoon, &rows, &events))
            goto out;
    }
    secs = bench_now() - t0;
    printf("{\n  \"sample_applications\": %ld,\n  \"total_item\": %ld,\n  \"requests\": "
           "%ld,\n"
           "  \"bytes\": %.0f,\n  \"rows_upserted\": %ld,\n  \"events\": %ld,\n"
           "  \"list_seconds\": %.3f,\n  \"seconds\": %.3f,\n  \"applications_per_s\": "
           "%.1f,\n"
           "  \"pages_sampled\": %ld,\n  \"total_pages\": %ld,\n"
           "  \"extrapolated_seconds_for_total\": %.0f\n}\n",
           napps, total, requests, bytes, rows, events, t_list, secs, napps / secs,
           want_pages, total_pages, total / (napps / secs));
    rc = 0;
out:
    if (ids)
        for (long i = 0; i < limit; i++)
            free(ids[i]);
    free(ids);
    free(sd);
    free(b.p);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    PQfinish(c);
    curl_global_cleanup();
    return rc;
}

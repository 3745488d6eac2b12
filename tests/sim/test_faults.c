/* Contract tests of halalsim's fault injection: each kind occurs when asked for and is
 * what it claims to be; fault decisions are reproducible from the fault seed. */
#define _GNU_SOURCE
#include "sim_client.h"
#include "halaltrack/stage.h"
#include "halaltrack/util.h"

static struct sim_proc sp;
static char *token;

#define LIST "/api/v1/halal-certificate-reguler/inquiry?page=2&size=50"

static void setup(void)
{
    static const char *const args[] = {"--seed", "5", "--msmes", "1500", NULL};

    curl_global_init(CURL_GLOBAL_DEFAULT);
    sp = sim_start(args);
    token = sim_login(&sp);
}

static void teardown(void)
{
    free(token);
    cr_expect_eq(sim_stop(&sp), 0);
}

TestSuite(sim_faults, .init = setup, .fini = teardown, .timeout = 120);

static int is_json(const char *s, size_t n)
{
    json_error_t je;
    json_t *j = json_loadb(s, n, 0, &je);

    json_decref(j);
    return j != NULL;
}

static long counter(const char *kind)
{
    struct http_res r = http_get(&sp, "/_sim/faults", NULL);
    json_t *j = json_body(&r);
    long v =
        (long)json_integer_value(json_object_get(json_object_get(j, "counters"), kind));

    json_decref(j);
    http_res_release(&r);
    return v;
}

Test(sim_faults, error_5xx)
{
    sim_set_faults(&sp, "{\"error_5xx\":1}");
    for (int i = 0; i < 30; i++) {
        struct http_res r = http_get(&sp, LIST, token);
        json_t *j = json_body(&r);
        long code = (long)json_integer_value(json_object_get(j, "code"));

        cr_assert(r.status == 500 || r.status == 502 || r.status == 503, "%ld", r.status);
        cr_assert_eq(code, 5000 + r.status - 500);
        if (r.status == 503)
            cr_assert_str_eq(r.retry_after, "1");
        json_decref(j);
        http_res_release(&r);
    }
    cr_assert_eq(counter("error_5xx"), 30);
}

Test(sim_faults, rate_429_retry_after_both_forms)
{
    int secs = 0, dates = 0;

    sim_set_faults(&sp, "{\"rate_429\":1}");
    for (int i = 0; i < 40 && !(secs && dates); i++) {
        struct http_res r = http_get(&sp, LIST, token);

        cr_assert_eq(r.status, 429);
        cr_assert(strstr(r.body, "\"code\":4029"));
        cr_assert(r.retry_after[0], "429 without Retry-After");
        if (strspn(r.retry_after, "0123456789") == strlen(r.retry_after)) {
            secs++;
        } else {
            struct tm tm;
            char *end;

            memset(&tm, 0, sizeof(tm));
            end = strptime(r.retry_after, "%a, %d %b %Y %H:%M:%S GMT", &tm);
            cr_assert(end && !*end,
                      "Retry-After '%s' is neither seconds nor an HTTP date",
                      r.retry_after);
            cr_assert_gt(timegm(&tm), time(NULL) - 2);
            dates++;
        }
        http_res_release(&r);
    }
    cr_assert(secs && dates);
    cr_assert_eq(counter("rate_429"), secs + dates);
}

Test(sim_faults, request_rate_limit)
{
    static const char *const args[] = {"--msmes", "50", "--rate", "5", NULL};
    struct sim_proc s2 = sim_start(args);
    char *t = NULL;
    int limited = 0, ok = 0;

    for (int i = 0; i < 40; i++) {
        struct http_res r = http_get(&s2, "/api/search/sertifikat?size=1", NULL);

        if (r.status == 429) {
            limited++;
            cr_assert(r.retry_after[0]);
        } else {
            cr_assert_eq(r.status, 200);
            ok++;
        }
        http_res_release(&r);
    }
    cr_assert_gt(limited, 0);
    cr_assert_gt(ok, 0);
    {
        /* the limiter counts what it refused */
        struct sim_proc keep = sp;
        sp = s2;
        cr_assert_eq(counter("rate_limit"), limited);
        sp = keep;
    }
    free(t);
    cr_assert_eq(sim_stop(&s2), 0);
}

Test(sim_faults, slow_exceeds_client_timeout)
{
    struct http_res r;

    sim_set_faults(&sp, "{\"slow\":1,\"slow_ms\":1500}");
    r = http_do(&sp, "GET", LIST, token, NULL, 1000);
    cr_assert_eq(r.curl_rc, CURLE_OPERATION_TIMEDOUT, "curl rc %d", r.curl_rc);
    http_res_release(&r);
    sim_set_faults(&sp, "{\"slow\":0}");
    r = http_do(&sp, "GET", LIST, token, NULL, 10000);
    cr_assert_eq(r.curl_rc, CURLE_OK);
    http_res_release(&r);
    cr_assert_eq(counter("slow"), 1);
}

Test(sim_faults, reset_mid_body_is_a_curl_error)
{
    struct http_res r;

    sim_set_faults(&sp, "{\"reset\":1}");
    r = http_get(&sp, LIST, token);
    cr_assert_neq(r.curl_rc, CURLE_OK, "a reset must fail the transfer");
    cr_assert(r.curl_rc == CURLE_PARTIAL_FILE || r.curl_rc == CURLE_RECV_ERROR ||
                  r.curl_rc == CURLE_GOT_NOTHING,
              "curl rc %d", r.curl_rc);
    http_res_release(&r);
    cr_assert_eq(counter("reset"), 1);
}

Test(sim_faults, truncate_and_malformed)
{
    struct http_res good = http_get(&sp, LIST, token), r;

    cr_assert(is_json(good.body, good.len));
    sim_set_faults(&sp, "{\"truncate\":1}");
    r = http_get(&sp, LIST, token);
    cr_assert_eq(r.curl_rc, CURLE_OK);
    cr_assert_eq(r.status, 200);
    cr_assert_lt(r.len, good.len);
    cr_assert(!is_json(r.body, r.len), "a truncated body must not parse");
    cr_assert_eq(memcmp(r.body, good.body, r.len), 0, "truncation keeps a prefix");
    http_res_release(&r);
    sim_set_faults(&sp, "{\"truncate\":0,\"malformed\":1}");
    r = http_get(&sp, LIST, token);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.len, good.len);
    cr_assert(!is_json(r.body, r.len), "a malformed body must not parse");
    http_res_release(&r);
    http_res_release(&good);
    cr_assert_eq(counter("truncate"), 1);
    cr_assert_eq(counter("malformed"), 1);
}

/* The ids of injected bad records. */
static json_t *bad_records(void)
{
    struct http_res r = http_get(&sp, "/_sim/faults", NULL);
    json_t *j = json_body(&r), *b = json_incref(json_object_get(j, "bad_records"));

    json_decref(j);
    http_res_release(&r);
    return b;
}

Test(sim_faults, record_faults_are_listed)
{
    static const char *const known[] = {
        "OF1",   "OF2",   "OF5",   "OF10",  "OF11",  "OF12",  "OF15",  "OF50", "OF55",
        "OF56",  "OF60",  "OF70",  "OF71",  "OF72",  "OF74",  "OF75",  "OF80", "OF100",
        "OF120", "OF280", "OF285", "OF290", "OF300", "OF320", "OF900", NULL};
    struct http_res r;
    json_t *j, *it, *bad;
    size_t i;
    int n_unknown = 0, n_missing = 0;

    /* unknown code */
    sim_set_faults(&sp, "{\"unknown_code\":1}");
    r = http_get(&sp, LIST, token);
    j = json_body(&r);
    json_array_foreach(json_object_get(j, "data"), i, it)
    {
        int k = 0;

        for (const char *const *c = known; *c; c++)
            k |= !strcmp(jstr(it, "status"), *c);
        if (!k) {
            n_unknown++;
            bad = bad_records();
            cr_assert_eq(json_array_size(bad), 1);
            cr_assert_str_eq(jstr(json_array_get(bad, 0), "id_reg"), jstr(it, "id_reg"));
            cr_assert_str_eq(jstr(json_array_get(bad, 0), "kind"), "unknown_code");
            json_decref(bad);
        }
    }
    cr_assert_eq(n_unknown, 1);
    json_decref(j);
    http_res_release(&r);

    /* missing fields */
    sim_set_faults(&sp, "{\"unknown_code\":0,\"missing_fields\":1}");
    r = http_get(&sp, LIST, token);
    j = json_body(&r);
    json_array_foreach(json_object_get(j, "data"), i,
                       it) if (!json_object_get(it, "status") ||
                               json_is_null(json_object_get(it, "no_daftar")))
        n_missing++;
    cr_assert_eq(n_missing, 1);
    json_decref(j);
    http_res_release(&r);

    /* invalid UTF-8 inside a record */
    sim_set_faults(&sp, "{\"missing_fields\":0,\"bad_utf8\":1}");
    r = http_get(&sp, LIST, token);
    cr_assert_eq(r.status, 200);
    cr_assert(!utf8_valid(r.body, r.len), "the body must hold invalid UTF-8");
    http_res_release(&r);
    bad = bad_records();
    cr_assert_eq(json_array_size(bad), 3);
    cr_assert_str_eq(jstr(json_array_get(bad, 1), "kind"), "missing_fields");
    cr_assert_str_eq(jstr(json_array_get(bad, 2), "kind"), "bad_utf8");
    json_decref(bad);
    cr_assert_eq(counter("unknown_code"), 1);
    cr_assert_eq(counter("missing_fields"), 1);
    cr_assert_eq(counter("bad_utf8"), 1);
}

Test(sim_faults, string_numbers)
{
    struct http_res r;
    json_t *j;

    sim_set_faults(&sp, "{\"string_numbers\":1}");
    r = http_get(&sp, LIST, token);
    j = json_body(&r);
    cr_assert(json_is_string(json_object_get(j, "total_item")));
    cr_assert(json_is_string(json_object_get(j, "current_page")));
    cr_assert(json_is_string(json_object_get(j, "code")));
    cr_assert_str_eq(jstr(j, "current_page"), "2");
    json_decref(j);
    http_res_release(&r);
    cr_assert_eq(counter("string_numbers"), 1);
}

static json_t *page(int p)
{
    char path[128];
    struct http_res r;
    json_t *j, *d;

    snprintf(path, sizeof(path),
             "/api/v1/halal-certificate-reguler/inquiry?page=%d&size=20", p);
    r = http_get(&sp, path, token);
    cr_assert_eq(r.status, 200);
    j = json_body(&r);
    d = json_incref(json_object_get(j, "data"));
    json_decref(j);
    http_res_release(&r);
    return d;
}

Test(sim_faults, duplicate_items_and_page_shift)
{
    json_t *p1 = page(1), *p2, *last = json_array_get(p1, json_array_size(p1) - 1);

    sim_set_faults(&sp, "{\"duplicate_items\":1}");
    p2 = page(2);
    cr_assert_eq(json_array_size(p2), 21);
    cr_assert_str_eq(jstr(json_array_get(p2, 0), "id_reg"), jstr(last, "id_reg"));
    json_decref(p2);
    sim_set_faults(&sp, "{\"duplicate_items\":0,\"page_shift\":1}");
    p2 = page(2);
    cr_assert_eq(json_array_size(p2), 20);
    /* the page starts inside page 1: its first item was already served */
    {
        int dup = 0;
        size_t i;
        json_t *it;

        json_array_foreach(p1, i, it) dup |=
            !strcmp(jstr(it, "id_reg"), jstr(json_array_get(p2, 0), "id_reg"));
        cr_assert(dup, "a shifted page repeats items of the previous page");
    }
    json_decref(p2);
    json_decref(p1);
    cr_assert_eq(counter("page_shift"), 1);
    cr_assert_eq(counter("duplicate_items"), 1);
}

Test(sim_faults, detail_unknown_code)
{
    json_t *p1 = page(1), *j, *tr;
    char path[256];
    struct http_res r;

    sim_set_faults(&sp, "{\"unknown_code\":1}");
    snprintf(path, sizeof(path),
             !strcmp(jstr(json_array_get(p1, 0), "jenis_daftar"), "Reguler")
                 ? "/api/v1/halal-certificate-reguler/business-actor/%s/detail"
                 : "/api/v1/halal-certificate-reguler/%s/detail",
             jstr(json_array_get(p1, 0), "id_reg"));
    r = http_get(&sp, path, token);
    j = json_body(&r);
    tr = json_object_get(json_object_get(j, "data"), "tracking");
    {
        const char *code = jstr(json_array_get(tr, json_array_size(tr) - 1), "status");

        cr_assert(code && stage_code_wellformed(code) && !stage_lookup(code),
                  "'%s' should be a well-formed unknown code", code ? code : "(null)");
    }
    json_decref(j);
    http_res_release(&r);
    json_decref(p1);
    cr_assert_eq(counter("unknown_code"), 1);
}

/* huge_body sticks to a fraction of applications: their detail is a 6 MB HTML page
 * every time, listed as a bad record; huge_total makes a list page claim 10^12 items. */
Test(sim_faults, huge_body_and_huge_total)
{
    json_t *p1 = page(1), *it, *bad, *j;
    size_t i;
    int hit = 0;
    struct http_res r;

    sim_set_faults(&sp, "{\"huge_body\":0.3,\"seed\":3}");
    json_array_foreach(p1, i, it)
    {
        char path[256];
        snprintf(path, sizeof(path),
                 !strcmp(jstr(it, "jenis_daftar"), "Reguler")
                     ? "/api/v1/halal-certificate-reguler/business-actor/%s/detail"
                     : "/api/v1/halal-certificate-reguler/%s/detail",
                 jstr(it, "id_reg"));
        for (int k = 0; k < 2; k++) {
            r = http_get(&sp, path, token);
            cr_assert_eq(r.status, 200);
            if (r.len > 6000000) {
                cr_assert(strstr(r.body, "<html>") != NULL);
                hit += k == 0;
            } else {
                cr_assert(is_json(r.body, r.len));
            }
            http_res_release(&r);
        }
    }
    cr_assert_gt(hit, 0);
    cr_assert_eq(counter("huge_body"), 2 * hit,
                 "each answer of a hit application is huge");
    bad = bad_records();
    cr_assert_eq(json_array_size(bad), (size_t)(2 * hit));
    cr_assert_str_eq(jstr(json_array_get(bad, 0), "kind"), "huge_body");
    json_decref(bad);
    sim_set_faults(&sp, "{\"huge_body\":0,\"huge_total\":1}");
    r = http_get(&sp, LIST, token);
    j = json_body(&r);
    cr_assert_eq(json_integer_value(json_object_get(j, "total_item")), 1000000000000LL);
    json_decref(j);
    http_res_release(&r);
    cr_assert_eq(counter("huge_total"), 1);
    json_decref(p1);
}

/* Two simulators with the same fault seed and the same requests inject the same faults.
 */
static char *run_faulty(void)
{
    static const char *const args[] = {"--seed",
                                       "3",
                                       "--msmes",
                                       "900",
                                       "--fault-seed",
                                       "42",
                                       "--fault-unknown-code",
                                       "0.3",
                                       "--fault-missing-fields",
                                       "0.3",
                                       "--fault-5xx",
                                       "0.2",
                                       "--fault-truncate",
                                       "0.2",
                                       NULL};
    struct sim_proc s = sim_start(args);
    char *t = sim_login_retry(&s), *out;
    struct http_res r;

    for (int i = 1; i <= 20; i++) {
        char path[128];

        snprintf(path, sizeof(path),
                 "/api/v1/halal-certificate-reguler/inquiry?page=%d&size=10", i);
        r = http_get(&s, path, t);
        http_res_release(&r);
    }
    r = http_get(&s, "/_sim/faults", NULL);
    out = strdup(r.body);
    http_res_release(&r);
    free(t);
    cr_assert_eq(sim_stop(&s), 0);
    return out;
}

Test(sim_faults, reproducible_from_the_seed)
{
    char *a = run_faulty(), *b = run_faulty();

    cr_assert(strstr(a, "\"unknown_code\":") && tu_count(a, "\"kind\"") > 0);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
}

Test(sim_faults, bad_settings_are_400)
{
    struct http_res r =
        http_do(&sp, "POST", "/_sim/faults", NULL, "{\"error_5xx\":2}", 0);

    cr_assert_eq(r.status, 400);
    http_res_release(&r);
    r = http_do(&sp, "POST", "/_sim/faults", NULL, "{\"nonsense\":0.1}", 0);
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "nonsense"));
    http_res_release(&r);
    /* the active settings are answered at the top level */
    sim_set_faults(&sp, "{\"truncate\":0.25,\"slow_ms\":1234,\"seed\":9}");
    r = http_get(&sp, "/_sim/faults", NULL);
    {
        json_t *j = json_body(&r);

        cr_assert_float_eq(json_number_value(json_object_get(j, "truncate")), 0.25, 1e-9);
        cr_assert_eq(json_integer_value(json_object_get(j, "slow_ms")), 1234);
        cr_assert_eq(json_integer_value(json_object_get(j, "seed")), 9);
        cr_assert_float_eq(json_number_value(json_object_get(j, "error_5xx")), 0, 1e-9);
        cr_assert(json_is_object(json_object_get(j, "counters")));
        cr_assert(json_is_array(json_object_get(j, "bad_records")));
        json_decref(j);
    }
    http_res_release(&r);
}

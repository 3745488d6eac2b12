/* Contract tests of halalsim's national API (docs/national-api.md) against a real
 * halalsim: auth and expiry, pagination against the truth, filters, detail vs truth,
 * errors, search. */
#define _GNU_SOURCE
#include "sim_client.h"
#include "halaltrack/status_label.h"
#include "halaltrack/util.h"

#define INQUIRY "/api/v1/halal-certificate-reguler/inquiry"
#define DETAIL_REGULER "/api/v1/halal-certificate-reguler/business-actor/%s/detail"
#define DETAIL_SELF "/api/v1/halal-certificate-reguler/%s/detail"
#define PROGRAMMES "/api/v1/fasilitator/search"

static struct sim_proc sp;
static char *token;

static void setup(void)
{
    static const char *const args[] = {"--seed", "11", "--msmes", "600", NULL};

    curl_global_init(CURL_GLOBAL_DEFAULT);
    sp = sim_start(args);
    token = sim_login(&sp);
}

static void teardown(void)
{
    free(token);
    cr_expect_eq(sim_stop(&sp), 0, "halalsim must exit 0 on SIGTERM");
}

TestSuite(sim_api, .init = setup, .fini = teardown, .timeout = 120);

Test(sim_api, wrong_password_is_401_4001)
{
    struct http_res r = http_do(&sp, "POST", "/api/authenticate", NULL,
                                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"nope\"}", 0);
    json_t *j = json_body(&r);

    cr_assert_eq(r.status, 401);
    cr_assert_eq(json_integer_value(json_object_get(j, "code")), 4001);
    cr_assert(
        json_array_size(json_object_get(json_object_get(j, "errors"), "list_error")) > 0);
    json_decref(j);
    http_res_release(&r);
    r = http_do(&sp, "POST", "/api/authenticate", NULL, "{\"email\":1}", 0);
    cr_assert_eq(r.status, 400);
    http_res_release(&r);
}

Test(sim_api, missing_or_bad_token_is_401)
{
    struct http_res r = http_get(&sp, INQUIRY "?page=1&size=10", NULL);
    json_t *j = json_body(&r);

    cr_assert_eq(r.status, 401);
    cr_assert_eq(json_integer_value(json_object_get(j, "code")), 4001);
    json_decref(j);
    http_res_release(&r);
    r = http_get(&sp, INQUIRY "?page=1&size=10", "simtok.forged");
    cr_assert_eq(r.status, 401);
    http_res_release(&r);
}

Test(sim_api, token_expiry_fault_then_reauth)
{
    struct http_res r;
    char *t2;

    sim_set_faults(&sp, "{\"token_expiry\":1}");
    r = http_get(&sp, INQUIRY "?page=1&size=10", token);
    cr_assert_eq(r.status, 401);
    cr_assert(strstr(r.body, "\"code\":4001"));
    http_res_release(&r);
    sim_set_faults(&sp, "{\"token_expiry\":0}");
    /* the old token stays dead */
    r = http_get(&sp, INQUIRY "?page=1&size=10", token);
    cr_assert_eq(r.status, 401);
    http_res_release(&r);
    t2 = sim_login(&sp);
    r = http_get(&sp, INQUIRY "?page=1&size=10", t2);
    cr_assert_eq(r.status, 200);
    http_res_release(&r);
    free(t2);
    {
        /* the fault fired once, and halalsim counted it */
        struct http_res f = http_get(&sp, "/_sim/faults", NULL);
        cr_assert(strstr(f.body, "\"token_expiry\":1") != NULL, "%s", f.body);
        http_res_release(&f);
    }
}

Test(sim_api, expires_in_is_honoured)
{
    static const char *const args[] = {"--msmes", "50", "--token-ttl", "2", NULL};
    struct sim_proc s2 = sim_start(args);
    struct http_res r =
        http_do(&s2, "POST", "/api/authenticate", NULL,
                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"" SIM_PASSWORD "\"}", 0);
    json_t *j = json_body(&r);
    char *t = strdup(jstr(json_object_get(j, "data"), "token"));

    cr_assert_eq(
        json_integer_value(json_object_get(json_object_get(j, "data"), "expires_in")), 2);
    json_decref(j);
    http_res_release(&r);
    r = http_get(&s2, INQUIRY "", t);
    cr_assert_eq(r.status, 200);
    http_res_release(&r);
    usleep(2500 * 1000);
    r = http_get(&s2, INQUIRY "", t);
    cr_assert_eq(r.status, 401);
    cr_assert(strstr(r.body, "\"code\":4001"));
    http_res_release(&r);
    free(t);
    t = sim_login(&s2);
    r = http_get(&s2, INQUIRY "", t);
    cr_assert_eq(r.status, 200);
    http_res_release(&r);
    free(t);
    cr_assert_eq(sim_stop(&s2), 0);
}

/* Pages through the whole list with the given extra query; returns id_reg -> item. */
static json_t *page_all(const char *query, size_t *total_out)
{
    json_t *seen = json_object();
    long total = -1, pages = 1;

    for (long p = 1; p <= pages; p++) {
        char path[512];
        struct http_res r;
        json_t *j, *data, *it;
        size_t i;

        snprintf(path, sizeof(path), INQUIRY "?page=%ld&size=100%s", p, query);
        r = http_get(&sp, path, token);
        cr_assert_eq(r.status, 200, "%s: %ld %s", path, r.status, r.body);
        j = json_body(&r);
        cr_assert_eq(json_integer_value(json_object_get(j, "code")), 2000);
        cr_assert_eq(json_integer_value(json_object_get(j, "current_page")), p);
        if (total < 0) {
            total = (long)json_integer_value(json_object_get(j, "total_item"));
            pages = (long)json_integer_value(json_object_get(j, "total_page"));
            cr_assert_eq(pages, (total + 99) / 100);
        }
        data = json_object_get(j, "data");
        cr_assert(json_is_array(data));
        json_array_foreach(data, i, it)
        {
            const char *id = jstr(it, "id_reg");

            cr_assert(id);
            cr_assert_null(json_object_get(seen, id), "id_reg %s served twice", id);
            json_object_set(seen, id, it);
            /* what the frontend's inquiry table shows, and id_reg */
            for (const char *const *k =
                     (const char *const[]){"no_daftar", "tgl_daftar", "nama_pu",
                                           "jenis_daftar", "jenis_produk", "status",
                                           NULL};
                 *k; k++)
                cr_assert(jstr(it, *k), "item lacks '%s'", *k);
            cr_assert(json_object_get(it, "kode_fac"));
            cr_assert_null(json_object_get(it, "nib"));
            cr_assert_null(json_object_get(it, "channel_id"));
        }
        json_decref(j);
        http_res_release(&r);
    }
    *total_out = (size_t)total;
    return seen;
}

Test(sim_api, pagination_covers_the_truth_exactly_once)
{
    json_t *truth = sim_truth(&sp, "/_sim/truth", NULL), *t;
    size_t total, i;
    json_t *seen = page_all("", &total);

    cr_assert_gt(json_array_size(truth), 100);
    cr_assert_eq(total, json_array_size(truth));
    cr_assert_eq(json_object_size(seen), json_array_size(truth));
    json_array_foreach(truth, i, t)
    {
        json_t *it = json_object_get(seen, jstr(t, "id_reg"));

        cr_assert(it, "truth id_reg %s not served", jstr(t, "id_reg"));
        cr_assert_str_eq(jstr(it, "status"), jstr(t, "status"));
        cr_assert_str_eq(jstr(it, "no_daftar"), jstr(t, "no_daftar"));
        cr_assert_str_eq(jstr(it, "jenis_daftar"), jstr(t, "jenis_daftar"));
        cr_assert_str_eq(jstr(it, "kode_fac"), jstr(t, "kode_fac"));
        /* only the office's facilitated applications: its reguler code (CH002) and the
         * SEHATI code it shares with the P3H (CH003) */
        cr_assert(!strcmp(jstr(t, "channel_id"), "CH002") ||
                  !strcmp(jstr(t, "channel_id"), "CH003"));
        cr_assert(!strncmp(jstr(t, "kode_fac"), "FAS-3575-", 9) ||
                  !strncmp(jstr(t, "kode_fac"), "SEHATI", 6));
    }
    json_decref(seen);
    json_decref(truth);
}

Test(sim_api, order_is_newest_first_and_stable)
{
    struct http_res a = http_get(&sp, INQUIRY "?page=1&size=100", token);
    struct http_res b = http_get(&sp, INQUIRY "?page=1&size=100", token);
    json_t *j = json_body(&a), *it, *prev = NULL;
    size_t i;

    cr_assert_str_eq(a.body, b.body);
    json_array_foreach(json_object_get(j, "data"), i, it)
    {
        if (prev) {
            int c = strcmp(jstr(prev, "tgl_daftar"), jstr(it, "tgl_daftar"));

            cr_assert(c > 0 ||
                      (c == 0 && strcmp(jstr(prev, "id_reg"), jstr(it, "id_reg")) > 0));
        }
        prev = it;
    }
    json_decref(j);
    http_res_release(&a);
    http_res_release(&b);
}

static size_t truth_count(json_t *truth, const char *key, const char *const *vals)
{
    size_t i, n = 0;
    json_t *t;

    json_array_foreach(truth, i, t) for (const char *const *v = vals; *v;
                                         v++) if (!strcmp(jstr(t, key), *v)) n++;
    return n;
}

Test(sim_api, filters_of_the_inquiry)
{
    json_t *truth = sim_truth(&sp, "/_sim/truth", NULL), *seen, *it, *t;
    size_t total, i;
    const char *id;
    char q[256];

    seen = page_all("&status=OF10,OF280,OF300", &total);
    cr_assert_eq(total,
                 truth_count(truth, "status",
                             (const char *const[]){"OF10", "OF280", "OF300", NULL}));
    cr_assert_gt(total, 0);
    json_object_foreach(seen, id, it) cr_assert(!strcmp(jstr(it, "status"), "OF10") ||
                                                !strcmp(jstr(it, "status"), "OF280") ||
                                                !strcmp(jstr(it, "status"), "OF300"));
    json_decref(seen);

    seen = page_all("&jenis=Self%20Declare", &total);
    cr_assert_eq(total, truth_count(truth, "jenis_daftar",
                                    (const char *const[]){"Self Declare", NULL}));
    cr_assert_gt(total, 0);
    json_object_foreach(seen, id, it)
        cr_assert_str_eq(jstr(it, "jenis_daftar"), "Self Declare");
    json_decref(seen);

    t = json_array_get(truth, 7);
    snprintf(q, sizeof(q), "&kode_fac=%s", jstr(t, "kode_fac"));
    seen = page_all(q, &total);
    cr_assert_eq(total, truth_count(truth, "kode_fac",
                                    (const char *const[]){jstr(t, "kode_fac"), NULL}));
    json_decref(seen);

    snprintf(q, sizeof(q), "&no_daftar=%s", jstr(t, "no_daftar"));
    seen = page_all(q, &total);
    cr_assert_eq(total, 1);
    cr_assert(json_object_get(seen, jstr(t, "id_reg")));
    json_decref(seen);

    /* a word of the name, case-insensitive */
    {
        char path[256], word[64];
        struct http_res r;
        json_t *j;
        const char *name, *sp1;
        int found;

        snprintf(path, sizeof(path), DETAIL_SELF, jstr(t, "id_reg"));
        if (!strcmp(jstr(t, "jenis_daftar"), "Reguler"))
            snprintf(path, sizeof(path), DETAIL_REGULER, jstr(t, "id_reg"));
        r = http_get(&sp, path, token);
        j = json_body(&r);
        name = jstr(json_object_get(json_object_get(j, "data"), "certificate_halal"),
                    "nama_pu");
        sp1 = strrchr(name, ' ');
        snprintf(word, sizeof(word), "%s", sp1 ? sp1 + 1 : name);
        for (char *c = word; *c; c++)
            *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        snprintf(q, sizeof(q), "&nama_pu=%s", word);
        seen = page_all(q, &total);
        cr_assert_gt(total, 0);
        found = json_object_get(seen, jstr(t, "id_reg")) != NULL;
        cr_assert(found, "nama_pu '%s' did not find '%s'", word, name);
        json_object_foreach(seen, id, it)
            cr_assert(strcasestr(jstr(it, "nama_pu"), word), "'%s' does not contain '%s'",
                      jstr(it, "nama_pu"), word);
        json_decref(seen);
        json_decref(j);
        http_res_release(&r);
    }
    json_decref(truth);
    (void)i;
}

Test(sim_api, detail_tracking_equals_truth)
{
    json_t *truth = sim_truth(&sp, "/_sim/truth", NULL), *t;
    size_t i;
    int checked = 0, certified = 0;

    json_array_foreach(truth, i, t)
    {
        char path[256];
        struct http_res r;
        json_t *j, *data, *ch;

        int self = !strcmp(jstr(t, "jenis_daftar"), "Self Declare");

        if (i % 7)
            continue;
        /* each path serves its own applications only */
        snprintf(path, sizeof(path), self ? DETAIL_REGULER : DETAIL_SELF,
                 jstr(t, "id_reg"));
        r = http_get(&sp, path, token);
        cr_assert_eq(r.status, 404, "%s", path);
        http_res_release(&r);
        snprintf(path, sizeof(path), self ? DETAIL_SELF : DETAIL_REGULER,
                 jstr(t, "id_reg"));
        r = http_get(&sp, path, token);
        cr_assert_eq(r.status, 200);
        j = json_body(&r);
        data = json_object_get(j, "data");
        ch = json_object_get(data, "certificate_halal");
        cr_assert_str_eq(jstr(ch, "id_reg"), jstr(t, "id_reg"));
        cr_assert_str_eq(jstr(ch, "kode_fac"), jstr(t, "kode_fac"));
        /* the NIB is where the frontend reads it: aspek_legal[] jenis_surat NIB */
        cr_assert_str_eq(
            jstr(json_array_get(json_object_get(data, "aspek_legal"), 0), "jenis_surat"),
            "NIB");
        cr_assert_str_eq(
            jstr(json_array_get(json_object_get(data, "aspek_legal"), 0), "no_surat"),
            jstr(t, "nib"));
        cr_assert(
            json_equal(json_object_get(data, "tracking"), json_object_get(t, "tracking")),
            "tracking of %s differs from the truth", jstr(t, "id_reg"));
        if (!strcmp(jstr(t, "status"), "OF300")) {
            json_t *si = json_object_get(data, "sertifikat_halal_info");

            cr_assert_str_eq(jstr(ch, "status"), "Terbit SH");
            cr_assert_str_eq(jstr(si, "nomor_sertifikat"), jstr(t, "nomor_sertifikat"));
            cr_assert(jstr(si, "tanggal_sertifikat"));
            certified++;
        } else {
            cr_assert(json_is_null(json_object_get(
                json_object_get(data, "sertifikat_halal_info"), "nomor_sertifikat")));
        }
        checked++;
        json_decref(j);
        http_res_release(&r);
    }
    cr_assert_gt(checked, 10);
    cr_assert_gt(certified, 0);
    json_decref(truth);
}

Test(sim_api, errors_400_404_and_envelope)
{
    static const char *const bad[] = {INQUIRY "?page=0",
                                      INQUIRY "?size=101",
                                      INQUIRY "?size=abc",
                                      INQUIRY "?status=XYZ",
                                      INQUIRY "?jenis=Mandiri",
                                      PROGRAMMES "?size=101",
                                      NULL};
    struct http_res r;
    json_t *j;

    for (const char *const *p = bad; *p; p++) {
        r = http_get(&sp, *p, token);
        cr_assert_eq(r.status, 400, "%s: %ld", *p, r.status);
        j = json_body(&r);
        cr_assert_eq(json_integer_value(json_object_get(j, "code")), 4000);
        cr_assert(json_is_string(json_object_get(j, "message")));
        cr_assert(json_array_size(
                      json_object_get(json_object_get(j, "errors"), "list_error")) > 0);
        json_decref(j);
        http_res_release(&r);
    }
    r = http_get(&sp,
                 "/api/v1/halal-certificate-reguler/business-actor/"
                 "00000000-0000-0000-0000-000000000000/detail",
                 token);
    cr_assert_eq(r.status, 404);
    cr_assert(strstr(r.body, "\"code\":4004"));
    http_res_release(&r);
    r = http_get(&sp, "/api/v1/nothing", token);
    cr_assert_eq(r.status, 404);
    http_res_release(&r);
    r = http_get(&sp, INQUIRY "?page=9999&size=100", token);
    cr_assert_eq(r.status, 200);
    j = json_body(&r);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), 0);
    json_decref(j);
    http_res_release(&r);
}

Test(sim_api, advancing_the_clock_moves_applications)
{
    json_t *before = sim_truth(&sp, "/_sim/truth", NULL), *after, *t;
    json_t *byid = json_object();
    size_t i, moved = 0, total;
    struct http_res r;
    json_t *j, *seen;

    json_array_foreach(before, i, t) json_object_set(byid, jstr(t, "id_reg"), t);
    sim_advance(&sp, 7);
    r = http_get(&sp, "/_sim/clock", NULL);
    j = json_body(&r);
    cr_assert_str_eq(jstr(j, "now"), "2026-12-05T03:00:00Z");
    json_decref(j);
    http_res_release(&r);
    after = sim_truth(&sp, "/_sim/truth", NULL);
    cr_assert_geq(json_array_size(after), json_array_size(before));
    json_array_foreach(after, i, t)
    {
        json_t *b = json_object_get(byid, jstr(t, "id_reg"));

        if (b && strcmp(jstr(b, "status"), jstr(t, "status")))
            moved++;
        if (b)
            cr_assert_geq(json_array_size(json_object_get(t, "tracking")),
                          json_array_size(json_object_get(b, "tracking")));
    }
    cr_assert_gt(moved, 0, "no application moved in a week");
    seen = page_all("", &total);
    cr_assert_eq(total, json_array_size(after));
    json_decref(seen);
    json_decref(before);
    json_decref(after);
    json_decref(byid);
}

Test(sim_api, public_certificate_search)
{
    json_t *truth = sim_truth(&sp, "/_sim/truth", NULL),
           *oc = sim_truth(&sp, "/_sim/truth/certificates", NULL);
    json_t *t, *j, *datas;
    size_t i;
    const char *no = NULL;
    char path[256];
    struct http_res r;

    json_array_foreach(
        truth, i, t) if (!no && json_is_string(json_object_get(t, "nomor_sertifikat")))
        no = jstr(t, "nomor_sertifikat");
    cr_assert(no);
    snprintf(path, sizeof(path), "/api/search/sertifikat?no_sertifikat=%s", no);
    r = http_get(&sp, path, NULL);
    cr_assert_eq(r.status, 200);
    j = json_body(&r);
    datas = json_object_get(json_object_get(j, "data"), "datas");
    cr_assert_eq(json_array_size(datas), 1);
    cr_assert_str_eq(
        jstr(json_object_get(json_array_get(datas, 0), "sertifikat"), "no_sert"), no);
    json_decref(j);
    http_res_release(&r);
    /* a certificate from another programme is found too */
    cr_assert_gt(json_array_size(oc), 0);
    snprintf(path, sizeof(path), "/api/search/sertifikat?no_sertifikat=%s",
             jstr(json_array_get(oc, 0), "no_sert"));
    r = http_get(&sp, path, NULL);
    j = json_body(&r);
    datas = json_object_get(json_object_get(j, "data"), "datas");
    cr_assert_eq(json_array_size(datas), 1);
    {
        /* the name it shows is the one the truth of the search gives (name noise,
         * docs/halalsim.md), for the MSME the other-programme truth names */
        struct http_res tr = http_get(&sp, "/_sim/truth/public_search", NULL);
        const char *no_oc = jstr(json_array_get(oc, 0), "no_sert");
        char *line;

        cr_assert_eq(tr.status, 200);
        line = strstr(tr.body, no_oc);
        cr_assert(line, "%s not in /_sim/truth/public_search", no_oc);
        {
            char *eol = strchr(line, '\n'), *start = line;
            json_t *t1;
            while (start > tr.body && start[-1] != '\n')
                start--;
            if (eol)
                *eol = '\0';
            t1 = json_loads(start, 0, NULL);
            cr_assert(t1);
            cr_assert_str_eq(
                jstr(json_object_get(json_array_get(datas, 0), "pelaku_usaha"),
                     "nama_pu"),
                jstr(t1, "nama_pu"));
            cr_assert_str_eq(jstr(t1, "nib"), jstr(json_array_get(oc, 0), "nib"));
            cr_assert_str_eq(jstr(t1, "register_name"),
                             jstr(json_array_get(oc, 0), "nama_pu"));
            cr_assert_str_eq(jstr(t1, "source"), "other_programme");
            json_decref(t1);
        }
        http_res_release(&tr);
    }
    json_decref(j);
    http_res_release(&r);
    /* unfiltered, the search holds every certified application (the office's and the
     * others') and every other programme's certificate */
    {
        size_t ncert = 0;

        json_array_foreach(truth, i, t) ncert +=
            json_is_string(json_object_get(t, "nomor_sertifikat"));
        r = http_get(&sp, "/api/search/sertifikat?size=100", NULL);
        j = json_body(&r);
        /* (the truth holds the office's applications; the search every certified one) */
        cr_assert_gt((size_t)json_integer_value(
                         json_object_get(json_object_get(j, "data"), "total_items")),
                     ncert + json_array_size(oc));
        json_decref(j);
        http_res_release(&r);
    }
    /* and no application's certificate is in the other-programme truth */
    json_array_foreach(oc, i, t) cr_assert_str_neq(jstr(t, "no_sert"), no);
    json_decref(truth);
    json_decref(oc);
}

Test(sim_api, arrivals_shift_later_pages)
{
    struct http_res r = http_get(&sp, INQUIRY "?page=1&size=20", token);
    json_t *p1 = json_body(&r), *p2, *it;
    size_t i, before = (size_t)json_integer_value(json_object_get(p1, "total_item"));
    int repeated = 0;

    http_res_release(&r);
    /* days pass between two page requests: new applications arrive at the top */
    sim_advance(&sp, 4);
    r = http_get(&sp, INQUIRY "?page=2&size=20", token);
    p2 = json_body(&r);
    http_res_release(&r);
    cr_assert_gt((size_t)json_integer_value(json_object_get(p2, "total_item")), before,
                 "no application arrived in four days");
    json_array_foreach(json_object_get(p2, "data"), i, it)
    {
        size_t k;
        json_t *o;

        json_array_foreach(json_object_get(p1, "data"), k, o) repeated +=
            !strcmp(jstr(o, "id_reg"), jstr(it, "id_reg"));
    }
    cr_assert_gt(repeated, 0, "page 2 should repeat items of page 1 after arrivals");
    json_decref(p1);
    json_decref(p2);
}

Test(sim_api, repeated_failed_logins_lock_the_account)
{
    struct http_res r;

    for (int i = 0; i < 5; i++) {
        r = http_do(&sp, "POST", "/api/authenticate", NULL,
                    "{\"email\":\"" SIM_EMAIL "\",\"password\":\"wrong\"}", 0);
        cr_assert_eq(r.status, 401);
        http_res_release(&r);
    }
    r = http_do(&sp, "POST", "/api/authenticate", NULL,
                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"" SIM_PASSWORD "\"}", 0);
    cr_assert_eq(r.status, 403);
    cr_assert(strstr(r.body, "\"code\":4003"));
    http_res_release(&r);
    /* tokens issued before stay valid */
    r = http_get(&sp, INQUIRY "?size=1", token);
    cr_assert_eq(r.status, 200);
    http_res_release(&r);
}

Test(sim_api, speed_moves_the_clock)
{
    static const char *const args[] = {"--msmes", "50", "--speed", "86400", NULL};
    struct sim_proc s2 = sim_start(args);
    struct http_res a = http_get(&s2, "/_sim/clock", NULL), b;
    json_t *ja = json_body(&a), *jb;
    int64_t ta, tb;
    struct ht_err err = HT_ERR_INIT;

    usleep(1200 * 1000);
    b = http_get(&s2, "/_sim/clock", NULL);
    jb = json_body(&b);
    cr_assert_eq(ts_parse(jstr(ja, "now"), &ta, &err), 0);
    cr_assert_eq(ts_parse(jstr(jb, "now"), &tb, &err), 0);
    cr_assert_geq(tb - ta, 86400, "a real second is a simulated day at --speed 86400");
    json_decref(ja);
    json_decref(jb);
    http_res_release(&a);
    http_res_release(&b);
    cr_assert_eq(sim_stop(&s2), 0);
}

/* Sets the account's view (POST /_sim/switches); asserts it was accepted. */
static void switches(const struct sim_proc *p, const char *json)
{
    struct http_res r = http_do(p, "POST", "/_sim/switches", NULL, json, 0);

    cr_assert_eq(r.status, 200, "%s: %ld %s", json, r.status, r.body);
    http_res_release(&r);
}

/* --status-as: a label is one of the frontend's words for the true code (the label
 * table maps it back), a code is the code; mixed has both. */
Test(sim_api, status_as_label_and_mixed)
{
    json_t *truth = sim_truth(&sp, "/_sim/truth", NULL), *seen, *it, *t;
    size_t total, i, labels = 0, codes = 0;

    for (int mode = 0; mode < 2; mode++) {
        switches(&sp, mode ? "{\"status_as\":\"mixed\"}" : "{\"status_as\":\"label\"}");
        seen = page_all("", &total);
        json_array_foreach(truth, i, t)
        {
            const char *st;
            it = json_object_get(seen, jstr(t, "id_reg"));
            cr_assert(it);
            st = jstr(it, "status");
            if (!strncmp(st, "OF", 2)) {
                cr_assert(mode == 1, "a code in label mode: %s", st);
                cr_assert_str_eq(st, jstr(t, "status"));
                codes++;
            } else {
                cr_assert_str_eq(status_label_code(NULL, st), jstr(t, "status"),
                                 "label '%s'", st);
                labels++;
            }
        }
        json_decref(seen);
    }
    switches(&sp, "{\"status_as\":\"code\"}");
    cr_assert_gt(codes, 0);
    cr_assert_gt(labels, json_array_size(truth));
    json_decref(truth);
}

/* --deny-detail: those applications answer 403 on both paths, and the truth says so;
 * --no-id-reg: the rows carry no id_reg (the truth still does). */
Test(sim_api, deny_detail_and_no_id_reg)
{
    json_t *truth, *t, *it, *j;
    size_t i, denied = 0;
    struct http_res r;

    switches(&sp, "{\"deny_detail\":0.3}");
    truth = sim_truth(&sp, "/_sim/truth", NULL);
    json_array_foreach(truth, i, t)
    {
        char path[256];
        int self = !strcmp(jstr(t, "jenis_daftar"), "Self Declare");
        int d = json_is_true(json_object_get(t, "detail_denied"));

        if (i % 3)
            continue;
        snprintf(path, sizeof(path), self ? DETAIL_SELF : DETAIL_REGULER,
                 jstr(t, "id_reg"));
        r = http_get(&sp, path, token);
        cr_assert_eq(r.status, d ? 403 : 200, "%s", path);
        http_res_release(&r);
        denied += (size_t)d;
    }
    cr_assert_gt(denied, 0);
    json_decref(truth);
    switches(&sp, "{\"deny_detail\":0,\"no_id_reg\":true}");
    r = http_get(&sp, INQUIRY "?size=100", token);
    j = json_body(&r);
    json_array_foreach(json_object_get(j, "data"), i, it)
    {
        cr_assert_null(json_object_get(it, "id_reg"));
        cr_assert(jstr(it, "no_daftar"));
    }
    json_decref(j);
    http_res_release(&r);
    truth = sim_truth(&sp, "/_sim/truth", NULL);
    cr_assert(json_is_true(json_object_get(json_array_get(truth, 0), "detail_denied")));
    json_decref(truth);
    switches(&sp, "{\"no_id_reg\":false}");
    r = http_do(&sp, "POST", "/_sim/switches", NULL, "{\"split_hosts\":true}", 0);
    cr_assert_eq(r.status, 400, "split_hosts without --split-hosts");
    http_res_release(&r);
}

/* --split-hosts: /api/authenticate answers on the second port only; its token works on
 * the main port. */
Test(sim_api, split_hosts)
{
    static const char *const args[] = {"--msmes", "50", "--split-hosts", NULL};
    struct sim_proc s2 = sim_start(args), a;
    struct http_res r;
    char *t;

    cr_assert_gt(s2.auth_port, 0);
    r = http_do(&s2, "POST", "/api/authenticate", NULL,
                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"" SIM_PASSWORD "\"}", 0);
    cr_assert_eq(r.status, 404);
    http_res_release(&r);
    a = s2;
    a.port = s2.auth_port;
    snprintf(a.base, sizeof(a.base), "http://127.0.0.1:%d", s2.auth_port);
    t = sim_login(&a);
    r = http_get(&a, INQUIRY, t);
    cr_assert_eq(r.status, 404, "the authentication host serves nothing else");
    http_res_release(&r);
    r = http_get(&s2, INQUIRY, t);
    cr_assert_eq(r.status, 200);
    http_res_release(&r);
    free(t);
    cr_assert_eq(sim_stop(&s2), 0);
}

/* GET /api/v1/fasilitator/search: the office's facilitation programmes with the fields
 * of the frontend's table, status filter as in pages/facilitation/list.vue. */
Test(sim_api, programmes_of_the_office)
{
    struct http_res r = http_get(&sp, PROGRAMMES "?page=1&size=100", token);
    json_t *j = json_body(&r), *it, *tp = sim_truth(&sp, "/_sim/truth/programmes", NULL);
    size_t i, issued = 0;

    cr_assert_eq(r.status, 200);
    cr_assert_eq(json_array_size(json_object_get(j, "data")), json_array_size(tp));
    json_array_foreach(json_object_get(j, "data"), i, it)
    {
        for (const char *const *k =
                 (const char *const[]){"id", "fac_name", "sumber_biaya", "jenis",
                                       "tgl_aktif", "tgl_selesai", "status_code", NULL};
             *k; k++)
            cr_assert(jstr(it, *k), "programme lacks '%s'", *k);
        cr_assert(json_is_integer(json_object_get(it, "kuota")));
        cr_assert(json_is_integer(json_object_get(it, "tahun")));
        issued += !strcmp(jstr(it, "status_code"), "OF320");
    }
    json_decref(j);
    http_res_release(&r);
    r = http_get(&sp, PROGRAMMES "?status=OF320", token);
    j = json_body(&r);
    cr_assert_eq((size_t)json_integer_value(json_object_get(j, "total_item")), issued);
    cr_assert_gt(issued, 0);
    json_decref(j);
    json_decref(tp);
    http_res_release(&r);
}

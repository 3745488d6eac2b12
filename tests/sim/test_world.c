/* halalsim's world: determinism (same seed + same advances = same truth, byte for byte),
 * the state machine never makes an impossible transition (property test over many seeds),
 * identifiers, the register CSV, and the command line. */
#define _GNU_SOURCE
#include <regex.h>
#include "sim_client.h"
#include "halaltrack/calendar.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"
#include "halaltrack/util.h"

TestSuite(sim_world, .init = NULL, .timeout = 300);

static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *truth_after(const char *seed, const int *advances, int n)
{
    const char *args[] = {"--seed", seed, "--msmes", "400", NULL};
    struct sim_proc s = sim_start(args);
    struct http_res r;
    char *out;

    for (int i = 0; i < n; i++)
        sim_advance(&s, advances[i]);
    r = http_get(&s, "/_sim/truth", NULL);
    cr_assert_eq(r.status, 200);
    out = strdup(r.body);
    http_res_release(&r);
    cr_assert_eq(sim_stop(&s), 0);
    return out;
}

Test(sim_world, same_seed_same_advances_same_truth, .init = init_curl)
{
    static const int adv[] = {3, 30, 1};
    char *a = truth_after("21", adv, 3), *b = truth_after("21", adv, 3),
         *c = truth_after("22", adv, 3);

    cr_assert_gt(strlen(a), 1000);
    cr_assert_str_eq(a, b, "same seed and advances must give identical truth");
    cr_assert_str_neq(a, c, "another seed must give another world");
    free(a);
    free(b);
    free(c);
}

/* ---- the state machine
 * ------------------------------------------------------------------- */
struct edge {
    const char *from, *to;
    unsigned paths; /* 1 reguler (CH001/CH002), 2 CH003, 4 CH004 */
};
#define RG 1u
#define SD 2u
#define SP 4u
#define ALL (RG | SD | SP)

/* The OF state machine of the domain brief (§1.3), written independently of the
 * simulator. */
static const struct edge edges[] = {
    {"OF1", "OF10", ALL},
    {"OF10", "OF11", RG},
    {"OF11", "OF15", RG},
    {"OF15", "OF50", RG},
    {"OF50", "OF55", RG},
    {"OF55", "OF56", RG},
    {"OF56", "OF60", RG},
    {"OF60", "OF70", RG},
    {"OF70", "OF75", RG},
    {"OF75", "OF80", RG},
    {"OF80", "OF100", RG},
    {"OF100", "OF120", ALL},
    {"OF120", "OF300", ALL},
    {"OF10", "OF71", SD},
    {"OF10", "OF56", SP},
    {"OF56", "OF71", SP},
    {"OF71", "OF72", SD | SP},
    {"OF72", "OF74", SD | SP},
    {"OF74", "OF100", SD | SP},
    /* returns to the business and re-submission */
    {"OF10", "OF280", ALL},
    {"OF11", "OF280", RG},
    {"OF15", "OF280", RG},
    {"OF71", "OF280", SD | SP},
    {"OF72", "OF280", SD | SP},
    {"OF74", "OF285", SD | SP},
    {"OF75", "OF285", RG},
    {"OF80", "OF285", RG},
    {"OF280", "OF10", ALL},
    {"OF285", "OF10", ALL},
    /* rejections and cancellations */
    {"OF11", "OF290", RG},
    {"OF15", "OF290", RG},
    {"OF80", "OF290", RG},
    {"OF72", "OF290", SD | SP},
    {"OF74", "OF290", SD | SP},
    {"OF1", "OF900", ALL},
    {"OF56", "OF900", RG | SP},
    {"OF280", "OF900", ALL},
    {"OF285", "OF900", ALL},
};

static unsigned path_of(const char *channel)
{
    if (!strcmp(channel, "CH003"))
        return SD;
    if (!strcmp(channel, "CH004"))
        return SP;
    cr_assert(!strcmp(channel, "CH001") || !strcmp(channel, "CH002"), "channel '%s'",
              channel);
    return RG;
}

static int allowed(const char *from, const char *to, unsigned path)
{
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
        if (!strcmp(edges[i].from, from) && !strcmp(edges[i].to, to) &&
            (edges[i].paths & path))
            return 1;
    return 0;
}

static void check_world(struct sim_proc *s, regex_t *re_cert, regex_t *re_nd,
                        regex_t *re_ts, int *n_apps, int *n_cert, int *n_returned)
{
    json_t *truth = sim_truth(s, "/_sim/truth", NULL), *certs = json_object(),
           *ids = json_object(), *t;
    size_t i;

    json_array_foreach(truth, i, t)
    {
        json_t *tr = json_object_get(t, "tracking"), *e;
        unsigned path = path_of(jstr(t, "channel_id"));
        const char *prev = NULL, *prev_ts = NULL, *cert = jstr(t, "nomor_sertifikat");
        size_t k;

        (*n_apps)++;
        cr_assert_null(json_object_get(ids, jstr(t, "id_reg")), "duplicate id_reg");
        json_object_set_new(ids, jstr(t, "id_reg"), json_true());
        cr_assert_eq(regexec(re_nd, jstr(t, "no_daftar"), 0, NULL, 0), 0,
                     "no_daftar '%s'", jstr(t, "no_daftar"));
        cr_assert_eq(strlen(jstr(t, "nib")), 13);
        cr_assert_gt(json_array_size(tr), 0);
        cr_assert_str_eq(jstr(json_array_get(tr, 0), "status"), "OF1");
        json_array_foreach(tr, k, e)
        {
            const char *code = jstr(e, "status"), *ts = jstr(e, "tanggal");

            cr_assert_eq(regexec(re_ts, ts, 0, NULL, 0), 0, "tanggal '%s'", ts);
            cr_assert(jstr(e, "username") && *jstr(e, "username"));
            cr_assert(json_is_string(json_object_get(e, "comment")));
            if (!strcmp(code, "OF280") || !strcmp(code, "OF285")) {
                cr_assert_gt(strlen(jstr(e, "comment")), 10, "a return needs a reason");
                (*n_returned)++;
            }
            if (prev) {
                cr_assert(allowed(prev, code, path), "%s: %s -> %s is impossible on %s",
                          jstr(t, "id_reg"), prev, code, jstr(t, "channel_id"));
                /* same offset (+07:00) and fixed width: string order is time order */
                cr_assert_gt(strcmp(ts, prev_ts), 0,
                             "%s: timestamps must strictly increase", jstr(t, "id_reg"));
            }
            prev = code;
            prev_ts = ts;
        }
        cr_assert_str_eq(jstr(t, "status"), prev, "status is the last tracking code");
        if (!strcmp(prev, "OF300")) {
            cr_assert(cert, "certified without a certificate number");
            cr_assert_eq(regexec(re_cert, cert, 0, NULL, 0), 0, "certificate '%s'", cert);
            cr_assert_null(json_object_get(certs, cert), "certificate %s issued twice",
                           cert);
            json_object_set_new(certs, cert, json_true());
            (*n_cert)++;
        } else {
            cr_assert(json_is_null(json_object_get(t, "nomor_sertifikat")));
        }
    }
    /* other-programme certificates never collide with the applications' */
    {
        json_t *oc = sim_truth(s, "/_sim/truth/certificates", NULL);

        json_array_foreach(oc, i, t)
        {
            cr_assert_eq(regexec(re_cert, jstr(t, "no_sert"), 0, NULL, 0), 0);
            cr_assert_null(json_object_get(certs, jstr(t, "no_sert")));
            json_object_set_new(certs, jstr(t, "no_sert"), json_true());
        }
        json_decref(oc);
    }
    json_decref(ids);
    json_decref(certs);
    json_decref(truth);
}

Test(sim_world, state_machine_property_over_many_seeds, .init = init_curl)
{
    regex_t re_cert, re_nd, re_ts;
    int n_apps = 0, n_cert = 0, n_returned = 0;

    cr_assert_eq(regcomp(&re_cert, "^ID[0-9]{17}$", REG_EXTENDED | REG_NOSUB), 0);
    cr_assert_eq(
        regcomp(&re_nd, "^SH[0-9]{4}-[0-9]+-[0-9]{6,}$", REG_EXTENDED | REG_NOSUB), 0);
    cr_assert_eq(
        regcomp(&re_ts, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+07:00$",
                REG_EXTENDED | REG_NOSUB),
        0);
    for (int seed = 100; seed < 124; seed++) {
        char sd[16];
        const char *args[] = {"--seed", sd, "--msmes", "250", NULL};
        struct sim_proc s;

        snprintf(sd, sizeof(sd), "%d", seed);
        s = sim_start(args);
        check_world(&s, &re_cert, &re_nd, &re_ts, &n_apps, &n_cert, &n_returned);
        /* far in the future every timeline has run its course */
        sim_advance(&s, 700);
        check_world(&s, &re_cert, &re_nd, &re_ts, &n_apps, &n_cert, &n_returned);
        cr_assert_eq(sim_stop(&s), 0);
    }
    cr_assert_gt(n_apps, 1000);
    cr_assert_gt(n_cert, 100);
    cr_assert_gt(n_returned, 10);
    regfree(&re_cert);
    regfree(&re_nd);
    regfree(&re_ts);
}

/* ---- the register
 * ------------------------------------------------------------------------ */
Test(sim_world, register_csv, .init = init_curl)
{
    static const char *const dirty_args[] = {"--msmes", "3000", NULL};
    static const char *const clean_args[] = {"--msmes", "3000", "--clean-register", NULL};
    struct sim_proc s = sim_start(dirty_args);
    struct http_res r = http_get(&s, "/_sim/register.csv", NULL), d;
    json_t *dirty;
    int lines;

    cr_assert_eq(r.status, 200);
    {
        static const char hdr[] =
            "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,telepon,program\n";

        cr_assert(!strncmp(r.body, hdr, strlen(hdr)), "header: %.80s", r.body);
    }
    lines = tu_count(r.body, "\n");
    cr_assert_geq(lines, 3001);
    d = http_get(&s, "/_sim/register/dirty", NULL);
    dirty = json_body(&d);
    cr_assert_gt(json_array_size(dirty), 0);
    cr_assert_leq(json_array_size(dirty), 3000 / 100 + 1, "at most ~1%% dirty rows");
    cr_assert_eq((size_t)lines, 3001 + (size_t)tu_count(d.body, "duplicate_nib"));
    json_decref(dirty);
    http_res_release(&d);
    http_res_release(&r);
    cr_assert_eq(sim_stop(&s), 0);

    s = sim_start(clean_args);
    r = http_get(&s, "/_sim/register.csv", NULL);
    cr_assert_eq(tu_count(r.body, "\n"), 3001);
    {
        /* every NIB has 13 digits and is unique; every row has 9 fields or quoted commas
         */
        char *save = NULL, *line = strtok_r(r.body, "\n", &save);
        json_t *nibs = json_object();

        for (line = strtok_r(NULL, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char nib[32];
            const char *comma = strchr(line, ',');

            cr_assert(comma && comma - line == 13, "bad NIB in '%s'", line);
            memcpy(nib, line, 13);
            nib[13] = '\0';
            cr_assert_null(json_object_get(nibs, nib), "duplicate NIB %s", nib);
            json_object_set_new(nibs, nib, json_true());
            cr_assert(strstr(line, ",35.75.0"), "no kelurahan code in '%s'", line);
            /* no alcoholic drinks, bars or animal feed */
            for (const char *const *k =
                     (const char *const[]){",11010,", ",11020,", ",11031,", ",56301,",
                                           ",56302,", ",10801,", ",10802,", NULL};
                 *k; k++)
                cr_assert_null(strstr(line, *k), "excluded KBLI in '%s'", line);
            cr_assert(strstr(line, ",mikro,") || strstr(line, ",kecil,") ||
                          strstr(line, ",menengah,") || strstr(line, ",besar,"),
                      "no size class in '%s'", line);
        }
        cr_assert_eq(json_object_size(nibs), 3000);
        json_decref(nibs);
    }
    http_res_release(&r);
    d = http_get(&s, "/_sim/register/dirty", NULL);
    cr_assert_str_eq(d.body, "[]");
    http_res_release(&d);
    cr_assert_eq(sim_stop(&s), 0);
}

/* ---- the command line
 * --------------------------------------------------------------------- */
Test(sim_world, command_line)
{
    const char *help[] = {tu_bin("sim/halalsim"), "--help", NULL};
    const char *bad[] = {tu_bin("sim/halalsim"), "--frobnicate", NULL};
    const char *badp[] = {tu_bin("sim/halalsim"), "--fault-5xx", "2", NULL};
    const char *badl[] = {tu_bin("sim/halalsim"), "--listen", "nowhere", NULL};
    const char *badh[] = {tu_bin("sim/halalsim"), "--listen", "localhost:0", NULL};
    const char *kab[] = {tu_bin("sim/halalsim"), "--region", "35.14", "--listen",
                         "127.0.0.1:0",          NULL};
    const char *nope[] = {tu_bin("sim/halalsim"), "--region", "99.99", "--listen",
                          "127.0.0.1:0",          NULL};
    struct tu_result r = tu_run(help, NULL, NULL, 10);

    cr_assert_eq(r.status, 0);
    for (const char *const *f = (const char *const[]){"--seed",
                                                      "--msmes",
                                                      "--region",
                                                      "--now",
                                                      "--start-date",
                                                      "--speed",
                                                      "--listen",
                                                      "--email",
                                                      "--password-file",
                                                      "--rate",
                                                      "--fault-5xx",
                                                      "--fault-429",
                                                      "--fault-slow",
                                                      "--fault-reset",
                                                      "--fault-truncate",
                                                      "--fault-malformed",
                                                      "--fault-bad-utf8",
                                                      "--fault-unknown-code",
                                                      "--fault-missing-fields",
                                                      "--fault-string-numbers",
                                                      "--fault-duplicate-items",
                                                      "--fault-page-shift",
                                                      "--fault-token-expiry",
                                                      "--fault-seed",
                                                      "--clean-register",
                                                      "--token-ttl",
                                                      NULL};
         *f; f++)
        cr_assert(strstr(r.out, *f), "--help does not document %s", *f);
    tu_result_release(&r);
    r = tu_run(bad, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--frobnicate"));
    tu_result_release(&r);
    r = tu_run(badp, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "fault-5xx"));
    tu_result_release(&r);
    r = tu_run(badl, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);
    r = tu_run(badh, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "IPv4"), "%s", r.err);
    tu_result_release(&r);
    r = tu_run(kab, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "35.14") && strstr(r.err, "kelurahan"), "%s", r.err);
    tu_result_release(&r);
    r = tu_run(nope, NULL, NULL, 10);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "99.99"));
    tu_result_release(&r);
}

Test(sim_world, password_file_and_kecamatan_region, .init = init_curl)
{
    char *pw = tu_write_temp(".pw", "rahasia-kantor\n", 15);
    const char *args[] = {"--msmes",         "100", "--region", "35.75.01",
                          "--password-file", pw,    NULL};
    struct sim_proc s = sim_start(args);
    struct http_res r =
        http_do(&s, "POST", "/api/authenticate", NULL,
                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"rahasia-kantor\"}", 0);
    json_t *truth;
    size_t i;
    json_t *t;

    cr_assert_eq(r.status, 200);
    http_res_release(&r);
    r = http_get(&s, "/_sim/register.csv?x=1", NULL);
    {
        char *save = NULL, *line = strtok_r(r.body, "\n", &save);

        for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            cr_assert(strstr(line, ",35.75.01.") || strstr(line, ",,"),
                      "row outside kecamatan 35.75.01: %s", line);
    }
    http_res_release(&r);
    truth = sim_truth(&s, "/_sim/truth", NULL);
    json_array_foreach(truth, i, t) cr_assert(jstr(t, "id_reg"));
    json_decref(truth);
    cr_assert_eq(sim_stop(&s), 0);
    unlink(pw);
    free(pw);
}

/* Stage durations are drawn around the legal limits in working days: most steps keep to
 * their limit, some are late. */
/* The world's durations follow the client's own step table (lib/steps.c): each legal
 * step, from its first code to the first code of the next step, mostly within its limit
 * under PP 42/2024 and a share late (docs/halalsim.md, "Durations"): reguler
 * verification, cost, inspection, fatwa; self-declare pendampingan and the Komite Fatwa;
 * issuance. */
Test(sim_world, step_durations_follow_the_step_table, .init = init_curl)
{
    static const enum ht_step checked[] = {
        STEP_VERIFICATION, STEP_COST,         STEP_INSPECTION, STEP_FATWA,
        STEP_PENDAMPINGAN, STEP_KOMITE_FATWA, STEP_ISSUANCE};
    enum { NC = sizeof(checked) / sizeof(checked[0]) };
    struct ht_err err = HT_ERR_INIT;
    struct calendar *cal = calendar_load_default(&err);
    int within[NC] = {0}, late[NC] = {0}, nlate[3] = {0}, nall[3] = {0};

    cr_assert(cal, "%s", err.msg);
    for (int seed = 200; seed < 204; seed++) {
        char sd[16];
        /* From September 2025: steps on both sides of 5 Jan 2026. */
        const char *args[] = {
            "--seed", sd, "--msmes", "800", "--now", "2026-03-02T03:00:00Z", NULL};
        struct sim_proc s;
        json_t *truth, *t;
        size_t i;

        snprintf(sd, sizeof(sd), "%d", seed);
        s = sim_start(args);
        sim_advance(&s, 700);
        truth = sim_truth(&s, "/_sim/truth", NULL);
        json_array_foreach(truth, i, t)
        {
            json_t *tr = json_object_get(t, "tracking");
            const char *ch = jstr(t, "channel_id");
            enum ht_path path = channel_path(ch);
            enum ht_step cur = STEP_UNKNOWN;
            int64_t since = 0;

            for (size_t k = 0; k < json_array_size(tr); k++) {
                json_t *e = json_array_get(tr, k);
                const char *code = jstr(e, "status");
                enum ht_step st = steps_resolve(ch, code, stage_of_code(code)).step;
                int64_t at;

                cr_assert_eq(ts_parse(jstr(e, "tanggal"), &at, &err), 0);
                if (st == cur)
                    continue;
                for (int j = 0; k > 0 && j < NC; j++) {
                    int64_t wd = calendar_working_days_between(cal, since, at);
                    int limit = step_limit(cur, path, SLA_PP42_2024);
                    /* self-declare; reguler begun before 5 Jan 2026 WIB; after */
                    int kind = path == PATH_SELF_DECLARE ? 1 : since < 1767546000 ? 2 : 0;

                    if (checked[j] != cur)
                        continue;
                    cr_assert_geq(wd, 0);
                    cr_assert_gt(limit, 0, "%s on %s has no limit", step_name(cur), ch);
                    if (wd <= limit)
                        within[j]++;
                    else
                        late[j]++;
                    nlate[kind] += wd > limit;
                    nall[kind]++;
                }
                cur = st;
                since = at;
            }
        }
        json_decref(truth);
        cr_assert_eq(sim_stop(&s), 0);
    }
    /* Every step mostly on time and sometimes late; the late shares of the world:
     * self-declare 15%, reguler 15% before BPJPH enforced the limits (5 Jan 2026), 5%
     * after. */
    for (int j = 0; j < NC; j++) {
        int n = within[j] + late[j];
        const char *name = step_name(checked[j]);

        cr_assert_gt(n, 20, "%s: too few samples", name);
        cr_assert_gt(within[j] * 100, n * 70, "%s: %d of %d within the limit", name,
                     within[j], n);
        cr_assert_gt(late[j], 0, "%s: none of %d late", name, n);
    }
    cr_assert(nlate[0] * 100 > nall[0] * 2 && nlate[0] * 100 < nall[0] * 9,
              "reguler since 5 Jan 2026: %d of %d steps late, not about 5%%", nlate[0],
              nall[0]);
    cr_assert(nlate[2] * 100 > nall[2] * 10 && nlate[2] * 100 < nall[2] * 21,
              "reguler before 5 Jan 2026: %d of %d steps late, not about 15%%", nlate[2],
              nall[2]);
    cr_assert(nlate[1] * 100 > nall[1] * 10 && nlate[1] * 100 < nall[1] * 21,
              "self-declare: %d of %d steps late, not about 15%%", nlate[1], nall[1]);
    calendar_free(cal);
}

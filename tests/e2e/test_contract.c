/* End to end, issue 12: the daemon against the national API as a Dinas account sees it,
 * in every combination of halalsim's switches (status as code, label or mixed; detail
 * denied or not; rows with or without id_reg; one host or split authentication), all on
 * one simulated world; then the switches changing under a running database (detail
 * becoming readable replaces the observed history, and the other way round). Each time
 * the database must equal /_sim/truth: the same applications and statuses; for those
 * with upstream history the whole v_application row and exactly the events; for those
 * with observed history every event inside its uncertainty window. */
#include <jansson.h>
#include "e2e.h"

TestSuite(contract, .fini = pgt_close, .timeout = 900);

/* A config for this schema, authenticating on the second port when split. Terminal
 * stages are polled every cycle too: a refused detail of a certified application is asked
 * again at once when the switches change. */
static char *contract_conf(struct sim *s, int split)
{
    char api[256];

    snprintf(api, sizeof(api), "page_size = 25\nauth_url = %s",
             split ? s->auth_base : "");
    return e2e_conf(s, api, "[poll]\ncertified = 0\nrejected = 0\ncancelled = 0\n");
}

static void once_ok(const char *conf, const char *ctx)
{
    struct tu_result r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s: halaltrackd --once exited %d: %s", ctx, r.status,
              r.err);
    tu_result_release(&r);
}

Test(contract, every_combination_of_the_switches)
{
    static const char *const status_as[] = {"code", "label", "mixed"};
    const char *extra[] = {"--split-hosts", NULL};
    struct sim sim;
    int combos = 0;

    sim_start(&sim, 400, extra);
    cr_assert(sim.auth_port > 0);
    for (int sa = 0; sa < 3; sa++)
        for (int deny = 0; deny < 2; deny++)
            for (int noid = 0; noid < 2; noid++)
                for (int split = 0; split < 2; split++) {
                    struct store *st = pgt_open();
                    char sw[256], ctx[300], *conf;
                    long napps, observed, denied_truth;

                    snprintf(sw, sizeof(sw),
                             "{\"status_as\":\"%s\",\"deny_detail\":%s,\"no_id_reg\":%s,"
                             "\"split_hosts\":%s}",
                             status_as[sa], deny ? "0.3" : "0", noid ? "true" : "false",
                             split ? "true" : "false");
                    snprintf(ctx, sizeof(ctx), "switches %s", sw);
                    sim_switches(&sim, sw);
                    conf = contract_conf(&sim, split);
                    once_ok(conf, ctx);
                    ASSERT_TRUTH(&sim, st, ctx);
                    sim_advance(&sim, 5);
                    once_ok(conf, ctx);
                    ASSERT_TRUTH(&sim, st, ctx);
                    napps = pgt_long("SELECT count(*) FROM v_application");
                    observed = pgt_long("SELECT count(*) FROM v_application"
                                        " WHERE history_source = 'observed'");
                    if (noid) {
                        cr_assert(eq(long, observed, napps), "%s", ctx);
                        cr_assert(eq(long,
                                     pgt_long("SELECT count(*) FROM v_application"
                                              " WHERE id_reg IS NOT NULL"),
                                     0),
                                  "%s", ctx);
                    } else if (deny) {
                        char *t = sim_call(&sim, "GET", "/_sim/truth", NULL);
                        denied_truth = tu_count(t, "\"detail_denied\":true");
                        free(t);
                        cr_assert(eq(long, observed, denied_truth), "%s", ctx);
                        cr_assert(observed > 0, "%s", ctx);
                    } else {
                        cr_assert(eq(long, observed, 0), "%s", ctx);
                    }
                    /* observed history: one event per change, in a window */
                    cr_assert(
                        eq(long,
                           pgt_long("SELECT count(*) FROM v_stage_event"
                                    " WHERE source = 'observed' AND window_from > at"),
                           0));
                    pgt_close();
                    free(conf);
                    combos++;
                }
    cr_assert(eq(int, combos, 24));
    sim_stop(&sim);
}

/* The switches change under one database: rows lose and regain their id_reg, details
 * become readable (upstream tracking replaces the observed events) and are refused
 * again (observation takes over from the last upstream state). */
Test(contract, switches_change_under_a_running_database)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;

    sim_start(&sim, 400, NULL);
    conf = contract_conf(&sim, 0);
    sim_switches(&sim, "{\"status_as\":\"mixed\",\"no_id_reg\":true}");
    once_ok(conf, "no id_reg");
    ASSERT_TRUTH(&sim, st, "no id_reg");
    cr_assert(pgt_long("SELECT count(*) FROM v_stage_event WHERE source = 'observed'") >
              0);
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"no_id_reg\":false,\"deny_detail\":0.4}");
    once_ok(conf, "id_reg, some denied");
    ASSERT_TRUTH(&sim, st, "id_reg, some denied");
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"deny_detail\":0}");
    e2e_sleep_ms(5500); /* a refused detail is asked again after max(poll, 5 s) */
    once_ok(conf, "all readable");
    ASSERT_TRUTH(&sim, st, "all readable");
    /* every observed event was replaced by upstream tracking */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_stage_event WHERE source = 'observed'"),
                 0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_application"
                          " WHERE history_source = 'observed'"),
                 0));
    sim_advance(&sim, 4);
    sim_switches(&sim, "{\"deny_detail\":0.5}");
    once_ok(conf, "denied again");
    sim_advance(&sim, 4);
    once_ok(conf, "denied again, later");
    ASSERT_TRUTH(&sim, st, "denied again, later");
    sim_stop(&sim);
    free(conf);
}

/* A list row whose status is a label none of the frontend's maps has is quarantined like
 * an unknown code: the application is kept (stage unknown, unconfirmed) with no history.
 * After [status_labels] and [stage_map] entries, `quarantine replay` merges each row at
 * the time the list showed it, as a sweep would have: the status, the stage since then
 * and one observed event whose window opens where the list last showed a known status. */
Test(contract, unknown_label_is_quarantined_and_replayable)
{
    static const char map_text[] = "[status_labels]\n"
                                   "Menunggu Verifikasi Ulang = OF9001\n"
                                   "Ditunda Sementara = OF9001\n"
                                   "Proses Banding = OF9001\n"
                                   "[stage_map]\nOF9001 = verification\n";
    static const char faulted[] =
        "FROM application a JOIN quarantine q ON q.ref = a.id_reg"
        " AND q.source = 'list'"
        " AND q.reason LIKE 'unknown status label%'";
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf, *conf_mapped, *map, sql[1024], env_schema[128];
    const char *env[] = {env_schema, NULL};
    long nbad;

    sim_start(&sim, 200, NULL);
    conf = e2e_conf(&sim, "page_size = 4", "[poll]\ncertified = 0\n");
    sim_switches(&sim, "{\"status_as\":\"label\",\"deny_detail\":1}");
    sim_faults(&sim, "{\"unknown_code\":1.0,\"seed\":5}");
    once_ok(conf, "unknown labels");
    snprintf(sql, sizeof(sql), "SELECT count(*) %s WHERE q.upstream_at IS NOT NULL",
             faulted);
    nbad = pgt_long(sql);
    cr_assert(nbad >= 3, "only %ld rows with an unknown label", nbad);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) %s WHERE a.stage <> 'unknown' OR a.missing_since IS NULL"
             " OR EXISTS (SELECT 1 FROM stage_event e WHERE e.application_id = a.id)",
             faulted);
    cr_assert(eq(long, pgt_long(sql), 0), "an unmapped label confirmed an application");

    /* the fix: the labels and their code in the config, then replay */
    map = tu_write_temp(".conf", map_text, strlen(map_text));
    snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
    {
        const char *argv[] = {
            tu_bin("cli/halaltrack"), "quarantine", "replay", "-c", map, NULL};
        r = tu_run(argv, env, NULL, 120);
        cr_assert(eq(int, r.status, 0), "%s", r.err);
        tu_result_release(&r);
    }
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM quarantine WHERE NOT resolved"
                          " AND source = 'list'"),
                 0));
    /* the row a sweep would have written, at the time the list showed the label */
    snprintf(sql, sizeof(sql),
             "SELECT count(*) %s JOIN v_application v ON v.id_reg = a.id_reg"
             " WHERE v.status_code = 'OF9001' AND v.stage = 'verification'"
             " AND v.history_source = 'observed' AND a.missing_since IS NULL"
             " AND a.stage_since = q.upstream_at AND a.list_status = 'OF9001'",
             faulted);
    cr_assert(eq(long, pgt_long(sql), nbad));
    snprintf(sql, sizeof(sql),
             "SELECT count(*) %s JOIN stage_event e ON e.application_id = a.id"
             " WHERE e.source = 'observed' AND e.status_code = 'OF9001'"
             " AND e.at = q.upstream_at AND e.window_from <= e.at",
             faulted);
    cr_assert(eq(long, pgt_long(sql), nbad));
    snprintf(sql, sizeof(sql),
             "SELECT count(*) %s JOIN stage_event e ON e.application_id = a.id", faulted);
    cr_assert(eq(long, pgt_long(sql), nbad), "one event per replayed row");

    /* the real labels come back: every application reaches its true status */
    sim_faults(&sim, "{\"unknown_code\":0}");
    {
        char *base = e2e_conf(&sim, "page_size = 4", "[poll]\ncertified = 0\n");
        char *text = tu_read_file(base, NULL);
        char *joined = malloc(strlen(text) + sizeof(map_text) + 2);

        sprintf(joined, "%s\n%s", text, map_text);
        conf_mapped = tu_write_temp(".conf", joined, strlen(joined));
        free(joined);
        free(text);
        free(base);
    }
    once_ok(conf_mapped, "real labels");
    {
        char *body = sim_call(&sim, "GET", "/_sim/truth", NULL), m[1024];
        struct truth t;
        struct truth_diff d;

        cr_assert(eq(int, truth_parse(body, &t, m, sizeof(m)), 0), "truth: %s", m);
        (void)truth_compare(st, &t, &d);
        cr_assert(eq(long, d.apps_missing + d.apps_extra + d.status_wrong, 0), "%s",
                  d.first);
        truth_release(&t);
        free(body);
    }
    unlink(map);
    free(map);
    free(conf);
    free(conf_mapped);
    sim_stop(&sim);
}

/* Runs the CLI on this test's schema; returns its stdout (exit 0 asserted). */
static char *cli_out(const char *const *args)
{
    return e2e_cli(args, 0);
}

/* The truth's applications with kode_fac code ("" = any code). */
static long truth_apps_with(struct sim *s, const char *code)
{
    char *t = sim_call(s, "GET", "/_sim/truth", NULL), needle[96];
    long n;

    snprintf(needle, sizeof(needle), "\"kode_fac\":\"%s", code);
    n = tu_count(t, needle);
    free(t);
    return n;
}

/* The facilitation programmes are read into their table, equal to the truth, and
 * `halaltrack programmes` shows them with the use of each quota. */
Test(contract, programmes_are_synced_and_listed)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *truth, *out;
    json_t *j, *it;
    json_error_t je;
    size_t i, nprog;

    (void)st;
    sim_start(&sim, 300, NULL);
    conf = contract_conf(&sim, 0);
    once_ok(conf, "programmes");
    truth = sim_call(&sim, "GET", "/_sim/truth/programmes", NULL);
    nprog = (size_t)tu_count(truth, "\"kode_fac\":");
    cr_assert(nprog >= 2);
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM facilitation_programme"), (long)nprog));
    out = cli_out((const char *const[]){"programmes", "--format=json", NULL});
    j = json_loads(out, 0, &je);
    cr_assert(j && json_is_array(j), "%s", je.text);
    cr_assert(eq(sz, json_array_size(j), nprog));
    json_array_foreach(j, i, it)
    {
        const char *code = json_string_value(json_object_get(it, "kode_fac"));
        const char *name = json_string_value(json_object_get(it, "fac_name"));
        char needle[512], *line, *eol;

        /* the truth's line of this programme (a draft has no code yet) */
        cr_assert(name != NULL, "%s", out);
        snprintf(needle, sizeof(needle), "\"fac_name\":\"%s\"", name);
        line = strstr(truth, needle);
        cr_assert(line != NULL, "programme '%s' not in the truth", name);
        while (line > truth && line[-1] != '\n')
            line--;
        eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        snprintf(needle, sizeof(needle), "\"kode_fac\":\"%s\"", code ? code : "");
        cr_assert(code ? strstr(line, needle) != NULL
                       : strstr(line, "\"kode_fac\":null") != NULL,
                  "%s: code %s", line, code ? code : "null");
        snprintf(needle, sizeof(needle), "\"kuota\":%lld,",
                 (long long)json_integer_value(json_object_get(it, "kuota")));
        cr_assert(strstr(line, needle) != NULL, "%s: quota", line);
        /* the quota used: every office application with the programme's code */
        cr_assert(eq(long, (long)json_integer_value(json_object_get(it, "used")),
                     code ? truth_apps_with(&sim, code) : 0),
                  "%s: used", line);
        if (eol)
            *eol = '\n';
        {
            const char *sc = json_string_value(json_object_get(it, "status_code"));
            const char *meaning = json_string_value(json_object_get(it, "status"));
            cr_assert(sc && (!strcmp(sc, "OF320") || !strcmp(sc, "OF1")), "%s", name);
            cr_assert(
                eq(str, (char *)meaning, !strcmp(sc, "OF320") ? "Code issued" : "Draft"));
        }
    }
    json_decref(j);
    free(out);
    out = cli_out((const char *const[]){"programmes", NULL});
    cr_assert(strstr(out, "SEHATI") != NULL, "%s", out);
    for (char *line = out; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        cr_assert(strcspn(line, "\n") <= 80 * 3, "line too long: %s", line);
    free(out);
    out = cli_out((const char *const[]){"programmes", "--format=csv", NULL});
    cr_assert(eq(int, tu_count(out, "\r\n"), (int)nprog + 1), "%s", out);
    free(out);
    free(truth);
    free(conf);
    sim_stop(&sim);
}

/* api.facilitation_codes restricts the sweep to the office's programmes: one pass per
 * code, and only those applications are stored. */
Test(contract, facilitation_codes_restrict_the_sweep)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *truth, api[256], reg[64] = "", sd[64] = "", sql[256];
    long want, napps;

    sim_start(&sim, 300, NULL);
    /* the newest reguler (FAS-) and SEHATI programme the office has applications in */
    truth = sim_call(&sim, "GET", "/_sim/truth/programmes", NULL);
    for (const char *k = truth; (k = strstr(k, "\"kode_fac\":\"")); k++) {
        char c[64] = "";
        sscanf(k + 12, "%63[^\"]", c);
        if (truth_apps_with(&sim, c) > 0)
            snprintf(strncmp(c, "FAS-", 4) == 0 ? reg : sd, 64, "%s", c);
    }
    free(truth);
    cr_assert(reg[0] && sd[0], "reguler '%s', SEHATI '%s'", reg, sd);
    snprintf(api, sizeof(api), "page_size = 10\nfacilitation_codes = %s, %s", reg, sd);
    conf = e2e_conf(&sim, api, NULL);
    once_ok(conf, "two codes");
    want = truth_apps_with(&sim, reg) + truth_apps_with(&sim, sd);
    napps = truth_apps_with(&sim, "");
    cr_assert(want > 0 && want < napps, "%ld of %ld", want, napps);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM application"), want));
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM application WHERE kode_fac = '%s'",
             reg);
    cr_assert(eq(long, pgt_long(sql), truth_apps_with(&sim, reg)));
    /* two passes, each complete: the sweep is trusted */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM sync_run WHERE sweep AND outcome = 'ok'"),
                 1));
    (void)st;
    free(conf);
    sim_stop(&sim);
}

/* An application whose detail is refused: `halaltrack status` says its history comes
 * from our own observations (text and JSON), and the weekly report counts such
 * applications in its data quality section. (An application never readable has no NIB:
 * the list does not give it, so it is in no MSME's status; docs/national-api.md.) */
Test(contract, reports_say_history_from_our_own_observations)
{
    const char *extra[] = {"--clean-register", NULL};
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *reg, *out, *nib, env_schema[128], env_now[64];
    const char *env[] = {env_schema, "LANGUAGE=en", "LC_ALL=C.UTF-8", NULL};
    struct tu_result r;
    long observed;

    (void)st;
    sim_start(&sim, 200, extra);
    conf = contract_conf(&sim, 0);
    reg = sim_call(&sim, "GET", "/_sim/register.csv", NULL);
    snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
    {
        const char *argv[] = {tu_bin("cli/halaltrack"), "msme", "import", "-", NULL};
        r = tu_run(argv, env, reg, 60);
        cr_assert(eq(int, r.status, 0), "%s", r.err);
        tu_result_release(&r);
    }
    free(reg);
    /* The list gives no NIB: an application is linked to the register through its
     * detail. Read first, refused later, it keeps its NIB. */
    once_ok(conf, "readable");
    sim_switches(&sim, "{\"deny_detail\":0.5}");
    sim_advance(&sim, 2);
    once_ok(conf, "half refused");
    observed =
        pgt_long("SELECT count(*) FROM v_application WHERE history_source = 'observed'");
    cr_assert(observed > 0);
    nib = pgt_str("SELECT a.nib FROM application a JOIN msme m ON m.id = a.msme_id"
                  " WHERE a.detail_denied_at IS NOT NULL ORDER BY a.id LIMIT 1");
    cr_assert(nib != NULL);
    out = cli_out((const char *const[]){"status", nib, NULL});
    cr_assert(strstr(out, "from our own observations") != NULL, "%s", out);
    free(out);
    out = cli_out((const char *const[]){"status", "--format=json", nib, NULL});
    cr_assert(strstr(out, "\"history_source\": \"observed\"") != NULL, "%s", out);
    free(out);
    /* a readable application says nothing of the kind */
    free(nib);
    nib = pgt_str("SELECT a.nib FROM application a JOIN msme m ON m.id = a.msme_id"
                  " WHERE a.detail_denied_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
                  " application b WHERE b.nib = a.nib AND b.detail_denied_at IS NOT NULL)"
                  " ORDER BY a.id LIMIT 1");
    cr_assert(nib != NULL);
    out = cli_out((const char *const[]){"status", nib, NULL});
    cr_assert(strstr(out, "own observations") == NULL, "%s", out);
    free(out);
    free(nib);
    /* the weekly report of a week that ends after these applications were first seen */
    {
        time_t later = time(NULL) + 9 * 86400;
        struct tm tm;
        const char *argv[] = {tu_bin("cli/halaltrack"), "report",      "weekly",
                              "--format=json",          "--no-record", NULL};
        const char *env2[] = {env_schema, env_now, NULL};
        char want[64];

        gmtime_r(&later, &tm);
        strftime(env_now, sizeof(env_now), "HALALTRACK_NOW=%Y-%m-%dT%H:%M:%SZ", &tm);
        r = tu_run(argv, env2, NULL, 60);
        cr_assert(eq(int, r.status, 0), "%s", r.err);
        snprintf(want, sizeof(want), "\"observed_history\": %ld", observed);
        cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
        tu_result_release(&r);
    }
    free(conf);
    sim_stop(&sim);
}

/* 404s of one detail path in /_sim/stats. */
static long detail_404s(struct sim *s)
{
    char *st = sim_call(s, "GET", "/_sim/stats", NULL);
    json_error_t je;
    json_t *j = json_loads(st, 0, &je), *req;
    long n = 0;

    cr_assert(j != NULL, "%s", je.text);
    req = json_object_get(j, "requests");
    n += (long)json_integer_value(
        json_object_get(json_object_get(req, "detail_reguler"), "404"));
    n += (long)json_integer_value(
        json_object_get(json_object_get(req, "detail_self_declare"), "404"));
    json_decref(j);
    free(st);
    return n;
}

/* The detail is asked on the application's path; on 404 the other path once, and the
 * one that answered is remembered: a wrong guess costs one request, once. */
Test(contract, detail_tries_the_other_path_once_on_404)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;
    long napps, before;

    sim_start(&sim, 200, NULL);
    conf = contract_conf(&sim, 0);
    once_ok(conf, "first");
    ASSERT_TRUTH(&sim, st, "first");
    cr_assert(eq(long, detail_404s(&sim), 0),
              "a path guessed wrong with jenis_daftar known");
    napps = pgt_long("SELECT count(*) FROM application");
    /* every guess wrong: the other path remembered, nothing else to go by */
    pgt_exec("UPDATE application SET detail_path = CASE detail_path WHEN 'reguler'"
             " THEN 'self_declare' ELSE 'reguler' END, next_poll_at = now()");
    before = detail_404s(&sim);
    once_ok(conf, "wrong paths");
    cr_assert(eq(long, detail_404s(&sim) - before, napps), "one 404 per application");
    cr_assert(
        eq(long,
           pgt_long("SELECT count(*) FROM application WHERE detail_denied_at IS NULL"
                    " AND detail_at > now() - interval '5 minutes'"
                    " AND detail_path = CASE WHEN channel_id IN ('CH003', 'CH004')"
                    " THEN 'self_declare' ELSE 'reguler' END"),
           napps));
    ASSERT_TRUTH(&sim, st, "wrong paths");
    pgt_exec("UPDATE application SET next_poll_at = now()");
    before = detail_404s(&sim);
    once_ok(conf, "remembered");
    cr_assert(eq(long, detail_404s(&sim) - before, 0));
    free(conf);
    sim_stop(&sim);
}

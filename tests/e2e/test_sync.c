/* End to end: halalsim + halaltrackd + PostgreSQL. After every cycle the database must
 * equal
 * /_sim/truth: every application, its current status and its whole event history. */
#include <pthread.h>
#include "e2e.h"
#include "halaltrack/store_sync.h"

TestSuite(sync, .fini = pgt_close, .timeout = 600);

static void once_ok(const char *conf, const char *ctx)
{
    struct tu_result r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s: halaltrackd --once exited %d: %s", ctx, r.status,
              r.err);
    cr_assert(strstr(r.err, "password") == NULL || strstr(r.err, "sim-password") == NULL);
    cr_assert(strstr(r.err, "sim-password") == NULL, "the password was logged");
    tu_result_release(&r);
}

Test(sync, clean_api_once_equals_truth_every_cycle)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;

    sim_start(&sim, 300, NULL);
    conf = e2e_conf(&sim, "page_size = 40", NULL);
    once_ok(conf, "first cycle");
    ASSERT_TRUTH(&sim, st, "after the first cycle");
    for (int i = 0; i < 3; i++) {
        sim_advance(&sim, 9);
        once_ok(conf, "later cycle");
        ASSERT_TRUTH(&sim, st, "after a later cycle");
    }
    /* One sync_run per cycle, all ok, each with a sweep; the bookmark was written. */
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM sync_run"), 4));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM sync_run WHERE outcome = 'ok' AND sweep"),
                 4));
    /* A detail is fetched for every new or changed application of a sweep. */
    cr_assert(eq(
        long,
        pgt_long("SELECT count(*) FROM sync_run WHERE details_fetched < items_changed"),
        0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM sync_state WHERE key = 'last_sweep_at'"),
                 1));
    /* The budget is taken per detail batch (batch_size 50, one take for all its
     * requests), not per round of 2 x concurrency = 16 requests. */
    cr_assert(eq(long, pgt_long("SELECT max(n) FROM budget_grant"), 50),
              "no grant covered a whole batch");
    /* With the default poll intervals, a cycle with no upstream change fetches no detail,
     * inserts nothing, rewrites no application row, and confirms every application
     * (v_application.observed_at from the complete sweep). */
    e2e_poll_all = 0;
    free(conf);
    conf = e2e_conf(&sim, "page_size = 40", NULL);
    e2e_poll_all = 1;
    once_ok(conf, "cycle with default intervals");
    /* The idle cycle below may claim only what is due: nothing is, after a clean cycle
     * (every application's next poll is its stage's interval away, an hour or more). */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application"
                          " WHERE next_poll_at < now() + interval '30 minutes'"),
                 0),
              "applications due again right after a clean cycle; last run: %s",
              pgt_str("SELECT concat_ws(' ', outcome, errors, details_fetched)"
                      " FROM sync_run ORDER BY id DESC LIMIT 1"));
    pgt_exec("UPDATE application SET observed_at = now() - interval '1 day'");
    pgt_exec("UPDATE sync_state SET value = (now() - interval '1 day')::text"
             " WHERE key = 'observed_through'");
    /* a rewritten row gets a new xmin (deterministic, unlike the statistics counters,
     * which the exiting daemon's backend flushes when it likes) */
    char *xmins0 = pgt_str("SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id)"
                           " FROM application");
    once_ok(conf, "idle cycle");
    char *xmins1 = pgt_str("SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id)"
                           " FROM application");
    cr_assert(eq(str, xmins1, xmins0), "an idle sweep rewrote application rows");
    free(xmins0);
    free(xmins1);
    cr_assert(
        eq(long,
           pgt_long("SELECT details_fetched FROM sync_run ORDER BY id DESC LIMIT 1"), 0));
    cr_assert(
        eq(long,
           pgt_long("SELECT events_inserted FROM sync_run ORDER BY id DESC LIMIT 1"), 0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_application"
                          " WHERE observed_at < now() - interval '1 hour'"),
                 0),
              "not confirmed; last run: %s",
              pgt_str("SELECT concat_ws(' ', sweep, items_seen, items_changed, outcome)"
                      " FROM sync_run ORDER BY id DESC LIMIT 1"));
    /* The list's registration date is kept (the reports order and count by it). */
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM application WHERE tgl_daftar IS NULL"), 0));
    /* Certificates were recorded for certified applications. */
    cr_assert(pgt_long("SELECT count(*) FROM v_application WHERE stage = 'certified'") >
              0);
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_application WHERE stage = 'certified'"
                          " AND certificate_no IS NULL"),
                 0));
    /* The stage of every application is the stage of its status code's latest event. */
    cr_assert(eq(
        long,
        pgt_long("SELECT count(*) FROM application a WHERE a.status_code <>"
                 " (SELECT e.status_code FROM stage_event e WHERE e.application_id = a.id"
                 "  ORDER BY e.at DESC, e.id DESC LIMIT 1)"),
        0));
    sim_stop(&sim);
    free(conf);
}

/* Each fault kind of the simulator on its own, then all at once. */
static void fault_run(const char *faults, const char *ctx)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;

    sim_start(&sim, 250, NULL);
    conf = e2e_conf(&sim, "page_size = 30", NULL);
    sim_faults(&sim, faults);
    once_ok(conf, ctx);
    ASSERT_TRUTH(&sim, st, ctx);
    sim_advance(&sim, 12);
    once_ok(conf, ctx);
    ASSERT_TRUTH(&sim, st, ctx);
    sim_stop(&sim);
    free(conf);
}

Test(sync, fault_5xx)
{
    fault_run("{\"error_5xx\":0.25,\"seed\":1}", "5xx");
}
Test(sync, fault_429)
{
    fault_run("{\"rate_429\":0.2,\"seed\":2}", "429");
}
Test(sync, fault_reset)
{
    fault_run("{\"reset\":0.2,\"seed\":3}", "reset");
}
Test(sync, fault_truncate)
{
    fault_run("{\"truncate\":0.2,\"seed\":4}", "truncate");
}
Test(sync, fault_malformed)
{
    fault_run("{\"malformed\":0.2,\"seed\":5}", "malformed");
}
Test(sync, fault_string_numbers)
{
    fault_run("{\"string_numbers\":0.5,\"seed\":6}", "string_numbers");
}
Test(sync, fault_duplicate_items)
{
    fault_run("{\"duplicate_items\":0.5,\"seed\":7}", "duplicate_items");
}
Test(sync, fault_page_shift)
{
    fault_run("{\"page_shift\":0.3,\"seed\":8}", "page_shift");
}
Test(sync, fault_token_expiry)
{
    fault_run("{\"token_expiry\":0.1,\"seed\":9}", "token_expiry");
}
Test(sync, fault_slow)
{
    fault_run("{\"slow\":0.05,\"slow_ms\":1500,\"seed\":10}", "slow");
}
Test(sync, fault_all_at_once)
{
    fault_run("{\"error_5xx\":0.05,\"rate_429\":0.03,\"reset\":0.03,\"truncate\":0.03,"
              "\"malformed\":0.03,\"bad_utf8\":0.05,\"unknown_code\":0.05,\"missing_"
              "fields\":0.05,"
              "\"string_numbers\":0.1,\"duplicate_items\":0.1,\"page_shift\":0.1,"
              "\"token_expiry\":0.03,\"seed\":11}",
              "all faults");
}

/* Bad records (unknown codes, missing fields, bad UTF-8) are quarantined with their raw
 * bytes and reason, and nothing wrong reaches the tables. */
Test(sync, bad_records_are_quarantined)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *faults;

    sim_start(&sim, 250, NULL);
    conf = e2e_conf(&sim, "page_size = 30", NULL);
    sim_faults(
        &sim,
        "{\"unknown_code\":0.15,\"missing_fields\":0.15,\"bad_utf8\":0.15,\"seed\":12}");
    once_ok(conf, "bad records");
    ASSERT_TRUTH(&sim, st, "bad records");
    faults = sim_call(&sim, "GET", "/_sim/faults", NULL);
    /* Every injected bad record on a detail answer is in quarantine under its id_reg. */
    for (char *p = strstr(faults, "\"id_reg\":\""); p;
         p = strstr(p + 1, "\"id_reg\":\"")) {
        char id[80], sql[256];
        size_t n = strcspn(p + 10, "\"");
        snprintf(id, sizeof(id), "%.*s", (int)n, p + 10);
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM quarantine WHERE ref = '%s'",
                 id);
        cr_assert(pgt_long(sql) > 0, "bad record %s not quarantined", id);
    }
    cr_assert(pgt_long("SELECT count(*) FROM quarantine WHERE source = 'detail'"
                       " AND reason LIKE 'unknown status code%'") > 0);
    cr_assert(pgt_long("SELECT count(*) FROM quarantine WHERE length(raw) = 0") == 0);
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM stage_event WHERE stage = 'unknown'"), 0));
    free(faults);
    sim_stop(&sim);
    free(conf);
}

/* The loop: runs cycles until SIGTERM, which ends it with status 0. */
Test(sync, loop_follows_the_clock_and_stops_on_sigterm)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, log[256];
    pid_t pid;

    sim_start(&sim, 300, NULL);
    conf = e2e_conf(&sim, NULL, NULL);
    snprintf(log, sizeof(log), "/tmp/ht_e2e_loop_%d.log", (int)getpid());
    pid = daemon_spawn(conf, log);
    cr_assert(wait_truth(&sim, st, 60), "the loop did not catch up with the truth");
    for (int i = 0; i < 3; i++) {
        sim_advance(&sim, 6);
        cr_assert(wait_truth(&sim, st, 60), "the loop did not follow an advance");
    }
    kill(pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(pid, 30), 0),
              "SIGTERM did not end the loop with status 0");
    cr_assert(pgt_long("SELECT count(*) FROM sync_run") >= 4);
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM application WHERE lease_owner IS NOT NULL"),
        0));
    unlink(log);
    sim_stop(&sim);
    free(conf);
}

/* Every replayed application's whole v_application row must be what a fresh fetch of
 * that answer gives: the truth's row, except that the newest tracking code is the one
 * the fault invented (mapped now). Returns how many applications were checked. */
static long replayed_rows_match_truth(struct sim *sim)
{
    char *body = sim_call(sim, "GET", "/_sim/truth", NULL), msg[256];
    struct truth t;
    long checked = 0;

    cr_assert(eq(int, truth_parse(body, &t, msg, sizeof(msg)), 0), "%s", msg);
    free(body);
    for (size_t i = 0; i < t.n; i++) {
        const struct truth_app *a = &t.apps[i];
        char sql[512], *got, want[512], since[32];
        int64_t last = a->ev[a->nev - 1].at;

        snprintf(
            sql, sizeof(sql),
            "SELECT concat_ws('|', extract(epoch FROM stage_since)::bigint,"
            " coalesce(certificate_no, '-'), coalesce(certificate_date::text, '-'),"
            " nib, no_daftar, channel_id,"
            " status_code IN ('OF130','OF77','OF999','OF310','OF65','OF150','OF9999'))"
            " FROM v_application WHERE id_reg = '%s'",
            a->id_reg);
        got = pgt_str(sql);
        snprintf(since, sizeof(since), "%lld", (long long)last);
        snprintf(want, sizeof(want), "%s|%s|%s|%s|%s|%s|t", since,
                 a->cert_no ? a->cert_no : "-", a->cert_date ? a->cert_date : "-", a->nib,
                 a->no_daftar, a->channel_id);
        cr_assert(eq(str, got ? got : "(no row)", want),
                  "v_application row of %s after replay", a->id_reg);
        free(got);
        checked++;
    }
    truth_release(&t);
    return checked;
}

/* Issue 10 item 7: unknown codes stay in quarantine until a mapping is added; `halaltrack
 * quarantine replay` then applies exactly what a fresh fetch applies (events, the stage
 * move, the certificate, the done write) and marks the rows resolved. */
Test(sync, item7_replay_applies_what_a_fetch_applies)
{
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf, *map, env_schema[128];
    const char *env[] = {env_schema, NULL};
    long open_rows;

    (void)st;
    sim_start(&sim, 150, NULL);
    conf = e2e_conf(&sim, "max_retries = 0", NULL);
    sim_faults(&sim, "{\"unknown_code\":1.0,\"seed\":13}");
    r = daemon_once(conf);
    tu_result_release(&r);
    open_rows = pgt_long(
        "SELECT count(*) FROM quarantine WHERE NOT resolved AND source = 'detail'"
        " AND reason LIKE 'unknown status code%'");
    cr_assert(open_rows > 0);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM stage_event"), 0),
              "events of an unmapped answer were written");
    snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
    {
        const char *argv[] = {
            tu_bin("cli/halaltrack"), "quarantine", "list", "--format", "csv", NULL};
        r = tu_run(argv, env, NULL, 60);
        cr_assert(eq(int, r.status, 0), "%s", r.err);
        cr_assert(eq(int, tu_count(r.out, ",detail,"), (int)open_rows), "%s", r.out);
        tu_result_release(&r);
    }
    /* The fix: a config [stage_map] with every code the simulator invents. */
    map = tu_write_temp(
        ".conf",
        "[api]\nignored = yes\n[stage_map]\nOF130 = issuance\nOF77 = fatwa\n"
        "OF999 = verification\nOF310 = certified\nOF65 = inspection\n"
        "OF150 = issuance\nOF9999 = verification\n",
        strlen("[api]\nignored = yes\n[stage_map]\nOF130 = issuance\nOF77 = fatwa\n"
               "OF999 = verification\nOF310 = certified\nOF65 = inspection\n"
               "OF150 = issuance\nOF9999 = verification\n"));
    {
        const char *argv[] = {
            tu_bin("cli/halaltrack"), "quarantine", "replay", "-c", map, NULL};
        r = tu_run(argv, env, NULL, 60);
        cr_assert(eq(int, r.status, 0), "%s", r.err);
        cr_assert(strstr(r.out, "resolved") != NULL, "%s", r.out);
        tu_result_release(&r);
    }
    cr_assert(eq(
        long,
        pgt_long(
            "SELECT count(*) FROM quarantine WHERE NOT resolved AND source = 'detail'"),
        0));
    cr_assert(eq(
        long,
        pgt_long(
            "SELECT count(*) FROM quarantine WHERE resolved AND replayed_at IS NOT NULL"
            " AND source = 'detail'"),
        open_rows));
    /* the list rows of the same codes were merged by the replay too */
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM quarantine WHERE NOT resolved"), 0));
    cr_assert(pgt_long("SELECT count(*) FROM stage_event WHERE status_code IN "
                       "('OF130','OF77','OF999',"
                       "'OF310','OF65','OF150','OF9999')") > 0);
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM stage_event e WHERE status_code = 'OF130'"
                          " AND stage <> 'issuance'"),
                 0));
    /* The whole row of every application, as a fresh fetch would have written it. */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM v_application WHERE stage_since IS NULL"),
                 0));
    cr_assert(replayed_rows_match_truth(&sim) > 0);
    cr_assert(
        pgt_long("SELECT count(*) FROM v_application WHERE certificate_no IS NOT NULL") >
        0);
    unlink(map);
    free(map);
    sim_stop(&sim);
    free(conf);
}

/* With the default poll intervals only new or changed applications are fetched. */
Test(sync, only_changed_applications_are_fetched)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;
    long changed, fetched;

    (void)st;
    sim_start(&sim, 300, NULL);
    e2e_poll_all = 0;
    conf = e2e_conf(&sim, NULL, NULL);
    once_ok(conf, "first cycle");
    sim_advance(&sim, 2);
    once_ok(conf, "after two days");
    changed = pgt_long("SELECT items_changed FROM sync_run ORDER BY id DESC LIMIT 1");
    fetched = pgt_long("SELECT details_fetched FROM sync_run ORDER BY id DESC LIMIT 1");
    cr_assert(changed > 0, "nothing changed in two simulated days");
    cr_assert(eq(long, fetched, changed));
    cr_assert(fetched < pgt_long("SELECT count(*) FROM application") / 2);
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 item 8: an application whose detail answer is always a 6 MB HTML page must
 * not block its batch: one capped copy is quarantined per application, every healthy
 * application of the batch is written, and the broken ones are left for later. */
Test(sync, item8_garbled_detail_does_not_block_its_batch)
{
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf, *faults;
    long huge = 0;

    sim_start(&sim, 300, NULL);
    conf = e2e_conf(&sim, NULL, NULL);
    sim_faults(&sim, "{\"huge_body\":0.08,\"seed\":14}");
    r = daemon_once(conf);
    tu_result_release(&r); /* partial: the broken applications are errors */
    faults = sim_call(&sim, "GET", "/_sim/faults", NULL);
    cr_assert(strstr(faults, "\"huge_body\":") != NULL);
    for (char *p = strstr(faults, "\"bad_records\":");
         p && (p = strstr(p + 1, "{\"id_reg\":\""));) {
        char id[80], sql[512];
        snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 11, "\""), p + 11);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM quarantine WHERE ref = '%s' AND source = 'detail'"
                 " AND length(raw) <= 65536 AND reason LIKE '%%bytes kept)'",
                 id);
        cr_assert(eq(long, pgt_long(sql), 1),
                  "application %s: not exactly one capped copy", id);
        huge += strstr(p + 11 + strlen(id), id) == NULL; /* each answer is listed */
    }
    free(faults);
    cr_assert(huge > 0, "the fault hit no application");
    /* every healthy application was reconciled in this one cycle */
    cr_assert(
        eq(long,
           pgt_long("SELECT count(*) FROM application a WHERE a.detail_at IS NULL"
                    " AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.ref = a.id_reg"
                    " AND q.source = 'detail')"),
           0));
    cr_assert(pgt_long("SELECT count(*) FROM application WHERE detail_at IS NOT NULL") >
              huge * 5);
    /* once upstream answers properly, nothing is missing */
    sim_faults(&sim, "{\"huge_body\":0}");
    e2e_sleep_ms(5500); /* their retry is due after max(cycle, 5 s) */
    once_ok(conf, "after the fault");
    ASSERT_TRUTH(&sim, st, "after the fault");
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 (low): a list whose totals never end (total_item 10^12) must not keep the
 * sweep paging for ever: the sweep stops at the first empty page past the real end and
 * is not trusted; api.max_pages caps an honest but too long list the same way. */
Test(sync, low_hostile_total_page_is_capped)
{
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf, *stats;
    long lists;

    (void)st;
    sim_start(&sim, 120, NULL);
    conf = e2e_conf(&sim, "page_size = 20", NULL);
    sim_faults(&sim, "{\"huge_total\":1.0,\"seed\":15}");
    {
        const char *argv[] = {tu_bin("daemon/halaltrackd"), "-c", conf, "--once", NULL};
        r = tu_run(argv, NULL, NULL, 120);
    }
    cr_assert(eq(int, r.status, 1), "exit %d (137: still paging when killed): %s",
              r.status, r.err);
    cr_assert(strstr(r.err, "sweep incomplete") != NULL, "%s", r.err);
    tu_result_release(&r);
    stats = sim_call(&sim, "GET", "/_sim/stats", NULL);
    lists = strtol(strstr(stats, "\"fasilitator_search\":{\"200\":") + 29, NULL, 10);
    free(stats);
    cr_assert(lists < 60, "%ld list requests", lists);
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM sync_run WHERE outcome = 'partial'"), 1));
    /* An honest list longer than max_pages pages: cut short, not trusted, warned. */
    sim_faults(&sim, "{\"huge_total\":0}");
    free(conf);
    conf = e2e_conf(&sim, "page_size = 5\nmax_pages = 2", NULL);
    r = daemon_once(conf);
    cr_assert(eq(int, r.status, 1), "%s", r.err);
    cr_assert(strstr(r.err, "api.max_pages") != NULL, "%s", r.err);
    tu_result_release(&r);
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 (low): staged list rows that a killed sweeper left behind are dropped by the
 * next sweep instead of piling up. */
Test(sync, low_orphaned_staging_rows_are_cleaned)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf;

    (void)st;
    sim_start(&sim, 60, NULL);
    conf = e2e_conf(&sim, NULL, NULL);
    pgt_exec("INSERT INTO list_staging (run_id, seq, id_reg, status)"
             " SELECT 999999, g, 'orphan-' || g, 'OF10' FROM generate_series(1, 500) g");
    once_ok(conf, "sweep after a killed one");
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM list_staging"), 0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE id_reg LIKE 'orphan%'"),
                 0));
    ASSERT_TRUTH(&sim, st, "after the cleanup");
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 (low): credentials written into api.base_url never reach the log. */
Test(sync, low_url_credentials_never_logged)
{
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf, api[256];

    (void)st;
    sim_start(&sim, 40, NULL);
    snprintf(api, sizeof(api), "base_url = http://dinas:Rahasia123@127.0.0.1:%d",
             sim.port);
    conf = e2e_conf(&sim, api, "[log]\nlevel = debug\n");
    r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s", r.err);
    cr_assert(strstr(r.err, "base_url=http://***@127.0.0.1") != NULL, "%s", r.err);
    cr_assert(strstr(r.err, "Rahasia123") == NULL, "the URL's password was logged");
    tu_result_release(&r);
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 (low): a quarantine reason or reference with newlines or terminal escapes
 * (from a hostile upstream) cannot forge lines in `halaltrack quarantine list`. */
Test(sync, low_quarantine_list_has_no_control_characters)
{
    struct store *st = pgt_open();
    struct tu_result r;
    char env_schema[128];
    const char *env[] = {env_schema, NULL};
    const char *argv[] = {tu_bin("cli/halaltrack"), "quarantine", "list", NULL};

    (void)st;
    pgt_exec("INSERT INTO quarantine (source, ref, reason, raw) VALUES ('detail',"
             " E'R1\\n2\\tdetail\\tforged', E'bad\\n\\u001b[2J\\u001b[31mred', '\\x00')");
    snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
    r = tu_run(argv, env, NULL, 60);
    cr_assert(eq(int, r.status, 0), "%s", r.err);
    cr_assert(eq(int, tu_count(r.out, "\n"), 2), "%s", r.out);
    cr_assert(strchr(r.out, 0x1b) == NULL, "an escape reached the terminal");
    cr_assert(eq(int, tu_count(r.out, "forged"), 1));
    tu_result_release(&r);
}

/* Claims the applications due (all of them: cycle start "infinity") on s; returns how
 * many, with their claims in *cl. */
static size_t claim_on(struct store *s, long lease_s, struct store_claim **cl)
{
    struct ht_err err = HT_ERR_INIT;
    size_t n = 0;

    cr_assert(
        eq(int, store_sync_claim_locked(s, lease_s, 10, "infinity", cl, &n, &err), 0),
        "%s", err.msg);
    return n;
}

/* A batch that moves each claimed application to OF11. */
static struct store_batch *batch_to_of11(const struct store_claim *cl, size_t n)
{
    struct store_batch *b = store_batch_new();

    cr_assert(b != NULL);
    for (size_t i = 0; i < n; i++) {
        struct store_done d = {cl[i].id, 60, NULL, NULL, NULL, NULL, NULL, NULL, 0};
        cr_assert(eq(int,
                     store_batch_event(b, cl[i].id, "OF11", "verification", 1777680000,
                                       NULL, NULL),
                     0));
        cr_assert(eq(
            int, store_batch_move(b, cl[i].id, "OF11", "verification", 1777680000), 0));
        cr_assert(eq(int, store_batch_done(b, &d), 0));
    }
    return b;
}

/* Issue 16: the lease is the row lock of the transaction that writes the batch. The
 * claim writes no row; another daemon's claim never gets an application a batch holds;
 * the batch commits in its claim's transaction; a batch idle past its lease (a hung
 * daemon) loses its applications to the next claimer and writes nothing of them. */
Test(sync, claim_is_the_batch_transactions_row_lock)
{
    struct store *a, *b;
    struct store_claim *ca = NULL, *cb = NULL;
    struct store_batch *wb;
    struct ht_err err = HT_ERR_INIT;
    size_t na, nb;
    long ev = -1;

    (void)pgt_open();
    pgt_exec("INSERT INTO application (id_reg, status_code, stage) VALUES"
             " ('R1', 'OF10', 'submitted'), ('R2', 'OF10', 'submitted'),"
             " ('R3', 'OF10', 'submitted')");
    a = store_open("", pgt_schema(), 0, &err);
    cr_assert(a != NULL, "%s", err.msg);
    b = store_open("", pgt_schema(), 0, &err);
    cr_assert(b != NULL, "%s", err.msg);
    cr_assert(eq(int, store_sync_claim_locked(a, 60, 2, "infinity", &ca, &na, &err), 0),
              "%s", err.msg);
    cr_assert(eq(sz, na, 2));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE lease_owner IS NOT NULL"
                          " OR lease_until IS NOT NULL"),
                 0),
              "the claim wrote a lease row");
    /* the other daemon gets only what a does not hold */
    nb = claim_on(b, 60, &cb);
    cr_assert(eq(sz, nb, 1));
    cr_assert(eq(str, cb[0].id_reg, "R3"));
    store_rollback(b);
    store_claims_free(cb, nb);
    wb = batch_to_of11(ca, na);
    cr_assert(eq(int, store_batch_apply_claimed(a, wb, &ev, &err), 0), "%s", err.msg);
    store_batch_free(wb);
    store_claims_free(ca, na);
    cr_assert(eq(long, ev, 2));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE status_code = 'OF11'"
                          " AND detail_at IS NOT NULL AND id_reg IN ('R1', 'R2')"),
                 2));

    /* A claim idle past its 1-second lease: the server ends its session. */
    pgt_exec("UPDATE application SET next_poll_at = now() - interval '1 s'");
    na = claim_on(a, 1, &ca);
    cr_assert(eq(sz, na, 3));
    e2e_sleep_ms(2500);
    nb = claim_on(b, 60, &cb);
    cr_assert(eq(sz, nb, 3), "the hung batch still holds its applications");
    wb = batch_to_of11(ca, na);
    cr_assert(eq(int, store_batch_apply_claimed(a, wb, &ev, &err), -1));
    cr_assert(eq(int, store_ok(a), 0));
    store_batch_free(wb);
    store_rollback(b);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM stage_event"), 2),
              "the batch that lost its lease wrote events");
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE id_reg = 'R3'"
                          " AND status_code = 'OF10' AND detail_at IS NULL"),
                 1));
    store_claims_free(ca, na);
    store_claims_free(cb, nb);
    store_free(a);
    store_free(b);
}

/* Issue 10 (low): a batch claimed with a lease row (the fallback without a batch
 * connection) writes only the applications whose lease it still holds: one whose lease
 * expired and was claimed by another daemon is left to that daemon. */
Test(sync, low_apply_skips_applications_whose_lease_was_lost)
{
    struct store *st = pgt_open();
    struct store_claim *cl = NULL;
    struct store_batch *b;
    struct ht_err err = HT_ERR_INIT;
    size_t n = 0;
    long ev = -1, lost = -1;

    pgt_exec("INSERT INTO application (id_reg, status_code, stage)"
             " VALUES ('R1', 'OF10', 'submitted'), ('R2', 'OF10', 'submitted')");
    cr_assert(
        eq(int, store_sync_claim(st, "A:1:1", 60, 10, "infinity", &cl, &n, &err), 0),
        "%s", err.msg);
    cr_assert(eq(sz, n, 2));
    /* R2's lease moved to daemon B (as after an expiry and a new claim). */
    pgt_exec("UPDATE application SET lease_owner = 'B:2:2' WHERE id_reg = 'R2'");
    b = batch_to_of11(cl, n);
    cr_assert(eq(int, store_batch_apply(st, b, "A:1:1", &ev, &lost, &err), 0), "%s",
              err.msg);
    cr_assert(eq(long, lost, 1));
    cr_assert(eq(long, ev, 1));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE id_reg = 'R1'"
                          " AND status_code = 'OF11' AND lease_owner IS NULL"
                          " AND detail_at IS NOT NULL"),
                 1));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE id_reg = 'R2'"
                          " AND status_code = 'OF10' AND lease_owner = 'B:2:2'"
                          " AND detail_at IS NULL"),
                 1));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM stage_event e JOIN application a"
                          " ON a.id = e.application_id WHERE a.id_reg = 'R2'"),
                 0));
    store_claims_free(cl, n);
    store_batch_free(b);
}

struct guard_run {
    struct store *st;
    struct store_batch *b;
    int rc;
};

static void *apply_in_thread(void *arg)
{
    struct guard_run *g = arg;
    struct ht_err err = HT_ERR_INIT;

    g->rc = store_batch_apply(g->st, g->b, NULL, NULL, NULL, &err);
    return NULL;
}

/* Issue 10 (low): the forward-only guard must judge the current row, not a stale copy.
 * Another session moves the application forward and holds the row while our batch with
 * an older move waits for it; once that commits, the older move must not win. */
Test(sync, low_forward_guard_reads_the_current_row)
{
    struct store *other;
    struct ht_err err = HT_ERR_INIT;
    struct guard_run g = {0};
    pthread_t th;
    char *id;
    int64_t app;

    (void)pgt_open();
    pgt_exec("INSERT INTO application (id_reg, status_code, stage, stage_since)"
             " VALUES ('R1', 'OF10', 'submitted', to_timestamp(1777680000))");
    id = pgt_str("SELECT id FROM application WHERE id_reg = 'R1'");
    app = strtoll(id, NULL, 10);
    free(id);
    other = store_open("", pgt_schema(), 0, &err);
    cr_assert(other != NULL, "%s", err.msg);
    g.st = store_open("", pgt_schema(), 0, &err);
    cr_assert(g.st != NULL, "%s", err.msg);
    cr_assert(eq(int, store_begin(other, &err), 0));
    cr_assert(
        eq(int,
           store_exec(other,
                      "UPDATE application SET status_code = 'OF74', stage = 'fatwa',"
                      " stage_since = to_timestamp(1777681000) WHERE id_reg = 'R1'",
                      &err),
           0),
        "%s", err.msg);
    g.b = store_batch_new();
    cr_assert(eq(int, store_batch_move(g.b, app, "OF15", "verification", 1777680500), 0));
    {
        struct store_done d = {app, 60, NULL, NULL, NULL, NULL, NULL, NULL, 0};
        cr_assert(eq(int, store_batch_done(g.b, &d), 0));
    }
    cr_assert(eq(int, pthread_create(&th, NULL, apply_in_thread, &g), 0));
    e2e_sleep_ms(500); /* the batch is now waiting for the row */
    cr_assert(eq(int, store_commit(other, &err), 0), "%s", err.msg);
    pthread_join(th, NULL);
    cr_assert(eq(int, g.rc, 0));
    pgt_expect_str("SELECT status_code || ' ' || extract(epoch FROM stage_since)::bigint"
                   " FROM application WHERE id_reg = 'R1'",
                   "OF74 1777681000", "an older answer moved the stage back");
    store_batch_free(g.b);
    store_free(g.st);
    store_free(other);
}

/* Issue 10 (low): the list fingerprint must tell a NULL from a shifted value: with
 * concat_ws (which skips NULLs) ('JD.1', NULL) and (NULL, 'JD.1') in two neighbouring
 * fields collided, so that change was never seen. */
Test(sync, low_fingerprint_distinguishes_nulls)
{
    struct store *st = pgt_open();
    struct ht_err err = HT_ERR_INIT;
    long seen, ins, chg;

    pgt_exec(
        "INSERT INTO list_staging (run_id, seq, id_reg, no_daftar, status, nama_pu,"
        " jenis_daftar) VALUES (1, 1, 'R1', 'SH2026-1-000001', 'OF10', 'JD.1', NULL)");
    cr_assert(eq(int,
                 store_sync_merge(st, NULL, 1, 0, 1777680000, 1777680000, &seen, &ins,
                                  &chg, &err),
                 0),
              "%s", err.msg);
    cr_assert(eq(long, ins, 1));
    pgt_exec("UPDATE application SET detail_needed = false,"
             " next_poll_at = now() + interval '1 day'");
    pgt_exec(
        "INSERT INTO list_staging (run_id, seq, id_reg, no_daftar, status, nama_pu,"
        " jenis_daftar) VALUES (2, 1, 'R1', 'SH2026-1-000001', 'OF10', NULL, 'JD.1')");
    cr_assert(eq(int,
                 store_sync_merge(st, NULL, 2, 0, 1777680000, 1777680000, &seen, &ins,
                                  &chg, &err),
                 0),
              "%s", err.msg);
    cr_assert(eq(long, chg, 1), "the change was not seen");
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM application WHERE detail_needed"), 1));
}

struct merge_run {
    struct store *st;
    int rc;
};

static void *merge_in_thread(void *arg)
{
    struct merge_run *m = arg;
    struct ht_err err = HT_ERR_INIT;
    long seen, ins, chg;

    m->rc = store_sync_merge(m->st, NULL, 7, 1, 1777690000, 1777690000, &seen, &ins, &chg,
                             &err);
    return NULL;
}

/* Issue 12: a sweep's observed move must judge the current row too. Another daemon's
 * detail batch makes a refused application readable again (upstream history, a later
 * stage) and holds the row while the sweep's merge, which read the old state, waits for
 * it: the merge must then neither move the stage to what the list showed nor add an
 * observed event. */
Test(sync, observed_move_reads_the_current_row)
{
    struct store *other;
    struct ht_err err = HT_ERR_INIT;
    struct merge_run m = {0};
    pthread_t th;

    (void)pgt_open();
    pgt_exec(
        "INSERT INTO application (id_reg, no_daftar, status_code, stage, stage_since,"
        " list_status, list_status_at, list_seen_at, detail_denied_at)"
        " VALUES ('R1', 'SH2026-2-0000001', 'OF10', 'submitted',"
        " to_timestamp(1777680000), 'OF10', to_timestamp(1777680000),"
        " to_timestamp(1777680000), now())");
    pgt_exec("INSERT INTO list_staging (run_id, seq, id_reg, no_daftar, status)"
             " VALUES (7, 1, 'R1', 'SH2026-2-0000001', 'OF74')");
    other = store_open("", pgt_schema(), 0, &err);
    cr_assert(other != NULL, "%s", err.msg);
    m.st = store_open("", pgt_schema(), 0, &err);
    cr_assert(m.st != NULL, "%s", err.msg);
    cr_assert(eq(int, store_begin(other, &err), 0));
    cr_assert(eq(int,
                 store_exec(other,
                            "UPDATE application SET detail_denied_at = NULL,"
                            " status_code = 'OF100', stage = 'fatwa',"
                            " stage_since = to_timestamp(1777685000) WHERE id_reg = 'R1'",
                            &err),
                 0),
              "%s", err.msg);
    cr_assert(eq(int, pthread_create(&th, NULL, merge_in_thread, &m), 0));
    e2e_sleep_ms(500); /* the merge now waits for the row */
    cr_assert(eq(int, store_commit(other, &err), 0), "%s", err.msg);
    pthread_join(th, NULL);
    cr_assert(eq(int, m.rc, 0));
    pgt_expect_str("SELECT status_code || ' ' || extract(epoch FROM stage_since)::bigint"
                   " || ' ' || list_status FROM application WHERE id_reg = 'R1'",
                   "OF100 1777685000 OF74",
                   "the merge moved a readable application to what the list showed");
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM stage_event WHERE source = 'observed'"), 0));
    store_free(m.st);
    store_free(other);
}

/* Issue 12: an application first listed with its id_reg but no no_daftar (its detail
 * refused), then listed without id_reg, was kept twice; once a row brings both, the
 * second is folded into the first (its observed events and the later list state), and
 * nothing is counted twice. */
Test(sync, application_listed_both_ways_is_folded_into_one)
{
    struct store *st = pgt_open();
    struct ht_err err = HT_ERR_INIT;
    long seen, ins, chg;

    pgt_exec(
        "INSERT INTO application (id_reg, status_code, stage, stage_since, list_status,"
        " list_status_at, list_seen_at, detail_denied_at)"
        " VALUES ('R1', 'OF10', 'submitted', to_timestamp(1777680000), 'OF10',"
        " to_timestamp(1777680000), to_timestamp(1777680000), now())");
    pgt_exec("INSERT INTO stage_event (application_id, status_code, stage, at, source,"
             " window_from) SELECT id, 'OF10', 'submitted', to_timestamp(1777680000),"
             " 'observed', NULL FROM application WHERE id_reg = 'R1'");
    /* the same application without id_reg: a second row */
    pgt_exec("INSERT INTO list_staging (run_id, seq, id_reg, no_daftar, status)"
             " VALUES (1, 1, NULL, 'SH2026-2-0000001', 'OF74')");
    cr_assert(eq(int,
                 store_sync_merge(st, NULL, 1, 1, 1777690000, 1777690000, &seen, &ins,
                                  &chg, &err),
                 0),
              "%s", err.msg);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM application"), 2));
    /* a row with both */
    pgt_exec("INSERT INTO list_staging (run_id, seq, id_reg, no_daftar, status)"
             " VALUES (2, 1, 'R1', 'SH2026-2-0000001', 'OF74')");
    cr_assert(eq(int,
                 store_sync_merge(st, NULL, 2, 1, 1777700000, 1777700000, &seen, &ins,
                                  &chg, &err),
                 0),
              "%s", err.msg);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM application"), 1));
    pgt_expect_str(
        "SELECT concat_ws(' ', id_reg, no_daftar, status_code,"
        " extract(epoch FROM stage_since)::bigint, list_status) FROM application",
        "R1 SH2026-2-0000001 OF74 1777690000 OF74", "the folded application");
    pgt_expect_str(
        "SELECT string_agg(status_code || '@' || extract(epoch FROM at)::bigint,"
        " ' ' ORDER BY at) FROM stage_event",
        "OF10@1777680000 OF74@1777690000", "the folded history");
}

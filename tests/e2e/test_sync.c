/* End to end: halalsim + halaltrackd + PostgreSQL. After every cycle the database must
 * equal
 * /_sim/truth: every application, its current status and its whole event history. */
#include "e2e.h"

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
    /* With the default poll intervals, a cycle with no upstream change fetches no detail,
     * inserts nothing, rewrites no application row, and confirms every application
     * (v_application.observed_at from the complete sweep). */
    e2e_poll_all = 0;
    free(conf);
    conf = e2e_conf(&sim, "page_size = 40", NULL);
    e2e_poll_all = 1;
    once_ok(conf, "cycle with default intervals");
    pgt_exec("UPDATE application SET observed_at = now() - interval '1 day'");
    pgt_exec("UPDATE sync_state SET value = (now() - interval '1 day')::text"
             " WHERE key = 'observed_through'");
    pgt_exec("SELECT pg_stat_force_next_flush()");
    long upd0 = pgt_long("SELECT n_tup_upd FROM pg_stat_user_tables"
                         " WHERE relid = 'application'::regclass");
    once_ok(conf, "idle cycle");
    pgt_exec("SELECT pg_stat_force_next_flush()");
    cr_assert(eq(long,
                 pgt_long("SELECT n_tup_upd FROM pg_stat_user_tables"
                          " WHERE relid = 'application'::regclass"),
                 upd0),
              "an idle sweep rewrote application rows");
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

/* Unknown codes stay in quarantine until a mapping is added; `halaltrack quarantine
 * replay` then applies them and marks them resolved. */
Test(sync, quarantine_replay_after_mapping_fix)
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
            "SELECT count(*) FROM quarantine WHERE resolved AND replayed_at IS NOT NULL"),
        open_rows));
    cr_assert(pgt_long("SELECT count(*) FROM stage_event WHERE status_code IN "
                       "('OF130','OF77','OF999',"
                       "'OF310','OF65','OF150','OF9999')") > 0);
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM stage_event e WHERE status_code = 'OF130'"
                          " AND stage <> 'issuance'"),
                 0));
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

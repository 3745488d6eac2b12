/* Retention (issue 10, low items): the rows that only grow are pruned by age, at most
 * once a day unless forced, old ones go and recent ones stay; `halaltrack db prune`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"
#include "test_util.h"
#include "halaltrack/store_retention.h"

static struct store *s;

static void setup(void)
{
    s = pgt_open();
    /* Each kind of row twice: 100 days old and one hour old, and what must stay whatever
     * its age (a running cycle, an open quarantine row). */
    pgt_exec("INSERT INTO budget_grant (name, daemon, at, n) VALUES"
             " ('api', 'old', now() - interval '100 days', 1),"
             " ('api', 'new', now() - interval '1 hour', 1)");
    pgt_exec("INSERT INTO sync_run (daemon, started_at, finished_at, outcome) VALUES"
             " ('old', now() - interval '100 days', now() - interval '100 days', 'ok'),"
             " ('old-running', now() - interval '100 days', NULL, 'running'),"
             " ('new', now() - interval '1 hour', now() - interval '1 hour', 'failed')");
    pgt_exec(
        "INSERT INTO quarantine (source, ref, reason, raw, created_at, resolved,"
        " replayed_at) VALUES"
        " ('detail', 'old-resolved', 'x', '\\x01', now() - interval '100 days', true,"
        "  now() - interval '100 days'),"
        " ('detail', 'old-open', 'x', '\\x02', now() - interval '100 days', false, NULL),"
        " ('detail', 'new-resolved', 'x', '\\x03', now() - interval '100 days', true,"
        "  now() - interval '1 hour')");
    pgt_exec(
        "INSERT INTO self_service_attempt (subject_key, failures, last_failure_at,"
        " last_attempt_at) VALUES"
        " (repeat('a', 64), 7, now() - interval '100 days', now() - interval '100 days'),"
        " (repeat('b', 64), 2, now() - interval '1 hour', now() - interval '1 hour')");
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(retention, .init = setup, .fini = teardown);

static void expect_left(const char *budget, const char *runs, const char *quarantine,
                        const char *attempts)
{
    char *v;

    v = pgt_str("SELECT string_agg(daemon, ',' ORDER BY daemon) FROM budget_grant");
    cr_assert_str_eq(v ? v : "", budget);
    free(v);
    v = pgt_str("SELECT string_agg(daemon, ',' ORDER BY daemon) FROM sync_run");
    cr_assert_str_eq(v ? v : "", runs);
    free(v);
    v = pgt_str("SELECT string_agg(ref, ',' ORDER BY ref) FROM quarantine");
    cr_assert_str_eq(v ? v : "", quarantine);
    free(v);
    v = pgt_str("SELECT string_agg(failures::text, ',' ORDER BY failures)"
                " FROM self_service_attempt");
    cr_assert_str_eq(v ? v : "", attempts);
    free(v);
}

Test(retention, low_retention_old_rows_go_recent_rows_stay)
{
    struct store_retention keep = {30 * 86400, 90 * 86400, 90 * 86400, 30 * 86400};
    struct store_pruned n;
    struct ht_err err = HT_ERR_INIT;

    cr_assert_eq(store_prune(s, &keep, 0, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n.budget_grant, 1);
    cr_assert_eq(n.sync_run, 1);
    cr_assert_eq(n.quarantine_resolved, 1);
    cr_assert_eq(n.self_service_attempt, 1);
    expect_left("new", "new,old-running", "new-resolved,old-open", "2");
    /* Once a day: the next call within the day does nothing, not even with shorter ages.
     */
    pgt_exec("INSERT INTO budget_grant (name, daemon, at, n) VALUES"
             " ('api', 'old2', now() - interval '100 days', 1)");
    cr_assert_eq(store_prune(s, &keep, 0, &n, &err), 1, "%s", err.msg);
    cr_assert_eq(pgt_long("SELECT count(*) FROM budget_grant"), 2);
    /* A day later it is due again. */
    pgt_exec("UPDATE sync_state SET updated_at = now() - interval '25 hours'"
             " WHERE key = 'pruned_at'");
    cr_assert_eq(store_prune(s, &keep, 0, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n.budget_grant, 1);
    expect_left("new", "new,old-running", "new-resolved,old-open", "2");
}

Test(retention, low_retention_zero_keeps_and_one_day_is_the_floor)
{
    struct store_retention keep = {0, 0, 0, 0};
    struct store_pruned n;
    struct ht_err err = HT_ERR_INIT;

    /* 0 keeps every row. */
    cr_assert_eq(store_prune(s, &keep, 1, &n, &err), 0, "%s", err.msg);
    expect_left("new,old", "new,old,old-running", "new-resolved,old-open,old-resolved",
                "2,7");
    /* One second counts as one day: the hour-old rows stay. */
    keep = (struct store_retention){1, 1, 1, 1};
    cr_assert_eq(store_prune(s, &keep, 1, &n, &err), 0, "%s", err.msg);
    expect_left("new", "new,old-running", "new-resolved,old-open", "2");
}

Test(retention, low_retention_db_prune_command)
{
    const char *argv[] = {tu_bin("cli/halaltrack"), "db", "prune", "--sync-run=0", NULL};
    const char *env[] = {pgt_schema_env(), NULL};
    struct tu_result r;

    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.out, "budget_grant 1, sync_run 0, quarantine (resolved) 1,"
                            " self_service_attempt 1"),
              "%s", r.out);
    tu_result_release(&r);
    /* The defaults of [retention] for the others; --sync-run=0 kept every cycle. */
    expect_left("new", "new,old,old-running", "new-resolved,old-open", "2");
    argv[3] = "--sync-run=soon";
    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 2, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "invalid age 'soon'"), "%s", r.err);
    tu_result_release(&r);
}

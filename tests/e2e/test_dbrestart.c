/* End to end: PostgreSQL restarted in the middle of a cycle. The daemon reconnects and
 * resumes; the database ends equal to the truth with nothing lost and nothing twice.
 * Runs on a cluster of its own (pg-restart, tests/CMakeLists.txt): the restart cuts
 * every session on it. */
#include "e2e.h"

TestSuite(dbrestart, .fini = pgt_close, .timeout = 600);

static void pg_restart(void)
{
    const char *state = getenv("HT_PG_STATE");
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "%s restart %s > /dev/null 2>&1", tu_src("scripts/pgctl"),
             state && *state ? state : tu_bin("pg"));
    cr_assert(eq(int, system(cmd), 0), "pgctl restart failed: %s", cmd);
}

Test(dbrestart, restart_mid_cycle_resumes_without_loss_or_duplicates)
{
    struct store *st = pgt_open();
    struct ht_err err = HT_ERR_INIT;
    struct sim sim;
    char *conf, log[128];
    pid_t pid;

    snprintf(log, sizeof(log), "/tmp/ht_e2e_dbrestart_%d.log", (int)getpid());
    unlink(log);
    sim_start(&sim, 300, NULL);
    conf = e2e_conf(&sim, "concurrency = 2", NULL);
    sim_faults(&sim, "{\"slow\":0.5,\"slow_ms\":250,\"seed\":31}");
    pid = daemon_spawn(conf, log);
    for (int i = 0; i < 100 && pgt_long("SELECT count(*) FROM application") == 0; i++)
        e2e_sleep_ms(100);
    e2e_sleep_ms(600);
    cr_assert(pgt_long("SELECT count(*) FROM application WHERE detail_at IS NULL") > 0,
              "the cycle ended before the restart");
    pg_restart();
    cr_assert(eq(int, store_reconnect(st, &err), 0), "%s", err.msg);
    sim_faults(&sim, "{}");
    cr_assert(wait_truth(&sim, st, 120), "the daemon did not recover from the restart");
    sim_advance(&sim, 9);
    cr_assert(wait_truth(&sim, st, 120), "the daemon did not follow after the restart");
    cr_assert(eq(int, kill(pid, 0), 0), "the daemon died with the database");
    kill(pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(pid, 30), 0));
    ASSERT_TRUTH(&sim, st, "after a database restart");
    {
        char *t = tu_read_file(log, NULL);
        cr_assert(t && strstr(t, "database connection re-established"), "log: %s",
                  t ? t : "");
        free(t);
    }
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM (SELECT application_id, status_code, at"
                          " FROM stage_event GROUP BY 1, 2, 3 HAVING count(*) > 1) d"),
                 0));
    unlink(log);
    sim_stop(&sim);
    free(conf);
}

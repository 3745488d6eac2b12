/* The dashboard views of sql/0004_reports.sql on the fixed history, and the per-code
 * table agreeing with lib/stage.c. */
#include "report_fixture.h"
#include "halaltrack/stage.h"

static void setup(void)
{
    pgt_open();
    rf_load_history();
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(report_views, .init = setup, .fini = teardown);

Test(report_views, status_code_def_mirrors_stage_table)
{
    long n = 0;

    for (size_t i = 0; i < stage_code_count(); i++) {
        const struct stage_code *c = stage_code_at(i);
        char sql[512];
        char *got;

        snprintf(sql, sizeof(sql),
                 "SELECT stage || '/' || waits_on || '/' || coalesce(limit_days, 0)"
                 " FROM status_code_def WHERE code = '%s'",
                 c->code);
        got = pgt_str(sql);
        {
            char want[128];
            int lim = c->waits_on == WAITS_MSME ? 0 : c->limit_days;
            snprintf(want, sizeof(want), "%s/%s/%d", stage_name(c->stage),
                     stage_waits_on_name(c->waits_on), lim);
            cr_assert(got, "code %s is missing from status_code_def", c->code);
            cr_assert_str_eq(got, want, "code %s", c->code);
        }
        free(got);
        n++;
    }
    cr_assert_eq(pgt_long("SELECT count(*) FROM status_code_def"), n);
}

Test(report_views, workday_numbering_skips_holidays)
{
    /* 31 Dec 2025 -> 2 Jan 2026: 1 January is a holiday, so one working day. */
    cr_assert_eq(pgt_long("SELECT w2.n - w1.n FROM v_workday w1, v_workday w2"
                          " WHERE w1.day = '2025-12-31' AND w2.day = '2026-01-02'"),
                 1);
    cr_assert_eq(pgt_long("SELECT w2.n - w1.n FROM v_workday w1, v_workday w2"
                          " WHERE w1.day = '2025-12-24' AND w2.day = '2025-12-29'"),
                 1);
}

Test(report_views, sla_breach_and_funnel)
{
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2026-01-07 10:00+07')"),
                 3);
    cr_assert_eq(pgt_long("SELECT days_overdue FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg = 'A2'"),
                 19);
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg = 'A3'"),
                 0, "returned: the clock is paused");
    cr_assert_eq(pgt_long("SELECT applications FROM v_funnel WHERE stage = 'certified'"
                          " AND path = 'self_declare'"),
                 2);
    cr_assert_eq(pgt_long("SELECT sum(applications) FROM v_funnel"), 7);
    cr_assert(pgt_long("SELECT count(*) FROM v_sla_breach") >= 3);
}

Test(report_views, msme_status_goal_progress_freshness)
{
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status"), 6);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status WHERE certified"), 2);
    {
        char *st = pgt_str("SELECT stage FROM v_msme_status WHERE nib = '3575030000006'");
        cr_assert_str_eq(st, "not_applied");
        free(st);
    }
    cr_assert_eq(pgt_long("SELECT done FROM goal_progress_at('2026-01-07 10:00+07')"
                          " WHERE name = 'Kota Pasuruan 2026'"),
                 2);
    cr_assert_eq(pgt_long("SELECT done FROM goal_progress_at('2025-12-28 10:00+07')"
                          " WHERE name = 'Kota Pasuruan 2026'"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_goal_progress"), 3);
    cr_assert_eq(pgt_long("SELECT unmatched_applications FROM v_freshness"), 1);
    cr_assert_eq(pgt_long("SELECT quarantined FROM v_freshness"), 1);
}

Test(report_views, asof_ignores_later_observations)
{
    /* An event inside the week but observed after it does not change the as-of state. */
    pgt_exec(
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF10', 'submitted', '2026-01-02 09:00+07', '2026-01-06 08:00+07'"
        " FROM application WHERE id_reg = 'A3';"
        /* ...and the daemon moves the application row forward with it. */
        "UPDATE application SET status_code = 'OF10', stage = 'submitted',"
        " stage_since = '2026-01-02 09:00+07' WHERE id_reg = 'A3'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM app_state_asof('2026-01-05 00:00+07') s"
                          " JOIN application a ON a.id = s.application_id"
                          " WHERE a.id_reg = 'A3' AND s.status_code = 'OF280'"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM app_state_asof('2026-01-07 00:00+07') s"
                          " JOIN application a ON a.id = s.application_id"
                          " WHERE a.id_reg = 'A3' AND s.status_code = 'OF10'"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM app_state_asof('2026-01-05 00:00+07')"),
                 7);
}

/* The dashboard views of sql/definitions on the fixed history, and the domain tables
 * generated from lib/stage.c and lib/steps.c. */
#include "report_fixture.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"

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

/* db migrate generates the domain tables from the C tables: each row is the C
 * function's answer. */
Test(report_views, domain_tables_are_the_c_tables)
{
    long n = 0;

    for (size_t k = 0; k < steps_channel_key_count(); k++) {
        const char *ch = steps_channel_key_at(k);

        for (size_t i = 0; i < stage_code_count(); i++) {
            const struct stage_code *c = stage_code_at(i);
            struct step_at a = steps_resolve(ch, c->code, c->stage);
            char sql[256], want[128], *got;

            snprintf(sql, sizeof(sql),
                     "SELECT step || '/' || holder FROM step_code"
                     " WHERE channel = '%s' AND code = '%s'",
                     ch, c->code);
            snprintf(want, sizeof(want), "%s/%s", step_name(a.step),
                     stage_waits_on_name(a.holder));
            got = pgt_str(sql);
            cr_assert_str_eq(got, want, "%s %s", ch, c->code);
            free(got);
            n++;
        }
        n += STAGE__COUNT;
    }
    cr_assert_eq(pgt_long("SELECT count(*) FROM step_code"), n);
    cr_assert_eq(pgt_long("SELECT count(*) FROM status_code_def"),
                 (long)stage_code_count());
    cr_assert_eq(pgt_long("SELECT count(*) FROM stage_def"), STAGE__COUNT);
    cr_assert_eq(pgt_long("SELECT count(*) FROM step_def"), STEP__COUNT);
    cr_assert_eq(pgt_long("SELECT count(*) FROM channel_def"), (long)channel_count());
    cr_assert_eq(pgt_long("SELECT limit_days FROM step_limit"
                          " WHERE step = 'inspection' AND rules = 'uu6_2023'"),
                 step_limit(STEP_INSPECTION, PATH_REGULER, SLA_UU6_2023));
    cr_assert_eq(pgt_long("SELECT limit_days FROM step_limit"
                          " WHERE step = 'inspection' AND rules = 'pp42_2024'"),
                 step_limit(STEP_INSPECTION, PATH_REGULER, SLA_PP42_2024));
    {
        char *lab = pgt_str("SELECT label_id FROM status_code_def WHERE code = 'OF10'");
        cr_assert_str_eq(lab, "Pengajuan");
        free(lab);
    }
}

Test(report_views, workday_count_skips_holidays)
{
    /* 31 Dec 2025 -> 2 Jan 2026: 1 January is a holiday, so one working day. */
    cr_assert_eq(pgt_long("SELECT workdays_between('2025-12-31', '2026-01-02')"), 1);
    cr_assert_eq(pgt_long("SELECT workdays_between('2025-12-24', '2025-12-29')"), 1);
    cr_assert_eq(pgt_long("SELECT workdays_between('2025-12-29', '2025-12-24')"), -1);
    /* 26 December 2025 is cuti bersama. */
    cr_assert_eq(pgt_long("SELECT workdays_between('2025-12-24', '2025-12-29', true)"),
                 2);
}

Test(report_views, sla_breach_and_funnel)
{
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2026-01-07 10:00+07')"),
                 2);
    /* A2: the LPH's inspection since 17 Nov, 34 working days against PP 42/2024's 10. */
    cr_assert_eq(
        pgt_long("SELECT days_overdue FROM sla_breach_at('2026-01-07 10:00+07')"
                 " WHERE id_reg = 'A2' AND step = 'inspection' AND waits_on = 'lph'"),
        24);
    /* A4: reguler verification spans OF10 (29 Dec) and OF11: 6 days against 1. */
    cr_assert_eq(pgt_long("SELECT days_overdue FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg = 'A4' AND step = 'verification'"
                          " AND step_since = '2025-12-29 09:00+07'"),
                 5);
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg IN ('A3', 'A6')"),
                 0, "returned, and CH004's payment: the clock is paused");
    /* Under UU 6/2023 the LPH has 15. */
    pgt_exec("UPDATE setting SET value = 'uu6_2023' WHERE key = 'sla_rules'");
    cr_assert_eq(pgt_long("SELECT days_overdue FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg = 'A2'"),
                 19);
    cr_assert_eq(pgt_long("SELECT applications FROM v_funnel WHERE stage = 'certified'"
                          " AND path = 'self_declare'"),
                 2);
    cr_assert_eq(pgt_long("SELECT sum(applications) FROM v_funnel"), 7);
    cr_assert(pgt_long("SELECT count(*) FROM v_sla_breach") >= 2);
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

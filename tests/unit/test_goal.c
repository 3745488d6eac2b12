/* Goal scopes and the progress maths (thresholds documented in docs/reports.md). */
#include <criterion/criterion.h>
#include <string.h>
#include "halaltrack/goal.h"

TestSuite(goal);

Test(goal, scopes_parse)
{
    struct goal_scope s;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(goal_scope_parse("kota", &s, &err) == 0);
    cr_assert_eq(s.kind, GOAL_SCOPE_KOTA);
    cr_assert(goal_scope_parse("kecamatan:35.75.01", &s, &err) == 0);
    cr_assert_eq(s.kind, GOAL_SCOPE_KECAMATAN);
    cr_assert_eq(s.value_is_code, 1);
    cr_assert_str_eq(s.value, "35.75.01");
    cr_assert(goal_scope_parse("kecamatan:Gadingrejo", &s, &err) == 0);
    cr_assert_eq(s.value_is_code, 0);
    cr_assert(goal_scope_parse("kelurahan:35.75.01.1001", &s, &err) == 0);
    cr_assert_eq(s.kind, GOAL_SCOPE_KELURAHAN);
    cr_assert(goal_scope_parse("kbli:10", &s, &err) == 0);
    cr_assert_eq(s.kind, GOAL_SCOPE_KBLI);
    cr_assert(goal_scope_parse("program:sehati2026", &s, &err) == 0);
    cr_assert_str_eq(s.value, "sehati2026");
}

static void bad_scope(const char *in, const char *needle)
{
    struct goal_scope s;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(goal_scope_parse(in, &s, &err) < 0, "'%s' accepted", in);
    cr_assert(strstr(err.msg, needle), "'%s': message '%s' lacks '%s'", in, err.msg,
              needle);
}

Test(goal, bad_scopes_are_clear_errors)
{
    bad_scope("", "empty scope");
    bad_scope("city", "unknown scope 'city'");
    bad_scope("kecamatan:", "no value");
    bad_scope("kecamatan:35.75.01.1001", "not a kecamatan code");
    bad_scope("kelurahan:35.75.01", "not a kelurahan code");
    bad_scope("kbli:10a", "1 to 5 digits");
    bad_scope("kbli:123456", "1 to 5 digits");
    bad_scope("program:a b", "letters, digits");
}

Test(goal, targets)
{
    long t;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(goal_target_parse("250", &t, &err) == 0);
    cr_assert_eq(t, 250);
    cr_assert(goal_target_parse("0", &t, &err) < 0);
    cr_assert(strstr(err.msg, "target '0'"));
    cr_assert(goal_target_parse("-5", &t, NULL) < 0);
    cr_assert(goal_target_parse("12x", &t, NULL) < 0);
    cr_assert(goal_target_parse("", &t, NULL) < 0);
}

static struct goal_calc calc(long target, long done, long done4, const char *today)
{
    struct goal_input in = {target, done, done4, {2026, 1, 1}, {2026, 12, 31}, {0, 0, 0}};
    struct goal_calc c;

    cr_assert(date_parse(today, &in.today, NULL) == 0);
    goal_compute(&in, &c);
    return c;
}

Test(goal, on_track_at_risk_off_track)
{
    /* 1 July: 184 days left = 26.29 weeks; 100 remaining needs 3.80/week. */
    struct goal_calc c = calc(200, 100, 84, "2026-07-01");

    cr_assert_eq(c.remaining, 100);
    cr_assert_eq(c.days_left, 184);
    cr_assert_float_eq(c.rate_needed, 100.0 / (184.0 / 7.0), 1e-9);
    cr_assert_float_eq(c.rate_recent, 4.0, 1e-9);
    cr_assert_eq(c.status, GOAL_ON_TRACK);
    cr_assert_eq(c.has_projection, 1);
    cr_assert_eq(date_to_days(c.projected) - date_to_days((struct ht_date){2026, 7, 1}),
                 175);

    c = calc(200, 100, 88, "2026-07-01"); /* 3/week: 79% of needed */
    cr_assert_eq(c.status, GOAL_AT_RISK);
    c = calc(200, 100, 92, "2026-07-01"); /* 2/week: 53% */
    cr_assert_eq(c.status, GOAL_OFF_TRACK);
    c = calc(200, 100, 100, "2026-07-01"); /* nothing lately: no projection */
    cr_assert_eq(c.status, GOAL_OFF_TRACK);
    cr_assert_eq(c.has_projection, 0);
}

Test(goal, reached_and_missed)
{
    struct goal_calc c = calc(50, 60, 40, "2026-07-01");

    cr_assert_eq(c.remaining, 0);
    cr_assert_eq(c.status, GOAL_ON_TRACK);
    cr_assert_float_eq(c.percent, 120.0, 1e-9);
    c = calc(50, 40, 30, "2027-01-05");
    cr_assert_eq(c.days_left, 0);
    cr_assert_eq(c.status, GOAL_OFF_TRACK);
}

Test(goal, young_goal_uses_time_since_start)
{
    /* Two weeks in, 10 done: 5 per week (not 10 / 4). */
    struct goal_calc c = calc(100, 10, 0, "2026-01-15");

    cr_assert_float_eq(c.rate_recent, 5.0, 1e-9);
    /* Day one: at least one week of span. */
    c = calc(100, 3, 0, "2026-01-01");
    cr_assert_float_eq(c.rate_recent, 3.0, 1e-9);
}

Test(goal, facilitation_code_scope_is_not_the_register_tag)
{
    struct goal_scope s;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(goal_scope_parse("kode_fac:FAC-2026/01", &s, &err) == 0, "%s", err.msg);
    cr_assert_eq(s.kind, GOAL_SCOPE_KODE_FAC);
    cr_assert_str_eq(s.value, "FAC-2026/01");
    cr_assert_str_eq(goal_scope_kind_name(s.kind), "kode_fac");
    cr_assert(goal_scope_parse("program:FAC-2026", &s, &err) == 0);
    cr_assert_eq(s.kind, GOAL_SCOPE_PROGRAM);
    bad_scope("kode_fac:a b", "facilitation code 'a b'");
}

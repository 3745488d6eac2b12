/* Programme quotas: run rate needed, recent rate and outlook (docs/reports.md). */
#include <criterion/criterion.h>
#include <string.h>
#include "halaltrack/programme.h"

TestSuite(programme);

static struct ht_date d(int y, int m, int dd)
{
    return (struct ht_date){y, m, dd};
}

static struct programme_input prog(long kuota, long used, long trailing)
{
    struct programme_input in = {kuota, used, trailing,      d(2026, 11, 1),
                                 1,     1,    d(2026, 1, 1), d(2026, 12, 26)};
    return in;
}

Test(programme, slow_use_is_flagged_weeks_ahead_with_its_arithmetic)
{
    /* 200 places, 120 used, 8 a week lately (32 in four weeks); 56 days to go. */
    struct programme_input in = prog(200, 120, 88);
    struct programme_calc c;
    char line[256];

    programme_compute(&in, &c);
    cr_assert_eq(c.left, 80);
    cr_assert_eq(c.days_left, 56);
    cr_assert_float_eq(c.weeks_left, 8.0, 1e-9);
    cr_assert_float_eq(c.rate_needed, 10.0, 1e-9);
    cr_assert_float_eq(c.rate_recent, 8.0, 1e-9);
    cr_assert_eq(c.projected, 184);
    cr_assert_eq(c.unused, 16);
    cr_assert_eq(c.outlook, PROG_WILL_LEAVE_UNUSED);
    cr_assert(programme_outlook_alert(c.outlook));
    programme_explain(&in, &c, line, sizeof(line));
    cr_assert(strstr(line, "needs 10.0/week, recent 8.0/week -> 184 by the close, 16 "
                           "unused"),
              "%s", line);
    cr_assert_str_eq(programme_outlook_name(c.outlook), "will_leave_unused");
}

Test(programme, a_small_shortfall_is_on_pace)
{
    /* projected 196 of 200: 4 unused is within the 5 % slack */
    struct programme_input in = prog(200, 140, 110);
    struct programme_calc c;

    in.used_trailing = 140 - 28; /* 7 a week: 140 + 56 = 196 */
    programme_compute(&in, &c);
    cr_assert_eq(c.projected, 196);
    cr_assert_eq(c.outlook, PROG_ON_PACE);
    cr_assert_not(programme_outlook_alert(c.outlook));
}

Test(programme, fast_use_will_overcommit_and_says_when_it_is_full)
{
    struct programme_input in = prog(200, 150, 90); /* 15 a week, 50 left */
    struct programme_calc c;
    char line[256];

    programme_compute(&in, &c);
    cr_assert_eq(c.outlook, PROG_WILL_OVERCOMMIT);
    cr_assert_float_eq(c.weeks_to_full, 50.0 / 15.0, 1e-9);
    cr_assert_eq(c.over, 150 + 120 - 200);
    programme_explain(&in, &c, line, sizeof(line));
    cr_assert(strstr(line, "full in 3.3 weeks, 70 over by the close"), "%s", line);
}

Test(programme, overcommitted_full_closed_and_absent_quota)
{
    struct programme_input in = prog(100, 104, 90);
    struct programme_calc c;

    programme_compute(&in, &c);
    cr_assert_eq(c.outlook, PROG_OVERCOMMITTED);
    cr_assert_eq(c.left, -4);
    in = prog(100, 100, 90);
    programme_compute(&in, &c);
    cr_assert_eq(c.outlook, PROG_FULL);
    in = prog(100, 60, 60);
    in.today = d(2027, 1, 2);
    programme_compute(&in, &c);
    cr_assert_eq(c.days_left, 0);
    cr_assert_eq(c.outlook, PROG_CLOSED_UNUSED);
    cr_assert(programme_outlook_alert(c.outlook));
    in = prog(-1, 60, 60);
    programme_compute(&in, &c);
    cr_assert_eq(c.outlook, PROG_NO_QUOTA);
    in = prog(100, 60, 50);
    in.has_end = 0;
    programme_compute(&in, &c);
    cr_assert_eq(c.outlook, PROG_NO_END);
    cr_assert_eq(c.days_left, -1);
}

Test(programme, a_new_programme_is_judged_on_its_own_weeks)
{
    /* opened 14 days ago with 20 applications: 10 a week, not 20 / 4 */
    struct programme_input in = prog(100, 20, 0);
    struct programme_calc c;

    in.start = d(2026, 10, 18);
    programme_compute(&in, &c);
    cr_assert_float_eq(c.rate_recent, 10.0, 1e-9);
    /* opened 3 days ago: at least one week */
    in.start = d(2026, 10, 29);
    programme_compute(&in, &c);
    cr_assert_float_eq(c.rate_recent, 20.0, 1e-9);
}

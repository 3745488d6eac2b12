/* Timeline: working days per step against legal limits, breaches, the paused clock. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/timeline.h"
#include "halaltrack/util.h"

TestSuite(timeline);

static int64_t ts(const char *s)
{
    int64_t t = 0;

    cr_assert(ts_parse(s, &t, NULL) == 0, "bad test timestamp %s", s);
    return t;
}

static struct tl_event ev(const char *code, const char *at)
{
    struct tl_event e;

    memset(&e, 0, sizeof(e));
    snprintf(e.code, sizeof(e.code), "%s", code);
    e.at = ts(at);
    e.observed_at = e.at + 3600;
    return e;
}

static struct calendar *cal_with_new_year(void)
{
    struct calendar *cal = calendar_new();

    cr_assert(cal);
    cr_assert(calendar_add_holiday(cal, (struct ht_date){2025, 12, 25}, "Natal", 0) == 0);
    cr_assert(calendar_add_holiday(cal, (struct ht_date){2025, 12, 26}, "Natal", 1) == 0);
    cr_assert(calendar_add_holiday(cal, (struct ht_date){2026, 1, 1}, "Tahun Baru", 0) ==
              0);
    return cal;
}

Test(timeline, empty_history_is_empty)
{
    struct timeline t;
    struct calendar *cal = calendar_new();

    cr_assert(timeline_build(NULL, 0, cal, ts("2026-01-07T10:00:00+07:00"), &t, NULL) ==
              0);
    cr_assert_eq(t.n, 0);
    timeline_release(&t);
    calendar_free(cal);
}

Test(timeline, holidays_and_weekends_are_not_counted)
{
    /* Verification (OF11, limit 1) entered Tuesday 30 Dec; now Wednesday 7 Jan: working
     * days 31 Dec, 2, 5, 6, 7 Jan = 5 (1 Jan is a holiday, 3-4 Jan a weekend). */
    struct tl_event e[] = {ev("OF10", "2025-12-29T09:00:00+07:00"),
                           ev("OF11", "2025-12-30T09:00:00+07:00")};
    struct calendar *cal = cal_with_new_year();
    struct timeline t;

    cr_assert(timeline_build(e, 2, cal, ts("2026-01-07T10:00:00+07:00"), &t, NULL) == 0);
    cr_assert_eq(t.n, 2);
    cr_assert_eq(t.v[0].days, 1);
    cr_assert_eq(t.v[0].breach, 0);
    cr_assert_eq(t.v[0].current, 0);
    cr_assert_eq(t.v[1].days, 5);
    cr_assert_eq(t.v[1].limit_days, 1);
    cr_assert_eq(t.v[1].breach, 1);
    cr_assert_eq(t.v[1].overdue, 4);
    cr_assert_eq(t.v[1].current, 1);
    cr_assert_eq(t.v[1].waits_on, WAITS_BPJPH);
    cr_assert_eq(t.breaches, 1);
    cr_assert_eq(t.last_observed, e[1].observed_at);
    timeline_release(&t);
    calendar_free(cal);
}

Test(timeline, returned_pauses_the_clock)
{
    /* OF280 held by the MSME for 20 working days: no limit, no breach, counted as paused.
     */
    struct tl_event e[] = {ev("OF10", "2025-12-01T09:00:00+07:00"),
                           ev("OF280", "2025-12-02T09:00:00+07:00"),
                           ev("OF10", "2026-01-05T09:00:00+07:00")};
    struct calendar *cal = cal_with_new_year();
    struct timeline t;

    /* The resubmission has the same code as the first step but is a new step (not
     * adjacent). */
    cr_assert(timeline_build(e, 3, cal, ts("2026-01-05T10:00:00+07:00"), &t, NULL) == 0);
    cr_assert_eq(t.n, 3);
    cr_assert_eq(t.v[1].paused, 1);
    cr_assert_eq(t.v[1].breach, 0);
    cr_assert_eq(t.v[1].limit_days, 0);
    cr_assert_eq(t.v[1].days,
                 21); /* 3 Dec .. 5 Jan minus weekends and 25, 26 Dec, 1 Jan */
    cr_assert_eq(t.paused_days, 21);
    cr_assert_eq(t.v[2].days, 0);
    cr_assert_eq(t.breaches, 0);
    timeline_release(&t);
    calendar_free(cal);
}

Test(timeline, payment_waits_on_the_msme)
{
    struct tl_event e[] = {ev("OF55", "2025-11-06T09:00:00+07:00"),
                           ev("OF56", "2025-11-10T09:00:00+07:00")};
    struct calendar *cal = calendar_new();
    struct timeline t;

    cr_assert(timeline_build(e, 2, cal, ts("2025-12-10T09:00:00+07:00"), &t, NULL) == 0);
    cr_assert_eq(t.v[0].days, 2); /* Friday 7 and Monday 10 Nov */
    cr_assert_eq(t.v[0].breach, 1);
    cr_assert_eq(t.v[1].waits_on, WAITS_MSME);
    cr_assert_eq(t.v[1].paused, 1);
    cr_assert_eq(t.v[1].breach, 0);
    timeline_release(&t);
    calendar_free(cal);
}

Test(timeline, unsorted_and_duplicate_events)
{
    struct tl_event e[] = {ev("OF300", "2025-12-30T10:00:00+07:00"),
                           ev("OF10", "2025-12-01T09:00:00+07:00"),
                           ev("OF10", "2025-12-01T09:00:00+07:00"),
                           ev("OF120", "2025-12-23T10:00:00+07:00")};
    struct calendar *cal = cal_with_new_year();
    struct timeline t;

    cr_assert(timeline_build(e, 4, cal, ts("2026-02-01T10:00:00+07:00"), &t, NULL) == 0);
    cr_assert_eq(t.n, 3);
    cr_assert_str_eq(t.v[0].code, "OF10");
    cr_assert_str_eq(t.v[1].code, "OF120");
    cr_assert_str_eq(t.v[2].code, "OF300");
    /* Issuance took 24 Dec .. 30 Dec minus 25, 26 Dec and the weekend = 3 > limit 1. */
    cr_assert_eq(t.v[1].days, 3);
    cr_assert_eq(t.v[1].breach, 1);
    /* A terminal step does not accumulate days. */
    cr_assert_eq(t.v[2].days, 0);
    cr_assert_eq(t.v[2].stage, STAGE_CERTIFIED);
    timeline_release(&t);
    calendar_free(cal);
}

Test(timeline, unknown_code_is_kept)
{
    struct tl_event e[] = {ev("OF999", "2025-12-01T09:00:00+07:00")};
    struct calendar *cal = calendar_new();
    struct timeline t;

    cr_assert(timeline_build(e, 1, cal, ts("2025-12-05T09:00:00+07:00"), &t, NULL) == 0);
    cr_assert_eq(t.n, 1);
    cr_assert_eq(t.v[0].stage, STAGE_UNKNOWN);
    cr_assert_null(t.v[0].sc);
    cr_assert_eq(t.v[0].breach, 0);
    timeline_release(&t);
    calendar_free(cal);
}

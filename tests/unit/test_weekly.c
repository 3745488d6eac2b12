/* Weekly report model: ISO week periods in Asia/Jakarta, canonical totals and their hash.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/hash.h"
#include "halaltrack/weekly.h"

TestSuite(weekly);

static int64_t ts(const char *s)
{
    int64_t t = 0;

    cr_assert(ts_parse(s, &t, NULL) == 0);
    return t;
}

Test(weekly, default_week_is_the_last_complete_one_across_a_year_boundary)
{
    struct weekly_report r;

    memset(&r, 0, sizeof(r));
    cr_assert(weekly_period(&r, NULL, ts("2026-01-07T10:00:00+07:00"), NULL) == 0);
    cr_assert_str_eq(r.week, "2026-W01");
    cr_assert_str_eq(r.prev_week, "2025-W52");
    cr_assert_eq(r.monday.y, 2025);
    cr_assert_eq(r.monday.m, 12);
    cr_assert_eq(r.monday.d, 29);
    cr_assert_eq(r.sunday.d, 4);
    cr_assert_eq(r.start, ts("2025-12-29T00:00:00+07:00"));
    cr_assert_eq(r.end, ts("2026-01-05T00:00:00+07:00"));
    cr_assert_str_eq(r.trend[WEEKLY_TREND_WEEKS - 1].week, "2026-W01");
    cr_assert_str_eq(r.trend[WEEKLY_TREND_WEEKS - 2].week, "2025-W52");
    cr_assert_str_eq(r.trend[0].week, "2025-W42");
    weekly_release(&r);
}

Test(weekly, jakarta_midnight_decides_the_week)
{
    struct weekly_report r;

    /* Monday 00:30 WIB is still Sunday 17:30 UTC: the week just ended is complete. */
    memset(&r, 0, sizeof(r));
    cr_assert(weekly_period(&r, NULL, ts("2026-01-05T00:30:00+07:00"), NULL) == 0);
    cr_assert_str_eq(r.week, "2026-W01");
    weekly_release(&r);
    memset(&r, 0, sizeof(r));
    cr_assert(weekly_period(&r, NULL, ts("2026-01-04T23:30:00+07:00"), NULL) == 0);
    cr_assert_str_eq(r.week, "2025-W52");
    weekly_release(&r);
}

Test(weekly, explicit_and_bad_weeks)
{
    struct weekly_report r;
    struct ht_err err = HT_ERR_INIT;

    memset(&r, 0, sizeof(r));
    cr_assert(weekly_period(&r, "2025-W52", ts("2026-01-07T10:00:00+07:00"), &err) == 0);
    cr_assert_eq(r.monday.d, 22);
    weekly_release(&r);
    memset(&r, 0, sizeof(r));
    cr_assert(weekly_period(&r, "2026-W02", ts("2026-01-07T10:00:00+07:00"), &err) < 0);
    cr_assert(strstr(err.msg, "not complete"), "%s", err.msg);
    ht_err_clear(&err);
    cr_assert(weekly_period(&r, "2026-W99", ts("2026-01-07T10:00:00+07:00"), &err) < 0);
    cr_assert(err.msg[0]);
    weekly_release(&r);
}

Test(weekly, totals_are_canonical_and_hashed)
{
    struct weekly_report a, b;
    char want[65];

    memset(&a, 0, sizeof(a));
    cr_assert(weekly_period(&a, NULL, ts("2026-01-07T10:00:00+07:00"), NULL) == 0);
    a.certified_week = 3;
    a.certified_total = 40;
    a.moves[MOVE_RETURNED] = 2;
    a.stuck_by[WAITS_LPH] = 4;
    a.stuck_total = 4;
    cr_assert(weekly_finish(&a, NULL) == 0);
    cr_assert(strstr(a.totals_json, "\"week\":\"2026-W01\",\"certified_week\":3,"));
    cr_assert(strstr(a.totals_json, "\"returned\":2"));
    cr_assert(strstr(a.totals_json, "\"lph\":4"));
    cr_assert_eq(hash_sha256_hex(a.totals_json, strlen(a.totals_json), want), 0);
    cr_assert_str_eq(a.hash, want);

    memcpy(&b, &a, sizeof(b));
    b.totals_json = NULL;
    cr_assert(weekly_finish(&b, NULL) == 0);
    cr_assert_str_eq(a.hash, b.hash);
    b.certified_week = 4;
    cr_assert(weekly_finish(&b, NULL) == 0);
    cr_assert_str_neq(a.hash, b.hash);
    free(b.totals_json);
    weekly_release(&a);
}

Test(weekly, change_text)
{
    char out[16];

    weekly_change(6, 4, out);
    cr_assert_str_eq(out, "+50%");
    weekly_change(2, 4, out);
    cr_assert_str_eq(out, "-50%");
    weekly_change(3, 0, out);
    cr_assert_str_eq(out, "new");
    weekly_change(0, 0, out);
    cr_assert_str_eq(out, "0%");
}

/* A week is closed (stored once) an hour after its end, not before. */
Test(weekly, closed_an_hour_after_the_end)
{
    struct weekly_report r;
    struct ht_err err = HT_ERR_INIT;

    memset(&r, 0, sizeof(r));
    cr_assert_eq(weekly_period(&r, "2026-W01", ts("2026-01-05T00:30:00+07:00"), &err), 0,
                 "%s", err.msg);
    cr_assert_eq(weekly_closed(&r, ts("2026-01-05T00:30:00+07:00")), 0);
    cr_assert_eq(weekly_closed(&r, ts("2026-01-05T00:59:59+07:00")), 0);
    cr_assert_eq(weekly_closed(&r, ts("2026-01-05T01:00:00+07:00")), 1);
    weekly_release(&r);
}

/* --recompute names the canonical totals that differ, in their order. */
Test(weekly, totals_diff_names_the_keys_that_differ)
{
    const char *a =
        "{\"week\":\"2026-W01\",\"trend\":[1,2],\"funnel\":{\"a\":[1,2]},"
        "\"goals\":[[1,2,3,4]],\"quality\":{\"quarantined\":0,\"unmatched\":1}}";
    const char *b = "{\"week\":\"2026-W01\",\"trend\":[1,3],\"funnel\":{\"a\":[1,2]},"
                    "\"goals\":[],\"quality\":{\"quarantined\":0,\"unmatched\":1}}";
    char out[64];

    cr_assert_eq(weekly_totals_diff(a, a, out, sizeof(out)), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(weekly_totals_diff(a, b, out, sizeof(out)), 2);
    cr_assert_str_eq(out, "trend, goals");
    /* A small buffer keeps whole names only. */
    cr_assert_eq(weekly_totals_diff(a, b, out, 8), 2);
    cr_assert_str_eq(out, "trend");
}

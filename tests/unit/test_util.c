/* Unit tests for the checked parsers, civil dates, timestamps (UTC and WIB), UTF-8
 * validation and the small string helpers. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/util.h"

TestSuite(util);

/* "YYYY-MM-DD" of d in a rotating static buffer, for readable date assertions. */
static char *ymd(struct ht_date d)
{
    static char out[4][11];
    static int slot;

    slot = (slot + 1) % 4;
    date_format(d, out[slot]);
    return out[slot];
}

static void expect_int_error(const char *s, long min, long max, const char *want)
{
    long v = 777;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, parse_int(s, min, max, &v, &e), -1), "'%s' accepted",
              s ? s : "(null)");
    cr_assert(eq(long, v, 777), "out written on failure for '%s'", s ? s : "(null)");
    cr_assert(eq(str, e.msg, (char *)want));
}

Test(util, parse_int_accepts_whole_numbers_in_range)
{
    long v;

    cr_assert(eq(int, parse_int("0", 0, 10, &v, NULL), 0));
    cr_assert(eq(long, v, 0));
    cr_assert(eq(int, parse_int("10", 0, 10, &v, NULL), 0));
    cr_assert(eq(long, v, 10));
    cr_assert(eq(int, parse_int("-5", -10, 10, &v, NULL), 0));
    cr_assert(eq(long, v, -5));
    cr_assert(eq(int, parse_int("+7", 0, 10, &v, NULL), 0));
    cr_assert(eq(long, v, 7));
    cr_assert(eq(int, parse_int("007", 0, 10, &v, NULL), 0));
    cr_assert(eq(long, v, 7));
}

Test(util, parse_int_rejects_out_of_range)
{
    expect_int_error("11", 0, 10, "'11' is out of range [0, 10]");
    expect_int_error("-1", 0, 10, "'-1' is out of range [0, 10]");
    expect_int_error("0", 1, 100, "'0' is out of range [1, 100]");
}

Test(util, parse_int_rejects_garbage)
{
    expect_int_error("", 0, 10, "empty number");
    expect_int_error(NULL, 0, 10, "empty number");
    expect_int_error("abc", 0, 10, "'abc' is not a number");
    expect_int_error("12a", 0, 100, "'12a' is not a number");
    expect_int_error(" 12", 0, 100, "' 12' is not a number");
    expect_int_error("12 ", 0, 100, "'12 ' is not a number");
    expect_int_error("1.5", 0, 100, "'1.5' is not a number");
    expect_int_error("0x10", 0, 100, "'0x10' is not a number");
    expect_int_error("-", 0, 100, "'-' is not a number");
}

Test(util, parse_int_rejects_overflow)
{
    expect_int_error("99999999999999999999", LONG_MIN, LONG_MAX,
                     "'99999999999999999999' is out of range [-9223372036854775808, "
                     "9223372036854775807]");
    expect_int_error("-99999999999999999999", LONG_MIN, LONG_MAX,
                     "'-99999999999999999999' is out of range [-9223372036854775808, "
                     "9223372036854775807]");
}

Test(util, parse_i64_limits)
{
    int64_t v;

    cr_assert(
        eq(int, parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v, NULL), 0));
    cr_assert(eq(i64, v, INT64_MAX));
    cr_assert(
        eq(int, parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, NULL), 0));
    cr_assert(eq(i64, v, INT64_MIN));
    cr_assert(
        eq(int, parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v, NULL), -1));
}

Test(util, parse_double)
{
    double v;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, parse_double("0.25", 0, 1, &v, NULL), 0));
    cr_assert(eq(dbl, v, 0.25));
    cr_assert(eq(int, parse_double("1e-3", 0, 1, &v, NULL), 0));
    cr_assert(eq(dbl, v, 0.001));
    cr_assert(eq(int, parse_double("1.5", 0, 1, &v, &e), -1));
    cr_assert(eq(str, e.msg, "'1.5' is out of range [0, 1]"));
    ht_err_clear(&e);
    cr_assert(eq(int, parse_double("nan", 0, 1, &v, &e), -1));
    cr_assert(eq(str, e.msg, "'nan' is not a number"));
    cr_assert(eq(int, parse_double("", 0, 1, &v, NULL), -1));
    cr_assert(eq(int, parse_double(" 1", 0, 1, &v, NULL), -1));
    cr_assert(eq(int, parse_double("0.5x", 0, 1, &v, NULL), -1));
    cr_assert(eq(int, parse_double("1e999", 0, 1e300, &v, NULL), -1));
}

Test(util, parse_bool)
{
    static const char *const yes[] = {"1", "yes", "YES", "true", "True", "on"};
    static const char *const no[] = {"0", "no", "No", "false", "FALSE", "off"};
    int v;
    struct ht_err e = HT_ERR_INIT;

    for (size_t i = 0; i < 6; i++) {
        v = -1;
        cr_assert(eq(int, parse_bool(yes[i], &v, NULL), 0));
        cr_assert(eq(int, v, 1), "%s", yes[i]);
        v = -1;
        cr_assert(eq(int, parse_bool(no[i], &v, NULL), 0));
        cr_assert(eq(int, v, 0), "%s", no[i]);
    }
    cr_assert(eq(int, parse_bool("ya", &v, &e), -1));
    cr_assert(eq(str, e.msg, "'ya' is not a boolean (yes/no)"));
    cr_assert(eq(int, parse_bool(NULL, &v, NULL), -1));
    cr_assert(eq(int, parse_bool("", &v, NULL), -1));
}

Test(util, date_parse_valid)
{
    struct ht_date d;

    cr_assert(eq(int, date_parse("2026-03-17", &d, NULL), 0));
    cr_assert(eq(str, ymd(d), "2026-03-17"));
    cr_assert(eq(int, date_parse("2024-02-29", &d, NULL), 0)); /* leap year */
    cr_assert(eq(int, date_parse("2000-02-29", &d, NULL), 0)); /* divisible by 400 */
    cr_assert(eq(int, date_parse("2026-12-31", &d, NULL), 0));
}

Test(util, date_parse_invalid_days)
{
    static const char *const bad_days[] = {"2026-02-29", "1900-02-29", "2100-02-29",
                                           "2026-04-31", "2026-06-31", "2026-09-31",
                                           "2026-11-31", "2026-01-32", "2026-13-01",
                                           "2026-00-10", "2026-01-00", "0000-01-01"};
    for (size_t i = 0; i < HT_ARRAY_LEN(bad_days); i++) {
        struct ht_date d;
        struct ht_err e = HT_ERR_INIT;
        char want[64];

        cr_assert(eq(int, date_parse(bad_days[i], &d, &e), -1), "%s", bad_days[i]);
        snprintf(want, sizeof(want), "'%s' is not a day of the calendar", bad_days[i]);
        cr_assert(eq(str, e.msg, want));
    }
}

Test(util, date_parse_bad_shape)
{
    static const char *const bad[] = {"",           "2026-3-17",   "2026/03/17",
                                      "17-03-2026", "2026-03-17 ", "2026-03-17T00",
                                      "20260317",   "2026-03-1x"};
    for (size_t i = 0; i < HT_ARRAY_LEN(bad); i++) {
        struct ht_date d;
        struct ht_err e = HT_ERR_INIT;
        char want[64];

        cr_assert(eq(int, date_parse(bad[i], &d, &e), -1), "%s", bad[i]);
        snprintf(want, sizeof(want), "'%s' is not a date (YYYY-MM-DD)", bad[i]);
        cr_assert(eq(str, e.msg, want));
    }
    cr_assert(eq(int, date_parse(NULL, &(struct ht_date){0}, NULL), -1));
}

Test(util, date_format)
{
    char out[11];

    date_format((struct ht_date){2026, 3, 7}, out);
    cr_assert(eq(str, out, "2026-03-07"));
    date_format((struct ht_date){987, 1, 1}, out);
    cr_assert(eq(str, out, "0987-01-01"));
}

/* ISO weekday 1 (Monday) .. 7 (Sunday) from the day count: 1970-01-01 was a Thursday. */
static int weekday(struct ht_date d)
{
    int64_t x = date_to_days(d);

    return (int)(((x % 7) + 7 + 3) % 7) + 1;
}

Test(util, days_round_trip_and_weekday)
{
    struct ht_date prev = date_from_days(-700000 - 1);
    int wd_prev = weekday(prev);

    cr_assert(eq(i64, date_to_days((struct ht_date){1970, 1, 1}), 0));
    cr_assert(eq(i64, date_to_days((struct ht_date){2000, 3, 1}), 11017));
    cr_assert(eq(i64, date_to_days((struct ht_date){1969, 12, 31}), -1));
    /* From 0053 to 4160: every day converts back, dates are consecutive and valid, and
     * the weekday advances by one. */
    for (int64_t x = -700000; x <= 800000; x++) {
        struct ht_date d = date_from_days(x);
        int wd = weekday(d);

        cr_assert(date_valid(d.y, d.m, d.d));
        cr_assert(eq(i64, date_to_days(d), x));
        cr_assert(eq(int, wd, wd_prev % 7 + 1));
        if (d.d == 1)
            cr_assert(d.m == prev.m % 12 + 1);
        else
            cr_assert(d.m == prev.m && d.d == prev.d + 1);
        prev = d;
        wd_prev = wd;
    }
}

Test(util, weekday_known_dates)
{
    cr_assert(eq(int, weekday((struct ht_date){1970, 1, 1}), 4));   /* Thursday */
    cr_assert(eq(int, weekday((struct ht_date){2026, 1, 1}), 4));   /* Thursday */
    cr_assert(eq(int, weekday((struct ht_date){2026, 3, 17}), 2));  /* Tuesday */
    cr_assert(eq(int, weekday((struct ht_date){2026, 3, 22}), 7));  /* Sunday */
    cr_assert(eq(int, weekday((struct ht_date){2024, 12, 30}), 1)); /* Monday */
    cr_assert(eq(int, weekday((struct ht_date){1969, 12, 31}), 3)); /* Wednesday */
}

static int64_t ts_ok(const char *s)
{
    int64_t t = 0;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, ts_parse(s, &t, &e), 0), "'%s': %s", s, e.msg);
    return t;
}

Test(util, ts_parse_zones)
{
    /* 2026-05-02T02:10:11Z = 1777687811 */
    const int64_t t = 1777687811;

    cr_assert(eq(i64, ts_ok("2026-05-02T02:10:11Z"), t));
    cr_assert(eq(i64, ts_ok("2026-05-02T02:10:11z"), t));
    cr_assert(eq(i64, ts_ok("2026-05-02T09:10:11+07:00"), t));
    cr_assert(eq(i64, ts_ok("2026-05-02T09:10:11+0700"), t));
    cr_assert(eq(i64, ts_ok("2026-05-01T23:10:11-03:00"), t));
    cr_assert(eq(i64, ts_ok("2026-05-02T02:10:11+00:00"), t));
    /* No zone: Asia/Jakarta, the upstream's local time. */
    cr_assert(eq(i64, ts_ok("2026-05-02T09:10:11"), t));
    cr_assert(eq(i64, ts_ok("2026-05-02 09:10:11"), t));
    /* Minutes only; a date alone is midnight WIB. */
    cr_assert(eq(i64, ts_ok("2026-05-02T09:10"), t - 11));
    cr_assert(eq(i64, ts_ok("2026-05-02"), t - 9 * 3600 - 10 * 60 - 11));
    cr_assert(eq(i64, ts_ok("2026-05-02Z"), t - 2 * 3600 - 10 * 60 - 11));
}

Test(util, ts_parse_fractions_are_dropped)
{
    cr_assert(eq(i64, ts_ok("2026-05-02T02:10:11.999Z"), 1777687811));
    cr_assert(eq(i64, ts_ok("2026-05-02T02:10:11.123456789+00:00"), 1777687811));
    cr_assert(eq(i64, ts_ok("2026-05-02T09:10:11.5"), 1777687811));
}

Test(util, ts_parse_before_epoch)
{
    cr_assert(eq(i64, ts_ok("1969-12-31T23:59:59Z"), -1));
    cr_assert(eq(i64, ts_ok("1970-01-01T07:00:00"), 0));
}

Test(util, ts_parse_garbage)
{
    static const char *const bad[] = {
        "2026-05-02T9:10:11Z",
        "2026-05-02T24:00:00Z",
        "2026-05-02T23:60:00Z",
        "2026-05-02T23:59:61Z",
        "2026-05-02T10:00:00.Z",
        "2026-05-02T10:00:00+7",
        "2026-05-02T10:00:00+15:00",
        "2026-05-02T10:00:00+07:60",
        "2026-05-02T10:00:00ZZ",
        "2026-05-02X10:00",
        "2026-05-02T10",
        "2026-05-02T",
        "2026-05-02T10:00:00 WIB",
        "2026-05-02T10:00:00+07:00 ",
    };
    for (size_t i = 0; i < HT_ARRAY_LEN(bad); i++) {
        int64_t t;
        struct ht_err e = HT_ERR_INIT;
        char want[96];

        cr_assert(eq(int, ts_parse(bad[i], &t, &e), -1), "'%s' accepted", bad[i]);
        cr_assert(eq(int, e.code, HT_EPARSE));
        snprintf(want, sizeof(want), "'%s' is not a timestamp (ISO 8601)", bad[i]);
        cr_assert(eq(str, e.msg, want));
    }
}

Test(util, ts_parse_bad_dates)
{
    int64_t t;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, ts_parse("2026-02-29T10:00:00Z", &t, &e), -1));
    cr_assert(eq(str, e.msg, "'2026-02-29T10:00:00Z' is not a day of the calendar"));
    ht_err_clear(&e);
    cr_assert(eq(int, ts_parse("yesterday", &t, &e), -1));
    cr_assert(eq(str, e.msg, "'yesterday' is not a timestamp"));
    cr_assert(eq(int, ts_parse("", &t, NULL), -1));
    cr_assert(eq(int, ts_parse(NULL, &t, NULL), -1));
}

Test(util, ts_format)
{
    char out[21];

    ts_format_utc(0, out);
    cr_assert(eq(str, out, "1970-01-01T00:00:00Z"));
    ts_format_utc(1777687811, out);
    cr_assert(eq(str, out, "2026-05-02T02:10:11Z"));
    ts_format_utc(-1, out);
    cr_assert(eq(str, out, "1969-12-31T23:59:59Z"));
    ts_format_wib(0, out);
    cr_assert(eq(str, out, "1970-01-01 07:00 WIB"));
    ts_format_wib(1777687811, out);
    cr_assert(eq(str, out, "2026-05-02 09:10 WIB"));
    /* 17:30Z is already the next day in Jakarta. */
    ts_format_wib(ts_ok("2026-12-31T17:30:00Z"), out);
    cr_assert(eq(str, out, "2027-01-01 00:30 WIB"));
}

Test(util, ts_format_parse_round_trip)
{
    for (int64_t t = -86400 * 400; t < 86400LL * 365 * 60; t += 86400 * 7 + 3601) {
        char out[21];

        ts_format_utc(t, out);
        cr_assert(eq(i64, ts_ok(out), t), "%s", out);
    }
}

Test(util, wib_dates)
{
    struct ht_date d;

    d = ts_to_wib_date(ts_ok("2026-05-08T16:59:59Z"));
    cr_assert(eq(str, ymd(d), "2026-05-08"));
    d = ts_to_wib_date(ts_ok("2026-05-08T17:00:00Z"));
    cr_assert(eq(str, ymd(d), "2026-05-09"));
    d = ts_to_wib_date(-HT_WIB_OFFSET - 1);
    cr_assert(eq(str, ymd(d), "1969-12-31"));
    cr_assert(eq(i64, wib_date_to_ts((struct ht_date){2026, 5, 9}),
                 ts_ok("2026-05-08T17:00:00Z")));
    cr_assert(eq(i64, wib_date_to_ts((struct ht_date){1970, 1, 1}), -HT_WIB_OFFSET));
}

Test(util, utf8_valid_accepts)
{
    static const char *const good[] = {
        "",
        "plain ASCII",
        "Kota Pasuruan \xE2\x80\x94 Jawa Timur", /* em dash */
        "caf\xC3\xA9",                           /* é */
        "\xC2\x80",                              /* U+0080, smallest 2-byte */
        "\xE0\xA0\x80",                          /* U+0800, smallest 3-byte */
        "\xEF\xBF\xBF",                          /* U+FFFF */
        "\xED\x9F\xBF",                          /* U+D7FF, just below surrogates */
        "\xEE\x80\x80",                          /* U+E000, just above */
        "\xF0\x90\x80\x80",                      /* U+10000 */
        "\xF0\x9F\x98\x80",                      /* emoji */
        "\xF4\x8F\xBF\xBF",                      /* U+10FFFF, the largest */
    };
    for (size_t i = 0; i < HT_ARRAY_LEN(good); i++)
        cr_assert(utf8_valid(good[i], strlen(good[i])), "case %zu", i);
    cr_assert(utf8_valid("a\0b", 3)); /* NUL is a valid code point */
}

Test(util, utf8_valid_rejects)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation byte */
        "\xBF",             /* lone continuation byte */
        "\xC0\xAF",         /* overlong '/' */
        "\xC1\xBF",         /* overlong */
        "\xE0\x80\xAF",     /* overlong '/' in 3 bytes */
        "\xE0\x9F\xBF",     /* overlong U+07FF */
        "\xF0\x80\x80\xAF", /* overlong '/' in 4 bytes */
        "\xF0\x8F\xBF\xBF", /* overlong U+FFFF */
        "\xED\xA0\x80",     /* U+D800, a surrogate */
        "\xED\xBF\xBF",     /* U+DFFF, a surrogate */
        "\xF4\x90\x80\x80", /* U+110000, beyond Unicode */
        "\xF5\x80\x80\x80", /* lead byte never valid */
        "\xFE",             /* never valid */
        "\xFF",             /* never valid */
        "\xC3",             /* truncated */
        "\xE2\x82",         /* truncated */
        "\xF0\x9F\x98",     /* truncated */
        "\xC3\x28",         /* bad continuation */
        "ok \xE2\x28\xA1",  /* bad continuation after valid text */
    };
    for (size_t i = 0; i < HT_ARRAY_LEN(bad); i++)
        cr_assert_not(utf8_valid(bad[i], strlen(bad[i])), "case %zu", i);
    /* n bounds the check: a sequence cut by n is invalid even if the bytes go on. */
    cr_assert_not(utf8_valid("caf\xC3\xA9", 4));
    cr_assert(utf8_valid("caf\xC3\xA9", 3));
}

Test(util, str_trim)
{
    char a[] = "  hello world \t\r\n";
    char b[] = "   ";
    char c[] = "";
    char d[] = "x";
    char e[] = "\tx y\t";

    cr_assert(eq(str, str_trim(a), "hello world"));
    cr_assert(eq(str, str_trim(b), ""));
    cr_assert(eq(str, str_trim(c), ""));
    cr_assert(eq(str, str_trim(d), "x"));
    cr_assert(eq(ptr, str_trim(e), e)); /* in place */
    cr_assert(eq(str, e, "x y"));
}

Test(util, str_ieq)
{
    cr_assert(str_ieq("Mikro", "MIKRO"));
    cr_assert(str_ieq("", ""));
    cr_assert_not(str_ieq("mikro", "mikr"));
    cr_assert_not(str_ieq("mikr", "mikro"));
    cr_assert_not(str_ieq(NULL, "a"));
    cr_assert_not(str_ieq("a", NULL));
}

Test(util, string_duplicates)
{
    char *s = xstrndup("abcdef", 3);

    cr_assert(eq(str, s, "abc"));
    free(s);
    s = xstrndup("a\0bc", 4); /* copies n bytes, even past a NUL */
    cr_assert(eq(int, memcmp(s, "a\0bc", 5), 0));
    free(s);
    cr_assert_null(xstrdup_or_null(NULL));
    s = xstrdup_or_null("x");
    cr_assert(eq(str, s, "x"));
    free(s);
}

Test(util, clocks)
{
    int64_t a = ht_mono_ms(), b = ht_mono_ms();

    cr_assert(ge(i64, b, a));
    /* The wall clock is past 2020 (a sanity check of the unit, seconds). */
    cr_assert(gt(i64, ht_now(), ts_ok("2020-01-01T00:00:00Z")));
}

Test(util, utf8_len_counts_code_points)
{
    cr_assert_eq(utf8_len("abc"), 3);
    cr_assert_eq(utf8_len("é€"), 2);
    cr_assert_eq(utf8_len(NULL), 0);
}

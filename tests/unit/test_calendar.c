/* Unit tests for the working-day calendar (shipped holiday CSV, WIB dates, counting and
 * adding working days) and ISO week helpers. Expected figures were counted by hand from
 * etc/reference/libur_nasional.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/calendar.h"
#include "test_util.h"

TestSuite(calendar);

/* "YYYY-MM-DD" of d in a rotating static buffer, for readable date assertions. */
static char *ymd(struct ht_date d)
{
    static char out[4][11];
    static int slot;

    slot = (slot + 1) % 4;
    date_format(d, out[slot]);
    return out[slot];
}

static struct ht_date D(int y, int m, int d) {
    return (struct ht_date){y, m, d};
}

static struct calendar *
load_default(void)
{
    struct ht_err e = HT_ERR_INIT;
    struct calendar *cal = calendar_load_default(&e);

    cr_assert(cal != NULL, "calendar_load_default: %s", e.msg);
    return cal;
}

static int64_t wd(const struct calendar *cal, struct ht_date a, struct ht_date b)
{
    return calendar_working_days_between_dates(cal, a, b);
}

static int64_t ts(const char *s)
{
    int64_t t;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, ts_parse(s, &t, &e), 0), "%s", e.msg);
    return t;
}

/* Loads a calendar from CSV text; on failure returns NULL and the message in e. */
static struct calendar *load_text(const char *text, struct ht_err *e, char **path_out)
{
    char *path = tu_write_temp(".csv", text, strlen(text));
    struct calendar *cal = calendar_load(path, e);

    if (path_out)
        *path_out = path;
    else {
        unlink(path);
        free(path);
    }
    return cal;
}

Test(calendar, default_covers_2024_to_2026)
{
    struct calendar *cal = load_default();

    cr_assert(calendar_covers_year(cal, 2024));
    cr_assert(calendar_covers_year(cal, 2025));
    cr_assert(calendar_covers_year(cal, 2026));
    cr_assert_not(calendar_covers_year(cal, 2023));
    cr_assert_not(calendar_covers_year(cal, 2027));
    cr_assert_not(calendar_covers_year(cal, 0));
    cr_assert_not(calendar_covers_year(cal, 10000));
    calendar_free(cal);
}

/* 2024 (SKB 855/2023, Keppres 7, 10 and 33/2024): Idulfitri 1445 H with its cuti
 * bersama, and the two election days. */
Test(calendar, year_2024_idulfitri_and_election_days)
{
    struct calendar *cal = load_default();
    int cuti = -1;

    /* 8, 9 (cuti), 10, 11 (libur), 12, 15 (cuti) April: only the 16th counts. */
    cr_assert(eq(i64, wd(cal, D(2024, 4, 5), D(2024, 4, 16)), 1));
    cr_assert(calendar_is_holiday(cal, D(2024, 2, 14)));
    cr_assert(calendar_is_holiday(cal, D(2024, 11, 27)));
    cr_assert(eq(str, (char *)calendar_holiday_name(cal, D(2024, 11, 27), &cuti),
                 "Hari Pemungutan Suara Pemilihan Kepala Daerah Serentak 2024"));
    cr_assert(eq(int, cuti, 0));
    calendar_free(cal);
}

/* Whether cuti bersama is a working day is a setting; national holidays never are. */
Test(calendar, cuti_bersama_working_or_not)
{
    struct calendar *cal = load_default();

    cr_assert_not(calendar_cuti_working(cal));
    cr_assert_not(calendar_is_working_day(cal, D(2024, 4, 8)));
    calendar_set_cuti_working(cal, 1);
    cr_assert(calendar_cuti_working(cal));
    cr_assert(calendar_is_working_day(cal, D(2024, 4, 8)));
    cr_assert_not(calendar_is_working_day(cal, D(2024, 4, 10)));
    /* 8, 9, 12, 15 (cuti) and 16 April. */
    cr_assert(eq(i64, wd(cal, D(2024, 4, 5), D(2024, 4, 16)), 5));
    /* A cuti bersama that is also a national holiday is a holiday: national wins. */
    cr_assert(calendar_add_holiday(cal, D(2024, 4, 8), "Libur tambahan", 0) == 0);
    cr_assert_not(calendar_is_working_day(cal, D(2024, 4, 8)));
    cr_assert(eq(i64, wd(cal, D(2024, 4, 5), D(2024, 4, 16)), 4));
    calendar_set_cuti_working(cal, 0);
    cr_assert(eq(i64, wd(cal, D(2024, 4, 5), D(2024, 4, 16)), 1));
    calendar_free(cal);
}

Test(calendar, holidays_in_date_order)
{
    struct calendar *cal = load_default();
    struct ht_date prev = {1, 1, 1}, d;
    size_t n = calendar_holiday_count(cal), cuti = 0;
    int c;

    cr_assert(eq(sz, n, 82));
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(calendar_holiday_at(cal, i, &d, &c));
        cr_assert(date_to_days(d) > date_to_days(prev));
        prev = d;
        cuti += c;
    }
    cr_assert(eq(sz, cuti, 29));
    cr_assert_null(calendar_holiday_at(cal, n, &d, &c));
    calendar_free(cal);
}

/* The years counted without holiday data: those of the days in (from, to]. */
Test(calendar, gaps_name_the_uncovered_years)
{
    struct calendar *cal = load_default();
    struct cal_gaps g = {{0}, 0, 0}, h = {{0}, 0, 0};
    char text[64];

    calendar_gaps_add(cal, D(2026, 12, 28), D(2027, 1, 6), &g);
    cr_assert(eq(sz, g.n, 1));
    cr_assert(eq(int, g.year[0], 2027));
    /* Ending on 31 December counts no day of the next year; the start day is not
     * counted either. */
    calendar_gaps_add(cal, D(2023, 12, 31), D(2024, 2, 1), &h);
    calendar_gaps_add(cal, D(2026, 1, 2), D(2026, 12, 31), &h);
    cr_assert(eq(sz, h.n, 0));
    calendar_gaps_add(cal, D(2022, 6, 1), D(2023, 12, 31), &h);
    calendar_gaps_add(cal, D(2029, 1, 1), D(2028, 1, 1), &h); /* reversed: nothing */
    cr_assert(eq(sz, h.n, 2));
    calendar_gaps_merge(&g, &h);
    cr_assert(eq(sz, g.n, 3));
    cr_assert(eq(int, g.year[0], 2022));
    cr_assert(eq(int, g.year[2], 2027));
    cr_assert(eq(int, calendar_gaps_format(&g, text, sizeof(text)), 0));
    cr_assert(eq(str, text, "2022, 2023, 2027"));
    /* At most CAL_GAPS_MAX years, then "...". */
    calendar_gaps_add(NULL, D(2030, 1, 1), D(2050, 1, 1), &g);
    cr_assert(eq(sz, g.n, CAL_GAPS_MAX));
    cr_assert(g.more);
    cr_assert(eq(int, calendar_gaps_format(&g, text, sizeof(text)), 0));
    cr_assert(strstr(text, ", ...") != NULL, "%s", text);
    calendar_free(cal);
}

Test(calendar, holidays_and_weekends)
{
    struct calendar *cal = load_default();
    int cuti = -1;

    cr_assert(calendar_is_holiday(cal, D(2026, 3, 19)));
    cr_assert_not(calendar_is_working_day(cal, D(2026, 3, 19)));
    cr_assert(eq(str, (char *)calendar_holiday_name(cal, D(2026, 3, 19), &cuti),
                 "Hari Suci Nyepi (Tahun Baru Saka 1948)"));
    cr_assert(eq(int, cuti, 0));
    cr_assert(eq(str, (char *)calendar_holiday_name(cal, D(2026, 3, 23), &cuti),
                 "Idulfitri 1447 Hijriah"));
    cr_assert(eq(int, cuti, 1));
    cr_assert_null(calendar_holiday_name(cal, D(2026, 3, 25), NULL));
    /* A holiday on a Saturday is a holiday, and not a working day either way. */
    cr_assert(calendar_is_holiday(cal, D(2026, 3, 21)));
    cr_assert_not(calendar_is_working_day(cal, D(2026, 3, 21)));
    /* Plain weekend and plain weekday. */
    cr_assert_not(calendar_is_holiday(cal, D(2026, 3, 28)));
    cr_assert_not(calendar_is_working_day(cal, D(2026, 3, 28)));
    cr_assert_not(calendar_is_working_day(cal, D(2026, 3, 29)));
    cr_assert(calendar_is_working_day(cal, D(2026, 3, 25)));
    calendar_free(cal);
}

Test(calendar, idul_fitri_2026_cuti_bersama)
{
    struct calendar *cal = load_default();

    /* (Tue 17 Mar, Wed 25 Mar]: 18 cuti, 19 Nyepi, 20 cuti, 21-22 weekend/holiday,
     * 23 and 24 cuti: only Wed 25 Mar is a working day. */
    cr_assert(eq(i64, wd(cal, D(2026, 3, 17), D(2026, 3, 25)), 1));
    /* (Fri 13 Mar, Tue 31 Mar]: 16, 17, 25, 26, 27, 30, 31. */
    cr_assert(eq(i64, wd(cal, D(2026, 3, 13), D(2026, 3, 31)), 7));
    /* The whole break is worth nothing. */
    cr_assert(eq(i64, wd(cal, D(2026, 3, 17), D(2026, 3, 24)), 0));
    /* Without the calendar only the weekend counts: 18, 19, 20, 23, 24, 25. */
    cr_assert(eq(i64, wd(NULL, D(2026, 3, 17), D(2026, 3, 25)), 6));
    calendar_free(cal);
}

Test(calendar, year_boundary_christmas_new_year)
{
    struct calendar *cal = load_default();

    /* (Wed 24 Dec 2025, Mon 5 Jan 2026]: 25 Christmas, 26 cuti, 29, 30, 31, 1 Jan
     * holiday, 2 Jan, 5 Jan: 5 working days. */
    cr_assert(eq(i64, wd(cal, D(2025, 12, 24), D(2026, 1, 5)), 5));
    cr_assert(eq(i64, wd(NULL, D(2025, 12, 24), D(2026, 1, 5)), 8));
    calendar_free(cal);
}

Test(calendar, whole_years)
{
    struct calendar *cal = load_default();

    /* 2025: 261 weekdays, 24 of the 28 listed days fall on a weekday. */
    cr_assert(eq(i64, wd(cal, D(2024, 12, 31), D(2025, 12, 31)), 237));
    /* 2026: 261 weekdays, 21 of the 25 listed days fall on a weekday. */
    cr_assert(eq(i64, wd(cal, D(2025, 12, 31), D(2026, 12, 31)), 240));
    /* Far outside the data only weekends count: 2030 has 261 weekdays. */
    cr_assert(eq(i64, wd(cal, D(2029, 12, 31), D(2030, 12, 31)), 261));
    calendar_free(cal);
}

Test(calendar, friday_to_monday_is_one_same_day_zero)
{
    struct calendar *cal = load_default();

    cr_assert(eq(i64, wd(cal, D(2026, 5, 8), D(2026, 5, 11)), 1));
    cr_assert(eq(i64, wd(cal, D(2026, 5, 8), D(2026, 5, 8)), 0));
    cr_assert(eq(i64, wd(cal, D(2026, 5, 9), D(2026, 5, 10)), 0)); /* Sat -> Sun */
    cr_assert(eq(i64, wd(cal, D(2026, 5, 11), D(2026, 5, 12)), 1));
    /* Timestamps: Friday afternoon to Monday morning, WIB. */
    cr_assert(eq(i64,
                 calendar_working_days_between(cal, ts("2026-05-08T16:00:00+07:00"),
                                               ts("2026-05-11T08:00:00+07:00")),
                 1));
    cr_assert(eq(i64,
                 calendar_working_days_between(cal, ts("2026-05-11T08:00:00+07:00"),
                                               ts("2026-05-11T17:00:00+07:00")),
                 0));
    calendar_free(cal);
}

Test(calendar, timestamps_use_jakarta_dates)
{
    struct calendar *cal = load_default();

    /* 18:00Z on Thursday 7 May is already Friday 01:00 WIB, and 18:00Z on Friday is
     * Saturday in Jakarta: (Fri, Sat] holds no working day although the UTC dates
     * (Thu, Fri] would hold one. */
    cr_assert(eq(i64,
                 calendar_working_days_between(cal, ts("2026-05-07T18:00:00Z"),
                                               ts("2026-05-08T18:00:00Z")),
                 0));
    /* 16:59Z is still Friday 23:59 WIB. */
    cr_assert(eq(i64,
                 calendar_working_days_between(cal, ts("2026-05-06T18:00:00Z"),
                                               ts("2026-05-08T16:59:00Z")),
                 1));
    calendar_free(cal);
}

Test(calendar, negative_when_reversed)
{
    struct calendar *cal = load_default();

    cr_assert(eq(i64, wd(cal, D(2026, 3, 25), D(2026, 3, 17)), -1));
    cr_assert(eq(i64, wd(cal, D(2026, 1, 5), D(2025, 12, 24)), -5));
    calendar_free(cal);
}

/* Counts day by day: the reference the fast paths are checked against. */
static int64_t slow_between(const struct calendar *cal, struct ht_date a,
                            struct ht_date b)
{
    int64_t da = date_to_days(a), db = date_to_days(b), n = 0;
    int sign = 1;

    if (db < da) {
        int64_t t = da;
        da = db;
        db = t;
        sign = -1;
    }
    for (int64_t x = da + 1; x <= db; x++)
        n += calendar_is_working_day(cal, date_from_days(x));
    return sign * n;
}

Test(calendar, fast_count_matches_day_by_day)
{
    struct calendar *cal = load_default();
    int64_t lo = date_to_days(D(2024, 12, 1)), hi = date_to_days(D(2027, 1, 31));
    unsigned seed = 12345;
    int checked = 0;

    for (int i = 0; i < 3000; i++) {
        struct ht_date a, b;

        seed = seed * 1103515245u + 12345u;
        a = date_from_days(lo + (int64_t)((seed >> 8) % (unsigned)(hi - lo)));
        seed = seed * 1103515245u + 12345u;
        b = date_from_days(lo + (int64_t)((seed >> 8) % (unsigned)(hi - lo)));
        cr_assert(eq(i64, wd(cal, a, b), slow_between(cal, a, b)),
                  "%d-%02d-%02d .. %d-%02d-%02d", a.y, a.m, a.d, b.y, b.m, b.d);
        checked++;
    }
    /* Every consecutive pair over the covered years. */
    for (int64_t x = lo; x < hi; x++) {
        struct ht_date a = date_from_days(x), b = date_from_days(x + 1);

        cr_assert(eq(i64, wd(cal, a, b), calendar_is_working_day(cal, b) ? 1 : 0));
        checked++;
    }
    cr_assert(gt(int, checked, 3700));
    calendar_free(cal);
}

Test(calendar, add_working_days_skips_holidays)
{
    struct calendar *cal = load_default();
    struct ht_date r;

    r = calendar_add_working_days(cal, D(2026, 3, 17), 1);
    cr_assert(eq(str, ymd(r), "2026-03-25"));
    r = calendar_add_working_days(cal, D(2026, 3, 17), 0);
    cr_assert(eq(str, ymd(r), "2026-03-17"));
    /* Christmas, cuti bersama and the weekend: 29, 30, 31 Dec, then 2 Jan. */
    r = calendar_add_working_days(cal, D(2025, 12, 24), 3);
    cr_assert(eq(str, ymd(r), "2025-12-31"));
    r = calendar_add_working_days(cal, D(2025, 12, 24), 4);
    cr_assert(eq(str, ymd(r), "2026-01-02"));
    /* From a Saturday, one working day lands on Monday. */
    r = calendar_add_working_days(cal, D(2026, 5, 9), 1);
    cr_assert(eq(str, ymd(r), "2026-05-11"));
    /* The legal 12 working days of self-declare, from 16 Mar 2026. */
    r = calendar_add_working_days(cal, D(2026, 3, 16), 12);
    /* 17, 25, 26, 27, 30, 31 Mar, 1, 2, 6, 7, 8, 9 Apr (3 Apr is Good Friday). */
    cr_assert(eq(str, ymd(r), "2026-04-09"));
    calendar_free(cal);
}

Test(calendar, add_working_days_inverts_count)
{
    struct calendar *cal = load_default();
    int64_t lo = date_to_days(D(2024, 12, 20));

    for (int64_t x = lo; x < lo + 800; x += 3) {
        struct ht_date d = date_from_days(x);

        for (int n = 1; n <= 40; n += 7) {
            struct ht_date r = calendar_add_working_days(cal, d, n);

            cr_assert(eq(i64, wd(cal, d, r), n));
            cr_assert(calendar_is_working_day(cal, r));
            /* The day before r is one working day short: r is the earliest such day. */
            cr_assert(eq(i64, wd(cal, d, date_from_days(date_to_days(r) - 1)), n - 1));
        }
    }
    calendar_free(cal);
}

Test(calendar, add_holiday_by_hand)
{
    struct calendar *cal = calendar_new();

    cr_assert_not_null(cal);
    cr_assert(eq(i64, wd(cal, D(2031, 6, 2), D(2031, 6, 6)), 4)); /* Mon .. Fri */
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 6, 4), "Test", 0), 0));
    cr_assert(eq(i64, wd(cal, D(2031, 6, 2), D(2031, 6, 6)), 3));
    /* Adding the same day again changes nothing; a national holiday overrides cuti. */
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 6, 4), "Other", 1), 0));
    cr_assert(eq(i64, wd(cal, D(2031, 6, 2), D(2031, 6, 6)), 3));
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 6, 3), "Cuti", 1), 0));
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 6, 3), "Nasional", 0), 0));
    {
        int cuti = -1;

        cr_assert(
            eq(str, (char *)calendar_holiday_name(cal, D(2031, 6, 3), &cuti), "Cuti"));
        cr_assert(eq(int, cuti, 0));
    }
    cr_assert(eq(i64, wd(cal, D(2031, 6, 2), D(2031, 6, 6)), 2));
    /* A Saturday holiday does not change the count. */
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 6, 7), "Sabtu", 0), 0));
    cr_assert(eq(i64, wd(cal, D(2031, 6, 2), D(2031, 6, 9)), 3));
    cr_assert(calendar_covers_year(cal, 2031));
    cr_assert_not(calendar_covers_year(cal, 2030));
    /* Invalid dates are refused. */
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 2, 29), "X", 0), -1));
    cr_assert(eq(int, calendar_add_holiday(cal, D(2031, 13, 1), "X", 0), -1));
    calendar_free(cal);
    calendar_free(NULL);
}

Test(calendar, add_many_holidays_out_of_order)
{
    struct calendar *cal = calendar_new();
    int64_t base = date_to_days(D(2040, 1, 1));

    /* Insert 500 days in a scrambled order and check they all count. */
    for (int i = 0; i < 500; i++) {
        int64_t x = base + (i * 263) % 500;

        cr_assert(eq(int, calendar_add_holiday(cal, date_from_days(x), "h", i % 2), 0));
    }
    for (int64_t x = base; x < base + 500; x++)
        cr_assert(calendar_is_holiday(cal, date_from_days(x)));
    cr_assert(eq(i64, wd(cal, date_from_days(base - 1), date_from_days(base + 499)), 0));
    cr_assert(
        eq(i64, wd(cal, date_from_days(base - 1), date_from_days(base + 600)),
           slow_between(cal, date_from_days(base - 1), date_from_days(base + 600))));
    calendar_free(cal);
}

Test(calendar, load_quoted_fields_crlf_bom_and_blank_lines)
{
    struct ht_err e = HT_ERR_INIT;
    struct calendar *cal = load_text("\xEF\xBB\xBFtanggal,nama,jenis\r\n"
                                     "2030-01-01,\"Tahun Baru, 2030\",libur_nasional\r\n"
                                     "\r\n"
                                     "2030-01-02,\"Kata \"\"kutip\"\"\",cuti_bersama\r\n",
                                     &e, NULL);

    cr_assert_not_null(cal, "%s", e.msg);
    cr_assert(eq(str, (char *)calendar_holiday_name(cal, D(2030, 1, 1), NULL),
                 "Tahun Baru, 2030"));
    cr_assert(eq(str, (char *)calendar_holiday_name(cal, D(2030, 1, 2), NULL),
                 "Kata \"kutip\""));
    calendar_free(cal);
}

/* Loads text that must fail and checks the message is "<path>:<suffix>". */
static void expect_load_error(const char *text, const char *suffix)
{
    struct ht_err e = HT_ERR_INIT;
    char *path = NULL;
    char want[512];
    struct calendar *cal = load_text(text, &e, &path);

    cr_assert_null(cal, "loaded: %s", text);
    cr_assert(eq(int, e.code, HT_EPARSE));
    snprintf(want, sizeof(want), "%s:%s", path, suffix);
    cr_assert(eq(str, e.msg, want));
    unlink(path);
    free(path);
}

Test(calendar, bad_rows_name_file_and_line)
{
    expect_load_error("tanggal,nama,jenis\n2026-01-01,Tahun Baru,libur_nasional\n"
                      "2026-02-30,Salah,libur_nasional\n",
                      "3: tanggal '2026-02-30' is not a date (YYYY-MM-DD)");
    expect_load_error("tanggal,nama,jenis\n\n\n2026-01-01,Tahun Baru,libur\n",
                      "4: jenis 'libur' is not one of libur_nasional, cuti_bersama");
    expect_load_error("tanggal,nama,jenis\n2026-01-01,Tahun Baru\n",
                      "2: expected 3 fields (tanggal,nama,jenis), got 2");
    expect_load_error("tanggal,nama,jenis\n2026-01-01,Tahun,Baru,libur_nasional\n",
                      "2: expected 3 fields (tanggal,nama,jenis), got 3+");
    expect_load_error("tanggal,nama,jenis\n2026-01-01,,libur_nasional\n",
                      "2: nama is empty");
    expect_load_error("tanggal,nama,jenis\n2026-01-01,\"Tahun Baru,libur_nasional\n",
                      "2: unbalanced double quote");
    expect_load_error("tanggal,nama,jenis\n01/01/2026,Tahun Baru,libur_nasional\n",
                      "2: tanggal '01/01/2026' is not a date (YYYY-MM-DD)");
    expect_load_error("tanggal,nama,jenis\n2026-01-01,Tahun \xC0\xAF,libur_nasional\n",
                      "2: nama is not valid UTF-8");
    expect_load_error("date,name,kind\n2026-01-01,Tahun Baru,libur_nasional\n",
                      "1: header is 'date,name,kind', expected 'tanggal,nama,jenis'");
}

Test(calendar, empty_file_and_missing_file)
{
    struct ht_err e = HT_ERR_INIT;
    char *path = NULL;
    char want[512];
    struct calendar *cal = load_text("", &e, &path);

    cr_assert_null(cal);
    snprintf(want, sizeof(want), "%s: empty file, expected header 'tanggal,nama,jenis'",
             path);
    cr_assert(eq(str, e.msg, want));
    unlink(path);
    free(path);

    ht_err_clear(&e);
    cr_assert_null(calendar_load("/nonexistent/libur.csv", &e));
    cr_assert(eq(int, e.code, HT_EIO));
    cr_assert(eq(str, e.msg,
                 "cannot open '/nonexistent/libur.csv': No such file or directory"));
}

Test(calendar, overlong_line_is_an_error)
{
    char text[3000];
    struct ht_err e = HT_ERR_INIT;
    char *path = NULL;
    struct calendar *cal;

    snprintf(text, sizeof(text), "tanggal,nama,jenis\n2026-01-01,");
    memset(text + strlen(text), 'x', 2000);
    text[19 + 11 + 2000] = '\0';
    cal = load_text(text, &e, &path);
    cr_assert_null(cal);
    cr_assert(ne(ptr, strstr(e.msg, ":2: line longer than 1024 bytes"), NULL), "%s",
              e.msg);
    unlink(path);
    free(path);
}

Test(calendar, load_default_honours_ht_datadir)
{
    struct ht_err e = HT_ERR_INIT;
    char dir[] = "/tmp/ht_cal_XXXXXX";
    char path[256];
    FILE *fp;
    struct calendar *cal;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/libur_nasional.csv", dir);
    fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("tanggal,nama,jenis\n2033-03-03,Hari Uji,libur_nasional\n", fp);
    fclose(fp);
    setenv("HT_DATADIR", dir, 1);
    cal = calendar_load_default(&e);
    cr_assert_not_null(cal, "%s", e.msg);
    cr_assert(calendar_is_holiday(cal, D(2033, 3, 3)));
    cr_assert_not(calendar_covers_year(cal, 2026));
    calendar_free(cal);
    unlink(path);
    rmdir(dir);
}

Test(calendar, iso_week_of_at_year_boundaries)
{
    static const struct {
        struct ht_date d;
        int y, w;
    } cases[] = {
        {{2026, 1, 1}, 2026, 1},    {{2027, 1, 1}, 2026, 53},  {{2024, 12, 30}, 2025, 1},
        {{2026, 12, 28}, 2026, 53}, {{2021, 1, 3}, 2020, 53},  {{2020, 12, 31}, 2020, 53},
        {{2025, 12, 28}, 2025, 52}, {{2025, 12, 29}, 2026, 1}, {{2026, 3, 17}, 2026, 12},
        {{2023, 1, 1}, 2022, 52},   {{2023, 1, 2}, 2023, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int y = 0, w = 0;

        iso_week_of(cases[i].d, &y, &w);
        cr_assert(eq(int, y, cases[i].y), "case %zu", i);
        cr_assert(eq(int, w, cases[i].w), "case %zu", i);
    }
}

Test(calendar, iso_week_monday_and_round_trip)
{
    struct ht_date m = iso_week_monday(2026, 1);
    char out[9];

    cr_assert(eq(str, ymd(m), "2025-12-29"));
    m = iso_week_monday(2026, 53);
    cr_assert(eq(str, ymd(m), "2026-12-28"));
    m = iso_week_monday(2025, 1);
    cr_assert(eq(str, ymd(m), "2024-12-30"));
    /* Every day from 2000 to 2040 lies in the week whose Monday is at most 6 days back.
     */
    for (int64_t x = date_to_days(D(2000, 1, 1)); x < date_to_days(D(2040, 1, 1)); x++) {
        int y, w;
        struct ht_date mon;
        int64_t diff;

        iso_week_of(date_from_days(x), &y, &w);
        mon = iso_week_monday(y, w);
        diff = x - date_to_days(mon);
        cr_assert(diff >= 0 && diff <= 6);
        cr_assert(eq(int, (int)(((date_to_days(mon) % 7) + 10) % 7), 0), "a Monday");
    }
    iso_week_format(2026, 5, out);
    cr_assert(eq(str, out, "2026-W05"));
    iso_week_format(2026, 53, out);
    cr_assert(eq(str, out, "2026-W53"));
}

Test(calendar, iso_week_parse)
{
    int y = 0, w = 0;
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, iso_week_parse("2026-W01", &y, &w, &e), 0));
    cr_assert(eq(int, y, 2026));
    cr_assert(eq(int, w, 1));
    cr_assert(eq(int, iso_week_parse("2026-W53", &y, &w, &e), 0));
    cr_assert(eq(int, w, 53));
    cr_assert(eq(int, iso_week_parse("2020-W53", &y, &w, &e), 0));
    /* A lower-case 'w' is read the same (people type it). */
    cr_assert(eq(int, iso_week_parse("2026-w05", &y, &w, &e), 0));
    cr_assert(eq(int, y, 2026));
    cr_assert(eq(int, w, 5));

    cr_assert(eq(int, iso_week_parse("2025-W53", &y, &w, &e), -1));
    cr_assert(eq(str, e.msg, "week '2025-W53' does not exist: 2025 has 52 ISO weeks"));
    ht_err_clear(&e);
    cr_assert(eq(int, iso_week_parse("2026-W00", &y, &w, &e), -1));
    cr_assert(eq(str, e.msg, "week '2026-W00' does not exist: 2026 has 53 ISO weeks"));

    static const char *const garbage[] = {
        "",         "2026",     "2026-01", "2026W01",   "2026-W1",   "2026-W001",
        "2026-X01", "2026-Wab", "26-W01",  " 2026-W01", "2026-W01 ", "2026-01-05"};
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        char want[128];

        ht_err_clear(&e);
        cr_assert(eq(int, iso_week_parse(garbage[i], &y, &w, &e), -1), "%s", garbage[i]);
        snprintf(want, sizeof(want), "'%s' is not an ISO week (YYYY-Www, e.g. 2026-W05)",
                 garbage[i]);
        cr_assert(eq(str, e.msg, want));
    }
    ht_err_clear(&e);
    cr_assert(eq(int, iso_week_parse(NULL, &y, &w, &e), -1));
}

Test(calendar, null_calendar_means_weekends_only)
{
    cr_assert(calendar_is_working_day(NULL, D(2026, 3, 19))); /* a holiday, but no data */
    cr_assert_not(calendar_is_working_day(NULL, D(2026, 3, 21)));
    cr_assert_not(calendar_is_holiday(NULL, D(2026, 3, 19)));
    cr_assert_null(calendar_holiday_name(NULL, D(2026, 3, 19), NULL));
    cr_assert_not(calendar_covers_year(NULL, 2026));
    cr_assert(
        eq(str, ymd(calendar_add_working_days(NULL, D(2026, 3, 17), 1)), "2026-03-18"));
    cr_assert(
        eq(str, ymd(calendar_add_working_days(NULL, D(2026, 3, 20), 1)), "2026-03-23"));
    cr_assert(eq(i64, wd(NULL, D(2026, 3, 20), D(2026, 3, 23)), 1));
}

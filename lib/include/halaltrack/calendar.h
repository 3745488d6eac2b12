/* Working days in Asia/Jakarta: weekends, national holidays and cuti bersama; ISO weeks.
 * Pure apart from calendar_load, which reads the holiday CSV. */
#ifndef HALALTRACK_CALENDAR_H
#define HALALTRACK_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/util.h"

struct calendar;

/* An empty calendar (weekends only). NULL on allocation failure. */
struct calendar *calendar_new(void) HT_MUSTCHECK;
void calendar_free(struct calendar *cal);
/* Loads "tanggal,nama,jenis" rows (etc/reference/libur_nasional.csv). A bad row is an
 * error naming path:line. Returns NULL on failure. */
struct calendar *calendar_load(const char *path, struct ht_err *err) HT_MUSTCHECK;
/* The calendar shipped with halaltrack: libur_nasional.csv of the data directory
 * (paths_data_file: $HT_DATADIR, the build tree's, the installed one). */
struct calendar *calendar_load_default(struct ht_err *err) HT_MUSTCHECK;
int calendar_add_holiday(struct calendar *cal, struct ht_date d, const char *name,
                         int cuti_bersama) HT_MUSTCHECK;
/* True when the calendar has holiday data for that year. */
int calendar_covers_year(const struct calendar *cal, int year);
/* Whether cuti bersama (collective leave) counts as a working day: 0 by default (a
 * non-working day, the reading of Perpres 21/2023 Pasal 6 and the ASN Keppres on cuti
 * bersama; docs/reports.md "Working days"). */
void calendar_set_cuti_working(struct calendar *cal, int working);
int calendar_cuti_working(const struct calendar *cal);
/* The holidays in date order: the name of the i-th (borrowed), its date and kind, or NULL
 * past the end. */
size_t calendar_holiday_count(const struct calendar *cal);
const char *calendar_holiday_at(const struct calendar *cal, size_t i, struct ht_date *d,
                                int *cuti_bersama);

/* Years a working-day count crossed without holiday data (counted as weekends only):
 * sorted, without repeats; more is set when there were more than CAL_GAPS_MAX. */
#define CAL_GAPS_MAX 8
struct cal_gaps {
    int year[CAL_GAPS_MAX];
    size_t n;
    int more;
};
/* Adds the years of the days in (from, to] that cal has no holiday data for (every year
 * when cal is NULL). Nothing when to <= from. */
void calendar_gaps_add(const struct calendar *cal, struct ht_date from, struct ht_date to,
                       struct cal_gaps *g);
void calendar_gaps_merge(struct cal_gaps *into, const struct cal_gaps *from);
/* "2027" or "2027, 2028" (", ..." when more). Returns 0, or -1 when out is too small. */
int calendar_gaps_format(const struct cal_gaps *g, char *out, size_t outsz);

/* The queries below accept cal == NULL, meaning weekends only. Years without holiday data
 * (see calendar_covers_year) count weekends only too: callers report them with
 * calendar_gaps_add. */
int calendar_is_holiday(const struct calendar *cal, struct ht_date d);
/* The name of the holiday on d (borrowed, valid until calendar_free), or NULL when d is
 * not a holiday. *cuti_bersama (if not NULL) is set to 1 for collective leave. */
const char *calendar_holiday_name(const struct calendar *cal, struct ht_date d,
                                  int *cuti_bersama);
int calendar_is_working_day(const struct calendar *cal, struct ht_date d);
/* Working days in (date(from), date(to)] in Asia/Jakarta: a step begun on Friday and
 * finished on Monday took 1 working day; the same day is 0. Negative when to < from.
 * O(log h) for h holidays, whatever the distance. */
int64_t calendar_working_days_between(const struct calendar *cal, int64_t from_ts,
                                      int64_t to_ts);
int64_t calendar_working_days_between_dates(const struct calendar *cal,
                                            struct ht_date from, struct ht_date to);
/* The date n working days after d (n >= 0; n = 0 gives d itself). */
struct ht_date calendar_add_working_days(const struct calendar *cal, struct ht_date d,
                                         int n);

/* ISO 8601 week of a date. */
void iso_week_of(struct ht_date d, int *iso_year, int *iso_week);
/* Parses "YYYY-Www". Checks the week exists in that ISO year. */
int iso_week_parse(const char *s, int *iso_year, int *iso_week,
                   struct ht_err *err) HT_MUSTCHECK;
/* Monday of an ISO week. */
struct ht_date iso_week_monday(int iso_year, int iso_week);
/* Writes "YYYY-Www" (out at least 9 bytes). */
void iso_week_format(int iso_year, int iso_week, char out[static 9]);

#endif

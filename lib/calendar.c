/* Working days in Asia/Jakarta (weekends, national holidays, cuti bersama) and ISO weeks.
 *
 * Holidays are kept in a sorted array of day numbers. Counting working days between two
 * dates is "weekdays by formula minus weekday holidays by binary search", so it costs
 * O(log h) whatever the distance; reports call it once per application. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/calendar.h"
#include "halaltrack/i18n.h"
#include "halaltrack/paths.h"
#include "halaltrack/banned.h"

/* Longest accepted line of the holiday CSV. */
#define CAL_LINE_MAX 1024
/* Years a calendar can describe (date_valid's range). */
#define CAL_YEAR_MIN 1
#define CAL_YEAR_MAX 9999

struct holiday {
    int64_t day; /* days since 1970-01-01 */
    char *name;  /* owned */
    int cuti;    /* 1 = cuti bersama (collective leave), 0 = national holiday */
};

struct calendar {
    struct holiday *hol; /* sorted by day, unique days */
    size_t n, cap;
    int64_t *wk; /* days of holidays that fall Monday..Friday, sorted */
    size_t nwk;
    int64_t *wkc; /* the cuti bersama among them, sorted */
    size_t nwkc;
    int cuti_working;                          /* cuti bersama counts as a working day */
    unsigned char years[CAL_YEAR_MAX / 8 + 1]; /* bit set: holiday data for that year */
};

struct calendar *calendar_new(void)
{
    return calloc(1, sizeof(struct calendar));
}

void calendar_free(struct calendar *cal)
{
    if (!cal)
        return;
    for (size_t i = 0; i < cal->n; i++)
        free(cal->hol[i].name);
    free(cal->hol);
    free(cal->wk);
    free(cal->wkc);
    free(cal);
}

/* Index of the first element of a[0..n) greater than x. */
static size_t upper_bound(const int64_t *a, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the first holiday on or after day. */
static size_t holiday_lower_bound(const struct calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cal->hol[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the holiday on day, or -1. */
static ptrdiff_t find_holiday(const struct calendar *cal, int64_t day)
{
    size_t at = holiday_lower_bound(cal, day);

    return at < cal->n && cal->hol[at].day == day ? (ptrdiff_t)at : -1;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday. */
static int day_weekday(int64_t day)
{
    return (int)(day + 3 - floordiv(day + 3, 7) * 7) + 1;
}

/* Number of Monday..Friday days in (origin, day], up to a constant: only differences of
 * it are meaningful. Day 4 (1970-01-05) is a Monday. */
static int64_t weekdays_upto(int64_t day)
{
    int64_t k = day - 4;
    int64_t q = floordiv(k, 7);
    int64_t r = k - q * 7;

    return 5 * q + (r + 1 < 5 ? r + 1 : 5);
}

/* Working days in (origin, day]: weekdays minus holidays on weekdays (cuti bersama
 * among them unless it counts as working). */
static int64_t working_upto(const struct calendar *cal, int64_t day)
{
    int64_t w = weekdays_upto(day);

    if (cal) {
        w -= (int64_t)upper_bound(cal->wk, cal->nwk, day);
        if (cal->cuti_working)
            w += (int64_t)upper_bound(cal->wkc, cal->nwkc, day);
    }
    return w;
}

/* Inserts day into the sorted array a of *n elements (room for one more). */
static void sorted_insert(int64_t *a, size_t *n, int64_t day)
{
    size_t pos = upper_bound(a, *n, day);

    memmove(a + pos + 1, a + pos, (*n - pos) * sizeof(*a));
    a[pos] = day;
    (*n)++;
}

/* Removes day from the sorted array a when it is there. */
static void sorted_remove(int64_t *a, size_t *n, int64_t day)
{
    size_t pos = upper_bound(a, *n, day);

    if (pos > 0 && a[pos - 1] == day) {
        memmove(a + pos - 1, a + pos, (*n - pos) * sizeof(*a));
        (*n)--;
    }
}

int calendar_add_holiday(struct calendar *cal, struct ht_date d, const char *name,
                         int cuti_bersama)
{
    int64_t day;
    ptrdiff_t at;
    size_t pos;
    char *copy;

    if (!cal || !date_valid(d.y, d.m, d.d))
        return -1;
    day = date_to_days(d);
    at = find_holiday(cal, day);
    if (at >= 0) {
        /* Two entries on one day (e.g. two feasts coinciding): it stays a holiday, and a
         * national holiday wins over cuti bersama. */
        if (!cuti_bersama && cal->hol[at].cuti) {
            cal->hol[at].cuti = 0;
            sorted_remove(cal->wkc, &cal->nwkc, day);
        }
        cal->years[d.y / 8] |= (unsigned char)(1u << (d.y % 8));
        return 0;
    }
    copy = strdup(name ? name : "");
    if (!copy)
        return -1;
    if (cal->n == cal->cap) {
        size_t ncap = cal->cap ? cal->cap * 2 : 64;
        struct holiday *h = realloc(cal->hol, ncap * sizeof(*h));
        int64_t *w;

        if (!h) {
            free(copy);
            return -1;
        }
        cal->hol = h;
        w = realloc(cal->wk, ncap * sizeof(*w));
        if (!w) {
            free(copy);
            return -1;
        }
        cal->wk = w;
        w = realloc(cal->wkc, ncap * sizeof(*w));
        if (!w) {
            free(copy);
            return -1;
        }
        cal->wkc = w;
        cal->cap = ncap;
    }
    pos = holiday_lower_bound(cal, day);
    memmove(cal->hol + pos + 1, cal->hol + pos, (cal->n - pos) * sizeof(*cal->hol));
    cal->hol[pos].day = day;
    cal->hol[pos].name = copy;
    cal->hol[pos].cuti = cuti_bersama ? 1 : 0;
    cal->n++;
    if (day_weekday(day) <= 5) {
        sorted_insert(cal->wk, &cal->nwk, day);
        if (cuti_bersama)
            sorted_insert(cal->wkc, &cal->nwkc, day);
    }
    cal->years[d.y / 8] |= (unsigned char)(1u << (d.y % 8));
    return 0;
}

int calendar_covers_year(const struct calendar *cal, int year)
{
    if (!cal || year < CAL_YEAR_MIN || year > CAL_YEAR_MAX)
        return 0;
    return (cal->years[year / 8] >> (year % 8)) & 1;
}

int calendar_is_holiday(const struct calendar *cal, struct ht_date d)
{
    return cal && find_holiday(cal, date_to_days(d)) >= 0;
}

const char *calendar_holiday_name(const struct calendar *cal, struct ht_date d,
                                  int *cuti_bersama)
{
    ptrdiff_t at = cal ? find_holiday(cal, date_to_days(d)) : -1;

    if (at < 0)
        return NULL;
    if (cuti_bersama)
        *cuti_bersama = cal->hol[at].cuti;
    return cal->hol[at].name;
}

int calendar_is_working_day(const struct calendar *cal, struct ht_date d)
{
    int64_t day = date_to_days(d);
    ptrdiff_t at = cal ? find_holiday(cal, day) : -1;

    if (day_weekday(day) > 5)
        return 0;
    return at < 0 || (cal->hol[at].cuti && cal->cuti_working);
}

void calendar_set_cuti_working(struct calendar *cal, int working)
{
    if (cal)
        cal->cuti_working = working ? 1 : 0;
}

int calendar_cuti_working(const struct calendar *cal)
{
    return cal ? cal->cuti_working : 0;
}

size_t calendar_holiday_count(const struct calendar *cal)
{
    return cal ? cal->n : 0;
}

const char *calendar_holiday_at(const struct calendar *cal, size_t i, struct ht_date *d,
                                int *cuti_bersama)
{
    if (!cal || i >= cal->n)
        return NULL;
    if (d)
        *d = date_from_days(cal->hol[i].day);
    if (cuti_bersama)
        *cuti_bersama = cal->hol[i].cuti;
    return cal->hol[i].name;
}

/* Adds year y to g (sorted, no repeats). */
static void gaps_insert(struct cal_gaps *g, int y)
{
    size_t i = 0;

    while (i < g->n && g->year[i] < y)
        i++;
    if (i < g->n && g->year[i] == y)
        return;
    if (g->n == CAL_GAPS_MAX) {
        g->more = 1;
        return;
    }
    memmove(g->year + i + 1, g->year + i, (g->n - i) * sizeof(*g->year));
    g->year[i] = y;
    g->n++;
}

void calendar_gaps_add(const struct calendar *cal, struct ht_date from, struct ht_date to,
                       struct cal_gaps *g)
{
    int64_t f = date_to_days(from), t = date_to_days(to);

    if (t <= f)
        return;
    /* The days counted are (from, to]. */
    for (int y = date_from_days(f + 1).y; y <= to.y; y++)
        if (!calendar_covers_year(cal, y))
            gaps_insert(g, y);
}

void calendar_gaps_merge(struct cal_gaps *into, const struct cal_gaps *from)
{
    for (size_t i = 0; i < from->n; i++)
        gaps_insert(into, from->year[i]);
    into->more |= from->more;
}

int calendar_gaps_format(const struct cal_gaps *g, char *out, size_t outsz)
{
    size_t o = 0;

    if (outsz)
        out[0] = '\0';
    for (size_t i = 0; i < g->n && o < outsz; i++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%d", i ? ", " : "", g->year[i]);
    if (g->more && o < outsz)
        o += (size_t)snprintf(out + o, outsz - o, ", ...");
    return o < outsz ? 0 : -1;
}

int64_t calendar_working_days_between_dates(const struct calendar *cal,
                                            struct ht_date from, struct ht_date to)
{
    return working_upto(cal, date_to_days(to)) - working_upto(cal, date_to_days(from));
}

int64_t calendar_working_days_between(const struct calendar *cal, int64_t from_ts,
                                      int64_t to_ts)
{
    return calendar_working_days_between_dates(cal, ts_to_wib_date(from_ts),
                                               ts_to_wib_date(to_ts));
}

struct ht_date calendar_add_working_days(const struct calendar *cal, struct ht_date d,
                                         int n)
{
    int64_t start = date_to_days(d);
    int64_t target, lo, hi;

    if (n <= 0)
        return d;
    /* The answer is the first day x with working_upto(x) reaching the target. Every 7
     * days hold 5 weekdays, and each weekday holiday in the way costs at most 3 more
     * days (it can push past a weekend), which bounds the search. */
    target = working_upto(cal, start) + n;
    lo = start + 1;
    hi = start + ((int64_t)n / 5 + 1) * 7 + 3 * (int64_t)(cal ? cal->nwk : 0) + 7;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;

        if (working_upto(cal, mid) >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return date_from_days(lo);
}

/* Splits one CSV line (RFC 4180 quoting, no embedded newlines) into at most max fields,
 * in place. Returns the number of fields, or -1 for a bad quote. */
static int split_csv(char *line, char **fields, int max)
{
    char *r = line, *w = line;
    int n = 0;

    for (;;) {
        if (n == max)
            return max + 1;
        fields[n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"') {
                    if (r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                *w++ = *r++;
            }
            if (*r != ',' && *r != '\0')
                return -1;
        } else {
            while (*r && *r != ',') {
                if (*r == '"')
                    return -1;
                *w++ = *r++;
            }
        }
        if (*r == '\0') {
            *w = '\0';
            return n;
        }
        *w++ = '\0';
        r++;
    }
}

/* Parses one data row into cal, or says what is wrong (without the path:line prefix). */
static int load_row(struct calendar *cal, char *line, char *why, size_t whylen)
{
    char *f[3];
    struct ht_date d;
    int n, cuti;

    n = split_csv(line, f, 3);
    if (n < 0) {
        snprintf(why, whylen, "%s", _("unbalanced double quote"));
        return -1;
    }
    if (n != 3) {
        snprintf(why, whylen, _("expected 3 fields (tanggal,nama,jenis), got %d%s"),
                 n > 3 ? 3 : n, n > 3 ? "+" : "");
        return -1;
    }
    for (int i = 0; i < 3; i++)
        str_trim(f[i]);
    if (date_parse(f[0], &d, NULL) < 0) {
        snprintf(why, whylen, _("tanggal '%.40s' is not a date (YYYY-MM-DD)"), f[0]);
        return -1;
    }
    if (!*f[1]) {
        snprintf(why, whylen, "%s", _("nama is empty"));
        return -1;
    }
    if (!utf8_valid(f[1], strlen(f[1]))) {
        snprintf(why, whylen, "%s", _("nama is not valid UTF-8"));
        return -1;
    }
    if (strcmp(f[2], "libur_nasional") == 0) {
        cuti = 0;
    } else if (strcmp(f[2], "cuti_bersama") == 0) {
        cuti = 1;
    } else {
        snprintf(why, whylen,
                 _("jenis '%.40s' is not one of libur_nasional, cuti_bersama"), f[2]);
        return -1;
    }
    if (calendar_add_holiday(cal, d, f[1], cuti) < 0) {
        snprintf(why, whylen, "%s", _("out of memory"));
        return -1;
    }
    return 0;
}

struct calendar *calendar_load(const char *path, struct ht_err *err)
{
    struct calendar *cal = NULL;
    FILE *fp = NULL;
    char line[CAL_LINE_MAX + 2];
    char why[160];
    long lineno = 0;
    int ok = 0;

    fp = fopen(path, "r");
    if (!fp) {
        ht_err_set(err, HT_EIO, _("cannot open '%s': %s"), path, strerror(errno));
        goto out;
    }
    cal = calendar_new();
    if (!cal) {
        ht_err_set(err, HT_ENOMEM, _("out of memory"));
        goto out;
    }
    while (fgets(line, sizeof(line), fp)) {
        size_t len = strlen(line);
        char *p = line;

        lineno++;
        if (len > CAL_LINE_MAX && line[len - 1] != '\n') {
            ht_err_set(err, HT_EPARSE, _("%s:%ld: line longer than %d bytes"), path,
                       lineno, CAL_LINE_MAX);
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (memcmp(p, "\xEF\xBB\xBF", 3) ==
                0) /* a byte order mark from a spreadsheet */
                p += 3;
            if (strcmp(p, "tanggal,nama,jenis") != 0) {
                ht_err_set(err, HT_EPARSE,
                           _("%s:%ld: header is '%.60s', expected 'tanggal,nama,jenis'"),
                           path, lineno, p);
                goto out;
            }
            continue;
        }
        if (*str_trim(p) == '\0')
            continue;
        if (load_row(cal, p, why, sizeof(why)) < 0) {
            ht_err_set(err, HT_EPARSE, "%s:%ld: %s", path, lineno, why);
            goto out;
        }
    }
    if (ferror(fp)) {
        ht_err_set(err, HT_EIO, _("cannot read '%s': %s"), path, strerror(errno));
        goto out;
    }
    if (lineno == 0) {
        ht_err_set(err, HT_EPARSE,
                   _("%s: empty file, expected header 'tanggal,nama,jenis'"), path);
        goto out;
    }
    ok = 1;
out:
    if (fp)
        fclose(fp);
    if (!ok) {
        calendar_free(cal);
        cal = NULL;
    }
    return cal;
}

struct calendar *calendar_load_default(struct ht_err *err)
{
    struct ht_err e = HT_ERR_INIT;
    char path[4096];

    if (paths_data_file("libur_nasional.csv", path, sizeof(path), &e) < 0) {
        ht_err_set(err, e.code, _("holiday calendar %s"), e.msg);
        return NULL;
    }
    return calendar_load(path, err);
}

void iso_week_of(struct ht_date d, int *iso_year, int *iso_week)
{
    int64_t day = date_to_days(d);
    int64_t thursday = day - day_weekday(day) + 4;
    struct ht_date t = date_from_days(thursday);
    int64_t jan1 = date_to_days((struct ht_date){t.y, 1, 1});

    if (iso_year)
        *iso_year = t.y;
    if (iso_week)
        *iso_week = (int)((thursday - jan1) / 7 + 1);
}

/* 52 or 53: the ISO week of 28 December is always the year's last. */
static int iso_weeks_in_year(int y)
{
    int w;

    iso_week_of((struct ht_date){y, 12, 28}, NULL, &w);
    return w;
}

struct ht_date iso_week_monday(int iso_year, int iso_week)
{
    int64_t jan4 = date_to_days((struct ht_date){iso_year, 1, 4});
    int64_t monday1 = jan4 - (day_weekday(jan4) - 1);

    return date_from_days(monday1 + (int64_t)(iso_week - 1) * 7);
}

int iso_week_parse(const char *s, int *iso_year, int *iso_week, struct ht_err *err)
{
    int y = 0, w = 0;

    if (!s || strlen(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w'))
        goto bad;
    for (int i = 0; i < 8; i++) {
        if (i == 4 || i == 5)
            continue;
        if (!isdigit((unsigned char)s[i]))
            goto bad;
        if (i < 4)
            y = y * 10 + (s[i] - '0');
        else
            w = w * 10 + (s[i] - '0');
    }
    /* Year 1 and 9999 would need days outside date_valid's range. */
    if (y < 2 || y > 9998) {
        ht_err_set(err, HT_EINVAL, _("week '%s': year %d is out of range"), s, y);
        return -1;
    }
    if (w < 1 || w > iso_weeks_in_year(y)) {
        ht_err_set(err, HT_EINVAL, _("week '%s' does not exist: %d has %d ISO weeks"), s,
                   y, iso_weeks_in_year(y));
        return -1;
    }
    if (iso_year)
        *iso_year = y;
    if (iso_week)
        *iso_week = w;
    return 0;
bad:
    ht_err_set(err, HT_EINVAL, _("'%.40s' is not an ISO week (YYYY-Www, e.g. 2026-W05)"),
               s ? s : "");
    return -1;
}

void iso_week_format(int iso_year, int iso_week, char out[static 9])
{
    char tmp[32];

    snprintf(tmp, sizeof(tmp), "%04d-W%02d", iso_year, iso_week);
    memcpy(out, tmp, 8);
    out[8] = '\0';
}

/* Checked number parsers, civil dates, timestamps in UTC and Asia/Jakarta, small string
 * helpers. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct ht_err *err)
{
    char *end;
    long long v;

    if (!s || !*s) {
        ht_err_set(err, HT_EINVAL, "empty number");
        return -1;
    }
    if (isspace((unsigned char)*s)) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a number", s);
        return -1;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || *end) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a number", s);
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        ht_err_set(err, HT_EINVAL, "'%s' is out of range [%lld, %lld]", s, (long long)min,
                   (long long)max);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

int parse_int(const char *s, long min, long max, long *out, struct ht_err *err)
{
    int64_t v;

    if (parse_i64(s, min, max, &v, err) < 0)
        return -1;
    *out = (long)v;
    return 0;
}

int parse_double(const char *s, double min, double max, double *out, struct ht_err *err)
{
    char *end;
    double v;

    if (!s || !*s || isspace((unsigned char)*s)) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a number", s ? s : "");
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || isnan(v)) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a number", s);
        return -1;
    }
    if (v < min || v > max) {
        ht_err_set(err, HT_EINVAL, "'%s' is out of range [%g, %g]", s, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int parse_bool(const char *s, int *out, struct ht_err *err)
{
    static const char *const yes[] = {"1", "yes", "true", "on"};
    static const char *const no[] = {"0", "no", "false", "off"};

    for (size_t i = 0; s && i < 4; i++) {
        if (str_ieq(s, yes[i])) {
            *out = 1;
            return 0;
        }
        if (str_ieq(s, no[i])) {
            *out = 0;
            return 0;
        }
    }
    ht_err_set(err, HT_EINVAL, "'%s' is not a boolean (yes/no)", s ? s : "");
    return -1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_ymd(const char *s, struct ht_date *out)
{
    int y, m, d;

    if (digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &m) < 0 || s[7] != '-' ||
        digits(s + 8, 2, &d) < 0)
        return -1;
    if (!date_valid(y, m, d))
        return -2;
    out->y = y;
    out->m = m;
    out->d = d;
    return 0;
}

int date_parse(const char *s, struct ht_date *out, struct ht_err *err)
{
    int rc;

    if (!s || strlen(s) != 10 || (rc = parse_ymd(s, out)) == -1) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a date (YYYY-MM-DD)", s ? s : "");
        return -1;
    }
    if (rc < 0) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a day of the calendar", s);
        return -1;
    }
    return 0;
}

void date_format(struct ht_date d, char out[static 11])
{
    char tmp[48];

    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d.y, d.m, d.d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t date_to_days(struct ht_date dt)
{
    int64_t y = dt.y - (dt.m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (dt.m + (dt.m > 2 ? -3 : 9)) + 2) / 5 + dt.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

struct ht_date date_from_days(int64_t z)
{
    struct ht_date r;
    int64_t era, doe, yoe, y, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(y + (r.m <= 2));
    return r;
}

int ts_parse(const char *s, int64_t *out, struct ht_err *err)
{
    struct ht_date d;
    int hh = 0, mi = 0, ss = 0, off = HT_WIB_OFFSET;
    const char *p;
    int rc;

    if (!s || strlen(s) < 10 || (rc = parse_ymd(s, &d)) == -1) {
        ht_err_set(err, HT_EPARSE, "'%s' is not a timestamp", s ? s : "");
        return -1;
    }
    if (rc < 0) {
        ht_err_set(err, HT_EPARSE, "'%s' is not a day of the calendar", s);
        return -1;
    }
    p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &hh) < 0 || p[3] != ':' || digits(p + 4, 2, &mi) < 0)
            goto bad;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &ss) < 0)
                goto bad;
            p += 3;
            if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                    goto bad;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        if (hh > 23 || mi > 59 || ss > 60)
            goto bad;
    }
    if (*p == 'Z' || *p == 'z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        int sign = *p == '-' ? -1 : 1;

        if (digits(p + 1, 2, &oh) < 0)
            goto bad;
        p += 3;
        if (*p == ':')
            p++;
        if (digits(p, 2, &om) < 0 || oh > 14 || om > 59)
            goto bad;
        p += 2;
        off = sign * (oh * 3600 + om * 60);
    }
    if (*p)
        goto bad;
    *out = date_to_days(d) * 86400 + hh * 3600 + mi * 60 + ss - off;
    return 0;
bad:
    ht_err_set(err, HT_EPARSE, "'%s' is not a timestamp (ISO 8601)", s);
    return -1;
}

/* Writes t as "YYYY-MM-DD<sep>HH:MM<tail>" with seconds when sep is 'T'. */
static void format_ts(int64_t t, char out[static 21], char sep, const char *tail)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    struct ht_date d = date_from_days(days);
    char tmp[96];

    if (sep == 'T')
        snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%s", d.y, d.m, d.d,
                 (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60), tail);
    else
        snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d%s", d.y, d.m, d.d,
                 (int)(rem / 3600), (int)(rem % 3600 / 60), tail);
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

void ts_format_utc(int64_t t, char out[static 21])
{
    format_ts(t, out, 'T', "Z");
}

void ts_format_wib(int64_t t, char out[static 21])
{
    format_ts(t + HT_WIB_OFFSET, out, ' ', " WIB");
}

struct ht_date ts_to_wib_date(int64_t t)
{
    int64_t lt = t + HT_WIB_OFFSET;
    int64_t days = lt >= 0 ? lt / 86400 : -((-lt + 86399) / 86400);

    return date_from_days(days);
}

int64_t wib_date_to_ts(struct ht_date d)
{
    return date_to_days(d) * 86400 - HT_WIB_OFFSET;
}

int64_t ht_now(void)
{
    return (int64_t)time(NULL);
}

int64_t ht_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *xstrdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *str_scrub_controls(char *s)
{
    unsigned char *p = (unsigned char *)s;

    if (!s)
        return s;
    for (; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            *p = ' ';
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            /* a two-byte C1 control becomes two spaces (the length stays) */
            p[0] = ' ';
            p[1] = ' ';
            p++;
        }
    }
    return s;
}

int str_is_number(const char *s)
{
    if (!s)
        return 0;
    s += *s == '-';
    if (*s == '0')
        s++;
    else if (isdigit((unsigned char)*s))
        while (isdigit((unsigned char)*s))
            s++;
    else
        return 0;
    if (*s == '.') {
        if (!isdigit((unsigned char)*++s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        s += *s == '+' || *s == '-';
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

char *str_trim(char *s)
{
    size_t n = strlen(s);
    size_t b = 0;

    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (b < n && isspace((unsigned char)s[b]))
        b++;
    if (b)
        memmove(s, s + b, n - b + 1);
    return s;
}

int str_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
    return *a == *b;
}

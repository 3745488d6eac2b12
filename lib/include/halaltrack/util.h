/* Small checked parsers and time helpers shared by every module. */
#ifndef HALALTRACK_UTIL_H
#define HALALTRACK_UTIL_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* Parses a whole base-10 integer in [min, max]. Leading/trailing garbage, overflow and
 * empty strings are errors. Returns 0 or -1 (err says why, naming what). */
int parse_int(const char *s, long min, long max, long *out,
              struct ht_err *err) HT_MUSTCHECK;
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
              struct ht_err *err) HT_MUSTCHECK;
int parse_double(const char *s, double min, double max, double *out,
                 struct ht_err *err) HT_MUSTCHECK;
/* Parses "yes/no/true/false/on/off/1/0". */
int parse_bool(const char *s, int *out, struct ht_err *err) HT_MUSTCHECK;

/* A civil date (proleptic Gregorian). */
struct ht_date {
    int y, m, d;
};

/* Parses exactly "YYYY-MM-DD" and checks the day exists. */
int date_parse(const char *s, struct ht_date *out, struct ht_err *err) HT_MUSTCHECK;
/* Writes "YYYY-MM-DD" into out (at least 11 bytes). */
void date_format(struct ht_date d, char out[static 11]);
/* Days since 1970-01-01 (may be negative) and back. */
int64_t date_to_days(struct ht_date d);
struct ht_date date_from_days(int64_t days);
int date_valid(int y, int m, int d);

/* Parses an ISO 8601 timestamp: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by
 * "Z", "+HH:MM", "+HHMM" or nothing (nothing means Asia/Jakarta, UTC+7, the upstream's
 * local time). A space may stand for 'T'. Result in seconds since the epoch (UTC). */
int ts_parse(const char *s, int64_t *out, struct ht_err *err) HT_MUSTCHECK;
/* Formats as "YYYY-MM-DDTHH:MM:SSZ" (out at least 21 bytes). */
void ts_format_utc(int64_t t, char out[static 21]);
/* Formats in Asia/Jakarta local time as "YYYY-MM-DD HH:MM WIB" (out at least 21 bytes).
 */
void ts_format_wib(int64_t t, char out[static 21]);
/* The Asia/Jakarta civil date of an instant (UTC+7, no DST). */
struct ht_date ts_to_wib_date(int64_t t);
/* Midnight Asia/Jakarta of a date as an instant. */
int64_t wib_date_to_ts(struct ht_date d);
#define HT_WIB_OFFSET (7 * 3600)

/* Current time: wall clock seconds, and a monotonic clock in milliseconds. */
int64_t ht_now(void);
int64_t ht_mono_ms(void);

/* strdup that returns NULL for NULL. */
char *xstrdup_or_null(const char *s);
/* Duplicates at most n bytes and NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* True when s is a number literal as JSON writes one: "-1", "0.5", "2e3" (not "01",
 * ".5", "1.", "+1"). */
int str_is_number(const char *s);
/* Number of UTF-8 code points in s (the display width of our data: every character of
 * it is one terminal cell wide). NULL is 0. */
size_t utf8_len(const char *s);
/* True when s is valid UTF-8 of length n (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t n);
/* Trims ASCII whitespace at both ends in place; returns s. */
char *str_trim(char *s);
/* Replaces, in place, every control character of s (C0 including tab and newline, DEL,
 * and the UTF-8-encoded C1 range U+0080..U+009F) by a space, so text that came from
 * outside cannot break a log line or a listing or send terminal escapes. Returns s
 * (NULL-safe). */
char *str_scrub_controls(char *s);
/* Case-insensitive ASCII comparison. */
int str_ieq(const char *a, const char *b);

#endif

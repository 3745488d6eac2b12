/* Validation of Indonesian identifiers (NIB, certificate and registration numbers, KBLI,
 * Kemendagri region codes) with messages that quote the value and say what is wrong. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/banned.h"

/* Longest part of a value quoted in a message: keeps the message readable and inside
 * HT_ERR_MSG_MAX even for a megabyte of garbage. */
#define IDENT_QUOTE_MAX 40

/* Copies s into out for quoting, cut at IDENT_QUOTE_MAX bytes with "..." and with
 * control bytes shown as '?', so a message is always one printable line. */
static const char *quote(const char *s, char out[static IDENT_QUOTE_MAX + 4])
{
    size_t i;

    for (i = 0; s[i] && i < IDENT_QUOTE_MAX; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (s[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* Position (1-based) of the first byte of s[0..n) that is not an ASCII digit, or 0. */
static size_t first_nondigit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return i + 1;
    return 0;
}

static size_t count_digits(const char *s)
{
    size_t n = 0;

    while (isdigit((unsigned char)s[n]))
        n++;
    return n;
}

/* A value made only of `want` digits; what names the identifier in messages. */
static int check_digits(const char *what, const char *s, size_t want, struct ht_err *err)
{
    char q[IDENT_QUOTE_MAX + 4];
    size_t len, pos;

    if (!s || !*s) {
        ht_err_set(err, HT_EINVAL, _("%s is empty"), what);
        return -1;
    }
    len = strlen(s);
    if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[len - 1])) {
        ht_err_set(err, HT_EINVAL, _("%s '%s' has leading or trailing whitespace"), what,
                   quote(s, q));
        return -1;
    }
    pos = first_nondigit(s, len);
    if (pos) {
        ht_err_set(err, HT_EINVAL, _("%s '%s' contains a non-digit at position %zu"),
                   what, quote(s, q), pos);
        return -1;
    }
    if (len != want) {
        ht_err_set(err, HT_EINVAL, _("%s '%s' has %zu digits, expected %zu"), what,
                   quote(s, q), len, want);
        return -1;
    }
    return 0;
}

int ident_check_nib(const char *s, struct ht_err *err)
{
    return check_digits("NIB", s, 13, err);
}

int ident_check_kbli(const char *s, struct ht_err *err)
{
    return check_digits("KBLI", s, 5, err);
}

int ident_check_certificate_no(const char *s, struct ht_err *err)
{
    char q[IDENT_QUOTE_MAX + 4];
    size_t len, pos;

    if (!s || !*s) {
        ht_err_set(err, HT_EINVAL, _("certificate number is empty"));
        return -1;
    }
    if (strncmp(s, "ID", 2) != 0) {
        ht_err_set(
            err, HT_EINVAL,
            _("certificate number '%s' does not start with 'ID' (expected 'ID' and 17 "
              "digits)"),
            quote(s, q));
        return -1;
    }
    len = strlen(s + 2);
    pos = first_nondigit(s + 2, len);
    if (pos) {
        ht_err_set(err, HT_EINVAL,
                   _("certificate number '%s' contains a non-digit at position %zu"),
                   quote(s, q), pos + 2);
        return -1;
    }
    if (len != 17) {
        ht_err_set(err, HT_EINVAL,
                   _("certificate number '%s' has %zu digits after 'ID', expected 17"),
                   quote(s, q), len);
        return -1;
    }
    return 0;
}

int ident_check_no_daftar(const char *s, struct ht_err *err)
{
    char q[IDENT_QUOTE_MAX + 4];
    const char *p;
    size_t n;

    if (!s || !*s) {
        ht_err_set(err, HT_EINVAL, _("registration number is empty"));
        return -1;
    }
    if (strncmp(s, "SH", 2) != 0) {
        ht_err_set(err, HT_EINVAL,
                   _("registration number '%s' does not start with 'SH' (expected "
                     "SH<year>-<n>-<number>)"),
                   quote(s, q));
        return -1;
    }
    p = s + 2;
    n = count_digits(p);
    if (n != 4) {
        ht_err_set(err, HT_EINVAL,
                   _("registration number '%s' has no 4-digit year after 'SH' (expected "
                     "SH<year>-<n>-<number>)"),
                   quote(s, q));
        return -1;
    }
    p += 4;
    if (*p != '-') {
        ht_err_set(err, HT_EINVAL,
                   _("registration number '%s' lacks '-' after the year (expected "
                     "SH<year>-<n>-<number>)"),
                   quote(s, q));
        return -1;
    }
    p++;
    n = count_digits(p);
    if (n == 0 || p[n] != '-') {
        ht_err_set(err, HT_EINVAL,
                   _("registration number '%s' has no digits between the year and the "
                     "number (expected SH<year>-<n>-<number>)"),
                   quote(s, q));
        return -1;
    }
    p += n + 1;
    n = count_digits(p);
    if (p[n] != '\0') {
        ht_err_set(err, HT_EINVAL,
                   _("registration number '%s' contains a non-digit at position %zu"),
                   quote(s, q), (size_t)(p - s) + n + 1);
        return -1;
    }
    if (n < 6) {
        ht_err_set(
            err, HT_EINVAL,
            _("registration number '%s' ends with %zu digits, expected at least 6"),
            quote(s, q), n);
        return -1;
    }
    return 0;
}

int ident_check_region_code(const char *s, enum region_level *level, struct ht_err *err)
{
    /* Widths of the dot-separated parts: provinsi, kabupaten/kota, kecamatan, desa. */
    static const size_t widths[] = {2, 2, 2, 4};
    char q[IDENT_QUOTE_MAX + 4];
    const char *p;
    size_t part = 0;

    if (!s || !*s) {
        ht_err_set(err, HT_EINVAL, _("region code is empty"));
        return -1;
    }
    p = s;
    for (;;) {
        size_t n = count_digits(p);
        int zero = 1;

        if (part == HT_ARRAY_LEN(widths)) {
            ht_err_set(err, HT_EINVAL,
                       _("region code '%s' has more than 4 parts (expected e.g. "
                         "35.75.01.1001)"),
                       quote(s, q));
            return -1;
        }
        if (p[n] != '\0' && p[n] != '.') {
            ht_err_set(
                err, HT_EINVAL,
                _("region code '%s' contains '%c' at position %zu (expected digits "
                  "and dots, e.g. 35.75.01.1001)"),
                quote(s, q), isprint((unsigned char)p[n]) ? p[n] : '?',
                (size_t)(p - s) + n + 1);
            return -1;
        }
        if (n != widths[part]) {
            ht_err_set(err, HT_EINVAL,
                       _("region code '%s': part %zu has %zu digits, expected %zu"),
                       quote(s, q), part + 1, n, widths[part]);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            zero = zero && p[i] == '0';
        if (zero) {
            ht_err_set(err, HT_EINVAL, _("region code '%s': part %zu is zero"),
                       quote(s, q), part + 1);
            return -1;
        }
        part++;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    if (level)
        *level = (enum region_level)part;
    return 0;
}

const char *ident_region_level_name(enum region_level level)
{
    switch (level) {
    case REGION_PROVINSI:
        return "provinsi";
    case REGION_KABKOTA:
        return "kabkota";
    case REGION_KECAMATAN:
        return "kecamatan";
    case REGION_KELURAHAN:
        return "kelurahan";
    }
    return "unknown";
}

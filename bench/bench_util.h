/* Small helpers shared by the benchmark programs (timing, COPY text escaping, JSON-safe
 * output of measured figures). Header-only: each program is one .c file. */
#ifndef HALALTRACK_BENCH_UTIL_H
#define HALALTRACK_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "halaltrack/api_paths.h"
#include "halaltrack/buf.h"

/* Monotonic seconds. */
static inline double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set of this process in KiB (getrusage). */
static inline long bench_peak_rss_kib(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru))
        return -1;
    return ru.ru_maxrss;
}

/* Writes s as one field of PostgreSQL COPY text format (\N for NULL). */
static inline void bench_copy_field(FILE *fp, const char *s)
{
    if (!s) {
        fputs("\\N", fp);
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            fputs("\\\\", fp);
            break;
        case '\t':
            fputs("\\t", fp);
            break;
        case '\n':
            fputs("\\n", fp);
            break;
        case '\r':
            fputs("\\r", fp);
            break;
        default:
            fputc(*s, fp);
            break;
        }
    }
}

/* Finds "key":"value" in a JSON text without parsing it (the bare loops must not parse)
 * and copies value into out. Returns 0, or -1 when absent or too long. Only for simple
 * string values without escapes (tokens, id_reg). */
static inline int bench_json_peek(const char *json, const char *key, char *out, size_t n)
{
    char pat[64];
    const char *p, *e;

    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    p = strstr(json, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= n)
        return -1;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return 0;
}

/* Same for an integer value ("key":123). Returns 0 or -1. */
static inline int bench_json_peek_long(const char *json, const char *key, long *out)
{
    char pat[64];
    const char *p;
    char *end;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(json, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    if (*p == '"')
        p++; /* tolerate string numbers */
    *out = strtol(p, &end, 10);
    return end == p ? -1 : 0;
}

/* The URL of API path p on base (every path from the one table, lib/api_paths.c), the id
 * in its {id} hole (NULL when it has none), query appended ("page=1&size=100", or NULL).
 * Returns 0, or -1 (out = "", so the request fails visibly) when it does not fit or the
 * id is not a plain identifier. */
static inline int bench_url(char *out, size_t n, const char *base, enum api_path p,
                            const char *id, const char *query)
{
    struct buf b = BUF_INIT(1024);
    int rc = -1;

    if (api_url_build(&b, base, p, id, NULL) == 0 &&
        (size_t)snprintf(out, n, "%s%s%s", buf_str(&b), query && *query ? "?" : "",
                         query ? query : "") < n)
        rc = 0;
    else if (n)
        out[0] = '\0';
    buf_release(&b);
    return rc;
}

/* The detail path of an application from its channel_id (CH003/CH004) or its list row's
 * jenis_daftar ("Self Declare"): self-declare, else reguler (as the daemon chooses). */
static inline enum api_path bench_detail_path(const char *channel, const char *jenis)
{
    if (channel && (!strcmp(channel, "CH003") || !strcmp(channel, "CH004")))
        return API_DETAIL_SELF_DECLARE;
    if (jenis && (jenis[0] == 'S' || jenis[0] == 's'))
        return API_DETAIL_SELF_DECLARE;
    return API_DETAIL_REGULER;
}

#endif

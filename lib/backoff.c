/* Retry delays (full jitter), Retry-After parsing and the circuit breaker: pure logic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "halaltrack/backoff.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

long backoff_delay_ms(int attempt, long base_ms, long max_ms, double rnd)
{
    double cap = (double)base_ms;

    if (attempt < 0)
        attempt = 0;
    for (int i = 0; i < attempt && cap < (double)max_ms; i++)
        cap *= 2;
    if (cap > (double)max_ms)
        cap = (double)max_ms;
    if (rnd < 0)
        rnd = 0;
    if (rnd >= 1)
        rnd = 0.999999;
    return (long)(cap * rnd);
}

static int month_index(const char *m)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncmp(m, names[i], 3) == 0)
            return i + 1;
    return 0;
}

/* Days from civil (Howard Hinnant), via util's date_to_days. */
int backoff_http_date(const char *v, int64_t *out)
{
    char wd[16], mon[8];
    int d, y, hh, mm, ss, mi;
    struct ht_date dt;

    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(v, "%15[A-Za-z], %d %3s %d %d:%d:%d GMT", wd, &d, mon, &y, &hh, &mm,
               &ss) == 7)
        goto ok;
    /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
    if (sscanf(v, "%15[A-Za-z], %d-%3s-%d %d:%d:%d GMT", wd, &d, mon, &y, &hh, &mm,
               &ss) == 7) {
        if (y < 100)
            y += y < 70 ? 2000 : 1900;
        goto ok;
    }
    /* asctime: Sun Nov  6 08:49:37 1994 */
    if (sscanf(v, "%15s %3s %d %d:%d:%d %d", wd, mon, &d, &hh, &mm, &ss, &y) == 7)
        goto ok;
    return -1;
ok:
    mi = month_index(mon);
    if (!mi || !date_valid(y, mi, d) || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
        ss < 0 || ss > 60)
        return -1;
    dt.y = y;
    dt.m = mi;
    dt.d = d;
    *out = date_to_days(dt) * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}

int backoff_retry_after(const char *value, int64_t now, long cap_s, long *out_s)
{
    long secs;
    int64_t when;

    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (parse_int(value, 0, 1000000000L, &secs, NULL) == 0) {
        /* delta-seconds */
    } else if (backoff_http_date(value, &when) == 0) {
        secs = when > now ? (long)(when - now) : 0;
    } else {
        return -1;
    }
    if (secs > cap_s)
        secs = cap_s;
    *out_s = secs;
    return 0;
}

void breaker_init(struct breaker *b, int threshold, int64_t cooldown_ms)
{
    memset(b, 0, sizeof(*b));
    b->threshold = threshold > 0 ? threshold : 1;
    b->cooldown_ms = cooldown_ms;
}

int breaker_allow(struct breaker *b, int64_t now_ms)
{
    if (b->state == BREAKER_OPEN && now_ms - b->opened_at >= b->cooldown_ms)
        b->state = BREAKER_HALF_OPEN;
    return b->state != BREAKER_OPEN;
}

int breaker_success(struct breaker *b)
{
    int changed = b->state != BREAKER_CLOSED;

    b->state = BREAKER_CLOSED;
    b->failures = 0;
    return changed;
}

int breaker_failure(struct breaker *b, int64_t now_ms)
{
    b->failures++;
    if (b->state == BREAKER_HALF_OPEN ||
        (b->state == BREAKER_CLOSED && b->failures >= b->threshold)) {
        b->state = BREAKER_OPEN;
        b->opened_at = now_ms;
        b->opens++;
        return 1;
    }
    return 0;
}

const char *breaker_state_name(enum breaker_state s)
{
    switch (s) {
    case BREAKER_CLOSED:
        return "closed";
    case BREAKER_OPEN:
        return "open";
    case BREAKER_HALF_OPEN:
        return "half_open";
    }
    return "?";
}

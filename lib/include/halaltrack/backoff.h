/* Retry timing and a circuit breaker: pure functions of their inputs (no I/O, no clock).
 */
#ifndef HALALTRACK_BACKOFF_H
#define HALALTRACK_BACKOFF_H

#include <stdint.h>
#include "halaltrack/compat.h"

/* Exponential backoff with full jitter: a uniform delay in [0, min(max_ms,
 * base_ms*2^attempt)]. attempt counts from 0. rnd is a caller-supplied random value in
 * [0, 1). */
long backoff_delay_ms(int attempt, long base_ms, long max_ms, double rnd);

/* Parses a Retry-After value: delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", also the RFC 850 and asctime forms) relative to now
 * (seconds since the epoch). The result is capped at cap_s and never negative.
 * Returns 0, or -1 when the value is not understood. */
int backoff_retry_after(const char *value, int64_t now, long cap_s, long *out_s);

/* Parses an HTTP date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 or asctime)
 * into seconds since the epoch. Returns 0, or -1 when the value is not one. */
int backoff_http_date(const char *value, int64_t *out);

/* Circuit breaker: closed -> open after threshold consecutive failures; open refuses work
 * until cooldown has passed, then half-open lets one probe through; a success closes it,
 * a failure opens it again. */
enum breaker_state { BREAKER_CLOSED = 0, BREAKER_OPEN, BREAKER_HALF_OPEN };

struct breaker {
    enum breaker_state state;
    int failures; /* consecutive */
    int threshold;
    int64_t cooldown_ms;
    int64_t opened_at; /* ms (caller's monotonic clock) */
    long opens;        /* times it opened, for metrics */
};

void breaker_init(struct breaker *b, int threshold, int64_t cooldown_ms);
/* True when a request may be sent now (moves open -> half-open after the cooldown). */
int breaker_allow(struct breaker *b, int64_t now_ms);
/* Records an outcome. Returns 1 when this call changed the state (so the caller logs it).
 */
int breaker_success(struct breaker *b);
int breaker_failure(struct breaker *b, int64_t now_ms);
const char *breaker_state_name(enum breaker_state s);

#endif

/* Unit tests for retry delays (full jitter, capped), Retry-After in both forms, and the
 * circuit breaker's state machine. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/backoff.h"

TestSuite(backoff);

Test(backoff, full_jitter_is_bounded_and_grows)
{
    cr_assert(eq(long, backoff_delay_ms(0, 100, 10000, 0.0), 0));
    cr_assert(eq(long, backoff_delay_ms(0, 100, 10000, 0.5), 50));
    cr_assert(eq(long, backoff_delay_ms(3, 100, 10000, 0.5), 400));
    cr_assert(eq(long, backoff_delay_ms(30, 100, 10000, 0.5), 5000)); /* capped at max */
    cr_assert(backoff_delay_ms(30, 100, 10000, 0.9999999) < 10000);
    for (int a = 0; a < 40; a++)
        cr_assert(backoff_delay_ms(a, 100, 10000, 0.999) <= 10000);
}

Test(backoff, retry_after_seconds)
{
    long s;
    cr_assert(eq(int, backoff_retry_after("7", 0, 60, &s), 0));
    cr_assert(eq(long, s, 7));
    cr_assert(eq(int, backoff_retry_after("  120", 0, 60, &s), 0));
    cr_assert(eq(long, s, 60)); /* capped */
    cr_assert(eq(int, backoff_retry_after("-3", 0, 60, &s), -1));
    cr_assert(eq(int, backoff_retry_after("soon", 0, 60, &s), -1));
    cr_assert(eq(int, backoff_retry_after(NULL, 0, 60, &s), -1));
}

Test(backoff, retry_after_http_date)
{
    long s;
    /* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
    cr_assert(eq(
        int, backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770, 60, &s), 0));
    cr_assert(eq(long, s, 7));
    cr_assert(eq(int,
                 backoff_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", 784111770, 60, &s),
                 0));
    cr_assert(eq(long, s, 7));
    cr_assert(
        eq(int, backoff_retry_after("Sun Nov  6 08:49:37 1994", 784111770, 60, &s), 0));
    cr_assert(eq(long, s, 7));
    /* in the past: retry now */
    cr_assert(eq(
        int, backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111900, 60, &s), 0));
    cr_assert(eq(long, s, 0));
    /* far future: capped */
    cr_assert(
        eq(int, backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0, 60, &s), 0));
    cr_assert(eq(long, s, 60));
    cr_assert(
        eq(int, backoff_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", 0, 60, &s), -1));
}

Test(backoff, breaker_opens_cools_down_and_closes)
{
    struct breaker b;

    breaker_init(&b, 3, 1000);
    cr_assert(breaker_allow(&b, 0) != 0);
    cr_assert(eq(int, breaker_failure(&b, 10), 0));
    cr_assert(eq(int, breaker_failure(&b, 20), 0));
    cr_assert(eq(int, breaker_failure(&b, 30), 1)); /* third failure opens it */
    cr_assert(eq(int, b.state, BREAKER_OPEN));
    cr_assert(breaker_allow(&b, 500) == 0);
    cr_assert(breaker_allow(&b, 1030) != 0); /* cooldown over: one probe */
    cr_assert(eq(int, b.state, BREAKER_HALF_OPEN));
    cr_assert(eq(int, breaker_failure(&b, 1040), 1)); /* the probe failed: open again */
    cr_assert(breaker_allow(&b, 1500) == 0);
    cr_assert(breaker_allow(&b, 2040) != 0);
    cr_assert(eq(int, breaker_success(&b), 1));
    cr_assert(eq(int, b.state, BREAKER_CLOSED));
    cr_assert(eq(long, b.opens, 2));
    cr_assert(eq(str, (char *)breaker_state_name(BREAKER_HALF_OPEN), "half_open"));
}

Test(backoff, success_resets_the_count)
{
    struct breaker b;

    breaker_init(&b, 2, 1000);
    breaker_failure(&b, 0);
    breaker_success(&b);
    cr_assert(eq(int, breaker_failure(&b, 0), 0));
    cr_assert(eq(int, b.state, BREAKER_CLOSED));
}

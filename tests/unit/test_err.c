/* Unit tests for struct ht_err: the first error wins, every call is NULL-safe. */
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/err.h"

TestSuite(err);

Test(err, starts_clear)
{
    struct ht_err e = HT_ERR_INIT;

    cr_assert_not(ht_err_isset(&e));
    cr_assert(eq(int, e.code, HT_EOK));
    cr_assert(eq(str, e.msg, ""));
}

Test(err, set_formats_message)
{
    struct ht_err e = HT_ERR_INIT;

    ht_err_set(&e, HT_EPARSE, "cannot parse '%s' at line %d", "x.csv", 7);
    cr_assert(ht_err_isset(&e));
    cr_assert(eq(int, e.code, HT_EPARSE));
    cr_assert(eq(str, e.msg, "cannot parse 'x.csv' at line 7"));
}

Test(err, first_error_wins)
{
    struct ht_err e = HT_ERR_INIT;

    ht_err_set(&e, HT_EIO, "root cause");
    ht_err_set(&e, HT_EDB, "consequence");
    cr_assert(eq(int, e.code, HT_EIO));
    cr_assert(eq(str, e.msg, "root cause"));
}

Test(err, clear_allows_a_new_error)
{
    struct ht_err e = HT_ERR_INIT;

    ht_err_set(&e, HT_EIO, "first");
    ht_err_clear(&e);
    cr_assert_not(ht_err_isset(&e));
    cr_assert(eq(str, e.msg, ""));
    ht_err_set(&e, HT_ETIMEOUT, "second");
    cr_assert(eq(int, e.code, HT_ETIMEOUT));
    cr_assert(eq(str, e.msg, "second"));
}

Test(err, null_safe)
{
    ht_err_set(NULL, HT_EIO, "ignored %d", 1);
    ht_err_clear(NULL);
    cr_assert_not(ht_err_isset(NULL));
}

Test(err, ok_code_is_recorded_as_invalid)
{
    /* Setting "no error" would make the error invisible to ht_err_isset. */
    struct ht_err e = HT_ERR_INIT;

    ht_err_set(&e, HT_EOK, "oops");
    cr_assert(ht_err_isset(&e));
    cr_assert(eq(int, e.code, HT_EINVAL));
}

Test(err, long_message_is_truncated_and_terminated)
{
    struct ht_err e = HT_ERR_INIT;
    char big[1000];

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ht_err_set(&e, HT_ELIMIT, "%s", big);
    cr_assert(eq(sz, strlen(e.msg), HT_ERR_MSG_MAX - 1));
}

Test(err, code_names)
{
    cr_assert(eq(str, (char *)ht_errc_name(HT_EOK), "ok"));
    cr_assert(eq(str, (char *)ht_errc_name(HT_EPARSE), "parse"));
    cr_assert(eq(str, (char *)ht_errc_name(HT_EDBCONN), "dbconn"));
    cr_assert(eq(str, (char *)ht_errc_name(HT_ESTATE), "state"));
    cr_assert(eq(str, (char *)ht_errc_name((enum ht_errc)999), "unknown"));
    cr_assert(eq(str, (char *)ht_errc_name((enum ht_errc) - 1), "unknown"));
    /* Every code has a distinct name. */
    for (int a = HT_EOK; a <= HT_ESTATE; a++)
        for (int b = a + 1; b <= HT_ESTATE; b++)
            cr_assert(ne(str, (char *)ht_errc_name(a), (char *)ht_errc_name(b)));
}

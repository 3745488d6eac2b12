/* Unit tests for struct buf: appends, formatting, the hard cap, detach and consume. */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/buf.h"

TestSuite(buf);

Test(buf, empty_buffer_reads_as_empty_string)
{
    struct buf b = BUF_INIT(16);

    cr_assert(eq(str, (char *)buf_str(&b), ""));
    cr_assert(eq(sz, b.len, 0));
    cr_assert_null(b.ptr);
    buf_release(&b);
}

Test(buf, add_and_addch_and_adds)
{
    struct buf b;

    buf_init(&b, 64);
    cr_assert(eq(int, buf_add(&b, "abc", 3), 0));
    cr_assert(eq(int, buf_addch(&b, '-'), 0));
    cr_assert(eq(int, buf_adds(&b, "def"), 0));
    cr_assert(eq(str, (char *)buf_str(&b), "abc-def"));
    cr_assert(eq(sz, b.len, 7));
    cr_assert(eq(int, buf_add(&b, "", 0), 0));
    cr_assert(eq(sz, b.len, 7));
    buf_release(&b);
    cr_assert(eq(sz, b.len, 0));
    cr_assert(eq(sz, b.max, 64));
}

Test(buf, binary_data_with_nul)
{
    struct buf b = BUF_INIT(64);

    cr_assert(eq(int, buf_add(&b, "a\0b", 3), 0));
    cr_assert(eq(sz, b.len, 3));
    cr_assert(eq(int, memcmp(b.ptr, "a\0b", 4), 0)); /* still NUL-terminated */
    buf_release(&b);
}

Test(buf, addf_formats_and_appends)
{
    struct buf b = BUF_INIT(1024);

    cr_assert(eq(int, buf_addf(&b, "n=%d", 42), 0));
    cr_assert(eq(int, buf_addf(&b, " s=%s x=%04x", "ok", 255), 0));
    cr_assert(eq(str, (char *)buf_str(&b), "n=42 s=ok x=00ff"));
    buf_release(&b);
}

Test(buf, addf_grows_past_initial_allocation)
{
    struct buf b = BUF_INIT(BUF_CAP_SMALL);

    for (int i = 0; i < 1000; i++)
        cr_assert(eq(int, buf_addf(&b, "%04d,", i), 0));
    cr_assert(eq(sz, b.len, 5000));
    cr_assert(eq(int, strncmp(b.ptr + 4995, "0999,", 5), 0));
    cr_assert(ge(sz, b.cap, b.len + 1));
    buf_release(&b);
}

Test(buf, add_up_to_cap_succeeds)
{
    struct buf b = BUF_INIT(8);

    cr_assert(eq(int, buf_adds(&b, "12345678"), 0));
    cr_assert(eq(str, (char *)buf_str(&b), "12345678"));
    buf_release(&b);
}

Test(buf, add_past_cap_fails_and_releases)
{
    struct buf b = BUF_INIT(8);

    cr_assert(eq(int, buf_adds(&b, "12345"), 0));
    cr_assert(eq(int, buf_adds(&b, "6789"), -1));
    cr_assert_null(b.ptr);
    cr_assert(eq(sz, b.len, 0));
    cr_assert(eq(sz, b.cap, 0));
    cr_assert(eq(sz, b.max, 8)); /* still usable with the same cap */
    cr_assert(eq(int, buf_adds(&b, "again"), 0));
    cr_assert(eq(str, (char *)buf_str(&b), "again"));
    buf_release(&b);
}

Test(buf, addch_past_cap_fails)
{
    struct buf b = BUF_INIT(2);

    cr_assert(eq(int, buf_addch(&b, 'a'), 0));
    cr_assert(eq(int, buf_addch(&b, 'b'), 0));
    cr_assert(eq(int, buf_addch(&b, 'c'), -1));
    cr_assert(eq(sz, b.len, 0));
    buf_release(&b);
}

Test(buf, addf_past_cap_fails_and_releases)
{
    struct buf b = BUF_INIT(10);

    cr_assert(eq(int, buf_addf(&b, "%s", "abc"), 0));
    cr_assert(eq(int, buf_addf(&b, "%08d", 1), -1));
    cr_assert_null(b.ptr);
    cr_assert(eq(sz, b.len, 0));
    buf_release(&b);
}

Test(buf, huge_add_does_not_overflow)
{
    struct buf b = BUF_INIT(BUF_CAP_LINE);

    cr_assert(eq(int, buf_adds(&b, "x"), 0));
    cr_assert(eq(int, buf_add(&b, "y", (size_t)-1), -1));
    cr_assert(eq(sz, b.len, 0));
    buf_release(&b);
}

Test(buf, detach_moves_ownership)
{
    struct buf b = BUF_INIT(64);
    char *s;

    cr_assert(eq(int, buf_adds(&b, "hello"), 0));
    s = buf_detach(&b);
    cr_assert(eq(str, s, "hello"));
    cr_assert_null(b.ptr);
    cr_assert(eq(sz, b.len, 0));
    cr_assert(eq(sz, b.max, 64));
    free(s);
}

Test(buf, detach_of_empty_gives_allocated_empty_string)
{
    struct buf b = BUF_INIT(64);
    char *s = buf_detach(&b);

    cr_assert_not_null(s);
    cr_assert(eq(str, s, ""));
    free(s);
}

Test(buf, reset_keeps_allocation)
{
    struct buf b = BUF_INIT(64);
    char *p;

    cr_assert(eq(int, buf_adds(&b, "abcdef"), 0));
    p = b.ptr;
    buf_reset(&b);
    cr_assert(eq(str, (char *)buf_str(&b), ""));
    cr_assert(eq(ptr, b.ptr, p));
    cr_assert(eq(int, buf_adds(&b, "x"), 0));
    cr_assert(eq(str, (char *)buf_str(&b), "x"));
    buf_release(&b);
}

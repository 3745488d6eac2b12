/* The one JSON writer: escaping, numbers as jansson printed them, both layouts, errors.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/jsonw.h"

TestSuite(jsonw);

static char *quote(const char *s, unsigned flags)
{
    struct buf b = BUF_INIT(4096);
    char *out;

    cr_assert_eq(jsonw_quote(&b, s, flags), 0);
    out = buf_detach(&b);
    cr_assert(out);
    return out;
}

Test(jsonw, quote_escapes_and_keeps_utf8)
{
    char *s = quote("a\"b\\c\nd\te\x01 /Pasuruan é", 0);

    cr_assert_str_eq(s, "\"a\\\"b\\\\c\\nd\\te\\u0001 /Pasuruan é\"");
    free(s);
    s = quote(NULL, 0);
    cr_assert_str_eq(s, "null");
    free(s);
}

Test(jsonw, quote_ascii_uses_u_escapes_and_surrogates)
{
    char *s = quote("é \xF0\x9F\x98\x80", JSONW_ASCII); /* é, U+1F600 */

    cr_assert_str_eq(s, "\"\\u00E9 \\uD83D\\uDE00\"");
    free(s);
}

Test(jsonw, invalid_utf8_becomes_replacement_character)
{
    char *s = quote("a\xC3(b\xED\xA0\x80", JSONW_ASCII); /* truncated, then a surrogate */

    cr_assert_str_eq(s, "\"a\\uFFFD(b\\uFFFD\\uFFFD\\uFFFD\"");
    free(s);
    s = quote("x\xFFy", 0);
    cr_assert_str_eq(s, "\"x\xEF\xBF\xBDy\"");
    free(s);
}

/* Writes the same document in a layout and returns it. */
static char *document(unsigned flags)
{
    struct buf b = BUF_INIT(4096);
    struct jsonw w;
    char *out;

    jsonw_init(&w, &b, NULL, flags);
    jsonw_begin_object(&w);
    jsonw_key(&w, "week");
    jsonw_str(&w, "2026-W01");
    jsonw_key(&w, "n");
    jsonw_int(&w, -3);
    jsonw_key(&w, "rate");
    jsonw_real(&w, 0.3);
    jsonw_key(&w, "whole");
    jsonw_real(&w, 20.0);
    jsonw_key(&w, "none");
    jsonw_begin_array(&w);
    jsonw_end_array(&w);
    jsonw_key(&w, "list");
    jsonw_begin_array(&w);
    jsonw_bool(&w, 1);
    jsonw_null(&w);
    jsonw_number_text(&w, "0.5");
    jsonw_number_text(&w, "1/2");
    jsonw_begin_object(&w);
    jsonw_end_object(&w);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    cr_assert_eq(jsonw_finish(&w), 0);
    out = buf_detach(&b);
    cr_assert(out);
    return out;
}

Test(jsonw, compact_layout)
{
    char *s = document(0);

    cr_assert_str_eq(s,
                     "{\"week\":\"2026-W01\",\"n\":-3,\"rate\":0.29999999999999999,"
                     "\"whole\":20.0,\"none\":[],\"list\":[true,null,0.5,\"1/2\",{}]}\n");
    free(s);
}

/* The pretty layout is byte for byte what jansson's JSON_INDENT(2) |
 * JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII wrote, which the report goldens hold. */
Test(jsonw, pretty_layout_matches_jansson)
{
    char *s = document(JSONW_PRETTY | JSONW_ASCII);
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    char *want;

    cr_assert(j, "%s: %s", e.text, s);
    want = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    cr_assert(want);
    cr_assert_eq(strlen(s), strlen(want) + 1);
    cr_assert(strncmp(s, want, strlen(want)) == 0, "got:\n%s\njansson:\n%s", s, want);
    free(want);
    json_decref(j);
    free(s);
}

Test(jsonw, reals_are_printed_as_jansson_prints_them)
{
    static const double v[] = {0.1, 1e20, 1.5e-7, -2.0, 123456789.125, 1e300};

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct buf b = BUF_INIT(256);
        struct jsonw w;
        json_t *j = json_real(v[i]);
        char *want = json_dumps(j, JSON_ENCODE_ANY);

        jsonw_init(&w, &b, NULL, 0);
        jsonw_real(&w, v[i]);
        cr_assert_eq(jsonw_finish(&w), 0);
        cr_assert(strncmp(buf_str(&b), want, strlen(want)) == 0, "%g: %s vs %s", v[i],
                  buf_str(&b), want);
        free(want);
        json_decref(j);
        buf_release(&b);
    }
}

Test(jsonw, non_finite_reals_are_null)
{
    struct buf b = BUF_INIT(256);
    struct jsonw w;

    jsonw_init(&w, &b, NULL, 0);
    jsonw_begin_array(&w);
    jsonw_real(&w, NAN);
    jsonw_real(&w, INFINITY);
    jsonw_end_array(&w);
    cr_assert_eq(jsonw_finish(&w), 0);
    cr_assert_str_eq(buf_str(&b), "[null,null]\n");
    buf_release(&b);
}

/* A number cell is written as it is when it is a JSON number literal, else quoted. */
static const char *as_number(const char *text)
{
    static char out[64];
    struct buf b = BUF_INIT(256);
    struct jsonw w;

    jsonw_init(&w, &b, NULL, 0);
    cr_assert_eq(jsonw_number_text(&w, text), 0);
    cr_assert_eq(jsonw_finish(&w), 0);
    snprintf(out, sizeof(out), "%s", buf_str(&b));
    buf_release(&b);
    return out;
}

Test(jsonw, number_literals)
{
    const char *good[] = {"0", "-1", "12.50", "2e3", "-0.5E-2"};
    const char *bad[] = {"", "-", "01", ".5", "1.", "1e", "0x1", "1 ", "NaN"};
    char want[64];

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        snprintf(want, sizeof(want), "%s\n", good[i]);
        cr_assert_str_eq(as_number(good[i]), want);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(want, sizeof(want), "\"%s\"\n", bad[i]);
        cr_assert_str_eq(as_number(bad[i]), want);
    }
    cr_assert_str_eq(as_number(NULL), "null\n");
}

Test(jsonw, errors_are_sticky)
{
    struct buf b = BUF_INIT(16);
    struct jsonw w;

    jsonw_init(&w, &b, NULL, 0);
    jsonw_begin_array(&w);
    cr_assert_eq(jsonw_str(&w, "longer than the sixteen byte cap"), -1);
    cr_assert_eq(jsonw_int(&w, 1), -1, "after a failure every call fails");
    jsonw_end_array(&w);
    cr_assert_eq(jsonw_finish(&w), -1);
    buf_release(&b);

    buf_init(&b, 4096);
    jsonw_init(&w, &b, NULL, 0);
    jsonw_begin_object(&w);
    cr_assert_eq(jsonw_int(&w, 1), -1, "a member needs a key");
    buf_release(&b);

    buf_init(&b, 4096);
    jsonw_init(&w, &b, NULL, 0);
    for (int i = 0; i < JSONW_MAX_DEPTH; i++)
        cr_assert_eq(jsonw_begin_array(&w), 0);
    cr_assert_eq(jsonw_begin_array(&w), -1, "nesting is bounded");
    buf_release(&b);
}

Test(jsonw, streams_to_a_file)
{
    struct buf b = BUF_INIT(JSONW_FLUSH_AT * 2);
    struct jsonw w;
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    json_t *j;

    cr_assert(fp);
    jsonw_init(&w, &b, fp, JSONW_PRETTY);
    jsonw_begin_array(&w);
    for (int i = 0; i < 100000; i++)
        jsonw_int(&w, i);
    jsonw_end_array(&w);
    cr_assert_eq(jsonw_finish(&w), 0, "a cap of two flushes is enough for any size");
    fclose(fp);
    j = json_loads(text, 0, NULL);
    cr_assert(j && json_array_size(j) == 100000);
    json_decref(j);
    free(text);
    buf_release(&b);
}

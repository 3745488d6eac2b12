/* The output layer: 80-column tables (narrow, keep, elision), CSV quoting and formula
 * defusing, JSON types, formats, several tables in one output. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/out.h"

TestSuite(out);

static char *render(const struct out_table *t, enum out_format f, int color)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);

    cr_assert(fp);
    cr_assert_eq(out_table_write(fp, t, f, color), 0);
    fclose(fp);
    return buf;
}

static const struct out_col cols[] = {
    {"name", "name", OUT_NARROW}, {"kelurahan", "kelurahan", 0},
    {"done", "done", OUT_NUM},    {"note", "note", 0},
    {"id_reg", "", OUT_NO_TABLE},
};

static void fill(struct out_table *t)
{
    const char *r1[] = {"Usaha Dengan Nama Yang Sangat Panjang Sekali Untuk Diuji Lagi",
                        "Karangketug", "12", "catatan, dengan \"kutip\"", "A1"};
    const char *r2[] = {"Warung", "Gentong", "-3", NULL, "A2"};

    out_table_init(t, cols, 5);
    cr_assert(out_table_add(t, 0, r1) == 0);
    cr_assert(out_table_add(t, 'r', r2) == 0);
}

/* Asserts every line of out is at most width cells and holds no escape sequence. */
static void fits(const char *out, size_t width)
{
    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n"), w = 0;

        for (size_t i = 0; i < n; i++)
            w += ((unsigned char)line[i] & 0xC0) != 0x80;
        cr_assert(w <= width, "line of %zu cells: %.*s", w, (int)n, line);
        cr_assert(!memchr(line, '\033', n), "an escape sequence: %.*s", (int)n, line);
        line += n + (line[n] == '\n');
    }
}

Test(out, text_table_fits_80_columns_cutting_the_narrow_column)
{
    struct out_table t;
    char *out;

    fill(&t);
    out = render(&t, OUT_TABLE, 0);
    fits(out, OUT_WIDTH);
    cr_assert(strstr(out, "Usaha Dengan Nama"), "%s", out);
    cr_assert(strstr(out, "…"), "the long name is cut with an ellipsis:\n%s", out);
    cr_assert(strstr(out, "Karangketug"), "an unflagged column is left whole:\n%s", out);
    cr_assert(strstr(out, "catatan, dengan \"kutip\""), "%s", out);
    cr_assert(!strstr(out, "A1"), "a CSV/JSON-only column is not in the table:\n%s", out);
    cr_assert(strstr(out, "     -3 "), "numbers right-aligned:\n%s", out);
    free(out);
    out_table_release(&t);
}

Test(out, colour_only_when_asked)
{
    struct out_table t;
    char *out;

    fill(&t);
    out = render(&t, OUT_TABLE, 1);
    cr_assert(strstr(out, "\033[31mWarung"), "%s", out);
    cr_assert(strstr(out, "\033[0m\n"), "%s", out);
    free(out);
    out_table_release(&t);
}

Test(out, keep_columns_are_never_cut_and_narrow_ones_are_left_out_last)
{
    static const struct out_col wide[] = {
        {"nib", "NIB", OUT_KEEP},
        {"a", "a", OUT_KEEP},
        {"b", "b", OUT_NARROW},
        {"c", "c", OUT_NARROW},
    };
    /* 13 + 56 + 6 + 6 and three gaps do not fit; without the last column they do. */
    const char *row[] = {"3575010000002",
                         "a value that stays whole because it is flagged keep, ok!",
                         "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc"};
    struct out_table t;
    char *out;

    out_table_init(&t, wide, 4);
    cr_assert(out_table_add(&t, 0, row) == 0);
    out = render(&t, OUT_TABLE, 0);
    cr_assert(strstr(out, row[0]), "%s", out);
    cr_assert(strstr(out, row[1]), "%s", out);
    cr_assert(strstr(out, "bbbbb…"), "narrow columns are cut to six cells first:\n%s",
              out);
    cr_assert(!strstr(out, "ccc"), "then the rightmost narrow column is left out:\n%s",
              out);
    fits(out, OUT_WIDTH);
    free(out);
    out_table_release(&t);
}

Test(out, terminal_never_sees_control_characters)
{
    static const struct out_col one[] = {{"reason", "reason", OUT_NARROW}};
    const char *row[] = {"bad \033[2Jcode\nsecond line"};
    struct out_table t;
    char *out;

    out_table_init(&t, one, 1);
    cr_assert(out_table_add(&t, 0, row) == 0);
    out = render(&t, OUT_TABLE, 0);
    cr_assert_str_eq(out, "reason\nbad  [2Jcode…\n");
    free(out);
    out_table_release(&t);
}

Test(out, csv_quotes_defuses_text_and_keeps_negative_numbers)
{
    static const struct out_col c2[] = {
        {"name", "name", 0},
        {"delta", "delta", OUT_NUM},
        {"table_only", "x", OUT_TABLE_ONLY},
    };
    const char *row[] = {"=HYPERLINK(\"http://evil\",\"klik\")", "-4", "never"};
    struct out_table t;
    char *out;

    fill(&t);
    out = render(&t, OUT_CSV, 0);
    cr_assert(strstr(out, "name,kelurahan,done,note,id_reg\r\n"), "%s", out);
    cr_assert(strstr(out, ",12,\"catatan, dengan \"\"kutip\"\"\",A1\r\n"), "%s", out);
    cr_assert(strstr(out, "Warung,Gentong,-3,,A2\r\n"), "%s", out);
    free(out);
    out_table_release(&t);

    out_table_init(&t, c2, 3);
    cr_assert(out_table_add(&t, 0, row) == 0);
    out = render(&t, OUT_CSV, 0);
    cr_assert_str_eq(out,
                     "name,delta\r\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\",-4"
                     "\r\n");
    free(out);
    out_table_release(&t);
}

Test(out, json_numbers_lists_and_nulls)
{
    static const struct out_col c3[] = {
        {"n", "n", OUT_NUM},
        {"tags", "tags", OUT_LIST},
        {"s", "s", 0},
        {"bad", "bad", OUT_NUM},
    };
    const char *row[] = {"0.3", "pendampingan;sehati2026", NULL, "n/a"};
    struct out_table t;
    char *out;
    json_t *j;

    fill(&t);
    out = render(&t, OUT_JSON, 0);
    cr_assert(strstr(out, "\"done\": 12"), "%s", out);
    cr_assert(strstr(out, "\"done\": -3"), "%s", out);
    cr_assert(strstr(out, "\"note\": null"), "%s", out);
    cr_assert(strstr(out, "\"kelurahan\": \"Gentong\""), "%s", out);
    cr_assert(strstr(out, "\"id_reg\": \"A2\""), "%s", out);
    free(out);
    out_table_release(&t);

    out_table_init(&t, c3, 4);
    cr_assert(out_table_add(&t, 0, row) == 0);
    out = render(&t, OUT_JSON, 0);
    j = json_loads(out, 0, NULL);
    cr_assert(j, "%s", out);
    cr_assert(strstr(out, "\"n\": 0.3,"), "a number cell is written as it is: %s", out);
    cr_assert_eq(json_array_size(json_object_get(json_array_get(j, 0), "tags")), 2);
    cr_assert(json_is_null(json_object_get(json_array_get(j, 0), "s")));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "bad")),
                     "n/a", "a numeric column that holds no number stays a string");
    json_decref(j);
    free(out);
    out_table_release(&t);
}

Test(out, sections_are_one_json_document)
{
    static const struct out_col c1[] = {{"k", "k", 0}};
    const char *row[] = {"v"};
    struct out_table a, b;
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    struct out_section s[2] = {{"goals", NULL, &a}, {"breakdown", "Breakdown", &b}};
    json_t *j;

    out_table_init(&a, c1, 1);
    out_table_init(&b, c1, 1);
    cr_assert(out_table_add(&a, 0, row) == 0);
    cr_assert(out_table_add(&b, 0, row) == 0);
    cr_assert_eq(out_write_sections(fp, s, 2, OUT_JSON, 0), 0);
    fclose(fp);
    j = json_loads(buf, 0, NULL);
    cr_assert(j, "one JSON value: %s", buf);
    cr_assert(json_is_array(json_object_get(j, "goals")));
    cr_assert(json_is_array(json_object_get(j, "breakdown")));
    json_decref(j);
    free(buf);
    buf = NULL;
    fp = open_memstream(&buf, &n);
    cr_assert_eq(out_write_sections(fp, s, 2, OUT_TABLE, 0), 0);
    fclose(fp);
    cr_assert_str_eq(buf, "k\nv\n\nBreakdown:\nk\nv\n");
    free(buf);
    out_table_release(&a);
    out_table_release(&b);
}

Test(out, formats_parse_by_name_among_those_offered)
{
    enum out_format f = OUT_CSV;
    char list[64];

    cr_assert_eq(out_format_parse("json", OUT_ROWS, &f), 0);
    cr_assert_eq(f, OUT_JSON);
    cr_assert_eq(out_format_parse("text", OUT_ROWS, &f), 0, "text names the table");
    cr_assert_eq(f, OUT_TABLE);
    cr_assert_eq(out_format_parse("pdf", OUT_ROWS, &f), -1, "not offered");
    cr_assert_eq(out_format_parse("xml", ~0u, &f), -1);
    out_formats_list(OUT_ROWS, list);
    cr_assert_str_eq(list, "table, csv or json");
}

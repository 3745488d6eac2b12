/* Renderers: tables fit 80 columns, CSV quoting, JSON types, bars. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/report.h"

TestSuite(report);

static char *render(int which, const struct rtable *t)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    int rc;

    cr_assert(fp);
    rc = which == 0   ? report_table_text(fp, t, 80, 0)
         : which == 1 ? report_table_csv(fp, t)
                      : report_table_json(fp, t);
    cr_assert(rc == 0);
    fclose(fp);
    return buf;
}

static void fill(struct rtable *t)
{
    static const char *const keys[] = {"name", "kelurahan", "done", "note"};
    static const char *const heads[] = {"name", "kelurahan", "done", "note"};
    const char *r1[] = {"Usaha Dengan Nama Yang Sangat Panjang Sekali Untuk Diuji",
                        "Karangketug", "12", "catatan, dengan \"kutip\""};
    const char *r2[] = {"Warung", "Gentong", "3", NULL};

    rtable_init(t, 4, keys, heads, 0x4u);
    cr_assert(rtable_add(t, 0, r1) == 0);
    cr_assert(rtable_add(t, 'r', r2) == 0);
}

static size_t u8len(const char *s, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

Test(report, text_table_fits_80_columns)
{
    struct rtable t;
    char *out;

    fill(&t);
    out = render(0, &t);
    for (char *line = out; *line;) {
        size_t n = strcspn(line, "\n");

        cr_assert(u8len(line, n) <= 80, "line too wide (%zu): %.*s", u8len(line, n),
                  (int)n, line);
        line += n + (line[n] == '\n');
    }
    cr_assert(strstr(out, "…"), "the long name is cut with an ellipsis:\n%s", out);
    cr_assert(strstr(out, "Karangketug"));
    free(out);
    rtable_release(&t);
}

Test(report, csv_quotes_and_nulls)
{
    struct rtable t;
    char *out;

    fill(&t);
    out = render(1, &t);
    cr_assert(strstr(out, "name,kelurahan,done,note\r\n"), "%s", out);
    cr_assert(strstr(out, ",12,\"catatan, dengan \"\"kutip\"\"\"\r\n"), "%s", out);
    cr_assert(strstr(out, "Warung,Gentong,3,\r\n"), "%s", out);
    free(out);
    rtable_release(&t);
}

Test(report, json_numbers_and_nulls)
{
    struct rtable t;
    char *out;

    fill(&t);
    out = render(2, &t);
    cr_assert(strstr(out, "\"done\": 12"), "%s", out);
    cr_assert(strstr(out, "\"note\": null"), "%s", out);
    cr_assert(strstr(out, "\"kelurahan\": \"Gentong\""), "%s", out);
    free(out);
    rtable_release(&t);
}

Test(report, bar)
{
    char b[16];

    report_bar(50.0, 10, b);
    cr_assert_str_eq(b, "[#####.....]");
    report_bar(150.0, 4, b);
    cr_assert_str_eq(b, "[####]");
    report_bar(0.0, 4, b);
    cr_assert_str_eq(b, "[....]");
}

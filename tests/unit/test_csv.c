/* RFC 4180 reader: quoting, line ends, BOM, line numbers, malformed input, caps. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/csv.h"
#include "csv_mem.h"

struct parsed {
    enum csv_status st;
    size_t n;
    char *f[16];
    unsigned long line, end_line;
    long bad_field;
    char msg[256];
};

/* Reads every record of text (len bytes) into out[]; returns the count. */
static size_t parse_all(const char *text, size_t len, const struct csv_limits *lim,
                        struct parsed *out, size_t max)
{
    struct csv_mem m;
    struct csv_reader *r = csv_mem_open(&m, text, len, lim) == 0 ? m.r : NULL;
    size_t k = 0;

    cr_assert(r);
    for (;;) {
        struct csv_record rec;
        struct ht_err err = HT_ERR_INIT;
        enum csv_status st = csv_next(r, &rec, &err);

        cr_assert(st != CSV_ERROR, "unexpected CSV_ERROR: %s", err.msg);
        if (st == CSV_EOF)
            break;
        cr_assert(k < max, "too many records");
        memset(&out[k], 0, sizeof(out[k]));
        out[k].st = st;
        out[k].line = rec.line;
        out[k].end_line = rec.end_line;
        out[k].bad_field = rec.bad_field;
        snprintf(out[k].msg, sizeof(out[k].msg), "%s", err.msg);
        if (st == CSV_OK) {
            out[k].n = rec.nfields;
            for (size_t i = 0; i < rec.nfields && i < 16; i++) {
                cr_assert_eq(strlen(rec.fields[i]), rec.lens[i]);
                out[k].f[i] = strdup(rec.fields[i]);
            }
        }
        k++;
    }
    csv_mem_close(&m);
    return k;
}

static void release(struct parsed *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < p[k].n && i < 16; i++)
            free(p[k].f[i]);
}

#define PARSE(text) parse_all((text), strlen(text), NULL, recs, 16)

Test(csv, simple_records_lf)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b,c\n1,2,3\n");

    cr_assert_eq(n, 2);
    cr_assert_eq(recs[0].n, 3);
    cr_assert_str_eq(recs[0].f[0], "a");
    cr_assert_str_eq(recs[1].f[2], "3");
    cr_assert_eq(recs[1].line, 2);
    release(recs, n);
}

Test(csv, crlf_and_no_final_newline)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b\r\n1,2\r\nx,y");

    cr_assert_eq(n, 3);
    cr_assert_str_eq(recs[0].f[1], "b");
    cr_assert_str_eq(recs[1].f[1], "2");
    cr_assert_str_eq(recs[2].f[1], "y");
    cr_assert_eq(recs[2].line, 3);
    release(recs, n);
}

Test(csv, lone_cr_is_a_line_end)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b\r1,2\r");

    cr_assert_eq(n, 2);
    cr_assert_str_eq(recs[1].f[0], "1");
    cr_assert_eq(recs[1].line, 2);
    release(recs, n);
}

Test(csv, quoted_fields_with_commas_quotes_and_newlines)
{
    struct parsed recs[16];
    size_t n =
        PARSE("x,y\n\"a,b\",\"say \"\"hi\"\"\"\n\"line1\r\nline2\nline3\",z\nlast,1\n");

    cr_assert_eq(n, 4);
    cr_assert_str_eq(recs[1].f[0], "a,b");
    cr_assert_str_eq(recs[1].f[1], "say \"hi\"");
    /* CRLF inside a quoted field is stored as LF. */
    cr_assert_str_eq(recs[2].f[0], "line1\nline2\nline3");
    cr_assert_str_eq(recs[2].f[1], "z");
    cr_assert_eq(recs[2].line, 3);
    cr_assert_eq(recs[2].end_line, 5);
    /* The record after a multi-line one starts on its physical line. */
    cr_assert_eq(recs[3].line, 6);
    release(recs, n);
}

Test(csv, empty_fields_and_empty_quoted)
{
    struct parsed recs[16];
    size_t n = PARSE(",,\n\"\",a,\n");

    cr_assert_eq(n, 2);
    cr_assert_eq(recs[0].n, 3);
    cr_assert_str_eq(recs[0].f[0], "");
    cr_assert_str_eq(recs[0].f[2], "");
    cr_assert_eq(recs[1].n, 3);
    cr_assert_str_eq(recs[1].f[0], "");
    cr_assert_str_eq(recs[1].f[1], "a");
    release(recs, n);
}

Test(csv, utf8_bom_skipped_only_at_start)
{
    struct parsed recs[16];
    size_t n = PARSE("\xEF\xBB\xBFnib,nama\n\xEF\xBB\xBFx,y\n");

    cr_assert_eq(n, 2);
    cr_assert_str_eq(recs[0].f[0], "nib");
    cr_assert_str_eq(recs[1].f[0], "\xEF\xBB\xBFx");
    release(recs, n);
}

Test(csv, blank_lines_skipped_and_counted)
{
    struct parsed recs[16];
    size_t n = PARSE("h\n\n\r\n1\n\n2\n");

    cr_assert_eq(n, 3);
    cr_assert_eq(recs[1].line, 4);
    cr_assert_str_eq(recs[1].f[0], "1");
    cr_assert_eq(recs[2].line, 6);
    release(recs, n);
}

Test(csv, quote_inside_unquoted_field_is_bad_then_recovers)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b\nToko \"X\",1\nok,2\n");

    cr_assert_eq(n, 3);
    cr_assert_eq(recs[1].st, CSV_BAD);
    cr_assert_eq(recs[1].line, 2);
    cr_assert_eq(recs[1].bad_field, 0);
    cr_assert(strstr(recs[1].msg, "quote inside an unquoted field"), "%s", recs[1].msg);
    cr_assert_eq(recs[2].st, CSV_OK);
    cr_assert_str_eq(recs[2].f[0], "ok");
    cr_assert_eq(recs[2].line, 3);
    release(recs, n);
}

Test(csv, character_after_closing_quote_is_bad)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b\n1,\"x\"y\n2,z\n");

    cr_assert_eq(n, 3);
    cr_assert_eq(recs[1].st, CSV_BAD);
    cr_assert_eq(recs[1].bad_field, 1);
    cr_assert(strstr(recs[1].msg, "after a closing quote"), "%s", recs[1].msg);
    cr_assert_eq(recs[2].st, CSV_OK);
    cr_assert_str_eq(recs[2].f[1], "z");
    release(recs, n);
}

Test(csv, unterminated_quote_names_the_opening_line)
{
    struct parsed recs[16];
    size_t n = PARSE("a,b\n1,2\n3,\"open\n4,5\n");

    cr_assert_eq(n, 3);
    cr_assert_eq(recs[2].st, CSV_BAD);
    cr_assert_eq(recs[2].line, 3);
    cr_assert_eq(recs[2].bad_field, 1);
    cr_assert(strstr(recs[2].msg, "unterminated quoted field (opened on line 3)"), "%s",
              recs[2].msg);
    release(recs, n);
}

Test(csv, nul_byte_is_bad)
{
    struct parsed recs[16];
    static const char text[] = "a,b\n1,x\0y\n2,3\n";
    size_t n = parse_all(text, sizeof(text) - 1, NULL, recs, 16);

    cr_assert_eq(n, 3);
    cr_assert_eq(recs[1].st, CSV_BAD);
    cr_assert(strstr(recs[1].msg, "NUL"), "%s", recs[1].msg);
    cr_assert_eq(recs[2].st, CSV_OK);
    release(recs, n);
}

Test(csv, field_cap)
{
    struct parsed recs[16];
    struct csv_limits lim = {8, 0, 0};
    const char *text =
        "a,b\n12345678,x\n123456789,x\n\"quoted long value\nspanning\",x\nok,1\n";
    size_t n = parse_all(text, strlen(text), &lim, recs, 16);

    cr_assert_eq(n, 5);
    cr_assert_eq(recs[1].st, CSV_OK);
    cr_assert_eq(recs[2].st, CSV_BAD);
    cr_assert(strstr(recs[2].msg, "longer than 8 bytes"), "%s", recs[2].msg);
    cr_assert_eq(recs[3].st, CSV_BAD);
    cr_assert_eq(recs[3].line, 4);
    /* The reader skipped the whole multi-line record and resumed. */
    cr_assert_eq(recs[4].st, CSV_OK);
    cr_assert_eq(recs[4].line, 6);
    cr_assert_str_eq(recs[4].f[0], "ok");
    release(recs, n);
}

Test(csv, record_and_field_count_caps)
{
    struct parsed recs[16];
    struct csv_limits lim = {0, 10, 3};
    const char *text = "a,b,c\na,b,c,d\n0123456789,x\nok\n";
    size_t n = parse_all(text, strlen(text), &lim, recs, 16);

    cr_assert_eq(n, 4);
    cr_assert_eq(recs[0].st, CSV_OK);
    cr_assert_eq(recs[1].st, CSV_BAD);
    cr_assert_eq(recs[1].bad_field, -1);
    cr_assert(strstr(recs[1].msg, "more than 3 fields"), "%s", recs[1].msg);
    cr_assert_eq(recs[2].st, CSV_BAD);
    cr_assert(strstr(recs[2].msg, "longer than 10 bytes"), "%s", recs[2].msg);
    cr_assert_eq(recs[3].st, CSV_OK);
    release(recs, n);
}

/* A read function that hands out one byte at a time: every boundary case of the window.
 */
struct drip {
    const char *p;
    size_t left;
};

static long drip_read(void *arg, char *dst, size_t n)
{
    struct drip *d = arg;

    if (!d->left || !n)
        return 0;
    dst[0] = *d->p++;
    d->left--;
    return 1;
}

Test(csv, streaming_one_byte_at_a_time)
{
    const char *text = "\xEF\xBB\xBFh1,h2\r\n\"a\r\nb\",\"c\"\"d\"\r\n\r\ne,f";
    struct drip d = {text, strlen(text)};
    struct csv_reader *r = csv_reader_new(drip_read, &d, NULL);
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(r);
    cr_assert_eq(csv_next(r, &rec, &err), CSV_OK);
    cr_assert_str_eq(rec.fields[0], "h1");
    cr_assert_eq(csv_next(r, &rec, &err), CSV_OK);
    cr_assert_str_eq(rec.fields[0], "a\nb");
    cr_assert_str_eq(rec.fields[1], "c\"d");
    cr_assert_eq(rec.line, 2);
    cr_assert_eq(csv_next(r, &rec, &err), CSV_OK);
    cr_assert_str_eq(rec.fields[1], "f");
    cr_assert_eq(rec.line, 5);
    cr_assert_eq(csv_next(r, &rec, &err), CSV_EOF);
    csv_reader_free(r);
}

static long fail_read(void *arg, char *dst, size_t n)
{
    (void)arg;
    (void)dst;
    (void)n;
    return -1;
}

Test(csv, read_error_is_reported)
{
    struct csv_reader *r = csv_reader_new(fail_read, NULL, NULL);
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(r);
    cr_assert_eq(csv_next(r, &rec, &err), CSV_ERROR);
    cr_assert_eq(err.code, HT_EIO);
    csv_reader_free(r);
}

Test(csv, empty_input)
{
    struct parsed recs[2];

    cr_assert_eq(parse_all("", 0, NULL, recs, 2), 0);
    cr_assert_eq(parse_all("\xEF\xBB\xBF", 3, NULL, recs, 2), 0);
    cr_assert_eq(parse_all("\n\r\n", 3, NULL, recs, 2), 0);
}

Test(csv, writer_quotes_only_when_needed_and_round_trips)
{
    struct buf b = BUF_INIT(4096);
    const char *vals[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " lead", "", NULL};
    struct parsed recs[2];
    size_t n;

    for (size_t i = 0; i < 7; i++) {
        cr_assert_eq(i ? buf_addch(&b, ',') : 0, 0);
        cr_assert_eq(csv_write_field(&b, vals[i], 0), 0);
    }
    cr_assert_eq(buf_addch(&b, '\n'), 0);
    cr_assert_str_eq(buf_str(&b),
                     "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,\n");
    n = parse_all(buf_str(&b), b.len, NULL, recs, 2);
    cr_assert_eq(n, 1);
    cr_assert_eq(recs[0].n, 7);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(recs[0].f[i], vals[i]);
    cr_assert_str_eq(recs[0].f[6], "");
    release(recs, n);
    buf_release(&b);
}

/* Issue 10, item 9 (CSV formula injection): a text field a spreadsheet would evaluate
 * gets a single quote in front, inside quotes; numbers in numeric columns stay numbers.
 */
Test(csv, formula_injection_is_neutralised)
{
    static const struct {
        const char *in;
        unsigned flags;
        const char *out;
    } cases[] = {
        {"=HYPERLINK(\"http://x\",\"y\")", 0,
         "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"+6281234", 0, "\"'+6281234\""},
        {"-2+3", 0, "\"'-2+3\""},
        {"@SUM(A1)", 0, "\"'@SUM(A1)\""},
        {"\tcmd", 0, "\"'\tcmd\""},
        {"\rcmd", 0, "\"'\rcmd\""},
        {"-3", 0, "\"'-3\""},     /* a text column: even a number is defused */
        {"-3", CSV_NUMBER, "-3"}, /* a numeric column keeps its negative number */
        {"-0.5", CSV_NUMBER, "-0.5"},
        {"-1+1", CSV_NUMBER, "\"'-1+1\""}, /* not a number: defused all the same */
        {"a=b", 0, "a=b"},
        {"Warung Bu Sri", 0, "Warung Bu Sri"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b = BUF_INIT(4096);
        struct parsed recs[1];

        cr_assert_eq(csv_write_field(&b, cases[i].in, cases[i].flags), 0);
        cr_assert_str_eq(buf_str(&b), cases[i].out, "case %zu", i);
        /* The reader and csv_field_text give the value back (the reader stores a line
         * break inside quotes as LF, so not for CR). */
        if (strchr(cases[i].in, '\r')) {
            buf_release(&b);
            continue;
        }
        cr_assert_eq(buf_addch(&b, '\n'), 0);
        cr_assert_eq(parse_all(buf_str(&b), b.len, NULL, recs, 1), 1);
        cr_assert_str_eq(csv_field_text(recs[0].f[0]), cases[i].in, "case %zu", i);
        release(recs, 1);
        buf_release(&b);
    }
    cr_assert_str_eq(csv_field_text("'x"), "'x",
                     "only a defused formula loses its quote");
}

/* Deterministic pseudo-random generator for the property tests below. */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

Test(csv, written_records_read_back_identically)
{
    static const char alphabet[] = "ab ,\"\n;xé";
    struct buf b = BUF_INIT(1u << 20);
    char fields[200][4][24];
    size_t nf[200];
    struct csv_mem m;
    struct csv_reader *r;
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;

    for (int i = 0; i < 200; i++) {
        nf[i] = 1 + rnd(4);
        for (size_t k = 0; k < nf[i]; k++) {
            size_t len = rnd(12), o = 0;

            for (size_t j = 0; j < len; j++) {
                size_t c = rnd(sizeof(alphabet) - 1);

                fields[i][k][o++] = alphabet[c];
                if ((unsigned char)alphabet[c] == 0xC3) /* keep "é" whole */
                    fields[i][k][o++] = alphabet[c + 1];
            }
            fields[i][k][o] = '\0';
            cr_assert_eq(k ? buf_addch(&b, ',') : 0, 0);
            cr_assert_eq(csv_write_field(&b, fields[i][k], 0), 0);
        }
        /* A record of one empty field would be an empty line, which is skipped. */
        if (nf[i] == 1 && !fields[i][0][0])
            cr_assert_eq(buf_adds(&b, "\"\""), 0);
        cr_assert_eq(buf_adds(&b, rnd(2) ? "\r\n" : "\n"), 0);
    }
    cr_assert_eq(csv_mem_open(&m, b.ptr, b.len, NULL), 0);
    r = m.r;
    for (int i = 0; i < 200; i++) {
        cr_assert_eq(csv_next(r, &rec, &err), CSV_OK, "record %d: %s", i, err.msg);
        cr_assert_eq(rec.nfields, nf[i], "record %d", i);
        for (size_t k = 0; k < nf[i]; k++)
            cr_assert_str_eq(rec.fields[k], fields[i][k], "record %d field %zu", i, k);
    }
    cr_assert_eq(csv_next(r, &rec, &err), CSV_EOF);
    csv_mem_close(&m);
    buf_release(&b);
}

Test(csv, random_bytes_never_break_the_reader)
{
    static const char bytes[] = {'a', ',', '"', '\r', '\n', '\0', 'x', ' '};
    char text[512];

    for (int round = 0; round < 2000; round++) {
        size_t len = rnd(sizeof(text));
        struct csv_limits lim = {1 + rnd(64), 1 + rnd(256), 1 + rnd(16)};
        struct csv_mem m;
        struct csv_reader *r;
        struct csv_record rec;
        unsigned long last_line = 0;
        int guard = 0;

        for (size_t i = 0; i < len; i++)
            text[i] = bytes[rnd(sizeof(bytes))];
        cr_assert_eq(csv_mem_open(&m, text, len, &lim), 0);
        r = m.r;
        for (;;) {
            struct ht_err err = HT_ERR_INIT;
            enum csv_status st = csv_next(r, &rec, &err);

            cr_assert_neq(st, CSV_ERROR);
            if (st == CSV_EOF)
                break;
            /* Records advance through the input, and a bad one always says why. */
            cr_assert(rec.line > last_line || (last_line == 0 && rec.line >= 1));
            last_line = rec.line;
            if (st == CSV_BAD)
                cr_assert(err.msg[0]);
            cr_assert(++guard <= (int)len + 1, "no progress");
        }
        csv_mem_close(&m);
    }
}

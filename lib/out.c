/* The output layer: tables of named columns written as 80-column text, CSV or JSON (see
 * out.h); the text table's fitting rules are here and nowhere else. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/buf.h"
#include "halaltrack/csv.h"
#include "halaltrack/i18n.h"
#include "halaltrack/jsonw.h"
#include "halaltrack/out.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* CSV and JSON are built in a buffer that is written out whenever it passes this. */
#define OUT_CHUNK (64u * 1024)
#define OUT_BUF_CAP (4u * OUT_CHUNK + BUF_CAP_SMALL)

static const char *const format_names[OUT__COUNT] = {"table", "csv", "json", "html",
                                                     "pdf"};

int out_format_parse(const char *name, unsigned offered, enum out_format *out)
{
    if (!name)
        return -1;
    for (int f = 0; f < OUT__COUNT; f++) {
        if ((offered & OUT_F(f)) && (strcmp(name, format_names[f]) == 0 ||
                                     (f == OUT_TABLE && strcmp(name, "text") == 0))) {
            *out = (enum out_format)f;
            return 0;
        }
    }
    return -1;
}

const char *out_format_name(enum out_format f)
{
    return (unsigned)f < OUT__COUNT ? format_names[f] : "table";
}

void out_formats_list(unsigned offered, char out[static 64])
{
    size_t n = 0, total = 0, len = 0;

    for (int f = 0; f < OUT__COUNT; f++)
        total += (offered & OUT_F(f)) != 0;
    out[0] = '\0';
    for (int f = 0; f < OUT__COUNT; f++) {
        if (!(offered & OUT_F(f)))
            continue;
        n++;
        len += (size_t)snprintf(out + len, 64 - len, "%s%s",
                                n == 1       ? ""
                                : n == total ? _(" or ")
                                             : ", ",
                                format_names[f]);
        if (len >= 64)
            break;
    }
}

/* ---- the table ---- */

void out_table_init(struct out_table *t, const struct out_col *cols, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    t->cols = cols;
    t->ncols = ncols;
}

int out_table_add(struct out_table *t, char color, const char *const *cells)
{
    size_t base = t->nrows * t->ncols;

    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof(*c));
        char *rc;

        if (!c)
            return -1;
        t->cells = c;
        if (!(rc = realloc(t->row_color, cap)))
            return -1;
        t->row_color = rc;
        t->cap = cap;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        char **dst = &t->cells[base + i];

        *dst = NULL;
        if (cells[i] && !(*dst = strdup(cells[i]))) {
            for (size_t j = 0; j < i; j++)
                free(t->cells[base + j]);
            return -1;
        }
    }
    t->row_color[t->nrows++] = color;
    return 0;
}

void out_table_release(struct out_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->row_color);
    memset(t, 0, sizeof(*t));
}

static const char *out_table_cell(const struct out_table *t, size_t r, size_t c)
{
    return r < t->nrows && c < t->ncols ? t->cells[r * t->ncols + c] : NULL;
}

/* ---- text ---- */

/* What a terminal shows of a value: its first line (with "…" when more follow) and no
 * control characters, which could move the cursor or recolour the screen. */
static const char *display(const char *s, char *tmp, size_t tmpsz)
{
    size_t n = 0;

    if (!s)
        return "";
    if (!strpbrk(s, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
                    "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"))
        return s;
    for (; *s && n + 4 < tmpsz; s++) {
        if (*s == '\n' || *s == '\r') {
            memcpy(tmp + n, "…", 3);
            n += 3;
            break;
        }
        tmp[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
    }
    tmp[n] = '\0';
    return tmp;
}

void out_cell(FILE *fp, const char *s, size_t w, int right, int pad)
{
    char tmp[1024];
    size_t n;

    s = display(s, tmp, sizeof(tmp));
    n = utf8_len(s);
    if (n > w) {
        size_t cells = 0;
        const char *p = s;

        while (*p && cells + 1 < w) {
            p++;
            while (((unsigned char)*p & 0xC0) == 0x80)
                p++;
            cells++;
        }
        fwrite(s, 1, (size_t)(p - s), fp);
        fputs("…", fp);
        return;
    }
    if (right)
        fprintf(fp, "%*s", (int)(w - n), "");
    fputs(s, fp);
    if (!right && pad)
        fprintf(fp, "%*s", (int)(w - n), "");
}

static const char *heading(const struct out_col *c)
{
    return c->header && *c->header ? i18n_pgettext(c->header) : "";
}

/* The layout of a text table: which columns show, how wide, how far apart. */
struct layout {
    size_t w[64];
    int shown[64];
    int sep;
};

static size_t layout_total(const struct out_table *t, const struct layout *l)
{
    size_t total = 0, k = 0;

    for (size_t c = 0; c < t->ncols; c++)
        if (l->shown[c])
            total += l->w[c] + (k++ ? (size_t)l->sep : 0);
    return total;
}

/* Cuts the widest shown column that has all of the flags in want and none in avoid by
 * one cell. Returns 0, or -1 when every such column is at OUT_MIN_CUT. */
static int cut_widest(const struct out_table *t, struct layout *l, unsigned want,
                      unsigned avoid)
{
    size_t widest = t->ncols;

    for (size_t c = 0; c < t->ncols; c++) {
        unsigned f = t->cols[c].flags;

        if (l->shown[c] && (f & want) == want && !(f & avoid) &&
            (widest == t->ncols || l->w[c] > l->w[widest]))
            widest = c;
    }
    if (widest == t->ncols || l->w[widest] <= OUT_MIN_CUT)
        return -1;
    l->w[widest]--;
    return 0;
}

/* Fits the table into width: one space between columns instead of two, then cut the
 * narrow columns, then the other text columns, then leave narrow columns out (rightmost
 * first). Numbers and kept columns are never touched. */
static void fit(const struct out_table *t, struct layout *l, size_t width)
{
    char tmp[1024];

    l->sep = 2;
    for (size_t c = 0; c < t->ncols; c++) {
        l->shown[c] = !(t->cols[c].flags & OUT_NO_TABLE);
        l->w[c] = utf8_len(heading(&t->cols[c]));
        for (size_t r = 0; r < t->nrows; r++) {
            size_t n = utf8_len(display(out_table_cell(t, r, c), tmp, sizeof(tmp)));

            if (n > l->w[c])
                l->w[c] = n;
        }
    }
    if (layout_total(t, l) > width)
        l->sep = 1;
    while (layout_total(t, l) > width && cut_widest(t, l, OUT_NARROW, OUT_KEEP) == 0)
        ;
    while (layout_total(t, l) > width &&
           cut_widest(t, l, 0, OUT_KEEP | OUT_NUM | OUT_NARROW) == 0)
        ;
    for (size_t c = t->ncols; c-- > 0 && layout_total(t, l) > width;)
        if (l->shown[c] && (t->cols[c].flags & OUT_NARROW) &&
            !(t->cols[c].flags & OUT_KEEP))
            l->shown[c] = 0;
}

static void text_row(FILE *fp, const struct out_table *t, const struct layout *l,
                     size_t r)
{
    size_t last = 0, k = 0;

    for (size_t c = 0; c < t->ncols; c++)
        if (l->shown[c])
            last = c;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!l->shown[c])
            continue;
        if (k++)
            fputs(l->sep == 2 ? "  " : " ", fp);
        out_cell(fp, r == (size_t)-1 ? heading(&t->cols[c]) : out_table_cell(t, r, c),
                 l->w[c], (t->cols[c].flags & OUT_NUM) != 0, c != last);
    }
}

static int write_text(FILE *fp, const struct out_table *t, int color)
{
    struct layout l;

    if (t->ncols > HT_ARRAY_LEN(l.w))
        return -1;
    fit(t, &l, OUT_WIDTH);
    text_row(fp, t, &l, (size_t)-1);
    fputc('\n', fp);
    for (size_t r = 0; r < t->nrows; r++) {
        char rc = color ? t->row_color[r] : 0;

        if (rc)
            fputs(rc == 'g' ? "\033[32m" : rc == 'y' ? "\033[33m" : "\033[31m", fp);
        text_row(fp, t, &l, r);
        if (rc)
            fputs("\033[0m", fp);
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

/* ---- CSV ---- */

static int flush_buf(FILE *fp, struct buf *b)
{
    if (b->len && fwrite(b->ptr, 1, b->len, fp) != b->len)
        return -1;
    buf_reset(b);
    return 0;
}

static int write_csv(FILE *fp, const struct out_table *t)
{
    struct buf b = BUF_INIT(OUT_BUF_CAP);
    int rc = -1;

    for (size_t r = (size_t)-1; r == (size_t)-1 || r < t->nrows; r++) {
        size_t k = 0;

        for (size_t c = 0; c < t->ncols; c++) {
            const struct out_col *col = &t->cols[c];
            const char *v = r == (size_t)-1 ? col->key : out_table_cell(t, r, c);

            if (col->flags & OUT_NO_CSV)
                continue;
            if ((k++ && buf_addch(&b, ',') < 0) ||
                csv_write_field(&b, v,
                                r != (size_t)-1 && (col->flags & OUT_NUM) ? CSV_NUMBER
                                                                          : 0) < 0)
                goto out;
        }
        if (buf_adds(&b, "\r\n") < 0 || (b.len > OUT_CHUNK && flush_buf(fp, &b) < 0))
            goto out;
    }
    rc = flush_buf(fp, &b);
out:
    buf_release(&b);
    return rc < 0 || ferror(fp) ? -1 : 0;
}

/* ---- JSON ---- */

/* ';'-separated tags as an array of strings. */
static void json_list(struct jsonw *w, const char *v)
{
    jsonw_begin_array(w);
    while (v && *v) {
        size_t n = strcspn(v, ";");
        char tag[256];

        if (n) {
            snprintf(tag, sizeof(tag), "%.*s", (int)(n < 255 ? n : 255), v);
            jsonw_str(w, tag);
        }
        v += n + (v[n] == ';');
    }
    jsonw_end_array(w);
}

static void json_table(struct jsonw *w, const struct out_table *t)
{
    jsonw_begin_array(w);
    for (size_t r = 0; r < t->nrows; r++) {
        jsonw_begin_object(w);
        for (size_t c = 0; c < t->ncols; c++) {
            const struct out_col *col = &t->cols[c];
            const char *v = out_table_cell(t, r, c);

            if (col->flags & OUT_NO_JSON)
                continue;
            jsonw_key(w, col->key);
            if (col->flags & OUT_LIST)
                json_list(w, v);
            else if (v && (col->flags & OUT_NUM))
                jsonw_number_text(w, v);
            else
                jsonw_str(w, v);
        }
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static int write_json(FILE *fp, const struct out_section *s, size_t n)
{
    struct buf b = BUF_INIT(OUT_BUF_CAP);
    struct jsonw w;
    int rc;

    jsonw_init(&w, &b, fp, JSONW_PRETTY | JSONW_ASCII);
    if (n == 1 && !s[0].name) {
        json_table(&w, s[0].t);
    } else {
        jsonw_begin_object(&w);
        for (size_t i = 0; i < n; i++) {
            jsonw_key(&w, s[i].name);
            json_table(&w, s[i].t);
        }
        jsonw_end_object(&w);
    }
    rc = jsonw_finish(&w);
    buf_release(&b);
    return rc;
}

int out_write_sections(FILE *fp, const struct out_section *s, size_t n, enum out_format f,
                       int color)
{
    if (f == OUT_JSON)
        return write_json(fp, s, n);
    for (size_t i = 0; i < n; i++) {
        if (f == OUT_CSV) {
            if ((i && fputs("\r\n", fp) < 0) || write_csv(fp, s[i].t) < 0)
                return -1;
            continue;
        }
        if (s[i].title)
            fprintf(fp, "%s%s:\n", i ? "\n" : "", s[i].title);
        if (write_text(fp, s[i].t, color) < 0)
            return -1;
    }
    return ferror(fp) ? -1 : 0;
}

int out_table_write(FILE *fp, const struct out_table *t, enum out_format f, int color)
{
    const struct out_section s = {NULL, NULL, t};

    return out_write_sections(fp, &s, 1, f, color);
}

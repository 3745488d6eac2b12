/* RFC 4180 CSV reader (streaming, capped, with error recovery) and field writer. Pure. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/csv.h"
#include "halaltrack/i18n.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define CSV_CHUNK (64u * 1024)

struct csv_reader {
    csv_read_fn fn;
    void *arg;
    const char *in; /* current input window */
    size_t pos, len;
    char *own; /* window storage in read-function mode */
    int eof, ioerr, started;
    unsigned long line; /* physical line of the next byte */
    struct csv_limits lim;
    struct buf data; /* fields of the current record, each NUL-terminated */
    size_t *starts;  /* offset of each field in data */
    size_t *lens;
    char **fields;
};

/* Per-record parse state. */
struct rec_state {
    size_t nfields;
    size_t field_start; /* offset of the current field in data */
    int discard;        /* after an error: scan to the end of the record, keep nothing */
    int bad;
    long bad_field;
};

static int refill(struct csv_reader *r, struct ht_err *err)
{
    long n;

    if (r->eof)
        return 0;
    if (!r->fn) {
        r->eof = 1;
        return 0;
    }
    n = r->fn(r->arg, r->own, CSV_CHUNK);
    if (n < 0) {
        r->ioerr = 1;
        ht_err_set(err, HT_EIO, "%s", _("read error"));
        return -1;
    }
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->in = r->own;
    r->pos = 0;
    r->len = (size_t)n;
    return 1;
}

/* Next byte (0..255), -1 at end of input, -2 on read error. */
static int get(struct csv_reader *r, struct ht_err *err)
{
    if (r->pos == r->len) {
        int rc = refill(r, err);

        if (rc <= 0)
            return rc < 0 ? -2 : -1;
    }
    return (unsigned char)r->in[r->pos++];
}

/* Consumes an LF that follows a CR (the CR itself was already read). */
static int eat_lf_after_cr(struct csv_reader *r, struct ht_err *err)
{
    if (r->pos == r->len) {
        int rc = refill(r, err);

        if (rc <= 0)
            return rc;
    }
    if (r->in[r->pos] == '\n')
        r->pos++;
    return 0;
}

static void init_limits(struct csv_limits *dst, const struct csv_limits *src)
{
    dst->max_field = src && src->max_field ? src->max_field : CSV_MAX_FIELD;
    dst->max_record = src && src->max_record ? src->max_record : CSV_MAX_RECORD;
    dst->max_fields = src && src->max_fields ? src->max_fields : CSV_MAX_FIELDS;
}

static struct csv_reader *reader_alloc(const struct csv_limits *lim)
{
    struct csv_reader *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    init_limits(&r->lim, lim);
    buf_init(&r->data, r->lim.max_record + r->lim.max_fields + 1);
    r->starts = calloc(r->lim.max_fields, sizeof(*r->starts));
    r->lens = calloc(r->lim.max_fields, sizeof(*r->lens));
    r->fields = calloc(r->lim.max_fields + 1, sizeof(*r->fields));
    r->line = 1;
    if (!r->starts || !r->lens || !r->fields) {
        csv_reader_free(r);
        return NULL;
    }
    return r;
}

struct csv_reader *csv_reader_new(csv_read_fn fn, void *arg, const struct csv_limits *lim)
{
    struct csv_reader *r = reader_alloc(lim);

    if (!r)
        return NULL;
    r->fn = fn;
    r->arg = arg;
    r->own = malloc(CSV_CHUNK);
    if (!r->own) {
        csv_reader_free(r);
        return NULL;
    }
    r->in = r->own;
    return r;
}

void csv_reader_free(struct csv_reader *r)
{
    if (!r)
        return;
    buf_release(&r->data);
    free(r->starts);
    free(r->lens);
    free(r->fields);
    free(r->own);
    free(r);
}

/* Skips a UTF-8 byte order mark at the very start of the input. */
static int skip_bom(struct csv_reader *r, struct ht_err *err)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

    /* Make sure the window holds the first three bytes (a read function may return less).
     */
    while (r->fn && !r->eof && r->len - r->pos < 3) {
        long n = r->fn(r->arg, r->own + r->len, CSV_CHUNK - r->len);

        if (n < 0) {
            r->ioerr = 1;
            ht_err_set(err, HT_EIO, "%s", _("read error"));
            return -1;
        }
        if (n == 0)
            r->eof = 1;
        r->len += (size_t)n;
    }
    if (r->len - r->pos >= 3 && memcmp(r->in + r->pos, bom, 3) == 0)
        r->pos += 3;
    if (r->fn)
        r->eof = 0; /* refill() will find the end again */
    return 0;
}

/* Marks the record bad (the first problem is the one reported) and stops keeping bytes.
 * field is the 0-based field index the problem is in, or -1 for the whole record. */
static void mark_bad(struct rec_state *st, long field, struct ht_err *err,
                     const char *fmt, ...) HT_PRINTF(4, 5);
static void mark_bad(struct rec_state *st, long field, struct ht_err *err,
                     const char *fmt, ...)
{
    va_list ap;

    if (!st->bad) {
        va_start(ap, fmt);
        ht_err_vset(err, HT_EPARSE, fmt, ap);
        va_end(ap);
        st->bad_field = field;
    }
    st->bad = 1;
    st->discard = 1;
}

static int add_bytes(struct csv_reader *r, struct rec_state *st, const char *p, size_t n,
                     struct ht_err *err)
{
    if (st->discard || n == 0)
        return 0;
    if (r->data.len - st->field_start + n > r->lim.max_field) {
        mark_bad(st, (long)st->nfields, err, _("field is longer than %zu bytes"),
                 r->lim.max_field);
        return 0;
    }
    if (r->data.len - st->nfields + n > r->lim.max_record) {
        mark_bad(st, -1, err, _("record is longer than %zu bytes"), r->lim.max_record);
        return 0;
    }
    if (buf_add(&r->data, p, n) < 0) {
        ht_err_set(err, HT_ENOMEM, "%s", _("out of memory"));
        return -1;
    }
    return 0;
}

static int end_field(struct csv_reader *r, struct rec_state *st, struct ht_err *err)
{
    if (st->discard) {
        st->nfields++;
        return 0;
    }
    if (st->nfields >= r->lim.max_fields) {
        mark_bad(st, -1, err, _("record has more than %zu fields"), r->lim.max_fields);
        return 0;
    }
    r->starts[st->nfields] = st->field_start;
    r->lens[st->nfields] = r->data.len - st->field_start;
    if (buf_addch(&r->data, '\0') < 0) {
        ht_err_set(err, HT_ENOMEM, "%s", _("out of memory"));
        return -1;
    }
    st->nfields++;
    st->field_start = r->data.len;
    return 0;
}

enum pstate { P_FIELD_START, P_UNQUOTED, P_QUOTED, P_QUOTE_IN_QUOTED };

/* Length of the run of bytes in the window that need no special handling. */
static size_t run_len(const struct csv_reader *r, int quoted)
{
    const char *p = r->in + r->pos, *end = r->in + r->len, *q = p;

    if (quoted) {
        while (q < end && *q != '"' && *q != '\r' && *q != '\n' && *q != '\0')
            q++;
    } else {
        while (q < end && *q != ',' && *q != '"' && *q != '\r' && *q != '\n' &&
               *q != '\0')
            q++;
    }
    return (size_t)(q - p);
}

/* One byte of a field's text; a NUL byte marks the record bad instead. Returns 0, or -1
 * when a cap is exceeded beyond recovery (add_bytes). */
static int add_char(struct csv_reader *r, struct rec_state *st, int c, struct ht_err *err)
{
    char ch = (char)c;

    if (c == '\0') {
        mark_bad(st, (long)st->nfields, err, _("NUL byte in field"));
        return 0;
    }
    return add_bytes(r, st, &ch, 1, err);
}

/* Before a record: the byte order mark once, then empty lines. CSV_OK when a record
 * starts at r->pos, CSV_EOF at the end, CSV_ERROR on an I/O error. */
static enum csv_status skip_to_record(struct csv_reader *r, struct ht_err *err)
{
    int c;

    if (r->ioerr)
        return CSV_ERROR;
    if (!r->started) {
        r->started = 1;
        if (skip_bom(r, err) < 0)
            return CSV_ERROR;
    }
    for (;;) {
        c = get(r, err);
        if (c == -2)
            return CSV_ERROR;
        if (c == -1)
            return CSV_EOF;
        if (c == '\n') {
            r->line++;
        } else if (c == '\r') {
            if (eat_lf_after_cr(r, err) < 0)
                return CSV_ERROR;
            r->line++;
        } else {
            r->pos--; /* the byte came from the current window */
            return CSV_OK;
        }
    }
}

/* After the record's last byte c (a line end or -1 at the end of input): the line count,
 * the last field, and the record handed out (CSV_OK) or refused (CSV_BAD). */
static enum csv_status finish_record(struct csv_reader *r, struct csv_record *rec,
                                     struct rec_state *st, int c, struct ht_err *err)
{
    if (c == '\r' && eat_lf_after_cr(r, err) < 0)
        return CSV_ERROR;
    rec->end_line = r->line;
    if (c == '\r' || c == '\n')
        r->line++;
    if (end_field(r, st, err) < 0)
        return CSV_ERROR;
    rec->bad_field = st->bad_field;
    if (st->bad)
        return CSV_BAD;
    for (size_t i = 0; i < st->nfields; i++)
        r->fields[i] = r->data.ptr + r->starts[i];
    r->fields[st->nfields] = NULL;
    rec->nfields = st->nfields;
    rec->fields = r->fields;
    rec->lens = r->lens;
    return CSV_OK;
}

enum csv_status csv_next(struct csv_reader *r, struct csv_record *rec, struct ht_err *err)
{
    struct rec_state st = {0, 0, 0, 0, -1};
    enum pstate ps = P_FIELD_START;
    unsigned long quote_line = 0;
    enum csv_status pre;
    int c;

    memset(rec, 0, sizeof(*rec));
    if ((pre = skip_to_record(r, err)) != CSV_OK)
        return pre;
    buf_reset(&r->data);
    rec->line = r->line;
    for (;;) {
        if (ps == P_UNQUOTED || ps == P_QUOTED) {
            size_t n = run_len(r, ps == P_QUOTED);

            if (n) {
                if (add_bytes(r, &st, r->in + r->pos, n, err) < 0)
                    return CSV_ERROR;
                r->pos += n;
            }
        }
        c = get(r, err);
        if (c == -2)
            return CSV_ERROR;
        switch (ps) {
        case P_FIELD_START:
            if (c == '"') {
                ps = P_QUOTED;
                quote_line = r->line;
                continue;
            }
            ps = P_UNQUOTED;
            /* fall through */
        case P_UNQUOTED:
            if (c == ',') {
                if (end_field(r, &st, err) < 0)
                    return CSV_ERROR;
                ps = P_FIELD_START;
            } else if (c == '\r' || c == '\n' || c == -1) {
                goto end_record;
            } else if (c == '"') {
                if (!st.discard)
                    mark_bad(&st, (long)st.nfields, err,
                             _("quote inside an unquoted field"));
            } else if (add_char(r, &st, c, err) < 0) {
                return CSV_ERROR;
            }
            break;
        case P_QUOTED:
            if (c == '"') {
                ps = P_QUOTE_IN_QUOTED;
            } else if (c == -1) {
                mark_bad(&st, (long)st.nfields, err,
                         _("unterminated quoted field (opened on line %lu)"), quote_line);
                goto end_record;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && eat_lf_after_cr(r, err) < 0)
                    return CSV_ERROR;
                r->line++;
                if (add_bytes(r, &st, "\n", 1, err) < 0)
                    return CSV_ERROR;
            } else if (add_char(r, &st, c, err) < 0) {
                return CSV_ERROR;
            }
            break;
        case P_QUOTE_IN_QUOTED:
            if (c == '"') {
                if (add_bytes(r, &st, "\"", 1, err) < 0)
                    return CSV_ERROR;
                ps = P_QUOTED;
            } else if (c == ',') {
                if (end_field(r, &st, err) < 0)
                    return CSV_ERROR;
                ps = P_FIELD_START;
            } else if (c == '\r' || c == '\n' || c == -1) {
                goto end_record;
            } else {
                mark_bad(&st, (long)st.nfields, err,
                         _("unexpected character after a closing quote"));
                ps = P_UNQUOTED; /* resynchronise: scan to the next comma or line end */
            }
            break;
        }
    }
end_record:
    return finish_record(r, rec, &st, c, err);
}

/* OWASP "CSV injection": a spreadsheet evaluates a cell that starts with one of these,
 * quoted or not. */
static int formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int csv_write_field(struct buf *b, const char *s, unsigned flags)
{
    size_t n;
    int defuse;

    if (!s || !*s)
        return 0;
    n = strlen(s);
    defuse = formula_start(s[0]) && !((flags & CSV_NUMBER) && str_is_number(s));
    if (!defuse && strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && s[n - 1] != ' ')
        return buf_add(b, s, n);
    if (buf_addch(b, '"') < 0 || (defuse && buf_addch(b, '\'') < 0))
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && buf_addch(b, '"') < 0)
            return -1;
        if (buf_addch(b, *p) < 0)
            return -1;
    }
    return buf_addch(b, '"');
}

const char *csv_field_text(const char *s)
{
    return s && s[0] == '\'' && formula_start(s[1]) ? s + 1 : s;
}

/* The one JSON writer: string escaping, numbers as jansson prints them, and a streaming
 * writer with an optional pretty layout (see jsonw.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/jsonw.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* Decodes one UTF-8 sequence at s (at least one byte). Returns its length and the code
 * point, or 0 for an invalid sequence (overlong, surrogate, truncated, > U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    size_t n;
    uint32_t c, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0)
        n = 2, c = s[0] & 0x1Fu, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3, c = s[0] & 0x0Fu, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0)
        n = 4, c = s[0] & 0x07u, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

static int add_u(struct buf *b, uint32_t cp)
{
    if (cp < 0x10000)
        return buf_addf(b, "\\u%04X", (unsigned)cp);
    cp -= 0x10000;
    return buf_addf(b, "\\u%04X\\u%04X", (unsigned)(0xD800 | (cp >> 10)),
                    (unsigned)(0xDC00 | (cp & 0x3FF)));
}

/* The escape of an ASCII byte that needs one, or NULL. */
static const char *short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        return NULL;
    }
}

int jsonw_quote(struct buf *b, const char *s, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s, *run;

    if (!s)
        return buf_adds(b, "null");
    if (buf_addch(b, '"') < 0)
        return -1;
    run = p;
    while (*p) {
        const char *esc;
        uint32_t cp;
        size_t n;

        if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
            p++;
            continue;
        }
        n = *p < 0x80 ? 1 : utf8_decode(p, &cp);
        if (n > 1 && !(flags & JSONW_ASCII)) {
            p += n; /* valid UTF-8 is copied as it is */
            continue;
        }
        if (buf_add(b, run, (size_t)(p - run)) < 0)
            return -1;
        if (n == 0) {
            /* Not UTF-8: one replacement character for the bad byte. */
            if ((flags & JSONW_ASCII ? buf_adds(b, "\\uFFFD")
                                     : buf_adds(b, "\xEF\xBF\xBD")) < 0)
                return -1;
            n = 1;
        } else if (n > 1) {
            if (add_u(b, cp) < 0)
                return -1;
        } else if ((esc = short_escape(*p)) != NULL) {
            if (buf_adds(b, esc) < 0)
                return -1;
        } else if (add_u(b, *p) < 0) {
            return -1;
        }
        p += n;
        run = p;
    }
    if (buf_add(b, run, (size_t)(p - run)) < 0)
        return -1;
    return buf_addch(b, '"');
}

void jsonw_init(struct jsonw *w, struct buf *b, FILE *fp, unsigned flags)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
    w->fp = fp;
    w->flags = flags;
}

static int fail(struct jsonw *w)
{
    w->failed = 1;
    return -1;
}

static int flush(struct jsonw *w)
{
    if (!w->fp || w->b->len == 0)
        return 0;
    if (fwrite(w->b->ptr, 1, w->b->len, w->fp) != w->b->len)
        return fail(w);
    buf_reset(w->b);
    return 0;
}

static int newline(struct jsonw *w, int depth)
{
    if (!(w->flags & JSONW_PRETTY))
        return 0;
    if (buf_addch(w->b, '\n') < 0)
        return -1;
    for (int i = 0; i < depth; i++)
        if (buf_adds(w->b, "  ") < 0)
            return -1;
    return 0;
}

/* Before any value or key: the separator and the line break of the pretty layout. A
 * value right after its key needs neither. */
static int before_item(struct jsonw *w, int key)
{
    if (w->failed)
        return -1;
    if (w->after_key) {
        w->after_key = 0;
        return 0;
    }
    if (w->in_object[w->depth] && !key)
        return fail(w); /* an object's member needs its key first */
    if (w->depth > 0) {
        if (w->nonempty[w->depth] && buf_addch(w->b, ',') < 0)
            return fail(w);
        if (newline(w, w->depth) < 0)
            return fail(w);
    }
    w->nonempty[w->depth] = 1;
    return 0;
}

/* After a complete value: stream the buffer out once it is large. */
static int after_value(struct jsonw *w, int rc)
{
    if (rc < 0)
        return fail(w);
    return w->b->len > JSONW_FLUSH_AT ? flush(w) : 0;
}

static int begin(struct jsonw *w, char open)
{
    if (before_item(w, 0) < 0)
        return -1;
    if (w->depth == JSONW_MAX_DEPTH || buf_addch(w->b, open) < 0)
        return fail(w);
    w->depth++;
    w->nonempty[w->depth] = 0;
    w->in_object[w->depth] = open == '{';
    return 0;
}

static int end(struct jsonw *w, char close)
{
    if (w->failed || w->depth == 0 || w->after_key ||
        w->in_object[w->depth] != (close == '}'))
        return fail(w);
    w->depth--;
    if (w->nonempty[w->depth + 1] && newline(w, w->depth) < 0)
        return fail(w);
    return after_value(w, buf_addch(w->b, close));
}

int jsonw_begin_object(struct jsonw *w)
{
    return begin(w, '{');
}

int jsonw_end_object(struct jsonw *w)
{
    return end(w, '}');
}

int jsonw_begin_array(struct jsonw *w)
{
    return begin(w, '[');
}

int jsonw_end_array(struct jsonw *w)
{
    return end(w, ']');
}

int jsonw_key(struct jsonw *w, const char *key)
{
    if (!w->in_object[w->depth] || w->after_key || before_item(w, 1) < 0)
        return fail(w);
    if (jsonw_quote(w->b, key, w->flags & JSONW_ASCII) < 0 ||
        buf_adds(w->b, w->flags & JSONW_PRETTY ? ": " : ":") < 0)
        return fail(w);
    w->after_key = 1;
    return 0;
}

int jsonw_str(struct jsonw *w, const char *s)
{
    if (before_item(w, 0) < 0)
        return -1;
    return after_value(w, jsonw_quote(w->b, s, w->flags & JSONW_ASCII));
}

int jsonw_int(struct jsonw *w, long long v)
{
    if (before_item(w, 0) < 0)
        return -1;
    return after_value(w, buf_addf(w->b, "%lld", v));
}

/* jansson's jsonp_dtostr: "%.17g", a ".0" when there is neither '.' nor 'e', and the
 * exponent without '+' or leading zeros. */
static void format_real(double v, char out[32])
{
    char *e;

    snprintf(out, 32, "%.17g", v);
    if (!strchr(out, '.') && !strchr(out, 'e')) {
        size_t n = strlen(out);

        if (n + 3 <= 32)
            memcpy(out + n, ".0", 3);
        return;
    }
    e = strchr(out, 'e');
    if (e) {
        char *d = ++e, *s = e;

        if (*s == '+')
            s++;
        else if (*s == '-')
            *d++ = *s++;
        while (*s == '0' && s[1])
            s++;
        memmove(d, s, strlen(s) + 1);
    }
}

int jsonw_real(struct jsonw *w, double v)
{
    char text[32];

    if (!isfinite(v))
        return jsonw_null(w);
    if (before_item(w, 0) < 0)
        return -1;
    format_real(v, text);
    return after_value(w, buf_adds(w->b, text));
}

int jsonw_bool(struct jsonw *w, int v)
{
    if (before_item(w, 0) < 0)
        return -1;
    return after_value(w, buf_adds(w->b, v ? "true" : "false"));
}

int jsonw_null(struct jsonw *w)
{
    if (before_item(w, 0) < 0)
        return -1;
    return after_value(w, buf_adds(w->b, "null"));
}

int jsonw_number_text(struct jsonw *w, const char *s)
{
    if (!str_is_number(s))
        return jsonw_str(w, s);
    if (before_item(w, 0) < 0)
        return -1;
    return after_value(w, buf_adds(w->b, s));
}

int jsonw_finish(struct jsonw *w)
{
    if (w->failed || w->depth != 0 || w->after_key)
        return -1;
    if (buf_addch(w->b, '\n') < 0)
        return fail(w);
    if (flush(w) < 0)
        return -1;
    return w->fp && ferror(w->fp) ? -1 : 0;
}

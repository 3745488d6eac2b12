/* The one JSON writer of halaltrack: streams JSON text into a struct buf (and from there,
 * optionally, to a FILE). Every JSON the programs print goes through it: the reports and
 * the CLI's --format=json (lib/report_json.c, lib/out.c) and the simulator's answers
 * (sim/render.c). Decoding JSON is lib/api.c's job (jansson); nothing here parses.
 *
 * Usage: struct jsonw w; jsonw_init(&w, &b, fp, JSONW_PRETTY | JSONW_ASCII);
 * jsonw_begin_object(&w); jsonw_key(&w, "n"); jsonw_int(&w, 1); jsonw_end_object(&w);
 * if (jsonw_finish(&w) < 0) ... Errors are sticky: after the first failure (buffer cap,
 * write error, nesting deeper than JSONW_MAX_DEPTH) every call returns -1 and writes
 * nothing, so a sequence of calls needs one check, at jsonw_finish. */
#ifndef HALALTRACK_JSONW_H
#define HALALTRACK_JSONW_H

#include <stdio.h>
#include "halaltrack/buf.h"
#include "halaltrack/compat.h"

/* Newlines and two-space indentation, "key": value (the layout of jansson's
 * JSON_INDENT(2), which the reports used before this writer). Without it: compact. */
#define JSONW_PRETTY 1u
/* Every non-ASCII character as \uXXXX (surrogate pairs above U+FFFF). Without it UTF-8 is
 * copied as it is. Invalid UTF-8 becomes U+FFFD either way. */
#define JSONW_ASCII 2u

#define JSONW_MAX_DEPTH 32
/* With a FILE, the buffer is written out whenever it holds more than this. */
#define JSONW_FLUSH_AT (64u * 1024)

struct jsonw {
    struct buf *b; /* borrowed */
    FILE *fp;      /* borrowed; NULL: the text stays in b */
    unsigned flags;
    int depth;
    unsigned char nonempty[JSONW_MAX_DEPTH + 1];  /* a value was written at this level */
    unsigned char in_object[JSONW_MAX_DEPTH + 1]; /* this level is an object */
    int after_key;
    int failed;
};

/* Appends s as a JSON string literal (quotes and escapes included) to b; NULL gives null.
 * flags: JSONW_ASCII or 0. Returns 0, or -1 when b's cap is reached (b is released, as
 * every buf_add failure does). The primitive the writer below is built on. */
int jsonw_quote(struct buf *b, const char *s, unsigned flags) HT_MUSTCHECK;

/* Starts writing into b (which may already hold text) and, when fp is not NULL, to fp. */
void jsonw_init(struct jsonw *w, struct buf *b, FILE *fp, unsigned flags);
int jsonw_begin_object(struct jsonw *w);
int jsonw_end_object(struct jsonw *w);
int jsonw_begin_array(struct jsonw *w);
int jsonw_end_array(struct jsonw *w);
/* The key of the next member of the current object. */
int jsonw_key(struct jsonw *w, const char *key);
/* Values. jsonw_str(NULL) writes null. */
int jsonw_str(struct jsonw *w, const char *s);
int jsonw_int(struct jsonw *w, long long v);
/* A double as jansson prints it: "%.17g", with ".0" added to whole numbers. Infinity and
 * NaN, which JSON cannot hold, are written as null. */
int jsonw_real(struct jsonw *w, double v);
int jsonw_bool(struct jsonw *w, int v);
int jsonw_null(struct jsonw *w);
/* s written verbatim when it is a JSON number literal, else as a string (NULL: null). */
int jsonw_number_text(struct jsonw *w, const char *s);
/* Ends the text (a newline after a pretty top-level value), writes what is left to fp and
 * checks the FILE for errors. Returns 0, or -1 when any call failed. */
int jsonw_finish(struct jsonw *w) HT_MUSTCHECK;

#endif

/* RFC 4180 CSV reader and writer. Pure: the reader pulls bytes through a caller-supplied
 * read function and never touches files itself. */
#ifndef HALALTRACK_CSV_H
#define HALALTRACK_CSV_H

#include <stddef.h>
#include "halaltrack/buf.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* Default caps; every one is checked and reported as a bad record. */
#define CSV_MAX_FIELD (64u * 1024)    /* bytes in one field */
#define CSV_MAX_RECORD (1024u * 1024) /* bytes in one record (all fields) */
#define CSV_MAX_FIELDS 256u           /* fields in one record */

struct csv_limits {
    size_t max_field;
    size_t max_record;
    size_t max_fields;
};

/* Reads up to n bytes into dst: returns the count, 0 at end of input, -1 on error. */
typedef long (*csv_read_fn)(void *arg, char *dst, size_t n);

/* One record. fields[i] is NUL-terminated and lens[i] its length; both are borrowed and
 * valid until the next csv_next call. line is the physical line (1-based) where the
 * record starts; end_line the line where it ends (records may span lines in quoted
 * fields). */
struct csv_record {
    size_t nfields;
    char **fields;
    size_t *lens;
    unsigned long line;
    unsigned long end_line;
    long bad_field; /* with CSV_BAD: 0-based index of the offending field, -1 = whole
                       record */
};

enum csv_status {
    CSV_ERROR = -1, /* I/O error or out of memory: stop (err says why) */
    CSV_OK = 0,     /* rec holds a record */
    CSV_EOF = 1,    /* no more records */
    CSV_BAD = 2,    /* the record starting at rec->line is malformed (err says why); the
                     * reader has skipped to the next record, keep calling */
};

struct csv_reader;

/* A reader over a read function; lim NULL = the CSV_MAX_* defaults. A UTF-8 byte order
 * mark at the start is skipped. NULL on allocation failure. */
struct csv_reader *csv_reader_new(csv_read_fn fn, void *arg,
                                  const struct csv_limits *lim) HT_MUSTCHECK;
void csv_reader_free(struct csv_reader *r);

/* Reads the next record. Line terminators are CRLF, LF or a lone CR. Completely empty
 * lines between records are skipped. Inside quoted fields "" is a quote and CRLF is
 * stored as LF. Malformed input (a quote inside an unquoted field, a character after a
 * closing quote, an unterminated quote, a NUL byte, a cap exceeded) gives CSV_BAD with a
 * message in err; the reader resumes at the next record. */
enum csv_status csv_next(struct csv_reader *r, struct csv_record *rec,
                         struct ht_err *err) HT_MUSTCHECK;

/* csv_write_field flags: the field is a number (see below). */
#define CSV_NUMBER 1u

/* Appends s as one CSV field, quoted when it holds a comma, quote, CR or LF, or starts or
 * ends with a space. NULL is written as an empty field. A field a spreadsheet would read
 * as a formula (starting with '=', '+', '-', '@', tab or CR) gets a single quote in
 * front, inside double quotes (OWASP "CSV injection"), unless flags has CSV_NUMBER and s
 * is a number (str_is_number: "-3", "-0.5"), which stays a number. The one CSV
 * writer of halaltrack: reports, --format=csv and the simulator's register all use it.
 * Returns 0 or -1 (buffer cap). */
int csv_write_field(struct buf *b, const char *s, unsigned flags) HT_MUSTCHECK;
/* The text csv_write_field was given, from a field it read back: s without the single
 * quote it put in front of a formula-like value (s itself otherwise). Borrowed. */
const char *csv_field_text(const char *s);

#endif

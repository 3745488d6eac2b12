/* The output layer of every command that prints rows: a table of named columns, written
 * as an 80-column text table, CSV (lib/csv.c's writer) or JSON (lib/jsonw.c's writer).
 *
 * A command declares its columns once, in a static array of struct out_col: the key (the
 * CSV header and the JSON member name, stable and English), the heading of the text table
 * (an N_() msgid, translated when written) and flags. It adds its rows as strings and
 * writes the table in the format the user asked for with --format (see cli/cli.h for the
 * shared option parser). Pure apart from writing to the FILE it is given. */
#ifndef HALALTRACK_OUT_H
#define HALALTRACK_OUT_H

#include <stddef.h>
#include <stdio.h>
#include "halaltrack/compat.h"

/* Output formats. OUT_TABLE is the human form (a text table, or the text report of the
 * commands that print one); "text" and "table" both name it. */
enum out_format { OUT_TABLE = 0, OUT_CSV, OUT_JSON, OUT_HTML, OUT_PDF, OUT__COUNT };
#define OUT_F(f) (1u << (f))
#define OUT_ROWS (OUT_F(OUT_TABLE) | OUT_F(OUT_CSV) | OUT_F(OUT_JSON))

/* Parses a format name against the formats offered (OUT_F bits). Returns 0, or -1 for an
 * unknown name or one not offered. */
int out_format_parse(const char *name, unsigned offered, enum out_format *out);
/* "table", "csv", "json", "html", "pdf". */
const char *out_format_name(enum out_format f);
/* The offered formats as "table, csv or json" (for messages); out holds 64 bytes. */
void out_formats_list(unsigned offered, char out[static 64]);

/* Column flags. */
#define OUT_NUM 0x01u /* a number: right-aligned, a JSON number, a CSV number */
#define OUT_NARROW                                                                       \
    0x02u              /* the text table cuts this column first ("…"), and leaves it   \
                          out when cutting every column is not enough */
#define OUT_KEEP 0x04u /* the text table never cuts nor leaves out this column */
#define OUT_LIST 0x08u /* tags separated by ';': a JSON array of strings */
#define OUT_NO_TABLE 0x10u /* only in CSV and JSON */
#define OUT_NO_CSV 0x20u   /* not in CSV */
#define OUT_NO_JSON 0x40u  /* not in JSON */
#define OUT_TABLE_ONLY (OUT_NO_CSV | OUT_NO_JSON)

/* The width every text table fits, and the narrowest a column is cut to. */
#define OUT_WIDTH 80
#define OUT_MIN_CUT 6

struct out_col {
    const char *key;    /* CSV header and JSON member name */
    const char *header; /* N_() or NC_() msgid of the table's heading; "" for none */
    unsigned flags;     /* OUT_* */
};

/* A table of owned strings; cells[r * ncols + c], NULL is empty (JSON null). row_color:
 * 0 none, 'g' green, 'y' yellow, 'r' red (text table on a terminal only). */
struct out_table {
    const struct out_col *cols; /* borrowed, usually a static array */
    size_t ncols;
    char **cells;
    char *row_color;
    size_t nrows, cap;
};

void out_table_init(struct out_table *t, const struct out_col *cols, size_t ncols);
/* Adds a row of ncols strings (copied). Returns 0, or -1 when out of memory (the table
 * is unchanged). */
int out_table_add(struct out_table *t, char color, const char *const *cells) HT_MUSTCHECK;
void out_table_release(struct out_table *t);

/* Writes t in format f (OUT_TABLE, OUT_CSV or OUT_JSON): the text table fits OUT_WIDTH
 * columns and is coloured when color; CSV has a header line of keys and CRLF line ends;
 * JSON is an array of objects. Returns 0, or -1 on a write error or no memory. */
int out_table_write(FILE *fp, const struct out_table *t, enum out_format f,
                    int color) HT_MUSTCHECK;

/* Several tables in one output. Text: each table after its title line ("\nTITLE:\n";
 * none for a NULL title); CSV: the tables one after the other, an empty line between;
 * JSON: one object with a member per table, named by name. */
struct out_section {
    const char *name;  /* JSON member name */
    const char *title; /* translated title of the text table, or NULL */
    const struct out_table *t;
};
int out_write_sections(FILE *fp, const struct out_section *s, size_t n, enum out_format f,
                       int color) HT_MUSTCHECK;

/* Writes s in exactly w cells: cut with "…" when longer, else padded (right-aligned when
 * right) when pad. Used by the text reports for their own layouts. */
void out_cell(FILE *fp, const char *s, size_t w, int right, int pad);

#endif

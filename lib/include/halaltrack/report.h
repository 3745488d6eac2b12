/* Report renderers: tables (text fitting 80 columns, CSV, JSON), the MSME status card and
 * the weekly report (text, CSV, JSON, HTML with inline SVG). Each writes to a FILE and
 * returns 0, or -1 on a write error or no memory. Report vocabulary follows i18n_lang()
 * (Indonesian or English). */
#ifndef HALALTRACK_REPORT_H
#define HALALTRACK_REPORT_H

#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/store_report.h"
#include "halaltrack/timeline.h"
#include "halaltrack/weekly.h"

#define RTABLE_MAX_COLS 16

/* A table of owned strings. keys name the columns in CSV and JSON (stable, English);
 * headers are the human headings of the text table. Columns in numeric are written as
 * JSON numbers. row_color: 0 none, 'g' green, 'y' yellow, 'r' red (text on a terminal).
 */
struct rtable {
    int ncols;
    const char *keys[RTABLE_MAX_COLS];
    const char *headers[RTABLE_MAX_COLS];
    unsigned numeric; /* bit i: column i is a number */
    unsigned keep;    /* bit i: column i is never shortened in text */
    char **cells;
    char *row_color;
    int nrows, cap;
};

void rtable_init(struct rtable *t, int ncols, const char *const *keys,
                 const char *const *headers, unsigned numeric);
/* Adds a row of ncols strings (copied; NULL is written as empty / JSON null). */
int rtable_add(struct rtable *t, char color, const char *const *cells) HT_MUSTCHECK;
void rtable_release(struct rtable *t);

/* Text table, columns shrunk (with "…") so a line fits width (80); colour when color. */
int report_table_text(FILE *fp, const struct rtable *t, int width,
                      int color) HT_MUSTCHECK;
int report_table_csv(FILE *fp, const struct rtable *t) HT_MUSTCHECK;
/* A JSON array of objects keyed by t->keys (report_json.c). */
int report_table_json(FILE *fp, const struct rtable *t) HT_MUSTCHECK;

/* A progress bar of width cells, e.g. "[#####.....]". out must hold width + 3 bytes. */
void report_bar(double percent, int width, char *out);

/* One MSME (status NIB): card, and per application its timeline at now. */
int report_status_text(FILE *fp, const struct report_msme *m, const struct timeline *tl,
                       int64_t now, int color) HT_MUSTCHECK;
int report_status_json(FILE *fp, const struct report_msme *m, const struct timeline *tl,
                       int64_t now) HT_MUSTCHECK;

/* The weekly report. */
int report_weekly_text(FILE *fp, const struct weekly_report *r) HT_MUSTCHECK;
int report_weekly_csv(FILE *fp, const struct weekly_report *r) HT_MUSTCHECK;
int report_weekly_json(FILE *fp, const struct weekly_report *r) HT_MUSTCHECK;
int report_weekly_html(FILE *fp, const struct weekly_report *r) HT_MUSTCHECK;

/* Report vocabulary in the current language: id when i18n_lang() is "id", else en. */
const char *report_tr(const char *id, const char *en);
/* Whom an application waits on, in the report language. */
const char *report_waits_label(enum ht_waits_on w);

#endif

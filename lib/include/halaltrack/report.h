/* Report renderers: the MSME status card (text, JSON) and the weekly report (text, CSV,
 * JSON, HTML with inline SVG). Each writes to a FILE and returns 0, or -1 on a write
 * error or no memory. Report vocabulary follows i18n_lang() (Indonesian or English).
 * Tables of rows (progress, funnel, ...) are written by the output layer,
 * halaltrack/out.h. */
#ifndef HALALTRACK_REPORT_H
#define HALALTRACK_REPORT_H

#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/store_report.h"
#include "halaltrack/timeline.h"
#include "halaltrack/weekly.h"

/* A progress bar of width cells, e.g. "[#####.....]". out must hold width + 3 bytes. */
void report_bar(double percent, int width, char *out);

/* t in Asia/Jakarta time ("2026-01-02 10:00 WIB"), or "-" for 0. */
void report_format_wib(int64_t t, char out[static 21]);
/* The newest observation behind an MSME's applications and their timelines ("data as
 * of"), 0 when there is none. */
int64_t report_data_as_of(const struct report_msme *m, const struct timeline *tl);
/* A step's limit as shown: "10", "10+5" (an extension granted), "3+2" (taken over),
 * "-" (no clock). */
void report_step_limit(const struct tl_step *s, char out[static 24]);
/* The codes of a step, space-separated ("OF50 OF55"). */
void report_step_codes(const struct timeline *t, const struct tl_step *s, char *out,
                       size_t outsz);
/* The warning about years counted without holiday data ("no holiday calendar for 2027
 * ..."), in the current language. Returns 0, or -1 when g is empty (out untouched). */
int report_gaps_sentence(const struct cal_gaps *g, char *out, size_t outsz);
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

#endif

/* Shared by the report renderers (report_text.c, report_html.c); not a public API. */
#ifndef HALALTRACK_REPORT_INT_H
#define HALALTRACK_REPORT_INT_H

#include <stddef.h>
#include "halaltrack/weekly.h"

/* "and N more (see CSV/JSON)" into out when a list of total entries was cut after shown;
 * returns 0 then, -1 when nothing was cut (out untouched). */
int report_more(char *out, size_t outsz, size_t shown, long total);

/* The deadline that drives the year as one sentence each (mandatory.h, goal.h): the
 * micro and small businesses' deadline and how far off it is; the medium and large ones'
 * (only when any of them is not certified: returns -1 otherwise, out untouched). */
void report_mandatory_small(const struct weekly_report *r, char *out, size_t outsz);
int report_mandatory_large(const struct weekly_report *r, char *out, size_t outsz);

#endif

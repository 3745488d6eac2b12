/* Shared by the report renderers (report_text.c, report_html.c); not a public API. */
#ifndef HALALTRACK_REPORT_INT_H
#define HALALTRACK_REPORT_INT_H

#include <stddef.h>

/* "and N more (see CSV/JSON)" into out when a list of total entries was cut after shown;
 * returns 0 then, -1 when nothing was cut (out untouched). */
int report_more(char *out, size_t outsz, size_t shown, long total);

#endif

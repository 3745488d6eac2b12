/* The MSME's HTML pages (page.c). */
#ifndef HALALTRACK_SERVE_PAGE_H
#define HALALTRACK_SERVE_PAGE_H

#include <stdio.h>
#include "halaltrack/store_report.h"
#include "halaltrack/timeline.h"

/* Both pages name the office in their header: office is the setting office_name ("" for
 * the generic name in the page's language). */
/* The form, with an optional message above it (nothing of what was typed comes back:
 * an unknown NIB and a wrong code get the same page). */
void page_form(FILE *fp, const char *lang, const char *office, const char *message);
/* The answer: the MSME's card and each application's legal steps. */
void page_status(FILE *fp, const char *lang, const char *office,
                 const struct report_msme *m, const struct timeline *tl);

#endif

/* Helpers shared by the report commands (status, progress, funnel, overdue, goal,
 * report). */
#ifndef HALALTRACK_REPORT_CLI_H
#define HALALTRACK_REPORT_CLI_H

#include <stdint.h>
#include "halaltrack/report.h"

/* "Now": HALALTRACK_NOW (ISO 8601) when set, else the real clock. Returns 0, or -1 after
 * printing an error naming the bad value. */
int rcli_now(int64_t *now);
/* Prints t as table (80 columns, colour when color), csv or json; returns an exit code.
 */
int rcli_print_table(const struct rtable *t, const char *format, int color);
/* Checks --format against a list like "table,csv,json"; prints the error; 0 or -1. */
int rcli_check_format(const char *cmd, const char *format, const char *allowed);

#endif

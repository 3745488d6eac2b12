/* Where the programs find their files: the SQL directory, the reference data (holiday
 * calendar, regions, KBLI codes) and the message catalogues. One lookup for all of them:
 *
 *   1. the environment: HT_SQLDIR, HT_DATADIR, HT_LOCALEDIR (the test suite sets them);
 *   2. a program that runs from its build tree (it lies under the build directory it was
 *      configured in) uses that build's files: <build>/locale, <source>/sql and
 *      <source>/etc/reference;
 *   3. the directories configured at build time (the installed ones, lib/config.h.in);
 *   4. for SQL and data only, the source tree as a last resort.
 *
 * Each answer is computed once and kept (static storage, valid for the process). */
#ifndef HALALTRACK_PATHS_H
#define HALALTRACK_PATHS_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* The migrations directory (sql/). Never NULL. */
const char *paths_sqldir(void);
/* The reference data directory (libur_nasional.csv, kbli_pangan.csv, ...). Never NULL. */
const char *paths_datadir(void);
/* The directory bindtextdomain() gets (<dir>/<lang>/LC_MESSAGES/halaltrack.mo). Never
 * NULL. */
const char *paths_localedir(void);
/* The path of the data file name (e.g. "libur_nasional.csv"): the first candidate data
 * directory, in the order above, that has it readable, into out. Returns 0, or -1 with
 * err naming every place tried. */
int paths_data_file(const char *name, char *out, size_t outsz,
                    struct ht_err *err) HT_MUSTCHECK;

#endif

/* Database test helper: each test process gets its own schema, migrated, dropped at exit.
 */
#ifndef HT_PG_TEST_H
#define HT_PG_TEST_H

#include "halaltrack/store.h"

/* Connects with the libpq environment (PGHOST... set by tests/scripts/with-pg), creates a
 * fresh schema t_<pid>_<n>, applies sql/ migrations and returns the store. Without
 * PGHOST the test is skipped, except under CI=true, where it fails. */
struct store *pgt_open(void);
/* Drops the schema created by pgt_open and frees the store. */
void pgt_close(void);
/* The schema of this process's test database (valid after pgt_open). */
const char *pgt_schema(void);
/* "HALALTRACK_SCHEMA=<schema>", for the environment of a program a test runs. */
const char *pgt_schema_env(void);
/* pgt_open as a suite's .init (the suite's .fini is pgt_close). */
void pgt_setup(void);
/* Runs SQL that must succeed (asserts). */
void pgt_exec(const char *sql);
/* Runs a query expected to return one value and returns it as a long (asserts). */
long pgt_long(const char *sql);
/* Returns one value as a malloc'd string (NULL for SQL NULL). */
char *pgt_str(const char *sql);
/* Asserts that the query's one value is want (what: the assertion's message). */
void pgt_expect_str(const char *sql, const char *want, const char *what);

#endif

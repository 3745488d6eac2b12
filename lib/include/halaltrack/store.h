/* PostgreSQL access: the only module that includes libpq. Connection, transactions,
 * migrations and one checked place that runs statements. Rows come back as structs
 * declared in the store_*.h headers of each area. */
#ifndef HALALTRACK_STORE_H
#define HALALTRACK_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

struct store;

#define STORE_DEFAULT_SCHEMA "halaltrack"

/* Connects with a libpq conninfo ("" or NULL: PGHOST/PGPORT/PGDATABASE/PGSERVICE...),
 * sets search_path to schema (created if create_schema), application_name and
 * statement_timeout (ms, 0 = none). Returns NULL on failure with err set. The conninfo
 * is never copied into error messages (it may hold a password). */
struct store *store_open(const char *conninfo, const char *schema,
                         int statement_timeout_ms, struct ht_err *err) HT_MUSTCHECK;
void store_free(struct store *s);
/* Writes conninfo (key=value pairs or a postgresql:// URI) into out (outsz bytes, always
 * terminated, cut when longer) with "***" for every value libpq marks secret (password,
 * sslpassword), every value of an unknown key (a misspelt "password") and every word
 * that is not a key=value pair: fit for an error message. */
void store_conninfo_redact(const char *conninfo, char *out, size_t outsz);
/* True while the connection is usable. */
int store_ok(const struct store *s);
/* Re-establishes a lost connection (same parameters). Returns 0 or -1. */
int store_reconnect(struct store *s, struct ht_err *err) HT_MUSTCHECK;
const char *store_schema(const struct store *s);

/* Runs SQL text without parameters (may hold several statements). */
int store_exec(struct store *s, const char *sql, struct ht_err *err) HT_MUSTCHECK;
int store_begin(struct store *s, struct ht_err *err) HT_MUSTCHECK;
int store_commit(struct store *s, struct ht_err *err) HT_MUSTCHECK;
/* Rolls back if a transaction is open; never fails visibly. */
void store_rollback(struct store *s);

/* Runs a parameterised statement that returns at most one row with one column and copies
 * that value (NULL -> *out = NULL). Returns 0 with a row, 1 with no row, -1 on error. */
int store_query_value(struct store *s, const char *sql, int nparams,
                      const char *const *params, char **out,
                      struct ht_err *err) HT_MUSTCHECK;
/* Runs a parameterised command; *affected gets the row count when not NULL. */
int store_command(struct store *s, const char *sql, int nparams,
                  const char *const *params, long *affected,
                  struct ht_err *err) HT_MUSTCHECK;

/* A result table copied out of libpq: rows x cols of owned strings (NULL for SQL NULL).
 */
struct store_rows {
    int nrows;
    int ncols;
    char **names; /* ncols column names */
    char **cells; /* nrows * ncols */
};
/* Runs a parameterised query and copies the whole result. */
int store_query_rows(struct store *s, const char *sql, int nparams,
                     const char *const *params, struct store_rows *out,
                     struct ht_err *err) HT_MUSTCHECK;
/* store_query_rows, and an array of one zeroed element of elem bytes per row in *array
 * (NULL for no rows) for the caller to fill from the rows and free. On failure nothing is
 * left to release. */
int store_query_array(struct store *s, const char *sql, int nparams,
                      const char *const *params, struct store_rows *out, size_t elem,
                      void **array, struct ht_err *err) HT_MUSTCHECK;
const char *store_rows_get(const struct store_rows *r, int row, int col);
void store_rows_release(struct store_rows *r);

/* Migrations (sql/NNNN_name.sql in dir), applied in one transaction under an advisory
 * lock; applied versions are recorded in schema_migration. *applied = count applied now.
 */
int store_migrate(struct store *s, const char *sqldir, int *applied,
                  struct ht_err *err) HT_MUSTCHECK;
struct store_migration {
    char *name;       /* "0001_init.sql" */
    char *applied_at; /* NULL when pending */
};
int store_migration_status(struct store *s, const char *sqldir,
                           struct store_migration **out, size_t *n,
                           struct ht_err *err) HT_MUSTCHECK;
void store_migrations_free(struct store_migration *m, size_t n);

#endif

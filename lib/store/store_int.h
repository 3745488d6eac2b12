/* Private to the store module: the connection struct and the one checked query runner. */
#ifndef HALALTRACK_STORE_INT_H
#define HALALTRACK_STORE_INT_H

#include <libpq-fe.h>
#include <stdint.h>
#include "halaltrack/buf.h"
#include "halaltrack/store.h"

struct store {
    PGconn *conn;
    char *conninfo;
    char *schema;
    int statement_timeout_ms;
    int in_tx;
};

/* Runs sql with text parameters and checks the status against expect (PGRES_COMMAND_OK or
 * PGRES_TUPLES_OK). On failure: logs nothing, sets err with the server's message (and
 * HT_EDBCONN when the connection is gone), clears the result and returns NULL. */
PGresult *store_run(struct store *s, const char *sql, int nparams,
                    const char *const *params, ExecStatusType expect, struct ht_err *err);
/* Error from a failed result or the connection; picks HT_EDBCONN / HT_ECONFLICT / HT_EDB.
 */
void store_set_error(struct store *s, const PGresult *res, const char *what,
                     struct ht_err *err);

/* Appends v to b escaped for COPY ... FROM STDIN text format (backslash, tab, newline,
 * carriage return). NULL, or "" when empty_is_null, becomes \N. Returns -1 when b is
 * over its cap (b is then released). */
int store_copy_field(struct buf *b, const char *v, int empty_is_null) HT_MUSTCHECK;

/* A PostgreSQL array literal under construction: {"a","b",NULL} (lib/store/pgarr.c). */
struct pgarr {
    struct buf b;
    size_t n;
};
void arr_init(struct pgarr *a);
void arr_release(struct pgarr *a);
/* Appends s (NULL: a NULL element) / an integer. -1 when over the cap. */
int arr_add(struct pgarr *a, const char *s);
int arr_addi(struct pgarr *a, int64_t v);
/* The literal ("{}" when empty), borrowed; NULL when over the cap. */
const char *arr_str(struct pgarr *a);

#endif

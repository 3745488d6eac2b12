/* The maintained answers: one call of maintained_diff
 * (sql/definitions/069_maintained_diff.sql) in a read-only snapshot. */
#include "store_int.h"
#include "halaltrack/store_maintained.h"
#include "halaltrack/banned.h"

int store_maintained_diff(struct store *s, struct store_rows *out, struct ht_err *err)
{
    *out = (struct store_rows){0};
    if (store_begin(s, err) < 0)
        return -1;
    if (store_exec(s,
                   "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
                   " SET LOCAL statement_timeout = 0",
                   err) < 0 ||
        store_query_rows(s,
                         "SELECT tbl, key, maintained, recomputed FROM maintained_diff()",
                         0, NULL, out, err) < 0 ||
        store_commit(s, err) < 0) {
        store_rollback(s);
        store_rows_release(out);
        return -1;
    }
    return 0;
}

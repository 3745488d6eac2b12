/* Retention: one call of prune_history (sql/definitions/095_prune_history.sql) with the
 * configured ages, under a longer statement timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/store_retention.h"
#include "halaltrack/banned.h"

/* An age as an interval literal, or NULL (keep for ever). */
static const char *age(long secs, char *buf, size_t n)
{
    if (secs <= 0)
        return NULL;
    snprintf(buf, n, "%ld seconds", secs);
    return buf;
}

int store_prune(struct store *s, const struct store_retention *r, int force,
                struct store_pruned *out, struct ht_err *err)
{
    char a[4][32], timeout[96];
    const char *p[5] = {
        age(r->budget_grant, a[0], sizeof(a[0])), age(r->sync_run, a[1], sizeof(a[1])),
        age(r->quarantine_resolved, a[2], sizeof(a[2])),
        age(r->self_service_attempt, a[3], sizeof(a[3])), force ? "true" : "false"};
    struct store_rows rows = {0};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (store_begin(s, err) < 0)
        return -1;
    snprintf(timeout, sizeof(timeout), "SET LOCAL statement_timeout = %lld",
             (long long)s->statement_timeout_ms * 10);
    if ((s->statement_timeout_ms > 0 && store_exec(s, timeout, err) < 0) ||
        store_query_rows(s, "SELECT * FROM prune_history($1, $2, $3, $4, $5)", 5, p,
                         &rows, err) < 0)
        goto out;
    if (rows.nrows == 1) {
        out->budget_grant = strtol(store_rows_get(&rows, 0, 0), NULL, 10);
        out->sync_run = strtol(store_rows_get(&rows, 0, 1), NULL, 10);
        out->quarantine_resolved = strtol(store_rows_get(&rows, 0, 2), NULL, 10);
        out->self_service_attempt = strtol(store_rows_get(&rows, 0, 3), NULL, 10);
    }
    if (store_commit(s, err) < 0)
        goto out;
    rc = rows.nrows == 1 ? 0 : 1;
out:
    if (rc < 0)
        store_rollback(s);
    store_rows_release(&rows);
    return rc;
}

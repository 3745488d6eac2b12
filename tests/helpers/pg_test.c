/* Per-process schema on the throwaway PostgreSQL for database tests. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pg_test.h"
#include "halaltrack/paths.h"

static struct store *pgt;
static char schema[64];

struct store *pgt_open(void)
{
    struct ht_err err = HT_ERR_INIT;
    const char *ci = getenv("CI");
    static int seq;
    int applied = 0;
    char sql[128];
    struct store *admin;

    if (!getenv("PGHOST") && !getenv("PGSERVICE")) {
        if (ci && *ci && strcmp(ci, "false") != 0)
            cr_assert_fail(
                "no PostgreSQL: PGHOST is not set (run through tests/scripts/with-pg)");
        cr_skip_test("no PostgreSQL (PGHOST is not set)");
    }
    snprintf(schema, sizeof(schema), "t_%ld_%d", (long)getpid(), ++seq);
    admin = store_open(NULL, "public", 0, &err);
    cr_assert(admin, "cannot connect: %s", err.msg);
    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
    cr_assert(store_exec(admin, sql, &err) == 0, "%s", err.msg);
    store_free(admin);
    pgt = store_open(NULL, schema, 0, &err);
    cr_assert(pgt, "cannot open schema %s: %s", schema, err.msg);
    cr_assert(store_migrate(pgt, paths_sqldir(), &applied, &err) == 0, "migrate: %s",
              err.msg);
    return pgt;
}

const char *pgt_schema(void)
{
    return schema;
}

const char *pgt_schema_env(void)
{
    static char env[96];

    snprintf(env, sizeof(env), "HALALTRACK_SCHEMA=%s", schema);
    return env;
}

void pgt_setup(void)
{
    (void)pgt_open();
}

void pgt_close(void)
{
    struct ht_err err = HT_ERR_INIT;
    char sql[128];

    if (!pgt)
        return;
    if (!store_ok(pgt))
        if (store_reconnect(pgt, &err) < 0)
            ht_err_clear(&err);
    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
    if (store_exec(pgt, sql, &err) < 0)
        fprintf(stderr, "cannot drop %s: %s\n", schema, err.msg);
    store_free(pgt);
    pgt = NULL;
}

void pgt_exec(const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(store_exec(pgt, sql, &err) == 0, "sql failed: %s\n%s", err.msg, sql);
}

char *pgt_str(const char *sql)
{
    struct ht_err err = HT_ERR_INIT;
    char *v = NULL;
    int rc = store_query_value(pgt, sql, 0, NULL, &v, &err);

    cr_assert(rc >= 0, "query failed: %s\n%s", err.msg, sql);
    return v;
}

void pgt_expect_str(const char *sql, const char *want, const char *what)
{
    char *v = pgt_str(sql);
    int same = v && strcmp(v, want) == 0;

    if (!same) {
        char got[256];

        snprintf(got, sizeof(got), "%s", v ? v : "(null)");
        free(v);
        cr_assert_fail("%s: got '%s', expected '%s'\n%s", what, got, want, sql);
    }
    free(v);
}

long pgt_long(const char *sql)
{
    char *v = pgt_str(sql);
    long n;

    cr_assert(v, "query returned NULL or no row: %s", sql);
    n = strtol(v, NULL, 10);
    free(v);
    return n;
}

/* A private database with the roles of `db init-roles`, for tests that log in as them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "roles_db.h"
#include "halaltrack/paths.h"
#include "halaltrack/store_roles.h"

static char db[48];
static struct store *su;
static struct store *sessions[64];
static size_t nsessions;

const char *rdb_name(void)
{
    return db;
}

void rdb_exec(struct store *st, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;
    size_t n = 0, cap = strlen(sql) * 2 + 64 * 8 + 1;
    char *buf = malloc(cap);

    cr_assert(buf);
    for (const char *p = sql; *p; p++) {
        const char *add = *p == '@' ? db : (const char[]){*p, 0};
        size_t len = strlen(add);

        if (n + len + 1 > cap) {
            cap = (n + len + 1) * 2;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        memcpy(buf + n, add, len);
        n += len;
    }
    buf[n] = '\0';
    cr_assert(store_exec(st, buf, &err) == 0, "%s\n%s", err.msg, buf);
    free(buf);
}

char *rdb_value(struct store *st, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;
    char *v = NULL;

    cr_assert(store_query_value(st, sql, 0, NULL, &v, &err) >= 0, "%s\n%s", err.msg, sql);
    return v;
}

long rdb_long(struct store *st, const char *sql)
{
    char *v = rdb_value(st, sql);
    long n;

    cr_assert(v, "NULL from %s", sql);
    n = strtol(v, NULL, 10);
    free(v);
    return n;
}

struct store *rdb_login(const char *who, const char *group)
{
    char sql[512];

    snprintf(sql, sizeof(sql),
             "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s_%s')"
             " THEN CREATE ROLE %s_%s LOGIN IN ROLE %s_%s; END IF; END $$",
             db, who, db, who, db, group);
    rdb_exec(su, sql);
    return rdb_connect(who);
}

struct store *rdb_connect(const char *who)
{
    struct ht_err err = HT_ERR_INIT;
    char ci[160];
    struct store *st;

    snprintf(ci, sizeof(ci), "dbname=%s user=%s_%s", db, db, who);
    st = store_open(ci, "halaltrack", 0, &err);
    cr_assert(st, "login as %s_%s: %s", db, who, err.msg);
    cr_assert(nsessions < sizeof(sessions) / sizeof(sessions[0]));
    sessions[nsessions++] = st;
    return st;
}

struct store *rdb_setup(const char *tag)
{
    static const struct rdb_scope camat_a = {"camat_a", "35.75.01"};

    return rdb_setup_scoped(tag, &camat_a, 1);
}

struct store *rdb_setup_scoped(const char *tag, const struct rdb_scope *scopes, size_t n)
{
    struct ht_err err = HT_ERR_INIT;
    struct role_scope rs[8];
    char ci[96], role[8][64];
    struct store *pg;
    int applied = 0;

    if (!getenv("PGHOST") && !getenv("PGSERVICE"))
        cr_skip_test("no PostgreSQL (PGHOST is not set)");
    snprintf(db, sizeof(db), "%s%ld", tag, (long)getpid());
    pg = store_open(NULL, "public", 0, &err);
    cr_assert(pg, "%s", err.msg);
    rdb_exec(pg, "DROP DATABASE IF EXISTS @");
    rdb_exec(pg, "CREATE DATABASE @");
    store_free(pg);
    snprintf(ci, sizeof(ci), "dbname=%s", db);
    su = store_open(ci, "halaltrack", 0, &err);
    cr_assert(su, "%s", err.msg);
    cr_assert(store_migrate(su, paths_sqldir(), &applied, &err) == 0, "%s", err.msg);
    cr_assert(n <= sizeof(rs) / sizeof(rs[0]));
    for (size_t i = 0; i < n; i++) {
        snprintf(role[i], sizeof(role[i]), "%s_%s", db, scopes[i].suffix);
        rs[i] = (struct role_scope){role[i], scopes[i].kecamatan};
    }
    cr_assert(store_init_roles(su, db, rs, n, &err) == 0, "%s", err.msg);
    return su;
}

void rdb_teardown(void)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_rows roles = {0};
    char sql[256];
    struct store *pg;

    for (size_t i = 0; i < nsessions; i++)
        store_free(sessions[i]);
    nsessions = 0;
    store_free(su);
    su = NULL;
    if (!*db)
        return;
    pg = store_open(NULL, "public", 0, &err);
    cr_assert(pg, "%s", err.msg);
    rdb_exec(pg, "DROP DATABASE IF EXISTS @ WITH (FORCE)");
    snprintf(sql, sizeof(sql),
             "SELECT rolname FROM pg_roles WHERE rolname LIKE '%s\\_%%'", db);
    cr_assert(store_query_rows(pg, sql, 0, NULL, &roles, &err) == 0, "%s", err.msg);
    for (int r = 0; r < roles.nrows; r++) {
        snprintf(sql, sizeof(sql), "DROP ROLE %s", store_rows_get(&roles, r, 0));
        rdb_exec(pg, sql);
    }
    store_rows_release(&roles);
    store_free(pg);
    db[0] = '\0';
}

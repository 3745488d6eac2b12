/* A private database for tests that log in as the roles of `db init-roles`: created,
 * migrated, roles initialised with the database's name as the prefix, dropped with its
 * roles at the end. Roles are global to the cluster, hence the name per process. */
#ifndef HT_ROLES_DB_H
#define HT_ROLES_DB_H

#include "halaltrack/store.h"

/* Creates database "<tag><pid>", migrates it and runs init-roles (prefix = its name,
 * kecamatan reader <db>_camat_a for 35.75.01). Returns a superuser session in it. Skips
 * the test without PostgreSQL. */
struct store *rdb_setup(const char *tag);
/* The same with the kecamatan reader roles <db>_<suffix> given (at most 8). */
struct rdb_scope {
    const char *suffix;
    const char *kecamatan;
};
struct store *rdb_setup_scoped(const char *tag, const struct rdb_scope *scopes, size_t n);
/* The database's name (the role prefix). */
const char *rdb_name(void);
/* Runs sql (every '@' replaced by the database name) as st; asserts success. */
void rdb_exec(struct store *st, const char *sql);
/* Creates login role <db>_<who> IN ROLE <db>_<group> and returns a session as it (closed
 * by rdb_teardown). */
struct store *rdb_login(const char *who, const char *group);
/* A session as the existing login role <db>_<who> (closed by rdb_teardown). */
struct store *rdb_connect(const char *who);
/* One value of a query (NULL for SQL NULL, asserts on error); malloc'd. */
char *rdb_value(struct store *st, const char *sql);
long rdb_long(struct store *st, const char *sql);
/* Drops the database and every role <db>_*. */
void rdb_teardown(void);

#endif

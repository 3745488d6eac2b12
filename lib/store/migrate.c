/* The schema: ordered SQL migrations (tables, columns, indexes, data) and the definitions
 * (views, functions, triggers, policies, one file each) re-created whenever a migration
 * is applied or a definition changed, all in one transaction under an advisory lock; the
 * domain tables refreshed from the C tables (lib/store/domain.c). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/log.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/banned.h"

#define MIGRATION_MAX_BYTES (8u * 1024 * 1024)

/* Migrations are named NNNN_what.sql, definitions NNN_what.sql (digits = ndigits). */
static int is_sql_name(const char *n, size_t ndigits)
{
    size_t len = strlen(n);

    if (len < ndigits + 6 || n[ndigits] != '_' || strcmp(n + len - 4, ".sql") != 0)
        return 0;
    for (size_t i = 0; i < ndigits; i++)
        if (n[i] < '0' || n[i] > '9')
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Lists the names of dir's SQL files with ndigits-digit prefixes, sorted. */
static int list_sql(const char *dir, size_t ndigits, char ***out, size_t *n,
                    struct ht_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, cap = 0;

    *out = NULL;
    *n = 0;
    if (!d) {
        ht_err_set(err, HT_EIO, "cannot open SQL directory '%s'", dir);
        return -1;
    }
    while ((e = readdir(d))) {
        if (!is_sql_name(e->d_name, ndigits))
            continue;
        if (count == cap) {
            char **nn = realloc(names, (cap ? cap * 2 : 16) * sizeof(*nn));
            if (!nn)
                goto oom;
            names = nn;
            cap = cap ? cap * 2 : 16;
        }
        if (!(names[count] = strdup(e->d_name)))
            goto oom;
        count++;
    }
    closedir(d);
    if (count == 0) {
        free(names);
        ht_err_set(err, HT_EIO, "no SQL files found in '%s'", dir);
        return -1;
    }
    qsort(names, count, sizeof(*names), cmp_str);
    /* Two files with one number (parallel branches both took the next free one) would
     * run in an order nobody chose: refuse them by name. */
    for (size_t i = 1; i < count; i++)
        if (strncmp(names[i - 1], names[i], ndigits) == 0) {
            ht_err_set(
                err, HT_EINVAL,
                "'%s' and '%s' in '%s' share the number %.*s: give one of them the "
                "next free number",
                names[i - 1], names[i], dir, (int)ndigits, names[i]);
            free_names(names, count);
            return -1;
        }
    *out = names;
    *n = count;
    return 0;
oom:
    closedir(d);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

static int read_file(const char *path, struct buf *b, struct ht_err *err)
{
    FILE *fp = fopen(path, "rb");
    char chunk[8192];
    size_t got;

    if (!fp) {
        ht_err_set(err, HT_EIO, "cannot read '%s'", path);
        return -1;
    }
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (buf_add(b, chunk, got) < 0) {
            fclose(fp);
            ht_err_set(err, HT_ELIMIT, "'%s' is larger than %u bytes", path,
                       MIGRATION_MAX_BYTES);
            return -1;
        }
    }
    if (ferror(fp)) {
        fclose(fp);
        ht_err_set(err, HT_EIO, "cannot read '%s'", path);
        return -1;
    }
    fclose(fp);
    return 0;
}

static const char *const create_tables_sql =
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE IF NOT EXISTS schema_definitions ("
    " digest text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

/* Drops every view and every routine of the current schema (not those of extensions),
 * with what depends on them (policies, triggers), before the definitions are created
 * again. Refuses when a table's constraint or default uses one of them: those would go
 * too. */
static const char *const drop_definitions_sql =
    "DO $$ DECLARE r record; BEGIN"
    " SELECT p.proname INTO r FROM pg_depend d JOIN pg_proc p"
    "   ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = p.oid"
    "  WHERE p.pronamespace = current_schema()::regnamespace"
    "    AND d.classid IN ('pg_constraint'::regclass, 'pg_attrdef'::regclass) LIMIT 1;"
    " IF FOUND THEN RAISE EXCEPTION 'a table constraint or default uses function %,"
    " which sql/definitions re-creates: move the function into a migration', r.proname;"
    " END IF;"
    " FOR r IN SELECT c.relname FROM pg_class c"
    "  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'v' LOOP"
    "  EXECUTE format('DROP VIEW IF EXISTS %I.%I CASCADE', current_schema(), r.relname);"
    " END LOOP;"
    " FOR r IN SELECT p.proname, p.prokind, pg_get_function_identity_arguments(p.oid) AS "
    "args"
    "  FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass"
    "                    AND e.objid = p.oid AND e.deptype = 'e') LOOP"
    "  EXECUTE format('DROP %s IF EXISTS %I.%I(%s) CASCADE',"
    "                 CASE r.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END,"
    "                 current_schema(), r.proname, r.args);"
    " END LOOP;"
    " END $$";

/* Every SECURITY DEFINER function of the schema runs with its search_path pinned to the
 * schema, pg_temp last (a caller's temporary table or view must not stand in for one of
 * ours, and public is never searched), and only the roles the grants name may execute it
 * (lib/store/roles.c). Applied after the definitions are created, whatever they say. */
static const char *const secure_definers_sql =
    "DO $$ DECLARE r record; BEGIN"
    " FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p"
    "  WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass"
    "                    AND e.objid = p.oid AND e.deptype = 'e') LOOP"
    "  EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', r.sig,"
    "                 current_schema());"
    "  EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.sig);"
    " END LOOP;"
    " END $$";

/* The definitions, read once: every file's name and text, and all of them joined (what
 * schema_definitions.digest is the md5 of). */
struct defs {
    char **names;
    size_t n;
    struct buf *texts;
    struct buf all;
};

static void defs_release(struct defs *d)
{
    if (d->texts)
        for (size_t i = 0; i < d->n; i++)
            buf_release(&d->texts[i]);
    free(d->texts);
    free_names(d->names, d->n);
    buf_release(&d->all);
    memset(d, 0, sizeof(*d));
}

static int defs_load(const char *sqldir, struct defs *d, struct ht_err *err)
{
    char dir[4096], path[4096 + 256];

    memset(d, 0, sizeof(*d));
    buf_init(&d->all, MIGRATION_MAX_BYTES);
    snprintf(dir, sizeof(dir), "%s/definitions", sqldir);
    if (list_sql(dir, 3, &d->names, &d->n, err) < 0)
        return -1;
    if (!(d->texts = calloc(d->n, sizeof(*d->texts)))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        buf_init(&d->texts[i], MIGRATION_MAX_BYTES);
        snprintf(path, sizeof(path), "%s/%s", dir, d->names[i]);
        if (read_file(path, &d->texts[i], err) < 0)
            return -1;
        if (buf_addf(&d->all, "-- %s\n", d->names[i]) < 0 ||
            buf_add(&d->all, buf_str(&d->texts[i]), d->texts[i].len) < 0) {
            ht_err_set(err, HT_ELIMIT, "the definitions are larger than %u bytes",
                       MIGRATION_MAX_BYTES);
            return -1;
        }
    }
    return 0;
}

/* Runs one SQL file's text; a failure names the file. */
static int exec_file(struct store *s, const char *kind, const char *name,
                     const struct buf *text, struct ht_err *err)
{
    if (store_exec(s, buf_str(text), err) == 0)
        return 0;
    struct ht_err inner = *err;
    ht_err_clear(err);
    ht_err_set(err, inner.code, "%s '%s' failed: %s", kind, name, inner.msg);
    return -1;
}

/* Re-applies the roles' grants when `db init-roles` gave the schema to <prefix>_owner:
 * the definitions just re-created have none. */
static int regrant(struct store *s, struct ht_err *err)
{
    char *owner = NULL;
    size_t len;
    int q = store_query_value(
        s,
        "SELECT o.rolname FROM pg_namespace n JOIN pg_roles o ON o.oid = n.nspowner"
        " WHERE n.nspname = current_schema() AND o.rolname LIKE '%\\_owner'"
        "   AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname ="
        "               left(o.rolname, -6) || '_reader')",
        0, NULL, &owner, err);
    int rc = 0;

    if (q < 0)
        return -1;
    if (q == 0 && owner && (len = strlen(owner)) > 6) {
        owner[len - 6] = '\0';
        rc = store_apply_grants(s, owner, err);
        if (rc == 0)
            log_debug("grants re-applied prefix=%s", owner);
    }
    free(owner);
    return rc;
}

/* The names of the applied migrations, one per row. */
static int applied_names(struct store *s, struct store_rows *rows, struct ht_err *err)
{
    return store_query_rows(s, "SELECT name FROM schema_migration", 0, NULL, rows, err);
}

static int is_applied(const struct store_rows *rows, const char *name)
{
    for (int r = 0; r < rows->nrows; r++)
        if (strcmp(store_rows_get(rows, r, 0), name) == 0)
            return 1;
    return 0;
}

int store_migrate(struct store *s, const char *sqldir, int *applied, struct ht_err *err)
{
    char **names = NULL;
    size_t n = 0, pending = 0;
    struct buf body = BUF_INIT(MIGRATION_MAX_BYTES);
    struct defs defs = {0};
    struct store_rows done = {0};
    char path[4096];
    int count = 0, same_defs;
    int rc = -1;

    *applied = 0;
    if (list_sql(sqldir, 4, &names, &n, err) < 0 || defs_load(sqldir, &defs, err) < 0)
        goto out;
    if (store_begin(s, err) < 0)
        goto out;
    /* One migrator per schema at a time; the lock ends with the transaction. */
    {
        const char *p[1] = {s->schema};
        char *ignored = NULL;

        if (store_query_value(
                s,
                "SELECT pg_advisory_xact_lock(hashtext('halaltrack.migrate.' || "
                "$1))::text",
                1, p, &ignored, err) < 0)
            goto out;
        free(ignored);
    }
    /* Once `db init-roles` gave the schema to its owner role, objects created later must
     * belong to that role too (a superuser owner would bypass row-level security). */
    if (store_exec(
            s,
            "DO $$ DECLARE o text; BEGIN"
            " SELECT nspowner::regrole::text INTO o FROM pg_namespace"
            "  WHERE nspname = current_schema() AND nspowner::regrole::text <> "
            "current_user"
            "    AND pg_has_role(current_user, nspowner, 'MEMBER');"
            " IF o IS NOT NULL THEN EXECUTE format('SET LOCAL ROLE %s', o); END IF;"
            " END $$",
            err) < 0)
        goto out;
    /* What the migrations and definitions create or resolve: the schema, never public
     * nor the migrator's temporary objects. */
    {
        char sql[128];

        snprintf(sql, sizeof(sql), "SET LOCAL search_path = %s, pg_temp", s->schema);
        if (store_exec(s, sql, err) < 0)
            goto out;
    }
    if (store_exec(s, create_tables_sql, err) < 0 || applied_names(s, &done, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        pending += !is_applied(&done, names[i]);
    {
        const char *p[1] = {buf_str(&defs.all)};
        char *found = NULL;

        same_defs = store_query_value(
            s, "SELECT digest FROM schema_definitions WHERE digest = md5($1)", 1, p,
            &found, err);
        free(found);
        if (same_defs < 0)
            goto out;
        same_defs = same_defs == 0;
    }
    if (pending == 0 && same_defs) {
        if (store_domain_sync(s, err) < 0 || store_commit(s, err) < 0)
            goto out;
        rc = 0;
        goto out;
    }
    /* The definitions go first, so that a migration may change a column a view reads. */
    if (store_exec(s, drop_definitions_sql, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *p[1] = {names[i]};

        if (is_applied(&done, names[i]))
            continue;
        snprintf(path, sizeof(path), "%s/%s", sqldir, names[i]);
        buf_reset(&body);
        if (read_file(path, &body, err) < 0 ||
            exec_file(s, "migration", names[i], &body, err) < 0)
            goto out;
        if (store_command(s, "INSERT INTO schema_migration (name) VALUES ($1)", 1, p,
                          NULL, err) < 0)
            goto out;
        log_debug("migration applied name=%s", names[i]);
        count++;
    }
    /* The generated tables hold the C tables before anything reads them (their foreign
     * keys from application and stage_event are checked at commit). */
    if (store_domain_sync(s, err) < 0)
        goto out;
    for (size_t i = 0; i < defs.n; i++)
        if (exec_file(s, "definition", defs.names[i], &defs.texts[i], err) < 0)
            goto out;
    {
        const char *p[1] = {buf_str(&defs.all)};

        if (store_command(s,
                          "WITH d AS (DELETE FROM schema_definitions)"
                          " INSERT INTO schema_definitions (digest) VALUES (md5($1))",
                          1, p, NULL, err) < 0)
            goto out;
    }
    if (store_exec(s, secure_definers_sql, err) < 0)
        goto out;
    log_debug("definitions re-created count=%zu", defs.n);
    if (regrant(s, err) < 0 || store_commit(s, err) < 0)
        goto out;
    *applied = count;
    rc = 0;
out:
    if (rc < 0)
        store_rollback(s);
    store_rows_release(&done);
    defs_release(&defs);
    buf_release(&body);
    free_names(names, n);
    return rc;
}

int store_migration_status(struct store *s, const char *sqldir,
                           struct store_migration **out, size_t *nout, struct ht_err *err)
{
    char **names = NULL;
    size_t n = 0;
    struct store_migration *m = NULL;
    struct store_rows rows = {0};
    int have_table;
    char *t = NULL;

    *out = NULL;
    *nout = 0;
    if (list_sql(sqldir, 4, &names, &n, err) < 0)
        return -1;
    have_table = store_query_value(s,
                                   "SELECT 1 FROM pg_tables WHERE schemaname = "
                                   "current_schema() AND tablename = 'schema_migration'",
                                   0, NULL, &t, err);
    free(t);
    if (have_table < 0)
        goto fail;
    if (have_table == 0 &&
        store_query_rows(s,
                         "SELECT name, to_char(applied_at AT TIME ZONE 'UTC', "
                         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migration",
                         0, NULL, &rows, err) < 0)
        goto fail;
    m = calloc(n ? n : 1, sizeof(*m));
    if (!m)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        m[i].name = names[i];
        names[i] = NULL;
        for (int r = 0; r < rows.nrows; r++)
            if (strcmp(store_rows_get(&rows, r, 0), m[i].name) == 0 &&
                !(m[i].applied_at = strdup(store_rows_get(&rows, r, 1))))
                goto oom;
    }
    free_names(names, n);
    store_rows_release(&rows);
    *out = m;
    *nout = n;
    return 0;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
fail:
    store_migrations_free(m, m ? n : 0);
    free_names(names, n);
    store_rows_release(&rows);
    return -1;
}

void store_migrations_free(struct store_migration *m, size_t n)
{
    if (!m)
        return;
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].applied_at);
    }
    free(m);
}

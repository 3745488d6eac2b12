/* Migrations: idempotent, listed by `db status`, all-or-nothing when one fails, and safe
 * when several processes migrate the same schema at once (advisory lock). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pg_test.h"
#include "test_util.h"
#include "halaltrack/paths.h"

TestSuite(migrate, .init = pgt_setup, .fini = pgt_close, .timeout = 120);

static struct tu_result cli(const char *schema_kv, const char *a1, const char *a2,
                            const char *a3, const char *a4)
{
    const char *argv[] = {tu_bin("cli/halaltrack"), a1, a2, a3, a4, NULL};
    const char *env[] = {schema_kv, NULL};

    return tu_run(argv, env, NULL, 120);
}

/* Names of the sql/NNNN_*.sql files, sorted; returns the count. */
static size_t migration_files(char names[][128], size_t max)
{
    DIR *d = opendir(paths_sqldir());
    struct dirent *e;
    size_t n = 0;

    cr_assert(d, "cannot open %s", paths_sqldir());
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);

        if (len > 9 && e->d_name[4] == '_' && strcmp(e->d_name + len - 4, ".sql") == 0)
            snprintf(names[n++], 128, "%.127s", e->d_name);
    }
    closedir(d);
    return n;
}

static char *fresh_schema_name(const char *tag)
{
    static char name[64];

    snprintf(name, sizeof(name), "%s_%s", pgt_schema(), tag);
    return name;
}

/* Drops a side schema created by a test (pgt_close only drops the main one). */
static void drop_schema(const char *schema)
{
    char sql[160];

    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schema);
    pgt_exec(sql);
}

Test(migrate, second_run_applies_nothing)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = store_open(NULL, pgt_schema(), 0, &err);
    long before = pgt_long("SELECT count(*) FROM schema_migration");
    int applied = -1;
    struct tu_result r;

    cr_assert(s, "%s", err.msg);
    cr_assert_eq(store_migrate(s, paths_sqldir(), &applied, &err), 0, "%s", err.msg);
    cr_assert_eq(applied, 0);
    store_free(s);
    cr_assert_eq(pgt_long("SELECT count(*) FROM schema_migration"), before);

    r = cli(pgt_schema_env(), "db", "migrate", NULL, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.out, "is up to date"), "%s", r.out);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM schema_migration"), before);
}

Test(migrate, status_lists_every_migration_as_applied)
{
    char names[64][128];
    size_t n = migration_files(names, 64);
    struct tu_result r = cli(pgt_schema_env(), "db", "status", NULL, NULL);

    cr_assert(n >= 2);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_null(strstr(r.out, "pending"), "%s", r.out);
    for (size_t i = 0; i < n; i++) {
        const char *line = strstr(r.out, names[i]);

        cr_assert(line, "%s missing from:\n%s", names[i], r.out);
        /* The applied time follows the name on its line: "... 2026-..Z". */
        cr_assert(strchr(line, 'Z') && strchr(line, 'Z') < strchr(line, '\n'), "%s",
                  r.out);
    }
    cr_assert_eq(pgt_long("SELECT count(*) FROM schema_migration"), (long)n);
    tu_result_release(&r);
}

Test(migrate, status_of_an_empty_schema_shows_pending)
{
    char kv[128];
    const char *schema = fresh_schema_name("empty");
    struct tu_result r;

    snprintf(kv, sizeof(kv), "HALALTRACK_SCHEMA=%s", schema);
    r = cli(kv, "db", "status", NULL, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(strstr(r.out, "0001_init.sql") && strstr(r.out, "pending"), "%s", r.out);
    tu_result_release(&r);
    drop_schema(schema);
}

/* Copies every regular file of src into dst (which exists). */
static void copy_files(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    struct dirent *e;

    cr_assert(d, "cannot open %s", src);
    while ((e = readdir(d))) {
        char from[1024], to[1024];
        size_t len = strlen(e->d_name);
        char *body;
        FILE *fp;

        if (len < 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
            continue;
        snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
        body = tu_read_file(from, &len);
        cr_assert(body, "cannot read %s", from);
        fp = fopen(to, "wb");
        cr_assert(fp && fwrite(body, 1, len, fp) == len && fclose(fp) == 0);
        free(body);
    }
    closedir(d);
}

/* Writes body into dir/name. */
static void write_file(const char *dir, const char *name, const char *body)
{
    char dst[1024];
    FILE *fp;

    snprintf(dst, sizeof(dst), "%s/%s", dir, name);
    fp = fopen(dst, "wb");
    cr_assert(fp && fputs(body, fp) >= 0 && fclose(fp) == 0);
}

/* Copies sql/ (migrations and definitions) into a new temporary directory and adds extra
 * migrations; returns the path. */
static char *sql_copy_with(const char *const *extra_names,
                           const char *const *extra_bodies, size_t nextra)
{
    char *dir = strdup("/tmp/ht_sql_XXXXXX");
    char src[1024], defs[1024];

    cr_assert(dir && mkdtemp(dir), "mkdtemp");
    copy_files(paths_sqldir(), dir);
    snprintf(src, sizeof(src), "%s/definitions", paths_sqldir());
    snprintf(defs, sizeof(defs), "%s/definitions", dir);
    cr_assert_eq(mkdir(defs, 0700), 0);
    copy_files(src, defs);
    for (size_t i = 0; i < nextra; i++)
        write_file(dir, extra_names[i], extra_bodies[i]);
    return dir;
}

/* Removes a directory made by sql_copy_with (files, then definitions/, then itself). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char p[1024];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (remove(p) != 0)
            remove_tree(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static void remove_dir(char *dir)
{
    remove_tree(dir);
    free(dir);
}

static const char *const broken_names[] = {"9998_fine.sql", "9999_broken.sql"};
static const char *const broken_bodies[] = {
    "CREATE TABLE should_vanish (x int);\nINSERT INTO should_vanish VALUES (1);\n",
    "CREATE TABLE also_vanish (x int);\nALTER TABLE msme ADD COLUMN vanishing int;\n"
    "SELECT 1 / 0;\n",
};

Test(migrate, failing_migration_rolls_back_everything)
{
    char *dir = sql_copy_with(broken_names, broken_bodies, 2);
    char *before =
        pgt_str("SELECT string_agg(name || applied_at::text, ',' ORDER BY name)"
                " FROM schema_migration");
    struct tu_result r = cli(pgt_schema_env(), "db", "migrate", "--sql-dir", dir);
    char *after;

    cr_assert_eq(r.status, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.err, "9999_broken.sql"), "%s", r.err);
    cr_assert(strstr(r.err, "division by zero"), "%s", r.err);
    tu_result_release(&r);
    /* Nothing of 9998 (which ran fine) nor of 9999 remains. */
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                 " AND tablename IN ('should_vanish', 'also_vanish')"),
        0);
    cr_assert_eq(pgt_long("SELECT count(*) FROM information_schema.columns WHERE"
                          " table_schema = current_schema() AND table_name = 'msme'"
                          " AND column_name = 'vanishing'"),
                 0);
    after = pgt_str("SELECT string_agg(name || applied_at::text, ',' ORDER BY name)"
                    " FROM schema_migration");
    cr_assert_str_eq(before, after);
    cr_assert_eq(pgt_long("SELECT count(*) FROM schema_migration WHERE name LIKE '999%'"),
                 0);
    free(before);
    free(after);
    remove_dir(dir);
}

Test(migrate, failing_migration_on_a_fresh_schema_leaves_it_empty)
{
    char *dir = sql_copy_with(broken_names, broken_bodies, 2);
    const char *schema = fresh_schema_name("fresh");
    char kv[128], sql[256];
    struct tu_result r;

    snprintf(kv, sizeof(kv), "HALALTRACK_SCHEMA=%s", schema);
    r = cli(kv, "db", "migrate", "--sql-dir", dir);
    cr_assert_eq(r.status, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    tu_result_release(&r);
    /* Not one table of 0001..0004 nor schema_migration itself. */
    snprintf(
        sql, sizeof(sql),
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = '%s'",
        schema);
    cr_assert_eq(pgt_long(sql), 0);
    /* With the broken file gone the same directory migrates completely. */
    {
        char p[1024];

        snprintf(p, sizeof(p), "%s/9999_broken.sql", dir);
        cr_assert_eq(remove(p), 0);
    }
    r = cli(kv, "db", "migrate", "--sql-dir", dir);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    tu_result_release(&r);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.schema_migration", schema);
    cr_assert(pgt_long(sql) >= 3);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.should_vanish", schema);
    cr_assert_eq(pgt_long(sql), 1);
    drop_schema(schema);
    remove_dir(dir);
}

Test(migrate, concurrent_migrations_apply_each_file_once)
{
    enum { NPROC = 4 };
    char names[64][128];
    size_t nfiles = migration_files(names, 64);
    const char *schema = fresh_schema_name("conc");
    int go[2];
    pid_t pids[NPROC];
    int total = 0, nonzero = 0;
    char sql[256];

    /* The schema exists first: concurrent CREATE SCHEMA is not what is under test. */
    snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
    pgt_exec(sql);
    cr_assert_eq(pipe(go), 0);
    for (int i = 0; i < NPROC; i++) {
        pids[i] = fork();
        cr_assert(pids[i] >= 0);
        if (pids[i] == 0) {
            struct ht_err err = HT_ERR_INIT;
            struct store *s;
            int applied = 0;
            char c;

            close(go[1]);
            s = store_open(NULL, schema, 0, &err);
            if (!s)
                _exit(100);
            /* Wait until every process is connected, then race. */
            if (read(go[0], &c, 1) < 0)
                _exit(101);
            if (store_migrate(s, paths_sqldir(), &applied, &err) < 0) {
                fprintf(stderr, "migrate failed: %s\n", err.msg);
                _exit(102);
            }
            store_free(s);
            _exit(applied);
        }
    }
    close(go[0]);
    usleep(300 * 1000);
    close(go[1]); /* releases every reader at once (EOF) */
    for (int i = 0; i < NPROC; i++) {
        int st = 0;

        cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
        cr_assert(WIFEXITED(st), "child %d crashed", i);
        cr_assert(WEXITSTATUS(st) < 100, "child %d failed with %d", i, WEXITSTATUS(st));
        total += WEXITSTATUS(st);
        nonzero += WEXITSTATUS(st) > 0;
    }
    /* Exactly one process applied everything; the others found nothing to do. */
    cr_assert_eq(total, (int)nfiles);
    cr_assert_eq(nonzero, 1);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.schema_migration", schema);
    cr_assert_eq(pgt_long(sql), (long)nfiles);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM %s.region WHERE level = 'kelurahan' AND code LIKE "
             "'35.75.%%'",
             schema);
    cr_assert_eq(pgt_long(sql), 34);
    drop_schema(schema);
}

/* Runs `db migrate --sql-dir dir` on the test schema and expects success. */
static void migrate_ok(const char *dir)
{
    struct tu_result r = cli(pgt_schema_env(), "db", "migrate", "--sql-dir", dir);

    cr_assert_eq(r.status, 0, "stdout: %s\nstderr: %s", r.out, r.err);
    tu_result_release(&r);
}

Test(migrate, unchanged_definitions_are_left_alone)
{
    char *dir = sql_copy_with(NULL, NULL, 0);
    char *before = pgt_str("SELECT applied_at::text FROM schema_definitions");
    char *oid = pgt_str("SELECT 'v_application'::regclass::oid::text");
    char *after, *oid2;

    migrate_ok(dir);
    after = pgt_str("SELECT applied_at::text FROM schema_definitions");
    oid2 = pgt_str("SELECT 'v_application'::regclass::oid::text");
    cr_assert_str_eq(before, after);
    cr_assert_str_eq(oid, oid2, "an unchanged view was re-created");
    free(before);
    free(after);
    free(oid);
    free(oid2);
    remove_dir(dir);
}

Test(migrate, a_changed_definition_is_recreated_with_its_grants)
{
    char *dir = sql_copy_with(NULL, NULL, 0);
    char defs[1024], prefix[40], sql[1024];
    struct tu_result r;

    /* The roles of this test only, so that parallel tests do not share them. */
    snprintf(prefix, sizeof(prefix), "m%s", pgt_schema());
    r = cli(pgt_schema_env(), "db", "init-roles", "--prefix", prefix);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    tu_result_release(&r);
    /* A view loses a column and gains another: CREATE OR REPLACE could not do that. */
    snprintf(defs, sizeof(defs), "%s/definitions", dir);
    write_file(defs, "041_v_stage_event.sql",
               "CREATE VIEW v_stage_event AS\n"
               "SELECT a.id_reg, e.status_code, e.at AS event_at\n"
               "FROM stage_event e JOIN application a ON a.id = e.application_id;\n");
    migrate_ok(dir);
    cr_assert_eq(pgt_long("SELECT count(*) FROM information_schema.columns"
                          " WHERE table_schema = current_schema()"
                          "   AND table_name = 'v_stage_event'"
                          "   AND column_name IN ('event_at', 'stage')"),
                 1);
    snprintf(sql, sizeof(sql),
             "SELECT has_table_privilege('%s_reader', 'v_stage_event', 'SELECT')::int"
             " + has_table_privilege('%s_reader', 'v_application', 'SELECT')::int",
             prefix, prefix);
    cr_assert_eq(pgt_long(sql), 2, "the reader lost its grants on re-created views");
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_class WHERE relnamespace = "
             "current_schema()::regnamespace"
             " AND relkind = 'v' AND relowner::regrole::text <> '%s_owner'",
             prefix);
    cr_assert_eq(pgt_long(sql), 0, "a re-created view does not belong to the owner role");
    /* Leave the schema to the superuser again (pgt_close drops it) and drop the roles. */
    snprintf(sql, sizeof(sql), "REASSIGN OWNED BY %s_owner TO CURRENT_USER", prefix);
    pgt_exec(sql);
    snprintf(sql, sizeof(sql),
             "BEGIN; SELECT pg_advisory_xact_lock(hashtext('halaltrack.init-roles'));"
             " DROP OWNED BY %s_daemon, %s_reader, %s_report, %s_self_service, %s_serve,"
             " %s_owner; DROP ROLE %s_daemon, %s_reader, %s_report, %s_self_service,"
             " %s_serve, %s_owner; COMMIT", /* init-roles' lock: see test_roles.c */
             prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix,
             prefix, prefix, prefix);
    pgt_exec(sql);
    remove_dir(dir);
}

Test(migrate, a_migration_may_change_a_column_a_view_reads)
{
    static const char *const names[] = {"9990_wider_business_name.sql"};
    static const char *const bodies[] = {
        "ALTER TABLE msme ALTER COLUMN business_name TYPE varchar(300);\n"};
    char *dir = sql_copy_with(names, bodies, 1);

    migrate_ok(dir);
    cr_assert_eq(
        pgt_long("SELECT character_maximum_length FROM information_schema.columns"
                 " WHERE table_schema = current_schema() AND table_name = 'msme'"
                 "   AND column_name = 'business_name'"),
        300);
    /* v_msme_status, which reads the column, is back. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status"), 0);
    remove_dir(dir);
}

Test(migrate, a_definition_a_table_needs_is_refused)
{
    char *dir = sql_copy_with(NULL, NULL, 0);
    char defs[1024];
    struct tu_result r;

    /* Migrations run after the definitions are dropped, so they cannot use one; a table
     * changed by hand can. Re-creating the definitions must then refuse rather than drop
     * the constraint together with the function. */
    pgt_exec(
        "ALTER TABLE goal ADD CONSTRAINT goal_wib CHECK (wib_date(created_at) IS NOT "
        "NULL)");
    snprintf(defs, sizeof(defs), "%s/definitions", dir);
    write_file(defs, "999_touch.sql", "SELECT 1;\n");
    r = cli(pgt_schema_env(), "db", "migrate", "--sql-dir", dir);
    cr_assert_eq(r.status, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.err, "wib_date"), "%s", r.err);
    tu_result_release(&r);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM pg_constraint WHERE conname = 'goal_wib'"), 1);
    remove_dir(dir);
}

/* Two migrations with one number (parallel branches each took the next free one) are
 * refused by name before anything runs. */
Test(migrate, two_migrations_with_one_number_are_refused)
{
    static const char *const names[] = {"0001_again.sql"};
    static const char *const bodies[] = {"CREATE TABLE never_made (x int);\n"};
    char *dir = sql_copy_with(names, bodies, 1);
    struct tu_result r = cli(pgt_schema_env(), "db", "migrate", "--sql-dir", dir);

    cr_assert_eq(r.status, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.err, "0001_again.sql") && strstr(r.err, "0001_init.sql") &&
                  strstr(r.err, "share the number 0001"),
              "%s", r.err);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM pg_class WHERE relname = 'never_made'"),
                 0);
    remove_dir(dir);
}

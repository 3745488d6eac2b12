/* Ordered SQL migrations applied in one transaction under an advisory lock, and the
 * stage_def table refreshed from the C stage table (lib/stage.c is the single source). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/config.h"
#include "halaltrack/log.h"
#include "halaltrack/stage.h"
#include "halaltrack/banned.h"

#define MIGRATION_MAX_BYTES (8u * 1024 * 1024)

const char *store_default_sqldir(void)
{
    static char path[4096];
    const char *env = getenv("HT_SQLDIR");
    struct stat st;

    if (env && *env)
        return env;
    snprintf(path, sizeof(path), "%s/sql", HT_PKGDATADIR);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return path;
    snprintf(path, sizeof(path), "%s/sql", HT_SOURCE_DIR);
    return path;
}

static int is_migration_name(const char *n)
{
    size_t len = strlen(n);

    return len > 9 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' &&
           n[2] >= '0' && n[2] <= '9' && n[3] >= '0' && n[3] <= '9' && n[4] == '_' &&
           strcmp(n + len - 4, ".sql") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists migration file names in dir, sorted. */
static int list_migrations(const char *dir, char ***out, size_t *n, struct ht_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, cap = 0;

    *out = NULL;
    *n = 0;
    if (!d) {
        ht_err_set(err, HT_EIO, "cannot open migrations directory '%s'", dir);
        return -1;
    }
    while ((e = readdir(d))) {
        if (!is_migration_name(e->d_name))
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
        ht_err_set(err, HT_EIO, "no migrations found in '%s'", dir);
        return -1;
    }
    qsort(names, count, sizeof(*names), cmp_str);
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

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
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

static const char *const create_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

static int sync_stage_defs(struct store *s, struct ht_err *err)
{
    for (int st = 0; st < STAGE__COUNT; st++) {
        const struct stage_def *d = stage_def_get((enum ht_stage)st);
        char ord[16], lim[16];
        const char *p[7];

        snprintf(ord, sizeof(ord), "%d", st);
        snprintf(lim, sizeof(lim), "%d", d->limit_days);
        p[0] = d->name;
        p[1] = ord;
        p[2] = stage_waits_on_name(d->waits_on);
        p[3] = d->limit_days > 0 ? lim : NULL;
        p[4] = d->terminal ? "true" : "false";
        p[5] = d->label_id;
        p[6] = d->label_en;
        if (store_command(
                s,
                "INSERT INTO stage_def (stage, ordinal, waits_on, limit_days,"
                " terminal, label_id, label_en) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                " ON CONFLICT (stage) DO UPDATE SET ordinal = EXCLUDED.ordinal,"
                " waits_on = EXCLUDED.waits_on, limit_days = EXCLUDED.limit_days,"
                " terminal = EXCLUDED.terminal, label_id = EXCLUDED.label_id,"
                " label_en = EXCLUDED.label_en"
                " WHERE (stage_def.*) IS DISTINCT FROM (EXCLUDED.*)",
                7, p, NULL, err) < 0)
            return -1;
    }
    return 0;
}

int store_migrate(struct store *s, const char *sqldir, int *applied, struct ht_err *err)
{
    char **names = NULL;
    size_t n = 0;
    struct buf body = BUF_INIT(MIGRATION_MAX_BYTES);
    char path[4096];
    int count = 0;
    int rc = -1;

    *applied = 0;
    if (list_migrations(sqldir, &names, &n, err) < 0)
        return -1;
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
    if (store_exec(s, create_table_sql, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *p[1] = {names[i]};
        char *found = NULL;
        int q = store_query_value(s, "SELECT name FROM schema_migration WHERE name = $1",
                                  1, p, &found, err);

        free(found);
        if (q < 0)
            goto out;
        if (q == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", sqldir, names[i]);
        buf_reset(&body);
        if (read_file(path, &body, err) < 0)
            goto out;
        if (store_exec(s, buf_str(&body), err) < 0) {
            struct ht_err inner = *err;

            ht_err_clear(err);
            ht_err_set(err, inner.code, "migration '%s' failed: %s", names[i], inner.msg);
            goto out;
        }
        /* stage_def must be complete before later migrations' views and data use it. */
        if (strcmp(names[i], "0001_init.sql") == 0 && sync_stage_defs(s, err) < 0)
            goto out;
        if (store_command(s, "INSERT INTO schema_migration (name) VALUES ($1)", 1, p,
                          NULL, err) < 0)
            goto out;
        log_debug("migration applied name=%s", names[i]);
        count++;
    }
    if (sync_stage_defs(s, err) < 0)
        goto out;
    if (store_commit(s, err) < 0)
        goto out;
    *applied = count;
    rc = 0;
out:
    if (rc < 0)
        store_rollback(s);
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
    if (list_migrations(sqldir, &names, &n, err) < 0)
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

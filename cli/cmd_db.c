/* halaltrack db: apply and list schema migrations, set up the roles, prune old rows. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/cfg.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/store_maintained.h"
#include "halaltrack/store_retention.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/paths.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Manage the halaltrack database schema.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack db migrate [--sql-dir=DIR] [--config=FILE]\n"));
    printf(_("  halaltrack db status [--sql-dir=DIR] [--format=FORMAT]\n"));
    printf(_("  halaltrack db init-roles [--prefix=NAME] "
             "[--kecamatan-reader=ROLE:CODE]...\n"));
    printf(_("  halaltrack db check [--format=FORMAT]\n"));
    printf(_("  halaltrack db prune [--budget-grant=AGE] [--sync-run=AGE]\n"
             "                      [--quarantine-resolved=AGE] "
             "[--self-service-attempt=AGE]\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  migrate    apply pending migrations in one transaction (no-op when "
             "current)\n"));
    printf(_("  status     list migrations and when each was applied\n"));
    printf(_("  init-roles create the daemon, reader, report and self-service roles and "
             "their grants\n"));
    printf(_("  check      compare the maintained report tables with their recomputation "
             "from\n"
             "             the history; exit status 1 and every difference when they "
             "differ\n"));
    printf(_("  prune      delete budget grants, sync runs, resolved quarantine rows and "
             "self-service\n"
             "             counters older than their age (defaults: the daemon's "
             "[retention])\n\n"));
    printf(_("Options:\n"));
    printf(
        _("      --sql-dir=DIR   migrations directory (default: the installed one)\n"));
    printf(
        _("  -c, --config=FILE   migrate: also store the [office], [calendar] and [sla]\n"
          "                      settings of FILE in the database\n"));
    printf(_(
        "      --prefix=NAME   role name prefix for init-roles (default: halaltrack)\n"));
    printf(_("      --kecamatan-reader=ROLE:CODE\n"
             "                      a reader role that sees only one kecamatan "
             "(repeatable)\n"));
    printf(_("      --budget-grant=AGE, --sync-run=AGE, --quarantine-resolved=AGE,\n"
             "      --self-service-attempt=AGE\n"
             "                      keep rows this long for prune (e.g. 90d; 0: for "
             "ever)\n"));
    printf(_("  -f, --format=FORMAT status and check output: table (default), csv or "
             "json\n"));
    printf(_("  -?, --help          show this help, then exit\n"));
}

/* --sql-dir for migrate and status, --config for migrate (config NULL: not offered).
 * Returns CLI_CONTINUE or an exit code. */
static int parse_sqldir(struct cli_parse *p, int argc, char **argv, const char **dir,
                        const char **config)
{
    static const struct option opts[] = {{"sql-dir", required_argument, NULL, 'S'},
                                         {"config", required_argument, NULL, 'c'},
                                         CLI_OPT_FORMAT,
                                         CLI_OPT_HELP,
                                         CLI_OPT_END};
    int c;

    *dir = paths_sqldir();
    while ((c = cli_getopt(p, argc, argv, config ? "c:" : "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p->exit;
        if (c == 'S')
            *dir = optarg;
        else if (c == 'c' && config)
            *config = optarg;
        else
            return cli_usage_hint(p->cmd);
    }
    return cli_args(p, argc, argv, 0, 0, NULL) ? EXIT_USAGE : CLI_CONTINUE;
}

static int do_migrate(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("db", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct ht_settings set;
    struct store *s;
    const char *dir, *config = NULL;
    int applied = 0, rc = parse_sqldir(&p, argc, argv, &dir, &config);

    if (rc != CLI_CONTINUE)
        return rc;
    /* The settings are read before anything is written: a bad file changes nothing. */
    if (config && cfg_read_settings(config, &set, &err) < 0)
        return cli_fail(&err);
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (store_migrate(s, dir, &applied, &err) < 0 ||
        (config && store_settings_save(s, &set, &err) < 0)) {
        store_free(s);
        return cli_fail(&err);
    }
    if (applied == 0)
        printf(_("database schema '%s' is up to date\n"), store_schema(s));
    else
        printf(ngettext("applied %d migration to schema '%s'\n",
                        "applied %d migrations to schema '%s'\n", (unsigned long)applied),
               applied, store_schema(s));
    if (config)
        printf(_("settings from '%s': office '%s', cuti bersama %s, rules %s\n"), config,
               set.office_name, settings_cuti_name(set.cuti_working),
               sla_rules_name(set.rules));
    store_free(s);
    return EXIT_OK;
}

struct status_arg {
    const char *dir;
    size_t pending;
};

static int migration_rows(struct store *s, struct out_table *t, void *arg)
{
    struct status_arg *a = arg;
    struct ht_err err = HT_ERR_INIT;
    struct store_migration *m = NULL;
    size_t n = 0;
    int rc = 0;

    if (store_migration_status(s, a->dir, &m, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *row[3] = {m[i].name, m[i].applied_at,
                              m[i].applied_at ? m[i].applied_at : _("pending")};

        rc = cli_add_row(t, m[i].applied_at ? 0 : 'y', row);
        a->pending += m[i].applied_at == NULL;
    }
    store_migrations_free(m, n);
    return rc;
}

static int do_status(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"migration", N_("migration"), OUT_NARROW},
        {"applied_at", "", OUT_NO_TABLE},
        {"applied_at", N_("applied"), OUT_TABLE_ONLY},
    };
    struct cli_parse p = CLI_PARSE("db", usage, OUT_ROWS, OUT_TABLE);
    struct status_arg a = {NULL, 0};
    int rc = parse_sqldir(&p, argc, argv, &a.dir, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = cli_list_run(ctx, p.format, cols, HT_ARRAY_LEN(cols), migration_rows, &a);
    if (rc == EXIT_OK && a.pending && p.format == OUT_TABLE)
        printf(_("%zu pending; run \"halaltrack db migrate\"\n"), a.pending);
    return rc;
}

struct check_arg {
    int differ;
};

static int check_rows(struct store *s, struct out_table *t, void *arg)
{
    struct check_arg *a = arg;
    struct ht_err err = HT_ERR_INIT;
    struct store_rows r = {0};
    int rc = 0;

    if (store_maintained_diff(s, &r, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (int i = 0; rc == 0 && i < r.nrows; i++) {
        const char *row[4] = {store_rows_get(&r, i, 0), store_rows_get(&r, i, 1),
                              store_rows_get(&r, i, 2), store_rows_get(&r, i, 3)};

        rc = cli_add_row(t, 'r', row);
    }
    a->differ = r.nrows;
    store_rows_release(&r);
    return rc;
}

/* The maintained tables against their recomputation: exit 1 when they differ. */
static int do_check(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"table", N_("table"), OUT_KEEP},
        {"key", N_("key"), OUT_KEEP},
        {"maintained", N_("maintained"), 0},
        {"recomputed", N_("recomputed"), 0},
    };
    struct cli_parse p = CLI_PARSE("db", usage, OUT_ROWS, OUT_TABLE);
    struct check_arg a = {0};
    struct out_table t;
    struct store *s;
    int rc = cli_parse_plain(&p, argc, argv, 0, 0, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, HT_ARRAY_LEN(cols))) ||
        check_rows(s, &t, &a) < 0)
        goto out;
    /* The table of differences only when there are any; CSV and JSON always (empty). */
    if ((a.differ || p.format != OUT_TABLE) && cli_print(ctx, &t, p.format) != EXIT_OK)
        goto out;
    if (p.format == OUT_TABLE) {
        if (a.differ)
            printf(ngettext("%d difference between the maintained tables and their "
                            "recomputation\n",
                            "%d differences between the maintained tables and their "
                            "recomputation\n",
                            (unsigned long)a.differ),
                   a.differ);
        else
            printf(_("maintained tables agree\n"));
    }
    rc = a.differ ? EXIT_FAIL : EXIT_OK;
out:
    out_table_release(&t);
    store_free(s);
    return rc;
}

#define MAX_SCOPES 64

static int do_init_roles(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"prefix", required_argument, NULL, 'P'},
        {"kecamatan-reader", required_argument, NULL, 'K'},
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("db", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    const char *prefix = "halaltrack";
    struct role_scope scopes[MAX_SCOPES];
    size_t nscopes = 0;
    struct store *s;
    char *colon;
    int c, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'P') {
            prefix = optarg;
            continue;
        }
        if (c != 'K')
            return cli_usage_hint(p.cmd);
        colon = strchr(optarg, ':');
        if (!colon || colon == optarg || !colon[1] || nscopes == MAX_SCOPES) {
            cli_error(_("invalid --kecamatan-reader '%s' (expected ROLE:KECAMATAN_CODE)"),
                      optarg);
            return cli_usage_hint(p.cmd);
        }
        *colon = '\0';
        scopes[nscopes].role = optarg;
        scopes[nscopes].kecamatan = colon + 1;
        nscopes++;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (store_init_roles(s, prefix, scopes, nscopes, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf(
        _("roles %s_daemon, %s_reader, %s_report, %s_serve and %s_self_service are set "
          "up on schema '%s'\n"),
        prefix, prefix, prefix, prefix, prefix, store_schema(s));
    for (size_t i = 0; i < nscopes; i++)
        printf(_("role %s reads only kecamatan %s\n"), scopes[i].role,
               scopes[i].kecamatan);
    store_free(s);
    return EXIT_OK;
}

static int do_prune(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"budget-grant", required_argument, NULL, 'B'},
        {"sync-run", required_argument, NULL, 'R'},
        {"quarantine-resolved", required_argument, NULL, 'Q'},
        {"self-service-attempt", required_argument, NULL, 'A'},
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("db", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store_retention keep = {
        cfg_default_secs("retention", "budget_grant"),
        cfg_default_secs("retention", "sync_run"),
        cfg_default_secs("retention", "quarantine_resolved"),
        cfg_default_secs("retention", "self_service_attempt"),
    };
    struct store_pruned n;
    struct store *s;
    long *age;
    int c, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        age = c == 'B'   ? &keep.budget_grant
              : c == 'R' ? &keep.sync_run
              : c == 'Q' ? &keep.quarantine_resolved
              : c == 'A' ? &keep.self_service_attempt
                         : NULL;
        if (!age)
            return cli_usage_hint(p.cmd);
        if (cfg_parse_secs(optarg, age, NULL) < 0) {
            cli_error(_("invalid age '%s' (use e.g. 90d, 12h; 0 keeps for ever)"),
                      optarg);
            return cli_usage_hint(p.cmd);
        }
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (store_prune(s, &keep, 1, &n, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf(_("rows pruned: budget_grant %ld, sync_run %ld, quarantine (resolved) %ld, "
             "self_service_attempt %ld\n"),
           n.budget_grant, n.sync_run, n.quarantine_resolved, n.self_service_attempt);
    store_free(s);
    return EXIT_OK;
}

int cmd_db(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"migrate", do_migrate}, {"status", do_status}, {"init-roles", do_init_roles},
        {"prune", do_prune},     {"check", do_check},
    };

    return cli_dispatch(ctx, "db", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

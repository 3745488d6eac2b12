/* halaltrack db: apply and list schema migrations. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/cfg.h"
#include "halaltrack/store_retention.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Manage the halaltrack database schema.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack db migrate [--sql-dir=DIR]\n"));
    printf(_("  halaltrack db status [--sql-dir=DIR]\n"));
    printf(_("  halaltrack db init-roles [--prefix=NAME] "
             "[--kecamatan-reader=ROLE:CODE]...\n"));
    printf(_("  halaltrack db prune [--budget-grant=AGE] [--sync-run=AGE]\n"
             "                      [--quarantine-resolved=AGE] "
             "[--self-service-attempt=AGE]\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  migrate    apply pending migrations in one transaction (no-op when "
             "current)\n"));
    printf(_("  status     list migrations and when each was applied\n"));
    printf(_("  init-roles create the daemon, reader, report and self-service roles and "
             "their grants\n"));
    printf(_("  prune      delete budget grants, sync runs, resolved quarantine rows and "
             "self-service\n"
             "             counters older than their age (defaults: the daemon's "
             "[retention])\n\n"));
    printf(_("Options:\n"));
    printf(
        _("      --sql-dir=DIR   migrations directory (default: the installed one)\n"));
    printf(_(
        "      --prefix=NAME   role name prefix for init-roles (default: halaltrack)\n"));
    printf(_("      --kecamatan-reader=ROLE:CODE\n"
             "                      a reader role that sees only one kecamatan "
             "(repeatable)\n"));
    printf(_("      --budget-grant=AGE, --sync-run=AGE, --quarantine-resolved=AGE,\n"
             "      --self-service-attempt=AGE\n"
             "                      keep rows this long for prune (e.g. 90d; 0: for "
             "ever)\n"));
    printf(_("  -?, --help          show this help, then exit\n"));
}

/* The daemon's default of a [retention] key, from the one key table. */
static long retention_default(const char *name)
{
    long v = 0;

    for (const struct cfg_key *k = cfg_keys(); k->name; k++)
        if (strcmp(k->section, "retention") == 0 && strcmp(k->name, name) == 0 &&
            cfg_parse_secs(k->def, &v, NULL) < 0)
            v = 0;
    return v;
}

static int do_prune(struct cli_ctx *ctx, const struct store_retention *r)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = cli_open_store(ctx);
    struct store_pruned n;

    if (!s)
        return EXIT_FAIL;
    if (store_prune(s, r, 1, &n, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf(_("rows pruned: budget_grant %ld, sync_run %ld, quarantine (resolved) %ld, "
             "self_service_attempt %ld\n"),
           n.budget_grant, n.sync_run, n.quarantine_resolved, n.self_service_attempt);
    store_free(s);
    return EXIT_OK;
}

static int do_migrate(struct cli_ctx *ctx, const char *dir)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = cli_open_store(ctx);
    int applied = 0;

    if (!s)
        return EXIT_FAIL;
    if (store_migrate(s, dir, &applied, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    if (applied == 0)
        printf(_("database schema '%s' is up to date\n"), store_schema(s));
    else
        printf(ngettext("applied %d migration to schema '%s'\n",
                        "applied %d migrations to schema '%s'\n", (unsigned long)applied),
               applied, store_schema(s));
    store_free(s);
    return EXIT_OK;
}

static int do_status(struct cli_ctx *ctx, const char *dir)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = cli_open_store(ctx);
    struct store_migration *m = NULL;
    size_t n = 0, pending = 0;

    if (!s)
        return EXIT_FAIL;
    if (store_migration_status(s, dir, &m, &n, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    for (size_t i = 0; i < n; i++) {
        printf("%-40s %s\n", m[i].name, m[i].applied_at ? m[i].applied_at : _("pending"));
        pending += m[i].applied_at == NULL;
    }
    if (pending)
        printf(_("%zu pending; run \"halaltrack db migrate\"\n"), pending);
    store_migrations_free(m, n);
    store_free(s);
    return EXIT_OK;
}

#define MAX_SCOPES 64

static int do_init_roles(struct cli_ctx *ctx, const char *prefix,
                         struct role_scope *scopes, size_t nscopes)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = cli_open_store(ctx);

    if (!s)
        return EXIT_FAIL;
    if (store_init_roles(s, prefix, scopes, nscopes, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf(_("roles %s_daemon, %s_reader, %s_report and %s_self_service are set up on "
             "schema '%s'\n"),
           prefix, prefix, prefix, prefix, store_schema(s));
    for (size_t i = 0; i < nscopes; i++)
        printf(_("role %s reads only kecamatan %s\n"), scopes[i].role,
               scopes[i].kecamatan);
    store_free(s);
    return EXIT_OK;
}

int cmd_db(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"sql-dir", required_argument, NULL, 'S'},
        {"prefix", required_argument, NULL, 'P'},
        {"kecamatan-reader", required_argument, NULL, 'K'},
        {"budget-grant", required_argument, NULL, 'B'},
        {"sync-run", required_argument, NULL, 'R'},
        {"quarantine-resolved", required_argument, NULL, 'Q'},
        {"self-service-attempt", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = store_default_sqldir();
    const char *sub;
    const char *prefix = "halaltrack";
    struct role_scope scopes[MAX_SCOPES];
    size_t nscopes = 0;
    struct store_retention keep = {retention_default("budget_grant"),
                                   retention_default("sync_run"),
                                   retention_default("quarantine_resolved"),
                                   retention_default("self_service_attempt")};
    long *age;
    char *colon;
    int c;

    if (argc >= 2 && argv[1][0] != '-') {
        sub = argv[1];
        argc--;
        argv++;
    } else {
        sub = NULL;
    }
    while ((c = getopt_long(argc, argv, "?", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            dir = optarg;
            break;
        case 'P':
            prefix = optarg;
            break;
        case 'K':
            colon = strchr(optarg, ':');
            if (!colon || colon == optarg || !colon[1] || nscopes == MAX_SCOPES) {
                cli_error(
                    _("invalid --kecamatan-reader '%s' (expected ROLE:KECAMATAN_CODE)"),
                    optarg);
                return cli_usage_hint("db");
            }
            *colon = '\0';
            scopes[nscopes].role = optarg;
            scopes[nscopes].kecamatan = colon + 1;
            nscopes++;
            break;
        case 'B':
        case 'R':
        case 'Q':
        case 'A':
            age = c == 'B'   ? &keep.budget_grant
                  : c == 'R' ? &keep.sync_run
                  : c == 'Q' ? &keep.quarantine_resolved
                             : &keep.self_service_attempt;
            if (cfg_parse_secs(optarg, age, NULL) < 0) {
                cli_error(_("invalid age '%s' (use e.g. 90d, 12h; 0 keeps for ever)"),
                          optarg);
                return cli_usage_hint("db");
            }
            break;
        case 'h':
        case '?':
            if (!cli_asked_help(c, argv))
                return cli_usage_hint("db");
            usage();
            return EXIT_OK;
        default:
            return cli_usage_hint("db");
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage_hint("db");
    }
    if (!sub) {
        cli_error("%s", _("missing subcommand: migrate, status, init-roles or prune"));
        return cli_usage_hint("db");
    }
    if (strcmp(sub, "migrate") == 0)
        return do_migrate(ctx, dir);
    if (strcmp(sub, "status") == 0)
        return do_status(ctx, dir);
    if (strcmp(sub, "init-roles") == 0)
        return do_init_roles(ctx, prefix, scopes, nscopes);
    if (strcmp(sub, "prune") == 0)
        return do_prune(ctx, &keep);
    cli_error(_("unknown subcommand '%s'"), sub);
    return cli_usage_hint("db");
}

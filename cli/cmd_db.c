/* halaltrack db: apply and list schema migrations. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Manage the halaltrack database schema.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack db migrate [--sql-dir=DIR]\n"));
    printf(_("  halaltrack db status [--sql-dir=DIR]\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  migrate    apply pending migrations in one transaction (no-op when current)\n"));
    printf(_("  status     list migrations and when each was applied\n\n"));
    printf(_("Options:\n"));
    printf(_("      --sql-dir=DIR   migrations directory (default: the installed one)\n"));
    printf(_("  -?, --help          show this help, then exit\n"));
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

int cmd_db(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"sql-dir", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, '?'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = store_default_sqldir();
    const char *sub;
    int c;

    if (argc >= 2 && strcmp(argv[1], "init-roles") != 0 && argv[1][0] != '-') {
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
        case '?':
            if (optopt)
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
        cli_error("%s", _("missing subcommand: migrate or status"));
        return cli_usage_hint("db");
    }
    if (strcmp(sub, "migrate") == 0)
        return do_migrate(ctx, dir);
    if (strcmp(sub, "status") == 0)
        return do_status(ctx, dir);
    cli_error(_("unknown subcommand '%s'"), sub);
    return cli_usage_hint("db");
}

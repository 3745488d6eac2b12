/* halaltrack: the command-line tool of the office; dispatches to one cmd_<name> per
 * command. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/banned.h"

struct command {
    const char *name;
    ht_cmd_fn fn;
    const char *help;
};

static const struct command commands[] = {
#define CMD(name, fn, help) {name, fn, help},
#include "commands.def"
#undef CMD
};

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("halaltrack: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_fail(const struct ht_err *err)
{
    cli_error("%s", err && err->msg[0] ? err->msg : _("unknown error"));
    return EXIT_FAIL;
}

int cli_asked_help(int c, char **argv)
{
    return c == 'h' || (c == '?' && optind > 0 && strcmp(argv[optind - 1], "-?") == 0);
}

int cli_usage_hint(const char *cmd)
{
    if (cmd)
        fprintf(stderr, _("Try \"halaltrack %s --help\" for more information.\n"), cmd);
    else
        fprintf(stderr, _("Try \"halaltrack --help\" for more information.\n"));
    return EXIT_USAGE;
}

struct store *cli_open_store(struct cli_ctx *ctx)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = store_open(ctx->conninfo, ctx->schema, 0, &err);

    if (!s)
        cli_fail(&err);
    return s;
}

static void help(void)
{
    printf(_("halaltrack tracks the halal certification of a city's MSMEs.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack [OPTION]... COMMAND [ARGS]...\n\n"));
    printf(_("Commands:\n"));
    for (size_t i = 0; i < HT_ARRAY_LEN(commands); i++)
        printf("  %-12s %s\n", commands[i].name, _(commands[i].help));
    printf(_("\nOptions:\n"));
    printf(_("  -d, --db=CONNINFO     database connection (default: libpq environment,\n"
             "                        PGHOST, PGPORT, PGDATABASE, PGUSER, PGSERVICE)\n"));
    printf(_("      --schema=NAME     database schema (default: halaltrack)\n"));
    printf(_("      --lang=LANG       language of messages and reports: id or en\n"));
    printf(_("  -V, --version         output version information, then exit\n"));
    printf(_("  -?, --help            show this help, then exit\n"));
    printf(_("\nRun \"halaltrack COMMAND --help\" for the options of a command.\n"));
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"schema", required_argument, NULL, 's'},
        {"lang", required_argument, NULL, 'l'}, {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    struct cli_ctx ctx = {0};
    const char *env;
    int c;

    i18n_init();
    env = getenv("HALALTRACK_SCHEMA");
    ctx.schema = env && *env ? env : STORE_DEFAULT_SCHEMA;
    env = getenv("NO_COLOR");
    ctx.color = isatty(STDOUT_FILENO) && !(env && *env);

    /* '+' stops at the first non-option: the command's own options follow it. */
    while ((c = getopt_long(argc, argv, "+d:V?", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            ctx.conninfo = optarg;
            break;
        case 's':
            ctx.schema = optarg;
            break;
        case 'l':
            if (i18n_set_lang(optarg) < 0) {
                cli_error(_("unknown language '%s' (expected id or en)"), optarg);
                return cli_usage_hint(NULL);
            }
            break;
        case 'V':
            printf("halaltrack %s\n", HT_VERSION);
            return EXIT_OK;
        case 'h':
        case '?':
            if (!cli_asked_help(c, argv))
                return cli_usage_hint(NULL);
            help();
            return EXIT_OK;
        default:
            return cli_usage_hint(NULL);
        }
    }
    if (optind >= argc) {
        cli_error("%s", _("no command given"));
        return cli_usage_hint(NULL);
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(commands); i++) {
        if (strcmp(argv[optind], commands[i].name) == 0) {
            argc -= optind;
            argv += optind;
            optind = 0; /* full reset of getopt for the command's own parsing */
            return commands[i].fn(&ctx, argc, argv);
        }
    }
    cli_error(_("unknown command '%s'"), argv[optind]);
    return cli_usage_hint(NULL);
}

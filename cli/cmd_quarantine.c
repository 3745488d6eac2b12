/* halaltrack quarantine: list what the daemon could not decode or map, and replay it
 * after a mapping fix. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/cfg.h"
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/syncer.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* parse_common's answer when --help was shown. */
#define ASKED_HELP (-100)

static void usage(void)
{
    printf(_("List and replay what the daemon put in quarantine.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack quarantine list [--source=SOURCE] [--limit=N]\n"));
    printf(_("  halaltrack quarantine replay [-c FILE] [--map=CODE=STAGE]... "
             "[--limit=N]\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  list       open quarantine rows: id, time, source, reference, reason, "
             "size\n"));
    printf(_(
        "  replay     decode the quarantined detail answers again with the current "
        "stage\n"
        "             mappings; each that now maps is applied and marked resolved\n\n"));
    printf(_("Options:\n"));
    printf(_("  -c, --config=FILE   take extra mappings from the [stage_map] section of "
             "FILE\n"));
    printf(_(
        "      --map=CODE=STAGE  an extra mapping, e.g. OF130=issuance (repeatable)\n"));
    printf(_("      --source=SOURCE list only list, detail, auth, certificate or import "
             "rows\n"));
    printf(_("      --limit=N       at most N rows (default 1000)\n"));
    printf(_("  -?, --help          show this help, then exit\n"));
}

static int parse_common(int argc, char **argv, const char **source, long *limit,
                        int allow_maps)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"map", required_argument, NULL, 'm'},
        {"source", required_argument, NULL, 's'}, {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct ht_err err = HT_ERR_INIT;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:?", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!allow_maps)
                goto bad;
            if (cfg_read_stage_map(optarg, &err) < 0)
                return cli_fail(&err);
            break;
        case 'm': {
            char code[32];
            const char *eq = strchr(optarg, '=');
            if (!allow_maps)
                goto bad;
            if (!eq || (size_t)(eq - optarg) >= sizeof(code)) {
                cli_error(_("invalid --map '%s' (expected CODE=STAGE)"), optarg);
                return cli_usage_hint("quarantine");
            }
            memcpy(code, optarg, (size_t)(eq - optarg));
            code[eq - optarg] = '\0';
            if (stage_add_mapping(code, eq + 1, &err) < 0)
                return cli_fail(&err);
            break;
        }
        case 's':
            *source = optarg;
            break;
        case 'l':
            if (parse_int(optarg, 1, 10000000, limit, &err) < 0) {
                cli_error(_("invalid --limit: %s"), err.msg);
                return cli_usage_hint("quarantine");
            }
            break;
        default:
            if (cli_asked_help(c, argv)) {
                usage();
                return ASKED_HELP;
            }
            goto bad;
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage_hint("quarantine");
    }
    return 0;
bad:
    return cli_usage_hint("quarantine");
}

static int do_list(struct cli_ctx *ctx, int argc, char **argv)
{
    struct ht_err err = HT_ERR_INIT;
    const char *source = NULL;
    long limit = 1000;
    struct store *s;
    struct store_qrow *q = NULL;
    size_t n = 0;
    int rc = parse_common(argc, argv, &source, &limit, 0);

    if (rc == ASKED_HELP)
        return EXIT_OK;
    if (rc)
        return rc;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (store_quarantine_open(s, source, limit, &q, &n, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf("id\tcreated_at\tsource\tref\treason\tbytes\n");
    for (size_t i = 0; i < n; i++)
        printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%zu\n", q[i].id, q[i].created_at,
               q[i].source, q[i].ref ? q[i].ref : "-", q[i].reason, q[i].rawlen);
    store_qrows_free(q, n);
    store_free(s);
    return EXIT_OK;
}

static int do_replay(struct cli_ctx *ctx, int argc, char **argv)
{
    struct ht_err err = HT_ERR_INIT;
    const char *source = NULL;
    long limit = 1000;
    struct replay_result res;
    struct store *s;
    int rc = parse_common(argc, argv, &source, &limit, 1);

    if (rc == ASKED_HELP)
        return EXIT_OK;
    if (rc)
        return rc;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (syncer_replay(s, NULL, limit, &res, &err) < 0) {
        store_free(s);
        return cli_fail(&err);
    }
    printf(_("replayed %ld quarantined detail answers: %ld resolved, %ld superseded by a "
             "later "
             "answer, %ld still quarantined\n"),
           res.examined, res.resolved, res.superseded, res.still_bad);
    store_free(s);
    return EXIT_OK;
}

int cmd_quarantine(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2) {
        cli_error("%s", _("missing subcommand: list or replay"));
        return cli_usage_hint("quarantine");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0) {
        usage();
        return EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0)
        return do_list(ctx, argc - 1, argv + 1);
    if (strcmp(argv[1], "replay") == 0)
        return do_replay(ctx, argc - 1, argv + 1);
    cli_error(_("unknown subcommand '%s'"), argv[1]);
    return cli_usage_hint("quarantine");
}

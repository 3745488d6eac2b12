/* halaltrack quarantine: list what the daemon could not decode or map, and replay it
 * after a mapping fix. */
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

static void usage(void)
{
    printf(_("List and replay what the daemon put in quarantine.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack quarantine list [--source=SOURCE] [--limit=N] "
             "[--format=FORMAT]\n"));
    printf(_("  halaltrack quarantine replay [-c FILE] [--map=CODE=STAGE]... "
             "[--limit=N]\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  list       open quarantine rows: id, time, source, reference, reason, "
             "size\n"));
    printf(
        _("  replay     decode the quarantined detail answers and list rows again with "
          "the\n"
          "             current stage and label mappings; each that now maps is applied "
          "and\n"
          "             marked resolved\n\n"));
    printf(_("Options:\n"));
    printf(_("  -c, --config=FILE   take extra mappings from the [stage_map] and "
             "[status_labels]\n"
             "                      sections of FILE\n"));
    printf(_(
        "      --map=CODE=STAGE  an extra mapping, e.g. OF130=issuance (repeatable)\n"));
    printf(_("      --source=SOURCE list only list, detail, auth, certificate or import "
             "rows\n"));
    printf(_("      --limit=N       at most N rows (default 1000)\n"));
    printf(_("  -f, --format=FORMAT list output: table (default), csv or json\n"));
    printf(_("  -?, --help          show this help, then exit\n"));
}

/* --map CODE=STAGE. Returns 0, or -1: err set when the mapping is refused, else the
 * argument is malformed (the error is printed). */
static int add_map(struct stage_map *m, const char *arg, struct ht_err *err)
{
    char code[32];
    const char *eq = strchr(arg, '=');

    if (!eq || (size_t)(eq - arg) >= sizeof(code)) {
        cli_error(_("invalid --map '%s' (expected CODE=STAGE)"), arg);
        return -1;
    }
    memcpy(code, arg, (size_t)(eq - arg));
    code[eq - arg] = '\0';
    return stage_map_add(m, code, eq + 1, err);
}

/* Options of both subcommands; --config and --map only for replay (into map). */
struct q_opts {
    const char *source;
    long limit;
    struct stage_map *map;
};

/* Returns CLI_CONTINUE or an exit code. */
static int parse_opts(struct cli_parse *p, int argc, char **argv, struct q_opts *o,
                      int allow_maps)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"map", required_argument, NULL, 'm'},
        {"source", required_argument, NULL, 's'},
        {"limit", required_argument, NULL, 'l'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct ht_err err = HT_ERR_INIT;
    int c;

    while ((c = cli_getopt(p, argc, argv, "c:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p->exit;
        if ((c == 'c' || c == 'm') && !allow_maps)
            return cli_usage_hint(p->cmd);
        if (c == 'c' && cfg_read_stage_map(optarg, o->map, &err) < 0)
            return cli_fail(&err);
        if (c == 'm' && add_map(o->map, optarg, &err) < 0)
            return ht_err_isset(&err) ? cli_fail(&err) : cli_usage_hint(p->cmd);
        if (c == 's')
            o->source = optarg;
        if (c == 'l' && parse_int(optarg, 1, 10000000, &o->limit, &err) < 0) {
            cli_error(_("invalid --limit: %s"), err.msg);
            return cli_usage_hint(p->cmd);
        }
        if (!strchr("cmsl", c))
            return cli_usage_hint(p->cmd);
    }
    return cli_args(p, argc, argv, 0, 0, NULL) ? EXIT_USAGE : CLI_CONTINUE;
}

static int quarantine_rows(struct store *s, struct out_table *t, void *arg)
{
    const struct q_opts *o = arg;
    struct ht_err err = HT_ERR_INIT;
    struct store_qrow *q = NULL;
    size_t n = 0;
    int rc = 0;

    if (store_quarantine_open(s, o->source, o->limit, &q, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[24], bytes[24];
        const char *row[] = {id,       q[i].created_at, q[i].source,
                             q[i].ref, q[i].reason,     bytes};

        snprintf(id, sizeof(id), "%" PRId64, q[i].id);
        snprintf(bytes, sizeof(bytes), "%zu", q[i].rawlen);
        rc = cli_add_row(t, 0, row);
    }
    store_qrows_free(q, n);
    return rc;
}

static int do_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"id", "id", OUT_NUM},
        {"created_at", N_("created"), 0},
        {"source", N_("source"), 0},
        {"ref", N_("reference"), OUT_NARROW},
        {"reason", N_("reason"), OUT_NARROW},
        {"bytes", N_("bytes"), OUT_NUM},
    };
    struct cli_parse p = CLI_PARSE("quarantine", usage, OUT_ROWS, OUT_TABLE);
    struct q_opts o = {NULL, 1000, NULL};
    int rc = parse_opts(&p, argc, argv, &o, 0);

    if (rc != CLI_CONTINUE)
        return rc;
    return cli_list_run(ctx, p.format, cols, HT_ARRAY_LEN(cols), quarantine_rows, &o);
}

static int do_replay(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("quarantine", usage, 0, OUT_TABLE);
    struct q_opts o = {NULL, 1000, stage_map_new()};
    struct ht_err err = HT_ERR_INIT;
    struct replay_result res;
    struct store *s = NULL;
    int rc = o.map ? parse_opts(&p, argc, argv, &o, 1) : EXIT_FAIL;

    if (rc != CLI_CONTINUE)
        goto out;
    rc = EXIT_FAIL;
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (syncer_replay(s, o.map, NULL, o.limit, &res, &err) < 0) {
        rc = cli_fail(&err);
        goto out;
    }
    printf(_("replayed %ld quarantined answers and list rows: %ld resolved, %ld "
             "superseded by a later answer, %ld still quarantined\n"),
           res.examined, res.resolved, res.superseded, res.still_bad);
    rc = EXIT_OK;
out:
    store_free(s);
    stage_map_free(o.map);
    return rc;
}

int cmd_quarantine(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", do_list},
        {"replay", do_replay},
    };

    return cli_dispatch(ctx, "quarantine", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

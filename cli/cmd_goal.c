/* halaltrack goal add | list | remove: the office's certification targets. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report_cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

#define T report_tr

static void usage(void)
{
    printf(_("Manage certification goals.\n\n"));
    printf(_("Usage:\n"));
    printf(
        _("  halaltrack goal add --name=NAME --scope=SCOPE --metric=certified|applied\n"
          "                      --target=N --deadline=DATE [--start=DATE]\n"));
    printf(_("  halaltrack goal list [--format=table|csv|json]\n"));
    printf(_("  halaltrack goal remove NAME|ID\n\n"));
    printf(_("Scopes:\n"));
    printf(_("  kota                      every MSME in the register\n"));
    printf(_(
        "  kecamatan:<code|name>     e.g. kecamatan:35.75.01 or kecamatan:Gadingrejo\n"));
    printf(_("  kelurahan:<code|name>     e.g. kelurahan:35.75.01.1001\n"));
    printf(
        _("  kbli:<prefix>             KBLI code prefix, e.g. kbli:10 or kbli:56101\n"));
    printf(_("  program:<tag>             a programme tag of the register, e.g. "
             "program:sehati2026\n\n"));
    printf(_("Options:\n"));
    printf(
        _("      --start=DATE      first day counted (default: today, Asia/Jakarta)\n"));
    printf(_("  -f, --format=FORMAT   list output: table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "\"certified\" counts distinct MSMEs in scope with a certificate issued (OF300)\n"
        "between start and deadline; \"applied\" those with an application submitted\n"
        "(OF10 or tgl_daftar) in that window.\n"));
}

static int add(struct cli_ctx *ctx, const char *name, const char *scope,
               const char *metric, const char *target, const char *deadline,
               const char *start)
{
    struct ht_err err = HT_ERR_INIT;
    struct report_goal_new g;
    struct store *s = NULL;
    int64_t now;
    long id = 0;
    int rc = EXIT_USAGE;

    memset(&g, 0, sizeof(g));
    if (!name || !scope || !metric || !target || !deadline) {
        cli_error("%s",
                  _("goal add needs --name, --scope, --metric, --target and --deadline"));
        return cli_usage_hint("goal");
    }
    if (strlen(name) == 0 || strlen(name) > 100) {
        cli_error(_("goal name '%s' must be 1 to 100 characters"), name);
        return EXIT_USAGE;
    }
    g.name = name;
    if (goal_scope_parse(scope, &g.scope, &err) < 0)
        return cli_fail(&err), EXIT_USAGE;
    if (strcmp(metric, "certified") != 0 && strcmp(metric, "applied") != 0) {
        cli_error(_("unknown metric '%s' (expected certified or applied)"), metric);
        return EXIT_USAGE;
    }
    g.metric = metric;
    if (goal_target_parse(target, &g.target, &err) < 0)
        return cli_fail(&err), EXIT_USAGE;
    if (date_parse(deadline, &g.deadline, &err) < 0) {
        cli_error(_("bad --deadline '%s': %s"), deadline, err.msg);
        return EXIT_USAGE;
    }
    if (start) {
        if (date_parse(start, &g.start, &err) < 0) {
            cli_error(_("bad --start '%s': %s"), start, err.msg);
            return EXIT_USAGE;
        }
    } else {
        if (rcli_now(&now) < 0)
            return EXIT_USAGE;
        g.start = ts_to_wib_date(now);
    }
    if (date_to_days(g.deadline) <= date_to_days(g.start)) {
        char d0[11], d1[11];

        date_format(g.start, d0);
        date_format(g.deadline, d1);
        cli_error(_("deadline %s is not after the start date %s"), d1, d0);
        return EXIT_USAGE;
    }
    rc = EXIT_FAIL;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    if (store_report_goal_add(s, &g, &id, &err) < 0) {
        cli_fail(&err);
        rc = err.code == HT_EDB || err.code == HT_EDBCONN ? EXIT_FAIL : EXIT_USAGE;
        goto out;
    }
    printf(_("goal %ld '%s' added\n"), id, name);
    rc = EXIT_OK;
out:
    store_free(s);
    return rc;
}

static int list(struct cli_ctx *ctx, const char *format)
{
    static const char *const keys[] = {"id",     "name",  "scope",   "metric",
                                       "target", "start", "deadline"};
    const char *headers[] = {"id",
                             T("nama", "name"),
                             T("cakupan", "scope"),
                             T("ukuran", "metric"),
                             T("target", "target"),
                             T("mulai", "start"),
                             T("tenggat", "deadline")};
    struct ht_err err = HT_ERR_INIT;
    struct weekly_goal *g = NULL;
    size_t n = 0;
    struct store *s = NULL;
    struct rtable t;
    int64_t now;
    int rc = EXIT_FAIL;

    rtable_init(&t, 7, keys, headers, 0x11u);
    if (rcli_now(&now) < 0)
        return EXIT_USAGE;
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_report_goals(s, now, &g, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char id[24], scope[128], target[24], d0[11], d1[11];
        const char *row[7] = {id, g[i].name, scope, g[i].metric, target, d0, d1};

        snprintf(id, sizeof(id), "%ld", g[i].id);
        snprintf(scope, sizeof(scope), "%s%s%s", g[i].scope_kind,
                 g[i].scope_value ? ":" : "", g[i].scope_value ? g[i].scope_value : "");
        snprintf(target, sizeof(target), "%ld", g[i].target);
        date_format(g[i].start, d0);
        date_format(g[i].deadline, d1);
        if (rtable_add(&t, 0, row) < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
    }
    rc = rcli_print_table(&t, format, ctx->color);
out:
    rtable_release(&t);
    report_goals_free(g, n);
    store_free(s);
    return rc;
}

static int remove_goal(struct cli_ctx *ctx, const char *which)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *s = cli_open_store(ctx);
    int q;

    if (!s)
        return EXIT_FAIL;
    q = store_report_goal_remove(s, which, &err);
    store_free(s);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("no goal named '%s'"), which);
        return EXIT_FAIL;
    }
    printf(_("goal '%s' removed\n"), which);
    return EXIT_OK;
}

int cmd_goal(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'N'},
        {"scope", required_argument, NULL, 'S'},
        {"metric", required_argument, NULL, 'M'},
        {"target", required_argument, NULL, 'T'},
        {"deadline", required_argument, NULL, 'D'},
        {"start", required_argument, NULL, 'B'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, '?'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL, *scope = NULL, *metric = NULL, *target = NULL,
               *deadline = NULL, *start = NULL, *format = "table", *sub = NULL;
    int c;

    if (argc >= 2 && argv[1][0] != '-') {
        sub = argv[1];
        argc--;
        argv++;
    }
    while ((c = getopt_long(argc, argv, "f:?", opts, NULL)) != -1) {
        switch (c) {
        case 'N':
            name = optarg;
            break;
        case 'S':
            scope = optarg;
            break;
        case 'M':
            metric = optarg;
            break;
        case 'T':
            target = optarg;
            break;
        case 'D':
            deadline = optarg;
            break;
        case 'B':
            start = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case '?':
            if (optopt)
                return cli_usage_hint("goal");
            usage();
            return EXIT_OK;
        default:
            return cli_usage_hint("goal");
        }
    }
    if (!sub) {
        cli_error("%s", _("missing subcommand: add, list or remove"));
        return cli_usage_hint("goal");
    }
    if (strcmp(sub, "add") == 0) {
        if (optind < argc) {
            cli_error(_("unexpected argument '%s'"), argv[optind]);
            return cli_usage_hint("goal");
        }
        return add(ctx, name, scope, metric, target, deadline, start);
    }
    if (strcmp(sub, "list") == 0) {
        if (optind < argc) {
            cli_error(_("unexpected argument '%s'"), argv[optind]);
            return cli_usage_hint("goal");
        }
        if (rcli_check_format("goal list", format, "table,csv,json") < 0)
            return cli_usage_hint("goal");
        return list(ctx, format);
    }
    if (strcmp(sub, "remove") == 0) {
        if (optind + 1 != argc) {
            cli_error("%s", _("goal remove needs exactly one goal name or id"));
            return cli_usage_hint("goal");
        }
        return remove_goal(ctx, argv[optind]);
    }
    cli_error(_("unknown subcommand '%s' (expected add, list or remove)"), sub);
    return cli_usage_hint("goal");
}

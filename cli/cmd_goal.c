/* halaltrack goal add | list | remove: the office's certification targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

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
             "program:sehati2026\n"));
    printf(
        _("  kode_fac:<code>           a facilitation programme of the national system\n"
          "                            (halaltrack programmes): its applications "
          "only\n\n"));
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

struct goal_args {
    const char *name, *scope, *metric, *target, *deadline, *start;
};

/* Checks the options of goal add into g (strings borrowed from a). Returns 0, or prints
 * the error and returns EXIT_USAGE. */
static int check_goal(const struct goal_args *a, struct report_goal_new *g)
{
    struct ht_err err = HT_ERR_INIT;
    int64_t now;

    memset(g, 0, sizeof(*g));
    if (!a->name || !a->scope || !a->metric || !a->target || !a->deadline) {
        cli_error("%s",
                  _("goal add needs --name, --scope, --metric, --target and --deadline"));
        return cli_usage_hint("goal");
    }
    if (strlen(a->name) == 0 || strlen(a->name) > 100) {
        cli_error(_("goal name '%s' must be 1 to 100 characters"), a->name);
        return EXIT_USAGE;
    }
    g->name = a->name;
    if (goal_scope_parse(a->scope, &g->scope, &err) < 0)
        return cli_fail(&err), EXIT_USAGE;
    if (strcmp(a->metric, "certified") != 0 && strcmp(a->metric, "applied") != 0) {
        cli_error(_("unknown metric '%s' (expected certified or applied)"), a->metric);
        return EXIT_USAGE;
    }
    g->metric = a->metric;
    if (goal_target_parse(a->target, &g->target, &err) < 0)
        return cli_fail(&err), EXIT_USAGE;
    if (date_parse(a->deadline, &g->deadline, &err) < 0) {
        cli_error(_("bad --deadline '%s': %s"), a->deadline, err.msg);
        return EXIT_USAGE;
    }
    if (a->start && date_parse(a->start, &g->start, &err) < 0) {
        cli_error(_("bad --start '%s': %s"), a->start, err.msg);
        return EXIT_USAGE;
    }
    if (!a->start) {
        if (cli_now(&now) < 0)
            return EXIT_USAGE;
        g->start = ts_to_wib_date(now);
    }
    if (date_to_days(g->deadline) <= date_to_days(g->start)) {
        char d0[11], d1[11];

        date_format(g->start, d0);
        date_format(g->deadline, d1);
        cli_error(_("deadline %s is not after the start date %s"), d1, d0);
        return EXIT_USAGE;
    }
    return 0;
}

static int goal_add(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'N'},
        {"scope", required_argument, NULL, 'S'},
        {"metric", required_argument, NULL, 'M'},
        {"target", required_argument, NULL, 'T'},
        {"deadline", required_argument, NULL, 'D'},
        {"start", required_argument, NULL, 'B'},
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("goal", usage, 0, OUT_TABLE);
    struct goal_args a = {NULL, NULL, NULL, NULL, NULL, NULL};
    struct ht_err err = HT_ERR_INIT;
    struct report_goal_new g;
    struct store *s = NULL;
    long id = 0;
    int c, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        const char **dst = c == 'N'   ? &a.name
                           : c == 'S' ? &a.scope
                           : c == 'M' ? &a.metric
                           : c == 'T' ? &a.target
                           : c == 'D' ? &a.deadline
                           : c == 'B' ? &a.start
                                      : NULL;

        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (!dst)
            return cli_usage_hint(p.cmd);
        *dst = optarg;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0 ||
        (rc = check_goal(&a, &g)) != 0)
        return rc;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    rc = EXIT_OK;
    if (store_report_goal_add(s, &g, &id, &err) < 0) {
        cli_fail(&err);
        rc = err.code == HT_EDB || err.code == HT_EDBCONN ? EXIT_FAIL : EXIT_USAGE;
    } else {
        printf(_("goal %ld '%s' added\n"), id, a.name);
    }
    store_free(s);
    return rc;
}

static int goal_rows(struct store *s, struct out_table *t, void *arg)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_goal *g = NULL;
    size_t n = 0;
    int rc = 0;

    if (store_report_goals(s, *(const int64_t *)arg, &g, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[24], scope[128], target[24], d0[11], d1[11];
        const char *row[7] = {id, g[i].name, scope, g[i].metric, target, d0, d1};

        snprintf(id, sizeof(id), "%ld", g[i].id);
        snprintf(scope, sizeof(scope), "%s%s%s", g[i].scope_kind,
                 g[i].scope_value ? ":" : "", g[i].scope_value ? g[i].scope_value : "");
        snprintf(target, sizeof(target), "%ld", g[i].target);
        date_format(g[i].start, d0);
        date_format(g[i].deadline, d1);
        rc = cli_add_row(t, 0, row);
    }
    report_goals_free(g, n);
    return rc;
}

static int goal_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"id", "id", OUT_NUM},
        {"name", N_("name"), OUT_NARROW},
        {"scope", N_("scope"), 0},
        {"metric", N_("metric"), 0},
        {"target", N_("target"), OUT_NUM},
        {"start", N_("start"), 0},
        {"deadline", N_("deadline"), 0},
    };
    struct cli_parse p = CLI_PARSE("goal", usage, OUT_ROWS, OUT_TABLE);
    int64_t now;
    int rc = cli_parse_now(&p, argc, argv, &now);

    if (rc != CLI_CONTINUE)
        return rc;
    return cli_list_run(ctx, p.format, cols, HT_ARRAY_LEN(cols), goal_rows, &now);
}

static int goal_remove(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("goal", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store *s;
    int q = cli_parse_plain(&p, argc, argv, 1, 1, _("goal name or id"));

    if (q != CLI_CONTINUE)
        return q;
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    q = store_report_goal_remove(s, argv[optind], &err);
    store_free(s);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("no goal named '%s'"), argv[optind]);
        return EXIT_FAIL;
    }
    printf(_("goal '%s' removed\n"), argv[optind]);
    return EXIT_OK;
}

int cmd_goal(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", goal_add},
        {"list", goal_list},
        {"remove", goal_remove},
    };

    return cli_dispatch(ctx, "goal", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

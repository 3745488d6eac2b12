/* halaltrack progress / funnel / overdue: where the city stands against its goals, how
 * many applications sit in each stage, and which are past their legal limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/report.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

static void progress_usage(void)
{
    printf(_("Show every goal's progress.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack progress [--by=GROUP] [--format=table|csv|json]\n\n"));
    printf(_("Options:\n"));
    printf(_("  -b, --by=GROUP        also break each goal down by kecamatan, kelurahan, "
             "kbli,\n"
             "                        size or channel\n"));
    printf(_("  -f, --format=FORMAT   table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "Goals count distinct MSMEs, not applications. On track: the last 4 weeks' rate\n"
        "is at least the weekly rate needed; at risk: at least 75%% of it.\n"));
}

/* The columns of progress. The text table shows done/target in one column and the
 * status in words; CSV and JSON have each figure on its own and the status's name. */
enum {
    PG_GOAL,
    PG_SCOPE,
    PG_METRIC,
    PG_DONE,
    PG_TARGET,
    PG_DONE_TARGET,
    PG_PERCENT,
    PG_BAR,
    PG_WEEKS,
    PG_NEED,
    PG_RATE,
    PG_PROJECTED,
    PG_STATUS,
    PG_STATUS_LABEL,
    PG_DONE_PROGRAMME,
    PG_DONE_MATCHED,
    PG_AWAITING,
    PG__COUNT
};
static const struct out_col progress_cols[PG__COUNT] = {
    {"goal", N_("goal"), OUT_NARROW},
    {"scope", "", OUT_NO_TABLE},
    {"metric", "", OUT_NO_TABLE},
    {"done", "", OUT_NUM | OUT_NO_TABLE},
    {"target", "", OUT_NUM | OUT_NO_TABLE},
    {"done_target", N_("done"), OUT_NUM | OUT_TABLE_ONLY},
    {"percent", "%", OUT_NUM},
    {"bar", "", 0},
    {"weeks_left", N_("wks"), OUT_NUM},
    {"rate_needed", N_("need"), OUT_NUM},
    {"rate_recent", N_("rate"), OUT_NUM},
    {"projected", NC_("short column heading", "projected"), 0},
    {"status", "", OUT_NO_TABLE},
    {"status", N_("status"), OUT_TABLE_ONLY},
    {"done_programme", "", OUT_NUM | OUT_NO_TABLE},
    {"done_matched", "", OUT_NUM | OUT_NO_TABLE},
    {"awaiting", "", OUT_NUM | OUT_NO_TABLE},
};

static const struct out_col breakdown_cols[] = {
    {"goal", N_("goal"), OUT_NARROW},
    {"group", N_("group"), 0},
    {"done", N_("done"), OUT_NUM},
};

/* "kind:value" or "kind". */
static void scope_text(const struct weekly_goal *g, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", g->scope_kind, g->scope_value ? ":" : "",
             g->scope_value ? g->scope_value : "");
}

static int add_goal_row(struct out_table *t, const struct weekly_goal *g, int64_t now)
{
    struct goal_input in = {g->target, g->done,     g->done_4_weeks_ago,
                            g->start,  g->deadline, ts_to_wib_date(now)};
    struct goal_calc k;
    char scope[128], done[24], target[24], dt[48], pct[16], bar[24], wl[16], need[16],
        rate[16], proj[11] = "", dp[24], dm[24], aw[24];
    const char *row[PG__COUNT];

    goal_compute(&in, &k);
    scope_text(g, scope, sizeof(scope));
    snprintf(done, sizeof(done), "%ld", g->done);
    snprintf(target, sizeof(target), "%ld", g->target);
    snprintf(dt, sizeof(dt), "%ld/%ld", g->done, g->target);
    snprintf(pct, sizeof(pct), "%.1f", k.percent);
    report_bar(k.percent, 6, bar);
    snprintf(wl, sizeof(wl), "%.1f", k.weeks_left);
    snprintf(need, sizeof(need), "%.1f", k.rate_needed);
    snprintf(rate, sizeof(rate), "%.1f", k.rate_recent);
    if (k.has_projection)
        date_format(k.projected, proj);
    row[PG_GOAL] = g->name;
    row[PG_SCOPE] = scope;
    row[PG_METRIC] = g->metric;
    row[PG_DONE] = done;
    row[PG_TARGET] = target;
    row[PG_DONE_TARGET] = dt;
    row[PG_PERCENT] = pct;
    row[PG_BAR] = bar;
    row[PG_WEEKS] = wl;
    row[PG_NEED] = need;
    row[PG_RATE] = rate;
    row[PG_PROJECTED] = k.has_projection ? proj : NULL;
    row[PG_STATUS] = goal_status_name(k.status);
    row[PG_STATUS_LABEL] = goal_status_label(k.status);
    snprintf(dp, sizeof(dp), "%ld", g->done_programme);
    snprintf(dm, sizeof(dm), "%ld", g->done_matched);
    snprintf(aw, sizeof(aw), "%ld", g->awaiting);
    row[PG_DONE_PROGRAMME] = dp;
    row[PG_DONE_MATCHED] = dm;
    row[PG_AWAITING] = aw;
    return cli_add_row(t,
                       k.status == GOAL_ON_TRACK  ? 'g'
                       : k.status == GOAL_AT_RISK ? 'y'
                                                  : 'r',
                       row);
}

static int add_breakdown_rows(struct out_table *t, const struct weekly_goal *g,
                              const struct report_breakdown *b, size_t nb)
{
    for (size_t j = 0; j < nb; j++) {
        char d[24];
        const char *row[3] = {g->name, b[j].group, d};

        if (b[j].goal_id != g->id)
            continue;
        snprintf(d, sizeof(d), "%ld", b[j].done);
        if (cli_add_row(t, 0, row) < 0)
            return -1;
    }
    return 0;
}

int cmd_progress(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, NULL, 'b'}, CLI_OPT_FORMAT, CLI_OPT_HELP, CLI_OPT_END};
    struct cli_parse p = CLI_PARSE("progress", progress_usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    const char *by = NULL;
    struct weekly_goal *g = NULL;
    struct report_breakdown *b = NULL;
    size_t ng = 0, nb = 0;
    struct store *s = NULL;
    struct out_table t, bt;
    char title[128];
    int64_t now;
    int c, rc;

    while ((c = cli_getopt(&p, argc, argv, "b:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c != 'b')
            return cli_usage_hint(p.cmd);
        by = optarg;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    rc = EXIT_FAIL;
    out_table_init(&t, progress_cols, PG__COUNT);
    out_table_init(&bt, breakdown_cols, HT_ARRAY_LEN(breakdown_cols));
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_report_goals(s, now, &g, &ng, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    if (by && store_report_breakdown(s, now, by, &b, &nb, &err) < 0) {
        cli_fail(&err);
        rc = err.code == HT_EINVAL ? EXIT_USAGE : EXIT_FAIL;
        goto out;
    }
    if (ng == 0)
        cli_error("%s", _("no goals yet: add one with \"halaltrack goal add\""));
    for (size_t i = 0; i < ng; i++)
        if (add_goal_row(&t, &g[i], now) < 0 || add_breakdown_rows(&bt, &g[i], b, nb) < 0)
            goto out;
    snprintf(title, sizeof(title), "%s %s", _("Breakdown by"), by ? by : "");
    {
        const struct out_section sec[2] = {{"goals", NULL, &t},
                                           {"breakdown", title, &bt}};

        /* Without --by the answer is the goals' table alone (in JSON an array). */
        rc =
            by ? cli_print_sections(ctx, sec, 2, p.format) : cli_print(ctx, &t, p.format);
    }
out:
    out_table_release(&t);
    out_table_release(&bt);
    report_goals_free(g, ng);
    report_breakdown_free(b, nb);
    store_free(s);
    return rc;
}

static void funnel_usage(void)
{
    printf(_("Show applications per stage and certification path.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack funnel [--format=table|csv|json]\n\n"));
    printf(_("Paths: reguler (CH001, CH002), self-declare (CH003, CH004), other "
             "(unknown).\n"));
}

int cmd_funnel(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"stage", N_("stage"), 0},       {"label", N_("label"), OUT_NARROW},
        {"reguler", "reguler", OUT_NUM}, {"self_declare", "self-declare", OUT_NUM},
        {"other", N_("other"), OUT_NUM}, {"total", N_("total"), OUT_NUM},
    };
    struct cli_parse p = CLI_PARSE("funnel", funnel_usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct report_funnel_row f[STAGE__COUNT];
    struct store *s = NULL;
    struct out_table t;
    int rc = cli_parse_plain(&p, argc, argv, 0, 0, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, HT_ARRAY_LEN(cols))))
        goto out;
    if (store_report_funnel(s, f, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (int i = 0; i < STAGE__COUNT; i++) {
        char a[24], b[24], o[24], d[24];
        const char *row[6] = {
            stage_name(f[i].stage), stage_label(f[i].stage), a, b, o, d};

        if (f[i].stage == STAGE_NOT_APPLIED)
            continue;
        snprintf(a, sizeof(a), "%ld", f[i].reguler);
        snprintf(b, sizeof(b), "%ld", f[i].self_declare);
        snprintf(o, sizeof(o), "%ld", f[i].other);
        snprintf(d, sizeof(d), "%ld", f[i].reguler + f[i].self_declare + f[i].other);
        if (cli_add_row(&t, 0, row) < 0)
            goto out;
    }
    rc = cli_print(ctx, &t, p.format);
out:
    out_table_release(&t);
    store_free(s);
    return rc;
}

static void overdue_usage(void)
{
    printf(
        _("List applications past the legal limit of their current step, by whom they\n"
          "wait on.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack overdue [--format=table|csv|json]\n\n"));
    printf(
        _("A legal step (docs/reports.md) runs from its first status code to the first\n"
          "code of the next step. Working days count Monday to Friday, minus national\n"
          "holidays and cuti bersama (unless the setting cuti_bersama is 'working').\n"
          "Steps held by the business or the payer (draft, returned, payment) are never\n"
          "overdue: the clock is paused.\n"));
}

/* The text table's summary under the list: how many wait on whom. */
static void overdue_summary(const struct weekly_stuck *v, size_t n)
{
    static const enum ht_waits_on order[] = {WAITS_BPJPH,      WAITS_LPH,    WAITS_P3H,
                                             WAITS_FATWA,      WAITS_KOMITE, WAITS_MSME,
                                             WAITS_FACILITATOR};
    long count[WAITS__COUNT] = {0};

    if (n == 0) {
        printf("%s\n", _("No application is past its legal limit."));
        return;
    }
    for (size_t i = 0; i < n; i++)
        count[v[i].waits_on]++;
    printf("\n%s:\n", _("By whom they wait on"));
    for (size_t w = 0; w < HT_ARRAY_LEN(order); w++)
        printf("  %-32s %5ld%s\n", stage_waits_on_label(order[w]), count[order[w]],
               order[w] == WAITS_MSME || order[w] == WAITS_FACILITATOR
                   ? _("  (clock paused)")
                   : "");
    printf("  %-32s %5zu\n", _("total"), n);
}

/* "2027;2028" for the CSV/JSON list column. */
static void gaps_list(const struct cal_gaps *g, char *out, size_t outsz)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < g->n && o < outsz; i++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%d", i ? ";" : "", g->year[i]);
}

struct overdue_list {
    int64_t now;
    struct weekly_stuck *v;
    size_t n;
};

static int overdue_rows(struct store *s, struct out_table *t, void *arg)
{
    struct overdue_list *o = arg;
    struct ht_err err = HT_ERR_INIT;
    struct cal_gaps gaps = {{0}, 0, 0};
    int rc = 0;

    if (store_report_overdue(s, o->now, &o->v, &o->n, &gaps, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    cli_warn_gaps(&gaps);
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        char since[11], d[24], l[24], x[24], ov[24], g[96];
        const char *row[] = {stage_waits_on_name(o->v[i].waits_on),
                             o->v[i].nib,
                             o->v[i].name,
                             o->v[i].kelurahan,
                             o->v[i].phone,
                             o->v[i].id_reg,
                             o->v[i].code,
                             step_name(o->v[i].step),
                             since,
                             d,
                             l,
                             x,
                             o->v[i].taken_over ? "true" : "false",
                             ov,
                             g};

        date_format(ts_to_wib_date(o->v[i].since), since);
        snprintf(d, sizeof(d), "%ld", o->v[i].days);
        snprintf(l, sizeof(l), "%ld", o->v[i].limit);
        snprintf(x, sizeof(x), "%ld", o->v[i].extension);
        snprintf(ov, sizeof(ov), "%ld", o->v[i].overdue);
        gaps_list(&o->v[i].gaps, g, sizeof(g));
        rc = cli_add_row(t, 'r', row);
    }
    return rc;
}

int cmd_overdue(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"waits_on", N_("waits on"), 0},
        {"nib", "NIB", OUT_KEEP},
        {"business_name", N_("business"), OUT_NARROW},
        {"kelurahan", N_("kelurahan"), OUT_NARROW},
        {"phone", N_("phone"), OUT_KEEP},
        {"id_reg", "", OUT_NO_TABLE},
        {"status_code", N_("code"), 0},
        {"step", "", OUT_NO_TABLE},
        {"since", "", OUT_NO_TABLE},
        {"working_days", "", OUT_NUM | OUT_NO_TABLE},
        {"limit_days", "", OUT_NUM | OUT_NO_TABLE},
        {"extension_days", "", OUT_NUM | OUT_NO_TABLE},
        {"taken_over", "", OUT_NO_TABLE},
        {"days_overdue", N_("over"), OUT_NUM},
        {"calendar_gaps", "", OUT_LIST | OUT_NO_TABLE},
    };
    struct cli_parse p = CLI_PARSE("overdue", overdue_usage, OUT_ROWS, OUT_TABLE);
    struct overdue_list o = {0, NULL, 0};
    int rc = cli_parse_now(&p, argc, argv, &o.now);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = cli_list_run(ctx, p.format, cols, HT_ARRAY_LEN(cols), overdue_rows, &o);
    if (rc == EXIT_OK && p.format == OUT_TABLE)
        overdue_summary(o.v, o.n);
    report_stuck_free(o.v, o.n);
    return rc;
}

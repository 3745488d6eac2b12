/* halaltrack progress / funnel / overdue: where the city stands against its goals, how
 * many applications sit in each stage, and which are past their legal limit. */
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

/* Parses the common --format option (and --by for progress). Returns -1 to continue,
 * else an exit code. */
static int parse_opts(const char *cmd, int argc, char **argv, const char **format,
                      const char **by, void (*usage)(void))
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"by", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, '?'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, by ? "f:b:?" : "f:?", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            *format = optarg;
            break;
        case 'b':
            if (!by)
                return cli_usage_hint(cmd);
            *by = optarg;
            break;
        case '?':
            if (optopt)
                return cli_usage_hint(cmd);
            usage();
            return EXIT_OK;
        default:
            return cli_usage_hint(cmd);
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage_hint(cmd);
    }
    if (rcli_check_format(cmd, *format, "table,csv,json") < 0)
        return cli_usage_hint(cmd);
    return -1;
}

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

int cmd_progress(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const keys[] = {
        "goal", "scope",      "metric",      "done",        "target",    "percent",
        "bar",  "weeks_left", "rate_needed", "rate_recent", "projected", "status"};
    const char *headers[] = {T("target", "goal"),
                             T("cakupan", "scope"),
                             T("ukuran", "metric"),
                             T("capai", "done"),
                             T("target", "target"),
                             "%",
                             "",
                             T("mgg", "wks"),
                             T("perlu", "need/wk"),
                             T("laju", "rate/wk"),
                             T("perkiraan", "projected"),
                             T("status", "status")};
    static const char *const bkeys[] = {"goal", "group", "done"};
    const char *bheaders[] = {T("target", "goal"), T("kelompok", "group"),
                              T("capai", "done")};
    struct ht_err err = HT_ERR_INIT;
    const char *format = "table", *by = NULL;
    struct weekly_goal *g = NULL;
    struct report_breakdown *b = NULL;
    size_t ng = 0, nb = 0;
    struct store *s = NULL;
    struct rtable t, bt;
    int64_t now;
    int rc = parse_opts("progress", argc, argv, &format, &by, progress_usage);

    if (rc >= 0)
        return rc;
    rc = EXIT_FAIL;
    rtable_init(&t, 12, keys, headers, 0x3B8u); /* done target percent weeks rates */
    rtable_init(&bt, 3, bkeys, bheaders, 0x4u);
    if (rcli_now(&now) < 0)
        return EXIT_USAGE;
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
    for (size_t i = 0; i < ng; i++) {
        struct goal_input in = {g[i].target, g[i].done,     g[i].done_4_weeks_ago,
                                g[i].start,  g[i].deadline, ts_to_wib_date(now)};
        struct goal_calc k;
        char scope[128], done[24], target[24], pct[16], bar[24], wl[16], need[16],
            rate[16], proj[11] = "-";
        const char *row[12];

        goal_compute(&in, &k);
        snprintf(scope, sizeof(scope), "%s%s%s", g[i].scope_kind,
                 g[i].scope_value ? ":" : "", g[i].scope_value ? g[i].scope_value : "");
        snprintf(done, sizeof(done), "%ld", g[i].done);
        snprintf(target, sizeof(target), "%ld", g[i].target);
        snprintf(pct, sizeof(pct), "%.1f", k.percent);
        report_bar(k.percent, 6, bar);
        snprintf(wl, sizeof(wl), "%.1f", k.weeks_left);
        snprintf(need, sizeof(need), "%.1f", k.rate_needed);
        snprintf(rate, sizeof(rate), "%.1f", k.rate_recent);
        if (k.has_projection)
            date_format(k.projected, proj);
        row[0] = g[i].name, row[1] = scope, row[2] = g[i].metric, row[3] = done;
        row[4] = target, row[5] = pct, row[6] = bar, row[7] = wl, row[8] = need,
        row[9] = rate;
        row[10] = k.has_projection ? proj : NULL;
        row[11] = strcmp(format, "table") == 0 ? goal_status_label(k.status)
                                               : goal_status_name(k.status);
        if (rtable_add(&t,
                       k.status == GOAL_ON_TRACK  ? 'g'
                       : k.status == GOAL_AT_RISK ? 'y'
                                                  : 'r',
                       row) < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
        for (size_t j = 0; j < nb; j++) {
            char d[24];
            const char *brow[3] = {g[i].name, b[j].group, d};

            if (b[j].goal_id != g[i].id)
                continue;
            snprintf(d, sizeof(d), "%ld", b[j].done);
            if (rtable_add(&bt, 0, brow) < 0) {
                cli_error("%s", _("out of memory"));
                goto out;
            }
        }
    }
    if (strcmp(format, "table") == 0) {
        /* The 80-column view: done/target in one column, no scope or metric. */
        static const int cols[] = {0, 3, 5, 6, 7, 8, 9, 10, 11};
        const char *nk[9], *nh[9];
        struct rtable narrow;

        for (int c = 0; c < 9; c++)
            nk[c] = keys[cols[c]], nh[c] = headers[cols[c]];
        nh[1] = T("capai", "done");
        nh[5] = T("perlu", "need");
        nh[6] = T("laju", "rate");
        rtable_init(&narrow, 9, nk, nh, 0x76u);
        for (int r = 0; r < t.nrows && rc != -2; r++) {
            const char *row[9];
            char dt[48];

            for (int c = 0; c < 9; c++)
                row[c] = t.cells[(size_t)r * 12 + (size_t)cols[c]];
            snprintf(dt, sizeof(dt), "%s/%s", t.cells[(size_t)r * 12 + 3],
                     t.cells[(size_t)r * 12 + 4]);
            row[1] = dt;
            if (rtable_add(&narrow, t.row_color[r], row) < 0)
                rc = -2;
        }
        if (rc == -2) {
            rtable_release(&narrow);
            cli_error("%s", _("out of memory"));
            rc = EXIT_FAIL;
            goto out;
        }
        rc = rcli_print_table(&narrow, format, ctx->color);
        rtable_release(&narrow);
    } else {
        rc = rcli_print_table(&t, format, ctx->color);
    }
    if (rc == EXIT_OK && by) {
        if (strcmp(format, "table") == 0)
            printf("\n%s %s:\n", T("Rincian per", "Breakdown by"), by);
        if (strcmp(format, "csv") == 0)
            fputs("\r\n", stdout);
        rc = rcli_print_table(&bt, format, ctx->color);
    }
out:
    rtable_release(&t);
    rtable_release(&bt);
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
    static const char *const keys[] = {"stage",        "label", "reguler",
                                       "self_declare", "other", "total"};
    const char *headers[] = {
        T("tahap", "stage"), T("keterangan", "label"), "reguler",
        "self-declare",      T("lainnya", "other"),    T("total", "total")};
    struct ht_err err = HT_ERR_INIT;
    struct report_funnel_row f[STAGE__COUNT];
    const char *format = "table";
    struct store *s = NULL;
    struct rtable t;
    int rc = parse_opts("funnel", argc, argv, &format, NULL, funnel_usage);

    if (rc >= 0)
        return rc;
    rc = EXIT_FAIL;
    rtable_init(&t, 6, keys, headers, 0x3Cu);
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_report_funnel(s, f, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (int i = 0; i < STAGE__COUNT; i++) {
        char a[24], b[24], c[24], d[24];
        const char *row[6] = {
            stage_name(f[i].stage), stage_label(f[i].stage), a, b, c, d};

        if (f[i].stage == STAGE_NOT_APPLIED)
            continue;
        snprintf(a, sizeof(a), "%ld", f[i].reguler);
        snprintf(b, sizeof(b), "%ld", f[i].self_declare);
        snprintf(c, sizeof(c), "%ld", f[i].other);
        snprintf(d, sizeof(d), "%ld", f[i].reguler + f[i].self_declare + f[i].other);
        if (rtable_add(&t, 0, row) < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
    }
    rc = rcli_print_table(&t, format, ctx->color);
out:
    rtable_release(&t);
    store_free(s);
    return rc;
}

static void overdue_usage(void)
{
    printf(_("List applications past their legal time limit, by whom they wait on.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack overdue [--format=table|csv|json]\n\n"));
    printf(_(
        "Working days count Monday to Friday, minus national holidays and cuti bersama.\n"
        "Steps held by the MSME (returned, payment) are not overdue: the clock is "
        "paused.\n"));
}

int cmd_overdue(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const keys[] = {
        "waits_on",    "nib",   "business_name", "kelurahan",  "phone",       "id_reg",
        "status_code", "since", "working_days",  "limit_days", "days_overdue"};
    const char *headers[] = {T("menunggu", "waits on"), "NIB",
                             T("usaha", "business"),    T("kelurahan", "kelurahan"),
                             T("telepon", "phone"),     "id_reg",
                             T("kode", "code"),         T("sejak", "since"),
                             T("hari", "days"),         T("batas", "limit"),
                             T("lewat", "over")};
    struct ht_err err = HT_ERR_INIT;
    const char *format = "table";
    struct weekly_stuck *v = NULL;
    size_t n = 0;
    struct store *s = NULL;
    struct rtable t;
    int64_t now;
    int table;
    int rc = parse_opts("overdue", argc, argv, &format, NULL, overdue_usage);

    if (rc >= 0)
        return rc;
    rc = EXIT_FAIL;
    table = strcmp(format, "table") == 0;
    /* The 80-column table leaves out id_reg (in CSV and JSON). */
    rtable_init(&t, 11, keys, headers, 0x700u);
    if (rcli_now(&now) < 0)
        return EXIT_USAGE;
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_report_overdue(s, now, &v, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char since[11], d[24], l[24], o[24];
        const char *row[11];

        date_format(ts_to_wib_date(v[i].since), since);
        snprintf(d, sizeof(d), "%ld", v[i].days);
        snprintf(l, sizeof(l), "%ld", v[i].limit);
        snprintf(o, sizeof(o), "%ld", v[i].overdue);
        row[0] = stage_waits_on_name(v[i].waits_on);
        row[1] = v[i].nib, row[2] = v[i].name, row[3] = v[i].kelurahan,
        row[4] = v[i].phone;
        row[5] = v[i].id_reg, row[6] = v[i].code, row[7] = since, row[8] = d, row[9] = l;
        row[10] = o;
        if (rtable_add(&t, 'r', row) < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
    }
    if (table) {
        /* Drop id_reg and working_days from the terminal view to fit 80 columns. */
        struct rtable narrow;
        static const int cols[] = {0, 1, 2, 3, 4, 6, 10};
        const char *nk[7], *nh[7];

        for (int c = 0; c < 7; c++)
            nk[c] = keys[cols[c]], nh[c] = headers[cols[c]];
        rtable_init(&narrow, 7, nk, nh, 0x40u);
        narrow.keep = 0x12u; /* NIB and phone are never cut */
        for (int r = 0; r < t.nrows; r++) {
            const char *row[7];
            for (int c = 0; c < 7; c++)
                row[c] = t.cells[(size_t)r * 11 + (size_t)cols[c]];
            row[0] = stage_waits_on_name(v[r].waits_on);
            if (rtable_add(&narrow, 'r', row) < 0) {
                rtable_release(&narrow);
                cli_error("%s", _("out of memory"));
                goto out;
            }
        }
        rc = rcli_print_table(&narrow, format, ctx->color);
        rtable_release(&narrow);
        if (n == 0) {
            printf("%s\n", T("Tidak ada permohonan yang melewati batas waktu.",
                             "No application is past its legal limit."));
        } else {
            long count[WAITS__COUNT] = {0};

            for (size_t i = 0; i < n; i++)
                count[v[i].waits_on]++;
            printf("\n%s:\n", T("Per pihak yang ditunggu", "By whom they wait on"));
            static const enum ht_waits_on order[] = {WAITS_BPJPH, WAITS_LPH, WAITS_P3H,
                                                     WAITS_FATWA, WAITS_MSME};

            for (size_t w = 0; w < HT_ARRAY_LEN(order); w++)
                printf("  %-32s %5ld%s\n", report_waits_label(order[w]), count[order[w]],
                       order[w] == WAITS_MSME
                           ? T("  (batas waktu dijeda)", "  (clock paused)")
                           : "");
            printf("  %-32s %5zu\n", T("jumlah", "total"), n);
        }
    } else {
        rc = rcli_print_table(&t, format, ctx->color);
    }
out:
    rtable_release(&t);
    report_stuck_free(v, n);
    store_free(s);
    return rc;
}

/* halaltrack status NIB: one MSME's card and, per application, its legal steps against
 * their limits, who holds the file and the business's next step. Exit statuses: 0 shown,
 * 1 failure, 2 usage or malformed NIB, 3 NIB not in the register, 4 MSME has no
 * application. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/report.h"
#include "halaltrack/calendar.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/settings.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

#define EXIT_STATUS_UNKNOWN_NIB 3
#define EXIT_STATUS_NO_APPLICATION 4

static void usage(void)
{
    printf(_("Show one MSME's halal certification status.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack status [--format=FORMAT] NIB\n\n"));
    printf(_("Options:\n"));
    printf(
        _("  -f, --format=FORMAT   table (the card and timelines, default), csv (one\n"
          "                        line per legal step of every application) or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "Exit status: 0 shown, 1 failure, 2 usage error or malformed NIB, 3 NIB not in\n"
        "the register, 4 the MSME has no application yet.\n"));
}

/* CSV: one line per legal step of every application. */
static int print_steps_csv(const struct cli_ctx *ctx, const struct report_msme *m,
                           const struct timeline *tl)
{
    static const struct out_col cols[] = {
        {"id_reg", "", 0},
        {"no_daftar", "", 0},
        {"channel_id", "", 0},
        {"step", "", 0},
        {"label", "", 0},
        {"codes", "", OUT_LIST},
        {"entered", "", 0},
        {"left", "", 0},
        {"working_days", "", OUT_NUM},
        {"limit_days", "", OUT_NUM},
        {"extension_days", "", OUT_NUM},
        {"taken_over", "", 0},
        {"held_by", "", 0},
        {"clock_paused", "", 0},
        {"breach", "", 0},
        {"overdue_days", "", OUT_NUM},
        {"current", "", 0},
    };
    struct out_table t;
    int rc = EXIT_FAIL;

    out_table_init(&t, cols, HT_ARRAY_LEN(cols));
    for (size_t i = 0; i < m->napps; i++) {
        for (size_t j = 0; j < tl[i].ns; j++) {
            const struct tl_step *e = &tl[i].s[j];
            char entered[21], left[21] = "", days[24], limit[24] = "", ext[24], over[24],
                              codes[128];
            const char *row[] = {
                m->apps[i].id_reg,
                m->apps[i].no_daftar,
                m->apps[i].channel_id,
                step_name(e->step),
                step_label(e->step),
                codes,
                entered,
                e->left ? left : NULL,
                days,
                e->limit_days ? limit : NULL,
                ext,
                e->taken_over ? "true" : "false",
                stage_waits_on_name(e->holder),
                e->paused ? "true" : "false",
                e->breach ? "true" : "false",
                over,
                e->current ? "true" : "false",
            };

            report_step_codes(&tl[i], e, codes, sizeof(codes));
            for (char *c = codes; *c; c++)
                if (*c == ' ')
                    *c = ';';
            ts_format_utc(e->entered, entered);
            if (e->left)
                ts_format_utc(e->left, left);
            snprintf(days, sizeof(days), "%lld", (long long)e->days);
            snprintf(limit, sizeof(limit), "%d", e->limit_days);
            snprintf(ext, sizeof(ext), "%d", e->extension_days);
            snprintf(over, sizeof(over), "%lld", (long long)e->overdue);
            if (cli_add_row(&t, 0, row) < 0)
                goto out;
        }
    }
    rc = cli_print(ctx, &t, OUT_CSV);
out:
    out_table_release(&t);
    return rc;
}

/* The MSME is not in the register: say whether applications upstream carry its NIB. */
static int unknown_nib(struct store *s, const char *nib)
{
    struct ht_err err = HT_ERR_INIT;
    long upstream = 0;

    if (store_report_unmatched_apps(s, nib, &upstream, &err) < 0)
        return cli_fail(&err);
    if (upstream > 0)
        cli_error(_("NIB '%s' is not in the MSME register (%ld application(s) upstream "
                    "carry it: import the register or correct the NIB)"),
                  nib, upstream);
    else
        cli_error(_("NIB '%s' is not in the MSME register"), nib);
    return EXIT_STATUS_UNKNOWN_NIB;
}

static int print_status(const struct cli_ctx *ctx, enum out_format f,
                        const struct report_msme *m, const struct timeline *tl,
                        int64_t now)
{
    int rc;

    if (f == OUT_CSV)
        return print_steps_csv(ctx, m, tl);
    rc = f == OUT_JSON ? report_status_json(stdout, m, tl, now)
                       : report_status_text(stdout, m, tl, now, ctx->color);
    if (rc < 0 || fflush(stdout) != 0) {
        cli_error("%s", _("cannot write the output"));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("status", usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct report_msme m;
    struct timeline *tl = NULL;
    struct cal_gaps gaps = {{0}, 0, 0};
    struct store *s = NULL;
    int64_t now;
    int q, rc;

    memset(&m, 0, sizeof(m));
    if ((rc = cli_parse_plain(&p, argc, argv, 1, 1, "NIB")) != CLI_CONTINUE ||
        (rc = cli_nib_arg(&p, argv[optind])) != CLI_CONTINUE)
        return rc;
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    rc = EXIT_FAIL;
    if (!(s = cli_open_store(ctx)))
        goto out;
    q = store_report_msme(s, argv[optind], &m, &err);
    if (q < 0) {
        cli_fail(&err);
        goto out;
    }
    if (q == 1) {
        rc = unknown_nib(s, argv[optind]);
        goto out;
    }
    if (store_report_timelines(s, &m, now, &tl, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < m.napps; i++)
        calendar_gaps_merge(&gaps, &tl[i].gaps);
    /* The text card says it too; CSV and JSON readers get the line on stderr. */
    if (p.format != OUT_TABLE)
        cli_warn_gaps(&gaps);
    if ((rc = print_status(ctx, p.format, &m, tl, now)) != EXIT_OK)
        goto out;
    if (m.napps == 0) {
        cli_error(_("'%s' (NIB %s) has no halal certification application yet"),
                  m.business_name, m.nib);
        rc = EXIT_STATUS_NO_APPLICATION;
    }
out:
    report_timelines_free(tl, m.napps);
    report_msme_release(&m);
    store_free(s);
    return rc;
}

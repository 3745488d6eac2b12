/* halaltrack calendar: the holiday calendar in the database (import a year from the
 * official SKB, list the years covered); and the clock helpers the other commands share
 * (load the settings and the calendar, warn about years without holiday data). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/calendar.h"
#include "halaltrack/i18n.h"
#include "halaltrack/report.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/banned.h"

int cli_load_clock(struct store *s, struct ht_settings *set, struct calendar **cal)
{
    struct ht_err err = HT_ERR_INIT;

    *cal = NULL;
    if (store_settings_load(s, set, &err) < 0 ||
        store_calendar_load(s, set, cal, &err) < 0)
        return cli_fail(&err);
    return EXIT_OK;
}

void cli_warn_gaps(const struct cal_gaps *g)
{
    char line[512];

    if (report_gaps_sentence(g, line, sizeof(line)) == 0)
        cli_error("%s: %s", _("warning"), line);
}

static void usage(void)
{
    printf(_("Manage the holiday calendar the working-day clocks use.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack calendar import [--replace] FILE\n"));
    printf(_("  halaltrack calendar list [--format=FORMAT]\n\n"));
    printf(_("Subcommands:\n"));
    printf(
        _("  import     add the national holidays and cuti bersama of the years in FILE\n"
          "             (CSV \"tanggal,nama,jenis\" copied from the SKB), all rows or "
          "none\n"));
    printf(_("  list       the years the calendar covers, with their holidays\n\n"));
    printf(_("Options:\n"));
    printf(_("      --replace         replace a year the database already has\n"));
    printf(_("  -f, --format=FORMAT   list output: table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(
        _("jenis is libur_nasional or cuti_bersama. A year without holiday rows counts\n"
          "weekends only: every command that counts working days in it says so.\n"));
}

static int do_import(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"replace", no_argument, NULL, 'r'}, CLI_OPT_HELP, CLI_OPT_END};
    struct cli_parse p = CLI_PARSE("calendar", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct calendar *cal = NULL;
    struct store *s = NULL;
    long rows = 0, replaced = 0;
    int replace = 0, c, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c != 'r')
            return cli_usage_hint(p.cmd);
        replace = 1;
    }
    if ((rc = cli_args(&p, argc, argv, 1, 1, "FILE")) != 0)
        return rc;
    /* Every row is checked before anything is written (errors name FILE:LINE). */
    if (!(cal = calendar_load(argv[optind], &err)))
        return cli_fail(&err);
    rc = EXIT_FAIL;
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_calendar_import(s, cal, replace, &rows, &replaced, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    printf(_("%ld holiday rows imported from '%s'"), rows, argv[optind]);
    if (replaced)
        printf(_(" (%ld rows replaced)"), replaced);
    printf("\n");
    rc = EXIT_OK;
out:
    calendar_free(cal);
    store_free(s);
    return rc;
}

static int year_rows(struct store *s, struct out_table *t, void *arg)
{
    struct ht_err err = HT_ERR_INIT;
    struct calendar_year *y = NULL;
    size_t n = 0;
    int rc = 0;

    (void)arg;
    if (store_calendar_years(s, &y, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char a[16], b[24], c[24];
        const char *row[3] = {a, b, c};

        snprintf(a, sizeof(a), "%d", y[i].year);
        snprintf(b, sizeof(b), "%ld", y[i].holidays);
        snprintf(c, sizeof(c), "%ld", y[i].cuti_bersama);
        rc = cli_add_row(t, 0, row);
    }
    free(y);
    return rc;
}

static int do_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"year", N_("year"), OUT_NUM},
        {"libur_nasional", N_("national holidays"), OUT_NUM},
        {"cuti_bersama", N_("cuti bersama"), OUT_NUM},
    };
    struct cli_parse p = CLI_PARSE("calendar", usage, OUT_ROWS, OUT_TABLE);

    return cli_list(ctx, &p, argc, argv, cols, HT_ARRAY_LEN(cols), year_rows, NULL);
}

int cmd_calendar(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"import", do_import}, {"list", do_list}};

    return cli_dispatch(ctx, "calendar", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

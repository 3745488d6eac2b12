/* halaltrack report weekly: the weekly meeting's report in text, CSV, JSON, HTML or PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/report.h"
#include "halaltrack/i18n.h"
#include "halaltrack/safefile.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Generate the weekly report.\n\n"));
    printf(_("Usage:\n"));
    printf(_(
        "  halaltrack report weekly [--week=YYYY-Www] [--format=FORMAT] [-o FILE]\n\n"));
    printf(_("Options:\n"));
    printf(_("  -w, --week=YYYY-Www   ISO week (Asia/Jakarta); default: the last "
             "complete one\n"));
    printf(
        _("  -f, --format=FORMAT   table (text, the default), csv, json, html or pdf\n"));
    printf(
        _("  -o, --output=FILE     write to FILE instead of standard output (the file\n"
          "                        is replaced whole, or left as it was on an error)\n"));
    printf(_("      --no-record       do not record the run in report_run\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(
        _("A past week is rebuilt from the event history as it was known at that week's\n"
          "end. PDF needs headless Chromium (Debian package: chromium; another binary:\n"
          "HALALTRACK_CHROMIUM=/absolute/path).\n"));
}

static int weekly_html(FILE *fp, const void *w)
{
    return report_weekly_html(fp, w);
}

static int render(const struct weekly_report *w, enum out_format f, FILE *fp)
{
    switch (f) {
    case OUT_CSV:
        return report_weekly_csv(fp, w);
    case OUT_JSON:
        return report_weekly_json(fp, w);
    case OUT_HTML:
        return report_weekly_html(fp, w);
    case OUT_PDF:
        return cli_write_pdf(weekly_html, w, fp);
    default:
        return report_weekly_text(fp, w);
    }
}

/* Writes the report to out (whole or not at all: issue 10) or to standard output. */
static int write_report(const struct weekly_report *w, enum out_format f, const char *out)
{
    struct ht_err err = HT_ERR_INIT;
    struct safefile sf;

    if (!out) {
        if (render(w, f, stdout) < 0 || fflush(stdout) != 0) {
            if (f != OUT_PDF)
                cli_error("%s", _("cannot write the report"));
            return -1;
        }
        return 0;
    }
    if (safefile_open(&sf, out, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    if (render(w, f, sf.fp) < 0) {
        safefile_abort(&sf);
        if (f != OUT_PDF)
            cli_error(_("cannot write '%s'"), out);
        return -1;
    }
    if (safefile_commit(&sf, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    return 0;
}

static int weekly(struct cli_ctx *ctx, const char *week, enum out_format format,
                  const char *out, int record)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_report w;
    struct store *s = NULL;
    int64_t now;
    int rc = EXIT_FAIL;

    memset(&w, 0, sizeof(w));
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    if (weekly_period(&w, week, now, &err) < 0) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (store_report_weekly(s, &w, &err) < 0 || weekly_finish(&w, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    if (write_report(&w, format, out) < 0)
        goto out;
    if (record &&
        store_report_record(s, &w, format == OUT_TABLE ? "text" : out_format_name(format),
                            out, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    fprintf(stderr, _("report %s: totals hash %s\n"), w.week, w.hash);
    rc = EXIT_OK;
out:
    weekly_release(&w);
    store_free(s);
    return rc;
}

static int report_weekly(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"week", required_argument, NULL, 'w'},
        {"output", required_argument, NULL, 'o'},
        {"no-record", no_argument, NULL, 'n'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE(
        "report", usage, OUT_ROWS | OUT_F(OUT_HTML) | OUT_F(OUT_PDF), OUT_TABLE);
    const char *week = NULL, *out = NULL;
    int c, rc, record = 1;

    while ((c = cli_getopt(&p, argc, argv, "w:o:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'w')
            week = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'n')
            record = 0;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    return weekly(ctx, week, p.format, out, record);
}

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"weekly", report_weekly}};

    return cli_dispatch(ctx, "report", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

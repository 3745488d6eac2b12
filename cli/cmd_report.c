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
#include "halaltrack/util.h"
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
    printf(_("      --recompute       rebuild a stored week from the history and say\n"
             "                        whether it differs from the stored report\n"));
    printf(_("      --replace         with --recompute: store the rebuilt report\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(
        _("A past week is rebuilt from the event history as it was known at that week's\n"
          "end. Once the week has been over for an hour its report is stored, and later\n"
          "runs return the stored bytes. PDF needs headless Chromium (Debian package:\n"
          "chromium; another binary: HALALTRACK_CHROMIUM=/absolute/path).\n"));
}

/* A report's bytes, rendered once: written out, stored, compared. */
struct bytes {
    char *p;
    size_t len;
};

static int bytes_html(FILE *fp, const void *arg)
{
    const struct bytes *b = arg;

    return fwrite(b->p, 1, b->len, fp) == b->len ? 0 : -1;
}

/* Renders w in f (PDF: the HTML it is printed from) into *b. */
static int render(const struct weekly_report *w, enum out_format f, struct bytes *b)
{
    FILE *fp = open_memstream(&b->p, &b->len);
    int rc;

    if (!fp)
        return -1;
    switch (f) {
    case OUT_CSV:
        rc = report_weekly_csv(fp, w);
        break;
    case OUT_JSON:
        rc = report_weekly_json(fp, w);
        break;
    case OUT_HTML:
    case OUT_PDF:
        rc = report_weekly_html(fp, w);
        break;
    default:
        rc = report_weekly_text(fp, w);
        break;
    }
    if (fclose(fp) != 0)
        rc = -1;
    return rc;
}

static int emit(const struct bytes *b, enum out_format f, FILE *fp)
{
    if (f == OUT_PDF)
        return cli_write_pdf(bytes_html, b, fp);
    return bytes_html(fp, b);
}

/* Writes the report to out (whole or not at all: issue 10) or to standard output. */
static int write_report(const struct bytes *b, enum out_format f, const char *out)
{
    struct ht_err err = HT_ERR_INIT;
    struct safefile sf;

    if (!out) {
        if (emit(b, f, stdout) < 0 || fflush(stdout) != 0) {
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
    if (emit(b, f, sf.fp) < 0) {
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

/* --recompute of a stored week: says whether the history gives the same bytes, and why
 * not (the canonical totals that differ; none: names, labels or list rows), and replaces
 * the stored report when asked. */
static int compare_stored(struct store *s, const struct weekly_report *w,
                          const struct weekly_snapshot *snap, const struct bytes *b,
                          const char *key, int replace)
{
    struct ht_err err = HT_ERR_INIT;
    char keys[256], day[11];
    int rc;

    if (snap->len == b->len && memcmp(snap->body, b->p, b->len) == 0) {
        fprintf(stderr,
                _("report %s: recomputed from the history: identical to the "
                  "stored report\n"),
                w->week);
        return 0;
    }
    date_format(ts_to_wib_date(snap->stored_at), day);
    if (weekly_totals_diff(snap->totals, w->totals_json, keys, sizeof(keys)) == 0)
        snprintf(keys, sizeof(keys), "%s", _("none (names, labels or listed rows)"));
    fprintf(stderr,
            _("report %s: recomputed from the history: differs from the report stored "
              "%s (totals hash %s, now %s; totals that differ: %s)\n"),
            w->week, day, snap->hash, w->hash, keys);
    if (!replace) {
        fprintf(stderr, "%s\n",
                _("the stored report is kept as the record of that week; --replace "
                  "replaces it"));
        return 0;
    }
    rc = store_weekly_snapshot_put(s, w, key, i18n_lang(), b->p, 1, &err);
    if (rc < 0) {
        cli_fail(&err);
        return -1;
    }
    if (rc > 0)
        fprintf(stderr, _("report %s: the stored report was replaced\n"), w->week);
    return 0;
}

static int weekly(struct cli_ctx *ctx, const char *week, enum out_format format,
                  const char *out, int record, int recompute, int replace)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_report w;
    struct weekly_snapshot snap = {0};
    struct bytes b = {NULL, 0};
    struct store *s = NULL;
    const char *fmt = format == OUT_TABLE ? "text" : out_format_name(format);
    /* the stored format: a PDF is printed from the stored HTML */
    const char *key = format == OUT_PDF ? "html" : fmt;
    int64_t now;
    int closed, found = 0, rc = EXIT_FAIL;

    memset(&w, 0, sizeof(w));
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    if (weekly_period(&w, week, now, &err) < 0) {
        cli_fail(&err);
        return EXIT_USAGE;
    }
    if (replace && !recompute) {
        cli_error("%s", _("--replace needs --recompute"));
        return EXIT_USAGE;
    }
    closed = weekly_closed(&w, now);
    if (!(s = cli_open_store(ctx)))
        goto out;
    if (closed && (found = store_weekly_snapshot_get(s, w.week, key, i18n_lang(), &snap,
                                                     &err)) < 0) {
        cli_fail(&err);
        goto out;
    }
    if (found && !recompute) {
        /* The record of a closed week: the bytes first generated, as stored. */
        if (!(w.totals_json = strdup(snap.totals))) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
        snprintf(w.hash, sizeof(w.hash), "%s", snap.hash);
        if (write_report(&(struct bytes){snap.body, snap.len}, format, out) < 0)
            goto out;
    } else {
        if (store_report_weekly(s, &w, &err) < 0 || weekly_finish(&w, &err) < 0) {
            cli_fail(&err);
            goto out;
        }
        if (render(&w, format, &b) < 0) {
            cli_error("%s", _("cannot write the report"));
            goto out;
        }
        if (write_report(&b, format, out) < 0)
            goto out;
        if (found) {
            if (compare_stored(s, &w, &snap, &b, key, replace) < 0)
                goto out;
        } else if (closed &&
                   store_weekly_snapshot_put(s, &w, key, i18n_lang(), b.p, 0, &err) < 0) {
            /* The report is out; the next run builds it again. */
            fprintf(stderr, _("report %s: not stored: %s\n"), w.week, err.msg);
            ht_err_clear(&err);
        }
    }
    if (record && store_report_record(s, &w, fmt, out, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    fprintf(stderr, _("report %s: totals hash %s\n"), w.week, w.hash);
    rc = EXIT_OK;
out:
    free(b.p);
    weekly_snapshot_release(&snap);
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
        {"recompute", no_argument, NULL, 'r'},
        {"replace", no_argument, NULL, 'R'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE(
        "report", usage, OUT_ROWS | OUT_F(OUT_HTML) | OUT_F(OUT_PDF), OUT_TABLE);
    const char *week = NULL, *out = NULL;
    int c, rc, record = 1, recompute = 0, replace = 0;

    while ((c = cli_getopt(&p, argc, argv, "w:o:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'w')
            week = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'n')
            record = 0;
        else if (c == 'r')
            recompute = 1;
        else if (c == 'R')
            replace = 1;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    return weekly(ctx, week, p.format, out, record, recompute, replace);
}

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {{"weekly", report_weekly}};

    return cli_dispatch(ctx, "report", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

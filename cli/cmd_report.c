/* halaltrack report weekly: the weekly meeting's report in text, CSV, JSON, HTML or PDF.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "halaltrack/report.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

extern char **environ;

static void usage(void)
{
    printf(_("Generate the weekly report.\n\n"));
    printf(_("Usage:\n"));
    printf(_(
        "  halaltrack report weekly [--week=YYYY-Www] [--format=FORMAT] [-o FILE]\n\n"));
    printf(_("Options:\n"));
    printf(_("  -w, --week=YYYY-Www   ISO week (Asia/Jakarta); default: the last "
             "complete one\n"));
    printf(_("  -f, --format=FORMAT   text, csv, json, html or pdf (default: text)\n"));
    printf(_("  -o, --output=FILE     write to FILE instead of standard output\n"));
    printf(_("      --no-record       do not record the run in report_run\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(
        _("A past week is rebuilt from the event history as it was known at that week's\n"
          "end. PDF needs headless Chromium (Debian package: chromium).\n"));
}

/* Finds an executable in PATH; returns 0 and fills out. */
static int find_in_path(const char *name, char *out, size_t outsz)
{
    const char *path = getenv("PATH");
    const char *p = path ? path : "/usr/bin:/bin";

    while (*p) {
        size_t n = strcspn(p, ":");

        if (n > 0 && (size_t)snprintf(out, outsz, "%.*s/%s", (int)n, p, name) < outsz &&
            access(out, X_OK) == 0)
            return 0;
        p += n;
        if (*p == ':')
            p++;
    }
    return -1;
}

/* Prints html to pdf_path through headless Chromium. */
static int html_to_pdf(const char *html_path, const char *pdf_path, const char *tmpdir)
{
    char chromium[4096], url[4200], print[4200], profile[4200];
    const char *names[] = {"chromium", "chromium-browser"};
    int found = -1, status = 0;
    pid_t pid;
    posix_spawn_file_actions_t fa;

    for (size_t i = 0; i < HT_ARRAY_LEN(names) && found < 0; i++)
        found = find_in_path(names[i], chromium, sizeof(chromium));
    if (found < 0) {
        cli_error("%s",
                  _("PDF output needs headless Chromium, which is not installed: "
                    "install the Debian package 'chromium' (or use --format=html)"));
        return -1;
    }
    snprintf(url, sizeof(url), "file://%s", html_path);
    snprintf(print, sizeof(print), "--print-to-pdf=%s", pdf_path);
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", tmpdir);
    {
        char *argv[] = {chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-pdf-header-footer",
                        profile,
                        print,
                        url,
                        NULL};

        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        if (posix_spawn(&pid, chromium, &fa, NULL, argv, environ) != 0) {
            posix_spawn_file_actions_destroy(&fa);
            cli_error(_("cannot run '%s': %s"), chromium, strerror(errno));
            return -1;
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error(_("chromium failed to print '%s' to PDF"), html_path);
        return -1;
    }
    {
        struct stat st;
        if (stat(pdf_path, &st) < 0 || st.st_size == 0) {
            cli_error(_("chromium wrote no PDF to '%s'"), pdf_path);
            return -1;
        }
    }
    return 0;
}

static int copy_file(const char *from, FILE *to)
{
    FILE *in = fopen(from, "rb");
    char buf[65536];
    size_t n;

    if (!in)
        return -1;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            break;
    fclose(in);
    return ferror(to) ? -1 : 0;
}

static int remove_tree(const char *dir)
{
    pid_t pid;
    int status;
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};

    /* Chromium leaves a whole profile behind: remove the directory tree. */
    if (posix_spawn(&pid, "/bin/rm", NULL, NULL, argv, environ) != 0)
        return -1;
    return waitpid(pid, &status, 0) < 0 ? -1 : 0;
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
    default:
        return report_weekly_text(fp, w);
    }
}

static int weekly(struct cli_ctx *ctx, const char *week, enum out_format format,
                  const char *out, int record)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_report w;
    struct store *s = NULL;
    int64_t now;
    int rc = EXIT_FAIL;
    FILE *fp = NULL;
    char tmpdir[] = "/tmp/halaltrack-report.XXXXXX";
    int have_tmp = 0;

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
    if (format == OUT_PDF) {
        char html[sizeof(tmpdir) + 16], pdf[sizeof(tmpdir) + 16];

        if (!mkdtemp(tmpdir)) {
            cli_error(_("cannot create a temporary directory: %s"), strerror(errno));
            goto out;
        }
        have_tmp = 1;
        snprintf(html, sizeof(html), "%s/report.html", tmpdir);
        snprintf(pdf, sizeof(pdf), "%s/report.pdf", tmpdir);
        if (!(fp = fopen(html, "w")) || report_weekly_html(fp, &w) < 0 ||
            fclose(fp) != 0) {
            fp = NULL;
            cli_error(_("cannot write '%s'"), html);
            goto out;
        }
        fp = NULL;
        if (html_to_pdf(html, pdf, tmpdir) < 0)
            goto out;
        if (out) {
            if (!(fp = fopen(out, "wb"))) {
                cli_error(_("cannot open '%s' for writing: %s"), out, strerror(errno));
                goto out;
            }
        }
        if (copy_file(pdf, fp ? fp : stdout) < 0) {
            cli_error("%s", _("cannot write the PDF"));
            goto out;
        }
    } else {
        if (out && !(fp = fopen(out, "w"))) {
            cli_error(_("cannot open '%s' for writing: %s"), out, strerror(errno));
            goto out;
        }
        if (render(&w, format, fp ? fp : stdout) < 0) {
            cli_error("%s", _("cannot write the report"));
            goto out;
        }
    }
    if (fp) {
        int bad = fclose(fp) != 0;
        fp = NULL;
        if (bad) {
            cli_error(_("cannot write '%s'"), out);
            goto out;
        }
    } else if (fflush(stdout) != 0) {
        cli_error("%s", _("cannot write the report"));
        goto out;
    }
    if (record &&
        store_report_record(s, &w, format == OUT_TABLE ? "text" : out_format_name(format),
                            out, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    fprintf(stderr, _("report %s: totals hash %s\n"), w.week, w.hash);
    rc = EXIT_OK;
out:
    if (fp)
        fclose(fp);
    if (have_tmp)
        remove_tree(tmpdir);
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

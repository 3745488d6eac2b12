/* halaltrack report weekly: the weekly meeting's report in text, CSV, JSON, HTML or PDF.
 */
#include <dirent.h>
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

/* Where headless Chromium is looked for: HALALTRACK_CHROMIUM (an absolute path), else
 * Debian's and the usual places. Never $PATH: the report runs with the database
 * credentials in its environment, and the program it starts is fixed. */
static const char *const chromium_paths[] = {
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
};

static const char *find_chromium(void)
{
    const char *env = getenv("HALALTRACK_CHROMIUM");

    if (env && *env)
        return env[0] == '/' && access(env, X_OK) == 0 ? env : NULL;
    for (size_t i = 0; i < HT_ARRAY_LEN(chromium_paths); i++)
        if (access(chromium_paths[i], X_OK) == 0)
            return chromium_paths[i];
    return NULL;
}

/* Runs Chromium to print html_path to pdf_path, with stdout and stderr to /dev/null and
 * a minimal environment: no PGPASSWORD, PGSERVICE or other secret of ours reaches it. */
static int run_chromium(const char *chromium, const char *html_path, const char *pdf_path,
                        const char *tmpdir)
{
    char url[4200], print[4200], profile[4200], home[4200];
    char *argv[] = {(char *)chromium,
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
    char *envp[] = {"PATH=/usr/bin:/bin", home, "LANG=C.UTF-8", NULL};
    posix_spawn_file_actions_t fa;
    int status = 0, rc;
    pid_t pid;

    snprintf(url, sizeof(url), "file://%s", html_path);
    snprintf(print, sizeof(print), "--print-to-pdf=%s", pdf_path);
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", tmpdir);
    snprintf(home, sizeof(home), "HOME=%s", tmpdir);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawn(&pid, chromium, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        cli_error(_("cannot run '%s': %s"), chromium, strerror(rc));
        return -1;
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error(_("chromium failed to print '%s' to PDF"), html_path);
        return -1;
    }
    return 0;
}

static int copy_file(const char *from, FILE *to)
{
    FILE *in = fopen(from, "rb");
    char buf[65536];
    size_t n, total = 0;

    if (!in)
        return -1;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, to) != n)
            break;
        total += n;
    }
    fclose(in);
    return ferror(to) || total == 0 ? -1 : 0;
}

/* Removes dir and everything under it (Chromium leaves a whole profile behind), without
 * following symbolic links. depth bounds the recursion. */
static void remove_tree_at(int parent, const char *name, int depth)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        unlinkat(parent, name, 0);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(fd, e->d_name, 0) < 0 && depth < 64)
            remove_tree_at(fd, e->d_name, depth + 1);
    }
    closedir(d);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* The report as PDF into fp: HTML in a private temporary directory, printed by
 * Chromium, copied out; the directory is removed whatever happens. */
static int write_pdf(const struct weekly_report *w, FILE *fp)
{
    char tmpdir[] = "/tmp/halaltrack-report.XXXXXX";
    char html[sizeof(tmpdir) + 16], pdf[sizeof(tmpdir) + 16];
    const char *chromium = find_chromium();
    FILE *hf = NULL;
    int rc = -1;

    if (!chromium) {
        cli_error("%s",
                  _("PDF output needs headless Chromium, which is not installed: "
                    "install the Debian package 'chromium' (or use --format=html)"));
        return -1;
    }
    if (!mkdtemp(tmpdir)) {
        cli_error(_("cannot create a temporary directory: %s"), strerror(errno));
        return -1;
    }
    snprintf(html, sizeof(html), "%s/report.html", tmpdir);
    snprintf(pdf, sizeof(pdf), "%s/report.pdf", tmpdir);
    if (!(hf = fopen(html, "w")) || report_weekly_html(hf, w) < 0 || fclose(hf) != 0) {
        hf = NULL;
        cli_error(_("cannot write '%s'"), html);
        goto out;
    }
    hf = NULL;
    if (run_chromium(chromium, html, pdf, tmpdir) < 0)
        goto out;
    if (copy_file(pdf, fp) < 0) {
        cli_error(_("chromium wrote no PDF to '%s'"), pdf);
        goto out;
    }
    rc = 0;
out:
    if (hf)
        fclose(hf);
    remove_tree_at(AT_FDCWD, tmpdir, 0);
    return rc;
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
        return write_pdf(w, fp);
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

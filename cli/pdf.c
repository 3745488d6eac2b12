/* HTML to PDF through headless Chromium, for every command that prints PDF (the weekly
 * report, the self-service slip). */
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
#include "halaltrack/i18n.h"
#include "halaltrack/banned.h"

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

int cli_write_pdf(int (*render_html)(FILE *fp, const void *arg), const void *arg,
                  FILE *fp)
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
    if (!(hf = fopen(html, "w")) || render_html(hf, arg) < 0 || fclose(hf) != 0) {
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

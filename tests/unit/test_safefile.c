/* Writing a file whole or not at all: the old file survives a failed write. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/safefile.h"

TestSuite(safefile);

static char dir[] = "/tmp/ht_safefile_XXXXXX";
static char path[256];

static void fresh(void)
{
    FILE *fp;

    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/weekly.txt", dir);
    fp = fopen(path, "w");
    cr_assert(fp);
    fputs("the old report\n", fp);
    fclose(fp);
    chmod(path, 0640);
}

static char *slurp(const char *p)
{
    static char buf[4096];
    FILE *fp = fopen(p, "r");
    size_t n;

    cr_assert(fp, "cannot read %s", p);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* Files in the directory: the target alone, no temporary left behind. */
static int entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    cr_assert(d);
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

Test(safefile, commit_replaces_and_keeps_the_mode)
{
    struct safefile f;
    struct ht_err err = HT_ERR_INIT;
    struct stat st;

    fresh();
    cr_assert_eq(safefile_open(&f, path, &err), 0, "%s", err.msg);
    fputs("the new report\n", f.fp);
    cr_assert_str_eq(slurp(path), "the old report\n",
                     "readers see the old file meanwhile");
    cr_assert_eq(safefile_commit(&f, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(path), "the new report\n");
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    cr_assert_eq(entries(), 1);
}

Test(safefile, abort_leaves_the_old_file)
{
    struct safefile f;
    struct ht_err err = HT_ERR_INIT;

    fresh();
    cr_assert_eq(safefile_open(&f, path, &err), 0, "%s", err.msg);
    fputs("half a re", f.fp);
    safefile_abort(&f);
    safefile_abort(&f);
    cr_assert_str_eq(slurp(path), "the old report\n");
    cr_assert_eq(entries(), 1);
}

/* A disk that fills up: writes past the file size limit fail with EFBIG. */
Test(safefile, failed_write_leaves_the_old_file)
{
    struct rlimit lim = {100, RLIM_INFINITY};
    struct safefile f;
    struct ht_err err = HT_ERR_INIT;
    char line[200];

    fresh();
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    cr_assert_eq(safefile_open(&f, path, &err), 0, "%s", err.msg);
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    for (int i = 0; i < 100; i++)
        fputs(line, f.fp);
    cr_assert_eq(safefile_commit(&f, &err), -1);
    cr_assert(strstr(err.msg, "weekly.txt"), "%s", err.msg);
    cr_assert_str_eq(slurp(path), "the old report\n");
    cr_assert_eq(entries(), 1, "the temporary file is removed");
}

Test(safefile, missing_directory_is_an_error_naming_it)
{
    struct safefile f;
    struct ht_err err = HT_ERR_INIT;

    cr_assert_eq(safefile_open(&f, "/nonexistent/dir/weekly.txt", &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent/dir"), "%s", err.msg);
}

Test(safefile, a_link_is_followed_and_a_device_written_directly)
{
    struct safefile f;
    struct ht_err err = HT_ERR_INIT;
    char link[300];
    struct stat st;

    fresh();
    snprintf(link, sizeof(link), "%s/latest.txt", dir);
    cr_assert_eq(symlink(path, link), 0);
    cr_assert_eq(safefile_open(&f, link, &err), 0, "%s", err.msg);
    fputs("through the link\n", f.fp);
    cr_assert_eq(safefile_commit(&f, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(path), "through the link\n");
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link itself stays a link");
    unlink(link);

    cr_assert_eq(safefile_open(&f, "/dev/null", &err), 0, "%s", err.msg);
    fputs("nothing\n", f.fp);
    cr_assert_eq(safefile_commit(&f, &err), 0, "%s", err.msg);
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_assert(S_ISCHR(st.st_mode), "/dev/null is still a device");
}

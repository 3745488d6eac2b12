/* Where the programs find their SQL, reference data and message catalogues (see paths.h
 * for the order). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/paths.h"
#include "halaltrack/banned.h"

#define PATHS_MAX 4096

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int paths_in_build_tree(void)
{
    static int known = -1;
    char exe[PATHS_MAX], build[PATHS_MAX];
    ssize_t n;
    size_t len;

    if (known >= 0)
        return known;
    known = 0;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0 || !realpath(HT_BINARY_DIR, build))
        return known;
    exe[n] = '\0';
    len = strlen(build);
    known = strncmp(exe, build, len) == 0 && exe[len] == '/';
    return known;
}

static const char *env_dir(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

/* The candidate directories for data, in order; returns how many. */
static int data_candidates(const char *out[3])
{
    static char src[PATHS_MAX];
    int n = 0;

    snprintf(src, sizeof(src), "%s/etc/reference", HT_SOURCE_DIR);
    if (env_dir("HT_DATADIR"))
        out[n++] = env_dir("HT_DATADIR");
    if (paths_in_build_tree())
        out[n++] = src;
    out[n++] = HT_PKGDATADIR;
    if (!paths_in_build_tree())
        out[n++] = src;
    return n;
}

const char *paths_sqldir(void)
{
    static char path[PATHS_MAX];

    if (env_dir("HT_SQLDIR"))
        return env_dir("HT_SQLDIR");
    if (!path[0]) {
        snprintf(path, sizeof(path), "%s/sql", HT_PKGDATADIR);
        if (paths_in_build_tree() || !is_dir(path))
            snprintf(path, sizeof(path), "%s/sql", HT_SOURCE_DIR);
    }
    return path;
}

const char *paths_datadir(void)
{
    const char *c[3];
    int n = data_candidates(c);

    for (int i = 0; i < n; i++)
        if (is_dir(c[i]))
            return c[i];
    return c[0];
}

const char *paths_localedir(void)
{
    static char path[PATHS_MAX];

    if (env_dir("HT_LOCALEDIR"))
        return env_dir("HT_LOCALEDIR");
    if (!path[0]) {
        if (paths_in_build_tree())
            snprintf(path, sizeof(path), "%s/locale", HT_BINARY_DIR);
        else
            snprintf(path, sizeof(path), "%s", HT_LOCALEDIR);
    }
    return path;
}

int paths_data_file(const char *name, char *out, size_t outsz, struct ht_err *err)
{
    const char *c[3];
    char tried[3 * PATHS_MAX];
    size_t len = 0;
    int n = data_candidates(c);

    tried[0] = '\0';
    for (int i = 0; i < n; i++) {
        if ((size_t)snprintf(out, outsz, "%s/%s", c[i], name) < outsz &&
            access(out, R_OK) == 0)
            return 0;
        len += (size_t)snprintf(tried + len, sizeof(tried) - len, "%s'%s/%s'",
                                i ? ", " : "", c[i], name);
        if (len >= sizeof(tried))
            len = sizeof(tried) - 1;
    }
    ht_err_set(err, HT_ENOTFOUND, _("'%s' not found: tried %s (set HT_DATADIR)"), name,
               tried);
    return -1;
}

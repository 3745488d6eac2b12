/* Write-to-temporary, fsync, rename (see safefile.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/i18n.h"
#include "halaltrack/safefile.h"
#include "halaltrack/banned.h"

/* The directory of path ("." for a bare name), malloc'd. */
static char *dir_of(const char *path)
{
    char *copy = strdup(path), *dir;

    if (!copy)
        return NULL;
    dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

static void release(struct safefile *f)
{
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof(*f));
}

/* A target that is not a regular file (a terminal, a pipe, /dev/null) cannot be replaced:
 * it is written directly. f->tmp stays NULL. */
static int open_direct(struct safefile *f, const char *path, struct ht_err *err)
{
    if (!(f->path = strdup(path))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    if (!(f->fp = fopen(path, "w"))) {
        ht_err_set(err, HT_EIO, _("cannot open '%s' for writing: %s"), path,
                   strerror(errno));
        release(f);
        return -1;
    }
    return 0;
}

int safefile_open(struct safefile *f, const char *path, struct ht_err *err)
{
    char *real = realpath(path, NULL); /* through symbolic links, to the file itself */
    const char *target = real ? real : path;
    char *dir = dir_of(target), *copy = strdup(target);
    const char *base = copy ? basename(copy) : NULL;
    size_t tmplen = dir && base ? strlen(dir) + strlen(base) + 16 : 0;
    struct stat st;
    mode_t mode;
    int fd = -1, exists = stat(target, &st) == 0;

    memset(f, 0, sizeof(*f));
    if (exists && !S_ISREG(st.st_mode)) {
        int rc = open_direct(f, target, err);

        free(real);
        free(dir);
        free(copy);
        return rc;
    }
    if (!tmplen || !(f->path = strdup(target)) || !(f->tmp = malloc(tmplen))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto fail;
    }
    snprintf(f->tmp, tmplen, "%s/.%s.XXXXXX", dir, base);
    if ((fd = mkstemp(f->tmp)) < 0) {
        ht_err_set(err, HT_EIO, _("cannot create a temporary file in '%s': %s"), dir,
                   strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        goto fail;
    }
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode = umask(0);
        umask(mode);
        mode = 0666 & ~mode;
    }
    if (fchmod(fd, mode) < 0 || !(f->fp = fdopen(fd, "w"))) {
        ht_err_set(err, HT_EIO, _("cannot write '%s': %s"), f->tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    free(real);
    free(dir);
    free(copy);
    return 0;
fail:
    if (f->tmp)
        unlink(f->tmp);
    release(f);
    free(real);
    free(dir);
    free(copy);
    return -1;
}

int safefile_commit(struct safefile *f, struct ht_err *err)
{
    char *dir = dir_of(f->path);
    /* A device or a pipe (written directly) has nothing to fsync. */
    int bad = fflush(f->fp) != 0 || ferror(f->fp) || (f->tmp && fsync(fileno(f->fp)) < 0);
    int saved = errno;

    bad |= fclose(f->fp) != 0;
    f->fp = NULL;
    if (bad) {
        ht_err_set(err, HT_EIO, _("cannot write '%s': %s"), f->path,
                   strerror(saved ? saved : EIO));
        goto fail;
    }
    if (!f->tmp) { /* written directly: nothing to rename */
        free(dir);
        release(f);
        return 0;
    }
    if (rename(f->tmp, f->path) < 0) {
        ht_err_set(err, HT_EIO, _("cannot replace '%s': %s"), f->path, strerror(errno));
        goto fail;
    }
    /* The rename itself reaches the disk with the directory. */
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);

        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(dir);
    release(f);
    return 0;
fail:
    if (f->tmp)
        unlink(f->tmp);
    free(dir);
    release(f);
    return -1;
}

void safefile_abort(struct safefile *f)
{
    if (!f || !f->path)
        return;
    if (f->fp)
        fclose(f->fp);
    if (f->tmp)
        unlink(f->tmp);
    release(f);
}

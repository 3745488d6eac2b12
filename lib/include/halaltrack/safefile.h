/* Writing a file so that readers only ever see the old or the new whole: the text goes
 * to a temporary file in the same directory, which is flushed to disk (fsync) and then
 * renamed over the target. A failure at any point (a full disk, a killed process) leaves
 * the old file as it was. A symbolic link is followed (the file it names is replaced,
 * the link stays); a target that is not a regular file (a terminal, a pipe, /dev/null)
 * is written directly, as there is nothing to replace. */
#ifndef HALALTRACK_SAFEFILE_H
#define HALALTRACK_SAFEFILE_H

#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

struct safefile {
    FILE *fp;   /* write here between open and commit */
    char *path; /* the target */
    char *tmp;  /* the temporary file, "<dir>/.<name>.XXXXXX"; NULL when direct */
};

/* Creates the temporary file beside path. The new file gets the target's permissions
 * when it exists, else 0666 less the umask. Returns 0, or -1 with err naming the
 * directory. */
int safefile_open(struct safefile *f, const char *path, struct ht_err *err) HT_MUSTCHECK;
/* Flushes, fsyncs, closes and renames the temporary file over the target (and fsyncs the
 * directory). On failure the temporary file is removed, the target is untouched and err
 * says why. Releases f either way. Returns 0 or -1. */
int safefile_commit(struct safefile *f, struct ht_err *err) HT_MUSTCHECK;
/* Drops the temporary file; the target is untouched. NULL-safe, idempotent. */
void safefile_abort(struct safefile *f);

#endif

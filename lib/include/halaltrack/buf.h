/* Growable byte buffer with a hard size cap (git strbuf API shape, curl dynbuf cap). */
#ifndef HALALTRACK_BUF_H
#define HALALTRACK_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include "halaltrack/compat.h"

/* Named caps: every buffer is created with one of these or an explicit figure. */
#define BUF_CAP_LINE (64u * 1024)
#define BUF_CAP_SMALL (1024u * 1024)
#define BUF_CAP_LARGE (64u * 1024 * 1024)

struct buf {
    char *ptr;  /* always NUL-terminated when len > 0 or after any add; may be NULL when
                   empty */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
};

#define BUF_INIT(maxlen)                                                                 \
    {                                                                                    \
        NULL, 0, 0, (maxlen)                                                             \
    }

/* Initialises an empty buffer that may hold at most max bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* Frees the contents and re-initialises with the same max. */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its allocation. */
void buf_reset(struct buf *b);
/* Appends n bytes. On overflow of max or on allocation failure the buffer is
 * released and -1 is returned (curl dyn_nappend). */
int buf_add(struct buf *b, const void *data, size_t n) HT_MUSTCHECK;
int buf_adds(struct buf *b, const char *s) HT_MUSTCHECK;
int buf_addch(struct buf *b, char c) HT_MUSTCHECK;
int buf_addf(struct buf *b, const char *fmt, ...) HT_PRINTF(2, 3) HT_MUSTCHECK;
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) HT_PRINTF(2, 0) HT_MUSTCHECK;
/* Returns the contents as a NUL-terminated string; never NULL ("" when empty). Borrowed.
 */
const char *buf_str(const struct buf *b);
/* Moves ownership of the contents to the caller (never NULL; malloc'd "" when empty)
 * and re-initialises b. Returns NULL only on allocation failure. */
char *buf_detach(struct buf *b) HT_MUSTCHECK;

#endif

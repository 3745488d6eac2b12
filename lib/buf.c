/* Growable byte buffer with a hard cap: appends past the cap release it and fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/buf.h"
#include "halaltrack/banned.h"

void buf_init(struct buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->ptr);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

static int grow(struct buf *b, size_t extra)
{
    size_t need, ncap;
    char *p;

    if (extra > b->max || b->len > b->max - extra) {
        buf_release(b);
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > (SIZE_MAX / 2) ? need : ncap * 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1 > need ? b->max + 1 : need;
    p = realloc(b->ptr, ncap);
    if (!p) {
        buf_release(b);
        return -1;
    }
    b->ptr = p;
    b->cap = ncap;
    return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
    if (grow(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
}

int buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        buf_release(b);
        return -1;
    }
    if (grow(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const struct buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *buf_detach(struct buf *b)
{
    char *p = b->ptr;

    if (!p)
        p = calloc(1, 1);
    buf_init(b, b->max);
    return p;
}

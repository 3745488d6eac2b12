/* A CSV reader over bytes in memory (see csv_mem.h). */
#include <string.h>
#include "csv_mem.h"

static long mem_read(void *arg, char *dst, size_t n)
{
    struct csv_mem *m = arg;
    size_t left = m->len - m->pos;

    if (n > left)
        n = left;
    memcpy(dst, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

int csv_mem_open(struct csv_mem *m, const char *data, size_t len,
                 const struct csv_limits *lim)
{
    m->data = data;
    m->len = len;
    m->pos = 0;
    m->r = csv_reader_new(mem_read, m, lim);
    return m->r ? 0 : -1;
}

void csv_mem_close(struct csv_mem *m)
{
    csv_reader_free(m->r);
    m->r = NULL;
}

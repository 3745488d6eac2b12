/* PostgreSQL array literals built in capped buffers: how the store passes a batch of
 * values to one set-based statement (unnest($1::text[], ...)). */
#include <inttypes.h>
#include <stdio.h>
#include "store_int.h"
#include "halaltrack/banned.h"

#define ARR_CAP BUF_CAP_LARGE

void arr_init(struct pgarr *a)
{
    buf_init(&a->b, ARR_CAP);
    a->n = 0;
}

void arr_release(struct pgarr *a)
{
    buf_release(&a->b);
    a->n = 0;
}

int arr_add(struct pgarr *a, const char *s)
{
    if (buf_adds(&a->b, a->n ? "," : "{") < 0)
        return -1;
    a->n++;
    if (!s)
        return buf_adds(&a->b, "NULL");
    if (buf_addch(&a->b, '"') < 0)
        return -1;
    for (const char *p = s; *p; p++) {
        if ((*p == '"' || *p == '\\') && buf_addch(&a->b, '\\') < 0)
            return -1;
        if (buf_addch(&a->b, *p) < 0)
            return -1;
    }
    return buf_addch(&a->b, '"');
}

int arr_addi(struct pgarr *a, int64_t v)
{
    char tmp[32];

    snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    return arr_add(a, tmp);
}

/* The literal ("{}" when empty). Borrowed. */
const char *arr_str(struct pgarr *a)
{
    if (a->n == 0)
        return "{}";
    if (a->b.len == 0 || a->b.ptr[a->b.len - 1] != '}') {
        if (buf_addch(&a->b, '}') < 0)
            return NULL;
    }
    return buf_str(&a->b);
}

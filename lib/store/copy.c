/* The one escaper of PostgreSQL COPY text format used by every COPY the store sends. */
#include "store_int.h"
#include "halaltrack/banned.h"

int store_copy_field(struct buf *b, const char *v, int empty_is_null)
{
    if (!v || (empty_is_null && !*v))
        return buf_adds(b, "\\N");
    for (const char *p = v; *p; p++) {
        const char *esc = NULL;

        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc ? buf_adds(b, esc) < 0 : buf_addch(b, *p) < 0)
            return -1;
    }
    return 0;
}

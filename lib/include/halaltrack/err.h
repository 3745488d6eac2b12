/* Caller-supplied error reports where the first (root-cause) error wins (jansson style).
 */
#ifndef HALALTRACK_ERR_H
#define HALALTRACK_ERR_H

#include <stdarg.h>
#include "halaltrack/compat.h"

enum ht_errc {
    HT_EOK = 0,
    HT_EINVAL,    /* bad argument or bad input data */
    HT_ENOMEM,    /* allocation failed */
    HT_ELIMIT,    /* a size cap was reached */
    HT_EIO,       /* file or socket I/O */
    HT_EPARSE,    /* undecodable bytes: JSON, CSV, INI, dates */
    HT_ECONFIG,   /* configuration is invalid */
    HT_EDB,       /* PostgreSQL reported an error */
    HT_EDBCONN,   /* the database connection is lost or cannot be made */
    HT_EHTTP,     /* transport failure talking HTTP */
    HT_ETIMEOUT,  /* a transfer or statement timed out */
    HT_EAUTH,     /* authentication refused */
    HT_ENOTFOUND, /* the thing asked for does not exist */
    HT_ECONFLICT, /* a constraint or lock prevents the operation */
    HT_ESTATE,    /* the operation is not valid in the current state */
};

#define HT_ERR_MSG_MAX 256

struct ht_err {
    enum ht_errc code;
    char msg[HT_ERR_MSG_MAX];
};

#define HT_ERR_INIT                                                                      \
    {                                                                                    \
        HT_EOK,                                                                          \
        {                                                                                \
            0                                                                            \
        }                                                                                \
    }

/* Records an error unless err is NULL or already holds one (first error wins). */
void ht_err_set(struct ht_err *err, enum ht_errc code, const char *fmt, ...)
    HT_PRINTF(3, 4);
void ht_err_vset(struct ht_err *err, enum ht_errc code, const char *fmt, va_list ap)
    HT_PRINTF(3, 0);
/* Forgets any recorded error. NULL-safe. */
void ht_err_clear(struct ht_err *err);
/* True when err holds an error. NULL-safe (false). */
int ht_err_isset(const struct ht_err *err);
/* Short stable name of a code, e.g. "parse". Never NULL. */
const char *ht_errc_name(enum ht_errc code);

#endif

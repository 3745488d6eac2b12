/* Error reports where the first error set wins. */
#include <stdio.h>
#include <string.h>
#include "halaltrack/err.h"
#include "halaltrack/banned.h"

void ht_err_vset(struct ht_err *err, enum ht_errc code, const char *fmt, va_list ap)
{
    if (!err || err->code != HT_EOK)
        return;
    err->code = code == HT_EOK ? HT_EINVAL : code;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

void ht_err_set(struct ht_err *err, enum ht_errc code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ht_err_vset(err, code, fmt, ap);
    va_end(ap);
}

void ht_err_clear(struct ht_err *err)
{
    if (!err)
        return;
    err->code = HT_EOK;
    err->msg[0] = '\0';
}

int ht_err_isset(const struct ht_err *err)
{
    return err && err->code != HT_EOK;
}

const char *ht_errc_name(enum ht_errc code)
{
    static const char *const names[] = {
        [HT_EOK] = "ok",
        [HT_EINVAL] = "invalid",
        [HT_ENOMEM] = "nomem",
        [HT_ELIMIT] = "limit",
        [HT_EIO] = "io",
        [HT_EPARSE] = "parse",
        [HT_ECONFIG] = "config",
        [HT_EDB] = "db",
        [HT_EDBCONN] = "dbconn",
        [HT_EHTTP] = "http",
        [HT_ETIMEOUT] = "timeout",
        [HT_EAUTH] = "auth",
        [HT_ENOTFOUND] = "notfound",
        [HT_ECONFLICT] = "conflict",
        [HT_ESTATE] = "state",
    };
    if ((unsigned)code >= sizeof(names) / sizeof(names[0]) || !names[code])
        return "unknown";
    return names[code];
}

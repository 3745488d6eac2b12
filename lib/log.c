/* Leveled logging: one line per event to stderr or a reopenable log file. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

enum log_level log_current_level = LOG_LVL_INFO;
static FILE *log_fp;
static int log_ts;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int log_level_parse(const char *s, enum log_level *out)
{
    if (!s)
        return -1;
    if (str_ieq(s, "error"))
        *out = LOG_LVL_ERROR;
    else if (str_ieq(s, "warn") || str_ieq(s, "warning"))
        *out = LOG_LVL_WARN;
    else if (str_ieq(s, "info"))
        *out = LOG_LVL_INFO;
    else if (str_ieq(s, "debug"))
        *out = LOG_LVL_DEBUG;
    else
        return -1;
    return 0;
}

const char *log_level_name(enum log_level lvl)
{
    return (unsigned)lvl <= LOG_LVL_DEBUG ? level_names[lvl] : "?";
}

void log_set_level(enum log_level lvl)
{
    log_current_level = lvl;
}

void log_set_timestamps(int on)
{
    log_ts = on;
}

int log_set_file(const char *path)
{
    FILE *fp;

    if (!path || !*path) {
        log_close();
        return 0;
    }
    fp = fopen(path, "a");
    if (!fp)
        return -1;
    setvbuf(fp, NULL, _IOLBF, 0);
    log_close();
    log_fp = fp;
    return 0;
}

void log_close(void)
{
    if (log_fp)
        fclose(log_fp);
    log_fp = NULL;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    FILE *out = log_fp ? log_fp : stderr;
    char line[4096];
    char ts[21];
    int off = 0;
    va_list ap;
    int saved = errno;

    if (lvl > log_current_level)
        return;
    if (log_ts || log_fp) {
        ts_format_utc(ht_now(), ts);
        off = snprintf(line, sizeof(line), "%s ", ts);
    }
    off += snprintf(line + off, sizeof(line) - (size_t)off, "%s: ", level_names[lvl]);
    va_start(ap, fmt);
    vsnprintf(line + off, sizeof(line) - (size_t)off, fmt, ap);
    va_end(ap);
    /* One write per line so concurrent writers do not interleave within a line. */
    fprintf(out, "%s\n", line);
    fflush(out);
    errno = saved;
}

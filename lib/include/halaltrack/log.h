/* Leveled logging to stderr or a log file, one line per event with key=value context. */
#ifndef HALALTRACK_LOG_H
#define HALALTRACK_LOG_H

#include <stdio.h>
#include "halaltrack/compat.h"

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern enum log_level log_current_level;

/* Parses "error", "warn"/"warning", "info", "debug". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level lvl);
void log_set_level(enum log_level lvl);
/* Logs to path (appending) instead of stderr; NULL or "" returns to stderr.
 * Reopens the file when called again (reload). Returns 0 or -1 (keeps the old target). */
int log_set_file(const char *path);
/* Prefix every line with an ISO 8601 UTC timestamp (useful when not under journald). */
void log_set_timestamps(int on);
void log_close(void);

void log_msg(enum log_level lvl, const char *fmt, ...) HT_PRINTF(2, 3);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)                                                                    \
    do {                                                                                 \
        if (log_current_level >= LOG_LVL_INFO)                                           \
            log_msg(LOG_LVL_INFO, __VA_ARGS__);                                          \
    } while (0)
#define log_debug(...)                                                                   \
    do {                                                                                 \
        if (log_current_level >= LOG_LVL_DEBUG)                                          \
            log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                                         \
    } while (0)
/* A detail line that follows an error (PostgreSQL style). */
#define log_detail(...) log_msg(LOG_LVL_ERROR, "detail: " __VA_ARGS__)

#endif

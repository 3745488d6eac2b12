/* Unit tests for the logger: level names, filtering, file output and reopening. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/redirect.h>
#include "halaltrack/log.h"
#include "test_util.h"

TestSuite(log);

Test(log, level_parse)
{
    enum log_level l = LOG_LVL_DEBUG;

    cr_assert(eq(int, log_level_parse("error", &l), 0));
    cr_assert(eq(int, l, LOG_LVL_ERROR));
    cr_assert(eq(int, log_level_parse("warn", &l), 0));
    cr_assert(eq(int, l, LOG_LVL_WARN));
    cr_assert(eq(int, log_level_parse("WARNING", &l), 0));
    cr_assert(eq(int, l, LOG_LVL_WARN));
    cr_assert(eq(int, log_level_parse("Info", &l), 0));
    cr_assert(eq(int, l, LOG_LVL_INFO));
    cr_assert(eq(int, log_level_parse("debug", &l), 0));
    cr_assert(eq(int, l, LOG_LVL_DEBUG));
    l = LOG_LVL_INFO;
    cr_assert(eq(int, log_level_parse("verbose", &l), -1));
    cr_assert(eq(int, log_level_parse("", &l), -1));
    cr_assert(eq(int, log_level_parse(NULL, &l), -1));
    cr_assert(eq(int, l, LOG_LVL_INFO)); /* untouched on failure */
}

Test(log, level_names_round_trip)
{
    for (int i = LOG_LVL_ERROR; i <= LOG_LVL_DEBUG; i++) {
        enum log_level l;

        cr_assert(eq(int, log_level_parse(log_level_name(i), &l), 0));
        cr_assert(eq(int, l, i));
    }
    cr_assert(eq(str, (char *)log_level_name((enum log_level)42), "?"));
}

static char *temp_log(void)
{
    return tu_write_temp(".log", "", 0);
}

Test(log, writes_to_file_with_timestamp)
{
    char *path = temp_log();
    char *text;

    cr_assert(eq(int, log_set_file(path), 0));
    log_set_level(LOG_LVL_INFO);
    log_info("sync done source=%s items=%d", "sihalal", 12);
    log_error("cannot connect to '%s'", "db");
    log_close();
    text = tu_read_file(path, NULL);
    cr_assert_not_null(text);
    /* "YYYY-MM-DDTHH:MM:SSZ info: ..." */
    cr_assert(eq(int, tu_count(text, "\n"), 2), "%s", text);
    cr_assert(eq(chr, text[4], '-'));
    cr_assert(eq(chr, text[10], 'T'));
    cr_assert(
        eq(int, strncmp(text + 19, "Z info: sync done source=sihalal items=12\n", 42), 0),
        "%s", text);
    cr_assert_not_null(strstr(text, "Z error: cannot connect to 'db'\n"));
    free(text);
    unlink(path);
    free(path);
}

Test(log, level_filters_messages)
{
    char *path = temp_log();
    char *text;

    cr_assert(eq(int, log_set_file(path), 0));
    log_set_level(LOG_LVL_WARN);
    log_debug("debug-line");
    log_info("info-line");
    log_warn("warn-line");
    log_error("error-line");
    log_set_level(LOG_LVL_DEBUG);
    log_debug("debug-line-2");
    log_set_level(LOG_LVL_ERROR);
    log_warn("warn-line-2");
    log_close();
    text = tu_read_file(path, NULL);
    cr_assert_null(strstr(text, "debug-line\n"));
    cr_assert_null(strstr(text, "info-line"));
    cr_assert_null(strstr(text, "warn-line-2"));
    cr_assert_not_null(strstr(text, "warning: warn-line\n"));
    cr_assert_not_null(strstr(text, "error: error-line\n"));
    cr_assert_not_null(strstr(text, "debug: debug-line-2\n"));
    cr_assert(eq(int, tu_count(text, "\n"), 3));
    free(text);
    unlink(path);
    free(path);
}

Test(log, debug_arguments_not_evaluated_when_filtered)
{
    int calls = 0;

    log_set_level(LOG_LVL_INFO);
    log_debug("%d", ++calls);
    cr_assert(eq(int, calls, 0));
}

Test(log, set_file_appends_and_reopens)
{
    char *path = tu_write_temp(".log", "existing line\n", 14);
    char *moved;
    char *text;

    cr_assert(eq(int, log_set_file(path), 0));
    log_error("first");
    /* Log rotation: rename the file away, reopen, and the new file gets new lines. */
    moved = malloc(strlen(path) + 3);
    snprintf(moved, strlen(path) + 3, "%s.1", path);
    cr_assert(eq(int, rename(path, moved), 0));
    cr_assert(eq(int, log_set_file(path), 0));
    log_error("second");
    log_close();
    text = tu_read_file(moved, NULL);
    cr_assert(eq(int, strncmp(text, "existing line\n", 14), 0));
    cr_assert_not_null(strstr(text, "error: first\n"));
    cr_assert_null(strstr(text, "second"));
    free(text);
    text = tu_read_file(path, NULL);
    cr_assert_not_null(strstr(text, "error: second\n"));
    cr_assert_null(strstr(text, "first"));
    free(text);
    unlink(path);
    unlink(moved);
    free(path);
    free(moved);
}

Test(log, bad_file_keeps_old_target)
{
    char *path = temp_log();
    char *text;

    cr_assert(eq(int, log_set_file(path), 0));
    cr_assert(eq(int, log_set_file("/nonexistent-dir/x.log"), -1));
    log_error("still here");
    log_close();
    text = tu_read_file(path, NULL);
    cr_assert_not_null(strstr(text, "error: still here\n"));
    free(text);
    unlink(path);
    free(path);
}

Test(log, long_message_is_one_line)
{
    char *path = temp_log();
    char *text;
    char big[10000];

    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert(eq(int, log_set_file(path), 0));
    log_error("%s", big);
    log_error("after");
    log_close();
    text = tu_read_file(path, NULL);
    cr_assert(eq(int, tu_count(text, "\n"), 2));
    cr_assert_not_null(strstr(text, "error: after\n"));
    free(text);
    unlink(path);
    free(path);
}

Test(log, preserves_errno)
{
    char *path = temp_log();

    cr_assert(eq(int, log_set_file(path), 0));
    errno = ENOENT;
    log_error("x");
    cr_assert(eq(int, errno, ENOENT));
    log_close();
    unlink(path);
    free(path);
}

Test(log, stderr_without_timestamps, .init = cr_redirect_stderr)
{
    log_set_file(NULL);
    log_set_timestamps(0);
    log_warn("to stderr k=%s", "v");
    fflush(stderr);
    cr_assert_stderr_eq_str("warning: to stderr k=v\n");
}

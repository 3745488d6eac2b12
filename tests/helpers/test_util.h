/* Test helpers: run a program and capture its output, temporary files, paths. */
#ifndef HT_TEST_UTIL_H
#define HT_TEST_UTIL_H

#include <stddef.h>

struct tu_result {
    int status; /* exit code, or 128 + signal */
    char *out;  /* stdout, NUL-terminated */
    char *err;  /* stderr, NUL-terminated */
};

/* Runs argv[0] (searched in PATH unless it contains '/') with extra environment entries
 * ("K=V", NULL-terminated, may be NULL) and optional stdin text. Kills it after
 * timeout_s seconds. Asserts on fork/exec failure. */
struct tu_result tu_run(const char *const argv[], const char *const env[],
                        const char *input, int timeout_s);
void tu_result_release(struct tu_result *r);
/* "$HT_BIN_DIR/<rel>", e.g. tu_bin("cli/halaltrack"). Static buffer per call slot. */
const char *tu_bin(const char *rel);
/* "$HT_SOURCE_DIR/<rel>". */
const char *tu_src(const char *rel);
/* Writes text to a new temporary file and returns its path (malloc'd). */
char *tu_write_temp(const char *suffix, const char *text, size_t len);
/* Reads a whole file (malloc'd, NUL-terminated) or NULL. */
char *tu_read_file(const char *path, size_t *len);
/* Counts occurrences of needle in hay. */
int tu_count(const char *hay, const char *needle);

#endif

/* Shared by the report database tests: load the fixed history, run the CLI on the test
 * schema with a fixed "now", compare with golden files. */
#ifndef HT_REPORT_FIXTURE_H
#define HT_REPORT_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"
#include "test_util.h"

#define RF_NOW "2026-01-07T10:00:00+07:00"

static inline void rf_load_history(void)
{
    char *sql = tu_read_file(tu_src("tests/fixtures/reports/history.sql"), NULL);

    cr_assert(sql, "cannot read tests/fixtures/reports/history.sql");
    pgt_exec(sql);
    free(sql);
}

/* Runs halaltrack with args (NULL-terminated) at now in language lang. */
static inline struct tu_result rf_run(const char *now, const char *lang,
                                      const char *const *args)
{
    static char schema_env[128], now_env[128];
    const char *argv[32];
    const char *env[] = {schema_env, now_env, "NO_COLOR=1", NULL};
    int n = 0;

    snprintf(schema_env, sizeof(schema_env), "HALALTRACK_SCHEMA=%s", pgt_schema());
    snprintf(now_env, sizeof(now_env), "HALALTRACK_NOW=%s", now);
    argv[n++] = tu_bin("cli/halaltrack");
    argv[n++] = "--lang";
    argv[n++] = lang;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return tu_run(argv, env, NULL, 120);
}

/* Compares text with tests/fixtures/reports/<name>; HT_UPDATE_GOLDEN=1 rewrites it. */
static inline void rf_golden(const char *name, const char *text)
{
    char rel[256];
    const char *path;
    char *want;

    snprintf(rel, sizeof(rel), "tests/fixtures/reports/%s", name);
    path = tu_src(rel);
    if (getenv("HT_UPDATE_GOLDEN")) {
        FILE *fp = fopen(path, "w");
        cr_assert(fp, "cannot write %s", path);
        fputs(text, fp);
        fclose(fp);
        return;
    }
    want = tu_read_file(path, NULL);
    cr_assert(want, "golden %s is missing (run with HT_UPDATE_GOLDEN=1 to create it)",
              rel);
    cr_assert(strcmp(want, text) == 0, "output differs from golden %s:\n--- got:\n%s",
              rel, text);
    free(want);
}

#endif

/* Shared by the halaltrack subcommands: the invocation context and small helpers. */
#ifndef HALALTRACK_CLI_H
#define HALALTRACK_CLI_H

#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/store.h"

/* Exit codes. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli_ctx {
    const char *conninfo; /* --db, NULL: libpq environment */
    const char *schema;   /* --schema or $HALALTRACK_SCHEMA, default "halaltrack" */
    int color;            /* stdout is a terminal and NO_COLOR is unset */
};

typedef int (*ht_cmd_fn)(struct cli_ctx *ctx, int argc, char **argv);

/* Opens the database for a command; prints the error and returns NULL on failure. */
struct store *cli_open_store(struct cli_ctx *ctx);
/* Prints "halaltrack: <msg>" to stderr (msg already translated). */
void cli_error(const char *fmt, ...) HT_PRINTF(1, 2);
/* Prints err to stderr prefixed with "halaltrack: " and returns EXIT_FAIL. */
int cli_fail(const struct ht_err *err);
/* True when getopt's answer c means the user asked for help: "--help" (mapped to 'h') or
 * "-?". getopt also answers '?' for an unknown option, which is a usage error. */
int cli_asked_help(int c, char **argv);
/* Prints the usage hint for cmd ("Try "halaltrack cmd --help"...") and returns
 * EXIT_USAGE. */
int cli_usage_hint(const char *cmd);

/* Subcommands implemented in their own files. */
int cmd_msme_issue_code(struct cli_ctx *ctx, int argc, char **argv);

#define CMD(name, fn, help) int fn(struct cli_ctx *ctx, int argc, char **argv);
#include "commands.def"
#undef CMD

#endif

/* Shared by the halaltrack subcommands: the invocation context and small helpers. */
#ifndef HALALTRACK_CLI_H
#define HALALTRACK_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/out.h"
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
/* The start of a listing: an empty table of cols in t (always initialised, so that the
 * command can release it), then the database as cli_open_store. */
struct store *cli_open_table(struct cli_ctx *ctx, struct out_table *t,
                             const struct out_col *cols, size_t ncols);
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

/* ---- the options every command parses the same way (cli/opts.c) ----
 * A command lists its own long options and ends the list with CLI_OPT_FORMAT (when it
 * prints rows), CLI_OPT_HELP and CLI_OPT_END; cli_getopt handles --format, --help and -?
 * and hands back every other option:
 *
 *     struct cli_parse p = CLI_PARSE("funnel", usage, OUT_ROWS, OUT_TABLE);
 *     while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
 *         if (c == CLI_OPT_EXIT)
 *             return p.exit;
 *         ...  (default: return cli_usage_hint(p.cmd);)
 *     }
 */
#define CLI_OPT_FORMAT                                                                   \
    {                                                                                    \
        "format", required_argument, NULL, 'f'                                           \
    }
#define CLI_OPT_HELP                                                                     \
    {                                                                                    \
        "help", no_argument, NULL, 'h'                                                   \
    }
#define CLI_OPT_END                                                                      \
    {                                                                                    \
        NULL, 0, NULL, 0                                                                 \
    }
/* cli_getopt's answer when it has dealt with the command line itself (help shown, or a
 * usage error printed): the command returns p.exit. */
#define CLI_OPT_EXIT (-2)
/* What a command's own option-parsing helper returns when the command goes on (any other
 * value is the exit code to return). */
#define CLI_CONTINUE (-1)

struct cli_parse {
    const char *cmd;        /* "msme list": named in messages and the usage hint */
    void (*usage)(void);    /* prints the command's --help */
    unsigned formats;       /* OUT_F bits --format offers; 0: no --format */
    enum out_format format; /* --format's value, initialised to the default */
    int exit;               /* with CLI_OPT_EXIT: the exit code to return */
};
#define CLI_PARSE(cmd, usage, formats, dflt)                                             \
    {                                                                                    \
        (cmd), (usage), (formats), (dflt), 0                                             \
    }

/* getopt_long with --format ("-f FORMAT") and --help/-? handled. shortopts are the
 * command's own short options (without "f:" and "?"). Returns an option character, -1
 * after the last option, or CLI_OPT_EXIT. */
int cli_getopt(struct cli_parse *p, int argc, char **argv, const char *shortopts,
               const struct option *longopts);
/* Checks that between min and max positional arguments follow the options (missing
 * names what is missing, e.g. "NIB"). Returns 0, or prints the error and the usage hint
 * and returns EXIT_USAGE. */
int cli_args(const struct cli_parse *p, int argc, char **argv, int min, int max,
             const char *missing);
/* For a command with no options of its own: cli_getopt over --format and --help, then
 * cli_args. Returns CLI_CONTINUE, or the exit code to return. */
int cli_parse_plain(struct cli_parse *p, int argc, char **argv, int min, int max,
                    const char *missing);
/* Reads a listing's rows from s into t (cli_add_row). Returns 0, or -1 once it has told
 * the user why (cli_fail, or cli_add_row's message). */
typedef int (*cli_rows_fn)(struct store *s, struct out_table *t, void *arg);
/* A whole listing command without operands: parses argv with p (--format, --help), opens
 * the database and a table of cols, lets rows(s, t, arg) fill it and prints it in the
 * chosen format. Returns the command's exit status. */
/* cli_parse_plain without operands, then the command's instant (cli_now) in *now.
 * Returns CLI_CONTINUE or the exit status. */
int cli_parse_now(struct cli_parse *p, int argc, char **argv, int64_t *now);
int cli_list(struct cli_ctx *ctx, struct cli_parse *p, int argc, char **argv,
             const struct out_col *cols, size_t ncols, cli_rows_fn rows, void *arg);
/* cli_list after the command parsed its own options: format is the chosen output. */
int cli_list_run(struct cli_ctx *ctx, enum out_format format, const struct out_col *cols,
                 size_t ncols, cli_rows_fn rows, void *arg);
/* Checks a NIB argument; prints "invalid NIB: ..." and the usage hint. Returns
 * CLI_CONTINUE or EXIT_USAGE. */
int cli_nib_arg(const struct cli_parse *p, const char *nib);
/* Runs a subcommand from a table: argv[1] names it ("--help" and "-?" show usage). */
struct cli_sub {
    const char *name;
    ht_cmd_fn fn;
};
int cli_dispatch(struct cli_ctx *ctx, const char *cmd, const struct cli_sub *subs,
                 size_t n, void (*usage)(void), int argc, char **argv);

/* Writes t to stdout in format f (colour when the context allows it) and flushes.
 * Returns EXIT_OK, or prints the error and returns EXIT_FAIL. */
int cli_print(const struct cli_ctx *ctx, const struct out_table *t, enum out_format f);
/* The same for several tables (out_write_sections). */
int cli_print_sections(const struct cli_ctx *ctx, const struct out_section *s, size_t n,
                       enum out_format f);
/* Adds a row; prints "out of memory" and returns -1 when that fails. */
int cli_add_row(struct out_table *t, char color, const char *const *cells);
/* "Now": HALALTRACK_NOW (ISO 8601) when set, else the real clock. Returns 0, or -1 after
 * printing an error naming the bad value. */
int cli_now(int64_t *now);

/* ---- the legal clocks (cli/cmd_calendar.c) ---- */
struct ht_settings;
struct calendar;
struct cal_gaps;
/* Loads the shared settings and the holiday calendar of the database. Returns EXIT_OK,
 * or prints the error and returns EXIT_FAIL (*cal is then NULL). */
int cli_load_clock(struct store *s, struct ht_settings *set, struct calendar **cal);
/* Prints "halaltrack: warning: no holiday calendar for 2027 ..." when g holds years. */
void cli_warn_gaps(const struct cal_gaps *g);
/* Writes the HTML render_html(fp, arg) writes as PDF to fp, printed by headless Chromium
 * (HALALTRACK_CHROMIUM, else Debian's chromium; never from $PATH) with a minimal
 * environment, in a private temporary directory removed whatever happens (cli/pdf.c).
 * Returns 0, or -1 after printing the error. */
int cli_write_pdf(int (*render_html)(FILE *fp, const void *arg), const void *arg,
                  FILE *fp);

/* Subcommands implemented in their own files. */
int cmd_msme_issue_code(struct cli_ctx *ctx, int argc, char **argv);

#define CMD(name, fn, help) int fn(struct cli_ctx *ctx, int argc, char **argv);
#include "commands.def"
#undef CMD

#endif

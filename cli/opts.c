/* What every halaltrack command does the same way: --format and --help parsing, the
 * positional argument check, subcommand tables, printing tables, "now". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

static int parse_exit(struct cli_parse *p, int code)
{
    p->exit = code;
    return CLI_OPT_EXIT;
}

int cli_getopt(struct cli_parse *p, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
    char optstring[64];
    int c;

    snprintf(optstring, sizeof(optstring), "%s%s?", shortopts, p->formats ? "f:" : "");
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) == 'f' && p->formats)
        if (out_format_parse(optarg, p->formats, &p->format) < 0)
            break;
    if (c == 'f' && p->formats) {
        char offered[64];

        out_formats_list(p->formats, offered);
        cli_error(_("unknown format '%s' for %s (expected %s)"), optarg, p->cmd, offered);
        return parse_exit(p, cli_usage_hint(p->cmd));
    }
    if (c == 'h' || c == '?') {
        if (!cli_asked_help(c, argv))
            return parse_exit(p, cli_usage_hint(p->cmd));
        p->usage();
        return parse_exit(p, EXIT_OK);
    }
    return c;
}

int cli_args(const struct cli_parse *p, int argc, char **argv, int min, int max,
             const char *missing)
{
    int n = argc - optind;

    if (n < min) {
        cli_error(_("missing %s"), missing);
        return cli_usage_hint(p->cmd);
    }
    if (n > max) {
        cli_error(_("unexpected argument '%s'"), argv[optind + max]);
        return cli_usage_hint(p->cmd);
    }
    return 0;
}

int cli_parse_plain(struct cli_parse *p, int argc, char **argv, int min, int max,
                    const char *missing)
{
    static const struct option opts[] = {CLI_OPT_FORMAT, CLI_OPT_HELP, CLI_OPT_END};
    int c = cli_getopt(p, argc, argv, "", opts);

    if (c == CLI_OPT_EXIT)
        return p->exit;
    if (c != -1)
        return cli_usage_hint(p->cmd);
    return cli_args(p, argc, argv, min, max, missing) ? EXIT_USAGE : CLI_CONTINUE;
}

int cli_nib_arg(const struct cli_parse *p, const char *nib)
{
    struct ht_err err = HT_ERR_INIT;

    if (ident_check_nib(nib, &err) == 0)
        return CLI_CONTINUE;
    cli_error(_("invalid NIB: %s"), err.msg);
    return cli_usage_hint(p->cmd);
}

int cli_dispatch(struct cli_ctx *ctx, const char *cmd, const struct cli_sub *subs,
                 size_t n, void (*usage)(void), int argc, char **argv)
{
    char names[256];
    size_t len = 0;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0)) {
        usage();
        return EXIT_OK;
    }
    for (size_t i = 0; argc >= 2 && i < n; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(ctx, argc - 1, argv + 1);
    if (argc >= 2) {
        cli_error(_("unknown subcommand '%s'"), argv[1]);
        return cli_usage_hint(cmd);
    }
    names[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof(names); i++)
        len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
                                i == 0       ? ""
                                : i + 1 == n ? _(" or ")
                                             : ", ",
                                subs[i].name);
    cli_error(_("missing subcommand: %s"), names);
    return cli_usage_hint(cmd);
}

static int printed(int rc)
{
    if (rc < 0 || fflush(stdout) != 0) {
        cli_error(_("cannot write the output: %s"), strerror(errno ? errno : EIO));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_print(const struct cli_ctx *ctx, const struct out_table *t, enum out_format f)
{
    return printed(out_table_write(stdout, t, f, ctx->color));
}

int cli_print_sections(const struct cli_ctx *ctx, const struct out_section *s, size_t n,
                       enum out_format f)
{
    return printed(out_write_sections(stdout, s, n, f, ctx->color));
}

struct store *cli_open_table(struct cli_ctx *ctx, struct out_table *t,
                             const struct out_col *cols, size_t ncols)
{
    out_table_init(t, cols, ncols);
    return cli_open_store(ctx);
}

int cli_list_run(struct cli_ctx *ctx, enum out_format format, const struct out_col *cols,
                 size_t ncols, cli_rows_fn rows, void *arg)
{
    struct out_table t;
    struct store *s;
    int rc = EXIT_FAIL;

    if ((s = cli_open_table(ctx, &t, cols, ncols)) && rows(s, &t, arg) == 0)
        rc = cli_print(ctx, &t, format);
    out_table_release(&t);
    store_free(s);
    return rc;
}

int cli_parse_now(struct cli_parse *p, int argc, char **argv, int64_t *now)
{
    int rc = cli_parse_plain(p, argc, argv, 0, 0, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    return cli_now(now) < 0 ? EXIT_USAGE : CLI_CONTINUE;
}

int cli_list(struct cli_ctx *ctx, struct cli_parse *p, int argc, char **argv,
             const struct out_col *cols, size_t ncols, cli_rows_fn rows, void *arg)
{
    int rc = cli_parse_plain(p, argc, argv, 0, 0, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    return cli_list_run(ctx, p->format, cols, ncols, rows, arg);
}

int cli_add_row(struct out_table *t, char color, const char *const *cells)
{
    if (out_table_add(t, color, cells) < 0) {
        cli_error("%s", _("out of memory"));
        return -1;
    }
    return 0;
}

int cli_now(int64_t *now)
{
    const char *env = getenv("HALALTRACK_NOW");
    struct ht_err err = HT_ERR_INIT;

    if (!env || !*env) {
        *now = ht_now();
        return 0;
    }
    if (ts_parse(env, now, &err) < 0) {
        cli_error(_("bad HALALTRACK_NOW '%s': %s"), env, err.msg);
        return -1;
    }
    return 0;
}

/* halaltrack extension: record the extensions of the LPH's inspection that BPJPH granted
 * on request (UU 6/2023 Pasal 31(4)); the step clocks lengthen that run's limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Record extensions of a legal step granted on request.\n\n"));
    printf(_("Usage:\n"));
    printf(
        _("  halaltrack extension add [--date=YYYY-MM-DD] [--note=TEXT] ID_REG DAYS\n"));
    printf(_("  halaltrack extension list [--format=FORMAT]\n"));
    printf(_("  halaltrack extension remove ID\n\n"));
    printf(_("Subcommands:\n"));
    printf(
        _("  add        the LPH's inspection of application ID_REG (or its no_daftar)\n"
          "             was extended by DAYS working days (1 to 10)\n"));
    printf(_("  list       every extension recorded\n"));
    printf(_("  remove     delete a mistaken record by its id\n\n"));
    printf(_("Options:\n"));
    printf(_("      --date=DATE       the day it was granted (default: today, WIB)\n"));
    printf(_("      --note=TEXT       where it comes from, e.g. the LPH's letter\n"));
    printf(_("  -f, --format=FORMAT   list output: table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_("An extension lengthens the run of the inspection under way on its date\n"
             "(UU 6/2023 Pasal 31(4); at most 10 working days, PP 42/2024 Pasal 82).\n"));
}

static int do_add(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"date", required_argument, NULL, 'd'},
                                         {"note", required_argument, NULL, 'n'},
                                         CLI_OPT_HELP,
                                         CLI_OPT_END};
    struct cli_parse p = CLI_PARSE("extension", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    const char *date = NULL, *note = NULL;
    struct ht_date d;
    struct store *s = NULL;
    long days = 0, id = 0;
    int64_t now;
    int c, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'd')
            date = optarg;
        else if (c == 'n')
            note = optarg;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((rc = cli_args(&p, argc, argv, 2, 2, "ID_REG DAYS")) != 0)
        return rc;
    if (parse_int(argv[optind + 1], 1, 10, &days, &err) < 0) {
        cli_error(_("invalid DAYS '%s': %s"), argv[optind + 1], err.msg);
        return cli_usage_hint(p.cmd);
    }
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    d = ts_to_wib_date(now);
    if (date && date_parse(date, &d, &err) < 0) {
        cli_error(_("bad --date '%s': %s"), date, err.msg);
        return cli_usage_hint(p.cmd);
    }
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    rc = EXIT_OK;
    if (store_extension_add(s, argv[optind], STEP_INSPECTION, (int)days, d, note, now,
                            &id, &err) < 0)
        rc = cli_fail(&err);
    else
        printf(_("extension %ld recorded: %ld working days for '%s'\n"), id, days,
               argv[optind]);
    store_free(s);
    return rc;
}

static int extension_rows(struct store *s, struct out_table *t, void *arg)
{
    struct ht_err err = HT_ERR_INIT;
    struct step_extension_row *v = NULL;
    size_t n = 0;
    int rc = 0;

    (void)arg;
    if (store_extension_list(s, &v, &n, &err) < 0) {
        cli_fail(&err);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[24], days[16], d[11];
        const char *row[] = {id,   v[i].id_reg, v[i].no_daftar, step_name(v[i].step),
                             days, d,           v[i].note};

        snprintf(id, sizeof(id), "%ld", v[i].id);
        snprintf(days, sizeof(days), "%d", v[i].days);
        date_format(v[i].granted_on, d);
        rc = cli_add_row(t, 0, row);
    }
    store_extensions_free(v, n);
    return rc;
}

static int do_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"id", "id", OUT_NUM},
        {"id_reg", "id_reg", OUT_KEEP},
        {"no_daftar", N_("registration no."), 0},
        {"step", N_("step"), 0},
        {"days", N_("days"), OUT_NUM},
        {"granted_on", N_("granted"), 0},
        {"note", N_("note"), OUT_NARROW},
    };
    struct cli_parse p = CLI_PARSE("extension", usage, OUT_ROWS, OUT_TABLE);

    return cli_list(ctx, &p, argc, argv, cols, HT_ARRAY_LEN(cols), extension_rows, NULL);
}

static int do_remove(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("extension", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store *s;
    long id = 0;
    int rc = cli_parse_plain(&p, argc, argv, 1, 1, "ID");

    if (rc != CLI_CONTINUE)
        return rc;
    if (parse_int(argv[optind], 1, 1000000000L, &id, &err) < 0) {
        cli_error(_("invalid ID '%s': %s"), argv[optind], err.msg);
        return cli_usage_hint(p.cmd);
    }
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    rc = store_extension_remove(s, id, &err);
    if (rc < 0)
        rc = cli_fail(&err);
    else if (rc == 1) {
        cli_error(_("no extension with id %ld"), id);
        rc = EXIT_FAIL;
    }
    store_free(s);
    return rc;
}

int cmd_extension(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", do_add}, {"list", do_list}, {"remove", do_remove}};

    return cli_dispatch(ctx, "extension", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

/* halaltrack match list | accept ID | reject ID: the certificates of the public search
 * that wait for a person before they count for a register MSME (docs/coverage.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_match.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("Review certificates of the public search matched to the register.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack match list [--all] [--format=table|csv|json]\n"));
    printf(_("  halaltrack match accept ID\n"));
    printf(_("  halaltrack match reject ID\n\n"));
    printf(_("Options:\n"));
    printf(_("      --all             every match (accepted and rejected too), not only\n"
             "                        the ones waiting for a person\n"));
    printf(_("  -f, --format=FORMAT   list output: table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "halaltrackd searches the public certificate search for register MSMEs without\n"
        "a certificate and scores each candidate by name (no NIB is published). High\n"
        "scores without a rival are accepted by themselves; the rest wait here. An\n"
        "accepted match counts the MSME as certified through another channel; a\n"
        "rejected pair is never proposed again. Who decided and when is kept.\n"));
}

static int match_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'A'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    static const struct out_col cols[] = {
        {"id", "id", OUT_NUM | OUT_KEEP},
        {"nib", "NIB", 0},
        {"business_name", N_("business name"), OUT_NARROW},
        {"owner_name", N_("owner"), OUT_NO_TABLE},
        {"nama_pu", N_("name on certificate"), OUT_NARROW},
        {"reg_prod_name", N_("product"), OUT_NO_TABLE},
        {"no_sert", N_("certificate"), OUT_NO_TABLE},
        {"tgl_sert", N_("issued"), OUT_NO_TABLE},
        {"score", N_("score"), OUT_NUM},
        {"basis", N_("by"), 0},
        {"rivals", N_("rivals"), OUT_NUM | OUT_NO_TABLE},
        {"query", N_("query"), OUT_NO_TABLE},
        {"decision", N_("decision"), OUT_NO_TABLE},
        {"status", N_("status"), OUT_NO_TABLE},
        {"decided_by", N_("decided by"), OUT_NO_TABLE},
        {"decided_at", N_("decided at"), OUT_NO_TABLE},
    };
    struct cli_parse p = CLI_PARSE("match", usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store_match_row *v = NULL;
    struct store *s = NULL;
    struct out_table t;
    size_t n = 0;
    int c, all = 0, rc;

    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c != 'A')
            return cli_usage_hint(p.cmd);
        all = 1;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, HT_ARRAY_LEN(cols))))
        goto out;
    if (store_match_list(s, all, &v, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char id[24], rv[24];
        const char *row[] = {id,
                             v[i].nib,
                             v[i].business_name,
                             v[i].owner_name,
                             v[i].nama_pu,
                             v[i].reg_prod_name,
                             v[i].no_sert,
                             v[i].tgl_sert,
                             v[i].score,
                             v[i].basis,
                             rv,
                             v[i].query,
                             v[i].decision,
                             v[i].status,
                             v[i].decided_by,
                             v[i].decided_at};

        snprintf(id, sizeof(id), "%ld", v[i].id);
        snprintf(rv, sizeof(rv), "%ld", v[i].rivals);
        if (cli_add_row(&t,
                        strcmp(v[i].status, "accepted") == 0   ? 'g'
                        : strcmp(v[i].status, "rejected") == 0 ? 'r'
                                                               : 0,
                        row) < 0)
            goto out;
    }
    rc = cli_print(ctx, &t, p.format);
out:
    out_table_release(&t);
    store_match_rows_free(v, n);
    store_free(s);
    return rc;
}

static int decide(struct cli_ctx *ctx, int argc, char **argv, int accept)
{
    struct cli_parse p = CLI_PARSE("match", usage, 0, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store *s;
    long id;
    int q = cli_parse_plain(&p, argc, argv, 1, 1, _("match id"));

    if (q != CLI_CONTINUE)
        return q;
    if (parse_int(argv[optind], 1, 9000000000000000000L, &id, NULL) < 0) {
        cli_error(
            _("match id '%s' is not a whole number (halaltrack match list shows the "
              "ids)"),
            argv[optind]);
        return EXIT_USAGE;
    }
    if (!(s = cli_open_store(ctx)))
        return EXIT_FAIL;
    q = store_match_decide(s, id, accept, NULL, &err);
    store_free(s);
    if (q < 0)
        return cli_fail(&err);
    if (q == 1) {
        cli_error(_("no match %ld waits for a decision (halaltrack match list)"), id);
        return EXIT_FAIL;
    }
    printf(accept ? _("match %ld accepted\n") : _("match %ld rejected\n"), id);
    return EXIT_OK;
}

static int match_accept(struct cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, 1);
}

static int match_reject(struct cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, 0);
}

int cmd_match(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", match_list},
        {"accept", match_accept},
        {"reject", match_reject},
    };

    return cli_dispatch(ctx, "match", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

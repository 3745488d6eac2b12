/* halaltrack programmes: the office's facilitation programmes as the daemon last read
 * them from the national system (v_programme), with how much of each quota the office's
 * applications use. */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/status_label.h"
#include "halaltrack/store_programme.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(
        _("List the office's facilitation programmes and the use of their quota.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack programmes [--format=table|csv|json]\n\n"));
    printf(_(
        "Read by halaltrackd from the national system's facilitator list. 'used' counts\n"
        "the applications carrying the programme's code, 'certified' those certified;\n"
        "'remaining' is the national system's own figure.\n"));
}

/* A number column: "" when absent (-1). */
static const char *num(char out[static 24], long v)
{
    if (v < 0)
        return NULL;
    snprintf(out, 24, "%ld", v);
    return out;
}

int cmd_programmes(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"kode_fac", N_("code"), OUT_KEEP},
        {"tahun", N_("year"), OUT_NUM},
        {"fac_name", N_("name"), OUT_NARROW},
        {"sumber_biaya", N_("funding"), OUT_NO_TABLE},
        {"jenis", N_("path"), OUT_NARROW},
        {"tgl_aktif", N_("from"), OUT_NO_TABLE},
        {"tgl_selesai", N_("until"), OUT_NO_TABLE},
        {"kuota", N_("quota"), OUT_NUM},
        {"used", N_("used"), OUT_NUM},
        {"certified", N_("certified"), OUT_NUM},
        {"remaining", N_("remaining"), OUT_NUM | OUT_NO_TABLE},
        {"status_code", N_("status"), OUT_NO_TABLE},
        {"status", N_("status"), OUT_NARROW},
        {"listed", N_("listed"), OUT_NO_TABLE},
        {"observed_at", N_("read at"), OUT_NO_TABLE},
    };
    struct cli_parse p = CLI_PARSE("programmes", usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store_programme_row *g = NULL;
    struct store *s = NULL;
    struct out_table t;
    size_t n = 0;
    int rc = cli_parse_plain(&p, argc, argv, 0, 0, NULL);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, HT_ARRAY_LEN(cols))))
        goto out;
    if (store_programmes_list(s, &g, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char y[24], k[24], u[24], c[24], r[24];
        const char *row[] = {g[i].kode_fac,
                             num(y, g[i].tahun),
                             g[i].fac_name,
                             g[i].sumber_biaya,
                             g[i].jenis,
                             g[i].tgl_aktif,
                             g[i].tgl_selesai,
                             num(k, g[i].kuota),
                             num(u, g[i].applications),
                             num(c, g[i].certified),
                             num(r, g[i].sisa),
                             g[i].status_code,
                             _(status_programme_meaning(g[i].status_code)),
                             g[i].missing ? "false" : "true",
                             g[i].observed_at};
        /* a programme the list no longer shows is greyed out in yellow */
        if (cli_add_row(&t, g[i].missing ? 'y' : 0, row) < 0)
            goto out;
    }
    rc = cli_print(ctx, &t, p.format);
out:
    out_table_release(&t);
    store_programme_rows_free(g, n);
    store_free(s);
    return rc;
}

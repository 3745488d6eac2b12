/* halaltrack programmes: the office's facilitation programmes as the daemon last read
 * them from the national system (v_programme), with how much of each quota the office's
 * applications use, by stage (v_programme_stage), the run rate needed to use the rest
 * before the programme closes and the outlook at the recent rate (lib/programme.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/buf.h"
#include "halaltrack/i18n.h"
#include "halaltrack/programme.h"
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
        "the applications carrying the programme's code, 'certified' those certified,\n"
        "'left' the quota minus 'used'; 'remaining' (CSV, JSON) is the national\n"
        "system's own figure. 'need/wk' is the rate of new applications that uses what\n"
        "is left by the end date; the outlook compares it with the last four weeks'\n"
        "rate. Programmes about to leave quota unused or over-committing it are listed\n"
        "below the table with the arithmetic.\n"));
}

/* A number column: NULL when absent (-1). */
static const char *num(char out[static 24], long v)
{
    if (v < 0)
        return NULL;
    snprintf(out, 24, "%ld", v);
    return out;
}

/* "stage=n;stage=n" of kode_fac's applications (st sorted by code). */
static int stages_of(const char *code, const struct store_programme_stage *st, size_t n,
                     struct buf *b)
{
    buf_reset(b);
    for (size_t i = 0; code && i < n; i++)
        if (st[i].kode_fac && strcmp(st[i].kode_fac, code) == 0 &&
            buf_addf(b, "%s%s=%ld", b->len ? ";" : "", st[i].stage, st[i].applications) <
                0)
            return -1;
    return 0;
}

int cmd_programmes(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct out_col cols[] = {
        {"kode_fac", N_("code"), OUT_KEEP},
        {"tahun", N_("year"), OUT_NUM},
        {"fac_name", N_("name"), OUT_NARROW},
        {"sumber_biaya", N_("funding"), OUT_NO_TABLE},
        {"jenis", N_("path"), OUT_NO_TABLE},
        {"tgl_aktif", N_("from"), OUT_NO_TABLE},
        {"tgl_selesai", N_("until"), OUT_NO_TABLE},
        {"kuota", N_("quota"), OUT_NUM},
        {"used", N_("used"), OUT_NUM},
        {"certified", N_("cert."), OUT_NUM},
        {"left", N_("left"), OUT_NUM},
        {"remaining", N_("remaining"), OUT_NUM | OUT_NO_TABLE},
        {"days_left", N_("days"), OUT_NUM},
        {"rate_needed", N_("need/wk"), OUT_NUM},
        {"rate_recent", N_("recent/wk"), OUT_NUM | OUT_NO_TABLE},
        {"projected", N_("projected"), OUT_NUM | OUT_NO_TABLE},
        {"outlook", N_("outlook"), OUT_NO_TABLE},
        {"outlook_label", N_("outlook"), OUT_NARROW | OUT_NO_CSV | OUT_NO_JSON},
        {"arithmetic", N_("arithmetic"), OUT_NO_TABLE},
        {"by_stage", N_("by stage"), OUT_NO_TABLE | OUT_LIST},
        {"status_code", N_("status"), OUT_NO_TABLE},
        {"status", N_("status"), OUT_NO_TABLE},
        {"listed", N_("listed"), OUT_NO_TABLE},
        {"observed_at", N_("read at"), OUT_NO_TABLE},
    };
    struct cli_parse p = CLI_PARSE("programmes", usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct store_programme_row *g = NULL;
    struct store_programme_stage *st = NULL;
    struct programme_calc *calc = NULL;
    struct buf stages = BUF_INIT(BUF_CAP_SMALL);
    struct store *s = NULL;
    struct out_table t;
    size_t n = 0, nst = 0;
    int64_t now;
    int rc = cli_parse_now(&p, argc, argv, &now);

    if (rc != CLI_CONTINUE)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, HT_ARRAY_LEN(cols))))
        goto out;
    if (store_programmes_list(s, &g, &n, &err) < 0 ||
        store_programme_stages(s, &st, &nst, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    if (!(calc = calloc(n + 1, sizeof(*calc)))) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char y[24], k[24], u[24], c[24], l[24], r[24], dl[24], need[24], rec[24], pr[24];
        char line[512];
        struct programme_input in;
        struct programme_calc *pc = &calc[i];
        const char *row[HT_ARRAY_LEN(cols)];
        int w = 0;

        programme_input_set(&in, g[i].kuota, g[i].applications,
                            g[i].applications_4_weeks_ago, g[i].tgl_aktif,
                            g[i].tgl_selesai, ts_to_wib_date(now));
        programme_compute(&in, pc);
        programme_explain(&in, pc, line, sizeof(line));
        if (stages_of(g[i].kode_fac, st, nst, &stages) < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
        snprintf(l, sizeof(l), "%ld", pc->left);
        snprintf(need, sizeof(need), "%.1f", pc->rate_needed);
        snprintf(rec, sizeof(rec), "%.1f", pc->rate_recent);
        snprintf(pr, sizeof(pr), "%ld", pc->projected);
        row[w++] = g[i].kode_fac;
        row[w++] = num(y, g[i].tahun);
        row[w++] = g[i].fac_name;
        row[w++] = g[i].sumber_biaya;
        row[w++] = g[i].jenis;
        row[w++] = g[i].tgl_aktif;
        row[w++] = g[i].tgl_selesai;
        row[w++] = num(k, g[i].kuota);
        row[w++] = num(u, g[i].applications);
        row[w++] = num(c, g[i].certified);
        row[w++] = g[i].kuota >= 0 ? l : NULL;
        row[w++] = num(r, g[i].sisa);
        row[w++] = num(dl, pc->days_left);
        row[w++] = pc->days_left > 0 && g[i].kuota >= 0 ? need : NULL;
        row[w++] = rec;
        row[w++] = pc->days_left >= 0 ? pr : NULL;
        row[w++] = programme_outlook_name(pc->outlook);
        row[w++] = programme_outlook_label(pc->outlook);
        row[w++] = line;
        row[w++] = buf_str(&stages);
        row[w++] = g[i].status_code;
        row[w++] = _(status_programme_meaning(g[i].status_code));
        row[w++] = g[i].missing ? "false" : "true";
        row[w++] = g[i].observed_at;
        /* a programme the list no longer shows is greyed out in yellow, one the office
         * must act on is red */
        if (cli_add_row(&t,
                        programme_outlook_alert(pc->outlook) ? 'r'
                        : g[i].missing                       ? 'y'
                                                             : 0,
                        row) < 0)
            goto out;
    }
    rc = cli_print(ctx, &t, p.format);
    /* The text form says under the table what needs acting on, and why. */
    for (size_t i = 0; rc == EXIT_OK && p.format == OUT_TABLE && i < n; i++) {
        char line[512];
        struct programme_input in;

        if (!programme_outlook_alert(calc[i].outlook))
            continue;
        programme_input_set(&in, g[i].kuota, g[i].applications,
                            g[i].applications_4_weeks_ago, g[i].tgl_aktif,
                            g[i].tgl_selesai, ts_to_wib_date(now));
        programme_explain(&in, &calc[i], line, sizeof(line));
        printf("%s: %s: %s\n", g[i].kode_fac ? g[i].kode_fac : "-",
               programme_outlook_label(calc[i].outlook), line);
    }
out:
    out_table_release(&t);
    buf_release(&stages);
    free(calc);
    store_programme_rows_free(g, n);
    store_programme_stages_free(st, nst);
    store_free(s);
    return rc;
}

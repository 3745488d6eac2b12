/* halaltrack actions: the office's action list — files waiting on the business or the
 * payer (drafts never submitted, returned files, unpaid invoices, invoices the
 * facilitator pays), aged in the office's working days, oldest first, with the MSME's
 * phone and kelurahan; by kecamatan on request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_report.h"
#include "halaltrack/banned.h"

static void usage(void)
{
    printf(_("List the files waiting on the business or the payer, oldest first.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack actions [--by=kecamatan] [--format=table|csv|json]\n\n"));
    printf(_("Options:\n"));
    printf(_("  -b, --by=kecamatan    one list per kecamatan\n"));
    printf(_("  -f, --format=FORMAT   table (default), csv or json\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
    printf(_(
        "Reasons: a draft never submitted, a file returned for revision, an invoice the\n"
        "business has to pay, an invoice the facilitator (the office, when it\n"
        "facilitates) has to pay. Age: the office's working days since the step began\n"
        "(cuti bersama never counts). The legal clocks of these steps stay paused; this\n"
        "list is the office's own follow-up, not a legal limit.\n"));
}

enum {
    AC_DAYS,
    AC_REASON,
    AC_WAITS,
    AC_NIB,
    AC_NAME,
    AC_KELURAHAN,
    AC_KECAMATAN,
    AC_PHONE,
    AC_CODE,
    AC_ID_REG,
    AC_SINCE,
    AC_GAPS,
    AC__COUNT
};
static const struct out_col cols[AC__COUNT] = {
    {"age_days", N_("age"), OUT_NUM},
    {"reason", N_("reason"), 0},
    {"waits_on", "", OUT_NO_TABLE},
    {"nib", "NIB", OUT_KEEP},
    {"business_name", N_("business"), OUT_NARROW},
    {"kelurahan", N_("kelurahan"), OUT_NARROW},
    {"kecamatan", "", OUT_NO_TABLE},
    {"phone", N_("phone"), OUT_KEEP},
    {"status_code", N_("code"), 0},
    {"id_reg", "", OUT_NO_TABLE},
    {"since", "", OUT_NO_TABLE},
    {"calendar_gaps", "", OUT_LIST | OUT_NO_TABLE},
};

/* The reason as the table's short word, the stable name elsewhere. */
static const char *reason_cell(enum action_reason r, enum out_format f)
{
    static const char *const words[ACTION__COUNT] = {
        NC_("action reason", "draft"), NC_("action reason", "returned"),
        NC_("action reason", "unpaid"), NC_("action reason", "facilitator")};

    if (f == OUT_TABLE)
        return i18n_pgettext(words[(unsigned)r < ACTION__COUNT ? r : 0]);
    return action_reason_name(r);
}

static int add_action(struct out_table *t, const struct weekly_action *a,
                      enum out_format f)
{
    char days[24], since[11], gaps[96];
    const char *row[AC__COUNT];
    size_t o = 0;

    gaps[0] = '\0';
    for (size_t i = 0; i < a->gaps.n && o < sizeof(gaps); i++)
        o += (size_t)snprintf(gaps + o, sizeof(gaps) - o, "%s%d", i ? ";" : "",
                              a->gaps.year[i]);
    snprintf(days, sizeof(days), "%ld", a->days);
    date_format(ts_to_wib_date(a->since), since);
    row[AC_DAYS] = days;
    row[AC_REASON] = reason_cell(a->reason, f);
    row[AC_WAITS] = stage_waits_on_name(a->waits_on);
    row[AC_NIB] = a->nib;
    row[AC_NAME] = a->name;
    row[AC_KELURAHAN] = a->kelurahan;
    row[AC_KECAMATAN] = a->kecamatan;
    row[AC_PHONE] = a->phone;
    row[AC_CODE] = a->code;
    row[AC_ID_REG] = a->id_reg;
    row[AC_SINCE] = since;
    row[AC_GAPS] = gaps;
    return cli_add_row(t, a->reason == ACTION_RETURNED ? 'y' : 0, row);
}

/* Kecamatan codes in order, "none" (no kecamatan) last. */
static int cmp_section(const void *a, const void *b)
{
    const char *x = ((const struct out_section *)a)->name;
    const char *y = ((const struct out_section *)b)->name;
    int nx = strcmp(x, "none") == 0, ny = strcmp(y, "none") == 0;

    if (nx || ny)
        return nx - ny;
    return strcmp(x, y);
}

/* One table per kecamatan, in the order of their codes (files of no kecamatan last). */
static int print_by_kecamatan(const struct cli_ctx *ctx, const struct weekly_action *v,
                              size_t n, enum out_format f)
{
    struct out_table *t = NULL;
    struct out_section *sec = NULL;
    char **titles = NULL;
    size_t ns = 0;
    int rc = EXIT_FAIL;

    if (n && (!(t = calloc(n, sizeof(*t))) || !(sec = calloc(n, sizeof(*sec))) ||
              !(titles = calloc(n, sizeof(*titles))))) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        /* Files of no register MSME: JSON member "none". */
        const char *code = v[i].kecamatan_code ? v[i].kecamatan_code : "none";
        size_t k = 0;

        while (k < ns && strcmp(sec[k].name, code) != 0)
            k++;
        if (k == ns) {
            char title[256];

            snprintf(title, sizeof(title), "%s %s", _("Kecamatan"),
                     v[i].kecamatan ? v[i].kecamatan : _("(not in the register)"));
            if (!(titles[k] = strdup(title))) {
                cli_error("%s", _("out of memory"));
                goto out;
            }
            out_table_init(&t[k], cols, AC__COUNT);
            sec[k] = (struct out_section){code, titles[k], &t[k]};
            ns++;
        }
        if (add_action(&t[k], &v[i], f) < 0)
            goto out;
    }
    /* Sections by kecamatan code, the files' age order kept inside each. */
    qsort(sec, ns, sizeof(*sec), cmp_section);
    rc = cli_print_sections(ctx, sec, ns, f);
out:
    for (size_t k = 0; k < ns; k++) {
        out_table_release(&t[k]);
        free(titles[k]);
    }
    free(t);
    free(sec);
    free(titles);
    return rc;
}

/* The text table's summary under the list. */
static void summary(const struct weekly_action *v, size_t n)
{
    long count[ACTION__COUNT] = {0};

    if (n == 0) {
        printf("%s\n", _("No file waits on the business or the payer."));
        return;
    }
    for (size_t i = 0; i < n; i++)
        count[v[i].reason]++;
    printf("\n");
    for (int k = 0; k < ACTION__COUNT; k++)
        printf("  %-40s %5ld\n", action_reason_label((enum action_reason)k), count[k]);
    printf("  %-40s %5zu\n", _("total"), n);
}

int cmd_actions(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, NULL, 'b'}, CLI_OPT_FORMAT, CLI_OPT_HELP, CLI_OPT_END};
    struct cli_parse p = CLI_PARSE("actions", usage, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct weekly_action *v = NULL;
    struct cal_gaps gaps = {{0}, 0, 0};
    struct store *s = NULL;
    struct out_table t;
    size_t n = 0;
    int64_t now;
    int by = 0, c, rc;

    while ((c = cli_getopt(&p, argc, argv, "b:", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c != 'b')
            return cli_usage_hint(p.cmd);
        if (strcmp(optarg, "kecamatan") != 0) {
            cli_error(_("cannot group by '%s': expected kecamatan"), optarg);
            return cli_usage_hint(p.cmd);
        }
        by = 1;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    if (cli_now(&now) < 0)
        return EXIT_USAGE;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, cols, AC__COUNT)))
        goto out;
    if (store_report_actions(s, now, &v, &n, &gaps, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    cli_warn_gaps(&gaps);
    if (by) {
        rc = print_by_kecamatan(ctx, v, n, p.format);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (add_action(&t, &v[i], p.format) < 0)
            goto out;
    rc = cli_print(ctx, &t, p.format);
    if (rc == EXIT_OK && p.format == OUT_TABLE)
        summary(v, n);
out:
    out_table_release(&t);
    weekly_actions_free(v, n);
    store_free(s);
    return rc;
}

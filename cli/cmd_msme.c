/* halaltrack msme: import the office's register (CSV), add one MSME, list and show. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "halaltrack/buf.h"
#include "halaltrack/csv.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/register.h"
#include "halaltrack/store_msme.h"
#include "halaltrack/banned.h"

#define MSME_OUT_CAP (64u * 1024 * 1024)

static void usage(void)
{
    printf(_("Manage the office's MSME register.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme import [OPTION]... FILE.csv\n"));
    printf(_("  halaltrack msme add --nib=NIB --name=NAME --kelurahan=CODE|NAME "
             "[OPTION]...\n"));
    printf(_("  halaltrack msme list [OPTION]...\n"));
    printf(_("  halaltrack msme show NIB\n"));
    printf(_("  halaltrack msme issue-code NIB\n\n"));
    printf(_("Subcommands:\n"));
    printf(_("  import     validate a register CSV and write it (all rows or none)\n"));
    printf(_("  add        add one MSME to the register\n"));
    printf(_("  list       list MSMEs, filtered by area, KBLI, size or programme\n"));
    printf(_("  show       show one MSME\n"));
    printf(_("  issue-code print a new self-service access code (shown once)\n\n"));
    printf(_(
        "Run \"halaltrack msme SUBCOMMAND --help\" for the options of a subcommand.\n"));
}

static void usage_import(void)
{
    printf(_("Import the office's MSME register from a CSV file (RFC 4180, UTF-8).\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme import [OPTION]... FILE.csv\n\n"));
    printf(_("FILE may be \"-\" for standard input. Every bad row is listed as\n"
             "FILE:LINE: column: reason. By default nothing is written when any row is "
             "bad.\n\n"));
    printf(_("Options:\n"));
    printf(_("  -n, --dry-run                validate and count, write nothing\n"));
    printf(_("      --skip-invalid           write the valid rows, list and count the "
             "bad ones\n"));
    printf(
        _("      --allow-unknown-columns  warn about unknown header columns and ignore "
          "them\n"
          "                               (default: an unknown column is an error)\n"));
    printf(_("  -?, --help                   show this help, then exit\n\n"));
    printf(_("Columns (Indonesian or English header names; see docs/register.md):\n"
             "  nib, nama_usaha|business_name, pemilik|owner, kbli, skala|size,\n"
             "  kode_wilayah|region_code or kelurahan (a name), alamat|address,\n"
             "  telepon|phone, program|programs (tags separated by ';')\n"));
}

static void usage_add(void)
{
    printf(_("Add one MSME to the register.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme add --nib=NIB --name=NAME --kelurahan=CODE|NAME "
             "[OPTION]...\n\n"));
    printf(_("Options:\n"));
    printf(_("      --nib=NIB            13-digit NIB (required)\n"));
    printf(_("      --name=NAME          business name (required)\n"));
    printf(_("      --kelurahan=CODE|NAME  kelurahan code (35.75.01.1001) or name "
             "(required)\n"));
    printf(_("      --owner=NAME         owner's name\n"));
    printf(_("      --kbli=CODE          5-digit KBLI 2020 code\n"));
    printf(_("      --size=SIZE          mikro, kecil, menengah or besar\n"));
    printf(_("      --address=TEXT       address\n"));
    printf(_("      --phone=PHONE        phone number\n"));
    printf(_("      --program=TAG        programme tag (repeatable)\n"));
    printf(_("  -?, --help               show this help, then exit\n"));
}

static void usage_list(void)
{
    printf(_("List the MSMEs of the register.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme list [OPTION]...\n\n"));
    printf(_("Options:\n"));
    printf(_("      --kecamatan=CODE|NAME  only this kecamatan\n"));
    printf(_("      --kelurahan=CODE|NAME  only this kelurahan\n"));
    printf(_("      --kbli=PREFIX          KBLI codes starting with PREFIX (1 to 5 "
             "digits)\n"));
    printf(_("      --size=SIZE            mikro, kecil, menengah or besar\n"));
    printf(_("      --program=TAG          only MSMEs with this programme tag\n"));
    printf(_("      --format=FORMAT        table (default), csv (importable) or json\n"));
    printf(_("  -?, --help                 show this help, then exit\n"));
}

static void usage_show(void)
{
    printf(_("Show one MSME of the register.\n\n"));
    printf(_("Usage:\n"));
    printf(_("  halaltrack msme show NIB\n"));
    printf(_("  halaltrack msme issue-code NIB\n\n"));
    printf(_("Options:\n"));
    printf(_("  -?, --help    show this help, then exit\n\n"));
    printf(
        _("The timeline of its applications is shown by \"halaltrack status NIB\".\n"));
}

/* getopt answers '?' both for -? and for an unknown option: tell them apart. */
/* ---- import ---- */

static long read_file_fn(void *arg, char *dst, size_t n)
{
    FILE *fp = arg;
    size_t got = fread(dst, 1, n, fp);

    if (got == 0 && ferror(fp))
        return -1;
    return (long)got;
}

static void print_issues(const char *file, const struct register_issue *v, size_t n,
                         const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].line)
            fprintf(stderr, "%s%s:%lu: %s: %s\n", prefix, file, v[i].line, v[i].column,
                    v[i].reason);
        else
            fprintf(stderr, "%s%s: %s: %s\n", prefix, file, v[i].column, v[i].reason);
    }
}

static int load_regions(struct store *s, struct region_index *idx)
{
    struct ht_err err = HT_ERR_INIT;

    if (store_msme_load_regions(s, idx, &err) < 0)
        return cli_fail(&err);
    if (idx->n == 0) {
        cli_error("%s",
                  _("the region table is empty; run \"halaltrack db migrate\" first"));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int do_import(struct cli_ctx *ctx, const char *path, int dry_run, int skip_invalid,
                     unsigned flags)
{
    struct ht_err err = HT_ERR_INIT;
    struct register_batch b;
    struct region_index idx = {NULL, 0};
    struct msme_upsert_counts counts = {0, 0, 0};
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct store *s = NULL;
    FILE *fp = NULL;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    enum csv_status st;
    size_t rejected;
    int rc = EXIT_FAIL;

    register_batch_init(&b, flags);
    fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        cli_error(_("cannot open '%s': %s"), path, strerror(errno));
        goto out;
    }
    r = csv_reader_new(read_file_fn, fp, NULL);
    if (!r) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    st = csv_next(r, &rec, &err);
    if (st == CSV_EOF) {
        cli_error(_("%s: empty file, expected a header row"), name);
        goto out;
    }
    if (st == CSV_BAD) {
        fprintf(stderr, "%s:%lu: header: %s\n", name, rec.line, err.msg);
        goto out;
    }
    if (st == CSV_ERROR) {
        cli_error(_("%s: %s"), name, err.msg);
        goto out;
    }
    if (register_batch_header(&b, rec.line, (const char *const *)rec.fields,
                              rec.nfields) < 0) {
        print_issues(name, b.warnings, b.nwarnings, _("warning: "));
        print_issues(name, b.issues, b.nissues, "");
        cli_error(_("%s: the header row is not usable; nothing written"), name);
        goto out;
    }
    for (;;) {
        int q = 0;

        ht_err_clear(&err);
        st = csv_next(r, &rec, &err);
        if (st == CSV_EOF)
            break;
        if (st == CSV_ERROR) {
            cli_error(_("%s: %s"), name, err.msg);
            goto out;
        }
        if (st == CSV_BAD)
            q = register_batch_bad_record(&b, rec.line, rec.bad_field, err.msg);
        else
            q = register_batch_row(&b, rec.line, (const char *const *)rec.fields,
                                   rec.nfields);
        if (q < 0) {
            cli_error("%s", _("out of memory"));
            goto out;
        }
    }
    if (register_batch_check_duplicates(&b) < 0) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    s = cli_open_store(ctx);
    if (!s)
        goto out;
    if (load_regions(s, &idx) != EXIT_OK)
        goto out;
    if (register_batch_resolve(&b, &idx) < 0) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    register_batch_finish(&b);
    print_issues(name, b.warnings, b.nwarnings, _("warning: "));
    print_issues(name, b.issues, b.nissues, "");
    if (b.issues_dropped)
        fprintf(stderr, _("%s: %zu more problems not shown\n"), name, b.issues_dropped);
    rejected = register_batch_rejected(&b);
    if (rejected && !skip_invalid) {
        cli_error(dngettext(HT_TEXTDOMAIN,
                            "%s: %zu of %zu rows rejected; nothing written "
                            "(--skip-invalid writes the %zu valid rows)",
                            "%s: %zu of %zu rows rejected; nothing written "
                            "(--skip-invalid writes the %zu valid rows)",
                            (unsigned long)rejected),
                  name, rejected, b.rows, b.nrecs);
        goto out;
    }
    if (store_msme_upsert(s, b.recs, b.nrecs, b.present, dry_run, &counts, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    printf(_("%s: %zu rows: %ld inserted, %ld updated, %ld unchanged, %zu rejected%s\n"),
           name, b.rows, counts.inserted, counts.updated, counts.unchanged, rejected,
           dry_run ? _(" (dry run: nothing written)") : "");
    if (rejected)
        cli_error(
            dngettext(HT_TEXTDOMAIN,
                      "%s: %zu row rejected (listed above); the valid rows were %s",
                      "%s: %zu rows rejected (listed above); the valid rows were %s",
                      (unsigned long)rejected),
            name, rejected, dry_run ? _("checked only") : _("written"));
    rc = EXIT_OK;
out:
    csv_reader_free(r);
    if (fp && fp != stdin)
        fclose(fp);
    region_index_release(&idx);
    register_batch_release(&b);
    store_free(s);
    return rc;
}

static int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"skip-invalid", no_argument, NULL, 'S'},
        {"allow-unknown-columns", no_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, dry_run = 0, skip = 0;
    unsigned flags = 0;

    while ((c = getopt_long(argc, argv, "n?", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            dry_run = 1;
            break;
        case 'S':
            skip = 1;
            break;
        case 'U':
            flags |= REGISTER_ALLOW_UNKNOWN_COLUMNS;
            break;
        case 'h':
        case '?':
            if (!cli_asked_help(c, argv))
                return cli_usage_hint("msme import");
            usage_import();
            return EXIT_OK;
        default:
            return cli_usage_hint("msme import");
        }
    }
    if (optind >= argc) {
        cli_error("%s", _("missing FILE"));
        return cli_usage_hint("msme import");
    }
    if (optind + 1 < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind + 1]);
        return cli_usage_hint("msme import");
    }
    return do_import(ctx, argv[optind], dry_run, skip, flags);
}

/* ---- add ---- */

static int looks_like_code(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.')
            return 0;
    return 1;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"nib", required_argument, NULL, 'N'},
        {"name", required_argument, NULL, 'm'},
        {"kelurahan", required_argument, NULL, 'k'},
        {"owner", required_argument, NULL, 'o'},
        {"kbli", required_argument, NULL, 'b'},
        {"size", required_argument, NULL, 's'},
        {"address", required_argument, NULL, 'a'},
        {"phone", required_argument, NULL, 'p'},
        {"program", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *val[REG_COL__COUNT] = {NULL};
    struct buf programs = BUF_INIT(4096);
    enum register_col cols[REG_COL__COUNT];
    const char *labels[REG_COL__COUNT], *fields[REG_COL__COUNT];
    struct register_batch b;
    struct region_index idx = {NULL, 0};
    struct ht_err err = HT_ERR_INIT;
    struct store *s = NULL;
    size_t n = 0;
    int c, rc = EXIT_FAIL, q;

    register_batch_init(&b, 0);
    while ((c = getopt_long(argc, argv, "?", opts, NULL)) != -1) {
        switch (c) {
        case 'N':
            val[REG_COL_NIB] = optarg;
            break;
        case 'm':
            val[REG_COL_NAME] = optarg;
            break;
        case 'k':
            val[REG_COL_REGION] = val[REG_COL_KELURAHAN] = NULL;
            val[looks_like_code(optarg) ? REG_COL_REGION : REG_COL_KELURAHAN] = optarg;
            break;
        case 'o':
            val[REG_COL_OWNER] = optarg;
            break;
        case 'b':
            val[REG_COL_KBLI] = optarg;
            break;
        case 's':
            val[REG_COL_SIZE] = optarg;
            break;
        case 'a':
            val[REG_COL_ADDRESS] = optarg;
            break;
        case 'p':
            val[REG_COL_PHONE] = optarg;
            break;
        case 'P':
            if ((programs.len && buf_addch(&programs, ';') < 0) ||
                buf_adds(&programs, optarg) < 0) {
                cli_error("%s", _("too many --program tags"));
                rc = cli_usage_hint("msme add");
                goto out;
            }
            val[REG_COL_PROGRAM] = buf_str(&programs);
            break;
        case 'h':
        case '?':
            if (!cli_asked_help(c, argv)) {
                rc = cli_usage_hint("msme add");
                goto out;
            }
            usage_add();
            rc = EXIT_OK;
            goto out;
        default:
            rc = cli_usage_hint("msme add");
            goto out;
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        rc = cli_usage_hint("msme add");
        goto out;
    }
    if (!val[REG_COL_NIB] || !val[REG_COL_NAME] ||
        (!val[REG_COL_REGION] && !val[REG_COL_KELURAHAN])) {
        cli_error(_("missing required option: %s"), !val[REG_COL_NIB]    ? "--nib"
                                                    : !val[REG_COL_NAME] ? "--name"
                                                                         : "--kelurahan");
        rc = cli_usage_hint("msme add");
        goto out;
    }
    {
        static const char *const opt_label[REG_COL__COUNT] = {
            [REG_COL_NIB] = "--nib",
            [REG_COL_NAME] = "--name",
            [REG_COL_OWNER] = "--owner",
            [REG_COL_KBLI] = "--kbli",
            [REG_COL_SIZE] = "--size",
            [REG_COL_REGION] = "--kelurahan",
            [REG_COL_KELURAHAN] = "--kelurahan",
            [REG_COL_ADDRESS] = "--address",
            [REG_COL_PHONE] = "--phone",
            [REG_COL_PROGRAM] = "--program",
        };

        for (int k = 0; k < REG_COL__COUNT; k++) {
            if (!val[k])
                continue;
            cols[n] = (enum register_col)k;
            labels[n] = opt_label[k];
            fields[n] = val[k];
            n++;
        }
    }
    if (register_batch_columns(&b, cols, labels, n) < 0 ||
        (q = register_batch_row(&b, 0, fields, n)) < 0) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    if (q != 0 || b.nrecs != 1) {
        /* The values themselves are malformed: a usage error. */
        for (size_t i = 0; i < b.nissues; i++)
            cli_error("%s: %s", b.issues[i].column, b.issues[i].reason);
        if (!b.nissues)
            cli_error("%s", _("all values are empty"));
        rc = cli_usage_hint("msme add");
        goto out;
    }
    s = cli_open_store(ctx);
    if (!s || load_regions(s, &idx) != EXIT_OK)
        goto out;
    if (register_batch_resolve(&b, &idx) < 0) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    if (b.recs[0].bad) {
        for (size_t i = 0; i < b.nissues; i++)
            cli_error("%s: %s", b.issues[i].column, b.issues[i].reason);
        goto out;
    }
    q = store_msme_insert(s, &b.recs[0], &err);
    if (q < 0) {
        cli_fail(&err);
        goto out;
    }
    if (q == 1) {
        cli_error(_("an MSME with NIB '%s' is already in the register"), b.recs[0].nib);
        goto out;
    }
    printf(_("added MSME %s (%s) in kelurahan %s\n"), b.recs[0].nib,
           b.recs[0].business_name, b.recs[0].kelurahan_code);
    rc = EXIT_OK;
out:
    buf_release(&programs);
    region_index_release(&idx);
    register_batch_release(&b);
    store_free(s);
    return rc;
}

/* ---- list ---- */

enum list_format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* Display width of a UTF-8 string, counted in code points. */
static size_t width_of(const char *s)
{
    return s ? register_utf8_len(s) : 0;
}

/* Writes s padded (or cut, ending in "...") to w code points. */
static void put_cell(const char *s, size_t w, int last)
{
    size_t len = width_of(s), cps = 0;

    if (!s)
        s = "";
    if (len > w) {
        const char *p = s;

        /* Copy w - 3 code points, then "...". */
        for (; *p && cps < w - 3; p++) {
            if (((unsigned char)p[1] & 0xC0) != 0x80)
                cps++;
        }
        fwrite(s, 1, (size_t)(p - s), stdout);
        fputs("...", stdout);
        len = w;
    } else {
        fputs(s, stdout);
    }
    if (!last)
        for (size_t i = len; i < w + 2; i++)
            putchar(' ');
}

static void print_table(const struct msme_row *v, size_t n)
{
    const char *head[7] = {_("NIB"),  _("business name"), _("kelurahan"), _("kecamatan"),
                           _("KBLI"), _("size"),          _("programs")};
    size_t w[7];
    static const size_t maxw[7] = {13, 40, 20, 20, 5, 8, 30};

    for (int k = 0; k < 7; k++)
        w[k] = width_of(head[k]);
    for (size_t i = 0; i < n; i++) {
        const char *cells[7] = {
            v[i].nib,  v[i].business_name, v[i].kelurahan_name, v[i].kecamatan_name,
            v[i].kbli, v[i].size_class,    v[i].programs};

        for (int k = 0; k < 7; k++) {
            size_t cw = width_of(cells[k]);

            if (cw > w[k])
                w[k] = cw > maxw[k] ? maxw[k] : cw;
        }
    }
    for (int k = 0; k < 7; k++)
        put_cell(head[k], w[k], k == 6);
    putchar('\n');
    for (int k = 0; k < 7; k++) {
        for (size_t i = 0; i < w[k]; i++)
            putchar('-');
        if (k < 6)
            fputs("  ", stdout);
    }
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        const char *cells[7] = {
            v[i].nib,  v[i].business_name, v[i].kelurahan_name, v[i].kecamatan_name,
            v[i].kbli, v[i].size_class,    v[i].programs};

        for (int k = 0; k < 7; k++) {
            /* Keep one line per MSME: a multi-line value shows its first line. */
            char one[256];
            const char *c = cells[k] ? cells[k] : "";

            snprintf(one, sizeof(one), "%.*s", (int)strcspn(c, "\n"), c);
            put_cell(one, w[k], k == 6);
        }
        putchar('\n');
    }
    printf(dngettext(HT_TEXTDOMAIN, "(%zu MSME)\n", "(%zu MSMEs)\n", (unsigned long)n),
           n);
}

static int print_csv(const struct msme_row *v, size_t n)
{
    struct buf b = BUF_INIT(MSME_OUT_CAP);
    int rc = -1;

    if (buf_adds(
            &b,
            "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,telepon,program\n") <
        0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *cells[9] = {v[i].nib,     v[i].business_name, v[i].owner_name,
                                v[i].kbli,    v[i].size_class,    v[i].kelurahan_code,
                                v[i].address, v[i].phone,         v[i].programs};

        for (int k = 0; k < 9; k++)
            if ((k && buf_addch(&b, ',') < 0) || csv_write_field(&b, cells[k], 0) < 0)
                goto out;
        if (buf_adds(&b, "\r\n") < 0)
            goto out;
        if (b.len > MSME_OUT_CAP / 2) {
            fwrite(b.ptr, 1, b.len, stdout);
            buf_reset(&b);
        }
    }
    fwrite(buf_str(&b), 1, b.len, stdout);
    rc = 0;
out:
    buf_release(&b);
    return rc;
}

static int json_field(struct buf *b, const char *key, const char *val, int first)
{
    return (!first && buf_addch(b, ',') < 0) || register_json_str(b, key) < 0 ||
                   buf_addch(b, ':') < 0 || register_json_str(b, val) < 0
               ? -1
               : 0;
}

static int print_json(const struct msme_row *v, size_t n)
{
    struct buf b = BUF_INIT(MSME_OUT_CAP);
    int rc = -1;

    if (buf_addch(&b, '[') < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct msme_row *m = &v[i];

        if (buf_adds(&b, i ? ",\n{" : "\n{") < 0 ||
            json_field(&b, "nib", m->nib, 1) < 0 ||
            json_field(&b, "business_name", m->business_name, 0) < 0 ||
            json_field(&b, "owner", m->owner_name, 0) < 0 ||
            json_field(&b, "kbli", m->kbli, 0) < 0 ||
            json_field(&b, "size", m->size_class, 0) < 0 ||
            json_field(&b, "kelurahan_code", m->kelurahan_code, 0) < 0 ||
            json_field(&b, "kelurahan", m->kelurahan_name, 0) < 0 ||
            json_field(&b, "kecamatan_code", m->kecamatan_code, 0) < 0 ||
            json_field(&b, "kecamatan", m->kecamatan_name, 0) < 0 ||
            json_field(&b, "address", m->address, 0) < 0 ||
            json_field(&b, "phone", m->phone, 0) < 0 ||
            buf_adds(&b, ",\"programs\":[") < 0)
            goto out;
        if (m->programs && *m->programs) {
            const char *p = m->programs;
            int first = 1;

            while (*p) {
                size_t len = strcspn(p, ";");
                char tag[64];

                snprintf(tag, sizeof(tag), "%.*s", (int)(len < 63 ? len : 63), p);
                if ((!first && buf_addch(&b, ',') < 0) || register_json_str(&b, tag) < 0)
                    goto out;
                first = 0;
                p += len;
                if (*p == ';')
                    p++;
            }
        }
        if (buf_adds(&b, "]}") < 0)
            goto out;
        if (b.len > MSME_OUT_CAP / 2) {
            fwrite(b.ptr, 1, b.len, stdout);
            buf_reset(&b);
        }
    }
    if (buf_adds(&b, n ? "\n]\n" : "]\n") < 0)
        goto out;
    fwrite(buf_str(&b), 1, b.len, stdout);
    rc = 0;
out:
    buf_release(&b);
    return rc;
}

static int resolve_arg(const struct region_index *idx, const char *level, const char *opt,
                       const char *text, const char **code)
{
    const struct region_entry *e = NULL;
    struct ht_err err = HT_ERR_INIT;

    if (!text)
        return 0;
    if (region_index_resolve(idx, level, text, &e, &err) < 0) {
        cli_error("%s: %s", opt, err.msg);
        return -1;
    }
    *code = e->code;
    return 0;
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"kecamatan", required_argument, NULL, 'c'},
        {"kelurahan", required_argument, NULL, 'k'},
        {"kbli", required_argument, NULL, 'b'},
        {"size", required_argument, NULL, 's'},
        {"program", required_argument, NULL, 'P'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kec = NULL, *kel = NULL;
    struct msme_filter f = {NULL, NULL, NULL, NULL, NULL};
    enum list_format fmt = FMT_TABLE;
    struct region_index idx = {NULL, 0};
    struct ht_err err = HT_ERR_INIT;
    struct msme_row *rows = NULL;
    struct store *s = NULL;
    char program[64];
    size_t n = 0;
    int c, rc = EXIT_FAIL;

    while ((c = getopt_long(argc, argv, "?", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            kec = optarg;
            break;
        case 'k':
            kel = optarg;
            break;
        case 'b': {
            size_t len = strlen(optarg);

            if (len < 1 || len > 5 || strspn(optarg, "0123456789") != len) {
                cli_error(_("invalid --kbli '%s': expected 1 to 5 digits"), optarg);
                return cli_usage_hint("msme list");
            }
            f.kbli_prefix = optarg;
            break;
        }
        case 's':
            if (!(f.size_class = register_size_parse(optarg))) {
                cli_error(
                    _("invalid --size '%s': expected mikro, kecil, menengah or besar"),
                    optarg);
                return cli_usage_hint("msme list");
            }
            break;
        case 'P':
            snprintf(program, sizeof(program), "%s", optarg);
            for (char *p = program; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            f.program = program;
            break;
        case 'f':
            if (strcmp(optarg, "table") == 0)
                fmt = FMT_TABLE;
            else if (strcmp(optarg, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                fmt = FMT_JSON;
            else {
                cli_error(_("invalid --format '%s': expected table, csv or json"),
                          optarg);
                return cli_usage_hint("msme list");
            }
            break;
        case 'h':
        case '?':
            if (!cli_asked_help(c, argv))
                return cli_usage_hint("msme list");
            usage_list();
            return EXIT_OK;
        default:
            return cli_usage_hint("msme list");
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        return cli_usage_hint("msme list");
    }
    s = cli_open_store(ctx);
    if (!s)
        goto out;
    if ((kec || kel) && load_regions(s, &idx) != EXIT_OK)
        goto out;
    if (resolve_arg(&idx, "kecamatan", "--kecamatan", kec, &f.kecamatan_code) < 0 ||
        resolve_arg(&idx, "kelurahan", "--kelurahan", kel, &f.kelurahan_code) < 0)
        goto out;
    if (store_msme_list(s, &f, &rows, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    if (fmt == FMT_TABLE)
        print_table(rows, n);
    else if ((fmt == FMT_CSV ? print_csv(rows, n) : print_json(rows, n)) < 0) {
        cli_error("%s", _("output is too large"));
        goto out;
    }
    if (fflush(stdout) != 0) {
        cli_error(_("cannot write the output: %s"), strerror(errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    msme_rows_free(rows, n);
    region_index_release(&idx);
    store_free(s);
    return rc;
}

/* ---- show ---- */

static void card_line(const char *label, const char *value)
{
    const char *p = value && *value ? value : "-";

    printf("%-16s ", label);
    /* Continuation lines of a multi-line value are indented under the first. */
    for (; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("%-16s ", "");
    }
    putchar('\n');
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ht_err err = HT_ERR_INIT;
    struct msme_row m;
    struct store *s = NULL;
    char tmp[512];
    int c, q, rc = EXIT_FAIL;

    memset(&m, 0, sizeof(m));
    while ((c = getopt_long(argc, argv, "?", opts, NULL)) != -1) {
        if (cli_asked_help(c, argv)) {
            usage_show();
            return EXIT_OK;
        }
        return cli_usage_hint("msme show");
    }
    if (optind >= argc) {
        cli_error("%s", _("missing NIB"));
        return cli_usage_hint("msme show");
    }
    if (optind + 1 < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind + 1]);
        return cli_usage_hint("msme show");
    }
    if (ident_check_nib(argv[optind], &err) < 0) {
        cli_error(_("invalid NIB: %s"), err.msg);
        return cli_usage_hint("msme show");
    }
    s = cli_open_store(ctx);
    if (!s)
        goto out;
    q = store_msme_get(s, argv[optind], &m, &err);
    if (q < 0) {
        cli_fail(&err);
        goto out;
    }
    if (q == 1) {
        cli_error(_("no MSME with NIB '%s' in the register"), argv[optind]);
        goto out;
    }
    card_line(_("NIB"), m.nib);
    card_line(_("Business name"), m.business_name);
    card_line(_("Owner"), m.owner_name);
    if (m.kbli && m.kbli_title)
        snprintf(tmp, sizeof(tmp), "%s %s", m.kbli, m.kbli_title);
    else
        snprintf(tmp, sizeof(tmp), "%s", m.kbli ? m.kbli : "");
    card_line(_("KBLI"), tmp);
    card_line(_("Size"), m.size_class);
    snprintf(tmp, sizeof(tmp), "%s (%s)", m.kelurahan_name ? m.kelurahan_name : "?",
             m.kelurahan_code);
    card_line(_("Kelurahan"), tmp);
    snprintf(tmp, sizeof(tmp), "%s (%s)", m.kecamatan_name ? m.kecamatan_name : "?",
             m.kecamatan_code ? m.kecamatan_code : "?");
    card_line(_("Kecamatan"), tmp);
    card_line(_("Kota"), m.kota_name);
    card_line(_("Address"), m.address);
    card_line(_("Phone"), m.phone);
    card_line(_("Programs"), m.programs);
    card_line(_("Registered"), m.created_at);
    card_line(_("Updated"), m.updated_at);
    if (m.applications > 0) {
        snprintf(tmp, sizeof(tmp),
                 dngettext(HT_TEXTDOMAIN,
                           "%ld application (timeline: halaltrack status %s)",
                           "%ld applications (timeline: halaltrack status %s)",
                           (unsigned long)m.applications),
                 m.applications, m.nib);
        card_line(_("Applications"), tmp);
    }
    rc = EXIT_OK;
out:
    msme_row_release(&m);
    store_free(s);
    return rc;
}

int cmd_msme(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(struct cli_ctx *, int, char **);
    } subs[] = {
        {"import", cmd_import},
        {"add", cmd_add},
        {"list", cmd_list},
        {"show", cmd_show},
        {"issue-code", cmd_msme_issue_code},
    };

    if (argc < 2) {
        cli_error("%s", _("missing subcommand: import, add, list, show or issue-code"));
        return cli_usage_hint("msme");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0) {
        usage();
        return EXIT_OK;
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(subs); i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(ctx, argc - 1, argv + 1);
    cli_error(_("unknown subcommand '%s'"), argv[1]);
    return cli_usage_hint("msme");
}

/* halaltrack msme: import the office's register (CSV), add one MSME, list and show. */
#include <ctype.h>
#include <errno.h>
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
    printf(_("      --certificate=NUMBER a halal certificate number the MSME reports\n"
             "                           (verified against the public search)\n"));
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
    printf(_("  halaltrack msme show [--format=FORMAT] NIB\n"));
    printf(_("  halaltrack msme issue-code NIB\n\n"));
    printf(_("Options:\n"));
    printf(
        _("  -f, --format=FORMAT   table (the card, default), csv or json (the columns\n"
          "                        of msme list)\n"));
    printf(_("  -?, --help            show this help, then exit\n\n"));
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

/* Reads the header row into b. Returns 0, or -1 after printing why (nothing to import).
 */
static int read_header(struct csv_reader *r, const char *name, struct register_batch *b)
{
    struct ht_err err = HT_ERR_INIT;
    struct csv_record rec;
    enum csv_status st = csv_next(r, &rec, &err);

    if (st == CSV_EOF) {
        cli_error(_("%s: empty file, expected a header row"), name);
        return -1;
    }
    if (st == CSV_BAD) {
        fprintf(stderr, "%s:%lu: header: %s\n", name, rec.line, err.msg);
        return -1;
    }
    if (st == CSV_ERROR) {
        cli_error(_("%s: %s"), name, err.msg);
        return -1;
    }
    if (register_batch_header(b, rec.line, (const char *const *)rec.fields, rec.nfields) <
        0) {
        print_issues(name, b->warnings, b->nwarnings, _("warning: "));
        print_issues(name, b->issues, b->nissues, "");
        cli_error(_("%s: the header row is not usable; nothing written"), name);
        return -1;
    }
    return 0;
}

/* Validates every data row into b (a bad record becomes an issue, reading goes on).
 * Returns 0, or -1 after printing why (an I/O error or no memory). */
static int read_rows(struct csv_reader *r, const char *name, struct register_batch *b)
{
    for (;;) {
        struct ht_err err = HT_ERR_INIT;
        struct csv_record rec;
        enum csv_status st = csv_next(r, &rec, &err);
        int q;

        if (st == CSV_EOF)
            break;
        if (st == CSV_ERROR) {
            cli_error(_("%s: %s"), name, err.msg);
            return -1;
        }
        q = st == CSV_BAD
                ? register_batch_bad_record(b, rec.line, rec.bad_field, err.msg)
                : register_batch_row(b, rec.line, (const char *const *)rec.fields,
                                     rec.nfields);
        if (q < 0) {
            cli_error("%s", _("out of memory"));
            return -1;
        }
    }
    if (register_batch_check_duplicates(b) < 0) {
        cli_error("%s", _("out of memory"));
        return -1;
    }
    return 0;
}

/* Resolves the kelurahan of every row and prints every problem found. */
static int resolve_rows(struct store *s, const char *name, struct register_batch *b)
{
    struct region_index idx = {NULL, 0};
    int rc = load_regions(s, &idx) == EXIT_OK ? 0 : -1;

    if (rc == 0 && register_batch_resolve(b, &idx) < 0) {
        cli_error("%s", _("out of memory"));
        rc = -1;
    }
    region_index_release(&idx);
    if (rc < 0)
        return -1;
    register_batch_finish(b);
    print_issues(name, b->warnings, b->nwarnings, _("warning: "));
    print_issues(name, b->issues, b->nissues, "");
    if (b->issues_dropped)
        fprintf(stderr, _("%s: %zu more problems not shown\n"), name, b->issues_dropped);
    return 0;
}

/* Writes the good rows (all or nothing unless skip_invalid) and prints the counts. */
static int write_rows(struct store *s, const char *name, struct register_batch *b,
                      int dry_run, int skip_invalid)
{
    struct msme_upsert_counts counts = {0, 0, 0};
    struct ht_err err = HT_ERR_INIT;
    size_t rejected = register_batch_rejected(b);

    if (rejected && !skip_invalid) {
        cli_error(dngettext(HT_TEXTDOMAIN,
                            "%s: %zu of %zu rows rejected; nothing written "
                            "(--skip-invalid writes the %zu valid rows)",
                            "%s: %zu of %zu rows rejected; nothing written "
                            "(--skip-invalid writes the %zu valid rows)",
                            (unsigned long)rejected),
                  name, rejected, b->rows, b->nrecs);
        return EXIT_FAIL;
    }
    if (store_msme_upsert(s, b->recs, b->nrecs, b->present, dry_run, &counts, &err) < 0)
        return cli_fail(&err);
    printf(_("%s: %zu rows: %ld inserted, %ld updated, %ld unchanged, %zu rejected%s\n"),
           name, b->rows, counts.inserted, counts.updated, counts.unchanged, rejected,
           dry_run ? _(" (dry run: nothing written)") : "");
    if (rejected)
        cli_error(
            dngettext(HT_TEXTDOMAIN,
                      "%s: %zu row rejected (listed above); the valid rows were %s",
                      "%s: %zu rows rejected (listed above); the valid rows were %s",
                      (unsigned long)rejected),
            name, rejected, dry_run ? _("checked only") : _("written"));
    return EXIT_OK;
}

static int do_import(struct cli_ctx *ctx, const char *path, int dry_run, int skip_invalid,
                     unsigned flags)
{
    struct register_batch b;
    struct csv_reader *r = NULL;
    struct store *s = NULL;
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    const char *name = fp == stdin ? "<stdin>" : path;
    int rc = EXIT_FAIL;

    register_batch_init(&b, flags);
    if (!fp) {
        cli_error(_("cannot open '%s': %s"), path, strerror(errno));
        goto out;
    }
    if (!(r = csv_reader_new(read_file_fn, fp, NULL))) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    /* The whole file is checked before the database is opened. */
    if (read_header(r, name, &b) < 0 || read_rows(r, name, &b) < 0)
        goto out;
    if (!(s = cli_open_store(ctx)) || resolve_rows(s, name, &b) < 0)
        goto out;
    rc = write_rows(s, name, &b, dry_run, skip_invalid);
out:
    csv_reader_free(r);
    if (fp && fp != stdin)
        fclose(fp);
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
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("msme import", usage_import, 0, OUT_TABLE);
    int c, rc, dry_run = 0, skip = 0;
    unsigned flags = 0;

    while ((c = cli_getopt(&p, argc, argv, "n", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if (c == 'n')
            dry_run = 1;
        else if (c == 'S')
            skip = 1;
        else if (c == 'U')
            flags |= REGISTER_ALLOW_UNKNOWN_COLUMNS;
        else
            return cli_usage_hint(p.cmd);
    }
    if ((rc = cli_args(&p, argc, argv, 1, 1, "FILE")) != 0)
        return rc;
    return do_import(ctx, argv[optind], dry_run, skip, flags);
}

/* ---- add ---- */

/* The option of msme add that gives each register column. */
static const char *const add_option[REG_COL__COUNT] = {
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
    [REG_COL_CERTIFICATE] = "--certificate",
};

/* Reads the options of msme add into val (per register column; the --program tags
 * joined by ';' in programs). Returns CLI_CONTINUE or an exit code. */
static int add_options(struct cli_parse *p, int argc, char **argv,
                       const char *val[REG_COL__COUNT], struct buf *programs)
{
    static const struct option opts[] = {
        {"nib", required_argument, NULL, REG_COL_NIB + 1},
        {"name", required_argument, NULL, REG_COL_NAME + 1},
        {"kelurahan", required_argument, NULL, REG_COL_KELURAHAN + 1},
        {"owner", required_argument, NULL, REG_COL_OWNER + 1},
        {"kbli", required_argument, NULL, REG_COL_KBLI + 1},
        {"size", required_argument, NULL, REG_COL_SIZE + 1},
        {"address", required_argument, NULL, REG_COL_ADDRESS + 1},
        {"phone", required_argument, NULL, REG_COL_PHONE + 1},
        {"program", required_argument, NULL, REG_COL_PROGRAM + 1},
        {"certificate", required_argument, NULL, REG_COL_CERTIFICATE + 1},
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    int c;

    while ((c = cli_getopt(p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p->exit;
        if (c < 1 || c > REG_COL__COUNT)
            return cli_usage_hint(p->cmd);
        if (c - 1 == REG_COL_KELURAHAN) {
            /* A code or a name: the column follows from the shape. */
            val[REG_COL_REGION] = val[REG_COL_KELURAHAN] = NULL;
            val[region_code_shape(optarg, NULL) ? REG_COL_REGION : REG_COL_KELURAHAN] =
                optarg;
        } else if (c - 1 == REG_COL_PROGRAM) {
            if ((programs->len && buf_addch(programs, ';') < 0) ||
                buf_adds(programs, optarg) < 0) {
                cli_error("%s", _("too many --program tags"));
                return cli_usage_hint(p->cmd);
            }
            val[REG_COL_PROGRAM] = buf_str(programs);
        } else {
            val[c - 1] = optarg;
        }
    }
    if (!val[REG_COL_NIB] || !val[REG_COL_NAME] ||
        (!val[REG_COL_REGION] && !val[REG_COL_KELURAHAN])) {
        cli_error(_("missing required option: %s"), !val[REG_COL_NIB]    ? "--nib"
                                                    : !val[REG_COL_NAME] ? "--name"
                                                                         : "--kelurahan");
        return cli_usage_hint(p->cmd);
    }
    return cli_args(p, argc, argv, 0, 0, NULL) ? EXIT_USAGE : CLI_CONTINUE;
}

static void print_issues_of(const struct register_batch *b)
{
    for (size_t i = 0; i < b->nissues; i++)
        cli_error("%s: %s", b->issues[i].column, b->issues[i].reason);
}

/* Validates the given values as one register row into b. Returns CLI_CONTINUE or an
 * exit code. */
static int add_validate(const struct cli_parse *p, const char *val[REG_COL__COUNT],
                        struct register_batch *b)
{
    enum register_col cols[REG_COL__COUNT];
    const char *labels[REG_COL__COUNT], *fields[REG_COL__COUNT];
    size_t n = 0;
    int q;

    for (int k = 0; k < REG_COL__COUNT; k++) {
        if (!val[k])
            continue;
        cols[n] = (enum register_col)k;
        labels[n] = add_option[k];
        fields[n] = val[k];
        n++;
    }
    if (register_batch_columns(b, cols, labels, n) < 0 ||
        (q = register_batch_row(b, 0, fields, n)) < 0) {
        cli_error("%s", _("out of memory"));
        return EXIT_FAIL;
    }
    if (q != 0 || b->nrecs != 1) {
        /* The values themselves are malformed: a usage error. */
        print_issues_of(b);
        if (!b->nissues)
            cli_error("%s", _("all values are empty"));
        return cli_usage_hint(p->cmd);
    }
    return CLI_CONTINUE;
}

/* Resolves the kelurahan of b's one record and inserts it. Returns an exit code. */
static int add_insert(struct cli_ctx *ctx, struct register_batch *b)
{
    struct region_index idx = {NULL, 0};
    struct ht_err err = HT_ERR_INIT;
    const struct msme_record *r = &b->recs[0];
    struct store *s = cli_open_store(ctx);
    int q, rc = EXIT_FAIL;

    if (!s || load_regions(s, &idx) != EXIT_OK)
        goto out;
    if (register_batch_resolve(b, &idx) < 0) {
        cli_error("%s", _("out of memory"));
        goto out;
    }
    if (r->bad) {
        print_issues_of(b);
        goto out;
    }
    q = store_msme_insert(s, r, &err);
    if (q < 0) {
        cli_fail(&err);
    } else if (q == 1) {
        cli_error(_("an MSME with NIB '%s' is already in the register"), r->nib);
    } else {
        printf(_("added MSME %s (%s) in kelurahan %s\n"), r->nib, r->business_name,
               r->kelurahan_code);
        rc = EXIT_OK;
    }
out:
    region_index_release(&idx);
    store_free(s);
    return rc;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("msme add", usage_add, 0, OUT_TABLE);
    const char *val[REG_COL__COUNT] = {NULL};
    struct buf programs = BUF_INIT(4096);
    struct register_batch b;
    int rc;

    register_batch_init(&b, 0);
    if ((rc = add_options(&p, argc, argv, val, &programs)) == CLI_CONTINUE &&
        (rc = add_validate(&p, val, &b)) == CLI_CONTINUE)
        rc = add_insert(ctx, &b);
    buf_release(&programs);
    register_batch_release(&b);
    return rc;
}

/* ---- list ---- */

/* One MSME in every format: the text table shows the register at a glance, CSV is the
 * importable register (Indonesian headers, docs/register.md), JSON every field in
 * English. */
enum {
    ML_NIB,
    ML_NAME,
    ML_NAMA,
    ML_OWNER,
    ML_PEMILIK,
    ML_KBLI,
    ML_SIZE,
    ML_SKALA,
    ML_KEL_CODE,
    ML_KODE_WILAYAH,
    ML_KEL,
    ML_KEC_CODE,
    ML_KEC,
    ML_ADDRESS,
    ML_ALAMAT,
    ML_PHONE,
    ML_TELEPON,
    ML_PROGRAMS,
    ML_PROGRAM,
    ML__COUNT
};
#define CSV_ONLY (OUT_NO_TABLE | OUT_NO_JSON)
#define JSON_ONLY (OUT_NO_TABLE | OUT_NO_CSV)
static const struct out_col msme_cols[ML__COUNT] = {
    {"nib", "NIB", OUT_KEEP},
    {"business_name", N_("business name"), OUT_NARROW | OUT_NO_CSV},
    {"nama_usaha", "", CSV_ONLY},
    {"owner", "", JSON_ONLY},
    {"pemilik", "", CSV_ONLY},
    {"kbli", "KBLI", 0},
    {"size", N_("size"), OUT_NO_CSV},
    {"skala", "", CSV_ONLY},
    {"kelurahan_code", "", JSON_ONLY},
    {"kode_wilayah", "", CSV_ONLY},
    {"kelurahan", N_("kelurahan"), OUT_NARROW | OUT_NO_CSV},
    {"kecamatan_code", "", JSON_ONLY},
    {"kecamatan", N_("kecamatan"), OUT_NARROW | OUT_NO_CSV},
    {"address", "", JSON_ONLY},
    {"alamat", "", CSV_ONLY},
    {"phone", "", JSON_ONLY},
    {"telepon", "", CSV_ONLY},
    {"programs", N_("programs"), OUT_NARROW | OUT_LIST | OUT_NO_CSV},
    {"program", "", CSV_ONLY},
};

static int add_msme_row(struct out_table *t, const struct msme_row *m)
{
    const char *row[ML__COUNT] = {
        [ML_NIB] = m->nib,
        [ML_NAME] = m->business_name,
        [ML_NAMA] = m->business_name,
        [ML_OWNER] = m->owner_name,
        [ML_PEMILIK] = m->owner_name,
        [ML_KBLI] = m->kbli,
        [ML_SIZE] = m->size_class,
        [ML_SKALA] = m->size_class,
        [ML_KEL_CODE] = m->kelurahan_code,
        [ML_KODE_WILAYAH] = m->kelurahan_code,
        [ML_KEL] = m->kelurahan_name,
        [ML_KEC_CODE] = m->kecamatan_code,
        [ML_KEC] = m->kecamatan_name,
        [ML_ADDRESS] = m->address,
        [ML_ALAMAT] = m->address,
        [ML_PHONE] = m->phone,
        [ML_TELEPON] = m->phone,
        [ML_PROGRAMS] = m->programs,
        [ML_PROGRAM] = m->programs,
    };

    return cli_add_row(t, 0, row);
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

struct list_args {
    const char *kecamatan, *kelurahan;
    struct msme_filter f;
    char program[64];
};

/* One option of msme list into a. Returns 0 or an exit code. */
static int list_option(struct cli_parse *p, int c, struct list_args *a)
{
    size_t len;

    switch (c) {
    case 'c':
        a->kecamatan = optarg;
        return 0;
    case 'k':
        a->kelurahan = optarg;
        return 0;
    case 'b':
        len = strlen(optarg);
        if (len < 1 || len > 5 || strspn(optarg, "0123456789") != len) {
            cli_error(_("invalid --kbli '%s': expected 1 to 5 digits"), optarg);
            return cli_usage_hint(p->cmd);
        }
        a->f.kbli_prefix = optarg;
        return 0;
    case 's':
        if (!(a->f.size_class = register_size_parse(optarg))) {
            cli_error(_("invalid --size '%s': expected mikro, kecil, menengah or besar"),
                      optarg);
            return cli_usage_hint(p->cmd);
        }
        return 0;
    case 'P':
        snprintf(a->program, sizeof(a->program), "%s", optarg);
        for (char *q = a->program; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        a->f.program = a->program;
        return 0;
    default:
        return cli_usage_hint(p->cmd);
    }
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"kecamatan", required_argument, NULL, 'c'},
        {"kelurahan", required_argument, NULL, 'k'},
        {"kbli", required_argument, NULL, 'b'},
        {"size", required_argument, NULL, 's'},
        {"program", required_argument, NULL, 'P'},
        CLI_OPT_FORMAT,
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    struct cli_parse p = CLI_PARSE("msme list", usage_list, OUT_ROWS, OUT_TABLE);
    struct list_args a;
    struct region_index idx = {NULL, 0};
    struct ht_err err = HT_ERR_INIT;
    struct msme_row *rows = NULL;
    struct store *s = NULL;
    struct out_table t;
    size_t n = 0;
    int c, rc;

    memset(&a, 0, sizeof(a));
    while ((c = cli_getopt(&p, argc, argv, "", opts)) != -1) {
        if (c == CLI_OPT_EXIT)
            return p.exit;
        if ((rc = list_option(&p, c, &a)) != 0)
            return rc;
    }
    if ((rc = cli_args(&p, argc, argv, 0, 0, NULL)) != 0)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, msme_cols, ML__COUNT)))
        goto out;
    if ((a.kecamatan || a.kelurahan) && load_regions(s, &idx) != EXIT_OK)
        goto out;
    if (resolve_arg(&idx, "kecamatan", "--kecamatan", a.kecamatan, &a.f.kecamatan_code) <
            0 ||
        resolve_arg(&idx, "kelurahan", "--kelurahan", a.kelurahan, &a.f.kelurahan_code) <
            0)
        goto out;
    if (store_msme_list(s, &a.f, &rows, &n, &err) < 0) {
        cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (add_msme_row(&t, &rows[i]) < 0)
            goto out;
    rc = cli_print(ctx, &t, p.format);
    if (rc == EXIT_OK && p.format == OUT_TABLE)
        printf(
            dngettext(HT_TEXTDOMAIN, "(%zu MSME)\n", "(%zu MSMEs)\n", (unsigned long)n),
            n);
out:
    out_table_release(&t);
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

/* The card of msme show. */
static void print_card(const struct msme_row *m)
{
    char tmp[512];

    card_line(_("NIB"), m->nib);
    card_line(_("Business name"), m->business_name);
    card_line(_("Owner"), m->owner_name);
    if (m->kbli && m->kbli_title)
        snprintf(tmp, sizeof(tmp), "%s %s", m->kbli, m->kbli_title);
    else
        snprintf(tmp, sizeof(tmp), "%s", m->kbli ? m->kbli : "");
    card_line(_("KBLI"), tmp);
    card_line(_("Size"), m->size_class);
    snprintf(tmp, sizeof(tmp), "%s (%s)", m->kelurahan_name ? m->kelurahan_name : "?",
             m->kelurahan_code);
    card_line(_("Kelurahan"), tmp);
    snprintf(tmp, sizeof(tmp), "%s (%s)", m->kecamatan_name ? m->kecamatan_name : "?",
             m->kecamatan_code ? m->kecamatan_code : "?");
    card_line(_("Kecamatan"), tmp);
    card_line(_("Kota"), m->kota_name);
    card_line(_("Address"), m->address);
    card_line(_("Phone"), m->phone);
    card_line(_("Programs"), m->programs);
    card_line(_("Registered"), m->created_at);
    card_line(_("Updated"), m->updated_at);
    if (m->applications > 0) {
        snprintf(tmp, sizeof(tmp),
                 dngettext(HT_TEXTDOMAIN,
                           "%ld application (timeline: halaltrack status %s)",
                           "%ld applications (timeline: halaltrack status %s)",
                           (unsigned long)m->applications),
                 m->applications, m->nib);
        card_line(_("Applications"), tmp);
    }
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_parse p = CLI_PARSE("msme show", usage_show, OUT_ROWS, OUT_TABLE);
    struct ht_err err = HT_ERR_INIT;
    struct msme_row m;
    struct store *s = NULL;
    struct out_table t;
    int q, rc;

    memset(&m, 0, sizeof(m));
    if ((rc = cli_parse_plain(&p, argc, argv, 1, 1, "NIB")) != CLI_CONTINUE ||
        (rc = cli_nib_arg(&p, argv[optind])) != CLI_CONTINUE)
        return rc;
    rc = EXIT_FAIL;
    if (!(s = cli_open_table(ctx, &t, msme_cols, ML__COUNT)))
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
    if (p.format == OUT_TABLE) {
        print_card(&m);
        rc = EXIT_OK;
    } else if (add_msme_row(&t, &m) == 0) {
        rc = cli_print(ctx, &t, p.format);
    }
out:
    out_table_release(&t);
    msme_row_release(&m);
    store_free(s);
    return rc;
}

int cmd_msme(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"import", cmd_import},
        {"add", cmd_add},
        {"list", cmd_list},
        {"show", cmd_show},
        {"issue-code", cmd_msme_issue_code},
    };

    return cli_dispatch(ctx, "msme", subs, HT_ARRAY_LEN(subs), usage, argc, argv);
}

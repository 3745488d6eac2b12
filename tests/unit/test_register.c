/* Register: header mapping (Indonesian and English), every row validation rule, duplicate
 * NIBs, kelurahan resolution (code, name, ambiguous), defused CSV values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/register.h"

static const char *const canon_header[] = {"nib",    "nama_usaha", "pemilik",
                                           "kbli",   "skala",      "kode_wilayah",
                                           "alamat", "telepon",    "program"};

static void batch_canon(struct register_batch *b)
{
    register_batch_init(b, 0);
    cr_assert_eq(register_batch_header(b, 1, canon_header, 9), 0);
}

/* The issue for a line and column, or NULL. */
static const struct register_issue *issue_for(const struct register_batch *b,
                                              unsigned long line, const char *col)
{
    for (size_t i = 0; i < b->nissues; i++)
        if (b->issues[i].line == line && strcmp(b->issues[i].column, col) == 0)
            return &b->issues[i];
    return NULL;
}

static void expect_issue(const struct register_batch *b, unsigned long line,
                         const char *col, const char *needle)
{
    const struct register_issue *is = issue_for(b, line, col);

    cr_assert(is, "no issue for line %lu column %s (have %zu issues%s%s)", line, col,
              b->nissues, b->nissues ? ", first: " : "",
              b->nissues ? b->issues[0].reason : "");
    cr_assert(strstr(is->reason, needle), "issue '%s' lacks '%s'", is->reason, needle);
}

/* Validates one row of the canonical header; returns register_batch_row's result. */
static int row(struct register_batch *b, unsigned long line, const char *nib,
               const char *name, const char *owner, const char *kbli, const char *size,
               const char *code, const char *addr, const char *phone, const char *prog)
{
    const char *f[9] = {nib, name, owner, kbli, size, code, addr, phone, prog};

    return register_batch_row(b, line, f, 9);
}

Test(register, header_indonesian_and_english_aliases)
{
    const char *en[] = {"NIB",         " Business Name ", "owner", "KBLI",    "Size",
                        "region-code", "Address",         "phone", "programs"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, en, 9), 0);
    cr_assert_eq(b.col_index[REG_COL_NAME], 1);
    cr_assert_eq(b.col_index[REG_COL_REGION], 5);
    cr_assert_eq(b.col_index[REG_COL_PROGRAM], 8);
    cr_assert_eq(b.col_index[REG_COL_KELURAHAN], -1);
    cr_assert_str_eq(b.col_label[REG_COL_NAME], "Business Name");
    register_batch_release(&b);

    batch_canon(&b);
    /* the canonical header of CONTRACTS.md: every column but the kelurahan name and the
     * reported certificate (an optional column, issue 14) */
    cr_assert_eq(b.present, ((1u << REG_COL__COUNT) - 1) &
                                ~REG_COL_BIT(REG_COL_KELURAHAN) &
                                ~REG_COL_BIT(REG_COL_CERTIFICATE));
    register_batch_release(&b);

    /* Header cells are trimmed, case-insensitive, ' ' and '-' read as '_'. */
    {
        const char *h[] = {" NIB ", "nama usaha", "Kelurahan", "kode-wilayah"};

        register_batch_init(&b, 0);
        cr_assert_eq(register_batch_header(&b, 1, h, 4), 0);
        cr_assert_eq(b.col_index[REG_COL_NAME], 1);
        cr_assert_eq(b.col_index[REG_COL_KELURAHAN], 2);
        cr_assert_eq(b.col_index[REG_COL_REGION], 3);
        register_batch_release(&b);
    }
}

Test(register, header_unknown_column_is_an_error_naming_it)
{
    const char *h[] = {"nib", "nama_usaha", "kode_wilayah", "telpon"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, h, 4), -1);
    expect_issue(&b, 1, "telpon", "unknown column");
    register_batch_release(&b);

    /* With REGISTER_ALLOW_UNKNOWN_COLUMNS it is a warning and the column is ignored. */
    register_batch_init(&b, REGISTER_ALLOW_UNKNOWN_COLUMNS);
    cr_assert_eq(register_batch_header(&b, 1, h, 4), 0);
    cr_assert_eq(b.nissues, 0);
    cr_assert_eq(b.nwarnings, 1);
    cr_assert_str_eq(b.warnings[0].column, "telpon");
    {
        const char *r[] = {"1234567890123", "Toko", "35.75.01.1001", "whatever!"};

        cr_assert_eq(register_batch_row(&b, 2, r, 4), 0);
    }
    register_batch_release(&b);
}

Test(register, header_separated_by_semicolons_gets_a_hint)
{
    const char *h[] = {"nib;nama_usaha;kode_wilayah"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, h, 1), -1);
    cr_assert_eq(b.nissues, 1);
    expect_issue(&b, 1, "header", "separated by semicolons");
    register_batch_release(&b);
}

Test(register, header_missing_and_repeated_columns)
{
    const char *h1[] = {"nama_usaha", "alamat"};
    const char *h2[] = {"nib", "nama_usaha", "business_name", "kelurahan"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, h1, 2), -1);
    cr_assert_eq(b.nissues, 2); /* nib and kode_wilayah/kelurahan */
    cr_assert(strstr(b.issues[0].reason, "'nib'"));
    cr_assert(strstr(b.issues[1].reason, "kode_wilayah"));
    register_batch_release(&b);

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, h2, 4), -1);
    expect_issue(&b, 1, "business_name", "repeats 'nama_usaha'");
    register_batch_release(&b);
}

Test(register, good_row_is_normalised)
{
    struct register_batch b;
    const struct msme_record *r;

    batch_canon(&b);
    cr_assert_eq(row(&b, 2, " 1234567890123 ", " Toko Roti ", "", "10710", "Kecil",
                     "3575011001", "Jl. A\nRT 1", "+62 812-3456 (789)",
                     "Sehati2026; pendampingan;;sehati2026"),
                 0);
    cr_assert_eq(b.nrecs, 1);
    r = &b.recs[0];
    cr_assert_str_eq(r->nib, "1234567890123");
    cr_assert_str_eq(r->business_name, "Toko Roti");
    cr_assert_null(r->owner_name);
    cr_assert_str_eq(r->kbli, "10710");
    cr_assert_str_eq(r->size_class, "kecil");
    cr_assert_str_eq(r->region_code, "35.75.01.1001");
    cr_assert_str_eq(r->address, "Jl. A\nRT 1");
    cr_assert_str_eq(r->phone, "+628123456789");
    cr_assert_str_eq(r->programs, "pendampingan;sehati2026");
    cr_assert_eq(r->line, 2);
    register_batch_release(&b);
}

Test(register, english_size_names)
{
    cr_assert_str_eq(register_size_parse("MICRO"), "mikro");
    cr_assert_str_eq(register_size_parse("small"), "kecil");
    cr_assert_str_eq(register_size_parse("Medium"), "menengah");
    cr_assert_str_eq(register_size_parse("large"), "besar");
    cr_assert_str_eq(register_size_parse("Menengah"), "menengah");
    cr_assert_null(register_size_parse("huge"));
}

Test(register, each_validation_rule)
{
    struct register_batch b;
    char longname[300];

    memset(longname, 'x', 201);
    longname[201] = '\0';
    batch_canon(&b);
    cr_assert_eq(row(&b, 2, "12345", "A", "", "", "", "35.75.01.1001", "", "", ""), 1);
    expect_issue(&b, 2, "nib", "12345");
    cr_assert_eq(row(&b, 3, "", "A", "", "", "", "35.75.01.1001", "", "", ""), 1);
    expect_issue(&b, 3, "nib", "missing required field");
    cr_assert_eq(
        row(&b, 4, "1234567890123", " ", "", "", "", "35.75.01.1001", "", "", ""), 1);
    expect_issue(&b, 4, "nama_usaha", "missing required field");
    cr_assert_eq(
        row(&b, 5, "1234567890123", longname, "", "", "", "35.75.01.1001", "", "", ""),
        1);
    expect_issue(&b, 5, "nama_usaha", "longer than 200 characters");
    cr_assert_eq(
        row(&b, 6, "1234567890123", "A", "", "1071", "", "35.75.01.1001", "", "", ""), 1);
    expect_issue(&b, 6, "kbli", "1071");
    cr_assert_eq(
        row(&b, 7, "1234567890123", "A", "", "107100", "", "35.75.01.1001", "", "", ""),
        1);
    expect_issue(&b, 7, "kbli", "107100");
    cr_assert_eq(
        row(&b, 8, "1234567890123", "A", "", "", "huge", "35.75.01.1001", "", "", ""), 1);
    expect_issue(&b, 8, "skala", "unknown size class 'huge'");
    cr_assert_eq(row(&b, 9, "1234567890123", "A", "", "", "", "35.75.01", "", "", ""), 1);
    expect_issue(&b, 9, "kode_wilayah", "kecamatan code, expected a kelurahan");
    cr_assert_eq(row(&b, 10, "1234567890123", "A", "", "", "", "", "", "", ""), 1);
    expect_issue(&b, 10, "kode_wilayah", "missing required field");
    cr_assert_eq(
        row(&b, 11, "1234567890123", "A", "", "", "", "35.75.01.1001", "", "12ab", ""),
        1);
    expect_issue(&b, 11, "telepon", "'a' that is not a digit");
    cr_assert_eq(
        row(&b, 12, "1234567890123", "A", "", "", "", "35.75.01.1001", "", "12345", ""),
        1);
    expect_issue(&b, 12, "telepon", "5 digits, expected 7 to 15");
    cr_assert_eq(row(&b, 13, "1234567890123", "A", "", "", "", "35.75.01.1001", "", "",
                     "sehati 2026"),
                 1);
    expect_issue(&b, 13, "program", "program tag 'sehati 2026'");
    cr_assert_eq(row(&b, 14, "1234567890123", "Toko\xC3(", "", "", "", "35.75.01.1001",
                     "", "", ""),
                 1);
    expect_issue(&b, 14, "nama_usaha", "invalid UTF-8");
    cr_assert_eq(
        row(&b, 15, "1234567890123", "Toko\tA", "", "", "", "35.75.01.1001", "", "", ""),
        1);
    expect_issue(&b, 15, "nama_usaha", "control character");
    cr_assert_eq(row(&b, 16, "1234567890123", "A", "", "", "", "99", "", "", ""), 1);
    expect_issue(&b, 16, "kode_wilayah", "expected a kelurahan");
    cr_assert_eq(b.nrecs, 0);
    cr_assert_eq(register_batch_rejected(&b), 15);
    register_batch_release(&b);
}

Test(register, all_problems_of_one_row_are_reported)
{
    struct register_batch b;

    batch_canon(&b);
    cr_assert_eq(row(&b, 7, "1", "", "", "9", "xl", "", "", "x", ""), 1);
    cr_assert_eq(b.nissues, 6, "got %zu issues", b.nissues);
    expect_issue(&b, 7, "nib", "'1'");
    expect_issue(&b, 7, "nama_usaha", "missing");
    expect_issue(&b, 7, "kbli", "'9'");
    expect_issue(&b, 7, "skala", "'xl'");
    expect_issue(&b, 7, "kode_wilayah", "missing");
    expect_issue(&b, 7, "telepon", "'x'");
    cr_assert_eq(register_batch_rejected(&b), 1);
    register_batch_release(&b);
}

Test(register, wrong_field_count_and_bad_record)
{
    struct register_batch b;
    const char *f[3] = {"1234567890123", "A", "35.75.01.1001"};

    batch_canon(&b);
    cr_assert_eq(register_batch_row(&b, 4, f, 3), 1);
    expect_issue(&b, 4, "record", "has 3 fields, expected 9");
    cr_assert_eq(register_batch_bad_record(&b, 6, 6, "unterminated quoted field"), 0);
    expect_issue(&b, 6, "alamat", "unterminated");
    cr_assert_eq(register_batch_bad_record(&b, 9, -1, "record has more than 256 fields"),
                 0);
    expect_issue(&b, 9, "record", "more than");
    cr_assert_eq(register_batch_rejected(&b), 3);
    cr_assert_eq(b.rows, 3);
    register_batch_release(&b);
}

Test(register, all_empty_row_is_skipped)
{
    struct register_batch b;

    batch_canon(&b);
    cr_assert_eq(row(&b, 3, "", " ", "", "", "", "", "", "", ""), 1);
    cr_assert_eq(b.nissues, 0);
    cr_assert_eq(b.rows, 0);
    register_batch_release(&b);
}

Test(register, duplicate_nibs_keep_the_first_occurrence)
{
    struct register_batch b;

    batch_canon(&b);
    cr_assert_eq(
        row(&b, 2, "1111111111111", "A", "", "", "", "35.75.01.1001", "", "", ""), 0);
    cr_assert_eq(
        row(&b, 3, "2222222222222", "B", "", "", "", "35.75.01.1001", "", "", ""), 0);
    cr_assert_eq(
        row(&b, 5, "1111111111111", "C", "", "", "", "35.75.01.1001", "", "", ""), 0);
    cr_assert_eq(
        row(&b, 8, "1111111111111", "D", "", "", "", "35.75.01.1001", "", "", ""), 0);
    cr_assert_eq(register_batch_check_duplicates(&b), 2);
    cr_assert_null(issue_for(&b, 2, "nib"));
    expect_issue(&b, 5, "nib",
                 "duplicate NIB '1111111111111' in the file (first on line 2)");
    expect_issue(&b, 8, "nib", "(first on line 2)");
    register_batch_finish(&b);
    cr_assert_eq(b.nrecs, 2);
    cr_assert_str_eq(b.recs[0].nib, "1111111111111");
    cr_assert_str_eq(b.recs[0].business_name, "A");
    cr_assert_str_eq(b.recs[1].nib, "2222222222222");
    cr_assert_eq(register_batch_rejected(&b), 2);
    /* Issues come out sorted by line. */
    cr_assert_eq(b.issues[0].line, 5);
    cr_assert_eq(b.issues[1].line, 8);
    register_batch_release(&b);
}

static void add_region(struct region_index *idx, const char *code, const char *name,
                       const char *level, const char *pcode, const char *pname)
{
    struct region_entry *v = realloc(idx->v, (idx->n + 1) * sizeof(*v));

    cr_assert(v);
    idx->v = v;
    v[idx->n].code = strdup(code);
    v[idx->n].name = strdup(name);
    v[idx->n].level = strdup(level);
    v[idx->n].parent_code = pcode ? strdup(pcode) : NULL;
    v[idx->n].parent_name = pname ? strdup(pname) : NULL;
    idx->n++;
}

static void sample_regions(struct region_index *idx)
{
    idx->v = NULL;
    idx->n = 0;
    add_region(idx, "35.75.01", "Gadingrejo", "kecamatan", "35.75", "Kota Pasuruan");
    add_region(idx, "35.75.02", "Purworejo", "kecamatan", "35.75", "Kota Pasuruan");
    add_region(idx, "35.75.01.1001", "Karangketug", "kelurahan", "35.75.01",
               "Gadingrejo");
    add_region(idx, "35.75.01.1002", "Gentong", "kelurahan", "35.75.01", "Gadingrejo");
    add_region(idx, "35.75.02.1099", "Gentong", "kelurahan", "35.75.02", "Purworejo");
    add_region(idx, "35.75.04.1010", "Bugul Lor", "kelurahan", "35.75.04",
               "Panggungrejo");
    region_index_sort(idx);
}

Test(register, region_resolution_by_code_and_name)
{
    struct region_index idx;
    const struct region_entry *e = NULL;
    struct ht_err err = HT_ERR_INIT;

    sample_regions(&idx);
    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "karangketug", &e, &err), 0);
    cr_assert_str_eq(e->code, "35.75.01.1001");
    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "  BUGUL   lor ", &e, &err), 0);
    cr_assert_str_eq(e->code, "35.75.04.1010");
    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "3575011001", &e, &err), 0);
    cr_assert_str_eq(e->code, "35.75.01.1001");
    cr_assert_eq(region_index_resolve(&idx, "kecamatan", "purworejo", &e, &err), 0);
    cr_assert_str_eq(e->code, "35.75.02");

    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "Gentong", &e, &err), -1);
    cr_assert(strstr(err.msg, "ambiguous"), "%s", err.msg);
    cr_assert(strstr(err.msg, "35.75.01.1002") && strstr(err.msg, "35.75.02.1099") &&
                  strstr(err.msg, "Gadingrejo") && strstr(err.msg, "Purworejo"),
              "%s", err.msg);
    ht_err_clear(&err);
    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "Atlantis", &e, &err), -1);
    cr_assert(strstr(err.msg, "unknown kelurahan 'Atlantis'"), "%s", err.msg);
    ht_err_clear(&err);
    cr_assert_eq(region_index_resolve(&idx, "kelurahan", "35.75.01", &e, &err), -1);
    cr_assert(strstr(err.msg, "is a kecamatan code"), "%s", err.msg);
    region_index_release(&idx);
}

Test(register, batch_resolve_rejects_unknown_and_ambiguous)
{
    const char *h[] = {"nib", "nama_usaha", "kode_wilayah", "kelurahan"};
    struct register_batch b;
    struct region_index idx;

    sample_regions(&idx);
    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, h, 4), 0);
    {
        const char *r2[] = {"1000000000001", "A", "35.75.01.1001", ""};
        const char *r3[] = {"1000000000002", "B", "", "Gentong"};
        const char *r4[] = {"1000000000003", "C", "35.75.01.1008", ""};
        const char *r5[] = {"1000000000004", "D", "", "bugul lor"};
        const char *r6[] = {"1000000000005", "E", "35.75.01.1001", "Bugul Lor"};
        const char *r7[] = {"1000000000006", "F", "35.75.04.1010", "Bugul Lor"};

        cr_assert_eq(register_batch_row(&b, 2, r2, 4), 0);
        cr_assert_eq(register_batch_row(&b, 3, r3, 4), 0);
        cr_assert_eq(register_batch_row(&b, 4, r4, 4), 0);
        cr_assert_eq(register_batch_row(&b, 5, r5, 4), 0);
        cr_assert_eq(register_batch_row(&b, 6, r6, 4), 0);
        cr_assert_eq(register_batch_row(&b, 7, r7, 4), 0);
    }
    cr_assert_eq(register_batch_resolve(&b, &idx), 3);
    expect_issue(&b, 3, "kelurahan", "ambiguous");
    expect_issue(&b, 4, "kode_wilayah", "unknown kelurahan code '35.75.01.1008'");
    expect_issue(&b, 6, "kelurahan",
                 "35.75.04.1010, but kode_wilayah says 35.75.01.1001");
    register_batch_finish(&b);
    cr_assert_eq(b.nrecs, 3);
    cr_assert_str_eq(b.recs[0].kelurahan_code, "35.75.01.1001");
    cr_assert_str_eq(b.recs[1].kelurahan_code, "35.75.04.1010");
    cr_assert_str_eq(b.recs[2].kelurahan_code, "35.75.04.1010");
    register_batch_release(&b);
    region_index_release(&idx);
}

Test(register, columns_for_msme_add_use_option_labels)
{
    enum register_col cols[] = {REG_COL_NIB, REG_COL_NAME, REG_COL_KELURAHAN,
                                REG_COL_PHONE};
    const char *labels[] = {"--nib", "--name", "--kelurahan", "--phone"};
    const char *vals[] = {"123", "Toko", "Gentong", "abc"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_columns(&b, cols, labels, 4), 0);
    cr_assert_eq(register_batch_row(&b, 0, vals, 4), 1);
    expect_issue(&b, 0, "--nib", "'123'");
    expect_issue(&b, 0, "--phone", "'abc'");
    register_batch_release(&b);
}

/* What halaltrack's CSV writer defused (msme list --format=csv) imports as it was. */
Test(register, defused_formula_values_read_back_as_written)
{
    struct register_batch b;

    batch_canon(&b);
    cr_assert_eq(row(&b, 2, "1234567890123", "'=Toko Roti", "'@owner", "", "",
                     "35.75.01.1001", "", "'+62 812 3456 789", ""),
                 0, "%s", b.nissues ? b.issues[0].reason : "");
    cr_assert_str_eq(b.recs[0].business_name, "=Toko Roti");
    cr_assert_str_eq(b.recs[0].owner_name, "@owner");
    cr_assert_str_eq(b.recs[0].phone, "+628123456789");
    register_batch_release(&b);
}

Test(register, reported_certificate_column)
{
    const char *hdr[] = {"nib", "nama_usaha", "kode_wilayah", "sertifikat"};
    const char *ok[] = {"3575010000001", "Warung Bu Sri", "35.75.01.1001",
                        "ID35110000000010001"};
    const char *bad[] = {"3575010000002", "Depot Sari", "35.75.01.1001", "ID 3511"};
    struct register_batch b;

    register_batch_init(&b, 0);
    cr_assert_eq(register_batch_header(&b, 1, hdr, 4), 0);
    cr_assert_eq(b.col_index[REG_COL_CERTIFICATE], 3);
    cr_assert_eq(register_batch_row(&b, 2, ok, 4), 0);
    cr_assert_str_eq(b.recs[0].certificate, "ID35110000000010001");
    cr_assert_eq(register_batch_row(&b, 3, bad, 4), 1);
    expect_issue(&b, 3, "sertifikat", "certificate number 'ID 3511'");
    register_batch_release(&b);
}

/* `halaltrack msme import|add|list|show` end to end: the real CLI binary against the
 * test's own schema, database contents checked with SQL. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"
#include "test_util.h"

TestSuite(import, .init = pgt_setup, .fini = pgt_close, .timeout = 120);

static const char *fixture(const char *name)
{
    static char path[4][1024];
    static int slot;
    const char *dir = getenv("HT_FIXTURES");

    cr_assert(dir, "HT_FIXTURES is not set");
    slot = (slot + 1) % 4;
    snprintf(path[slot], sizeof(path[slot]), "%s/register/%s", dir, name);
    return path[slot];
}

/* Runs halaltrack with up to 38 arguments (NULL-terminated) in this test's schema. */
static struct tu_result run(const char *a1, ...)
{
    const char *argv[40] = {tu_bin("cli/halaltrack")};
    const char *env[] = {pgt_schema_env(), NULL};
    va_list ap;
    size_t n = 1;

    va_start(ap, a1);
    for (const char *a = a1; a && n < 39; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, env, NULL, 120);
}

static void expect_has(const char *hay, const char *needle)
{
    cr_assert(strstr(hay, needle), "expected '%s' in:\n%s", needle, hay);
}

static long msme_count(void)
{
    return pgt_long("SELECT count(*) FROM msme");
}

Test(import, good_file_bom_crlf_quoted_multiline)
{
    struct tu_result r = run("msme", "import", fixture("good_id.csv"), NULL);
    char *s;

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "5 rows: 5 inserted, 0 updated, 0 unchanged, 0 rejected");
    cr_assert_eq(msme_count(), 5);
    s = pgt_str("SELECT business_name || '|' || address || '|' || phone || '|' ||"
                " programs::text || '|' || kelurahan_code || '|' || size_class"
                " FROM msme WHERE nib = '3575010000001'");
    cr_assert_str_eq(s,
                     "Toko Roti \"Barokah\"|Jl. Mawar No. 1,\nRT 02 RW 03|081234567890|"
                     "{pendampingan,sehati2026}|35.75.01.1001|mikro");
    free(s);
    s = pgt_str("SELECT address FROM msme WHERE nib = '3575020000003'");
    cr_assert_str_eq(s, "Jl. Anggrek 7\nGang 2\nBelakang masjid");
    free(s);
    /* Absent optional values are NULL, not empty strings. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE nib = '3575040000005'"
                          " AND owner_name IS NULL AND phone IS NULL"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE size_class = 'mikro'"), 2);
    tu_result_release(&r);
}

Test(import, line_numbers_count_physical_lines_with_bom_and_crlf)
{
    const char *text =
        "\xEF\xBB\xBFnib,nama_usaha,kode_wilayah,alamat\r\n"
        "3575010000001,Satu,35.75.01.1001,\"baris 1\r\nbaris 2\r\nbaris 3\"\r\n"
        "123,Dua,35.75.01.1001,x\r\n"
        "\r\n"
        "3575010000003,Tiga,35.75.01.1099,\"a\nb\"\r\n"
        "3575010000004,,35.75.01.1001,\r\n";
    char *path = tu_write_temp(".csv", text, strlen(text));
    struct tu_result r = run("msme", "import", path, NULL);
    char needle[1200];

    cr_assert_eq(r.status, 1);
    snprintf(needle, sizeof(needle), "%s:5: nib: NIB '123'", path);
    expect_has(r.err, needle);
    snprintf(needle, sizeof(needle), "%s:7: kode_wilayah: unknown kelurahan code", path);
    expect_has(r.err, needle);
    snprintf(needle, sizeof(needle), "%s:9: nama_usaha: missing required field", path);
    expect_has(r.err, needle);
    expect_has(r.err, "3 of 4 rows rejected");
    tu_result_release(&r);
    remove(path);
    free(path);
}

Test(import, english_headers_and_kelurahan_by_name)
{
    struct tu_result r = run("msme", "import", fixture("good_en.csv"), NULL);

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "3 inserted");
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE"
                          " (nib, kelurahan_code, size_class) IN"
                          " (('3575010000011', '35.75.01.1001', 'mikro'),"
                          "  ('3575040000012', '35.75.04.1010', 'kecil'),"
                          "  ('3575040000013', '35.75.04.1002', 'menengah'))"),
                 3);
    tu_result_release(&r);
}

/* bad.csv has three good rows (lines 2, 6 and 15-17) and one bad row of each kind. */
static const char *const bad_expect[] = {
    "bad.csv:3: nib: ", /* NIB not 13 digits */
    "bad.csv:4: kelurahan: unknown kelurahan 'Atlantis'",
    "bad.csv:5: kode_wilayah: unknown kelurahan code '35.75.01.1008'",
    "bad.csv:7: nib: duplicate NIB '3575010000105' in the file (first on line 6)",
    "bad.csv:8: nama_usaha: invalid UTF-8",
    "bad.csv:9: nama_usaha: missing required field",
    "bad.csv:10: record: has 4 fields, expected 10",
    "bad.csv:11: skala: unknown size class 'raksasa'",
    "bad.csv:12: kbli: ",
    "bad.csv:13: telepon: phone '08-abc'",
    "bad.csv:14: kode_wilayah: region code '35.75.01' is a kecamatan code",
    "bad.csv:18: kelurahan: kelurahan name 'Gentong' is ambiguous",
    "bad.csv:19: nama_usaha: unterminated quoted field (opened on line 19)",
};

static void add_second_gentong(void)
{
    pgt_exec("INSERT INTO region (code, name, level, parent_code)"
             " VALUES ('35.75.02.1099', 'Gentong', 'kelurahan', '35.75.02')");
}

static void expect_all_bad_rows(const char *err)
{
    for (size_t i = 0; i < sizeof(bad_expect) / sizeof(bad_expect[0]); i++)
        expect_has(err, bad_expect[i]);
    /* The ambiguity names both candidates. */
    expect_has(err, "35.75.01.1002");
    expect_has(err, "35.75.02.1099");
    expect_has(err, "bad.csv:3: nib: NIB '12345'");
    expect_has(err, "bad.csv:12: kbli: KBLI '1071'");
    /* The good rows are not mentioned; the multi-line good record is not split. */
    cr_assert_null(strstr(err, "bad.csv:2:"));
    cr_assert_null(strstr(err, "bad.csv:6:"));
    cr_assert_null(strstr(err, "bad.csv:15:"));
    cr_assert_null(strstr(err, "bad.csv:16:"));
    cr_assert_null(strstr(err, "bad.csv:20:"));
}

Test(import, bad_rows_all_listed_and_nothing_written)
{
    struct tu_result r;

    add_second_gentong();
    r = run("msme", "import", fixture("bad.csv"), NULL);
    cr_assert_eq(r.status, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    expect_all_bad_rows(r.err);
    expect_has(r.err, "13 of 16 rows rejected; nothing written");
    cr_assert_str_eq(r.out, "");
    cr_assert_eq(msme_count(), 0);
    tu_result_release(&r);
}

Test(import, skip_invalid_writes_exactly_the_good_rows)
{
    struct tu_result r;
    char *s;

    add_second_gentong();
    r = run("msme", "import", "--skip-invalid", fixture("bad.csv"), NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_all_bad_rows(r.err);
    expect_has(r.out, "16 rows: 3 inserted, 0 updated, 0 unchanged, 13 rejected");
    expect_has(r.err, "13 rows rejected");
    cr_assert_eq(msme_count(), 3);
    s = pgt_str(
        "SELECT string_agg(nib || ' ' || business_name, ',' ORDER BY nib) FROM msme");
    cr_assert_str_eq(
        s, "3575010000101 Good One,3575010000105 Dup A,3575010000115 Good \"Two\"");
    free(s);
    s = pgt_str(
        "SELECT business_name || '|' || address FROM msme WHERE nib = '3575010000115'");
    cr_assert_str_eq(s, "Good \"Two\"|Addr\nmulti\nline");
    free(s);
    tu_result_release(&r);
}

Test(import, dry_run_writes_nothing)
{
    struct tu_result r = run("msme", "import", "--dry-run", fixture("good_id.csv"), NULL);

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(
        r.out,
        "5 inserted, 0 updated, 0 unchanged, 0 rejected (dry run: nothing written)");
    cr_assert_eq(msme_count(), 0);
    tu_result_release(&r);

    /* With an invalid row a dry run fails the same way as the real import. */
    r = run("msme", "import", "-n", fixture("bad.csv"), NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "bad.csv:3: nib: ");
    cr_assert_eq(msme_count(), 0);
    tu_result_release(&r);

    /* After an import, a dry run counts what would change. */
    r = run("msme", "import", fixture("good_id.csv"), NULL);
    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    pgt_exec("UPDATE msme SET owner_name = 'Someone Else' WHERE nib = '3575010000002'");
    r = run("msme", "import", "--dry-run", fixture("good_id.csv"), NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "0 inserted, 1 updated, 4 unchanged");
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE owner_name = 'Someone Else'"),
                 1);
    tu_result_release(&r);
}

Test(import, reimport_changes_nothing)
{
    struct tu_result r = run("msme", "import", fixture("good_id.csv"), NULL);
    char *before, *after;

    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    before = pgt_str(
        "SELECT string_agg(nib || updated_at::text || xmin::text, ',' ORDER BY nib)"
        " FROM msme");
    r = run("msme", "import", fixture("good_id.csv"), NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "5 rows: 0 inserted, 0 updated, 5 unchanged, 0 rejected");
    tu_result_release(&r);
    after = pgt_str(
        "SELECT string_agg(nib || updated_at::text || xmin::text, ',' ORDER BY nib)"
        " FROM msme");
    /* Not even rewritten: same row versions. */
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
}

Test(import, changed_row_counts_as_one_update)
{
    const char *changed =
        "NIB,Business Name,Owner,Size,Kelurahan,Address,Phone,Programs\n"
        "3575010000011,Bakso Pak Min,Min,micro,karangketug,Jl. "
        "A,081200000011,sehati2026\n"
        "3575040000012,Es Teh Segar,,medium,BUGUL LOR,,,\n"
        "3575040000013,Sate Kambing,Haji Umar,medium,Tamba'an,,,\n"
        "3575040000014,Nasi Goreng Baru,,micro,Trajeng,,,\n";
    char *path = tu_write_temp(".csv", changed, strlen(changed));
    struct tu_result r = run("msme", "import", fixture("good_en.csv"), NULL);

    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    r = run("msme", "import", path, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "4 rows: 1 inserted, 1 updated, 2 unchanged, 0 rejected");
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE nib = '3575040000012'"
                          " AND size_class = 'menengah' AND updated_at > created_at"),
                 1);
    cr_assert_eq(msme_count(), 4);
    tu_result_release(&r);
    remove(path);
    free(path);
}

Test(import, absent_column_keeps_the_stored_value)
{
    const char *narrow = "nib,nama_usaha,kode_wilayah\n"
                         "3575010000001,\"Toko Roti \"\"Barokah\"\"\",35.75.01.1001\n"
                         "3575010000002,Warung Bu Yati Baru,35.75.01.1002\n";
    char *path = tu_write_temp(".csv", narrow, strlen(narrow));
    struct tu_result r = run("msme", "import", fixture("good_id.csv"), NULL);

    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    r = run("msme", "import", path, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "2 rows: 0 inserted, 1 updated, 1 unchanged");
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE nib = '3575010000001'"
                          " AND phone = '081234567890' AND owner_name = 'Siti Aminah'"),
                 1);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM msme WHERE nib = '3575010000002'"
                 " AND business_name = 'Warung Bu Yati Baru' AND owner_name = 'Yati'"),
        1);
    tu_result_release(&r);
    remove(path);
    free(path);
}

Test(import, unknown_column_is_an_error_or_a_warning)
{
    const char *text = "nib,nama_usaha,kode_wilayah,telpon\n"
                       "3575010000001,Toko,35.75.01.1001,0812\n";
    char *path = tu_write_temp(".csv", text, strlen(text));
    struct tu_result r = run("msme", "import", path, NULL);
    char needle[1200];

    cr_assert_eq(r.status, 1);
    snprintf(needle, sizeof(needle), "%s:1: telpon: unknown column", path);
    expect_has(r.err, needle);
    cr_assert_eq(msme_count(), 0);
    tu_result_release(&r);

    r = run("msme", "import", "--allow-unknown-columns", path, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    snprintf(needle, sizeof(needle), "warning: %s:1: telpon: unknown column, ignored",
             path);
    expect_has(r.err, needle);
    cr_assert_eq(msme_count(), 1);
    tu_result_release(&r);
    remove(path);
    free(path);
}

Test(import, bad_header_and_empty_file)
{
    const char *text = "nama_usaha,alamat\nToko,Jl\n";
    char *path = tu_write_temp(".csv", text, strlen(text));
    char *empty = tu_write_temp(".csv", "", 0);
    struct tu_result r = run("msme", "import", path, NULL);

    cr_assert_eq(r.status, 1);
    expect_has(r.err, ":1: header: missing required column 'nib'");
    tu_result_release(&r);
    r = run("msme", "import", empty, NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "empty file, expected a header row");
    tu_result_release(&r);
    r = run("msme", "import", "/nonexistent/register.csv", NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "cannot open '/nonexistent/register.csv'");
    tu_result_release(&r);
    remove(path);
    remove(empty);
    free(path);
    free(empty);
}

Test(import, usage_errors_and_help)
{
    struct tu_result r = run("msme", "import", NULL);

    cr_assert_eq(r.status, 2);
    expect_has(r.err, "missing FILE");
    tu_result_release(&r);
    r = run("msme", "import", "--bogus", "x.csv", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_null(strstr(r.out, "Usage:"));
    tu_result_release(&r);
    r = run("msme", "show", "-?", NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "Usage:");
    tu_result_release(&r);
    r = run("msme", "import", "--help", NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "Usage:");
    expect_has(r.out, "--skip-invalid");
    tu_result_release(&r);
    r = run("msme", NULL);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);
    r = run("msme", "--help", NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "halaltrack msme import");
    expect_has(r.out, "halaltrack msme show NIB");
    tu_result_release(&r);
    r = run("msme", "frobnicate", NULL);
    cr_assert_eq(r.status, 2);
    expect_has(r.err, "unknown subcommand 'frobnicate'");
    tu_result_release(&r);
    for (int i = 0; i < 4; i++) {
        static const char *const subs[] = {"add", "list", "show", "import"};

        r = run("msme", subs[i], "--help", NULL);
        cr_assert_eq(r.status, 0, "msme %s --help", subs[i]);
        expect_has(r.out, "Usage:");
        expect_has(r.out, subs[i]);
        tu_result_release(&r);
    }
}

Test(import, stdin_and_list_csv_round_trip)
{
    struct tu_result r = run("msme", "import", fixture("good_id.csv"), NULL);
    const char *argv[] = {tu_bin("cli/halaltrack"), "msme", "import", "-", NULL};
    const char *env[] = {pgt_schema_env(), NULL};
    char *csv;

    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    r = run("msme", "list", "--format", "csv", NULL);
    cr_assert_eq(r.status, 0);
    expect_has(
        r.out,
        "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,telepon,program\r\n");
    expect_has(r.out, "\"Jl. Mawar No. 1,\nRT 02 RW 03\"");
    csv = strdup(r.out);
    tu_result_release(&r);
    /* Importing the listed CSV back (from stdin) changes nothing. */
    r = tu_run(argv, env, csv, 60);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "<stdin>: 5 rows: 0 inserted, 0 updated, 5 unchanged");
    tu_result_release(&r);
    /* And into an empty register it recreates the same rows. */
    pgt_exec("CREATE TEMP TABLE before AS SELECT nib, business_name, owner_name, kbli,"
             " size_class, kelurahan_code, address, phone, programs FROM msme");
    pgt_exec("DELETE FROM msme");
    r = tu_run(argv, env, csv, 60);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "5 inserted");
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM (SELECT nib, business_name, owner_name, kbli,"
                 " size_class, kelurahan_code, address, phone, programs FROM msme"
                 " EXCEPT SELECT * FROM before) d"),
        0);
    tu_result_release(&r);
    free(csv);
}

Test(import, add_list_show)
{
    struct tu_result r =
        run("msme", "add", "--nib", "3575010000777", "--name", "Dapur Bu Ani",
            "--kelurahan", "gentong", "--kbli", "56101", "--size", "small", "--phone",
            "0343 123456", "--program", "sehati2026", "--program", "Pendampingan", NULL);

    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE nib = '3575010000777'"
                          " AND kelurahan_code = '35.75.01.1002' AND size_class = 'kecil'"
                          " AND phone = '0343123456'"
                          " AND programs = '{pendampingan,sehati2026}'"),
                 1);

    /* The same NIB again: a failure (1), not a usage error. */
    r = run("msme", "add", "--nib", "3575010000777", "--name", "X", "--kelurahan",
            "35.75.01.1001", NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "already in the register");
    tu_result_release(&r);
    /* Malformed values are usage errors naming the option. */
    r = run("msme", "add", "--nib", "35750100007", "--name", "X", "--kelurahan",
            "gentong", NULL);
    cr_assert_eq(r.status, 2);
    expect_has(r.err, "--nib: ");
    tu_result_release(&r);
    r = run("msme", "add", "--nib", "3575010000778", "--name", "X", NULL);
    cr_assert_eq(r.status, 2);
    expect_has(r.err, "missing required option: --kelurahan");
    tu_result_release(&r);
    /* An unknown kelurahan is looked up in the database: a failure. */
    r = run("msme", "add", "--nib", "3575010000778", "--name", "X", "--kelurahan",
            "Atlantis", NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "--kelurahan: unknown kelurahan 'Atlantis'");
    tu_result_release(&r);

    r = run("msme", "import", fixture("good_id.csv"), NULL);
    cr_assert_eq(r.status, 0);
    tu_result_release(&r);

    r = run("msme", "list", "--kecamatan", "GADINGREJO", "--format", "csv", NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(tu_count(r.out, "\r\n"), 4, "%s",
                 r.out); /* a header, 3 MSMEs in 35.75.01 */
    tu_result_release(&r);
    r = run("msme", "list", "--kelurahan", "35.75.01.1002", "--program", "sehati2026",
            NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "Dapur Bu Ani");
    expect_has(r.out, "Warung Bu Yati");
    expect_has(r.out, "(2 MSMEs)");
    tu_result_release(&r);
    r = run("msme", "list", "--kbli", "107", "--size", "menengah", "--format", "json",
            NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "\"nib\": \"3575030000004\"");
    expect_has(r.out, "\"kecamatan\": \"Bugul Kidul\"");
    cr_assert_eq(tu_count(r.out, "\"nib\""), 1);
    tu_result_release(&r);
    r = run("msme", "list", "--program", "pendampingan", "--format", "json", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_eq(tu_count(r.out, "\"nib\""), 3);
    {
        json_t *j = json_loads(r.out, 0, NULL), *m;

        cr_assert(json_is_array(j), "%s", r.out);
        m = json_array_get(j, 0);
        cr_assert_str_eq(json_string_value(json_object_get(m, "business_name")),
                         "Toko Roti \"Barokah\"");
        cr_assert_str_eq(json_string_value(json_object_get(m, "address")),
                         "Jl. Mawar No. 1,\nRT 02 RW 03");
        cr_assert_eq(json_array_size(json_object_get(m, "programs")), 2);
        cr_assert_str_eq(
            json_string_value(json_array_get(json_object_get(m, "programs"), 1)),
            "sehati2026");
        json_decref(j);
    }
    tu_result_release(&r);
    r = run("msme", "list", "--kecamatan", "Nowhere", NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "unknown kecamatan 'Nowhere'");
    tu_result_release(&r);
    r = run("msme", "list", "--format", "xml", NULL);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);
    r = run("msme", "list", "--kbli", "10a", NULL);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);

    /* show: a card with region names; malformed and unknown NIBs differ. */
    r = run("msme", "show", "3575010000001", NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "Toko Roti \"Barokah\"");
    expect_has(r.out, "Karangketug (35.75.01.1001)");
    expect_has(r.out, "Gadingrejo (35.75.01)");
    expect_has(r.out, "Kota Pasuruan");
    expect_has(r.out, "10710 INDUSTRI PRODUK ROTI DAN KUE");
    cr_assert_null(strstr(r.out, "pplication"), "no applications yet: %s", r.out);
    tu_result_release(&r);
    pgt_exec("INSERT INTO application (id_reg, nib, status_code, stage)"
             " VALUES ('R-1', '3575010000001', 'OF10', 'submitted'),"
             " ('R-2', '3575010000001', 'OF300', 'certified')");
    r = run("msme", "show", "3575010000001", NULL);
    cr_assert_eq(r.status, 0);
    expect_has(r.out, "2 applications");
    expect_has(r.out, "halaltrack status 3575010000001");
    tu_result_release(&r);
    r = run("msme", "show", "35750100", NULL);
    cr_assert_eq(r.status, 2);
    expect_has(r.err, "invalid NIB");
    tu_result_release(&r);
    r = run("msme", "show", "3575019999999", NULL);
    cr_assert_eq(r.status, 1);
    expect_has(r.err, "no MSME with NIB '3575019999999' in the register");
    tu_result_release(&r);
}

Test(import, many_rows_in_one_pass)
{
    /* 20,000 generated rows (correctness of counts at scale, not a timing test). */
    static const char *const kel[] = {"35.75.01.1001", "35.75.02.1003", "35.75.03.1005",
                                      "35.75.04.1013"};
    size_t cap = 20000 * 120 + 200, len = 0;
    char *text = malloc(cap);
    char *path;
    struct tu_result r;

    cr_assert(text);
    len += (size_t)snprintf(text + len, cap - len,
                            "nib,nama_usaha,kbli,skala,kode_wilayah,program\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(
            text + len, cap - len, "%013ld,\"Usaha %d, Pasuruan\",%05d,%s,%s,%s\n",
            3575000000L + i, i, 10710 + i % 50, i % 3 ? "mikro" : "kecil", kel[i % 4],
            i % 2 ? "sehati2026" : "");
    path = tu_write_temp(".csv", text, len);
    r = run("msme", "import", path, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "20000 rows: 20000 inserted, 0 updated, 0 unchanged, 0 rejected");
    tu_result_release(&r);
    cr_assert_eq(msme_count(), 20000);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM msme WHERE 'sehati2026' = ANY (programs)"), 10000);
    pgt_exec("UPDATE msme SET size_class = 'besar' WHERE nib IN"
             " ('0003575000007', '0003575000008', '0003575000009')");
    r = run("msme", "import", path, NULL);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    expect_has(r.out, "20000 rows: 0 inserted, 3 updated, 19997 unchanged, 0 rejected");
    tu_result_release(&r);
    remove(path);
    free(path);
    free(text);
}

/* Unit tests for identifier validation: every rule, valid values and each kind of invalid
 * value with its exact message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/ident.h"

TestSuite(ident);

/* Asserts that check(s) fails with exactly msg. */
#define EXPECT_BAD(check, s, want)                                                       \
    do {                                                                                 \
        struct ht_err e_ = HT_ERR_INIT;                                                  \
        cr_assert(eq(int, check(s, &e_), -1), "%s accepted", #s);                        \
        cr_assert(eq(int, e_.code, HT_EINVAL));                                          \
        cr_assert(eq(str, e_.msg, want));                                                \
    } while (0)

#define EXPECT_OK(check, s)                                                              \
    do {                                                                                 \
        struct ht_err e_ = HT_ERR_INIT;                                                  \
        cr_assert(eq(int, check(s, &e_), 0), "%s rejected: %s", s, e_.msg);              \
        cr_assert(eq(int, e_.code, HT_EOK));                                             \
    } while (0)

static int region(const char *s, struct ht_err *err)
{
    return ident_check_region_code(s, NULL, err);
}

Test(ident, nib_valid)
{
    EXPECT_OK(ident_check_nib, "1234567890123");
    EXPECT_OK(ident_check_nib, "0000000000001");
    EXPECT_OK(ident_check_nib, "9120001234567");
}

Test(ident, nib_wrong_length)
{
    EXPECT_BAD(ident_check_nib, "12345", "NIB '12345' has 5 digits, expected 13");
    EXPECT_BAD(ident_check_nib, "12345678901234",
               "NIB '12345678901234' has 14 digits, expected 13");
    EXPECT_BAD(ident_check_nib, "123456789012",
               "NIB '123456789012' has 12 digits, expected 13");
}

Test(ident, nib_non_digit)
{
    EXPECT_BAD(ident_check_nib, "12345678901a3",
               "NIB '12345678901a3' contains a non-digit at position 12");
    EXPECT_BAD(ident_check_nib, "1234-5678-90123",
               "NIB '1234-5678-90123' contains a non-digit at position 5");
    /* A NIB typed in a spreadsheet may come back in scientific notation. */
    EXPECT_BAD(ident_check_nib, "1.23457E+12",
               "NIB '1.23457E+12' contains a non-digit at position 2");
}

Test(ident, nib_empty_and_null)
{
    EXPECT_BAD(ident_check_nib, "", "NIB is empty");
    EXPECT_BAD(ident_check_nib, NULL, "NIB is empty");
}

Test(ident, nib_whitespace)
{
    EXPECT_BAD(ident_check_nib, " 1234567890123",
               "NIB ' 1234567890123' has leading or trailing whitespace");
    EXPECT_BAD(ident_check_nib, "1234567890123\n",
               "NIB '1234567890123?' has leading or trailing whitespace");
}

Test(ident, long_value_is_cut_in_message)
{
    char big[200];
    struct ht_err e = HT_ERR_INIT;

    memset(big, '7', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert(eq(int, ident_check_nib(big, &e), -1));
    cr_assert(eq(
        str, e.msg,
        "NIB '7777777777777777777777777777777777777777...' has 199 digits, expected 13"));
}

Test(ident, null_err_is_allowed)
{
    cr_assert(eq(int, ident_check_nib("12", NULL), -1));
    cr_assert(eq(int, ident_check_nib("1234567890123", NULL), 0));
    cr_assert(eq(int, ident_check_region_code("xx", NULL, NULL), -1));
}

Test(ident, first_error_wins)
{
    struct ht_err e = HT_ERR_INIT;

    cr_assert(eq(int, ident_check_nib("1", &e), -1));
    cr_assert(eq(int, ident_check_kbli("1", &e), -1));
    cr_assert(eq(str, e.msg, "NIB '1' has 1 digits, expected 13"));
}

Test(ident, kbli)
{
    EXPECT_OK(ident_check_kbli, "10792");
    EXPECT_OK(ident_check_kbli, "56101");
    EXPECT_BAD(ident_check_kbli, "1079", "KBLI '1079' has 4 digits, expected 5");
    EXPECT_BAD(ident_check_kbli, "107921", "KBLI '107921' has 6 digits, expected 5");
    EXPECT_BAD(ident_check_kbli, "10.79",
               "KBLI '10.79' contains a non-digit at position 3");
    EXPECT_BAD(ident_check_kbli, "", "KBLI is empty");
}

Test(ident, certificate_valid)
{
    EXPECT_OK(ident_check_certificate_no, "ID00410019459060724");
    EXPECT_OK(ident_check_certificate_no, "ID35110000123450124");
    EXPECT_OK(ident_check_certificate_no, "ID34410037665001225");
}

Test(ident, certificate_invalid)
{
    EXPECT_BAD(ident_check_certificate_no, "", "certificate number is empty");
    EXPECT_BAD(ident_check_certificate_no, NULL, "certificate number is empty");
    EXPECT_BAD(
        ident_check_certificate_no, "00410019459060724",
        "certificate number '00410019459060724' does not start with 'ID' (expected "
        "'ID' and 17 digits)");
    EXPECT_BAD(
        ident_check_certificate_no, "id00410019459060724",
        "certificate number 'id00410019459060724' does not start with 'ID' (expected "
        "'ID' and 17 digits)");
    EXPECT_BAD(
        ident_check_certificate_no, "ID0041001945906072",
        "certificate number 'ID0041001945906072' has 16 digits after 'ID', expected 17");
    /* The 20-digit shape a scraper invented must be refused. */
    EXPECT_BAD(ident_check_certificate_no, "ID00110019882120240001",
               "certificate number 'ID00110019882120240001' has 20 digits after 'ID', "
               "expected 17");
    EXPECT_BAD(ident_check_certificate_no, "ID",
               "certificate number 'ID' has 0 digits after 'ID', expected 17");
    EXPECT_BAD(
        ident_check_certificate_no, "ID0041001945906O724",
        "certificate number 'ID0041001945906O724' contains a non-digit at position 16");
    EXPECT_BAD(
        ident_check_certificate_no, "LPPOM-00123456789-01",
        "certificate number 'LPPOM-00123456789-01' does not start with 'ID' (expected "
        "'ID' and 17 digits)");
}

Test(ident, no_daftar_valid)
{
    EXPECT_OK(ident_check_no_daftar, "SH2021-1-000123");
    EXPECT_OK(ident_check_no_daftar, "SH2026-12-1234567");
    EXPECT_OK(ident_check_no_daftar, "SH2019-0-000000");
    EXPECT_OK(ident_check_no_daftar, "SH2100-3-999999");
    /* Any four-digit year: the same rule as the database's domain no_daftar_code
     * (tests/db/test_formats.c). */
    EXPECT_OK(ident_check_no_daftar, "SH2018-1-000123");
}

Test(ident, no_daftar_invalid)
{
    EXPECT_BAD(ident_check_no_daftar, "", "registration number is empty");
    EXPECT_BAD(ident_check_no_daftar, "SX2021-1-000123",
               "registration number 'SX2021-1-000123' does not start with 'SH' (expected "
               "SH<year>-<n>-<number>)");
    EXPECT_BAD(ident_check_no_daftar, "SH21-1-000123",
               "registration number 'SH21-1-000123' has no 4-digit year after 'SH' "
               "(expected SH<year>-<n>-<number>)");
    EXPECT_BAD(ident_check_no_daftar, "SH20211-1-000123",
               "registration number 'SH20211-1-000123' has no 4-digit year after 'SH' "
               "(expected SH<year>-<n>-<number>)");
    EXPECT_BAD(ident_check_no_daftar, "SH2021/1-000123",
               "registration number 'SH2021/1-000123' lacks '-' after the year (expected "
               "SH<year>-<n>-<number>)");
    EXPECT_BAD(
        ident_check_no_daftar, "SH2021--000123",
        "registration number 'SH2021--000123' has no digits between the year and the "
        "number (expected SH<year>-<n>-<number>)");
    EXPECT_BAD(
        ident_check_no_daftar, "SH2021-000123",
        "registration number 'SH2021-000123' has no digits between the year and the "
        "number (expected SH<year>-<n>-<number>)");
    EXPECT_BAD(
        ident_check_no_daftar, "SH2021-1-12345",
        "registration number 'SH2021-1-12345' ends with 5 digits, expected at least 6");
    EXPECT_BAD(ident_check_no_daftar, "SH2021-1-",
               "registration number 'SH2021-1-' ends with 0 digits, expected at least 6");
    EXPECT_BAD(
        ident_check_no_daftar, "SH2021-1-000123x",
        "registration number 'SH2021-1-000123x' contains a non-digit at position 16");
    EXPECT_BAD(
        ident_check_no_daftar, "SH2021-1-000 123",
        "registration number 'SH2021-1-000 123' contains a non-digit at position 13");
}

Test(ident, region_levels)
{
    enum region_level lvl = 0;

    cr_assert(eq(int, ident_check_region_code("35", &lvl, NULL), 0));
    cr_assert(eq(int, lvl, REGION_PROVINSI));
    cr_assert(eq(int, ident_check_region_code("35.75", &lvl, NULL), 0));
    cr_assert(eq(int, lvl, REGION_KABKOTA));
    cr_assert(eq(int, ident_check_region_code("35.75.01", &lvl, NULL), 0));
    cr_assert(eq(int, lvl, REGION_KECAMATAN));
    cr_assert(eq(int, ident_check_region_code("35.75.01.1001", &lvl, NULL), 0));
    cr_assert(eq(int, lvl, REGION_KELURAHAN));
    cr_assert(eq(str, (char *)ident_region_level_name(REGION_PROVINSI), "provinsi"));
    cr_assert(eq(str, (char *)ident_region_level_name(REGION_KABKOTA), "kabkota"));
    cr_assert(eq(str, (char *)ident_region_level_name(REGION_KECAMATAN), "kecamatan"));
    cr_assert(eq(str, (char *)ident_region_level_name(REGION_KELURAHAN), "kelurahan"));
    cr_assert(eq(str, (char *)ident_region_level_name((enum region_level)9), "unknown"));
}

Test(ident, region_every_code_in_reference_file_is_valid)
{
    /* Every kode in the shipped Kota Pasuruan table passes at the level it declares. */
    const char *dir = getenv("HT_DATADIR");
    char path[4096], line[512];
    FILE *fp;
    int rows = 0;

    cr_assert(dir != NULL, "HT_DATADIR is not set (run through ctest)");
    snprintf(path, sizeof(path), "%s/wilayah_kota_pasuruan.csv", dir);
    fp = fopen(path, "r");
    cr_assert(fp != NULL, "cannot open %s", path);
    cr_assert(fgets(line, sizeof(line), fp) != NULL); /* header */
    while (fgets(line, sizeof(line), fp)) {
        char kode[64], nama[256], level[32];
        enum region_level lvl;
        struct ht_err e = HT_ERR_INIT;

        if (sscanf(line, "%63[^,],%255[^,],%31[^,],", kode, nama, level) != 3)
            continue;
        cr_assert(eq(int, ident_check_region_code(kode, &lvl, &e), 0), "%s", e.msg);
        cr_assert(eq(str, (char *)ident_region_level_name(lvl), level), "%s", kode);
        rows++;
    }
    fclose(fp);
    cr_assert(eq(int, rows, 39));
}

Test(ident, region_invalid)
{
    EXPECT_BAD(region, "", "region code is empty");
    EXPECT_BAD(region, NULL, "region code is empty");
    EXPECT_BAD(region, "3575", "region code '3575': part 1 has 4 digits, expected 2");
    EXPECT_BAD(region, "35.7", "region code '35.7': part 2 has 1 digits, expected 2");
    EXPECT_BAD(region, "35.75.1",
               "region code '35.75.1': part 3 has 1 digits, expected 2");
    EXPECT_BAD(region, "35.75.01.101",
               "region code '35.75.01.101': part 4 has 3 digits, expected 4");
    EXPECT_BAD(region, "35.75.", "region code '35.75.': part 3 has 0 digits, expected 2");
    EXPECT_BAD(region, "35..01", "region code '35..01': part 2 has 0 digits, expected 2");
    EXPECT_BAD(region, "35.75.01.1001.1",
               "region code '35.75.01.1001.1' has more than 4 parts (expected e.g. "
               "35.75.01.1001)");
    EXPECT_BAD(region, "35-75",
               "region code '35-75' contains '-' at position 3 (expected "
               "digits and dots, e.g. 35.75.01.1001)");
    EXPECT_BAD(region, "35.75.0a",
               "region code '35.75.0a' contains 'a' at position 8 (expected digits and "
               "dots, e.g. 35.75.01.1001)");
    EXPECT_BAD(region, "00.75", "region code '00.75': part 1 is zero");
    EXPECT_BAD(region, "35.75.01.0000", "region code '35.75.01.0000': part 4 is zero");
}

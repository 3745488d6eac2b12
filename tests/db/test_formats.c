/* One format, two implementations that must agree: the same cases fed to lib/ident.c and
 * to the database's domains (sql/0015_formats.sql), which every column holding such an
 * identifier uses; the channel -> path rule of lib/steps.c and SQL's channel_path. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"
#include "halaltrack/ident.h"
#include "halaltrack/steps.h"
#include "halaltrack/store.h"

static struct store *db;

static void setup(void)
{
    db = pgt_open();
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(formats, .init = setup, .fini = teardown);

/* Whether v is a value of the domain (a failed cast is a check violation). */
static int sql_accepts(const char *domain, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    char sql[128], *out = NULL;
    const char *p[1] = {v};
    int q;

    snprintf(sql, sizeof(sql), "SELECT $1::%s::text", domain);
    q = store_query_value(db, sql, 1, p, &out, &err);
    free(out);
    if (q < 0)
        cr_assert(strstr(err.msg, "violates check constraint"), "%s: %s", v, err.msg);
    return q == 0;
}

static const char *const nibs[] = {
    "3575010000001", "0000000000000",  "9999999999999",
    "357501000000",  "35750100000012", "357501000000a",
    " 357501000001", "3575010000001 ", "",
    "3575 10000001", "٣٥٧٥٠١٠٠٠٠٠٠١",  "3575010000001\n",
    "+575010000001", "-575010000001",  "3.57501000001e12",
};
static const char *const daftars[] = {
    "SH2021-1-000123",  "SH2026-12-1234567", "SH2019-0-000000",
    "SH2018-1-000123",  "SH2101-1-000123",   "SH21-1-000123",
    "SH20211-1-000123", "SX2021-1-000123",   "sh2021-1-000123",
    "SH2021/1-000123",  "SH2021--000123",    "SH2021-1-00012",
    "SH2021-1-000123a", "SH2021-1-",         "",
    " SH2021-1-000123", "SH2021-1-000123 ",  "SH2021-١-000123",
};
static const char *const certs[] = {
    "ID35110000000010001",
    "ID00410019459060724",
    "ID3511000000001000",
    "ID351100000000100012",
    "id35110000000010001",
    "IX35110000000010001",
    "ID3511000000001000x",
    "",
    "ID",
    "35110000000010001ID",
    "ID 3511000000001001",
    "ID35110000000010001\n",
};

Test(formats, c_and_sql_agree_on_every_case)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(nibs); i++)
        cr_assert_eq(ident_check_nib(nibs[i], NULL) == 0,
                     sql_accepts("nib_code", nibs[i]), "NIB '%s'", nibs[i]);
    for (size_t i = 0; i < HT_ARRAY_LEN(daftars); i++)
        cr_assert_eq(ident_check_no_daftar(daftars[i], NULL) == 0,
                     sql_accepts("no_daftar_code", daftars[i]), "no_daftar '%s'",
                     daftars[i]);
    for (size_t i = 0; i < HT_ARRAY_LEN(certs); i++)
        cr_assert_eq(ident_check_certificate_no(certs[i], NULL) == 0,
                     sql_accepts("certificate_code", certs[i]), "certificate '%s'",
                     certs[i]);
    /* The cases do hold valid and invalid values of each. */
    cr_assert(sql_accepts("nib_code", nibs[0]) && !sql_accepts("nib_code", nibs[3]));
}

/* Every column holding one of these identifiers uses its domain: no second CHECK. */
Test(formats, columns_use_the_domains)
{
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM information_schema.columns"
                 " WHERE table_schema = current_schema() AND ("
                 " (table_name = 'msme' AND column_name = 'nib'"
                 "  AND domain_name = 'nib_code')"
                 " OR (table_name = 'application' AND ("
                 "  (column_name = 'nib' AND domain_name = 'nib_code')"
                 "  OR (column_name = 'no_daftar' AND domain_name = 'no_daftar_code')"
                 "  OR (column_name = 'certificate_no'"
                 "      AND domain_name = 'certificate_code')"
                 "  OR (column_name = 'channel_id'"
                 "      AND domain_name = 'channel_code'))))"),
        5);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM pg_constraint c"
                 " JOIN pg_class t ON t.oid = c.conrelid"
                 " WHERE t.relnamespace = current_schema()::regnamespace"
                 " AND c.contype = 'c'"
                 " AND pg_get_constraintdef(c.oid) ~ 'SH\\[0-9\\]|ID\\[0-9\\]|\\{13\\}'"),
        0);
}

Test(formats, channel_path_agrees)
{
    static const char *const ch[] = {"CH001", "CH002", "CH003", "CH004", "CH005",
                                     "CH000", "ch001", "",      "CH0011"};

    for (size_t i = 0; i < HT_ARRAY_LEN(ch); i++) {
        char sql[128], *got;

        snprintf(sql, sizeof(sql), "SELECT channel_path('%s')", ch[i]);
        got = pgt_str(sql);
        cr_assert_str_eq(got, path_name(channel_path(ch[i])), "channel '%s'", ch[i]);
        free(got);
    }
}

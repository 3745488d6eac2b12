/* Least-privilege roles, kecamatan row-level security and MSME self-service, on
 * PostgreSQL. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pg_test.h"
#include "test_util.h"
#include "halaltrack/store_roles.h"

static struct store *s;
static char prefix[32];

static void setup(void)
{
    struct ht_err err = HT_ERR_INIT;
    struct role_scope scope = {NULL, "35.75.01"};
    char role[48];

    s = pgt_open();
    snprintf(prefix, sizeof(prefix), "t%ld", (long)getpid());
    snprintf(role, sizeof(role), "%s_gadingrejo", prefix);
    scope.role = role;
    /* Two MSMEs in different kecamatan, one application each, and a view over them. */
    pgt_exec("INSERT INTO msme (nib, business_name, kelurahan_code) VALUES"
             " ('1234567890123', 'Keripik Tempe Bu Sri', '35.75.01.1001'),"
             " ('1234567890124', 'Warung Pak Slamet', '35.75.02.1001')");
    pgt_exec("INSERT INTO application (id_reg, nib, msme_id, status_code, stage)"
             " SELECT 'reg-' || nib, nib, id, 'OF10', 'submitted' FROM msme");
    pgt_exec("CREATE VIEW v_test_msme AS SELECT nib, kelurahan_code FROM msme");
    pgt_exec("CREATE VIEW v_test_app AS SELECT id_reg, nib FROM application");
    cr_assert(store_init_roles(s, prefix, &scope, 1, &err) == 0, "%s", err.msg);
}

/* Roles are global to the cluster: drop them through a fresh connection. */
static void cleanup_sql(const char *sql)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *admin = store_open(NULL, "public", 0, &err);

    cr_assert(admin, "%s", err.msg);
    cr_assert(store_exec(admin, sql, &err) == 0, "%s: %s", sql, err.msg);
    store_free(admin);
}

static void teardown(void)
{
    char sql[512];
    const char *suffix[] = {"officer",      "daemon",     "reader", "report",
                            "self_service", "gadingrejo", "owner"};

    pgt_exec("RESET ROLE");
    pgt_close();
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        snprintf(
            sql, sizeof(sql),
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s_%s') THEN"
            " EXECUTE 'DROP OWNED BY %s_%s'; EXECUTE 'DROP ROLE %s_%s'; END IF; END $$",
            prefix, suffix[i], prefix, suffix[i], prefix, suffix[i]);
        cleanup_sql(sql);
    }
}

TestSuite(roles, .init = setup, .fini = teardown);

/* Runs sql as role; returns 0 on success, -1 with the SQLSTATE class in err on failure.
 */
static int as_role(const char *role, const char *sql, struct ht_err *err)
{
    char set[128];
    int rc;

    snprintf(set, sizeof(set), "SET ROLE %s_%s", prefix, role);
    pgt_exec(set);
    rc = store_exec(s, sql, err);
    pgt_exec("RESET ROLE");
    return rc;
}

static void must(const char *role, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(as_role(role, sql, &err) == 0, "%s should be allowed: %s (%s)", role, sql,
              err.msg);
}

static void must_not(const char *role, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(as_role(role, sql, &err) < 0, "%s should be refused: %s", role, sql);
    cr_assert(strstr(err.msg, "permission denied") || strstr(err.msg, "must be owner"),
              "%s: unexpected error %s", sql, err.msg);
}

Test(roles, reader_reads_views_only)
{
    must("reader", "SELECT * FROM v_test_msme");
    must_not("reader", "SELECT * FROM msme");
    must_not("reader", "SELECT * FROM application");
    must_not("reader", "SELECT * FROM stage_event");
    must_not("reader",
             "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
             " VALUES ('x', 'kota', 'certified', 1, '2026-01-01', '2026-12-31')");
    must_not("reader", "SELECT msme_status('1234567890123', 'X')");
}

Test(roles, daemon_writes_what_it_syncs)
{
    must("daemon", "INSERT INTO application (id_reg, nib, status_code, stage)"
                   " VALUES ('reg-new', '1234567890125', 'OF10', 'submitted')");
    must("daemon", "INSERT INTO stage_event (application_id, status_code, stage, at)"
                   " SELECT id, 'OF10', 'submitted', now() FROM application WHERE id_reg "
                   "= 'reg-new'");
    must("daemon", "UPDATE application SET observed_at = now() WHERE id_reg = 'reg-new'");
    must("daemon", "INSERT INTO quarantine (source, ref, reason, raw) VALUES ('list', "
                   "'x', 'y', 'z')");
    must("daemon", "SELECT id FROM msme WHERE nib = '1234567890123'");
    must_not("daemon", "INSERT INTO msme (nib, business_name, kelurahan_code)"
                       " VALUES ('1234567890129', 'x', '35.75.01.1001')");
    must_not("daemon", "DELETE FROM msme");
    must_not("daemon",
             "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
             " VALUES ('x', 'kota', 'certified', 1, '2026-01-01', '2026-12-31')");
    must_not("daemon", "SELECT * FROM self_service_attempt");
    must_not("daemon", "DROP TABLE application");
}

Test(roles, self_service_has_only_its_function)
{
    must("self_service", "SELECT msme_status('1234567890123', 'ABCD')");
    must_not("self_service", "SELECT * FROM msme");
    must_not("self_service", "SELECT * FROM v_test_msme");
    must_not("self_service", "SELECT * FROM application");
}

Test(roles, kecamatan_reader_sees_only_its_kecamatan)
{
    char sql[256];
    char *v;

    snprintf(sql, sizeof(sql), "SET ROLE %s_gadingrejo", prefix);
    pgt_exec(sql);
    v = pgt_str("SELECT string_agg(nib, ',' ORDER BY nib) FROM v_test_msme");
    cr_assert_str_eq(v, "1234567890123");
    free(v);
    v = pgt_str("SELECT string_agg(nib, ',' ORDER BY nib) FROM v_test_app");
    cr_assert_str_eq(v, "1234567890123");
    free(v);
    pgt_exec("RESET ROLE");
    /* The general reader and the owner see both. */
    snprintf(sql, sizeof(sql), "SET ROLE %s_reader", prefix);
    pgt_exec(sql);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_test_app"), 2);
    pgt_exec("RESET ROLE");
    cr_assert_eq(pgt_long("SELECT count(*) FROM application"), 2);
    /* A login role created IN ROLE the kecamatan reader is scoped the same way. */
    snprintf(sql, sizeof(sql), "CREATE ROLE %s_officer LOGIN IN ROLE %s_gadingrejo",
             prefix, prefix);
    pgt_exec(sql);
    snprintf(sql, sizeof(sql), "SET ROLE %s_officer", prefix);
    pgt_exec(sql);
    v = pgt_str("SELECT string_agg(nib, ',' ORDER BY nib) FROM v_test_msme");
    cr_assert_str_eq(v, "1234567890123");
    free(v);
    pgt_exec("RESET ROLE");
    /* The superuser (this test's connection) is never scoped, through the views too. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_test_msme"), 2);
    /* The schema and its objects now belong to the owner role, and a later migration run
     * by the superuser creates objects owned by it too. */
    snprintf(sql, sizeof(sql), "%s_owner", prefix);
    v = pgt_str("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename = 'application'");
    cr_assert_str_eq(v, sql);
    free(v);
}

Test(roles, self_service_right_code_wrong_code_unknown_nib)
{
    struct ht_err err = HT_ERR_INIT;
    char *v;

    cr_assert(store_set_access_code(s, "1234567890123",
                                    "00112233445566778899aabbccddeeff", "K7Q4-M2XP",
                                    &err) == 0,
              "%s", err.msg);
    cr_assert(store_set_access_code(s, "9999999999999", "00", "X", &err) == 1);
    /* The hash is stored, never the code. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE access_code_hash LIKE '%K7Q4%'"
                          " OR access_code_salt LIKE '%K7Q4%'"),
                 0);
    v = pgt_str("SELECT msme_status('1234567890123', 'k7q4m2xp')->>'business_name'");
    cr_assert_str_eq(v, "Keripik Tempe Bu Sri");
    free(v);
    v = pgt_str(
        "SELECT msme_status('1234567890123', 'K7Q4-M2XP')->'applications'->0->>'stage'");
    cr_assert_str_eq(v, "submitted");
    free(v);
    /* A wrong code and an unknown NIB get the same answer: NULL. */
    cr_assert_null(pgt_str("SELECT msme_status('1234567890123', 'WRONG-CODE')"));
    cr_assert_null(pgt_str("SELECT msme_status('1234567890999', 'K7Q4-M2XP')"));
    cr_assert_null(pgt_str("SELECT msme_status(NULL, NULL)"));
    /* It never reveals another MSME's data. */
    cr_assert_null(pgt_str("SELECT msme_status('1234567890124', 'K7Q4-M2XP')"));
}

Test(roles, repeated_failures_are_slowed_and_then_blocked)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(store_set_access_code(s, "1234567890123", "aa", "RIGHT", &err) == 0, "%s",
              err.msg);
    for (int i = 0; i < 5; i++)
        cr_assert_null(pgt_str("SELECT msme_status('1234567890123', 'guess')"));
    cr_assert_eq(pgt_long("SELECT failures FROM self_service_attempt"), 5);
    /* Now even the right code is refused while the window lasts. */
    cr_assert_null(pgt_str("SELECT msme_status('1234567890123', 'RIGHT')"));
    /* Once the window has passed, the right code works and resets the counter. */
    pgt_exec(
        "UPDATE self_service_attempt SET last_failure_at = now() - interval '2 hours'");
    char *v = pgt_str("SELECT msme_status('1234567890123', 'RIGHT')->>'nib'");
    cr_assert_str_eq(v, "1234567890123");
    free(v);
    cr_assert_eq(pgt_long("SELECT count(*) FROM self_service_attempt"), 0);
    /* Unknown NIBs are throttled the same way. */
    for (int i = 0; i < 3; i++)
        cr_assert_null(pgt_str("SELECT msme_status('0000000000000', 'guess')"));
    cr_assert_eq(pgt_long("SELECT failures FROM self_service_attempt"), 3);
}

Test(roles, issue_code_cli_prints_a_code_that_works_once_shown)
{
    char schema_env[128], sql[256], code[16] = "";
    const char *argv[] = {tu_bin("cli/halaltrack"), "msme", "issue-code", "1234567890124",
                          NULL};
    const char *env[] = {schema_env, NULL};
    struct tu_result r;
    const char *p;
    char *v;

    snprintf(schema_env, sizeof(schema_env), "HALALTRACK_SCHEMA=%s", pgt_schema());
    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    p = strstr(r.out, ": ");
    cr_assert(p, "no code in output: %s", r.out);
    cr_assert(sscanf(p + 2, "%15s", code) == 1);
    cr_assert_eq(strlen(code), 9, "code '%s'", code);
    cr_assert_eq(code[4], '-');
    tu_result_release(&r);
    snprintf(sql, sizeof(sql),
             "SELECT msme_status('1234567890124', '%s')->>'business_name'", code);
    v = pgt_str(sql);
    cr_assert_str_eq(v, "Warung Pak Slamet");
    free(v);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM msme WHERE access_code_hash = '%s'",
             code);
    cr_assert_eq(pgt_long(sql), 0);
    /* A new code replaces the old one. */
    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 0);
    tu_result_release(&r);
    snprintf(sql, sizeof(sql), "SELECT msme_status('1234567890124', '%s')", code);
    cr_assert_null(pgt_str(sql));
    /* Unknown and malformed NIBs. */
    argv[3] = "9999999999999";
    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "not in the register"), "%s", r.err);
    tu_result_release(&r);
    argv[3] = "12345";
    r = tu_run(argv, env, NULL, 30);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);
}

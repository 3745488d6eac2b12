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

/* Roles are global to the cluster: drop them through a fresh connection. DROP OWNED BY
 * revokes the role's privileges on the database, which rewrites the database's catalog
 * row; another test's `db init-roles` granting on the same database at the same moment
 * would fail one of the two with "tuple concurrently updated". Both take init-roles'
 * advisory lock, in one transaction with the statement. */
static void cleanup_sql(const char *sql)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *admin = store_open(NULL, "public", 0, &err);
    char locked[768];
    int rc;

    cr_assert(admin, "%s", err.msg);
    snprintf(locked, sizeof(locked),
             "BEGIN; SELECT pg_advisory_xact_lock(hashtext('halaltrack.init-roles')); %s;"
             " COMMIT",
             sql);
    rc = store_exec(admin, locked, &err);
    store_free(admin);
    cr_assert(rc == 0, "%s: %s", sql, err.msg);
}

static void teardown(void)
{
    char sql[512];
    const char *suffix[] = {"officer",      "daemon",     "reader", "report",
                            "self_service", "gadingrejo", "serve",  "owner"};

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
    must_not("reader", "SELECT * FROM self_service_begin('1234567890123', 'x',"
                       " 'scrypt:16384:8:1')");
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

/* Issue 10 item 4: the kiosk role of earlier versions keeps nothing it could abuse
 * (kiosks call halaltrack-serve's API); only the service's role runs the lookup. */
Test(roles, self_service_role_keeps_nothing)
{
    static const char *const kiosk_tries[] = {
        "SELECT * FROM self_service_begin('1234567890123', 'kiosk', 'scrypt:16384:8:1')",
        "SELECT self_service_verify(gen_random_uuid(), 'x', NULL, NULL, NULL)",
        "SELECT * FROM v_test_msme",
        "SELECT * FROM application",
    };

    /* Not even the schema: its objects are not found, or refused. */
    for (size_t i = 0; i < sizeof(kiosk_tries) / sizeof(kiosk_tries[0]); i++) {
        struct ht_err err = HT_ERR_INIT;

        cr_assert(as_role("self_service", kiosk_tries[i], &err) < 0, "allowed: %s",
                  kiosk_tries[i]);
        cr_assert(strstr(err.msg, "permission denied") ||
                      strstr(err.msg, "does not exist"),
                  "%s: %s", kiosk_tries[i], err.msg);
    }
    must("serve", "SELECT * FROM self_service_begin('1234567890123', 'kiosk',"
                  " 'scrypt:16384:8:1')");
    must_not("serve", "SELECT * FROM msme_access_code");
    must_not("serve", "INSERT INTO api_request (nib) VALUES ('1234567890123')");
    must_not("serve", "UPDATE application SET stage = 'certified'");
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

/* The database access model under attack (issue 10): each test builds a database of its
 * own (migrated, `db init-roles`, login roles as docs/operations.md creates them), logs
 * in as the attacker and tries what the issue describes. A private database because the
 * attacks plant objects in schema public, which every session of a shared one would see.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "roles_db.h"
#include "test_util.h"
#include "halaltrack/paths.h"
#include "halaltrack/store.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/store_sync.h"

#define NIB_A "3575010000001" /* kecamatan 35.75.01 (Gadingrejo) */
#define NIB_B "3575020000002" /* kecamatan 35.75.02 (Purworejo) */

static struct store *su; /* superuser session in the test's database */

static void expect_value(struct store *st, const char *sql, const char *want)
{
    char *v = rdb_value(st, sql);

    cr_assert(v && strcmp(v, want) == 0, "%s\n  got '%s', expected '%s'", sql,
              v ? v : "(null)", want);
    free(v);
}

static void expect_refused(struct store *st, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(store_exec(st, sql, &err) < 0, "should be refused: %s", sql);
    cr_assert(strstr(err.msg, "permission denied"), "%s: unexpected error %s", sql,
              err.msg);
}

static void setup(void)
{
    static const struct rdb_scope scopes[] = {{"camat_a", "35.75.01"},
                                              {"camat_b", "35.75.02"}};

    su = rdb_setup_scoped("sec", scopes, 2);
    /* One MSME in each of two kecamatan, each with an application overdue in
     * verification (a 1-working-day step begun 30 days ago) and its events. */
    rdb_exec(su,
             "INSERT INTO msme (nib, business_name, owner_name, phone, kelurahan_code)"
             " VALUES ('" NIB_A "', 'Keripik Tempe Bu Sri', 'Sri Wahyuni',"
             " '081234567001', '35.75.01.1001'),"
             " ('" NIB_B "', 'Warung Pak Slamet', 'Slamet Riyadi', '081234567002',"
             " '35.75.02.1001')");
    rdb_exec(su, "INSERT INTO application (id_reg, nib, msme_id, status_code, stage,"
                 " stage_since, tgl_daftar)"
                 " SELECT 'reg-' || nib, nib, id, 'OF11', 'verification',"
                 " now() - interval '30 days', now() - interval '40 days' FROM msme");
    rdb_exec(su, "INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " SELECT id, 'OF10', 'submitted', now() - interval '40 days'"
                 " FROM application UNION ALL"
                 " SELECT id, 'OF11', 'verification', now() - interval '30 days'"
                 " FROM application");
    /* The login roles of docs/operations.md, and two that are none of them. */
    rdb_exec(su, "CREATE ROLE @_kiosk LOGIN IN ROLE @_self_service;"
                 " CREATE ROLE @_officer LOGIN IN ROLE @_camat_a;"
                 " CREATE ROLE @_grafana LOGIN IN ROLE @_reader");
    rdb_exec(su, "CREATE ROLE @_sv LOGIN IN ROLE @_serve;"
                 " CREATE ROLE @_d LOGIN IN ROLE @_daemon;"
                 " CREATE ROLE @_rep LOGIN IN ROLE @_report;"
                 " CREATE ROLE @_nobody LOGIN; CREATE ROLE @_planter LOGIN");
}

static void teardown(void)
{
    rdb_teardown();
    su = NULL;
}

TestSuite(security, .init = setup, .fini = teardown);

/* The attack of issue 10, item 1, on the self-service functions of halaltrack-serve: a
 * temporary view named msme_access_code that hands out a code the attacker knows, and a
 * temporary self_service_attempt that counts nothing. */
static const char *const temp_hijack_sql[] = {
    "CREATE TEMP VIEW msme_access_code AS"
    " SELECT '" NIB_A "'::text AS nib, 'aa'::text AS salt, 'sha256'::text AS kdf,"
    "  encode(sha256(convert_to('aa:X', 'UTF8')), 'hex') AS verifier,"
    "  now() AS issued_at",
    "CREATE TEMP TABLE self_service_attempt (subject_key text PRIMARY KEY, kind text,"
    " failures int, last_failure_at timestamptz, attempts bigint, blocked bigint,"
    " last_attempt_at timestamptz)",
};

Test(security, item1_temp_view_cannot_hijack_definer)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *kiosk = rdb_connect("kiosk"), *sv;
    char *v;

    /* init-roles took TEMP from PUBLIC: a kiosk login stops at the first statement. */
    cr_assert(store_exec(kiosk, temp_hijack_sql[0], &err) < 0,
              "a kiosk login could create a temporary view");
    cr_assert(strstr(err.msg, "permission denied to create temporary tables"), "%s",
              err.msg);
    /* The service's role may create temporary tables (the weekly report's as-of table);
     * the pinned search_path still ignores them: the real salt comes back, and the
     * attempt is counted in the real table. */
    sv = rdb_connect("sv");
    for (size_t i = 0; i < sizeof(temp_hijack_sql) / sizeof(temp_hijack_sql[0]); i++)
        rdb_exec(sv, temp_hijack_sql[i]);
    v = rdb_value(
        sv, "SELECT coalesce(kdf, 'none') FROM halaltrack.self_service_begin('" NIB_A
            "', 'attacker', 'scrypt:1024:8:1')");
    cr_assert_str_eq(v, "scrypt:1024:8:1", "the temporary code table was read");
    free(v);
    expect_value(su, "SELECT sum(failures) FROM self_service_attempt", "2");
}

Test(security, item1_definer_functions_pin_search_path)
{
    /* Every SECURITY DEFINER function of the schema: search_path exactly the schema with
     * pg_temp last, and no EXECUTE for PUBLIC. */
    expect_value(su,
                 "SELECT coalesce(string_agg(proname, ', '), 'none') FROM pg_proc"
                 " WHERE pronamespace = 'halaltrack'::regnamespace AND prosecdef"
                 " AND NOT coalesce('search_path=halaltrack, pg_temp' = ANY (proconfig), "
                 "false)",
                 "none");
    expect_value(su,
                 "SELECT coalesce(string_agg(proname, ', '), 'none') FROM pg_proc"
                 " WHERE pronamespace = 'halaltrack'::regnamespace AND prosecdef"
                 " AND has_function_privilege('public', oid, 'EXECUTE')",
                 "none");
    /* The check above is not void: the self-service lookup is one of them. */
    expect_value(su,
                 "SELECT prosecdef FROM pg_proc WHERE oid = 'self_service_begin(text, "
                 "text, text)'::regprocedure",
                 "t");
    /* Nobody but superusers may create temporary objects in the database any more. */
    expect_value(
        su, "SELECT has_database_privilege('public', current_database(), 'TEMP')", "f");
}

Test(security, item2_set_role_keeps_kecamatan_scope)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *officer = rdb_connect("officer");
    struct store_rows reach = {0};
    char sql[160];
    /* What the officer may see, by every way the views show it. */
    static const char *const probes[][2] = {
        {"SELECT string_agg(DISTINCT kecamatan_code, ',') FROM halaltrack.v_msme_status",
         "35.75.01"},
        {"SELECT string_agg(DISTINCT left(kelurahan_code, 8), ',')"
         " FROM halaltrack.v_sla_breach",
         "35.75.01"},
        {"SELECT string_agg(DISTINCT left(kelurahan_code, 8), ',')"
         " FROM halaltrack.sla_breach_at(now())",
         "35.75.01"},
        {"SELECT string_agg(nib, ',') FROM halaltrack.v_application", NIB_A},
        {"SELECT string_agg(DISTINCT id_reg, ',') FROM halaltrack.v_stage_event",
         "reg-" NIB_A},
        {"SELECT sum(applications) FROM halaltrack.v_funnel", "1"},
    };

    cr_assert(
        store_query_rows(officer,
                         "SELECT rolname FROM pg_roles"
                         " WHERE pg_has_role(session_user, oid, 'MEMBER') ORDER BY 1",
                         0, NULL, &reach, &err) == 0,
        "%s", err.msg);
    /* officer itself and its kecamatan role; no path to the unscoped reader. */
    cr_assert_eq(reach.nrows, 2);
    for (int r = 0; r < reach.nrows; r++) {
        const char *role = store_rows_get(&reach, r, 0);

        cr_assert(!strstr(role, "_reader"), "the officer can SET ROLE %s", role);
        snprintf(sql, sizeof(sql), "SET ROLE %s", role);
        rdb_exec(officer, sql);
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
            expect_value(officer, probes[i][0], probes[i][1]);
    }
    store_rows_release(&reach);
    /* The role of docs/operations.md's reader cannot be reached, not even by name. */
    snprintf(sql, sizeof(sql), "SET ROLE %s_reader", rdb_name());
    cr_assert(store_exec(officer, sql, &err) < 0,
              "the officer could SET ROLE the reader");
    /* The unscoped reader sees both kecamatan. */
    expect_value(rdb_connect("grafana"),
                 "SELECT string_agg(DISTINCT kecamatan_code, ',' ORDER BY kecamatan_code)"
                 " FROM halaltrack.v_msme_status",
                 "35.75.01,35.75.02");
}

Test(security, item2_role_without_scope_sees_nothing)
{
    struct store *nobody;

    /* Granted the views directly, in no group: neither scoped nor unscoped. */
    rdb_exec(su, "GRANT USAGE ON SCHEMA halaltrack TO @_nobody;"
                 " GRANT SELECT ON ALL TABLES IN SCHEMA halaltrack TO @_nobody;"
                 " GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA halaltrack TO @_nobody");
    nobody = rdb_connect("nobody");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.v_msme_status", "0");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.v_application", "0");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.v_sla_breach", "0");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.msme", "0");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.application", "0");
    expect_value(nobody, "SELECT count(*) FROM halaltrack.stage_event", "0");
}

/* A login that may CREATE in schema public (every login, on a database created before
 * PostgreSQL 15) plants functions there that log who ran them. */
static void plant(const char *function_sql)
{
    struct store *planter;

    rdb_exec(su, "GRANT CREATE ON SCHEMA public TO @_planter");
    planter = rdb_connect("planter");
    rdb_exec(planter, "CREATE TABLE IF NOT EXISTS public.loot (who text NOT NULL);"
                      " GRANT INSERT ON public.loot TO PUBLIC");
    rdb_exec(planter, function_sql);
}

Test(security, item3_planted_power_never_runs)
{
    char *v;

    /* power(double precision, integer) would match the throttle's back-off better than
     * pg_catalog's power(double precision, double precision). */
    plant(
        "CREATE FUNCTION public.power(double precision, integer) RETURNS double precision"
        " LANGUAGE sql AS $$ INSERT INTO public.loot VALUES (current_user); SELECT "
        "0::float8"
        " $$");
    rdb_exec(su,
             "INSERT INTO self_service_attempt (subject_key, kind, failures,"
             " last_failure_at) VALUES (encode(sha256(convert_to('halaltrack-nib:" NIB_A
             "', 'UTF8')), 'hex'), 'nib', 9, now())");
    v = rdb_value(rdb_connect("sv"),
                  "SELECT retry_after FROM halaltrack.self_service_begin('" NIB_A
                  "', 'x', 'scrypt:1024:8:1')");
    cr_assert(v && atoi(v) > 0, "the back-off did not hold: %s", v ? v : "(null)");
    free(v);
    expect_value(su, "SELECT count(*) FROM public.loot", "0");
}

Test(security, item3_planted_namesake_never_runs)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *d;
    int granted = 0;

    /* text for the integer: a better match for the daemon's untyped parameters. */
    plant(
        "CREATE FUNCTION public.budget_take(text, text, text) RETURNS integer"
        " LANGUAGE sql AS $$ INSERT INTO public.loot VALUES (current_user); SELECT 1 $$");
    cr_assert(store_budget_init(su, "api", 10, 1, &err) == 0, "%s", err.msg);
    d = rdb_connect("d");
    cr_assert(store_budget_take(d, "api", 3, "daemon-1", &granted, &err) == 0, "%s",
              err.msg);
    expect_value(su, "SELECT count(*) FROM public.loot", "0");
    cr_assert_eq(granted, 3);
    expect_value(su, "SELECT sum(n) FROM budget_grant", "3");
    /* No session of ours searches public. */
    expect_value(d, "SELECT current_setting('search_path')", "halaltrack, pg_temp");
}

Test(security, item6_access_codes_owner_only)
{
    struct store *d = rdb_connect("d"), *rep = rdb_connect("rep"),
                 *sv = rdb_connect("sv");
    char sql[640];

    /* No role of the cluster but superusers and the owner's members (and PostgreSQL's
     * own pg_read_all_data, whose members an administrator chose) may read the codes,
     * the attempts or the tokens. */
    snprintf(
        sql, sizeof(sql),
        "SELECT coalesce(string_agg(r.rolname || '.' || t.tab, ', '), 'none')"
        " FROM pg_roles r CROSS JOIN (VALUES ('msme_access_code'),"
        " ('self_service_attempt'), ('self_service_ticket'), ('api_token')) AS t(tab)"
        " WHERE NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%%'"
        " AND NOT pg_has_role(r.oid, '%s_owner', 'MEMBER')"
        " AND has_table_privilege(r.oid, t.tab, 'SELECT')",
        rdb_name());
    expect_value(su, sql, "none");
    expect_refused(d, "SELECT * FROM halaltrack.msme_access_code");
    expect_refused(rep, "SELECT * FROM halaltrack.msme_access_code");
    expect_refused(sv, "SELECT * FROM halaltrack.msme_access_code");
    expect_refused(rep, "SELECT * FROM halaltrack.self_service_attempt");
    /* msme keeps no code any more; what the roles need of it they still read. */
    expect_value(su,
                 "SELECT count(*) FROM pg_attribute WHERE attrelid = 'msme'::regclass"
                 " AND attname LIKE 'access%' AND NOT attisdropped",
                 "0");
    expect_value(d, "SELECT string_agg(nib, ',' ORDER BY nib) FROM halaltrack.msme",
                 NIB_A "," NIB_B);
    expect_value(rep, "SELECT count(business_name) FROM halaltrack.msme", "2");
}

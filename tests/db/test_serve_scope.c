/* The scope of halaltrack-serve's requests is the database's to enforce (issue 15): as
 * the service's own login, whatever SQL its C code might send, a request sees what its
 * bearer token or proven access code allows and nothing else, and nothing at all without
 * one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "roles_db.h"
#include "halaltrack/apitoken.h"
#include "halaltrack/store_serve.h"

#define NIB_A "3575010000001" /* kecamatan 35.75.01 */
#define NIB_B "3575020000002" /* kecamatan 35.75.02 */

static struct store *su, *sv;
static char tok_kota[APITOKEN_HASH], tok_kec[APITOKEN_HASH], tok_old[APITOKEN_HASH];

static void token(const char *name, const char *kind, const char *kec,
                  char hash[static APITOKEN_HASH])
{
    struct ht_err err = HT_ERR_INIT;
    char t[APITOKEN_TEXT];
    long id;

    cr_assert(apitoken_new(t) == 0 && apitoken_hash(t, hash) == 0);
    cr_assert(store_token_issue(su, name, kind, kec, hash, &id, &err) == 0, "%s",
              err.msg);
}

static void setup(void)
{
    su = rdb_setup("scope");
    rdb_exec(su,
             "INSERT INTO msme (nib, business_name, kelurahan_code) VALUES"
             " ('" NIB_A "', 'A', '35.75.01.1001'), ('" NIB_B "', 'B', '35.75.02.1001')");
    rdb_exec(su, "INSERT INTO application (id_reg, nib, msme_id, status_code, stage,"
                 " stage_since) SELECT 'reg-' || nib, nib, id, 'OF11', 'verification',"
                 " now() - interval '30 days' FROM msme");
    rdb_exec(su, "INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " SELECT id, 'OF11', 'verification', now() - interval '30 days'"
                 " FROM application");
    rdb_exec(su, "INSERT INTO quarantine (source, ref, reason, raw)"
                 " VALUES ('detail', 'x', 'y', 'z')");
    token("dinas", "kota", NULL, tok_kota);
    token("camat", "kecamatan", "35.75.01", tok_kec);
    token("old", "kota", NULL, tok_old);
    cr_assert(store_token_revoke(su, "old", NULL) == 0);
    sv = rdb_login("sv", "serve");
}

TestSuite(scope, .init = setup, .fini = rdb_teardown, .timeout = 60);

/* What the session sees of every kind of data, as "msme/application/stage_event/
 * change_log/v_msme_status/sla_breach/funnel/quarantine". */
static char *seen(void)
{
    return rdb_value(sv, "SELECT (SELECT count(*) FROM msme) || '/' ||"
                         " (SELECT count(*) FROM application) || '/' ||"
                         " (SELECT count(*) FROM stage_event) || '/' ||"
                         " (SELECT count(*) FROM change_log) || '/' ||"
                         " (SELECT count(*) FROM v_msme_status) || '/' ||"
                         " (SELECT count(*) FROM sla_breach_at(now())) || '/' ||"
                         " (SELECT sum(applications) FROM v_funnel) || '/' ||"
                         " (SELECT count(*) FROM quarantine)");
}

static void expect_seen(const char *want, const char *when)
{
    char *v = seen();

    cr_assert_str_eq(v, want, "%s: saw %s", when, v);
    free(v);
}

static void begin_with(const char *hash)
{
    char sql[160];

    rdb_exec(sv, "BEGIN");
    snprintf(sql, sizeof(sql), "SELECT * FROM api_request_begin('%s')", hash);
    rdb_exec(sv, sql);
}

Test(scope, no_request_scope_sees_nothing)
{
    expect_seen("0/0/0/0/0/0/0/0", "no token");
    /* Not even through SET ROLE to the group it belongs to. */
    rdb_exec(sv, "SET ROLE @_serve");
    expect_seen("0/0/0/0/0/0/0/0", "SET ROLE serve");
    rdb_exec(sv, "RESET ROLE");
}

Test(scope, kecamatan_token_sees_its_kecamatan_only)
{
    begin_with(tok_kec);
    expect_seen("1/1/1/2/1/1/1/0", "kecamatan token");
    cr_assert_eq(rdb_long(sv, "SELECT count(*) FROM msme WHERE nib = '" NIB_B "'"), 0);
    /* Asking by name, through a view, a function, a join: still nothing of 35.75.02. */
    cr_assert_eq(
        rdb_long(sv, "SELECT count(*) FROM v_application WHERE nib = '" NIB_B "'"), 0);
    cr_assert_eq(rdb_long(sv, "SELECT count(*) FROM goal_hits_at(now()) h JOIN msme m"
                              " ON m.id = h.msme_id WHERE m.nib = '" NIB_B "'"),
                 0);
    rdb_exec(sv, "COMMIT");
    begin_with(tok_kota);
    expect_seen("2/2/2/4/2/2/2/1", "kota token");
    rdb_exec(sv, "COMMIT");
}

Test(scope, scope_ends_with_the_transaction)
{
    begin_with(tok_kota);
    rdb_exec(sv, "COMMIT");
    expect_seen("0/0/0/0/0/0/0/0", "after COMMIT");
    begin_with(tok_kota);
    rdb_exec(sv, "ROLLBACK");
    expect_seen("0/0/0/0/0/0/0/0", "after ROLLBACK");
    /* Nothing was left behind for anyone. */
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM api_request"), 0);
}

Test(scope, the_service_cannot_forge_or_widen_a_scope)
{
    struct ht_err err = HT_ERR_INIT;
    static const char *const forbidden[] = {
        "INSERT INTO api_request (nib) VALUES ('" NIB_B "')",
        "SELECT * FROM api_token",
        "UPDATE api_token SET scope_kind = 'kota'",
        "INSERT INTO request_scoped_role VALUES ('x')",
        "DELETE FROM request_scoped_role",
        "INSERT INTO unscoped_role VALUES ('x')",
        "ALTER TABLE msme DISABLE ROW LEVEL SECURITY",
        "SET session_replication_role = replica",
    };

    for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
        ht_err_clear(&err);
        cr_assert(store_exec(sv, forbidden[i], &err) < 0, "allowed: %s", forbidden[i]);
    }
    /* A second scope in one transaction is refused, not added. */
    begin_with(tok_kec);
    ht_err_clear(&err);
    cr_assert(store_exec(sv,
                         "SELECT * FROM api_request_begin('"
                         "x"
                         "')",
                         &err) == 0);
    {
        char sql[160];

        snprintf(sql, sizeof(sql), "SELECT * FROM api_request_begin('%s')", tok_kota);
        ht_err_clear(&err);
        cr_assert(store_exec(sv, sql, &err) < 0, "a second scope was accepted");
    }
    rdb_exec(sv, "ROLLBACK");
    /* IMMEDIATE constraints delete the scope row at once: fail closed. */
    rdb_exec(sv, "BEGIN");
    rdb_exec(sv, "SET CONSTRAINTS ALL IMMEDIATE");
    {
        char sql[160];

        snprintf(sql, sizeof(sql), "SELECT * FROM api_request_begin('%s')", tok_kota);
        rdb_exec(sv, sql);
    }
    expect_seen("0/0/0/0/0/0/0/0", "IMMEDIATE");
    rdb_exec(sv, "ROLLBACK");
    /* A revoked token and a made-up hash give no scope. */
    begin_with(tok_old);
    expect_seen("0/0/0/0/0/0/0/0", "revoked token");
    rdb_exec(sv, "ROLLBACK");
    begin_with("0000000000000000000000000000000000000000000000000000000000000000");
    expect_seen("0/0/0/0/0/0/0/0", "unknown token");
    rdb_exec(sv, "ROLLBACK");
}

/* store_request_begin, as the service calls it: the token's name and scope come back. */
Test(scope, store_request_begin_names_the_scope)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_request_scope sc;

    cr_assert_eq(store_request_begin(sv, tok_kec, &sc, &err), 0, "%s", err.msg);
    cr_assert_str_eq(sc.name, "camat");
    cr_assert_str_eq(sc.kind, "kecamatan");
    cr_assert_str_eq(sc.kecamatan, "35.75.01");
    cr_assert_eq(rdb_long(sv, "SELECT count(*) FROM msme"), 1);
    cr_assert(store_commit(sv, &err) == 0);
    cr_assert_eq(store_request_begin(sv, tok_old, &sc, &err), 1);
    cr_assert_eq(rdb_long(sv, "SELECT count(*) FROM msme"), 0);
}

/* The maintained report tables (issue 16) under the roles of `db init-roles`: a kecamatan
 * reader's reports read them scoped to its kecamatan, the report and daemon roles read
 * them unscoped, and no role but the owner writes them, while the daemon's own writes
 * keep them (the triggers run as the owner). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "roles_db.h"

#define NIB_A "3575010000001" /* kecamatan 35.75.01 */
#define NIB_B "3575020000002" /* kecamatan 35.75.02 */

static struct store *su;

static void setup(void)
{
    su = rdb_setup("mscope");
    /* Two certified MSMEs, one in each kecamatan, and one open file each (overdue). */
    rdb_exec(su,
             "INSERT INTO msme (nib, business_name, kelurahan_code) VALUES"
             " ('" NIB_A "', 'A', '35.75.01.1001'), ('" NIB_B "', 'B', '35.75.02.1001')");
    rdb_exec(
        su,
        "INSERT INTO application (id_reg, nib, msme_id, status_code, stage,"
        " stage_since, tgl_daftar)"
        " SELECT 'c-' || nib, nib, id, 'OF300', 'certified', now() - interval '5 days',"
        " now() - interval '60 days' FROM msme UNION ALL"
        " SELECT 'o-' || nib, nib, id, 'OF11', 'verification',"
        " now() - interval '30 days', now() - interval '40 days' FROM msme");
    rdb_exec(su, "INSERT INTO stage_event (application_id, status_code, stage, at,"
                 " observed_at) SELECT id, status_code, stage, stage_since, stage_since"
                 " FROM application");
    rdb_exec(su, "INSERT INTO goal (name, scope_kind, scope_value, metric, target,"
                 " start_date, deadline) VALUES ('kota', 'kota', NULL, 'certified', 10,"
                 " current_date - 100, current_date + 100)");
    rdb_exec(su, "CREATE ROLE @_officer LOGIN IN ROLE @_camat_a;"
                 " CREATE ROLE @_d LOGIN IN ROLE @_daemon;"
                 " CREATE ROLE @_rep LOGIN IN ROLE @_report");
}

TestSuite(maintained_scope, .init = setup, .fini = rdb_teardown, .timeout = 60);

static int try_exec(struct store *st, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    return store_exec(st, sql, &err);
}

Test(maintained_scope, readers_see_their_kecamatan_and_only_the_owner_writes)
{
    struct store *off = rdb_connect("officer"), *d = rdb_connect("d"),
                 *rep = rdb_connect("rep");
    char *v;

    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM app_now"), 4);
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM goal_hit"), 2);

    /* The kecamatan reader's reports: its own MSME only, from the maintained rows. */
    cr_assert_eq(rdb_long(off, "SELECT done FROM v_goal_progress"), 1);
    cr_assert_eq(rdb_long(off, "SELECT count(*) FROM v_sla_breach"), 1);
    v = rdb_value(off, "SELECT string_agg(nib, ',') FROM v_sla_breach");
    cr_assert_str_eq(v, NIB_A);
    free(v);
    /* The tables themselves: no grant for a reader. */
    cr_assert_lt(try_exec(off, "SELECT * FROM app_now"), 0);
    cr_assert_lt(try_exec(off, "SELECT * FROM goal_hit"), 0);

    /* The report and daemon roles read them whole, and write nothing. */
    cr_assert_eq(rdb_long(rep, "SELECT count(*) FROM app_now"), 4);
    cr_assert_eq(rdb_long(rep, "SELECT done FROM v_goal_progress"), 2);
    cr_assert_eq(rdb_long(d, "SELECT count(*) FROM goal_hit"), 2);
    cr_assert_lt(try_exec(rep, "DELETE FROM goal_hit"), 0);
    cr_assert_lt(try_exec(d, "UPDATE app_now SET step = 'fatwa'"), 0);
    cr_assert_lt(try_exec(d, "SELECT maintained_rebuild()"), 0);

    /* The daemon's writes keep them, through the owner's triggers. */
    rdb_exec(d, "UPDATE application SET status_code = 'OF300', stage = 'certified',"
                " stage_since = now() - interval '1 day' WHERE id_reg = 'o-" NIB_B "'");
    cr_assert_eq(rdb_long(rep, "SELECT count(*) FROM app_now WHERE terminal"), 3);
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM maintained_diff()"), 0);
    cr_assert_eq(rdb_long(off, "SELECT count(*) FROM v_sla_breach"), 1);
}

/* The maintained report answers (issue 16, sql/0019_maintained.sql): every writer keeps
 * app_now and goal_hit equal to their recomputation from the history (maintained_diff
 * returns nothing), in its own transaction: the daemon's batch apply, upstream tracking
 * replacing the observed history, a relink, the register import and edit, certificate
 * matches accepted and undone, goals added and removed, applications deleted. Each step
 * also asserts the maintained row it changed, so a trigger that did nothing would fail
 * even where the recomputation agreed by chance. `halaltrack db check` reports both
 * outcomes; the reports of an earlier instant still compute from the history. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pg_test.h"
#include "test_util.h"
#include "halaltrack/store_sync.h"

static struct store *s;

static void setup(void)
{
    s = pgt_open();
    /* One register MSME in Gadingrejo with a self-declared application with its PPH
     * companion (the step began at submission, OF10), one goal for the kota and one
     * for the kecamatan. */
    pgt_exec("INSERT INTO msme (nib, business_name, kbli, size_class, kelurahan_code,"
             " programs) VALUES ('3575010000001', 'Warung Satu', '56101', 'mikro',"
             " '35.75.01.1001', '{sehati2026}')");
    pgt_exec(
        "INSERT INTO application (id_reg, tgl_daftar, nib, msme_id, nama_pu,"
        " channel_id, status_code, stage, stage_since, first_seen_at)"
        " SELECT 'M1', '2026-04-28 09:00+07', nib, id, 'WARUNG SATU', 'CH003', 'OF72',"
        "  'pph_verification', '2026-05-05 10:00+07', '2026-04-28 10:00+07' FROM msme");
    pgt_exec(
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT a.id, v.c, v.s, v.t::timestamptz, v.t::timestamptz + interval '1 hour'"
        "  FROM application a, (VALUES ('OF10', 'submitted', '2026-04-28 09:00+07'),"
        "   ('OF71', 'pph_verification', '2026-05-01 10:00+07'),"
        "   ('OF72', 'pph_verification', '2026-05-05 10:00+07')) v(c, s, t)"
        " WHERE a.id_reg = 'M1'");
    pgt_exec(
        "INSERT INTO goal (name, scope_kind, scope_value, metric, target, start_date,"
        " deadline) VALUES ('kota', 'kota', NULL, 'certified', 10, '2026-01-01',"
        " '2026-12-31'), ('diajukan', 'kecamatan', '35.75.01', 'applied', 5,"
        " '2026-01-01', '2026-12-31')");
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(maintained, .init = setup, .fini = teardown, .timeout = 120);

static long app_id(const char *id_reg)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT id FROM application WHERE id_reg = '%s'", id_reg);
    return pgt_long(sql);
}

static void agree(const char *after)
{
    char *first = pgt_str("SELECT tbl || ' ' || key || ': ' || coalesce(maintained, '-')"
                          " || ' / ' || coalesce(recomputed, '-')"
                          " FROM maintained_diff() LIMIT 1");

    cr_assert(first == NULL, "after %s the maintained tables differ: %s", after, first);
}

/* The hits of goal name, as "msme nib:via" sorted, or "". */
static char *hits(const char *goal)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "SELECT coalesce(string_agg(m.nib || ':' || h.via, ',' ORDER BY m.nib), '')"
             " FROM goal_hit h JOIN goal g ON g.id = h.goal_id JOIN msme m ON m.id = "
             "h.msme_id WHERE g.name = '%s'",
             goal);
    return pgt_str(sql);
}

static void expect_hits(const char *goal, const char *want, const char *after)
{
    char *v = hits(goal);

    cr_assert_str_eq(v, want, "goal %s after %s", goal, after);
    free(v);
}

static void apply(struct store_batch *b)
{
    struct ht_err err = HT_ERR_INIT;
    long ev = 0;

    cr_assert(eq(int, store_batch_apply(s, b, NULL, &ev, NULL, &err), 0), "%s", err.msg);
    store_batch_free(b);
}

Test(maintained, the_writers_keep_the_tables_equal_to_their_recomputation)
{
    long m1 = app_id("M1");
    struct store_batch *b;
    struct store_done d = {.app_id = m1, .next_s = 3600, .path = "self_declare"};

    /* What the inserts above left: the open step began at OF10, not at OF72. */
    agree("the inserts");
    pgt_expect_str("SELECT step || ' ' || to_char(step_since AT TIME ZONE 'Asia/Jakarta',"
                   " 'MM-DD HH24') || ' ' || terminal FROM app_now",
                   "pendampingan 04-28 09 false", "the step after the inserts");
    expect_hits("kota", "", "the inserts");
    expect_hits("diajukan", "3575010000001:programme", "the inserts");

    /* The daemon's batch apply: the fatwa, then the certificate. */
    b = store_batch_new();
    cr_assert(b != NULL);
    cr_assert(
        eq(int, store_batch_event(b, m1, "OF74", "fatwa", 1778382000, NULL, NULL), 0));
    cr_assert(eq(
        int, store_batch_event(b, m1, "OF300", "certified", 1778814000, NULL, NULL), 0));
    cr_assert(eq(int, store_batch_move(b, m1, "OF300", "certified", 1778814000), 0));
    cr_assert(eq(int, store_batch_done(b, &d), 0));
    apply(b);
    agree("the batch apply");
    pgt_expect_str("SELECT step || ' ' || terminal FROM app_now", "certified true",
                   "the step after the batch apply");
    expect_hits("kota", "3575010000001:programme", "the batch apply");

    /* Upstream tracking replaces the observed history (its events deleted). */
    pgt_exec("UPDATE stage_event SET source = 'observed'");
    b = store_batch_new();
    cr_assert(b != NULL);
    d.replace = 1;
    cr_assert(eq(
        int, store_batch_event(b, m1, "OF10", "submitted", 1777341600, NULL, NULL), 0));
    cr_assert(eq(
        int, store_batch_event(b, m1, "OF71", "pph_verification", 1777604400, NULL, NULL),
        0));
    cr_assert(
        eq(int, store_batch_move(b, m1, "OF71", "pph_verification", 1777604400), 0));
    cr_assert(eq(int, store_batch_done(b, &d), 0));
    apply(b);
    agree("upstream tracking replaced the observed history");
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM stage_event"), 2));
    pgt_expect_str("SELECT step || ' ' || terminal FROM app_now", "pendampingan false",
                   "the step after the replacement");
    expect_hits("kota", "", "the replacement");

    /* An application of a NIB not yet in the register, then the register import (the
     * MSME comes, msme_link_applications links it) and the register edit (moved out of
     * the kecamatan). */
    pgt_exec("INSERT INTO application (id_reg, tgl_daftar, nib, nama_pu, channel_id,"
             " status_code, stage, stage_since, first_seen_at) VALUES"
             " ('M2', '2026-05-02 09:00+07', '3575010000002', 'WARUNG BU YATI', 'CH003',"
             "  'OF10', 'submitted', '2026-05-02 09:00+07', '2026-05-02 10:00+07')");
    agree("an unlinked application");
    {
        static const char csv1[] =
            "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,"
            "telepon,program\n"
            "3575010000002,Warung Bu Yati,Yati,56101,mikro,"
            "35.75.01.1002,Jl. Melati 5,081234567891,\n";
        static const char csv2[] =
            "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,"
            "telepon,program\n"
            "3575010000002,Warung Bu Yati,Yati,56101,mikro,"
            "35.75.02.1001,Jl. Melati 5,081234567891,\n";
        const char *env[] = {pgt_schema_env(), NULL};
        char *f1 = tu_write_temp(".csv", csv1, sizeof(csv1) - 1),
             *f2 = tu_write_temp(".csv", csv2, sizeof(csv2) - 1);
        const char *a1[] = {tu_bin("cli/halaltrack"), "msme", "import", f1, NULL},
                   *a2[] = {tu_bin("cli/halaltrack"), "msme", "import", f2, NULL};
        struct tu_result r = tu_run(a1, env, NULL, 60);

        cr_assert(eq(int, r.status, 0), "import: %s", r.err);
        tu_result_release(&r);
        agree("the register import");
        expect_hits("diajukan", "3575010000001:programme,3575010000002:programme",
                    "the register import");
        r = tu_run(a2, env, NULL, 60);
        cr_assert(eq(int, r.status, 0), "import (edit): %s", r.err);
        tu_result_release(&r);
        agree("the register edit");
        expect_hits("diajukan", "3575010000001:programme", "the register edit");
        unlink(f1);
        unlink(f2);
        free(f1);
        free(f2);
    }

    /* A relink: M2 moves to the first MSME. */
    pgt_exec("UPDATE application SET nib = '3575010000001',"
             " msme_id = (SELECT id FROM msme WHERE nib = '3575010000001')"
             " WHERE id_reg = 'M2'");
    agree("a relink");

    /* A certificate of the public search matched to the first MSME: pending, accepted
     * (certified through another channel), undone. */
    pgt_exec("INSERT INTO public_certificate (no_sert, tgl_sert) VALUES"
             " ('ID35110000000099001', '2026-05-20')");
    pgt_exec(
        "INSERT INTO certificate_match (msme_id, certificate_id, query, score, basis,"
        " decision, status) SELECT m.id, c.id, 'warung satu', 0.9, 'business',"
        " 'review', 'pending' FROM msme m, public_certificate c"
        " WHERE m.nib = '3575010000001'");
    agree("a pending match");
    expect_hits("kota", "", "a pending match");
    pgt_exec("UPDATE certificate_match SET status = 'accepted', decided_by = 'test',"
             " decided_at = '2026-05-21 10:00+07'");
    agree("a match accepted");
    expect_hits("kota", "3575010000001:matched", "a match accepted");
    pgt_exec("UPDATE public_certificate SET tgl_sert = '2025-12-20'");
    agree("the certificate's date moved before the goal");
    expect_hits("kota", "", "the certificate's date moved");
    pgt_exec("UPDATE public_certificate SET tgl_sert = '2026-05-20'");
    pgt_exec("UPDATE certificate_match SET status = 'pending', decided_by = NULL,"
             " decided_at = NULL");
    agree("a match undone");
    expect_hits("kota", "", "a match undone");

    /* Goals added and removed. */
    pgt_exec(
        "INSERT INTO goal (name, scope_kind, scope_value, metric, target, start_date,"
        " deadline) VALUES ('sehati', 'program', 'sehati2026', 'applied', 3,"
        " '2026-01-01', '2026-12-31')");
    agree("a goal added");
    expect_hits("sehati", "3575010000001:programme", "a goal added");
    pgt_exec("DELETE FROM goal WHERE name = 'sehati'");
    agree("a goal removed");
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM goal_hit h WHERE NOT EXISTS"
                          " (SELECT 1 FROM goal g WHERE g.id = h.goal_id)"),
                 0));

    /* Applications deleted (their events and maintained rows with them), an MSME
     * deleted. */
    pgt_exec("DELETE FROM stage_event WHERE application_id IN"
             " (SELECT id FROM application WHERE id_reg = 'M2')");
    pgt_exec("DELETE FROM application WHERE id_reg = 'M2'");
    agree("an application deleted");
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM app_now"), 1));
    pgt_exec("DELETE FROM msme WHERE nib = '3575010000002'");
    agree("an MSME deleted");
}

Test(maintained, db_check_says_whether_they_agree)
{
    const char *env[] = {pgt_schema_env(), "NO_COLOR=1", "LANG=C", NULL};
    const char *argv[] = {tu_bin("cli/halaltrack"), "db", "check", NULL};
    const char *json[] = {tu_bin("cli/halaltrack"), "db", "check", "--format=json", NULL};
    struct tu_result r = tu_run(argv, env, NULL, 60);

    cr_assert(eq(int, r.status, 0), "db check: %s%s", r.out, r.err);
    cr_assert(strstr(r.out, "maintained tables agree") != NULL, "%s", r.out);
    tu_result_release(&r);

    /* Maintained rows changed behind the triggers' back (only the owner can). */
    pgt_exec("UPDATE app_now SET step = 'fatwa'");
    pgt_exec("DELETE FROM goal_hit");
    r = tu_run(argv, env, NULL, 60);
    cr_assert(eq(int, r.status, 1), "db check: %s%s", r.out, r.err);
    cr_assert(strstr(r.out, "2 differences") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "app_now") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "goal_hit") != NULL, "%s", r.out);
    tu_result_release(&r);
    r = tu_run(json, env, NULL, 60);
    cr_assert(eq(int, r.status, 1));
    cr_assert(strstr(r.out, "app_now") != NULL, "%s", r.out);
    tu_result_release(&r);
}

Test(maintained, an_earlier_instant_is_answered_from_the_history)
{
    /* At 3 May the OF72 event was not yet observed: the maintained answers stand for now
     * only, and app_step_at / goal_hits_known compute that instant from the history. */
    cr_assert(
        eq(long, pgt_long("SELECT maintained_current('2026-05-03 10:00+07')::int"), 0));
    cr_assert(eq(long, pgt_long("SELECT maintained_current(now())::int"), 1));
    pgt_expect_str("SELECT status_code FROM app_step_at('2026-05-03 10:00+07')", "OF71",
                   "the state as known on 3 May");
    pgt_expect_str("SELECT status_code FROM app_step_at(now())", "OF72", "the state now");
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM (SELECT * FROM goal_hits_known("
                          "'2026-04-28 09:30+07') EXCEPT SELECT * FROM goal_hits_at("
                          "'2026-04-28 09:30+07')) x"),
                 0));
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM (SELECT * FROM goal_hits_known(now())"
                          " EXCEPT SELECT * FROM goal_hits_at(now())) x"),
                 0));
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM goal_hits_known(now())"), 1));
}

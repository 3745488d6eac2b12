/* The review of public-search matches and reported certificate numbers (issue 14;
 * docs/coverage.md): msme add --certificate, halaltrack match list / accept / reject, and
 * the one counting rule (msme_certification) behind v_msme_status and the goals. On the
 * reports' fixed history. */
#include <jansson.h>
#include "report_fixture.h"

static void setup(void)
{
    pgt_open();
    rf_load_history();
    /* three certificates of the public search: one for an MSME without an application
     * (pending), one for an MSME whose applications are not certified (pending), one for
     * an MSME already certified by the office's programme (accepted: corroboration) */
    pgt_exec("INSERT INTO public_certificate (no_sert, tgl_sert, nama_pu) VALUES"
             " ('ID35110000000090006', '2025-12-10', 'BAKSO BLANDONGAN'),"
             " ('ID35110000000090002', '2025-12-11', 'KERIPIK PAK BUDI'),"
             " ('ID35110000000090001', '2025-11-01', 'SRI WAHYUNI')");
    pgt_exec(
        "INSERT INTO certificate_match (msme_id, certificate_id, query, score, basis,"
        " decision, status) SELECT m.id, c.id, 'nama_pelaku_usaha=x', 0.8, 'business',"
        " 'review', 'pending' FROM msme m JOIN public_certificate c"
        " ON right(c.no_sert, 1) = right(m.nib, 1)"
        " WHERE m.nib IN ('3575030000006', '3575010000002')");
    pgt_exec(
        "INSERT INTO certificate_match (msme_id, certificate_id, query, score, basis,"
        " decision, status, decided_by, decided_at) SELECT m.id, c.id, 'x', 1, 'owner',"
        " 'auto', 'accepted', 'halaltrackd (automatic)', now() FROM msme m,"
        " public_certificate c WHERE m.nib = '3575010000001'"
        " AND c.no_sert = 'ID35110000000090001'");
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(match_cli, .init = setup, .fini = teardown);

static long match_id(const char *nib)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "SELECT match_id FROM v_certificate_match WHERE nib = '%s'", nib);
    return pgt_long(sql);
}

static int decide(const char *verb, long id, char **err)
{
    char ids[24];
    struct tu_result r;
    int st;

    snprintf(ids, sizeof(ids), "%ld", id);
    r = rf_run(RF_NOW, "en", (const char *const[]){"match", verb, ids, NULL});
    st = r.status;
    if (err)
        *err = strdup(r.err);
    tu_result_release(&r);
    return st;
}

Test(match_cli, msme_add_keeps_a_reported_certificate_and_refuses_a_bad_one)
{
    struct tu_result r =
        rf_run(RF_NOW, "en",
               (const char *const[]){"msme", "add", "--nib=3575010000099",
                                     "--name=Depot Sari", "--kelurahan=35.75.01.1001",
                                     "--certificate=ID35110000000019999", NULL});
    char *v;

    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    v = pgt_str("SELECT reported_certificate FROM msme WHERE nib = '3575010000099'");
    cr_assert_str_eq(v, "ID35110000000019999");
    free(v);
    r = rf_run(RF_NOW, "en",
               (const char *const[]){"msme", "add", "--nib=3575010000098",
                                     "--name=Depot Sari", "--kelurahan=35.75.01.1001",
                                     "--certificate=ID 35", NULL});
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "certificate number 'ID 35'"), "%s", r.err);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM msme WHERE nib = '3575010000098'"), 0);
}

Test(match_cli, review_and_the_counting_rule)
{
    struct tu_result r = rf_run(
        RF_NOW, "en", (const char *const[]){"match", "list", "--format=json", NULL});
    long bakso = match_id("3575030000006"), budi = match_id("3575010000002");
    long own = pgt_long("SELECT count(DISTINCT msme_id) FROM application"
                        " WHERE stage = 'certified' AND msme_id IS NOT NULL");
    char *err = NULL, *by;
    json_t *j;

    cr_assert_eq(r.status, 0, "%s", r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert(j && json_array_size(j) == 2, "%s", r.out);
    json_decref(j);
    tu_result_release(&r);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM v_msme_status WHERE awaiting_confirmation"), 2);
    cr_assert_eq(decide("accept", bakso, NULL), 0);
    cr_assert_eq(decide("accept", bakso, &err), 1);
    cr_assert(strstr(err, "waits for a decision"), "%s", err);
    free(err);
    cr_assert_eq(decide("reject", budi, NULL), 0);
    cr_assert_eq(decide("accept", budi, NULL), 1);
    /* who decided: the database user, and when */
    by = pgt_str("SELECT decided_by FROM certificate_match WHERE status = 'rejected'"
                 " AND decided_at IS NOT NULL");
    cr_assert(by && *by);
    free(by);
    /* one MSME, one status: the office's programme saw Warung Bu Sri first, the match
     * corroborates it; Bakso Blandongan is certified through another channel */
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status WHERE nib = '3575030000006'"
                          " AND certified AND certified_via = 'matched'"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status m JOIN msme_certification c"
                          " ON c.msme_id = m.msme_id WHERE m.nib = '3575010000001'"
                          " AND m.certified_via = 'programme' AND c.corroborated"),
                 1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status WHERE nib = '3575010000002'"
                          " AND certified"),
                 0);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_msme_status WHERE certified"), own + 1);
    r = rf_run(RF_NOW, "en",
               (const char *const[]){
                   "goal", "add", "--name=all", "--scope=kota", "--metric=certified",
                   "--target=10", "--start=2025-01-01", "--deadline=2026-12-31", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT done FROM v_goal_progress WHERE name = 'all'"),
                 own + 1);
    cr_assert_eq(pgt_long("SELECT done_matched FROM v_goal_progress WHERE name = 'all'"),
                 1);
    cr_assert_eq(
        pgt_long("SELECT done_programme FROM v_goal_progress WHERE name = 'all'"), own);
    cr_assert_eq(pgt_long("SELECT awaiting FROM v_goal_progress WHERE name = 'all'"), 0);
}

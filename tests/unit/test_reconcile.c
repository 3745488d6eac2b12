/* Unit tests for reconcile: stored state + observed detail -> plan. No network, no
 * database. */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/reconcile.h"
#include "halaltrack/stage.h"
#include "halaltrack/stage.h"

TestSuite(reconcile);

#define T0 1777680000 /* an instant in 2026 */

static struct api_event ev(const char *code, int64_t at)
{
    struct api_event e = {0};
    e.status = (char *)code;
    e.at = at;
    return e;
}

static struct api_detail detail(const char *id, struct api_event *evs, size_t n)
{
    struct api_detail d = {0};
    d.id_reg = (char *)id;
    d.events = evs;
    d.nevents = n;
    return d;
}

static struct reconcile_stored fresh(const char *id)
{
    struct reconcile_stored s = {id, NULL, 0, 0};
    return s;
}

Test(reconcile, new_application_takes_every_event_and_the_latest_stage)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF11", T0 + 3600), ev("OF50", T0 + 7200)};
    struct api_detail d = detail("R1", e, 3);
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_APPLY));
    cr_assert(eq(sz, p.nev, 3));
    cr_assert(eq(int, p.ev_stage[0], STAGE_SUBMITTED));
    cr_assert(eq(int, p.ev_stage[1], STAGE_VERIFICATION));
    cr_assert(eq(int, p.ev_stage[2], STAGE_LPH_ASSIGNMENT));
    cr_assert(eq(int, p.move, 1));
    cr_assert(eq(sz, p.latest, 2));
    cr_assert(eq(int, p.new_stage, STAGE_LPH_ASSIGNMENT));
    cr_assert(eq(int, p.certificate, 0));
    reconcile_plan_release(&p);
}

Test(reconcile, duplicated_events_are_inserted_once)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF10", T0), ev("OF11", T0 + 60),
                            ev("OF11", T0 + 60)};
    struct api_detail d = detail("R1", e, 4);
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(sz, p.nev, 2));
    cr_assert(eq(sz, p.ev[0], 0));
    cr_assert(eq(sz, p.ev[1], 2));
    reconcile_plan_release(&p);
}

Test(reconcile, stale_answer_never_moves_the_stage_back)
{
    /* We hold OF60 since T0+10000; an old cached answer ends at OF50. */
    struct api_event e[] = {ev("OF10", T0), ev("OF50", T0 + 5000)};
    struct api_detail d = detail("R1", e, 2);
    struct reconcile_stored st = {"R1", "OF60", T0 + 10000, 1};
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_APPLY));
    cr_assert(eq(int, p.move, 0));
    cr_assert(eq(sz, p.nev, 2)); /* still inserted idempotently */
    reconcile_plan_release(&p);
}

Test(reconcile, same_answer_again_is_not_a_move)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF11", T0 + 60)};
    struct api_detail d = detail("R1", e, 2);
    struct reconcile_stored st = {"R1", "OF11", T0 + 60, 1};
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.move, 0));
    reconcile_plan_release(&p);
}

Test(reconcile, out_of_order_tracking_uses_upstream_time)
{
    struct api_event e[] = {ev("OF74", T0 + 900), ev("OF10", T0), ev("OF60", T0 + 500)};
    struct api_detail d = detail("R1", e, 3);
    struct reconcile_stored st = {"R1", "OF60", T0 + 500, 1};
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.move, 1));
    cr_assert(eq(sz, p.latest, 0));
    cr_assert(eq(int, p.new_stage, STAGE_FATWA));
    reconcile_plan_release(&p);
}

Test(reconcile, returned_then_resubmitted_moves_forward_in_time)
{
    /* returned (OF280) then back to submitted (OF10): a lower stage ordinal but later. */
    struct api_event e[] = {ev("OF10", T0), ev("OF280", T0 + 100), ev("OF10", T0 + 200)};
    struct api_detail d = detail("R1", e, 3);
    struct reconcile_stored st = {"R1", "OF280", T0 + 100, 1};
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.move, 1));
    cr_assert(eq(int, p.new_stage, STAGE_SUBMITTED));
    cr_assert(eq(sz, p.nev, 3));
    reconcile_plan_release(&p);
}

Test(reconcile, unknown_code_goes_to_quarantine_until_mapped)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF130", T0 + 60)};
    struct api_detail d = detail("R1", e, 2);
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;
    struct stage_map *map;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_QUARANTINE));
    cr_assert(eq(str, p.reason, "unknown status code 'OF130'"));
    cr_assert(eq(sz, p.nev, 0));
    cr_assert(eq(int, p.move, 0));
    reconcile_plan_release(&p);

    map = stage_map_new();
    cr_assert_not_null(map);
    cr_assert(eq(int, stage_map_add(map, "OF130", "issuance", &err), 0), "%s", err.msg);
    cr_assert(eq(int, reconcile_plan_build(&st, &d, map, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_APPLY));
    cr_assert(eq(int, p.new_stage, STAGE_ISSUANCE));
    reconcile_plan_release(&p);
    stage_map_free(map);
}

Test(reconcile, certificate_recorded_on_issuance)
{
    struct api_event e[] = {ev("OF120", T0), ev("OF300", T0 + 86400)};
    struct api_detail d = detail("R1", e, 2);
    struct reconcile_stored st = {"R1", "OF120", T0, 1};
    struct reconcile_plan p;

    d.cert_no = (char *)"ID35750000123450526";
    d.cert_date = (char *)"2026-05-03";
    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.move, 1));
    cr_assert(eq(int, p.new_stage, STAGE_CERTIFIED));
    cr_assert(eq(int, p.certificate, 1));
    reconcile_plan_release(&p);
}

Test(reconcile, bad_certificate_number_is_quarantined)
{
    struct api_event e[] = {ev("OF300", T0)};
    struct api_detail d = detail("R1", e, 1);
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;

    d.cert_no = (char *)"XX123";
    d.cert_date = (char *)"2026-05-03";
    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_QUARANTINE));
    cr_assert(eq(str, p.reason, "invalid certificate number 'XX123'"));
    reconcile_plan_release(&p);
}

Test(reconcile, answer_for_another_application_is_quarantined)
{
    struct api_event e[] = {ev("OF10", T0)};
    struct api_detail d = detail("R2", e, 1);
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_QUARANTINE));
    cr_assert(eq(str, p.reason, "detail answer is for another application 'R2'"));
    reconcile_plan_release(&p);
}

Test(reconcile, empty_tracking_changes_nothing)
{
    struct api_detail d = detail("R1", NULL, 0);
    struct reconcile_stored st = {"R1", "OF10", T0, 1};
    struct reconcile_plan p;

    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(int, p.action, RECONCILE_APPLY));
    cr_assert(eq(sz, p.nev, 0));
    cr_assert(eq(int, p.move, 0));
    reconcile_plan_release(&p);
}

/* Issue 10 (low): duplicate removal must not be quadratic. 300,000 tracking entries that
 * are all the same (a hostile answer) take milliseconds in O(n log n); the old O(n^2)
 * loop took minutes, past this test's timeout. */
Test(reconcile, low_duplicate_removal_is_not_quadratic, .timeout = 30)
{
    size_t n = 300000;
    struct api_event *e = calloc(n, sizeof(*e));
    struct api_detail d;
    struct reconcile_stored st = fresh("R1");
    struct reconcile_plan p;

    cr_assert(e != NULL);
    for (size_t i = 0; i < n; i++)
        e[i] = ev(i % 3 == 2 ? "OF11" : "OF10", T0 + (int64_t)(i % 3 == 2));
    d = detail("R1", e, n);
    cr_assert(eq(int, reconcile_plan_build(&st, &d, NULL, &p), 0));
    cr_assert(eq(sz, p.nev, 2));
    cr_assert(eq(sz, p.ev[0], 0)); /* the first of each, in upstream order */
    cr_assert(eq(sz, p.ev[1], 2));
    cr_assert(eq(str, d.events[p.latest].status, "OF11"));
    reconcile_plan_release(&p);
    free(e);
}

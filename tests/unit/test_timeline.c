/* Timeline: an application's codes grouped into the legal steps of its path, each step's
 * working days against its limit on fixed histories around the 2025 holidays (Idulfitri
 * and its cuti bersama, Waisak, 1 Muharam, Maulid), who held it, an LPH extension, the
 * Komite Fatwa takeover, paused steps, and years without holiday data. Day counts were
 * worked out by hand and with an independent day-by-day count over
 * etc/reference/libur_nasional.csv. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/timeline.h"
#include "halaltrack/util.h"

static struct calendar *cal;

static void setup(void)
{
    struct ht_err err = HT_ERR_INIT;

    cal = calendar_load_default(&err);
    cr_assert(cal, "%s", err.msg);
}

static void teardown(void)
{
    calendar_free(cal);
}

TestSuite(timeline, .init = setup, .fini = teardown);

static int64_t ts(const char *s)
{
    int64_t t = 0;

    cr_assert(ts_parse(s, &t, NULL) == 0, "bad test timestamp %s", s);
    return t;
}

static struct tl_event ev(const char *code, const char *day)
{
    struct tl_event e;
    char when[40];

    memset(&e, 0, sizeof(e));
    snprintf(e.code, sizeof(e.code), "%s", code);
    snprintf(when, sizeof(when), "%sT09:00:00+07:00", day);
    e.at = ts(when);
    e.observed_at = e.at + 3600;
    return e;
}

static void build(const char *channel, const struct tl_event *e, size_t n,
                  const struct tl_extension *x, size_t nx, enum sla_rules rules,
                  const char *now, struct timeline *t)
{
    const struct tl_app app = {channel, e, n, x, nx};
    char when[40];
    struct tl_ctx ctx;

    snprintf(when, sizeof(when), "%sT10:00:00+07:00", now);
    ctx = (struct tl_ctx){cal, rules, ts(when)};
    cr_assert(timeline_build(&app, &ctx, t, NULL) == 0);
}

/* Checks one step: its step, codes, days, limit, holder, breach. */
static void step_is(const struct timeline *t, size_t i, enum ht_step st, size_t ncodes,
                    long days, int limit, enum ht_waits_on holder, long overdue)
{
    const struct tl_step *s;

    cr_assert(i < t->ns, "step %zu of %zu", i, t->ns);
    s = &t->s[i];
    cr_assert_eq(s->step, st, "step %zu is %s, expected %s", i, step_name(s->step),
                 step_name(st));
    cr_assert_eq(s->n, ncodes, "%s: %zu codes", step_name(st), s->n);
    cr_assert_eq(s->days, days, "%s: %lld working days", step_name(st),
                 (long long)s->days);
    cr_assert_eq(s->limit_days, limit, "%s: limit %d", step_name(st), s->limit_days);
    cr_assert_eq(s->holder, holder, "%s: held by %s", step_name(st),
                 stage_waits_on_name(s->holder));
    cr_assert_eq(s->breach, overdue > 0, "%s: breach", step_name(st));
    cr_assert_eq(s->overdue, overdue, "%s: %lld over", step_name(st),
                 (long long)s->overdue);
}

Test(timeline, empty_history_is_empty)
{
    struct timeline t;

    build("CH001", NULL, 0, NULL, 0, SLA_PP42_2024, "2026-01-07", &t);
    cr_assert_eq(t.n, 0);
    cr_assert_eq(t.ns, 0);
    cr_assert_null(timeline_current(&t));
    timeline_release(&t);
}

/* Reguler, from submission to certificate around Idulfitri 2025. */
Test(timeline, reguler_ch001_steps_across_idulfitri)
{
    struct tl_event e[] = {
        ev("OF10", "2025-03-24"),  ev("OF11", "2025-03-25"), ev("OF15", "2025-03-26"),
        ev("OF50", "2025-03-27"),  ev("OF55", "2025-04-08"), ev("OF56", "2025-04-09"),
        ev("OF60", "2025-04-16"),  ev("OF70", "2025-05-08"), ev("OF100", "2025-05-14"),
        ev("OF120", "2025-05-15"), ev("OF300", "2025-05-16")};
    struct timeline t;

    build("CH001", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-06-02", &t);
    cr_assert_eq(t.path, PATH_REGULER);
    cr_assert_eq(t.n, 11);
    cr_assert_eq(t.ns, 8);
    /* 25, 26 March: one day over BPJPH's 1 (Pasal 29(3)). */
    step_is(&t, 0, STEP_VERIFICATION, 2, 2, 1, WAITS_BPJPH, 1);
    step_is(&t, 1, STEP_LPH_ASSIGNMENT, 1, 1, 1, WAITS_BPJPH, 0);
    /* 28 Mar (cuti), 31 Mar and 1 Apr (Idulfitri), 2-4 and 7 Apr (cuti): only 8 and 9
     * April count. */
    step_is(&t, 2, STEP_COST, 2, 2, 2, WAITS_LPH, 0);
    /* The business pays: the clock is paused. */
    step_is(&t, 3, STEP_PAYMENT, 1, 5, 0, WAITS_MSME, 0);
    cr_assert(t.s[3].paused);
    cr_assert_eq(t.paused_days, 5);
    /* 17 Apr, 21-25 Apr, 28-30 Apr and 2 May (1 May is a holiday), 5-8 May: 14 > 10. */
    step_is(&t, 4, STEP_INSPECTION, 1, 14, 10, WAITS_LPH, 4);
    /* The LPH's result goes to the fatwa body: 9 May, 14 May (Waisak and its cuti). */
    step_is(&t, 5, STEP_FATWA, 1, 2, 3, WAITS_FATWA, 0);
    step_is(&t, 6, STEP_ISSUANCE, 2, 2, 1, WAITS_BPJPH, 1);
    step_is(&t, 7, STEP_CERTIFIED, 1, 0, 0, WAITS_NONE, 0);
    cr_assert(t.s[7].current);
    cr_assert_eq(t.breaches, 3);
    cr_assert_eq(t.gaps.n, 0);
    cr_assert_eq(t.s[2].entered, e[3].at);
    cr_assert_eq(t.s[2].left, e[5].at);
    cr_assert_eq(t.v[4].step, 2);
    cr_assert_eq(t.last_observed, e[10].observed_at);
    timeline_release(&t);
    /* Under UU 6/2023 the LPH has 15 working days: the inspection was on time. */
    build("CH001", e, HT_ARRAY_LEN(e), NULL, 0, SLA_UU6_2023, "2025-06-02", &t);
    step_is(&t, 4, STEP_INSPECTION, 1, 14, 15, WAITS_LPH, 0);
    cr_assert_eq(t.breaches, 2);
    timeline_release(&t);
}

Test(timeline, cuti_bersama_as_a_working_day)
{
    struct tl_event e[] = {ev("OF50", "2025-03-27"), ev("OF56", "2025-04-09")};
    struct timeline t;

    calendar_set_cuti_working(cal, 1);
    build("CH001", e, 2, NULL, 0, SLA_PP42_2024, "2025-04-10", &t);
    /* 28 Mar and 2, 3, 4, 7 Apr count too: 7 > 2. */
    step_is(&t, 0, STEP_COST, 1, 7, 2, WAITS_LPH, 5);
    timeline_release(&t);
}

/* Reguler via facilitation: the facilitator pays; the fatwa session runs past its 3 days
 * and the Komite Fatwa takes over with 2 more (UU 6/2023 Pasal 33(5), 33(6)). */
Test(timeline, reguler_ch002_facilitator_and_komite_takeover)
{
    struct tl_event e[] = {ev("OF10", "2025-06-02"), ev("OF15", "2025-06-03"),
                           ev("OF50", "2025-06-04"), ev("OF55", "2025-06-05"),
                           ev("OF56", "2025-06-10"), ev("OF60", "2025-06-12"),
                           ev("OF75", "2025-06-23"), ev("OF80", "2025-06-24")};
    struct timeline t;
    const struct tl_step *cur;

    build("CH002", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-06-30", &t);
    step_is(&t, 3, STEP_PAYMENT, 1, 2, 0, WAITS_FACILITATOR, 0);
    cr_assert(t.s[3].paused);
    step_is(&t, 4, STEP_INSPECTION, 1, 7, 10, WAITS_LPH, 0);
    /* 24, 25, 26 and 30 June (27 June is 1 Muharam): 4 > 3, within 3 + 2. */
    cur = timeline_current(&t);
    step_is(&t, 5, STEP_FATWA, 2, 4, 3, WAITS_KOMITE, 0);
    cr_assert(cur->taken_over);
    cr_assert_eq(cur->takeover_days, 2);
    timeline_release(&t);
    /* Two days later the Komite Fatwa is late too. */
    build("CH002", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-07-02", &t);
    step_is(&t, 5, STEP_FATWA, 2, 6, 3, WAITS_KOMITE, 1);
    timeline_release(&t);
    /* Within 3 days the Komisi Fatwa holds it. */
    build("CH002", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-06-26", &t);
    step_is(&t, 5, STEP_FATWA, 2, 3, 3, WAITS_FATWA, 0);
    cr_assert_not(timeline_current(&t)->taken_over);
    timeline_release(&t);
}

/* Self-declare: OF10 is the Pendamping PPH's, 10 working days from the submission (UU
 * 6/2023 Pasal 33A(3)); late, it is the P3H's, not BPJPH's. */
Test(timeline, self_declare_of10_late_is_the_p3h)
{
    struct tl_event e[] = {ev("OF10", "2025-07-01")};
    struct timeline t;

    build("CH003", e, 1, NULL, 0, SLA_PP42_2024, "2025-07-18", &t);
    step_is(&t, 0, STEP_PENDAMPINGAN, 1, 13, 10, WAITS_P3H, 3);
    cr_assert(t.s[0].current);
    timeline_release(&t);
}

Test(timeline, self_declare_ch003_steps)
{
    struct tl_event e[] = {ev("OF10", "2025-08-11"),  ev("OF71", "2025-08-14"),
                           ev("OF72", "2025-08-20"),  ev("OF74", "2025-08-26"),
                           ev("OF100", "2025-08-28"), ev("OF300", "2025-08-29")};
    struct timeline t;

    build("CH003", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-09-01", &t);
    cr_assert_eq(t.path, PATH_SELF_DECLARE);
    cr_assert_eq(t.ns, 4);
    /* 12-15, 19-22, 25, 26 August (18 August is cuti bersama): exactly 10. */
    step_is(&t, 0, STEP_PENDAMPINGAN, 3, 10, 10, WAITS_P3H, 0);
    /* The Komite Fatwa has 1 day from the pendampingan's result (Pasal 33A(2)). */
    step_is(&t, 1, STEP_KOMITE_FATWA, 1, 2, 1, WAITS_KOMITE, 1);
    step_is(&t, 2, STEP_ISSUANCE, 1, 1, 1, WAITS_BPJPH, 0);
    step_is(&t, 3, STEP_CERTIFIED, 1, 0, 0, WAITS_NONE, 0);
    timeline_release(&t);
    calendar_set_cuti_working(cal, 1);
    build("CH003", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-09-01", &t);
    step_is(&t, 0, STEP_PENDAMPINGAN, 3, 11, 10, WAITS_P3H, 1);
    timeline_release(&t);
}

/* Paid self-declare: the business pays first (its clock is paused), then the Pendamping
 * PPH's queue is OF56. */
Test(timeline, self_declare_ch004_payment_then_pendampingan)
{
    struct tl_event e[] = {ev("OF10", "2025-09-01"), ev("OF56", "2025-09-08"),
                           ev("OF71", "2025-09-12"), ev("OF72", "2025-09-15"),
                           ev("OF74", "2025-09-22")};
    struct timeline t;

    build("CH004", e, HT_ARRAY_LEN(e), NULL, 0, SLA_PP42_2024, "2025-09-23", &t);
    /* 2-4 and 8 September (5 September is Maulid). */
    step_is(&t, 0, STEP_PAYMENT, 1, 4, 0, WAITS_MSME, 0);
    cr_assert(t.s[0].paused);
    step_is(&t, 1, STEP_PENDAMPINGAN, 3, 10, 10, WAITS_P3H, 0);
    step_is(&t, 2, STEP_KOMITE_FATWA, 1, 1, 1, WAITS_KOMITE, 0);
    cr_assert(t.s[2].current);
    cr_assert_eq(t.breaches, 0);
    timeline_release(&t);
}

/* The LPH may get up to 10 more working days on request (UU 6/2023 Pasal 31(4); PP
 * 42/2024 Pasal 82). */
Test(timeline, lph_extension)
{
    struct tl_event e[] = {ev("OF56", "2025-09-29"), ev("OF60", "2025-10-01")};
    struct tl_extension granted = {STEP_INSPECTION, 5, {2025, 10, 10}, 0};
    struct tl_extension before = {STEP_INSPECTION, 5, {2025, 9, 30}, 0};
    struct tl_extension big = {STEP_INSPECTION, 15, {2025, 10, 2}, 0};
    struct tl_extension other = {STEP_FATWA, 5, {2025, 10, 10}, 0};
    struct tl_extension later = {STEP_INSPECTION, 5, {2025, 10, 10}, 0};
    struct timeline t;

    /* 2, 3, 6-10, 13-17, 20 October: 13 > 10. */
    build("CH001", e, 2, NULL, 0, SLA_PP42_2024, "2025-10-20", &t);
    step_is(&t, 1, STEP_INSPECTION, 1, 13, 10, WAITS_LPH, 3);
    timeline_release(&t);
    build("CH001", e, 2, &granted, 1, SLA_PP42_2024, "2025-10-20", &t);
    step_is(&t, 1, STEP_INSPECTION, 1, 13, 15, WAITS_LPH, 0);
    cr_assert_eq(t.s[1].extension_days, 5);
    timeline_release(&t);
    /* Granted before the step began, or to another step: not this run's. */
    build("CH001", e, 2, &before, 1, SLA_PP42_2024, "2025-10-20", &t);
    step_is(&t, 1, STEP_INSPECTION, 1, 13, 10, WAITS_LPH, 3);
    timeline_release(&t);
    build("CH001", e, 2, &other, 1, SLA_PP42_2024, "2025-10-20", &t);
    step_is(&t, 1, STEP_INSPECTION, 1, 13, 10, WAITS_LPH, 3);
    timeline_release(&t);
    /* Recorded after "now": not known yet. */
    later.recorded_at = ts("2025-10-21T08:00:00+07:00");
    build("CH001", e, 2, &later, 1, SLA_PP42_2024, "2025-10-20", &t);
    step_is(&t, 1, STEP_INSPECTION, 1, 13, 10, WAITS_LPH, 3);
    timeline_release(&t);
    /* At most 10 days. */
    build("CH001", e, 2, &big, 1, SLA_PP42_2024, "2025-11-10", &t);
    cr_assert_eq(t.s[1].extension_days, 10);
    cr_assert_eq(t.s[1].limit_days, 20);
    timeline_release(&t);
}

/* Returned files wait on the business: the clock is paused, and a resubmission starts
 * the step's clock again. */
Test(timeline, returned_pauses_and_resubmission_restarts)
{
    struct tl_event e[] = {ev("OF10", "2025-12-01"), ev("OF280", "2025-12-02"),
                           ev("OF10", "2026-01-05")};
    struct timeline t;

    build("CH003", e, 3, NULL, 0, SLA_PP42_2024, "2026-01-06", &t);
    cr_assert_eq(t.ns, 3);
    step_is(&t, 0, STEP_PENDAMPINGAN, 1, 1, 10, WAITS_P3H, 0);
    /* 3 Dec .. 5 Jan minus weekends, 25 and 26 Dec and 1 Jan. */
    step_is(&t, 1, STEP_RETURNED, 1, 21, 0, WAITS_MSME, 0);
    cr_assert(t.s[1].paused);
    cr_assert_eq(t.paused_days, 21);
    step_is(&t, 2, STEP_PENDAMPINGAN, 1, 1, 10, WAITS_P3H, 0);
    cr_assert_eq(t.s[2].entered, e[2].at);
    timeline_release(&t);
}

Test(timeline, unsorted_and_duplicate_events)
{
    struct tl_event e[] = {ev("OF300", "2025-12-30"), ev("OF10", "2025-12-01"),
                           ev("OF10", "2025-12-01"), ev("OF120", "2025-12-23")};
    struct timeline t;

    build("CH003", e, 4, NULL, 0, SLA_PP42_2024, "2026-02-01", &t);
    cr_assert_eq(t.n, 3);
    cr_assert_str_eq(t.v[0].code, "OF10");
    cr_assert_str_eq(t.v[1].code, "OF120");
    cr_assert_str_eq(t.v[2].code, "OF300");
    /* Issuance took 24 Dec .. 30 Dec minus 25, 26 Dec and the weekend = 3 > 1. */
    step_is(&t, 1, STEP_ISSUANCE, 1, 3, 1, WAITS_BPJPH, 2);
    /* A terminal step does not accumulate days. */
    step_is(&t, 2, STEP_CERTIFIED, 1, 0, 0, WAITS_NONE, 0);
    timeline_release(&t);
}

Test(timeline, unknown_code_and_unknown_channel_have_no_clock)
{
    struct tl_event e[] = {ev("OF999", "2025-12-01")};
    struct tl_event f[] = {ev("OF10", "2025-11-03")};
    struct timeline t;

    build("CH003", e, 1, NULL, 0, SLA_PP42_2024, "2025-12-05", &t);
    cr_assert_eq(t.n, 1);
    cr_assert_eq(t.v[0].stage, STAGE_UNKNOWN);
    cr_assert_null(t.v[0].sc);
    step_is(&t, 0, STEP_UNKNOWN, 1, 4, 0, WAITS_NONE, 0);
    timeline_release(&t);
    build("CH009", f, 1, NULL, 0, SLA_PP42_2024, "2025-12-05", &t);
    cr_assert_eq(t.path, PATH_UNKNOWN);
    cr_assert_eq(t.s[0].limit_days, 0);
    cr_assert_eq(t.breaches, 0);
    timeline_release(&t);
}

/* Without a channel, codes that occur on one path only tell the path. */
Test(timeline, codes_tell_the_path_of_a_file_without_channel)
{
    struct tl_event r[] = {ev("OF10", "2025-11-03"), ev("OF11", "2025-11-04")};
    struct tl_event s[] = {ev("OF10", "2025-11-03"), ev("OF71", "2025-11-04")};
    struct tl_event both[] = {ev("OF11", "2025-11-03"), ev("OF71", "2025-11-04")};
    struct timeline t;

    build(NULL, r, 2, NULL, 0, SLA_PP42_2024, "2025-11-07", &t);
    cr_assert_eq(t.path, PATH_REGULER);
    step_is(&t, 0, STEP_VERIFICATION, 2, 4, 1, WAITS_BPJPH, 3);
    timeline_release(&t);
    build("", s, 2, NULL, 0, SLA_PP42_2024, "2025-11-07", &t);
    cr_assert_eq(t.path, PATH_SELF_DECLARE);
    step_is(&t, 0, STEP_PENDAMPINGAN, 2, 4, 10, WAITS_P3H, 0);
    timeline_release(&t);
    build(NULL, both, 2, NULL, 0, SLA_PP42_2024, "2025-11-07", &t);
    cr_assert_eq(t.path, PATH_UNKNOWN);
    cr_assert_eq(t.breaches, 0);
    timeline_release(&t);
}

/* A span into a year without holiday rows counts weekends only, and says so: 1 January
 * 2027 counts as a working day here. */
Test(timeline, uncovered_year_is_reported)
{
    struct tl_event e[] = {ev("OF10", "2026-12-28")};
    struct tl_event f[] = {ev("OF10", "2026-12-01")};
    struct timeline t;

    build("CH003", e, 1, NULL, 0, SLA_PP42_2024, "2027-01-06", &t);
    step_is(&t, 0, STEP_PENDAMPINGAN, 1, 7, 10, WAITS_P3H, 0);
    cr_assert_eq(t.gaps.n, 1);
    cr_assert_eq(t.gaps.year[0], 2027);
    timeline_release(&t);
    build("CH003", f, 1, NULL, 0, SLA_PP42_2024, "2026-12-31", &t);
    cr_assert_eq(t.gaps.n, 0);
    timeline_release(&t);
}

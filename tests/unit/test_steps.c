/* Unit tests for the legal step table: which step and party each code is on each channel,
 * the limits under both rule sets, extensions and takeovers, the business's next step
 * (the payer on CH002 is not the business), and labels in both languages. */
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"

/* The stage map of the test that needs config mappings (NULL: built-in codes only). */
static struct stage_map *tmap;

static void fini(void)
{
    stage_map_free(tmap);
    tmap = NULL;
}

TestSuite(steps, .init = i18n_init, .fini = fini);

static struct step_at at(const char *ch, const char *code)
{
    return steps_resolve(ch, code, stage_map_stage_of(tmap, code));
}

Test(steps, channels_and_paths)
{
    cr_assert(eq(int, channel_path("CH001"), PATH_REGULER));
    cr_assert(eq(int, channel_path("CH002"), PATH_REGULER));
    cr_assert(eq(int, channel_path("CH003"), PATH_SELF_DECLARE));
    cr_assert(eq(int, channel_path("CH004"), PATH_SELF_DECLARE));
    cr_assert(eq(int, channel_path("CH005"), PATH_UNKNOWN));
    cr_assert(eq(int, channel_path("ch001"), PATH_UNKNOWN));
    cr_assert(eq(int, channel_path(NULL), PATH_UNKNOWN));
    cr_assert(eq(int, channel_lookup("CH002")->payer, WAITS_FACILITATOR));
    cr_assert(eq(int, channel_lookup("CH001")->payer, WAITS_MSME));
    cr_assert(eq(int, channel_lookup("CH004")->payer, WAITS_MSME));
    cr_assert(eq(sz, steps_channel_key_count(), channel_count() + 1));
    cr_assert(eq(str, (char *)steps_channel_key_at(channel_count()), "*"));
    cr_assert_null(steps_channel_key_at(channel_count() + 1));
}

/* OF10 is a different step and party on each path (sihalal-evidence.md). */
Test(steps, of10_per_path)
{
    struct step_at r = at("CH001", "OF10"), f = at("CH002", "OF10");
    struct step_at sd = at("CH003", "OF10"), paid = at("CH004", "OF10");

    cr_assert(eq(int, r.step, STEP_VERIFICATION));
    cr_assert(eq(int, r.holder, WAITS_BPJPH));
    cr_assert(eq(int, f.step, STEP_VERIFICATION));
    cr_assert(eq(int, sd.step, STEP_PENDAMPINGAN));
    cr_assert(eq(int, sd.holder, WAITS_P3H));
    cr_assert(eq(int, paid.step, STEP_PAYMENT));
    cr_assert(eq(int, paid.holder, WAITS_MSME));
    /* Reguler verification spans OF10 and OF11; OF15 is the LPH assignment. */
    cr_assert(eq(int, at("CH001", "OF11").step, STEP_VERIFICATION));
    cr_assert(eq(int, at("CH001", "OF15").step, STEP_LPH_ASSIGNMENT));
    cr_assert(eq(int, at("CH001", "OF15").holder, WAITS_BPJPH));
}

Test(steps, payment_is_the_payers)
{
    cr_assert(eq(int, at("CH001", "OF56").step, STEP_PAYMENT));
    cr_assert(eq(int, at("CH001", "OF56").holder, WAITS_MSME));
    cr_assert(eq(int, at("CH002", "OF56").step, STEP_PAYMENT));
    cr_assert(eq(int, at("CH002", "OF56").holder, WAITS_FACILITATOR));
    cr_assert(eq(int, at("CH002", "OF5").holder, WAITS_FACILITATOR));
    /* On CH004 the Pendamping PPH's queue is OF56. */
    cr_assert(eq(int, at("CH004", "OF56").step, STEP_PENDAMPINGAN));
    cr_assert(eq(int, at("CH004", "OF56").holder, WAITS_P3H));
    cr_assert(step_def_get(STEP_PAYMENT)->paused);
    cr_assert(eq(int, step_limit(STEP_PAYMENT, PATH_REGULER, SLA_PP42_2024), 0));
}

Test(steps, the_rest_of_each_path)
{
    static const struct {
        const char *ch, *code;
        enum ht_step step;
        enum ht_waits_on holder;
    } want[] = {
        {"CH001", "OF50", STEP_COST, WAITS_LPH},
        {"CH001", "OF55", STEP_COST, WAITS_LPH},
        {"CH001", "OF60", STEP_INSPECTION, WAITS_LPH},
        {"CH001", "OF70", STEP_FATWA, WAITS_FATWA},
        {"CH001", "OF75", STEP_FATWA, WAITS_FATWA},
        {"CH001", "OF80", STEP_FATWA, WAITS_FATWA},
        {"CH001", "OF74", STEP_FATWA, WAITS_KOMITE},
        {"CH001", "OF100", STEP_ISSUANCE, WAITS_BPJPH},
        {"CH001", "OF120", STEP_ISSUANCE, WAITS_BPJPH},
        {"CH003", "OF71", STEP_PENDAMPINGAN, WAITS_P3H},
        {"CH003", "OF72", STEP_PENDAMPINGAN, WAITS_P3H},
        {"CH003", "OF74", STEP_KOMITE_FATWA, WAITS_KOMITE},
        {"CH003", "OF100", STEP_ISSUANCE, WAITS_BPJPH},
        {"CH004", "OF72", STEP_PENDAMPINGAN, WAITS_P3H},
        {"CH003", "OF1", STEP_DRAFT, WAITS_MSME},
        {"CH002", "OF280", STEP_RETURNED, WAITS_MSME},
        {"CH003", "OF285", STEP_RETURNED, WAITS_MSME},
        {"CH001", "OF300", STEP_CERTIFIED, WAITS_NONE},
        {"CH004", "OF290", STEP_REJECTED, WAITS_NONE},
        {"CH002", "OF900", STEP_CANCELLED, WAITS_NONE},
    };

    for (size_t i = 0; i < HT_ARRAY_LEN(want); i++) {
        struct step_at a = at(want[i].ch, want[i].code);

        cr_assert(eq(int, a.step, want[i].step), "%s %s", want[i].ch, want[i].code);
        cr_assert(eq(int, a.holder, want[i].holder), "%s %s", want[i].ch, want[i].code);
    }
}

/* UU 6/2023 and PP 42/2024 Pasal 82; the law totals: reguler 21 = 1 + 1 + 15 + 3 + 1
 * (with the LPH's 15), self-declare 12 = 10 + 1 + 1. */
Test(steps, limits_under_both_rule_sets)
{
    static const struct {
        enum ht_step st;
        int pp42, uu6;
    } want[] = {
        {STEP_VERIFICATION, 1, 1},   {STEP_LPH_ASSIGNMENT, 1, 1}, {STEP_COST, 2, 2},
        {STEP_INSPECTION, 10, 15},   {STEP_FATWA, 3, 3},          {STEP_ISSUANCE, 1, 1},
        {STEP_PENDAMPINGAN, 10, 10}, {STEP_KOMITE_FATWA, 1, 1},   {STEP_DRAFT, 0, 0},
        {STEP_PAYMENT, 0, 0},        {STEP_RETURNED, 0, 0},       {STEP_CERTIFIED, 0, 0},
        {STEP_UNKNOWN, 0, 0},
    };
    int reguler = 0, self_declare = 0;

    for (size_t i = 0; i < HT_ARRAY_LEN(want); i++) {
        cr_assert(
            eq(int, step_limit(want[i].st, PATH_REGULER, SLA_PP42_2024), want[i].pp42),
            "%s", step_name(want[i].st));
        cr_assert(
            eq(int, step_limit(want[i].st, PATH_REGULER, SLA_UU6_2023), want[i].uu6),
            "%s", step_name(want[i].st));
        /* Nobody's clock runs on an unknown path. */
        cr_assert(eq(int, step_limit(want[i].st, PATH_UNKNOWN, SLA_PP42_2024), 0));
        if (want[i].pp42)
            cr_assert(gt(sz, strlen(step_def_get(want[i].st)->law), 0), "%s cites no law",
                      step_name(want[i].st));
    }
    for (enum ht_step st = 0; st < STEP__COUNT; st++) {
        if (st == STEP_PENDAMPINGAN || st == STEP_KOMITE_FATWA)
            self_declare += step_limit(st, PATH_SELF_DECLARE, SLA_UU6_2023);
        else if (st != STEP_COST)
            reguler += step_limit(st, PATH_REGULER, SLA_UU6_2023);
    }
    self_declare += step_limit(STEP_ISSUANCE, PATH_SELF_DECLARE, SLA_UU6_2023);
    cr_assert(eq(int, reguler, 21));
    cr_assert(eq(int, self_declare, 12));
    /* The extension on request and the takeover. */
    cr_assert(eq(int, step_def_get(STEP_INSPECTION)->extension_days, 10));
    cr_assert(eq(int, step_def_get(STEP_FATWA)->takeover, WAITS_KOMITE));
    cr_assert(eq(int, step_def_get(STEP_FATWA)->takeover_days, 2));
    cr_assert(eq(int, step_def_get(STEP_PENDAMPINGAN)->extension_days, 0));
    cr_assert(eq(int, step_def_get(STEP_KOMITE_FATWA)->takeover, WAITS_NONE));
}

Test(steps, every_code_resolves_on_every_channel_key)
{
    for (size_t k = 0; k < steps_channel_key_count(); k++) {
        const char *ch = steps_channel_key_at(k);

        for (size_t i = 0; i < stage_code_count(); i++) {
            const struct stage_code *c = stage_code_at(i);
            struct step_at a = steps_resolve(ch, c->code, c->stage);
            const struct step_def *d = step_def_get(a.step);

            if (d->terminal)
                cr_assert(eq(int, a.holder, WAITS_NONE), "%s %s", ch, c->code);
            if (c->stage == STAGE_RETURNED || c->stage == STAGE_DRAFT)
                cr_assert(eq(int, a.holder, WAITS_MSME), "%s %s", ch, c->code);
            /* A step whose clock runs names who holds it. */
            if (step_limit(a.step, channel_path(ch), SLA_PP42_2024) > 0)
                cr_assert(ne(int, a.holder, WAITS_NONE), "%s %s", ch, c->code);
        }
    }
}

Test(steps, unknown_channel_and_mapped_codes)
{
    struct ht_err e = HT_ERR_INIT;
    struct step_at a = at("CH009", "OF10");

    /* Whose an OF10 is depends on the path: nobody's clock on an unknown channel. */
    cr_assert(eq(int, a.step, STEP_UNKNOWN));
    cr_assert(eq(int, a.holder, WAITS_NONE));
    cr_assert(eq(int, at(NULL, "OF280").holder, WAITS_MSME));
    cr_assert(eq(int, at("", "OF56").step, STEP_UNKNOWN));
    cr_assert(eq(int, at("", "OF56").holder, WAITS_NONE));
    /* A code mapped from config takes the step of its stage on the path. */
    tmap = stage_map_new();
    cr_assert_not_null(tmap);
    cr_assert(eq(int, stage_map_add(tmap, "OF130", "issuance", &e), 0), "%s", e.msg);
    cr_assert(eq(int, at("CH003", "OF130").step, STEP_ISSUANCE));
    cr_assert(eq(int, at("CH003", "OF130").holder, WAITS_BPJPH));
    cr_assert(eq(int, stage_map_add(tmap, "OF131", "fatwa", &e), 0), "%s", e.msg);
    cr_assert(eq(int, at("CH001", "OF131").step, STEP_FATWA));
    cr_assert(eq(int, at("CH004", "OF131").step, STEP_KOMITE_FATWA));
    cr_assert(eq(int, at("CH004", "OF131").holder, WAITS_KOMITE));
    /* A code seen on the other path takes its stage's step there. */
    cr_assert(eq(int, at("CH003", "OF60").step, STEP_UNKNOWN));
    cr_assert(eq(int, at("CH001", "OF71").step, STEP_UNKNOWN));
}

/* The business is not told to pay an invoice the facilitator pays. */
Test(steps, next_step_follows_the_payer)
{
    cr_assert(eq(int, i18n_set_lang("en"), 0));
    {
        struct step_at own = at("CH001", "OF56"), fac = at("CH002", "OF56");

        cr_assert(strstr(steps_next(&own), "Virtual Account") != NULL, "%s",
                  steps_next(&own));
        cr_assert(strstr(steps_next(&fac), "Nothing to pay") != NULL, "%s",
                  steps_next(&fac));
        cr_assert_null(strstr(steps_next(&fac), "Virtual Account"));
    }
    cr_assert(eq(int, i18n_set_lang("id"), 0));
    {
        struct step_at fac = at("CH002", "OF55"), sd = at("CH003", "OF10");

        cr_assert(strstr(steps_next(&fac), "fasilitator") != NULL, "%s",
                  steps_next(&fac));
        cr_assert(strstr(steps_next(&sd), "Pendamping PPH") != NULL, "%s",
                  steps_next(&sd));
    }
}

Test(steps, texts_in_both_languages)
{
    for (size_t k = 0; k < channel_count(); k++) {
        const char *ch = channel_at(k)->channel;

        for (size_t i = 0; i < stage_code_count(); i++) {
            const struct stage_code *c = stage_code_at(i);
            struct step_at a = steps_resolve(ch, c->code, c->stage);
            const char *en;

            cr_assert(eq(int, i18n_set_lang("en"), 0));
            en = steps_next(&a);
            cr_assert(gt(sz, strlen(en), 0));
            cr_assert(eq(int, i18n_set_lang("id"), 0));
            cr_assert(ne(str, (char *)steps_next(&a), (char *)en), "%s %s", ch, c->code);
        }
    }
    for (enum ht_step st = 0; st < STEP__COUNT; st++)
        cr_assert(
            ne(str, (char *)step_label_in(st, "id"), (char *)step_label_in(st, "en")),
            "step %s has no Indonesian label", step_name(st));
    for (int w = 1; w < WAITS__COUNT; w++) {
        cr_assert(eq(int, i18n_set_lang("id"), 0));
        cr_assert(gt(sz, strlen(stage_waits_on_label(w)), 0));
    }
}

Test(steps, names_round_trip)
{
    enum sla_rules r;

    for (enum ht_step st = 0; st < STEP__COUNT; st++) {
        enum ht_step got;

        cr_assert(eq(int, step_parse(step_name(st), &got), 0));
        cr_assert(eq(int, got, st));
    }
    for (int w = 0; w < WAITS__COUNT; w++)
        cr_assert(eq(int, stage_waits_on_parse(stage_waits_on_name(w)), w));
    cr_assert(eq(str, (char *)stage_waits_on_name((enum ht_waits_on)99), "none"));
    cr_assert(eq(str, (char *)stage_waits_on_name(WAITS_KOMITE), "komite_fatwa"));
    cr_assert(eq(str, (char *)step_name((enum ht_step)99), "unknown"));
    cr_assert(eq(int, sla_rules_parse("uu6_2023", &r), 0));
    cr_assert(eq(int, r, SLA_UU6_2023));
    cr_assert(eq(int, sla_rules_parse("uu6", &r), -1));
    cr_assert(eq(str, (char *)sla_rules_name(SLA_PP42_2024), "pp42_2024"));
}

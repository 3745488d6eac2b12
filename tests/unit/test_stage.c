/* Unit tests for the stage table: every built-in code maps as DESIGN.md's stage model
 * says, unknown codes stay unknown, config mappings, and labels in both languages. The
 * legal steps, parties and limits are tests/unit/test_steps.c's. */
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/status_label.h"

TestSuite(stage, .init = i18n_init);

/* DESIGN.md "Stage model". OF12 (LPH verification) is not in DESIGN's table; the stage
 * table puts it with the LPH assignment step it belongs to. */
static const struct {
    const char *code;
    enum ht_stage stage;
} design_map[] = {
    {"OF1", STAGE_DRAFT},
    {"OF10", STAGE_SUBMITTED},
    {"OF11", STAGE_VERIFICATION},
    {"OF15", STAGE_VERIFICATION},
    {"OF50", STAGE_LPH_ASSIGNMENT},
    {"OF55", STAGE_LPH_ASSIGNMENT},
    {"OF56", STAGE_LPH_ASSIGNMENT},
    {"OF5", STAGE_LPH_ASSIGNMENT},
    {"OF12", STAGE_LPH_ASSIGNMENT},
    {"OF60", STAGE_INSPECTION},
    {"OF70", STAGE_INSPECTION},
    {"OF71", STAGE_PPH_VERIFICATION},
    {"OF72", STAGE_PPH_VERIFICATION},
    {"OF74", STAGE_FATWA},
    {"OF75", STAGE_FATWA},
    {"OF80", STAGE_FATWA},
    {"OF100", STAGE_FATWA},
    {"OF120", STAGE_ISSUANCE},
    {"OF300", STAGE_CERTIFIED},
    {"OF2", STAGE_RETURNED},
    {"OF280", STAGE_RETURNED},
    {"OF285", STAGE_RETURNED},
    {"OF290", STAGE_REJECTED},
    {"OF900", STAGE_CANCELLED},
};

Test(stage, builtin_codes_map_as_designed)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(design_map); i++) {
        const struct stage_code *c = stage_lookup(design_map[i].code);

        cr_assert_not_null(c, "%s missing", design_map[i].code);
        cr_assert(eq(str, (char *)c->code, (char *)design_map[i].code));
        cr_assert(eq(int, c->stage, design_map[i].stage), "%s", design_map[i].code);
        cr_assert(eq(int, stage_of_code(design_map[i].code), design_map[i].stage));
    }
}

Test(stage, table_holds_exactly_the_designed_codes)
{
    cr_assert(eq(sz, stage_code_count(), HT_ARRAY_LEN(design_map)));
    for (size_t i = 0; i < stage_code_count(); i++) {
        const struct stage_code *c = stage_code_at(i);
        int found = 0;

        for (size_t k = 0; k < HT_ARRAY_LEN(design_map); k++)
            found += strcmp(design_map[k].code, c->code) == 0;
        cr_assert(eq(int, found, 1), "%s is not in DESIGN.md's table", c->code);
    }
    cr_assert_null(stage_code_at(stage_code_count()));
}

Test(stage, terminal_stages_and_paths)
{
    static const enum ht_stage terminal[] = {STAGE_CERTIFIED, STAGE_REJECTED,
                                             STAGE_CANCELLED};

    for (int st = 0; st < STAGE__COUNT; st++) {
        int want = 0;

        for (size_t k = 0; k < HT_ARRAY_LEN(terminal); k++)
            want |= terminal[k] == (enum ht_stage)st;
        cr_assert(eq(int, stage_def_get(st)->terminal, want), "%s", stage_name(st));
    }
    for (size_t i = 0; i < stage_code_count(); i++)
        cr_assert(stage_code_at(i)->paths != 0, "%s", stage_code_at(i)->code);
    /* Self-declare only and reguler only codes (halal-certification.md §1.3). */
    cr_assert(eq(uint, stage_lookup("OF71")->paths, STAGE_PATH_SELF_DECLARE));
    cr_assert(eq(uint, stage_lookup("OF72")->paths, STAGE_PATH_SELF_DECLARE));
    cr_assert(eq(uint, stage_lookup("OF60")->paths, STAGE_PATH_REGULER));
    cr_assert(eq(uint, stage_lookup("OF11")->paths, STAGE_PATH_REGULER));
    cr_assert(eq(uint, stage_lookup("OF300")->paths, STAGE_PATH_BOTH));
    cr_assert(eq(uint, stage_lookup("OF56")->paths, STAGE_PATH_BOTH));
}

Test(stage, unknown_codes)
{
    static const char *const unknown[] = {"OF320", "OF9999", "OF3", "of10",
                                          "OF10 ", "X",      ""};

    for (size_t i = 0; i < HT_ARRAY_LEN(unknown); i++) {
        cr_assert_null(stage_lookup(unknown[i]), "%s", unknown[i]);
        cr_assert(eq(int, stage_of_code(unknown[i]), STAGE_UNKNOWN), "%s", unknown[i]);
    }
    cr_assert_null(stage_lookup(NULL));
    cr_assert(eq(int, stage_of_code(NULL), STAGE_UNKNOWN));
}

Test(stage, code_wellformed)
{
    cr_assert(stage_code_wellformed("OF1"));
    cr_assert(stage_code_wellformed("OF9999"));
    cr_assert_not(stage_code_wellformed("OF"));
    cr_assert_not(stage_code_wellformed("OF12345"));
    cr_assert_not(stage_code_wellformed("of10"));
    cr_assert_not(stage_code_wellformed("OF1a"));
    cr_assert_not(stage_code_wellformed("XF10"));
    cr_assert_not(stage_code_wellformed(NULL));
}

Test(stage, names_parse_round_trip)
{
    for (int i = 0; i < STAGE__COUNT; i++) {
        enum ht_stage st;

        cr_assert(eq(int, stage_parse(stage_name(i), &st), 0));
        cr_assert(eq(int, st, i));
    }
    enum ht_stage st = STAGE_DRAFT;
    cr_assert(eq(int, stage_parse("Draft", &st), -1));
    cr_assert(eq(int, stage_parse(NULL, &st), -1));
    cr_assert(eq(int, st, STAGE_DRAFT));
    /* Out of range enum values read as unknown, never out of bounds. */
    cr_assert(eq(str, (char *)stage_name((enum ht_stage)99), "unknown"));
}

Test(stage, add_mapping_accepts_new_code)
{
    struct ht_err e = HT_ERR_INIT;
    struct stage_map *m = stage_map_new();
    size_t before = stage_code_count();
    const struct stage_code *c;

    cr_assert_not_null(m);
    cr_assert(eq(sz, stage_map_code_count(m), before));
    cr_assert(eq(int, stage_map_add(m, "OF130", "issuance", &e), 0), "%s", e.msg);
    c = stage_map_lookup(m, "OF130");
    cr_assert_not_null(c);
    cr_assert(eq(int, c->stage, STAGE_ISSUANCE));
    cr_assert(eq(int, stage_map_stage_of(m, "OF130"), STAGE_ISSUANCE));
    cr_assert(eq(sz, stage_map_code_count(m), before + 1));
    cr_assert(eq(sz, stage_code_count(), before));
    cr_assert(eq(ptr, (void *)stage_map_code_at(m, before), (void *)c));
    cr_assert_null(stage_map_code_at(m, before + 1));
    /* The built-in codes come first, the same through a map or without. */
    cr_assert(eq(ptr, (void *)stage_map_code_at(m, 0), (void *)stage_code_at(0)));
    cr_assert(eq(ptr, (void *)stage_map_lookup(m, "OF10"), (void *)stage_lookup("OF10")));
    /* A mapped code carries its stage's label. */
    cr_assert(eq(str, (char *)stage_code_label(c), (char *)stage_label(STAGE_ISSUANCE)));
    /* Mapping it again replaces the stage. */
    cr_assert(eq(int, stage_map_add(m, "OF130", "certified", &e), 0));
    cr_assert(eq(int, stage_map_stage_of(m, "OF130"), STAGE_CERTIFIED));
    cr_assert(eq(sz, stage_map_code_count(m), before + 1));
    /* Nothing of it is process state: without the map the code is unknown. */
    cr_assert(eq(int, stage_of_code("OF130"), STAGE_UNKNOWN));
    cr_assert_null(stage_lookup("OF130"));
    cr_assert(eq(int, stage_map_stage_of(NULL, "OF130"), STAGE_UNKNOWN));
    cr_assert(eq(sz, stage_map_code_count(NULL), before));
    stage_map_free(m);
}

/* Two maps side by side (two syncers, or the old and the new configuration of a reload):
 * the same unknown code and label go to different stages, each through its own map. */
Test(stage, two_maps_side_by_side)
{
    struct ht_err e = HT_ERR_INIT;
    struct stage_map *a = stage_map_new(), *b = stage_map_new();

    cr_assert(a && b);
    cr_assert(eq(int, stage_map_add(a, "OF130", "issuance", &e), 0), "%s", e.msg);
    cr_assert(eq(int, stage_map_add(b, "OF130", "fatwa", &e), 0), "%s", e.msg);
    cr_assert(eq(int, stage_map_add_label(a, "Menunggu Verifikasi Ulang", "OF11", &e), 0),
              "%s", e.msg);
    cr_assert(
        eq(int, stage_map_add_label(b, "Menunggu Verifikasi Ulang", "OF130", &e), 0),
        "%s", e.msg);
    cr_assert(eq(int, stage_map_stage_of(a, "OF130"), STAGE_ISSUANCE));
    cr_assert(eq(int, stage_map_stage_of(b, "OF130"), STAGE_FATWA));
    cr_assert(eq(str, (char *)status_resolve(a, "menunggu verifikasi ulang"), "OF11"));
    cr_assert(eq(str, (char *)status_resolve(b, "menunggu verifikasi ulang"), "OF130"));
    cr_assert_null(status_resolve(NULL, "menunggu verifikasi ulang"));
    /* Freeing one leaves the other whole. */
    stage_map_free(a);
    cr_assert(eq(int, stage_map_stage_of(b, "OF130"), STAGE_FATWA));
    cr_assert(eq(str, (char *)status_resolve(b, "Menunggu Verifikasi Ulang"), "OF130"));
    stage_map_free(b);
}

Test(stage, add_mapping_refusals)
{
    struct ht_err e = HT_ERR_INIT;
    struct stage_map *m = stage_map_new();

    cr_assert_not_null(m);
    cr_assert(eq(int, stage_map_add(m, "OF10", "fatwa", &e), -1));
    cr_assert(eq(str, e.msg, "'OF10' is a built-in status code and cannot be remapped"));
    cr_assert(eq(int, stage_map_stage_of(m, "OF10"), STAGE_SUBMITTED));
    ht_err_clear(&e);
    cr_assert(eq(int, stage_map_add(m, "XX1", "fatwa", &e), -1));
    cr_assert(
        eq(str, e.msg, "'XX1' is not a status code (expected OF followed by digits)"));
    ht_err_clear(&e);
    cr_assert(eq(int, stage_map_add(m, "OF130", "nonsense", &e), -1));
    cr_assert(eq(str, e.msg, "'nonsense' is not a stage a status code can map to"));
    ht_err_clear(&e);
    cr_assert(eq(int, stage_map_add(m, "OF130", "unknown", &e), -1));
    ht_err_clear(&e);
    cr_assert(eq(int, stage_map_add(m, "OF130", "not_applied", &e), -1));
    cr_assert(eq(int, stage_map_add(m, NULL, "fatwa", NULL), -1));
    cr_assert_null(stage_map_lookup(m, "OF130"));
    stage_map_free(m);
}

static void check_labels_non_empty(const char *lang)
{
    cr_assert(eq(int, i18n_set_lang(lang), 0));
    cr_assert(eq(str, (char *)i18n_lang(), (char *)lang));
    for (size_t i = 0; i < stage_code_count(); i++) {
        const struct stage_code *c = stage_code_at(i);

        cr_assert(gt(sz, strlen(stage_code_label(c)), 0), "%s %s label", lang, c->code);
    }
    for (int st = 0; st < STAGE__COUNT; st++)
        cr_assert(gt(sz, strlen(stage_label(st)), 0), "%s stage %d", lang, st);
}

Test(stage, labels_in_both_languages)
{
    check_labels_non_empty("id");
    check_labels_non_empty("en");
    /* The catalogue translates every label of the table; stage_code_label_in gives the
     * same text whatever the current language. */
    cr_assert(eq(int, i18n_set_lang("id"), 0));
    for (size_t i = 0; i < stage_code_count(); i++) {
        const struct stage_code *c = stage_code_at(i);

        cr_assert(
            eq(str, (char *)stage_code_label_in(c, "id"), (char *)stage_code_label(c)),
            "%s", c->code);
        cr_assert(
            ne(str, (char *)stage_code_label_in(c, "en"), (char *)stage_code_label(c)),
            "%s is not translated", c->code);
        if (strcmp(c->code, "OF10") == 0)
            cr_assert(eq(str, (char *)stage_code_label(c), "Pengajuan"));
    }
    for (int st = 0; st < STAGE__COUNT; st++) {
        cr_assert(eq(int, i18n_set_lang("id"), 0));
        cr_assert(ne(str, (char *)stage_label(st), (char *)stage_label_in(st, "en")),
                  "stage %d has no Indonesian label", st);
    }
}

Test(stage, label_follows_language)
{
    const struct stage_code *c = stage_lookup("OF280");

    cr_assert(eq(int, i18n_set_lang("id"), 0));
    cr_assert(eq(str, (char *)stage_code_label(c), "Dikembalikan ke PU"));
    cr_assert(eq(str, (char *)stage_label(STAGE_CERTIFIED), "Sertifikat halal terbit"));
    cr_assert(eq(int, i18n_set_lang("en"), 0));
    cr_assert(eq(str, (char *)stage_code_label(c), "Returned to business"));
    cr_assert(eq(str, (char *)stage_label(STAGE_CERTIFIED), "Halal certified"));
    cr_assert(eq(int, i18n_set_lang("fr"), -1));
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
}

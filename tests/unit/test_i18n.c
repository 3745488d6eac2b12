/* Unit tests for the gettext set-up: the language comes from the environment even when
 * the machine lacks that locale, --lang overrides it, and lib messages are translated.
 * Each test runs in its own process (Criterion), so changing the environment is safe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"

/* Starts from an environment with no locale variables but HT_LOCALEDIR (set by ctest to
 * the build tree's compiled catalogues). */
static void clean_env(void)
{
    cr_assert_not_null(getenv("HT_LOCALEDIR"),
                       "HT_LOCALEDIR is not set (run through ctest)");
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

TestSuite(i18n, .init = clean_env);

static void init_with(const char *var, const char *value)
{
    setenv(var, value, 1);
    i18n_init();
}

Test(i18n, indonesian_from_lang_even_without_the_locale)
{
    /* A fresh Debian has no id_ID.UTF-8 locale: this must still translate. */
    init_with("LANG", "id_ID.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
    cr_assert(eq(str, _("no command given"), "perintah belum diberikan"));
}

Test(i18n, indonesian_from_lc_all_and_lc_messages)
{
    setenv("LANG", "en_US.UTF-8", 1);
    init_with("LC_MESSAGES", "id_ID.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Commands:\n"), "Perintah:\n"));
}

Test(i18n, lc_all_wins_over_lang)
{
    setenv("LANG", "id_ID.UTF-8", 1);
    init_with("LC_ALL", "en_US.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
}

Test(i18n, legacy_in_code_is_indonesian)
{
    init_with("LANG", "in_ID.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
}

Test(i18n, english_by_default)
{
    i18n_init();
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
}

Test(i18n, english_for_c_utf8)
{
    init_with("LANG", "C.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
}

Test(i18n, language_variable_is_honoured)
{
    setenv("LANGUAGE", "id", 1);
    init_with("LANG", "C.UTF-8");
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
}

Test(i18n, c_locale_translates_nothing_and_says_so)
{
    /* GNU gettext ignores LANGUAGE in the C locale; i18n_lang() must agree with it so
     * reports do not mix languages. */
    setenv("LANGUAGE", "id", 1);
    init_with("LC_ALL", "C");
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
}

Test(i18n, set_lang_overrides_environment)
{
    init_with("LANG", "id_ID.UTF-8");
    cr_assert(eq(int, i18n_set_lang("en"), 0));
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
    cr_assert(eq(int, i18n_set_lang("id"), 0));
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
}

Test(i18n, set_lang_id_works_in_the_c_locale)
{
    init_with("LC_ALL", "C");
    cr_assert(eq(int, i18n_set_lang("id"), 0));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
}

Test(i18n, set_lang_rejects_unknown_languages)
{
    init_with("LANG", "id_ID.UTF-8");
    cr_assert(eq(int, i18n_set_lang("fr"), -1));
    cr_assert(eq(int, i18n_set_lang(""), -1));
    cr_assert(eq(int, i18n_set_lang(NULL), -1));
    cr_assert(eq(int, i18n_set_lang("ID"), -1));
    cr_assert(eq(str, (char *)i18n_lang(), "id"));
    cr_assert(eq(str, _("Usage:\n"), "Penggunaan:\n"));
}

Test(i18n, library_messages_are_translated)
{
    struct ht_err e = HT_ERR_INIT;

    init_with("LANG", "id_ID.UTF-8");
    cr_assert(eq(int, ident_check_nib("12345", &e), -1));
    cr_assert(eq(str, e.msg, "NIB '12345' terdiri atas 5 digit, seharusnya 13"));
    cr_assert(eq(str, (char *)stage_waits_on_label(WAITS_MSME), "UMKM (pelaku usaha)"));
    cr_assert(eq(str, (char *)stage_label(STAGE_CERTIFIED), "Sertifikat halal terbit"));
    cr_assert(eq(int, i18n_set_lang("en"), 0));
    ht_err_clear(&e);
    cr_assert(eq(int, ident_check_nib("12345", &e), -1));
    cr_assert(eq(str, e.msg, "NIB '12345' has 5 digits, expected 13"));
    cr_assert(eq(str, (char *)stage_waits_on_label(WAITS_MSME), "MSME (business owner)"));
}

Test(i18n, numbers_stay_in_c_format)
{
    char out[32];

    init_with("LANG", "id_ID.UTF-8");
    snprintf(out, sizeof(out), "%.1f", 2.5);
    cr_assert(eq(str, out, "2.5"));
}

Test(i18n, a_language_on_demand_leaves_the_current_one_alone)
{
    init_with("LANG", "en_US.UTF-8");
    cr_assert(eq(str, (char *)stage_label_in(STAGE_CERTIFIED, "id"),
                 "Sertifikat halal terbit"));
    cr_assert(eq(str, (char *)stage_label_in(STAGE_CERTIFIED, "en"), "Halal certified"));
    cr_assert(eq(str, (char *)i18n_lang(), "en"));
    cr_assert(eq(str, (char *)stage_label(STAGE_CERTIFIED), "Halal certified"));
    cr_assert(eq(str, _("Usage:\n"), "Usage:\n"));
}

Test(i18n, a_language_on_demand_without_i18n_init)
{
    /* db migrate from a test helper fills stage_def before anything set the locale. */
    cr_assert(eq(str, (char *)stage_label_in(STAGE_RETURNED, "id"),
                 "Dikembalikan untuk perbaikan"));
    cr_assert_null(getenv("LANGUAGE"), "the environment is as it was");
}

Test(i18n, words_in_a_context)
{
    init_with("LANG", "id_ID.UTF-8");
    cr_assert(eq(str, (char *)C_("short column heading", "applied"), "ajuan"));
    cr_assert(eq(str, (char *)stage_code_label(stage_lookup("OF10")), "Pengajuan"));
    cr_assert(eq(str, (char *)stage_label(STAGE_SUBMITTED), "Diajukan"));
    cr_assert(eq(int, i18n_set_lang("en"), 0));
    cr_assert(eq(str, (char *)C_("short column heading", "applied"), "applied"));
    cr_assert(eq(str, (char *)stage_code_label(stage_lookup("OF10")), "Submitted"));
}

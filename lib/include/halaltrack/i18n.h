/* gettext glue: _() marks and translates user-facing strings, N_() only marks them. */
#ifndef HALALTRACK_I18N_H
#define HALALTRACK_I18N_H

#include <libintl.h>

#define HT_TEXTDOMAIN "halaltrack"
#define _(s) dgettext(HT_TEXTDOMAIN, s)
#define N_(s) (s)
/* A msgid in a context, for a word whose translation depends on where it stands (a short
 * column heading, a status code's name): C_ translates, NC_ only marks (for tables; pass
 * the result to i18n_pgettext). scripts/update-po extracts both. */
#define NC_(ctx, s) ctx "\004" s
#define C_(ctx, s) i18n_pgettext(NC_(ctx, s))

/* Binds the text domain to paths_localedir() ($HT_LOCALEDIR, the build tree's catalogues
 * for a program run from its build tree, else the installed ones) and sets the locale
 * from the environment. Call once from main(). */
void i18n_init(void);
/* Forces messages to a language ("id" or "en") regardless of the environment.
 * Returns 0, or -1 for an unknown language. */
int i18n_set_lang(const char *lang);
/* "id" or "en": the language _() currently translates to. */
const char *i18n_lang(void);
/* The translation of a msgid made with NC_(ctx, s) ("ctx\004s"), or of a plain msgid;
 * untranslated, the part after the context. Borrowed (static or the catalogue's). */
const char *i18n_pgettext(const char *ctx_msgid);
/* The translation of msgid into lang ("id" or "en") whatever the current language, for
 * data that keeps every language (the stage_def table). Binds the text domain first when
 * i18n_init has not run. Borrowed. */
const char *i18n_gettext_in(const char *lang, const char *msgid);

#endif

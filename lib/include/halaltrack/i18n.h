/* gettext glue: _() marks and translates user-facing strings, N_() only marks them. */
#ifndef HALALTRACK_I18N_H
#define HALALTRACK_I18N_H

#include <libintl.h>

#define HT_TEXTDOMAIN "halaltrack"
#define _(s) dgettext(HT_TEXTDOMAIN, s)
#define N_(s) (s)

/* Binds the text domain (HT_LOCALEDIR env overrides the installed path) and sets the
 * locale from the environment. Call once from main(). */
void i18n_init(void);
/* Forces messages to a language ("id" or "en") regardless of the environment.
 * Returns 0, or -1 for an unknown language. */
int i18n_set_lang(const char *lang);
/* "id" or "en": the language _() currently translates to. */
const char *i18n_lang(void);

#endif

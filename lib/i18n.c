/* gettext set-up: text domain binding, and a forced language for --lang. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

static char current_lang[3] = "en";

static void detect_lang(void)
{
    const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < 4; i++) {
        const char *v = getenv(vars[i]);

        if (v && *v) {
            memcpy(current_lang, strncmp(v, "id", 2) == 0 ? "id" : "en", 3);
            return;
        }
    }
}

void i18n_init(void)
{
    const char *dir = getenv("HT_LOCALEDIR");

    setlocale(LC_ALL, "");
    /* Numbers are always written the C way (dot decimals) in data output. */
    setlocale(LC_NUMERIC, "C");
    bindtextdomain(HT_TEXTDOMAIN, dir && *dir ? dir : HT_LOCALEDIR);
    bind_textdomain_codeset(HT_TEXTDOMAIN, "UTF-8");
    detect_lang();
}

int i18n_set_lang(const char *lang)
{
    if (!lang || (strcmp(lang, "id") != 0 && strcmp(lang, "en") != 0))
        return -1;
    /* LANGUAGE takes priority over LC_MESSAGES in GNU gettext, provided the locale is
     * not "C"; C.UTF-8 is always present on Debian. */
    setenv("LANGUAGE", lang, 1);
    if (!setlocale(LC_MESSAGES, "") || strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    memcpy(current_lang, lang, 3);
    {
        extern int _nl_msg_cat_cntr;
        ++_nl_msg_cat_cntr; /* invalidate gettext's cache */
    }
    return 0;
}

const char *i18n_lang(void)
{
    return current_lang;
}

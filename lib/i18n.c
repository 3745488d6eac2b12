/* gettext set-up: text domain binding, a fallback for locales the machine lacks, and a
 * forced language for --lang.
 *
 * A fresh Debian has only the C, C.UTF-8 and POSIX locales. With LANG=id_ID.UTF-8 there,
 * setlocale(LC_ALL, "") fails, the program stays in the "C" locale, and GNU gettext
 * translates nothing in "C" (it even ignores LANGUAGE). So when the environment's locale
 * cannot be set we switch to C.UTF-8, which gettext does not treat as "C", and put the
 * wanted language in LANGUAGE, which gettext then honours. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/paths.h"
#include "halaltrack/banned.h"

static char current_lang[3] = "en";
static int bound; /* the text domain is bound to its catalogues */

/* The languages halaltrack has messages in; English is the source language. */
static const char *known_lang(const char *name)
{
    /* "in" is the code Indonesian had before 1989; old systems still use it. */
    if (strncmp(name, "id", 2) == 0 || strncmp(name, "in", 2) == 0)
        return (name[2] == '\0' || strchr("_.@:", name[2])) ? "id" : NULL;
    if (strncmp(name, "en", 2) == 0)
        return (name[2] == '\0' || strchr("_.@:", name[2])) ? "en" : NULL;
    return NULL;
}

/* The locale name that governs messages, as POSIX orders the variables. */
static const char *messages_locale_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);

        if (v && *v)
            return v;
    }
    return NULL;
}

static int is_c_locale(const char *name)
{
    return !name || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

/* The language gettext will use, mirroring its rules: in the C locale nothing is
 * translated; otherwise the first id/en entry of LANGUAGE, else the locale's language. */
static const char *effective_lang(void)
{
    const char *msgloc = setlocale(LC_MESSAGES, NULL);
    const char *language = getenv("LANGUAGE");
    const char *l;

    if (is_c_locale(msgloc))
        return "en";
    if (language && *language) {
        const char *p = language;

        while (*p) {
            if ((l = known_lang(p)))
                return l;
            p += strcspn(p, ":");
            p += *p == ':';
        }
    }
    l = known_lang(msgloc);
    return l ? l : "en";
}

/* Sets a UTF-8 "C" locale for category; Debian spells it C.UTF-8, others C.utf8. */
static int set_c_utf8(int category)
{
    return setlocale(category, "C.UTF-8") || setlocale(category, "C.utf8") ? 0 : -1;
}

static void flush_gettext_cache(void)
{
    /* GNU gettext caches lookups; bumping this counter (what setlocale does) drops the
     * cache after LANGUAGE changed. */
    extern int _nl_msg_cat_cntr;

    ++_nl_msg_cat_cntr;
}

static void bind_domain(void)
{
    bindtextdomain(HT_TEXTDOMAIN, paths_localedir());
    bind_textdomain_codeset(HT_TEXTDOMAIN, "UTF-8");
    bound = 1;
}

void i18n_init(void)
{
    if (!setlocale(LC_ALL, "")) {
        const char *want = messages_locale_env();
        const char *lang = want ? known_lang(want) : NULL;

        /* The wanted locale is not installed: keep UTF-8 and translate anyway. */
        if (set_c_utf8(LC_ALL) == 0 && lang &&
            !(getenv("LANGUAGE") && *getenv("LANGUAGE")))
            setenv("LANGUAGE", lang, 1);
    }
    /* Numbers are always written the C way (dot decimals) in data output. */
    setlocale(LC_NUMERIC, "C");
    bind_domain();
    /* Plain ngettext() and gettext() (not only the d* forms) use our catalogue. */
    textdomain(HT_TEXTDOMAIN);
    memcpy(current_lang, effective_lang(), 3);
}

int i18n_set_lang(const char *lang)
{
    if (!lang || (strcmp(lang, "id") != 0 && strcmp(lang, "en") != 0))
        return -1;
    /* LANGUAGE takes priority over LC_MESSAGES in GNU gettext, provided the messages
     * locale is not "C"; C.UTF-8 is always present on Debian. */
    setenv("LANGUAGE", lang, 1);
    if (is_c_locale(setlocale(LC_MESSAGES, NULL)))
        set_c_utf8(LC_MESSAGES);
    flush_gettext_cache();
    memcpy(current_lang, lang, 3);
    return 0;
}

const char *i18n_lang(void)
{
    return current_lang;
}

const char *i18n_pgettext(const char *ctx_msgid)
{
    const char *t = dgettext(HT_TEXTDOMAIN, ctx_msgid);
    const char *eot = strchr(ctx_msgid, '\004');

    return t == ctx_msgid && eot ? eot + 1 : t;
}

const char *i18n_gettext_in(const char *lang, const char *msgid)
{
    char saved_lang[3], saved_loc[64];
    const char *language = getenv("LANGUAGE"), *loc, *t;
    char *saved_language;

    if (strcmp(lang, "en") == 0)
        return msgid; /* English is the source language */
    saved_language = language ? strdup(language) : NULL;
    if (language && !saved_language)
        return msgid;
    if (!bound)
        bind_domain();
    memcpy(saved_lang, current_lang, 3);
    loc = setlocale(LC_MESSAGES, NULL);
    snprintf(saved_loc, sizeof(saved_loc), "%s", loc ? loc : "C");
    t = i18n_set_lang(lang) == 0 ? dgettext(HT_TEXTDOMAIN, msgid) : msgid;
    /* Back to the language the program speaks. */
    if (saved_language)
        setenv("LANGUAGE", saved_language, 1);
    else
        unsetenv("LANGUAGE");
    free(saved_language);
    setlocale(LC_MESSAGES, saved_loc);
    flush_gettext_cache();
    memcpy(current_lang, saved_lang, 3);
    return t;
}

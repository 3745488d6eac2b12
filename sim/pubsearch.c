/* The name a certificate carries in the public certificate search (nama_pu): the
 * register's business name or its owner's name, with the noise real records show
 * (docs/halalsim.md, "Public certificate search"; rates are assumptions, the kinds of
 * noise come from docs/research/names.md). Deterministic per certificate. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "sim.h"
#include "halaltrack/banned.h"

/* Assumptions (docs/halalsim.md): */
#define PN_OWNER_MIKRO 0.40  /* a micro business's certificate shows its owner's name */
#define PN_FORM_DROP 0.30    /* a UD/CV/PT prefix is dropped */
#define PN_FORM_ADD 0.05     /* a UD prefix is added to a name without one */
#define PN_HONORIFIC 0.25    /* an honorific is written out (Ibu, Bapak) or dropped */
#define PN_OLD_SPELLING 0.08 /* old spelling (oe, dj, tj, hj) in the names */
#define PN_TYPO 0.02         /* one letter dropped from a word */
#define PN_UPPER 0.70        /* upper case, as OSS names usually are */

/* Replaces the word at [at, at + len) of s (size n) by rep, cutting at n - 1. */
static void splice_word(char *s, size_t n, size_t at, size_t len, const char *rep)
{
    size_t nr = strlen(rep), tail = strlen(s + at + len);

    if (at + nr + tail + 1 > n)
        tail = n - 1 - at - nr;
    memmove(s + at + nr, s + at + len, tail);
    memcpy(s + at, rep, nr);
    s[at + nr + tail] = '\0';
}

/* The word starting at s + at: its length. */
static size_t word_len(const char *s, size_t at)
{
    size_t k = at;

    while (s[k] && s[k] != ' ')
        k++;
    return k - at;
}

/* Pre-1972 spelling: u -> oe (not first in a word), j -> dj, c -> tj, hy -> hj. */
static void old_spelling(char *s, size_t n)
{
    char out[256];
    size_t o = 0;

    for (size_t i = 0; s[i] && o + 3 < sizeof(out); i++) {
        char c = s[i], lc = (char)tolower((unsigned char)c);

        /* a legal form (UD, CV, PT) keeps its letters */
        if ((i == 0 || s[i - 1] == ' ') && (!s[i + 1] || !s[i + 2] || s[i + 2] == ' ')) {
            out[o++] = c;
            if (s[i + 1])
                out[o++] = s[++i];
            continue;
        }
        int up = isupper((unsigned char)c);
        /* the added letter is upper case only inside an upper-case word */
        int up2 = up && !islower((unsigned char)s[i + 1]);
        const char *two = lc == 'u' && i > 0 && s[i - 1] != ' ' ? "oe"
                          : lc == 'j'                           ? "dj"
                          : lc == 'c'                           ? "tj"
                                                                : NULL;

        if (two) {
            out[o++] = up ? (char)toupper((unsigned char)two[0]) : two[0];
            out[o++] = up2 ? (char)toupper((unsigned char)two[1]) : two[1];
        } else if (lc == 'y' && i > 0 && tolower((unsigned char)s[i - 1]) == 'h') {
            out[o++] = up ? 'J' : 'j';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    snprintf(s, n, "%s", out);
}

void pubsearch_name(const struct sim_world *w, uint32_t msme, uint32_t seq, char *out,
                    size_t n)
{
    const struct sim_msme *m = &w->msmes[msme];
    struct sim_rng r = {sim_hash3(w->p.seed, seq, 0x5055424e)};
    int owner = m->size == SZ_MIKRO && rng_unit(&r) < PN_OWNER_MIKRO;
    char s[256];

    snprintf(s, sizeof(s), "%s", world_name(w, owner ? m->owner_off : m->name_off));
    if (!owner) {
        int has_form =
            !strncmp(s, "UD ", 3) || !strncmp(s, "CV ", 3) || !strncmp(s, "PT ", 3);
        double u = rng_unit(&r);

        if (has_form && m->size < SZ_MENENGAH && u < PN_FORM_DROP)
            splice_word(s, sizeof(s), 0, 3, "");
        else if (!has_form && u < PN_FORM_ADD)
            splice_word(s, sizeof(s), 0, 0, "UD ");
    }
    if (rng_unit(&r) < PN_HONORIFIC) {
        static const struct {
            const char *word, *rep[2];
        } hon[] = {{"Bu", {"Ibu", ""}},    {"Pak", {"Bapak", "Bpk"}},
                   {"Mbak", {"", "Mbak"}}, {"Mak", {"", "Mak"}},
                   {"Cak", {"", "Cak"}},   {"Mas", {"", "Mas"}}};
        for (size_t i = 0; s[i]; i += word_len(s, i) + (s[i + word_len(s, i)] != 0)) {
            size_t len = word_len(s, i);
            for (size_t h = 0; h < sizeof(hon) / sizeof(hon[0]); h++) {
                if (len == strlen(hon[h].word) && !strncmp(s + i, hon[h].word, len)) {
                    const char *rep = hon[h].rep[rng_below(&r, 2)];
                    /* dropped: the space after it goes too */
                    splice_word(s, sizeof(s), i, *rep ? len : len + 1, rep);
                    break;
                }
            }
            if (!s[i])
                break;
        }
    }
    if (rng_unit(&r) < PN_OLD_SPELLING)
        old_spelling(s, sizeof(s));
    if (rng_unit(&r) < PN_TYPO) {
        size_t len = strlen(s), at = rng_below(&r, (uint32_t)(len ? len : 1));
        /* a letter inside a word of five or more */
        while (at < len && (s[at] == ' ' || (at > 0 && s[at - 1] == ' ')))
            at++;
        if (at + 1 < len && s[at + 1] != ' ')
            memmove(s + at, s + at + 1, len - at);
    }
    if (rng_unit(&r) < PN_UPPER)
        for (char *p = s; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    if (!strncmp(s, "PT ", 3) && rng_unit(&r) < 0.5)
        splice_word(s, sizeof(s), 0, 2, "PT.");
    snprintf(out, n, "%s", s);
}

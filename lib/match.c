/* Name matching of public-search certificates to register MSMEs; see match.h and
 * docs/coverage.md. The word lists follow docs/research/names.md (legal forms,
 * honorifics and titles, shop words, given-name spellings, EYD 1972 spelling). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/match.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* Legal and group forms, honorifics and titles: dropped. */
static const char *const dropped[] = {
    "PT",   "CV",     "UD",    "PD",   "FA",  "FIRMA", "KOPERASI", "KOP",        "KUB",
    "KWT",  "BUMDES", "BUMG",  "TBK",  "IKM", "UMKM",  "UKM",      "PERORANGAN", "H",
    "HJ",   "HAJI",   "HAJAH", "KH",   "BPK", "BAPAK", "PAK",      "IBU",        "BU",
    "MBAK", "MAS",    "CAK",   "NING", "MAK", "NY",    "NYONYA",   "TN",         "SDR",
    "DR",   "DRS",    "IR",    "PROF", "SE",  "SH",    "SPD",      "SAG",        "AMD",
    "ST",   "MM",     "SKM",   "DAN",  "&",
};
/* Shop and type words: kept apart (they say what kind of business, not which). */
static const char *const typewords[] = {
    "TOKO",      "WARUNG", "WARTEG", "DEPOT",    "RM",     "RUMAH",    "MAKAN",
    "KEDAI",     "KIOS",   "DAPUR",  "KITCHEN",  "BAKERY", "CATERING", "KATERING",
    "SNACK",     "FOOD",   "HOME",   "INDUSTRY", "IRT",    "PIRT",     "HERBAL",
    "INDONESIA", "PANGAN", "RESTO",  "RESTORAN", "CAFE",   "KAFE",     "ANGKRINGAN",
    "USAHA",     "DAGANG", "PRODUK", "OLAHAN",
};
/* Given-name spellings unified (research-names.md §3.2). */
static const struct {
    const char *from, *to;
} given[] = {
    {"MUH", "MUHAMMAD"},      {"MOH", "MUHAMMAD"},       {"MOCH", "MUHAMMAD"},
    {"MOHD", "MUHAMMAD"},     {"MOECH", "MUHAMMAD"},     {"MUCH", "MUHAMMAD"},
    {"MOEH", "MUHAMMAD"},     {"MUHAMAD", "MUHAMMAD"},   {"MOHAMAD", "MUHAMMAD"},
    {"MOHAMMAD", "MUHAMMAD"}, {"MOCHAMAD", "MUHAMMAD"},  {"MOCHAMMAD", "MUHAMMAD"},
    {"MUKHAMAD", "MUHAMMAD"}, {"MUKHAMMAD", "MUHAMMAD"}, {"MOHAMMED", "MUHAMMAD"},
    {"ABD", "ABDUL"},         {"ACHMAD", "AHMAD"},       {"AKHMAD", "AHMAD"},
};

static int in_list(const char *t, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t, list[i]) == 0)
            return 1;
    return 0;
}

/* Replaces every occurrence of from by to in t (to is never longer than from). */
static void replace_all(char *t, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to);
    char *p = t;

    while ((p = strstr(p, from))) {
        memcpy(p, to, nt);
        memmove(p + nt, p + nf, strlen(p + nf) + 1);
        p += nt;
    }
}

/* Old (pre-1972) spelling to EYD, then double letters collapsed: "SOEDJONO" -> "SUJONO",
 * "WAHJUNI" -> "WAHYUNI". J->Y only before a vowel and either with another old mark in
 * the word or right after H, R or L (consonant + J is not modern spelling), so that
 * modern words keep their J (SUJONO, JAYA), as research-names.md §3.1 advises. */
static void respell(char *t)
{
    int old = strstr(t, "OE") || strstr(t, "DJ") || strstr(t, "TJ") || strstr(t, "SJ") ||
              strstr(t, "NJ");
    char *w = t;

    replace_all(t, "OE", "U");
    replace_all(t, "DJ", "J#");
    replace_all(t, "TJ", "C");
    replace_all(t, "NJ", "NY");
    replace_all(t, "SJ", "SY");
    replace_all(t, "CH", "KH");
    for (size_t i = 1; t[i]; i++)
        if (t[i] == 'J' && t[i + 1] && strchr("AIUEO", t[i + 1]) &&
            (old || strchr("HRL", t[i - 1])))
            t[i] = 'Y';
    replace_all(t, "J#", "J");
    for (const char *r = t; *r; r++)
        if (w == t || *r != w[-1])
            *w++ = *r;
    *w = '\0';
}

static void add_token(struct match_name *n, const char *tok, int first)
{
    char t[MATCH_TOKEN_LEN];

    snprintf(t, sizeof(t), "%s", tok);
    if (!*t || in_list(t, dropped, HT_ARRAY_LEN(dropped)))
        return;
    /* a lone M first is Muhammad (M. ROHMAN); elsewhere an initial */
    if (first && strcmp(t, "M") == 0)
        snprintf(t, sizeof(t), "MUHAMMAD");
    for (size_t i = 0; i < HT_ARRAY_LEN(given); i++)
        if (strcmp(t, given[i].from) == 0)
            snprintf(t, sizeof(t), "%s", given[i].to);
    if (in_list(t, typewords, HT_ARRAY_LEN(typewords))) {
        if (n->ntype < MATCH_MAX_TOKENS)
            memcpy(n->type[n->ntype++], t, sizeof(t));
        return;
    }
    respell(t);
    if (*t && n->ncore < MATCH_MAX_TOKENS)
        memcpy(n->core[n->ncore++], t, sizeof(t));
}

void match_normalize(const char *s, struct match_name *n)
{
    char tok[MATCH_TOKEN_LEN], prev[MATCH_TOKEN_LEN] = "";
    size_t len = 0;
    int first = 1;

    memset(n, 0, sizeof(*n));
    for (const char *p = s ? s : "";; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x80 && isalnum(c)) {
            if (len + 1 < sizeof(tok))
                tok[len++] = (char)toupper(c);
            continue;
        }
        if (len) {
            tok[len] = '\0';
            /* KUE2 -> KUE KUE; a bare 2 repeats the word before it */
            if (len > 1 && tok[len - 1] == '2' && isalpha((unsigned char)tok[len - 2])) {
                tok[len - 1] = '\0';
                add_token(n, tok, first);
                add_token(n, tok, 0);
            } else if (strcmp(tok, "2") == 0 && *prev) {
                add_token(n, prev, 0);
            } else {
                add_token(n, tok, first);
            }
            snprintf(prev, sizeof(prev), "%s", tok);
            first = 0;
            len = 0;
        }
        if (!c)
            break;
    }
}

void match_key(const struct match_name *n, char *out, size_t outsz)
{
    size_t at = 0;

    if (outsz)
        out[0] = '\0';
    for (size_t i = 0; i < n->ncore && at + 1 < outsz; i++) {
        int w = snprintf(out + at, outsz - at, "%s%s", i ? " " : "", n->core[i]);
        if (w < 0)
            break;
        at += (size_t)w < outsz - at ? (size_t)w : outsz - at - 1;
    }
}

double match_jaro_winkler(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), win, m = 0, t = 0, k = 0, pre = 0;
    char fa[MATCH_TOKEN_LEN * 4] = {0}, fb[MATCH_TOKEN_LEN * 4] = {0};
    double j;

    if (!la && !lb)
        return 1.0;
    if (!la || !lb || la > sizeof(fa) || lb > sizeof(fb))
        return strcmp(a, b) == 0 ? 1.0 : 0.0;
    win = (la > lb ? la : lb) / 2;
    win = win ? win - 1 : 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
        for (size_t x = lo; x < hi; x++) {
            if (!fb[x] && a[i] == b[x]) {
                fa[i] = fb[x] = 1;
                m++;
                break;
            }
        }
    }
    if (!m)
        return 0.0;
    for (size_t i = 0; i < la; i++) {
        if (!fa[i])
            continue;
        while (!fb[k])
            k++;
        t += a[i] != b[k++];
    }
    j = ((double)m / (double)la + (double)m / (double)lb +
         ((double)m - (double)t / 2.0) / (double)m) /
        3.0;
    while (pre < 4 && pre < la && pre < lb && a[pre] == b[pre])
        pre++;
    return j + (double)pre * 0.1 * (1.0 - j);
}

/* Soft Dice over two token lists: each token of a pairs with its most similar unused
 * token of b (greedy, best pairs first would cost more for no measured gain). */
static double soft_dice(const char (*a)[MATCH_TOKEN_LEN], size_t na,
                        const char (*b)[MATCH_TOKEN_LEN], size_t nb)
{
    int used[MATCH_MAX_TOKENS] = {0};
    double sum = 0.0;

    if (!na || !nb)
        return 0.0;
    for (size_t i = 0; i < na; i++) {
        double best = 0.0;
        size_t bi = 0;
        for (size_t x = 0; x < nb; x++) {
            double s;
            if (used[x])
                continue;
            s = strcmp(a[i], b[x]) == 0 ? 1.0 : match_jaro_winkler(a[i], b[x]);
            if (s > best)
                best = s, bi = x;
        }
        if (best >= MATCH_TOKEN_MIN) {
            used[bi] = 1;
            sum += best;
        }
    }
    return 2.0 * sum / (double)(na + nb);
}

double match_score_names(const struct match_name *a, const struct match_name *b)
{
    double core = soft_dice(a->core, a->ncore, b->core, b->ncore), ty;

    if (core == 0.0)
        return 0.0;
    /* shop words: the same ones add certainty, different ones ("Katering" and "Depot")
     * take some away, one name without any is neutral (they are added and dropped
     * freely) */
    if (a->ntype && b->ntype)
        ty = soft_dice(a->type, a->ntype, b->type, b->ntype);
    else
        ty = a->ntype || b->ntype ? 0.5 : 1.0;
    return core * 0.9 + 0.1 * ty * core;
}

const char *match_basis_name(enum match_basis b)
{
    static const char *const names[] = {"business", "owner", "brand", "product"};
    return (unsigned)b < HT_ARRAY_LEN(names) ? names[b] : "business";
}

/* The share of a's core tokens found in b (how much of a business name a product
 * string contains). */
static double contained(const struct match_name *a, const struct match_name *b)
{
    size_t hit = 0;

    if (a->ncore < 2)
        return 0.0; /* one word is no evidence inside a product string */
    for (size_t i = 0; i < a->ncore; i++)
        for (size_t x = 0; x < b->ncore; x++)
            if (strcmp(a->core[i], b->core[x]) == 0) {
                hit++;
                break;
            }
    return (double)hit / (double)a->ncore;
}

void match_prepare(const struct match_msme *m, struct match_prepared *out)
{
    match_normalize(m->business_name, &out->business);
    match_normalize(m->owner_name, &out->owner);
    match_normalize(m->brand, &out->brand);
}

void match_prepare_cert(const struct match_cert *c, struct match_cert_prepared *out)
{
    match_normalize(c->nama_pu, &out->pu);
    match_normalize(c->reg_prod_name, &out->prod);
}

void match_score_prepared(const struct match_prepared *m,
                          const struct match_cert_prepared *c, struct match_result *out)
{
    double s;

    out->score = match_score_names(&m->business, &c->pu);
    out->basis = MATCH_BY_BUSINESS;
    if ((s = match_score_names(&m->owner, &c->pu)) > out->score)
        out->score = s, out->basis = MATCH_BY_OWNER;
    if ((s = match_score_names(&m->brand, &c->pu)) > out->score)
        out->score = s, out->basis = MATCH_BY_BRAND;
    if ((s = 0.9 * contained(&m->business, &c->prod)) > out->score)
        out->score = s, out->basis = MATCH_BY_PRODUCT;
    if ((s = 0.9 * contained(&m->brand, &c->prod)) > out->score)
        out->score = s, out->basis = MATCH_BY_PRODUCT;
}

void match_score(const struct match_msme *m, const struct match_cert *c,
                 struct match_result *out)
{
    struct match_prepared pm;
    struct match_cert_prepared pc;

    match_prepare(m, &pm);
    match_prepare_cert(c, &pc);
    match_score_prepared(&pm, &pc, out);
}

enum match_decision match_decide(double score, const struct match_rivals *rv,
                                 double auto_min, double review_min)
{
    if (score < review_min || rv->cert_best >= score + MATCH_MARGIN ||
        rv->msme_best >= score + MATCH_MARGIN || rv->cert_close > MATCH_MAX_CLOSE)
        return MATCH_DISCARD;
    if (score >= auto_min && rv->cert_close == 0)
        return MATCH_AUTO;
    return MATCH_REVIEW;
}

void match_rivals_of(const struct match_prepared *reg, size_t n, size_t self,
                     const struct match_cert_prepared *c, double score,
                     struct match_rivals *rv)
{
    rv->cert_best = 0.0;
    rv->cert_close = 0;
    rv->msme_best = 0.0;
    for (size_t i = 0; i < n; i++) {
        struct match_result r;
        if (i == self)
            continue;
        match_score_prepared(&reg[i], c, &r);
        if (r.score > rv->cert_best)
            rv->cert_best = r.score;
        rv->cert_close += r.score > score - MATCH_MARGIN;
    }
}

const char *match_decision_name(enum match_decision d)
{
    static const char *const names[] = {"discard", "review", "auto"};
    return (unsigned)d < HT_ARRAY_LEN(names) ? names[d] : "discard";
}

/* The longest run of consecutive core words of s, as written (upper case, single
 * spaces), into out; "" when none has 3 characters. */
static void core_run(const char *s, char *out)
{
    char best[MATCH_TOKEN_LEN] = "", cur[MATCH_TOKEN_LEN] = "", word[MATCH_TOKEN_LEN];
    size_t len = 0;

    for (const char *p = s ? s : "";; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80 && isalnum(c)) {
            if (len + 1 < sizeof(word))
                word[len++] = (char)toupper(c);
            continue;
        }
        if (len) {
            struct match_name one;
            word[len] = '\0';
            len = 0;
            match_normalize(word, &one);
            if (one.ncore == 1 && !isdigit((unsigned char)word[0]) &&
                strlen(cur) + 1 + strlen(word) < sizeof(cur)) {
                size_t at = strlen(cur);
                snprintf(cur + at, sizeof(cur) - at, "%s%s", at ? " " : "", word);
            } else {
                *cur = '\0';
            }
            if (strlen(cur) > strlen(best))
                memcpy(best, cur, sizeof(best));
        }
        if (!c)
            break;
    }
    snprintf(out, MATCH_TOKEN_LEN, "%s", strlen(best) >= 3 ? best : "");
}

size_t match_search_terms(const struct match_msme *m, char terms[3][MATCH_TOKEN_LEN])
{
    const char *src[] = {m->business_name, m->owner_name, m->brand};
    size_t n = 0;

    for (size_t i = 0; i < HT_ARRAY_LEN(src); i++) {
        char t[MATCH_TOKEN_LEN];
        int dup = 0;
        core_run(src[i], t);
        for (size_t k = 0; k < n; k++)
            dup |= strcmp(terms[k], t) == 0;
        if (*t && !dup)
            memcpy(terms[n++], t, MATCH_TOKEN_LEN);
    }
    return n;
}

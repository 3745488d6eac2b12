/* Matching a certificate of the public search (no NIB: a business name and product names)
 * to a register MSME (business name, owner name, and the brand of the office's own
 * applications where known). Pure: no I/O. The method and its measured precision and
 * recall are in docs/coverage.md.
 *
 * A name is normalised into tokens: upper case, punctuation to spaces, "KUE2" and
 * "KUE-KUE" to "KUE KUE", legal forms (PT, CV, UD, ...) and honorifics and titles (BU,
 * PAK, H, HJ, ...) dropped, shop and type words (TOKO, WARUNG, DEPOT, RM, ...) kept
 * apart, frequent given names unified (MOCH, MOH, M. -> MUHAMMAD; ABD -> ABDUL), old
 * spelling to new (OE->U, TJ->C, DJ->J, NJ->NY, SJ->SY, CH->KH), double letters
 * collapsed. Two names score by the soft Dice coefficient of their core tokens (a token
 * pair counts with its Jaro-Winkler similarity when that is at least MATCH_TOKEN_MIN),
 * times 0.9 + 0.1 x the agreement of their shop words (1 the same or neither has any, 0
 * different, 0.5 when only one has some). */
#ifndef HALALTRACK_MATCH_H
#define HALALTRACK_MATCH_H

#include <stddef.h>
#include "halaltrack/compat.h"

#define MATCH_MAX_TOKENS 8
#define MATCH_TOKEN_LEN 24
/* The Jaro-Winkler similarity from which two tokens count as the same word. */
#define MATCH_TOKEN_MIN 0.90
/* Default thresholds (configurable: [public_search] auto_accept, review_min). */
#define MATCH_AUTO_DEFAULT 0.93
#define MATCH_REVIEW_DEFAULT 0.60

struct match_name {
    size_t ncore, ntype;
    char core[MATCH_MAX_TOKENS][MATCH_TOKEN_LEN];
    char type[MATCH_MAX_TOKENS][MATCH_TOKEN_LEN];
};

/* Normalises s (UTF-8; non-ASCII bytes are separators) into n. Never fails: a longer
 * name keeps its first MATCH_MAX_TOKENS tokens, a longer token its first bytes. */
void match_normalize(const char *s, struct match_name *n);
/* The core tokens joined by single spaces into out (always terminated): the key that
 * two names with the same identity share. */
void match_key(const struct match_name *n, char *out, size_t outsz);
/* Jaro-Winkler similarity of two strings, 0..1. */
double match_jaro_winkler(const char *a, const char *b);
/* The similarity of two normalised names, 0..1 (0 when either has no core token). */
double match_score_names(const struct match_name *a, const struct match_name *b);

/* What a register MSME is known by. Any may be NULL. */
struct match_msme {
    const char *business_name, *owner_name, *brand;
};
/* What a certificate of the public search says. Any may be NULL. */
struct match_cert {
    const char *nama_pu, *reg_prod_name;
};
/* Which of the MSME's names matched best. */
enum match_basis {
    MATCH_BY_BUSINESS = 0,
    MATCH_BY_OWNER,
    MATCH_BY_BRAND,
    MATCH_BY_PRODUCT
};
const char *
match_basis_name(enum match_basis b); /* "business" "owner" "brand" "product" */

struct match_result {
    double score; /* 0..1 */
    enum match_basis basis;
};
/* An MSME's names normalised once (for scoring one certificate against a whole
 * register). */
struct match_prepared {
    struct match_name business, owner, brand;
};
void match_prepare(const struct match_msme *m, struct match_prepared *out);
/* A certificate's names normalised once. */
struct match_cert_prepared {
    struct match_name pu, prod;
};
void match_prepare_cert(const struct match_cert *c, struct match_cert_prepared *out);
/* match_score on prepared names. */
void match_score_prepared(const struct match_prepared *m,
                          const struct match_cert_prepared *c, struct match_result *out);
/* Scores a certificate against an MSME: the best of business name, owner name and brand
 * against nama_pu, and of business name and brand against the product name (a product
 * name that holds the business's core name, weighted 0.9: product strings carry menu
 * words too). */
void match_score(const struct match_msme *m, const struct match_cert *c,
                 struct match_result *out);

enum match_decision { MATCH_DISCARD = 0, MATCH_REVIEW, MATCH_AUTO };
/* How much better than every rival a score must be. */
#define MATCH_MARGIN 0.10
/* A certificate that fits more other MSMEs than this about as well (within MATCH_MARGIN)
 * is not put to a person: names cannot tell them apart ("UD Sumber Rejeki" x 40). */
#define MATCH_MAX_CLOSE 5

/* What competes with a candidate (an MSME and a certificate). */
struct match_rivals {
    double cert_best; /* best score of any other register MSME for the certificate */
    long cert_close;  /* other register MSMEs scoring within MATCH_MARGIN of this one */
    double msme_best; /* best score of the MSME's other candidate certificates */
};
/* The decision for a candidate of the given score:
 * - below review_min, clearly beaten (another MSME, or another certificate of the same
 *   MSME, scores at least MATCH_MARGIN more), or fitting more than MATCH_MAX_CLOSE other
 *   MSMEs about as well: MATCH_DISCARD;
 * - from auto_min with no other MSME within MATCH_MARGIN: MATCH_AUTO;
 * - else MATCH_REVIEW (a person decides: a few businesses of the same name, or a name
 *   that is only close). */
enum match_decision match_decide(double score, const struct match_rivals *rv,
                                 double auto_min, double review_min);
/* The rivals of a candidate (MSME self, certificate c, scoring score) among the n
 * prepared register MSMEs reg (self is skipped by index; msme_best is left 0). */
void match_rivals_of(const struct match_prepared *reg, size_t n, size_t self,
                     const struct match_cert_prepared *c, double score,
                     struct match_rivals *rv);
/* "discard" "review" "auto". */
const char *match_decision_name(enum match_decision d);

/* The search terms for an MSME (up to 3, each at least 3 characters: the public search's
 * UI requires that): the longest core token of the business name, of the owner name and
 * of the brand, distinct, each written into terms[i] (MATCH_TOKEN_LEN bytes). Returns how
 * many. */
size_t match_search_terms(const struct match_msme *m, char terms[3][MATCH_TOKEN_LEN]);

#endif

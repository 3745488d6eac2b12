/* The certificate-to-register name matcher (lib/match.c; docs/coverage.md). */
#include <criterion/criterion.h>
#include <string.h>
#include "halaltrack/match.h"

TestSuite(match);

static void key_of(const char *s, char out[256])
{
    struct match_name n;

    match_normalize(s, &n);
    match_key(&n, out, 256);
}

static void same_key(const char *a, const char *b)
{
    char ka[256], kb[256];

    key_of(a, ka);
    key_of(b, kb);
    cr_assert_str_eq(ka, kb, "'%s' -> '%s' but '%s' -> '%s'", a, ka, b, kb);
}

Test(match, legal_forms_honorifics_and_punctuation_are_dropped)
{
    char k[256];

    key_of("PT. Sinar Makmur Pangan", k);
    cr_assert_str_eq(k, "SINAR MAKMUR");
    same_key("UD Sumber Rejeki", "SUMBER REJEKI");
    same_key("CV. Sumber  Rejeki", "ud sumber-rejeki");
    same_key("Keripik Tempe Bu Sri", "KERIPIK TEMPE IBU SRI");
    same_key("H. Ahmad Fauzi", "Haji Ahmad Fauzi");
    same_key("Bpk Boy Lucky Rizqi", "Boy Lucky Rizqi");
}

Test(match, shop_words_are_kept_apart)
{
    struct match_name n;

    match_normalize("Warung Makan Pak Slamet", &n);
    cr_assert_eq(n.ncore, 1);
    cr_assert_str_eq(n.core[0], "SLAMET");
    cr_assert_eq(n.ntype, 2);
    same_key("Toko Barokah", "Depot Barokah");
}

Test(match, old_spelling_given_names_and_reduplication)
{
    same_key("Soedjono", "Sujono");
    same_key("Wahjuni", "Wahyuni");
    same_key("Tjahjo", "Cahyo");
    same_key("Moch. Rohman", "Muhammad Rohman");
    same_key("M. Rohman", "Mohamad Rohman");
    same_key("Abd. Kholil", "Abdul Kholil");
    same_key("Achmad Syaiful", "Ahmad Syaiful");
    same_key("Kue2 Bu Ani", "Kue-Kue Ani");
    same_key("Jaya Abadi", "JAYA ABADI"); /* a modern J stays */
    same_key("Sujono", "SUJONO");
    same_key("Surjadi", "Suryadi");
}

Test(match, scores_order_candidates_sensibly)
{
    struct match_name a, b, c;

    match_normalize("Keripik Tempe Bu Sri", &a);
    match_normalize("KERIPIK TEMPE SRI", &b);
    cr_assert_float_eq(match_score_names(&a, &b), 1.0, 1e-9);
    /* shop words: different ones lower the score, a missing one a little */
    match_normalize("Depot Barokah", &b);
    match_normalize("Katering Barokah", &c);
    cr_assert_float_eq(match_score_names(&b, &c), 0.9, 1e-9);
    match_normalize("UD Barokah", &c);
    cr_assert_float_eq(match_score_names(&b, &c), 0.95, 1e-9);
    match_normalize("Keripik Tempe Bu Siti", &c);
    cr_assert_lt(match_score_names(&a, &c), 0.8);
    match_normalize("Keripik Tmpe Sri", &c); /* a typo */
    cr_assert_gt(match_score_names(&a, &c), 0.9);
    match_normalize("", &c);
    cr_assert_float_eq(match_score_names(&a, &c), 0.0, 1e-9);
    cr_assert_float_eq(match_jaro_winkler("MARTHA", "MARHTA"), 0.9611, 1e-4);
    cr_assert_float_eq(match_jaro_winkler("ABC", "ABC"), 1.0, 1e-9);
}

Test(match, owner_name_on_the_certificate_matches_by_owner)
{
    struct match_msme m = {"Sambal Mbak Rina", "Rina Lestari", NULL};
    struct match_cert c = {"RINA LESTARI", "SAMBAL BAWANG"};
    struct match_result r;

    match_score(&m, &c, &r);
    cr_assert_float_eq(r.score, 1.0, 1e-9);
    cr_assert_eq(r.basis, MATCH_BY_OWNER);
    cr_assert_str_eq(match_basis_name(r.basis), "owner");
    /* the brand of the office's own application, and a product string holding it */
    m.brand = "Dapur Rina";
    c.nama_pu = "SITI AMINAH";
    c.reg_prod_name = "SAMBAL ROA SAMBAL MBAK RINA PEDAS";
    match_score(&m, &c, &r);
    cr_assert_eq(r.basis, MATCH_BY_PRODUCT);
    cr_assert_float_eq(r.score, 0.9, 1e-9);
}

static enum match_decision decide(double score, double cert_best, long close,
                                  double msme_best)
{
    struct match_rivals rv = {cert_best, close, msme_best};
    return match_decide(score, &rv, 0.93, 0.6);
}

Test(match, decisions_need_a_high_unrivalled_score_for_automatic_acceptance)
{
    cr_assert_eq(decide(0.97, 0.0, 0, 0.0), MATCH_AUTO);
    cr_assert_eq(decide(0.97, 0.85, 0, 0.0), MATCH_AUTO);
    /* another MSME of the same name: a person decides */
    cr_assert_eq(decide(0.97, 0.97, 1, 0.0), MATCH_REVIEW);
    cr_assert_eq(decide(0.97, 0.97, MATCH_MAX_CLOSE, 0.0), MATCH_REVIEW);
    /* more other MSMEs of that name: names cannot tell */
    cr_assert_eq(decide(0.97, 0.97, MATCH_MAX_CLOSE + 1, 0.0), MATCH_DISCARD);
    /* another MSME clearly holds it */
    cr_assert_eq(decide(0.70, 1.0, 0, 0.0), MATCH_DISCARD);
    /* the MSME has a clearly better certificate */
    cr_assert_eq(decide(0.70, 0.0, 0, 1.0), MATCH_DISCARD);
    cr_assert_eq(decide(0.80, 0.0, 0, 0.0), MATCH_REVIEW);
    cr_assert_eq(decide(0.59, 0.0, 0, 0.0), MATCH_DISCARD);
    cr_assert_str_eq(match_decision_name(MATCH_AUTO), "auto");
}

Test(match, search_terms_are_the_longest_core_runs)
{
    struct match_msme m = {"Keripik Tempe Bu Sri", "Sri Wahyuni", "Keripik Tempe"};
    char t[3][MATCH_TOKEN_LEN];
    size_t n = match_search_terms(&m, t);

    cr_assert_eq(n, 2);
    cr_assert_str_eq(t[0], "KERIPIK TEMPE");
    cr_assert_str_eq(t[1], "SRI WAHYUNI");
    m = (struct match_msme){"UD Sumber Rejeki", NULL, NULL};
    cr_assert_eq(match_search_terms(&m, t), 1);
    cr_assert_str_eq(t[0], "SUMBER REJEKI");
    m = (struct match_msme){"PT AB", "", NULL};
    cr_assert_eq(match_search_terms(&m, t), 0);
}

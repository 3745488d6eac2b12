/* Certificates of the public search and their matches to the register, in the database
 * (issue 14; docs/coverage.md): the daemon's schedule and writes, the CLI's review. */
#ifndef HALALTRACK_STORE_MATCH_H
#define HALALTRACK_STORE_MATCH_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/store.h"

/* A register MSME as the matcher needs it. Strings owned (NULL when absent). */
struct store_msme_names {
    long id;
    char *nib, *business_name, *owner_name, *reported_certificate;
};
void store_msme_names_free(struct store_msme_names *v, size_t n);

/* Claims up to batch register MSMEs that are not certified (msme_certification) and were
 * not searched for interval seconds (never searched first), marking them searched now;
 * two daemons never claim the same one. */
int store_pubsearch_claim(struct store *s, long interval, long batch,
                          struct store_msme_names **out, size_t *n,
                          struct ht_err *err) HT_MUSTCHECK;
/* Makes MSME id due again (its search failed: retried next cycle, not next week). */
int store_pubsearch_release(struct store *s, long id, struct ht_err *err) HT_MUSTCHECK;
/* Every register MSME (for the rivals of a certificate). */
int store_register_names(struct store *s, struct store_msme_names **out, size_t *n,
                         struct ht_err *err) HT_MUSTCHECK;

/* A candidate to keep. Strings borrowed. */
struct store_match_new {
    long msme_id;
    const char *no_sert, *tgl_sert, *nama_pu, *reg_prod_name;
    const char *query, *basis, *decision; /* decision: "auto" "review" "reported" */
    double score;
    long rivals;
    int accept;             /* accepted now (auto, reported), else pending */
    const char *decided_by; /* with accept */
};
/* Keeps the certificate (upserted by number) and the pair. A pair already known (pending,
 * accepted or rejected) is left as it is: a rejected pair never comes back. A
 * certificate of one of the office's own applications is no candidate; one accepted for
 * another MSME is kept pending. *outcome: 0 nothing new, 1 pending, 2 accepted. */
int store_match_save(struct store *s, const struct store_match_new *m, int *outcome,
                     struct ht_err *err) HT_MUSTCHECK;

/* A row of v_certificate_match for the CLI. Strings owned. */
struct store_match_row {
    long id;
    char *nib, *business_name, *owner_name, *no_sert, *tgl_sert, *nama_pu, *reg_prod_name,
        *query, *score, *basis, *decision, *status, *decided_by, *decided_at;
    long rivals;
};
/* The pending matches (all: every match), best score first. */
int store_match_list(struct store *s, int all, struct store_match_row **out, size_t *n,
                     struct ht_err *err) HT_MUSTCHECK;
void store_match_rows_free(struct store_match_row *r, size_t n);
/* Accepts or rejects pending match id as who (NULL: the database session's user).
 * Returns 0, 1 when there is no pending match
 * of that id, -1 on error. */
int store_match_decide(struct store *s, long id, int accept, const char *who,
                       struct ht_err *err) HT_MUSTCHECK;

#endif

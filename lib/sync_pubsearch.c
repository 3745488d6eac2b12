/* The public certificate search (issue 14; docs/coverage.md): for a batch of register
 * MSMEs without a certificate, due on their own schedule ([public_search] interval), the
 * search is asked by each MSME's search terms (lib/match.c) and by the number the MSME
 * reported; every candidate is scored against the MSME and against the whole register
 * (its rivals), then accepted, kept for a person, or dropped. Calls go through a second
 * API client: its own host, request budget (shared by every daemon) and breaker, the
 * same retries and quarantine as the national API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "halaltrack/api.h"
#include "halaltrack/log.h"
#include "halaltrack/match.h"
#include "halaltrack/store_match.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

struct ps_run {
    struct syncer *sy;
    struct match_prepared *reg; /* the register, prepared */
    struct store_msme_names *names;
    size_t nreg;
    long requests, candidates, accepted, pending, failed;
};

/* One page of the search (field = value); 0 with pg filled, -1 (err) when the call or
 * its answer failed (an undecodable answer is quarantined). */
static int search_page(struct ps_run *pr, const char *field, const char *value, long page,
                       struct api_cert_page *pg, struct ht_err *err)
{
    struct syncer *sy = pr->sy;
    struct http_resp r;
    struct ht_err de = HT_ERR_INIT;
    char pn[24], ref[160];
    const char *q[] = {field, value, "page", pn, "size", "20", NULL};
    int rc = -1;

    http_resp_init(&r);
    snprintf(pn, sizeof(pn), "%ld", page);
    pr->requests++;
    if (sync_get(sy->ps, API_CERT_SEARCH, q, &r, err) < 0)
        goto out;
    if (api_decode_cert_search(r.body.ptr ? r.body.ptr : "", r.body.len, pg, &de) < 0) {
        snprintf(ref, sizeof(ref), "public search %s page=%ld", field, page);
        if (sync_quarantine(sy, "certificate", ref, de.msg, r.body.ptr, r.body.len, 0,
                            err) == 0)
            ht_err_set(err, HT_EPARSE, "%s", de.msg);
        goto out;
    }
    rc = 0;
out:
    http_resp_release(&r);
    return rc;
}

struct cand {
    struct api_cert c; /* borrowed from the pages */
    struct match_cert_prepared p;
    struct match_result r;
    const char *query;
};

static int keep(struct ps_run *pr, struct store_msme_names *m, const struct cand *k,
                const char *decision, long rivals, int accept, struct ht_err *err)
{
    struct store_match_new n = {m->id,
                                k->c.no_sert,
                                k->c.tgl_sert,
                                k->c.nama_pu,
                                k->c.reg_prod_name,
                                k->query,
                                accept == 2 ? "reported" : match_basis_name(k->r.basis),
                                decision,
                                k->r.score,
                                rivals,
                                accept != 0,
                                accept == 2 ? "reported by the MSME, verified"
                                            : "halaltrackd (automatic)"};
    int outcome;

    if (store_match_save(pr->sy->st, &n, &outcome, err) < 0)
        return -1;
    pr->accepted += outcome == 2;
    pr->pending += outcome == 1;
    if (outcome)
        log_info("public search match nib=%s no_sert=%s score=%.2f basis=%s decision=%s "
                 "status=%s",
                 m->nib ? m->nib : "-", k->c.no_sert, k->r.score, n.basis, decision,
                 outcome == 2 ? "accepted" : "pending");
    return 0;
}

/* Searches for one MSME (index self in the register, or (size_t)-1). */
static int search_msme(struct ps_run *pr, struct store_msme_names *m, size_t self,
                       struct ht_err *err)
{
    const struct cfg *cfg = pr->sy->cfg;
    struct match_msme mm = {m->business_name, m->owner_name, NULL};
    struct match_prepared me;
    char terms[3][MATCH_TOKEN_LEN];
    size_t nt = match_search_terms(&mm, terms), npg = 0, nc = 0;
    struct api_cert_page *pages = NULL;
    struct cand *cands = NULL;
    int rc = -1;

    match_prepare(&mm, &me);
    /* pages: at most (1 + terms) x pages of 20 */
    pages = calloc((size_t)(nt + 1) * (size_t)cfg->ps_pages + 1, sizeof(*pages));
    cands = calloc(((size_t)(nt + 1) * (size_t)cfg->ps_pages + 1) * 20, sizeof(*cands));
    if (!pages || !cands) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    if (m->reported_certificate) {
        struct api_cert_page *pg = &pages[npg];
        if (search_page(pr, "no_sertifikat", m->reported_certificate, 1, pg, err) < 0)
            goto out;
        npg++;
        for (size_t i = 0; i < pg->n; i++) {
            struct cand k;

            memset(&k, 0, sizeof(k));
            k.c = pg->items[i];
            k.r.score = 1.0;
            k.query = "no_sertifikat";
            if (strcasecmp(pg->items[i].no_sert, m->reported_certificate) != 0)
                continue;
            if (keep(pr, m, &k, "reported", 0, 2, err) < 0)
                goto out;
        }
    }
    for (size_t t = 0; t < nt; t++) {
        for (long page = 1; page <= cfg->ps_pages; page++) {
            struct api_cert_page *pg = &pages[npg];
            if (search_page(pr, "nama_pelaku_usaha", terms[t], page, pg, err) < 0)
                goto out;
            npg++;
            for (size_t i = 0; i < pg->n; i++) {
                struct cand *k = &cands[nc];
                int dup = 0;
                for (size_t x = 0; x < nc && !dup; x++)
                    dup = strcmp(cands[x].c.no_sert, pg->items[i].no_sert) == 0;
                if (dup)
                    continue;
                k->c = pg->items[i];
                k->query = terms[t];
                match_prepare_cert(&(struct match_cert){k->c.nama_pu, k->c.reg_prod_name},
                                   &k->p);
                match_score_prepared(&me, &k->p, &k->r);
                if (k->r.score >= cfg->ps_review_min)
                    nc++;
            }
            if (page >= pg->total_pages)
                break;
        }
    }
    pr->candidates += (long)nc;
    for (size_t i = 0; i < nc; i++) {
        struct match_rivals rv;
        enum match_decision d;
        char q[MATCH_TOKEN_LEN + 32];

        match_rivals_of(pr->reg, pr->nreg, self, &cands[i].p, cands[i].r.score, &rv);
        for (size_t x = 0; x < nc; x++)
            if (x != i && cands[x].r.score > rv.msme_best)
                rv.msme_best = cands[x].r.score;
        d = match_decide(cands[i].r.score, &rv, cfg->ps_auto_accept, cfg->ps_review_min);
        if (d == MATCH_DISCARD)
            continue;
        snprintf(q, sizeof(q), "nama_pelaku_usaha=%s", cands[i].query);
        cands[i].query = q;
        if (keep(pr, m, &cands[i], match_decision_name(d), rv.cert_close, d == MATCH_AUTO,
                 err) < 0)
            goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < npg; i++)
        api_cert_page_release(&pages[i]);
    free(pages);
    free(cands);
    return rc;
}

int sync_pubsearch(struct syncer *sy, struct ht_err *err)
{
    struct ps_run pr = {sy, NULL, NULL, 0, 0, 0, 0, 0, 0};
    struct store_msme_names *claimed = NULL;
    size_t nclaimed = 0, done = 0;
    int rc = -1;

    if (!*sy->cfg->ps_base_url)
        return 0;
    if (store_pubsearch_claim(sy->st, sy->cfg->ps_interval, sy->cfg->ps_batch, &claimed,
                              &nclaimed, err) < 0)
        return -1;
    if (nclaimed == 0) {
        rc = 0;
        goto out;
    }
    if (store_register_names(sy->st, &pr.names, &pr.nreg, err) < 0)
        goto out;
    if (!(pr.reg = calloc(pr.nreg + 1, sizeof(*pr.reg)))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < pr.nreg; i++)
        match_prepare(
            &(struct match_msme){pr.names[i].business_name, pr.names[i].owner_name, NULL},
            &pr.reg[i]);
    for (; done < nclaimed; done++) {
        struct ht_err e = HT_ERR_INIT;
        size_t self = (size_t)-1;

        if (api_client_stopped(sy->ps) || api_client_breaker_open(sy->ps))
            break;
        for (size_t i = 0; i < pr.nreg && self == (size_t)-1; i++)
            if (pr.names[i].id == claimed[done].id)
                self = i;
        if (search_msme(&pr, &claimed[done], self, &e) < 0) {
            pr.failed++;
            if (e.code == HT_EDBCONN) {
                ht_err_set(err, e.code, "%s", e.msg);
                goto out;
            }
            log_warn("public search failed nib=%s: %s",
                     claimed[done].nib ? claimed[done].nib : "-", e.msg);
            if (store_pubsearch_release(sy->st, claimed[done].id, err) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    /* the ones not reached are due again next cycle */
    for (size_t i = done; rc == 0 && i < nclaimed; i++)
        if (store_pubsearch_release(sy->st, claimed[i].id, err) < 0)
            rc = -1;
    if (nclaimed)
        log_info("public search done msmes=%zu requests=%ld candidates=%ld accepted=%ld "
                 "pending=%ld failed=%ld",
                 done, pr.requests, pr.candidates, pr.accepted, pr.pending, pr.failed);
    store_msme_names_free(claimed, nclaimed);
    store_msme_names_free(pr.names, pr.nreg);
    free(pr.reg);
    return rc;
}

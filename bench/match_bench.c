/* match_bench: precision and recall of the certificate matcher (lib/match.c) on a seeded
 * halalsim world. Reads the world's register (/_sim/register.csv) and the truth of its
 * public certificate search (/_sim/truth/public_search), runs the matcher as the daemon
 * does for every register MSME without a certificate of its own (search terms from
 * match_search_terms, the search's substring rule on nama_pu, at most --max-results
 * results per term, certificates already known from the office's own applications left
 * out), and prints the figures as JSON (bench/match_bench.sh; docs/coverage.md). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/csv.h"
#include "halaltrack/match.h"
#include "bench_util.h"

struct reg {
    char nib[14];
    char *biz, *owner;
    int own_cert; /* certified through the office's programmes (known already) */
};
struct cert {
    char nib[14];
    char *pu, *prod, *upper_pu;
    int office;          /* on the office's list: known without the search */
    double best, second; /* the two best scores of MSMEs for it */
    long msme;           /* its register row, -1 none */
};
struct pair {
    long msme, cert;
    double score;
    int rival_only; /* an MSME certified through the office: it competes, is not decided
                     */
};

static int by_cert(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    return x->cert < y->cert ? -1 : x->cert > y->cert;
}

static long file_read(void *arg, char *dst, size_t n)
{
    size_t k = fread(dst, 1, n, (FILE *)arg);
    return k ? (long)k : (ferror((FILE *)arg) ? -1 : 0);
}

static char *upper_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    for (char *p = d; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return d;
}

static int cmp_nib(const void *a, const void *b)
{
    return strcmp(((const struct reg *)a)->nib, ((const struct reg *)b)->nib);
}

int main(int argc, char **argv)
{
    FILE *fp;
    struct csv_reader *rd;
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;
    struct reg *reg = NULL;
    struct cert *cert = NULL;
    struct pair *pairs = NULL;
    size_t nreg = 0, capr = 0, ncert = 0, capc = 0, npairs = 0, capp = 0;
    double auto_min = MATCH_AUTO_DEFAULT, review_min = MATCH_REVIEW_DEFAULT;
    long max_results = 100, capped = 0, terms_total = 0;
    char line[8192];
    double t0 = bench_now();

    if (argc < 3) {
        fprintf(stderr,
                "usage: match_bench REGISTER.csv TRUTH.ndjson [AUTO REVIEW MAXRES]\n");
        return 2;
    }
    if (argc > 4)
        auto_min = atof(argv[3]), review_min = atof(argv[4]);
    if (argc > 5)
        max_results = atol(argv[5]);
    /* the register: first row of each NIB (a duplicate is a branch) */
    if (!(fp = fopen(argv[1], "r")) || !(rd = csv_reader_new(file_read, fp, NULL)))
        return perror(argv[1]), 1;
    for (int first = 1;;) {
        enum csv_status st = csv_next(rd, &rec, &err);
        if (st == CSV_EOF || st == CSV_ERROR)
            break;
        if (st != CSV_OK || first || rec.nfields < 3 || strlen(rec.fields[0]) != 13) {
            first = 0;
            continue;
        }
        if (nreg == capr) {
            capr = capr ? 2 * capr : 1024;
            reg = realloc(reg, capr * sizeof(*reg));
        }
        snprintf(reg[nreg].nib, sizeof(reg[nreg].nib), "%s", rec.fields[0]);
        reg[nreg].biz = strdup(rec.fields[1]);
        reg[nreg].owner = strdup(rec.fields[2]);
        reg[nreg].own_cert = 0;
        nreg++;
    }
    csv_reader_free(rd);
    fclose(fp);
    qsort(reg, nreg, sizeof(*reg), cmp_nib);
    {
        size_t w = 0; /* drop duplicate NIBs */
        for (size_t i = 0; i < nreg; i++)
            if (!w || strcmp(reg[w - 1].nib, reg[i].nib))
                reg[w++] = reg[i];
        nreg = w;
    }
    /* the truth of the public search */
    if (!(fp = fopen(argv[2], "r")))
        return perror(argv[2]), 1;
    while (fgets(line, sizeof(line), fp)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        struct reg key, *hit;
        if (!j)
            continue;
        if (ncert == capc) {
            capc = capc ? 2 * capc : 1024;
            cert = realloc(cert, capc * sizeof(*cert));
        }
        snprintf(cert[ncert].nib, 14, "%s", json_string_value(json_object_get(j, "nib")));
        cert[ncert].pu = strdup(json_string_value(json_object_get(j, "nama_pu")));
        cert[ncert].upper_pu = upper_dup(cert[ncert].pu);
        cert[ncert].prod = strdup(json_string_value(json_object_get(j, "reg_prod_name")));
        cert[ncert].office =
            !strcmp(json_string_value(json_object_get(j, "source")), "office");
        cert[ncert].best = cert[ncert].second = 0.0;
        memcpy(key.nib, cert[ncert].nib, 14);
        hit = bsearch(&key, reg, nreg, sizeof(*reg), cmp_nib);
        cert[ncert].msme = hit ? hit - reg : -1;
        if (hit && cert[ncert].office)
            hit->own_cert = 1;
        ncert++;
        json_decref(j);
    }
    fclose(fp);
    /* candidates: what the search returns for each term of each MSME still to find */
    for (size_t m = 0; m < nreg; m++) {
        struct match_msme mm = {reg[m].biz, reg[m].owner, NULL};
        char terms[3][MATCH_TOKEN_LEN];
        size_t nt;
        nt = match_search_terms(&mm, terms);
        for (size_t k = 0; k < nt; k++) {
            long got = 0;
            terms_total += !reg[m].own_cert;
            for (size_t c = 0; c < ncert; c++) {
                struct match_cert mc;
                struct match_result r;
                int dup = 0;
                if (!strstr(cert[c].upper_pu, terms[k]))
                    continue;
                if (++got > max_results) {
                    capped += !reg[m].own_cert;
                    break;
                }
                if (cert[c].office)
                    continue;
                for (size_t p = npairs; p-- > 0 && pairs[p].msme == (long)m;)
                    dup |= pairs[p].cert == (long)c;
                if (dup)
                    continue;
                mc = (struct match_cert){cert[c].pu, cert[c].prod};
                match_score(&mm, &mc, &r);
                if (r.score < review_min)
                    continue;
                if (npairs == capp) {
                    capp = capp ? 2 * capp : 1024;
                    pairs = realloc(pairs, capp * sizeof(*pairs));
                }
                pairs[npairs++] =
                    (struct pair){(long)m, (long)c, r.score, reg[m].own_cert};
            }
        }
    }
    {
        long targets = 0, auto_n = 0, auto_ok = 0, review_n = 0, found = 0, same_name = 0;
        char *seen = calloc(ncert + 1, 1);
        for (size_t c = 0; c < ncert; c++)
            targets +=
                !cert[c].office && cert[c].msme >= 0 && !reg[cert[c].msme].own_cert;
        double *mbest = calloc(nreg + 1, sizeof(double)),
               *msecond = calloc(nreg + 1, sizeof(double));
        qsort(pairs, npairs, sizeof(*pairs), by_cert);
        for (size_t p = 0; p < npairs; p++) {
            long m = pairs[p].msme;
            if (pairs[p].score > mbest[m])
                msecond[m] = mbest[m], mbest[m] = pairs[p].score;
            else if (pairs[p].score > msecond[m])
                msecond[m] = pairs[p].score;
        }
        for (size_t g = 0, e; g < npairs; g = e) {
            for (e = g; e < npairs && pairs[e].cert == pairs[g].cert; e++)
                ;
            for (size_t p = g; p < e; p++) {
                const struct cert *c = &cert[pairs[p].cert];
                struct match_rivals rv = {0.0, 0, 0.0};
                int ok = c->msme == pairs[p].msme;
                enum match_decision d;

                if (pairs[p].rival_only)
                    continue;
                for (size_t q = g; q < e; q++) {
                    if (q == p)
                        continue;
                    if (pairs[q].score > rv.cert_best)
                        rv.cert_best = pairs[q].score;
                    rv.cert_close += pairs[q].score > pairs[p].score - MATCH_MARGIN;
                }
                rv.msme_best = mbest[pairs[p].msme] > pairs[p].score ||
                                       msecond[pairs[p].msme] == pairs[p].score
                                   ? mbest[pairs[p].msme]
                                   : msecond[pairs[p].msme];
                d = match_decide(pairs[p].score, &rv, auto_min, review_min);
                if (ok && d == MATCH_DISCARD && getenv("MATCH_BENCH_DEBUG"))
                    fprintf(
                        stderr,
                        "discarded %.2f best %.2f close %ld mbest %.2f: %s | %s | %s\n",
                        pairs[p].score, rv.cert_best, rv.cert_close, rv.msme_best, c->pu,
                        reg[pairs[p].msme].biz, reg[pairs[p].msme].owner);
                if (d == MATCH_DISCARD)
                    continue;
                if (d == MATCH_AUTO)
                    auto_n++, auto_ok += ok;
                else
                    review_n++;
                if (ok && !seen[pairs[p].cert])
                    seen[pairs[p].cert] = 1, found++;
            }
        }
        free(msecond);
        free(mbest);
        for (size_t i = 0; i + 1 < nreg; i++) {
            for (size_t k = i + 1; k < nreg; k++)
                if (!strcmp(reg[i].biz, reg[k].biz)) {
                    same_name++;
                    break;
                }
        }
        printf("{\"register_msmes\":%zu,\"certificates_in_search\":%zu,"
               "\"targets\":%ld,\"auto_min\":%.2f,\"review_min\":%.2f,"
               "\"max_results_per_term\":%ld,\"search_terms\":%ld,\"terms_capped\":%ld,"
               "\"register_names_shared\":%ld,"
               "\"auto_accepted\":%ld,\"auto_correct\":%ld,\"precision_auto\":%.4f,"
               "\"recall_auto\":%.4f,\"review_queue\":%ld,\"recall_after_review\":%.4f,"
               "\"seconds\":%.2f}\n",
               nreg, ncert, targets, auto_min, review_min, max_results, terms_total,
               capped, same_name, auto_n, auto_ok,
               auto_n ? (double)auto_ok / (double)auto_n : 1.0,
               targets ? (double)auto_ok / (double)targets : 1.0, review_n,
               targets ? (double)found / (double)targets : 1.0, bench_now() - t0);
        free(seen);
    }
    return 0;
}

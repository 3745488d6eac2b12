/* Issue 14 end to end: halaltrackd searches halalsim's public certificate search (with
 * faults) for the register MSMEs without a certificate, accepts the clear matches, keeps
 * the rest for a person (here a reviewer that knows the truth), and a goal counts every
 * certified MSME once, by the source that saw it first: equal to the truth of the world
 * (the office's own certificates plus the matched ones). */
#include <jansson.h>
#include "e2e.h"

TestSuite(coverage, .fini = pgt_close, .timeout = 600);

/* The truth of the search: no_sert -> (nib, source). */
struct tcert {
    char no[32], nib[16], source[24];
};

static size_t load_truth(struct sim *sim, struct tcert **out)
{
    char *text = sim_call(sim, "GET", "/_sim/truth/public_search", NULL), *line, *save;
    size_t n = 0, cap = 0;
    struct tcert *v = NULL;

    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(line, 0, NULL);
        cr_assert(j != NULL, "%s", line);
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            v = realloc(v, cap * sizeof(*v));
        }
        snprintf(v[n].no, sizeof(v[n].no), "%s",
                 json_string_value(json_object_get(j, "no_sert")));
        snprintf(v[n].nib, sizeof(v[n].nib), "%s",
                 json_string_value(json_object_get(j, "nib")));
        snprintf(v[n].source, sizeof(v[n].source), "%s",
                 json_string_value(json_object_get(j, "source")));
        n++;
        json_decref(j);
    }
    free(text);
    *out = v;
    return n;
}

static const struct tcert *truth_of(const struct tcert *v, size_t n, const char *no)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].no, no) == 0)
            return &v[i];
    return NULL;
}

Test(coverage, goal_counts_own_and_matched_certificates_once_with_faults)
{
    const char *extra[] = {"--clean-register", NULL};
    struct store *st = pgt_open();
    struct sim sim;
    struct tcert *truth;
    struct store_rows r = {0};
    struct ht_err err = HT_ERR_INIT;
    char *conf, *reg, ps[512], *out, sql[512];
    size_t nt;
    long rejected, accepted_false = 0, own, matched_true, due, reported_no = 0;

    sim_start(&sim, 250, extra);
    snprintf(ps, sizeof(ps),
             "[poll]\ncertified = 0\nrejected = 0\ncancelled = 0\n"
             "[public_search]\nbase_url = %s\nrate = 500\nburst = 500\nbatch = 1000\n",
             sim.base);
    conf = e2e_conf(&sim, "page_size = 25", ps);
    reg = sim_call(&sim, "GET", "/_sim/register.csv", NULL);
    {
        char env_schema[128];
        const char *env[] = {env_schema, NULL};
        const char *argv[] = {tu_bin("cli/halaltrack"), "msme", "import", "-", NULL};
        struct tu_result res;

        snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
        res = tu_run(argv, env, reg, 60);
        cr_assert(eq(int, res.status, 0), "%s", res.err);
        tu_result_release(&res);
    }
    free(reg);
    nt = load_truth(&sim, &truth);
    /* one MSME reports its certificate number (another channel's) */
    for (size_t i = 0; i < nt && !reported_no; i++) {
        if (strcmp(truth[i].source, "office") == 0)
            continue;
        snprintf(sql, sizeof(sql),
                 "UPDATE msme SET reported_certificate = '%s' WHERE nib = '%s'",
                 truth[i].no, truth[i].nib);
        pgt_exec(sql);
        reported_no = (long)i + 1;
    }
    cr_assert(reported_no > 0);
    /* faults on every path, the public search too */
    sim_faults(&sim, "{\"error_5xx\":0.08,\"rate_429\":0.04,\"truncate\":0.03,"
                     "\"slow\":0.05,\"slow_ms\":50,\"seed\":14}");
    /* until every MSME without a certificate was searched once (a failed search is due
     * again at the next cycle) */
    for (int pass = 0; pass < 12; pass++) {
        struct tu_result res = daemon_once(conf);
        tu_result_release(&res);
        due = pgt_long("SELECT count(*) FROM msme m WHERE m.pubsearch_at IS NULL"
                       " AND m.id NOT IN (SELECT msme_id FROM msme_certification"
                       "                   WHERE source IS NOT NULL)");
        if (due == 0)
            break;
    }
    cr_assert(eq(long, due, 0), "MSMEs never searched");
    sim_faults(&sim, "{\"error_5xx\":0,\"rate_429\":0,\"truncate\":0,\"slow\":0}");
    {
        struct tu_result res = daemon_once(conf);
        cr_assert(eq(int, res.status, 0), "%s", res.err);
        tu_result_release(&res);
    }
    /* the reported number is accepted as certain */
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM v_certificate_match WHERE no_sert = '%s'"
             " AND decision = 'reported' AND status = 'accepted' AND nib = '%s'",
             truth[reported_no - 1].no, truth[reported_no - 1].nib);
    cr_assert(eq(long, pgt_long(sql), 1));
    /* the reviewer: accepts the true pending pairs, rejects the others (by the CLI) */
    cr_assert(store_query_rows(st,
                               "SELECT match_id, nib, no_sert FROM v_certificate_match"
                               " WHERE status = 'pending' ORDER BY match_id",
                               0, NULL, &r, &err) == 0,
              "%s", err.msg);
    rejected = 0;
    for (int i = 0; i < r.nrows; i++) {
        const struct tcert *t = truth_of(truth, nt, store_rows_get(&r, i, 2));
        int ok = t && strcmp(t->nib, store_rows_get(&r, i, 1)) == 0;
        free(e2e_cli((const char *const[]){"match", ok ? "accept" : "reject",
                                           store_rows_get(&r, i, 0), NULL},
                     0));
        rejected += !ok;
    }
    store_rows_release(&r);
    /* a decided match cannot be decided again */
    out = e2e_cli((const char *const[]){"match", "accept", "999999999", NULL}, 1);
    free(out);
    /* automatic acceptances are right */
    cr_assert(store_query_rows(st,
                               "SELECT nib, no_sert FROM v_certificate_match"
                               " WHERE status = 'accepted'",
                               0, NULL, &r, &err) == 0);
    for (int i = 0; i < r.nrows; i++) {
        const struct tcert *t = truth_of(truth, nt, store_rows_get(&r, i, 1));
        accepted_false += !t || strcmp(t->nib, store_rows_get(&r, i, 0)) != 0;
    }
    cr_assert(r.nrows > 0);
    store_rows_release(&r);
    cr_assert(eq(long, accepted_false, 0), "wrong matches accepted");
    /* searched again: a rejected pair never comes back */
    pgt_exec("UPDATE msme SET pubsearch_at = NULL");
    {
        struct tu_result res = daemon_once(conf);
        cr_assert(eq(int, res.status, 0), "%s", res.err);
        tu_result_release(&res);
    }
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM certificate_match"
                          " WHERE status = 'rejected'"),
                 rejected));
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM certificate_match WHERE status = 'pending'"),
        0));
    /* the goal: every register MSME certified by the office's programmes, plus those
     * matched (truly) and not certified that way: counted once, by the first source */
    free(e2e_cli((const char *const[]){"goal", "add", "--name=city", "--scope=kota",
                                       "--metric=certified", "--target=1000",
                                       "--start=2000-01-01", "--deadline=2030-12-31",
                                       NULL},
                 0));
    own = pgt_long("SELECT count(DISTINCT a.msme_id) FROM application a"
                   " WHERE a.stage = 'certified' AND a.msme_id IS NOT NULL");
    matched_true = pgt_long("SELECT count(DISTINCT cm.msme_id) FROM certificate_match cm"
                            " WHERE cm.status = 'accepted' AND cm.msme_id NOT IN"
                            " (SELECT msme_id FROM application WHERE stage = 'certified'"
                            "   AND msme_id IS NOT NULL)");
    {
        /* the office's own: the truth's "office" certificates of register MSMEs */
        long want_own = 0;
        json_t *regj;
        char *text =
            e2e_cli((const char *const[]){"msme", "list", "--format=json", NULL}, 0);
        regj = json_loads(text, 0, NULL);
        free(text);
        cr_assert(regj != NULL);
        for (size_t i = 0; i < nt; i++) {
            size_t k;
            json_t *m;
            int dup = 0;
            if (strcmp(truth[i].source, "office") != 0)
                continue;
            for (size_t x = 0; x < i && !dup; x++)
                dup = strcmp(truth[x].source, "office") == 0 &&
                      strcmp(truth[x].nib, truth[i].nib) == 0;
            json_array_foreach(regj, k,
                               m) if (!dup &&
                                      strcmp(json_string_value(json_object_get(m, "nib")),
                                             truth[i].nib) == 0) want_own++;
        }
        json_decref(regj);
        cr_assert(eq(long, own, want_own), "own certified MSMEs differ from the truth");
    }
    cr_assert(eq(long, pgt_long("SELECT done FROM v_goal_progress WHERE name = 'city'"),
                 own + matched_true));
    cr_assert(eq(
        long, pgt_long("SELECT done_programme FROM v_goal_progress WHERE name = 'city'"),
        own));
    cr_assert(eq(long,
                 pgt_long("SELECT done_matched FROM v_goal_progress WHERE name = 'city'"),
                 matched_true));
    cr_assert(matched_true > 0);
    cr_assert(eq(long, pgt_long("SELECT count(*) FROM v_msme_status WHERE certified"),
                 own + matched_true));
    out = e2e_cli((const char *const[]){"match", "list", "--all", "--format=json", NULL},
                  0);
    cr_assert(strstr(out, "\"decided_by\"") != NULL);
    free(out);
    free(truth);
    free(conf);
    sim_stop(&sim);
}

/* Certificates of the public search and their matches to the register; see
 * store_match.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/store_match.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

void store_msme_names_free(struct store_msme_names *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].nib), free(v[i].business_name), free(v[i].owner_name);
        free(v[i].reported_certificate);
    }
    free(v);
}

/* Rows (id, nib, business_name, owner_name, reported_certificate) into out. */
static int names_of(struct store_rows *r, struct store_msme_names **out, size_t *n,
                    struct ht_err *err)
{
    struct store_msme_names *v = calloc((size_t)r->nrows + 1, sizeof(*v));

    if (!v) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (int i = 0; i < r->nrows; i++) {
        v[i].id = strtol(store_rows_get(r, i, 0), NULL, 10);
        v[i].nib = xstrdup_or_null(store_rows_get(r, i, 1));
        v[i].business_name = xstrdup_or_null(store_rows_get(r, i, 2));
        v[i].owner_name = xstrdup_or_null(store_rows_get(r, i, 3));
        v[i].reported_certificate = xstrdup_or_null(store_rows_get(r, i, 4));
    }
    *out = v;
    *n = (size_t)r->nrows;
    return 0;
}

int store_pubsearch_claim(struct store *s, long interval, long batch,
                          struct store_msme_names **out, size_t *n, struct ht_err *err)
{
    struct store_rows r = {0};
    char iv[24], b[24];
    const char *p[2] = {iv, b};
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(iv, sizeof(iv), "%ld", interval);
    snprintf(b, sizeof(b), "%ld", batch);
    if (store_query_rows(
            s,
            "UPDATE msme m SET pubsearch_at = now()"
            " WHERE m.id IN (SELECT m2.id FROM msme m2"
            "   WHERE (m2.pubsearch_at IS NULL"
            "          OR m2.pubsearch_at < now() - make_interval(secs => $1::bigint))"
            "     AND m2.id NOT IN (SELECT c.msme_id FROM msme_certification c"
            "                        WHERE c.source IS NOT NULL)"
            "   ORDER BY m2.pubsearch_at NULLS FIRST, m2.id LIMIT $2::int"
            "   FOR UPDATE OF m2 SKIP LOCKED)"
            " RETURNING m.id, m.nib, m.business_name, m.owner_name, "
            "m.reported_certificate",
            2, p, &r, err) < 0)
        return -1;
    rc = names_of(&r, out, n, err);
    store_rows_release(&r);
    return rc;
}

int store_pubsearch_release(struct store *s, long id, struct ht_err *err)
{
    char ids[24];
    const char *p[1] = {ids};

    snprintf(ids, sizeof(ids), "%ld", id);
    return store_command(s, "UPDATE msme SET pubsearch_at = NULL WHERE id = $1::bigint",
                         1, p, NULL, err);
}

int store_register_names(struct store *s, struct store_msme_names **out, size_t *n,
                         struct ht_err *err)
{
    struct store_rows r = {0};
    int rc;

    *out = NULL;
    *n = 0;
    if (store_query_rows(s,
                         "SELECT id, nib, business_name, owner_name, NULL FROM msme"
                         " ORDER BY id",
                         0, NULL, &r, err) < 0)
        return -1;
    rc = names_of(&r, out, n, err);
    store_rows_release(&r);
    return rc;
}

int store_match_save(struct store *s, const struct store_match_new *m, int *outcome,
                     struct ht_err *err)
{
    char id[24], score[32], rivals[24];
    const char *p[12] = {m->no_sert,
                         m->tgl_sert,
                         m->nama_pu,
                         m->reg_prod_name,
                         id,
                         m->query,
                         score,
                         m->basis,
                         rivals,
                         m->decision,
                         m->accept ? "true" : "false",
                         m->decided_by};
    char *v = NULL;
    int q;

    *outcome = 0;
    snprintf(id, sizeof(id), "%ld", m->msme_id);
    snprintf(score, sizeof(score), "%.4f", m->score);
    snprintf(rivals, sizeof(rivals), "%ld", m->rivals);
    q = store_query_value(
        s,
        "WITH c AS (INSERT INTO public_certificate (no_sert, tgl_sert, nama_pu,"
        "   reg_prod_name) VALUES ($1, $2::date, left($3, 500), left($4, 2000))"
        "  ON CONFLICT (no_sert) DO UPDATE SET observed_at = now(),"
        "   nama_pu = EXCLUDED.nama_pu, reg_prod_name = EXCLUDED.reg_prod_name,"
        "   tgl_sert = coalesce(EXCLUDED.tgl_sert, public_certificate.tgl_sert)"
        "  RETURNING id),"
        " a AS (SELECT $11::boolean AND NOT EXISTS (SELECT 1 FROM certificate_match x, c"
        "   WHERE x.certificate_id = c.id AND x.status = 'accepted') AS ok)"
        " INSERT INTO certificate_match (msme_id, certificate_id, query, score, basis,"
        "   rivals, decision, status, decided_by, decided_at)"
        " SELECT $5::bigint, c.id, left($6, 200), $7::numeric, $8, $9::int, $10,"
        "   CASE WHEN a.ok THEN 'accepted' ELSE 'pending' END,"
        "   CASE WHEN a.ok THEN left($12, 100) END, CASE WHEN a.ok THEN now() END"
        " FROM c, a"
        " WHERE NOT EXISTS (SELECT 1 FROM application ap WHERE ap.certificate_no = $1)"
        " ON CONFLICT (msme_id, certificate_id) DO NOTHING RETURNING status",
        12, p, &v, err);
    if (q < 0)
        return -1;
    if (q == 0)
        *outcome = v && strcmp(v, "accepted") == 0 ? 2 : 1;
    free(v);
    return 0;
}

void store_match_rows_free(struct store_match_row *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++) {
        char **sv[] = {&r[i].nib,           &r[i].business_name, &r[i].owner_name,
                       &r[i].no_sert,       &r[i].tgl_sert,      &r[i].nama_pu,
                       &r[i].reg_prod_name, &r[i].query,         &r[i].score,
                       &r[i].basis,         &r[i].decision,      &r[i].status,
                       &r[i].decided_by,    &r[i].decided_at};
        for (size_t k = 0; k < HT_ARRAY_LEN(sv); k++)
            free(*sv[k]);
    }
    free(r);
}

int store_match_list(struct store *s, int all, struct store_match_row **out, size_t *n,
                     struct ht_err *err)
{
    struct store_rows r = {0};
    struct store_match_row *v;
    const char *p[1] = {all ? "true" : "false"};

    *out = NULL;
    *n = 0;
    if (store_query_rows(
            s,
            "SELECT match_id, nib, business_name, owner_name, no_sert, tgl_sert::text,"
            " nama_pu, reg_prod_name, query, score::text, basis, decision, status,"
            " decided_by,"
            " to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            " rivals"
            " FROM v_certificate_match WHERE $1::boolean OR status = 'pending'"
            " ORDER BY status DESC, score DESC, match_id",
            1, p, &r, err) < 0)
        return -1;
    if (!(v = calloc((size_t)r.nrows + 1, sizeof(*v)))) {
        store_rows_release(&r);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (int i = 0; i < r.nrows; i++) {
        char **sv[] = {&v[i].nib,           &v[i].business_name, &v[i].owner_name,
                       &v[i].no_sert,       &v[i].tgl_sert,      &v[i].nama_pu,
                       &v[i].reg_prod_name, &v[i].query,         &v[i].score,
                       &v[i].basis,         &v[i].decision,      &v[i].status,
                       &v[i].decided_by,    &v[i].decided_at};
        v[i].id = strtol(store_rows_get(&r, i, 0), NULL, 10);
        for (size_t k = 0; k < HT_ARRAY_LEN(sv); k++)
            *sv[k] =
                str_scrub_controls(xstrdup_or_null(store_rows_get(&r, i, (int)k + 1)));
        v[i].rivals = strtol(store_rows_get(&r, i, 15), NULL, 10);
    }
    *out = v;
    *n = (size_t)r.nrows;
    store_rows_release(&r);
    return 0;
}

int store_match_decide(struct store *s, long id, int accept, const char *who,
                       struct ht_err *err)
{
    char ids[24];
    const char *p[3] = {ids, accept ? "accepted" : "rejected", who};
    long n = 0;

    snprintf(ids, sizeof(ids), "%ld", id);
    if (store_command(s,
                      "UPDATE certificate_match SET status = $2,"
                      " decided_by = left(coalesce($3, session_user::text), 100),"
                      " decided_at = now() WHERE id = $1::bigint AND status = 'pending'",
                      3, p, &n, err) < 0)
        return -1;
    return n == 0 ? 1 : 0;
}

/* Facilitation programmes: the merge of the upstream list, and v_programme for the CLI.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/store_programme.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

enum {
    PG_KEY,
    PG_ID,
    PG_CODE,
    PG_NAME,
    PG_FUND,
    PG_JENIS,
    PG_FROM,
    PG_TO,
    PG_STATUS,
    PG_TAHUN,
    PG_KUOTA,
    PG_SISA,
    PG__COUNT
};

static int add_num(struct pgarr *a, long v)
{
    return v < 0 ? arr_add(a, NULL) : arr_addi(a, v);
}

int store_programmes_merge(struct store *s, const struct store_programme *p, size_t n,
                           int complete, long *changed, struct ht_err *err)
{
    struct pgarr a[PG__COUNT];
    const char *params[PG__COUNT + 1];
    char *v = NULL;
    int rc = -1, bad = 0;

    *changed = 0;
    for (int k = 0; k < PG__COUNT; k++)
        arr_init(&a[k]);
    for (size_t i = 0; i < n; i++) {
        const struct store_programme *g = &p[i];
        const char *key =
            g->upstream_id && *g->upstream_id ? g->upstream_id : g->kode_fac;
        bad |= arr_add(&a[PG_KEY], key) | arr_add(&a[PG_ID], g->upstream_id) |
               arr_add(&a[PG_CODE], g->kode_fac) | arr_add(&a[PG_NAME], g->fac_name) |
               arr_add(&a[PG_FUND], g->sumber_biaya) | arr_add(&a[PG_JENIS], g->jenis) |
               arr_add(&a[PG_FROM], g->tgl_aktif) | arr_add(&a[PG_TO], g->tgl_selesai) |
               arr_add(&a[PG_STATUS], g->status_code) | add_num(&a[PG_TAHUN], g->tahun) |
               add_num(&a[PG_KUOTA], g->kuota) | add_num(&a[PG_SISA], g->sisa);
    }
    for (int k = 0; k < PG__COUNT && !bad; k++)
        bad = !(params[k] = arr_str(&a[k]));
    if (bad) {
        ht_err_set(err, HT_ELIMIT, "programme list over its cap");
        goto out;
    }
    params[PG__COUNT] = complete ? "true" : "false";
    if (store_begin(s, err) < 0)
        goto out;
    if (store_query_value(
            s,
            "WITH up AS (INSERT INTO facilitation_programme AS p (prog_key, upstream_id,"
            "   kode_fac, fac_name, sumber_biaya, jenis, tgl_aktif, tgl_selesai, "
            "status_code,"
            "   tahun, kuota, sisa)"
            "  SELECT DISTINCT ON (u.k) u.k, u.i, u.c, u.n, u.f, u.j, u.a::date, "
            "u.b::date,"
            "   left(u.s, 16), u.t::int, greatest(u.q, 0), u.r"
            "  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
            "   $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[],"
            "   $11::bigint[], $12::bigint[]) AS u(k, i, c, n, f, j, a, b, s, t, q, r)"
            "  WHERE u.k IS NOT NULL"
            "  ON CONFLICT (prog_key) DO UPDATE SET upstream_id = EXCLUDED.upstream_id,"
            "   kode_fac = EXCLUDED.kode_fac, fac_name = EXCLUDED.fac_name,"
            "   sumber_biaya = EXCLUDED.sumber_biaya, jenis = EXCLUDED.jenis,"
            "   tgl_aktif = EXCLUDED.tgl_aktif, tgl_selesai = EXCLUDED.tgl_selesai,"
            "   status_code = EXCLUDED.status_code, tahun = EXCLUDED.tahun,"
            "   kuota = EXCLUDED.kuota, sisa = EXCLUDED.sisa, observed_at = now(),"
            "   missing_since = NULL"
            "  RETURNING prog_key),"
            " gone AS (UPDATE facilitation_programme p SET missing_since = now()"
            "  WHERE $13::boolean AND p.missing_since IS NULL"
            "    AND p.prog_key NOT IN (SELECT prog_key FROM up) RETURNING 1)"
            " SELECT (SELECT count(*) FROM up) + (SELECT count(*) FROM gone)",
            PG__COUNT + 1, params, &v, err) < 0) {
        store_rollback(s);
        goto out;
    }
    if (store_commit(s, err) < 0)
        goto out;
    *changed = v ? strtol(v, NULL, 10) : 0;
    rc = 0;
out:
    free(v);
    for (int k = 0; k < PG__COUNT; k++)
        arr_release(&a[k]);
    return rc;
}

/* An array of one element per row of r (and one more), zeroed; NULL (r released, err
 * set) when out of memory. */
static void *rows_calloc(struct store_rows *r, size_t size, struct ht_err *err)
{
    void *v = calloc((size_t)r->nrows + 1, size);

    if (!v) {
        store_rows_release(r);
        ht_err_set(err, HT_ENOMEM, "out of memory");
    }
    return v;
}

static long num_or(const char *v)
{
    return v ? strtol(v, NULL, 10) : -1;
}

int store_programmes_list(struct store *s, struct store_programme_row **out, size_t *n,
                          struct ht_err *err)
{
    struct store_rows r = {0};
    struct store_programme_row *g;

    *out = NULL;
    *n = 0;
    if (store_query_rows(
            s,
            "SELECT kode_fac, fac_name, sumber_biaya, jenis, tgl_aktif::text,"
            " tgl_selesai::text, status_code,"
            " to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            " tahun, kuota, sisa, applications, certified, missing_since IS NOT NULL,"
            " applications_4_weeks_ago FROM v_programme ORDER BY tahun DESC NULLS LAST, "
            "kode_fac",
            0, NULL, &r, err) < 0)
        return -1;
    if (!(g = rows_calloc(&r, sizeof(*g), err)))
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        char **sv[] = {&g[i].kode_fac,    &g[i].fac_name,   &g[i].sumber_biaya,
                       &g[i].jenis,       &g[i].tgl_aktif,  &g[i].tgl_selesai,
                       &g[i].status_code, &g[i].observed_at};
        for (size_t k = 0; k < HT_ARRAY_LEN(sv); k++)
            *sv[k] = str_scrub_controls(xstrdup_or_null(store_rows_get(&r, i, (int)k)));
        g[i].tahun = num_or(store_rows_get(&r, i, 8));
        g[i].kuota = num_or(store_rows_get(&r, i, 9));
        g[i].sisa = num_or(store_rows_get(&r, i, 10));
        g[i].applications = num_or(store_rows_get(&r, i, 11));
        g[i].certified = num_or(store_rows_get(&r, i, 12));
        g[i].missing = strcmp(store_rows_get(&r, i, 13), "t") == 0;
        g[i].applications_4_weeks_ago = num_or(store_rows_get(&r, i, 14));
    }
    *out = g;
    *n = (size_t)r.nrows;
    store_rows_release(&r);
    return 0;
}

void store_programme_rows_free(struct store_programme_row *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++) {
        free(r[i].kode_fac);
        free(r[i].fac_name);
        free(r[i].sumber_biaya);
        free(r[i].jenis);
        free(r[i].tgl_aktif);
        free(r[i].tgl_selesai);
        free(r[i].status_code);
        free(r[i].observed_at);
    }
    free(r);
}

int store_programme_stages(struct store *s, struct store_programme_stage **out, size_t *n,
                           struct ht_err *err)
{
    struct store_rows r = {0};
    struct store_programme_stage *g;

    *out = NULL;
    *n = 0;
    if (store_query_rows(s,
                         "SELECT kode_fac, stage, applications FROM v_programme_stage"
                         " ORDER BY kode_fac, ordinal",
                         0, NULL, &r, err) < 0)
        return -1;
    if (!(g = rows_calloc(&r, sizeof(*g), err)))
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        g[i].kode_fac = str_scrub_controls(xstrdup_or_null(store_rows_get(&r, i, 0)));
        g[i].stage = xstrdup_or_null(store_rows_get(&r, i, 1));
        g[i].applications = num_or(store_rows_get(&r, i, 2));
    }
    *out = g;
    *n = (size_t)r.nrows;
    store_rows_release(&r);
    return 0;
}

void store_programme_stages_free(struct store_programme_stage *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++) {
        free(r[i].kode_fac);
        free(r[i].stage);
    }
    free(r);
}

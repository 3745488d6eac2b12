/* The MSME register in PostgreSQL: regions, bulk upsert through COPY, list and show. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/store_msme.h"
#include "halaltrack/banned.h"

#define MSME_COPY_FLUSH (1024u * 1024)

int store_msme_load_regions(struct store *s, struct region_index *idx, struct ht_err *err)
{
    struct store_rows rows = {0};

    idx->v = NULL;
    idx->n = 0;
    if (store_query_rows(s,
                         "SELECT r.code, r.name, r.level, p.code, p.name FROM region r"
                         " LEFT JOIN region p ON p.code = r.parent_code"
                         " WHERE r.level IN ('kecamatan', 'kelurahan') ORDER BY r.code",
                         0, NULL, &rows, err) < 0)
        return -1;
    idx->v = calloc(rows.nrows ? (size_t)rows.nrows : 1, sizeof(*idx->v));
    if (!idx->v) {
        store_rows_release(&rows);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (int r = 0; r < rows.nrows; r++) {
        struct region_entry *e = &idx->v[r];
        char **cell = &rows.cells[(size_t)r * (size_t)rows.ncols];

        /* Move the strings out of the result. */
        e->code = cell[0];
        e->name = cell[1];
        e->level = cell[2];
        e->parent_code = cell[3];
        e->parent_name = cell[4];
        memset(cell, 0, 5 * sizeof(*cell));
    }
    idx->n = (size_t)rows.nrows;
    store_rows_release(&rows);
    region_index_sort(idx);
    return 0;
}

static int copy_flush(struct store *s, struct buf *b, struct ht_err *err)
{
    if (!b->len)
        return 0;
    if (PQputCopyData(s->conn, b->ptr, (int)b->len) != 1) {
        ht_err_set(err, HT_EDB, "COPY failed: %s", PQerrorMessage(s->conn));
        return -1;
    }
    buf_reset(b);
    return 0;
}

/* Streams the records into the staging table msme_import. */
static int copy_records(struct store *s, const struct msme_record *recs, size_t n,
                        struct ht_err *err)
{
    struct buf b = BUF_INIT(MSME_COPY_FLUSH + 64 * 1024);
    PGresult *res = NULL;
    int rc = -1;

    res = store_run(s, "COPY msme_import FROM STDIN", 0, NULL, PGRES_COPY_IN, err);
    if (!res)
        return -1;
    PQclear(res);
    res = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct msme_record *r = &recs[i];

        if (store_copy_field(&b, r->nib, 0) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->business_name, 0) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->owner_name, 1) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->kbli, 1) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->size_class, 1) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->kelurahan_code, 0) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->address, 1) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->phone, 1) < 0 || buf_addch(&b, '\t') < 0 ||
            store_copy_field(&b, r->programs ? r->programs : "", 0) < 0 ||
            buf_addch(&b, '\t') < 0 || store_copy_field(&b, r->certificate, 1) < 0 ||
            buf_addch(&b, '\n') < 0) {
            ht_err_set(err, HT_ELIMIT, "record for NIB '%s' is too large to copy",
                       r->nib);
            PQputCopyEnd(s->conn, "record too large");
            goto drain;
        }
        if (b.len >= MSME_COPY_FLUSH && copy_flush(s, &b, err) < 0)
            goto drain;
    }
    if (copy_flush(s, &b, err) < 0)
        goto drain;
    if (PQputCopyEnd(s->conn, NULL) != 1) {
        ht_err_set(err, HT_EDB, "COPY failed: %s", PQerrorMessage(s->conn));
        goto drain;
    }
    rc = 0;
drain:
    /* Collect the COPY's outcome (and anything left) so the connection is usable again.
     */
    while ((res = PQgetResult(s->conn)) != NULL) {
        if (PQresultStatus(res) == PGRES_COPY_IN) {
            PQputCopyEnd(s->conn, "aborted");
        } else if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            store_set_error(s, res, "COPY failed", err);
            rc = -1;
        }
        PQclear(res);
    }
    buf_release(&b);
    return rc;
}

int store_msme_upsert(struct store *s, const struct msme_record *recs, size_t n,
                      unsigned present, int dry_run, struct msme_upsert_counts *out,
                      struct ht_err *err)
{
    /* Columns an update may change; the others keep their stored values. */
    static const struct {
        unsigned bits;
        const char *col;
    } upd[] = {
        {REG_COL_BIT(REG_COL_NAME), "business_name"},
        {REG_COL_BIT(REG_COL_OWNER), "owner_name"},
        {REG_COL_BIT(REG_COL_KBLI), "kbli"},
        {REG_COL_BIT(REG_COL_SIZE), "size_class"},
        {REG_COL_BIT(REG_COL_REGION) | REG_COL_BIT(REG_COL_KELURAHAN), "kelurahan_code"},
        {REG_COL_BIT(REG_COL_ADDRESS), "address"},
        {REG_COL_BIT(REG_COL_PHONE), "phone"},
        {REG_COL_BIT(REG_COL_PROGRAM), "programs"},
        {REG_COL_BIT(REG_COL_CERTIFICATE), "reported_certificate"},
    };
    struct buf sql = BUF_INIT(4096), set = BUF_INIT(1024), old = BUF_INIT(1024),
               new_ = BUF_INIT(1024);
    struct store_rows rows = {0};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < HT_ARRAY_LEN(upd); i++) {
        if (!(present & upd[i].bits))
            continue;
        if (buf_addf(&set, "%s = EXCLUDED.%s, ", upd[i].col, upd[i].col) < 0 ||
            buf_addf(&old, "%sm.%s", old.len ? ", " : "", upd[i].col) < 0 ||
            buf_addf(&new_, "%sEXCLUDED.%s", new_.len ? ", " : "", upd[i].col) < 0)
            goto oom;
    }
    /* ROW() keeps a one-column comparison a row comparison. */
    if (buf_addf(
            &sql,
            "WITH up AS ("
            " INSERT INTO msme AS m (nib, business_name, owner_name, kbli, size_class,"
            " kelurahan_code, address, phone, programs, reported_certificate)"
            " SELECT nib, business_name, owner_name, kbli, size_class, kelurahan_code,"
            " address, phone, string_to_array(programs, ';'), reported_certificate"
            " FROM msme_import"
            " ON CONFLICT (nib) DO UPDATE SET %supdated_at = now()"
            " WHERE ROW(%s) IS DISTINCT FROM ROW(%s)"
            " RETURNING (m.xmax = 0) AS inserted)"
            " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT "
            "inserted)"
            " FROM up",
            buf_str(&set), buf_str(&old), buf_str(&new_)) < 0)
        goto oom;
    if (store_begin(s, err) < 0)
        goto out;
    if (store_exec(s,
                   "CREATE TEMP TABLE msme_import (nib text, business_name text,"
                   " owner_name text, kbli text, size_class text, kelurahan_code text,"
                   " address text, phone text, programs text,"
                   " reported_certificate text) ON COMMIT DROP",
                   err) < 0)
        goto out;
    if (copy_records(s, recs, n, err) < 0)
        goto out;
    if (store_query_rows(s, buf_str(&sql), 0, NULL, &rows, err) < 0)
        goto out;
    out->inserted = strtol(store_rows_get(&rows, 0, 0), NULL, 10);
    out->updated = strtol(store_rows_get(&rows, 0, 1), NULL, 10);
    out->unchanged = (long)n - out->inserted - out->updated;
    if (dry_run) {
        store_rollback(s);
        rc = 0;
        goto out;
    }
    if (store_commit(s, err) < 0)
        goto out;
    rc = 0;
    goto out;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
out:
    if (rc < 0)
        store_rollback(s);
    store_rows_release(&rows);
    buf_release(&sql);
    buf_release(&set);
    buf_release(&old);
    buf_release(&new_);
    return rc;
}

int store_msme_insert(struct store *s, const struct msme_record *r, struct ht_err *err)
{
    const char *p[10];
    char *id = NULL;
    int q;

    p[0] = r->nib;
    p[1] = r->business_name;
    p[2] = r->owner_name;
    p[3] = r->kbli[0] ? r->kbli : NULL;
    p[4] = r->size_class;
    p[5] = r->kelurahan_code;
    p[6] = r->address;
    p[7] = r->phone;
    p[8] = r->programs ? r->programs : "";
    p[9] = r->certificate;
    q = store_query_value(
        s,
        "INSERT INTO msme (nib, business_name, owner_name, kbli, size_class,"
        " kelurahan_code, address, phone, programs, reported_certificate)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, string_to_array($9, ';'), $10)"
        " ON CONFLICT (nib) DO NOTHING RETURNING id::text",
        10, p, &id, err);
    free(id);
    return q;
}

#define MSME_SELECT                                                                      \
    "SELECT m.nib, m.business_name, m.owner_name, m.kbli, t.title, m.size_class,"        \
    " m.kelurahan_code, k.name, c.code, c.name, kk.name, m.address, m.phone,"            \
    " array_to_string(m.programs, ';'),"                                                 \
    " to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"       \
    " to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), %s"    \
    " FROM msme m JOIN region k ON k.code = m.kelurahan_code"                            \
    " LEFT JOIN region c ON c.code = k.parent_code"                                      \
    " LEFT JOIN region kk ON kk.code = c.parent_code"                                    \
    " LEFT JOIN kbli t ON t.code = m.kbli "

static int rows_to_msme(struct store_rows *rows, struct msme_row **out, size_t *n,
                        struct ht_err *err)
{
    struct msme_row *v = calloc(rows->nrows ? (size_t)rows->nrows : 1, sizeof(*v));

    *out = NULL;
    *n = 0;
    if (!v) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (int r = 0; r < rows->nrows; r++) {
        char **c = &rows->cells[(size_t)r * (size_t)rows->ncols];
        struct msme_row *m = &v[r];

        m->nib = c[0];
        m->business_name = c[1];
        m->owner_name = c[2];
        m->kbli = c[3];
        m->kbli_title = c[4];
        m->size_class = c[5];
        m->kelurahan_code = c[6];
        m->kelurahan_name = c[7];
        m->kecamatan_code = c[8];
        m->kecamatan_name = c[9];
        m->kota_name = c[10];
        m->address = c[11];
        m->phone = c[12];
        m->programs = c[13];
        m->created_at = c[14];
        m->updated_at = c[15];
        m->applications = c[16] ? strtol(c[16], NULL, 10) : 0;
        free(c[16]);
        memset(c, 0, 17 * sizeof(*c));
    }
    *out = v;
    *n = (size_t)rows->nrows;
    return 0;
}

int store_msme_list(struct store *s, const struct msme_filter *f, struct msme_row **out,
                    size_t *n, struct ht_err *err)
{
    struct store_rows rows = {0};
    const char *p[5] = {f->kecamatan_code, f->kelurahan_code, f->kbli_prefix,
                        f->size_class, f->program};
    char sql[2048];
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(sql, sizeof(sql),
             MSME_SELECT "WHERE ($1::text IS NULL OR k.parent_code = $1)"
                         " AND ($2::text IS NULL OR m.kelurahan_code = $2)"
                         " AND ($3::text IS NULL OR starts_with(m.kbli, $3))"
                         " AND ($4::text IS NULL OR m.size_class = $4)"
                         " AND ($5::text IS NULL OR $5 = ANY (m.programs))"
                         " ORDER BY m.nib",
             "NULL");
    if (store_query_rows(s, sql, 5, p, &rows, err) < 0)
        return -1;
    rc = rows_to_msme(&rows, out, n, err);
    store_rows_release(&rows);
    return rc;
}

int store_msme_get(struct store *s, const char *nib, struct msme_row *out,
                   struct ht_err *err)
{
    struct store_rows rows = {0};
    struct msme_row *v = NULL;
    size_t n = 0;
    const char *p[1] = {nib};
    char sql[2048];
    int rc;

    memset(out, 0, sizeof(*out));
    snprintf(
        sql, sizeof(sql), MSME_SELECT "WHERE m.nib = $1",
        "(SELECT count(*) FROM application a WHERE a.nib = m.nib OR a.msme_id = m.id)");
    if (store_query_rows(s, sql, 1, p, &rows, err) < 0)
        return -1;
    rc = rows_to_msme(&rows, &v, &n, err);
    store_rows_release(&rows);
    if (rc < 0)
        return -1;
    if (n == 0) {
        free(v);
        return 1;
    }
    *out = v[0];
    free(v);
    return 0;
}

void msme_row_release(struct msme_row *r)
{
    if (!r)
        return;
    free(r->nib);
    free(r->business_name);
    free(r->owner_name);
    free(r->kbli);
    free(r->kbli_title);
    free(r->size_class);
    free(r->kelurahan_code);
    free(r->kelurahan_name);
    free(r->kecamatan_code);
    free(r->kecamatan_name);
    free(r->kota_name);
    free(r->address);
    free(r->phone);
    free(r->programs);
    free(r->created_at);
    free(r->updated_at);
    memset(r, 0, sizeof(*r));
}

void msme_rows_free(struct msme_row *rows, size_t n)
{
    if (!rows)
        return;
    for (size_t i = 0; i < n; i++)
        msme_row_release(&rows[i]);
    free(rows);
}

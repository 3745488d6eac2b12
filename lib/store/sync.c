/* The daemon's database work: sweep lock, COPY staging + merge, leases, batch apply,
 * shared budget, bookkeeping. All set-based: arrays in, one statement per kind of write.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/stage.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

int store_sync_schema_ready(struct store *s, int *ready, struct ht_err *err)
{
    char *v = NULL;
    int rc = store_query_value(s, "SELECT to_regclass('list_staging')::text", 0, NULL, &v,
                               err);

    *ready = rc == 0 && v != NULL;
    free(v);
    return rc < 0 ? -1 : 0;
}

int store_sync_lock_sweep(struct store *s, int *got, struct ht_err *err)
{
    char *v = NULL;
    int rc = store_query_value(
        s,
        "SELECT pg_try_advisory_lock(hashtext(current_schema() || '.halaltrack.sweep'))",
        0, NULL, &v, err);

    *got = 0;
    if (rc < 0)
        return -1;
    *got = v && strcmp(v, "t") == 0;
    free(v);
    return 0;
}

int store_sync_run_start(struct store *s, const char *daemon, int64_t *run_id,
                         char started_at[static 40], struct ht_err *err)
{
    const char *p[1] = {daemon};
    struct store_rows r = {0};

    if (store_query_rows(
            s, "INSERT INTO sync_run (daemon) VALUES ($1) RETURNING id, started_at::text",
            1, p, &r, err) < 0)
        return -1;
    if (r.nrows != 1) {
        store_rows_release(&r);
        ht_err_set(err, HT_EDB, "sync_run insert returned no row");
        return -1;
    }
    *run_id = strtoll(store_rows_get(&r, 0, 0), NULL, 10);
    snprintf(started_at, 40, "%s", store_rows_get(&r, 0, 1));
    store_rows_release(&r);
    return 0;
}

int store_sync_run_finish(struct store *s, int64_t run_id, const struct sync_counts *c,
                          const char *outcome, const char *message, struct ht_err *err)
{
    char f[10][32];
    const char *p[13];

    snprintf(f[0], 32, "%" PRId64, run_id);
    snprintf(f[1], 32, "%ld", c->requests);
    snprintf(f[2], 32, "%ld", c->bytes);
    snprintf(f[3], 32, "%ld", c->items_seen);
    snprintf(f[4], 32, "%ld", c->items_changed);
    snprintf(f[5], 32, "%ld", c->details_fetched);
    snprintf(f[6], 32, "%ld", c->events_inserted);
    snprintf(f[7], 32, "%ld", c->quarantined);
    snprintf(f[8], 32, "%ld", c->errors);
    for (int i = 0; i < 9; i++)
        p[i] = f[i];
    p[9] = outcome;
    p[10] = message;
    p[11] = c->sweep ? "t" : "f";
    return store_command(
        s,
        "UPDATE sync_run SET finished_at = greatest(now(), started_at),"
        " requests = $2, bytes = $3, items_seen = $4, items_changed = $5,"
        " details_fetched = $6, events_inserted = $7, quarantined = $8,"
        " errors = $9, outcome = $10, message = $11, sweep = $12 WHERE id = $1",
        12, p, NULL, err);
}

/* ---- listing: the list sweep staged by COPY ---- */

struct store_listing {
    struct buf rows;
    size_t n;
};

struct store_listing *store_listing_new(void)
{
    struct store_listing *st = calloc(1, sizeof(*st));

    if (st)
        buf_init(&st->rows, BUF_CAP_LARGE);
    return st;
}

void store_listing_free(struct store_listing *st)
{
    if (!st)
        return;
    buf_release(&st->rows);
    free(st);
}

int store_listing_add(struct store_listing *st, int64_t seq, int part,
                      const char *const fields[])
{
    if (buf_addf(&st->rows, "%" PRId64 "\t%d", seq, part) < 0)
        return -1;
    for (int i = 0; i < STORE_LISTING_NFIELDS; i++)
        if (buf_addch(&st->rows, '\t') < 0 ||
            store_copy_field(&st->rows, fields[i], 0) < 0)
            return -1;
    if (buf_addch(&st->rows, '\n') < 0)
        return -1;
    st->n++;
    return 0;
}

int store_listing_flush(struct store *s, struct store_listing *st, int64_t run_id,
                        struct ht_err *err)
{
    char sql[300];
    PGresult *res;
    struct buf all = BUF_INIT(BUF_CAP_LARGE);
    const char *line, *end;
    int rc = -1;

    if (st->n == 0)
        return 0;
    if (!store_ok(s)) {
        ht_err_set(err, HT_EDBCONN, "database connection lost");
        return -1;
    }
    /* Prefix each row with the run id. */
    line = buf_str(&st->rows);
    end = line + st->rows.len;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t len = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);
        if (buf_addf(&all, "%" PRId64 "\t", run_id) < 0 || buf_add(&all, line, len) < 0) {
            ht_err_set(err, HT_ELIMIT, "staging buffer over its cap");
            goto out;
        }
        line += len;
    }
    snprintf(sql, sizeof(sql),
             "COPY list_staging (run_id, seq, part, id_reg, no_daftar, tgl_daftar, nib, "
             "nama_pu,"
             " jenis_daftar, jenis_produk, status, channel_id, kode_fac, status_raw)"
             " FROM STDIN");
    res = PQexec(s->conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        store_set_error(s, res, "cannot start COPY", err);
        PQclear(res);
        goto out;
    }
    PQclear(res);
    if (PQputCopyData(s->conn, all.ptr, (int)all.len) != 1 ||
        PQputCopyEnd(s->conn, NULL) != 1) {
        ht_err_set(err, HT_EDBCONN, "COPY failed: %s", PQerrorMessage(s->conn));
        goto out;
    }
    while ((res = PQgetResult(s->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            store_set_error(s, res, "COPY failed", err);
            PQclear(res);
            while ((res = PQgetResult(s->conn)))
                PQclear(res);
            goto out;
        }
        PQclear(res);
    }
    rc = 0;
out:
    buf_release(&all);
    buf_reset(&st->rows);
    st->n = 0;
    return rc;
}

int store_listing_distinct(struct store *s, int64_t run_id, int part, long *out,
                           struct ht_err *err)
{
    char id[32], pt[16], *v = NULL;
    const char *p[2] = {id, pt};
    int rc;

    snprintf(id, sizeof(id), "%" PRId64, run_id);
    snprintf(pt, sizeof(pt), "%d", part);
    rc = store_query_value(s,
                           "SELECT count(DISTINCT coalesce(id_reg, 'nd:' || no_daftar))"
                           " FROM list_staging WHERE run_id = $1 AND part = $2",
                           2, p, &v, err);
    if (rc != 0) {
        free(v);
        return -1;
    }
    *out = strtol(v, NULL, 10);
    free(v);
    return 0;
}

int store_listing_clear(struct store *s, int64_t run_id, int part, struct ht_err *err)
{
    char id[32], pt[16];
    const char *p[2] = {id, pt};

    snprintf(id, sizeof(id), "%" PRId64, run_id);
    snprintf(pt, sizeof(pt), "%d", part);
    return store_command(s,
                         "DELETE FROM list_staging WHERE run_id = $1"
                         " AND ($2::int < 0 OR part = $2)",
                         2, p, NULL, err);
}

int store_listing_clear_others(struct store *s, int64_t run_id, long *dropped,
                               struct ht_err *err)
{
    char id[32];
    const char *p[1] = {id};

    snprintf(id, sizeof(id), "%" PRId64, run_id);
    return store_command(s, "DELETE FROM list_staging WHERE run_id <> $1", 1, p, dropped,
                         err);
}

/* The code -> stage map (built-in and map's [stage_map]) as two array literals for
 * list_merge. The arrays are initialised here; release them either way. */
static int stage_map_arrays(const struct stage_map *map, struct pgarr *codes,
                            struct pgarr *stages, struct ht_err *err)
{
    arr_init(codes);
    arr_init(stages);
    for (size_t i = 0; i < stage_map_code_count(map); i++) {
        const struct stage_code *c = stage_map_code_at(map, i);
        if (arr_add(codes, c->code) < 0 || arr_add(stages, stage_name(c->stage)) < 0)
            break;
    }
    if (arr_str(codes) && arr_str(stages) && codes->n == stage_map_code_count(map))
        return 0;
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

int store_sync_merge(struct store *s, const struct stage_map *map, int64_t run_id,
                     int complete, int64_t seen_at, int64_t at, long *seen,
                     long *inserted, long *changed, struct ht_err *err)
{
    struct pgarr codes, stages;
    struct store_rows r = {0};
    char id[32], t0[32], t1[32];
    const char *p[6];
    int rc = -1;

    if (stage_map_arrays(map, &codes, &stages, err) < 0)
        goto out;
    snprintf(id, sizeof(id), "%" PRId64, run_id);
    p[0] = id;
    p[1] = arr_str(&codes);
    p[2] = arr_str(&stages);
    p[3] = complete ? "true" : "false";
    snprintf(t0, sizeof(t0), "%" PRId64, seen_at);
    snprintf(t1, sizeof(t1), "%" PRId64, at < seen_at ? seen_at : at);
    p[4] = t0;
    p[5] = t1;
    if (!p[1] || !p[2]) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    if (store_begin(s, err) < 0)
        goto out;
    /* The merge of a whole sweep is one statement over every listed application (a
     * million rows for a province): it gets ten times the configured statement timeout.
     */
    if (store_exec(
            s,
            "SELECT set_config('statement_timeout', (extract(epoch FROM"
            " current_setting('statement_timeout')::interval) * 10000)::bigint::text,"
            " true)",
            err) < 0) {
        store_rollback(s);
        goto out;
    }
    if (store_query_rows(s,
                         "SELECT seen, inserted, changed FROM list_merge($1, $2, $3, $4,"
                         " to_timestamp($5::bigint), to_timestamp($6::bigint))",
                         6, p, &r, err) < 0 ||
        r.nrows != 1 ||
        store_command(s, "DELETE FROM list_staging WHERE run_id = $1", 1, p, NULL, err) <
            0) {
        store_rollback(s);
        goto out;
    }
    if (store_commit(s, err) < 0)
        goto out;
    *seen = strtol(store_rows_get(&r, 0, 0), NULL, 10);
    *inserted = strtol(store_rows_get(&r, 0, 1), NULL, 10);
    *changed = strtol(store_rows_get(&r, 0, 2), NULL, 10);
    /* The bookmark moves only after the data it describes has committed. */
    if (store_sync_set_state(s, "last_sweep_at", "now", err) < 0)
        goto out;
    rc = 0;
out:
    store_rows_release(&r);
    arr_release(&codes);
    arr_release(&stages);
    return rc;
}

/* 1 when the list showed the application with a known status at or after at (a later
 * sighting supersedes the row), 0 when not, -1 on error. */
static int listing_superseded(struct store *s, const char *const fields[], const char *at,
                              struct ht_err *err)
{
    const char *p[3] = {fields[0], fields[1], at};
    char *hit = NULL;
    int found = store_query_value(s,
                                  "SELECT 1 FROM application WHERE (id_reg = $1"
                                  "   OR ($1::text IS NULL AND no_daftar = $2))"
                                  " AND list_seen_at >= to_timestamp($3::bigint) LIMIT 1",
                                  3, p, &hit, err);

    free(hit);
    return found < 0 ? -1 : found == 0;
}

/* Stages the one row under run and merges it as a sweep of its own at at. */
static int listing_merge_one(struct store *s, const struct stage_map *map,
                             const char *run, const char *const fields[], const char *at,
                             struct ht_err *err)
{
    struct pgarr codes, stages;
    const char *p[1 + STORE_LISTING_NFIELDS];
    char *seen = NULL;
    int rc = -1;

    if (stage_map_arrays(map, &codes, &stages, err) < 0)
        goto out;
    p[0] = run;
    for (int i = 0; i < STORE_LISTING_NFIELDS; i++)
        p[1 + i] = fields[i];
    if (store_command(s,
                      "INSERT INTO list_staging (run_id, seq, part, id_reg, no_daftar,"
                      " tgl_daftar, nib, nama_pu, jenis_daftar, jenis_produk, status,"
                      " channel_id, kode_fac, status_raw) VALUES ($1, 0, 0, $2, $3, $4,"
                      " $5, $6, $7, $8, $9, $10, $11, $12)",
                      1 + STORE_LISTING_NFIELDS, p, NULL, err) < 0)
        goto out;
    p[1] = arr_str(&codes);
    p[2] = arr_str(&stages);
    p[3] = at;
    if (store_query_value(s,
                          "SELECT seen FROM list_merge($1, $2, $3, false,"
                          " to_timestamp($4::bigint), to_timestamp($4::bigint))",
                          4, p, &seen, err) < 0 ||
        store_command(s, "DELETE FROM list_staging WHERE run_id = $1", 1, p, NULL, err) <
            0)
        goto out;
    rc = 0;
out:
    free(seen);
    arr_release(&codes);
    arr_release(&stages);
    return rc;
}

int store_listing_replay(struct store *s, const struct stage_map *map,
                         int64_t quarantine_id, int64_t observed_at,
                         const char *const fields[], int *superseded, struct ht_err *err)
{
    char run[32], at[32], qid[32];
    const char *p[1] = {qid};

    *superseded = 0;
    /* A run id no sweep uses: sync_run ids are positive. */
    snprintf(run, sizeof(run), "%" PRId64, -quarantine_id);
    snprintf(at, sizeof(at), "%" PRId64, observed_at);
    snprintf(qid, sizeof(qid), "%" PRId64, quarantine_id);
    if (store_begin(s, err) < 0)
        return -1;
    if ((*superseded = listing_superseded(s, fields, at, err)) < 0 ||
        (!*superseded && listing_merge_one(s, map, run, fields, at, err) < 0) ||
        store_command(s,
                      "UPDATE quarantine SET resolved = true, replayed_at = now()"
                      " WHERE id = $1",
                      1, p, NULL, err) < 0 ||
        store_commit(s, err) < 0) {
        store_rollback(s);
        *superseded = 0;
        return -1;
    }
    return 0;
}

/* ---- leases ---- */

/* The columns of a claim (after the table alias a), in claims_from_rows' order. */
#define CLAIM_COLS                                                                       \
    "a.id, a.id_reg, a.status_code, extract(epoch FROM a.stage_since)::bigint,"          \
    " a.list_fingerprint, extract(epoch FROM a.detail_at)::bigint, a.list_status,"       \
    " a.detail_path, a.channel_id, a.jenis_daftar,"                                      \
    " (SELECT p.jenis FROM facilitation_programme p WHERE p.kode_fac = a.kode_fac"       \
    "   ORDER BY p.id LIMIT 1),"                                                         \
    " a.detail_denied_at IS NOT NULL OR EXISTS (SELECT 1 FROM stage_event e"             \
    "   WHERE e.application_id = a.id AND e.source = 'observed'),"                       \
    " a.detail_denied_at IS NOT NULL"

static int claims_from_rows(const struct store_rows *r, struct store_claim **out,
                            size_t *n)
{
    struct store_claim *c = calloc((size_t)r->nrows + 1, sizeof(*c));

    if (!c)
        return -1;
    for (int i = 0; i < r->nrows; i++) {
        const char *since = store_rows_get(r, i, 3), *dat = store_rows_get(r, i, 5);
        c[i].id = strtoll(store_rows_get(r, i, 0), NULL, 10);
        c[i].id_reg = xstrdup_or_null(store_rows_get(r, i, 1));
        c[i].status_code = xstrdup_or_null(store_rows_get(r, i, 2));
        c[i].has_stage_since = since != NULL;
        c[i].stage_since = since ? strtoll(since, NULL, 10) : 0;
        c[i].fingerprint = xstrdup_or_null(store_rows_get(r, i, 4));
        c[i].detail_at = dat ? strtoll(dat, NULL, 10) : 0;
        c[i].list_status = xstrdup_or_null(store_rows_get(r, i, 6));
        c[i].detail_path = xstrdup_or_null(store_rows_get(r, i, 7));
        c[i].channel_id = xstrdup_or_null(store_rows_get(r, i, 8));
        c[i].jenis_daftar = xstrdup_or_null(store_rows_get(r, i, 9));
        c[i].programme_jenis = xstrdup_or_null(store_rows_get(r, i, 10));
        c[i].observed = strcmp(store_rows_get(r, i, 11), "t") == 0;
        c[i].denied = strcmp(store_rows_get(r, i, 12), "t") == 0;
        if (!c[i].id_reg) {
            store_claims_free(c, (size_t)i + 1);
            return -1;
        }
    }
    *out = c;
    *n = (size_t)r->nrows;
    return 0;
}

int store_sync_claim(struct store *s, const char *owner, long lease_s, long limit,
                     const char *cycle_start, struct store_claim **out, size_t *n,
                     struct ht_err *err)
{
    char ls[32], lim[32];
    const char *p[4] = {owner, ls, lim, cycle_start};
    struct store_rows r = {0};
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(ls, sizeof(ls), "%ld", lease_s);
    snprintf(lim, sizeof(lim), "%ld", limit);
    /* An application without id_reg has no detail to fetch (its history is observed). */
    if (store_query_rows(
            s,
            "UPDATE application a SET lease_owner = $1,"
            " lease_until = clock_timestamp() + make_interval(secs => $2::int)"
            " FROM (SELECT id FROM application"
            "       WHERE next_poll_at <= clock_timestamp() AND id_reg IS NOT NULL"
            "         AND (lease_until IS NULL OR lease_until < clock_timestamp())"
            "         AND (detail_at IS NULL OR detail_at < $4::timestamptz)"
            "       ORDER BY next_poll_at, id LIMIT $3"
            "       FOR UPDATE SKIP LOCKED) c"
            " WHERE a.id = c.id"
            " RETURNING " CLAIM_COLS,
            4, p, &r, err) < 0)
        return -1;
    rc = claims_from_rows(&r, out, n);
    store_rows_release(&r);
    if (rc < 0)
        ht_err_set(err, HT_ENOMEM, "out of memory");
    return rc;
}

int store_sync_claim_locked(struct store *s, long lease_s, long limit,
                            const char *cycle_start, struct store_claim **out, size_t *n,
                            struct ht_err *err)
{
    char ms[96], lim[32], *ids = NULL;
    const char *p[2] = {lim, cycle_start};
    struct store_rows r = {0};
    int rc;

    *out = NULL;
    *n = 0;
    snprintf(ms, sizeof(ms), "SET LOCAL idle_in_transaction_session_timeout = %ld",
             lease_s * 1000);
    snprintf(lim, sizeof(lim), "%ld", limit);
    if (store_begin(s, err) < 0)
        return -1;
    /* The lease is the row lock of this transaction, which writes the batch: nothing is
     * written to claim. An application still leased by a lease_owner (a daemon that
     * claims with store_sync_claim) is left to it. A session idle in this transaction
     * for longer than the lease (the daemon hung) is ended by the server, which releases
     * the rows. The claim's columns are read by a second statement, whose snapshot is
     * taken with the rows already locked: their newest versions (a list merge committed
     * meanwhile included), and only for the rows claimed. */
    if (store_exec(s, ms, err) < 0 ||
        store_query_value(
            s,
            "WITH c AS (SELECT id FROM application"
            "  WHERE next_poll_at <= clock_timestamp() AND id_reg IS NOT NULL"
            "    AND (lease_until IS NULL OR lease_until < clock_timestamp())"
            "    AND (detail_at IS NULL OR detail_at < $2::timestamptz)"
            "  ORDER BY next_poll_at, id LIMIT $1"
            "  FOR NO KEY UPDATE SKIP LOCKED)"
            " SELECT coalesce(array_agg(id), '{}')::text FROM c",
            2, p, &ids, err) < 0)
        goto fail;
    p[0] = ids;
    if (strcmp(ids ? ids : "{}", "{}") == 0) {
        free(ids);
        store_rollback(s); /* nothing claimed, nothing to hold */
        return 0;
    }
    rc = store_query_rows(s,
                          "SELECT " CLAIM_COLS " FROM application a"
                          " WHERE a.id = ANY($1::bigint[]) ORDER BY a.next_poll_at, a.id",
                          1, p, &r, err);
    free(ids);
    if (rc < 0)
        goto fail;
    rc = claims_from_rows(&r, out, n);
    store_rows_release(&r);
    if (rc < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto fail;
    }
    return 0;
fail:
    store_rollback(s);
    return -1;
}

void store_claim_release(struct store_claim *c)
{
    free(c->id_reg);
    free(c->status_code);
    free(c->fingerprint);
    free(c->list_status);
    free(c->detail_path);
    free(c->channel_id);
    free(c->jenis_daftar);
    free(c->programme_jenis);
    memset(c, 0, sizeof(*c));
}

void store_claims_free(struct store_claim *c, size_t n)
{
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        store_claim_release(&c[i]);
    free(c);
}

int store_sync_release_leases(struct store *s, const char *owner, struct ht_err *err)
{
    const char *p[1] = {owner};

    return store_command(s,
                         "UPDATE application SET lease_owner = NULL, lease_until = NULL"
                         " WHERE lease_owner = $1",
                         1, p, NULL, err);
}

int store_sync_app_state(struct store *s, const char *id_reg, struct store_claim *out,
                         struct ht_err *err)
{
    const char *p[1] = {id_reg};
    struct store_rows r = {0};
    struct store_claim *c = NULL;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (store_query_rows(s,
                         "SELECT " CLAIM_COLS " FROM application a WHERE a.id_reg = $1",
                         1, p, &r, err) < 0)
        return -1;
    if (r.nrows == 0) {
        store_rows_release(&r);
        return 1;
    }
    rc = claims_from_rows(&r, &c, &n);
    store_rows_release(&r);
    if (rc < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    *out = c[0];
    free(c);
    return 0;
}

/* ---- batch apply ---- */

enum {
    EV_APP,
    EV_CODE,
    EV_STAGE,
    EV_AT,
    EV_ACTOR,
    EV_COMMENT,
    MV_APP,
    MV_CODE,
    MV_STAGE,
    MV_AT,
    CT_APP,
    CT_NO,
    CT_DATE,
    DN_APP,
    DN_NEXT,
    DN_FP,
    DN_NIB,
    DN_NODAFTAR,
    DN_CHANNEL,
    DN_KODEFAC,
    DN_PATH,
    DN_REPLACE,
    DE_APP,
    DE_STAGE,
    DE_NEXT,
    RT_APP,
    RT_NEXT,
    RS_ID,
    ARR__COUNT
};

struct store_batch {
    struct pgarr a[ARR__COUNT];
    int failed;
    size_t replace; /* done entries whose observed history is replaced */
};

struct store_batch *store_batch_new(void)
{
    struct store_batch *b = calloc(1, sizeof(*b));

    if (b)
        for (int i = 0; i < ARR__COUNT; i++)
            arr_init(&b->a[i]);
    return b;
}

void store_batch_free(struct store_batch *b)
{
    if (!b)
        return;
    for (int i = 0; i < ARR__COUNT; i++)
        arr_release(&b->a[i]);
    free(b);
}

static int chk(struct store_batch *b, int rc)
{
    if (rc < 0)
        b->failed = 1;
    return rc < 0 ? -1 : 0;
}

int store_batch_event(struct store_batch *b, int64_t app_id, const char *code,
                      const char *stage, int64_t at, const char *actor,
                      const char *comment)
{
    return chk(b, arr_addi(&b->a[EV_APP], app_id) | arr_add(&b->a[EV_CODE], code) |
                      arr_add(&b->a[EV_STAGE], stage) | arr_addi(&b->a[EV_AT], at) |
                      arr_add(&b->a[EV_ACTOR], actor) |
                      arr_add(&b->a[EV_COMMENT], comment));
}

int store_batch_move(struct store_batch *b, int64_t app_id, const char *code,
                     const char *stage, int64_t at)
{
    return chk(b, arr_addi(&b->a[MV_APP], app_id) | arr_add(&b->a[MV_CODE], code) |
                      arr_add(&b->a[MV_STAGE], stage) | arr_addi(&b->a[MV_AT], at));
}

int store_batch_cert(struct store_batch *b, int64_t app_id, const char *no,
                     const char *date)
{
    return chk(b, arr_addi(&b->a[CT_APP], app_id) | arr_add(&b->a[CT_NO], no) |
                      arr_add(&b->a[CT_DATE], date));
}

int store_batch_done(struct store_batch *b, const struct store_done *d)
{
    b->replace += d->replace != 0;
    return chk(b, arr_addi(&b->a[DN_APP], d->app_id) |
                      arr_addi(&b->a[DN_NEXT], d->next_s) | arr_add(&b->a[DN_FP], d->fp) |
                      arr_add(&b->a[DN_NIB], d->nib) |
                      arr_add(&b->a[DN_NODAFTAR], d->no_daftar) |
                      arr_add(&b->a[DN_CHANNEL], d->channel_id) |
                      arr_add(&b->a[DN_KODEFAC], d->kode_fac) |
                      arr_add(&b->a[DN_PATH], d->path) |
                      arr_add(&b->a[DN_REPLACE], d->replace ? "t" : "f"));
}

int store_batch_denied(struct store_batch *b, int64_t app_id, const char *list_stage,
                       long next_s)
{
    return chk(b, arr_addi(&b->a[DE_APP], app_id) | arr_add(&b->a[DE_STAGE], list_stage) |
                      arr_addi(&b->a[DE_NEXT], next_s));
}

int store_batch_retry(struct store_batch *b, int64_t app_id, long retry_s)
{
    return chk(b, arr_addi(&b->a[RT_APP], app_id) | arr_addi(&b->a[RT_NEXT], retry_s));
}

int store_batch_resolve(struct store_batch *b, int64_t quarantine_id)
{
    return chk(b, arr_addi(&b->a[RS_ID], quarantine_id));
}

/* Runs sql with the n consecutive arrays from first as $1..$n and extra as $n+1 (may be
 * NULL for none), only when the array gate is not empty. */
static int batch_cmd(struct store *s, struct store_batch *b, int gate, const char *sql,
                     int first, int n, const char *const *extra, long *affected,
                     struct ht_err *err)
{
    const char *p[20];

    if (affected)
        *affected = 0;
    if (b->a[gate].n == 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (!(p[i] = arr_str(&b->a[first + i]))) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
    if (extra)
        p[n++] = *extra; /* (NULL: every application of the batch) */
    return store_command(s, sql, n, p, affected, err);
}

/* Locks every application the batch writes and returns (as an array literal, malloc'd)
 * those it may write: all of them without owner, else those whose lease_owner is still
 * owner. *lost counts the others. */
static char *batch_lock(struct store *s, struct store_batch *b, const char *owner,
                        long *lost, struct ht_err *err)
{
    const char *p[4];
    struct store_rows r = {0};
    char *owned = NULL;

    if (!(p[0] = arr_str(&b->a[DN_APP])) || !(p[1] = arr_str(&b->a[RT_APP])) ||
        !(p[2] = arr_str(&b->a[DE_APP]))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    p[3] = owner;
    if (store_query_rows(
            s,
            "WITH l AS (SELECT id, lease_owner FROM application"
            "           WHERE id = ANY($1::bigint[] || $2::bigint[] || $3::bigint[])"
            "           ORDER BY id FOR UPDATE)"
            " SELECT coalesce(array_agg(id) FILTER (WHERE $4::text IS NULL"
            "                   OR lease_owner = $4), '{}')::text,"
            "        count(*) FILTER (WHERE $4::text IS NOT NULL"
            "                   AND lease_owner IS DISTINCT FROM $4)"
            " FROM l",
            4, p, &r, err) < 0)
        return NULL;
    owned = xstrdup_or_null(store_rows_get(&r, 0, 0));
    *lost = strtol(store_rows_get(&r, 0, 1), NULL, 10);
    store_rows_release(&r);
    if (!owned)
        ht_err_set(err, HT_ENOMEM, "out of memory");
    return owned;
}

/* Deletes the observed events of the applications whose done entry says replace. */
static int drop_observed(struct store *s, struct store_batch *b, const char *owned,
                         struct ht_err *err)
{
    const char *p[3];

    if (b->replace == 0) /* (a full sync's batches: nothing observed to replace) */
        return 0;
    if (!(p[0] = arr_str(&b->a[DN_APP])) || !(p[1] = arr_str(&b->a[DN_REPLACE]))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    p[2] = owned;
    return store_command(s,
                         "DELETE FROM stage_event e"
                         " USING unnest($1::bigint[], $2::boolean[]) AS u(i, r)"
                         " WHERE e.application_id = u.i AND u.r AND e.source = 'observed'"
                         "   AND ($3::bigint[] IS NULL OR u.i = ANY($3::bigint[]))",
                         3, p, NULL, err);
}

/* Every tracking entry of the batch, once: (application, code, time) is unique. */
static const char events_sql[] =
    "INSERT INTO stage_event (application_id, status_code, stage, at, actor, "
    "comment)"
    " SELECT u.a, u.c, u.s, to_timestamp(u.t), u.ac, u.co"
    " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[],"
    "             $6::text[]) AS u(a, c, s, t, ac, co)"
    " WHERE ($7::bigint[] IS NULL OR u.a = ANY($7::bigint[]))"
    " ON CONFLICT (application_id, status_code, at) DO NOTHING";

/* One row version per fetched application: the stage move and the certificate
 * (subsets of the done list) are joined into the done update. The forward-only
 * test reads the target row itself (a.*), which batch_lock holds locked, so it
 * judges the current version and never a stale copy; an application whose
 * observed history is being replaced moves to upstream's latest regardless. */
static const char done_sql[] =
    "UPDATE application a SET"
    " status_code = CASE WHEN mv.i IS NOT NULL AND (u.rp OR a.stage_since IS NULL"
    "     OR to_timestamp(mv.t) > a.stage_since OR (to_timestamp(mv.t) ="
    "     a.stage_since AND a.status_code <> mv.c)) THEN mv.c ELSE a.status_code "
    "END,"
    " stage = CASE WHEN mv.i IS NOT NULL AND (u.rp OR a.stage_since IS NULL"
    "     OR to_timestamp(mv.t) > a.stage_since OR (to_timestamp(mv.t) ="
    "     a.stage_since AND a.status_code <> mv.c)) THEN mv.s ELSE a.stage END,"
    " stage_since = CASE WHEN mv.i IS NOT NULL AND (u.rp OR a.stage_since IS NULL"
    "     OR to_timestamp(mv.t) > a.stage_since OR (to_timestamp(mv.t) ="
    "     a.stage_since AND a.status_code <> mv.c)) THEN to_timestamp(mv.t)"
    "     ELSE a.stage_since END,"
    " certificate_no = CASE WHEN ct.i IS NOT NULL THEN ct.n ELSE "
    "a.certificate_no END,"
    " certificate_date = CASE WHEN ct.i IS NOT NULL THEN ct.d::date"
    "                         ELSE a.certificate_date END,"
    " lease_owner = NULL, lease_until = NULL,"
    " detail_at = now(), observed_at = now(), detail_denied_at = NULL,"
    " detail_path = coalesce(u.pa, a.detail_path),"
    " kode_fac = coalesce(a.kode_fac, u.kf),"
    " detail_needed = a.list_fingerprint IS DISTINCT FROM u.fp,"
    " next_poll_at = CASE WHEN a.list_fingerprint IS DISTINCT FROM u.fp THEN "
    "now()"
    "                     ELSE now() + make_interval(secs => u.n) END,"
    " nib = coalesce(CASE WHEN u.nib ~ '^[0-9]{13}$' THEN u.nib END, a.nib),"
    " no_daftar = coalesce(CASE WHEN u.nd ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$'"
    "                      THEN u.nd END, a.no_daftar),"
    " channel_id = coalesce(CASE WHEN u.ch ~ '^CH[0-9]{3}$' THEN u.ch END,"
    "                       a.channel_id),"
    " msme_id = (SELECT m.id FROM msme m WHERE m.nib = coalesce("
    "   CASE WHEN u.nib ~ '^[0-9]{13}$' THEN u.nib END, a.nib))"
    " FROM unnest($8::bigint[], $9::bigint[], $10::text[], $11::text[], "
    "$12::text[], $13::text[], $14::text[], $15::text[], $16::boolean[])"
    "   AS u(i, n, fp, nib, nd, ch, kf, pa, rp)"
    " LEFT JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])"
    "   AS mv(i, c, s, t) ON mv.i = u.i"
    " LEFT JOIN unnest($5::bigint[], $6::text[], $7::text[]) AS ct(i, n, d)"
    "   ON ct.i = u.i"
    " WHERE a.id = u.i AND ($17::bigint[] IS NULL OR u.i = ANY($17::bigint[]))";

/* Refused: from now on list_merge observes its changes. What the list shows and
 * the application does not have yet (all of it for a new one; a newer status
 * for one whose history stopped earlier) becomes an observed event now. */
static const char denied_sql[] =
    "WITH d AS (SELECT u.i, u.s, u.n FROM unnest($1::bigint[], $2::text[],"
    "   $3::bigint[]) AS u(i, s, n)"
    "   WHERE $4::bigint[] IS NULL OR u.i = ANY($4::bigint[])),"
    " f AS (INSERT INTO stage_event (application_id, status_code, stage, at,"
    "   source, window_from)"
    "   SELECT a.id, a.list_status, d.s, a.list_status_at, 'observed',"
    "          a.list_status_from"
    "   FROM d JOIN application a ON a.id = d.i"
    "   WHERE a.list_status IS NOT NULL AND a.list_status_at IS NOT NULL"
    "     AND d.s IS NOT NULL"
    "     AND (NOT EXISTS (SELECT 1 FROM stage_event e WHERE e.application_id = "
    "a.id)"
    "          OR (a.list_status IS DISTINCT FROM a.status_code"
    "              AND (a.stage_since IS NULL OR a.list_status_at > "
    "a.stage_since)))"
    "   ON CONFLICT (application_id, status_code, at) DO NOTHING"
    "   RETURNING application_id)"
    " UPDATE application a SET detail_denied_at = coalesce(a.detail_denied_at, "
    "now()),"
    " lease_owner = NULL, lease_until = NULL, detail_needed = false,"
    " next_poll_at = now() + make_interval(secs => d.n),"
    " status_code = CASE WHEN f.application_id IS NOT NULL THEN a.list_status"
    "                    ELSE a.status_code END,"
    " stage = CASE WHEN f.application_id IS NOT NULL THEN d.s ELSE a.stage END,"
    " stage_since = CASE WHEN f.application_id IS NOT NULL THEN a.list_status_at"
    "                    ELSE a.stage_since END"
    " FROM d LEFT JOIN f ON f.application_id = d.i WHERE a.id = d.i";

/* Failed or quarantined: due again after its interval. */
static const char retry_sql[] =
    "UPDATE application a SET lease_owner = NULL, lease_until = NULL,"
    " next_poll_at = now() + make_interval(secs => u.n)"
    " FROM unnest($1::bigint[], $2::bigint[]) AS u(i, n)"
    " WHERE a.id = u.i AND ($3::bigint[] IS NULL OR u.i = ANY($3::bigint[]))";

/* Quarantine rows a replay applied. */
static const char resolve_sql[] =
    "UPDATE quarantine SET resolved = true, replayed_at = now()"
    " WHERE id = ANY($1::bigint[])";

/* The batch's writes in the open transaction, then its commit (rolled back on failure).
 * owned: the applications it may write, NULL for all. */
static int batch_write(struct store *s, struct store_batch *b, const char *owned,
                       long *ev, struct ht_err *err)
{
    /* Upstream tracking replaces what was observed of an application whose detail has
     * become readable. */
    if (drop_observed(s, b, owned, err) < 0 ||
        batch_cmd(s, b, EV_APP, events_sql, EV_APP, 6, &owned, ev, err) < 0 ||
        batch_cmd(s, b, DN_APP, done_sql, MV_APP, 16, &owned, NULL, err) < 0 ||
        batch_cmd(s, b, DE_APP, denied_sql, DE_APP, 3, &owned, NULL, err) < 0 ||
        batch_cmd(s, b, RT_APP, retry_sql, RT_APP, 2, &owned, NULL, err) < 0 ||
        batch_cmd(s, b, RS_ID, resolve_sql, RS_ID, 1, NULL, NULL, err) < 0) {
        store_rollback(s);
        return -1;
    }
    return store_commit(s, err);
}

int store_batch_apply(struct store *s, struct store_batch *b, const char *owner,
                      long *events_inserted, long *lease_lost, struct ht_err *err)
{
    long ev = 0, lost = 0;
    char *owned = NULL;
    int rc;

    if (b->failed) {
        ht_err_set(err, HT_ENOMEM, "batch too large or out of memory");
        return -1;
    }
    if (store_begin(s, err) < 0)
        return -1;
    if (!(owned = batch_lock(s, b, owner, &lost, err))) {
        store_rollback(s);
        return -1;
    }
    rc = batch_write(s, b, owned, &ev, err);
    free(owned);
    if (rc < 0)
        return -1;
    if (events_inserted)
        *events_inserted = ev;
    if (lease_lost)
        *lease_lost = lost;
    return 0;
}

int store_batch_apply_claimed(struct store *s, struct store_batch *b,
                              long *events_inserted, struct ht_err *err)
{
    long ev = 0;

    if (b->failed) {
        ht_err_set(err, HT_ENOMEM, "batch too large or out of memory");
        store_rollback(s);
        return -1;
    }
    if (batch_write(s, b, NULL, &ev, err) < 0)
        return -1;
    if (events_inserted)
        *events_inserted = ev;
    return 0;
}

int store_quarantine_add(struct store *s, const char *source, const char *ref,
                         const char *reason, const void *raw, size_t rawlen, size_t cap,
                         int64_t upstream_at, int *added, struct ht_err *err)
{
    static const char hexd[] = "0123456789abcdef";
    size_t keep = rawlen > cap ? cap : rawlen;
    struct buf hex = BUF_INIT(2 * STORE_QUARANTINE_RAW_MAX + 1);
    char *why = NULL, *rf = xstrdup_or_null(ref);
    const unsigned char *r = raw;
    const char *p[5];
    char up[32];
    long n = 0;
    int rc = -1;

    *added = 0;
    snprintf(up, sizeof(up), "%" PRId64, upstream_at);
    if (keep > STORE_QUARANTINE_RAW_MAX)
        keep = STORE_QUARANTINE_RAW_MAX;
    if (keep < rawlen) {
        char tmp[HT_ERR_MSG_MAX + 64];
        snprintf(tmp, sizeof(tmp), "%s (first %zu of %zu bytes kept)", reason, keep,
                 rawlen);
        why = strdup(tmp);
    } else {
        why = xstrdup_or_null(reason);
    }
    if (!why || (ref && !rf))
        goto oom;
    str_scrub_controls(why);
    str_scrub_controls(rf);
    for (size_t i = 0; i < keep; i++) {
        char two[2] = {hexd[r[i] >> 4], hexd[r[i] & 15]};
        if (buf_add(&hex, two, 2) < 0)
            goto oom;
    }
    p[0] = source;
    p[1] = rf;
    p[2] = why;
    p[3] = buf_str(&hex);
    p[4] = upstream_at > 0 ? up : NULL;
    if (store_command(s,
                      "INSERT INTO quarantine (source, ref, reason, raw, upstream_at)"
                      " VALUES ($1, $2, $3, decode($4, 'hex'), to_timestamp($5::bigint))"
                      " ON CONFLICT (source, (coalesce(ref, '')), (md5(raw)), reason)"
                      "   WHERE NOT resolved DO NOTHING",
                      5, p, &n, err) < 0)
        goto out;
    *added = n > 0;
    rc = 0;
    goto out;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
out:
    buf_release(&hex);
    free(why);
    free(rf);
    return rc;
}

/* ---- budget ---- */

int store_budget_init(struct store *s, const char *name, double capacity, double rate,
                      struct ht_err *err)
{
    char c[64], r[64];
    const char *p[3] = {name, c, r};

    snprintf(c, sizeof(c), "%.6f", capacity);
    snprintf(r, sizeof(r), "%.6f", rate);
    return store_command(s,
                         "INSERT INTO rate_budget (name, capacity, refill_rate, tokens)"
                         " VALUES ($1, $2, $3, $2)"
                         " ON CONFLICT (name) DO UPDATE SET capacity = EXCLUDED.capacity,"
                         "  refill_rate = EXCLUDED.refill_rate,"
                         "  tokens = least(rate_budget.tokens, EXCLUDED.capacity)",
                         3, p, NULL, err);
}

int store_budget_take(struct store *s, const char *name, int want, const char *daemon,
                      int *granted, struct ht_err *err)
{
    char w[32], *v = NULL;
    const char *p[3] = {name, w, daemon};
    int rc;

    *granted = 0;
    snprintf(w, sizeof(w), "%d", want);
    rc = store_query_value(s, "SELECT budget_take($1, $2, $3)", 3, p, &v, err);
    if (rc < 0)
        return -1;
    *granted = v ? (int)strtol(v, NULL, 10) : 0;
    free(v);
    return 0;
}

int store_sync_set_state(struct store *s, const char *key, const char *value,
                         struct ht_err *err)
{
    const char *p[2] = {key, value};

    /* "now" stores the database's clock as the value. */
    return store_command(
        s,
        "INSERT INTO sync_state (key, value, updated_at)"
        " VALUES ($1, CASE WHEN $2 = 'now' THEN to_char(now() AT TIME ZONE 'UTC',"
        "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') ELSE $2 END, now())"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
        "  updated_at = EXCLUDED.updated_at",
        2, p, NULL, err);
}

int store_sync_gauges(struct store *s, const char *budget, struct sync_gauges *g,
                      struct ht_err *err)
{
    const char *p[1] = {budget};
    struct store_rows r = {0};
    const char *v;

    memset(g, 0, sizeof(*g));
    if (store_query_rows(
            s,
            "SELECT (SELECT count(*) FROM application),"
            " (SELECT count(*) FROM quarantine WHERE NOT resolved),"
            " (SELECT extract(epoch FROM min(observed_at)) FROM v_application),"
            " (SELECT tokens FROM rate_budget WHERE name = $1),"
            " (SELECT granted FROM rate_budget WHERE name = $1)",
            1, p, &r, err) < 0)
        return -1;
    g->applications = strtol(store_rows_get(&r, 0, 0), NULL, 10);
    g->quarantine_open = strtol(store_rows_get(&r, 0, 1), NULL, 10);
    v = store_rows_get(&r, 0, 2);
    g->oldest_observed = v ? strtod(v, NULL) : 0;
    v = store_rows_get(&r, 0, 3);
    g->budget_tokens = v ? strtod(v, NULL) : 0;
    v = store_rows_get(&r, 0, 4);
    g->budget_granted = v ? strtol(v, NULL, 10) : 0;
    store_rows_release(&r);
    return 0;
}

static int unhex(const char *h, char **out, size_t *len)
{
    size_t n = strlen(h) / 2;
    char *b = malloc(n + 1);

    if (!b)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[2 * i + (size_t)k];
            v = v * 16 + (unsigned)(c >= 'a'   ? c - 'a' + 10
                                    : c >= 'A' ? c - 'A' + 10
                                               : c - '0');
        }
        b[i] = (char)v;
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return 0;
}

int store_quarantine_open(struct store *s, const char *source, long limit,
                          struct store_qrow **out, size_t *n, struct ht_err *err)
{
    char lim[32];
    const char *p[2] = {source, lim};
    struct store_rows r = {0};
    struct store_qrow *q;

    *out = NULL;
    *n = 0;
    snprintf(lim, sizeof(lim), "%ld", limit);
    if (store_query_rows(
            s,
            "SELECT id, source, ref, reason,"
            " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            " encode(raw, 'hex'), extract(epoch FROM created_at)::bigint,"
            " extract(epoch FROM upstream_at)::bigint FROM quarantine"
            " WHERE NOT resolved AND ($1::text IS NULL OR source = $1)"
            " ORDER BY id LIMIT $2",
            2, p, &r, err) < 0)
        return -1;
    q = calloc((size_t)r.nrows + 1, sizeof(*q));
    if (!q)
        goto oom;
    for (int i = 0; i < r.nrows; i++) {
        q[i].id = strtoll(store_rows_get(&r, i, 0), NULL, 10);
        q[i].source = xstrdup_or_null(store_rows_get(&r, i, 1));
        q[i].ref = str_scrub_controls(xstrdup_or_null(store_rows_get(&r, i, 2)));
        q[i].reason = str_scrub_controls(xstrdup_or_null(store_rows_get(&r, i, 3)));
        q[i].created_at = xstrdup_or_null(store_rows_get(&r, i, 4));
        q[i].created_epoch = strtoll(store_rows_get(&r, i, 6), NULL, 10);
        if (store_rows_get(&r, i, 7))
            q[i].upstream_epoch = strtoll(store_rows_get(&r, i, 7), NULL, 10);
        if (unhex(store_rows_get(&r, i, 5), &q[i].raw, &q[i].rawlen) < 0) {
            store_qrows_free(q, (size_t)r.nrows);
            goto oom;
        }
    }
    *out = q;
    *n = (size_t)r.nrows;
    store_rows_release(&r);
    return 0;
oom:
    store_rows_release(&r);
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

void store_qrows_free(struct store_qrow *q, size_t n)
{
    if (!q)
        return;
    for (size_t i = 0; i < n; i++) {
        free(q[i].source);
        free(q[i].ref);
        free(q[i].reason);
        free(q[i].created_at);
        free(q[i].raw);
    }
    free(q);
}

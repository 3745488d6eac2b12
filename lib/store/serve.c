/* Bearer tokens, the per-request scope and the change feed in the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_serve.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int store_token_issue(struct store *s, const char *name, const char *scope_kind,
                      const char *kecamatan, const char *token_hash, long *id,
                      struct ht_err *err)
{
    const char *p[4] = {name, scope_kind, kecamatan, token_hash};
    char *v = NULL;
    int q;

    *id = 0;
    if (kecamatan) {
        q = store_query_value(
            s, "SELECT code FROM region WHERE code = $1 AND level = 'kecamatan'", 1,
            p + 2, &v, err);
        free(v);
        v = NULL;
        if (q < 0)
            return -1;
        if (q == 1) {
            ht_err_set(err, HT_ENOTFOUND, _("'%s' is not a kecamatan code"), kecamatan);
            return -1;
        }
    }
    q = store_query_value(s,
                          "INSERT INTO api_token (name, scope_kind, kecamatan_code,"
                          " token_hash) VALUES ($1, $2, $3, $4)"
                          " ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING"
                          " RETURNING id",
                          4, p, &v, err);
    if (q < 0)
        return -1;
    if (q == 1) {
        ht_err_set(
            err, HT_ECONFLICT,
            _("a token named '%s' is active: revoke it first or choose another name"),
            name);
        return -1;
    }
    *id = v ? strtol(v, NULL, 10) : 0;
    free(v);
    return 0;
}

void store_tokens_free(struct store_token *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].name), free(t[i].scope_kind), free(t[i].kecamatan_code);
        free(t[i].kecamatan_name), free(t[i].created_at), free(t[i].last_used_at);
        free(t[i].revoked_at);
    }
    free(t);
}

/* Live tokens first, newest first; timestamps as ISO 8601 text. */
/* (clang-format cannot lay out string literals around a macro) */
// clang-format off
static const char token_list_sql[] =
    "SELECT t.id, t.name, t.scope_kind, t.kecamatan_code, g.name, "
    ISO("t.created_at") ", " ISO("t.last_used_at") ", " ISO("t.revoked_at")
    " FROM api_token t LEFT JOIN region g ON g.code = t.kecamatan_code"
    " ORDER BY t.revoked_at IS NOT NULL, t.id DESC";
// clang-format on

int store_token_list(struct store *s, struct store_token **out, size_t *n,
                     struct ht_err *err)
{
    struct store_rows r = {0};

    *out = NULL;
    *n = 0;
    if (store_query_array(s, token_list_sql, 0, NULL, &r, sizeof(**out), (void **)out,
                          err) < 0)
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        struct store_token *t = &(*out)[(*n)++];

        t->id = strtol(store_rows_get(&r, i, 0), NULL, 10);
        t->name = xstrdup_or_null(store_rows_get(&r, i, 1));
        t->scope_kind = xstrdup_or_null(store_rows_get(&r, i, 2));
        t->kecamatan_code = xstrdup_or_null(store_rows_get(&r, i, 3));
        t->kecamatan_name = xstrdup_or_null(store_rows_get(&r, i, 4));
        t->created_at = xstrdup_or_null(store_rows_get(&r, i, 5));
        t->last_used_at = xstrdup_or_null(store_rows_get(&r, i, 6));
        t->revoked_at = xstrdup_or_null(store_rows_get(&r, i, 7));
    }
    store_rows_release(&r);
    return 0;
}

int store_token_revoke(struct store *s, const char *name_or_id, struct ht_err *err)
{
    const char *p[1] = {name_or_id};
    long n = 0;

    if (store_command(s,
                      "UPDATE api_token SET revoked_at = now()"
                      " WHERE revoked_at IS NULL AND (name = $1 OR id::text = $1)",
                      1, p, &n, err) < 0)
        return -1;
    return n == 0 ? 1 : 0;
}

int store_request_begin(struct store *s, const char *token_hash,
                        struct store_request_scope *out, struct ht_err *err)
{
    const char *p[1] = {token_hash};
    struct store_rows r = {0};

    memset(out, 0, sizeof(*out));
    if (store_begin(s, err) < 0)
        return -1;
    if (store_exec(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", err) < 0 ||
        store_query_rows(
            s, "SELECT name, scope_kind, kecamatan_code FROM api_request_begin($1)", 1, p,
            &r, err) < 0) {
        store_rollback(s);
        return -1;
    }
    if (r.nrows != 1) {
        store_rows_release(&r);
        store_rollback(s);
        return 1;
    }
    snprintf(out->name, sizeof(out->name), "%s", store_rows_get(&r, 0, 0));
    snprintf(out->kind, sizeof(out->kind), "%s", store_rows_get(&r, 0, 1));
    if (store_rows_get(&r, 0, 2))
        snprintf(out->kecamatan, sizeof(out->kecamatan), "%s", store_rows_get(&r, 0, 2));
    store_rows_release(&r);
    return 0;
}

int store_changes(struct store *s, long long since, int limit, struct store_rows *out,
                  struct ht_err *err)
{
    char a[32], b[16];
    const char *p[2] = {a, b};

    if (limit < 1)
        limit = 1;
    if (limit > STORE_CHANGES_MAX)
        limit = STORE_CHANGES_MAX;
    snprintf(a, sizeof(a), "%lld", since);
    snprintf(b, sizeof(b), "%d", limit);
    return store_query_rows(
        s,
        "SELECT c.seq, c.kind, c.op, " ISO(
            "c.created_at") ","
                            " a.id_reg, a.no_daftar, a.nib, a.nama_pu, a.channel_id, "
                            "a.status_code, a.stage,"
                            " " ISO("a.stage_since") ", " ISO(
                                "a.tgl_daftar") ", a.certificate_no,"
                                                " a.certificate_date::text, "
                                                "a.certificate_expiry::text, " ISO(
                                                    "a.missing_since") ","
                                                                       " e.status_code, "
                                                                       "e.stage, " ISO(
                                                                           "e"
                                                                           "."
                                                                           "a"
                                                                           "t") ", " ISO("e.observed_"
                                                                                         "at") " FROM "
                                                                                               "change_"
                                                                                               "log c "
                                                                                               "JOIN "
                                                                                               "applica"
                                                                                               "tion a "
                                                                                               "ON "
                                                                                               "a.id = "
                                                                                               "c."
                                                                                               "applica"
                                                                                               "tion_id"
                                                                                               " LEFT "
                                                                                               "JOIN "
                                                                                               "stage_"
                                                                                               "event "
                                                                                               "e ON "
                                                                                               "c.kind "
                                                                                               "= "
                                                                                               "'stage_"
                                                                                               "event' "
                                                                                               "AND "
                                                                                               "e.id = "
                                                                                               "c.ref_"
                                                                                               "id"
                                                                                               " WHERE "
                                                                                               "c.seq "
                                                                                               "> "
                                                                                               "$1::"
                                                                                               "bigint "
                                                                                               "ORDER "
                                                                                               "BY "
                                                                                               "c.seq "
                                                                                               "LIMIT "
                                                                                               "$2::"
                                                                                               "int",
        2, p, out, err);
}

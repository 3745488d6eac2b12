/* What halaltrack-serve and `halaltrack token` need of the database: bearer tokens, the
 * per-request scope that row-level security enforces, and the change feed. */
#ifndef HALALTRACK_STORE_SERVE_H
#define HALALTRACK_STORE_SERVE_H

#include <stddef.h>
#include "halaltrack/store.h"

/* ---- tokens (the owner role: `halaltrack token`) ---- */
struct store_token {
    long id;
    char *name, *scope_kind, *kecamatan_code, *kecamatan_name;
    char *created_at, *last_used_at, *revoked_at; /* UTC ISO 8601, NULL when not */
};
/* Records a token by its hash with scope "kota" (kecamatan NULL) or "kecamatan" (a
 * kecamatan code that must exist). Returns 0 with *id, -1 (a bad scope, an active token
 * of that name: err says which). */
int store_token_issue(struct store *s, const char *name, const char *scope_kind,
                      const char *kecamatan, const char *token_hash, long *id,
                      struct ht_err *err) HT_MUSTCHECK;
/* Every token, newest first (revoked ones too). */
int store_token_list(struct store *s, struct store_token **out, size_t *n,
                     struct ht_err *err) HT_MUSTCHECK;
void store_tokens_free(struct store_token *t, size_t n);
/* Revokes the active token with that name or numeric id. Returns 0, 1 when there is none,
 * -1 on error. */
int store_token_revoke(struct store *s, const char *name_or_id,
                       struct ht_err *err) HT_MUSTCHECK;

/* ---- one request of the service ---- */
struct store_request_scope {
    char name[64];      /* the token's name */
    char kind[16];      /* "kota" | "kecamatan" */
    char kecamatan[16]; /* the code, for a kecamatan scope */
};
/* Opens a REPEATABLE READ transaction and gives it the scope of the token whose hash is
 * token_hash (api_request_begin): row-level security then shows this transaction what
 * the token may see, and nothing once it ends. Returns 0 with the transaction open (end
 * it with store_commit or store_rollback), 1 for no such active token (no transaction),
 * -1 on error (no transaction). */
int store_request_begin(struct store *s, const char *token_hash,
                        struct store_request_scope *out, struct ht_err *err) HT_MUSTCHECK;

/* ---- the change feed ---- */
#define STORE_CHANGES_MAX 1000
/* Up to limit (1..STORE_CHANGES_MAX) entries of the change log after seq since, as the
 * session may see them, in seq order. Columns, in this order: seq, kind ("application" |
 * "stage_event"), op ("insert" | "update"), logged_at; the application's id_reg,
 * no_daftar, nib, nama_pu, channel_id, status_code, stage, stage_since, tgl_daftar,
 * certificate_no, certificate_date, certificate_expiry, missing_since; the event's
 * status_code, stage, at, observed_at (NULL for application entries). Times are UTC ISO
 * 8601. Returns 0 or -1. */
int store_changes(struct store *s, long long since, int limit, struct store_rows *out,
                  struct ht_err *err) HT_MUSTCHECK;

#endif

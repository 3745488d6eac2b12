/* MSME self-service in the database: access codes, attempts, verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/store_selfservice.h"
#include "halaltrack/banned.h"

int store_set_access_code(struct store *s, const char *nib, const char *salt,
                          const char *kdf, const char *verifier, struct ht_err *err)
{
    const char *p[4] = {nib, salt, kdf, verifier};
    long n = 0;

    if (store_begin(s, err) < 0)
        return -1;
    if (store_command(s,
                      "INSERT INTO msme_access_code (nib, salt, kdf, verifier)"
                      " SELECT m.nib, $2, $3, $4 FROM msme m WHERE m.nib = $1"
                      " ON CONFLICT (nib) DO UPDATE SET salt = EXCLUDED.salt,"
                      " kdf = EXCLUDED.kdf, verifier = EXCLUDED.verifier,"
                      " issued_at = now()",
                      4, p, &n, err) < 0 ||
        store_command(
            s,
            "DELETE FROM self_service_attempt WHERE subject_key ="
            " encode(sha256(convert_to('halaltrack-nib:' || $1, 'UTF8')), 'hex')",
            1, p, NULL, err) < 0 ||
        store_commit(s, err) < 0) {
        store_rollback(s);
        return -1;
    }
    return n == 0 ? 1 : 0;
}

static void copy_cell(char *dst, size_t n, const char *v)
{
    snprintf(dst, n, "%s", v ? v : "");
}

int store_ss_begin(struct store *s, const char *nib, const char *client, const char *kdf,
                   struct store_ss_attempt *out, struct ht_err *err)
{
    const char *p[3] = {nib, client, kdf};
    struct store_rows r = {0};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (s->in_tx) {
        ht_err_set(err, HT_EINVAL,
                   "a self-service attempt must not run in a transaction");
        return -1;
    }
    if (store_query_rows(s,
                         "SELECT ticket, retry_after, salt, kdf"
                         " FROM self_service_begin($1, $2, $3)",
                         3, p, &r, err) < 0)
        return -1;
    if (r.nrows != 1) {
        ht_err_set(err, HT_EDB, "self_service_begin answered %d rows", r.nrows);
        goto out;
    }
    if (store_rows_get(&r, 0, 0)) {
        copy_cell(out->ticket, sizeof(out->ticket), store_rows_get(&r, 0, 0));
        copy_cell(out->salt, sizeof(out->salt), store_rows_get(&r, 0, 2));
        copy_cell(out->kdf, sizeof(out->kdf), store_rows_get(&r, 0, 3));
        rc = 0;
    } else {
        out->retry_after = (int)strtol(store_rows_get(&r, 0, 1), NULL, 10);
        if (out->retry_after < 1)
            out->retry_after = 1;
        rc = 1;
    }
out:
    store_rows_release(&r);
    return rc;
}

int store_ss_verify(struct store *s, const char *ticket, const char *proof,
                    const char *new_salt, const char *new_kdf, const char *new_verifier,
                    struct ht_err *err)
{
    const char *p[5] = {ticket, proof, new_salt, new_kdf, new_verifier};
    char *nib = NULL;
    int q = store_query_value(s, "SELECT self_service_verify($1, $2, $3, $4, $5)", 5, p,
                              &nib, err);

    if (q < 0)
        return -1;
    q = nib ? 0 : 1;
    free(nib);
    return q;
}

/* The proof of code under the attempt's salt and kdf, and for a code of kdf "sha256" the
 * verifier of the same code under kdf with a new salt. Zeroes what it does not return. */
static int proofs(const struct selfservice_pepper *pepper, const char *kdf,
                  const char *code, const struct store_ss_attempt *a,
                  char proof[static SELFSERVICE_HEX],
                  char new_salt[static SELFSERVICE_SALT_HEX],
                  char new_verifier[static SELFSERVICE_HEX], struct ht_err *err)
{
    char norm[SELFSERVICE_CODE_NORM], np[SELFSERVICE_HEX];
    int rc = -1;

    new_salt[0] = new_verifier[0] = '\0';
    selfservice_normalize(code, norm);
    if (selfservice_proof(pepper, norm, a->salt, a->kdf, proof, err) < 0)
        goto out;
    if (strcmp(a->kdf, "sha256") == 0 &&
        (selfservice_make_salt(new_salt) < 0 ||
         selfservice_proof(pepper, norm, new_salt, kdf, np, err) < 0 ||
         selfservice_verifier(np, new_verifier) < 0)) {
        ht_err_set(err, HT_EINVAL, "cannot re-hash an access code");
        goto out;
    }
    rc = 0;
out:
    explicit_bzero(norm, sizeof(norm));
    explicit_bzero(np, sizeof(np));
    return rc;
}

int store_ss_lookup(struct store *s, const struct selfservice_pepper *pepper,
                    const char *kdf, const char *nib, const char *code,
                    const char *client, const struct selfservice_gate *gate,
                    int *retry_after, struct ht_err *err)
{
    struct store_ss_attempt a;
    char proof[SELFSERVICE_HEX], new_salt[SELFSERVICE_SALT_HEX],
        new_verifier[SELFSERVICE_HEX];
    int q, rc = -1;

    *retry_after = 0;
    q = store_ss_begin(s, nib, client, kdf, &a, err);
    if (q < 0)
        return -1;
    if (q == 1) {
        *retry_after = a.retry_after;
        return STORE_SS_THROTTLED;
    }
    if (gate && gate->enter)
        gate->enter(gate->arg);
    q = proofs(pepper, kdf, code, &a, proof, new_salt, new_verifier, err);
    if (gate && gate->leave)
        gate->leave(gate->arg);
    if (q < 0)
        goto out;
    if (store_begin(s, err) < 0)
        goto out;
    q = store_ss_verify(s, a.ticket, proof, new_salt[0] ? new_salt : NULL,
                        new_salt[0] ? kdf : NULL, new_salt[0] ? new_verifier : NULL, err);
    if (q < 0) {
        store_rollback(s);
        goto out;
    }
    if (q == 1) {
        /* The ticket is used up whatever the answer: commit that. */
        if (store_commit(s, err) < 0)
            goto out;
        rc = STORE_SS_WRONG;
        goto out;
    }
    rc = STORE_SS_RIGHT;
out:
    explicit_bzero(proof, sizeof(proof));
    explicit_bzero(new_verifier, sizeof(new_verifier));
    return rc;
}

/* MSME self-service access codes: the code, the keyed slow hash, the pepper file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/hash.h"
#include "halaltrack/i18n.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* No 0/O, 1/I/L: codes are read aloud and typed on phones. */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static int fill_random(unsigned char *p, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

int selfservice_make_code(char out[static SELFSERVICE_CODE_TEXT])
{
    size_t alpha = sizeof(code_alphabet) - 1;
    size_t i = 0;

    while (i < 8) {
        unsigned char b;
        if (fill_random(&b, 1) < 0)
            return -1;
        if (b >= 256 - 256 % alpha) /* rejection sampling: no modulo bias */
            continue;
        out[i < 4 ? i : i + 1] = code_alphabet[b % alpha];
        i++;
    }
    out[4] = '-';
    out[9] = '\0';
    return 0;
}

int selfservice_make_salt(char out[static SELFSERVICE_SALT_HEX])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];

    if (fill_random(b, sizeof(b)) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(b); i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[32] = '\0';
    return 0;
}

void selfservice_normalize(const char *typed, char out[static SELFSERVICE_CODE_NORM])
{
    size_t n = 0;

    for (const char *p = typed ? typed : ""; *p && n < SELFSERVICE_CODE_NORM - 1; p++) {
        char c = *p;

        if (c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        out[n++] = c;
    }
    out[n] = '\0';
}

int selfservice_pepper_load(struct selfservice_pepper *p, const char *path,
                            struct ht_err *err)
{
    char line[SELFSERVICE_PEPPER_MAX + 2];
    struct stat st;
    FILE *fp = NULL;
    size_t n;
    int rc = -1;

    memset(p, 0, sizeof(*p));
    if (!path || !*path) {
        ht_err_set(err, HT_ECONFIG, "%s", _("no pepper file is configured"));
        return -1;
    }
    if (!(fp = fopen(path, "r"))) {
        ht_err_set(err, HT_ECONFIG, _("pepper file '%s': %s"), path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        ht_err_set(err, HT_ECONFIG, _("pepper file '%s': not a regular file"), path);
        goto out;
    }
    if (st.st_mode & S_IRWXO) {
        ht_err_set(
            err, HT_ECONFIG,
            _("pepper file '%s' is readable by others (mode %03o); run chmod o-rwx "
              "on it"),
            path, (unsigned)(st.st_mode & 0777));
        goto out;
    }
    if (!fgets(line, sizeof(line), fp))
        line[0] = '\0';
    n = strcspn(line, "\r\n");
    if (n < SELFSERVICE_PEPPER_MIN || n > SELFSERVICE_PEPPER_MAX) {
        ht_err_set(err, HT_ECONFIG,
                   _("pepper file '%s': the first line must hold %d to %d characters"),
                   path, SELFSERVICE_PEPPER_MIN, SELFSERVICE_PEPPER_MAX);
        goto out;
    }
    memcpy(p->key, line, n);
    p->len = n;
    rc = 0;
out:
    explicit_bzero(line, sizeof(line));
    fclose(fp);
    return rc;
}

void selfservice_pepper_clear(struct selfservice_pepper *p)
{
    explicit_bzero(p, sizeof(*p));
}

/* "scrypt:N:r:p" into its numbers; 0 when valid. */
static int kdf_parse(const char *kdf, struct hash_scrypt_cost *c)
{
    unsigned long long n;
    unsigned r, p;
    char tail;

    if (!kdf || strncmp(kdf, "scrypt:", 7) != 0 ||
        sscanf(kdf + 7, "%llu:%u:%u%c", &n, &r, &p, &tail) != 3)
        return -1;
    if (n < 1024 || n > (1u << 20) || (n & (n - 1)) != 0 || r < 1 || r > 32 || p < 1 ||
        p > 16)
        return -1;
    c->n = n;
    c->r = r;
    c->p = p;
    return 0;
}

int selfservice_kdf_valid(const char *kdf)
{
    struct hash_scrypt_cost c;

    return kdf_parse(kdf, &c) == 0;
}

int selfservice_proof(const struct selfservice_pepper *p, const char *code_norm,
                      const char *salt_hex, const char *kdf,
                      char out[static SELFSERVICE_HEX], struct ht_err *err)
{
    static const char domain[] = "halaltrack-access-code:";
    char msg[sizeof(domain) + SELFSERVICE_CODE_NORM];
    char secret[HASH_SHA256_HEX];
    struct hash_scrypt_cost cost;
    int rc = -1;

    out[0] = '\0';
    if (kdf && strcmp(kdf, "sha256") == 0) {
        /* Codes issued before the keyed hash: SHA-256(salt ":" CODE). */
        char legacy[SELFSERVICE_SALT_HEX * 4 + SELFSERVICE_CODE_NORM + 2];
        int n = snprintf(legacy, sizeof(legacy), "%s:%s", salt_hex, code_norm);

        if (n < 0 || (size_t)n >= sizeof(legacy) ||
            hash_sha256_hex(legacy, (size_t)n, out) < 0) {
            ht_err_set(err, HT_EINVAL, "cannot hash an access code under kdf 'sha256'");
            rc = -1;
        } else {
            rc = 0;
        }
        explicit_bzero(legacy, sizeof(legacy));
        return rc;
    }
    if (kdf_parse(kdf, &cost) < 0) {
        ht_err_set(err, HT_EINVAL, "unknown access-code kdf '%s'", kdf ? kdf : "");
        return -1;
    }
    snprintf(msg, sizeof(msg), "%s%s", domain, code_norm);
    if (hash_hmac_sha256_hex(p->key, p->len, msg, strlen(msg), secret) < 0 ||
        hash_scrypt_hex(secret, strlen(secret), salt_hex, strlen(salt_hex), &cost, 32,
                        out, SELFSERVICE_HEX) < 0) {
        ht_err_set(err, HT_EINVAL, "cannot hash an access code under kdf '%s'", kdf);
        out[0] = '\0';
    } else {
        rc = 0;
    }
    explicit_bzero(msg, sizeof(msg));
    explicit_bzero(secret, sizeof(secret));
    return rc;
}

int selfservice_verifier(const char *proof, char out[static SELFSERVICE_HEX])
{
    return hash_sha256_hex(proof, strlen(proof), out);
}

/* SHA-256, HMAC-SHA-256 and scrypt through OpenSSL's libcrypto (EVP), hex-encoded. */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "halaltrack/hash.h"
#include "halaltrack/banned.h"

static void to_hex(const unsigned char *v, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[v[i] >> 4];
        out[2 * i + 1] = hex[v[i] & 15];
    }
    out[2 * n] = '\0';
}

int hash_sha256_hex(const void *data, size_t n, char out[static HASH_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    out[0] = '\0';
    if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return -1;
    to_hex(md, len, out);
    return 0;
}

int hash_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
                         char out[static HASH_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    out[0] = '\0';
    if (keylen > (size_t)0x7fffffff ||
        !HMAC(EVP_sha256(), key, (int)keylen, data, n, md, &len) || len != 32)
        return -1;
    to_hex(md, len, out);
    return 0;
}

int hash_scrypt_hex(const void *secret, size_t secretlen, const void *salt,
                    size_t saltlen, const struct hash_scrypt_cost *cost, size_t dklen,
                    char *out, size_t outsz)
{
    unsigned char key[256];
    /* Room for 128 * r * N bytes of working memory and the p blocks, with slack. */
    uint64_t maxmem = 128u * (uint64_t)cost->r * (cost->n + (uint64_t)cost->p + 2) + 4096;
    int rc;

    if (dklen == 0 || dklen > sizeof(key) || outsz < 2 * dklen + 1 || cost->n < 2 ||
        (cost->n & (cost->n - 1)) != 0 || cost->r == 0 || cost->p == 0)
        return -1;
    rc = EVP_PBE_scrypt(secret, secretlen, salt, saltlen, cost->n, cost->r, cost->p,
                        maxmem, key, dklen);
    if (rc != 1)
        return -1;
    to_hex(key, dklen, out);
    memset(key, 0, sizeof(key));
    return 0;
}

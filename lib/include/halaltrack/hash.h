/* Hashes, all from OpenSSL's libcrypto (the one module that includes its headers):
 * SHA-256 for content fingerprints (the weekly report's totals hash), HMAC-SHA-256 for
 * keyed hashes and scrypt (RFC 7914) for secrets a person chose or was given, such as
 * self-service access codes. Outputs are lowercase hex. */
#ifndef HALALTRACK_HASH_H
#define HALALTRACK_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"

#define HASH_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* SHA-256 of n bytes. Returns 0, or -1 when libcrypto fails (out is then ""). */
int hash_sha256_hex(const void *data, size_t n, char out[static HASH_SHA256_HEX]);
/* HMAC-SHA-256 of n bytes under key. Returns 0 or -1. */
int hash_hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
                         char out[static HASH_SHA256_HEX]);

/* scrypt cost parameters (RFC 7914): N a power of two > 1, r, p. */
struct hash_scrypt_cost {
    uint64_t n;
    uint32_t r, p;
};
/* The least cost for secrets: N = 2^17, r = 8, p = 1 (128 MiB of memory), the minimum
 * the OWASP Password Storage Cheat Sheet gives for scrypt. */
#define HASH_SCRYPT_DEFAULT                                                              \
    {                                                                                    \
        131072u, 8u, 1u                                                                  \
    }

/* scrypt of the secret with salt, dklen bytes as hex into out (outsz >= 2 * dklen + 1).
 * Returns 0, or -1 for bad parameters or when libcrypto fails. */
int hash_scrypt_hex(const void *secret, size_t secretlen, const void *salt,
                    size_t saltlen, const struct hash_scrypt_cost *cost, size_t dklen,
                    char *out, size_t outsz) HT_MUSTCHECK;

#endif

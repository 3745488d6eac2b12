/* SHA-256 (FIPS 180-4), small and pure: hashes of report totals without OpenSSL. */
#ifndef HALALTRACK_SHA256_H
#define HALALTRACK_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    unsigned char blk[64];
    size_t nblk; /* bytes waiting in blk */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Writes the 32-byte digest; c must be initialised again before reuse. */
void sha256_final(struct sha256 *c, unsigned char out[32]);
/* One-shot digest of data as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);

#endif

/* MSME self-service access codes (issue 10 item 6): making a code, the keyed slow hash
 * the service and the CLI compute in C (the code never reaches SQL), and the pepper file
 * that keys it (the database never sees the pepper).
 *
 *   secret   = HMAC-SHA-256(pepper, "halaltrack-access-code:" || CODE) as hex
 *   proof    = scrypt(secret, salt, N, r, p), 32 bytes as hex      (kdf "scrypt:N:r:p")
 *   verifier = SHA-256(proof) as hex: what msme_access_code keeps
 * CODE is the code normalised: letters upper-cased, '-' and spaces dropped. Codes issued
 * before (kdf "sha256") have proof = verifier = SHA-256(salt ":" CODE). */
#ifndef HALALTRACK_SELFSERVICE_H
#define HALALTRACK_SELFSERVICE_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* scrypt with N = 2^14, r = 8, p = 1: 16 MiB and about 50 ms of one core per lookup (an
 * unknown NIB costs the same). Keyed with the pepper, a copy of the database alone gives
 * nothing to guess against; with the pepper too, each of the 31^8 codes costs that. */
#define SELFSERVICE_KDF_DEFAULT "scrypt:16384:8:1"
#define SELFSERVICE_KDF_MAX 48
#define SELFSERVICE_HEX 65       /* a 32-byte value as hex, with the NUL */
#define SELFSERVICE_CODE_TEXT 10 /* "ABCD-2345" and the NUL */
#define SELFSERVICE_CODE_NORM                                                            \
    33                             /* a normalised code as typed (at most 32 characters) \
                                    */
#define SELFSERVICE_SALT_HEX 33    /* 16 random bytes as hex, with the NUL */
#define SELFSERVICE_PEPPER_MIN 32  /* bytes */
#define SELFSERVICE_PEPPER_MAX 256 /* bytes */

/* A new code "XXXX-XXXX" from an alphabet without 0/O and 1/I/L (codes are read aloud and
 * typed on phones), unbiased, from getrandom(). Returns 0 or -1. */
int selfservice_make_code(char out[static SELFSERVICE_CODE_TEXT]) HT_MUSTCHECK;
/* 16 random bytes as hex. Returns 0 or -1. */
int selfservice_make_salt(char out[static SELFSERVICE_SALT_HEX]) HT_MUSTCHECK;
/* The code as it is hashed: letters upper-cased, '-' and white space dropped, at most 32
 * characters kept (a longer input is cut: it cannot be right anyway). Never fails. */
void selfservice_normalize(const char *typed, char out[static SELFSERVICE_CODE_NORM]);

/* The pepper (the key of the HMAC), read from the first line of a file that must be a
 * regular file not readable by others (mode o-rwx), SELFSERVICE_PEPPER_MIN to _MAX bytes.
 */
struct selfservice_pepper {
    unsigned char key[SELFSERVICE_PEPPER_MAX];
    size_t len;
};
/* Loads path into p. Errors name the file and what is wrong, never the content. Returns
 * 0 or -1. */
int selfservice_pepper_load(struct selfservice_pepper *p, const char *path,
                            struct ht_err *err) HT_MUSTCHECK;
/* Zeroes the key. */
void selfservice_pepper_clear(struct selfservice_pepper *p);

/* The proof for a normalised code under kdf ("scrypt:N:r:p" or "sha256") and salt (hex).
 * Returns 0, or -1 for a kdf it does not know or bad parameters (err says which). */
int selfservice_proof(const struct selfservice_pepper *p, const char *code_norm,
                      const char *salt_hex, const char *kdf,
                      char out[static SELFSERVICE_HEX], struct ht_err *err) HT_MUSTCHECK;
/* The verifier kept for a proof: SHA-256 of its text. Returns 0 or -1. */
int selfservice_verifier(const char *proof,
                         char out[static SELFSERVICE_HEX]) HT_MUSTCHECK;
/* True when kdf is "scrypt:N:r:p" with N a power of two in [2^10, 2^20], r in [1, 32],
 * p in [1, 16] (what selfservice_proof accepts). */
int selfservice_kdf_valid(const char *kdf);

#endif

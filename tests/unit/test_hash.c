/* Hashes through libcrypto: SHA-256 against the FIPS 180-4 / NIST example vectors,
 * HMAC-SHA-256 against RFC 4231, scrypt against RFC 7914. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/hash.h"

TestSuite(hash);

static void sha(const char *msg, size_t n, const char *want)
{
    char got[HASH_SHA256_HEX];

    cr_assert_eq(hash_sha256_hex(msg, n, got), 0);
    cr_assert_str_eq(got, want);
}

Test(hash, sha256_nist_vectors)
{
    sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(hash, sha256_of_a_million_a)
{
    char *m = malloc(1000000);

    cr_assert(m);
    memset(m, 'a', 1000000);
    sha(m, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
}

Test(hash, hmac_sha256_rfc4231)
{
    char got[HASH_SHA256_HEX];
    unsigned char key[20];

    /* Test case 2: a key shorter than the block. */
    cr_assert_eq(hash_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, got),
                 0);
    cr_assert_str_eq(got,
                     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* Test case 1: twenty 0x0b bytes. */
    memset(key, 0x0b, sizeof(key));
    cr_assert_eq(hash_hmac_sha256_hex(key, sizeof(key), "Hi There", 8, got), 0);
    cr_assert_str_eq(got,
                     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

Test(hash, scrypt_rfc7914)
{
    static const struct hash_scrypt_cost cost = {1024, 8, 16};
    static const struct hash_scrypt_cost bad = {1000, 8, 16};
    char got[129];

    /* RFC 7914 §12, the second vector. */
    cr_assert_eq(hash_scrypt_hex("password", 8, "NaCl", 4, &cost, 64, got, sizeof(got)),
                 0);
    cr_assert_str_eq(got,
                     "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                     "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    cr_assert_eq(hash_scrypt_hex("password", 8, "NaCl", 4, &bad, 64, got, sizeof(got)),
                 -1, "N must be a power of two");
    cr_assert_eq(hash_scrypt_hex("password", 8, "NaCl", 4, &cost, 64, got, 64), -1,
                 "the output must hold the hex digits");
}

Test(hash, scrypt_default_cost_runs)
{
    static const struct hash_scrypt_cost cost = HASH_SCRYPT_DEFAULT;
    char a[65], b[65];

    cr_assert_eq(hash_scrypt_hex("ABCD-2345", 9, "salt-1", 6, &cost, 32, a, sizeof(a)),
                 0);
    cr_assert_eq(hash_scrypt_hex("ABCD-2345", 9, "salt-2", 6, &cost, 32, b, sizeof(b)),
                 0);
    cr_assert_str_neq(a, b, "the salt changes the hash");
}

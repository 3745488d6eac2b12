/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/sha256.h"

TestSuite(sha256);

static void check(const char *msg, size_t n, const char *want)
{
    char got[65];

    sha256_hex(msg, n, got);
    cr_assert_str_eq(got, want);
}

Test(sha256, empty)
{
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(sha256, abc)
{
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(sha256, two_blocks_448_bits)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(m, strlen(m),
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, four_blocks_896_bits)
{
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                    "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    check(m, strlen(m),
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, million_a_in_pieces)
{
    struct sha256 c;
    unsigned char d[32];
    char hex[65];
    char chunk[1000];

    memset(chunk, 'a', sizeof(chunk));
    sha256_init(&c);
    /* Uneven pieces cross the 64-byte block boundary at every offset. */
    for (size_t done = 0, i = 0; done < 1000000; i++) {
        size_t n = i % 130 + 1;

        if (n > 1000000 - done)
            n = 1000000 - done;
        sha256_update(&c, chunk, n);
        done += n;
    }
    sha256_final(&c, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    cr_assert_str_eq(hex,
                     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

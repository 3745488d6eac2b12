/* Bearer tokens: making one, hashing one. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include "halaltrack/apitoken.h"
#include "halaltrack/hash.h"
#include "halaltrack/banned.h"

int apitoken_new(char out[static APITOKEN_TEXT])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[32];
    size_t got = 0;

    while (got < sizeof(b)) {
        ssize_t r = getrandom(b + got, sizeof(b) - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    memcpy(out, APITOKEN_PREFIX, 4);
    for (size_t i = 0; i < sizeof(b); i++) {
        out[4 + 2 * i] = hex[b[i] >> 4];
        out[4 + 2 * i + 1] = hex[b[i] & 15];
    }
    out[APITOKEN_TEXT - 1] = '\0';
    explicit_bzero(b, sizeof(b));
    return 0;
}

int apitoken_hash(const char *token, char out[static APITOKEN_HASH])
{
    size_t n = token ? strlen(token) : 0;

    out[0] = '\0';
    if (n != APITOKEN_TEXT - 1 || strncmp(token, APITOKEN_PREFIX, 4) != 0 ||
        strspn(token + 4, "0123456789abcdef") != n - 4)
        return -1;
    return hash_sha256_hex(token, n, out);
}

/* Bearer tokens of monitoring applications (halaltrack-serve's /api/v1): "htk_" and 64
 * hex digits of randomness (256 bits). Only their SHA-256 is stored: a token this random
 * needs no slow hash. */
#ifndef HALALTRACK_APITOKEN_H
#define HALALTRACK_APITOKEN_H

#include "halaltrack/compat.h"

#define APITOKEN_PREFIX "htk_"
#define APITOKEN_TEXT 69 /* "htk_" + 64 hex digits + NUL */
#define APITOKEN_HASH 65 /* SHA-256 as hex + NUL */

/* A new token from getrandom(). Returns 0 or -1. */
int apitoken_new(char out[static APITOKEN_TEXT]) HT_MUSTCHECK;
/* The SHA-256 (hex) of token, as kept in api_token.token_hash. Returns 0, or -1 when
 * token is not of the shape above (nothing to look up). */
int apitoken_hash(const char *token, char out[static APITOKEN_HASH]) HT_MUSTCHECK;

#endif

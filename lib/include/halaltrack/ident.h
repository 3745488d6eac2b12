/* Validation of Indonesian identifiers with precise messages. Pure. */
#ifndef HALALTRACK_IDENT_H
#define HALALTRACK_IDENT_H

#include "halaltrack/compat.h"
#include "halaltrack/err.h"

enum region_level {
    REGION_PROVINSI = 1, /* 35 */
    REGION_KABKOTA,      /* 35.75 */
    REGION_KECAMATAN,    /* 35.75.01 */
    REGION_KELURAHAN,    /* 35.75.01.1001 */
};

/* Each returns 0 when valid, else -1 with a message that says what is wrong, e.g.
 * "NIB '12345' has 5 digits, expected 13". The value is quoted in messages. */
int ident_check_nib(const char *s, struct ht_err *err);
int ident_check_certificate_no(const char *s, struct ht_err *err); /* ID + 17 digits */
int ident_check_no_daftar(const char *s, struct ht_err *err); /* SH<yyyy>-<n>-<digits> */
int ident_check_kbli(const char *s, struct ht_err *err);      /* 5 digits */
int ident_check_region_code(const char *s, enum region_level *level, struct ht_err *err);
const char *ident_region_level_name(enum region_level level); /* "kelurahan" ... */

#endif

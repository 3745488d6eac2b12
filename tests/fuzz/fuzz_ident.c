/* libFuzzer target: identifier, date, timestamp and ISO week parsers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/calendar.h"
#include "halaltrack/ident.h"
#include "halaltrack/stage.h"
#include "halaltrack/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct ht_err err = HT_ERR_INIT;
    struct ht_date d;
    enum region_level lvl;
    int64_t t;
    long l;
    int y, w;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    (void)ident_check_nib(s, &err);
    ht_err_clear(&err);
    (void)ident_check_certificate_no(s, &err);
    ht_err_clear(&err);
    (void)ident_check_no_daftar(s, &err);
    ht_err_clear(&err);
    (void)ident_check_kbli(s, &err);
    ht_err_clear(&err);
    (void)ident_check_region_code(s, &lvl, &err);
    ht_err_clear(&err);
    if (date_parse(s, &d, &err) == 0) {
        char out[11];
        date_format(d, out);
        if (strcmp(out, s) != 0)
            abort(); /* a parsed date must format back to itself */
    }
    ht_err_clear(&err);
    if (ts_parse(s, &t, &err) == 0) {
        char out[21];
        ts_format_utc(t, out);
    }
    ht_err_clear(&err);
    if (iso_week_parse(s, &y, &w, &err) == 0) {
        char out[9];
        iso_week_format(y, w, out);
        if (!str_ieq(out, s)) /* "2026-w53" is accepted as "2026-W53" */
            abort();
    }
    ht_err_clear(&err);
    (void)parse_int(s, -1000, 1000, &l, &err);
    (void)stage_of_code(s);
    (void)utf8_valid(s, size);
    free(s);
    return 0;
}

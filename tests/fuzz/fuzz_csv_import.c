/* libFuzzer target: the register import parser (RFC 4180 reader + header mapping + row
 * validation + duplicate detection), on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/csv.h"
#include "halaltrack/register.h"
#include "csv_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct csv_limits lim = {4096, 65536, 64};
    struct csv_mem m;
    struct csv_reader *r =
        csv_mem_open(&m, (const char *)data, size, &lim) == 0 ? m.r : NULL;
    struct register_batch b;
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;
    int have_header = 0, header_ok = 0;
    enum csv_status st;

    if (!r)
        return 0;
    register_batch_init(&b, 0);
    while ((st = csv_next(r, &rec, &err)) != CSV_EOF && st != CSV_ERROR) {
        if (st == CSV_BAD) {
            if (have_header &&
                register_batch_bad_record(&b, rec.line, rec.bad_field, err.msg) < 0)
                break;
            ht_err_clear(&err);
            continue;
        }
        for (size_t i = 0; i < rec.nfields; i++)
            if (strlen(rec.fields[i]) != rec.lens[i] &&
                !memchr(rec.fields[i], 0, rec.lens[i]))
                abort(); /* lens must describe the field */
        if (!have_header) {
            have_header = 1;
            header_ok =
                register_batch_header(&b, rec.line, (const char *const *)rec.fields,
                                      rec.nfields) == 0;
            if (!header_ok)
                break;
            continue;
        }
        if (register_batch_row(&b, rec.line, (const char *const *)rec.fields,
                               rec.nfields) < 0)
            break;
    }
    if (header_ok && register_batch_check_duplicates(&b) >= 0)
        register_batch_finish(&b);
    register_batch_release(&b);
    csv_mem_close(&m);
    return 0;
}

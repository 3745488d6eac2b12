/* libFuzzer target: the national API decoders (auth, error, list page, detail) on
 * arbitrary bytes */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "halaltrack/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct ht_err err = HT_ERR_INIT;
    struct api_auth a;
    struct api_error e;
    struct api_page p;
    struct api_detail d;
    FILE *null = fopen("/dev/null", "w");

    if (api_decode_auth(body, size, &a, &err) == 0) {
        if (null)
            api_auth_write(null, &a);
        api_auth_release(&a);
    }
    ht_err_clear(&err);
    if (api_decode_error(body, size, &e, &err) == 0) {
        if (null)
            api_error_write(null, &e);
        api_error_release(&e);
    }
    ht_err_clear(&err);
    if (api_decode_page(body, size, NULL, &p, &err) == 0) {
        if (null)
            api_page_write(null, &p);
        api_page_release(&p);
    }
    ht_err_clear(&err);
    if (api_decode_detail(body, size, &d, &err) == 0) {
        if (null)
            api_detail_write(null, &d);
        api_detail_release(&d);
    }
    if (null)
        fclose(null);
    return 0;
}

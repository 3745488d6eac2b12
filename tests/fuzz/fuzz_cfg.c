/* libFuzzer target: the daemon's config parser (libinih + the key table + [stage_map]).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "halaltrack/cfg.h"
#include "halaltrack/stage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct ht_err err = HT_ERR_INIT;
    struct cfg *c;
    FILE *fp;

    if (!path[0])
        snprintf(path, sizeof(path), "/tmp/fuzz_cfg.%ld.conf", (long)getpid());
    fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    c = cfg_load(path, &err);
    if (c) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            cfg_dump(c, null);
            fclose(null);
        }
        ht_err_clear(&err);
        stage_map_free(cfg_stage_map(c, &err));
        cfg_free(c);
    }
    return 0;
}

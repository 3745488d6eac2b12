/* The inside of struct stage_map (halaltrack/stage.h), shared by lib/stage.c (codes) and
 * lib/status_label.c (labels). Private to lib/. */
#ifndef HALALTRACK_STAGE_MAP_INT_H
#define HALALTRACK_STAGE_MAP_INT_H

#include <stddef.h>
#include "halaltrack/stage.h"
#include "halaltrack/status_label.h"

struct stage_map {
    struct stage_code *codes; /* [stage_map]: codes the built-in table lacks (owned) */
    size_t ncodes;
    struct status_label *labels; /* [status_labels] (label and code owned) */
    size_t nlabels;
};

#endif

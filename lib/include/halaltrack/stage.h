/* The single table of SIHALAL status codes: code -> canonical stage (the funnel's
 * grouping), the paths it occurs on and its label (see ../shared/domain, DESIGN.md). Who
 * holds a file, its legal clock and the business's next step are per legal step and per
 * path: halaltrack/steps.h. Pure. */
#ifndef HALALTRACK_STAGE_H
#define HALALTRACK_STAGE_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* Canonical stages, in pipeline order (the enum value is the ordinal). */
enum ht_stage {
    STAGE_NOT_APPLIED = 0,
    STAGE_DRAFT,
    STAGE_SUBMITTED,
    STAGE_VERIFICATION,
    STAGE_LPH_ASSIGNMENT,
    STAGE_INSPECTION,
    STAGE_PPH_VERIFICATION,
    STAGE_FATWA,
    STAGE_ISSUANCE,
    STAGE_CERTIFIED,
    STAGE_RETURNED,
    STAGE_REJECTED,
    STAGE_CANCELLED,
    STAGE_UNKNOWN,
    STAGE__COUNT
};

/* Certification paths a code occurs on (bit set). */
#define STAGE_PATH_REGULER 1u
#define STAGE_PATH_SELF_DECLARE 2u
#define STAGE_PATH_BOTH (STAGE_PATH_REGULER | STAGE_PATH_SELF_DECLARE)

struct stage_def {
    enum ht_stage stage;
    const char *name;  /* stable machine name, e.g. "lph_assignment" */
    int terminal;      /* certified, rejected, cancelled */
    const char *label; /* English msgid; stage_label() gives it in the report language */
};

struct stage_code {
    const char *code; /* "OF10" */
    enum ht_stage stage;
    unsigned paths;    /* STAGE_PATH_* */
    const char *label; /* msgid in the context "status code" (NC_), or a stage's label */
};

/* The definition of a stage. Never NULL for a valid enum value. */
const struct stage_def *stage_def_get(enum ht_stage st);
/* "lph_assignment" etc. Never NULL. */
const char *stage_name(enum ht_stage st);
/* Parses a stage name. Returns 0 or -1. */
int stage_parse(const char *name, enum ht_stage *out);

/* Looks a status code up in the built-in table. Borrowed pointer; NULL for an unknown
 * code. Codes are matched exactly (case-sensitive, "OF10"). */
const struct stage_code *stage_lookup(const char *code);
/* The canonical stage of a built-in code; STAGE_UNKNOWN for any other. */
enum ht_stage stage_of_code(const char *code);
/* True when code looks like a SIHALAL status code (OF followed by 1-4 digits). */
int stage_code_wellformed(const char *code);

/* The built-in table: stage_code_count() codes, stage_code_at(i) each. */
size_t stage_code_count(void);
const struct stage_code *stage_code_at(size_t i);

/* The mappings a configuration adds to the built-in tables: [stage_map] (a new OF code to
 * a stage) and [status_labels] (a status label to a code, halaltrack/status_label.h). A
 * value, not process state: the syncer holds one, a reload builds a new one and swaps it,
 * two syncers in one process each have their own. NULL stands for the empty map (the
 * built-in tables only) wherever a map is taken. */
struct stage_map;

struct stage_map *stage_map_new(void);
void stage_map_free(struct stage_map *m);
/* Adds (or replaces) a mapping for a code not in the built-in table, e.g. from config
 * "[stage_map] OF130 = issuance". The code must be well-formed and the stage valid and
 * not "unknown"/"not_applied". Built-in codes cannot be remapped. Returns 0 or -1. */
int stage_map_add(struct stage_map *m, const char *code, const char *stage,
                  struct ht_err *err) HT_MUSTCHECK;
/* Looks a code up: the built-in table, then m's mappings. Borrowed (valid while m is). */
const struct stage_code *stage_map_lookup(const struct stage_map *m, const char *code);
/* The stage of a code through m; STAGE_UNKNOWN when neither knows it. */
enum ht_stage stage_map_stage_of(const struct stage_map *m, const char *code);
/* Iteration over every code m knows: the built-in table's first, then m's own. */
size_t stage_map_code_count(const struct stage_map *m);
const struct stage_code *stage_map_code_at(const struct stage_map *m, size_t i);

/* Label of a code or stage in the current language (gettext: the English msgids of the
 * tables, translated in po/<lang>.po). */
const char *stage_code_label(const struct stage_code *c);
/* The label of a code in a given language ("id" or "en"), for the generated SQL table. */
const char *stage_code_label_in(const struct stage_code *c, const char *lang);
const char *stage_label(enum ht_stage st);
/* The label of a stage in a given language ("id" or "en"), whatever the current one:
 * for the stage_def table, which keeps both. */
const char *stage_label_in(enum ht_stage st, const char *lang);

#endif

/* Status labels: the human texts the SIHALAL v2 frontend shows for OF codes, mapped back
 * to the codes. A list row's `status` may be either (the frontend prints it raw), so the
 * daemon maps a label through this table; [status_labels] in the config adds labels the
 * table does not know. Pure, no I/O. The table is built from every status map of the
 * frontend (docs/national-api.md lists them). */
#ifndef HALALTRACK_STATUS_LABEL_H
#define HALALTRACK_STATUS_LABEL_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

struct status_label {
    const char *label;   /* as the frontend writes it */
    const char *code;    /* "OF280" */
    const char *lang;    /* "id" or "en" */
    const char *seen_in; /* a frontend file that shows it (NULL for config entries) */
};

struct stage_map;

/* The code a label stands for, or NULL when neither m's [status_labels] entries nor the
 * table know it (m may be NULL: the table only). Matching ignores ASCII case, leading and
 * trailing white space, and treats any run of white space as one space ("dikembalikan  ke
 * pu" = "Dikembalikan Ke PU"). */
const char *status_label_code(const struct stage_map *m, const char *label);

/* Resolves a list row's status: a well-formed code (OF + digits, known or not) is kept;
 * a label is mapped through m and the table. Returns the code (borrowed: status itself,
 * an entry of m or of the table), or NULL for an unknown label. */
const char *status_resolve(const struct stage_map *m, const char *status);

/* Adds (or replaces) a label in m, e.g. from the config "Menunggu Verifikasi = OF11".
 * The code must be well-formed. Returns 0 or -1. */
int stage_map_add_label(struct stage_map *m, const char *label, const char *code,
                        struct ht_err *err) HT_MUSTCHECK;

/* What a facilitation programme's status code means (the frontend's programme status
 * map), as an untranslated msgid: "Code issued" for OF320, "Unknown status" for a code
 * the map does not have. */
const char *status_programme_meaning(const char *code);

/* The built-in table, for the simulator and the docs. */
size_t status_label_count(void);
const struct status_label *status_label_at(size_t i);

#endif

/* The truth oracle of the end-to-end tests, written once: halalsim's /_sim/truth (JSON
 * lines) decoded into applications with their whole history, and the comparison of the
 * database's read API (v_application, v_stage_event) with it. */
#ifndef HT_TEST_TRUTH_H
#define HT_TEST_TRUTH_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/store.h"

struct truth_event {
    char status[17];
    int64_t at;
};

struct truth_app {
    char *id_reg;
    char *no_daftar;
    char *nib;
    char *status;
    char *channel_id;
    char *cert_no;   /* NULL until issued */
    char *cert_date; /* "YYYY-MM-DD" (WIB) or NULL */
    int denied;      /* this account may not read its detail (observed history only) */
    struct truth_event *ev; /* oldest first */
    size_t nev;
};

struct truth {
    struct truth_app *apps;
    size_t n;
};

/* Decodes the body of GET /_sim/truth. Returns 0, or -1 with msg saying what is wrong. */
int truth_parse(const char *ndjson, struct truth *t, char *msg, size_t msgsz);
void truth_release(struct truth *t);

/* The differences between the database and the truth, by kind. An application whose
 * detail the truth says is denied, or whose database history is from observation, is
 * compared by status, and each of its stored events must be a true event of that code
 * inside its uncertainty window; every other application must match whole: its
 * v_application row (status, stage_since, certificate number and date, NIB, no_daftar,
 * channel) and exactly its events. */
struct truth_diff {
    long truth_apps, truth_events, observed_apps;
    long apps_missing, apps_extra, status_wrong, rows_wrong;
    long events_missing, events_extra, events_dup, events_outside;
    char first[1024]; /* the first difference found, "" when none */
};

/* Fills d; returns the number of differences (0: the database equals the truth). */
long truth_compare(struct store *st, const struct truth *t, struct truth_diff *d);

#endif

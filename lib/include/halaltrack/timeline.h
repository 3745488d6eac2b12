/* An application's stage history as a timeline: one entry per status code entered, with
 * working days spent against the code's legal limit, breach flags, and the legal clock
 * paused while the MSME holds the application (returned, payment). Pure. */
#ifndef HALALTRACK_TIMELINE_H
#define HALALTRACK_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/calendar.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/stage.h"

#define TIMELINE_CODE_MAX 16
#define TIMELINE_MAX_EVENTS 10000

/* One upstream event (what stage_event holds). */
struct tl_event {
    char code[TIMELINE_CODE_MAX + 1]; /* "OF10" */
    int64_t at;                       /* upstream time */
    int64_t observed_at;              /* when the tracker learnt it */
};

struct tl_entry {
    char code[TIMELINE_CODE_MAX + 1];
    const struct stage_code *sc; /* borrowed; NULL for an unknown code */
    enum ht_stage stage;
    enum ht_waits_on waits_on;
    int64_t entered; /* upstream time the step began */
    int64_t left;    /* when the next step began; 0 while current */
    int current;     /* the application is in this step now */
    int64_t days;    /* working days spent (to "now" while current) */
    int limit_days;  /* legal limit; 0 = none */
    int paused;      /* the MSME holds it: the legal clock does not run */
    int breach;      /* days > limit_days (never while paused) */
    int64_t overdue; /* days - limit_days when breached, else 0 */
};

struct timeline {
    struct tl_entry *v;
    size_t n;
    int64_t last_observed; /* newest observed_at among the events ("data per") */
    int64_t paused_days;   /* working days the MSME held the application in total */
    int breaches;          /* entries in breach */
};

/* Builds the timeline of events (any order; sorted here by upstream time, stable) at
 * instant now. cal gives working days (weekends, holidays, cuti bersama). An empty
 * event list gives an empty timeline. Returns 0, or -1 with err (too many events, no
 * memory). out is initialised in all cases; release it with timeline_release. */
int timeline_build(const struct tl_event *ev, size_t n, const struct calendar *cal,
                   int64_t now, struct timeline *out, struct ht_err *err) HT_MUSTCHECK;
void timeline_release(struct timeline *t);

#endif

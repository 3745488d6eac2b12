/* An application's history as legal steps (halaltrack/steps.h): the status codes it
 * entered, grouped into the steps of its path, each with the working days it took
 * against its limit, who held it, a granted extension, a takeover when the limit ran out,
 * and the clock paused while the business or the payer holds the file. Pure. */
#ifndef HALALTRACK_TIMELINE_H
#define HALALTRACK_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/calendar.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"

#define TIMELINE_CODE_MAX 16
#define TIMELINE_MAX_EVENTS 10000

/* One upstream event (what stage_event holds). */
struct tl_event {
    char code[TIMELINE_CODE_MAX + 1]; /* "OF10" */
    int64_t at;                       /* upstream time */
    int64_t observed_at;              /* when the tracker learnt it */
};

/* An extension of a step granted on request (the LPH's inspection, UU 6/2023 Pasal
 * 31(4)): it lengthens the run of the step that was under way on granted_on, once the
 * tracker knows of it (recorded_at before "now"; 0: always). */
struct tl_extension {
    enum ht_step step;
    int days;
    struct ht_date granted_on;
    int64_t recorded_at;
};

/* A status code the application entered. */
struct tl_entry {
    char code[TIMELINE_CODE_MAX + 1];
    const struct stage_code *sc; /* borrowed; NULL for an unknown code */
    enum ht_stage stage;
    struct step_at at; /* its step, who held the file, the business's next step */
    int64_t entered;   /* upstream time the code was entered */
    int64_t left;      /* when the next code was entered; 0 while current */
    int current;
    size_t step; /* index of its step in timeline.s */
};

/* One run of a legal step: from its first code to the first code of the next step. */
struct tl_step {
    enum ht_step step;
    size_t first, n;         /* its codes: v[first .. first + n) */
    enum ht_waits_on holder; /* who holds it: at its end, or now (a takeover included) */
    int64_t entered;         /* when its first code was entered */
    int64_t left;            /* when the next step began; 0 while current */
    int current;
    int64_t days;       /* working days in (date(entered), date(left or now)] */
    int limit_days;     /* its legal limit, a granted extension included; 0 = no clock */
    int extension_days; /* the extension granted (part of limit_days) */
    int taken_over;     /* past limit_days: the takeover party holds it */
    int takeover_days;  /* the taker's days after limit_days (when taken over) */
    int paused;         /* the business or the payer holds it: the clock does not run */
    int breach;         /* days > limit_days (+ takeover_days) */
    int64_t overdue;    /* days past that, when breached */
};

struct timeline {
    struct tl_entry *v; /* codes in order */
    size_t n;
    struct tl_step *s; /* steps in order */
    size_t ns;
    enum ht_path path;
    int64_t last_observed; /* newest observed_at among the events ("data as of") */
    int64_t paused_days;   /* working days the business or the payer held it in total */
    int breaches;          /* steps in breach */
    struct cal_gaps gaps;  /* years counted without holiday data */
};

/* One application: its channel and events (any order; sorted here by upstream time,
 * stable) and the extensions granted to it. */
struct tl_app {
    const char *channel_id;
    const struct tl_event *ev;
    size_t nev;
    const struct tl_extension *ext;
    size_t next;
};

/* How the clocks count: the working-day calendar (NULL: weekends only), which rules
 * apply where UU 6/2023 and PP 42/2024 differ, and "now". */
struct tl_ctx {
    const struct calendar *cal;
    enum sla_rules rules;
    int64_t now;
};

/* Builds the timeline of an application. An empty event list gives an empty timeline.
 * Returns 0, or -1 with err (too many events, no memory). out is initialised in all
 * cases; release it with timeline_release. */
int timeline_build(const struct tl_app *app, const struct tl_ctx *ctx,
                   struct timeline *out, struct ht_err *err) HT_MUSTCHECK;
void timeline_release(struct timeline *t);
/* The current step (the last), or NULL for an empty timeline. */
const struct tl_step *timeline_current(const struct timeline *t);

#endif

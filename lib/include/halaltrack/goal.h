/* Goals: scope parsing and progress maths (weeks left, rate needed vs trailing rate,
 * projected completion, on track / at risk / off track). Pure. Thresholds in
 * docs/reports.md. */
#ifndef HALALTRACK_GOAL_H
#define HALALTRACK_GOAL_H

#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/util.h"

enum goal_scope_kind {
    GOAL_SCOPE_KOTA = 0,
    GOAL_SCOPE_KECAMATAN,
    GOAL_SCOPE_KELURAHAN,
    GOAL_SCOPE_KBLI,
    GOAL_SCOPE_PROGRAM,  /* the register's programme tag (msme.programs) */
    GOAL_SCOPE_KODE_FAC, /* a facilitation programme: applications carrying its kode_fac
                          */
};

#define GOAL_SCOPE_VALUE_MAX 100

/* A parsed --scope. value is "" for kota; for kecamatan/kelurahan it holds what the user
 * gave (a region code or a name; the caller resolves names against the region table). */
struct goal_scope {
    enum goal_scope_kind kind;
    int value_is_code; /* kecamatan/kelurahan: value has the shape of a region code */
    char value[GOAL_SCOPE_VALUE_MAX + 1];
};

/* Parses "kota", "kecamatan:<code|name>", "kelurahan:<code|name>", "kbli:<1-5 digits>",
 * "program:<tag>" (the register's tag), "kode_fac:<code>" (a facilitation programme of
 * the national system: the MSMEs whose applications carry that code). A code of the wrong
 * level (e.g. a kelurahan code for kecamatan) is an error here; whether it exists is
 * checked by the caller. Returns 0 or -1. */
int goal_scope_parse(const char *s, struct goal_scope *out,
                     struct ht_err *err) HT_MUSTCHECK;
/* "kota" "kecamatan" "kelurahan" "kbli" "program" "kode_fac". */
const char *goal_scope_kind_name(enum goal_scope_kind k);

/* Parses a target: a whole number from 1 to GOAL_TARGET_MAX. */
#define GOAL_TARGET_MAX 10000000L
int goal_target_parse(const char *s, long *out, struct ht_err *err) HT_MUSTCHECK;

enum goal_status {
    GOAL_ON_TRACK = 0,
    GOAL_AT_RISK,
    GOAL_OFF_TRACK,
};
/* "on_track" "at_risk" "off_track". */
const char *goal_status_name(enum goal_status s);
/* "on track" / "sesuai jalur" ... in the current language. */
const char *goal_status_label(enum goal_status s);

/* The recent rate must reach this share of the rate needed to be "on track"; at least
 * GOAL_AT_RISK_RATIO of it is "at risk"; less is "off track". */
#define GOAL_ON_TRACK_RATIO 1.0
#define GOAL_AT_RISK_RATIO 0.75
/* Weeks of history behind the trailing rate. */
#define GOAL_TRAILING_WEEKS 4

struct goal_input {
    long target;
    long done;          /* distinct MSMEs at "today" */
    long done_trailing; /* distinct MSMEs GOAL_TRAILING_WEEKS weeks before today */
    struct ht_date start, deadline, today;
};

struct goal_calc {
    long remaining;    /* max(target - done, 0) */
    double percent;    /* 100 * done / target */
    int days_left;     /* calendar days from today to the deadline inclusive; 0 past it */
    double weeks_left; /* days_left / 7 */
    double rate_needed;       /* MSMEs per week still needed; 0 when reached */
    double rate_recent;       /* trailing rate, MSMEs per week */
    int has_projection;       /* projected is set (recent rate > 0, or already reached) */
    struct ht_date projected; /* projected completion date at the recent rate */
    enum goal_status status;
};

/* Computes the progress figures. Rules (also in docs/reports.md):
 * - reached (done >= target): on track, projected = today, rate needed 0;
 * - deadline passed and not reached: off track;
 * - the trailing rate spans min(4 weeks, weeks since start), at least one week;
 * - on track when rate_recent >= 1.0 x rate_needed, at risk when >= 0.75 x, else off
 * track. */
void goal_compute(const struct goal_input *in, struct goal_calc *out);

/* The deadline that drives the year: halal certification of food and beverage products
 * is mandatory for micro and small businesses after 17 October 2026 (PP 42/2024 Pasal
 * 160), for medium and large ones since the first phase ended on 17 October 2024 (PP
 * 39/2021 Pasal 140). */
struct goal_mandatory {
    struct ht_date deadline; /* the last day; the obligation holds from the next */
    const char *law;
};
const struct goal_mandatory *goal_mandatory_small(void);
const struct goal_mandatory *goal_mandatory_large(void);
/* Calendar days from today to the deadline (0 on the day itself); negative past it: -n
 * when the obligation has held for n days (the day after the deadline is -1). */
long goal_days_to(struct ht_date deadline, struct ht_date today);

#endif

/* Facilitation programme quotas: how much of a programme's quota the office's
 * applications use, the run rate needed to use the rest before tgl_selesai, and the
 * outlook at the recent rate (about to leave quota unused, or over-committing it). Pure.
 * Rules in docs/reports.md, "Programme quotas". */
#ifndef HALALTRACK_PROGRAMME_H
#define HALALTRACK_PROGRAMME_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/util.h"

/* Weeks of history behind the recent rate (as for goals). */
#define PROGRAMME_TRAILING_WEEKS 4
/* A projected shortfall smaller than this share of the quota is still "on pace". */
#define PROGRAMME_UNUSED_SLACK 0.05

enum programme_outlook {
    PROG_ON_PACE = 0,       /* the recent rate uses the quota by the close */
    PROG_WILL_LEAVE_UNUSED, /* at the recent rate, part of the quota stays unused */
    PROG_WILL_OVERCOMMIT,   /* at the recent rate, more applications than the quota */
    PROG_OVERCOMMITTED,     /* more applications use the code than its quota */
    PROG_FULL,              /* exactly the quota is used */
    PROG_CLOSED_UNUSED,     /* past tgl_selesai with quota left */
    PROG_CLOSED,            /* past tgl_selesai, quota used */
    PROG_NO_END,            /* no tgl_selesai: no run rate */
    PROG_NO_QUOTA,          /* the national system states no quota */
    PROG__COUNT
};

struct programme_input {
    long kuota;         /* -1 when absent */
    long used;          /* applications using the code now */
    long used_trailing; /* of which first known PROGRAMME_TRAILING_WEEKS weeks ago */
    struct ht_date today;
    int has_start, has_end;
    struct ht_date start, end; /* tgl_aktif, tgl_selesai */
};

struct programme_calc {
    long left;            /* kuota - used; negative when over-committed */
    int days_left;        /* today .. tgl_selesai inclusive; 0 past it, -1 no end */
    double weeks_left;    /* days_left / 7 */
    double rate_needed;   /* applications per week to use what is left by the close */
    double rate_recent;   /* applications per week over the trailing window */
    long projected;       /* applications at the close at the recent rate */
    long unused;          /* kuota - projected when positive, else 0 */
    long over;            /* projected - kuota when positive, else 0 */
    double weeks_to_full; /* weeks until the quota is used at the recent rate; -1 never */
    enum programme_outlook outlook;
};

/* Fills in from a programme's figures; tgl_aktif and tgl_selesai are "YYYY-MM-DD" or NULL
 * (absent, or not a date: treated as absent). */
void programme_input_set(struct programme_input *in, long kuota, long used,
                         long used_trailing, const char *tgl_aktif,
                         const char *tgl_selesai, struct ht_date today);
/* Computes the figures of one programme. */
void programme_compute(const struct programme_input *in, struct programme_calc *out);
/* "on_pace" "will_leave_unused" ... (stable, for CSV and JSON). */
const char *programme_outlook_name(enum programme_outlook o);
/* The outlook in the current language. */
const char *programme_outlook_label(enum programme_outlook o);
/* The arithmetic behind the outlook, one line in the current language, into out (always
 * terminated). */
void programme_explain(const struct programme_input *in, const struct programme_calc *c,
                       char *out, size_t outsz);
/* True for the outlooks an office must act on (unused, over-committed, either ahead). */
int programme_outlook_alert(enum programme_outlook o);

#endif

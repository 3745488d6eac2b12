/* The weekly report model: what the office reads at the weekly meeting, built from the
 * rows lib/store/report.c returns, with derived figures (goal maths), canonical totals
 * and their SHA-256. Pure; rendered by report_{text,csv,json,html}.c. */
#ifndef HALALTRACK_WEEKLY_H
#define HALALTRACK_WEEKLY_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/goal.h"
#include "halaltrack/programme.h"
#include "halaltrack/calendar.h"
#include "halaltrack/settings.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"
#include "halaltrack/util.h"

#define WEEKLY_TREND_WEEKS 12
/* Rows listed per movers kind and per waiting party in "stuck" (counts are complete). */
#define WEEKLY_LIST_MAX 50

enum weekly_move {
    MOVE_NEW = 0,   /* a new application (OF10 first submission) */
    MOVE_ADVANCE,   /* any other step forward, including a resubmission */
    MOVE_CERTIFIED, /* OF300 */
    MOVE_RETURNED,  /* OF2, OF280, OF285 */
    MOVE_REJECTED,  /* OF290 rejected, OF900 cancelled */
    MOVE__COUNT
};
const char *weekly_move_name(enum weekly_move k); /* "new" "advance" ... */
/* The heading of a kind of move in the report language ("New applications"). */
const char *weekly_move_label(enum weekly_move k);
int weekly_move_parse(const char *s, enum weekly_move *out);

struct weekly_goal {
    long id;
    char *name;
    char *scope_kind;
    char *scope_value; /* NULL for kota */
    char *metric;      /* "certified" | "applied" */
    long target;
    struct ht_date start, deadline;
    long done, done_week_ago, done_4_weeks_ago;
    /* done by the source that saw each MSME first, and MSMEs whose match of the public
     * search waits for a person (docs/coverage.md) */
    long done_programme, done_matched, awaiting;
    struct goal_calc calc; /* filled by weekly_finish */
};

struct weekly_area {
    char *code; /* kecamatan or kelurahan code */
    char *name;
    char *parent_code; /* the kecamatan of a kelurahan; NULL for a kecamatan */
    long msmes;        /* MSMEs in the register */
    long applied;      /* of which with an application past draft, as known at week end */
    long certified;    /* of which certified (OF300 known by week end) */
    long certified_week;
    long goal_target; /* target of a kecamatan/kelurahan goal on this area, 0 = none */
    long goal_done;
};

struct weekly_funnel {
    enum ht_stage stage;
    long reguler, self_declare, other; /* as known at the end of the week */
    long total, total_prev; /* total at the end of this week and of last week */
};

struct weekly_mover {
    enum weekly_move kind;
    char *nib, *name, *kelurahan, *id_reg, *code;
    int64_t at;
};

/* An application past the limit of its current legal step. */
struct weekly_stuck {
    char *nib, *name, *kelurahan, *phone, *id_reg, *code;
    enum ht_waits_on waits_on; /* who holds the step (the taker after a takeover) */
    enum ht_step step;
    int64_t since; /* when the step began */
    long days;     /* working days in the step */
    long limit;    /* days allowed: the limit, a granted extension, a takeover's days */
    long overdue;
    long extension;       /* days of extension granted (part of limit) */
    int taken_over;       /* the fatwa session passed to the Komite Fatwa */
    struct cal_gaps gaps; /* years its clock counted without holiday data */
};

/* Why a file is on the office's action list: it waits on the business or the payer. */
enum action_reason {
    ACTION_DRAFT = 0,           /* a draft never submitted */
    ACTION_RETURNED,            /* returned for revision */
    ACTION_UNPAID,              /* an invoice the business has to pay */
    ACTION_FACILITATOR_INVOICE, /* an invoice the facilitator (the office, when it
                                 * facilitates) has to pay */
    ACTION__COUNT
};
/* "draft" "returned" "unpaid_invoice" "facilitator_invoice". */
const char *action_reason_name(enum action_reason r);
int action_reason_parse(const char *s, enum action_reason *out);
/* Its heading in the current language ("Drafts never submitted"). */
const char *action_reason_label(enum action_reason r);

/* A file on the office's action list: its age in the office's working days (ASN: cuti
 * bersama never counts) since the step began. */
struct weekly_action {
    char *nib, *name, *kelurahan, *kecamatan_code, *kecamatan, *phone, *id_reg, *code;
    enum action_reason reason;
    enum ht_waits_on waits_on;
    int64_t since;
    long days;
    struct cal_gaps gaps;
};

/* The deadline that drives the year: mandatory halal certification of food and beverage
 * products (goal.h), and the register's F&B MSMEs not certified at the week's end. */
struct weekly_mandatory {
    long small_left; /* micro and small (or size unknown): deadline 17 Oct 2026 */
    long large_left; /* medium and large: deadline 17 Oct 2024 */
};

struct weekly_trend {
    char week[9];
    long certified;
};

/* A facilitation programme's quota as known at the end of the week (docs/reports.md,
 * "Programme quotas"). */
struct weekly_programme {
    char *kode_fac, *name, *tgl_aktif, *tgl_selesai; /* dates "YYYY-MM-DD" or NULL */
    long kuota;                                      /* -1 when absent */
    long used, used_4_weeks_ago, certified;
    struct programme_input in;  /* filled by weekly_finish (today: the week's Sunday) */
    struct programme_calc calc; /* filled by weekly_finish */
};

struct weekly_report {
    char week[9], prev_week[9];
    int iso_year, iso_week;
    struct ht_date monday, sunday;
    int64_t start,
        end;           /* [start, end): Monday 00:00 to next Monday 00:00, Asia/Jakarta */
    int64_t generated; /* "now" of the run (HALALTRACK_NOW) */

    long certified_week, certified_prev_week, certified_total;
    struct weekly_trend
        trend[WEEKLY_TREND_WEEKS]; /* oldest first, the last is this week */

    struct weekly_funnel funnel[STAGE__COUNT];
    size_t nfunnel;
    struct weekly_goal *goals;
    size_t ngoals;
    struct weekly_area *kecamatan, *kelurahan;
    size_t nkecamatan, nkelurahan;

    long moves[MOVE__COUNT];
    struct weekly_mover *movers;
    size_t nmovers;

    long stuck_by[WAITS__COUNT];
    long stuck_total;
    struct weekly_stuck *stuck;
    size_t nstuck;

    struct weekly_programme *programmes; /* the section is left out when none */
    size_t nprogrammes;
    /* register MSMEs certified at the week's end by the source that saw them first, and
     * those whose public-search match waits for a person (left out when the office has
     * neither programmes nor matches) */
    long cert_programme, cert_matched, cert_awaiting;
    long actions_by[ACTION__COUNT];
    long actions_total;
    struct weekly_action *actions; /* the oldest, up to WEEKLY_LIST_MAX */
    size_t nactions;

    struct weekly_mandatory mandatory;
    char office[SETTINGS_OFFICE_MAX + 1]; /* the office's name (settings) */

    struct cal_gaps gaps; /* years the week's clocks counted without holiday data */

    long quarantined, unmatched;
    long observed_history; /* applications whose history is our own observation of the
                              list (this account may not read their detail) */
    int64_t last_observed; /* newest observation known by week end; 0 = none */
    int64_t last_sync;     /* last successful sync finished by week end; 0 = none */

    char *totals_json; /* canonical totals (weekly_finish) */
    char hash[65];     /* SHA-256 of totals_json */
};

/* Sets the week: week "YYYY-Www", or NULL for the last complete ISO week before now
 * (Asia/Jakarta). Fills week, prev_week, monday, sunday, start, end, generated and the
 * trend labels. Returns 0 or -1 (bad week text, or a week not yet complete at now). */
int weekly_period(struct weekly_report *r, const char *week, int64_t now,
                  struct ht_err *err) HT_MUSTCHECK;
/* A week is closed once it ended WEEKLY_SETTLE_SECONDS ago: every writer's transaction
 * that began before the end (its observed_at = its start, now()) has committed by then,
 * so nothing learnt later can be observed before the end (docs/reports.md, "Closed
 * weeks"). Its report is stored once and looked up after. */
#define WEEKLY_SETTLE_SECONDS 3600
/* 1 when r's week (set by weekly_period) is closed at now, else 0. */
int weekly_closed(const struct weekly_report *r, int64_t now);
/* The top-level keys of two canonical totals (weekly_finish's totals_json) whose values
 * differ, comma-separated in the totals' order, into out (cap bytes, NUL-terminated; ""
 * when none differs). Returns the number of keys that differ. */
int weekly_totals_diff(const char *a, const char *b, char *out, size_t cap);
/* Derives goal maths and area goals, builds the canonical totals and their hash.
 * Returns 0 or -1 (no memory). */
int weekly_finish(struct weekly_report *r, struct ht_err *err) HT_MUSTCHECK;
void weekly_release(struct weekly_report *r);
/* Frees an array of actions (each one's strings). */
void weekly_actions_free(struct weekly_action *v, size_t n);

/* Percent change of this week vs last week as text ("+50%", "-20%", "new", "0%"). */
void weekly_change(long now, long prev, char out[static 16]);

#endif

/* Report queries: the rows behind `status`, `progress`, `funnel`, `overdue`, `goal` and
 * the weekly report, returned as structs (no PGresult escapes). Set-based SQL over the
 * functions and views of sql/definitions/. */
#ifndef HALALTRACK_STORE_REPORT_H
#define HALALTRACK_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/goal.h"
#include "halaltrack/store.h"
#include "halaltrack/timeline.h"
#include "halaltrack/weekly.h"

/* ---- status NIB ---- */
struct report_app {
    char *id_reg, *no_daftar, *channel_id, *status_code, *certificate_no,
        *certificate_date;
    int64_t tgl_daftar;  /* 0 unknown */
    int64_t observed_at; /* last confirmation of this application */
    int observed;        /* history from our own observations of the list (the detail is
                            not readable: no id_reg, or refused) */
    struct tl_event *events;
    size_t nevents;
    struct tl_extension *ext; /* extensions granted to its steps */
    size_t next;
};
struct report_msme {
    char *nib, *business_name, *owner_name, *kbli, *kbli_title, *size_class,
        *kelurahan_code, *kelurahan, *kecamatan, *phone, *address;
    struct report_app *apps;
    size_t napps;
};
/* Loads an MSME and its applications with their events and granted extensions. Returns
 * 0, 1 when no MSME has that NIB in the register, -1 on error. */
int store_report_msme(struct store *s, const char *nib, struct report_msme *out,
                      struct ht_err *err) HT_MUSTCHECK;
/* The timelines of m's applications at now, counted with the database's settings and
 * holiday calendar (what `status` shows). *out gets m->napps timelines (NULL for none);
 * free them with report_timelines_free. Returns 0 or -1. */
int store_report_timelines(struct store *s, const struct report_msme *m, int64_t now,
                           struct timeline **out, struct ht_err *err) HT_MUSTCHECK;
void report_timelines_free(struct timeline *tl, size_t n);
/* Applications upstream with that NIB although it is not in the register (count). */
int store_report_unmatched_apps(struct store *s, const char *nib, long *count,
                                struct ht_err *err) HT_MUSTCHECK;
void report_msme_release(struct report_msme *m);

/* ---- goals ---- */
struct report_goal_new {
    const char *name;
    struct goal_scope scope; /* codes or names; resolved by store_report_goal_add */
    const char *metric;
    long target;
    struct ht_date start, deadline;
};
/* Resolves the scope (a kecamatan/kelurahan code must exist at that level in region; a
 * name must match exactly one region of that level; a KBLI prefix must match a known
 * KBLI code) and inserts the goal. Returns 0, -1 with a message naming what is wrong. */
int store_report_goal_add(struct store *s, const struct report_goal_new *g, long *id,
                          struct ht_err *err) HT_MUSTCHECK;
/* Removes a goal by name or numeric id. Returns 0, 1 when there is no such goal, -1. */
int store_report_goal_remove(struct store *s, const char *name_or_id,
                             struct ht_err *err) HT_MUSTCHECK;
/* Every goal with its progress at now (rows as in weekly_goal). */
int store_report_goals(struct store *s, int64_t now, struct weekly_goal **out, size_t *n,
                       struct ht_err *err) HT_MUSTCHECK;
void report_goals_free(struct weekly_goal *g, size_t n);

/* progress --by: done per goal and group (kecamatan, kelurahan, kbli, size, channel). */
struct report_breakdown {
    long goal_id;
    char *group;
    long done;
};
int store_report_breakdown(struct store *s, int64_t now, const char *by,
                           struct report_breakdown **out, size_t *n,
                           struct ht_err *err) HT_MUSTCHECK;
void report_breakdown_free(struct report_breakdown *b, size_t n);

/* ---- funnel (current) ---- */
struct report_funnel_row {
    enum ht_stage stage;
    long reguler, self_declare, other;
};
/* One row per stage in pipeline order (all stages, zeros included). */
int store_report_funnel(struct store *s, struct report_funnel_row out[STAGE__COUNT],
                        struct ht_err *err) HT_MUSTCHECK;

/* ---- overdue at now ---- */
/* Applications past the limit of their current legal step at now (sla_breach_at), by
 * holder then oldest step first; *gaps gets the years their clocks counted without
 * holiday data (a missing holiday only adds working days: no file off the list would be
 * on it with the rows). */
int store_report_overdue(struct store *s, int64_t now, struct weekly_stuck **out,
                         size_t *n, struct cal_gaps *gaps,
                         struct ht_err *err) HT_MUSTCHECK;
void report_stuck_free(struct weekly_stuck *v, size_t n);

/* ---- the office's action list at now ---- */
/* Files whose current step is held by the business or the payer (action_list_at), oldest
 * first, aged in the office's working days; *gaps gets the years counted without holiday
 * data. Free with weekly_actions_free. */
int store_report_actions(struct store *s, int64_t now, struct weekly_action **out,
                         size_t *n, struct cal_gaps *gaps,
                         struct ht_err *err) HT_MUSTCHECK;

/* ---- weekly ---- */
/* Fills r (period already set by weekly_period) from the history as known at r->end:
 * only events with at < end and observed_at < end count. */
int store_report_weekly(struct store *s, struct weekly_report *r,
                        struct ht_err *err) HT_MUSTCHECK;
/* Records a generation in report_run (totals and hash from weekly_finish). */
int store_report_record(struct store *s, const struct weekly_report *r,
                        const char *format, const char *output,
                        struct ht_err *err) HT_MUSTCHECK;

/* ---- stored weekly reports (weekly_snapshot; docs/reports.md, "Closed weeks") ---- */
struct weekly_snapshot {
    char *body; /* the report's bytes as first generated */
    size_t len;
    char *totals;      /* its canonical totals (weekly_finish) */
    char hash[65];     /* their SHA-256 */
    int64_t stored_at; /* epoch seconds */
    long replaced;     /* times replaced by --recompute --replace */
};
/* The stored report of week in format ("text", "csv", "json", "html") and lang ("id",
 * "en"), for this session's scope (weekly_scope_mine()) and the office's current name.
 * Returns 1 (found, *out filled: release with weekly_snapshot_release), 0 (none) or -1.
 */
int store_weekly_snapshot_get(struct store *s, const char *week, const char *format,
                              const char *lang, struct weekly_snapshot *out,
                              struct ht_err *err) HT_MUSTCHECK;
/* Stores body (NUL-terminated text), the report of w (after weekly_finish), under this
 * session's scope; replace: overwrite a stored one (else it is kept). Returns 1 stored,
 * 0 not (one was stored already, the session's scope cannot be enforced, or the
 * database's clock says the week is not closed yet), -1 error. */
int store_weekly_snapshot_put(struct store *s, const struct weekly_report *w,
                              const char *format, const char *lang, const char *body,
                              int replace, struct ht_err *err) HT_MUSTCHECK;
void weekly_snapshot_release(struct weekly_snapshot *v);

#endif

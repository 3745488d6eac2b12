/* The domain tables the database holds as copies of the C tables (generated at migrate),
 * the shared settings, the holiday calendar and the extensions granted to steps. */
#ifndef HALALTRACK_STORE_DOMAIN_H
#define HALALTRACK_STORE_DOMAIN_H

#include <stddef.h>
#include <stdint.h>
#include "halaltrack/calendar.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/settings.h"
#include "halaltrack/store.h"
#include "halaltrack/timeline.h"

/* Makes stage_def, status_code_def, channel_def, step_def, step_limit and step_code hold
 * exactly the C tables (lib/stage.c, lib/steps.c), writing only what differs. Called by
 * store_migrate inside its transaction. Returns 0 or -1. */
int store_domain_sync(struct store *s, struct ht_err *err) HT_MUSTCHECK;

/* The settings of table setting (defaults for missing keys). Returns 0 or -1. */
int store_settings_load(struct store *s, struct ht_settings *out,
                        struct ht_err *err) HT_MUSTCHECK;
/* Writes every setting. Returns 0 or -1. */
int store_settings_save(struct store *s, const struct ht_settings *in,
                        struct ht_err *err) HT_MUSTCHECK;

/* The holiday table as a calendar (cuti bersama working or not as set->cuti_working; NULL
 * set: not). *out is owned by the caller. Returns 0 or -1. */
int store_calendar_load(struct store *s, const struct ht_settings *set,
                        struct calendar **out, struct ht_err *err) HT_MUSTCHECK;
/* What the step clocks need: the settings and the calendar as they apply (both of the
 * above). Returns 0 or -1 (*cal NULL). */
int store_clock_load(struct store *s, struct ht_settings *set, struct calendar **cal,
                     struct ht_err *err) HT_MUSTCHECK;
/* Adds the holidays of cal (read from an SKB CSV with calendar_load) in one transaction:
 * all rows or none. A year that already has rows is refused unless replace, which
 * deletes that year's rows first. *rows gets the rows written, *replaced the rows
 * deleted. Returns 0 or -1 (err names the year held). */
int store_calendar_import(struct store *s, const struct calendar *cal, int replace,
                          long *rows, long *replaced, struct ht_err *err) HT_MUSTCHECK;
/* The years the table covers, with their national holidays and cuti bersama. */
struct calendar_year {
    int year;
    long holidays, cuti_bersama;
};
/* Ascending by year; *out is freed with free(). Returns 0 or -1. */
int store_calendar_years(struct store *s, struct calendar_year **out, size_t *n,
                         struct ht_err *err) HT_MUSTCHECK;

/* ---- extensions granted on request (step_extension) ---- */
/* Records, at now, an extension of days working days of step (only a step with
 * extension_days, the inspection) for the application with that id_reg (or no_daftar),
 * granted on granted_on; note may be NULL. *id gets its id. The clocks count it from now
 * on (an instant before now is rebuilt without it). Returns 0, -1 (err: the step cannot
 * be extended, days out of range, no such application). */
int store_extension_add(struct store *s, const char *id_reg, enum ht_step step, int days,
                        struct ht_date granted_on, const char *note, int64_t now,
                        long *id, struct ht_err *err) HT_MUSTCHECK;
/* Deletes an extension by id. Returns 0, 1 when there is none, -1. */
int store_extension_remove(struct store *s, long id, struct ht_err *err) HT_MUSTCHECK;
struct step_extension_row {
    long id;
    char *id_reg, *no_daftar, *note;
    enum ht_step step;
    int days;
    struct ht_date granted_on;
};
/* Every extension, by date granted. Returns 0 or -1. */
int store_extension_list(struct store *s, struct step_extension_row **out, size_t *n,
                         struct ht_err *err) HT_MUSTCHECK;
void store_extensions_free(struct step_extension_row *v, size_t n);

#endif

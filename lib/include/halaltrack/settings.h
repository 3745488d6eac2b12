/* The settings the reports, the views and the CLI share: the office's name, whether cuti
 * bersama is a working day, and which rules the legal clocks apply where UU 6/2023 and PP
 * 42/2024 differ. Written in the config file ([office], [calendar], [sla]), copied into
 * the database (table setting) by `halaltrack db migrate --config FILE`, read from there
 * by every command and view. Pure. */
#ifndef HALALTRACK_SETTINGS_H
#define HALALTRACK_SETTINGS_H

#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/steps.h"

#define SETTINGS_OFFICE_MAX 200

struct ht_settings {
    char office_name[SETTINGS_OFFICE_MAX + 1]; /* "" = not set */
    int cuti_working;                          /* cuti bersama counts as a working day */
    enum sla_rules rules;
};

/* The defaults: no name, cuti bersama a non-working day, PP 42/2024. */
void settings_init(struct ht_settings *s);
/* "nonworking" / "working", the values of [calendar] cuti_bersama. */
const char *settings_cuti_name(int working);
int settings_cuti_parse(const char *v, int *working);
/* Sets one setting by key ("office_name", "cuti_bersama", "sla_rules") from its text.
 * Returns 0, or -1 with a message naming the key and the accepted values. */
int settings_set(struct ht_settings *s, const char *key, const char *value,
                 struct ht_err *err) HT_MUSTCHECK;
/* The config file's place of each setting: [office] name, [calendar] cuti_bersama,
 * [sla] rules. settings_config_key gives the setting's key for a section and key of the
 * file, or NULL; settings_config_section says whether a section holds settings. */
const char *settings_config_key(const char *section, const char *name);
int settings_config_section(const char *section);
/* The office's name for report headers: the setting, else a generic name in the current
 * language ("Dinas Koperasi dan UMKM"). */
const char *settings_office_name(const struct ht_settings *s);

#endif

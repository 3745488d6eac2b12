/* The daemon's configuration: one table of keys (name, type, offset, flags, default),
 * parsed from an INI file with libinih, validated, and swappable on reload. */
#ifndef HALALTRACK_CFG_H
#define HALALTRACK_CFG_H

#include <stddef.h>
#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/settings.h"
#include "halaltrack/stage.h"

/* Flags of a key. */
#define CFG_NO_RELOAD 1u /* a change on reload is logged and ignored */
#define CFG_SECRET 2u    /* the value is never printed nor logged */
#define CFG_REQUIRED 4u  /* the key must be given */

enum cfg_type { CFG_STR, CFG_INT, CFG_SECS, CFG_DOUBLE, CFG_BOOL };

struct cfg {
    /* [api] */
    char *base_url;
    char *auth_url;           /* "" = base_url; the host of POST /api/authenticate */
    char *facilitation_codes; /* "" = the whole list the account may see */
    char *email;
    char *password_file;
    char *password_env;
    char *ca_file;
    int tls_verify; /* 0: the API certificate is not verified (logged at start) */
    int allow_insecure_http; /* 1: http:// to a host that is not loopback (logged) */
    long connect_timeout;    /* seconds */
    long timeout;            /* seconds, whole transfer */
    long page_size;
    long max_pages;    /* a sweep reads at most this many pages */
    long auth_backoff; /* seconds after a refused login, doubling per refusal */
    long concurrency;
    long max_retries;
    long backoff_base_ms;
    long backoff_max_ms;
    long retry_after_max; /* seconds */
    long breaker_threshold;
    long breaker_cooldown; /* seconds */
    double rate;           /* requests per second, shared by every daemon */
    double burst;
    /* [public_search] (issue 14; docs/coverage.md) */
    char *ps_base_url; /* "" = off */
    double ps_rate;    /* requests per second, shared by every daemon */
    double ps_burst;
    long ps_interval;      /* seconds between two searches for one MSME */
    long ps_batch;         /* MSMEs searched per cycle */
    long ps_pages;         /* pages read per search term */
    double ps_auto_accept; /* scores from here are accepted automatically */
    double ps_review_min;  /* from here a person decides */
    /* [poll] */
    long cycle;                    /* seconds between cycles */
    long stage_poll[STAGE__COUNT]; /* seconds between detail polls, per stage */
    /* [database] */
    char *conninfo;
    char *schema;
    long statement_timeout; /* seconds */
    long batch_size;
    long lease; /* seconds */
    /* [http] */
    char *listen;
    long ready_max_age; /* seconds: /readyz fails when the last good cycle is older; 0 off
                         */
    /* [retention]: seconds a row is kept (0: for ever), pruned once a day */
    long keep_budget_grant;
    long keep_sync_run;
    long keep_quarantine_resolved;
    long keep_self_service_attempt;
    /* [log] */
    char *log_level;
    char *log_file;
    /* [daemon] */
    char *name;
    /* Resolved at load: the API password (from password_file or the environment). */
    char *password;
    /* [stage_map]: code=stage pairs, part of cfg_stage_map's map. */
    size_t nmap;
    char **map_code;
    char **map_stage;
    /* [office] name, [calendar] cuti_bersama, [sla] rules: the settings the reports and
     * views share, copied into the database by `halaltrack db migrate --config`. */
    struct ht_settings settings;
    /* [status_labels]: label=code pairs, part of cfg_stage_map's map. */
    size_t nlabel;
    char **label_text;
    char **label_code;
    /* Where it came from. */
    char *path;
};

struct cfg_key {
    const char *section;
    const char *name;
    enum cfg_type type;
    size_t offset;
    unsigned flags;
    const char *def; /* NULL: no default */
};

/* Loads and validates path into a new struct cfg. Every error names the file, the line
 * and the key: unknown key or section, bad value, missing required key, a password file
 * readable by group or others. Returns NULL on failure with err set. Secrets never
 * appear in err. */
struct cfg *cfg_load(const char *path, struct ht_err *err) HT_MUSTCHECK;
void cfg_free(struct cfg *c);
/* The [stage_map] and [status_labels] entries as a new map (halaltrack/stage.h) for the
 * syncer to hold; NULL (err set) on failure. */
struct stage_map *cfg_stage_map(const struct cfg *c, struct ht_err *err);
/* Reads only the [stage_map] and [status_labels] sections of a config file (other
 * sections are not checked) and adds their mappings to m. For tools that replay
 * quarantine without the daemon's secrets. Returns 0 or -1 (err names file:line). */
int cfg_read_stage_map(const char *path, struct stage_map *m,
                       struct ht_err *err) HT_MUSTCHECK;
/* Reads only the [office], [calendar] and [sla] sections of a config file (other sections
 * are not checked) into out (defaults for what is not given). For `halaltrack db migrate
 * --config`, which has no need of the daemon's secrets. Returns 0 or -1 (err names
 * file:line). */
int cfg_read_settings(const char *path, struct ht_settings *out,
                      struct ht_err *err) HT_MUSTCHECK;
/* Logs (warn) every CFG_NO_RELOAD key whose value differs and copies the old value into
 * next so the change is ignored. */
void cfg_keep_no_reload(const struct cfg *old, struct cfg *next);
/* Writes "section.key = value" lines for every key; secrets as "(secret)". */
void cfg_dump(const struct cfg *c, FILE *out);
/* api.base_url holds one or more base URLs (mirrors of the same API) separated by spaces
 * or commas. count returns how many; at copies the i-th (without a trailing '/') into out
 * and returns 0, or -1 when there is no such URL or it does not fit. */
size_t cfg_base_url_count(const struct cfg *c);
int cfg_base_url_at(const struct cfg *c, size_t i, char *out, size_t outsz);
/* The same for the authentication host: api.auth_url, or api.base_url when unset. */
size_t cfg_auth_url_count(const struct cfg *c);
int cfg_auth_url_at(const struct cfg *c, size_t i, char *out, size_t outsz);
/* Items of a list value (spaces or commas between them): count, and the i-th into out
 * (0, or -1 when absent or too long). Used for api.facilitation_codes. */
size_t cfg_list_count(const char *list);
int cfg_list_at(const char *list, size_t i, char *out, size_t outsz);
/* The [poll] intervals of the key table's defaults, per stage (seconds). */
void cfg_stage_poll_defaults(long out[STAGE__COUNT]);
/* True when the host of url is a loopback address (127.0.0.0/8, ::1, localhost). */
int cfg_url_is_loopback(const char *url);
/* Copies url into out with any user:password@ part replaced by "***@" (for logs). */
void cfg_url_redact(const char *url, char *out, size_t outsz);
/* Parses a duration "90", "90s", "5m", "2h", "1d" into seconds. */
int cfg_parse_secs(const char *s, long *out, struct ht_err *err) HT_MUSTCHECK;
/* The default of a duration key (section, name) in seconds, from the key table; 0 when
 * the key is unknown, not a duration or has no default. For tools that apply the daemon's
 * defaults without its configuration (`halaltrack db prune`). */
long cfg_default_secs(const char *section, const char *name);

#endif

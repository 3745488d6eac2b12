/* The legal steps of halal certification, per path: which status codes a step spans on
 * which channel, who holds the file in each code, the step's limit in working days, what
 * extends it and who takes over when it runs out (docs/reports.md "The step model";
 * shared/domain/sihalal-evidence.md). The status codes themselves (stage, label) are in
 * halaltrack/stage.h. Pure.
 *
 * A step is a legal step, not a status code: one step spans several codes (reguler
 * verification is OF10 and OF11), and one code belongs to different steps and parties on
 * different paths (OF10 is BPJPH's verification on reguler, the Pendamping PPH's
 * pendampingan on self-declare). The clock of a step starts at its first code and ends at
 * the first code of the next step. */
#ifndef HALALTRACK_STEPS_H
#define HALALTRACK_STEPS_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/stage.h"

/* Who holds a file: the party whose move it is. */
enum ht_waits_on {
    WAITS_NONE = 0,
    WAITS_MSME,        /* the business (pelaku usaha) */
    WAITS_FACILITATOR, /* the facilitator paying the invoice (CH002) */
    WAITS_BPJPH,
    WAITS_LPH,
    WAITS_P3H,    /* Pendamping PPH and its LP3H (self-declare) */
    WAITS_FATWA,  /* Komisi Fatwa MUI (reguler) */
    WAITS_KOMITE, /* Komite Fatwa Produk Halal */
    WAITS__COUNT
};
/* Stable names: "none" "msme" "facilitator" "bpjph" "lph" "p3h" "fatwa" "komite_fatwa".
 */
const char *stage_waits_on_name(enum ht_waits_on w);
/* Parses a stable name; WAITS_NONE for anything else. */
enum ht_waits_on stage_waits_on_parse(const char *name);
/* Human label of the party, in the current language (gettext). */
const char *stage_waits_on_label(enum ht_waits_on w);

/* Certification paths, from the channel: reguler (CH001 mandiri, CH002 fasilitasi),
 * self-declare (CH003 via Pendamping PPH, CH004 mandiri, paid). */
enum ht_path { PATH_UNKNOWN = 0, PATH_REGULER, PATH_SELF_DECLARE, PATH__COUNT };
/* "unknown" "reguler" "self_declare". */
const char *path_name(enum ht_path p);

/* The channels SIHALAL reports (ref CHANL). */
struct channel_def {
    const char *channel;    /* "CH001" */
    enum ht_path path;      /* reguler or self-declare */
    enum ht_waits_on payer; /* who pays the invoice on this channel */
    const char *label;      /* msgid, e.g. "reguler via facilitation" */
};
/* The channel's row, or NULL for a channel that is not CH001..CH004 (or NULL). */
const struct channel_def *channel_lookup(const char *channel);
/* The path of a channel; PATH_UNKNOWN for any other value. */
enum ht_path channel_path(const char *channel);
size_t channel_count(void);
const struct channel_def *channel_at(size_t i);

/* Where UU 6/2023 and PP 42/2024 differ (the LPH's inspection: 10 working days for a
 * domestic product in PP 42/2024 Pasal 82 against 15 in UU 6/2023 Pasal 31), which one
 * the clocks apply. Stored in the database (setting "sla_rules"); PP 42/2024 by default.
 */
enum sla_rules { SLA_PP42_2024 = 0, SLA_UU6_2023, SLA__COUNT };
/* "pp42_2024" "uu6_2023". */
const char *sla_rules_name(enum sla_rules r);
int sla_rules_parse(const char *name, enum sla_rules *out);

enum ht_step {
    STEP_DRAFT = 0,      /* the business fills the application in */
    STEP_PAYMENT,        /* the payer pays the invoice */
    STEP_VERIFICATION,   /* reguler: BPJPH checks the documents */
    STEP_LPH_ASSIGNMENT, /* reguler: BPJPH assigns the LPH */
    STEP_COST,           /* reguler: the LPH sets the inspection cost */
    STEP_INSPECTION,     /* reguler: the LPH inspects and tests */
    STEP_FATWA,          /* reguler: the fatwa session (Komisi Fatwa, then Komite) */
    STEP_PENDAMPINGAN,   /* self-declare: the Pendamping PPH verifies and validates */
    STEP_KOMITE_FATWA,   /* self-declare: the Komite Fatwa decides */
    STEP_ISSUANCE,       /* BPJPH issues the certificate */
    STEP_CERTIFIED,
    STEP_RETURNED, /* returned to the business for revision */
    STEP_REJECTED,
    STEP_CANCELLED,
    STEP_UNKNOWN, /* a code with no step on its path */
    STEP__COUNT
};

#define STEP_LAW_MAX 3

struct step_def {
    enum ht_step step;
    const char *name;          /* stable machine name, e.g. "pendampingan" */
    enum ht_waits_on holder;   /* who holds it (a payment step: the channel's payer) */
    int limit[SLA__COUNT];     /* working days under each rule set; 0 = no legal clock */
    int extension_days;        /* the most an extension on request adds (0: none) */
    enum ht_waits_on takeover; /* who takes over when the limit runs out (or NONE) */
    int takeover_days;         /* working days the taker has, after the limit */
    int paused;                /* held by the business or the payer: no legal clock */
    int terminal;              /* certified, rejected, cancelled */
    const char *law;   /* where the limit comes from, e.g. "UU 6/2023 Pasal 29(3)" */
    const char *label; /* English msgid; steps_label() translates */
};

/* The definition of a step. Never NULL (STEP_UNKNOWN's for an invalid value). */
const struct step_def *step_def_get(enum ht_step st);
/* "verification" etc. */
const char *step_name(enum ht_step st);
int step_parse(const char *name, enum ht_step *out);
/* The step's label in the current language. */
const char *step_label(enum ht_step st);
/* ...and in a given language ("id" or "en"), for the generated SQL table. */
const char *step_label_in(enum ht_step st, const char *lang);
/* The limit of a step on a path under a rule set: 0 for a paused or terminal step, and on
 * an unknown path (whose step it is depends on the path). */
int step_limit(enum ht_step st, enum ht_path path, enum sla_rules rules);

/* What a status code means on a channel: its step, who holds the file, and the business's
 * next step. */
struct step_at {
    enum ht_step step;
    enum ht_waits_on holder;
    const char *next; /* msgid of the business's next step; steps_next() translates */
};

/* Resolves a status code of the built-in table on a channel (any string: an unknown
 * channel resolves with PATH_UNKNOWN rules). A code the step table does not place on the
 * channel's path resolves by its stage (as a code mapped from config does): see
 * steps_resolve_stage. Never fails. */
struct step_at steps_resolve(const char *channel, const char *code, enum ht_stage stage);
/* The step a stage stands for on a channel, for codes the table does not list (mapped
 * from config, or on an unexpected path). */
struct step_at steps_resolve_stage(const char *channel, enum ht_stage stage);
/* The translated next step of a resolution (never NULL). */
const char *steps_next(const struct step_at *a);

/* The channel to read the step table with: the channel itself when it is CH001..CH004;
 * else the path the file's codes show, as that path's usual channel (reguler: CH001,
 * self-declare: CH003), or NULL when they show neither or both. paths_seen is the OR of
 * the STAGE_PATH_* sets of the codes that occur on one path only (see
 * steps_code_evidence). */
const char *steps_channel_key(const char *channel, unsigned paths_seen);
/* What a code tells about the path: its STAGE_PATH_* set when it occurs on one path only
 * (OF11, OF60 reguler; OF71, OF72 self-declare...), else 0. */
unsigned steps_code_evidence(const char *code);

/* The channel keys of the generated SQL table step_code: CH001..CH004 and "*" (any other
 * channel). */
size_t steps_channel_key_count(void);
const char *steps_channel_key_at(size_t i);

#endif

/* The single table of SIHALAL status codes and canonical stages (DESIGN.md "Stage model";
 * codes and labels from shared/domain/halal-certification.md §1.3). */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "stage_map.h"
#include "halaltrack/banned.h"

/* The funnel's grouping of the codes. Who holds a file and for how long is per legal step
 * and per path (lib/steps.c), not per code or stage. */
static const struct stage_def stage_defs[STAGE__COUNT] = {
    {STAGE_NOT_APPLIED, "not_applied", 0, N_("Not applied")},
    {STAGE_DRAFT, "draft", 0, N_("Draft")},
    {STAGE_SUBMITTED, "submitted", 0, N_("Submitted")},
    {STAGE_VERIFICATION, "verification", 0, N_("BPJPH verification")},
    {STAGE_LPH_ASSIGNMENT, "lph_assignment", 0, N_("LPH assignment and payment")},
    {STAGE_INSPECTION, "inspection", 0, N_("LPH inspection")},
    {STAGE_PPH_VERIFICATION, "pph_verification", 0,
     N_("Pendamping PPH verification (P3H/LP3H)")},
    {STAGE_FATWA, "fatwa", 0, N_("Fatwa session")},
    {STAGE_ISSUANCE, "issuance", 0, N_("Certificate issuance")},
    {STAGE_CERTIFIED, "certified", 1, N_("Halal certified")},
    {STAGE_RETURNED, "returned", 0, N_("Returned for revision")},
    {STAGE_REJECTED, "rejected", 1, N_("Rejected")},
    {STAGE_CANCELLED, "cancelled", 1, N_("Cancelled")},
    {STAGE_UNKNOWN, "unknown", 0, N_("Unknown status")},
};

#define R STAGE_PATH_REGULER
#define S STAGE_PATH_SELF_DECLARE
#define B STAGE_PATH_BOTH

static const struct stage_code builtin_codes[] = {
    {"OF1", STAGE_DRAFT, B, NC_("status code", "Draft")},
    {"OF2", STAGE_RETURNED, B, NC_("status code", "Returned")},
    {"OF5", STAGE_LPH_ASSIGNMENT, R, NC_("status code", "Invoice issued")},
    {"OF10", STAGE_SUBMITTED, B, NC_("status code", "Submitted")},
    {"OF11", STAGE_VERIFICATION, R, NC_("status code", "Verification")},
    {"OF12", STAGE_LPH_ASSIGNMENT, R, NC_("status code", "LPH verification")},
    {"OF15", STAGE_VERIFICATION, R, NC_("status code", "Verified")},
    {"OF50", STAGE_LPH_ASSIGNMENT, R, NC_("status code", "Sent to LPH")},
    {"OF55", STAGE_LPH_ASSIGNMENT, R, NC_("status code", "Cost being set")},
    {"OF56", STAGE_LPH_ASSIGNMENT, B, NC_("status code", "Payment")},
    {"OF60", STAGE_INSPECTION, R, NC_("status code", "Inspection at LPH")},
    {"OF70", STAGE_INSPECTION, R, NC_("status code", "Inspection done")},
    {"OF71", STAGE_PPH_VERIFICATION, S, NC_("status code", "P3H done")},
    {"OF72", STAGE_PPH_VERIFICATION, S, NC_("status code", "LP3H verification")},
    {"OF74", STAGE_FATWA, B, NC_("status code", "Sent to Komite Fatwa")},
    {"OF75", STAGE_FATWA, R, NC_("status code", "Sent to Komisi Fatwa")},
    {"OF80", STAGE_FATWA, R, NC_("status code", "Received by Komisi Fatwa")},
    {"OF100", STAGE_FATWA, B, NC_("status code", "Fatwa session done")},
    {"OF120", STAGE_ISSUANCE, B, NC_("status code", "Certificate being issued")},
    {"OF280", STAGE_RETURNED, B, NC_("status code", "Returned to business")},
    {"OF285", STAGE_RETURNED, B, NC_("status code", "Returned by the fatwa body")},
    {"OF290", STAGE_REJECTED, B, NC_("status code", "Rejected")},
    {"OF300", STAGE_CERTIFIED, B, NC_("status code", "Halal certificate issued")},
    {"OF900", STAGE_CANCELLED, B, NC_("status code", "Cancelled")},
};

#undef R
#undef S
#undef B

const struct stage_def *stage_def_get(enum ht_stage st)
{
    if ((unsigned)st >= STAGE__COUNT)
        st = STAGE_UNKNOWN;
    return &stage_defs[st];
}

const char *stage_name(enum ht_stage st)
{
    return stage_def_get(st)->name;
}

int stage_parse(const char *name, enum ht_stage *out)
{
    for (int i = 0; name && i < STAGE__COUNT; i++) {
        if (strcmp(stage_defs[i].name, name) == 0) {
            *out = (enum ht_stage)i;
            return 0;
        }
    }
    return -1;
}

int stage_code_wellformed(const char *code)
{
    size_t n;

    if (!code || code[0] != 'O' || code[1] != 'F')
        return 0;
    n = strlen(code + 2);
    if (n < 1 || n > 4)
        return 0;
    for (size_t i = 2; code[i]; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return 1;
}

const struct stage_code *stage_lookup(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < HT_ARRAY_LEN(builtin_codes); i++)
        if (strcmp(builtin_codes[i].code, code) == 0)
            return &builtin_codes[i];
    return NULL;
}

enum ht_stage stage_of_code(const char *code)
{
    return stage_map_stage_of(NULL, code);
}

size_t stage_code_count(void)
{
    return HT_ARRAY_LEN(builtin_codes);
}

const struct stage_code *stage_code_at(size_t i)
{
    return i < HT_ARRAY_LEN(builtin_codes) ? &builtin_codes[i] : NULL;
}

struct stage_map *stage_map_new(void)
{
    return calloc(1, sizeof(struct stage_map));
}

void stage_map_free(struct stage_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ncodes; i++)
        free((char *)m->codes[i].code);
    free(m->codes);
    for (size_t i = 0; i < m->nlabels; i++) {
        free((char *)m->labels[i].label);
        free((char *)m->labels[i].code);
    }
    free(m->labels);
    free(m);
}

const struct stage_code *stage_map_lookup(const struct stage_map *m, const char *code)
{
    const struct stage_code *c = stage_lookup(code);

    for (size_t i = 0; !c && m && code && i < m->ncodes; i++)
        if (strcmp(m->codes[i].code, code) == 0)
            c = &m->codes[i];
    return c;
}

enum ht_stage stage_map_stage_of(const struct stage_map *m, const char *code)
{
    const struct stage_code *c = stage_map_lookup(m, code);

    return c ? c->stage : STAGE_UNKNOWN;
}

int stage_map_add(struct stage_map *m, const char *code, const char *stage,
                  struct ht_err *err)
{
    enum ht_stage st;
    struct stage_code *grown;
    const struct stage_def *d;
    char *dup;

    if (!stage_code_wellformed(code)) {
        ht_err_set(err, HT_EINVAL,
                   "'%s' is not a status code (expected OF followed by digits)",
                   code ? code : "");
        return -1;
    }
    if (stage_parse(stage, &st) < 0 || st == STAGE_UNKNOWN || st == STAGE_NOT_APPLIED) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a stage a status code can map to", stage);
        return -1;
    }
    if (stage_lookup(code)) {
        ht_err_set(err, HT_EINVAL,
                   "'%s' is a built-in status code and cannot be remapped", code);
        return -1;
    }
    d = stage_def_get(st);
    for (size_t i = 0; i < m->ncodes; i++) {
        if (strcmp(m->codes[i].code, code) == 0) {
            m->codes[i].stage = st;
            m->codes[i].label = d->label;
            return 0;
        }
    }
    if (!(dup = strdup(code)) ||
        !(grown = realloc(m->codes, (m->ncodes + 1) * sizeof(*m->codes)))) {
        free(dup);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    m->codes = grown;
    m->codes[m->ncodes++] = (struct stage_code){dup, st, STAGE_PATH_BOTH, d->label};
    return 0;
}

size_t stage_map_code_count(const struct stage_map *m)
{
    return HT_ARRAY_LEN(builtin_codes) + (m ? m->ncodes : 0);
}

const struct stage_code *stage_map_code_at(const struct stage_map *m, size_t i)
{
    if (i < HT_ARRAY_LEN(builtin_codes))
        return &builtin_codes[i];
    i -= HT_ARRAY_LEN(builtin_codes);
    return m && i < m->ncodes ? &m->codes[i] : NULL;
}

const char *stage_code_label(const struct stage_code *c)
{
    return i18n_pgettext(c->label);
}

const char *stage_code_label_in(const struct stage_code *c, const char *lang)
{
    const char *t = i18n_gettext_in(lang, c->label);
    const char *eot = strchr(t, '');

    return eot ? eot + 1 : t;
}

const char *stage_label(enum ht_stage st)
{
    return _(stage_def_get(st)->label);
}

const char *stage_label_in(enum ht_stage st, const char *lang)
{
    return i18n_gettext_in(lang, stage_def_get(st)->label);
}

/* The single table of SIHALAL status codes and canonical stages (DESIGN.md "Stage model";
 * codes and labels from shared/domain/halal-certification.md §1.3, limits from §5.3). */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/banned.h"

/* Legal limits in working days (UU 6/2023): verification 1, LPH assignment 1, inspection
 * 15, P3H assistance 10, fatwa 3 (Komite Fatwa for self-declare 1), issuance 1. */
static const struct stage_def stage_defs[STAGE__COUNT] = {
    {STAGE_NOT_APPLIED, "not_applied", WAITS_MSME, 0, 0, 0, N_("Not applied")},
    {STAGE_DRAFT, "draft", WAITS_MSME, 0, 0, 0, N_("Draft")},
    {STAGE_SUBMITTED, "submitted", WAITS_BPJPH, 1, 0, 0, N_("Submitted")},
    {STAGE_VERIFICATION, "verification", WAITS_BPJPH, 1, 0, 0, N_("BPJPH verification")},
    {STAGE_LPH_ASSIGNMENT, "lph_assignment", WAITS_LPH, 1, 0, 0,
     N_("LPH assignment and payment")},
    {STAGE_INSPECTION, "inspection", WAITS_LPH, 15, 0, 0, N_("LPH inspection")},
    {STAGE_PPH_VERIFICATION, "pph_verification", WAITS_P3H, 10, 0, 0,
     N_("Halal assistant verification (P3H/LP3H)")},
    {STAGE_FATWA, "fatwa", WAITS_FATWA, 3, 0, 0, N_("Fatwa session")},
    {STAGE_ISSUANCE, "issuance", WAITS_BPJPH, 1, 0, 0, N_("Certificate issuance")},
    {STAGE_CERTIFIED, "certified", WAITS_NONE, 0, 1, 0, N_("Halal certified")},
    {STAGE_RETURNED, "returned", WAITS_MSME, 0, 0, 1, N_("Returned for revision")},
    {STAGE_REJECTED, "rejected", WAITS_NONE, 0, 1, 0, N_("Rejected")},
    {STAGE_CANCELLED, "cancelled", WAITS_NONE, 0, 1, 0, N_("Cancelled")},
    {STAGE_UNKNOWN, "unknown", WAITS_NONE, 0, 0, 0, N_("Unknown status")},
};

#define R STAGE_PATH_REGULER
#define S STAGE_PATH_SELF_DECLARE
#define B STAGE_PATH_BOTH

static const struct stage_code builtin_codes[] = {
    {"OF1", STAGE_DRAFT, B, WAITS_MSME, 0, NC_("status code", "Draft"),
     N_("Complete the application in SIHALAL, then submit it.")},
    {"OF2", STAGE_RETURNED, B, WAITS_MSME, 0, NC_("status code", "Returned"),
     N_("Fix the data as the reviewer's note in SIHALAL says, then resubmit.")},
    {"OF5", STAGE_LPH_ASSIGNMENT, R, WAITS_MSME, 0, NC_("status code", "Invoice issued"),
     N_("The invoice is issued: pay it (or make sure the facilitator pays) so that the "
        "inspection can start.")},
    {"OF10", STAGE_SUBMITTED, B, WAITS_BPJPH, 1, NC_("status code", "Submitted"),
     N_("Nothing to do: BPJPH is checking that your documents are complete.")},
    {"OF11", STAGE_VERIFICATION, B, WAITS_BPJPH, 1, NC_("status code", "Verification"),
     N_("Nothing to do: BPJPH is verifying your application.")},
    {"OF12", STAGE_LPH_ASSIGNMENT, R, WAITS_LPH, 1,
     NC_("status code", "LPH verification"),
     N_("Nothing to do: the inspection body (LPH) is verifying your application.")},
    {"OF15", STAGE_VERIFICATION, B, WAITS_BPJPH, 1, NC_("status code", "Verified"),
     N_("Nothing to do: the documents are complete and BPJPH will assign an inspection "
        "body.")},
    {"OF50", STAGE_LPH_ASSIGNMENT, R, WAITS_LPH, 1, NC_("status code", "Sent to LPH"),
     N_("Wait for the inspection body (LPH) to set the inspection cost; have the payment "
        "ready.")},
    {"OF55", STAGE_LPH_ASSIGNMENT, R, WAITS_LPH, 1, NC_("status code", "Cost being set"),
     N_("Wait for the invoice from BPJPH, then pay it through the Virtual Account.")},
    {"OF56", STAGE_LPH_ASSIGNMENT, B, WAITS_MSME, 0, NC_("status code", "Payment"),
     N_("Pay the certification invoice through the Virtual Account shown in SIHALAL.")},
    {"OF60", STAGE_INSPECTION, R, WAITS_LPH, 15, NC_("status code", "Inspection at LPH"),
     N_("Get the premises, ingredients and documents ready for the LPH audit and "
        "accompany "
        "the auditor.")},
    {"OF70", STAGE_INSPECTION, R, WAITS_LPH, 15, NC_("status code", "Inspection done"),
     N_("Nothing to do: the inspection report is on its way to the fatwa session.")},
    {"OF71", STAGE_PPH_VERIFICATION, S, WAITS_P3H, 10, NC_("status code", "P3H done"),
     N_("Nothing to do: your halal assistant's result is being verified by the LP3H.")},
    {"OF72", STAGE_PPH_VERIFICATION, S, WAITS_P3H, 10,
     NC_("status code", "LP3H verification"),
     N_("Nothing to do: the LP3H is verifying the assistance result.")},
    {"OF74", STAGE_FATWA, S, WAITS_FATWA, 1, NC_("status code", "Sent to Komite Fatwa"),
     N_("Nothing to do: the Komite Fatwa is deciding the halal status of your "
        "products.")},
    {"OF75", STAGE_FATWA, R, WAITS_FATWA, 3, NC_("status code", "Sent to Komisi Fatwa"),
     N_("Nothing to do: the application waits for the fatwa session.")},
    {"OF80", STAGE_FATWA, R, WAITS_FATWA, 3,
     NC_("status code", "Received by Komisi Fatwa"),
     N_("Nothing to do: the fatwa session is under way.")},
    {"OF100", STAGE_FATWA, B, WAITS_BPJPH, 1, NC_("status code", "Fatwa session done"),
     N_("Nothing to do: BPJPH will issue the certificate.")},
    {"OF120", STAGE_ISSUANCE, B, WAITS_BPJPH, 1,
     NC_("status code", "Certificate being issued"),
     N_("Nothing to do: the certificate is being issued.")},
    {"OF280", STAGE_RETURNED, B, WAITS_MSME, 0,
     NC_("status code", "Returned to business"),
     N_("Revise the application as the note in SIHALAL says, then resubmit. The legal "
        "clock "
        "is "
        "paused until you resubmit.")},
    {"OF285", STAGE_RETURNED, B, WAITS_MSME, 0,
     NC_("status code", "Returned by the fatwa body"),
     N_("Revise the application as the fatwa body's note in SIHALAL says, then resubmit. "
        "The "
        "legal clock is paused until you resubmit.")},
    {"OF290", STAGE_REJECTED, B, WAITS_NONE, 0, NC_("status code", "Rejected"),
     N_("The application was rejected. Contact the cooperative and MSME office for help "
        "before applying again.")},
    {"OF300", STAGE_CERTIFIED, B, WAITS_NONE, 0,
     NC_("status code", "Halal certificate issued"),
     N_("Download the certificate and the halal label in SIHALAL, then put the label on "
        "your "
        "packaging.")},
    {"OF900", STAGE_CANCELLED, B, WAITS_NONE, 0, NC_("status code", "Cancelled"),
     N_("The application was cancelled. Apply again if you still need a halal "
        "certificate.")},
};

#undef R
#undef S
#undef B

/* Mappings added from config ([stage_map]); they only cover codes the table lacks. */
static struct stage_code *extra;
static size_t nextra;

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

const char *stage_waits_on_name(enum ht_waits_on w)
{
    static const char *const names[WAITS__COUNT] = {"none", "msme", "bpjph",
                                                    "lph",  "p3h",  "fatwa"};
    return (unsigned)w < WAITS__COUNT ? names[w] : "none";
}

const char *stage_waits_on_label(enum ht_waits_on w)
{
    switch (w) {
    case WAITS_MSME:
        return _("MSME (business owner)");
    case WAITS_BPJPH:
        return _("BPJPH");
    case WAITS_LPH:
        return _("LPH (inspection body)");
    case WAITS_P3H:
        return _("P3H/LP3H (halal assistant)");
    case WAITS_FATWA:
        return _("fatwa body");
    default:
        return _("nobody");
    }
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
    for (size_t i = 0; i < nextra; i++)
        if (strcmp(extra[i].code, code) == 0)
            return &extra[i];
    return NULL;
}

enum ht_stage stage_of_code(const char *code)
{
    const struct stage_code *c = stage_lookup(code);

    return c ? c->stage : STAGE_UNKNOWN;
}

int stage_add_mapping(const char *code, const char *stage, struct ht_err *err)
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
    for (size_t i = 0; i < HT_ARRAY_LEN(builtin_codes); i++) {
        if (strcmp(builtin_codes[i].code, code) == 0) {
            ht_err_set(err, HT_EINVAL,
                       "'%s' is a built-in status code and cannot be remapped", code);
            return -1;
        }
    }
    d = stage_def_get(st);
    for (size_t i = 0; i < nextra; i++) {
        if (strcmp(extra[i].code, code) == 0) {
            extra[i].stage = st;
            extra[i].waits_on = d->waits_on;
            extra[i].limit_days = d->limit_days;
            extra[i].label = d->label;
            return 0;
        }
    }
    if (!(dup = strdup(code)) ||
        !(grown = realloc(extra, (nextra + 1) * sizeof(*extra)))) {
        free(dup);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    extra = grown;
    extra[nextra] = (struct stage_code){
        dup, st, STAGE_PATH_BOTH, d->waits_on, d->limit_days, d->label, NULL};
    nextra++;
    return 0;
}

void stage_clear_mappings(void)
{
    for (size_t i = 0; i < nextra; i++)
        free((char *)extra[i].code);
    free(extra);
    extra = NULL;
    nextra = 0;
}

size_t stage_code_count(void)
{
    return HT_ARRAY_LEN(builtin_codes) + nextra;
}

const struct stage_code *stage_code_at(size_t i)
{
    if (i < HT_ARRAY_LEN(builtin_codes))
        return &builtin_codes[i];
    i -= HT_ARRAY_LEN(builtin_codes);
    return i < nextra ? &extra[i] : NULL;
}

const char *stage_code_label(const struct stage_code *c)
{
    return i18n_pgettext(c->label);
}

const char *stage_code_next(const struct stage_code *c)
{
    /* Mapped codes from config have no sentence of their own: use the stage's. */
    if (!c->next) {
        for (size_t i = 0; i < HT_ARRAY_LEN(builtin_codes); i++)
            if (builtin_codes[i].stage == c->stage)
                return _(builtin_codes[i].next);
        return "";
    }
    return _(c->next);
}

const char *stage_label(enum ht_stage st)
{
    return _(stage_def_get(st)->label);
}

const char *stage_label_in(enum ht_stage st, const char *lang)
{
    return i18n_gettext_in(lang, stage_def_get(st)->label);
}

/* The legal steps per path: codes, holders, limits, extensions, takeovers and the
 * business's next step (docs/reports.md "The step model").
 *
 * Sources of the limits (working days):
 * - UU 6/2023 (Perppu 2/2022 made law), id.wikisource pp. 317-320: Pasal 29(3) BPJPH
 *   verifies the application in 1; Pasal 30(2) BPJPH assigns the LPH in 1; Pasal 31 the
 * LPH inspects in 15, extendable on request (31(4)); Pasal 33(3) the fatwa session
 * decides in 3 after receiving the LPH's result, else (33(5)) the Komite Fatwa decides,
 * in 2 more (33(6)); Pasal 33A(3) the pendampingan of a self-declare application ends
 * within 10 of its submission, and (33A(2)) the Komite Fatwa decides within 1 of
 * receiving its result; Pasal 35 BPJPH issues the certificate within 1 of the fatwa.
 * - PP 42/2024 Pasal 82, as LPPOM MUI explained it (jpnn.com, 19 Mar 2025): the LPH
 * states the cost within 2; the domestic inspection takes at most 10 (15 abroad),
 * extendable by at most 10; BPJPH has applied these limits to reguler files in SIHALAL
 * since 5 Jan 2026 (disi.co.id). Where PP 42/2024 and UU 6/2023 differ (inspection 10 vs
 * 15) the setting sla_rules chooses; PP 42/2024 is the default because it is the
 * implementing rule BPJPH enforces, within the law's ceiling. Which code belongs to which
 * step: shared/domain/halal-certification.md §1.3 (the likely state machine) and
 * sihalal-evidence.md (the P3H queues OF10/CH003 and OF56/CH004). */
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/steps.h"
#include "halaltrack/banned.h"

static const char *const waits_names[WAITS__COUNT] = {
    "none", "msme", "facilitator", "bpjph", "lph", "p3h", "fatwa", "komite_fatwa"};

const char *stage_waits_on_name(enum ht_waits_on w)
{
    return (unsigned)w < WAITS__COUNT ? waits_names[w] : "none";
}

enum ht_waits_on stage_waits_on_parse(const char *name)
{
    for (int i = 0; name && i < WAITS__COUNT; i++)
        if (strcmp(waits_names[i], name) == 0)
            return (enum ht_waits_on)i;
    return WAITS_NONE;
}

const char *stage_waits_on_label(enum ht_waits_on w)
{
    switch (w) {
    case WAITS_MSME:
        return _("MSME (business owner)");
    case WAITS_FACILITATOR:
        return _("facilitator (pays the invoice)");
    case WAITS_BPJPH:
        return _("BPJPH");
    case WAITS_LPH:
        return _("LPH (inspection body)");
    case WAITS_P3H:
        return _("Pendamping PPH (P3H/LP3H)");
    case WAITS_FATWA:
        return _("Komisi Fatwa MUI");
    case WAITS_KOMITE:
        return _("Komite Fatwa");
    default:
        return _("nobody");
    }
}

const char *path_name(enum ht_path p)
{
    static const char *const names[PATH__COUNT] = {"unknown", "reguler", "self_declare"};

    return (unsigned)p < PATH__COUNT ? names[p] : "unknown";
}

/* Channels (S1 ref CHANL, halal-certification.md §1.4): CH002 is the facilitated reguler
 * path, whose invoice the facilitator pays; CH004 is self-declare paid by the business
 * (Rp230,000, Keputusan Kepala BPJPH 80/2024). */
static const struct channel_def channels[] = {
    {"CH001", PATH_REGULER, WAITS_MSME, N_("reguler, independent")},
    {"CH002", PATH_REGULER, WAITS_FACILITATOR, N_("reguler via facilitation")},
    {"CH003", PATH_SELF_DECLARE, WAITS_MSME, N_("self-declare via Pendamping PPH")},
    {"CH004", PATH_SELF_DECLARE, WAITS_MSME, N_("self-declare, independent (paid)")},
};

const struct channel_def *channel_lookup(const char *channel)
{
    for (size_t i = 0; channel && i < HT_ARRAY_LEN(channels); i++)
        if (strcmp(channels[i].channel, channel) == 0)
            return &channels[i];
    return NULL;
}

enum ht_path channel_path(const char *channel)
{
    const struct channel_def *c = channel_lookup(channel);

    return c ? c->path : PATH_UNKNOWN;
}

size_t channel_count(void)
{
    return HT_ARRAY_LEN(channels);
}

const struct channel_def *channel_at(size_t i)
{
    return i < HT_ARRAY_LEN(channels) ? &channels[i] : NULL;
}

const char *sla_rules_name(enum sla_rules r)
{
    return r == SLA_UU6_2023 ? "uu6_2023" : "pp42_2024";
}

int sla_rules_parse(const char *name, enum sla_rules *out)
{
    if (name && strcmp(name, "pp42_2024") == 0)
        *out = SLA_PP42_2024;
    else if (name && strcmp(name, "uu6_2023") == 0)
        *out = SLA_UU6_2023;
    else
        return -1;
    return 0;
}

/* limit = {PP 42/2024 rules, UU 6/2023 rules}. */
static const struct step_def step_defs[STEP__COUNT] = {
    {STEP_DRAFT, "draft", WAITS_MSME, {0, 0}, 0, WAITS_NONE, 0, 1, 0, "", N_("Draft")},
    {STEP_PAYMENT,
     "payment",
     WAITS_MSME,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     1,
     0,
     "PP 42/2024 Pasal 82 (payment and STTD: 5, not split by SIHALAL's codes)",
     N_("Payment")},
    {STEP_VERIFICATION,
     "verification",
     WAITS_BPJPH,
     {1, 1},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "UU 6/2023 Pasal 29(3)",
     N_("Verification (BPJPH)")},
    {STEP_LPH_ASSIGNMENT,
     "lph_assignment",
     WAITS_BPJPH,
     {1, 1},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "UU 6/2023 Pasal 30(2)",
     N_("LPH assignment (BPJPH)")},
    {STEP_COST,
     "cost",
     WAITS_LPH,
     {2, 2},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "PP 42/2024 Pasal 82",
     N_("Cost setting (LPH)")},
    {STEP_INSPECTION,
     "inspection",
     WAITS_LPH,
     {10, 15},
     10,
     WAITS_NONE,
     0,
     0,
     0,
     "PP 42/2024 Pasal 82 (10, +10); UU 6/2023 Pasal 31 (15), 31(4)",
     N_("Inspection (LPH)")},
    {STEP_FATWA,
     "fatwa",
     WAITS_FATWA,
     {3, 3},
     0,
     WAITS_KOMITE,
     2,
     0,
     0,
     "UU 6/2023 Pasal 33(3), 33(5), 33(6)",
     N_("Fatwa session")},
    {STEP_PENDAMPINGAN,
     "pendampingan",
     WAITS_P3H,
     {10, 10},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "UU 6/2023 Pasal 33A(3)",
     N_("Pendampingan (PPH assistance)")},
    {STEP_KOMITE_FATWA,
     "komite_fatwa",
     WAITS_KOMITE,
     {1, 1},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "UU 6/2023 Pasal 33A(2)",
     N_("Komite Fatwa decision")},
    {STEP_ISSUANCE,
     "issuance",
     WAITS_BPJPH,
     {1, 1},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "UU 6/2023 Pasal 35",
     N_("Issuance (BPJPH)")},
    {STEP_CERTIFIED,
     "certified",
     WAITS_NONE,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     0,
     1,
     "",
     N_("Halal certified")},
    {STEP_RETURNED,
     "returned",
     WAITS_MSME,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     1,
     0,
     "",
     N_("Returned for revision")},
    {STEP_REJECTED,
     "rejected",
     WAITS_NONE,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     0,
     1,
     "",
     N_("Rejected")},
    {STEP_CANCELLED,
     "cancelled",
     WAITS_NONE,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     0,
     1,
     "",
     N_("Cancelled")},
    {STEP_UNKNOWN,
     "unknown",
     WAITS_NONE,
     {0, 0},
     0,
     WAITS_NONE,
     0,
     0,
     0,
     "",
     N_("Unknown step")},
};

const struct step_def *step_def_get(enum ht_step st)
{
    return &step_defs[(unsigned)st < STEP__COUNT ? st : STEP_UNKNOWN];
}

const char *step_name(enum ht_step st)
{
    return step_def_get(st)->name;
}

int step_parse(const char *name, enum ht_step *out)
{
    for (int i = 0; name && i < STEP__COUNT; i++) {
        if (strcmp(step_defs[i].name, name) == 0) {
            *out = (enum ht_step)i;
            return 0;
        }
    }
    return -1;
}

const char *step_label(enum ht_step st)
{
    return _(step_def_get(st)->label);
}

const char *step_label_in(enum ht_step st, const char *lang)
{
    return i18n_gettext_in(lang, step_def_get(st)->label);
}

int step_limit(enum ht_step st, enum ht_path path, enum sla_rules rules)
{
    const struct step_def *d = step_def_get(st);

    if (path == PATH_UNKNOWN || d->paused || d->terminal || (unsigned)rules >= SLA__COUNT)
        return 0;
    return d->limit[rules];
}

/* Channel sets of the code rows. */
#define C1 1u /* CH001 */
#define C2 2u /* CH002 */
#define C3 4u /* CH003 */
#define C4 8u /* CH004 */
#define CR (C1 | C2)
#define CS (C3 | C4)
#define CALL (CR | CS)
/* The holder is the channel's payer. */
#define PAYER WAITS__COUNT

struct code_row {
    const char *code;
    unsigned channels;
    enum ht_step step;
    int holder; /* enum ht_waits_on, or PAYER */
    const char *next;
};

/* Which step each code is on which channel. A code a channel's path does not list
 * resolves by its stage (stage_rows). */
static const struct code_row code_rows[] = {
    {"OF1", CALL, STEP_DRAFT, WAITS_MSME,
     N_("Complete the application in SIHALAL, then submit it.")},
    {"OF2", CALL, STEP_RETURNED, WAITS_MSME,
     N_("Fix the data as the reviewer's note in SIHALAL says, then resubmit.")},
    {"OF5", C1, STEP_PAYMENT, PAYER,
     N_("The invoice is issued: pay it through the Virtual Account shown in SIHALAL so "
        "that the inspection can start.")},
    {"OF5", C2, STEP_PAYMENT, PAYER,
     N_("Nothing to pay: the facilitator pays this invoice; the inspection starts once "
        "it "
        "is paid.")},
    {"OF10", CR, STEP_VERIFICATION, WAITS_BPJPH,
     N_("Nothing to do: BPJPH is checking that your documents are complete.")},
    /* CH003: the Pendamping PPH's queue is OF10 (pages/pengajuan/verval-pendamping.vue).
     */
    {"OF10", C3, STEP_PENDAMPINGAN, WAITS_P3H,
     N_("Your Pendamping PPH (P3H) verifies and validates your statement, with a visit "
        "to your premises: keep the proofs of your ingredients at hand.")},
    /* CH004: the Pendamping PPH's queue is OF56, not OF10
     * (pages/pengajuan/verval-pendamping-mandiri/index.vue); before it the business pays
     * the self-declare fee [inferred: CH004 is the paid path]. */
    {"OF10", C4, STEP_PAYMENT, PAYER,
     N_("Pay the self-declare fee through the Virtual Account shown in SIHALAL; then "
        "your "
        "Pendamping PPH verifies your statement.")},
    {"OF11", CR, STEP_VERIFICATION, WAITS_BPJPH,
     N_("Nothing to do: BPJPH is verifying your application.")},
    {"OF12", CR, STEP_COST, WAITS_LPH,
     N_("Nothing to do: the inspection body (LPH) is verifying your application.")},
    {"OF15", CR, STEP_LPH_ASSIGNMENT, WAITS_BPJPH,
     N_("Nothing to do: the documents are complete and BPJPH will assign an inspection "
        "body.")},
    {"OF50", C1, STEP_COST, WAITS_LPH,
     N_("Wait for the inspection body (LPH) to set the inspection cost; have the payment "
        "ready.")},
    {"OF50", C2, STEP_COST, WAITS_LPH,
     N_("Nothing to do: the inspection body (LPH) sets the inspection cost, which the "
        "facilitator pays.")},
    {"OF55", C1, STEP_COST, WAITS_LPH,
     N_("Wait for the invoice from BPJPH, then pay it through the Virtual Account.")},
    {"OF55", C2, STEP_COST, WAITS_LPH,
     N_("Nothing to pay: the invoice goes to the facilitator, who pays it.")},
    {"OF56", C1, STEP_PAYMENT, PAYER,
     N_("Pay the certification invoice through the Virtual Account shown in SIHALAL.")},
    {"OF56", C2, STEP_PAYMENT, PAYER,
     N_("Nothing to pay: the facilitator pays this invoice; the inspection starts once "
        "it "
        "is paid.")},
    {"OF56", CS, STEP_PENDAMPINGAN, WAITS_P3H,
     N_("Your Pendamping PPH (P3H) verifies and validates your statement, with a visit "
        "to your premises: keep the proofs of your ingredients at hand.")},
    {"OF60", CR, STEP_INSPECTION, WAITS_LPH,
     N_("Get the premises, ingredients and documents ready for the LPH audit and "
        "accompany the auditor.")},
    /* The LPH's result goes to the fatwa body: the fatwa clock runs from its receipt. */
    {"OF70", CR, STEP_FATWA, WAITS_FATWA,
     N_("Nothing to do: the inspection report is with the fatwa body.")},
    {"OF71", CS, STEP_PENDAMPINGAN, WAITS_P3H,
     N_("Nothing to do: the LP3H is checking your Pendamping PPH's result.")},
    {"OF72", CS, STEP_PENDAMPINGAN, WAITS_P3H,
     N_("Nothing to do: the LP3H is verifying the pendampingan result.")},
    {"OF74", CS, STEP_KOMITE_FATWA, WAITS_KOMITE,
     N_("Nothing to do: the Komite Fatwa is deciding the halal status of your "
        "products.")},
    {"OF74", CR, STEP_FATWA, WAITS_KOMITE,
     N_("Nothing to do: the Komite Fatwa has taken over the fatwa session.")},
    {"OF75", CR, STEP_FATWA, WAITS_FATWA,
     N_("Nothing to do: the application waits for the fatwa session.")},
    {"OF80", CR, STEP_FATWA, WAITS_FATWA,
     N_("Nothing to do: the fatwa session is under way.")},
    {"OF100", CALL, STEP_ISSUANCE, WAITS_BPJPH,
     N_("Nothing to do: BPJPH will issue the certificate.")},
    {"OF120", CALL, STEP_ISSUANCE, WAITS_BPJPH,
     N_("Nothing to do: the certificate is being issued.")},
    {"OF280", CALL, STEP_RETURNED, WAITS_MSME,
     N_("Revise the application as the note in SIHALAL says, then resubmit. The legal "
        "clock is paused until you resubmit.")},
    {"OF285", CALL, STEP_RETURNED, WAITS_MSME,
     N_("Revise the application as the fatwa body's note in SIHALAL says, then resubmit. "
        "The legal clock is paused until you resubmit.")},
    {"OF290", CALL, STEP_REJECTED, WAITS_NONE,
     N_("The application was rejected. Contact the cooperative and MSME office for help "
        "before applying again.")},
    {"OF300", CALL, STEP_CERTIFIED, WAITS_NONE,
     N_("Download the certificate and the halal label in SIHALAL, then put the label on "
        "your packaging.")},
    {"OF900", CALL, STEP_CANCELLED, WAITS_NONE,
     N_("The application was cancelled. Apply again if you still need a halal "
        "certificate.")},
};

/* The step a stage stands for, per path, for codes code_rows does not place (mapped from
 * config, or seen on an unexpected path). */
struct stage_row {
    enum ht_stage stage;
    enum ht_step step[PATH__COUNT]; /* unknown, reguler, self-declare */
};

static const struct stage_row stage_rows[] = {
    {STAGE_NOT_APPLIED, {STEP_UNKNOWN, STEP_UNKNOWN, STEP_UNKNOWN}},
    {STAGE_DRAFT, {STEP_DRAFT, STEP_DRAFT, STEP_DRAFT}},
    {STAGE_SUBMITTED, {STEP_UNKNOWN, STEP_VERIFICATION, STEP_PENDAMPINGAN}},
    {STAGE_VERIFICATION, {STEP_UNKNOWN, STEP_VERIFICATION, STEP_PENDAMPINGAN}},
    {STAGE_LPH_ASSIGNMENT, {STEP_UNKNOWN, STEP_COST, STEP_PENDAMPINGAN}},
    {STAGE_INSPECTION, {STEP_UNKNOWN, STEP_INSPECTION, STEP_UNKNOWN}},
    {STAGE_PPH_VERIFICATION, {STEP_UNKNOWN, STEP_UNKNOWN, STEP_PENDAMPINGAN}},
    {STAGE_FATWA, {STEP_UNKNOWN, STEP_FATWA, STEP_KOMITE_FATWA}},
    {STAGE_ISSUANCE, {STEP_ISSUANCE, STEP_ISSUANCE, STEP_ISSUANCE}},
    {STAGE_CERTIFIED, {STEP_CERTIFIED, STEP_CERTIFIED, STEP_CERTIFIED}},
    {STAGE_RETURNED, {STEP_RETURNED, STEP_RETURNED, STEP_RETURNED}},
    {STAGE_REJECTED, {STEP_REJECTED, STEP_REJECTED, STEP_REJECTED}},
    {STAGE_CANCELLED, {STEP_CANCELLED, STEP_CANCELLED, STEP_CANCELLED}},
    {STAGE_UNKNOWN, {STEP_UNKNOWN, STEP_UNKNOWN, STEP_UNKNOWN}},
};

static unsigned channel_bit(const char *channel)
{
    for (size_t i = 0; channel && i < HT_ARRAY_LEN(channels); i++)
        if (strcmp(channels[i].channel, channel) == 0)
            return 1u << i;
    return 0;
}

static enum ht_waits_on holder_of(int holder, const char *channel)
{
    const struct channel_def *c;

    if (holder != PAYER)
        return (enum ht_waits_on)holder;
    c = channel_lookup(channel);
    return c ? c->payer : WAITS_MSME;
}

/* The first code row of the step on the channel's path, for its next-step text. */
static const char *step_next_text(enum ht_step st, unsigned bit)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(code_rows); i++)
        if (code_rows[i].step == st && (!bit || (code_rows[i].channels & bit)))
            return code_rows[i].next;
    return NULL;
}

struct step_at steps_resolve_stage(const char *channel, enum ht_stage stage)
{
    struct step_at a = {STEP_UNKNOWN, WAITS_NONE, NULL};
    enum ht_path path = channel_path(channel);
    const struct step_def *d;

    for (size_t i = 0; i < HT_ARRAY_LEN(stage_rows); i++)
        if (stage_rows[i].stage == stage)
            a.step = stage_rows[i].step[path];
    d = step_def_get(a.step);
    a.holder = d->holder;
    if (a.step == STEP_PAYMENT)
        a.holder = holder_of(PAYER, channel);
    /* Whose step an unplaced code is on an unknown path cannot be told, except for the
     * business's own steps. */
    if (path == PATH_UNKNOWN && !d->paused)
        a.holder = WAITS_NONE;
    a.next = step_next_text(a.step, channel_bit(channel));
    return a;
}

struct step_at steps_resolve(const char *channel, const char *code, enum ht_stage stage)
{
    unsigned bit = channel_bit(channel);

    for (size_t i = 0; code && bit && i < HT_ARRAY_LEN(code_rows); i++) {
        const struct code_row *r = &code_rows[i];

        if ((r->channels & bit) && strcmp(r->code, code) == 0)
            return (struct step_at){r->step, holder_of(r->holder, channel), r->next};
    }
    return steps_resolve_stage(channel, stage);
}

const char *steps_next(const struct step_at *a)
{
    if (!a->next)
        return _("Unknown status; contact the cooperative and MSME office.");
    return _(a->next);
}

unsigned steps_code_evidence(const char *code)
{
    const struct stage_code *c = stage_lookup(code);

    return c && c->paths != STAGE_PATH_BOTH ? c->paths : 0;
}

const char *steps_channel_key(const char *channel, unsigned paths_seen)
{
    const struct channel_def *c = channel_lookup(channel);

    if (c)
        return c->channel;
    if (paths_seen == STAGE_PATH_REGULER)
        return "CH001";
    if (paths_seen == STAGE_PATH_SELF_DECLARE)
        return "CH003";
    return NULL;
}

size_t steps_channel_key_count(void)
{
    return HT_ARRAY_LEN(channels) + 1;
}

const char *steps_channel_key_at(size_t i)
{
    if (i < HT_ARRAY_LEN(channels))
        return channels[i].channel;
    return i == HT_ARRAY_LEN(channels) ? "*" : NULL;
}

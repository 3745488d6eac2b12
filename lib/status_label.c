/* The frontend's status labels mapped back to OF codes, plus labels from the config. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/status_label.h"
#include "stage_map.h"
#include "halaltrack/banned.h"

/* Every label of an application status map in the SIHALAL v2 frontend (S1, HEAD
 * 355ed587), with one file it is seen in. Left out: "Sudah Ver. LPH" and "Belum Ver.
 * LPH", which pages/facilitation/entry/[id]/index.vue gives to five and three codes of a
 * facilitation programme. "Verification" is OF11 in 25 maps and OF15 only in
 * pages/online-registration/verifikasi-reguler/index.vue: OF11 here (same stage). */
#define TL "components/halalCommon/PegajuanTimeLine.vue"
#define TR "components/domesticSelfDecl/detail/Tracking.vue"
#define SF "server/utils/statusFasilitator.ts"
#define SP "server/utils/statusPelakuUsaha.ts"
#define LI "pages/lph/inquiry-lph/index.vue"
#define L3 "pages/lp3h/information-sertifikasi-pendamping/index.vue"
#define KH "components/sidangFatwa/MelacakDetaikFatwaEntriKetetapanHalal.vue"
#define PP "components/sidangFatwa/rightPanel/PendaftaranPendamping.vue"
#define RF "components/facilitate/RegisterDataFacilitate.vue"
static const struct status_label table[] = {
    {"Draf", "OF1", "id", TL},
    {"Draft", "OF1", "en", TR},
    {"Draft PU", "OF1", "id", LI},
    {"Returned", "OF2", "en", SF},
    {"Invoice issued", "OF5", "en", SF},
    {"Pengajuan", "OF10", "id", TL},
    {"Submitted", "OF10", "en", SF},
    {"Verification", "OF11", "en", SF},
    {"Verifikasi LPH", "OF12", "id", RF},
    {"Terverifikasi", "OF15", "id", TL},
    {"Verified", "OF15", "en", SF},
    {"Verifikasi", "OF15", "id", LI},
    {"Dikirim ke LPH", "OF50", "id", TL},
    {"Penetapan Biaya", "OF55", "id", TL},
    {"Pembayaran", "OF56", "id", TL},
    {"Proses di LPH", "OF60", "id", TL},
    {"Dikirim", "OF70", "id", TL},
    {"Selesai Proses LPH", "OF70", "id", LI},
    {"Selesai Proses di LPH", "OF70", "id", KH},
    {"Selesai P3H", "OF71", "id", TL},
    {"Verifikasi LP3H", "OF72", "id", TL},
    {"Selesai Verifikasi LP3H", "OF72", "id", L3},
    {"Dikirim Ke Komite Fatwa", "OF74", "id", TL},
    {"Sent to Komite Fatwa", "OF74", "en", SF},
    {"Dikirim ke Komisi Fatwa", "OF75", "id", TL},
    {"Diterima Komisi Fatwa", "OF80", "id", TL},
    {"Selesai Sidang Fatwa", "OF100", "id", TL},
    {"Ditetapkan Halal", "OF100", "id", PP},
    {"Penerbitan Sertifikat", "OF120", "id", TL},
    {"Certificate Issued", "OF120", "en", SF},
    {"Dikembalikan Ke PU", "OF280", "id", TL},
    {"Returned to PU", "OF280", "en", SP},
    {"Dikembalikan Oleh Fatwa", "OF285", "id", TL},
    {"Dikembalikan Oleh Komite Fatwa", "OF285", "id", L3},
    {"Dikembalikan", "OF285", "id", PP},
    {"Returned By KF", "OF285", "en", SP},
    {"Rejected", "OF290", "en", SF},
    {"Ditolak", "OF290", "id", PP},
    {"Sertifikat Halal Terbit", "OF300", "id", TL},
    {"Terbit SH", "OF300", "id", LI},
    {"Halal Certified Issued", "OF300", "en", SF},
    {"Code Issued", "OF320", "en", SF},
    {"Dibatalkan", "OF900", "id", SF},
};

/* Case- and space-insensitive equality (ASCII case; runs of blanks as one). */
static int label_eq(const char *a, const char *b)
{
    while (*a == ' ' || *a == '\t')
        a++;
    while (*b == ' ' || *b == '\t')
        b++;
    for (;;) {
        int sa = *a == ' ' || *a == '\t', sb = *b == ' ' || *b == '\t';
        if (sa || sb) {
            while (*a == ' ' || *a == '\t')
                a++;
            while (*b == ' ' || *b == '\t')
                b++;
            if (!*a || !*b)
                return !*a && !*b;
            if (!(sa && sb))
                return 0;
            continue;
        }
        if (!*a || !*b)
            return !*a && !*b;
        {
            int ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
            int cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
            if (ca != cb)
                return 0;
        }
        a++;
        b++;
    }
}

const char *status_label_code(const struct stage_map *m, const char *label)
{
    if (!label)
        return NULL;
    for (size_t i = 0; m && i < m->nlabels; i++)
        if (label_eq(m->labels[i].label, label))
            return m->labels[i].code;
    for (size_t i = 0; i < HT_ARRAY_LEN(table); i++)
        if (label_eq(table[i].label, label))
            return table[i].code;
    return NULL;
}

const char *status_resolve(const struct stage_map *m, const char *status)
{
    if (!status)
        return NULL;
    if (stage_code_wellformed(status))
        return status;
    return status_label_code(m, status);
}

int stage_map_add_label(struct stage_map *m, const char *label, const char *code,
                        struct ht_err *err)
{
    struct status_label *n;
    char *l, *c;

    if (!label || !*label || stage_code_wellformed(label)) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a status label", label ? label : "");
        return -1;
    }
    if (!stage_code_wellformed(code)) {
        ht_err_set(err, HT_EINVAL, "'%s' is not a status code like OF10", code);
        return -1;
    }
    for (size_t i = 0; i < m->nlabels; i++)
        if (label_eq(m->labels[i].label, label)) {
            char *nc = strdup(code);
            if (!nc) {
                ht_err_set(err, HT_ENOMEM, "out of memory");
                return -1;
            }
            free((char *)m->labels[i].code);
            m->labels[i].code = nc;
            return 0;
        }
    n = realloc(m->labels, (m->nlabels + 1) * sizeof(*m->labels));
    if (n)
        m->labels = n;
    l = strdup(label);
    c = strdup(code);
    if (!n || !l || !c) {
        free(l);
        free(c);
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    m->labels[m->nlabels++] = (struct status_label){l, c, "", NULL};
    return 0;
}

size_t status_label_count(void)
{
    return HT_ARRAY_LEN(table);
}

const struct status_label *status_label_at(size_t i)
{
    return i < HT_ARRAY_LEN(table) ? &table[i] : NULL;
}

/* A facilitation programme's status: the map the Fasilitator's programme table uses
 * (server/utils/statusFasilitator.ts, statusItemFacilitator, shown by
 * components/fasilitator/registrasi-fasilitator-table.vue and
 * pages/facilitation/list.vue). Its Indonesian descriptions are given in English here, as
 * every msgid. */
static const struct {
    const char *code, *meaning;
} programme_status[] = {
    {"OF1", N_("Draft")},
    {"OF10", N_("Submitted")},
    {"OF15", N_("Verified")},
    {"OF2", N_("Returned")},
    {"OF290", N_("Rejected")},
    {"OF5", N_("Invoice issued")},
    {"OF320", N_("Code issued")},
    {"OF11", N_("Verification")},
    {"OF50", N_("Sent to the LPH")},
    {"OF300", N_("Halal certificate issued")},
    {"OF285", N_("Returned by the fatwa body")},
    {"OF74", N_("Sent to the fatwa committee")},
    {"OF280", N_("Returned to the applicant")},
    {"OF100", N_("Fatwa session done")},
    {"OF120", N_("Certificate issued")},
    {"OF900", N_("Cancelled")},
};

const char *status_programme_meaning(const char *code)
{
    for (size_t i = 0; code && i < HT_ARRAY_LEN(programme_status); i++)
        if (strcmp(programme_status[i].code, code) == 0)
            return programme_status[i].meaning;
    return N_("Unknown status");
}

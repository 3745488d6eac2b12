/* The office's facilitation programmes in the database: the daemon's merge of what
 * /api/v1/fasilitator/search lists, and the rows of v_programme for the CLI. */
#ifndef HALALTRACK_STORE_PROGRAMME_H
#define HALALTRACK_STORE_PROGRAMME_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/store.h"

/* One programme as listed upstream. Strings are borrowed and may be NULL (but not both
 * upstream_id and kode_fac); numbers are -1 when absent. Dates "YYYY-MM-DD". */
struct store_programme {
    const char *upstream_id, *kode_fac, *fac_name, *sumber_biaya, *jenis, *tgl_aktif,
        *tgl_selesai, *status_code;
    long tahun, kuota, sisa;
};

/* Upserts the programmes (keyed by upstream_id, else kode_fac) in one transaction; when
 * complete (the whole list was read) the ones it no longer shows get missing_since.
 * *changed = rows inserted or changed. */
int store_programmes_merge(struct store *s, const struct store_programme *p, size_t n,
                           int complete, long *changed, struct ht_err *err) HT_MUSTCHECK;

/* A row of v_programme. Strings owned ("" never, NULL when absent). */
struct store_programme_row {
    char *kode_fac, *fac_name, *sumber_biaya, *jenis, *tgl_aktif, *tgl_selesai,
        *status_code, *observed_at;
    long tahun, kuota, sisa; /* -1 when absent */
    long applications, certified;
    long applications_4_weeks_ago; /* of which already known 28 days ago */
    int missing;                   /* the list no longer shows it */
};
/* Every programme, newest year first. */
int store_programmes_list(struct store *s, struct store_programme_row **out, size_t *n,
                          struct ht_err *err) HT_MUSTCHECK;
void store_programme_rows_free(struct store_programme_row *r, size_t n);

/* A row of v_programme_stage: applications carrying kode_fac in one stage. */
struct store_programme_stage {
    char *kode_fac, *stage;
    long applications;
};
/* Every (programme, stage) with applications, by code then pipeline order. */
int store_programme_stages(struct store *s, struct store_programme_stage **out, size_t *n,
                           struct ht_err *err) HT_MUSTCHECK;
void store_programme_stages_free(struct store_programme_stage *r, size_t n);

#endif

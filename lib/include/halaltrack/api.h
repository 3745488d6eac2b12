/* National API decoding: the only module that uses jansson. Bytes in, plain structs out;
 * every string is owned by its struct. Nothing here does I/O except the *_write dumps. */
#ifndef HALALTRACK_API_H
#define HALALTRACK_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

struct api_auth {
    char *token;
    long expires_in; /* seconds; 0 when not given */
};

struct api_error {
    long code;     /* envelope code, e.g. 4001; 0 when absent */
    char *message; /* NULL when absent; the first list_error when there is no message */
};

/* One row of the office's application list (GET .../inquiry). no_daftar, nama_pu,
 * tgl_daftar, jenis_daftar, jenis_produk, kode_fac and status are what the frontend
 * shows; id_reg, nib and channel_id may be absent (NULL). */
struct api_item {
    char *id_reg;
    char *no_daftar;
    char *tgl_daftar;
    char *nib;
    char *nama_pu;
    char *jenis_daftar;
    char *jenis_produk;
    char *status;     /* an OF code: as sent, or mapped from a label; NULL when unknown */
    char *status_raw; /* status as sent (a code or a label) */
    char *channel_id;
    char *kode_fac;
};

/* A bad record: its raw JSON text, the reason and the key it is filed under (id_reg, or
 * no_daftar when the row has no id_reg; NULL when it has neither). A record with a key
 * is also in items[], with the bad fields dropped. */
struct api_bad {
    char *raw;
    char *reason;
    char *id_reg;
};

struct api_page {
    struct api_item *items;
    size_t n;
    struct api_bad *bad;
    size_t nbad;
    long total_item;
    long current_page;
    long total_page;
};

struct api_event {
    char *status;
    char *tanggal; /* as sent */
    int64_t at;    /* tanggal in seconds since the epoch */
    char *username;
    char *comment;
};

struct api_detail {
    char *id_reg;
    char *no_daftar;
    char *nib; /* from aspek_legal[] (jenis_surat NIB or LGL01), else certificate_halal */
    char *nama_pu;
    char *channel_id;
    char *kode_fac;
    char *status_label;
    char *cert_no;            /* NULL when none */
    char *cert_date;          /* "YYYY-MM-DD" or NULL */
    struct api_event *events; /* oldest first, as sent */
    size_t nevents;
};

/* A facilitation programme of the office (GET /api/v1/fasilitator/search): what
 * components/fasilitator/registrasi-fasilitator-table.vue and pages/facilitation/list.vue
 * show. Numbers are -1 and strings NULL when absent. status_code is an OF code with the
 * programme's meaning (OF320 = code issued). */
struct api_programme {
    char *id; /* the programme's own id (item.id in the frontend) */
    char *kode_fac;
    long tahun;
    char *fac_name;
    char *sumber_biaya;
    char *jenis;
    char *tgl_aktif;   /* "YYYY-MM-DD" or NULL */
    char *tgl_selesai; /* "YYYY-MM-DD" or NULL */
    long kuota;
    long sisa;
    char *status_code;
};

struct api_programme_page {
    struct api_programme *items;
    size_t n;
    struct api_bad *bad; /* id_reg holds the programme's key when it has one */
    size_t nbad;
    long total_item;
    long current_page;
    long total_page;
};

/* A certificate of the public search (GET /api/search/sertifikat, halal-certification.md
 * §2.1): data.datas[] with reg_prod_name, pelaku_usaha.nama_pu, sertifikat.no_sert,
 * sertifikat.tgl_sert ("YYYY-MM-DD", NULL when absent or not a date). Strings owned. */
struct api_cert {
    char *reg_prod_name, *nama_pu, *no_sert, *tgl_sert;
};
struct api_cert_page {
    struct api_cert *items;
    size_t n;
    size_t nbad; /* records without a certificate number (left out) */
    long total_items, total_pages, current_page;
};

/* Each decoder returns 0 and fills out (release it with the matching _release), or -1
 * with err (HT_EPARSE) saying what is wrong and where; out is then empty. */
int api_decode_auth(const char *body, size_t len, struct api_auth *out,
                    struct ht_err *err) HT_MUSTCHECK;
void api_auth_release(struct api_auth *a);
int api_decode_error(const char *body, size_t len, struct api_error *out,
                     struct ht_err *err) HT_MUSTCHECK;
void api_error_release(struct api_error *e);
/* Every decoded string has its control characters replaced by spaces. Items without a
 * usable id_reg (see api_id_valid: ".." and the like never pass) are in bad[] only; items
 * with invalid UTF-8, no status, no no_daftar or a status code the stage table does not
 * know are in both. A status label or code resolves through map (the config's [stage_map]
 * and [status_labels]; NULL: the built-in tables only). */
struct stage_map;
int api_decode_page(const char *body, size_t len, const struct stage_map *map,
                    struct api_page *out, struct ht_err *err) HT_MUSTCHECK;
void api_page_release(struct api_page *p);
int api_decode_detail(const char *body, size_t len, struct api_detail *out,
                      struct ht_err *err) HT_MUSTCHECK;
void api_detail_release(struct api_detail *d);
/* A programme without kode_fac and without id is in bad[] only. */
int api_decode_programmes(const char *body, size_t len, struct api_programme_page *out,
                          struct ht_err *err) HT_MUSTCHECK;
void api_programme_page_release(struct api_programme_page *p);

/* The public certificate search's answer (no "code" envelope: {"data": {...}}). */
int api_decode_cert_search(const char *body, size_t len, struct api_cert_page *out,
                           struct ht_err *err) HT_MUSTCHECK;
void api_cert_page_release(struct api_cert_page *p);

/* The JSON body of POST /api/authenticate (malloc'd). */
char *api_encode_auth(const char *email, const char *password) HT_MUSTCHECK;

/* Plain-text renderings used by the fixture tests and for debugging. */
void api_auth_write(FILE *out, const struct api_auth *a);
void api_error_write(FILE *out, const struct api_error *e);
void api_page_write(FILE *out, const struct api_page *p);
void api_detail_write(FILE *out, const struct api_detail *d);
void api_programme_page_write(FILE *out, const struct api_programme_page *p);

#endif

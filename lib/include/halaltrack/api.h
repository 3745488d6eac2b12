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

struct api_item {
    char *id_reg;
    char *no_daftar;
    char *tgl_daftar;
    char *nib;
    char *nama_pu;
    char *jenis_daftar;
    char *jenis_produk;
    char *status;
    char *channel_id;
};

/* A bad list record: its raw JSON text, the reason and its id_reg when it has one (the
 * record is then also in items[], with the bad fields dropped). */
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
    char *nib;
    char *nama_pu;
    char *channel_id;
    char *status_label;
    char *cert_no;            /* NULL when none */
    char *cert_date;          /* "YYYY-MM-DD" or NULL */
    struct api_event *events; /* oldest first, as sent */
    size_t nevents;
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
 * know are in both. */
int api_decode_page(const char *body, size_t len, struct api_page *out,
                    struct ht_err *err) HT_MUSTCHECK;
void api_page_release(struct api_page *p);
int api_decode_detail(const char *body, size_t len, struct api_detail *out,
                      struct ht_err *err) HT_MUSTCHECK;
void api_detail_release(struct api_detail *d);

/* The JSON body of POST /api/authenticate (malloc'd). */
char *api_encode_auth(const char *email, const char *password) HT_MUSTCHECK;

/* Plain-text renderings used by the fixture tests and for debugging. */
void api_auth_write(FILE *out, const struct api_auth *a);
void api_error_write(FILE *out, const struct api_error *e);
void api_page_write(FILE *out, const struct api_page *p);
void api_detail_write(FILE *out, const struct api_detail *d);

#endif

/* Decodes the national API's envelopes (auth, list, detail, error) with jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "halaltrack/api.h"
#include "halaltrack/api_paths.h"
#include "halaltrack/buf.h"
#include "halaltrack/stage.h"
#include "halaltrack/status_label.h"

#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* A copy of body with every invalid UTF-8 byte replaced by U+FFFD (malloc'd). */
static char *utf8_sanitize(const char *body, size_t len, size_t *outlen)
{
    char *o = malloc(len * 3 + 1);
    size_t j = 0, i = 0;

    if (!o)
        return NULL;
    while (i < len) {
        size_t k;
        /* The longest valid prefix starting at i, one code point at a time. */
        for (k = 1; k <= 4 && i + k <= len; k++)
            if (utf8_valid(body + i, k))
                break;
        if (k <= 4 && i + k <= len) {
            memcpy(o + j, body + i, k);
            j += k;
            i += k;
        } else {
            memcpy(o + j, "\xEF\xBF\xBD", 3);
            j += 3;
            i++;
        }
    }
    o[j] = '\0';
    *outlen = j;
    return o;
}

static int has_replacement(const char *s)
{
    return s && strstr(s, "\xEF\xBF\xBD") != NULL;
}

static json_t *parse(const char *body, size_t len, struct ht_err *err)
{
    json_error_t je;
    json_t *root;

    if (!utf8_valid(body, len)) {
        ht_err_set(err, HT_EPARSE, "invalid UTF-8 in response");
        return NULL;
    }
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        ht_err_set(err, HT_EPARSE, "malformed JSON at line %d column %d: %s", je.line,
                   je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        ht_err_set(err, HT_EPARSE, "response is not a JSON object");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* A string field; numbers are accepted as text (upstream sometimes sends either). NULL
 * when absent or null. Returns -1 on allocation failure or a wrong type. */
static int get_str(json_t *obj, const char *key, char **out, int *wrong_type)
{
    json_t *v = json_object_get(obj, key);
    char tmp[64];

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        /* Control characters (newline, ESC, ...) never leave the decoder: upstream text
         * reaches logs, listings and reports. */
        *out = str_scrub_controls(strdup(json_string_value(v)));
    } else if (json_is_integer(v)) {
        snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = strdup(tmp);
    } else {
        if (wrong_type)
            *wrong_type = 1;
        return 0;
    }
    return *out ? 0 : -1;
}

/* An integer field that may come as a number or a numeric string. */
static int get_long(json_t *obj, const char *key, long *out)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        *out = (long)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v))
        return parse_int(json_string_value(v), -1000000000L, 1000000000000L, out, NULL);
    return -1;
}

static long envelope_code(json_t *root)
{
    long c = 0;

    if (get_long(root, "code", &c) < 0)
        return 0;
    return c;
}

int api_decode_auth(const char *body, size_t len, struct api_auth *out,
                    struct ht_err *err)
{
    json_t *root, *data, *tok;
    long code;

    memset(out, 0, sizeof(*out));
    if (!(root = parse(body, len, err)))
        return -1;
    code = envelope_code(root);
    data = json_object_get(root, "data");
    tok = json_object_get(data, "token");
    if (code != 2000 || !json_is_string(tok) || !*json_string_value(tok)) {
        ht_err_set(err, HT_EPARSE, "authentication answer has no token (code %ld)", code);
        json_decref(root);
        return -1;
    }
    out->token = strdup(json_string_value(tok));
    if (get_long(data, "expires_in", &out->expires_in) < 0)
        out->expires_in = 0;
    json_decref(root);
    if (!out->token) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    return 0;
}

void api_auth_release(struct api_auth *a)
{
    if (a->token)
        explicit_bzero(a->token, strlen(a->token));
    free(a->token);
    memset(a, 0, sizeof(*a));
}

int api_decode_error(const char *body, size_t len, struct api_error *out,
                     struct ht_err *err)
{
    json_t *root, *le;

    memset(out, 0, sizeof(*out));
    if (!(root = parse(body, len, err)))
        return -1;
    out->code = envelope_code(root);
    if (get_str(root, "message", &out->message, NULL) < 0)
        goto oom;
    le = json_object_get(json_object_get(root, "errors"), "list_error");
    if (!out->message && json_is_array(le) && json_is_string(json_array_get(le, 0)) &&
        !(out->message = strdup(json_string_value(json_array_get(le, 0)))))
        goto oom;
    json_decref(root);
    return 0;
oom:
    json_decref(root);
    api_error_release(out);
    ht_err_set(err, HT_ENOMEM, "out of memory");
    return -1;
}

void api_error_release(struct api_error *e)
{
    free(e->message);
    memset(e, 0, sizeof(*e));
}

static void item_release(struct api_item *it)
{
    free(it->id_reg);
    free(it->no_daftar);
    free(it->tgl_daftar);
    free(it->nib);
    free(it->nama_pu);
    free(it->jenis_daftar);
    free(it->jenis_produk);
    free(it->status);
    free(it->status_raw);
    free(it->channel_id);
    free(it->kode_fac);
    memset(it, 0, sizeof(*it));
}

static int add_bad(struct api_bad *bad, size_t *nbad, json_t *item, const char *reason,
                   const char *key)
{
    char *raw = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
    char *r = strdup(reason);
    char *id = key ? strdup(key) : NULL;

    if (!raw || !r || (key && !id)) {
        free(raw);
        free(r);
        free(id);
        return -1;
    }
    bad[*nbad].raw = raw;
    bad[*nbad].reason = r;
    bad[*nbad].id_reg = id;
    (*nbad)++;
    return 0;
}

/* The totals of a paged answer and where its decoded records go: items (item_size each)
 * and bad records, room for one of either per element of data[]. */
struct paged {
    long *total_item, *current_page, *total_page;
    void **items;
    size_t item_size;
    size_t *n;
    struct api_bad **bad;
    size_t *nbad;
    /* Decodes one element into slot: 0 when it is kept (its problem, if any, in why, and
     * the key its bad record names in *key), 1 when it goes to bad[] only (reason in
     * why), -1 when out of memory; on 1 and -1 the slot is left released. */
    int (*decode)(json_t *elem, const void *ctx, void *slot, char why[static 96],
                  const char **key);
    const void *ctx;
};

/* The paged envelope of a list answer: {"code":2000,"data":[...],"total_item",
 * "current_page","total_page"}. Invalid UTF-8 inside one record must not cost the whole
 * page: a cleaned copy is decoded and the records that held bad bytes are flagged (their
 * fields hold U+FFFD). Fills pg's totals and allocates its arrays (the caller's release
 * frees them, also on error). Returns the root (data borrowed into *data), or NULL with
 * err. */
static json_t *parse_paged(const char *body, size_t len, const char *what, json_t **data,
                           const struct paged *pg, struct ht_err *err)
{
    json_t *root;
    char *clean = NULL;
    long code;
    size_t n;

    if (!utf8_valid(body, len)) {
        size_t cl;
        if (!(clean = utf8_sanitize(body, len, &cl))) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return NULL;
        }
        body = clean;
        len = cl;
    }
    root = parse(body, len, err);
    free(clean);
    if (!root)
        return NULL;
    code = envelope_code(root);
    *data = json_object_get(root, "data");
    if (code != 2000 || !json_is_array(*data)) {
        ht_err_set(err, HT_EPARSE, "%s answer without a data array (code %ld)", what,
                   code);
        json_decref(root);
        return NULL;
    }
    if (get_long(root, "total_item", pg->total_item) < 0 ||
        get_long(root, "current_page", pg->current_page) < 0 ||
        get_long(root, "total_page", pg->total_page) < 0 || *pg->total_item < 0 ||
        *pg->total_page < 0) {
        ht_err_set(err, HT_EPARSE,
                   "%s answer without valid total_item/total_page/current_page", what);
        json_decref(root);
        return NULL;
    }
    /* each element adds at most one item or one bad record */
    n = json_array_size(*data);
    *pg->items = calloc(n + 1, pg->item_size);
    *pg->bad = calloc(n + 1, sizeof(**pg->bad));
    if (!*pg->items || !*pg->bad) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Decodes a paged answer element by element through pg->decode. On error (err set) the
 * caller releases what was decoded. */
static int decode_paged(const char *body, size_t len, const char *what,
                        const struct paged *pg, struct ht_err *err)
{
    json_t *root, *data, *elem;
    size_t i;

    if (!(root = parse_paged(body, len, what, &data, pg, err)))
        return -1;
    json_array_foreach(data, i, elem)
    {
        void *slot = (char *)*pg->items + *pg->n * pg->item_size;
        const char *key = NULL;
        char why[96];
        int r = pg->decode(elem, pg->ctx, slot, why, &key);

        if (r < 0)
            goto oom;
        if (r == 0)
            (*pg->n)++; /* kept before its bad record: the caller's release frees it */
        if ((r == 1 || why[0]) &&
            add_bad(*pg->bad, pg->nbad, elem, why, r == 1 ? NULL : key) < 0)
            goto oom;
    }
    json_decref(root);
    return 0;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
    json_decref(root);
    return -1;
}

static int no_daftar_valid(const char *s)
{
    /* ^SH[0-9]{4}-[0-9]+-[0-9]{6,}$ */
    size_t n;

    if (!s || strncmp(s, "SH", 2) != 0 || strspn(s + 2, "0123456789") != 4 || s[6] != '-')
        return 0;
    s += 7;
    if (!(n = strspn(s, "0123456789")) || s[n] != '-')
        return 0;
    s += n + 1;
    return strspn(s, "0123456789") >= 6 && s[strspn(s, "0123456789")] == '\0';
}

/* Decodes one list row into it. Returns 0 when it is kept (its problems, if any, in why),
 * 1 when it goes to bad[] only (reason in why), -1 when out of memory. */
static int decode_item(json_t *item, const struct stage_map *map, struct api_item *it,
                       char why[static 96])
{
    int wrong = 0;

    why[0] = '\0';
    if (!json_is_object(item)) {
        snprintf(why, 96, "list item is not an object");
        return 1;
    }
    if (get_str(item, "id_reg", &it->id_reg, &wrong) < 0 ||
        get_str(item, "no_daftar", &it->no_daftar, &wrong) < 0 ||
        get_str(item, "tgl_daftar", &it->tgl_daftar, &wrong) < 0 ||
        get_str(item, "nib", &it->nib, &wrong) < 0 ||
        get_str(item, "nama_pu", &it->nama_pu, &wrong) < 0 ||
        get_str(item, "jenis_daftar", &it->jenis_daftar, &wrong) < 0 ||
        get_str(item, "jenis_produk", &it->jenis_produk, &wrong) < 0 ||
        get_str(item, "status", &it->status_raw, &wrong) < 0 ||
        get_str(item, "channel_id", &it->channel_id, &wrong) < 0 ||
        get_str(item, "kode_fac", &it->kode_fac, &wrong) < 0)
        return -1;
    if (it->id_reg && !api_id_valid(it->id_reg)) {
        snprintf(why, 96, "list item without a valid id_reg");
        return 1;
    }
    if (!it->id_reg &&
        (has_replacement(it->no_daftar) || !no_daftar_valid(it->no_daftar))) {
        snprintf(why, 96, "list item without id_reg or a valid no_daftar");
        return 1;
    }
    {
        /* A record with invalid UTF-8: quarantined, and kept with the bad fields dropped
         * so the sweep still counts it. */
        char **f[] = {&it->no_daftar,  &it->tgl_daftar,   &it->nib,
                      &it->nama_pu,    &it->jenis_daftar, &it->jenis_produk,
                      &it->status_raw, &it->channel_id,   &it->kode_fac};
        for (size_t k = 0; k < HT_ARRAY_LEN(f); k++)
            if (has_replacement(*f[k])) {
                free(*f[k]);
                *f[k] = NULL;
                snprintf(why, 96, "invalid UTF-8 in list item");
            }
    }
    if (it->status_raw) {
        const char *code = status_resolve(map, it->status_raw);
        if (code && !(it->status = strdup(code)))
            return -1;
    }
    if (why[0])
        return 0;
    if (!it->status_raw)
        snprintf(why, 96, "list item without status");
    else if (!it->status)
        snprintf(why, 96, "unknown status label '%.40s' in list item", it->status_raw);
    else if (!stage_map_lookup(map, it->status))
        snprintf(why, 96, "unknown status code '%.16s' in list item", it->status);
    else if (!it->no_daftar)
        snprintf(why, 96, "list item without no_daftar");
    return 0;
}

/* decode_item as a paged element: released unless kept; its bad record names id_reg, or
 * no_daftar when id_reg is absent. */
static int list_elem(json_t *elem, const void *ctx, void *slot, char why[static 96],
                     const char **key)
{
    struct api_item *it = slot;
    int r = decode_item(elem, ctx, it, why);

    if (r != 0)
        item_release(it);
    else
        *key = it->id_reg ? it->id_reg : it->no_daftar;
    return r;
}

int api_decode_page(const char *body, size_t len, const struct stage_map *map,
                    struct api_page *out, struct ht_err *err)
{
    void *items = NULL;
    const struct paged pg = {&out->total_item,    &out->current_page,
                             &out->total_page,    &items,
                             sizeof(*out->items), &out->n,
                             &out->bad,           &out->nbad,
                             list_elem,           map};
    int r;

    memset(out, 0, sizeof(*out));
    r = decode_paged(body, len, "list", &pg, err);
    out->items = items;
    if (r < 0)
        api_page_release(out);
    return r;
}

/* Frees the bad records of a page and the array. */
static void bad_release(struct api_bad *bad, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(bad[i].raw);
        free(bad[i].reason);
        free(bad[i].id_reg);
    }
    free(bad);
}

void api_page_release(struct api_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        item_release(&p->items[i]);
    bad_release(p->bad, p->nbad);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

/* The NIB of a detail: no_surat of the aspek_legal[] entry whose jenis_surat is "NIB"
 * or "LGL01", as components/reguler/auditorHalal/prosesLayanan/index.vue reads it. */
static int legal_nib(json_t *legal, char **out)
{
    size_t i;
    json_t *e;

    *out = NULL;
    json_array_foreach(legal, i, e)
    {
        const char *js = json_string_value(json_object_get(e, "jenis_surat"));
        if (js && (!strcmp(js, "NIB") || !strcmp(js, "LGL01")))
            return get_str(e, "no_surat", out, NULL);
    }
    return 0;
}

int api_decode_detail(const char *body, size_t len, struct api_detail *out,
                      struct ht_err *err)
{
    json_t *root, *data, *ch, *si, *tr, *ev;
    size_t i;
    long code;
    int wrong = 0;

    memset(out, 0, sizeof(*out));
    if (!(root = parse(body, len, err)))
        return -1;
    code = envelope_code(root);
    data = json_object_get(root, "data");
    ch = json_object_get(data, "certificate_halal");
    si = json_object_get(data, "sertifikat_halal_info");
    tr = json_object_get(data, "tracking");
    if (code != 2000 || !json_is_object(data)) {
        ht_err_set(err, HT_EPARSE, "detail answer without data (code %ld)", code);
        goto fail;
    }
    if (!json_is_object(ch)) {
        ht_err_set(err, HT_EPARSE, "detail answer without certificate_halal");
        goto fail;
    }
    if (!json_is_array(tr)) {
        ht_err_set(err, HT_EPARSE, "detail answer without a tracking array");
        goto fail;
    }
    if (get_str(ch, "id_reg", &out->id_reg, &wrong) < 0 ||
        get_str(ch, "no_daftar", &out->no_daftar, &wrong) < 0 ||
        get_str(ch, "nama_pu", &out->nama_pu, &wrong) < 0 ||
        get_str(ch, "channel_id", &out->channel_id, &wrong) < 0 ||
        get_str(ch, "kode_fac", &out->kode_fac, &wrong) < 0 ||
        get_str(ch, "status", &out->status_label, &wrong) < 0 ||
        legal_nib(json_object_get(data, "aspek_legal"), &out->nib) < 0 ||
        (!out->nib && get_str(ch, "nib", &out->nib, &wrong) < 0))
        goto oom;
    if (!out->id_reg || !*out->id_reg) {
        ht_err_set(err, HT_EPARSE, "detail answer without certificate_halal.id_reg");
        goto fail;
    }
    if (json_is_object(si)) {
        if (get_str(si, "nomor_sertifikat", &out->cert_no, &wrong) < 0 ||
            get_str(si, "tanggal_sertifikat", &out->cert_date, &wrong) < 0)
            goto oom;
        if (out->cert_date) {
            struct ht_date d;
            if (strlen(out->cert_date) > 10)
                out->cert_date[10] = '\0'; /* a timestamp: keep its date */
            if (date_parse(out->cert_date, &d, NULL) < 0) {
                ht_err_set(err, HT_EPARSE, "invalid tanggal_sertifikat '%s'",
                           out->cert_date);
                goto fail;
            }
        }
    }
    out->events = calloc(json_array_size(tr) + 1, sizeof(*out->events));
    if (!out->events)
        goto oom;
    json_array_foreach(tr, i, ev)
    {
        struct api_event *e = &out->events[out->nevents];
        struct ht_err te = HT_ERR_INIT;

        if (!json_is_object(ev)) {
            ht_err_set(err, HT_EPARSE, "tracking[%zu] is not an object", i);
            goto fail;
        }
        out->nevents++;
        if (get_str(ev, "status", &e->status, &wrong) < 0 ||
            get_str(ev, "tanggal", &e->tanggal, &wrong) < 0 ||
            get_str(ev, "username", &e->username, &wrong) < 0 ||
            get_str(ev, "comment", &e->comment, &wrong) < 0)
            goto oom;
        if (!e->status || !*e->status || strlen(e->status) > 16) {
            ht_err_set(err, HT_EPARSE, "tracking[%zu] without a valid status", i);
            goto fail;
        }
        if (!e->tanggal || ts_parse(e->tanggal, &e->at, &te) < 0) {
            ht_err_set(err, HT_EPARSE, "tracking[%zu] without a valid tanggal", i);
            goto fail;
        }
    }
    json_decref(root);
    return 0;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
fail:
    json_decref(root);
    api_detail_release(out);
    return -1;
}

void api_detail_release(struct api_detail *d)
{
    free(d->id_reg);
    free(d->no_daftar);
    free(d->nib);
    free(d->nama_pu);
    free(d->channel_id);
    free(d->kode_fac);
    free(d->status_label);
    free(d->cert_no);
    free(d->cert_date);
    for (size_t i = 0; i < d->nevents; i++) {
        free(d->events[i].status);
        free(d->events[i].tanggal);
        free(d->events[i].username);
        free(d->events[i].comment);
    }
    free(d->events);
    memset(d, 0, sizeof(*d));
}

static void programme_release(struct api_programme *g)
{
    free(g->id);
    free(g->kode_fac);
    free(g->fac_name);
    free(g->sumber_biaya);
    free(g->jenis);
    free(g->tgl_aktif);
    free(g->tgl_selesai);
    free(g->status_code);
    memset(g, 0, sizeof(*g));
}

/* A date field kept as "YYYY-MM-DD" (a timestamp keeps its date); NULL when absent or
 * not a date. */
static int get_date(json_t *obj, const char *key, char **out)
{
    struct ht_date d;

    if (get_str(obj, key, out, NULL) < 0)
        return -1;
    if (*out && strlen(*out) > 10)
        (*out)[10] = '\0';
    if (*out && date_parse(*out, &d, NULL) < 0) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

static int programme_elem(json_t *elem, const void *ctx, void *slot, char why[static 96],
                          const char **key)
{
    struct api_programme *g = slot;

    (void)ctx, (void)key;
    why[0] = '\0';
    if (!json_is_object(elem)) {
        snprintf(why, 96, "programme is not an object");
        return 1;
    }
    if (get_str(elem, "id", &g->id, NULL) < 0 ||
        get_str(elem, "kode_fac", &g->kode_fac, NULL) < 0 ||
        get_str(elem, "fac_name", &g->fac_name, NULL) < 0 ||
        get_str(elem, "sumber_biaya", &g->sumber_biaya, NULL) < 0 ||
        get_str(elem, "jenis", &g->jenis, NULL) < 0 ||
        get_date(elem, "tgl_aktif", &g->tgl_aktif) < 0 ||
        get_date(elem, "tgl_selesai", &g->tgl_selesai) < 0 ||
        get_str(elem, "status_code", &g->status_code, NULL) < 0) {
        programme_release(g);
        return -1;
    }
    if (get_long(elem, "tahun", &g->tahun) < 0)
        g->tahun = -1;
    if (get_long(elem, "kuota", &g->kuota) < 0)
        g->kuota = -1;
    if (get_long(elem, "sisa", &g->sisa) < 0)
        g->sisa = -1;
    if ((!g->id || !*g->id || has_replacement(g->id)) &&
        (!g->kode_fac || !*g->kode_fac || has_replacement(g->kode_fac))) {
        programme_release(g);
        snprintf(why, 96, "programme without id or kode_fac");
        return 1;
    }
    return 0;
}

int api_decode_programmes(const char *body, size_t len, struct api_programme_page *out,
                          struct ht_err *err)
{
    void *items = NULL;
    const struct paged pg = {&out->total_item,    &out->current_page,
                             &out->total_page,    &items,
                             sizeof(*out->items), &out->n,
                             &out->bad,           &out->nbad,
                             programme_elem,      NULL};
    int r;

    memset(out, 0, sizeof(*out));
    r = decode_paged(body, len, "programme list", &pg, err);
    out->items = items;
    if (r < 0)
        api_programme_page_release(out);
    return r;
}

void api_programme_page_release(struct api_programme_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        programme_release(&p->items[i]);
    bad_release(p->bad, p->nbad);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

static void cert_release(struct api_cert *c)
{
    free(c->reg_prod_name), free(c->nama_pu), free(c->no_sert), free(c->tgl_sert);
    memset(c, 0, sizeof(*c));
}

void api_cert_page_release(struct api_cert_page *p)
{
    for (size_t i = 0; i < p->n; i++)
        cert_release(&p->items[i]);
    free(p->items);
    memset(p, 0, sizeof(*p));
}

int api_decode_cert_search(const char *body, size_t len, struct api_cert_page *out,
                           struct ht_err *err)
{
    json_t *root, *data, *datas, *item;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!(root = parse(body, len, err)))
        return -1;
    data = json_object_get(root, "data");
    datas = json_object_get(data, "datas");
    if (!json_is_object(data) || !json_is_array(datas)) {
        ht_err_set(err, HT_EPARSE, "certificate search: no data.datas array");
        json_decref(root);
        return -1;
    }
    if (get_long(data, "total_items", &out->total_items) < 0 ||
        get_long(data, "total_pages", &out->total_pages) < 0 ||
        get_long(data, "current_page", &out->current_page) < 0) {
        ht_err_set(
            err, HT_EPARSE,
            "certificate search: total_items, total_pages or current_page missing");
        json_decref(root);
        return -1;
    }
    if (!(out->items = calloc(json_array_size(datas) + 1, sizeof(*out->items))))
        goto oom;
    json_array_foreach(datas, i, item)
    {
        struct api_cert *c = &out->items[out->n];
        json_t *pu = json_object_get(item, "pelaku_usaha");
        json_t *se = json_object_get(item, "sertifikat");

        if (!json_is_object(item) || !json_is_object(se)) {
            out->nbad++;
            continue;
        }
        if (get_str(item, "reg_prod_name", &c->reg_prod_name, NULL) < 0 ||
            (json_is_object(pu) && get_str(pu, "nama_pu", &c->nama_pu, NULL) < 0) ||
            get_str(se, "no_sert", &c->no_sert, NULL) < 0 ||
            get_date(se, "tgl_sert", &c->tgl_sert) < 0) {
            cert_release(c);
            out->nbad++;
            continue;
        }
        if (!c->no_sert || !*c->no_sert || has_replacement(c->no_sert)) {
            cert_release(c);
            out->nbad++;
            continue;
        }
        out->n++;
    }
    json_decref(root);
    return 0;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
    json_decref(root);
    api_cert_page_release(out);
    return -1;
}

char *api_encode_auth(const char *email, const char *password)
{
    json_t *o = json_pack("{s:s, s:s}", "email", email, "password", password);
    char *s;

    if (!o)
        return NULL;
    s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

#define S(x) ((x) ? (x) : "(null)")

void api_auth_write(FILE *out, const struct api_auth *a)
{
    fprintf(out, "token_len=%zu expires_in=%ld\n", a->token ? strlen(a->token) : 0,
            a->expires_in);
}

void api_error_write(FILE *out, const struct api_error *e)
{
    fprintf(out, "code=%ld message=%s\n", e->code, S(e->message));
}

void api_page_write(FILE *out, const struct api_page *p)
{
    fprintf(out, "total_item=%ld current_page=%ld total_page=%ld items=%zu bad=%zu\n",
            p->total_item, p->current_page, p->total_page, p->n, p->nbad);
    for (size_t i = 0; i < p->n; i++) {
        const struct api_item *it = &p->items[i];
        fprintf(out,
                "item id_reg=%s no_daftar=%s tgl_daftar=%s nib=%s status=%s raw=%s "
                "channel_id=%s kode_fac=%s\n",
                S(it->id_reg), S(it->no_daftar), S(it->tgl_daftar), S(it->nib),
                S(it->status), S(it->status_raw), S(it->channel_id), S(it->kode_fac));
    }
    for (size_t i = 0; i < p->nbad; i++)
        fprintf(out, "bad id_reg=%s reason=%s raw=%s\n", S(p->bad[i].id_reg),
                p->bad[i].reason, p->bad[i].raw);
}

void api_detail_write(FILE *out, const struct api_detail *d)
{
    char ts[21];

    fprintf(out,
            "id_reg=%s no_daftar=%s nib=%s channel_id=%s kode_fac=%s cert_no=%s "
            "cert_date=%s\n",
            S(d->id_reg), S(d->no_daftar), S(d->nib), S(d->channel_id), S(d->kode_fac),
            S(d->cert_no), S(d->cert_date));
    for (size_t i = 0; i < d->nevents; i++) {
        ts_format_utc(d->events[i].at, ts);
        fprintf(out, "event status=%s at=%s username=%s\n", d->events[i].status, ts,
                S(d->events[i].username));
    }
}

void api_programme_page_write(FILE *out, const struct api_programme_page *p)
{
    fprintf(out, "total_item=%ld current_page=%ld total_page=%ld items=%zu bad=%zu\n",
            p->total_item, p->current_page, p->total_page, p->n, p->nbad);
    for (size_t i = 0; i < p->n; i++) {
        const struct api_programme *g = &p->items[i];
        fprintf(
            out,
            "programme id=%s kode_fac=%s tahun=%ld fac_name=%s sumber_biaya=%s "
            "jenis=%s tgl_aktif=%s tgl_selesai=%s kuota=%ld sisa=%ld status_code=%s\n",
            S(g->id), S(g->kode_fac), g->tahun, S(g->fac_name), S(g->sumber_biaya),
            S(g->jenis), S(g->tgl_aktif), S(g->tgl_selesai), g->kuota, g->sisa,
            S(g->status_code));
    }
    for (size_t i = 0; i < p->nbad; i++)
        fprintf(out, "bad reason=%s raw=%s\n", p->bad[i].reason, p->bad[i].raw);
}

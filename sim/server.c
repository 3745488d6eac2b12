/* The HTTP side of halalsim (libmicrohttpd, a thread per connection, keep-alive): the
 * national API contract (docs/national-api.md), the /_sim control endpoints, faults, the
 * clock. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "halaltrack/api_paths.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/stage.h"
#include "sim.h"
#include "halaltrack/banned.h"

#define MAX_BODY (64u * 1024)
#define MAX_TOKENS 1024
#define PAGE_MAX 100
#define LOCK_AFTER 5
#define LOCK_SECONDS 60

/* Counters per endpoint: the paths of the national API's table (lib/api_paths.c), then
 * the /_sim endpoints and everything else. */
enum { EP_SIM = API_PATH__COUNT, EP_OTHER, EP__COUNT };

static const char *ep_name(int ep)
{
    return ep == EP_SIM ? "sim" : ep == EP_OTHER ? "other" : api_path_get(ep)->name;
}
static const int status_slots[] = {200, 400, 401, 403, 404, 405, 413, 429, 500, 502, 503};
#define NSLOTS (HT_ARRAY_LEN(status_slots) + 1)

struct token {
    char tok[48];
    int64_t expires_ms; /* monotonic */
    int revoked;
};

struct sim_server {
    struct MHD_Daemon *d;
    struct MHD_Daemon *auth_d; /* --split-hosts: the authentication host's port */
    int auth_port;
    struct sim_world *w;
    struct sim_server_cfg cfg;
    struct faults faults;
    pthread_mutex_t mu;
    int64_t clock_base, mono_base;
    uint64_t reqno, tokno;
    struct token tokens[MAX_TOKENS];
    size_t tok_next;
    double bucket;
    int64_t bucket_ms;
    int failed_logins;
    int64_t locked_until_ms;
    uint64_t stats[EP__COUNT][NSLOTS];
    int port;
    struct sim_switches sw; /* under mu */
    /* current status code of every application at clock cache_now (filtered lists) */
    pthread_mutex_t cache_mu;
    int64_t cache_now;
    uint8_t *cache_codes;
};

struct req {
    struct buf body;
    int too_large;
};

/* ---- clock
 * ------------------------------------------------------------------------------- */
static int64_t now_locked(struct sim_server *s)
{
    if (s->cfg.speed <= 0)
        return s->clock_base;
    return s->clock_base +
           (int64_t)((double)(ht_mono_ms() - s->mono_base) * s->cfg.speed / 1000.0);
}

static int64_t sim_now(struct sim_server *s)
{
    int64_t t;

    pthread_mutex_lock(&s->mu);
    t = now_locked(s);
    pthread_mutex_unlock(&s->mu);
    return t;
}

static struct sim_switches switches_get(struct sim_server *s)
{
    struct sim_switches sw;

    pthread_mutex_lock(&s->mu);
    sw = s->sw;
    pthread_mutex_unlock(&s->mu);
    return sw;
}

/* ---- responses ---- (their messages imitate the upstream's, in Indonesian where it
 * speaks Indonesian; they are data for the client, not translated UI text) */
static int slot_of(unsigned status)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(status_slots); i++)
        if ((unsigned)status_slots[i] == status)
            return (int)i;
    return (int)NSLOTS - 1;
}

static void count(struct sim_server *s, int ep, unsigned status)
{
    pthread_mutex_lock(&s->mu);
    s->stats[ep][slot_of(status)]++;
    pthread_mutex_unlock(&s->mu);
}

/* Queues r with its content type and a Date header on the simulated clock (the time
 * upstream says it is: a client's observation times are in it, like tracking's). */
static enum MHD_Result queue(struct sim_server *s, struct MHD_Connection *c,
                             unsigned status, struct MHD_Response *r, const char *ctype)
{
    enum MHD_Result ret;
    char date[64];
    time_t t;
    struct tm tm;

    if (!r)
        return MHD_NO;
    t = (time_t)sim_now(s);
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    MHD_add_response_header(r, MHD_HTTP_HEADER_DATE, date);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Sends b (consumed). */
static enum MHD_Result send_buf(struct sim_server *s, struct MHD_Connection *c, int ep,
                                unsigned status, struct buf *b, const char *ctype,
                                const char *retry_after)
{
    size_t len = b->len;
    char *data = buf_detach(b);
    struct MHD_Response *r;

    if (!data)
        return MHD_NO;
    r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    if (retry_after)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry_after);
    count(s, ep, status);
    return queue(s, c, status, r, ctype);
}

static enum MHD_Result send_error(struct sim_server *s, struct MHD_Connection *c, int ep,
                                  unsigned status, int code, const char *msg,
                                  const char *retry_after)
{
    struct buf b = BUF_INIT(BUF_CAP_LINE);

    if (buf_addf(&b, "{\"code\":%d,\"message\":", code) || json_str(&b, msg) ||
        buf_adds(&b, ",\"errors\":{\"list_error\":[") || json_str(&b, msg) ||
        buf_adds(&b, "]}}"))
        return MHD_NO;
    return send_buf(s, c, ep, status, &b, "application/json; charset=utf-8", retry_after);
}

/* A response whose connection dies after part of the body (Content-Length promises all).
 */
struct reset_body {
    char *data;
    size_t len, cut;
};

static ssize_t reset_cb(void *cls, uint64_t pos, char *out, size_t max)
{
    struct reset_body *rb = cls;
    size_t n;

    if (pos >= rb->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    n = rb->cut - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(out, rb->data + pos, n);
    return (ssize_t)n;
}

static void reset_free(void *cls)
{
    struct reset_body *rb = cls;

    free(rb->data);
    free(rb);
}

/* Body-level faults (truncate, malformed, reset, slow), then send. */
static enum MHD_Result send_api(struct sim_server *s, struct MHD_Connection *c, int ep,
                                struct buf *b, struct fault_plan *fp)
{
    if (fp->hit[F_SLOW]) {
        long ms;

        pthread_mutex_lock(&s->faults.mu);
        ms = s->faults.cfg.slow_ms;
        pthread_mutex_unlock(&s->faults.mu);
        faults_count(&s->faults, F_SLOW);
        usleep((useconds_t)ms * 1000);
    }
    if (fp->hit[F_RESET] && b->len > 16) {
        struct reset_body *rb = calloc(1, sizeof(*rb));
        struct MHD_Response *r;

        if (!rb)
            return MHD_NO;
        rb->len = b->len;
        rb->cut = b->len / 3 + rng_below(&fp->rng, (uint32_t)(b->len / 3));
        rb->data = buf_detach(b);
        if (!rb->data) {
            free(rb);
            return MHD_NO;
        }
        r = MHD_create_response_from_callback(rb->len, 4096, reset_cb, rb, reset_free);
        if (!r) {
            reset_free(rb);
            return MHD_NO;
        }
        faults_count(&s->faults, F_RESET);
        count(s, ep, 200);
        return queue(s, c, 200, r, "application/json; charset=utf-8");
    }
    if (fp->hit[F_TRUNCATE] && b->len > 16) {
        size_t keep = b->len / 4 + rng_below(&fp->rng, (uint32_t)(b->len / 2));

        b->len = keep;
        b->ptr[keep] = '\0';
        faults_count(&s->faults, F_TRUNCATE);
    } else if (fp->hit[F_MALFORMED] && b->len > 16) {
        /* a ':' after the middle becomes '=': the same length, never valid JSON */
        char *p = memchr(b->ptr + b->len / 2, ':', b->len - b->len / 2);

        if (!p)
            p = memchr(b->ptr, ':', b->len);
        if (p) {
            *p = '=';
            faults_count(&s->faults, F_MALFORMED);
        }
    }
    return send_buf(s, c, ep, 200, b, "application/json; charset=utf-8", NULL);
}

/* Case-insensitive (ASCII) substring search. */
static const char *ci_strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    int lo, up;

    if (!n)
        return hay;
    lo = *needle >= 'A' && *needle <= 'Z' ? *needle + 32 : *needle;
    up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
    for (; *hay; hay++)
        if ((*hay == lo || *hay == up) && strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

/* ---- query helpers
 * ---------------------------------------------------------------------- */
static const char *arg(struct MHD_Connection *c, const char *k)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

static int arg_long(struct MHD_Connection *c, const char *k, long def, long min, long max,
                    long *out, char *msg, size_t n)
{
    const char *v = arg(c, k);
    struct ht_err err = HT_ERR_INIT;

    if (!v || !*v) {
        *out = def;
        return 0;
    }
    if (parse_int(v, min, max, out, &err)) {
        snprintf(msg, n, ("parameter '%s' must be an integer in %ld..%ld, got '%s'"), k,
                 min, max, v);
        return -1;
    }
    return 0;
}

/* The page and size arguments of a paged endpoint (page from 1, size up to PAGE_MAX,
 * def_size when absent). Returns 0, or -1 with the message in msg. */
static int arg_page(struct MHD_Connection *c, long def_size, long *page, long *size,
                    char *msg, size_t n)
{
    if (arg_long(c, "page", 1, 1, 10000000, page, msg, n) ||
        arg_long(c, "size", def_size, 1, PAGE_MAX, size, msg, n))
        return -1;
    return 0;
}

/* ---- auth
 * --------------------------------------------------------------------------------- */
static void make_token(struct sim_server *s, char out[48])
{
    uint64_t n = ++s->tokno;

    snprintf(out, 48, "simtok.%016llx%016llx",
             (unsigned long long)sim_hash3(s->w->p.seed, n, 0x544f4b31),
             (unsigned long long)sim_hash3(s->w->p.seed, n, 0x544f4b32));
}

/* 0 = valid, 1 = missing/unknown/expired. */
static int check_token(struct sim_server *s, struct MHD_Connection *c, int revoke)
{
    const char *h =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    int64_t ms = ht_mono_ms();
    int rc = 1;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 1;
    h += 7;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < MAX_TOKENS; i++) {
        struct token *t = &s->tokens[i];

        if (t->tok[0] && !strcmp(t->tok, h)) {
            if (!t->revoked && t->expires_ms > ms) {
                rc = 0;
                if (revoke)
                    t->revoked = 1;
            }
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static enum MHD_Result h_auth(struct sim_server *s, struct MHD_Connection *c,
                              struct req *rq, struct fault_plan *fp)
{
    json_error_t je;
    json_t *root = json_loadb(rq->body.ptr ? rq->body.ptr : "", rq->body.len, 0, &je);
    const char *email = NULL, *pw = NULL;
    struct buf b = BUF_INIT(BUF_CAP_LINE);
    char tok[48];
    int ok, locked;
    enum MHD_Result ret;

    if (!root || json_unpack(root, "{s:s, s:s}", "email", &email, "password", &pw) != 0) {
        json_decref(root);
        return send_error(
            s, c, API_AUTH, 400, 4000,
            ("the body must be a JSON object with string fields 'email' and "
             "'password'"),
            NULL);
    }
    ok = !strcmp(email, s->cfg.email) && !strcmp(pw, s->cfg.password);
    json_decref(root);
    pthread_mutex_lock(&s->mu);
    locked = s->locked_until_ms > ht_mono_ms();
    if (!locked && !ok && ++s->failed_logins >= LOCK_AFTER) {
        s->locked_until_ms = ht_mono_ms() + LOCK_SECONDS * 1000;
        s->failed_logins = 0;
    }
    if (!locked && ok) {
        struct token *t = &s->tokens[s->tok_next++ % MAX_TOKENS];

        s->failed_logins = 0;
        make_token(s, tok);
        memcpy(t->tok, tok, sizeof(tok));
        t->expires_ms = ht_mono_ms() + (int64_t)s->cfg.token_ttl * 1000;
        t->revoked = 0;
    }
    pthread_mutex_unlock(&s->mu);
    if (locked)
        return send_error(
            s, c, API_AUTH, 403, 4003,
            ("akun dikunci sementara karena terlalu banyak percobaan login"), NULL);
    if (!ok)
        return send_error(s, c, API_AUTH, 401, 4001, ("email atau password salah"), NULL);
    if (buf_addf(&b,
                 "{\"code\":2000,\"message\":\"OK\",\"data\":{\"token\":\"%s\","
                 "\"expires_in\":%d,\"user\":{\"email\":",
                 tok, s->cfg.token_ttl) ||
        json_str(&b, s->cfg.email) ||
        buf_adds(&b,
                 ",\"name\":\"Dinas Koperasi dan Usaha Mikro\",\"role\":\"fasilitator\","
                 "\"is_verified\":true}}}"))
        return MHD_NO;
    ret = send_api(s, c, API_AUTH, &b, fp);
    return ret;
}

/* ---- record-level faults on a rendered item
 * ------------------------------------------------ */
/* Finds "key": in item and returns the start of its value (or NULL). */
static char *value_of(char *item, const char *key)
{
    char pat[40];
    char *p;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(item, pat);
    return p ? p + strlen(pat) : NULL;
}

/* End (exclusive) of the JSON string or literal value at v. */
static char *value_end(char *v)
{
    if (*v == '"') {
        for (v++; *v && *v != '"'; v++)
            if (*v == '\\' && v[1])
                v++;
        return *v ? v + 1 : v;
    }
    while (*v && *v != ',' && *v != '}')
        v++;
    return v;
}

/* Replaces [from, to) of the item buffer with rep. */
static int splice(struct buf *it, char *from, char *to, const char *rep)
{
    struct buf n = BUF_INIT(it->max);
    int rc = -1;

    if (buf_add(&n, it->ptr, (size_t)(from - it->ptr)) || buf_adds(&n, rep) ||
        buf_adds(&n, to))
        goto out;
    buf_release(it);
    *it = n;
    return 0;
out:
    buf_release(&n);
    return rc;
}

static int unknown_code(struct fault_plan *fp, char out[8])
{
    static const char *const codes[] = {"OF130", "OF77", "OF999",
                                        "OF310", "OF65", "OF150"};

    for (int i = 0; i < 12; i++) {
        const char *c = codes[rng_below(&fp->rng, HT_ARRAY_LEN(codes))];

        if (!stage_lookup(c)) {
            snprintf(out, 8, "%s", c);
            return 0;
        }
    }
    snprintf(out, 8, "OF9999");
    return 0;
}

/* Applies a record fault of kind k to the item JSON in it. Returns 0 or -1. */
static int corrupt_item(struct buf *it, enum fault_kind k, struct fault_plan *fp,
                        const char *status_key)
{
    char *v, *e;
    char rep[16];

    switch (k) {
    case F_UNKNOWN_CODE:
        v = value_of(it->ptr, status_key);
        if (!v)
            return -1;
        if (v[0] == '"' && strncmp(v + 1, "OF", 2) != 0) {
            /* the row speaks in labels: a label no status map of the frontend has */
            static const char *const labels[] = {"\"Menunggu Verifikasi Ulang\"",
                                                 "\"Ditunda Sementara\"",
                                                 "\"Proses Banding\""};
            return splice(it, v, value_end(v),
                          labels[rng_below(&fp->rng, HT_ARRAY_LEN(labels))]);
        }
        unknown_code(fp, rep + 1);
        rep[0] = '"';
        {
            size_t n = strlen(rep);

            rep[n] = '"';
            rep[n + 1] = '\0';
        }
        return splice(it, v, value_end(v), rep);
    case F_MISSING_FIELDS:
        /* (no_daftar is the only key of a row without id_reg: then status goes) */
        if (rng_below(&fp->rng, 2) && strstr(it->ptr, "\"id_reg\":")) {
            v = value_of(it->ptr, "no_daftar");
            return v ? splice(it, v, value_end(v), "null") : -1;
        }
        v = strstr(it->ptr, ",\"status\":");
        if (!v)
            return -1;
        e = value_end(v + 10);
        return splice(it, v, e, "");
    case F_BAD_UTF8:
        v = value_of(it->ptr, "nama_pu");
        if (!v || *v != '"')
            return -1;
        return splice(it, v + 1, v + 1, "\xc3\x28\xff");
    default:
        return -1;
    }
}

/* ---- list
 * ----------------------------------------------------------------------------------- */
/* The inquiry's filters (server/api/inquiry/index.get.ts passes them through). */
struct filter {
    int codes[C__COUNT + 1];
    int ncodes, any_code_unknown;
    int jenis;                               /* 0 any, 1 reguler, 2 self-declare */
    const char *kode_fac;                    /* exact, case-insensitive */
    const char *no_daftar, *nama_pu, *merek; /* case-insensitive substrings */
    uint8_t
        *name_hits; /* bit per MSME: its name contains nama_pu (one sequential scan) */
};

static int has_filter(const struct filter *f)
{
    return f->ncodes || f->any_code_unknown || f->jenis || f->kode_fac || f->no_daftar ||
           f->nama_pu || f->merek;
}

static int matches(const struct sim_world *w, uint32_t idx, const uint8_t *codes,
                   const struct filter *f)
{
    const struct sim_app *a = &w->apps[idx];
    char s[96];

    if (f->jenis && (f->jenis == 2) != (a->channel >= CH003))
        return 0;
    if (f->ncodes || f->any_code_unknown) {
        int ok = 0;

        for (int i = 0; i < f->ncodes; i++)
            ok |= f->codes[i] == codes[idx];
        if (!ok)
            return 0;
    }
    if (f->kode_fac) {
        const char *k = world_kode_fac(w, a, s, sizeof(s));
        if (!k || strcasecmp(k, f->kode_fac) != 0)
            return 0;
    }
    if (f->no_daftar) {
        world_no_daftar(w, a, s);
        if (!ci_strstr(s, f->no_daftar))
            return 0;
    }
    if (f->nama_pu && !((f->name_hits[a->msme >> 3] >> (a->msme & 7)) & 1))
        return 0;
    if (f->merek) {
        world_product(w, a->msme, a->product, s, sizeof(s));
        if (!ci_strstr(s, f->merek))
            return 0;
    }
    return 1;
}

/* status=OF10,OF280: codes (the frontend's filter sends codes). */
static int parse_codes(const char *v, char *msg, size_t n, struct filter *f)
{
    char tmp[512];
    char *save = NULL;

    if (strlen(v) >= sizeof(tmp)) {
        snprintf(msg, n, ("parameter 'status' is too long"));
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s", v);
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int found = 0;

        if (!stage_code_wellformed(t)) {
            snprintf(msg, n, ("status '%s' is not a status code like OF10"), t);
            return -1;
        }
        for (int i = 0; i < C__COUNT; i++)
            if (!strcmp(t, sim_code_str[i])) {
                found = 1;
                if (f->ncodes < C__COUNT)
                    f->codes[f->ncodes++] = i;
            }
        if (!found)
            f->any_code_unknown = 1; /* a valid code no application has */
    }
    return 0;
}

/* Reads the query into f. Returns 0, or -1 with msg for a 400. */
static int parse_filter(const struct sim_world *w, struct MHD_Connection *c,
                        struct filter *f, char *msg, size_t n)
{
    const char *v;

    memset(f, 0, sizeof(*f));
    if ((v = arg(c, "status")) && *v && parse_codes(v, msg, n, f))
        return -1;
    if ((v = arg(c, "jenis")) && *v) {
        if (!strcasecmp(v, "Reguler"))
            f->jenis = 1;
        else if (!strcasecmp(v, "Self Declare"))
            f->jenis = 2;
        else {
            snprintf(msg, n, ("parameter 'jenis' must be 'Reguler' or 'Self Declare'"));
            return -1;
        }
    }
    if ((v = arg(c, "kode_fac")) && *v)
        f->kode_fac = v;
    if ((v = arg(c, "no_daftar")) && *v)
        f->no_daftar = v;
    if ((v = arg(c, "merek_dagang")) && *v)
        f->merek = v;
    if ((v = arg(c, "nama_pu")) && *v) {
        /* names sit in MSME order in one pool: a sequential pass beats random lookups */
        f->nama_pu = v;
        if (!(f->name_hits = calloc(w->nmsmes / 8 + 1, 1))) {
            snprintf(msg, n, ("out of memory"));
            return -1;
        }
        for (size_t i = 0; i < w->nmsmes; i++)
            if (ci_strstr(world_name(w, w->msmes[i].name_off), v))
                f->name_hits[i >> 3] |= (uint8_t)(1u << (i & 7));
    }
    return 0;
}

/* The current status code of every application at clock now, cached per clock. Called
 * with cache_mu held. */
static const uint8_t *current_codes(struct sim_server *s, int64_t now)
{
    const struct sim_world *w = s->w;

    if (s->cache_now != now) {
        for (size_t i = 0; i < w->napps; i++) {
            int cur = world_app_cur(w, &w->apps[i], now);
            s->cache_codes[i] = world_app_ev(w, &w->apps[i])[cur > 0 ? cur - 1 : 0].code;
        }
        s->cache_now = now;
    }
    return s->cache_codes;
}

/* A page of the office's applications, newest first: sel[] gets up to size of them from
 * offset on, *total how many match, *dup the one before the page (for the duplicate
 * fault), or UINT32_MAX. */
static void select_page(struct sim_server *s, int64_t now, const struct filter *f,
                        size_t offset, long size, uint32_t *sel, size_t *nsel,
                        size_t *total, uint32_t *dup)
{
    const struct sim_world *w = s->w;
    size_t vis = world_office_visible(w, now);

    *nsel = *total = 0;
    *dup = UINT32_MAX;
    /* newest first: position j is office[vis - 1 - j] */
    if (!has_filter(f)) {
        *total = vis;
        for (size_t j = offset; j < vis && *nsel < (size_t)size; j++)
            sel[(*nsel)++] = w->office[vis - 1 - j];
        if (offset > 0 && offset <= vis)
            *dup = w->office[vis - offset];
        return;
    }
    if (f->any_code_unknown && !f->ncodes)
        return;
    pthread_mutex_lock(&s->cache_mu);
    {
        const uint8_t *codes = current_codes(s, now);

        for (size_t j = 0; j < vis; j++) {
            uint32_t idx = w->office[vis - 1 - j];

            if (!matches(w, idx, codes, f))
                continue;
            if (*total + 1 == offset)
                *dup = idx;
            if (*total >= offset && *nsel < (size_t)size)
                sel[(*nsel)++] = idx;
            (*total)++;
        }
    }
    pthread_mutex_unlock(&s->cache_mu);
}

/* The key a client files an application's list record under: id_reg, or no_daftar when
 * the rows carry no id_reg. */
static void record_key(const struct sim_world *w, uint32_t idx,
                       const struct sim_switches *sw, char out[static 37])
{
    if (sw->no_id_reg) {
        char nd[32];
        world_no_daftar(w, &w->apps[idx], nd);
        snprintf(out, 37, "%s", nd);
    } else {
        world_id_reg(&w->apps[idx], out);
    }
}

/* The page's JSON: envelope, rows (one with a record fault when planned), totals. */
static int render_page(struct sim_server *s, struct buf *b, const uint32_t *sel,
                       size_t nsel, size_t total, long page, long size, int64_t now,
                       const struct sim_switches *sw, struct fault_plan *fp)
{
    static const enum fault_kind rec[] = {F_UNKNOWN_CODE, F_MISSING_FIELDS, F_BAD_UTF8};
    const struct sim_world *w = s->w;
    int sn = fp->hit[F_STRING_NUMBERS], rec_fault = -1;
    size_t victim;

    for (size_t i = 0; nsel && i < HT_ARRAY_LEN(rec); i++)
        if (fp->hit[rec[i]] && rec_fault < 0)
            rec_fault = (int)rec[i];
    victim = rec_fault >= 0 ? rng_below(&fp->rng, (uint32_t)nsel) : SIZE_MAX;
    if (buf_adds(b, sn ? "{\"code\":\"2000\",\"message\":\"OK\",\"data\":["
                       : "{\"code\":2000,\"message\":\"OK\",\"data\":["))
        return -1;
    for (size_t i = 0; i < nsel; i++) {
        if (i && buf_addch(b, ','))
            return -1;
        if (i == victim) {
            struct buf it = BUF_INIT(BUF_CAP_LINE);
            char key[37];

            if (render_item(&it, w, sel[i], now, sw) ||
                corrupt_item(&it, (enum fault_kind)rec_fault, fp, "status") ||
                buf_add(b, it.ptr, it.len)) {
                buf_release(&it);
                return -1;
            }
            buf_release(&it);
            record_key(w, sel[i], sw, key);
            faults_count(&s->faults, (enum fault_kind)rec_fault);
            faults_bad_record_in(&s->faults, key, (enum fault_kind)rec_fault, fp);
        } else if (render_item(b, w, sel[i], now, sw)) {
            return -1;
        }
    }
    if (fp->hit[F_HUGE_TOTAL]) {
        /* a broken or hostile upstream: totals that would keep a naive client paging for
         * ever */
        faults_count(&s->faults, F_HUGE_TOTAL);
        total = (size_t)1000000000000ULL;
    }
    {
        size_t tp = (total + (size_t)size - 1) / (size_t)size;

        if (sn ? buf_addf(b,
                          "],\"total_item\":\"%zu\",\"current_page\":\"%ld\",\"total_"
                          "page\":\"%zu\"}",
                          total, page, tp)
               : buf_addf(b,
                          "],\"total_item\":%zu,\"current_page\":%ld,\"total_page\":%zu}",
                          total, page, tp))
            return -1;
    }
    if (sn)
        faults_count(&s->faults, F_STRING_NUMBERS);
    return 0;
}

/* GET .../inquiry: the office's applications (those using its facilitation codes). */
static enum MHD_Result h_inquiry(struct sim_server *s, struct MHD_Connection *c,
                                 struct fault_plan *fp)
{
    const struct sim_world *w = s->w;
    int64_t now = sim_now(s);
    struct sim_switches sw = switches_get(s);
    struct filter f;
    long page, size;
    char msg[256];
    uint32_t sel[PAGE_MAX + 8], dup;
    size_t nsel, total, offset;
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    int rc;

    memset(&f, 0, sizeof(f));
    if (arg_page(c, 10, &page, &size, msg, sizeof(msg)) ||
        parse_filter(w, c, &f, msg, sizeof(msg))) {
        free(f.name_hits);
        return send_error(s, c, API_APPLICATIONS, 400, 4000, msg, NULL);
    }
    offset = (size_t)(page - 1) * (size_t)size;
    if (fp->hit[F_PAGE_SHIFT] && offset > 0) {
        /* as if a few applications arrived at the top while the client was paging */
        size_t shift = 1 + rng_below(&fp->rng, 5);
        offset -= shift > offset ? offset : shift;
        faults_count(&s->faults, F_PAGE_SHIFT);
    }
    select_page(s, now, &f, offset, size, sel, &nsel, &total, &dup);
    free(f.name_hits);
    if (fp->hit[F_DUPLICATE_ITEMS] && dup != UINT32_MAX && nsel) {
        /* the previous page's last item again, at the top of this page */
        memmove(sel + 1, sel, nsel * sizeof(sel[0]));
        sel[0] = dup;
        nsel++;
        faults_count(&s->faults, F_DUPLICATE_ITEMS);
    }
    rc = render_page(s, &b, sel, nsel, total, page, size, now, &sw, fp);
    if (rc) {
        buf_release(&b);
        return MHD_NO;
    }
    return send_api(s, c, API_APPLICATIONS, &b, fp);
}

/* GET /api/v1/fasilitator/search: the office's facilitation programmes (the frontend
 * passes page, size, keyword and a comma-separated status). */
static enum MHD_Result h_programmes(struct sim_server *s, struct MHD_Connection *c,
                                    struct fault_plan *fp)
{
    const struct sim_world *w = s->w;
    int64_t now = sim_now(s);
    long page, size;
    char msg[256];
    const char *st = arg(c, "status"), *kw = arg(c, "keyword");
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    size_t total = 0, nout = 0, offset;

    if (arg_page(c, 10, &page, &size, msg, sizeof(msg)))
        return send_error(s, c, API_PROGRAMMES, 400, 4000, msg, NULL);
    offset = (size_t)(page - 1) * (size_t)size;
    if (buf_adds(&b, "{\"code\":2000,\"message\":\"OK\",\"data\":["))
        return MHD_NO;
    for (size_t i = 0; i < w->nprogs; i++) {
        const struct sim_programme *g = &w->progs[i];
        char pat[24];

        snprintf(pat, sizeof(pat), ",%s,", g->status);
        if (st && *st) {
            char list[512];
            snprintf(list, sizeof(list), ",%s,", st);
            if (!strstr(list, pat))
                continue;
        }
        if (kw && *kw && !ci_strstr(g->name, kw) && !ci_strstr(g->kode_fac, kw))
            continue;
        if (total >= offset && nout < (size_t)size &&
            ((nout && buf_addch(&b, ',')) || render_programme(&b, w, i, now)))
            return MHD_NO;
        nout += total >= offset && nout < (size_t)size;
        total++;
    }
    if (buf_addf(&b, "],\"total_item\":%zu,\"current_page\":%ld,\"total_page\":%zu}",
                 total, page, (total + (size_t)size - 1) / (size_t)size))
        return MHD_NO;
    return send_api(s, c, API_PROGRAMMES, &b, fp);
}

/* ---- detail
 * --------------------------------------------------------------------------------- */
#define HUGE_BODY_BYTES (6u * 1024 * 1024)

/* A 6 MB HTML page where JSON was expected (a proxy's error page gone wrong). */
static enum MHD_Result send_huge_page(struct sim_server *s, struct MHD_Connection *c,
                                      int ep, const char *id)
{
    static const char row[] = "<tr><td>gateway error</td><td>coba lagi nanti</td></tr>\n";
    struct buf b = BUF_INIT(HUGE_BODY_BYTES + 1024);

    if (buf_adds(&b, "<!DOCTYPE html><html><body><table>\n"))
        return MHD_NO;
    while (b.len + sizeof(row) < HUGE_BODY_BYTES)
        if (buf_adds(&b, row))
            return MHD_NO;
    if (buf_adds(&b, "</table></body></html>\n"))
        return MHD_NO;
    faults_count(&s->faults, F_HUGE_BODY);
    faults_bad_record(&s->faults, id, F_HUGE_BODY);
    return send_buf(s, c, ep, 200, &b, "text/html; charset=utf-8", NULL);
}
/* A record fault in a detail answer: the newest tracking entry gets a code nobody maps
 * (unknown_code), the tracking list is dropped (missing_fields), or nama_pu gets invalid
 * UTF-8 (bad_utf8). Returns 0 or -1. */
static int corrupt_detail(struct buf *b, enum fault_kind k, struct fault_plan *fp)
{
    char *tr = strstr(b->ptr, "\"tracking\":[");

    if (k == F_UNKNOWN_CODE && tr) {
        char *last = NULL;
        struct buf tail = BUF_INIT(BUF_CAP_SMALL);
        int rc;

        for (char *p = strstr(tr, "{\"status\":"); p; p = strstr(p + 1, "{\"status\":"))
            last = p;
        if (!last || buf_adds(&tail, last))
            return -1;
        b->len = (size_t)(last - b->ptr);
        b->ptr[b->len] = '\0';
        rc = corrupt_item(&tail, F_UNKNOWN_CODE, fp, "status") ||
             buf_add(b, tail.ptr, tail.len);
        buf_release(&tail);
        return rc ? -1 : 0;
    }
    if (k == F_MISSING_FIELDS)
        /* the tracking list is dropped, as a broken upstream might */
        return tr && !splice(b, tr, tr + strlen(tr) - 2, "\"tracking\":null") ? 0 : -1;
    return corrupt_item(b, k, fp, "status") ? -1 : 0;
}

/* GET the detail of application id on the reguler or the self-declare path (ep): each
 * path serves only its own applications (404 otherwise, as a different page would); an
 * application whose detail this account is refused answers 403 on both. */
static enum MHD_Result h_detail(struct sim_server *s, struct MHD_Connection *c, int ep,
                                const char *id, struct fault_plan *fp)
{
    const struct sim_world *w = s->w;
    int64_t now = sim_now(s);
    struct sim_switches sw = switches_get(s);
    uint32_t idx;
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    int rec_fault = fp->hit[F_UNKNOWN_CODE]     ? F_UNKNOWN_CODE
                    : fp->hit[F_MISSING_FIELDS] ? F_MISSING_FIELDS
                    : fp->hit[F_BAD_UTF8]       ? F_BAD_UTF8
                                                : -1;

    if (world_find_id_reg(w, id, &idx) || world_app_cur(w, &w->apps[idx], now) == 0 ||
        (ep == API_DETAIL_SELF_DECLARE) != (w->apps[idx].channel >= CH003))
        return send_error(s, c, ep, 404, 4004, ("data pengajuan tidak ditemukan"), NULL);
    if (world_detail_denied(w, idx, &sw))
        return send_error(s, c, ep, 403, 4003,
                          ("akses ditolak: pengajuan ini bukan wewenang akun Anda"),
                          NULL);
    if (faults_app_hit(&s->faults, F_HUGE_BODY, idx))
        return send_huge_page(s, c, ep, id);
    if (render_detail(&b, w, idx, now))
        return MHD_NO;
    if (rec_fault >= 0) {
        if (corrupt_detail(&b, (enum fault_kind)rec_fault, fp) < 0)
            return MHD_NO;
        faults_count(&s->faults, (enum fault_kind)rec_fault);
        faults_bad_record_in(&s->faults, id, (enum fault_kind)rec_fault, fp);
    }
    if (fp->hit[F_STRING_NUMBERS] && !strncmp(b.ptr, "{\"code\":2000", 12)) {
        if (splice(&b, b.ptr + 8, b.ptr + 12, "\"2000\""))
            return MHD_NO;
        faults_count(&s->faults, F_STRING_NUMBERS);
    }
    return send_api(s, c, ep, &b, fp);
}

/* ---- public certificate search
 * ---------------------------------------------------------- */
struct cert_row {
    uint32_t msme;
    uint32_t seq;
    int64_t t;
    uint8_t product;
};

static int cert_match(const struct sim_world *w, const struct cert_row *r,
                      const char *no_q, const char *pu_q, const char *prod_q, char no[20],
                      char prod[96])
{
    char pu[256];

    /* the cheap test first; numbers and product names are only formatted when needed */
    if (pu_q && *pu_q) {
        pubsearch_name(w, r->msme, r->seq, pu, sizeof(pu));
        if (!ci_strstr(pu, pu_q))
            return 0;
    }
    world_cert_no(w, r->seq, r->t, no);
    if (no_q && *no_q && !ci_strstr(no, no_q))
        return 0;
    world_product(w, r->msme, r->product, prod, 96);
    if (prod_q && *prod_q && !ci_strstr(prod, prod_q))
        return 0;
    return 1;
}

static int cert_emit(struct buf *b, const struct sim_world *w, const struct cert_row *r,
                     const char *no, const char *prod, int first)
{
    char d[11], pu[256];

    fmt_wib_date(r->t, d);
    pubsearch_name(w, r->msme, r->seq, pu, sizeof(pu));
    return (!first && buf_addch(b, ',')) || buf_adds(b, "{\"reg_prod_name\":") ||
           json_str(b, prod) || buf_adds(b, ",\"pelaku_usaha\":{\"nama_pu\":") ||
           json_str(b, pu) ||
           buf_addf(b, "},\"sertifikat\":{\"no_sert\":\"%s\",\"tgl_sert\":\"%s\"}}", no,
                    d);
}

static enum MHD_Result h_search(struct sim_server *s, struct MHD_Connection *c,
                                struct fault_plan *fp)
{
    const struct sim_world *w = s->w;
    int64_t now = sim_now(s);
    size_t vis = world_visible(w, now), total = 0, nout = 0;
    long page, size;
    char msg[256], no[20], prod[96];
    const char *no_q = arg(c, "no_sertifikat"), *pu_q = arg(c, "nama_pelaku_usaha"),
               *prod_q = arg(c, "nama_produk");
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    size_t offset;

    if (arg_page(c, 20, &page, &size, msg, sizeof(msg)))
        return send_error(s, c, API_CERT_SEARCH, 400, 4000, msg, NULL);
    offset = (size_t)(page - 1) * (size_t)size;
    if (buf_adds(&b, "{\"data\":{\"datas\":["))
        return MHD_NO;
    for (size_t k = 0; k < w->nocerts; k++) {
        struct cert_row r = {w->ocerts[k].msme, w->ocerts[k].seq,
                             world_ts(w, w->ocerts[k].t), w->ocerts[k].product};

        if (r.t > now || !cert_match(w, &r, no_q, pu_q, prod_q, no, prod))
            continue;
        if (total >= offset && nout < (size_t)size &&
            cert_emit(&b, w, &r, no, prod, !nout++))
            return MHD_NO;
        total++;
    }
    for (size_t j = 0; j < vis; j++) {
        uint32_t idx = w->order[vis - 1 - j];
        const struct sim_app *a = &w->apps[idx];
        int cur = world_app_cur(w, a, now);
        struct cert_row r;

        if (world_app_ev(w, a)[cur - 1].code != C_OF300)
            continue;
        r.msme = a->msme;
        r.seq = w->cert_base + idx;
        r.t = world_ts(w, world_app_ev(w, a)[cur - 1].t);
        r.product = a->product;
        if (!cert_match(w, &r, no_q, pu_q, prod_q, no, prod))
            continue;
        if (total >= offset && nout < (size_t)size &&
            cert_emit(&b, w, &r, no, prod, !nout++))
            return MHD_NO;
        total++;
    }
    if (buf_addf(&b, "],\"total_items\":%zu,\"total_pages\":%zu,\"current_page\":%ld}}",
                 total, (total + (size_t)size - 1) / (size_t)size, page))
        return MHD_NO;
    return send_api(s, c, API_CERT_SEARCH, &b, fp);
}

/* ---- streamed /_sim dumps
 * ----------------------------------------------------------------- */
/* Line i of /_sim/truth/public_search: every certificate the public search serves at now
 * (the other programmes' first, then the applications' in order[]), with the NIB of its
 * register MSME, the name the search shows and the register's, and its source:
 * "office" (an application on the office's list), "other_channel" (an application the
 * office does not see) or "other_programme". Nothing for an uncertified application. */
static int render_public_truth(struct buf *b, const struct sim_world *w, size_t i,
                               int64_t now)
{
    struct cert_row r;
    const char *src = "other_programme", *ch = NULL;
    static const char *const chn[] = {"CH001", "CH001", "CH002", "CH003", "CH004"};
    char no[20], prod[96], d[11], nib[14], pu[256];

    if (i < w->nocerts) {
        const struct sim_ocert *o = &w->ocerts[i];
        r = (struct cert_row){o->msme, o->seq, world_ts(w, o->t), o->product};
        if (r.t > now)
            return 0;
    } else {
        uint32_t idx = w->order[i - w->nocerts];
        const struct sim_app *a = &w->apps[idx];
        int cur = world_app_cur(w, a, now);

        if (world_app_ev(w, a)[cur - 1].code != C_OF300)
            return 0;
        r = (struct cert_row){a->msme, w->cert_base + idx,
                              world_ts(w, world_app_ev(w, a)[cur - 1].t), a->product};
        src = a->office ? "office" : "other_channel";
        ch = a->channel >= 1 && a->channel <= 4 ? chn[a->channel] : "CH001";
    }
    world_cert_no(w, r.seq, r.t, no);
    world_product(w, r.msme, r.product, prod, sizeof(prod));
    world_nib(w, r.msme, nib);
    fmt_wib_date(r.t, d);
    pubsearch_name(w, r.msme, r.seq, pu, sizeof(pu));
    return buf_addf(
               b,
               "{\"no_sert\":\"%s\",\"tgl_sert\":\"%s\",\"nib\":\"%s\",\"source\":\"%s\","
               "\"channel_id\":",
               no, d, nib, src) ||
           (ch ? json_str(b, ch) : buf_adds(b, "null")) || buf_adds(b, ",\"nama_pu\":") ||
           json_str(b, pu) || buf_adds(b, ",\"register_name\":") ||
           json_str(b, world_name(w, w->msmes[r.msme].name_off)) ||
           buf_adds(b, ",\"owner_name\":") ||
           json_str(b, world_name(w, w->msmes[r.msme].owner_off)) ||
           buf_adds(b, ",\"reg_prod_name\":") || json_str(b, prod) || buf_adds(b, "}\n");
}

enum stream_kind { ST_TRUTH, ST_OCERTS, ST_REGISTER, ST_PROGRAMMES, ST_PUBLIC };

struct stream {
    struct sim_server *s;
    enum stream_kind kind;
    struct sim_switches sw;
    int64_t now;
    size_t pos, end;
    struct buf pending;
    size_t sent; /* bytes of pending already handed out */
    int header_done;
};

static int stream_fill(struct stream *st, size_t want)
{
    const struct sim_world *w = st->s->w;

    if (st->kind == ST_REGISTER && !st->header_done) {
        st->header_done = 1;
        if (render_register_header(&st->pending))
            return -1;
    }
    while (st->pos < st->end && st->pending.len - st->sent < want) {
        size_t i = st->pos++;

        if (st->kind == ST_TRUTH) {
            /* the office's applications: what its inquiry list serves, in list order */
            if (render_truth_line(&st->pending, w, w->office[st->end - 1 - i], st->now,
                                  &st->sw))
                return -1;
        } else if (st->kind == ST_PROGRAMMES) {
            if (render_programme(&st->pending, w, i, st->now) ||
                buf_addch(&st->pending, '\n'))
                return -1;
        } else if (st->kind == ST_REGISTER) {
            if (render_register_row(&st->pending, w, i))
                return -1;
        } else if (st->kind == ST_PUBLIC) {
            if (render_public_truth(&st->pending, w, i, st->now))
                return -1;
        } else {
            const struct sim_ocert *o = &w->ocerts[i];
            struct cert_row r = {o->msme, o->seq, world_ts(w, o->t), o->product};
            char no[20], prod[96], d[11], nib[14];

            if (r.t > st->now)
                continue;
            world_cert_no(w, r.seq, r.t, no);
            world_product(w, r.msme, r.product, prod, sizeof(prod));
            world_nib(w, r.msme, nib);
            fmt_wib_date(r.t, d);
            if (buf_addf(&st->pending,
                         "{\"no_sert\":\"%s\",\"tgl_sert\":\"%s\",\"nib\":\"%s\","
                         "\"nama_pu\":",
                         no, d, nib) ||
                json_str(&st->pending, world_name(w, w->msmes[r.msme].name_off)) ||
                buf_adds(&st->pending, ",\"reg_prod_name\":") ||
                json_str(&st->pending, prod) || buf_adds(&st->pending, "}\n"))
                return -1;
        }
    }
    return 0;
}

static ssize_t stream_cb(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream *st = cls;
    size_t n;

    (void)pos;
    if (st->sent == st->pending.len) {
        buf_reset(&st->pending);
        st->sent = 0;
        if (stream_fill(st, max))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (st->pending.len == 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
    }
    n = st->pending.len - st->sent;
    if (n > max)
        n = max;
    memcpy(out, st->pending.ptr + st->sent, n);
    st->sent += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;

    buf_release(&st->pending);
    free(st);
}

static enum MHD_Result send_stream(struct sim_server *s, struct MHD_Connection *c,
                                   enum stream_kind kind, const char *ctype)
{
    struct stream *st = calloc(1, sizeof(*st));
    struct MHD_Response *r;

    if (!st)
        return MHD_NO;
    st->s = s;
    st->kind = kind;
    st->now = sim_now(s);
    buf_init(&st->pending, BUF_CAP_LARGE);
    st->sw = switches_get(s);
    st->end = kind == ST_TRUTH        ? world_office_visible(s->w, st->now)
              : kind == ST_REGISTER   ? register_rows(s->w)
              : kind == ST_PROGRAMMES ? s->w->nprogs
              : kind == ST_PUBLIC     ? s->w->nocerts + world_visible(s->w, st->now)
                                      : s->w->nocerts;
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_cb, st,
                                          stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    count(s, EP_SIM, 200);
    return queue(s, c, 200, r, ctype);
}

/* ---- /_sim control
 * ---------------------------------------------------------------------------- */
static enum MHD_Result send_clock(struct sim_server *s, struct MHD_Connection *c)
{
    struct buf b = BUF_INIT(BUF_CAP_LINE);
    int64_t now = sim_now(s);
    char a[21], st[21], wib[26];

    ts_format_utc(now, a);
    ts_format_utc(s->w->p.start, st);
    fmt_wib_ts(now, wib);
    if (buf_addf(&b,
                 "{\"now\":\"%s\",\"start\":\"%s\",\"now_wib\":\"%s\",\"speed\":%g,"
                 "\"visible\":%zu,\"applications\":%zu}",
                 a, st, wib, s->cfg.speed, world_visible(s->w, now), s->w->napps))
        return MHD_NO;
    return send_buf(s, c, EP_SIM, 200, &b, "application/json", NULL);
}

static enum MHD_Result h_advance(struct sim_server *s, struct MHD_Connection *c)
{
    long days, hours;
    char msg[256];

    if (arg_long(c, "days", 0, 0, 3650, &days, msg, sizeof(msg)) ||
        arg_long(c, "hours", 0, 0, 87600, &hours, msg, sizeof(msg)))
        return send_error(s, c, EP_SIM, 400, 4000, msg, NULL);
    pthread_mutex_lock(&s->mu);
    s->clock_base = now_locked(s) + days * 86400 + hours * 3600;
    s->mono_base = ht_mono_ms();
    pthread_mutex_unlock(&s->mu);
    log_info("clock advanced days=%ld hours=%ld", days, hours);
    return send_clock(s, c);
}

static enum MHD_Result h_stats(struct sim_server *s, struct MHD_Connection *c)
{
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    uint64_t total = 0;
    int64_t now = sim_now(s);

    if (buf_adds(&b, "{\"requests\":{"))
        return MHD_NO;
    pthread_mutex_lock(&s->mu);
    for (int e = 0; e < EP__COUNT; e++) {
        int first = 1;

        if (buf_addf(&b, "%s\"%s\":{", e ? "," : "", ep_name(e))) {
            pthread_mutex_unlock(&s->mu);
            return MHD_NO;
        }
        for (size_t k = 0; k < NSLOTS; k++) {
            if (!s->stats[e][k])
                continue;
            total += s->stats[e][k];
            if (buf_addf(&b, "%s\"%s%d\":%llu", first ? "" : ",",
                         k < HT_ARRAY_LEN(status_slots) ? "" : "other",
                         k < HT_ARRAY_LEN(status_slots) ? status_slots[k] : 0,
                         (unsigned long long)s->stats[e][k])) {
                pthread_mutex_unlock(&s->mu);
                return MHD_NO;
            }
            first = 0;
        }
        if (buf_addch(&b, '}')) {
            pthread_mutex_unlock(&s->mu);
            return MHD_NO;
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (buf_addf(&b,
                 "},\"total\":%llu,\"msmes\":%zu,\"applications\":%zu,\"visible\":%zu,"
                 "\"office_visible\":%zu,\"events\":%zu,\"other_certificates\":%zu}",
                 (unsigned long long)total, s->w->nmsmes, s->w->napps,
                 world_visible(s->w, now), world_office_visible(s->w, now), s->w->nevents,
                 s->w->nocerts))
        return MHD_NO;
    return send_buf(s, c, EP_SIM, 200, &b, "application/json", NULL);
}

static enum MHD_Result h_dirty(struct sim_server *s, struct MHD_Connection *c)
{
    struct buf b = BUF_INIT(BUF_CAP_LARGE);
    int first = 1;

    if (buf_adds(&b, "["))
        return MHD_NO;
    for (size_t i = 0; i < register_rows(s->w); i++) {
        const char *d = register_row_dirt(s->w, i);
        char nib[14];

        if (!d)
            continue;
        world_nib(s->w, s->w->reg_rows[i] & ~REG_DUP, nib);
        if (!strcmp(d, "nib_12_digits"))
            nib[12] = '\0';
        if (buf_addf(&b, "%s{\"line\":%zu,\"nib\":\"%s\",\"kind\":\"%s\"}",
                     first ? "" : ",", i + 2, nib, d))
            return MHD_NO;
        first = 0;
    }
    if (buf_adds(&b, "]"))
        return MHD_NO;
    return send_buf(s, c, EP_SIM, 200, &b, "application/json", NULL);
}

/* GET or POST /_sim/switches: how the account sees the API (see struct sim_switches). */
static enum MHD_Result h_switches(struct sim_server *s, struct MHD_Connection *c,
                                  struct req *rq)
{
    struct sim_switches sw = switches_get(s);
    struct buf b = BUF_INIT(BUF_CAP_LINE);

    if (rq) {
        json_error_t je;
        json_t *root = json_loadb(rq->body.ptr ? rq->body.ptr : "", rq->body.len, 0, &je),
               *v;
        const char *key, *bad = NULL;

        if (!json_is_object(root))
            bad = "the body is not a JSON object";
        json_object_foreach(root, key, v)
        {
            if (bad)
                break;
            if (!strcmp(key, "status_as")) {
                int a = json_is_string(v) ? status_as_parse(json_string_value(v)) : -1;
                if (a < 0)
                    bad = "'status_as' must be \"code\", \"label\" or \"mixed\"";
                else
                    sw.status_as = a;
            } else if (!strcmp(key, "deny_detail")) {
                if (!json_is_number(v) || json_number_value(v) < 0 ||
                    json_number_value(v) > 1)
                    bad = "'deny_detail' must be a fraction in 0..1";
                else
                    sw.deny_detail = json_number_value(v);
            } else if (!strcmp(key, "no_id_reg") && json_is_boolean(v)) {
                sw.no_id_reg = json_is_true(v);
            } else if (!strcmp(key, "split_hosts") && json_is_boolean(v)) {
                if (json_is_true(v) && !s->auth_d)
                    bad = "'split_hosts' needs halalsim started with --split-hosts";
                else
                    sw.split_hosts = json_is_true(v);
            } else {
                bad = "unknown switch or a value of the wrong type";
            }
        }
        json_decref(root);
        if (bad)
            return send_error(s, c, EP_SIM, 400, 4000, bad, NULL);
        pthread_mutex_lock(&s->mu);
        s->sw = sw;
        pthread_mutex_unlock(&s->mu);
    }
    if (buf_addf(&b,
                 "{\"status_as\":\"%s\",\"deny_detail\":%g,\"no_id_reg\":%s,"
                 "\"split_hosts\":%s,\"auth_port\":%d}",
                 status_as_name(sw.status_as), sw.deny_detail,
                 sw.no_id_reg ? "true" : "false", sw.split_hosts ? "true" : "false",
                 s->auth_port))
        return MHD_NO;
    return send_buf(s, c, EP_SIM, 200, &b, "application/json", NULL);
}

static enum MHD_Result h_sim(struct sim_server *s, struct MHD_Connection *c,
                             const char *url, const char *method, struct req *rq)
{
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");

    if (!strcmp(url, "/_sim/advance") && post)
        return h_advance(s, c);
    if (!strcmp(url, "/_sim/clock") && get)
        return send_clock(s, c);
    if (!strcmp(url, "/_sim/truth") && get)
        return send_stream(s, c, ST_TRUTH, "application/x-ndjson");
    if (!strcmp(url, "/_sim/truth/certificates") && get)
        return send_stream(s, c, ST_OCERTS, "application/x-ndjson");
    if (!strcmp(url, "/_sim/truth/public_search") && get)
        return send_stream(s, c, ST_PUBLIC, "application/x-ndjson");
    if (!strcmp(url, "/_sim/truth/programmes") && get)
        return send_stream(s, c, ST_PROGRAMMES, "application/x-ndjson");
    if (!strcmp(url, "/_sim/switches") && (get || post))
        return h_switches(s, c, post ? rq : NULL);
    if (!strcmp(url, "/_sim/register.csv") && get)
        return send_stream(s, c, ST_REGISTER, "text/csv; charset=utf-8");
    if (!strcmp(url, "/_sim/register/dirty") && get)
        return h_dirty(s, c);
    if (!strcmp(url, "/_sim/stats") && get)
        return h_stats(s, c);
    if (!strcmp(url, "/_sim/faults") && (get || post)) {
        struct buf b = BUF_INIT(BUF_CAP_LARGE);

        if (post) {
            struct ht_err err = HT_ERR_INIT;

            if (faults_set_json(&s->faults, rq->body.ptr ? rq->body.ptr : "",
                                rq->body.len, &err))
                return send_error(s, c, EP_SIM, 400, 4000, err.msg, NULL);
        }
        if (faults_render(&s->faults, &b))
            return MHD_NO;
        return send_buf(s, c, EP_SIM, 200, &b, "application/json", NULL);
    }
    return send_error(s, c, EP_SIM, 404, 4004, ("unknown simulator endpoint or method"),
                      NULL);
}

/* ---- dispatch
 * ------------------------------------------------------------------------------- */
static enum MHD_Result retry_429(struct sim_server *s, struct MHD_Connection *c, int ep,
                                 struct fault_plan *fp, int as_date)
{
    char ra[64];
    int secs = 1 + (int)rng_below(&fp->rng, 2);

    if (as_date) {
        time_t t = time(NULL) + secs + 1;
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(ra, sizeof(ra), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    } else {
        snprintf(ra, sizeof(ra), "%d", secs);
    }
    return send_error(s, c, ep, 429, 4029, ("terlalu banyak permintaan, coba lagi nanti"),
                      ra);
}

static int rate_take(struct sim_server *s)
{
    int ok = 1;

    if (s->cfg.rate <= 0)
        return 1;
    pthread_mutex_lock(&s->mu);
    {
        int64_t ms = ht_mono_ms();
        double burst = s->cfg.rate < 1 ? 1 : s->cfg.rate;

        s->bucket += (double)(ms - s->bucket_ms) * s->cfg.rate / 1000.0;
        if (s->bucket > burst)
            s->bucket = burst;
        s->bucket_ms = ms;
        if (s->bucket >= 1)
            s->bucket -= 1;
        else
            ok = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* The national API. On the authentication port (--split-hosts) only /api/authenticate
 * answers; on the main port it answers only while the hosts are not split. */
static enum MHD_Result h_api(struct sim_server *s, struct MHD_Connection *c,
                             const char *url, const char *method, struct req *rq,
                             int auth_port)
{
    char id[64] = "";
    struct fault_plan fp;
    uint64_t n;
    int ep = api_path_match(url, id, sizeof(id)), split = switches_get(s).split_hosts;

    if (ep < 0 || (auth_port && ep != API_AUTH) ||
        (!auth_port && ep == API_AUTH && split))
        return send_error(s, c, EP_OTHER, 404, 4004, ("endpoint tidak ditemukan"), NULL);
    if (strcmp(method, api_path_get(ep)->method) != 0)
        return send_error(s, c, ep, 405, 4000, ("method not allowed"), NULL);

    pthread_mutex_lock(&s->mu);
    n = ++s->reqno;
    pthread_mutex_unlock(&s->mu);
    faults_plan(&s->faults, n, &fp);
    if (!rate_take(s)) {
        faults_count(&s->faults, F_RATE_LIMIT);
        return retry_429(s, c, ep, &fp, 0);
    }
    if (fp.hit[F_429]) {
        faults_count(&s->faults, F_429);
        return retry_429(s, c, ep, &fp, (int)rng_below(&fp.rng, 2));
    }
    if (fp.hit[F_5XX]) {
        static const unsigned st[] = {500, 502, 503};
        unsigned k = rng_below(&fp.rng, 3);

        faults_count(&s->faults, F_5XX);
        return send_error(s, c, ep, st[k], (int)(5000 + st[k] - 500),
                          k == 0   ? ("internal server error")
                          : k == 1 ? ("bad gateway")
                                   : ("layanan sedang sibuk"),
                          k == 2 ? "1" : NULL);
    }
    if (ep == API_AUTH)
        return h_auth(s, c, rq, &fp);
    if (ep == API_CERT_SEARCH)
        return h_search(s, c, &fp);
    if (check_token(s, c, 0))
        return send_error(s, c, ep, 401, 4001, ("token tidak valid atau kedaluwarsa"),
                          NULL);
    if (fp.hit[F_TOKEN_EXPIRY]) {
        check_token(s, c, 1);
        faults_count(&s->faults, F_TOKEN_EXPIRY);
        return send_error(s, c, ep, 401, 4001, ("token kedaluwarsa"), NULL);
    }
    if (ep == API_APPLICATIONS)
        return h_inquiry(s, c, &fp);
    if (ep == API_PROGRAMMES)
        return h_programmes(s, c, &fp);
    return h_detail(s, c, ep, id, &fp);
}

/* One request on the main port (auth_port 0) or the authentication port (1). */
static enum MHD_Result handle(struct sim_server *s, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *upload_data, size_t *upload_size,
                              void **con_cls, int auth_port)
{
    struct req *rq = *con_cls;

    if (!rq) {
        rq = calloc(1, sizeof(*rq));
        if (!rq)
            return MHD_NO;
        buf_init(&rq->body, MAX_BODY);
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_large && buf_add(&rq->body, upload_data, *upload_size))
            rq->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_large)
        return send_error(s, c, EP_OTHER, 413, 4000, ("request body too large"), NULL);
    if (!strncmp(url, "/_sim/", 6) && !auth_port)
        return h_sim(s, c, url, method, rq);
    return h_api(s, c, url, method, rq, auth_port);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    (void)version;
    return handle(cls, c, url, method, upload_data, upload_size, con_cls, 0);
}

static enum MHD_Result on_auth_request(void *cls, struct MHD_Connection *c,
                                       const char *url, const char *method,
                                       const char *version, const char *upload_data,
                                       size_t *upload_size, void **con_cls)
{
    (void)version;
    return handle(cls, c, url, method, upload_data, upload_size, con_cls, 1);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct req *rq = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (rq) {
        buf_release(&rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

/* libmicrohttpd's own messages (e.g. a connection closed by an injected reset) at debug
 * level. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    if (log_current_level < LOG_LVL_DEBUG)
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    log_debug("microhttpd: %s", line);
}

static struct MHD_Daemon *listen_on(struct sim_server *s, const struct sockaddr_in *sa,
                                    MHD_AccessHandlerCallback cb)
{
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                            0, NULL, NULL, cb, s, MHD_OPTION_SOCK_ADDR, sa,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_CONNECTION_LIMIT, 1000u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
}

struct sim_server *server_start(struct sim_world *w, const struct sim_server_cfg *cfg,
                                const struct fault_cfg *fc, struct ht_err *err)
{
    struct sim_server *s = calloc(1, sizeof(*s));
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    if (!s) {
        ht_err_set(err, HT_ENOMEM, _("out of memory"));
        return NULL;
    }
    s->w = w;
    s->cfg = *cfg;
    faults_init(&s->faults);
    s->faults.cfg = *fc;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->cache_mu, NULL);
    s->cache_now = INT64_MIN;
    s->cache_codes = malloc(w->napps ? w->napps : 1);
    if (!s->cache_codes) {
        ht_err_set(err, HT_ENOMEM, _("out of memory"));
        goto fail;
    }
    s->clock_base = w->p.now;
    s->mono_base = ht_mono_ms();
    s->bucket = cfg->rate < 1 ? 1 : cfg->rate;
    s->bucket_ms = ht_mono_ms();
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &sa.sin_addr) != 1) {
        ht_err_set(err, HT_EINVAL, _("listen address '%s' is not an IPv4 address"),
                   cfg->host);
        goto fail;
    }
    s->sw = cfg->sw;
    if (!(s->d = listen_on(s, &sa, on_request))) {
        ht_err_set(err, HT_EIO, _("cannot listen on '%s:%d'"), cfg->host, cfg->port);
        goto fail;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    if (cfg->sw.split_hosts) {
        /* the authentication host: a free port of the same address */
        sa.sin_port = 0;
        if (!(s->auth_d = listen_on(s, &sa, on_auth_request))) {
            ht_err_set(err, HT_EIO, _("cannot listen on '%s:0' for authentication"),
                       cfg->host);
            goto fail;
        }
        info = MHD_get_daemon_info(s->auth_d, MHD_DAEMON_INFO_BIND_PORT);
        s->auth_port = info ? info->port : 0;
    }
    return s;
fail:
    server_stop(s);
    return NULL;
}

int server_auth_port(const struct sim_server *s)
{
    return s->auth_port;
}

int server_port(const struct sim_server *s)
{
    return s->port;
}

void server_stop(struct sim_server *s)
{
    if (!s)
        return;
    if (s->auth_d)
        MHD_stop_daemon(s->auth_d);
    if (s->d)
        MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->cache_mu);
    faults_release(&s->faults);
    free(s->cache_codes);
    free(s);
}

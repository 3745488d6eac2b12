/* halalsim: the seeded world (MSMEs, applications and their full timelines), the clock,
 * the fault injector and the HTTP server that serves the national API contract
 * (docs/national-api.md, docs/halalsim.md). */
#ifndef HALALSIM_SIM_H
#define HALALSIM_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "halaltrack/buf.h"
#include "halaltrack/err.h"
#include "halaltrack/util.h"

struct calendar;

/* ---- deterministic hashing (splitmix64)
 * ------------------------------------------------ */
static inline uint64_t sim_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline uint64_t sim_hash3(uint64_t a, uint64_t b, uint64_t c)
{
    return sim_mix(sim_mix(sim_mix(a) ^ b) ^ c);
}

struct sim_rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct sim_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct sim_rng *r, uint32_t n)
{
    return n ? (uint32_t)((rng_next(r) >> 32) * (uint64_t)n >> 32) : 0;
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct sim_rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- status codes used by the simulator ----------------------------------------------
 */
enum sim_code {
    C_OF1 = 0,
    C_OF10,
    C_OF11,
    C_OF15,
    C_OF50,
    C_OF55,
    C_OF56,
    C_OF60,
    C_OF70,
    C_OF71,
    C_OF72,
    C_OF74,
    C_OF75,
    C_OF80,
    C_OF100,
    C_OF120,
    C_OF280,
    C_OF285,
    C_OF290,
    C_OF300,
    C_OF900,
    C__COUNT
};

extern const char *const sim_code_str[C__COUNT];
/* The SIHALAL human label of a code (certificate_halal.status), e.g. "Terbit SH". */
extern const char *const sim_code_label[C__COUNT];

enum sim_channel { CH001 = 1, CH002, CH003, CH004 };
enum sim_size { SZ_MIKRO = 0, SZ_KECIL, SZ_MENENGAH, SZ_BESAR };

/* ---- reference data
 * -------------------------------------------------------------------- */
struct sim_kel {
    char code[16]; /* 35.75.01.1001 */
    char name[48];
    char kec[48]; /* kecamatan name */
};

struct sim_kbli {
    char code[6];
    char title[128];
};

/* ---- the world
 * ------------------------------------------------------------------------- */
struct sim_event {
    uint32_t t;   /* seconds since world->epoch */
    uint8_t code; /* enum sim_code */
    uint8_t aux;  /* actor / comment variant */
};

struct sim_app {
    uint64_t hi, lo; /* id_reg halves; hi is a bijection of the index (Feistel) */
    uint32_t msme;
    uint32_t ev_off; /* into world->events */
    uint32_t regno;  /* the digits after SH<year>-<n>- */
    uint8_t n_ev;
    uint8_t channel; /* enum sim_channel */
    uint8_t jd;      /* 1 = JD.1 baru, 3 = JD.3 pengembangan */
    uint8_t product; /* product word variant */
    uint8_t office; /* uses one of the office's facilitation codes: in its inquiry list */
};

/* A facilitation programme of the office (GET /api/v1/fasilitator/search). */
struct sim_programme {
    char id[37];
    char kode_fac[24]; /* "" while none is issued */
    int tahun;
    char name[128];
    const char *sumber_biaya;
    const char *jenis;      /* "Reguler" or "Self Declare" */
    int64_t aktif, selesai; /* WIB midnight of the first and last day */
    long kuota;
    const char *status; /* OF code with the programme's meaning */
};

struct sim_msme {
    uint32_t name_off;  /* into world->names: business name */
    uint32_t owner_off; /* owner name */
    uint16_t kel;       /* into world->kels */
    uint8_t kbli;       /* into world->kblis */
    uint8_t size;       /* enum sim_size */
    uint8_t flags;      /* MSME_* */
};
#define MSME_SEHATI 1u /* programme tag sehati */
#define MSME_PENDAMPINGAN 2u
#define MSME_OTHER_CERT 4u /* certified through another programme */

/* A certificate issued outside the applications the office can see (public search only).
 */
struct sim_ocert {
    uint32_t msme;
    uint32_t t; /* issue time, seconds since epoch base */
    uint32_t seq;
    uint8_t product;
};

struct sim_params {
    uint64_t seed;
    uint32_t msmes;
    char region[16];
    int64_t now;   /* initial clock (UTC seconds) */
    int64_t start; /* history start (UTC seconds) */
    int clean_register;
};

struct sim_world {
    struct sim_params p;
    int64_t epoch; /* event times are relative to this (start - 400 days) */
    struct calendar *cal;
    struct sim_kel *kels;
    size_t nkels;
    char region_name[64];
    char kode_region[8]; /* "3575" for certificate numbers */
    struct sim_kbli *kblis;
    size_t nkblis;
    struct sim_msme *msmes;
    size_t nmsmes;
    char *names; /* NUL-separated pool */
    size_t names_len, names_cap;
    struct sim_app *apps;
    size_t napps;
    struct sim_event *events;
    size_t nevents;
    uint32_t *order;        /* app indexes sorted by (created, hi) */
    int64_t *order_created; /* created time of order[i] (UTC seconds) */
    struct sim_ocert *ocerts;
    size_t nocerts;
    uint32_t cert_base; /* base of certificate sequence numbers */
    uint32_t *reg_rows; /* register row -> msme index; REG_DUP marks a duplicate row */
    size_t nreg_rows;
    uint32_t *office;        /* the office's applications, in the order of order[] */
    int64_t *office_created; /* created time of office[i] (UTC seconds) */
    size_t noffice;
    struct sim_programme *progs;
    size_t nprogs;
    uint64_t feistel_key[4];
    /* The legal step (enum ht_step, lib/steps.c) of every code on every channel, resolved
     * once: the timelines' durations are drawn per step. */
    uint8_t step[CH004 + 1][C__COUNT];
};
#define REG_DUP 0x80000000u

/* Builds the world. Returns NULL with err set. */
struct sim_world *world_new(const struct sim_params *p, struct ht_err *err);
void world_free(struct sim_world *w);

static inline int64_t world_ts(const struct sim_world *w, uint32_t t)
{
    return w->epoch + (int64_t)t;
}

/* Number of visible applications at clock now (a prefix of w->order). */
size_t world_visible(const struct sim_world *w, int64_t now);
/* Number of the office's applications visible at clock now (a prefix of w->office). */
size_t world_office_visible(const struct sim_world *w, int64_t now);
/* The facilitation code an application uses ("FAS-3575-2026", "SEHATI26"), or NULL. */
const char *world_kode_fac(const struct sim_world *w, const struct sim_app *a, char *out,
                           size_t n);
/* "Reguler" (CH001, CH002) or "Self Declare" (CH003, CH004): the jenis_daftar of the
 * inquiry list. */
const char *world_jenis(const struct sim_app *a);
/* Applications that use kode_fac and were created at or before now. */
size_t world_code_used(const struct sim_world *w, const char *kode_fac, int64_t now);
/* Number of events of app a that happened at or before now (0 = not yet created). */
int world_app_cur(const struct sim_world *w, const struct sim_app *a, int64_t now);
static inline const struct sim_event *world_app_ev(const struct sim_world *w,
                                                   const struct sim_app *a)
{
    return w->events + a->ev_off;
}
const char *world_name(const struct sim_world *w, uint32_t off);
/* The name certificate seq of msme carries in the public search (nama_pu): business or
 * owner name with noise (sim/pubsearch.c; docs/halalsim.md). */
void pubsearch_name(const struct sim_world *w, uint32_t msme, uint32_t seq, char *out,
                    size_t n);
/* id_reg (36 chars + NUL), no_daftar, NIB (13 digits), certificate number (ID + 17). */
void world_id_reg(const struct sim_app *a, char out[static 37]);
/* Parses an id_reg back to an app index. Returns 0, or 1 when no such application. */
int world_find_id_reg(const struct sim_world *w, const char *s, uint32_t *idx);
void world_no_daftar(const struct sim_world *w, const struct sim_app *a,
                     char out[static 32]);
void world_nib(const struct sim_world *w, uint32_t msme, char out[static 14]);
uint64_t world_nib_value(const struct sim_world *w, uint32_t msme);
void world_cert_no(const struct sim_world *w, uint32_t seq, int64_t issued,
                   char out[static 20]);
/* Index of the certificate event (OF300) in the timeline, or -1. */
int world_app_cert_event(const struct sim_world *w, const struct sim_app *a);
/* Tracking actor and comment of event i of app a. */
void world_actor(const struct sim_world *w, const struct sim_app *a, int i, char *out,
                 size_t n);
const char *world_comment(const struct sim_world *w, const struct sim_app *a, int i);
/* Product name of an application. */
void world_product(const struct sim_world *w, uint32_t msme, uint8_t variant, char *out,
                   size_t n);
const char *world_size_name(int size);
/* Times: "2026-05-02T09:10:11+07:00" and "2026-05-02" (WIB). */
void fmt_wib_ts(int64_t t, char out[static 26]);
void fmt_wib_date(int64_t t, char out[static 11]);

/* ---- the account's view: switches of the contract (halalsim --status-as, --deny-detail,
 * --no-id-reg, --split-hosts; POST /_sim/switches at runtime) */
enum sim_status_as { STATUS_AS_CODE = 0, STATUS_AS_LABEL, STATUS_AS_MIXED };
struct sim_switches {
    int status_as;      /* enum sim_status_as */
    double deny_detail; /* fraction of applications whose detail answers 403 */
    int no_id_reg;      /* inquiry rows without id_reg */
    int split_hosts;    /* authentication only on the second port */
};
/* Whether this account is refused application idx's detail under sw. */
int world_detail_denied(const struct sim_world *w, uint32_t idx,
                        const struct sim_switches *sw);
/* "code", "label", "mixed"; parse returns -1 for anything else. */
const char *status_as_name(int v);
int status_as_parse(const char *s);

/* ---- rendering (render.c)
 * ---------------------------------------------------------------- */
/* JSON string with escaping. */
int json_str(struct buf *b, const char *s) HT_MUSTCHECK;
/* One row of the office's inquiry list as JSON (no faults). */
int render_item(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now,
                const struct sim_switches *sw) HT_MUSTCHECK;
/* One facilitation programme as JSON. */
int render_programme(struct buf *b, const struct sim_world *w, size_t i,
                     int64_t now) HT_MUSTCHECK;
/* The tracking array of an app up to now. */
int render_tracking(struct buf *b, const struct sim_world *w, uint32_t idx,
                    int64_t now) HT_MUSTCHECK;
int render_detail(struct buf *b, const struct sim_world *w, uint32_t idx,
                  int64_t now) HT_MUSTCHECK;
int render_truth_line(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now,
                      const struct sim_switches *sw) HT_MUSTCHECK;
/* Register CSV: the header, and row i (0-based; rows include dirty ones). */
size_t register_rows(const struct sim_world *w);
int render_register_header(struct buf *b) HT_MUSTCHECK;
int render_register_row(struct buf *b, const struct sim_world *w,
                        size_t row) HT_MUSTCHECK;
/* The kind of dirt in row i, or NULL for a clean row. */
const char *register_row_dirt(const struct sim_world *w, size_t row);

/* ---- faults (faults.c)
 * --------------------------------------------------------------------- */
enum fault_kind {
    F_5XX = 0,
    F_429,
    F_SLOW,
    F_RESET,
    F_TRUNCATE,
    F_MALFORMED,
    F_BAD_UTF8,
    F_UNKNOWN_CODE,
    F_MISSING_FIELDS,
    F_STRING_NUMBERS,
    F_DUPLICATE_ITEMS,
    F_PAGE_SHIFT,
    F_TOKEN_EXPIRY,
    F_RATE_LIMIT,
    F_HUGE_BODY, /* new kinds go last: the decisions of the older ones stay the same */
    F_HUGE_TOTAL,
    F__COUNT
};
extern const char *const fault_name[F__COUNT];

struct fault_cfg {
    double p[F__COUNT]; /* F_RATE_LIMIT unused here (see rate) */
    long slow_ms;
    uint64_t seed;
};

struct bad_record {
    char id_reg[37];
    uint8_t kind;
    int8_t spoiled; /* F_RESET, F_TRUNCATE or F_MALFORMED hit its answer; -1 none */
};

struct faults {
    pthread_mutex_t mu;
    struct fault_cfg cfg;
    uint64_t counter[F__COUNT];
    struct bad_record *bad;
    size_t nbad, capbad;
};

/* Per-request fault decisions: PRNG seeded by (fault seed, request number). */
struct fault_plan {
    struct sim_rng rng;
    int hit[F__COUNT];
};

void faults_init(struct faults *f);
void faults_release(struct faults *f);
void faults_plan(struct faults *f, uint64_t reqno, struct fault_plan *plan);
void faults_count(struct faults *f, enum fault_kind k);
/* Faults that stick to an application rather than to a request (huge_body): true when
 * application app is one of the fraction p of kind k, decided by (fault seed, app). */
int faults_app_hit(struct faults *f, enum fault_kind k, uint32_t app);
void faults_bad_record(struct faults *f, const char *id_reg, enum fault_kind k);
/* The same, noting that the answer carrying it was also reset, truncated or malformed
 * (by the plan fp), so the client never saw the record intact. */
void faults_bad_record_in(struct faults *f, const char *id_reg, enum fault_kind k,
                          const struct fault_plan *fp);
/* Applies a JSON object of settings. Returns 0 or -1 with err naming the bad key. */
int faults_set_json(struct faults *f, const char *body, size_t len, struct ht_err *err);
int faults_render(struct faults *f, struct buf *b) HT_MUSTCHECK;
/* Parses "5xx" etc. (the command-line names) to a kind; -1 when unknown. */
int fault_parse_name(const char *s);

/* ---- server (server.c)
 * ----------------------------------------------------------------------- */
struct sim_server_cfg {
    char host[64];
    int port;
    struct sim_switches sw; /* at start; POST /_sim/switches changes them */
    char email[128];
    char password[256];
    int token_ttl; /* seconds of real time */
    double rate;   /* requests per second; 0 = unlimited */
    double speed;  /* simulated seconds per real second */
    int threads;   /* 0 = thread per connection */
};

struct sim_server;
struct sim_server *server_start(struct sim_world *w, const struct sim_server_cfg *cfg,
                                const struct fault_cfg *fc, struct ht_err *err);
int server_port(const struct sim_server *s);
/* The authentication port with --split-hosts, else 0. */
int server_auth_port(const struct sim_server *s);
void server_stop(struct sim_server *s);

#endif

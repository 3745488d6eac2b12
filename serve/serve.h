/* halaltrack-serve: MSMEs check their status, monitoring applications read a scoped JSON
 * API. Shared by the files of serve/. */
#ifndef HALALTRACK_SERVE_H
#define HALALTRACK_SERVE_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "halaltrack/buf.h"
#include "halaltrack/calendar.h"
#include "halaltrack/settings.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/serve_cfg.h"
#include "halaltrack/store.h"

#define SERVE_MAX_PROXIES 16

/* ---- pool.c: a fixed set of database sessions shared by the request threads ---- */
struct pool;
struct pool *pool_new(const struct serve_cfg *cfg, struct ht_err *err);
void pool_free(struct pool *p);
/* A session for one request, waiting up to wait_s seconds for a free one; NULL when
 * none came free or the database is down (err says which). Reconnects a lost one. */
struct store *pool_get(struct pool *p, int wait_s, struct ht_err *err);
/* Gives the session back (rolled back first). */
void pool_put(struct pool *p, struct store *s);

/* ---- the service ---- */
struct serve {
    struct serve_cfg *cfg;
    struct selfservice_pepper pepper;
    struct pool *pool;
    char office[SETTINGS_OFFICE_MAX + 1]; /* setting office_name, read at start */
    sem_t kdf;               /* hashes computed at once (self_service.kdf_threads) */
    pthread_mutex_t render;  /* the language switch and the rendering under it */
    pthread_mutex_t clients; /* the connection counts per client address */
    struct client_count *counts;
    size_t ncounts, capcounts;
    char proxies[SERVE_MAX_PROXIES][48]; /* trusted proxies, numeric addresses */
    size_t nproxies;
    struct MHD_Daemon *d;
};

/* What one request is. */
struct request {
    const char *method; /* borrowed from libmicrohttpd */
    const char *path;
    char client[48]; /* the client's address (X-Forwarded-For from a trusted proxy) */
    char lang[3];    /* "id" | "en" */
    struct buf body; /* the request body (capped at http.max_body) */
    int too_large;
    int64_t started_ms;
    const char *token_name; /* the bearer token's name, for the access log */
    char token_name_buf[64];
    struct MHD_Connection *conn;
};

/* An answer: status, content type, body (owned), extra headers. */
struct answer {
    unsigned status;
    const char *type;
    char *body;
    size_t len;
    int retry_after;      /* > 0: a Retry-After header */
    int no_store;         /* Cache-Control: no-store */
    int bearer_challenge; /* WWW-Authenticate: Bearer */
};

/* A query parameter or header of the request (borrowed), or NULL. */
const char *req_arg(const struct request *r, const char *name);
const char *req_header(const struct request *r, const char *name);
/* An answer from a memory stream: begin gives a FILE writing into a->body. */
FILE *answer_open(struct answer *a, unsigned status, const char *type);
int answer_close(struct answer *a, FILE *fp);
/* A small fixed answer (JSON error or plain text). */
void answer_json_error(struct answer *a, unsigned status, const char *error,
                       const char *message);
void answer_text(struct answer *a, unsigned status, const char *text);
/* Milliseconds of a monotonic clock. */
int64_t serve_now_ms(void);
/* Takes the render lock and switches the messages to lang; serve_render_end releases. */
void serve_render_begin(struct serve *sv, const char *lang);
void serve_render_end(struct serve *sv);

/* ---- selfservice.c: GET / and POST / (the page), POST /api/v1/self-service/status ----
 */
void selfservice_page(struct serve *sv, struct request *r, struct answer *a);
void selfservice_api(struct serve *sv, struct request *r, struct answer *a);

/* ---- api.c: the monitoring API and the weekly report pages ---- */
void api_progress(struct serve *sv, struct request *r, struct answer *a);
void api_funnel(struct serve *sv, struct request *r, struct answer *a);
void api_overdue(struct serve *sv, struct request *r, struct answer *a);
void api_actions(struct serve *sv, struct request *r, struct answer *a);
void api_msme(struct serve *sv, struct request *r, struct answer *a);
void api_changes(struct serve *sv, struct request *r, struct answer *a);
void api_weekly(struct serve *sv, struct request *r, struct answer *a);

/* ---- http.c ---- */
/* One route: method, path (a trailing '*' matches any rest without '/'), handler. */
struct route {
    const char *method;
    const char *path;
    void (*fn)(struct serve *sv, struct request *r, struct answer *a);
};
extern const struct route serve_routes[];
extern const size_t serve_nroutes;
int http_start(struct serve *sv, struct ht_err *err);
void http_stop(struct serve *sv);

#endif

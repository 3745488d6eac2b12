/* HTTP client: the only module that uses libcurl. One easy handle for single calls and
 * one multi handle for concurrent transfers, both with keep-alive, timeouts and a body
 * cap. */
#ifndef HALALTRACK_HTTP_H
#define HALALTRACK_HTTP_H

#include <stddef.h>
#include "halaltrack/buf.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

#define HTTP_MAX_BODY (16u * 1024 * 1024)

struct http_opts {
    long connect_timeout_s; /* CURLOPT_CONNECTTIMEOUT */
    long timeout_s;         /* CURLOPT_TIMEOUT: whole transfer */
    const char *ca_file;    /* NULL: system store */
    size_t max_body;        /* 0: HTTP_MAX_BODY */
    int max_conns;          /* multi handle connection cap (0: 8) */
};

/* The outcome of one transfer. status is 0 when no HTTP answer arrived (then err says
 * why: HT_ETIMEOUT, HT_EHTTP, HT_ELIMIT for a body over the cap). */
struct http_resp {
    long status;
    struct buf body;
    char *retry_after; /* the Retry-After header value, owned, or NULL */
    char *date;        /* the Date header value (the server's clock), owned, or NULL */
    struct ht_err err;
};

void http_resp_init(struct http_resp *r);
void http_resp_release(struct http_resp *r);

struct http_client;

/* curl_global_init / cleanup, for programs and tests that do not include libcurl. */
int http_global_init(void);
void http_global_cleanup(void);

/* Creates a client. Requires curl_global_init() to have been called. */
struct http_client *http_client_new(const struct http_opts *o,
                                    struct ht_err *err) HT_MUSTCHECK;
void http_client_free(struct http_client *hc);

/* TLS verification of the server's certificate and host name is on for a new client;
 * verify = 0 turns it off (api.tls_verify = no: the caller logs that). */
void http_client_set_tls_verify(struct http_client *hc, int verify);

/* One request. method "GET" or "POST"; body (JSON) may be NULL; bearer may be NULL (never
 * logged). Fills resp (which the caller initialised). Returns 0 when an HTTP answer came
 * back (any status), -1 on transport failure (resp->err and err set). */
int http_request(struct http_client *hc, const char *method, const char *url,
                 const char *bearer, const char *body, struct http_resp *resp,
                 struct ht_err *err) HT_MUSTCHECK;

/* A batch of GETs run concurrently on the multi handle, at most concurrency at a time.
 * Each request's resp is filled as in http_request (initialise them first). Returns 0
 * when the batch ran (individual failures are in each resp), -1 on a multi-handle error.
 */
struct http_req {
    const char *url;
    struct http_resp resp;
};
int http_get_many(struct http_client *hc, struct http_req *reqs, size_t n,
                  int concurrency, const char *bearer, struct ht_err *err) HT_MUSTCHECK;

#endif

/* The daemon's client of the national API: the token, URLs from the path table and the
 * configured hosts (with mirrors), and every call under the shared request budget, the
 * circuit breaker, retries with backoff and the authentication back-off. */
#ifndef HALALTRACK_API_CLIENT_H
#define HALALTRACK_API_CLIENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "halaltrack/api_paths.h"
#include "halaltrack/cfg.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/http.h"
#include "halaltrack/store.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/sync_metrics.h"

#define API_BUDGET_NAME "national_api"
/* The public certificate search's own bucket ([public_search] rate and burst). */
#define API_BUDGET_PUBLIC_SEARCH "public_search"

struct api_client;

/* Borrows cfg, st, stop and m (they must outlive the client or be replaced with
 * api_client_set_cfg). Logs a warning for TLS verification off and for plain-http
 * hosts that cfg allowed. */
struct api_client *api_client_new(const struct cfg *cfg, struct store *st,
                                  volatile sig_atomic_t *stop, struct sync_metrics *m,
                                  struct ht_err *err) HT_MUSTCHECK;
void api_client_free(struct api_client *ac);
void api_client_set_cfg(struct api_client *ac, const struct cfg *cfg);
/* The shared request budget this client draws from (a static string, e.g.
 * API_BUDGET_PUBLIC_SEARCH for the public search's client); API_BUDGET_NAME by default.
 * The bucket's rate and burst are the client's cfg's. */
void api_client_set_budget(struct api_client *ac, const char *name);
/* Where requests and bytes of the current cycle are counted (NULL: nowhere). */
void api_client_set_counts(struct api_client *ac, struct sync_counts *cnt);
/* True once stop is set. */
int api_client_stopped(const struct api_client *ac);
/* Sleeps ms milliseconds in short steps; returns early when stop is set. */
void api_client_nap(struct api_client *ac, long ms);
/* A backoff delay for attempt (0-based) with full jitter. */
long api_client_backoff_ms(struct api_client *ac, int attempt);
/* True while the circuit breaker is open. */
int api_client_breaker_open(const struct api_client *ac);

/* The URL of path p on the host in use for it (see api_url_build). */
int api_client_url(struct api_client *ac, struct buf *out, enum api_path p,
                   const char *segment, const char *const *query) HT_MUSTCHECK;

/* Makes sure a token is held (authenticates when there is none or it is about to
 * expire). While /api/authenticate keeps refusing (401/403), no new attempt is made
 * before the back-off has passed: the call then fails at once with HT_EAUTH. */
int api_client_ensure_token(struct api_client *ac, struct ht_err *err) HT_MUSTCHECK;

/* The lifetime of a token in milliseconds from its expires_in (seconds): 30 s early,
 * at least a minute, at most 30 days; 0 or absent means an hour. Never overflows. */
int64_t api_token_ttl_ms(long expires_in);

/* One call of path p (url built with api_client_url) with retries, budget, breaker and
 * a re-authentication per 401 (up to max_retries). body may be NULL. Returns 0 with a
 * 2xx answer in resp, 1 when the answer was 404, 2 when it was 403 (the account may not
 * read it); -1 on failure (err says why). */
int api_client_call(struct api_client *ac, enum api_path p, const char *url,
                    const char *body, struct http_resp *resp,
                    struct ht_err *err) HT_MUSTCHECK;

/* One concurrent request of a round (see api_client_round). */
enum api_req_state {
    API_REQ_PENDING = 0, /* to be sent (again) */
    API_REQ_OK,          /* 2xx in resp */
    API_REQ_NOTFOUND,    /* 404 */
    API_REQ_DENIED,      /* 403, or 401 through every retry, each with a fresh token */
    API_REQ_FAILED       /* retries used up, a 4xx, or stopping */
};
struct api_req {
    enum api_path path;
    const char *url; /* borrowed */
    struct http_resp resp;
    enum api_req_state state;
    int attempts;
};
void api_req_init(struct api_req *r, enum api_path p, const char *url);
void api_req_release(struct api_req *r);

/* Sends up to n pending requests (as many as the budget grants, at most
 * 2 x api.concurrency) concurrently and sets each one's state; a retryable failure
 * leaves it pending after the backoff wait. The budget is taken for all n at once (one
 * budget_take per batch, not per round) and what a round does not spend is kept for the
 * next round of the batch, until api_client_batch_end. When stopping or while the
 * breaker is open, every request given is marked failed. Returns how many were sent, -1
 * on a database or multi-handle error. */
int api_client_round(struct api_client *ac, struct api_req **reqs, size_t n,
                     struct ht_err *err) HT_MUSTCHECK;

/* Ends a batch of rounds: tokens it was granted and did not spend are dropped (never
 * carried into a later batch, so no window ever sends more than the budget granted in
 * it plus one batch). */
void api_client_batch_end(struct api_client *ac);

#endif

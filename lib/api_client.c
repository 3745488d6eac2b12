/* The national API client: token, URLs, calls under budget, breaker and backoff. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "halaltrack/api.h"
#include "halaltrack/api_client.h"
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* The authentication back-off doubles per refusal up to this many times its base. */
#define AUTH_BACKOFF_MAX_FACTOR 64

struct api_client {
    const struct cfg *cfg;
    struct store *st;
    struct http_client *hc;
    volatile sig_atomic_t *stop;
    struct sync_metrics *m;
    struct sync_counts *cnt;
    char *token;
    int64_t token_expiry_ms;
    struct breaker br;
    unsigned int rng;
    int budget_ready;
    const char *budget_name; /* the shared bucket: API_BUDGET_NAME unless set */
    int prepaid; /* tokens granted to the current batch of rounds, not yet spent */
    size_t host_idx[API_HOST__COUNT]; /* which mirror of each host is in use */
    int auth_refusals;                /* consecutive */
    int64_t auth_next_ms;             /* no authentication before this (monotonic) */
};

/* The i-th URL of host h's list (api.base_url, or api.auth_url for authentication). */
static int host_url(const struct cfg *cfg, enum api_host h, size_t i, char *out, size_t n)
{
    return h == API_HOST_AUTH ? cfg_auth_url_at(cfg, i, out, n)
                              : cfg_base_url_at(cfg, i, out, n);
}

static size_t host_count(const struct cfg *cfg, enum api_host h)
{
    return h == API_HOST_AUTH ? cfg_auth_url_count(cfg) : cfg_base_url_count(cfg);
}

static void url_warnings(const struct cfg *cfg)
{
    for (int h = 0; h < API_HOST__COUNT; h++) {
        if (h == API_HOST_AUTH && !*cfg->auth_url)
            continue; /* the same list as base_url, already checked */
        for (size_t i = 0; i < host_count(cfg, (enum api_host)h); i++) {
            char u[512], red[512];
            if (host_url(cfg, (enum api_host)h, i, u, sizeof(u)) < 0 ||
                strncmp(u, "http://", 7) != 0 || cfg_url_is_loopback(u))
                continue;
            cfg_url_redact(u, red, sizeof(red));
            log_warn(
                "plain http to a host that is not loopback (api.allow_insecure_http = "
                "yes): the password and token travel unencrypted url=%s",
                red);
        }
    }
}

struct api_client *api_client_new(const struct cfg *cfg, struct store *st,
                                  volatile sig_atomic_t *stop, struct sync_metrics *m,
                                  struct ht_err *err)
{
    struct api_client *ac = calloc(1, sizeof(*ac));
    struct http_opts o = {0};

    if (!ac) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    ac->cfg = cfg;
    ac->st = st;
    ac->stop = stop;
    ac->m = m;
    ac->rng = (unsigned int)(ht_mono_ms() ^ (int64_t)getpid());
    ac->budget_name = API_BUDGET_NAME;
    o.connect_timeout_s = cfg->connect_timeout;
    o.timeout_s = cfg->timeout;
    o.ca_file = cfg->ca_file;
    o.max_conns = (int)cfg->concurrency;
    if (!(ac->hc = http_client_new(&o, err))) {
        free(ac);
        return NULL;
    }
    if (!cfg->tls_verify) {
        char red[512];
        cfg_url_redact(cfg->base_url, red, sizeof(red));
        http_client_set_tls_verify(ac->hc, 0);
        log_warn("TLS certificate verification is off (api.tls_verify = no): the API's "
                 "identity is not checked base_url=%s",
                 red);
    }
    url_warnings(cfg);
    breaker_init(&ac->br, (int)cfg->breaker_threshold, cfg->breaker_cooldown * 1000);
    return ac;
}

void api_client_free(struct api_client *ac)
{
    if (!ac)
        return;
    http_client_free(ac->hc);
    if (ac->token) {
        explicit_bzero(ac->token, strlen(ac->token));
        free(ac->token);
    }
    free(ac);
}

void api_client_set_cfg(struct api_client *ac, const struct cfg *cfg)
{
    ac->cfg = cfg;
    ac->br.threshold = (int)cfg->breaker_threshold;
    ac->br.cooldown_ms = cfg->breaker_cooldown * 1000;
    ac->budget_ready = 0; /* rate/burst may have changed */
}

void api_client_set_budget(struct api_client *ac, const char *name)
{
    ac->budget_name = name;
    ac->budget_ready = 0;
}

void api_client_set_counts(struct api_client *ac, struct sync_counts *cnt)
{
    ac->cnt = cnt;
}

int api_client_stopped(const struct api_client *ac)
{
    return ac->stop && *ac->stop;
}

void api_client_nap(struct api_client *ac, long ms)
{
    while (ms > 0 && !api_client_stopped(ac)) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static double rnd01(struct api_client *ac)
{
    return (double)rand_r(&ac->rng) / ((double)RAND_MAX + 1.0);
}

long api_client_backoff_ms(struct api_client *ac, int attempt)
{
    return backoff_delay_ms(attempt, ac->cfg->backoff_base_ms, ac->cfg->backoff_max_ms,
                            rnd01(ac));
}

int api_client_breaker_open(const struct api_client *ac)
{
    return ac->br.state == BREAKER_OPEN;
}

int64_t api_token_ttl_ms(long expires_in)
{
    const long max_s = 30L * 86400;

    if (expires_in <= 0)
        return 3600 * 1000LL;
    if (expires_in > max_s)
        expires_in = max_s;
    expires_in -= 30;
    if (expires_in < 60)
        expires_in = 60;
    return (int64_t)expires_in * 1000;
}

/* ---- bookkeeping ---- */

static void count_response(struct api_client *ac, const struct http_resp *r)
{
    sync_metrics_response(ac->m, r->status);
    if (ac->cnt) {
        ac->cnt->requests++;
        ac->cnt->bytes += (long)r->body.len;
    }
}

static void breaker_note(struct api_client *ac, int ok)
{
    int changed = ok ? breaker_success(&ac->br) : breaker_failure(&ac->br, ht_mono_ms());

    if (changed) {
        if (ac->br.state == BREAKER_OPEN)
            log_warn(
                "circuit breaker open: the API keeps failing failures=%d cooldown_s=%ld",
                ac->br.failures, ac->cfg->breaker_cooldown);
        else
            log_info("circuit breaker closed: the API answers again");
    }
    pthread_mutex_lock(&ac->m->mu);
    ac->m->breaker = ac->br.state;
    ac->m->breaker_opens = (unsigned long)ac->br.opens;
    pthread_mutex_unlock(&ac->m->mu);
}

static int breaker_ok(struct api_client *ac, struct ht_err *err)
{
    int ok = breaker_allow(&ac->br, ht_mono_ms());

    pthread_mutex_lock(&ac->m->mu);
    ac->m->breaker = ac->br.state;
    pthread_mutex_unlock(&ac->m->mu);
    if (!ok)
        ht_err_set(err, HT_EHTTP, "circuit breaker open: not calling the API for now");
    return ok;
}

/* Takes between 1 and want tokens from the shared budget, waiting while it is empty.
 * Returns the number granted, 0 when stopped, -1 on a database error. */
static int budget(struct api_client *ac, int want, struct ht_err *err)
{
    int g = 0;

    if (!ac->budget_ready) {
        if (store_budget_init(ac->st, ac->budget_name, ac->cfg->burst, ac->cfg->rate,
                              err) < 0)
            return -1;
        ac->budget_ready = 1;
    }
    for (;;) {
        if (api_client_stopped(ac))
            return 0;
        if (store_budget_take(ac->st, ac->budget_name, want, ac->cfg->name, &g, err) < 0)
            return -1;
        if (g > 0)
            break;
        sync_metrics_add(ac->m, &ac->m->budget_waits, 1);
        api_client_nap(ac, (long)(1000.0 / ac->cfg->rate) + 1);
    }
    sync_metrics_add(ac->m, &ac->m->budget_granted, (unsigned long)g);
    return g;
}

static long retry_wait_ms(struct api_client *ac, const struct http_resp *r, int attempt)
{
    long s;

    if (r->retry_after &&
        backoff_retry_after(r->retry_after, ht_now(), ac->cfg->retry_after_max, &s) == 0)
        return s * 1000;
    return api_client_backoff_ms(ac, attempt);
}

int api_client_url(struct api_client *ac, struct buf *out, enum api_path p,
                   const char *segment, const char *const *query)
{
    enum api_host h = api_path_get(p)->host;
    char base[512];
    size_t n = host_count(ac->cfg, h);

    if (n == 0 || host_url(ac->cfg, h, ac->host_idx[h] % n, base, sizeof(base)) < 0)
        return -1;
    return api_url_build(out, base, p, segment, query);
}

/* The mirror of path p's host kept failing: later calls go to the next one. */
static void next_mirror(struct api_client *ac, enum api_path p)
{
    enum api_host h = api_path_get(p)->host;
    size_t n = host_count(ac->cfg, h);

    if (n > 1) {
        ac->host_idx[h] = (ac->host_idx[h] + 1) % n;
        log_warn("switching to the next API base URL host=%s index=%zu",
                 h == API_HOST_AUTH ? "auth" : "core", ac->host_idx[h]);
    }
}

/* Logs the error envelope of a 4xx answer (its code and message, control characters
 * replaced), so an operator sees what upstream objected to. */
static void log_envelope(enum api_path p, const struct http_resp *r)
{
    struct api_error e;

    if (r->body.len && api_decode_error(r->body.ptr, r->body.len, &e, NULL) == 0) {
        log_warn("error answer from the API status=%ld path=%s code=%ld message=\"%s\"",
                 r->status, api_path_get(p)->name, e.code, e.message ? e.message : "");
        api_error_release(&e);
    } else {
        log_warn("error answer from the API status=%ld path=%s (no error envelope)",
                 r->status, api_path_get(p)->name);
    }
}

/* ---- authentication ---- */

static void forget_token(struct api_client *ac)
{
    if (ac->token) {
        explicit_bzero(ac->token, strlen(ac->token));
        free(ac->token);
    }
    ac->token = NULL;
}

/* /api/authenticate refused the account: no new attempt before the back-off is over. */
static void auth_refused(struct api_client *ac, long status, struct ht_err *err)
{
    long base = ac->cfg->auth_backoff > 0 ? ac->cfg->auth_backoff : 1, wait = base;

    for (int i = 1; i < ac->auth_refusals && wait < base * AUTH_BACKOFF_MAX_FACTOR; i++)
        wait *= 2;
    if (wait > base * AUTH_BACKOFF_MAX_FACTOR)
        wait = base * AUTH_BACKOFF_MAX_FACTOR;
    ac->auth_refusals++;
    ac->auth_next_ms = ht_mono_ms() + wait * 1000;
    pthread_mutex_lock(&ac->m->mu);
    ac->m->auth_refusals++;
    ac->m->auth_backoff_until = ht_now() + wait;
    pthread_mutex_unlock(&ac->m->mu);
    log_error(
        "authentication refused (HTTP %ld) email='%s': backing off, next attempt in "
        "%ld s refusals=%d",
        status, ac->cfg->email, wait, ac->auth_refusals);
    ht_err_set(err, HT_EAUTH, "authentication refused (HTTP %ld); next attempt in %ld s",
               status, wait);
}

static int authenticate(struct api_client *ac, struct ht_err *err)
{
    struct buf url = BUF_INIT(4096);
    struct http_resp r;
    struct api_auth a = {0};
    char *body = NULL;
    int rc = -1;

    http_resp_init(&r);
    if (ac->auth_next_ms && ht_mono_ms() < ac->auth_next_ms) {
        ht_err_set(err, HT_EAUTH,
                   "authentication was refused; next attempt in %" PRId64 " s",
                   (ac->auth_next_ms - ht_mono_ms()) / 1000 + 1);
        goto out;
    }
    body = api_encode_auth(ac->cfg->email, ac->cfg->password);
    if (!body || api_client_url(ac, &url, API_AUTH, NULL, NULL) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (int attempt = 0;; attempt++) {
        struct ht_err de = HT_ERR_INIT;
        int c = api_client_call(ac, API_AUTH, buf_str(&url), body, &r, err);

        if (c == 1) {
            ht_err_set(err, HT_EAUTH, "authentication endpoint not found (HTTP 404)");
            goto out;
        }
        if (c != 0) {
            if (r.status == 401 || r.status == 403)
                auth_refused(ac, r.status, err);
            goto out;
        }
        if (api_decode_auth(r.body.ptr ? r.body.ptr : "", r.body.len, &a, &de) == 0)
            break;
        /* A garbled answer is retried; its bytes may hold the token, so none are kept. */
        log_warn("undecodable authentication answer attempt=%d: %s", attempt + 1, de.msg);
        if (attempt >= ac->cfg->max_retries) {
            ht_err_set(err, HT_EPARSE, "authentication answer: %s", de.msg);
            goto out;
        }
        api_client_nap(ac, api_client_backoff_ms(ac, attempt));
    }
    forget_token(ac);
    ac->token = a.token;
    a.token = NULL;
    ac->token_expiry_ms = ht_mono_ms() + api_token_ttl_ms(a.expires_in);
    ac->auth_refusals = 0;
    ac->auth_next_ms = 0;
    pthread_mutex_lock(&ac->m->mu);
    ac->m->auth_backoff_until = 0;
    pthread_mutex_unlock(&ac->m->mu);
    log_info("authenticated email='%s'", ac->cfg->email);
    rc = 0;
out:
    if (body) {
        explicit_bzero(body, strlen(body));
        free(body);
    }
    if (r.body.ptr)
        explicit_bzero(r.body.ptr, r.body.len);
    api_auth_release(&a);
    http_resp_release(&r);
    buf_release(&url);
    return rc;
}

int api_client_ensure_token(struct api_client *ac, struct ht_err *err)
{
    if (ac->token && ht_mono_ms() >= ac->token_expiry_ms)
        forget_token(ac);
    return ac->token ? 0 : authenticate(ac, err);
}

/* ---- calls ---- */

int api_client_call(struct api_client *ac, enum api_path p, const char *url,
                    const char *body, struct http_resp *resp, struct ht_err *err)
{
    const struct api_path_def *d = api_path_get(p);
    int reauthed = 0;

    for (int attempt = 0; attempt <= ac->cfg->max_retries; attempt++) {
        enum sync_class c;
        int g;

        if (api_client_stopped(ac)) {
            ht_err_set(err, HT_ESTATE, "stopping");
            return -1;
        }
        if (!breaker_ok(ac, err))
            return -1;
        if (d->with_token && api_client_ensure_token(ac, err) < 0)
            return -1;
        if ((g = budget(ac, 1, err)) <= 0) {
            if (g == 0)
                ht_err_set(err, HT_ESTATE, "stopping");
            return -1;
        }
        http_resp_release(resp);
        http_resp_init(resp);
        if (http_request(ac->hc, d->method, url, d->with_token ? ac->token : NULL, body,
                         resp, NULL) < 0)
            log_debug("transfer failed: %s", resp->err.msg);
        count_response(ac, resp);
        c = sync_class_of(resp->status);
        switch (c) {
        case SC_2XX:
            breaker_note(ac, 1);
            return 0;
        case SC_404:
            breaker_note(ac, 1);
            return 1;
        case SC_403:
            breaker_note(ac, 1);
            if (!d->with_token) {
                ht_err_set(err, HT_EAUTH, "refused (HTTP 403)");
                return -1;
            }
            return 2;
        case SC_401:
            /* Not a breaker success: a refused password must not look like a healthy
             * API. */
            if (!d->with_token) {
                ht_err_set(err, HT_EAUTH, "authentication refused (HTTP 401)");
                return -1;
            }
            /* Re-authenticate once per refusal; a token refused again right after is
             * retried like any failure, up to max_retries. */
            if (reauthed++ >= ac->cfg->max_retries) {
                ht_err_set(err, HT_EAUTH, "HTTP 401 even after re-authenticating");
                return -1;
            }
            forget_token(ac);
            log_info("token refused, re-authenticating");
            if (reauthed == 1)
                attempt--;
            continue;
        case SC_4XX:
            breaker_note(ac, 1);
            log_envelope(p, resp);
            ht_err_set(err, HT_EHTTP, "HTTP %ld from the API", resp->status);
            return -1;
        case SC_429:
        case SC_5XX:
        case SC_TRANSPORT:
        default:
            if (c != SC_429)
                breaker_note(ac, 0);
            if (attempt < ac->cfg->max_retries) {
                long ms = retry_wait_ms(ac, resp, attempt);
                log_debug("retrying path=%s class=%s attempt=%d wait_ms=%ld", d->name,
                          sync_class_name(c), attempt + 1, ms);
                sync_metrics_add(ac->m, &ac->m->retries, 1);
                api_client_nap(ac, ms);
            }
            break;
        }
    }
    if (resp->status == 0 || resp->status >= 500)
        next_mirror(ac, p);
    if (resp->status)
        ht_err_set(err, HT_EHTTP, "HTTP %ld from the API after %ld retries", resp->status,
                   ac->cfg->max_retries);
    else
        ht_err_set(err, resp->err.code ? resp->err.code : HT_EHTTP,
                   "%s after %ld retries", resp->err.msg, ac->cfg->max_retries);
    return -1;
}

void api_req_init(struct api_req *r, enum api_path p, const char *url)
{
    memset(r, 0, sizeof(*r));
    r->path = p;
    r->url = url;
    http_resp_init(&r->resp);
}

void api_req_release(struct api_req *r)
{
    http_resp_release(&r->resp);
}

void api_client_batch_end(struct api_client *ac)
{
    ac->prepaid = 0;
}

int api_client_round(struct api_client *ac, struct api_req **reqs, size_t n,
                     struct ht_err *err)
{
    struct http_req *round = NULL;
    struct ht_err e2 = HT_ERR_INIT;
    size_t want = (size_t)ac->cfg->concurrency * 2;
    long wait_ms = 0;
    int g, need_auth = 0, rc = -1;

    if (n == 0)
        return 0;
    if (api_client_stopped(ac) || !breaker_ok(ac, &e2)) {
        for (size_t i = 0; i < n; i++)
            reqs[i]->state = API_REQ_FAILED;
        return 0;
    }
    if (api_client_ensure_token(ac, err) < 0)
        return -1;
    if (ac->prepaid == 0) {
        /* the whole batch's requests in one take (budget_take grants what the bucket
         * holds, at most its burst) */
        if ((g = budget(ac, n > INT_MAX ? INT_MAX : (int)n, err)) < 0)
            return -1;
        if (g == 0) { /* stopping */
            for (size_t i = 0; i < n; i++)
                reqs[i]->state = API_REQ_FAILED;
            return 0;
        }
        ac->prepaid = g;
    }
    g = ac->prepaid < (int)(n < want ? n : want) ? ac->prepaid
                                                 : (int)(n < want ? n : want);
    ac->prepaid -= g;
    if (!(round = calloc((size_t)g, sizeof(*round)))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    for (int j = 0; j < g; j++) {
        round[j].url = reqs[j]->url;
        http_resp_init(&round[j].resp);
    }
    if (http_get_many(ac->hc, round, (size_t)g, (int)ac->cfg->concurrency, ac->token,
                      err) < 0)
        goto out;
    for (int j = 0; j < g; j++) {
        struct api_req *q = reqs[j];
        struct http_resp *r = &round[j].resp;
        enum sync_class c = sync_class_of(r->status);

        count_response(ac, r);
        switch (c) {
        case SC_2XX:
        case SC_404:
        case SC_403:
            breaker_note(ac, 1);
            http_resp_release(&q->resp);
            q->resp = *r;
            http_resp_init(r);
            q->state = c == SC_2XX   ? API_REQ_OK
                       : c == SC_404 ? API_REQ_NOTFOUND
                                     : API_REQ_DENIED;
            break;
        case SC_401:
            /* A fresh token for the next round; refused through every retry, each with
             * a fresh token, it is not a token that expired: this account may not
             * read it. */
            if (q->attempts++ >= ac->cfg->max_retries)
                q->state = API_REQ_DENIED;
            else
                need_auth = 1;
            break;
        case SC_4XX:
            breaker_note(ac, 1);
            log_envelope(q->path, r);
            q->state = API_REQ_FAILED;
            break;
        default:
            if (c != SC_429)
                breaker_note(ac, 0);
            if (q->attempts++ >= ac->cfg->max_retries) {
                q->state = API_REQ_FAILED;
            } else {
                long ms = retry_wait_ms(ac, r, q->attempts - 1);
                if (ms > wait_ms)
                    wait_ms = ms;
                sync_metrics_add(ac->m, &ac->m->retries, 1);
            }
            break;
        }
        http_resp_release(r);
    }
    if (need_auth) {
        forget_token(ac);
        log_info("token refused, re-authenticating");
    }
    if (wait_ms > 0)
        api_client_nap(ac, wait_ms);
    rc = g;
out:
    if (rc < 0)
        for (int j = 0; j < g; j++)
            http_resp_release(&round[j].resp);
    free(round);
    return rc;
}

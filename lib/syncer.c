/* The poll cycle: auth, list sweep into staging, due details fetched concurrently under
 * the shared budget, reconciled and written one batch per transaction. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "halaltrack/api.h"
#include "halaltrack/http.h"
#include "halaltrack/log.h"
#include "halaltrack/reconcile.h"
#include "halaltrack/stage.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/syncer.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define BUDGET_NAME "national_api"
#define SWEEP_ATTEMPTS 5

struct syncer {
    const struct cfg *cfg;
    struct store *st;
    struct http_client *hc;
    volatile sig_atomic_t *stop;
    struct sync_metrics *m;
    char *token;
    int64_t token_expiry_ms;
    struct breaker br;
    unsigned int rng;
    int sweeper;
    int budget_ready;
    int once;
    size_t base_idx;      /* which api.base_url is in use */
    char cycle_start[40]; /* sync_run.started_at of this cycle (database clock) */
    struct sync_counts cnt;
};

static const char *const class_names[SC__COUNT] = {"2xx", "401", "404",      "429",
                                                   "4xx", "5xx", "transport"};

const char *sync_class_name(enum sync_class c)
{
    return c < SC__COUNT ? class_names[c] : "?";
}

void sync_metrics_init(struct sync_metrics *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->mu, NULL);
    m->db_ok = 1;
}

#define M_LOCK(sy) pthread_mutex_lock(&(sy)->m->mu)
#define M_UNLOCK(sy) pthread_mutex_unlock(&(sy)->m->mu)

static enum sync_class classify(const struct http_resp *r)
{
    if (r->status == 0)
        return SC_TRANSPORT;
    if (r->status >= 200 && r->status < 300)
        return SC_2XX;
    if (r->status == 401)
        return SC_401;
    if (r->status == 404)
        return SC_404;
    if (r->status == 429)
        return SC_429;
    if (r->status >= 500)
        return SC_5XX;
    return SC_4XX;
}

static void count_response(struct syncer *sy, const struct http_resp *r)
{
    enum sync_class c = classify(r);

    M_LOCK(sy);
    sy->m->requests[c]++;
    if (c != SC_2XX)
        sy->m->errors[c]++;
    M_UNLOCK(sy);
    sy->cnt.requests++;
    sy->cnt.bytes += (long)r->body.len;
}

static double rnd01(struct syncer *sy)
{
    return (double)rand_r(&sy->rng) / ((double)RAND_MAX + 1.0);
}

/* Sleeps ms milliseconds in short steps; returns early when stop is set. */
static void nap(struct syncer *sy, long ms)
{
    while (ms > 0 && !(sy->stop && *sy->stop)) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static void breaker_note(struct syncer *sy, int ok)
{
    int changed = ok ? breaker_success(&sy->br) : breaker_failure(&sy->br, ht_mono_ms());

    if (changed) {
        if (sy->br.state == BREAKER_OPEN)
            log_warn(
                "circuit breaker open: the API keeps failing failures=%d cooldown_s=%ld",
                sy->br.failures, sy->cfg->breaker_cooldown);
        else
            log_info("circuit breaker closed: the API answers again");
    }
    M_LOCK(sy);
    sy->m->breaker = sy->br.state;
    sy->m->breaker_opens = (unsigned long)sy->br.opens;
    M_UNLOCK(sy);
}

static int breaker_ok(struct syncer *sy, struct ht_err *err)
{
    int ok = breaker_allow(&sy->br, ht_mono_ms());

    M_LOCK(sy);
    sy->m->breaker = sy->br.state;
    M_UNLOCK(sy);
    if (!ok)
        ht_err_set(err, HT_EHTTP, "circuit breaker open: not calling the API for now");
    return ok;
}

/* Takes between 1 and want tokens from the shared budget, waiting while it is empty.
 * Returns the number granted, 0 when stopped, -1 on a database error. */
static int budget(struct syncer *sy, int want, struct ht_err *err)
{
    int g = 0;

    if (!sy->budget_ready) {
        if (store_budget_init(sy->st, BUDGET_NAME, sy->cfg->burst, sy->cfg->rate, err) <
            0)
            return -1;
        sy->budget_ready = 1;
    }
    for (;;) {
        if (sy->stop && *sy->stop)
            return 0;
        if (store_budget_take(sy->st, BUDGET_NAME, want, sy->cfg->name, &g, err) < 0)
            return -1;
        if (g > 0)
            break;
        M_LOCK(sy);
        sy->m->budget_waits++;
        M_UNLOCK(sy);
        nap(sy, (long)(1000.0 / sy->cfg->rate) + 1);
    }
    M_LOCK(sy);
    sy->m->budget_granted += (unsigned long)g;
    M_UNLOCK(sy);
    return g;
}

static int retry_wait_ms(struct syncer *sy, const struct http_resp *r, int attempt)
{
    long s;

    if (r->retry_after &&
        backoff_retry_after(r->retry_after, ht_now(), sy->cfg->retry_after_max, &s) == 0)
        return (int)(s * 1000);
    return (int)backoff_delay_ms(attempt, sy->cfg->backoff_base_ms,
                                 sy->cfg->backoff_max_ms, rnd01(sy));
}

static int build_url(struct syncer *sy, struct buf *b, const char *fmt, ...)
    HT_PRINTF(3, 4);
static int build_url(struct syncer *sy, struct buf *b, const char *fmt, ...)
{
    char base[512];
    va_list ap;
    int rc;

    if (cfg_base_url_at(sy->cfg, sy->base_idx % cfg_base_url_count(sy->cfg), base,
                        sizeof(base)) < 0)
        return -1;
    buf_reset(b);
    if (buf_adds(b, base) < 0)
        return -1;
    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

static int authenticate(struct syncer *sy, struct ht_err *err);

/* One call with retries, budget, breaker and a single re-authentication on 401.
 * Returns 0 with a 2xx answer in resp, 1 for 404, -1 on failure. */
static int call(struct syncer *sy, const char *method, const char *url, const char *body,
                int with_auth, struct http_resp *resp, struct ht_err *err)
{
    int reauthed = 0;

    for (int attempt = 0; attempt <= sy->cfg->max_retries; attempt++) {
        enum sync_class c;
        int g;

        if (sy->stop && *sy->stop) {
            ht_err_set(err, HT_ESTATE, "stopping");
            return -1;
        }
        if (!breaker_ok(sy, err))
            return -1;
        if (with_auth && !sy->token && authenticate(sy, err) < 0)
            return -1;
        if ((g = budget(sy, 1, err)) <= 0) {
            if (g == 0)
                ht_err_set(err, HT_ESTATE, "stopping");
            return -1;
        }
        http_resp_release(resp);
        http_resp_init(resp);
        if (http_request(sy->hc, method, url, with_auth ? sy->token : NULL, body, resp,
                         NULL) < 0)
            log_debug("transfer failed: %s", resp->err.msg);
        count_response(sy, resp);
        c = classify(resp);
        switch (c) {
        case SC_2XX:
            breaker_note(sy, 1);
            return 0;
        case SC_404:
            breaker_note(sy, 1);
            return 1;
        case SC_401:
            breaker_note(sy, 1);
            if (!with_auth) {
                ht_err_set(err, HT_EAUTH, "authentication refused (HTTP 401)");
                return -1;
            }
            /* Re-authenticate once per refusal; a token refused again right after is
             * retried like any failure, up to max_retries. */
            if (reauthed++ > sy->cfg->max_retries) {
                ht_err_set(err, HT_EAUTH, "HTTP 401 even after re-authenticating");
                return -1;
            }
            free(sy->token);
            sy->token = NULL;
            log_info("token refused, re-authenticating");
            if (reauthed == 1)
                attempt--;
            continue;
        case SC_4XX:
            breaker_note(sy, 1);
            ht_err_set(err, HT_EHTTP, "HTTP %ld from the API", resp->status);
            return -1;
        case SC_429:
        case SC_5XX:
        case SC_TRANSPORT:
        default:
            if (c != SC_429)
                breaker_note(sy, 0);
            if (attempt < sy->cfg->max_retries) {
                int ms = retry_wait_ms(sy, resp, attempt);
                log_debug("retrying class=%s attempt=%d wait_ms=%d", sync_class_name(c),
                          attempt + 1, ms);
                M_LOCK(sy);
                sy->m->retries++;
                M_UNLOCK(sy);
                nap(sy, ms);
            }
            break;
        }
    }
    if (cfg_base_url_count(sy->cfg) > 1 && (resp->status == 0 || resp->status >= 500)) {
        /* This mirror keeps failing: the next calls go to the next base URL. */
        sy->base_idx = (sy->base_idx + 1) % cfg_base_url_count(sy->cfg);
        log_warn("switching to the next API base URL index=%zu", sy->base_idx);
    }
    if (resp->status)
        ht_err_set(err, HT_EHTTP, "HTTP %ld from the API after %ld retries", resp->status,
                   sy->cfg->max_retries);
    else
        ht_err_set(err, resp->err.code ? resp->err.code : HT_EHTTP,
                   "%s after %ld retries", resp->err.msg, sy->cfg->max_retries);
    return -1;
}

static int authenticate(struct syncer *sy, struct ht_err *err)
{
    struct buf url = BUF_INIT(4096);
    struct http_resp r;
    struct api_auth a = {0};
    char *body = NULL;
    int rc = -1;

    http_resp_init(&r);
    body = api_encode_auth(sy->cfg->email, sy->cfg->password);
    if (!body || build_url(sy, &url, "/api/authenticate") < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (int attempt = 0;; attempt++) {
        struct ht_err de = HT_ERR_INIT;

        rc = call(sy, "POST", buf_str(&url), body, 0, &r, err);
        if (rc != 0) {
            if (rc > 0)
                ht_err_set(err, HT_EAUTH, "authentication endpoint not found (HTTP 404)");
            if (r.status == 401)
                log_error("authentication refused email='%s'", sy->cfg->email);
            rc = -1;
            goto out;
        }
        if (api_decode_auth(r.body.ptr ? r.body.ptr : "", r.body.len, &a, &de) == 0)
            break;
        /* A garbled answer is retried; its bytes may hold the token, so none are kept. */
        log_warn("undecodable authentication answer attempt=%d: %s", attempt + 1, de.msg);
        if (attempt >= sy->cfg->max_retries) {
            ht_err_set(err, HT_EPARSE, "authentication answer: %s", de.msg);
            rc = -1;
            goto out;
        }
        nap(sy, backoff_delay_ms(attempt, sy->cfg->backoff_base_ms,
                                 sy->cfg->backoff_max_ms, rnd01(sy)));
    }
    free(sy->token);
    sy->token = a.token;
    a.token = NULL;
    sy->token_expiry_ms =
        ht_mono_ms() + (a.expires_in > 60 ? a.expires_in - 30 : 3600) * 1000;
    log_info("authenticated email='%s'", sy->cfg->email);
    rc = 0;
out:
    if (body) {
        explicit_bzero(body, strlen(body));
        free(body);
    }
    api_auth_release(&a);
    http_resp_release(&r);
    buf_release(&url);
    return rc;
}

static int ensure_token(struct syncer *sy, struct ht_err *err)
{
    if (sy->token && ht_mono_ms() >= sy->token_expiry_ms) {
        free(sy->token);
        sy->token = NULL;
    }
    return sy->token ? 0 : authenticate(sy, err);
}

struct syncer *syncer_new(const struct cfg *cfg, struct store *st,
                          volatile sig_atomic_t *stop, struct sync_metrics *m,
                          struct ht_err *err)
{
    struct syncer *sy = calloc(1, sizeof(*sy));
    struct http_opts o = {0};

    if (!sy) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    sy->cfg = cfg;
    sy->st = st;
    sy->stop = stop;
    sy->m = m;
    sy->rng = (unsigned int)(ht_mono_ms() ^ (int64_t)getpid());
    o.connect_timeout_s = cfg->connect_timeout;
    o.timeout_s = cfg->timeout;
    o.ca_file = cfg->ca_file;
    o.max_conns = (int)cfg->concurrency;
    if (!(sy->hc = http_client_new(&o, err))) {
        free(sy);
        return NULL;
    }
    if (!cfg->tls_verify) {
        http_client_set_tls_verify(sy->hc, 0);
        log_warn("TLS certificate verification is off (api.tls_verify = no): the API's "
                 "identity is not checked base_url=%s",
                 cfg->base_url);
    }
    breaker_init(&sy->br, (int)cfg->breaker_threshold, cfg->breaker_cooldown * 1000);
    return sy;
}

void syncer_free(struct syncer *sy)
{
    if (!sy)
        return;
    http_client_free(sy->hc);
    if (sy->token) {
        explicit_bzero(sy->token, strlen(sy->token));
        free(sy->token);
    }
    free(sy);
}

void syncer_set_once(struct syncer *sy, int once)
{
    sy->once = once;
}

void syncer_set_cfg(struct syncer *sy, const struct cfg *cfg)
{
    sy->cfg = cfg;
    sy->br.threshold = (int)cfg->breaker_threshold;
    sy->br.cooldown_ms = cfg->breaker_cooldown * 1000;
    sy->budget_ready = 0; /* rate/burst may have changed */
}

/* ---- list sweep ---- */

static int quarantine_now(struct syncer *sy, const char *source, const char *ref,
                          const char *reason, const void *raw, size_t len,
                          struct ht_err *err)
{
    struct store_batch *b = store_batch_new();
    long q = 0;
    int rc = -1;

    if (!b || store_batch_quarantine(b, source, ref, reason, raw ? raw : "",
                                     raw ? len : 0) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    if (store_batch_apply(sy->st, b, NULL, &q, err) < 0)
        goto out;
    sy->cnt.quarantined += q;
    M_LOCK(sy);
    sy->m->quarantined += (unsigned long)q;
    M_UNLOCK(sy);
    log_warn("quarantined source=%s ref=%s reason=\"%s\"", source, ref ? ref : "-",
             reason);
    rc = 0;
out:
    store_batch_free(b);
    return rc;
}

/* Fetches and decodes one page, retrying undecodable answers (truncated, malformed). */
static int fetch_page(struct syncer *sy, long page, struct api_page *pg,
                      struct ht_err *err)
{
    struct buf url = BUF_INIT(4096);
    struct http_resp r;
    int rc = -1;
    char ref[64];

    http_resp_init(&r);
    snprintf(ref, sizeof(ref), "page=%ld", page);
    if (build_url(sy, &url, "/api/v1/fasilitator/search?page=%ld&size=%ld", page,
                  sy->cfg->page_size) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (int attempt = 0; attempt <= sy->cfg->max_retries; attempt++) {
        struct ht_err de = HT_ERR_INIT;
        int c = call(sy, "GET", buf_str(&url), NULL, 1, &r, err);

        if (c != 0) {
            if (c > 0)
                ht_err_set(err, HT_EHTTP, "list page %ld not found", page);
            goto out;
        }
        if (api_decode_page(r.body.ptr ? r.body.ptr : "", r.body.len, pg, &de) == 0) {
            rc = 0;
            goto out;
        }
        if (quarantine_now(sy, "list", ref, de.msg, r.body.ptr, r.body.len, err) < 0)
            goto out;
        if (attempt == sy->cfg->max_retries) {
            ht_err_set(err, HT_EPARSE, "list page %ld: %s", page, de.msg);
            goto out;
        }
        nap(sy, backoff_delay_ms(attempt, sy->cfg->backoff_base_ms,
                                 sy->cfg->backoff_max_ms, rnd01(sy)));
    }
out:
    http_resp_release(&r);
    buf_release(&url);
    return rc;
}

/* Streams every page into staging under run_id. *complete is set when the sweep saw as
 * many distinct applications as the API's total. */
static int sweep_once(struct syncer *sy, int64_t run_id, int fresh, int64_t *seq_io,
                      int *complete, long *distinct, long *total, struct ht_err *err)
{
    struct store_stage *stg = store_stage_new();
    long page = 1, total_page = 1;
    int64_t seq = *seq_io;
    int rc = -1;

    *complete = 0;
    *total = 0;
    if (!stg) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    if (fresh && store_stage_clear(sy->st, run_id, err) < 0)
        goto out;
    while (page <= total_page) {
        struct api_page pg;

        if (sy->stop && *sy->stop) {
            ht_err_set(err, HT_ESTATE, "stopping");
            goto out;
        }
        if (fetch_page(sy, page, &pg, err) < 0)
            goto out;
        if (pg.total_item > *total)
            *total = pg.total_item;
        total_page = pg.total_page;
        for (size_t i = 0; i < pg.n; i++) {
            const struct api_item *it = &pg.items[i];
            char tgl[21];
            const char *tgl_norm = NULL;
            int64_t t;

            /* The registration date goes to staging as UTC ISO 8601 or NULL, so the merge
             * can cast it without a per-row exception handler. */
            if (it->tgl_daftar && ts_parse(it->tgl_daftar, &t, NULL) == 0) {
                ts_format_utc(t, tgl);
                tgl_norm = tgl;
            }
            const char *f[STORE_STAGE_NFIELDS] = {
                it->id_reg,       it->no_daftar, tgl_norm,
                it->nib,          it->nama_pu,   it->jenis_daftar,
                it->jenis_produk, it->status,    it->channel_id};
            if (store_stage_add(stg, seq++, f) < 0) {
                api_page_release(&pg);
                ht_err_set(err, HT_ELIMIT, "staging buffer over its cap");
                goto out;
            }
        }
        for (size_t i = 0; i < pg.nbad; i++) {
            char ref[80];
            if (pg.bad[i].id_reg)
                snprintf(ref, sizeof(ref), "%s", pg.bad[i].id_reg);
            else
                snprintf(ref, sizeof(ref), "page=%ld", page);
            if (quarantine_now(sy, "list", ref, pg.bad[i].reason, pg.bad[i].raw,
                               strlen(pg.bad[i].raw), err) < 0) {
                api_page_release(&pg);
                goto out;
            }
        }
        api_page_release(&pg);
        if (store_stage_flush(sy->st, stg, run_id, err) < 0)
            goto out;
        page++;
    }
    if (store_stage_distinct(sy->st, run_id, distinct, err) < 0)
        goto out;
    *complete = *distinct >= *total;
    rc = 0;
out:
    *seq_io = seq;
    store_stage_free(stg);
    return rc;
}

static int sweep(struct syncer *sy, int64_t run_id, int *trusted, struct ht_err *err)
{
    long distinct = 0, total = 0, seen = 0, inserted = 0, changed = 0;
    int complete = 0;
    int64_t t0 = ht_mono_ms();

    *trusted = 0;
    int64_t seq = 0;

    /* Pages that shifted while paging (applications arriving) hide some applications from
     * one pass; the sweep is repeated and the passes' union (latest row per id_reg wins)
     * is trusted only once it holds as many applications as the API's total. */
    for (int attempt = 1; attempt <= SWEEP_ATTEMPTS; attempt++) {
        if (sweep_once(sy, run_id, attempt == 1, &seq, &complete, &distinct, &total,
                       err) < 0) {
            if (store_stage_clear(sy->st, run_id, NULL) < 0)
                log_debug("cannot clear the staging rows run=%" PRId64, run_id);
            return -1;
        }
        if (complete)
            break;
        log_warn(
            "sweep incomplete, pages shifted while paging seen=%ld total=%ld attempt=%d",
            distinct, total, attempt);
    }
    if (store_sync_merge(sy->st, run_id, complete, &seen, &inserted, &changed, err) < 0)
        return -1;
    *trusted = complete;
    sy->cnt.items_seen += seen;
    sy->cnt.items_changed += inserted + changed;
    M_LOCK(sy);
    sy->m->items_seen += (unsigned long)seen;
    sy->m->items_changed += (unsigned long)(inserted + changed);
    if (complete)
        sy->m->last_sweep_success = ht_now();
    M_UNLOCK(sy);
    log_info("sweep done seen=%ld total=%ld new=%ld changed=%ld complete=%s ms=%" PRId64,
             seen, total, inserted, changed, complete ? "yes" : "no", ht_mono_ms() - t0);
    return 0;
}

/* ---- details ---- */

enum dstate { D_PENDING = 0, D_OK, D_NOTFOUND, D_FAILED };

/* Fetches the details of n claims concurrently; states[i] says how each ended. */
static int fetch_details(struct syncer *sy, struct store_claim *cl, size_t n,
                         struct http_req *reqs, enum dstate *states, struct ht_err *err)
{
    int *attempts = calloc(n + 1, sizeof(int));
    size_t *pick = calloc(n + 1, sizeof(size_t));
    struct http_req *round = calloc(n + 1, sizeof(*round));
    int reauths = 0, rc = -1;

    if (!attempts || !pick || !round) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (;;) {
        size_t k = 0, want;
        int g, need_auth = 0;
        long wait_ms = 0;
        struct ht_err e2 = HT_ERR_INIT;

        for (size_t i = 0; i < n; i++)
            if (states[i] == D_PENDING)
                pick[k++] = i;
        if (k == 0)
            break;
        if ((sy->stop && *sy->stop) || !breaker_ok(sy, &e2)) {
            for (size_t i = 0; i < k; i++)
                states[pick[i]] = D_FAILED;
            break;
        }
        if (ensure_token(sy, err) < 0)
            goto out;
        want =
            k < (size_t)sy->cfg->concurrency * 2 ? k : (size_t)sy->cfg->concurrency * 2;
        if ((g = budget(sy, (int)want, err)) < 0)
            goto out;
        if (g == 0)
            continue; /* stopping: marks the rest failed above */
        for (int j = 0; j < g; j++) {
            round[j].url = reqs[pick[j]].url;
            http_resp_init(&round[j].resp);
        }
        if (http_get_many(sy->hc, round, (size_t)g, (int)sy->cfg->concurrency, sy->token,
                          err) < 0) {
            for (int j = 0; j < g; j++)
                http_resp_release(&round[j].resp);
            goto out;
        }
        for (int j = 0; j < g; j++) {
            size_t i = pick[j];
            struct http_resp *r = &round[j].resp;
            enum sync_class c = classify(r);

            count_response(sy, r);
            switch (c) {
            case SC_2XX:
            case SC_404:
                breaker_note(sy, 1);
                http_resp_release(&reqs[i].resp);
                reqs[i].resp = *r;
                http_resp_init(r);
                states[i] = c == SC_2XX ? D_OK : D_NOTFOUND;
                break;
            case SC_401:
                /* One re-authentication per round; the request is retried and counts as
                 * an attempt so a token that keeps being refused ends the batch. */
                need_auth = 1;
                if (attempts[i]++ >= sy->cfg->max_retries)
                    states[i] = D_FAILED;
                break;
            case SC_4XX:
                states[i] = D_FAILED;
                break;
            default:
                if (c != SC_429)
                    breaker_note(sy, 0);
                if (attempts[i]++ >= sy->cfg->max_retries) {
                    states[i] = D_FAILED;
                } else {
                    long ms = retry_wait_ms(sy, r, attempts[i] - 1);
                    if (ms > wait_ms)
                        wait_ms = ms;
                    M_LOCK(sy);
                    sy->m->retries++;
                    M_UNLOCK(sy);
                }
                break;
            }
            http_resp_release(r);
        }
        if (need_auth) {
            reauths++;
            free(sy->token);
            sy->token = NULL;
            log_info("token refused, re-authenticating");
        }
        if (wait_ms > 0)
            nap(sy, wait_ms);
    }
    rc = 0;
out:
    free(attempts);
    free(pick);
    free(round);
    return rc;
}

static long poll_secs(const struct cfg *c, enum ht_stage st)
{
    if (st < 0 || st >= STAGE__COUNT || st == STAGE_NOT_APPLIED)
        st = STAGE_UNKNOWN;
    return c->stage_poll[st];
}

static long retry_secs(const struct cfg *c)
{
    /* Retry a failed or quarantined application after a short while, but never hammer. */
    long s = c->cycle > 0 ? c->cycle : 5;
    return s < 5 ? 5 : s;
}

/* Turns one fetched detail into batch writes. Returns 0 when reconciled, 1 when the
 * answer went to quarantine (the caller re-fetches it or schedules a retry), -1 on error.
 */
static int plan_one(struct syncer *sy, struct store_batch *b,
                    const struct store_claim *cl, const char *body, size_t len,
                    const struct cfg *cfg, struct ht_err *err)
{
    struct api_detail d;
    struct reconcile_plan p;
    struct reconcile_stored stored = {cl->id_reg, cl->status_code, cl->stage_since,
                                      cl->has_stage_since};
    struct ht_err de = HT_ERR_INIT;
    enum ht_stage now_stage;
    int rc = -1;

    (void)sy;
    if (api_decode_detail(body ? body : "", len, &d, &de) < 0) {
        if (de.code == HT_ENOMEM) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        if (store_batch_quarantine(b, "detail", cl->id_reg, de.msg, body ? body : "",
                                   len) < 0)
            goto oom;
        log_warn("quarantined source=detail ref=%s reason=\"%s\"", cl->id_reg, de.msg);
        return 1;
    }
    if (reconcile_plan_build(&stored, &d, &p) < 0) {
        api_detail_release(&d);
        goto oom;
    }
    if (p.action == RECONCILE_QUARANTINE) {
        if (store_batch_quarantine(b, "detail", cl->id_reg, p.reason, body, len) < 0)
            goto oom_plan;
        log_warn("quarantined source=detail ref=%s reason=\"%s\"", cl->id_reg, p.reason);
        rc = 1;
        goto oom_plan;
    } else {
        for (size_t i = 0; i < p.nev; i++) {
            const struct api_event *e = &d.events[p.ev[i]];
            if (store_batch_event(b, cl->id, e->status, stage_name(p.ev_stage[i]), e->at,
                                  e->username, e->comment) < 0)
                goto oom_plan;
        }
        if (p.move &&
            store_batch_move(b, cl->id, d.events[p.latest].status,
                             stage_name(p.new_stage), d.events[p.latest].at) < 0)
            goto oom_plan;
        if (p.certificate && store_batch_cert(b, cl->id, d.cert_no, d.cert_date) < 0)
            goto oom_plan;
        now_stage =
            p.move ? p.new_stage
                   : (cl->status_code ? stage_of_code(cl->status_code) : STAGE_UNKNOWN);
        if (store_batch_done(b, cl->id, poll_secs(cfg, now_stage), cl->fingerprint, d.nib,
                             d.no_daftar, d.channel_id) < 0)
            goto oom_plan;
    }
    rc = 0;
oom_plan:
    reconcile_plan_release(&p);
    api_detail_release(&d);
    if (rc >= 0)
        return rc;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory or batch over its cap");
    return -1;
}

/* One batch: claim, fetch, reconcile, write in one transaction. *claimed = batch size. */
static int detail_batch(struct syncer *sy, size_t *claimed, struct ht_err *err)
{
    struct store_claim *cl = NULL;
    struct http_req *reqs = NULL;
    enum dstate *states = NULL;
    char *done = NULL;
    struct buf *urls = NULL;
    struct store_batch *b = NULL;
    size_t n = 0, ok = 0;
    long ev = 0, q = 0, retry_s = retry_secs(sy->cfg);
    int rc = -1;
    int64_t t0 = ht_mono_ms();

    *claimed = 0;
    if (store_sync_claim(sy->st, sy->cfg->name, sy->cfg->lease, sy->cfg->batch_size,
                         sy->cycle_start, &cl, &n, err) < 0)
        return -1;
    *claimed = n;
    if (n == 0) {
        store_claims_free(cl, n);
        return 0;
    }
    reqs = calloc(n, sizeof(*reqs));
    states = calloc(n, sizeof(*states));
    done = calloc(n, 1);
    urls = calloc(n, sizeof(*urls));
    b = store_batch_new();
    if (!reqs || !states || !done || !urls || !b)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        buf_init(&urls[i], 4096);
        http_resp_init(&reqs[i].resp);
        /* id_reg goes into the path: allow only URL-safe characters. */
        for (const char *p = cl[i].id_reg; *p; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
                states[i] = D_FAILED;
        if (build_url(sy, &urls[i],
                      "/api/v1/halal-certificate-reguler/business-actor/%s/detail",
                      cl[i].id_reg) < 0)
            goto oom;
        reqs[i].url = buf_str(&urls[i]);
    }
    /* An undecodable or unmappable answer is quarantined and fetched again at once (a
     * truncated or garbled answer is usually transient); after max_retries it waits for a
     * later cycle. */
    for (long round = 0;; round++) {
        int again = 0;

        if (fetch_details(sy, cl, n, reqs, states, err) < 0)
            goto out;
        for (size_t i = 0; i < n; i++) {
            int r;

            if (states[i] != D_OK || done[i])
                continue;
            r = plan_one(sy, b, &cl[i], reqs[i].resp.body.ptr, reqs[i].resp.body.len,
                         sy->cfg, err);
            if (r < 0)
                goto out;
            if (r == 0) {
                done[i] = 1;
                ok++;
            } else if (round < sy->cfg->max_retries && !(sy->stop && *sy->stop)) {
                states[i] = D_PENDING;
                http_resp_release(&reqs[i].resp);
                http_resp_init(&reqs[i].resp);
                again = 1;
            } else {
                done[i] = 1;
                sy->cnt.errors++;
                if (store_batch_retry(b, cl[i].id, retry_s) < 0)
                    goto oom;
            }
        }
        if (!again)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        switch (states[i]) {
        case D_OK:
            break;
        case D_NOTFOUND:
            log_warn("application not found upstream id_reg=%s", cl[i].id_reg);
            sy->cnt.errors++;
            if (store_batch_retry(b, cl[i].id, poll_secs(sy->cfg, STAGE_UNKNOWN)) < 0)
                goto oom;
            break;
        default:
            sy->cnt.errors++;
            if (store_batch_retry(b, cl[i].id, retry_s) < 0)
                goto oom;
            break;
        }
    }
    if (store_batch_apply(sy->st, b, &ev, &q, err) < 0)
        goto out;
    sy->cnt.details_fetched += (long)ok;
    sy->cnt.events_inserted += ev;
    sy->cnt.quarantined += q;
    M_LOCK(sy);
    sy->m->details_fetched += ok;
    sy->m->events_inserted += (unsigned long)ev;
    sy->m->quarantined += (unsigned long)q;
    M_UNLOCK(sy);
    log_info("batch done claimed=%zu fetched=%zu events=%ld quarantined=%ld ms=%" PRId64,
             n, ok, ev, q, ht_mono_ms() - t0);
    rc = 0;
    goto out;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
out:
    if (reqs)
        for (size_t i = 0; i < n; i++)
            http_resp_release(&reqs[i].resp);
    if (urls)
        for (size_t i = 0; i < n; i++)
            buf_release(&urls[i]);
    free(reqs);
    free(states);
    free(done);
    free(urls);
    store_batch_free(b);
    store_claims_free(cl, n);
    return rc;
}

int syncer_cycle(struct syncer *sy, struct ht_err *err)
{
    int64_t run_id = 0;
    int trusted = 1, rc = -1;
    struct ht_err e = HT_ERR_INIT;
    const char *outcome = "failed";
    int64_t t0 = ht_mono_ms();

    memset(&sy->cnt, 0, sizeof(sy->cnt));
    if (!store_ok(sy->st)) {
        ht_err_set(err, HT_EDBCONN, "database connection lost");
        return -1;
    }
    if (cfg_apply_stage_map(sy->cfg, &e) < 0)
        goto done;
    if (store_sync_run_start(sy->st, sy->cfg->name, &run_id, sy->cycle_start, &e) < 0)
        goto done;
    if (!sy->sweeper && store_sync_lock_sweep(sy->st, &sy->sweeper, &e) < 0)
        goto done;
    /* A single cycle (--once) right after another daemon's exit: its backend may still
     * hold the session lock for a moment. Wait briefly rather than skip the sweep. */
    for (int i = 0; sy->once && !sy->sweeper && i < 25 && !(sy->stop && *sy->stop); i++) {
        nap(sy, 200);
        if (store_sync_lock_sweep(sy->st, &sy->sweeper, &e) < 0)
            goto done;
    }
    M_LOCK(sy);
    sy->m->sweeper = sy->sweeper;
    M_UNLOCK(sy);
    if (ensure_token(sy, &e) < 0)
        goto done;
    if (sy->sweeper) {
        sy->cnt.sweep = 1;
        if (sweep(sy, run_id, &trusted, &e) < 0)
            goto done;
    }
    for (;;) {
        size_t claimed = 0;
        if (sy->stop && *sy->stop)
            break;
        if (detail_batch(sy, &claimed, &e) < 0)
            goto done;
        if (claimed == 0)
            break;
        if (sy->br.state == BREAKER_OPEN) {
            ht_err_set(&e, HT_EHTTP, "circuit breaker open: the API keeps failing");
            goto done;
        }
    }
    rc = 0;
    outcome = (sy->stop && *sy->stop)            ? "aborted"
              : (trusted && sy->cnt.errors == 0) ? "ok"
                                                 : "partial";
done:
    if (rc < 0)
        sy->cnt.errors++;
    if (e.code == HT_EDBCONN || !store_ok(sy->st)) {
        sy->sweeper = 0; /* the session lock went with the session */
        M_LOCK(sy);
        sy->m->sweeper = 0;
        sy->m->db_ok = 0;
        M_UNLOCK(sy);
    } else if (run_id) {
        struct ht_err fe = HT_ERR_INIT;
        struct sync_gauges g;
        if (store_sync_gauges(sy->st, BUDGET_NAME, &g, &fe) == 0) {
            M_LOCK(sy);
            sy->m->applications = g.applications;
            sy->m->quarantine_open = g.quarantine_open;
            sy->m->oldest_observed = g.oldest_observed;
            sy->m->budget_tokens = g.budget_tokens;
            sy->m->budget_granted_total = g.budget_granted;
            sy->m->budget_rate = sy->cfg->rate;
            M_UNLOCK(sy);
        }
        ht_err_clear(&fe);
        if (store_sync_run_finish(sy->st, run_id, &sy->cnt, outcome,
                                  rc < 0 ? e.msg : NULL, &fe) < 0)
            log_warn("cannot record the sync run: %s", fe.msg);
        M_LOCK(sy);
        sy->m->db_ok = 1;
        M_UNLOCK(sy);
    }
    M_LOCK(sy);
    if (rc == 0) {
        sy->m->cycles_ok++;
        sy->m->last_cycle_success = ht_now();
    } else {
        sy->m->cycles_failed++;
    }
    M_UNLOCK(sy);
    if (rc == 0)
        log_info("cycle done outcome=%s sweep=%s requests=%ld seen=%ld changed=%ld "
                 "details=%ld "
                 "events=%ld quarantined=%ld errors=%ld ms=%" PRId64,
                 outcome, sy->cnt.sweep ? "yes" : "no", sy->cnt.requests,
                 sy->cnt.items_seen, sy->cnt.items_changed, sy->cnt.details_fetched,
                 sy->cnt.events_inserted, sy->cnt.quarantined, sy->cnt.errors,
                 ht_mono_ms() - t0);
    else
        ht_err_set(err, e.code ? e.code : HT_EHTTP, "%s", e.msg);
    if (rc == 0 && strcmp(outcome, "partial") == 0) {
        ht_err_set(err, HT_ESTATE, "cycle partial: %ld errors%s", sy->cnt.errors,
                   trusted ? "" : ", sweep incomplete");
        return -1;
    }
    return rc;
}

/* ---- quarantine replay ---- */

static void claim_release(struct store_claim *c)
{
    free(c->id_reg);
    free(c->status_code);
    free(c->fingerprint);
    memset(c, 0, sizeof(*c));
}

int syncer_replay(struct store *st, long limit, struct replay_result *res,
                  struct ht_err *err)
{
    struct store_qrow *q = NULL;
    struct store_batch *b = NULL;
    size_t n = 0;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (store_quarantine_open(st, "detail", limit, &q, &n, err) < 0)
        return -1;
    if (!(b = store_batch_new())) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct store_claim cl;
        struct api_detail d;
        struct reconcile_plan p;
        struct reconcile_stored stored;
        int found;

        res->examined++;
        if (!q[i].ref || (found = store_sync_app_state(st, q[i].ref, &cl, err)) < 0) {
            if (ht_err_isset(err))
                goto out;
            res->still_bad++;
            continue;
        }
        if (found == 0 && cl.detail_at > q[i].created_epoch) {
            /* A later answer was reconciled since: this one is superseded, not replayed
             * (it might be a garbled copy of what is already stored). */
            claim_release(&cl);
            if (store_batch_resolve(b, q[i].id) < 0) {
                ht_err_set(err, HT_ENOMEM, "out of memory");
                goto out;
            }
            res->superseded++;
            continue;
        }
        if (found == 1 || api_decode_detail(q[i].raw, q[i].rawlen, &d, NULL) < 0) {
            if (found == 0)
                claim_release(&cl);
            res->still_bad++;
            continue;
        }
        stored.id_reg = cl.id_reg;
        stored.status_code = cl.status_code;
        stored.stage_since = cl.stage_since;
        stored.has_stage_since = cl.has_stage_since;
        if (reconcile_plan_build(&stored, &d, &p) < 0) {
            api_detail_release(&d);
            claim_release(&cl);
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto out;
        }
        if (p.action == RECONCILE_APPLY) {
            int bad = 0;
            for (size_t k = 0; k < p.nev; k++) {
                const struct api_event *e = &d.events[p.ev[k]];
                bad |= store_batch_event(b, cl.id, e->status, stage_name(p.ev_stage[k]),
                                         e->at, e->username, e->comment);
            }
            if (p.move)
                bad |= store_batch_move(b, cl.id, d.events[p.latest].status,
                                        stage_name(p.new_stage), d.events[p.latest].at);
            if (p.certificate)
                bad |= store_batch_cert(b, cl.id, d.cert_no, d.cert_date);
            bad |= store_batch_resolve(b, q[i].id);
            if (bad) {
                ht_err_set(err, HT_ENOMEM, "out of memory");
                reconcile_plan_release(&p);
                api_detail_release(&d);
                claim_release(&cl);
                goto out;
            }
            res->resolved++;
        } else {
            res->still_bad++;
        }
        reconcile_plan_release(&p);
        api_detail_release(&d);
        claim_release(&cl);
    }
    if (store_batch_apply(st, b, NULL, NULL, err) < 0)
        goto out;
    rc = 0;
out:
    store_batch_free(b);
    store_qrows_free(q, n);
    return rc;
}

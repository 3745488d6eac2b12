/* The detail batch: claim due applications (row locks of the transaction that will
 * write them), fetch their details concurrently, reconcile each answer as soon as it
 * arrives (its body is then freed), hand the batch to the writer (sync_writer.c), which
 * writes and commits it in its claim's transaction while the next is claimed and fetched.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/api.h"
#include "halaltrack/log.h"
#include "halaltrack/sync_apply.h"
#include "halaltrack/util.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

/* How one claimed application ended in this batch. */
enum app_end { END_OPEN = 0, END_APPLIED, END_RETRY };

struct batch_state {
    struct syncer *sy;
    struct store_claim *cl;
    size_t n;
    struct api_req *reqs;
    struct buf *urls; /* two per application: the first path to try, then the other */
    unsigned char *on_other; /* the request now goes to the other path */
    enum app_end *end;
    int *decode_tries;     /* answers that did not decode or map */
    uint32_t *quarantined; /* hash of the last reason quarantined per application, 0 none:
                              one copy per application and reason per batch */
    struct store_batch *b;
    size_t applied;
};

static long retry_secs(const struct cfg *c)
{
    /* Retry a failed or quarantined application after a short while, but never hammer. */
    long s = c->cycle > 0 ? c->cycle : 5;
    return s < 5 ? 5 : s;
}

/* FNV-1a of a quarantine reason, never 0. */
static uint32_t reason_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h ? h : 1;
}

/* Reconciles the answer of application i. Returns 0, or -1 on a fatal error. */
static int take_answer(struct batch_state *bs, size_t i, struct ht_err *err)
{
    struct syncer *sy = bs->sy;
    const struct store_claim *c = &bs->cl[i];
    struct http_resp *r = &bs->reqs[i].resp;
    struct apply_sink sink = apply_sink_batch(bs->b);
    struct api_detail d;
    struct ht_err de = HT_ERR_INIT;
    char reason[256];
    int rc;

    if (api_decode_detail(r->body.ptr ? r->body.ptr : "", r->body.len, &d, &de) < 0) {
        if (de.code == HT_ENOMEM) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
        snprintf(reason, sizeof(reason), "%s", de.msg);
        rc = 1;
    } else {
        rc = sync_apply_detail(
            &sink, c, &d, sy->map, sy->cfg->stage_poll,
            bs->reqs[i].path == API_DETAIL_SELF_DECLARE ? "self_declare" : "reguler",
            reason);
        api_detail_release(&d);
        if (rc < 0) {
            ht_err_set(err, HT_ENOMEM, "out of memory or batch over its cap");
            return -1;
        }
    }
    if (rc == 0) {
        bs->end[i] = END_APPLIED;
        bs->applied++;
    } else {
        /* Quarantine one capped copy per application and reason; a truncated or garbled
         * answer is usually transient, so it is fetched again (up to max_retries), then
         * left for a later cycle. Its body is freed either way before the next one
         * arrives. */
        uint32_t h = reason_hash(reason);
        if (bs->quarantined[i] != h) {
            if (sync_quarantine(sy, "detail", c->id_reg, reason, r->body.ptr, r->body.len,
                                0, err) < 0)
                return -1;
            bs->quarantined[i] = h;
        }
        if (bs->decode_tries[i]++ < sy->cfg->max_retries && !api_client_stopped(sy->ac)) {
            bs->reqs[i].state = API_REQ_PENDING;
            bs->reqs[i].attempts = 0;
        } else {
            bs->end[i] = END_RETRY;
            sy->cnt.errors++;
            if (store_batch_retry(bs->b, c->id, retry_secs(sy->cfg)) < 0) {
                ht_err_set(err, HT_ENOMEM, "out of memory");
                return -1;
            }
        }
    }
    http_resp_release(r);
    http_resp_init(r);
    return 0;
}

/* Fetches until no request is pending, reconciling each answer of a round before the
 * next round is sent: at most one round of bodies (2 x api.concurrency) is held. */
static int fetch_all(struct batch_state *bs, struct ht_err *err)
{
    struct api_req **pend = calloc(bs->n + 1, sizeof(*pend));
    size_t *idx = calloc(bs->n + 1, sizeof(*idx));
    int rc = -1;

    if (!pend || !idx) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (;;) {
        size_t k = 0;
        int sent;

        for (size_t i = 0; i < bs->n; i++)
            if (bs->end[i] == END_OPEN && bs->reqs[i].state == API_REQ_PENDING) {
                idx[k] = i;
                pend[k++] = &bs->reqs[i];
            }
        if (k == 0)
            break;
        if ((sent = api_client_round(bs->sy->ac, pend, k, err)) < 0)
            goto out;
        for (size_t j = 0; j < (sent ? (size_t)sent : k); j++) {
            size_t i = idx[j];
            if (pend[j]->state == API_REQ_OK && take_answer(bs, i, err) < 0)
                goto out;
            if (pend[j]->state == API_REQ_NOTFOUND && !bs->on_other[i]) {
                /* 404 on the path the list suggested: the other one, once */
                struct api_req *q = &bs->reqs[i];
                bs->on_other[i] = 1;
                q->path = q->path == API_DETAIL_REGULER ? API_DETAIL_SELF_DECLARE
                                                        : API_DETAIL_REGULER;
                q->url = buf_str(&bs->urls[2 * i + 1]);
                q->state = API_REQ_PENDING;
                q->attempts = 0;
            }
        }
    }
    rc = 0;
out:
    free(pend);
    free(idx);
    return rc;
}

/* Schedules what did not end in an apply or a quarantine retry. */
static int schedule_rest(struct batch_state *bs, struct ht_err *err)
{
    struct syncer *sy = bs->sy;

    for (size_t i = 0; i < bs->n; i++) {
        long next = retry_secs(sy->cfg);

        if (bs->end[i] != END_OPEN)
            continue;
        if (bs->reqs[i].state == API_REQ_NOTFOUND ||
            bs->reqs[i].state == API_REQ_DENIED) {
            /* 403, 401 with every fresh token, or 404 on both paths: this account may not
             * read it. Its history comes from the list (observed); whether the detail
             * becomes readable is checked at its stage's poll interval. */
            const struct store_claim *c = &bs->cl[i];
            enum ht_stage st = c->list_status
                                   ? stage_map_stage_of(sy->map, c->list_status)
                                   : STAGE_UNKNOWN;
            if (!c->denied)
                log_warn(
                    "application detail refused to this account id_reg=%s (HTTP %s): "
                    "its history is observed from the list",
                    c->id_reg,
                    bs->reqs[i].state == API_REQ_NOTFOUND ? "404 on both paths"
                                                          : "403/401");
            sync_metrics_add(sy->m, &sy->m->details_denied, 1);
            sy->cnt.details_denied++;
            /* (never sooner than a retry: not again within this cycle) */
            next = sync_poll_secs(sy->cfg->stage_poll, st);
            if (next < retry_secs(sy->cfg))
                next = retry_secs(sy->cfg);
            if (store_batch_denied(bs->b, c->id,
                                   st == STAGE_UNKNOWN ? NULL : stage_name(st),
                                   next) < 0) {
                ht_err_set(err, HT_ENOMEM, "out of memory");
                return -1;
            }
            continue;
        }
        sy->cnt.errors++;
        if (store_batch_retry(bs->b, bs->cl[i].id, next) < 0) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            return -1;
        }
    }
    return 0;
}

int sync_detail_batch(struct syncer *sy, size_t *claimed, struct ht_err *err)
{
    struct batch_state bs;
    int rc = -1;
    int64_t t0 = ht_mono_ms();

    memset(&bs, 0, sizeof(bs));
    bs.sy = sy;
    *claimed = 0;
    {
        /* The lease is the claim transaction's row locks, held until the batch is
         * written in that transaction; without a batch connection, a lease row. */
        struct store *cs = sync_writer_claim_store(sy);
        long limit = sync_batch_limit(sy->cfg->batch_size, sy->cfg->rate);
        if ((cs ? store_sync_claim_locked(cs, sy->cfg->lease, limit, sy->cycle_start,
                                          &bs.cl, &bs.n, err)
                : store_sync_claim(sy->st, sy->owner, sy->cfg->lease, limit,
                                   sy->cycle_start, &bs.cl, &bs.n, err)) < 0) {
            sync_writer_claim_abort(sy);
            return -1;
        }
        sync_writer_claimed(sy);
    }
    *claimed = bs.n;
    if (bs.n == 0) {
        sync_writer_claim_abort(sy);
        store_claims_free(bs.cl, bs.n);
        return 0;
    }
    bs.reqs = calloc(bs.n, sizeof(*bs.reqs));
    bs.urls = calloc(2 * bs.n, sizeof(*bs.urls));
    bs.on_other = calloc(bs.n, 1);
    bs.end = calloc(bs.n, sizeof(*bs.end));
    bs.decode_tries = calloc(bs.n, sizeof(*bs.decode_tries));
    bs.quarantined = calloc(bs.n, sizeof(*bs.quarantined));
    bs.b = store_batch_new();
    if (!bs.reqs || !bs.urls || !bs.on_other || !bs.end || !bs.decode_tries ||
        !bs.quarantined || !bs.b) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < 2 * bs.n; i++)
        buf_init(&bs.urls[i], 4096);
    for (size_t i = 0; i < bs.n; i++) {
        enum api_path first = sync_detail_path(&bs.cl[i]);
        enum api_path other =
            first == API_DETAIL_REGULER ? API_DETAIL_SELF_DECLARE : API_DETAIL_REGULER;

        api_req_init(&bs.reqs[i], first, NULL);
        /* id_reg goes into the path: api_url_build refuses anything but a plain id. */
        if (api_client_url(sy->ac, &bs.urls[2 * i], first, bs.cl[i].id_reg, NULL) < 0 ||
            api_client_url(sy->ac, &bs.urls[2 * i + 1], other, bs.cl[i].id_reg, NULL) <
                0) {
            log_warn("application id not usable in a URL id_reg=%s", bs.cl[i].id_reg);
            bs.reqs[i].state = API_REQ_FAILED;
            continue;
        }
        bs.reqs[i].url = buf_str(&bs.urls[2 * i]);
    }
    if (fetch_all(&bs, err) < 0 || schedule_rest(&bs, err) < 0)
        goto out;
    /* Written on the writer's connection while the next batch is claimed and fetched
     * (after the batch before this one has committed). */
    {
        struct store_batch *b = bs.b;
        bs.b = NULL;
        if (sync_writer_start(sy, b, bs.n, bs.applied, t0, err) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0)
        sync_writer_claim_abort(sy); /* (a claim not handed over: its rows are free) */
    api_client_batch_end(sy->ac);    /* unspent tokens are not carried over */
    if (bs.reqs)
        for (size_t i = 0; i < bs.n; i++)
            api_req_release(&bs.reqs[i]);
    if (bs.urls)
        for (size_t i = 0; i < 2 * bs.n; i++)
            buf_release(&bs.urls[i]);
    free(bs.reqs);
    free(bs.urls);
    free(bs.on_other);
    free(bs.end);
    free(bs.decode_tries);
    free(bs.quarantined);
    store_batch_free(bs.b);
    store_claims_free(bs.cl, bs.n);
    return rc;
}

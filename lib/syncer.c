/* The poll cycle: a sync_run row, the sweep when this daemon holds the sweep lock, then
 * detail batches until none is due. The work itself is in sync_sweep.c, sync_detail.c
 * (and sync_apply.c), the API calls in api_client.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

/* The public search's configuration: the daemon's, with [public_search]'s host, rate and
 * burst (retries, breaker, timeouts are the API's). */
static void ps_cfg_set(struct syncer *sy, const struct cfg *cfg)
{
    sy->ps_cfg = *cfg;
    sy->ps_cfg.base_url = cfg->ps_base_url;
    sy->ps_cfg.auth_url = cfg->ps_base_url;
    sy->ps_cfg.rate = cfg->ps_rate;
    sy->ps_cfg.burst = cfg->ps_burst;
}

/* Makes the public search's client when [public_search] is on (at start or reload). */
static int ps_client(struct syncer *sy, struct ht_err *err)
{
    ps_cfg_set(sy, sy->cfg);
    if (sy->ps) {
        api_client_set_cfg(sy->ps, &sy->ps_cfg);
        api_client_set_budget(sy->ps, API_BUDGET_PUBLIC_SEARCH);
        return 0;
    }
    if (!*sy->cfg->ps_base_url)
        return 0;
    if (!(sy->ps = api_client_new(&sy->ps_cfg, sy->st, sy->stop, sy->m, err)))
        return -1;
    api_client_set_budget(sy->ps, API_BUDGET_PUBLIC_SEARCH);
    return 0;
}

struct syncer *syncer_new(const struct cfg *cfg, struct store *st,
                          volatile sig_atomic_t *stop, struct sync_metrics *m,
                          struct ht_err *err)
{
    struct syncer *sy = calloc(1, sizeof(*sy));
    unsigned int seed = (unsigned int)(ht_mono_ms() ^ ((int64_t)getpid() << 16));

    if (!sy) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    sy->cfg = cfg;
    sy->st = st;
    sy->stop = stop;
    sy->m = m;
    /* Unique per process even when two daemons share daemon.name: one never releases or
     * overwrites the other's leases. */
    snprintf(sy->owner, sizeof(sy->owner), "%.200s:%ld:%08x", cfg->name, (long)getpid(),
             (unsigned)rand_r(&seed));
    if (!(sy->writer = sync_writer_new())) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        free(sy);
        return NULL;
    }
    if (!(sy->map = cfg_stage_map(cfg, err)) ||
        !(sy->ac = api_client_new(cfg, st, stop, m, err))) {
        stage_map_free(sy->map);
        sync_writer_free(sy->writer);
        free(sy);
        return NULL;
    }
    api_client_set_counts(sy->ac, &sy->cnt);
    if (ps_client(sy, err) < 0) {
        syncer_free(sy);
        return NULL;
    }
    return sy;
}

void syncer_free(struct syncer *sy)
{
    if (!sy)
        return;
    api_client_free(sy->ps);
    api_client_free(sy->ac);
    sync_writer_free(sy->writer);
    stage_map_free(sy->map);
    free(sy);
}

void syncer_set_once(struct syncer *sy, int once)
{
    sy->once = once;
}

int syncer_set_cfg(struct syncer *sy, const struct cfg *cfg, struct ht_err *err)
{
    struct stage_map *map = cfg_stage_map(cfg, err);
    struct ht_err e = HT_ERR_INIT;

    if (!map)
        return -1;
    stage_map_free(sy->map);
    sy->map = map;
    sy->cfg = cfg;
    api_client_set_cfg(sy->ac, cfg);
    if (ps_client(sy, &e) < 0)
        log_warn("public search client not made: %s", e.msg);
    return 0;
}

const char *syncer_lease_owner(const struct syncer *sy)
{
    return sy->owner;
}

int sync_get(struct api_client *ac, enum api_path p, const char *const *q,
             struct http_resp *r, struct ht_err *err)
{
    struct buf url = BUF_INIT(4096);
    int c, rc = -1;

    if (api_client_url(ac, &url, p, NULL, q) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    if ((c = api_client_call(ac, p, buf_str(&url), NULL, r, err)) != 0) {
        if (c > 0)
            ht_err_set(err, HT_EHTTP, "HTTP %ld", r->status);
        goto out;
    }
    rc = 0;
out:
    buf_release(&url);
    return rc;
}

int sync_quarantine(struct syncer *sy, const char *source, const char *ref,
                    const char *reason, const void *raw, size_t len, int64_t upstream_at,
                    struct ht_err *err)
{
    int added = 0;

    if (store_quarantine_add(sy->st, source, ref, reason, raw ? raw : "", raw ? len : 0,
                             STORE_QUARANTINE_RAW_MAX, upstream_at, &added, err) < 0)
        return -1;
    sy->cnt.quarantined += added;
    sync_metrics_add(sy->m, &sy->m->quarantined, (unsigned long)added);
    log_warn("quarantined source=%s ref=%s bytes=%zu reason=\"%s\"", source,
             ref ? ref : "-", len, reason);
    return 0;
}

/* Takes the sweep lock if free. In a single cycle (--once) right after another daemon's
 * exit its backend may still hold the session lock for a moment: wait briefly. */
static int take_sweep_lock(struct syncer *sy, struct ht_err *err)
{
    if (!sy->sweeper && store_sync_lock_sweep(sy->st, &sy->sweeper, err) < 0)
        return -1;
    for (int i = 0; sy->once && !sy->sweeper && i < 25 && !api_client_stopped(sy->ac);
         i++) {
        api_client_nap(sy->ac, 200);
        if (store_sync_lock_sweep(sy->st, &sy->sweeper, err) < 0)
            return -1;
    }
    pthread_mutex_lock(&sy->m->mu);
    sy->m->sweeper = sy->sweeper;
    pthread_mutex_unlock(&sy->m->mu);
    return 0;
}

/* Database gauges for /metrics and the sync_run row, after a cycle. */
static void finish_run(struct syncer *sy, int64_t run_id, int rc, const char *outcome,
                       const struct ht_err *e)
{
    struct ht_err fe = HT_ERR_INIT;
    struct sync_gauges g;

    if (store_sync_gauges(sy->st, API_BUDGET_NAME, &g, &fe) == 0) {
        pthread_mutex_lock(&sy->m->mu);
        sy->m->applications = g.applications;
        sy->m->quarantine_open = g.quarantine_open;
        sy->m->oldest_observed = g.oldest_observed;
        sy->m->budget_tokens = g.budget_tokens;
        sy->m->budget_granted_total = g.budget_granted;
        sy->m->budget_rate = sy->cfg->rate;
        pthread_mutex_unlock(&sy->m->mu);
    }
    ht_err_clear(&fe);
    if (store_sync_run_finish(sy->st, run_id, &sy->cnt, outcome, rc < 0 ? e->msg : NULL,
                              &fe) < 0)
        log_warn("cannot record the sync run: %s", fe.msg);
    pthread_mutex_lock(&sy->m->mu);
    sy->m->db_ok = 1;
    pthread_mutex_unlock(&sy->m->mu);
}

int syncer_cycle(struct syncer *sy, struct ht_err *err)
{
    int64_t run_id = 0;
    int trusted = 1, rc = -1;
    struct ht_err e = HT_ERR_INIT;
    const char *outcome = "failed";
    int64_t t0 = ht_mono_ms();

    memset(&sy->cnt, 0, sizeof(sy->cnt));
    sync_writer_cycle_start(sy);
    if (!store_ok(sy->st)) {
        ht_err_set(err, HT_EDBCONN, "database connection lost");
        return -1;
    }
    if (store_sync_run_start(sy->st, sy->cfg->name, &run_id, sy->cycle_start, &e) < 0 ||
        take_sweep_lock(sy, &e) < 0 || api_client_ensure_token(sy->ac, &e) < 0)
        goto done;
    if (sy->sweeper) {
        struct ht_err pe = HT_ERR_INIT;

        sy->cnt.sweep = 1;
        /* The programmes are the office's own record; the applications do not depend
         * on reading them, so a failure here is logged and the cycle goes on. */
        if (sync_programmes(sy, &pe) < 0) {
            if (pe.code == HT_EDBCONN || pe.code == HT_ESTATE) {
                ht_err_set(&e, pe.code, "%s", pe.msg);
                goto done;
            }
            log_warn("programme list not read: %s", pe.msg);
            sy->cnt.errors++;
        }
        if (sync_sweep(sy, run_id, &trusted, &e) < 0)
            goto done;
    }
    for (;;) {
        size_t claimed = 0;
        if (api_client_stopped(sy->ac))
            break;
        if (sync_detail_batch(sy, &claimed, &e) < 0)
            goto done;
        if (claimed == 0)
            break;
        if (api_client_breaker_open(sy->ac)) {
            ht_err_set(&e, HT_EHTTP, "circuit breaker open: the API keeps failing");
            goto done;
        }
    }
    /* the last batch committed before the run is finished */
    if (sync_writer_wait(sy, &e) < 0)
        goto done;
    if (!api_client_stopped(sy->ac)) {
        struct ht_err pe = HT_ERR_INIT;

        /* its own schedule and host: a failure is logged, the cycle goes on */
        if (sync_pubsearch(sy, &pe) < 0) {
            if (pe.code == HT_EDBCONN) {
                ht_err_set(&e, pe.code, "%s", pe.msg);
                goto done;
            }
            log_warn("public search not done: %s", pe.msg);
        }
    }
    rc = 0;
    outcome = api_client_stopped(sy->ac)         ? "aborted"
              : (trusted && sy->cnt.errors == 0) ? "ok"
                                                 : "partial";
done:
    if (rc < 0) {
        /* a batch still being written is waited for (its error only when none came
         * before) */
        struct ht_err we = HT_ERR_INIT;
        if (sync_writer_wait(sy, &we) < 0 && e.code == HT_EOK)
            e = we;
        sy->cnt.errors++;
    }
    if (e.code == HT_EDBCONN || !store_ok(sy->st)) {
        sy->sweeper = 0; /* the session lock went with the session */
        pthread_mutex_lock(&sy->m->mu);
        sy->m->sweeper = 0;
        sy->m->db_ok = 0;
        pthread_mutex_unlock(&sy->m->mu);
    } else if (run_id) {
        finish_run(sy, run_id, rc, outcome, &e);
    }
    pthread_mutex_lock(&sy->m->mu);
    if (rc == 0) {
        sy->m->cycles_ok++;
        sy->m->last_cycle_success = ht_now();
    } else {
        sy->m->cycles_failed++;
    }
    pthread_mutex_unlock(&sy->m->mu);
    if (rc < 0) {
        ht_err_set(err, e.code ? e.code : HT_EHTTP, "%s", e.msg);
        return -1;
    }
    log_info("cycle done outcome=%s sweep=%s requests=%ld seen=%ld changed=%ld "
             "details=%ld events=%ld quarantined=%ld errors=%ld ms=%" PRId64,
             outcome, sy->cnt.sweep ? "yes" : "no", sy->cnt.requests, sy->cnt.items_seen,
             sy->cnt.items_changed, sy->cnt.details_fetched, sy->cnt.events_inserted,
             sy->cnt.quarantined, sy->cnt.errors, ht_mono_ms() - t0);
    if (strcmp(outcome, "partial") == 0) {
        ht_err_set(err, HT_ESTATE, "cycle partial: %ld errors%s", sy->cnt.errors,
                   trusted ? "" : ", sweep incomplete");
        return -1;
    }
    return 0;
}

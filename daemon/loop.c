/* The poll loop: cycles, reconnects, reloads and stops on signals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "daemon.h"
#include "halaltrack/backoff.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/store.h"
#include "halaltrack/store_retention.h"
#include "halaltrack/store_sync.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

#define ONCE_DB_ATTEMPTS 6

static void nap_ms(struct loop_ctx *c, long ms, int wake_on_reload)
{
    while (ms > 0 && !*c->stop && !(wake_on_reload && *c->reload)) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static void apply_logging(const struct cfg *cfg)
{
    enum log_level lvl;

    if (log_level_parse(cfg->log_level, &lvl) == 0)
        log_set_level(lvl);
    if (log_set_file(cfg->log_file) < 0)
        log_warn("cannot open log file '%s', logging to stderr", cfg->log_file);
}

static void do_reload(struct loop_ctx *c, struct syncer *sy)
{
    struct ht_err err = HT_ERR_INIT;
    struct cfg *next;

    sd_notify_msg("RELOADING=1");
    next = cfg_load(c->config_path, &err);
    if (!next) {
        log_warn("reload failed, keeping the old configuration: %s", err.msg);
        sd_notify_msg("READY=1");
        return;
    }
    cfg_keep_no_reload(c->cfg, next);
    /* A new stage map is built from next and swapped in with it; on failure the old
     * configuration and map stay. */
    if (syncer_set_cfg(sy, next, &err) < 0) {
        log_warn("reload failed, keeping the old configuration: %s", err.msg);
        cfg_free(next);
        sd_notify_msg("READY=1");
        return;
    }
    cfg_free(c->cfg);
    c->cfg = next;
    apply_logging(next);
    log_info("configuration reloaded path='%s'", c->config_path);
    sd_notify_msg("READY=1");
}

static int reconnect(struct store *st, const struct syncer *sy, int attempt)
{
    struct ht_err err = HT_ERR_INIT;

    if (store_reconnect(st, &err) < 0) {
        log_error("database reconnect failed attempt=%d: %s", attempt, err.msg);
        return -1;
    }
    log_info("database connection re-established attempt=%d", attempt);
    if (store_sync_release_leases(st, syncer_lease_owner(sy), &err) < 0)
        log_warn("cannot release old leases: %s", err.msg);
    return 0;
}

/* Retention: prune_history runs at most once a day per database, whichever daemon asks
 * first; this daemon asks at most once an hour (a failure is not retried every cycle). */
static void prune(struct loop_ctx *c, struct store *st, int64_t *next)
{
    const struct store_retention r = {c->cfg->keep_budget_grant, c->cfg->keep_sync_run,
                                      c->cfg->keep_quarantine_resolved,
                                      c->cfg->keep_self_service_attempt};
    struct ht_err err = HT_ERR_INIT;
    struct store_pruned n;
    int rc;

    if (ht_now() < *next || !store_ok(st))
        return;
    *next = ht_now() + 3600;
    rc = store_prune(st, &r, 0, &n, &err);
    if (rc < 0)
        log_warn("cannot prune old rows: %s", err.msg);
    else if (rc == 0)
        log_info("old rows pruned budget_grant=%ld sync_run=%ld quarantine_resolved=%ld "
                 "self_service_attempt=%ld",
                 n.budget_grant, n.sync_run, n.quarantine_resolved,
                 n.self_service_attempt);
}

int loop_run(struct loop_ctx *c)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *st = NULL;
    struct syncer *sy = NULL;
    struct httpd *h = NULL;
    int disabled = 0, status = 1, db_failures = 0, ready = 0;
    int64_t next_prune = 0;
    char url[1024];

    apply_logging(c->cfg);
    st = store_open(c->cfg->conninfo, c->cfg->schema,
                    (int)c->cfg->statement_timeout * 1000, &err);
    if (!st) {
        fprintf(stderr, _("halaltrackd: %s\n"), err.msg);
        goto out;
    }
    if (store_sync_schema_ready(st, &ready, &err) < 0 || !ready) {
        fprintf(
            stderr,
            _("halaltrackd: the database schema '%s' is not migrated: run 'halaltrack db "
              "migrate'\n"),
            c->cfg->schema);
        goto out;
    }
    if (!(sy = syncer_new(c->cfg, st, c->stop, c->metrics, &err))) {
        fprintf(stderr, _("halaltrackd: %s\n"), err.msg);
        goto out;
    }
    syncer_set_once(sy, c->once);
    if (!c->once) {
        h = httpd_start(c->cfg->listen, c->cfg->ready_max_age, c->metrics, &disabled,
                        &err);
        if (!h && !disabled) {
            fprintf(stderr, _("halaltrackd: %s\n"), err.msg);
            goto out;
        }
    }
    cfg_url_redact(c->cfg->base_url, url, sizeof(url));
    log_info("started name=%s lease_owner=%s base_url=%s once=%s", c->cfg->name,
             syncer_lease_owner(sy), url, c->once ? "yes" : "no");
    sd_notify_msg("READY=1");

    for (int attempt = 0; !*c->stop;) {
        int rc;

        if (*c->reload) {
            *c->reload = 0;
            do_reload(c, sy);
        }
        if (!store_ok(st)) {
            if (reconnect(st, sy, ++attempt) < 0) {
                if (c->once && attempt >= ONCE_DB_ATTEMPTS)
                    break;
                nap_ms(c, backoff_delay_ms(attempt, 500, 10000, 1.0), 0);
                continue;
            }
        }
        attempt = 0;
        ht_err_clear(&err);
        rc = syncer_cycle(sy, &err);
        if (rc < 0 && (err.code == HT_EDBCONN || !store_ok(st))) {
            /* Nothing committed is lost and nothing is written twice: the interrupted
             * batch is still due (its leases expire) and the sweep is redone. */
            log_error("cycle interrupted, database connection lost: %s", err.msg);
            if (++db_failures <= ONCE_DB_ATTEMPTS || !c->once)
                continue;
        }
        prune(c, st, &next_prune);
        if (c->once) {
            if (rc < 0)
                fprintf(stderr, _("halaltrackd: cycle failed: %s\n"), err.msg);
            status = rc < 0 ? 1 : 0;
            break;
        }
        db_failures = 0;
        if (rc < 0)
            log_error("cycle failed: %s", err.msg);
        nap_ms(c, c->cfg->cycle * 1000, 1);
    }
    if (*c->stop) {
        log_info("stopping after the current batch");
        status = 0;
    }
out:
    sd_notify_msg("STOPPING=1");
    httpd_stop(h);
    if (st && sy && store_ok(st))
        if (store_sync_release_leases(st, syncer_lease_owner(sy), NULL) < 0)
            log_warn("cannot release leases at exit");
    syncer_free(sy);
    store_free(st);
    return status;
}

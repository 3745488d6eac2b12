/* The batch writer: a detail batch is written on a second database connection, in a
 * thread, while the next batch is claimed and fetched, so the slower of HTTP and
 * PostgreSQL sets the pace instead of their sum. At most one batch is being written and
 * one fetched (two in memory); the cycle waits for the last write before it ends (commit
 * first, then the run's bookmark). Without a second connection the batch is written on
 * the main one, in turn, as before. */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

struct sync_writer {
    struct store *st; /* the writer's own connection, NULL until first needed */
    pthread_t th;
    int running;   /* a thread was started and not yet joined */
    int no_second; /* the second connection could not be opened this cycle */
    /* the batch being written and what came of it */
    struct store_batch *b;
    const char *owner;
    size_t claimed, applied;
    int64_t t0;
    long ev, lost;
    int rc;
    struct ht_err err;
};

struct sync_writer *sync_writer_new(void)
{
    return calloc(1, sizeof(struct sync_writer));
}

void sync_writer_free(struct sync_writer *w)
{
    if (!w)
        return;
    /* (the cycle always waits for its last write: no thread is left running here) */
    store_batch_free(w->b);
    store_free(w->st);
    free(w);
}

static void *write_batch(void *arg)
{
    struct sync_writer *w = arg;

    w->rc = store_batch_apply(w->st, w->b, w->owner, &w->ev, &w->lost, &w->err);
    return NULL;
}

/* The writer's connection, opened (or reopened after a failure) on first use in a cycle;
 * NULL when it cannot be had (the batch is then written on the main connection). */
static struct store *writer_store(struct syncer *sy)
{
    struct sync_writer *w = sy->writer;
    struct ht_err e = HT_ERR_INIT;

    if (w->st && !store_ok(w->st)) {
        store_free(w->st);
        w->st = NULL;
    }
    if (!w->st && !w->no_second) {
        w->st = store_open(sy->cfg->conninfo, sy->cfg->schema,
                           (int)sy->cfg->statement_timeout * 1000, &e);
        if (!w->st) {
            w->no_second = 1;
            log_warn("no second database connection for the batch writer, batches are "
                     "written in turn: %s",
                     e.msg);
        }
    }
    return w->st;
}

void sync_writer_cycle_start(struct syncer *sy)
{
    sy->writer->no_second = 0;
}

/* Counts and logs a written batch (on the syncer's thread). */
static void account(struct syncer *sy, struct sync_writer *w)
{
    if (w->lost)
        log_warn("lease lost before the batch was written: those applications were left "
                 "to the daemon that holds them now count=%ld",
                 w->lost);
    sy->cnt.details_fetched += (long)w->applied;
    sy->cnt.events_inserted += w->ev;
    pthread_mutex_lock(&sy->m->mu);
    sy->m->details_fetched += w->applied;
    sy->m->events_inserted += (unsigned long)w->ev;
    sy->m->leases_lost += (unsigned long)w->lost;
    pthread_mutex_unlock(&sy->m->mu);
    log_info("batch done claimed=%zu fetched=%zu events=%ld ms=%" PRId64, w->claimed,
             w->applied, w->ev, ht_mono_ms() - w->t0);
}

int sync_writer_wait(struct syncer *sy, struct ht_err *err)
{
    struct sync_writer *w = sy->writer;
    int rc;

    if (!w->running)
        return 0;
    pthread_join(w->th, NULL);
    w->running = 0;
    store_batch_free(w->b);
    w->b = NULL;
    if ((rc = w->rc) < 0) {
        ht_err_set(err, w->err.code, "%s", w->err.msg);
        if (w->st && !store_ok(w->st)) {
            /* the writer's session is gone (the error says so: HT_EDBCONN); it is
             * reopened on the next batch */
            store_free(w->st);
            w->st = NULL;
        }
        return -1;
    }
    account(sy, w);
    return 0;
}

int sync_writer_start(struct syncer *sy, struct store_batch *b, size_t claimed,
                      size_t applied, int64_t t0, struct ht_err *err)
{
    struct sync_writer *w = sy->writer;
    struct store *st;

    if (sync_writer_wait(sy, err) < 0) {
        store_batch_free(b);
        return -1;
    }
    w->b = b;
    w->owner = sy->owner;
    w->claimed = claimed;
    w->applied = applied;
    w->t0 = t0;
    w->ev = w->lost = 0;
    w->rc = 0;
    ht_err_clear(&w->err);
    st = writer_store(sy);
    if (st && pthread_create(&w->th, NULL, write_batch, w) == 0) {
        w->running = 1;
        return 0;
    }
    /* in turn, on the main connection */
    w->rc = store_batch_apply(sy->st, b, sy->owner, &w->ev, &w->lost, &w->err);
    w->b = NULL;
    store_batch_free(b);
    if (w->rc < 0) {
        ht_err_set(err, w->err.code, "%s", w->err.msg);
        return -1;
    }
    account(sy, w);
    return 0;
}

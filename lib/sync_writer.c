/* The batch writer: a detail batch is claimed on one of two batch connections, in a
 * transaction whose row locks are the lease (nothing is written to claim), fetched on the
 * syncer's thread, then written and committed in that same transaction by a thread while
 * the next batch is claimed on the other connection and fetched, so the slower of HTTP
 * and PostgreSQL sets the pace instead of their sum. At most one batch is being written
 * and one fetched (two in memory); the cycle waits for the last write before it ends
 * (commit first, then the run's bookmark). Without a batch connection the batch is
 * claimed with a lease row on the main connection and written there, in turn. */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

struct sync_writer {
    struct store *st[2]; /* the batch connections, NULL until first needed */
    int next;            /* the connection the next batch is claimed on */
    int claim;           /* the connection holding a claim not yet handed over, -1 none */
    int64_t claimed_at;  /* when that claim was taken (monotonic ms) */
    int no_second;       /* no batch connection could be opened this cycle */
    pthread_t th;
    int running; /* a thread was started and not yet joined */
    /* the batch being written and what came of it */
    struct store *wst; /* its connection (NULL: the main one, with a lease owner) */
    int64_t wclaimed_at;
    long lease_ms;
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
    struct sync_writer *w = calloc(1, sizeof(struct sync_writer));

    if (w)
        w->claim = -1;
    return w;
}

void sync_writer_free(struct sync_writer *w)
{
    if (!w)
        return;
    /* (the cycle always waits for its last write: no thread is left running here) */
    store_batch_free(w->b);
    store_free(w->st[0]);
    store_free(w->st[1]);
    free(w);
}

/* Writes w->b in the transaction that claimed it. The session ended while the batch was
 * fetched, after the lease had run out: the server ended it for idling past the lease
 * (idle_in_transaction_session_timeout), its rows were free to other daemons, nothing of
 * it is written and it counts as lost. */
static void write_claimed(struct sync_writer *w)
{
    w->rc = store_batch_apply_claimed(w->wst, w->b, &w->ev, &w->err);
    if (w->rc < 0 && !store_ok(w->wst) && ht_mono_ms() - w->wclaimed_at >= w->lease_ms) {
        w->lost = (long)w->claimed;
        w->applied = 0;
        w->ev = 0;
        w->rc = 0;
    }
}

static void *write_batch(void *arg)
{
    write_claimed(arg);
    return NULL;
}

/* Batch connection i, opened (or reopened after a failure) on first use in a cycle and
 * named after the lease owner (pg_stat_activity.application_name shows whose locks
 * they are); NULL when it cannot be had. */
static struct store *batch_store(struct syncer *sy, int i)
{
    struct sync_writer *w = sy->writer;
    struct ht_err e = HT_ERR_INIT;
    const char *p[1] = {sy->owner};

    if (w->st[i] && !store_ok(w->st[i])) {
        store_free(w->st[i]);
        w->st[i] = NULL;
    }
    if (!w->st[i] && !w->no_second) {
        w->st[i] = store_open(sy->cfg->conninfo, sy->cfg->schema,
                              (int)sy->cfg->statement_timeout * 1000, &e);
        if (w->st[i] &&
            store_command(w->st[i], "SELECT set_config('application_name', $1, false)", 1,
                          p, NULL, &e) < 0) {
            store_free(w->st[i]);
            w->st[i] = NULL;
        }
        if (!w->st[i]) {
            w->no_second = 1;
            log_warn("no database connection for detail batches, they are claimed with "
                     "a lease and written in turn: %s",
                     e.msg);
        }
    }
    return w->st[i];
}

void sync_writer_cycle_start(struct syncer *sy)
{
    sy->writer->no_second = 0;
}

struct store *sync_writer_claim_store(struct syncer *sy)
{
    struct sync_writer *w = sy->writer;
    struct store *st = batch_store(sy, w->next);

    w->claim = st ? w->next : -1;
    return st;
}

void sync_writer_claimed(struct syncer *sy)
{
    sy->writer->claimed_at = ht_mono_ms();
}

void sync_writer_claim_abort(struct syncer *sy)
{
    struct sync_writer *w = sy->writer;

    if (w->claim >= 0)
        store_rollback(w->st[w->claim]);
    w->claim = -1;
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

/* The end of a write: its error, or its counts. */
static int finished(struct syncer *sy, struct ht_err *err)
{
    struct sync_writer *w = sy->writer;

    store_batch_free(w->b);
    w->b = NULL;
    if (w->rc < 0) {
        ht_err_set(err, w->err.code, "%s", w->err.msg);
        /* a batch connection whose session is gone (the error says so: HT_EDBCONN) is
         * reopened on the next batch */
        for (int i = 0; i < 2; i++)
            if (w->st[i] && w->st[i] == w->wst && !store_ok(w->st[i])) {
                store_free(w->st[i]);
                w->st[i] = NULL;
            }
        return -1;
    }
    account(sy, w);
    return 0;
}

int sync_writer_wait(struct syncer *sy, struct ht_err *err)
{
    struct sync_writer *w = sy->writer;

    if (!w->running)
        return 0;
    pthread_join(w->th, NULL);
    w->running = 0;
    return finished(sy, err);
}

int sync_writer_start(struct syncer *sy, struct store_batch *b, size_t claimed,
                      size_t applied, int64_t t0, struct ht_err *err)
{
    struct sync_writer *w = sy->writer;
    int slot = w->claim;

    w->claim = -1;
    if (sync_writer_wait(sy, err) < 0) {
        if (slot >= 0)
            store_rollback(w->st[slot]);
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
    if (slot < 0) {
        /* claimed with a lease on the main connection: written there, in turn */
        w->wst = NULL;
        w->rc = store_batch_apply(sy->st, b, sy->owner, &w->ev, &w->lost, &w->err);
        return finished(sy, err);
    }
    w->wst = w->st[slot];
    w->wclaimed_at = w->claimed_at;
    w->lease_ms = sy->cfg->lease * 1000;
    w->next = 1 - slot;
    if (pthread_create(&w->th, NULL, write_batch, w) == 0) {
        w->running = 1;
        return 0;
    }
    write_claimed(w); /* in turn */
    return finished(sy, err);
}

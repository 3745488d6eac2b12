/* A fixed set of database sessions shared by the request threads. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "serve.h"
#include "halaltrack/log.h"
#include "halaltrack/banned.h"

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct store **idle;
    size_t nidle, size;
    char *conninfo, *schema;
    int timeout_ms;
};

struct pool *pool_new(const struct serve_cfg *cfg, struct ht_err *err)
{
    struct pool *p = calloc(1, sizeof(*p));

    if (!p || !(p->idle = calloc((size_t)cfg->pool, sizeof(*p->idle))) ||
        !(p->conninfo = strdup(cfg->conninfo)) || !(p->schema = strdup(cfg->schema))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        pool_free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->timeout_ms = (int)cfg->statement_timeout * 1000;
    p->size = (size_t)cfg->pool;
    for (size_t i = 0; i < p->size; i++) {
        if (!(p->idle[i] = store_open(p->conninfo, p->schema, p->timeout_ms, err))) {
            pool_free(p);
            return NULL;
        }
        p->nidle++;
    }
    return p;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nidle; i++)
        store_free(p->idle[i]);
    free(p->idle);
    if (p->conninfo)
        explicit_bzero(p->conninfo, strlen(p->conninfo));
    free(p->conninfo);
    free(p->schema);
    if (p->size) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
    }
    free(p);
}

struct store *pool_get(struct pool *p, int wait_s, struct ht_err *err)
{
    struct timespec until;
    struct store *s = NULL;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_s;
    pthread_mutex_lock(&p->mu);
    while (p->nidle == 0 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&p->cv, &p->mu, &until);
    if (p->nidle > 0)
        s = p->idle[--p->nidle];
    pthread_mutex_unlock(&p->mu);
    if (!s) {
        ht_err_set(err, HT_ETIMEOUT, "no database session came free in %d s", wait_s);
        return NULL;
    }
    if (!store_ok(s) && store_reconnect(s, err) < 0) {
        log_warn("database reconnect failed: %s", err->msg);
        pool_put(p, s);
        return NULL;
    }
    return s;
}

void pool_put(struct pool *p, struct store *s)
{
    store_rollback(s);
    pthread_mutex_lock(&p->mu);
    p->idle[p->nidle++] = s;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

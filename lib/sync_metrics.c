/* The daemon's sync counters: response classes and locked updates. */
#include <string.h>
#include "halaltrack/sync_metrics.h"
#include "halaltrack/banned.h"

static const char *const class_names[SC__COUNT] = {"2xx", "401", "403", "404",
                                                   "429", "4xx", "5xx", "transport"};

const char *sync_class_name(enum sync_class c)
{
    return c < SC__COUNT ? class_names[c] : "?";
}

enum sync_class sync_class_of(long st)
{
    if (st == 0)
        return SC_TRANSPORT;
    if (st >= 200 && st < 300)
        return SC_2XX;
    if (st == 401)
        return SC_401;
    if (st == 403)
        return SC_403;
    if (st == 404)
        return SC_404;
    if (st == 429)
        return SC_429;
    if (st >= 500)
        return SC_5XX;
    return SC_4XX;
}

void sync_metrics_init(struct sync_metrics *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->mu, NULL);
    m->db_ok = 1;
}

void sync_metrics_add(struct sync_metrics *m, unsigned long *field, unsigned long v)
{
    pthread_mutex_lock(&m->mu);
    *field += v;
    pthread_mutex_unlock(&m->mu);
}

void sync_metrics_response(struct sync_metrics *m, long http_status)
{
    enum sync_class c = sync_class_of(http_status);

    pthread_mutex_lock(&m->mu);
    m->requests[c]++;
    if (c != SC_2XX)
        m->errors[c]++;
    pthread_mutex_unlock(&m->mu);
}

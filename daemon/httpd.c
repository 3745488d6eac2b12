/* The daemon's HTTP endpoint (libmicrohttpd): Prometheus /metrics, /healthz, /readyz. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "daemon.h"
#include "halaltrack/buf.h"
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* Limits of the endpoint (issue 10): slow or idle connections are dropped after
 * HTTPD_TIMEOUT_S, one address may hold HTTPD_MAX_PER_IP connections, all of them
 * HTTPD_MAX_CONNECTIONS; so one host opening connections and never finishing them cannot
 * keep Prometheus from scraping. */
#define HTTPD_TIMEOUT_S 5u
#define HTTPD_MAX_PER_IP 8u
#define HTTPD_MAX_CONNECTIONS 256u

struct httpd {
    struct MHD_Daemon *d;
    struct sync_metrics *m;
    long ready_max_age; /* seconds; 0: no age limit */
};

/* Ready: the database is up and a cycle succeeded, at most max_age seconds before now
 * (max_age 0: ever), so a daemon whose cycles keep failing stops being ready. */
static int ready(struct sync_metrics *m, long max_age, int64_t now)
{
    int ok;

    pthread_mutex_lock(&m->mu);
    ok = m->db_ok && m->last_cycle_success > 0 &&
         (max_age <= 0 || now - m->last_cycle_success <= max_age);
    pthread_mutex_unlock(&m->mu);
    return ok;
}

#define ADD(...)                                                                         \
    do {                                                                                 \
        if (buf_addf(&b, __VA_ARGS__) < 0)                                               \
            return NULL;                                                                 \
    } while (0)

char *metrics_render(struct sync_metrics *src)
{
    struct sync_metrics m;
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    double now = (double)ht_now();

    pthread_mutex_lock(&src->mu);
    memcpy(&m, src, sizeof(m));
    pthread_mutex_unlock(&src->mu);

    ADD("# HELP halaltrack_api_requests_total Requests sent to the national API by "
        "response class.\n"
        "# TYPE halaltrack_api_requests_total counter\n");
    for (int c = 0; c < SC__COUNT; c++)
        ADD("halaltrack_api_requests_total{class=\"%s\"} %lu\n", sync_class_name(c),
            m.requests[c]);
    ADD("# HELP halaltrack_api_errors_total Failed API requests by class.\n"
        "# TYPE halaltrack_api_errors_total counter\n");
    for (int c = 1; c < SC__COUNT; c++)
        ADD("halaltrack_api_errors_total{class=\"%s\"} %lu\n", sync_class_name(c),
            m.errors[c]);
    ADD("# HELP halaltrack_api_retries_total Requests retried after a failure.\n"
        "# TYPE halaltrack_api_retries_total counter\n"
        "halaltrack_api_retries_total %lu\n",
        m.retries);
    ADD("# HELP halaltrack_items_seen_total Applications seen in list sweeps.\n"
        "# TYPE halaltrack_items_seen_total counter\nhalaltrack_items_seen_total %lu\n",
        m.items_seen);
    ADD("# HELP halaltrack_items_changed_total New or changed applications found by "
        "sweeps.\n"
        "# TYPE halaltrack_items_changed_total counter\nhalaltrack_items_changed_total "
        "%lu\n",
        m.items_changed);
    ADD("# HELP halaltrack_details_fetched_total Application details fetched and "
        "reconciled.\n"
        "# TYPE halaltrack_details_fetched_total "
        "counter\nhalaltrack_details_fetched_total %lu\n",
        m.details_fetched);
    ADD("# HELP halaltrack_events_inserted_total Stage events inserted.\n"
        "# TYPE halaltrack_events_inserted_total "
        "counter\nhalaltrack_events_inserted_total %lu\n",
        m.events_inserted);
    ADD("# HELP halaltrack_quarantined_total Payloads or records put in quarantine.\n"
        "# TYPE halaltrack_quarantined_total counter\nhalaltrack_quarantined_total %lu\n",
        m.quarantined);
    ADD("# HELP halaltrack_details_denied_total Application details refused to this "
        "account.\n"
        "# TYPE halaltrack_details_denied_total counter\n"
        "halaltrack_details_denied_total %lu\n",
        m.details_denied);
    ADD("# HELP halaltrack_auth_refusals_total Times /api/authenticate refused the "
        "account.\n"
        "# TYPE halaltrack_auth_refusals_total counter\nhalaltrack_auth_refusals_total "
        "%lu\n",
        m.auth_refusals);
    ADD("# HELP halaltrack_auth_backoff_seconds Seconds until the next login attempt "
        "after "
        "a refusal (0: not backing off).\n"
        "# TYPE halaltrack_auth_backoff_seconds gauge\nhalaltrack_auth_backoff_seconds "
        "%.0f\n",
        m.auth_backoff_until > now ? (double)m.auth_backoff_until - now : 0.0);
    ADD("# HELP halaltrack_leases_lost_total Batch writes dropped because another daemon "
        "held the lease by then.\n"
        "# TYPE halaltrack_leases_lost_total counter\nhalaltrack_leases_lost_total %lu\n",
        m.leases_lost);
    ADD("# HELP halaltrack_cycles_total Poll cycles by outcome.\n"
        "# TYPE halaltrack_cycles_total counter\n"
        "halaltrack_cycles_total{outcome=\"ok\"} "
        "%lu\nhalaltrack_cycles_total{outcome=\"failed\"} %lu\n",
        m.cycles_ok, m.cycles_failed);
    ADD("# HELP halaltrack_last_sweep_success_timestamp_seconds End of the last complete "
        "list sweep.\n"
        "# TYPE halaltrack_last_sweep_success_timestamp_seconds gauge\n"
        "halaltrack_last_sweep_success_timestamp_seconds %lld\n",
        (long long)m.last_sweep_success);
    ADD("# HELP halaltrack_last_cycle_success_timestamp_seconds End of the last "
        "successful cycle.\n"
        "# TYPE halaltrack_last_cycle_success_timestamp_seconds gauge\n"
        "halaltrack_last_cycle_success_timestamp_seconds %lld\n",
        (long long)m.last_cycle_success);
    ADD("# HELP halaltrack_oldest_observation_age_seconds Age of the least recently "
        "confirmed application.\n"
        "# TYPE halaltrack_oldest_observation_age_seconds gauge\n"
        "halaltrack_oldest_observation_age_seconds %.0f\n",
        m.oldest_observed > 0 ? now - m.oldest_observed : 0.0);
    ADD("# HELP halaltrack_applications Applications in the database.\n"
        "# TYPE halaltrack_applications gauge\nhalaltrack_applications %ld\n",
        m.applications);
    ADD("# HELP halaltrack_quarantine_open Unresolved quarantine rows.\n"
        "# TYPE halaltrack_quarantine_open gauge\nhalaltrack_quarantine_open %ld\n",
        m.quarantine_open);
    ADD("# HELP halaltrack_circuit_state Circuit breaker state (0 closed, 1 open, 2 "
        "half-open).\n"
        "# TYPE halaltrack_circuit_state gauge\nhalaltrack_circuit_state %d\n",
        (int)m.breaker);
    ADD("# HELP halaltrack_circuit_opens_total Times the circuit breaker opened.\n"
        "# TYPE halaltrack_circuit_opens_total counter\nhalaltrack_circuit_opens_total "
        "%lu\n",
        m.breaker_opens);
    ADD("# HELP halaltrack_budget_tokens Tokens left in the shared request budget.\n"
        "# TYPE halaltrack_budget_tokens gauge\nhalaltrack_budget_tokens %.3f\n",
        m.budget_tokens);
    ADD("# HELP halaltrack_budget_rate Configured requests per second shared by all "
        "daemons.\n"
        "# TYPE halaltrack_budget_rate gauge\nhalaltrack_budget_rate %.3f\n",
        m.budget_rate);
    ADD("# HELP halaltrack_budget_granted_total Requests granted to this daemon by the "
        "shared budget.\n"
        "# TYPE halaltrack_budget_granted_total counter\nhalaltrack_budget_granted_total "
        "%lu\n",
        m.budget_granted);
    ADD("# HELP halaltrack_budget_waits_total Times this daemon waited for the shared "
        "budget.\n"
        "# TYPE halaltrack_budget_waits_total counter\nhalaltrack_budget_waits_total "
        "%lu\n",
        m.budget_waits);
    ADD("# HELP halaltrack_sweeper Whether this daemon holds the list sweep lock.\n"
        "# TYPE halaltrack_sweeper gauge\nhalaltrack_sweeper %d\n",
        m.sweeper);
    ADD("# HELP halaltrack_database_up Whether the database connection is usable.\n"
        "# TYPE halaltrack_database_up gauge\nhalaltrack_database_up %d\n",
        m.db_ok);
    return buf_detach(&b);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
                             char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ret;

    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct httpd *h = cls;
    char *body;

    (void)version;
    (void)upload;
    (void)upload_size;
    (void)req_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(c, 405, "text/plain", strdup("method not allowed\n"));
    if (strcmp(url, "/metrics") == 0) {
        if (!(body = metrics_render(h->m)))
            return MHD_NO;
        return reply(c, 200, "text/plain; version=0.0.4; charset=utf-8", body);
    }
    if (strcmp(url, "/healthz") == 0)
        return reply(c, 200, "text/plain", strdup("ok\n"));
    if (strcmp(url, "/readyz") == 0)
        return ready(h->m, h->ready_max_age, ht_now())
                   ? reply(c, 200, "text/plain", strdup("ready\n"))
                   : reply(c, 503, "text/plain", strdup("not ready\n"));
    return reply(c, 404, "text/plain", strdup("not found\n"));
}

struct httpd *httpd_start(const char *listen, long ready_max_age, struct sync_metrics *m,
                          int *disabled, struct ht_err *err)
{
    struct sockaddr_in sin;
    struct httpd *h;
    char host[64];
    const char *colon;
    long port;

    *disabled = 0;
    if (!listen || !*listen || strcmp(listen, "off") == 0) {
        *disabled = 1;
        return NULL;
    }
    colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
        parse_int(colon + 1, 0, 65535, &port, NULL) < 0) {
        ht_err_set(err, HT_ECONFIG, "invalid http.listen '%s' (expected host:port)",
                   listen);
        return NULL;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
                  &sin.sin_addr) != 1) {
        ht_err_set(err, HT_ECONFIG, "invalid http.listen address '%s'", host);
        return NULL;
    }
    if (!(h = calloc(1, sizeof(*h)))) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    h->m = m;
    h->ready_max_age = ready_max_age;
    h->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG,
        (uint16_t)port, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, &sin,
        MHD_OPTION_CONNECTION_TIMEOUT, HTTPD_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
        HTTPD_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTPD_MAX_PER_IP,
        MHD_OPTION_END);
    if (!h->d) {
        ht_err_set(err, HT_EIO, "cannot listen on '%s'", listen);
        free(h);
        return NULL;
    }
    {
        const union MHD_DaemonInfo *i =
            MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
        log_info("http endpoint listening addr=%s:%u", host,
                 i ? (unsigned)i->port : (unsigned)port);
    }
    return h;
}

void httpd_stop(struct httpd *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}

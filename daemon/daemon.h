/* Private to halaltrackd: the metrics endpoint, systemd notification and the poll loop.
 */
#ifndef HALALTRACKD_H
#define HALALTRACKD_H

#include <signal.h>
#include "halaltrack/sdnotify.h"
#include "halaltrack/cfg.h"
#include "halaltrack/err.h"
#include "halaltrack/syncer.h"

struct httpd;
/* Serves /metrics, /healthz, /readyz on listen ("host:port"; "" or "off" disables it).
 * /readyz is 200 while the database is up and a cycle succeeded at most ready_max_age
 * seconds ago (0: ever), else 503. Returns NULL with err set when it cannot listen.
 * *disabled = 1 when turned off. */
struct httpd *httpd_start(const char *listen, long ready_max_age, struct sync_metrics *m,
                          int *disabled, struct ht_err *err);
void httpd_stop(struct httpd *h);
/* Writes the Prometheus text exposition of m into a new string (malloc'd). */
char *metrics_render(struct sync_metrics *m);

struct loop_ctx {
    struct cfg *cfg;
    const char *config_path;
    volatile sig_atomic_t *stop;
    volatile sig_atomic_t *reload;
    struct sync_metrics *metrics;
    int once;
};
/* Runs cycles until stopped (or one with once). Returns the exit status. */
int loop_run(struct loop_ctx *ctx);

#endif

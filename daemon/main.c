/* halaltrackd: arguments, signals, systemd notification; the loop is in loop.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon.h"
#include "halaltrack/config.h"
#include "halaltrack/http.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/banned.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag;

static void on_stop(int sig)
{
    static const char msg[] = "halaltrackd: second signal, exiting now\n";

    (void)sig;
    if (stop_flag) {
        if (write(2, msg, sizeof(msg) - 1) < 0) {
            /* nothing to do */
        }
        _exit(1);
    }
    stop_flag = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    reload_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(
        out,
        _("halaltrackd polls the national halal certification API into PostgreSQL.\n\n"
          "Usage:\n"
          "  halaltrackd [OPTION]...\n\n"
          "Options:\n"
          "  -c, --config=FILE    configuration file (default: $HALALTRACK_CONFIG or\n"
          "                       %s/halaltrack.conf)\n"
          "      --check-config   validate the configuration and exit\n"
          "      --once           run one full cycle and exit (0 = it succeeded)\n"
          "  -V, --version        output version information, then exit\n"
          "  -h, --help           show this help, then exit\n\n"
          "Signals: TERM/INT finish the current batch and exit, HUP reloads the "
          "configuration.\n"),
        HT_SYSCONFDIR);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'C'},
        {"once", no_argument, NULL, 'o'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char defpath[512];
    const char *path = getenv("HALALTRACK_CONFIG");
    int check = 0, once = 0, c, status;
    struct ht_err err = HT_ERR_INIT;
    struct sigaction sa;
    struct sync_metrics metrics;
    struct loop_ctx ctx;
    struct cfg *cfg;
    struct stage_map *map = NULL;

    /* First of all: a reload (SIGHUP) or a stop that arrives while the daemon is still
     * starting sets its flag instead of killing it (the default action of HUP). */
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    i18n_init();
    /* The API password, the token and the database password live in this process:
     * no core dump, no ptrace or /proc/PID/mem, environ and maps for other processes of
     * the same user (issue 10). Before anything reads a secret. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        fprintf(stderr, _("halaltrackd: cannot make the process non-dumpable: %s\n"),
                strerror(errno));
        return 1;
    }
    snprintf(defpath, sizeof(defpath), "%s/halaltrack.conf", HT_SYSCONFDIR);
    if (!path || !*path)
        path = defpath;
    while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            path = optarg;
            break;
        case 'C':
            check = 1;
            break;
        case 'o':
            once = 1;
            break;
        case 'V':
            printf("halaltrackd %s\n", HT_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, _("Try \"halaltrackd --help\" for more information.\n"));
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("halaltrackd: unexpected argument '%s'\n"), argv[optind]);
        fprintf(stderr, _("Try \"halaltrackd --help\" for more information.\n"));
        return 2;
    }
    if (http_global_init() < 0) {
        fprintf(stderr, _("halaltrackd: cannot initialise libcurl\n"));
        return 1;
    }
    cfg = cfg_load(path, &err);
    if (cfg && !(map = cfg_stage_map(cfg, &err))) {
        cfg_free(cfg);
        cfg = NULL;
    }
    stage_map_free(map); /* checked here; the syncer builds its own */
    if (!cfg) {
        fprintf(stderr, _("halaltrackd: %s\n"), err.msg);
        cfg_free(cfg);
        http_global_cleanup();
        return 1;
    }
    if (check) {
        printf(_("configuration '%s' is valid\n"), path);
        cfg_free(cfg);
        http_global_cleanup();
        return 0;
    }

    sync_metrics_init(&metrics);
    memset(&ctx, 0, sizeof(ctx));
    ctx.cfg = cfg;
    ctx.config_path = path;
    ctx.stop = &stop_flag;
    ctx.reload = &reload_flag;
    ctx.metrics = &metrics;
    ctx.once = once;
    status = loop_run(&ctx);
    cfg_free(ctx.cfg);
    log_close();
    http_global_cleanup();
    return status;
}

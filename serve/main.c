/* halaltrack-serve: MSMEs check their halal certification status on a phone; monitoring
 * applications read a scoped JSON API. Arguments, configuration, signals, start-up. */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include "serve.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/sdnotify.h"
#include "halaltrack/stage.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

/* Every path the service answers; docs/api/openapi.json documents each one
 * (tests/serve/test_serve_openapi.c checks both ways, through --list-routes). */
static void healthz(struct serve *sv, struct request *r, struct answer *a)
{
    (void)sv;
    (void)r;
    answer_text(a, 200, "ok\n");
}

const struct route serve_routes[] = {
    {"GET", "/", selfservice_page},
    {"POST", "/", selfservice_page},
    {"POST", "/api/v1/self-service/status", selfservice_api},
    {"GET", "/api/v1/progress", api_progress},
    {"GET", "/api/v1/funnel", api_funnel},
    {"GET", "/api/v1/overdue", api_overdue},
    {"GET", "/api/v1/actions", api_actions},
    {"GET", "/api/v1/msme/*", api_msme},
    {"GET", "/api/v1/changes", api_changes},
    {"GET", "/reports/weekly/*", api_weekly},
    {"GET", "/healthz", healthz},
};
const size_t serve_nroutes = sizeof(serve_routes) / sizeof(serve_routes[0]);

static void usage(FILE *out)
{
    fprintf(
        out,
        _("halaltrack-serve: MSMEs check their halal certification status, monitoring\n"
          "applications read a scoped JSON API.\n\n"
          "Usage:\n"
          "  halaltrack-serve [OPTION]...\n\n"
          "Options:\n"
          "  -c, --config=FILE     configuration (default: HALALTRACK_SERVE_CONFIG, "
          "else\n"
          "                        %s)\n"
          "      --check-config    check the configuration, the pepper file and the\n"
          "                        database, then exit\n"
          "      --list-routes     print the methods and paths served, then exit\n"
          "  -V, --version         output version information, then exit\n"
          "  -?, --help            show this help, then exit\n"),
        serve_cfg_default_path());
}

static int parse_proxies(struct serve *sv, struct ht_err *err)
{
    const char *p = sv->cfg->trusted_proxies;

    while (p && *p) {
        size_t n;
        char item[48];
        unsigned char bin[16];

        p += strspn(p, " ,\t");
        n = strcspn(p, " ,\t");
        if (n == 0)
            break;
        if (n >= sizeof(item) || sv->nproxies == SERVE_MAX_PROXIES) {
            ht_err_set(err, HT_ECONFIG, "%s: http.trusted_proxies: too many or too long",
                       sv->cfg->path);
            return -1;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        if (inet_pton(AF_INET, item, bin) != 1 && inet_pton(AF_INET6, item, bin) != 1) {
            ht_err_set(err, HT_ECONFIG,
                       "%s: http.trusted_proxies: '%s' is not a numeric IP address",
                       sv->cfg->path, item);
            return -1;
        }
        memcpy(sv->proxies[sv->nproxies++], item, n + 1);
        p += n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'k'},
        {"list-routes", no_argument, NULL, 'l'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ht_err err = HT_ERR_INIT;
    struct serve sv;
    const char *path = NULL;
    int c, check = 0, rc = 1, sig = 0;
    sigset_t set;
    enum log_level lvl;

    i18n_init();
    memset(&sv, 0, sizeof(sv));
    while ((c = getopt_long(argc, argv, "c:V?", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            path = optarg;
            break;
        case 'k':
            check = 1;
            break;
        case 'l':
            for (size_t i = 0; i < serve_nroutes; i++)
                printf("%s %s\n", serve_routes[i].method, serve_routes[i].path);
            return 0;
        case 'V':
            printf("halaltrack-serve %s\n", HT_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        case '?':
            if (optind > 0 && strcmp(argv[optind - 1], "-?") == 0) {
                usage(stdout);
                return 0;
            }
            /* fall through */
        default:
            fprintf(stderr, "%s",
                    _("Try \"halaltrack-serve --help\" for more information.\n"));
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("halaltrack-serve: unexpected argument '%s'\n"), argv[optind]);
        return 2;
    }
    /* The pepper and the database password live in this process: no core dumps, no
     * ptrace by other processes of the user. */
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (!(sv.cfg = serve_cfg_load(path ? path : serve_cfg_default_path(), &err)))
        goto fail;
    if (log_level_parse(sv.cfg->log_level, &lvl) == 0)
        log_current_level = lvl;
    if (selfservice_pepper_load(&sv.pepper, sv.cfg->pepper_file, &err) < 0) {
        char m[sizeof(err.msg)];

        snprintf(m, sizeof(m), "%s", err.msg);
        ht_err_clear(&err);
        ht_err_set(&err, HT_ECONFIG, "%s (self_service.pepper_file in '%s')", m,
                   sv.cfg->path);
        goto fail;
    }
    if (parse_proxies(&sv, &err) < 0 || !(sv.pool = pool_new(sv.cfg, &err)))
        goto fail;
    /* The office's name for the pages' header (the setting, read once at start). */
    {
        struct store *s = pool_get(sv.pool, 10, &err);
        struct ht_settings office;

        if (!s || store_settings_load(s, &office, &err) < 0) {
            if (s)
                pool_put(sv.pool, s);
            goto fail;
        }
        snprintf(sv.office, sizeof(sv.office), "%s", office.office_name);
        pool_put(sv.pool, s);
    }
    if (check) {
        printf(_("configuration '%s' is valid; the database answers\n"), sv.cfg->path);
        rc = 0;
        goto out;
    }
    /* Messages switch language per request (under the render lock); LANGUAGE is set
     * before any thread starts so that switching only replaces its value. */
    (void)i18n_set_lang("id");
    sem_init(&sv.kdf, 0, (unsigned)sv.cfg->kdf_threads);
    pthread_mutex_init(&sv.render, NULL);
    pthread_mutex_init(&sv.clients, NULL);
    /* Signals are collected by this thread only: block them before threads start. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (http_start(&sv, &err) < 0)
        goto fail;
    log_info("started listen=%s pool=%ld kdf=%s answer_ms=%ld proxies=%zu",
             sv.cfg->listen, sv.cfg->pool, sv.cfg->kdf, sv.cfg->answer_ms, sv.nproxies);
    sd_notify_msg("READY=1");
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            log_info("%s", "SIGHUP ignored: restart halaltrack-serve to change its "
                           "configuration");
            continue;
        }
        break;
    }
    sd_notify_msg("STOPPING=1");
    log_info("stopping signal=%d", sig);
    http_stop(&sv);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "halaltrack-serve: %s\n", err.msg);
out:
    pool_free(sv.pool);
    selfservice_pepper_clear(&sv.pepper);
    serve_cfg_free(sv.cfg);
    return rc;
}

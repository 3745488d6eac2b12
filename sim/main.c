/* halalsim: a local, seeded simulator of the national halal certification API (SIHALAL v2
 * shape). Arguments, the world, the server, signals. See docs/halalsim.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "sim.h"
#include "halaltrack/banned.h"

#define EXIT_USAGE 2

static void help(void)
{
    printf(
        _("halalsim simulates the national halal certification API (SIHALAL v2 shape)\n"
          "over a seeded world of MSMEs and applications, with a controllable clock and\n"
          "fault injection. See docs/halalsim.md and docs/national-api.md.\n\n"));
    printf(_("Usage:\n  halalsim [OPTION]...\n\n"));
    printf(_("World:\n"));
    printf(_("  --seed N               world seed (default 1)\n"));
    printf(_("  --msmes N              MSMEs in the world (default 2000; ~0.85 "
             "applications each)\n"));
    printf(_(
        "  --region CODE          Kemendagri region with kelurahan rows (default 35.75,\n"
        "                         Kota Pasuruan); a kecamatan code like 35.75.01 works "
        "too\n"));
    printf(_("  --now TIME             initial clock, ISO 8601 (default: the real "
             "current time)\n"));
    printf(_("  --start-date DATE      history starts here, YYYY-MM-DD (default: 180 "
             "days before\n"
             "                         --now)\n"));
    printf(_("  --speed X              simulated seconds per real second (default 0: the "
             "clock\n"
             "                         moves only with POST /_sim/advance)\n"));
    printf(_("  --clean-register       no dirty rows in /_sim/register.csv\n\n"));
    printf(_("Server:\n"));
    printf(_(
        "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080); port 0\n"
        "                         picks a free port; the line \"halalsim: listening on\n"
        "                         http://HOST:PORT\" is printed to stdout when ready\n"));
    printf(_("  --email EMAIL          the account accepted by /api/authenticate\n"
             "                         (default dinkop@pasuruankota.go.id)\n"));
    printf(_(
        "  --password-file FILE   read the account's password from FILE (first line)\n"));
    printf(_(
        "  --password PASSWORD    the account's password (default sim-password; prefer\n"
        "                         --password-file or HALALSIM_PASSWORD: argv is "
        "visible)\n"));
    printf(
        _("  --token-ttl SECONDS    token lifetime in real seconds, sent as expires_in\n"
          "                         (default 86400)\n"));
    printf(
        _("  --rate R               serve at most R API requests per second, 429 beyond\n"
          "                         (default 0: unlimited)\n"));
    printf(_("  --log-level LEVEL      error, warn, info or debug (default warn)\n\n"));
    printf(
        _("Faults (probability P in 0..1 per API request; also POST /_sim/faults):\n"));
    printf(_("  --fault-5xx P          500, 502 or 503 with an error envelope\n"));
    printf(_(
        "  --fault-429 P          429 with Retry-After in seconds or as an HTTP date\n"));
    printf(_("  --fault-slow P         answer after --slow-ms milliseconds\n"));
    printf(_("  --slow-ms MS           delay of slow answers (default 3000)\n"));
    printf(_("  --fault-reset P        close the connection after part of the body\n"));
    printf(_("  --fault-truncate P     send only part of the JSON body (Content-Length "
             "matches)\n"));
    printf(_("  --fault-malformed P    a ':' of the body becomes '=' (invalid JSON)\n"));
    printf(
        _("  --fault-bad-utf8 P     invalid UTF-8 bytes inside one record's nama_pu\n"));
    printf(_("  --fault-unknown-code P one record gets a status code outside the known "
             "table\n"));
    printf(_(
        "  --fault-missing-fields P one record loses 'status' or has 'no_daftar': null\n"
        "                         (detail: 'tracking': null)\n"));
    printf(_("  --fault-string-numbers P code, total_item, current_page, total_page as "
             "strings\n"));
    printf(_("  --fault-duplicate-items P the previous page's last item repeated at the "
             "top\n"));
    printf(
        _("  --fault-page-shift P   the page starts 1-5 items early (as if applications\n"
          "                         arrived while paging)\n"));
    printf(_("  --fault-token-expiry P a valid token is revoked: 401 code 4001\n"));
    printf(_("  --fault-seed N         seed of fault decisions (default 0)\n\n"));
    printf(_("Other:\n  --help                 show this help, then exit\n"
             "  --version              show the version, then exit\n\n"));
    printf(_("Environment: HT_DATADIR (reference CSVs), HALALSIM_PASSWORD.\n"));
}

static int usage_error(const char *fmt, ...) HT_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("halalsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr, _("Try \"halalsim --help\" for more information.\n"));
    return EXIT_USAGE;
}

static int read_password_file(const char *path, char *out, size_t n)
{
    FILE *fp = fopen(path, "r");
    size_t len;

    if (!fp) {
        fprintf(stderr, _("halalsim: cannot open password file '%s': %s\n"), path,
                strerror(errno));
        return -1;
    }
    if (!fgets(out, (int)n, fp)) {
        fclose(fp);
        fprintf(stderr, _("halalsim: password file '%s' is empty\n"), path);
        return -1;
    }
    fclose(fp);
    len = strlen(out);
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    if (!len) {
        fprintf(stderr, _("halalsim: password file '%s' is empty\n"), path);
        return -1;
    }
    return 0;
}

enum {
    O_SEED = 256,
    O_MSMES,
    O_REGION,
    O_NOW,
    O_START,
    O_SPEED,
    O_CLEAN,
    O_LISTEN,
    O_EMAIL,
    O_PASSWORD,
    O_PASSWORD_FILE,
    O_TTL,
    O_RATE,
    O_LOG,
    O_SLOW_MS,
    O_FSEED,
    O_HELP,
    O_VERSION,
    O_FAULT
};

int main(int argc, char **argv)
{
    struct sim_params p;
    struct sim_server_cfg cfg;
    struct fault_cfg fc;
    struct ht_err err = HT_ERR_INIT;
    struct sim_world *w = NULL;
    struct sim_server *srv = NULL;
    const char *pwfile = NULL, *start_s = NULL, *now_s = NULL;
    int64_t t0;
    const char *env_pw = getenv("HALALSIM_PASSWORD");
    static const struct option opts[] = {
        {"seed", required_argument, NULL, O_SEED},
        {"msmes", required_argument, NULL, O_MSMES},
        {"region", required_argument, NULL, O_REGION},
        {"now", required_argument, NULL, O_NOW},
        {"start-date", required_argument, NULL, O_START},
        {"speed", required_argument, NULL, O_SPEED},
        {"clean-register", no_argument, NULL, O_CLEAN},
        {"listen", required_argument, NULL, O_LISTEN},
        {"email", required_argument, NULL, O_EMAIL},
        {"password", required_argument, NULL, O_PASSWORD},
        {"password-file", required_argument, NULL, O_PASSWORD_FILE},
        {"token-ttl", required_argument, NULL, O_TTL},
        {"rate", required_argument, NULL, O_RATE},
        {"log-level", required_argument, NULL, O_LOG},
        {"slow-ms", required_argument, NULL, O_SLOW_MS},
        {"fault-seed", required_argument, NULL, O_FSEED},
        {"fault-5xx", required_argument, NULL, O_FAULT},
        {"fault-429", required_argument, NULL, O_FAULT},
        {"fault-slow", required_argument, NULL, O_FAULT},
        {"fault-reset", required_argument, NULL, O_FAULT},
        {"fault-truncate", required_argument, NULL, O_FAULT},
        {"fault-malformed", required_argument, NULL, O_FAULT},
        {"fault-bad-utf8", required_argument, NULL, O_FAULT},
        {"fault-unknown-code", required_argument, NULL, O_FAULT},
        {"fault-missing-fields", required_argument, NULL, O_FAULT},
        {"fault-string-numbers", required_argument, NULL, O_FAULT},
        {"fault-duplicate-items", required_argument, NULL, O_FAULT},
        {"fault-page-shift", required_argument, NULL, O_FAULT},
        {"fault-token-expiry", required_argument, NULL, O_FAULT},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c, idx, rc = 1;
    sigset_t sigs;

    i18n_init();
    log_set_level(LOG_LVL_WARN);
    memset(&p, 0, sizeof(p));
    memset(&cfg, 0, sizeof(cfg));
    memset(&fc, 0, sizeof(fc));
    p.seed = 1;
    p.msmes = 2000;
    snprintf(p.region, sizeof(p.region), "35.75");
    snprintf(cfg.host, sizeof(cfg.host), "127.0.0.1");
    cfg.port = 8080;
    snprintf(cfg.email, sizeof(cfg.email), "dinkop@pasuruankota.go.id");
    snprintf(cfg.password, sizeof(cfg.password), "%s",
             env_pw && *env_pw ? env_pw : "sim-password");
    cfg.token_ttl = 86400;
    fc.slow_ms = 3000;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        long l;
        double d;
        int64_t i64;

        switch (c) {
        case O_SEED:
            if (parse_i64(optarg, 0, INT64_MAX, &i64, &err))
                return usage_error(_("invalid --seed '%s': %s"), optarg, err.msg);
            p.seed = (uint64_t)i64;
            break;
        case O_MSMES:
            if (parse_int(optarg, 0, 4000000, &l, &err))
                return usage_error(_("invalid --msmes '%s': %s"), optarg, err.msg);
            p.msmes = (uint32_t)l;
            break;
        case O_REGION:
            if (strlen(optarg) >= sizeof(p.region))
                return usage_error(_("invalid --region '%s'"), optarg);
            snprintf(p.region, sizeof(p.region), "%s", optarg);
            break;
        case O_NOW:
            now_s = optarg;
            break;
        case O_START:
            start_s = optarg;
            break;
        case O_SPEED:
            if (parse_double(optarg, 0, 1e7, &d, &err))
                return usage_error(_("invalid --speed '%s': %s"), optarg, err.msg);
            cfg.speed = d;
            break;
        case O_CLEAN:
            p.clean_register = 1;
            break;
        case O_LISTEN: {
            const char *colon = strrchr(optarg, ':');

            if (!colon || colon == optarg ||
                (size_t)(colon - optarg) >= sizeof(cfg.host) ||
                parse_int(colon + 1, 0, 65535, &l, &err))
                return usage_error(_("invalid --listen '%s': expected HOST:PORT, e.g. "
                                     "127.0.0.1:0"),
                                   optarg);
            memcpy(cfg.host, optarg, (size_t)(colon - optarg));
            cfg.host[colon - optarg] = '\0';
            cfg.port = (int)l;
            {
                struct in_addr a;

                if (inet_pton(AF_INET, cfg.host, &a) != 1)
                    return usage_error(_("invalid --listen '%s': '%s' is not an IPv4 "
                                         "address"),
                                       optarg, cfg.host);
            }
            break;
        }
        case O_EMAIL:
            if (!*optarg || strlen(optarg) >= sizeof(cfg.email))
                return usage_error(_("invalid --email '%s'"), optarg);
            snprintf(cfg.email, sizeof(cfg.email), "%s", optarg);
            break;
        case O_PASSWORD:
            if (!*optarg || strlen(optarg) >= sizeof(cfg.password))
                return usage_error("%s", _("invalid --password: empty or too long"));
            snprintf(cfg.password, sizeof(cfg.password), "%s", optarg);
            break;
        case O_PASSWORD_FILE:
            pwfile = optarg;
            break;
        case O_TTL:
            if (parse_int(optarg, 1, 100000000, &l, &err))
                return usage_error(_("invalid --token-ttl '%s': %s"), optarg, err.msg);
            cfg.token_ttl = (int)l;
            break;
        case O_RATE:
            if (parse_double(optarg, 0, 1e9, &d, &err))
                return usage_error(_("invalid --rate '%s': %s"), optarg, err.msg);
            cfg.rate = d;
            break;
        case O_LOG: {
            enum log_level lvl;

            if (log_level_parse(optarg, &lvl))
                return usage_error(_("invalid --log-level '%s'"), optarg);
            log_set_level(lvl);
            break;
        }
        case O_SLOW_MS:
            if (parse_int(optarg, 0, 600000, &l, &err))
                return usage_error(_("invalid --slow-ms '%s': %s"), optarg, err.msg);
            fc.slow_ms = l;
            break;
        case O_FSEED:
            if (parse_i64(optarg, 0, INT64_MAX, &i64, &err))
                return usage_error(_("invalid --fault-seed '%s': %s"), optarg, err.msg);
            fc.seed = (uint64_t)i64;
            break;
        case O_FAULT: {
            int k = fault_parse_name(opts[idx].name + 6);

            if (k < 0 || parse_double(optarg, 0, 1, &d, &err))
                return usage_error(
                    _("invalid --%s: expected a probability in 0..1, got '%s'"),
                    opts[idx].name, optarg);
            fc.p[k] = d;
            break;
        }
        case O_HELP:
            help();
            return 0;
        case O_VERSION:
            printf("halalsim %s\n", HT_VERSION);
            return 0;
        default:
            if (optopt)
                return usage_error(_("option '%s' needs a value or is unknown"),
                                   argv[optind - 1]);
            return usage_error(_("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(_("unexpected argument '%s'"), argv[optind]);
    if (pwfile && read_password_file(pwfile, cfg.password, sizeof(cfg.password)))
        return EXIT_USAGE;
    if (now_s) {
        if (ts_parse(now_s, &p.now, &err))
            return usage_error(_("invalid --now '%s': %s"), now_s, err.msg);
    } else {
        p.now = ht_now();
    }
    if (start_s) {
        struct ht_date d;

        if (date_parse(start_s, &d, &err))
            return usage_error(_("invalid --start-date '%s': %s"), start_s, err.msg);
        p.start = wib_date_to_ts(d);
        if (p.start >= p.now)
            return usage_error(_("--start-date '%s' is not before the clock"), start_s);
    } else {
        p.start = wib_date_to_ts(ts_to_wib_date(p.now - 180 * 86400LL));
    }

    t0 = ht_mono_ms();
    w = world_new(&p, &err);
    if (!w) {
        fprintf(stderr, "halalsim: %s\n", err.msg);
        return err.code == HT_EINVAL ? EXIT_USAGE : 1; /* a bad --region or dates */
    }
    log_info("world built msmes=%zu applications=%zu events=%zu ms=%lld", w->nmsmes,
             w->napps, w->nevents, (long long)(ht_mono_ms() - t0));
    /* SIGTERM/SIGINT are blocked in every thread (MHD's inherit the mask) and taken by
     * sigwait below, so no server thread can swallow them */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    srv = server_start(w, &cfg, &fc, &err);
    if (!srv) {
        fprintf(stderr, "halalsim: %s\n", err.msg);
        goto out;
    }
    fprintf(stderr,
            _("halalsim: %zu MSMEs, %zu applications (%zu visible), ready in %lld ms\n"),
            w->nmsmes, w->napps, world_visible(w, p.now), (long long)(ht_mono_ms() - t0));
    printf("halalsim: listening on http://%s:%d\n", cfg.host, server_port(srv));
    fflush(stdout);
    for (;;) {
        int sig = 0;

        if (sigwait(&sigs, &sig) == 0 && (sig == SIGTERM || sig == SIGINT))
            break;
    }
    log_info("stopping");
    rc = 0;
out:
    server_stop(srv);
    world_free(w);
    return rc;
}

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

/* Everything the command line sets. */
struct run {
    struct sim_params p;
    struct sim_server_cfg cfg;
    struct fault_cfg fc;
    const char *pwfile, *start_s, *now_s;
};

/* An option: its long name, its value's name (NULL: a flag), its help section, what it
 * does with the value (0, or an exit status after a usage error) and its help line(s). */
struct sim_opt {
    const char *name;
    const char *arg;
    int section;
    int (*set)(struct run *r, const struct sim_opt *o, const char *v);
    const char *help;
};
enum { SEC_WORLD, SEC_ACCOUNT, SEC_SERVER, SEC_FAULTS, SEC_OTHER };

static int bad_value(const struct sim_opt *o, const char *v, const struct ht_err *err)
{
    return usage_error(_("invalid --%s '%s': %s"), o->name, v, err->msg);
}

static int set_seed(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    int64_t x;

    if (parse_i64(v, 0, INT64_MAX, &x, &err))
        return bad_value(o, v, &err);
    if (!strcmp(o->name, "seed"))
        r->p.seed = (uint64_t)x;
    else
        r->fc.seed = (uint64_t)x;
    return 0;
}

static int set_msmes(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    long l;

    if (parse_int(v, 0, 8000000, &l, &err))
        return bad_value(o, v, &err);
    r->p.msmes = (uint32_t)l;
    return 0;
}

static int set_region(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)o;
    if (strlen(v) >= sizeof(r->p.region))
        return usage_error(_("invalid --region '%s'"), v);
    snprintf(r->p.region, sizeof(r->p.region), "%s", v);
    return 0;
}

static int set_text(struct run *r, const struct sim_opt *o, const char *v)
{
    if (!strcmp(o->name, "now"))
        r->now_s = v;
    else if (!strcmp(o->name, "start-date"))
        r->start_s = v;
    else
        r->pwfile = v;
    return 0;
}

static int set_double(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    int speed = !strcmp(o->name, "speed");
    double d;

    if (parse_double(v, 0, speed ? 1e7 : 1e9, &d, &err))
        return bad_value(o, v, &err);
    *(speed ? &r->cfg.speed : &r->cfg.rate) = d;
    return 0;
}

static int set_clean(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)o;
    (void)v;
    r->p.clean_register = 1;
    return 0;
}

static int set_listen(struct run *r, const struct sim_opt *o, const char *v)
{
    const char *colon = strrchr(v, ':');
    struct ht_err err = HT_ERR_INIT;
    struct in_addr a;
    long l;

    (void)o;
    if (!colon || colon == v || (size_t)(colon - v) >= sizeof(r->cfg.host) ||
        parse_int(colon + 1, 0, 65535, &l, &err))
        return usage_error(_("invalid --listen '%s': expected HOST:PORT, e.g. "
                             "127.0.0.1:0"),
                           v);
    memcpy(r->cfg.host, v, (size_t)(colon - v));
    r->cfg.host[colon - v] = '\0';
    r->cfg.port = (int)l;
    if (inet_pton(AF_INET, r->cfg.host, &a) != 1)
        return usage_error(_("invalid --listen '%s': '%s' is not an IPv4 address"), v,
                           r->cfg.host);
    return 0;
}

static int set_email(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)o;
    if (!*v || strlen(v) >= sizeof(r->cfg.email))
        return usage_error(_("invalid --email '%s'"), v);
    snprintf(r->cfg.email, sizeof(r->cfg.email), "%s", v);
    return 0;
}

static int set_password(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)o;
    if (!*v || strlen(v) >= sizeof(r->cfg.password))
        return usage_error("%s", _("invalid --password: empty or too long"));
    snprintf(r->cfg.password, sizeof(r->cfg.password), "%s", v);
    return 0;
}

static int set_long(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    int ttl = !strcmp(o->name, "token-ttl");
    long l;

    if (parse_int(v, ttl ? 1 : 0, ttl ? 100000000 : 600000, &l, &err))
        return bad_value(o, v, &err);
    if (ttl)
        r->cfg.token_ttl = (int)l;
    else
        r->fc.slow_ms = l;
    return 0;
}

static int set_log(struct run *r, const struct sim_opt *o, const char *v)
{
    enum log_level lvl;

    (void)r;
    (void)o;
    if (log_level_parse(v, &lvl))
        return usage_error(_("invalid --log-level '%s'"), v);
    log_set_level(lvl);
    return 0;
}

static int set_fault(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    int k = fault_parse_name(o->name + 6);
    double d;

    if (k < 0 || parse_double(v, 0, 1, &d, &err))
        return usage_error(_("invalid --%s: expected a probability in 0..1, got '%s'"),
                           o->name, v);
    r->fc.p[k] = d;
    return 0;
}

static int set_status_as(struct run *r, const struct sim_opt *o, const char *v)
{
    int a = status_as_parse(v);

    (void)o;
    if (a < 0)
        return usage_error(_("invalid --status-as '%s': expected code, label or mixed"),
                           v);
    r->cfg.sw.status_as = a;
    return 0;
}

static int set_deny(struct run *r, const struct sim_opt *o, const char *v)
{
    struct ht_err err = HT_ERR_INIT;
    double d;

    if (parse_double(v, 0, 1, &d, &err))
        return bad_value(o, v, &err);
    r->cfg.sw.deny_detail = d;
    return 0;
}

static int set_switch_flag(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)v;
    if (!strcmp(o->name, "no-id-reg"))
        r->cfg.sw.no_id_reg = 1;
    else
        r->cfg.sw.split_hosts = 1;
    return 0;
}

/* Exit statuses beyond 0..2 mean "done, exit 0" (help, version). */
#define EXIT_DONE 100

static int show_help(struct run *r, const struct sim_opt *o, const char *v);

static int show_version(struct run *r, const struct sim_opt *o, const char *v)
{
    (void)r;
    (void)o;
    (void)v;
    printf("halalsim %s\n", HT_VERSION);
    return EXIT_DONE;
}

/* The table. The help lines are the translated strings. */
static const struct sim_opt options[] = {
    {"seed", "N", SEC_WORLD, set_seed,
     N_("  --seed N               world seed (default 1)\n")},
    {"msmes", "N", SEC_WORLD, set_msmes,
     N_("  --msmes N              MSMEs in the world (default 2000; ~0.85 "
        "applications each)\n")},
    {"region", "CODE", SEC_WORLD, set_region,
     N_("  --region CODE          Kemendagri region with kelurahan rows (default 35.75,\n"
        "                         Kota Pasuruan); a kecamatan code like 35.75.01 works "
        "too\n")},
    {"now", "TIME", SEC_WORLD, set_text,
     N_("  --now TIME             initial clock, ISO 8601 (default: the real "
        "current time)\n")},
    {"start-date", "DATE", SEC_WORLD, set_text,
     N_("  --start-date DATE      history starts here, YYYY-MM-DD (default: 180 "
        "days before\n"
        "                         --now)\n")},
    {"speed", "X", SEC_WORLD, set_double,
     N_("  --speed X              simulated seconds per real second (default 0: the "
        "clock\n"
        "                         moves only with POST /_sim/advance)\n")},
    {"clean-register", NULL, SEC_WORLD, set_clean,
     N_("  --clean-register       no dirty rows in /_sim/register.csv\n\n")},
    {"status-as", "MODE", SEC_ACCOUNT, set_status_as,
     N_("  --status-as MODE       the inquiry list's status: code (OF74), label (the\n"
        "                         frontend's words, e.g. \"Dikirim Ke Komite Fatwa\") "
        "or\n"
        "                         mixed (either, per row); default code\n")},
    {"deny-detail", "P", SEC_ACCOUNT, set_deny,
     N_("  --deny-detail P        fraction of the office's applications whose detail\n"
        "                         answers 403 to this account (default 0)\n")},
    {"no-id-reg", NULL, SEC_ACCOUNT, set_switch_flag,
     N_("  --no-id-reg            inquiry rows without id_reg (the detail cannot be "
        "asked)\n")},
    {"split-hosts", NULL, SEC_ACCOUNT, set_switch_flag,
     N_("  --split-hosts          /api/authenticate only on a second port, printed as\n"
        "                         \"halalsim: auth listening on http://HOST:PORT\"\n\n")},
    {"listen", "HOST:PORT", SEC_SERVER, set_listen,
     N_("  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080); port 0\n"
        "                         picks a free port; the line \"halalsim: listening on\n"
        "                         http://HOST:PORT\" is printed to stdout when ready\n")},
    {"email", "EMAIL", SEC_SERVER, set_email,
     N_("  --email EMAIL          the account accepted by /api/authenticate\n"
        "                         (default dinkop@pasuruankota.go.id)\n")},
    {"password-file", "FILE", SEC_SERVER, set_text,
     N_("  --password-file FILE   read the account's password from FILE (first line)\n")},
    {"password", "PASSWORD", SEC_SERVER, set_password,
     N_("  --password PASSWORD    the account's password (default sim-password; prefer\n"
        "                         --password-file or HALALSIM_PASSWORD: argv is "
        "visible)\n")},
    {"token-ttl", "SECONDS", SEC_SERVER, set_long,
     N_("  --token-ttl SECONDS    token lifetime in real seconds, sent as expires_in\n"
        "                         (default 86400)\n")},
    {"rate", "R", SEC_SERVER, set_double,
     N_("  --rate R               serve at most R API requests per second, 429 beyond\n"
        "                         (default 0: unlimited)\n")},
    {"log-level", "LEVEL", SEC_SERVER, set_log,
     N_("  --log-level LEVEL      error, warn, info or debug (default warn)\n\n")},
    {"fault-5xx", "P", SEC_FAULTS, set_fault,
     N_("  --fault-5xx P          500, 502 or 503 with an error envelope\n")},
    {"fault-429", "P", SEC_FAULTS, set_fault,
     N_("  --fault-429 P          429 with Retry-After in seconds or as an HTTP date\n")},
    {"fault-slow", "P", SEC_FAULTS, set_fault,
     N_("  --fault-slow P         answer after --slow-ms milliseconds\n")},
    {"slow-ms", "MS", SEC_FAULTS, set_long,
     N_("  --slow-ms MS           delay of slow answers (default 3000)\n")},
    {"fault-reset", "P", SEC_FAULTS, set_fault,
     N_("  --fault-reset P        close the connection after part of the body\n")},
    {"fault-truncate", "P", SEC_FAULTS, set_fault,
     N_("  --fault-truncate P     send only part of the JSON body (Content-Length "
        "matches)\n")},
    {"fault-malformed", "P", SEC_FAULTS, set_fault,
     N_("  --fault-malformed P    a ':' of the body becomes '=' (invalid JSON)\n")},
    {"fault-bad-utf8", "P", SEC_FAULTS, set_fault,
     N_("  --fault-bad-utf8 P     invalid UTF-8 bytes inside one record's nama_pu\n")},
    {"fault-unknown-code", "P", SEC_FAULTS, set_fault,
     N_("  --fault-unknown-code P one record gets a status code outside the known "
        "table\n")},
    {"fault-missing-fields", "P", SEC_FAULTS, set_fault,
     N_("  --fault-missing-fields P one record loses 'status' or has 'no_daftar': null\n"
        "                         (detail: 'tracking': null)\n")},
    {"fault-string-numbers", "P", SEC_FAULTS, set_fault,
     N_("  --fault-string-numbers P code, total_item, current_page, total_page as "
        "strings\n")},
    {"fault-duplicate-items", "P", SEC_FAULTS, set_fault,
     N_("  --fault-duplicate-items P the previous page's last item repeated at the "
        "top\n")},
    {"fault-page-shift", "P", SEC_FAULTS, set_fault,
     N_("  --fault-page-shift P   the page starts 1-5 items early (as if applications\n"
        "                         arrived while paging)\n")},
    {"fault-token-expiry", "P", SEC_FAULTS, set_fault,
     N_("  --fault-token-expiry P a valid token is revoked: 401 code 4001\n")},
    {"fault-huge-body", "P", SEC_FAULTS, set_fault,
     N_("  --fault-huge-body P    that fraction of applications answer their detail "
        "with\n"
        "                         a 6 MB HTML page, every time\n")},
    {"fault-huge-total", "P", SEC_FAULTS, set_fault,
     N_("  --fault-huge-total P   a list page claims total_item 10^12 (a list without "
        "end)\n")},
    {"fault-seed", "N", SEC_FAULTS, set_seed,
     N_("  --fault-seed N         seed of fault decisions (default 0)\n\n")},
    {"help", NULL, SEC_OTHER, show_help,
     N_("  --help                 show this help, then exit\n")},
    {"version", NULL, SEC_OTHER, show_version,
     N_("  --version              show the version, then exit\n\n")},
};

static int show_help(struct run *r, const struct sim_opt *o, const char *v)
{
    static const char *const section[] = {
        N_("World:\n"),
        N_("The account's view (also POST /_sim/switches):\n"),
        N_("Server:\n"),
        N_("Faults (probability P in 0..1 per API request; also POST /_sim/faults):\n"),
        N_("Other:\n"),
    };

    (void)r;
    (void)o;
    (void)v;
    printf(
        _("halalsim simulates the national halal certification API (SIHALAL v2 shape)\n"
          "over a seeded world of MSMEs and applications, with a controllable clock and\n"
          "fault injection. See docs/halalsim.md and docs/national-api.md.\n\n"));
    printf(_("Usage:\n  halalsim [OPTION]...\n\n"));
    for (int sec = SEC_WORLD; sec <= SEC_OTHER; sec++) {
        printf("%s", _(section[sec]));
        for (size_t i = 0; i < HT_ARRAY_LEN(options); i++)
            if (options[i].section == sec)
                printf("%s", _(options[i].help));
    }
    printf(_("Environment: HT_DATADIR (reference CSVs), HALALSIM_PASSWORD.\n"));
    return EXIT_DONE;
}

static void run_defaults(struct run *r)
{
    const char *env_pw = getenv("HALALSIM_PASSWORD");

    memset(r, 0, sizeof(*r));
    r->p.seed = 1;
    r->p.msmes = 2000;
    snprintf(r->p.region, sizeof(r->p.region), "35.75");
    snprintf(r->cfg.host, sizeof(r->cfg.host), "127.0.0.1");
    r->cfg.port = 8080;
    snprintf(r->cfg.email, sizeof(r->cfg.email), "dinkop@pasuruankota.go.id");
    snprintf(r->cfg.password, sizeof(r->cfg.password), "%s",
             env_pw && *env_pw ? env_pw : "sim-password");
    r->cfg.token_ttl = 86400;
    r->fc.slow_ms = 3000;
}

/* Parses argv into r through the table. Returns -1 to go on, or an exit status. */
static int parse_args(struct run *r, int argc, char **argv)
{
    struct option opts[HT_ARRAY_LEN(options) + 1];
    int c, idx;

    memset(opts, 0, sizeof(opts));
    for (size_t i = 0; i < HT_ARRAY_LEN(options); i++) {
        opts[i].name = options[i].name;
        opts[i].has_arg = options[i].arg ? required_argument : no_argument;
        opts[i].val = 256 + (int)i;
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        int rc;

        if (c < 256) {
            if (optopt)
                return usage_error(_("option '%s' needs a value or is unknown"),
                                   argv[optind - 1]);
            return usage_error(_("unknown option '%s'"), argv[optind - 1]);
        }
        rc = options[c - 256].set(r, &options[c - 256], optarg);
        if (rc)
            return rc == EXIT_DONE ? 0 : rc;
    }
    if (optind < argc)
        return usage_error(_("unexpected argument '%s'"), argv[optind]);
    return -1;
}

/* The clock and the history start from --now and --start-date. */
static int resolve_times(struct run *r)
{
    struct ht_err err = HT_ERR_INIT;

    if (r->now_s) {
        if (ts_parse(r->now_s, &r->p.now, &err))
            return usage_error(_("invalid --now '%s': %s"), r->now_s, err.msg);
    } else {
        r->p.now = ht_now();
    }
    if (r->start_s) {
        struct ht_date d;

        if (date_parse(r->start_s, &d, &err))
            return usage_error(_("invalid --start-date '%s': %s"), r->start_s, err.msg);
        r->p.start = wib_date_to_ts(d);
        if (r->p.start >= r->p.now)
            return usage_error(_("--start-date '%s' is not before the clock"),
                               r->start_s);
    } else {
        r->p.start = wib_date_to_ts(ts_to_wib_date(r->p.now - 180 * 86400LL));
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct run r;
    struct ht_err err = HT_ERR_INIT;
    struct sim_world *w = NULL;
    struct sim_server *srv = NULL;
    int64_t t0;
    int rc;
    sigset_t sigs;

    i18n_init();
    log_set_level(LOG_LVL_WARN);
    run_defaults(&r);
    if ((rc = parse_args(&r, argc, argv)) >= 0)
        return rc;
    if (r.pwfile && read_password_file(r.pwfile, r.cfg.password, sizeof(r.cfg.password)))
        return EXIT_USAGE;
    if ((rc = resolve_times(&r)) >= 0)
        return rc;
    t0 = ht_mono_ms();
    w = world_new(&r.p, &err);
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
    rc = 1;
    srv = server_start(w, &r.cfg, &r.fc, &err);
    if (!srv) {
        fprintf(stderr, "halalsim: %s\n", err.msg);
        goto out;
    }
    fprintf(stderr,
            _("halalsim: %zu MSMEs, %zu applications (%zu visible), ready in %lld ms\n"),
            w->nmsmes, w->napps, world_visible(w, r.p.now),
            (long long)(ht_mono_ms() - t0));
    if (server_auth_port(srv))
        printf("halalsim: auth listening on http://%s:%d\n", r.cfg.host,
               server_auth_port(srv));
    printf("halalsim: listening on http://%s:%d\n", r.cfg.host, server_port(srv));
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

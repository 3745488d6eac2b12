/* Helpers for the end-to-end tests: start halalsim and halaltrackd, talk to the
 * simulator's control API, and compare the database with /_sim/truth. Header-only (static
 * functions). */
#ifndef HT_E2E_H
#define HT_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/http.h"
#include "halaltrack/store.h"
#include "pg_test.h"
#include "test_util.h"
#include "truth.h"

static long ht_e2e_seq;

struct sim {
    pid_t pid;
    int port;
    int auth_port; /* started with --split-hosts */
    char base[64];
    char auth_base[64];
};

static __attribute__((unused)) const char *e2e_sim_bin(void)
{
    const char *b = getenv("HT_HALALSIM");
    return b && *b ? b : tu_bin("sim/halalsim");
}

static __attribute__((unused)) void e2e_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Every simulator a test started, killed at exit even when an assertion aborts the test.
 */
static pid_t e2e_children[16];

static __attribute__((unused)) void e2e_kill_children(void)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(e2e_children); i++)
        if (e2e_children[i] > 0) {
            kill(e2e_children[i], SIGKILL);
            waitpid(e2e_children[i], NULL, 0);
            e2e_children[i] = 0;
        }
}

static __attribute__((unused)) void e2e_track(pid_t pid)
{
    static int registered;

    if (!registered) {
        atexit(e2e_kill_children);
        registered = 1;
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(e2e_children); i++)
        if (e2e_children[i] <= 0) {
            e2e_children[i] = pid;
            return;
        }
}

static __attribute__((unused)) void e2e_untrack(pid_t pid)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(e2e_children); i++)
        if (e2e_children[i] == pid)
            e2e_children[i] = 0;
}

/* Starts halalsim on a free loopback port with a small world; extra: NULL-terminated.
 * Its stdout goes to a file (it must not hold CTest's pipe), read for the port. */
static __attribute__((unused)) void sim_start(struct sim *s, int msmes,
                                              const char *const *extra)
{
    char out[128], nm[32];

    memset(s, 0, sizeof(*s));
    cr_assert(access(e2e_sim_bin(), X_OK) == 0, "halalsim not built at %s",
              e2e_sim_bin());
    snprintf(nm, sizeof(nm), "%d", msmes);
    snprintf(out, sizeof(out), "/tmp/ht_e2e_sim_%d_%ld.out", (int)getpid(),
             (long)ht_e2e_seq++);
    s->pid = fork();
    cr_assert(s->pid >= 0);
    if (s->pid == 0) {
        const char *argv[40] = {e2e_sim_bin(), "--listen", "127.0.0.1:0",
                                "--msmes",     nm,         "--seed",
                                "7",           "--now",    "2026-06-01T00:00:00Z",
                                "--log-level", "error"};
        int n = 11, fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            nul = open("/dev/null", O_WRONLY);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive an aborted test */
        for (; extra && *extra && n < 38; extra++)
            argv[n++] = *extra;
        argv[n] = NULL;
        dup2(fd, 1);
        dup2(nul, 2);
        close(fd);
        close(nul);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    e2e_track(s->pid);
    for (int i = 0; i < 100 && s->port == 0; i++) {
        char *text = tu_read_file(out, NULL), *p;
        if (text && (p = strstr(text, "halalsim: auth listening on http://")) &&
            strchr(p, '\n'))
            s->auth_port = atoi(strstr(p, "127.0.0.1:") + 10);
        if (text && (p = strstr(text, "halalsim: listening on http://")) &&
            strchr(p, '\n'))
            s->port = atoi(strstr(p, "127.0.0.1:") + 10);
        free(text);
        if (!s->port)
            e2e_sleep_ms(50);
    }
    unlink(out);
    cr_assert(s->port > 0, "halalsim did not start");
    snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
    if (s->auth_port)
        snprintf(s->auth_base, sizeof(s->auth_base), "http://127.0.0.1:%d", s->auth_port);
}

/* Sets how the account sees the API (POST /_sim/switches, a JSON object). */
static __attribute__((unused)) void sim_switches(struct sim *s, const char *json);

static __attribute__((unused)) void sim_stop(struct sim *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        e2e_untrack(s->pid);
        s->pid = 0;
    }
}

/* GET or POST a simulator path; returns the body (malloc'd); asserts a 2xx answer. */
static __attribute__((unused)) char *sim_call(struct sim *s, const char *method,
                                              const char *path, const char *body)
{
    struct http_opts o = {5, 60, NULL, 64u * 1024 * 1024, 1};
    struct http_client *hc = http_client_new(&o, NULL);
    struct http_resp r;
    char url[512];
    char *out;

    cr_assert(hc != NULL);
    http_resp_init(&r);
    r.body.max = 64u * 1024 * 1024;
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    cr_assert(eq(int, http_request(hc, method, url, NULL, body, &r, NULL), 0),
              "%s %s failed", method, path);
    cr_assert(r.status >= 200 && r.status < 300, "%s %s: HTTP %ld", method, path,
              r.status);
    out = buf_detach(&r.body);
    http_resp_release(&r);
    http_client_free(hc);
    return out;
}

static __attribute__((unused)) void sim_advance(struct sim *s, int days)
{
    char p[64];
    snprintf(p, sizeof(p), "/_sim/advance?days=%d", days);
    free(sim_call(s, "POST", p, ""));
}

static __attribute__((unused)) void sim_faults(struct sim *s, const char *json)
{
    free(sim_call(s, "POST", "/_sim/faults", json));
}

static __attribute__((unused)) void sim_switches(struct sim *s, const char *json)
{
    free(sim_call(s, "POST", "/_sim/switches", json));
}

/* Short poll intervals for every stage that can still move: an application that went
 * OF10 -> OF280 -> OF10 within one simulated advance looks unchanged in the list, and
 * only its stage's poll interval catches it. With these, every cycle ends equal to the
 * truth. */
#define E2E_POLL_ALL                                                                     \
    "draft = 0\nsubmitted = 0\nverification = 0\nlph_assignment = 0\ninspection = 0\n"   \
    "pph_verification = 0\nfatwa = 0\nissuance = 0\nreturned = 0\nunknown = 0\n"
static int e2e_poll_all = 1;

/* Writes a 0600 password file and a daemon config for this test's schema. extra is
 * appended (more sections). Returns the config path (malloc'd). */
static __attribute__((unused)) char *e2e_conf(struct sim *s, const char *api_extra,
                                              const char *extra)
{
    char *pw = tu_write_temp(".pw", "sim-password\n", 13);
    char text[8192];

    cr_assert(chmod(pw, 0600) == 0);
    snprintf(
        text, sizeof(text),
        "[api]\nbase_url = %s\nemail = dinkop@pasuruankota.go.id\npassword_file = %s\n"
        "timeout = 10\nconnect_timeout = 2\nbackoff_base_ms = 20\nbackoff_max_ms = 300\n"
        "retry_after_max = 1\nmax_retries = 6\nrate = 500\nburst = 500\nconcurrency = 8\n"
        "breaker_threshold = 50\nbreaker_cooldown = 1\n%s\n"
        "[poll]\ncycle = 1\n%s[database]\nschema = %s\nlease = 5\nbatch_size = 50\n"
        "[http]\nlisten = off\n%s\n",
        s->base, pw, api_extra ? api_extra : "", e2e_poll_all ? E2E_POLL_ALL : "",
        pgt_schema(), extra ? extra : "");
    free(pw);
    return tu_write_temp(".conf", text, strlen(text));
}

/* Runs halaltrack args (NULL-terminated, at most 14) on this test's schema in English and
 * asserts its exit status; returns its stdout (malloc'd). */
static __attribute__((unused)) char *e2e_cli(const char *const *args, int want_status)
{
    char env_schema[128];
    const char *env[] = {env_schema, "LANGUAGE=en", "LC_ALL=C.UTF-8", NULL};
    const char *argv[16] = {tu_bin("cli/halaltrack")};
    struct tu_result r;
    char *out;
    size_t i = 0;

    while (args[i] && i < 14) {
        argv[i + 1] = args[i];
        i++;
    }
    argv[i + 1] = NULL;
    snprintf(env_schema, sizeof(env_schema), "HALALTRACK_SCHEMA=%s", pgt_schema());
    r = tu_run(argv, env, NULL, 60);
    cr_assert(eq(int, r.status, want_status), "%s: %s", args[0], r.err);
    out = strdup(r.out);
    tu_result_release(&r);
    return out;
}

static __attribute__((unused)) struct tu_result daemon_once(const char *conf)
{
    const char *argv[] = {tu_bin("daemon/halaltrackd"), "-c", conf, "--once", NULL};
    return tu_run(argv, NULL, NULL, 300);
}

/* Starts halaltrackd in the foreground loop; its stderr goes to logpath. */
static __attribute__((unused)) pid_t daemon_spawn(const char *conf, const char *logpath)
{
    pid_t pid = fork();

    cr_assert(pid >= 0);
    if (pid == 0) {
        int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int nul = open("/dev/null", O_WRONLY);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive an aborted test */
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        if (nul >= 0) {
            dup2(nul, 1);
            close(nul);
        }
        execl(tu_bin("daemon/halaltrackd"), "halaltrackd", "-c", conf, (char *)NULL);
        _exit(127);
    }
    e2e_track(pid);
    return pid;
}

/* Waits up to timeout_s for pid; returns its exit status (128+sig) or -1 on timeout. */
static __attribute__((unused)) int daemon_wait(pid_t pid, int timeout_s)
{
    for (int i = 0; i < timeout_s * 10; i++) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            e2e_untrack(pid);
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        e2e_sleep_ms(100);
    }
    return -1;
}

/* SQL for the applications a daemon's open detail batches hold (cols: what to select of
 * application a): the lease is the row lock of the batch's transaction
 * (lib/sync_writer.c), so the row's xmax is that transaction's xid, and the session is
 * named after the lease owner, "<daemon.name>:<pid>:<random>". name NULL: any other
 * session's batch. */
static __attribute__((unused)) void e2e_batch_sql(char *sql, size_t n, const char *cols,
                                                  const char *name)
{
    snprintf(sql, n,
             "SELECT %s FROM application a JOIN pg_stat_activity s"
             " ON s.backend_xid = a.xmax WHERE s.pid <> pg_backend_pid()"
             " AND s.xact_start IS NOT NULL%s%s%s",
             cols, name ? " AND split_part(s.application_name, ':', 1) = '" : "",
             name ? name : "", name ? "'" : "");
}

static __attribute__((unused)) int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct strlist {
    char **v;
    size_t n, cap;
};

static __attribute__((unused)) void sl_add(struct strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof(char *));
        cr_assert(l->v != NULL);
    }
    l->v[l->n++] = strdup(s);
}

static __attribute__((unused)) void sl_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Compares two sorted lists; writes the first difference into msg. Returns mismatches. */
static __attribute__((unused)) long sl_diff(struct strlist *want, struct strlist *got,
                                            const char *what, char *msg, size_t n)
{
    size_t i = 0, j = 0;
    long bad = 0;

    if (want->n)
        qsort(want->v, want->n, sizeof(char *), cmp_str);
    if (got->n)
        qsort(got->v, got->n, sizeof(char *), cmp_str);
    while (i < want->n || j < got->n) {
        int c = i == want->n ? 1 : j == got->n ? -1 : strcmp(want->v[i], got->v[j]);
        if (c == 0) {
            i++;
            j++;
            continue;
        }
        if (!bad)
            snprintf(msg, n, "%s: %s %s", what, c < 0 ? "missing" : "unexpected",
                     c < 0 ? want->v[i] : got->v[j]);
        bad++;
        if (c < 0)
            i++;
        else
            j++;
    }
    return bad;
}

/* Compares the database with /_sim/truth through the oracle (tests/helpers/truth.h).
 * Returns the number of differences (0 = equal); msg gets the first one, *napps (may be
 * NULL) the truth's application count. */
static __attribute__((unused)) long truth_diff(struct sim *s, struct store *st, char *msg,
                                               size_t msgn, long *napps)
{
    char *body = sim_call(s, "GET", "/_sim/truth", NULL);
    struct truth t;
    struct truth_diff d;
    long bad;

    cr_assert(eq(int, truth_parse(body, &t, msg, msgn), 0), "truth: %s", msg);
    free(body);
    bad = truth_compare(st, &t, &d);
    snprintf(msg, msgn, "%s", d.first);
    if (napps)
        *napps = (long)t.n;
    truth_release(&t);
    return bad;
}

/* Asserts the database equals the truth. */
#define ASSERT_TRUTH(sim, st, ctx)                                                       \
    do {                                                                                 \
        char m_[1024];                                                                   \
        long n_ = 0, b_ = truth_diff((sim), (st), m_, sizeof(m_), &n_);                  \
        cr_assert(eq(long, b_, 0), "%s: %ld differences from the truth (%ld apps): %s",  \
                  (ctx), b_, n_, m_);                                                    \
        cr_assert(n_ > 0, "%s: the simulator serves no application", (ctx));             \
    } while (0)

/* Waits up to timeout_s for the database to equal the truth; returns 1 when it did. */
static __attribute__((unused)) int wait_truth(struct sim *sim, struct store *st,
                                              int timeout_s)
{
    char m[1024];
    for (int i = 0; i < timeout_s * 2; i++) {
        if (store_ok(st) && truth_diff(sim, st, m, sizeof(m), NULL) == 0)
            return 1;
        e2e_sleep_ms(500);
    }
    return 0;
}

#endif

/* End to end: the daemon's life. SIGKILL mid-batch and restart, two daemons on one
 * database under one budget, the metrics endpoint (promtool), SIGHUP reload, systemd
 * notifications, and the clear errors of bad setups. */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include "e2e.h"

TestSuite(daemons, .fini = pgt_close, .timeout = 600);

static char *logpath(const char *tag)
{
    char *p = malloc(256);
    snprintf(p, 256, "/tmp/ht_e2e_%s_%d.log", tag, (int)getpid());
    unlink(p);
    return p;
}

static int free_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

Test(daemons, sigkill_mid_batch_then_restart_loses_nothing)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *log = logpath("kill");
    pid_t pid;

    sim_start(&sim, 300, NULL);
    /* Slow answers make a batch last long enough to be killed in the middle of it. */
    conf = e2e_conf(&sim, "concurrency = 2", NULL);
    sim_faults(&sim, "{\"slow\":0.5,\"slow_ms\":300,\"seed\":21}");
    pid = daemon_spawn(conf, log);
    for (int i = 0; i < 100 && pgt_long("SELECT count(*) FROM application") == 0; i++)
        e2e_sleep_ms(100);
    e2e_sleep_ms(800);
    {
        /* the batch in flight holds its applications as row locks, and the claim wrote
         * no lease row */
        char sql[512];
        e2e_batch_sql(sql, sizeof(sql), "count(*)", NULL);
        cr_assert(pgt_long(sql) > 0, "no batch was in flight");
    }
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM application WHERE lease_owner IS NOT NULL"),
        0));
    kill(pid, SIGKILL);
    cr_assert(eq(int, daemon_wait(pid, 10), 128 + SIGKILL));
    cr_assert(pgt_long("SELECT count(*) FROM application WHERE detail_at IS NULL") > 0,
              "the first daemon finished before it was killed");
    sim_faults(&sim, "{}");
    pid = daemon_spawn(conf, log);
    cr_assert(wait_truth(&sim, st, 90), "the restarted daemon did not catch up");
    sim_advance(&sim, 8);
    cr_assert(wait_truth(&sim, st, 90), "the restarted daemon did not follow an advance");
    kill(pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(pid, 30), 0));
    ASSERT_TRUTH(&sim, st, "after SIGKILL and restart");
    unlink(log);
    free(log);
    free(conf);
    sim_stop(&sim);
}

Test(daemons, two_daemons_share_the_work_and_the_budget)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *log = logpath("two"), *stats;
    pid_t a, b;
    long granted, served, over;
    const double rate = 25, burst = 5;

    sim_start(&sim, 300, NULL);
    {
        char *pw = tu_write_temp(".pw", "sim-password\n", 13);
        char text[4096];
        cr_assert(chmod(pw, 0600) == 0);
        snprintf(
            text, sizeof(text),
            "[api]\nbase_url = %s\nemail = dinkop@pasuruankota.go.id\npassword_file = "
            "%s\n"
            "rate = %g\nburst = %g\nconcurrency = 4\nbackoff_base_ms = 20\n"
            "backoff_max_ms = 300\nretry_after_max = 1\n"
            "[poll]\ncycle = 1\n[database]\nschema = %s\nlease = 5\nbatch_size = 10\n"
            "[http]\nlisten = off\n",
            sim.base, pw, rate, burst, pgt_schema());
        conf = tu_write_temp(".conf", text, strlen(text));
        free(pw);
    }
    a = daemon_spawn(conf, log);
    b = daemon_spawn(conf, log);
    cr_assert(wait_truth(&sim, st, 120), "two daemons did not reach the truth");
    sim_advance(&sim, 10);
    cr_assert(wait_truth(&sim, st, 120), "two daemons did not follow an advance");
    kill(a, SIGTERM);
    kill(b, SIGTERM);
    cr_assert(eq(int, daemon_wait(a, 30), 0));
    cr_assert(eq(int, daemon_wait(b, 30), 0));
    ASSERT_TRUTH(&sim, st, "two daemons");
    /* No event twice (also guaranteed by the unique key), both did detail work, and only
     * one swept at a time. */
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM (SELECT application_id, status_code, at"
                          " FROM stage_event GROUP BY 1, 2, 3 HAVING count(*) > 1) d"),
                 0));
    cr_assert(eq(long, pgt_long("SELECT count(DISTINCT daemon) FROM sync_run"), 2));
    cr_assert(
        eq(long,
           pgt_long(
               "SELECT count(DISTINCT daemon) FROM sync_run WHERE details_fetched > 0"),
           2),
        "one daemon did all the detail work");
    cr_assert(
        eq(long, pgt_long("SELECT count(DISTINCT daemon) FROM sync_run WHERE sweep"), 1),
        "both daemons swept");
    /* Every request the simulator served was granted by the shared budget... */
    stats = sim_call(&sim, "GET", "/_sim/stats", NULL);
    {
        char *p = strstr(stats, "\"total\":");
        long sim_calls = 0;
        cr_assert(p != NULL);
        sim_calls = strtol(p + 8, NULL, 10);
        /* /_sim calls by this test are not API requests. */
        p = strstr(stats, "\"sim\":{\"200\":");
        served = sim_calls - (p ? strtol(p + strlen("\"sim\":{\"200\":"), NULL, 10) : 0);
    }
    granted = pgt_long("SELECT coalesce(sum(n), 0) FROM budget_grant");
    cr_assert(served > 0);
    cr_assert(granted >= served, "granted %ld < served %ld: %s", granted, served, stats);
    /* ...and no window of the grant log exceeds burst + rate * window: N daemons together
     * never went faster than the configured rate. */
    {
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM budget_grant g WHERE"
                 " (SELECT sum(n) FROM budget_grant h WHERE h.at BETWEEN g.at AND g.at + "
                 "interval '2 s')"
                 " > %g + %g * 2 + 1",
                 burst, rate);
        over = pgt_long(sql);
        cr_assert(eq(long, over, 0), "%ld windows over the budget", over);
        snprintf(
            sql, sizeof(sql),
            "SELECT (sum(n) <= %g + %g * extract(epoch FROM max(at) - min(at)) + 1)::int"
            " FROM budget_grant",
            burst, rate);
        cr_assert(eq(long, pgt_long(sql), 1), "the whole run went over the budget");
    }
    free(stats);
    unlink(log);
    free(log);
    free(conf);
    sim_stop(&sim);
}

static char *http_get_text(int port, const char *path, long *status)
{
    struct http_opts o = {2, 10, NULL, 1u << 20, 1};
    struct http_client *hc = http_client_new(&o, NULL);
    struct http_resp r;
    char url[128];
    char *out;

    http_resp_init(&r);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    cr_assert(eq(int, http_request(hc, "GET", url, NULL, NULL, &r, NULL), 0), "GET %s",
              url);
    *status = r.status;
    out = buf_detach(&r.body);
    http_resp_release(&r);
    http_client_free(hc);
    return out;
}

static int log_has(const char *path, const char *needle)
{
    char *t = tu_read_file(path, NULL);
    int has = t && strstr(t, needle);
    free(t);
    return has;
}

Test(daemons, metrics_reload_and_systemd_notify)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *log = logpath("metrics"), *body, listen[64], sock[108],
                dgrams[2048] = "";
    int port = free_port(), fd;
    long status;
    struct sockaddr_un sa = {0};
    pid_t pid;

    sim_start(&sim, 200, NULL);
    snprintf(listen, sizeof(listen), "[http]\nlisten = 127.0.0.1:%d\n", port);
    conf = e2e_conf(&sim, NULL, NULL);
    {
        /* replace "listen = off" with the port */
        char *t = tu_read_file(conf, NULL), *p = strstr(t, "[http]\nlisten = off\n");
        FILE *f;
        cr_assert(p != NULL);
        *p = '\0';
        f = fopen(conf, "w");
        fprintf(f, "%s%s%s", t, listen, p + strlen("[http]\nlisten = off\n"));
        fclose(f);
        free(t);
    }
    snprintf(sock, sizeof(sock), "/tmp/ht_notify_%d.sock", (int)getpid());
    unlink(sock);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, sock, strlen(sock));
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    setenv("NOTIFY_SOCKET", sock, 1);
    pid = daemon_spawn(conf, log);
    unsetenv("NOTIFY_SOCKET");
    cr_assert(wait_truth(&sim, st, 60));
    for (int i = 0; i < 50; i++) {
        free(http_get_text(port, "/readyz", &status));
        if (status == 200)
            break;
        e2e_sleep_ms(100);
    }
    cr_assert(eq(long, status, 200), "/readyz never became ready");
    body = http_get_text(port, "/healthz", &status);
    cr_assert(eq(long, status, 200));
    free(body);
    body = http_get_text(port, "/metrics", &status);
    cr_assert(eq(long, status, 200));
    cr_assert(strstr(body, "halaltrack_api_requests_total{class=\"2xx\"}") != NULL);
    cr_assert(strstr(body, "halaltrack_last_sweep_success_timestamp_seconds ") != NULL);
    cr_assert(strstr(body, "halaltrack_oldest_observation_age_seconds ") != NULL);
    cr_assert(strstr(body, "halaltrack_circuit_state 0") != NULL);
    cr_assert(strstr(body, "halaltrack_budget_tokens ") != NULL);
    cr_assert(strstr(body, "halaltrack_applications 0\n") == NULL);
    {
        const char *ci = getenv("CI");
        char *mf = tu_write_temp(".prom", body, strlen(body));
        char cmd[512];
        if (access("/usr/bin/promtool", X_OK) != 0) {
            int in_ci = ci && *ci && strcmp(ci, "false") != 0;
            cr_assert(in_ci == 0,
                      "promtool missing (scripts/install-deps installs prometheus)");
        } else {
            snprintf(cmd, sizeof(cmd), "promtool check metrics < %s > /dev/null 2>&1",
                     mf);
            cr_assert(eq(int, system(cmd), 0), "promtool rejected the metrics:\n%s",
                      body);
        }
        unlink(mf);
        free(mf);
    }
    free(body);
    body = http_get_text(port, "/nope", &status);
    cr_assert(eq(long, status, 404));
    free(body);

    /* A bad config on reload is refused and the old one kept. */
    {
        char *good = tu_read_file(conf, NULL);
        FILE *f = fopen(conf, "a");
        fputs("[poll]\nbogus = 1\n", f);
        fclose(f);
        kill(pid, SIGHUP);
        for (int i = 0;
             i < 50 && !log_has(log, "reload failed, keeping the old configuration"); i++)
            e2e_sleep_ms(100);
        cr_assert(log_has(log, "reload failed, keeping the old configuration"));
        cr_assert(eq(int, kill(pid, 0), 0), "the daemon died on a bad reload");
        f = fopen(conf, "w");
        fputs(good, f);
        fclose(f);
        free(good);
        kill(pid, SIGHUP);
        for (int i = 0; i < 50 && !log_has(log, "configuration reloaded"); i++)
            e2e_sleep_ms(100);
        cr_assert(log_has(log, "configuration reloaded"));
    }
    sim_advance(&sim, 5);
    cr_assert(wait_truth(&sim, st, 60), "the daemon stopped following after reloads");
    kill(pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(pid, 30), 0));
    {
        char buf[256];
        ssize_t n;
        struct timeval tv = {0, 200000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
            buf[n] = '\0';
            strncat(dgrams, buf, sizeof(dgrams) - strlen(dgrams) - 2);
            strncat(dgrams, ";", 2);
        }
    }
    cr_assert(strstr(dgrams, "READY=1") != NULL, "notifications: %s", dgrams);
    cr_assert(strstr(dgrams, "RELOADING=1") != NULL, "notifications: %s", dgrams);
    cr_assert(strstr(dgrams, "STOPPING=1") != NULL, "notifications: %s", dgrams);
    cr_assert(log_has(log, "sim-password") == 0, "the password reached the log");
    close(fd);
    unlink(sock);
    unlink(log);
    free(log);
    free(conf);
    sim_stop(&sim);
}

static struct tu_result run_daemon(const char *conf, const char *extra)
{
    const char *argv[] = {tu_bin("daemon/halaltrackd"), "-c", conf, extra, NULL};
    return tu_run(argv, NULL, NULL, 120);
}

Test(daemons, bad_setups_give_clear_errors)
{
    struct tu_result r;
    char *pw = tu_write_temp(".pw", "sim-password\n", 13), *conf, text[2048], want[600];

    pgt_open();
    /* unknown key: file:line and key */
    snprintf(text, sizeof(text),
             "[api]\nbase_url = http://127.0.0.1:1\nemail = a@b\npassword_file = %s\n"
             "[database]\nschema = %s\nconnstring = x\n",
             pw, pgt_schema());
    conf = tu_write_temp(".conf", text, strlen(text));
    chmod(pw, 0600);
    r = run_daemon(conf, "--check-config");
    snprintf(want, sizeof(want), "%s:7: unknown key 'connstring' in section [database]",
             conf);
    cr_assert(eq(int, r.status, 1));
    cr_assert(strstr(r.err, want) != NULL, "stderr: %s", r.err);
    tu_result_release(&r);
    unlink(conf);
    free(conf);

    /* a world-readable password file */
    snprintf(text, sizeof(text),
             "[api]\nbase_url = http://127.0.0.1:1\nemail = a@b\npassword_file = %s\n"
             "max_retries = 1\nconnect_timeout = 1\n[database]\nschema = "
             "%s\n[http]\nlisten = off\n",
             pw, pgt_schema());
    conf = tu_write_temp(".conf", text, strlen(text));
    chmod(pw, 0644);
    r = run_daemon(conf, "--once");
    cr_assert(eq(int, r.status, 1));
    cr_assert(strstr(r.err, "is readable by group or others (mode 644)") != NULL,
              "stderr: %s", r.err);
    cr_assert(strstr(r.err, "sim-password") == NULL);
    tu_result_release(&r);

    /* an unreadable one */
    chmod(pw, 0000);
    if (geteuid() != 0) {
        r = run_daemon(conf, "--once");
        cr_assert(eq(int, r.status, 1));
        cr_assert(strstr(r.err, "Permission denied") != NULL, "stderr: %s", r.err);
        tu_result_release(&r);
    }
    chmod(pw, 0600);
    {
        /* a password "file" that cannot be read as one (as root every mode is readable)
         */
        char text2[2048];
        char *conf2;
        snprintf(
            text2, sizeof(text2),
            "[api]\nbase_url = http://127.0.0.1:1\nemail = a@b\npassword_file = /tmp\n"
            "[database]\nschema = %s\n",
            pgt_schema());
        conf2 = tu_write_temp(".conf", text2, strlen(text2));
        r = run_daemon(conf2, "--check-config");
        cr_assert(eq(int, r.status, 1));
        cr_assert(strstr(r.err, "api.password_file '/tmp': not a regular file") != NULL,
                  "stderr: %s", r.err);
        tu_result_release(&r);
        unlink(conf2);
        free(conf2);
    }
    r = run_daemon(conf, "--check-config");
    cr_assert(eq(int, r.status, 0), "stderr: %s", r.err);
    cr_assert(strstr(r.out, "is valid") != NULL);
    tu_result_release(&r);

    /* an unreachable API: --once fails with a clear message */
    r = run_daemon(conf, "--once");
    cr_assert(eq(int, r.status, 1));
    cr_assert(strstr(r.err, "cycle failed") != NULL, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "onnect") != NULL, "stderr: %s", r.err);
    tu_result_release(&r);
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM sync_run WHERE outcome = 'failed'"), 1));
    unlink(conf);
    free(conf);

    /* a schema that was never migrated */
    snprintf(text, sizeof(text),
             "[api]\nbase_url = http://127.0.0.1:1\nemail = a@b\npassword_file = %s\n"
             "[database]\nschema = never_migrated_%d\n[http]\nlisten = off\n",
             pw, (int)getpid());
    conf = tu_write_temp(".conf", text, strlen(text));
    r = run_daemon(conf, "--once");
    cr_assert(eq(int, r.status, 1));
    cr_assert(strstr(r.err, "is not migrated: run 'halaltrack db migrate'") != NULL,
              "stderr: %s", r.err);
    tu_result_release(&r);
    unlink(conf);
    unlink(pw);
    free(conf);
    free(pw);
}

/* An API that only fails: retries, then the circuit breaker opens and says so. */
Test(daemons, failing_api_opens_the_circuit_breaker)
{
    struct sim sim;
    struct tu_result r;
    char *conf;

    pgt_open();
    sim_start(&sim, 100, NULL);
    conf = e2e_conf(&sim, "breaker_threshold = 3\nbreaker_cooldown = 60\nmax_retries = 5",
                    NULL);
    sim_faults(&sim, "{\"error_5xx\":1.0,\"seed\":41}");
    {
        const char *argv[] = {tu_bin("daemon/halaltrackd"), "-c", conf, "--once", NULL};
        r = tu_run(argv, NULL, NULL, 120);
    }
    cr_assert(eq(int, r.status, 1), "%s", r.err);
    cr_assert(strstr(r.err, "circuit breaker open: the API keeps failing") != NULL, "%s",
              r.err);
    cr_assert(strstr(r.err, "cycle failed") != NULL, "%s", r.err);
    tu_result_release(&r);
    {
        /* It stopped hammering: 3 failures opened it, no request after that. */
        char *stats = sim_call(&sim, "GET", "/_sim/stats", NULL);
        char *p = strstr(stats, "\"total\":");
        long total = p ? strtol(p + 8, NULL, 10) : -1;
        cr_assert(total > 0 && total <= 6, "requests: %s", stats);
        free(stats);
    }
    cr_assert(
        eq(long, pgt_long("SELECT count(*) FROM sync_run WHERE outcome = 'failed'"), 1));
    sim_stop(&sim);
    free(conf);
}

/* SIGTERM finishes the batch in flight and exits 0; a second one exits at once. */
Test(daemons, sigterm_finishes_the_batch_second_exits_at_once)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *log = logpath("term");
    pid_t pid;
    int64_t t0;
    int status;

    (void)st;
    sim_start(&sim, 200, NULL);
    conf = e2e_conf(&sim, "concurrency = 2", NULL);
    sim_faults(&sim, "{\"slow\":1.0,\"slow_ms\":400,\"seed\":51}");
    pid = daemon_spawn(conf, log);
    for (int i = 0; i < 100 && pgt_long("SELECT count(*) FROM application") == 0; i++)
        e2e_sleep_ms(100);
    e2e_sleep_ms(500);
    kill(pid, SIGTERM);
    status = daemon_wait(pid, 30);
    cr_assert(eq(int, status, 0), "first SIGTERM: status %d", status);
    /* The batch was written (details of the claimed applications) and its leases dropped.
     */
    cr_assert(pgt_long("SELECT count(*) FROM application WHERE detail_at IS NOT NULL") >
              0);
    cr_assert(eq(
        long, pgt_long("SELECT count(*) FROM application WHERE lease_owner IS NOT NULL"),
        0));

    /* Every application due again: the second daemon has a batch of slow answers in
     * flight when the signals come (whatever the world's first batch left). */
    pgt_exec("UPDATE application SET next_poll_at = now()");
    pid = daemon_spawn(conf, log);
    e2e_sleep_ms(1500);
    kill(pid, SIGTERM);
    e2e_sleep_ms(50);
    t0 = (int64_t)time(NULL);
    kill(pid, SIGTERM);
    status = daemon_wait(pid, 10);
    cr_assert(eq(int, status, 1), "second SIGTERM: status %d", status);
    cr_assert(le(i64, (int64_t)time(NULL) - t0, 2),
              "the second SIGTERM did not exit at once");
    {
        char *t = tu_read_file(log, NULL);
        cr_assert(t && strstr(t, "second signal, exiting now"), "log: %s", t ? t : "");
        free(t);
    }
    unlink(log);
    free(log);
    sim_stop(&sim);
    free(conf);
}

/* Replaces "[http]\nlisten = off\n" in the config at path with listen on port. */
static void conf_listen(const char *path, int port)
{
    char *t = tu_read_file(path, NULL), *p = strstr(t, "[http]\nlisten = off\n");
    FILE *f;

    cr_assert(p != NULL);
    *p = '\0';
    f = fopen(path, "w");
    cr_assert(f != NULL);
    fprintf(f, "%s[http]\nlisten = 127.0.0.1:%d\n%s", t, port,
            p + strlen("[http]\nlisten = off\n"));
    fclose(f);
    free(t);
}

/* Issue 10 (low): a refused login (401 from /api/authenticate) is not a healthy answer:
 * the daemon backs off instead of trying the wrong password every cycle (an upstream
 * account lockout waiting to happen), and says so in the log and in /metrics. */
Test(daemons, low_auth_refusal_backs_off)
{
    struct store *st = pgt_open();
    struct sim sim;
    char *conf, *log = logpath("authbackoff"), *body, *stats, *pw;
    int port = free_port();
    long status, refused;
    pid_t pid;

    (void)st;
    sim_start(&sim, 40, NULL);
    conf = e2e_conf(&sim, "auth_backoff = 60", NULL);
    conf_listen(conf, port);
    {
        /* the account's password is wrong */
        char *t = tu_read_file(conf, NULL), *p = strstr(t, "password_file = ");
        cr_assert(p != NULL);
        pw = strndup(p + 16, strcspn(p + 16, "\n"));
        free(t);
        FILE *f = fopen(pw, "w");
        fputs("not-the-password\n", f);
        fclose(f);
    }
    pid = daemon_spawn(conf, log);
    e2e_sleep_ms(4500); /* four or five 1-second cycles */
    body = http_get_text(port, "/metrics", &status);
    cr_assert(eq(long, status, 200));
    cr_assert(strstr(body, "halaltrack_auth_refusals_total 1\n") != NULL, "%s", body);
    cr_assert(strstr(body, "halaltrack_auth_backoff_seconds 0\n") == NULL, "%s", body);
    free(body);
    stats = sim_call(&sim, "GET", "/_sim/stats", NULL);
    refused = strtol(strstr(stats, "\"authenticate\":{") + 16 + 6, NULL, 10);
    cr_assert(strstr(stats, "\"authenticate\":{\"401\":1}") != NULL,
              "the password was tried more than once: %s (%ld)", stats, refused);
    free(stats);
    kill(pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(pid, 30), 0));
    cr_assert(log_has(log, "authentication refused (HTTP 401)"));
    cr_assert(log_has(log, "backing off, next attempt in 60 s"));
    cr_assert(eq(int, log_has(log, "not-the-password"), 0));
    unlink(log);
    unlink(pw);
    free(pw);
    free(log);
    sim_stop(&sim);
    free(conf);
}

/* Issue 10 (low): two daemons configured with the same daemon.name must not release
 * each other's leases: a lease belongs to one process. Another daemon named "twin"
 * holds leases; a second "twin" runs a cycle and exits; the leases are still held. */
Test(daemons, low_same_name_daemons_keep_their_own_leases)
{
    struct store *st = pgt_open();
    struct sim sim;
    struct tu_result r;
    char *conf;

    (void)st;
    sim_start(&sim, 300, NULL);
    conf = e2e_conf(&sim, NULL, "[daemon]\nname = twin\n");
    r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s", r.err);
    tu_result_release(&r);
    /* what the first "twin" holds, as main wrote leases: owner = daemon.name */
    pgt_exec("UPDATE application SET lease_owner = 'twin',"
             " lease_until = now() + interval '1 hour', next_poll_at = now()"
             " WHERE id IN (SELECT id FROM application ORDER BY id LIMIT 10)");
    sim_advance(&sim, 3);
    r = daemon_once(conf);
    cr_assert(eq(int, r.status, 0), "%s", r.err);
    tu_result_release(&r);
    cr_assert(eq(long,
                 pgt_long("SELECT count(*) FROM application WHERE lease_owner = 'twin'"),
                 10),
              "the other daemon's leases were released");
    cr_assert(
        eq(long,
           pgt_long("SELECT count(*) FROM application WHERE lease_owner LIKE 'twin:%'"),
           0),
        "this daemon left leases behind");
    sim_stop(&sim);
    free(conf);
}

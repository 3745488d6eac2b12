/* TLS verification of the API client: on by default (an unknown CA and a wrong host name
 * are refused), a configured CA file is trusted, and only api.tls_verify = no turns it
 * off; the key defaults to yes, cannot be reloaded, and a bad value names its line. A
 * real TLS server (openssl s_server with a throwaway self-signed certificate) answers on
 * 127.0.0.1. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <curl/curl.h>
#include "halaltrack/cfg.h"
#include "halaltrack/http.h"
#include "test_util.h"

static char dir[] = "/tmp/ht-tls-XXXXXX";
static char cert[600], key[600];
static pid_t server = -1;
static int port;

static int free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), p;

    cr_assert(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    p = ntohs(sa.sin_port);
    close(fd);
    return p;
}

static int can_connect(int p)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)p);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static void start(void)
{
    char san[] = "subjectAltName=IP:127.0.0.1";
    char accept[64];
    struct tu_result r;

    cr_assert(mkdtemp(dir) != NULL);
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    {
        const char *argv[] = {"openssl", "req",     "-x509", "-newkey",       "rsa:2048",
                              "-nodes",  "-keyout", key,     "-out",          cert,
                              "-days",   "2",       "-subj", "/CN=127.0.0.1", "-addext",
                              san,       NULL};
        r = tu_run(argv, NULL, NULL, 60);
        cr_assert(r.status == 0, "openssl req failed (apt-get install openssl): %s",
                  r.err);
        tu_result_release(&r);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int attempt = 0; attempt < 5; attempt++) {
        port = free_port();
        snprintf(accept, sizeof(accept), "127.0.0.1:%d", port);
        server = fork();
        cr_assert(server >= 0);
        if (server == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", cert,
                   "-key", key, "-www", "-quiet", (char *)NULL);
            _exit(127);
        }
        for (int i = 0; i < 100; i++) {
            if (can_connect(port))
                return;
            if (waitpid(server, NULL, WNOHANG) == server)
                break;
            usleep(50000);
        }
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
        server = -1;
    }
    cr_fatal("openssl s_server did not start");
}

static void stop(void)
{
    char rm[700];

    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
    if (system(rm) != 0) {
        /* a leftover temporary directory is harmless */
    }
    curl_global_cleanup();
}

TestSuite(tls, .init = start, .fini = stop, .timeout = 60);

/* GETs https://HOST:port/ with the given options; returns http_request's result. */
static int get(const char *host, const char *ca_file, int insecure, long *status,
               char *msg, size_t msglen)
{
    struct http_opts o = {.connect_timeout_s = 5, .timeout_s = 10};
    struct ht_err err = HT_ERR_INIT;
    struct http_resp resp;
    struct http_client *hc;
    char url[128];
    int rc;

    o.ca_file = ca_file;
    hc = http_client_new(&o, &err);
    cr_assert(hc != NULL, "%s", err.msg);
    if (insecure)
        http_client_set_tls_verify(hc, 0);
    snprintf(url, sizeof(url), "https://%s:%d/", host, port);
    http_resp_init(&resp);
    rc = http_request(hc, "GET", url, NULL, NULL, &resp, &err);
    *status = resp.status;
    snprintf(msg, msglen, "%s", err.msg);
    http_resp_release(&resp);
    http_client_free(hc);
    return rc;
}

Test(tls, unknown_ca_is_refused_by_default)
{
    long status;
    char msg[256];

    cr_assert(eq(int, get("127.0.0.1", NULL, 0, &status, msg, sizeof(msg)), -1));
    cr_assert(eq(long, status, 0));
    cr_assert(strstr(msg, "certificate") != NULL,
              "error does not name the certificate: %s", msg);
}

Test(tls, configured_ca_file_is_trusted)
{
    long status;
    char msg[256];

    cr_assert(eq(int, get("127.0.0.1", cert, 0, &status, msg, sizeof(msg)), 0), "%s",
              msg);
    cr_assert(eq(long, status, 200));
}

Test(tls, wrong_host_name_is_refused_even_with_the_ca)
{
    long status;
    char msg[256];

    /* The certificate names only IP 127.0.0.1; "localhost" reaches the same server. */
    cr_assert(eq(int, get("localhost", cert, 0, &status, msg, sizeof(msg)), -1));
    cr_assert(eq(long, status, 0));
}

Test(tls, insecure_accepts_any_certificate)
{
    long status;
    char msg[256];

    cr_assert(eq(int, get("localhost", NULL, 1, &status, msg, sizeof(msg)), 0), "%s",
              msg);
    cr_assert(eq(long, status, 200));
}

/* ---- the config key ---- */

static char *conf_with(const char *extra)
{
    char text[1024];

    snprintf(text, sizeof(text),
             "[api]\nbase_url = https://127.0.0.1:1\nemail = ops@example.id\n"
             "password_env = HT_TLS_TEST_PW\n%s",
             extra);
    return tu_write_temp(".conf", text, strlen(text));
}

Test(tls, key_defaults_to_yes_and_no_turns_it_off)
{
    struct ht_err err = HT_ERR_INIT;
    char *p1, *p2;
    struct cfg *c;

    setenv("HT_TLS_TEST_PW", "pw-for-tls-test", 1);
    p1 = conf_with("");
    c = cfg_load(p1, &err);
    cr_assert(c != NULL, "%s", err.msg);
    cr_assert(eq(int, c->tls_verify, 1));
    cfg_free(c);
    p2 = conf_with("tls_verify = no\n");
    c = cfg_load(p2, &err);
    cr_assert(c != NULL, "%s", err.msg);
    cr_assert(eq(int, c->tls_verify, 0));
    cfg_free(c);
    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
}

Test(tls, bad_value_names_line_and_key)
{
    struct ht_err err = HT_ERR_INIT;
    char *p;
    struct cfg *c;

    setenv("HT_TLS_TEST_PW", "pw-for-tls-test", 1);
    p = conf_with("tls_verify = perhaps\n");
    c = cfg_load(p, &err);
    cr_assert(c == NULL);
    cr_assert(strstr(err.msg, ":5: key 'api.tls_verify'") != NULL, "%s", err.msg);
    unlink(p);
    free(p);
}

Test(tls, reload_keeps_the_old_setting)
{
    struct ht_err err = HT_ERR_INIT;
    char *p1, *p2;
    struct cfg *old, *next;

    setenv("HT_TLS_TEST_PW", "pw-for-tls-test", 1);
    p1 = conf_with("");
    p2 = conf_with("tls_verify = no\n");
    old = cfg_load(p1, &err);
    next = cfg_load(p2, &err);
    cr_assert(old && next, "%s", err.msg);
    cfg_keep_no_reload(old, next);
    cr_assert(eq(int, next->tls_verify, 1));
    cfg_free(old);
    cfg_free(next);
    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
}

/* lib/http against a tiny libmicrohttpd server started inside the test process: status
 * codes, Retry-After, the body size cap, timeouts, concurrent GETs, bearer header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <microhttpd.h>
#include "halaltrack/http.h"

static struct MHD_Daemon *srv;
static int port;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    unsigned code = 200;
    char body[256];
    size_t len;
    char *big = NULL;

    (void)cls;
    (void)method;
    (void)version;
    (void)upload;
    (void)req_cls;
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    snprintf(body, sizeof(body), "{\"path\":\"%s\"}", url);
    if (strcmp(url, "/auth") == 0) {
        const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        snprintf(body, sizeof(body), "%s", a ? a : "none");
    } else if (strncmp(url, "/status/", 8) == 0) {
        code = (unsigned)atoi(url + 8);
    } else if (strcmp(url, "/slow") == 0) {
        sleep(3);
    } else if (strcmp(url, "/big") == 0) {
        big = malloc(200000);
        memset(big, 'x', 200000);
    }
    if (big)
        r = MHD_create_response_from_buffer(200000, big, MHD_RESPMEM_MUST_FREE);
    else {
        len = strlen(body);
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_COPY);
    }
    if (strcmp(url, "/status/429") == 0)
        MHD_add_response_header(r, "Retry-After", "7");
    if (strcmp(url, "/status/503") == 0)
        MHD_add_response_header(r, "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static void setup(void)
{
    const union MHD_DaemonInfo *i;

    cr_assert(eq(int, http_global_init(), 0));
    srv =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                         0, NULL, NULL, answer, NULL, MHD_OPTION_END);
    cr_assert(srv != NULL);
    i = MHD_get_daemon_info(srv, MHD_DAEMON_INFO_BIND_PORT);
    port = i->port;
}

static void teardown(void)
{
    MHD_stop_daemon(srv);
    http_global_cleanup();
}

TestSuite(http, .init = setup, .fini = teardown, .timeout = 30);

static struct http_client *client(long timeout_s, size_t max_body)
{
    struct http_opts o = {2, timeout_s, NULL, max_body, 4};
    struct http_client *hc = http_client_new(&o, NULL);
    cr_assert(hc != NULL);
    return hc;
}

static void url(char *out, const char *path)
{
    snprintf(out, 128, "http://127.0.0.1:%d%s", port, path);
}

Test(http, ok_body_and_bearer)
{
    struct http_client *hc = client(5, 0);
    struct http_resp r;
    char u[128];

    http_resp_init(&r);
    url(u, "/auth");
    cr_assert(eq(int, http_request(hc, "GET", u, "tok123", NULL, &r, NULL), 0));
    cr_assert(eq(long, r.status, 200));
    cr_assert(eq(str, (char *)buf_str(&r.body), "Bearer tok123"));
    http_resp_release(&r);
    http_resp_init(&r);
    url(u, "/hello");
    cr_assert(eq(int, http_request(hc, "POST", u, NULL, "{\"a\":1}", &r, NULL), 0));
    cr_assert(eq(str, (char *)buf_str(&r.body), "{\"path\":\"/hello\"}"));
    http_resp_release(&r);
    http_client_free(hc);
}

Test(http, status_codes_and_retry_after)
{
    struct http_client *hc = client(5, 0);
    struct http_resp r;
    char u[128];
    static const long codes[] = {400, 401, 404, 429, 500, 502, 503};

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        char p[32];
        snprintf(p, sizeof(p), "/status/%ld", codes[i]);
        url(u, p);
        http_resp_init(&r);
        cr_assert(eq(int, http_request(hc, "GET", u, NULL, NULL, &r, NULL), 0));
        cr_assert(eq(long, r.status, codes[i]));
        if (codes[i] == 429)
            cr_assert(eq(str, r.retry_after, "7"));
        else if (codes[i] == 503)
            cr_assert(eq(str, r.retry_after, "Wed, 21 Oct 2015 07:28:00 GMT"));
        else
            cr_assert(r.retry_after == NULL);
        http_resp_release(&r);
    }
    http_client_free(hc);
}

Test(http, body_over_the_cap_fails)
{
    struct http_client *hc = client(5, 100000);
    struct http_resp r;
    struct ht_err err = HT_ERR_INIT;
    char u[128];

    http_resp_init(&r);
    url(u, "/big");
    cr_assert(eq(int, http_request(hc, "GET", u, NULL, NULL, &r, &err), -1));
    cr_assert(eq(int, err.code, HT_ELIMIT), "%s", err.msg);
    cr_assert(eq(long, r.status, 0));
    http_resp_release(&r);
    http_client_free(hc);
}

Test(http, timeout)
{
    struct http_client *hc = client(1, 0);
    struct http_resp r;
    struct ht_err err = HT_ERR_INIT;
    char u[128];

    http_resp_init(&r);
    url(u, "/slow");
    cr_assert(eq(int, http_request(hc, "GET", u, NULL, NULL, &r, &err), -1));
    cr_assert(eq(int, err.code, HT_ETIMEOUT), "%s", err.msg);
    http_resp_release(&r);
    http_client_free(hc);
}

Test(http, connection_refused)
{
    struct http_client *hc = client(2, 0);
    struct http_resp r;
    struct ht_err err = HT_ERR_INIT;

    http_resp_init(&r);
    cr_assert(eq(
        int, http_request(hc, "GET", "http://127.0.0.1:1/", NULL, NULL, &r, &err), -1));
    cr_assert(eq(int, err.code, HT_EHTTP));
    cr_assert(strstr(err.msg, "onnect") != NULL, "%s", err.msg);
    http_resp_release(&r);
    http_client_free(hc);
}

Test(http, many_concurrent_gets)
{
    struct http_client *hc = client(5, 0);
    struct http_req reqs[30];
    char urls[30][128];

    for (int i = 0; i < 30; i++) {
        char p[32];
        snprintf(p, sizeof(p), i == 7 ? "/status/%d" : "/item/%d", i == 7 ? 503 : i);
        url(urls[i], p);
        reqs[i].url = urls[i];
        http_resp_init(&reqs[i].resp);
    }
    cr_assert(eq(int, http_get_many(hc, reqs, 30, 4, "t", NULL), 0));
    for (int i = 0; i < 30; i++) {
        char want[64];
        if (i == 7) {
            cr_assert(eq(long, reqs[i].resp.status, 503));
        } else {
            snprintf(want, sizeof(want), "{\"path\":\"/item/%d\"}", i);
            cr_assert(eq(long, reqs[i].resp.status, 200));
            cr_assert(eq(str, (char *)buf_str(&reqs[i].resp.body), want));
        }
        http_resp_release(&reqs[i].resp);
    }
    http_client_free(hc);
}

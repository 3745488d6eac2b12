/* libcurl wrapper: easy + multi handles, keep-alive, timeouts, capped bodies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "halaltrack/http.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

struct http_client {
    CURL *easy;
    CURLM *multi;
    CURL **pool; /* reusable easy handles for the multi */
    int npool;
    struct http_opts o;
    char *ca_file;
    int insecure; /* 1 only after http_client_set_tls_verify(hc, 0) */
};

int http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void http_global_cleanup(void)
{
    curl_global_cleanup();
}

void http_resp_init(struct http_resp *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->body, HTTP_MAX_BODY);
}

void http_resp_release(struct http_resp *r)
{
    buf_release(&r->body);
    free(r->retry_after);
    r->retry_after = NULL;
    free(r->date);
    r->date = NULL;
    r->status = 0;
    ht_err_clear(&r->err);
}

struct xfer {
    struct http_resp *resp;
    int over_cap;
    char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if (buf_add(&x->resp->body, ptr, n) < 0) {
        x->over_cap = 1;
        return 0; /* aborts the transfer */
    }
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if ((n > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) ||
        (n > 5 && strncasecmp(ptr, "Date:", 5) == 0)) {
        int ra = ptr[0] == 'R' || ptr[0] == 'r';
        size_t a = ra ? 12 : 5, e = n;
        char **slot = ra ? &x->resp->retry_after : &x->resp->date;
        while (a < n && (ptr[a] == ' ' || ptr[a] == '\t'))
            a++;
        while (e > a && (ptr[e - 1] == '\r' || ptr[e - 1] == '\n' || ptr[e - 1] == ' '))
            e--;
        free(*slot);
        *slot = xstrndup(ptr + a, e - a);
    }
    return n;
}

static void setup_common(struct http_client *hc, CURL *e, struct xfer *x)
{
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, hc->o.connect_timeout_s);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, hc->o.timeout_s);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "halaltrackd/0.1");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)hc->o.max_body);
    if (hc->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, hc->ca_file);
    /* Verification is on unless explicitly turned off (api.tls_verify = no, logged). */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, hc->insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, hc->insecure ? 0L : 2L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    x->errbuf[0] = '\0';
}

struct http_client *http_client_new(const struct http_opts *o, struct ht_err *err)
{
    struct http_client *hc = calloc(1, sizeof(*hc));

    if (!hc) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return NULL;
    }
    hc->o = *o;
    if (!hc->o.max_body)
        hc->o.max_body = HTTP_MAX_BODY;
    if (hc->o.max_conns <= 0)
        hc->o.max_conns = 8;
    if (o->ca_file && *o->ca_file && !(hc->ca_file = strdup(o->ca_file)))
        goto oom;
    hc->o.ca_file = NULL;
    hc->easy = curl_easy_init();
    hc->multi = curl_multi_init();
    if (!hc->easy || !hc->multi)
        goto oom;
    curl_multi_setopt(hc->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)hc->o.max_conns);
    curl_multi_setopt(hc->multi, CURLMOPT_MAXCONNECTS, (long)hc->o.max_conns);
    return hc;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
    http_client_free(hc);
    return NULL;
}

void http_client_set_tls_verify(struct http_client *hc, int verify)
{
    hc->insecure = !verify;
}

void http_client_free(struct http_client *hc)
{
    if (!hc)
        return;
    for (int i = 0; i < hc->npool; i++)
        curl_easy_cleanup(hc->pool[i]);
    free(hc->pool);
    if (hc->multi)
        curl_multi_cleanup(hc->multi);
    curl_easy_cleanup(hc->easy);
    free(hc->ca_file);
    free(hc);
}

/* Turns a finished transfer's CURLcode into resp fields. */
static int finish(struct http_client *hc, CURL *e, CURLcode rc, struct xfer *x)
{
    struct http_resp *r = x->resp;

    if (rc == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
        return 0;
    }
    r->status = 0;
    if (x->over_cap || rc == CURLE_FILESIZE_EXCEEDED)
        ht_err_set(&r->err, HT_ELIMIT, "response body over the %zu-byte cap",
                   hc->o.max_body);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        ht_err_set(&r->err, HT_ETIMEOUT, "transfer timed out: %s",
                   x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    else
        ht_err_set(&r->err, HT_EHTTP, "transfer failed: %s",
                   x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    buf_release(&r->body);
    return -1;
}

int http_request(struct http_client *hc, const char *method, const char *url,
                 const char *bearer, const char *body, struct http_resp *resp,
                 struct ht_err *err)
{
    struct xfer x;
    struct curl_slist *h = NULL;
    char auth[2048];
    CURLcode rc;
    int ret;

    memset(&x, 0, sizeof(x));
    x.resp = resp;
    resp->body.max = hc->o.max_body;
    curl_easy_reset(hc->easy);
    setup_common(hc, hc->easy, &x);
    curl_easy_setopt(hc->easy, CURLOPT_URL, url);
    h = curl_slist_append(h, "Accept: application/json");
    if (bearer) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth);
        explicit_bzero(auth, sizeof(auth));
    }
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(hc->easy, CURLOPT_POSTFIELDS, body);
    }
    if (strcmp(method, "POST") == 0 && !body)
        curl_easy_setopt(hc->easy, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(hc->easy, CURLOPT_HTTPHEADER, h);
    rc = curl_easy_perform(hc->easy);
    ret = finish(hc, hc->easy, rc, &x);
    /* Drop the copied header list (it held the token) before returning. */
    curl_easy_setopt(hc->easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(hc->easy, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(h);
    if (ret < 0)
        ht_err_set(err, resp->err.code, "%s", resp->err.msg);
    return ret;
}

int http_get_many(struct http_client *hc, struct http_req *reqs, size_t n,
                  int concurrency, const char *bearer, struct ht_err *err)
{
    struct xfer *xs = NULL;
    int *slot_req = NULL; /* pool slot -> request index, -1 when idle */
    struct curl_slist *h = NULL;
    char auth[2048];
    size_t next = 0, done = 0;
    int ret = -1;

    if (n == 0)
        return 0;
    if (concurrency < 1)
        concurrency = 1;
    if ((size_t)concurrency > n)
        concurrency = (int)n;
    if (concurrency > hc->npool) {
        CURL **p = realloc(hc->pool, (size_t)concurrency * sizeof(CURL *));
        if (!p)
            goto oom;
        hc->pool = p;
        while (hc->npool < concurrency) {
            if (!(hc->pool[hc->npool] = curl_easy_init()))
                goto oom;
            hc->npool++;
        }
    }
    xs = calloc((size_t)concurrency, sizeof(*xs));
    slot_req = malloc((size_t)concurrency * sizeof(int));
    if (!xs || !slot_req)
        goto oom;
    h = curl_slist_append(h, "Accept: application/json");
    if (bearer) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth);
        explicit_bzero(auth, sizeof(auth));
    }
    for (int i = 0; i < concurrency; i++)
        slot_req[i] = -1;

    while (done < n) {
        int running = 0, msgs;
        CURLMsg *m;

        for (int i = 0; i < concurrency && next < n; i++) {
            if (slot_req[i] != -1)
                continue;
            CURL *e = hc->pool[i];
            curl_easy_reset(e);
            memset(&xs[i], 0, sizeof(xs[i]));
            xs[i].resp = &reqs[next].resp;
            reqs[next].resp.body.max = hc->o.max_body;
            setup_common(hc, e, &xs[i]);
            curl_easy_setopt(e, CURLOPT_URL, reqs[next].url);
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
            curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)(intptr_t)i);
            if (curl_multi_add_handle(hc->multi, e) != CURLM_OK) {
                ht_err_set(err, HT_EHTTP, "cannot add a transfer to the multi handle");
                goto out;
            }
            slot_req[i] = (int)next++;
        }
        if (curl_multi_perform(hc->multi, &running) != CURLM_OK) {
            ht_err_set(err, HT_EHTTP, "multi transfer failed");
            goto out;
        }
        while ((m = curl_multi_info_read(hc->multi, &msgs))) {
            void *priv = NULL;
            int i;

            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
            i = (int)(intptr_t)priv;
            finish(hc, m->easy_handle, m->data.result, &xs[i]);
            curl_multi_remove_handle(hc->multi, m->easy_handle);
            curl_easy_setopt(m->easy_handle, CURLOPT_HTTPHEADER, NULL);
            slot_req[i] = -1;
            done++;
        }
        if (done < n && running > 0)
            curl_multi_poll(hc->multi, NULL, 0, 200, NULL);
    }
    ret = 0;
out:
    if (ret < 0 && slot_req)
        for (int i = 0; i < concurrency; i++)
            if (slot_req[i] != -1)
                curl_multi_remove_handle(hc->multi, hc->pool[i]);
    curl_slist_free_all(h);
    free(xs);
    free(slot_req);
    return ret;
oom:
    ht_err_set(err, HT_ENOMEM, "out of memory");
    goto out;
}

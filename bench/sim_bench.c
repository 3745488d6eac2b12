/* sim_bench: requests per second for list pages of a running halalsim over keep-alive
 * connections (one libcurl easy handle per thread, reused), e.g.
 *   sim_bench http://127.0.0.1:8080 [requests per connection=20000] [size=100]
 * [threads=1] Credentials come from HALALSIM_EMAIL / HALALSIM_PASSWORD (defaults:
 * halalsim's). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_util.h"
#include "halaltrack/banned.h"

struct sink {
    size_t bytes;
    char head[512];
    size_t hlen;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct sink *s = ud;
    size_t len = sz * n;

    if (s->hlen + 1 < sizeof(s->head)) {
        size_t k =
            len < sizeof(s->head) - 1 - s->hlen ? len : sizeof(s->head) - 1 - s->hlen;

        memcpy(s->head + s->hlen, p, k);
        s->hlen += k;
        s->head[s->hlen] = '\0';
    }
    s->bytes += len;
    return len;
}

static const char *base;
static char auth[256];
static long nreq, size, total_pages;

struct result {
    long ok, failed;
    size_t bytes;
};

static void *worker(void *arg)
{
    struct result *r = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    char url[512];
    struct sink s;

    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    for (long i = 0; i < nreq; i++) {
        long code = 0;

        char q[64];

        snprintf(q, sizeof(q), "page=%ld&size=%ld", 1 + (i * 7919) % total_pages, size);
        if (bench_url(url, sizeof(url), base, API_APPLICATIONS, NULL, q) < 0)
            break;
        curl_easy_setopt(h, CURLOPT_URL, url);
        memset(&s, 0, sizeof(s));
        if (curl_easy_perform(h) == CURLE_OK &&
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK &&
            code == 200)
            r->ok++;
        else
            r->failed++;
        r->bytes += s.bytes;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *email = getenv("HALALSIM_EMAIL"), *pw = getenv("HALALSIM_PASSWORD");
    char url[512], body[512];
    struct sink s = {0};
    CURL *h;
    long threads;
    const char *tok, *end;
    pthread_t tid[64];
    struct result res[64];
    struct timespec t0, t1;
    double secs;
    long ok = 0, failed = 0;
    size_t bytes = 0;

    if (argc < 2) {
        fprintf(
            stderr,
            "usage: sim_bench BASE_URL [requests-per-connection] [size] [connections]\n");
        return 2;
    }
    base = argv[1];
    nreq = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
    size = argc > 3 ? strtol(argv[3], NULL, 10) : 100;
    threads = argc > 4 ? strtol(argv[4], NULL, 10) : 1;
    if (nreq < 1 || size < 1 || size > 100 || threads < 1 || threads > 64) {
        fprintf(stderr, "sim_bench: bad arguments\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    (void)bench_url(url, sizeof(url), base, API_AUTH, NULL, NULL); /* "" fails below */
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}",
             email ? email : "dinkop@pasuruankota.go.id", pw ? pw : "sim-password");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    if (curl_easy_perform(h) != CURLE_OK || !(tok = strstr(s.head, "\"token\":\"")) ||
        !(end = strchr(tok + 9, '"'))) {
        fprintf(stderr, "sim_bench: cannot authenticate at %s\n", url);
        return 1;
    }
    snprintf(auth, sizeof(auth), "Authorization: Bearer %.*s", (int)(end - tok - 9),
             tok + 9);
    /* the number of pages, from total_item (near the end of a size=1 page) */
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    {
        struct curl_slist *hdr = curl_slist_append(NULL, auth);
        const char *ti;

        memset(&s, 0, sizeof(s));
        if (bench_url(url, sizeof(url), base, API_APPLICATIONS, NULL, "page=1&size=1") <
            0)
            return 1;
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_perform(h);
        curl_slist_free_all(hdr);
        ti = strstr(s.head, "\"total_item\":");
        total_pages = ti ? (strtol(ti + 13, NULL, 10) + size - 1) / size : 1;
        if (total_pages < 1)
            total_pages = 1;
    }
    curl_easy_cleanup(h);
    memset(res, 0, sizeof(res));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, worker, &res[i]);
    for (long i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        ok += res[i].ok;
        failed += res[i].failed;
        bytes += res[i].bytes;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf(
        "sim_bench: %ld pages of %ld items over %ld keep-alive connection(s) in %.2f s: "
        "%.0f requests/s, %.1f MB/s, %ld failed (of %ld pages available)\n",
        ok, size, threads, secs, (double)ok / secs, (double)bytes / secs / 1e6, failed,
        total_pages);
    curl_global_cleanup();
    return failed ? 1 : 0;
}

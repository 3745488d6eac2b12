/* curl_loop: the simulator's own request rate, the HTTP limit for the benchmark. A bare
 * libcurl keep-alive loop fetching the same list pages and details the daemon fetches,
 * with no parsing (the body is counted and dropped) and no database.
 *
 *   curl_loop --base URL --ids FILE [--page-size 100] [--parallel P] [--email E]
 *             (password from HALALSIM_PASSWORD, default sim-password)
 *
 * FILE is a halalsim truth dump (or any file with "id_reg":"..." on each line): one
 * detail request per line. Prints one JSON object: requests, bytes, seconds and rates of
 * the list sweep and of the details, with P transfers in flight over reused connections.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "bench_util.h"
#include "common.h"
#include "halaltrack/banned.h"

#define MAX_PARALLEL 64
#define BODY_PEEK (1024 * 1024)

struct xfer {
    CURL *h;
    size_t bytes;
    char *peek; /* the start of the body, for the token and the page count */
    size_t peek_len;
    int keep; /* only the untimed requests keep their body */
    char url[512];
};

struct phase {
    long requests, errors;
    double bytes, seconds;
};

static char auth_header[600];
static struct curl_slist *headers;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = sz * n;

    if (x->keep && x->peek_len + 1 < BODY_PEEK) {
        size_t k = BODY_PEEK - 1 - x->peek_len;

        if (k > len)
            k = len;
        memcpy(x->peek + x->peek_len, p, k);
        x->peek_len += k;
        x->peek[x->peek_len] = '\0';
    }
    x->bytes += len;
    return len;
}

static void xfer_setup(struct xfer *x, const char *url)
{
    snprintf(x->url, sizeof(x->url), "%s", url);
    x->bytes = 0;
    x->peek_len = 0;
    x->keep = 0;
    curl_easy_setopt(x->h, CURLOPT_URL, x->url);
    curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(x->h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(x->h, CURLOPT_TCP_KEEPALIVE, 1L);
}

/* URL producer: returns 0 and fills url, or 1 when done. */
struct source {
    const char *base;
    long page, pages, size; /* list mode when pages > 0 */
    FILE *ids;              /* detail mode */
    char *line;
    size_t cap;
};

static int next_url(struct source *s, char *url, size_t n)
{
    char id[128];

    if (s->pages > 0) {
        if (s->page > s->pages)
            return 1;
        char q[64];

        snprintf(q, sizeof(q), "page=%ld&size=%ld", s->page++, s->size);
        return bench_url(url, n, s->base, API_APPLICATIONS, NULL, q) < 0;
    }
    while (getline(&s->line, &s->cap, s->ids) > 0) {
        char ch[16] = "";

        if (bench_json_peek(s->line, "id_reg", id, sizeof(id)))
            continue;
        (void)bench_json_peek(s->line, "channel_id", ch, sizeof(ch));
        if (bench_url(url, n, s->base, bench_detail_path(ch, NULL), id, NULL) < 0)
            continue;
        return 0;
    }
    return 1;
}

/* Runs every URL of src with up to par transfers in flight; connections are reused. */
static int run_phase(CURLM *m, struct xfer *xs, int par, struct source *src,
                     struct phase *ph)
{
    char url[512];
    int running = 0, inflight = 0, done = 0;
    double t0 = bench_now();

    memset(ph, 0, sizeof(*ph));
    for (int i = 0; i < par && !done; i++) {
        if (next_url(src, url, sizeof(url))) {
            done = 1;
            break;
        }
        xfer_setup(&xs[i], url);
        curl_multi_add_handle(m, xs[i].h);
        inflight++;
    }
    while (inflight > 0) {
        CURLMsg *msg;
        int q;

        if (curl_multi_perform(m, &running) != CURLM_OK)
            return -1;
        while ((msg = curl_multi_info_read(m, &q))) {
            struct xfer *x = NULL;
            long code = 0;

            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            ph->requests++;
            ph->bytes += (double)x->bytes;
            if (msg->data.result != CURLE_OK || code != 200) {
                ph->errors++;
                if (ph->errors <= 3)
                    fprintf(stderr, "curl_loop: '%s': %s (HTTP %ld)\n", x->url,
                            curl_easy_strerror(msg->data.result), code);
            }
            curl_multi_remove_handle(m, x->h);
            inflight--;
            if (!done && !next_url(src, url, sizeof(url))) {
                xfer_setup(x, url);
                curl_multi_add_handle(m, x->h);
                inflight++;
            } else {
                done = 1;
            }
        }
        if (inflight > 0 && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
            return -1;
    }
    ph->seconds = bench_now() - t0;
    return 0;
}

static int fetch_one(struct xfer *x, const char *url, const char *post)
{
    long code = 0;
    CURLcode rc;

    xfer_setup(x, url);
    x->keep = 1;
    x->peek[0] = '\0';
    if (post) {
        curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, post);
    }
    rc = curl_easy_perform(x->h);
    curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L);
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200) {
        fprintf(stderr, "curl_loop: '%s': %s (HTTP %ld)\n", url, curl_easy_strerror(rc),
                code);
        return -1;
    }
    return 0;
}

static void print_phase(const char *name, const struct phase *p, int last)
{
    printf("  \"%s\": {\"requests\": %ld, \"errors\": %ld, \"bytes\": %.0f, \"seconds\": "
           "%.3f,"
           " \"requests_per_s\": %.0f}%s\n",
           name, p->requests, p->errors, p->bytes, p->seconds,
           p->seconds > 0 ? p->requests / p->seconds : 0.0, last ? "" : ",");
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage:\n  curl_loop --base URL --ids FILE [--page-size N] [--parallel P]"
            " [--email EMAIL]\n\n"
            "Fetches every list page and one detail per id_reg in FILE with a bare\n"
            "keep-alive libcurl loop (no parsing, no database) and prints the rates as\n"
            "JSON. The password comes from HALALSIM_PASSWORD (default sim-password).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"base", required_argument, NULL, 'b'},
        {"ids", required_argument, NULL, 'i'},
        {"page-size", required_argument, NULL, 's'},
        {"parallel", required_argument, NULL, 'p'},
        {"email", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *base = NULL, *ids = NULL, *email = "dinkop@pasuruankota.go.id";
    const char *pw = bench_password();
    long size = 100, par = 8, total = 0, pages = 0;
    struct xfer xs[MAX_PARALLEL];
    struct source src;
    struct phase list, detail;
    CURLM *m = NULL;
    char url[512], body[512], token[512];
    int ch, rc = 1, nx = 0;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            base = optarg;
            break;
        case 'i':
            ids = optarg;
            break;
        case 's':
            size = strtol(optarg, NULL, 10);
            break;
        case 'p':
            par = strtol(optarg, NULL, 10);
            break;
        case 'e':
            email = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!base || !ids || optind != argc || size < 1 || size > 100 || par < 1 ||
        par > MAX_PARALLEL) {
        usage(stderr);
        return 2;
    }
    memset(&src, 0, sizeof(src));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (nx = 0; nx < par; nx++) {
        memset(&xs[nx], 0, sizeof(xs[nx]));
        if (!(xs[nx].h = curl_easy_init()))
            goto out;
        curl_easy_setopt(xs[nx].h, CURLOPT_PRIVATE, (char *)&xs[nx]);
        if (!nx && !(xs[nx].peek = malloc(BODY_PEEK)))
            goto out;
    }
    headers = curl_slist_append(NULL, "Content-Type: application/json");
    (void)bench_url(url, sizeof(url), base, API_AUTH, NULL, NULL); /* "" fails below */
    if (bench_auth_body(body, sizeof(body), email, pw) || fetch_one(&xs[0], url, body) ||
        bench_json_peek(xs[0].peek, "token", token, sizeof(token))) {
        fprintf(stderr, "curl_loop: cannot authenticate at '%s'\n", base);
        goto out;
    }
    curl_slist_free_all(headers);
    snprintf(auth_header, sizeof(auth_header), "Authorization: Bearer %s", token);
    headers = curl_slist_append(NULL, auth_header);
    {
        char q[48];

        snprintf(q, sizeof(q), "page=1&size=%ld", size);
        if (bench_url(url, sizeof(url), base, API_APPLICATIONS, NULL, q) < 0)
            goto out;
    }
    if (fetch_one(&xs[0], url, NULL) ||
        bench_json_peek_long(xs[0].peek, "total_item", &total) ||
        bench_json_peek_long(xs[0].peek, "total_page", &pages)) {
        fprintf(stderr, "curl_loop: cannot read the page count from '%s'\n", url);
        goto out;
    }
    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, par);
    src.base = base;
    src.page = 1;
    src.pages = pages;
    src.size = size;
    if (run_phase(m, xs, (int)par, &src, &list))
        goto out;
    src.pages = 0;
    if (!(src.ids = fopen(ids, "r"))) {
        fprintf(stderr, "curl_loop: cannot open '%s'\n", ids);
        goto out;
    }
    if (run_phase(m, xs, (int)par, &src, &detail))
        goto out;
    printf("{\n  \"total_item\": %ld,\n  \"page_size\": %ld,\n  \"parallel\": %ld,\n",
           total, size, par);
    print_phase("list", &list, 0);
    print_phase("detail", &detail, 0);
    {
        struct phase all = {list.requests + detail.requests, list.errors + detail.errors,
                            list.bytes + detail.bytes, list.seconds + detail.seconds};

        print_phase("all", &all, 1);
    }
    printf("}\n");
    rc = list.errors + detail.errors ? 1 : 0;
out:
    if (src.ids)
        fclose(src.ids);
    free(src.line);
    curl_multi_cleanup(m);
    for (int i = 0; i < nx; i++)
        curl_easy_cleanup(xs[i].h);
    if (nx)
        free(xs[0].peek);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return rc;
}

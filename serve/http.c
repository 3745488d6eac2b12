/* halaltrack-serve's HTTP side (libmicrohttpd): one thread per connection, limits per
 * client address, the client address behind a trusted proxy, the request's language,
 * routing, security headers and the access log (no codes, no tokens: bodies and the
 * Authorization header are never logged). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>
#include "serve.h"
#include "halaltrack/i18n.h"
#include "halaltrack/jsonw.h"
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

struct client_count {
    char addr[48];
    unsigned n;
};

/* What one connection keeps: its peer address, counted against its limit. */
struct conn_ctx {
    char addr[48];
};

int64_t serve_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void addr_text(const struct sockaddr *sa, char out[48])
{
    out[0] = '\0';
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  48);
    else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a =
            &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

        /* An IPv4 client on a dual-stack socket is written as IPv4. */
        if (IN6_IS_ADDR_V4MAPPED(a))
            inet_ntop(AF_INET, &a->s6_addr[12], out, 48);
        else
            inet_ntop(AF_INET6, a, out, 48);
    }
}

static int is_proxy(const struct serve *sv, const char *addr)
{
    for (size_t i = 0; i < sv->nproxies; i++)
        if (strcmp(sv->proxies[i], addr) == 0)
            return 1;
    return 0;
}

/* ---- connections per client ---- */

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
    struct serve *sv = cls;
    char addr[48];
    unsigned limit;
    size_t i;
    enum MHD_Result ok = MHD_NO;

    (void)len;
    addr_text(sa, addr);
    /* A proxy carries many clients: it may use every connection (its own limits, see
     * etc/nginx/, keep one client from taking them all). */
    limit = is_proxy(sv, addr) ? (unsigned)sv->cfg->max_connections
                               : (unsigned)sv->cfg->max_per_client;
    pthread_mutex_lock(&sv->clients);
    for (i = 0; i < sv->ncounts; i++)
        if (strcmp(sv->counts[i].addr, addr) == 0)
            break;
    if (i == sv->ncounts) {
        if (sv->ncounts == sv->capcounts) {
            size_t cap = sv->capcounts ? 2 * sv->capcounts : 64;
            struct client_count *c = realloc(sv->counts, cap * sizeof(*c));

            if (!c)
                goto out;
            sv->counts = c;
            sv->capcounts = cap;
        }
        memcpy(sv->counts[i].addr, addr, sizeof(addr));
        sv->counts[i].n = 0;
        sv->ncounts++;
    }
    if (sv->counts[i].n < limit) {
        sv->counts[i].n++;
        ok = MHD_YES;
    } else {
        log_warn("connection refused: too many from one client client=%s limit=%u", addr,
                 limit);
    }
out:
    pthread_mutex_unlock(&sv->clients);
    return ok;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode what)
{
    struct serve *sv = cls;
    struct conn_ctx *cc = *socket_ctx;

    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

        if ((cc = calloc(1, sizeof(*cc))))
            addr_text(ci ? ci->client_addr : NULL, cc->addr);
        *socket_ctx = cc;
        return;
    }
    if (!cc)
        return;
    pthread_mutex_lock(&sv->clients);
    for (size_t i = 0; i < sv->ncounts; i++) {
        if (strcmp(sv->counts[i].addr, cc->addr) != 0)
            continue;
        if (--sv->counts[i].n == 0)
            sv->counts[i] = sv->counts[--sv->ncounts];
        break;
    }
    pthread_mutex_unlock(&sv->clients);
    free(cc);
    *socket_ctx = NULL;
}

/* ---- the request ---- */

const char *req_arg(const struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The client: the peer, or behind a trusted proxy the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy (entries left of it were written by the client). */
static void client_address(const struct serve *sv, struct request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *xff;
    char list[1024];

    addr_text(ci ? ci->client_addr : NULL, r->client);
    if (!is_proxy(sv, r->client) || !(xff = req_header(r, "X-Forwarded-For")))
        return;
    snprintf(list, sizeof(list), "%s", xff);
    for (;;) {
        char *comma = strrchr(list, ',');
        char *item = comma ? comma + 1 : list;
        unsigned char bin[16];
        size_t n;

        item += strspn(item, " \t");
        n = strcspn(item, " \t");
        item[n] = '\0';
        if (inet_pton(AF_INET, item, bin) != 1 && inet_pton(AF_INET6, item, bin) != 1)
            return; /* not an address: keep what we have */
        snprintf(r->client, sizeof(r->client), "%s", item);
        if (!comma || !is_proxy(sv, item))
            return;
        *comma = '\0';
    }
}

/* id or en: ?lang=, the form's lang, else the first of Accept-Language that we speak. */
static void request_lang(struct request *r)
{
    const char *q = req_arg(r, "lang"), *al;
    double best = -1;

    snprintf(r->lang, sizeof(r->lang), "id");
    if (q && (strcmp(q, "id") == 0 || strcmp(q, "en") == 0)) {
        snprintf(r->lang, sizeof(r->lang), "%s", q);
        return;
    }
    if (!(al = req_header(r, "Accept-Language")))
        return;
    while (*al) {
        size_t n = strcspn(al, ",");
        char item[64];
        const char *semi;
        double w = 1.0;

        snprintf(item, sizeof(item), "%.*s", (int)(n < 63 ? n : 63), al);
        if ((semi = strstr(item, ";q=")))
            w = strtod(semi + 3, NULL);
        const char *t = item + strspn(item, " ");
        if (w > best &&
            (strncmp(t, "id", 2) == 0 || strncmp(t, "in", 2) == 0 ||
             strncmp(t, "en", 2) == 0) &&
            (t[2] == '\0' || t[2] == '-' || t[2] == ';' || t[2] == ' ')) {
            snprintf(r->lang, sizeof(r->lang), "%s",
                     strncmp(t, "en", 2) == 0 ? "en" : "id");
            best = w;
        }
        al += n;
        al += *al == ',';
    }
}

/* ---- answers ---- */

FILE *answer_open(struct answer *a, unsigned status, const char *type)
{
    a->status = status;
    a->type = type;
    free(a->body);
    a->body = NULL;
    a->len = 0;
    return open_memstream(&a->body, &a->len);
}

int answer_close(struct answer *a, FILE *fp)
{
    int bad = ferror(fp);

    if (fclose(fp) != 0 || bad) {
        free(a->body);
        a->body = NULL;
        a->len = 0;
        answer_text(a, 500, "cannot write the answer\n");
        return -1;
    }
    return 0;
}

void answer_text(struct answer *a, unsigned status, const char *text)
{
    free(a->body);
    a->status = status;
    a->type = "text/plain; charset=utf-8";
    a->body = strdup(text);
    a->len = a->body ? strlen(a->body) : 0;
}

void answer_json_error(struct answer *a, unsigned status, const char *error,
                       const char *message)
{
    struct buf b = BUF_INIT(BUF_CAP_LINE);

    free(a->body);
    a->body = NULL;
    a->status = status;
    a->type = "application/json";
    if (buf_adds(&b, "{\"error\": ") < 0 || jsonw_quote(&b, error, JSONW_ASCII) < 0 ||
        buf_adds(&b, ", \"message\": ") < 0 ||
        jsonw_quote(&b, message, JSONW_ASCII) < 0 || buf_adds(&b, "}\n") < 0) {
        a->len = 0;
        return;
    }
    a->len = b.len;
    a->body = buf_detach(&b);
}

void serve_render_begin(struct serve *sv, const char *lang)
{
    pthread_mutex_lock(&sv->render);
    if (i18n_set_lang(lang) < 0)
        (void)i18n_set_lang("id");
}

void serve_render_end(struct serve *sv)
{
    pthread_mutex_unlock(&sv->render);
}

/* ---- routing ---- */

static int path_matches(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);

    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0 && path[n - 1] &&
               !strchr(path + n - 1, '/');
    return strcmp(pattern, path) == 0;
}

static void dispatch(struct serve *sv, struct request *r, struct answer *a)
{
    int path_known = 0;

    if (r->too_large) {
        answer_json_error(a, 413, "too_large", "the request body is too large");
        return;
    }
    for (size_t i = 0; i < serve_nroutes; i++) {
        if (!path_matches(serve_routes[i].path, r->path))
            continue;
        path_known = 1;
        if (strcmp(serve_routes[i].method, r->method) == 0) {
            serve_routes[i].fn(sv, r, a);
            return;
        }
    }
    if (path_known)
        answer_json_error(a, 405, "method_not_allowed",
                          "method not allowed on this path");
    else
        answer_json_error(a, 404, "not_found", "no such page");
}

/* The path for the log: printable ASCII, at most 200 bytes. */
static void log_path(const char *in, char out[208])
{
    size_t n = 0;

    for (; *in && n < 200; in++)
        out[n++] = (*in > 0x20 && *in < 0x7f && *in != '"') ? *in : '?';
    out[n] = '\0';
}

static enum MHD_Result send_answer(struct serve *sv, struct request *r, struct answer *a)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    int html = a->type && strncmp(a->type, "text/html", 9) == 0;

    if (!a->body) {
        a->body = strdup("");
        a->len = 0;
    }
    resp = MHD_create_response_from_buffer(a->len, a->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(a->body);
        a->body = NULL;
        return MHD_NO;
    }
    a->body = NULL; /* the response owns it */
    MHD_add_response_header(resp, "Content-Type", a->type ? a->type : "text/plain");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (html)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; "
                                "img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'");
    if (a->no_store)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (a->bearer_challenge)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"halaltrack\"");
    if (a->retry_after > 0) {
        char v[16];

        snprintf(v, sizeof(v), "%d", a->retry_after);
        MHD_add_response_header(resp, "Retry-After", v);
    }
    if (html || strcmp(r->path, "/") == 0)
        MHD_add_response_header(resp, "Vary", "Accept-Language");
    ret = MHD_queue_response(r->conn, a->status, resp);
    MHD_destroy_response(resp);
    if (sv->cfg->access_log) {
        char path[208];

        log_path(r->path, path);
        log_info("access client=%s method=%s path=\"%s\" status=%u ms=%lld lang=%s%s%s",
                 r->client, r->method, path, a->status,
                 (long long)(serve_now_ms() - r->started_ms), r->lang,
                 r->token_name ? " token=" : "", r->token_name ? r->token_name : "");
    }
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct serve *sv = cls;
    struct request *r = *req_cls;
    struct answer a;
    enum MHD_Result ret;

    (void)version;
    if (!r) {
        if (!(r = calloc(1, sizeof(*r))))
            return MHD_NO;
        r->conn = c;
        r->method = method;
        r->path = url;
        r->started_ms = serve_now_ms();
        buf_init(&r->body, (size_t)sv->cfg->max_body);
        *req_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_large && buf_add(&r->body, upload, *upload_size) < 0)
            r->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    client_address(sv, r);
    request_lang(r);
    memset(&a, 0, sizeof(a));
    dispatch(sv, r, &a);
    ret = send_answer(sv, r, &a);
    free(a.body);
    return ret;
}

static void request_done(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode why)
{
    struct request *r = *req_cls;

    (void)cls;
    (void)c;
    (void)why;
    if (!r)
        return;
    buf_release(&r->body);
    free(r);
    *req_cls = NULL;
}

/* "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
                        struct ht_err *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    long port;

    memset(ss, 0, sizeof(*ss));
    if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
        parse_int(colon + 1, 0, 65535, &port, NULL) < 0)
        goto bad;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (host[0] == '[') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        size_t n = strlen(host);

        if (n < 3 || host[n - 1] != ']')
            goto bad;
        host[n - 1] = '\0';
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
            goto bad;
        return AF_INET6;
    }
    {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
                      &s4->sin_addr) != 1)
            goto bad;
    }
    return AF_INET;
bad:
    ht_err_set(err, HT_ECONFIG,
               "invalid http.listen '%s' (expected host:port or [v6]:port)", listen);
    return -1;
}

int http_start(struct serve *sv, struct ht_err *err)
{
    struct sockaddr_storage ss;
    int family = parse_listen(sv->cfg->listen, &ss, err);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG;

    if (family < 0)
        return -1;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    sv->d =
        MHD_start_daemon(flags, 0, accept_policy, sv, handle, sv, MHD_OPTION_SOCK_ADDR,
                         &ss, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)sv->cfg->timeout,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)sv->cfg->max_connections,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, sv,
                         MHD_OPTION_NOTIFY_COMPLETED, request_done, sv, MHD_OPTION_END);
    if (!sv->d) {
        ht_err_set(err, HT_EIO, "cannot listen on '%s'", sv->cfg->listen);
        return -1;
    }
    {
        const union MHD_DaemonInfo *i =
            MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_BIND_PORT);

        log_info("listening addr=%s port=%u", sv->cfg->listen,
                 i ? (unsigned)i->port : 0u);
    }
    return 0;
}

void http_stop(struct serve *sv)
{
    if (sv->d)
        MHD_stop_daemon(sv->d);
    sv->d = NULL;
    free(sv->counts);
    sv->counts = NULL;
}

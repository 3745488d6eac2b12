/* Helpers of the halalsim contract tests: start halalsim on a free loopback port, talk to
 * it with libcurl, parse with jansson. Header-only (static inline) so each test_*.c
 * builds alone. */
#ifndef HT_TEST_SIM_CLIENT_H
#define HT_TEST_SIM_CLIENT_H

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_util.h"

#define SIM_EMAIL "dinkop@pasuruankota.go.id"
#define SIM_PASSWORD "sim-password"
#define SIM_NOW "2026-11-28T03:00:00Z"

struct sim_proc {
    pid_t pid;
    int port;
    int auth_port; /* --split-hosts */
    char base[64];
};

/* Starts halalsim with extra arguments (NULL-terminated) and waits for its port line. */
static inline struct sim_proc sim_start(const char *const *extra)
{
    struct sim_proc sp = {0};
    const char *argv[64];
    int n = 0, fd[2];
    FILE *fp;
    char line[256];

    argv[n++] = tu_bin("sim/halalsim");
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--now";
    argv[n++] = SIM_NOW;
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    cr_assert(pipe(fd) == 0);
    sp.pid = fork();
    cr_assert(sp.pid >= 0);
    if (sp.pid == 0) {
        /* never outlive a failed test (it would hold ctest's output pipe open) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    fp = fdopen(fd[0], "r");
    cr_assert(fp);
    while (fgets(line, sizeof(line), fp)) {
        const char *p = strstr(line, "halalsim: listening on http://127.0.0.1:");
        const char *a = strstr(line, "halalsim: auth listening on http://127.0.0.1:");

        if (a)
            sp.auth_port = (int)strtol(
                a + strlen("halalsim: auth listening on http://127.0.0.1:"), NULL, 10);
        if (p) {
            sp.port = (int)strtol(p + strlen("halalsim: listening on http://127.0.0.1:"),
                                  NULL, 10);
            break;
        }
    }
    fclose(fp);
    cr_assert(sp.port > 0, "halalsim did not print its port");
    snprintf(sp.base, sizeof(sp.base), "http://127.0.0.1:%d", sp.port);
    return sp;
}

/* Stops halalsim with SIGTERM and returns its exit status (128 + signal if killed). */
static inline int sim_stop(struct sim_proc *sp)
{
    int st = 0;

    if (sp->pid <= 0)
        return -1;
    kill(sp->pid, SIGTERM);
    waitpid(sp->pid, &st, 0);
    sp->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct http_res {
    long status;
    int curl_rc;
    char *body;
    size_t len;
    char retry_after[128];
};

static inline size_t http_write_cb(char *p, size_t sz, size_t n, void *ud)
{
    struct http_res *r = ud;
    char *q = realloc(r->body, r->len + sz * n + 1);

    if (!q)
        return 0;
    memcpy(q + r->len, p, sz * n);
    r->len += sz * n;
    q[r->len] = '\0';
    r->body = q;
    return sz * n;
}

static inline size_t http_header_cb(char *p, size_t sz, size_t n, void *ud)
{
    struct http_res *r = ud;
    size_t len = sz * n;

    if (len > 13 && !strncasecmp(p, "Retry-After:", 12)) {
        const char *v = p + 12;
        size_t k;

        while (*v == ' ')
            v++;
        k = (size_t)(p + len - v);
        while (k && (v[k - 1] == '\r' || v[k - 1] == '\n'))
            k--;
        if (k >= sizeof(r->retry_after))
            k = sizeof(r->retry_after) - 1;
        memcpy(r->retry_after, v, k);
        r->retry_after[k] = '\0';
    }
    return len;
}

/* One request; method "GET" or "POST"; token may be NULL; timeout_ms 0 = 30 s. */
static inline struct http_res http_do(const struct sim_proc *sp, const char *method,
                                      const char *path, const char *token,
                                      const char *body, long timeout_ms)
{
    struct http_res r = {0};
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char url[2048], auth[256];

    cr_assert(h);
    snprintf(url, sizeof(url), "%s%s", sp->base, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms ? timeout_ms : 30000L);
    if (token) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
        hdr = curl_slist_append(hdr, auth);
    }
    if (!strcmp(method, "POST")) {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
    }
    if (hdr)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    r.curl_rc = (int)curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    if (!r.body)
        r.body = calloc(1, 1);
    return r;
}

static inline struct http_res http_get(const struct sim_proc *sp, const char *path,
                                       const char *token)
{
    return http_do(sp, "GET", path, token, NULL, 0);
}

static inline void http_res_release(struct http_res *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* Parses a body that must be JSON. */
static inline json_t *json_body(const struct http_res *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body, r->len, 0, &je);

    cr_assert(j, "body is not JSON (%s): %.200s", je.text, r->body);
    return j;
}

/* Authenticates and returns the token (malloc'd). */
static inline char *sim_login(const struct sim_proc *sp)
{
    struct http_res r =
        http_do(sp, "POST", "/api/authenticate", NULL,
                "{\"email\":\"" SIM_EMAIL "\",\"password\":\"" SIM_PASSWORD "\"}", 0);
    json_t *j;
    char *tok;

    cr_assert_eq(r.status, 200, "authenticate: %ld %s", r.status, r.body);
    j = json_body(&r);
    tok = strdup(json_string_value(json_object_get(json_object_get(j, "data"), "token")));
    cr_assert(tok);
    json_decref(j);
    http_res_release(&r);
    return tok;
}

/* Authenticates through injected faults: retries until a 200 with a parsable body. */
static inline char *sim_login_retry(const struct sim_proc *sp)
{
    for (int i = 0; i < 100; i++) {
        struct http_res r =
            http_do(sp, "POST", "/api/authenticate", NULL,
                    "{\"email\":\"" SIM_EMAIL "\",\"password\":\"" SIM_PASSWORD "\"}", 0);
        json_error_t je;
        json_t *j = r.status == 200 ? json_loadb(r.body, r.len, 0, &je) : NULL;
        const char *t =
            json_string_value(json_object_get(json_object_get(j, "data"), "token"));
        char *tok = t ? strdup(t) : NULL;

        json_decref(j);
        http_res_release(&r);
        if (tok)
            return tok;
    }
    cr_assert_fail("cannot authenticate through the faults");
    return NULL;
}

static inline void sim_set_faults(const struct sim_proc *sp, const char *json)
{
    struct http_res r = http_do(sp, "POST", "/_sim/faults", NULL, json, 0);

    cr_assert_eq(r.status, 200, "POST /_sim/faults %s: %ld %s", json, r.status, r.body);
    http_res_release(&r);
}

static inline void sim_advance(const struct sim_proc *sp, int days)
{
    char path[64];
    struct http_res r;

    snprintf(path, sizeof(path), "/_sim/advance?days=%d", days);
    r = http_do(sp, "POST", path, NULL, "", 0);
    cr_assert_eq(r.status, 200, "advance: %ld %s", r.status, r.body);
    http_res_release(&r);
}

/* The truth as an array of JSON objects, one per line. */
static inline json_t *sim_truth(const struct sim_proc *sp, const char *path, char **raw)
{
    struct http_res r = http_get(sp, path, NULL);
    json_t *arr = json_array();
    char *save = NULL;

    cr_assert_eq(r.status, 200);
    if (raw)
        *raw = strdup(r.body);
    for (char *line = strtok_r(r.body, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);

        cr_assert(j, "truth line is not JSON: %s", je.text);
        json_array_append_new(arr, j);
    }
    http_res_release(&r);
    return arr;
}

static inline const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

#endif

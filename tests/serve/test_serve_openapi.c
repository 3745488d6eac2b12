/* docs/api/openapi.json against the running halaltrack-serve (issue 15): every documented
 * path and method answers with a documented status, content type and, for JSON, exactly
 * the documented shape (required fields, types, enums, no undocumented field); and every
 * path the service answers (halaltrack-serve --list-routes) is documented. A real
 * PostgreSQL, the real service, requests through curl. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "roles_db.h"
#include "test_util.h"
#include "halaltrack/apitoken.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/store_selfservice.h"
#include "halaltrack/store_serve.h"

#define NIB_A "3575010000001"
#define KDF "scrypt:1024:8:1"
#define CODE "K7Q4-M2XP"

static struct store *su;
static pid_t serve_pid;
static char url[64], token[APITOKEN_TEXT], *conf_path, *pepper_path, *log_path;
static json_t *api;

/* The port halaltrack-serve logged it listens on, or 0 while it has not yet. */
static int logged_port(const char *path)
{
    char *log = tu_read_file(path, NULL);
    const char *at = log ? strstr(log, "listening addr=") : NULL;
    int port = 0;

    if (at && (at = strstr(at, " port=")))
        port = atoi(at + 6);
    free(log);
    return port;
}

static void setup(void)
{
    static const char key[] = "openapi-test-pepper-0123456789abcdefghijkl\n";
    struct ht_err err = HT_ERR_INIT;
    struct selfservice_pepper pep;
    char salt[SELFSERVICE_SALT_HEX], norm[SELFSERVICE_CODE_NORM], proof[SELFSERVICE_HEX],
        ver[SELFSERVICE_HEX], hash[APITOKEN_HASH], conf[1024], bin[512];
    json_error_t jerr;
    long id;
    int port = 0;

    su = rdb_setup("oa");
    rdb_exec(su, "CREATE ROLE @_sv LOGIN IN ROLE @_serve");
    rdb_exec(su,
             "INSERT INTO msme (nib, business_name, owner_name, kelurahan_code) VALUES"
             " ('" NIB_A "', 'Keripik Tempe Bu Sri', 'Sri', '35.75.01.1001')");
    rdb_exec(su,
             "INSERT INTO application (id_reg, nib, msme_id, status_code, stage,"
             " stage_since, tgl_daftar) SELECT 'reg-a', nib, id, 'OF11', 'verification',"
             " now() - interval '30 days', now() - interval '40 days' FROM msme");
    rdb_exec(su, "INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " SELECT id, 'OF10', 'submitted', now() - interval '40 days' FROM"
                 " application UNION ALL SELECT id, 'OF11', 'verification',"
                 " now() - interval '30 days' FROM application");
    /* A file returned to the business: the action list has a row to check. */
    rdb_exec(
        su,
        "INSERT INTO application (id_reg, nib, msme_id, channel_id, status_code, stage,"
        " stage_since, tgl_daftar) SELECT 'reg-r', nib, id, 'CH001', 'OF280',"
        " 'returned', now() - interval '5 days', now() - interval '20 days' FROM msme");
    rdb_exec(su, "INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " SELECT id, 'OF280', 'returned', now() - interval '5 days' FROM"
                 " application WHERE id_reg = 'reg-r'");
    rdb_exec(su,
             "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
             " VALUES ('Sertifikasi 2026', 'kota', 'certified', 100, '2026-01-01',"
             " '2026-12-31')");
    pepper_path = tu_write_temp(".pepper", key, strlen(key));
    cr_assert(selfservice_pepper_load(&pep, pepper_path, &err) == 0, "%s", err.msg);
    cr_assert(selfservice_make_salt(salt) == 0);
    selfservice_normalize(CODE, norm);
    cr_assert(selfservice_proof(&pep, norm, salt, KDF, proof, &err) == 0);
    cr_assert(selfservice_verifier(proof, ver) == 0);
    selfservice_pepper_clear(&pep);
    cr_assert(store_set_access_code(su, NIB_A, salt, KDF, ver, &err) == 0, "%s", err.msg);
    cr_assert(apitoken_new(token) == 0 && apitoken_hash(token, hash) == 0);
    cr_assert(store_token_issue(su, "openapi", "kota", NULL, hash, &id, &err) == 0, "%s",
              err.msg);
    /* Port 0: the kernel picks a free one (no race with parallel tests); the service
     * logs it ("listening addr=127.0.0.1:0 port=N"). */
    snprintf(conf, sizeof(conf),
             "[database]\nconninfo = host=%s port=%s dbname=%s user=%s_sv\n"
             "[http]\nlisten = 127.0.0.1:0\n"
             "[self_service]\npepper_file = %s\nkdf = " KDF "\nanswer_ms = 0\n",
             getenv("PGHOST"), getenv("PGPORT") ? getenv("PGPORT") : "5432", rdb_name(),
             rdb_name(), pepper_path);
    log_path = tu_write_temp(".log", "", 0);
    conf_path = tu_write_temp(".conf", conf, strlen(conf));
    snprintf(bin, sizeof(bin), "%s", tu_bin("serve/halaltrack-serve"));
    serve_pid = fork();
    cr_assert(serve_pid >= 0);
    if (serve_pid == 0) {
        int fd = open(log_path, O_WRONLY | O_APPEND);

        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
            _exit(126);
        execl(bin, bin, "-c", conf_path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !(port = logged_port(log_path)); i++) {
        cr_assert(waitpid(serve_pid, NULL, WNOHANG) == 0, "halaltrack-serve exited");
        usleep(100 * 1000);
    }
    cr_assert(port > 0, "halaltrack-serve logged no port");
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    for (int i = 0; i < 100; i++) {
        const char *argv[] = {"curl", "-s",           "-o", "/dev/null",
                              "-w",   "%{http_code}", NULL, NULL};
        char u[96];
        struct tu_result r;
        int up;

        snprintf(u, sizeof(u), "%s/healthz", url);
        argv[6] = u;
        r = tu_run(argv, NULL, NULL, 10);
        up = strcmp(r.out, "200") == 0;
        tu_result_release(&r);
        if (up)
            break;
        cr_assert(waitpid(serve_pid, NULL, WNOHANG) == 0, "halaltrack-serve exited");
        usleep(100 * 1000);
    }
    api = json_load_file(tu_src("docs/api/openapi.json"), 0, &jerr);
    cr_assert(api, "docs/api/openapi.json: %s at line %d", jerr.text, jerr.line);
}

static void teardown(void)
{
    if (serve_pid > 0) {
        kill(serve_pid, SIGTERM);
        waitpid(serve_pid, NULL, 0);
    }
    json_decref(api);
    if (conf_path)
        unlink(conf_path);
    if (pepper_path)
        unlink(pepper_path);
    if (log_path)
        unlink(log_path);
    free(log_path);
    free(conf_path);
    free(pepper_path);
    rdb_teardown();
}

TestSuite(openapi, .init = setup, .fini = teardown, .timeout = 180);

/* ---- a JSON Schema subset: $ref, oneOf, type (or a list), enum, properties, required,
 * additionalProperties: false, items ---- */

static json_t *resolve(json_t *schema)
{
    const char *ref = json_string_value(json_object_get(schema, "$ref"));

    if (!ref)
        return schema;
    cr_assert(strncmp(ref, "#/components/schemas/", 21) == 0, "unsupported $ref %s", ref);
    schema = json_object_get(
        json_object_get(json_object_get(api, "components"), "schemas"), ref + 21);
    cr_assert(schema, "undefined $ref %s", ref);
    return resolve(schema);
}

static int type_ok(const char *t, json_t *v)
{
    return (strcmp(t, "object") == 0 && json_is_object(v)) ||
           (strcmp(t, "array") == 0 && json_is_array(v)) ||
           (strcmp(t, "string") == 0 && json_is_string(v)) ||
           (strcmp(t, "integer") == 0 && json_is_integer(v)) ||
           (strcmp(t, "number") == 0 && json_is_number(v)) ||
           (strcmp(t, "boolean") == 0 && json_is_boolean(v)) ||
           (strcmp(t, "null") == 0 && json_is_null(v));
}

/* A malloc'd message. */
static char *msgf(const char *fmt, ...)
{
    va_list ap;
    char *m = malloc(600);

    cr_assert(m);
    va_start(ap, fmt);
    vsnprintf(m, 600, fmt, ap);
    va_end(ap);
    return m;
}

/* Returns NULL when v fits schema, else a malloc'd message naming where it does not. */
static char *check(json_t *schema, json_t *v, const char *where)
{
    json_t *t, *x;
    char *msg = NULL;
    size_t i;
    const char *k;

    schema = resolve(schema);
    if ((x = json_object_get(schema, "oneOf"))) {
        json_array_foreach(x, i, t)
        {
            char *m = check(t, v, where);

            if (!m)
                return NULL;
            free(m);
        }
        return msgf("%s: fits no oneOf alternative", where);
    }
    t = json_object_get(schema, "type");
    if (t) {
        int ok = 0;

        if (json_is_string(t)) {
            ok = type_ok(json_string_value(t), v);
        } else {
            json_array_foreach(t, i, x) ok |= type_ok(json_string_value(x), v);
        }
        if (!ok) {
            char *d = json_dumps(v, JSON_ENCODE_ANY);

            msg = msgf("%s: %.200s is not of the documented type", where, d);
            free(d);
            return msg;
        }
    }
    if ((x = json_object_get(schema, "enum")) && !json_is_null(v)) {
        int found = 0;

        json_array_foreach(x, i, t) found |= json_equal(t, v);
        if (!found)
            return msgf("%s: value not in the documented enum", where);
    }
    if (json_is_object(v)) {
        json_t *props = json_object_get(schema, "properties");

        json_array_foreach(json_object_get(schema, "required"), i, t)
        {
            if (!json_object_get(v, json_string_value(t)))
                return msgf("%s: required field '%s' missing", where,
                            json_string_value(t));
        }
        json_object_foreach(v, k, x)
        {
            json_t *ps = props ? json_object_get(props, k) : NULL;
            char sub[512];

            if (!ps) {
                if (json_is_false(json_object_get(schema, "additionalProperties")))
                    return msgf("%s: field '%s' is not documented", where, k);
                continue;
            }
            snprintf(sub, sizeof(sub), "%s.%s", where, k);
            if ((msg = check(ps, x, sub)))
                return msg;
        }
    }
    if (json_is_array(v) && (t = json_object_get(schema, "items"))) {
        json_array_foreach(v, i, x)
        {
            char sub[512];

            snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
            if ((msg = check(t, x, sub)))
                return msg;
        }
    }
    return NULL;
}

/* ---- requests ---- */

struct answer {
    int status;
    char type[128];
    char *body;
};

static struct answer call(const char *method, const char *path, const char *ctype,
                          const char *body, int with_token)
{
    char u[512], auth[128], ct[160], out[] = "/tmp/halaltrack-oa.XXXXXX";
    const char *argv[20];
    struct tu_result r;
    struct answer a;
    int n = 0, fd = mkstemp(out);

    cr_assert(fd >= 0);
    close(fd);
    snprintf(u, sizeof(u), "%s%s", url, path);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    snprintf(ct, sizeof(ct), "Content-Type: %s", ctype ? ctype : "text/plain");
    argv[n++] = "curl";
    argv[n++] = "-s";
    argv[n++] = "-X";
    argv[n++] = method;
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n++] = "-w";
    argv[n++] = "%{http_code} %{content_type}";
    if (with_token) {
        argv[n++] = "-H";
        argv[n++] = auth;
    }
    if (body) {
        argv[n++] = "-H";
        argv[n++] = ct;
        argv[n++] = "--data-binary";
        argv[n++] = body;
    }
    argv[n++] = u;
    argv[n] = NULL;
    r = tu_run(argv, NULL, NULL, 60);
    memset(&a, 0, sizeof(a));
    cr_assert(sscanf(r.out, "%d %127s", &a.status, a.type) >= 1, "curl: %s %s", r.out,
              r.err);
    tu_result_release(&r);
    a.body = tu_read_file(out, NULL);
    unlink(out);
    return a;
}

/* The documented response for status under op, checked against a. */
static void check_answer(json_t *op, const char *what, struct answer *a)
{
    char code[8];
    json_t *resp, *content, *media;
    const char *mt;
    char *msg;

    snprintf(code, sizeof(code), "%d", a->status);
    resp = json_object_get(json_object_get(op, "responses"), code);
    cr_assert(resp, "%s answered %d, which is not documented: %s", what, a->status,
              a->body);
    content = json_object_get(resp, "content");
    cr_assert(content, "%s %d: no documented content", what, a->status);
    media = NULL;
    json_object_foreach(content, mt, media)
    {
        if (strncmp(a->type, mt, strlen(mt)) == 0)
            break;
    }
    cr_assert(media && strncmp(a->type, mt, strlen(mt)) == 0,
              "%s %d: content type %s is not documented", what, a->status, a->type);
    if (strcmp(mt, "application/json") == 0) {
        json_error_t jerr;
        json_t *doc = json_loads(a->body, 0, &jerr);

        cr_assert(doc, "%s: not JSON: %s", what, jerr.text);
        msg = check(json_object_get(media, "schema"), doc, what);
        cr_assert_null(msg, "%s", msg);
        json_decref(doc);
    }
}

static void last_week(char out[16])
{
    time_t t = time(NULL) - 8 * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 16, "%G-W%V", &tm);
}

/* Every documented operation, with the documented 2xx answer where it can be produced,
 * then the errors a request without a token gets. */
Test(openapi, every_documented_path_answers_as_documented)
{
    const char *path;
    json_t *item;
    char week[16];
    int checked = 0;

    last_week(week);
    json_object_foreach(json_object_get(api, "paths"), path, item)
    {
        const char *method;
        json_t *op;

        json_object_foreach(item, method, op)
        {
            char real[256], upper[8], what[300];
            const char *body = NULL, *ctype = NULL;
            int secured = json_object_get(op, "security") != NULL;
            struct answer a;
            size_t i;

            snprintf(real, sizeof(real), "%s", path);
            if (strstr(real, "{nib}"))
                snprintf(real, sizeof(real), "/api/v1/msme/" NIB_A);
            if (strstr(real, "{week}"))
                snprintf(real, sizeof(real), "/reports/weekly/%s", week);
            for (i = 0; method[i] && i < sizeof(upper) - 1; i++)
                upper[i] = (char)(method[i] - 'a' + 'A');
            upper[i] = '\0';
            if (strcmp(upper, "POST") == 0 && strcmp(path, "/") == 0) {
                body = "nib=" NIB_A "&code=" CODE;
                ctype = "application/x-www-form-urlencoded";
            } else if (strcmp(upper, "POST") == 0) {
                body = "{\"nib\": \"" NIB_A "\", \"code\": \"" CODE "\"}";
                ctype = "application/json";
            }
            snprintf(what, sizeof(what), "%s %s", upper, real);
            a = call(upper, real, ctype, body, secured);
            cr_assert(a.status >= 200 && a.status < 300, "%s answered %d: %s", what,
                      a.status, a.body);
            check_answer(op, what, &a);
            free(a.body);
            if (secured) {
                a = call(upper, real, ctype, body, 0);
                cr_assert_eq(a.status, 401, "%s without a token answered %d", what,
                             a.status);
                check_answer(op, what, &a);
                free(a.body);
            }
            checked++;
        }
    }
    cr_assert_geq(checked, 10);
    /* Documented errors of the self-service API: a wrong code, a malformed body. */
    {
        json_t *op = json_object_get(
            json_object_get(json_object_get(api, "paths"), "/api/v1/self-service/status"),
            "post");
        struct answer a = call("POST", "/api/v1/self-service/status", "application/json",
                               "{\"nib\": \"" NIB_A "\", \"code\": \"WRONG\"}", 0);

        cr_assert_eq(a.status, 404);
        check_answer(op, "a wrong code", &a);
        free(a.body);
        a = call("POST", "/api/v1/self-service/status", "application/json", "[]", 0);
        cr_assert_eq(a.status, 400);
        check_answer(op, "a malformed body", &a);
        free(a.body);
    }
}

/* Both ways: the routes the service serves are the documented paths and methods. */
Test(openapi, every_served_path_is_documented)
{
    const char *argv[] = {tu_bin("serve/halaltrack-serve"), "--list-routes", NULL};
    struct tu_result r = tu_run(argv, NULL, NULL, 30);
    json_t *paths = json_object_get(api, "paths");
    char *line, *save = NULL;
    size_t served = 0, documented = 0;
    const char *path;
    json_t *item;

    cr_assert_eq(r.status, 0, "%s", r.err);
    for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char method[16], route[256], doc_path[256], lower[16];
        size_t i;

        cr_assert(sscanf(line, "%15s %255s", method, route) == 2, "%s", line);
        snprintf(doc_path, sizeof(doc_path), "%s", route);
        if (strcmp(route, "/api/v1/msme/*") == 0)
            snprintf(doc_path, sizeof(doc_path), "/api/v1/msme/{nib}");
        else if (strcmp(route, "/reports/weekly/*") == 0)
            snprintf(doc_path, sizeof(doc_path), "/reports/weekly/{week}");
        else
            cr_assert_null(strchr(route, '*'), "a wildcard route nobody mapped: %s",
                           route);
        for (i = 0; method[i] && i < sizeof(lower) - 1; i++)
            lower[i] = (char)(method[i] - 'A' + 'a');
        lower[i] = '\0';
        cr_assert(json_object_get(json_object_get(paths, doc_path), lower),
                  "%s %s is served but not in docs/api/openapi.json", method, route);
        served++;
    }
    json_object_foreach(paths, path, item) documented += json_object_size(item);
    cr_assert_eq(served, documented,
                 "docs/api/openapi.json documents %zu operations, the service serves %zu",
                 documented, served);
    tu_result_release(&r);
}

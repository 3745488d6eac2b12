/* The MSME's lookup: the page's form (POST /) and the JSON API for a kiosk or a WhatsApp
 * bot (POST /api/v1/self-service/status). Every lookup takes the same time (a multiple of
 * self_service.answer_ms from the request's arrival), an unknown NIB and a wrong code get
 * the same answer, and the code is never logged (it only lives in the request body and,
 * normalised, in the hashing). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "page.h"
#include "serve.h"
#include "halaltrack/i18n.h"
#include "halaltrack/log.h"
#include "halaltrack/report.h"
#include "halaltrack/store_report.h"
#include "halaltrack/store_selfservice.h"
#include "halaltrack/banned.h"

#define NIB_MAX 32
#define CODE_MAX 64

enum outcome { OUT_RIGHT, OUT_WRONG, OUT_THROTTLED, OUT_ERROR };

struct lookup {
    struct report_msme m;
    struct timeline *tl;
    int retry_after;
    int64_t now;
};

static void kdf_enter(void *arg)
{
    struct serve *sv = arg;

    while (sem_wait(&sv->kdf) < 0 && errno == EINTR)
        ;
}

static void kdf_leave(void *arg)
{
    struct serve *sv = arg;

    sem_post(&sv->kdf);
}

static void lookup_release(struct lookup *l)
{
    for (size_t i = 0; l->tl && i < l->m.napps; i++)
        timeline_release(&l->tl[i]);
    free(l->tl);
    report_msme_release(&l->m);
    memset(l, 0, sizeof(*l));
}

/* Sleeps until the next multiple of answer_ms since the request arrived: the answer's
 * time says nothing about which way the lookup went. */
static void uniform_time(const struct serve *sv, const struct request *r)
{
    int64_t step = sv->cfg->answer_ms, spent = serve_now_ms() - r->started_ms, until;
    struct timespec ts;

    if (step <= 0)
        return;
    until = (spent / step + 1) * step;
    if (spent > step)
        log_warn("self-service lookup took longer than self_service.answer_ms ms=%lld",
                 (long long)spent);
    ts.tv_sec = (time_t)((until - spent) / 1000);
    ts.tv_nsec = (long)((until - spent) % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static enum outcome run_lookup(struct serve *sv, struct request *r, const char *nib,
                               const char *code, struct lookup *l)
{
    const struct selfservice_gate gate = {kdf_enter, kdf_leave, sv};
    struct ht_err err = HT_ERR_INIT;
    struct store *s = pool_get(sv->pool, 10, &err);
    enum outcome o = OUT_ERROR;
    int q;

    memset(l, 0, sizeof(*l));
    l->now = ht_now();
    if (!s) {
        log_error("self-service lookup: %s", err.msg);
        return OUT_ERROR;
    }
    q = store_ss_lookup(s, &sv->pepper, sv->cfg->kdf, nib, code, r->client, &gate,
                        &l->retry_after, &err);
    if (q == STORE_SS_THROTTLED) {
        o = OUT_THROTTLED;
    } else if (q == STORE_SS_WRONG) {
        o = OUT_WRONG;
    } else if (q == STORE_SS_RIGHT) {
        /* This transaction sees the one MSME: read what `status` shows, then commit. */
        if (store_report_msme(s, nib, &l->m, &err) != 0 ||
            store_report_timelines(s, &l->m, l->now, &l->tl, &err) < 0 ||
            store_commit(s, &err) < 0)
            goto fail;
        o = OUT_RIGHT;
    } else {
        goto fail;
    }
    pool_put(sv->pool, s);
    return o;
fail:
    log_error("self-service lookup failed: %s", err.msg[0] ? err.msg : "out of memory");
    pool_put(sv->pool, s);
    lookup_release(l);
    return OUT_ERROR;
}

/* ---- the form ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The value of field name in an application/x-www-form-urlencoded body, decoded into out
 * (cut at outsz - 1). Returns 0, or -1 when the field is missing. */
static int form_field(const char *body, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    const char *p = body;

    while (p && *p) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t n = 0;

            for (size_t i = nl + 1; i < len && n + 1 < outsz; i++) {
                char c = p[i];

                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && i + 2 < len + 1 && hexval(p[i + 1]) >= 0 &&
                           hexval(p[i + 2]) >= 0) {
                    c = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
                    i += 2;
                }
                out[n++] = c;
            }
            out[n] = '\0';
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    out[0] = '\0';
    return -1;
}

static void trim(char *s)
{
    size_t n = strlen(s), i = strspn(s, " \t\r\n");

    while (n > i && strchr(" \t\r\n", s[n - 1]))
        n--;
    memmove(s, s + i, n - i);
    s[n - i] = '\0';
}

enum form_msg { MSG_NONE, MSG_MISSING, MSG_WRONG, MSG_THROTTLED, MSG_UNAVAILABLE };

static void render_form(struct serve *sv, struct request *r, struct answer *a,
                        unsigned status, enum form_msg what, long minutes)
{
    char msg[300] = "";
    FILE *fp;

    serve_render_begin(sv, r->lang);
    switch (what) {
    case MSG_MISSING:
        snprintf(msg, sizeof(msg), "%s", _("Type your NIB and your access code."));
        break;
    case MSG_WRONG:
        snprintf(
            msg, sizeof(msg), "%s",
            _("The NIB and the access code do not match. Check both and try again."));
        break;
    case MSG_THROTTLED:
        snprintf(
            msg, sizeof(msg),
            ngettext("Too many attempts. Try again in %ld minute, or ask the office "
                     "for a new access code.",
                     "Too many attempts. Try again in %ld minutes, or ask the office "
                     "for a new access code.",
                     (unsigned long)minutes),
            minutes);
        break;
    case MSG_UNAVAILABLE:
        snprintf(msg, sizeof(msg), "%s",
                 _("The service cannot answer right now. Please try again later."));
        break;
    default:
        break;
    }
    if ((fp = answer_open(a, status, "text/html; charset=utf-8"))) {
        page_form(fp, r->lang, sv->office, msg[0] ? msg : NULL);
        answer_close(a, fp);
    } else {
        answer_text(a, 500, "out of memory\n");
    }
    serve_render_end(sv);
    a->no_store = 1;
}

void selfservice_page(struct serve *sv, struct request *r, struct answer *a)
{
    char nib[NIB_MAX + 1], code[CODE_MAX + 1], lang[4];
    const char *body;
    struct lookup l;
    enum outcome o;
    FILE *fp;

    if (strcmp(r->method, "GET") == 0) {
        render_form(sv, r, a, 200, MSG_NONE, 0);
        return;
    }
    body = buf_str(&r->body) ? buf_str(&r->body) : "";
    if (form_field(body, "lang", lang, sizeof(lang)) == 0 &&
        (strcmp(lang, "en") == 0 || strcmp(lang, "id") == 0))
        memcpy(r->lang, lang, 3);
    if (form_field(body, "nib", nib, sizeof(nib)) < 0 ||
        form_field(body, "code", code, sizeof(code)) < 0) {
        render_form(sv, r, a, 400, MSG_MISSING, 0);
        return;
    }
    trim(nib);
    o = run_lookup(sv, r, nib, code, &l);
    explicit_bzero(code, sizeof(code));
    if (r->body.ptr)
        explicit_bzero(r->body.ptr, r->body.len);
    uniform_time(sv, r);
    switch (o) {
    case OUT_RIGHT:
        serve_render_begin(sv, r->lang);
        if ((fp = answer_open(a, 200, "text/html; charset=utf-8"))) {
            page_status(fp, r->lang, sv->office, &l.m, l.tl);
            answer_close(a, fp);
        }
        serve_render_end(sv);
        a->no_store = 1;
        break;
    case OUT_WRONG:
        render_form(sv, r, a, 200, MSG_WRONG, 0);
        break;
    case OUT_THROTTLED:
        render_form(sv, r, a, 429, MSG_THROTTLED, (l.retry_after + 59) / 60);
        a->retry_after = l.retry_after;
        break;
    default:
        render_form(sv, r, a, 503, MSG_UNAVAILABLE, 0);
        break;
    }
    lookup_release(&l);
}

/* ---- the JSON API ---- */

void selfservice_api(struct serve *sv, struct request *r, struct answer *a)
{
    json_error_t jerr;
    json_t *doc = NULL;
    const char *nib = NULL, *code = NULL, *lang = NULL;
    char nibbuf[NIB_MAX + 1], codebuf[CODE_MAX + 1];
    struct lookup l;
    enum outcome o;
    FILE *fp;

    doc = json_loadb(buf_str(&r->body) ? buf_str(&r->body) : "", r->body.len, 0, &jerr);
    if (!doc ||
        json_unpack_ex(doc, &jerr, JSON_STRICT, "{s:s, s:s, s?:s}", "nib", &nib, "code",
                       &code, "lang", &lang) < 0 ||
        strlen(nib) > NIB_MAX || strlen(code) > CODE_MAX) {
        json_decref(doc);
        answer_json_error(a, 400, "bad_request",
                          "expected a JSON object {\"nib\": string, \"code\": string, "
                          "\"lang\": \"id\"|\"en\" (optional)}");
        return;
    }
    if (lang && (strcmp(lang, "id") == 0 || strcmp(lang, "en") == 0))
        memcpy(r->lang, lang, 3);
    snprintf(nibbuf, sizeof(nibbuf), "%s", nib);
    snprintf(codebuf, sizeof(codebuf), "%s", code);
    /* The body holds the code: wipe every copy once it is not needed. */
    explicit_bzero((void *)code, strlen(code));
    json_decref(doc);
    if (r->body.ptr)
        explicit_bzero(r->body.ptr, r->body.len);
    trim(nibbuf);
    o = run_lookup(sv, r, nibbuf, codebuf, &l);
    explicit_bzero(codebuf, sizeof(codebuf));
    uniform_time(sv, r);
    a->no_store = 1;
    switch (o) {
    case OUT_RIGHT:
        serve_render_begin(sv, r->lang);
        if ((fp = answer_open(a, 200, "application/json"))) {
            if (report_status_json(fp, &l.m, l.tl, l.now) < 0)
                fputc('\n', fp);
            answer_close(a, fp);
        }
        serve_render_end(sv);
        break;
    case OUT_WRONG:
        answer_json_error(a, 404, "not_found",
                          "the NIB and the access code do not match");
        break;
    case OUT_THROTTLED: {
        char msg[128];

        snprintf(msg, sizeof(msg), "too many attempts: try again in %d s", l.retry_after);
        answer_json_error(a, 429, "too_many_attempts", msg);
        a->retry_after = l.retry_after;
        break;
    }
    default:
        answer_json_error(a, 503, "unavailable", "the service cannot answer right now");
        break;
    }
    lookup_release(&l);
}

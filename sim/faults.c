/* Fault injection: per-request decisions drawn from a PRNG seeded by (fault seed, request
 * number), so a run is reproducible; counters and the list of injected bad records. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "sim.h"
#include "halaltrack/banned.h"

/* Names in POST /_sim/faults (CONTRACTS.md). */
const char *const fault_name[F__COUNT] = {
    "error_5xx",       "rate_429",   "slow",         "reset",          "truncate",
    "malformed",       "bad_utf8",   "unknown_code", "missing_fields", "string_numbers",
    "duplicate_items", "page_shift", "token_expiry", "rate_limit",     "huge_body",
    "huge_total",
};

/* Names on the command line (--fault-<name>). */
static const char *const cli_name[F__COUNT] = {
    "5xx",
    "429",
    "slow",
    "reset",
    "truncate",
    "malformed",
    "bad-utf8",
    "unknown-code",
    "missing-fields",
    "string-numbers",
    "duplicate-items",
    "page-shift",
    "token-expiry",
    NULL,
    "huge-body",
    "huge-total",
};

#define MAX_BAD 100000

int fault_parse_name(const char *s)
{
    for (int i = 0; i < F__COUNT; i++)
        if (cli_name[i] && !strcmp(s, cli_name[i]))
            return i;
    return -1;
}

void faults_init(struct faults *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->mu, NULL);
    f->cfg.slow_ms = 3000;
}

void faults_release(struct faults *f)
{
    free(f->bad);
    pthread_mutex_destroy(&f->mu);
}

void faults_plan(struct faults *f, uint64_t reqno, struct fault_plan *plan)
{
    struct fault_cfg cfg;

    pthread_mutex_lock(&f->mu);
    cfg = f->cfg;
    pthread_mutex_unlock(&f->mu);
    memset(plan, 0, sizeof(*plan));
    plan->rng.s = sim_hash3(cfg.seed, reqno, 0x4641554c);
    /* one draw per kind, always in the same order, so adding a kind keeps decisions;
     * the kinds added after rate_limit draw from a stream of their own, so the draws
     * that follow (cut points, victims) stay what they were too */
    for (int k = 0; k <= F_RATE_LIMIT; k++) {
        double u = rng_unit(&plan->rng);

        plan->hit[k] = k != F_RATE_LIMIT && cfg.p[k] > 0 && u < cfg.p[k];
    }
    {
        struct sim_rng extra = {sim_hash3(cfg.seed, reqno, 0x45585452)};

        for (int k = F_RATE_LIMIT + 1; k < F__COUNT; k++) {
            double u = rng_unit(&extra);
            /* huge_body sticks to applications (faults_app_hit), not to requests */
            plan->hit[k] = k != F_HUGE_BODY && cfg.p[k] > 0 && u < cfg.p[k];
        }
    }
}

int faults_app_hit(struct faults *f, enum fault_kind k, uint32_t app)
{
    double p;
    uint64_t seed;
    struct sim_rng r;

    pthread_mutex_lock(&f->mu);
    p = f->cfg.p[k];
    seed = f->cfg.seed;
    pthread_mutex_unlock(&f->mu);
    r.s = sim_hash3(seed, app, 0x41505000u + (uint64_t)k);
    return p > 0 && rng_unit(&r) < p;
}

void faults_count(struct faults *f, enum fault_kind k)
{
    pthread_mutex_lock(&f->mu);
    f->counter[k]++;
    pthread_mutex_unlock(&f->mu);
}

void faults_bad_record(struct faults *f, const char *id_reg, enum fault_kind k)
{
    faults_bad_record_in(f, id_reg, k, NULL);
}

void faults_bad_record_in(struct faults *f, const char *id_reg, enum fault_kind k,
                          const struct fault_plan *fp)
{
    /* the precedence of send_api's body faults: reset, else truncate, else malformed */
    int spoiled = !fp                    ? -1
                  : fp->hit[F_RESET]     ? F_RESET
                  : fp->hit[F_TRUNCATE]  ? F_TRUNCATE
                  : fp->hit[F_MALFORMED] ? F_MALFORMED
                                         : -1;

    pthread_mutex_lock(&f->mu);
    if (f->nbad == f->capbad && f->capbad < MAX_BAD) {
        size_t cap = f->capbad ? f->capbad * 2 : 64;
        struct bad_record *p = realloc(f->bad, cap * sizeof(*p));

        if (p) {
            f->bad = p;
            f->capbad = cap;
        }
    }
    if (f->nbad < f->capbad) {
        memcpy(f->bad[f->nbad].id_reg, id_reg, 37);
        f->bad[f->nbad].kind = (uint8_t)k;
        f->bad[f->nbad].spoiled = (int8_t)spoiled;
        f->nbad++;
    }
    pthread_mutex_unlock(&f->mu);
}

int faults_set_json(struct faults *f, const char *body, size_t len, struct ht_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je), *v;
    const char *key;
    struct fault_cfg cfg;
    int rc = -1;

    if (!root || !json_is_object(root)) {
        ht_err_set(err, HT_EPARSE, _("the body is not a JSON object: %s"),
                   root ? "not an object" : je.text);
        goto out;
    }
    pthread_mutex_lock(&f->mu);
    cfg = f->cfg;
    pthread_mutex_unlock(&f->mu);
    json_object_foreach(root, key, v)
    {
        int k = -1;

        if (!strcmp(key, "seed")) {
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                ht_err_set(err, HT_EINVAL, _("'seed' must be a non-negative integer"));
                goto out;
            }
            cfg.seed = (uint64_t)json_integer_value(v);
            continue;
        }
        if (!strcmp(key, "slow_ms")) {
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                json_integer_value(v) > 600000) {
                ht_err_set(err, HT_EINVAL,
                           _("'slow_ms' must be an integer in 0..600000"));
                goto out;
            }
            cfg.slow_ms = (long)json_integer_value(v);
            continue;
        }
        for (int i = 0; i < F__COUNT; i++)
            if (i != F_RATE_LIMIT && !strcmp(key, fault_name[i]))
                k = i;
        if (k < 0) {
            ht_err_set(err, HT_EINVAL, _("unknown fault '%s'"), key);
            goto out;
        }
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
            ht_err_set(err, HT_EINVAL, _("fault '%s' must be a probability in 0..1"),
                       key);
            goto out;
        }
        cfg.p[k] = json_number_value(v);
    }
    pthread_mutex_lock(&f->mu);
    f->cfg = cfg;
    pthread_mutex_unlock(&f->mu);
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int faults_render(struct faults *f, struct buf *b)
{
    int rc = -1;

    pthread_mutex_lock(&f->mu);
    if (buf_adds(b, "{"))
        goto out;
    for (int k = 0; k < F__COUNT; k++)
        if (k != F_RATE_LIMIT && buf_addf(b, "\"%s\":%g,", fault_name[k], f->cfg.p[k]))
            goto out;
    if (buf_addf(b, "\"slow_ms\":%ld,\"seed\":%llu,\"counters\":{", f->cfg.slow_ms,
                 (unsigned long long)f->cfg.seed))
        goto out;
    for (int k = 0; k < F__COUNT; k++)
        if (buf_addf(b, "%s\"%s\":%llu", k ? "," : "", fault_name[k],
                     (unsigned long long)f->counter[k]))
            goto out;
    if (buf_adds(b, "},\"bad_records\":["))
        goto out;
    for (size_t i = 0; i < f->nbad; i++)
        if (buf_addf(b, "%s{\"id_reg\":\"%s\",\"kind\":\"%s\"", i ? "," : "",
                     f->bad[i].id_reg, fault_name[f->bad[i].kind]) ||
            (f->bad[i].spoiled >= 0 &&
             buf_addf(b, ",\"spoiled\":\"%s\"", fault_name[f->bad[i].spoiled])) ||
            buf_addch(b, '}'))
            goto out;
    if (buf_adds(b, "]}"))
        goto out;
    rc = 0;
out:
    pthread_mutex_unlock(&f->mu);
    return rc;
}

/* The fault campaign (issue 6): a seeded run of halaltrackd + halalsim + PostgreSQL with
 * every simulator fault on at once, PostgreSQL restarts and SIGKILLs of the daemon at
 * seeded points (some inside a batch), two daemons for half the run, then a clean pass
 * and an exact comparison with /_sim/truth, the quarantine and the request budget.
 * Header-only, used by test_campaign.c (CI size) and scripts/campaign (full size); see
 * docs/campaign.md. Parameters come from the environment (HT_CAMPAIGN_*). */
#ifndef HT_CAMPAIGN_H
#define HT_CAMPAIGN_H

#include <stdarg.h>
#include "e2e.h"

struct camp_params {
    long apps, cycles, restarts, kills, days, rate, lease, poll, retry_after_max;
    uint64_t seed;
    char faults[1024];
};

/* splitmix64: the campaign's own schedule PRNG (independent of halalsim's). */
static uint64_t camp_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long camp_below(uint64_t *s, long n)
{
    return n > 0 ? (long)(camp_rng(s) % (uint64_t)n) : 0;
}

static long camp_env_long(const char *name, long def)
{
    const char *v = getenv(name);
    char *end;
    long x;

    if (!v || !*v)
        return def;
    errno = 0;
    x = strtol(v, &end, 10);
    {
        int ok = errno == 0 && *end == '\0' && x >= 0;
        cr_assert(ok, "%s='%s' is not a number", name, v);
    }
    return x;
}

static int camp_sanitized(void)
{
    const char *a = getenv("HT_SANITIZED"), *b = getenv("ASAN_OPTIONS");
    return (a && *a && strcmp(a, "0") != 0) || (b && *b);
}

/* The default fault mix: every kind of halalsim at once (20% 5xx as in the issue). 429
 * storms come on top (the driver raises rate_429 for a few seconds at seeded points). */

#define CAMP_FAULTS_DEFAULT                                                              \
    "\"error_5xx\":0.2,\"rate_429\":0.005,\"slow\":0.01,\"slow_ms\":400,\"reset\":0.03," \
    "\"truncate\":0.03,\"malformed\":0.03,\"bad_utf8\":0.01,\"unknown_code\":0.01,"      \
    "\"missing_fields\":0.01,\"string_numbers\":0.05,\"duplicate_items\":0.05,"          \
    "\"page_shift\":0.1,\"token_expiry\":0.01"

static void camp_params_load(struct camp_params *p, long apps, long cycles, long restarts,
                             long kills)
{
    const char *f = getenv("HT_CAMPAIGN_FAULTS");

    p->apps = camp_env_long("HT_CAMPAIGN_APPS", apps);
    p->cycles = camp_env_long("HT_CAMPAIGN_CYCLES", cycles);
    p->restarts = camp_env_long("HT_CAMPAIGN_RESTARTS", restarts);
    p->kills = camp_env_long("HT_CAMPAIGN_KILLS", kills);
    p->days = camp_env_long("HT_CAMPAIGN_DAYS", 2);
    p->seed = (uint64_t)camp_env_long("HT_CAMPAIGN_SEED", 1);
    p->rate = camp_env_long("HT_CAMPAIGN_RATE", 400);
    p->lease = 30;
    p->poll = camp_env_long("HT_CAMPAIGN_POLL", 15);
    p->retry_after_max = camp_env_long("HT_CAMPAIGN_RETRY_AFTER_MAX", 1);
    cr_assert(p->apps >= 50 && p->cycles >= 2 && p->rate >= 10, "campaign too small");
    snprintf(p->faults, sizeof(p->faults), "%s", f && *f ? f : CAMP_FAULTS_DEFAULT);
}

/* ---- small helpers ---- */

static long camp_json_long(const char *json, const char *key)
{
    char pat[80];
    const char *p;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : 0;
}

static int64_t camp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The injected bad records: "id_reg|kind" in injection order; those whose answer was
 * also reset, truncated or malformed ("spoiled" in /_sim/faults) go to spoiled too. */
static void camp_bad_records(struct sim *s, struct strlist *out, struct strlist *spoiled)
{
    char *f = sim_call(s, "GET", "/_sim/faults", NULL);
    char *p = strstr(f, "\"bad_records\":[");

    cr_assert(p != NULL, "/_sim/faults has no bad_records: %.200s", f);
    for (p = strstr(p, "{\"id_reg\":\""); p; p = strstr(p + 1, "{\"id_reg\":\"")) {
        char line[160];
        const char *id = p + 11, *k = strstr(p, "\"kind\":\""), *end = strchr(p, '}');
        cr_assert(k != NULL && end != NULL);
        k += 8;
        snprintf(line, sizeof(line), "%.*s|%.*s", (int)strcspn(id, "\""), id,
                 (int)strcspn(k, "\""), k);
        sl_add(out, line);
        if (spoiled) {
            const char *sp = strstr(p, "\"spoiled\":");
            if (sp && sp < end)
                sl_add(spoiled, line);
        }
    }
    free(f);
}

static long camp_bad_count(struct sim *s)
{
    struct strlist l = {0};
    long n;
    camp_bad_records(s, &l, NULL);
    n = (long)l.n;
    sl_free(&l);
    return n;
}

/* Maps a quarantine reason to the halalsim fault kind of a bad record, or NULL for a
 * whole answer that did not decode (truncated, malformed). */
static const char *camp_reason_kind(const char *source, const char *reason)
{
    if (!strncmp(reason, "unknown status code", 19) ||
        !strncmp(reason, "unknown status label", 20))
        return "unknown_code";
    if (!strcmp(reason, "list item without status") ||
        !strcmp(reason, "list item without no_daftar") ||
        !strcmp(reason, "detail answer without a tracking array"))
        return "missing_fields";
    if (!strcmp(reason, "invalid UTF-8 in list item") ||
        (!strcmp(source, "detail") && !strcmp(reason, "invalid UTF-8 in response")))
        return "bad_utf8";
    return NULL;
}

static int camp_sl_has(struct strlist *sorted, const char *s)
{
    return sorted->n &&
           bsearch(&s, sorted->v, sorted->n, sizeof(char *), cmp_str) != NULL;
}

/* ---- the run ---- */

struct camp_daemon {
    pid_t pid;
    char name[200];
    int64_t spawned_ms;
};

/* A loss window: bad records [lo, upto) whose id_reg was in a batch that a kill or a
 * restart cut off (held by its transaction just before the cut); and records [from,
 * upto) injected while it happened. */
struct camp_window {
    struct strlist ids; /* sorted */
    long lo, from, upto;
};

struct camp_run {
    struct camp_params p;
    char api_extra[512], extra[512];
    int combo; /* the switch combination in force (camp_switches), -1 none yet */
    uint32_t combos_mask;    /* the combinations that had a cycle */
    long observed_last_view; /* observed-history applications, last view, clean */
    int equal_last_view;     /* the database equalled the truth in the last view */
    struct sim sim;
    struct store *st;
    char *conf, log[2][160], host[128];
    struct camp_daemon d[2];
    int restarts_done, kills_done, kills_mid_batch, storms, crashes;
    struct camp_window win[64];
    int nwin;
    long bad_prev_cycle, bad_this_cycle; /* bad records at the start of those cycles */
    FILE *report;
};

static void camp_out(struct camp_run *r, const char *fmt, ...) HT_PRINTF(2, 3);
static void camp_out(struct camp_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (r->report) {
        va_start(ap, fmt);
        vfprintf(r->report, fmt, ap);
        va_end(ap);
        fflush(r->report);
    }
}

static void camp_spawn(struct camp_run *r, int k)
{
    r->d[k].pid = daemon_spawn(r->conf, r->log[k]);
    r->d[k].spawned_ms = camp_now_ms();
    /* the daemon's default name (cfg.c): host-pid; its batch sessions are named
     * "<name>:<pid>:<rnd>" */
    snprintf(r->d[k].name, sizeof(r->d[k].name), "%s-%ld", r->host, (long)r->d[k].pid);
}

/* Reaps a daemon that died on its own (a crash: the campaign never lets one exit
 * otherwise) and starts it again. */
static void camp_check_alive(struct camp_run *r)
{
    for (int k = 0; k < 2; k++) {
        int st;
        if (r->d[k].pid <= 0 || waitpid(r->d[k].pid, &st, WNOHANG) != r->d[k].pid)
            continue;
        e2e_untrack(r->d[k].pid);
        r->crashes++;
        camp_out(r, "campaign: daemon %s ended on its own (%s %d); restarting it\n",
                 r->d[k].name, WIFEXITED(st) ? "exit" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        camp_spawn(r, k);
    }
}

static void camp_window_ids(struct camp_run *r, struct camp_window *w, const char *sql)
{
    struct store_rows rows;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(eq(int, store_query_rows(r->st, sql, 0, NULL, &rows, &err), 0), "%s",
              err.msg);
    /* An application the list showed without id_reg (halalsim's no_id_reg switch) has
     * none in the database: it cannot be named by id (bad records carry halalsim's
     * id_reg), the window's time span explains its records. */
    for (int i = 0; i < rows.nrows; i++)
        if (store_rows_get(&rows, i, 0))
            sl_add(&w->ids, store_rows_get(&rows, i, 0));
    store_rows_release(&rows);
    if (w->ids.n)
        qsort(w->ids.v, w->ids.n, sizeof(char *), cmp_str);
}

/* How long an answer carrying a bad record may take from halalsim's rendering (where
 * bad_records counts it) to the daemon's quarantine insert: halalsim's slow fault holds
 * it slow_ms after rendering, and a loaded machine adds its own delay (1.5 s allowed). A
 * kill or a restart comes at least this long after the window's start (from): a record
 * counted before from has reached quarantine by then, or is in the window. (A record of a
 * list page is not in the leased ids: without this wait, one counted just before from and
 * still on its way when the restart cut the sweeper's session was missed unexplained.) */
static long camp_in_flight_ms(const struct camp_run *r)
{
    const char *sm = strstr(r->p.faults, "\"slow_ms\":");
    long slow = !strstr(r->p.faults, "\"slow\":") ? 0
                : sm                              ? strtol(sm + 10, NULL, 10)
                                                  : 3000; /* halalsim's default */

    return slow + 1500;
}

/* A kill or a restart cuts off the detail batches in flight: their transactions (which
 * hold the batch's applications as row locks, the lease) roll back, nothing of them is
 * written and their applications are due again at once. Their ids are read just before
 * the cut; a batch claimed between that read and the cut fetched only answers rendered
 * after the window's start (from), which the window explains by time alone. */
static void camp_kill(struct camp_run *r, uint64_t *rng)
{
    int k = r->d[1].pid > 0 && camp_below(rng, 2) ? 1 : 0, mid = 0;
    struct camp_window *w = &r->win[r->nwin < 63 ? r->nwin++ : 63];
    char sql[512];

    /* Inside a batch: wait (briefly) until the victim holds applications. */
    e2e_batch_sql(sql, sizeof(sql), "count(*)", r->d[k].name);
    w->lo = r->bad_prev_cycle;
    w->from = camp_bad_count(&r->sim);
    e2e_sleep_ms(camp_in_flight_ms(r));
    for (int i = 0; i < 150 && !(mid = pgt_long(sql) > 0); i++)
        e2e_sleep_ms(20);
    e2e_batch_sql(sql, sizeof(sql), "a.id_reg", r->d[k].name);
    camp_window_ids(r, w, sql);
    kill(r->d[k].pid, SIGKILL);
    cr_assert(eq(int, daemon_wait(r->d[k].pid, 30), 128 + SIGKILL));
    w->upto = camp_bad_count(&r->sim);
    r->kills_done++;
    r->kills_mid_batch += mid;
    camp_out(r, "campaign: SIGKILL %s (%s, %zu applications in its batches)\n",
             r->d[k].name, mid ? "inside a batch" : "between batches", w->ids.n);
    camp_spawn(r, k);
}

static void camp_restart_pg(struct camp_run *r)
{
    struct camp_window *w = &r->win[r->nwin < 63 ? r->nwin++ : 63];
    const char *state = getenv("HT_PG_STATE");
    struct ht_err err = HT_ERR_INIT;
    char cmd[1024], sql[512];

    w->lo = r->bad_prev_cycle;
    w->from = camp_bad_count(&r->sim);
    e2e_sleep_ms(camp_in_flight_ms(r));
    snprintf(cmd, sizeof(cmd), "%s restart %s > /dev/null 2>&1", tu_src("scripts/pgctl"),
             state && *state ? state : tu_bin("pg"));
    /* the batches in flight, which the restart cuts off before they commit */
    e2e_batch_sql(sql, sizeof(sql), "a.id_reg", NULL);
    camp_window_ids(r, w, sql);
    cr_assert(eq(int, system(cmd), 0), "pgctl restart failed: %s", cmd);
    cr_assert(eq(int, store_reconnect(r->st, &err), 0), "%s", err.msg);
    w->upto = camp_bad_count(&r->sim);
    r->restarts_done++;
    camp_out(r, "campaign: PostgreSQL restarted (%zu applications were in batches)\n",
             w->ids.n);
}

static void camp_set_faults(struct camp_run *r, const char *extra)
{
    char json[1400];
    snprintf(json, sizeof(json), "{%s,\"seed\":%llu%s}", r->p.faults,
             (unsigned long long)r->p.seed, extra ? extra : "");
    sim_faults(&r->sim, json);
}

#define CAMP_FAULTS_OFF                                                                  \
    "{\"error_5xx\":0,\"rate_429\":0,\"slow\":0,\"reset\":0,\"truncate\":0,"             \
    "\"malformed\":0,\"bad_utf8\":0,\"unknown_code\":0,\"missing_fields\":0,"            \
    "\"string_numbers\":0,\"duplicate_items\":0,\"page_shift\":0,\"token_expiry\":0}"

/* Waits until a sweep that started after db_time has finished (any outcome). */
static int camp_wait_sweep(struct camp_run *r, const char *db_time, int timeout_s)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM sync_run WHERE sweep AND finished_at IS NOT NULL"
             " AND started_at > '%s'",
             db_time);
    for (int i = 0; i < timeout_s * 5; i++) {
        camp_check_alive(r);
        if (pgt_long(sql) > 0)
            return 1;
        e2e_sleep_ms(200);
    }
    return 0;
}

enum camp_act { ACT_KILL, ACT_RESTART, ACT_STORM };
struct camp_event {
    long cycle, delay_ms, len_ms;
    enum camp_act act;
};

static int camp_event_cmp(const void *a, const void *b)
{
    const struct camp_event *x = a, *y = b;
    if (x->cycle != y->cycle)
        return x->cycle < y->cycle ? -1 : 1;
    return x->delay_ms < y->delay_ms ? -1 : x->delay_ms > y->delay_ms;
}

/* ---- verification ---- */

/* The database against /_sim/truth, by kind of difference (tests/helpers/truth.h). */
static void camp_compare(struct camp_run *r, struct truth_diff *df)
{
    char *body = sim_call(&r->sim, "GET", "/_sim/truth", NULL), msg[256];
    struct truth t;

    cr_assert(eq(int, truth_parse(body, &t, msg, sizeof(msg)), 0), "truth: %s", msg);
    free(body);
    if (truth_compare(r->st, &t, df))
        camp_out(r, "campaign: first difference from the truth: %s\n", df->first);
    truth_release(&t);
}

struct camp_quar {
    long injected, injected_distinct, matched, false_rows, payload_rows, missed_spoiled,
        missed_lost, missed_unexplained, rows, spoiled_matched;
    char first_false[256], first_unexplained[160];
};

/* The quarantine against halalsim's injected bad records, by (id_reg, kind). */
static void camp_check_quarantine(struct camp_run *r, struct camp_quar *q)
{
    struct strlist bad = {0}, bad_sorted = {0}, qset = {0}, spoiled = {0};
    struct store_rows rows;
    struct ht_err err = HT_ERR_INIT;

    memset(q, 0, sizeof(*q));
    camp_bad_records(&r->sim, &bad, &spoiled);
    if (spoiled.n)
        qsort(spoiled.v, spoiled.n, sizeof(char *), cmp_str);
    q->injected = (long)bad.n;
    cr_assert(eq(int,
                 store_query_rows(
                     r->st, "SELECT source, coalesce(ref, ''), reason FROM quarantine", 0,
                     NULL, &rows, &err),
                 0),
              "%s", err.msg);
    q->rows = rows.nrows;
    for (int i = 0; i < rows.nrows; i++) {
        const char *src = store_rows_get(&rows, i, 0), *ref = store_rows_get(&rows, i, 1),
                   *why = store_rows_get(&rows, i, 2), *kind = camp_reason_kind(src, why);
        char line[200];
        if (!kind) {
            q->payload_rows++;
            continue;
        }
        snprintf(line, sizeof(line), "%s|%s", ref, kind);
        sl_add(&qset, line);
    }
    store_rows_release(&rows);
    if (qset.n)
        qsort(qset.v, qset.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < bad.n; i++)
        sl_add(&bad_sorted, bad.v[i]);
    if (bad_sorted.n)
        qsort(bad_sorted.v, bad_sorted.n, sizeof(char *), cmp_str);
    /* every record quarantined as bad was injected as bad, with that kind */
    for (size_t i = 0; i < qset.n; i++) {
        if (i && !strcmp(qset.v[i], qset.v[i - 1]))
            continue;
        if (camp_sl_has(&bad_sorted, qset.v[i]))
            q->matched++;
        else {
            if (!q->false_rows)
                snprintf(q->first_false, sizeof(q->first_false), "%s", qset.v[i]);
            q->false_rows++;
        }
    }
    /* every injected (id_reg, kind) is in quarantine, or explained */
    for (size_t i = 0; i < bad_sorted.n; i++) {
        char id[80];
        int lost = 0;
        if (i && !strcmp(bad_sorted.v[i], bad_sorted.v[i - 1]))
            continue;
        q->injected_distinct++;
        if (camp_sl_has(&qset, bad_sorted.v[i])) {
            q->spoiled_matched += camp_sl_has(&spoiled, bad_sorted.v[i]);
            continue;
        }
        snprintf(id, sizeof(id), "%.*s", (int)strcspn(bad_sorted.v[i], "|"),
                 bad_sorted.v[i]);
        /* its first injection index, for the loss windows */
        for (size_t k = 0; k < bad.n && !lost; k++) {
            if (strcmp(bad.v[k], bad_sorted.v[i]) != 0)
                continue;
            for (int w = 0; w < r->nwin && !lost; w++) {
                const struct camp_window *cw = &r->win[w];
                char *idp = id;
                lost = ((long)k >= cw->lo && (long)k < cw->upto && cw->ids.n &&
                        bsearch(&idp, cw->ids.v, cw->ids.n, sizeof(char *), cmp_str)) ||
                       ((long)k >= cw->from && (long)k < cw->upto);
            }
        }
        if (camp_sl_has(&spoiled, bad_sorted.v[i]))
            q->missed_spoiled++; /* the answer holding it was cut or garbled */
        else if (lost)
            q->missed_lost++;
        else {
            if (!q->missed_unexplained)
                snprintf(q->first_unexplained, sizeof(q->first_unexplained), "%s",
                         bad_sorted.v[i]);
            q->missed_unexplained++;
        }
    }
    sl_free(&bad);
    sl_free(&bad_sorted);
    sl_free(&qset);
    sl_free(&spoiled);
}

struct camp_budget {
    long granted, served, sim_total, over_1s, over_10s, whole_ok, sim_limited;
};

static void camp_check_budget(struct camp_run *r, double burst, struct camp_budget *b)
{
    char sql[1024], *stats = sim_call(&r->sim, "GET", "/_sim/stats", NULL),
                    *faults = sim_call(&r->sim, "GET", "/_sim/faults", NULL), *p;

    b->sim_total = camp_json_long(stats, "total");
    p = strstr(stats, "\"sim\":{");
    b->served = b->sim_total;
    if (p) {
        /* /_sim/... calls of the driver are not API requests */
        char *end = strchr(p, '}');
        for (char *c = strchr(p + 6, ':'); c && c < end; c = strchr(c + 1, ':'))
            b->served -= strtol(c + 1, NULL, 10);
    }
    b->granted = pgt_long("SELECT coalesce(sum(n), 0) FROM budget_grant");
    for (int w = 0; w < 2; w++) {
        long win = w ? 10 : 1;
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM budget_grant g WHERE (SELECT sum(n) FROM"
                 " budget_grant h WHERE h.at >= g.at AND h.at < g.at + make_interval("
                 "secs => %ld)) > %g + %ld * %ld + 1",
                 win, burst, r->p.rate, win);
        *(w ? &b->over_10s : &b->over_1s) = pgt_long(sql);
    }
    snprintf(sql, sizeof(sql),
             "SELECT (coalesce(sum(n), 0) <= %g + %ld * coalesce(extract(epoch FROM"
             " max(at) - min(at)), 0) + 1)::int FROM budget_grant",
             burst, r->p.rate);
    b->whole_ok = pgt_long(sql);
    p = strstr(faults, "\"counters\":{");
    b->sim_limited = p ? camp_json_long(p, "rate_limit") : -1;
    free(stats);
    free(faults);
}

/* Rewrites the daemons' config for split (auth_url on the second port or not) and
 * reloads the running daemons (SIGHUP); gives them a cycle to take it. */
static void camp_reconfigure(struct camp_run *r, int split)
{
    char api[768], *conf;

    snprintf(api, sizeof(api), "%s\nauth_url = %s", r->api_extra,
             split ? r->sim.auth_base : "");
    conf = e2e_conf(&r->sim, api, r->extra);
    cr_assert(eq(int, rename(conf, r->conf), 0));
    free(conf);
    for (int k = 0; k < 2; k++)
        if (r->d[k].pid > 0) {
            /* (not while the program is still being loaded: HUP's default would end it
             * before its handler is installed) */
            int64_t age = camp_now_ms() - r->d[k].spawned_ms;
            if (age < 500)
                e2e_sleep_ms((long)(500 - age));
            kill(r->d[k].pid, SIGHUP);
        }
    e2e_sleep_ms(1500);
}

/* The account's view for cycle c: every combination of halalsim's switches in turn
 * (status as code/label/mixed x detail denied or not x rows with or without id_reg x
 * one host or split authentication: 24), the hosts split by reloading the daemons'
 * config before halalsim moves authentication (and back after). */
static void camp_view(struct camp_run *r, int combo, const char *when)
{
    static const char *const status_as[] = {"code", "label", "mixed"};
    int old = r->combo;
    int split = combo / 12 % 2, old_split = old < 0 ? 0 : old / 12 % 2;
    char json[256];

    if (combo == old)
        return;
    if (split && !old_split)
        camp_reconfigure(r, 1);
    snprintf(json, sizeof(json),
             "{\"status_as\":\"%s\",\"deny_detail\":%s,\"no_id_reg\":%s,"
             "\"split_hosts\":%s}",
             status_as[combo % 3], combo / 3 % 2 ? "0.3" : "0",
             combo / 6 % 2 ? "true" : "false", split ? "true" : "false");
    sim_switches(&r->sim, json);
    if (!split && old_split)
        camp_reconfigure(r, 0);
    r->combo = combo;
    camp_out(r, "campaign: %s switches %s\n", when, json);
}

static void camp_switches(struct camp_run *r, long c)
{
    char when[48];

    snprintf(when, sizeof(when), "cycle %ld", c);
    r->combos_mask |= 1u << (c % 24);
    camp_view(r, (int)(c % 24), when);
}

/* Two sweeps that began now, one poll interval (at least the 5 s after which a refused
 * detail is asked again), then up to 5 min for the database to equal the truth. Returns 1
 * when it did; m gets the first difference otherwise. */
static int camp_wait_equal(struct camp_run *r, char m[static 1024])
{
    int equal = 0;
    char *db_t;

    for (int i = 0; i < 2; i++) {
        db_t = pgt_str("SELECT clock_timestamp()::text");
        cr_assert(camp_wait_sweep(r, db_t, 600), "no clean sweep finished");
        free(db_t);
    }
    e2e_sleep_ms((r->p.poll > 5 ? r->p.poll : 5) * 1000L + 500);
    for (int i = 0; i < 300 && !equal; i++) {
        camp_check_alive(r);
        equal = truth_diff(&r->sim, r->st, m, 1024, NULL) == 0;
        if (!equal)
            e2e_sleep_ms(1000);
    }
    return equal;
}

/* Runs the whole campaign and asserts its outcome. */
static void campaign_run(struct camp_params *prm)
{
    struct camp_run *r = calloc(1, sizeof(*r));
    struct camp_event ev[256];
    size_t nev = 0, next = 0;
    uint64_t rng;
    char msmes_rate[32], api_extra[512], extra[512], *db_t;
    const char *rep = getenv("HT_CAMPAIGN_REPORT");
    const double burst = (double)prm->rate / 4;
    int64_t t0 = camp_now_ms(), t_faults_end;
    long two_from, two_to, sweeps_missed = 0;
    struct truth_diff df;
    struct camp_quar q;
    struct camp_budget bg;

    cr_assert(r != NULL);
    r->p = *prm;
    r->combo = -1;
    rng = r->p.seed * 0x2545f4914f6cdd1dULL + 17;
    r->report = rep && *rep ? fopen(rep, "w") : NULL;
    gethostname(r->host, sizeof(r->host) - 1);
    r->st = pgt_open();
    snprintf(msmes_rate, sizeof(msmes_rate), "%ld", r->p.rate);
    {
        /* about 0.25 of the office's applications per MSME at the campaign's clock (its
         * inquiry list holds the applications that use its codes) */
        const char *extra_sim[] = {"--rate", msmes_rate, "--split-hosts", NULL};
        sim_start(&r->sim, (int)(r->p.apps * 4), extra_sim);
    }
    snprintf(api_extra, sizeof(api_extra),
             "rate = %ld\nburst = %g\npage_size = 100\nmax_retries = 8\n"
             "concurrency = 16\nbackoff_max_ms = 50\nbreaker_threshold = 60\n"
             "retry_after_max = %ld",
             r->p.rate, burst, r->p.retry_after_max);
    /* Stages that move are re-read every poll seconds (an application that went
     * OF10 -> OF280 -> OF10 between two sweeps looks unchanged in the list): the clean
     * pass at the end lasts longer than that, so every such round trip is read. */
    snprintf(extra, sizeof(extra),
             "[database]\nlease = %ld\nbatch_size = 200\n[poll]\ndraft = %d\n"
             "submitted = %d\nverification = %d\nlph_assignment = %d\ninspection = %d\n"
             "pph_verification = %d\nfatwa = %d\nissuance = %d\nreturned = %d\n",
             r->p.lease, (int)r->p.poll, (int)r->p.poll, (int)r->p.poll, (int)r->p.poll,
             (int)r->p.poll, (int)r->p.poll, (int)r->p.poll, (int)r->p.poll,
             (int)r->p.poll);
    r->conf = e2e_conf(&r->sim, api_extra, extra);
    snprintf(r->api_extra, sizeof(r->api_extra), "%s", api_extra);
    snprintf(r->extra, sizeof(r->extra), "%s", extra);
    for (int k = 0; k < 2; k++) {
        snprintf(r->log[k], sizeof(r->log[k]), "/tmp/ht_campaign_%d_%c.log",
                 (int)getpid(), 'a' + k);
        unlink(r->log[k]);
    }
    /* The schedule, all from the seed: restarts and kills at a cycle and a delay into it
     * (the daemons run 1-second cycles, so most land inside a sweep or a batch), 429
     * storms in about a quarter of the cycles. */
    for (long i = 0; i < r->p.restarts && nev < 200; i++)
        ev[nev++] = (struct camp_event){1 + camp_below(&rng, r->p.cycles - 1),
                                        camp_below(&rng, 2500), 0, ACT_RESTART};
    for (long i = 0; i < r->p.kills && nev < 200; i++)
        ev[nev++] = (struct camp_event){1 + camp_below(&rng, r->p.cycles - 1),
                                        camp_below(&rng, 2500), 0, ACT_KILL};
    for (long c = 0; c < r->p.cycles && nev < 256; c++)
        if (camp_below(&rng, 4) == 0)
            ev[nev++] = (struct camp_event){c, camp_below(&rng, 1500),
                                            1000 + camp_below(&rng, 2000), ACT_STORM};
    qsort(ev, nev, sizeof(ev[0]), camp_event_cmp);
    two_from = r->p.cycles / 4;
    two_to = two_from + r->p.cycles / 2;

    camp_out(
        r,
        "campaign: seed=%llu applications~%ld cycles=%ld days/cycle=%ld restarts=%ld "
        "kills=%ld rate=%ld/s poll=%lds retry_after_max=%lds two daemons in cycles "
        "[%ld,%ld)\n",
        (unsigned long long)r->p.seed, r->p.apps, r->p.cycles, r->p.days, r->p.restarts,
        r->p.kills, r->p.rate, r->p.poll, r->p.retry_after_max, two_from, two_to);
    camp_set_faults(r, NULL);
    camp_spawn(r, 0);
    for (long c = 0; c < r->p.cycles; c++) {
        int64_t tc;
        int two = c >= two_from && c < two_to;

        if (two && r->d[1].pid <= 0)
            camp_spawn(r, 1);
        if (!two && r->d[1].pid > 0) {
            kill(r->d[1].pid, SIGTERM);
            cr_assert(eq(int, daemon_wait(r->d[1].pid, 120), 0),
                      "the second daemon did not stop cleanly on SIGTERM");
            r->d[1].pid = 0;
        }
        if (c > 0)
            sim_advance(&r->sim, (int)r->p.days);
        camp_switches(r, c);
        r->bad_prev_cycle = r->bad_this_cycle;
        r->bad_this_cycle = camp_bad_count(&r->sim);
        db_t = pgt_str("SELECT clock_timestamp()::text");
        tc = camp_now_ms();
        for (; next < nev && ev[next].cycle == c; next++) {
            long wait = ev[next].delay_ms - (long)(camp_now_ms() - tc);
            if (wait > 0)
                e2e_sleep_ms(wait);
            camp_check_alive(r);
            switch (ev[next].act) {
            case ACT_KILL:
                camp_kill(r, &rng);
                break;
            case ACT_RESTART:
                camp_restart_pg(r);
                break;
            case ACT_STORM:
                camp_set_faults(r, ",\"rate_429\":0.8");
                e2e_sleep_ms(ev[next].len_ms);
                camp_set_faults(r, NULL);
                r->storms++;
                break;
            }
        }
        if (!camp_wait_sweep(r, db_t, 600)) {
            sweeps_missed++;
            camp_out(r, "campaign: cycle %ld: no sweep finished in 600 s\n", c);
        }
        free(db_t);
        if (c % 5 == 4 || c == r->p.cycles - 1)
            camp_out(r, "campaign: cycle %ld done (%.0f s)\n", c,
                     (double)(camp_now_ms() - t0) / 1000);
    }
    t_faults_end = camp_now_ms();
    /* The clean pass: faults off. Every fault is transient, and a record that was never
     * read clean cannot be compared with the truth, so the end state is compared after
     * the daemon has had the chance to read everything once without faults. */
    sim_faults(&r->sim, CAMP_FAULTS_OFF);
    if (r->d[1].pid > 0) {
        kill(r->d[1].pid, SIGTERM);
        cr_assert(eq(int, daemon_wait(r->d[1].pid, 120), 0));
        r->d[1].pid = 0;
    }
    {
        char m[1024];

        /* First in the last cycle's view (observed histories judged by their windows),
         * then in the plain one (every detail readable again, so every history is
         * upstream's and compared exactly). */
        r->equal_last_view = camp_wait_equal(r, m);
        if (!r->equal_last_view)
            camp_out(r,
                     "campaign: in the last view the database did not reach the truth: "
                     "%s\n",
                     m);
        r->observed_last_view = pgt_long(
            "SELECT count(*) FROM v_application WHERE history_source = 'observed'");
        camp_view(r, 0, "clean pass, plain view:");
        if (!camp_wait_equal(r, m))
            camp_out(r, "campaign: the database did not reach the truth: %s\n", m);
    }
    kill(r->d[0].pid, SIGTERM);
    cr_assert(eq(int, daemon_wait(r->d[0].pid, 120), 0),
              "the daemon did not stop cleanly on SIGTERM");
    r->d[0].pid = 0;

    camp_compare(r, &df);
    camp_check_quarantine(r, &q);
    camp_check_budget(r, burst, &bg);
    {
        /* The maintained report tables (issue 16), kept by triggers through every fault,
         * restart and kill, against their recomputation from the history. */
        long maint = pgt_long("SELECT count(*) FROM maintained_diff()");
        char *first = maint ? pgt_str("SELECT tbl || ' ' || key || ': '"
                                      " || coalesce(maintained, '-') || ' / '"
                                      " || coalesce(recomputed, '-')"
                                      " FROM maintained_diff() LIMIT 1")
                            : NULL;

        camp_out(r, "maintained tables  %ld differences from their recomputation%s%s\n",
                 maint, first ? ": first " : "", first ? first : "");
        free(first);
        cr_assert(eq(long, maint, 0),
                  "the maintained tables differ from their recomputation");
    }
    {
        char *f = sim_call(&r->sim, "GET", "/_sim/faults", NULL), *cnt;
        long injected = 0;
        static const char *const kinds[] = {
            "error_5xx",      "rate_429",        "slow",
            "reset",          "truncate",        "malformed",
            "bad_utf8",       "unknown_code",    "missing_fields",
            "string_numbers", "duplicate_items", "page_shift",
            "token_expiry"};
        long lost = df.apps_missing + df.events_missing + df.status_wrong +
                    df.rows_wrong + df.events_outside,
             dups = df.apps_extra + df.events_extra + df.events_dup;
        int survived = r->crashes == 0 && lost == 0 && dups == 0;

        cnt = strstr(f, "\"counters\":{");
        cr_assert(cnt != NULL);
        camp_out(r, "\n== fault campaign: figures\n");
        camp_out(r, "seed %llu, %ld cycles of %ld simulated days, two daemons in %ld\n",
                 (unsigned long long)r->p.seed, r->p.cycles, r->p.days,
                 two_to - two_from);
        camp_out(
            r,
            "switch combinations %d of 24 (status as code/label/mixed x detail denied "
            "x no id_reg x split hosts); observed-history applications in the last view "
            "%ld (equal to the truth: %s), at the end in the plain view %ld\n",
            __builtin_popcount(r->combos_mask), r->observed_last_view,
            r->equal_last_view ? "yes" : "NO", df.observed_apps);
        camp_out(r, "applications %ld, events %ld (in /_sim/truth at the end)\n",
                 df.truth_apps, df.truth_events);
        camp_out(r, "faults injected by kind (halalsim counters):\n");
        for (size_t k = 0; k < HT_ARRAY_LEN(kinds); k++) {
            long n = camp_json_long(cnt, kinds[k]);
            injected += n;
            camp_out(r, "  %-16s %ld\n", kinds[k], n);
        }
        camp_out(r, "  429 storms       %d (rate_429 at 0.8 for 1-3 s)\n", r->storms);
        camp_out(r, "faults injected    %ld\n", injected);
        camp_out(r, "faults survived    %ld (daemon crashes %d)\n",
                 survived ? injected : 0, r->crashes);
        camp_out(r, "PostgreSQL restarts %d\n", r->restarts_done);
        camp_out(r, "SIGKILLs           %d (%d inside a batch)\n", r->kills_done,
                 r->kills_mid_batch);
        camp_out(r,
                 "records lost       %ld (applications %ld, events %ld, status %ld, rows "
                 "%ld, observed events outside their window %ld)\n",
                 lost, df.apps_missing, df.events_missing, df.status_wrong, df.rows_wrong,
                 df.events_outside);
        camp_out(r, "duplicates         %ld (applications %ld, events %ld, keys %ld)\n",
                 dups, df.apps_extra, df.events_extra, df.events_dup);
        camp_out(
            r,
            "bad records        injected %ld (%ld distinct id_reg+kind), quarantined "
            "%ld (%ld of them from a garbled answer), quarantined but not injected "
            "%ld%s%s\n",
            q.injected, q.injected_distinct, q.matched, q.spoiled_matched, q.false_rows,
            q.false_rows ? ": first " : "", q.first_false);
        camp_out(r,
                 "  not quarantined  %ld in an answer halalsim also "
                 "reset/truncated/malformed, "
                 "%ld in a batch cut off by a kill/restart, %ld unexplained%s%s\n",
                 q.missed_spoiled, q.missed_lost, q.missed_unexplained,
                 q.missed_unexplained ? ": first " : "", q.first_unexplained);
        camp_out(r, "  quarantine rows  %ld (%ld whole answers that did not decode)\n",
                 q.rows, q.payload_rows);
        camp_out(
            r, "requests           %ld API requests served, %ld budget tokens granted\n",
            bg.served, bg.granted);
        camp_out(r,
                 "budget             rate %ld/s burst %g: 1-s windows over %ld, 10-s "
                 "windows over %ld, whole run %s; halalsim's own limiter refused %ld\n",
                 r->p.rate, burst, bg.over_1s, bg.over_10s,
                 bg.whole_ok ? "within" : "OVER", bg.sim_limited);
        camp_out(r, "cycles without a finished sweep %ld\n", sweeps_missed);
        camp_out(r, "wall time          %.1f s (faults phase %.1f s)\n",
                 (double)(camp_now_ms() - t0) / 1000, (double)(t_faults_end - t0) / 1000);
        free(f);
        cr_assert(eq(long, lost, 0), "records lost");
        cr_assert(eq(long, dups, 0), "duplicates");
        cr_assert(eq(int, r->crashes, 0), "a daemon died on its own");
        cr_assert(r->equal_last_view, "the last view did not reach the truth");
        if (r->p.cycles >= 24)
            cr_assert(eq(int, __builtin_popcount(r->combos_mask), 24),
                      "not every switch combination had a cycle");
        cr_assert(df.truth_apps > 0);
        cr_assert(eq(long, q.false_rows, 0), "quarantined but never injected: %s",
                  q.first_false);
        cr_assert(eq(long, q.missed_unexplained, 0),
                  "injected bad records missing from quarantine: first %s",
                  q.first_unexplained);
        cr_assert(q.matched > 0, "no bad record reached quarantine");
        cr_assert(eq(long, bg.over_1s, 0), "the budget was exceeded in a 1-s window");
        cr_assert(eq(long, bg.over_10s, 0), "the budget was exceeded in a 10-s window");
        cr_assert(eq(long, bg.whole_ok, 1));
        cr_assert(bg.served <= bg.granted, "served %ld > granted %ld", bg.served,
                  bg.granted);
        cr_assert(eq(long, sweeps_missed, 0));
        cr_assert(eq(int, r->restarts_done, (int)r->p.restarts));
        cr_assert(eq(int, r->kills_done, (int)r->p.kills));
    }
    for (int k = 0; k < 2; k++)
        unlink(r->log[k]);
    for (int w = 0; w < r->nwin; w++)
        sl_free(&r->win[w].ids);
    if (r->report)
        fclose(r->report);
    sim_stop(&r->sim);
    free(r->conf);
    free(r);
}

#endif

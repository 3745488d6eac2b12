/* C and SQL agree: the working days of lib/calendar.c and workdays_between over random
 * spans (years without holiday rows and cuti bersama under both settings included), and
 * the current legal step of lib/timeline.c and app_step_at on random histories of every
 * channel (extensions, takeovers, pauses, returns); plus the step clocks of
 * v_sla_breach on fixed histories. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"
#include "halaltrack/buf.h"
#include "halaltrack/store.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/timeline.h"
#include "halaltrack/util.h"

static struct store *db;

static void setup(void)
{
    db = pgt_open();
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(steps_sql, .init = setup, .fini = teardown, .timeout = 600);

/* A small PRNG with a fixed seed: a failure is reproducible. */
static unsigned long long rng_state = 0x2026101720261017ull;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

static struct calendar *load_calendar(void)
{
    struct ht_err err = HT_ERR_INIT;
    struct ht_settings set;
    struct calendar *cal = NULL;

    cr_assert(store_settings_load(db, &set, &err) == 0, "%s", err.msg);
    cr_assert(store_calendar_load(db, &set, &cal, &err) == 0, "%s", err.msg);
    return cal;
}

static void set_cuti(int working)
{
    pgt_exec(working
                 ? "UPDATE setting SET value = 'working' WHERE key = 'cuti_bersama'"
                 : "UPDATE setting SET value = 'nonworking' WHERE key = 'cuti_bersama'");
}

static void gaps_text(const struct cal_gaps *g, char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "{");

    for (size_t i = 0; i < g->n && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%d", i ? "," : "", g->year[i]);
    snprintf(out + o, n - o, "}");
}

/* 2022-06-01 .. 2028-06-30: the database has holidays for 2024-2026 only. */
static struct ht_date random_date(void)
{
    int64_t d0 = date_to_days((struct ht_date){2022, 6, 1});

    return date_from_days(d0 + rnd(6 * 366 + 30));
}

Test(steps_sql, workdays_agree_with_c)
{
    enum { N = 1500 };
    struct buf sql = BUF_INIT(BUF_CAP_SMALL);
    struct ht_date a[N], b[N];
    struct store_rows r = {0};
    struct ht_err err = HT_ERR_INIT;
    static int64_t count[2][N];
    long uncovered = 0, cuti = 0;

    for (int i = 0; i < N; i++) {
        a[i] = random_date();
        /* Mostly short spans (steps), some long ones and some reversed. */
        b[i] = rnd(4) ? date_from_days(date_to_days(a[i]) + (int)rnd(60) - 5)
                      : random_date();
    }
    cr_assert(buf_adds(&sql, "SELECT x.i, workdays_between(x.a, x.b),"
                             " workdays_between(x.a, x.b, true),"
                             " workdays_between(x.a, x.b, false),"
                             " calendar_gaps(x.a, x.b)::text FROM (VALUES ") == 0);
    for (int i = 0; i < N; i++) {
        char da[11], db_[11];

        date_format(a[i], da);
        date_format(b[i], db_);
        cr_assert(buf_addf(&sql, "%s(%d, date '%s', date '%s')", i ? "," : "", i, da,
                           db_) == 0);
    }
    cr_assert(buf_adds(&sql, ") AS x(i, a, b) ORDER BY x.i") == 0);
    for (int working = 0; working < 2; working++) {
        struct calendar *cal;

        set_cuti(working);
        cal = load_calendar();
        cr_assert(store_query_rows(db, buf_str(&sql), 0, NULL, &r, &err) == 0, "%s",
                  err.msg);
        cr_assert_eq(r.nrows, N);
        for (int i = 0; i < N; i++) {
            int64_t c = calendar_working_days_between_dates(cal, a[i], b[i]);
            struct cal_gaps g = {{0}, 0, 0};
            char want[128], da[11], db_[11];
            int col = working ? 2 : 3;

            count[working][i] = c;
            date_format(a[i], da);
            date_format(b[i], db_);
            cr_assert_eq(strtoll(store_rows_get(&r, i, 1), NULL, 10), c,
                         "(%s, %s] cuti %s: SQL %s, C %lld", da, db_,
                         working ? "working" : "nonworking", store_rows_get(&r, i, 1),
                         (long long)c);
            /* The explicit argument wins over the setting. */
            cr_assert_eq(strtoll(store_rows_get(&r, i, col), NULL, 10), c, "%s %s", da,
                         db_);
            calendar_gaps_add(cal, a[i], b[i], &g);
            gaps_text(&g, want, sizeof(want));
            cr_assert_str_eq(store_rows_get(&r, i, 4), want, "gaps of (%s, %s]", da, db_);
            uncovered += g.n > 0;
        }
        store_rows_release(&r);
        calendar_free(cal);
    }
    /* The spans did cross years without holiday rows, and cuti bersama days: the two
     * settings gave different counts for some spans, the same for the rest. */
    cr_assert(uncovered > 100, "%ld spans crossed an uncovered year", uncovered);
    for (int i = 0; i < N; i++)
        cuti += count[0][i] != count[1][i];
    cr_assert(cuti > 100 && cuti < N, "%ld spans counted cuti bersama differently", cuti);
    buf_release(&sql);
}

/* ---- random histories: C's current step and SQL's ---- */

struct hist {
    char id_reg[16];
    const char *channel;
    struct tl_event ev[40];
    size_t n;
    struct tl_extension ext[2];
    size_t next;
    int64_t now;
};

static const char *const reguler_path[] = {"OF10",  "OF11",  "OF15", "OF50", "OF55",
                                           "OF56",  "OF60",  "OF70", "OF75", "OF80",
                                           "OF100", "OF120", "OF300"};
static const char *const sd_path[] = {"OF10",  "OF71",  "OF72", "OF74",
                                      "OF100", "OF120", "OF300"};
static const char *const sd4_path[] = {"OF10", "OF56",  "OF71",  "OF72",
                                       "OF74", "OF100", "OF120", "OF300"};
static const char *const odd[] = {"OF280", "OF285", "OF2",   "OF5",   "OF12",
                                  "OF74",  "OF999", "OF290", "OF900", "OF1"};

static void random_history(struct hist *h, int k)
{
    static const char *const channels[] = {"CH001", "CH002", "CH003", "CH004", "CH009"};
    const char *const *path;
    size_t plen, i = 0;
    int64_t t = date_to_days(random_date()) * 86400 + 2 * 3600 + rnd(8) * 3600;

    memset(h, 0, sizeof(*h));
    snprintf(h->id_reg, sizeof(h->id_reg), "R%d", k);
    h->channel = channels[rnd(HT_ARRAY_LEN(channels))];
    if (strcmp(h->channel, "CH003") == 0)
        path = sd_path, plen = HT_ARRAY_LEN(sd_path);
    else if (strcmp(h->channel, "CH004") == 0)
        path = sd4_path, plen = HT_ARRAY_LEN(sd4_path);
    else
        path = reguler_path, plen = HT_ARRAY_LEN(reguler_path);
    /* Start at the beginning or in the middle of the path, go some steps, with detours
     * (returns, odd codes, repeats). */
    i = rnd(2) ? 0 : rnd((unsigned)plen);
    for (size_t n = 1 + rnd(12); n > 0 && h->n < HT_ARRAY_LEN(h->ev) && i < plen; n--) {
        const char *code = rnd(8) ? path[i++] : odd[rnd(HT_ARRAY_LEN(odd))];

        snprintf(h->ev[h->n].code, sizeof(h->ev[h->n].code), "%s", code);
        h->ev[h->n].at = t;
        h->ev[h->n].observed_at = t + 60;
        h->n++;
        t += 3600 + (int64_t)rnd(14 * 86400);
        if (strcmp(code, "OF280") == 0 && i > 0)
            i = 0; /* resubmitted from the start */
    }
    /* An extension of the inspection now and then, granted on a day of the history. */
    if (rnd(2) == 0) {
        struct ht_date g = ts_to_wib_date(h->ev[rnd((unsigned)h->n)].at + rnd(5) * 86400);

        h->ext[h->next++] =
            (struct tl_extension){STEP_INSPECTION, 1 + (int)rnd(14), g, 1577836800};
    }
    h->now = t + (int64_t)rnd(20 * 86400);
}

static void insert_history(const struct hist *h, struct buf *sql)
{
    const struct tl_event *last = &h->ev[h->n - 1];
    char at[21];

    ts_format_utc(last->at, at);
    cr_assert(buf_addf(sql,
                       "INSERT INTO application (id_reg, channel_id, status_code, stage,"
                       " stage_since, first_seen_at, observed_at) VALUES"
                       " ('%s', '%s', '%s', coalesce((SELECT stage FROM status_code_def"
                       " WHERE code = '%s'), 'unknown'), '%s', '2020-01-01', '%s');",
                       h->id_reg, h->channel, last->code, last->code, at, at) == 0);
    for (size_t i = 0; i < h->n; i++) {
        char when[21], obs[21];

        ts_format_utc(h->ev[i].at, when);
        ts_format_utc(h->ev[i].observed_at, obs);
        cr_assert(
            buf_addf(sql,
                     "INSERT INTO stage_event (application_id, status_code, stage, at,"
                     " observed_at) SELECT a.id, '%s', coalesce((SELECT stage FROM"
                     " status_code_def WHERE code = '%s'), 'unknown'), '%s', '%s'"
                     " FROM application a WHERE a.id_reg = '%s';",
                     h->ev[i].code, h->ev[i].code, when, obs, h->id_reg) == 0);
    }
    for (size_t i = 0; i < h->next; i++) {
        char d[11];

        date_format(h->ext[i].granted_on, d);
        cr_assert(buf_addf(sql,
                           "INSERT INTO step_extension (application_id, step, days,"
                           " granted_on, created_at) SELECT a.id, 'inspection', %d, '%s',"
                           " '2020-01-01' FROM application a WHERE a.id_reg = '%s';",
                           h->ext[i].days, d, h->id_reg) == 0);
    }
}

/* What the random histories exercised. */
struct seen {
    long compared, breached, taken_over, extended, paused, gaps;
};

/* The events of h known at now (upstream time and observation before it). */
static size_t known_at(const struct hist *h, int64_t now, struct tl_event *out)
{
    size_t n = 0;

    for (size_t i = 0; i < h->n; i++)
        if (h->ev[i].at < now && h->ev[i].observed_at < now)
            out[n++] = h->ev[i];
    return n;
}

/* C's current step of h at now, in the text the SQL below builds. SQL gives a terminal
 * step's start as its latest event's time (no history is read for finished files). */
static int c_current(const struct hist *h, int64_t now, const struct calendar *cal,
                     enum sla_rules rules, char *want, size_t wantsz, struct seen *seen)
{
    struct tl_event ev[HT_ARRAY_LEN(h->ev)];
    size_t n = known_at(h, now, ev);
    const struct tl_app app = {h->channel, ev, n, h->ext, h->next};
    const struct tl_ctx ctx = {cal, rules, now};
    struct cal_gaps g = {{0}, 0, 0};
    const struct tl_step *s;
    struct timeline t;
    char gaps[128];
    int terminal;

    if (n == 0)
        return 0;
    cr_assert(timeline_build(&app, &ctx, &t, NULL) == 0);
    s = timeline_current(&t);
    terminal = step_def_get(s->step)->terminal;
    if (!terminal)
        calendar_gaps_add(cal, ts_to_wib_date(s->entered), ts_to_wib_date(now), &g);
    gaps_text(&g, gaps, sizeof(gaps));
    snprintf(want, wantsz, "%.15s %s %s %s %lld %lld %d %d %s %d %lld %.127s", h->id_reg,
             step_name(s->step), stage_waits_on_name(s->holder),
             s->paused ? "true" : "false",
             (long long)(terminal ? ev[n - 1].at : s->entered), (long long)s->days,
             s->limit_days, s->extension_days, s->taken_over ? "true" : "false",
             s->limit_days ? s->limit_days + (s->taken_over ? s->takeover_days : 0) : 0,
             (long long)s->overdue, gaps);
    seen->compared++;
    seen->breached += s->breach;
    seen->taken_over += s->taken_over;
    seen->extended += s->extension_days > 0;
    seen->paused += s->paused;
    seen->gaps += g.n > 0;
    timeline_release(&t);
    return 1;
}

/* Compares every history's current step at now, C against app_step_at. */
static void compare_at(const struct hist *h, size_t nh, int64_t now,
                       const struct calendar *cal, enum sla_rules rules,
                       struct seen *seen)
{
    struct store_rows r = {0};
    struct ht_err err = HT_ERR_INIT;
    char ts[32], want[512];
    const char *p[1] = {ts};
    int row = 0;

    snprintf(ts, sizeof(ts), "%lld", (long long)now);
    cr_assert(store_query_rows(
                  db,
                  "SELECT a.id_reg || ' ' || s.step || ' ' || s.holder || ' ' || s.paused"
                  " || ' ' || extract(epoch FROM s.step_since)::bigint || ' '"
                  " || s.days_in_step || ' ' || coalesce(s.limit_days, 0) || ' '"
                  " || s.extension_days || ' ' || s.taken_over || ' '"
                  " || coalesce(s.allowed_days, 0) || ' ' || s.days_overdue || ' '"
                  " || s.calendar_gaps::text"
                  " FROM app_step_at(to_timestamp($1::bigint)) s"
                  " JOIN application a ON a.id = s.application_id"
                  " ORDER BY substr(a.id_reg, 2)::int",
                  1, p, &r, &err) == 0,
              "%s", err.msg);
    for (size_t k = 0; k < nh; k++) {
        if (!c_current(&h[k], now, cal, rules, want, sizeof(want), seen))
            continue;
        cr_assert(row < r.nrows, "%s is missing from app_step_at", h[k].id_reg);
        cr_assert_str_eq(store_rows_get(&r, row, 0), want,
                         "%s on %s with %zu events (%s first), %s: SQL '%s', C '%s'",
                         h[k].id_reg, h[k].channel, h[k].n, h[k].ev[0].code,
                         sla_rules_name(rules), store_rows_get(&r, row, 0), want);
        row++;
    }
    cr_assert_eq(row, r.nrows, "SQL has %d rows, C %d", r.nrows, row);
    store_rows_release(&r);
}

Test(steps_sql, current_step_agrees_with_c)
{
    enum { N = 600 };
    static struct hist h[N];
    struct buf sql = BUF_INIT(BUF_CAP_LARGE);
    struct seen seen = {0, 0, 0, 0, 0, 0};

    for (int k = 0; k < N; k++) {
        random_history(&h[k], k);
        insert_history(&h[k], &sql);
    }
    pgt_exec(buf_str(&sql));
    buf_release(&sql);
    for (int rules = 0; rules < SLA__COUNT; rules++) {
        for (int working = 0; working < 2; working++) {
            struct calendar *cal;
            char q[128];

            set_cuti(working);
            snprintf(q, sizeof(q),
                     "UPDATE setting SET value = '%s' WHERE key = 'sla_rules'",
                     sla_rules_name((enum sla_rules)rules));
            pgt_exec(q);
            cal = load_calendar();
            /* Instants every 3 months over the histories' span. */
            for (int m = 0; m < 26; m++) {
                struct ht_date d = {2022 + (6 + 3 * m) / 12, 1 + (6 + 3 * m) % 12, 15};

                compare_at(h, N, wib_date_to_ts(d) + 10 * 3600, cal,
                           (enum sla_rules)rules, &seen);
            }
            calendar_free(cal);
        }
    }
    /* The random histories did exercise every branch. */
    cr_assert(seen.compared > 5000 && seen.breached > 500 && seen.taken_over > 10 &&
                  seen.extended > 10 && seen.paused > 500 && seen.gaps > 500,
              "compared %ld breached %ld taken over %ld extended %ld paused %ld gaps %ld",
              seen.compared, seen.breached, seen.taken_over, seen.extended, seen.paused,
              seen.gaps);
}

/* v_sla_breach on fixed histories: the self-declare OF10 late is the P3H's, a fatwa
 * session past 3 days is the Komite Fatwa's, an extension recorded for the LPH. */
Test(steps_sql, sla_breach_names_the_right_party)
{
    pgt_exec(
        "INSERT INTO application (id_reg, channel_id, status_code, stage, stage_since,"
        " first_seen_at)"
        " VALUES ('S1', 'CH003', 'OF10', 'submitted', '2025-07-01 09:00+07', "
        "'2025-01-01'),"
        " ('S2', 'CH001', 'OF80', 'fatwa', '2025-06-24 09:00+07', '2025-01-01'),"
        " ('S3', 'CH001', 'OF60', 'inspection', '2025-10-01 09:00+07', '2025-01-01'),"
        " ('S4', 'CH002', 'OF56', 'lph_assignment', '2025-06-10 09:00+07', '2025-01-01');"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT a.id, v.code, v.stage, v.at::timestamptz, v.at::timestamptz"
        " FROM (VALUES ('S1', 'OF10', 'submitted', '2025-07-01 09:00+07'),"
        "  ('S2', 'OF75', 'fatwa', '2025-06-23 09:00+07'),"
        "  ('S2', 'OF80', 'fatwa', '2025-06-24 09:00+07'),"
        "  ('S3', 'OF60', 'inspection', '2025-10-01 09:00+07'),"
        "  ('S4', 'OF56', 'lph_assignment', '2025-06-10 09:00+07')) v(id_reg, code, "
        "stage, at)"
        " JOIN application a ON a.id_reg = v.id_reg");
    cr_assert_eq(
        pgt_long("SELECT days_overdue FROM sla_breach_at('2025-07-18 10:00+07')"
                 " WHERE id_reg = 'S1' AND waits_on = 'p3h' AND step = 'pendampingan'"
                 " AND limit_days = 10"),
        3);
    /* 4 working days on 30 June: taken over, within 3 + 2. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2025-06-30 10:00+07')"
                          " WHERE id_reg = 'S2'"),
                 0);
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM app_step_at('2025-06-30 10:00+07') s"
                 " JOIN application a ON a.id = s.application_id"
                 " WHERE a.id_reg = 'S2' AND s.taken_over AND s.holder = 'komite_fatwa'"),
        1);
    cr_assert_eq(
        pgt_long("SELECT days_overdue FROM sla_breach_at('2025-07-02 10:00+07')"
                 " WHERE id_reg = 'S2' AND waits_on = 'komite_fatwa' AND taken_over"
                 " AND limit_days = 5"),
        1);
    cr_assert_eq(pgt_long("SELECT days_overdue FROM sla_breach_at('2025-10-20 10:00+07')"
                          " WHERE id_reg = 'S3'"),
                 3);
    pgt_exec(
        "INSERT INTO step_extension (application_id, step, days, granted_on, created_at)"
        " SELECT id, 'inspection', 5, '2025-10-10', '2025-10-10 12:00+07'"
        " FROM application WHERE id_reg = 'S3'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2025-10-20 10:00+07')"
                          " WHERE id_reg = 'S3'"),
                 0);
    /* Recorded after the instant asked for: not known then. */
    cr_assert_eq(
        pgt_long("SELECT extension_days FROM app_step_at('2025-10-10 10:00+07') s"
                 " JOIN application a ON a.id = s.application_id WHERE a.id_reg = 'S3'"),
        0);
    cr_assert_eq(
        pgt_long("SELECT days_overdue FROM sla_breach_at('2025-10-24 10:00+07')"
                 " WHERE id_reg = 'S3' AND extension_days = 5 AND limit_days = 15"),
        2);
    /* The facilitator pays on CH002: paused, never overdue. */
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM app_step_at('2025-12-10 10:00+07') s"
                 " JOIN application a ON a.id = s.application_id"
                 " WHERE a.id_reg = 'S4' AND s.paused AND s.holder = 'facilitator'"
                 " AND s.step = 'payment'"),
        1);
    cr_assert_eq(pgt_long("SELECT count(*) FROM sla_breach_at('2025-12-10 10:00+07')"
                          " WHERE id_reg = 'S4'"),
                 0);
}

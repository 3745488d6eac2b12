/* Weekly report model: period arithmetic, derived goal figures, canonical totals + hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/buf.h"
#include "halaltrack/calendar.h"
#include "halaltrack/i18n.h"
#include "halaltrack/hash.h"
#include "halaltrack/weekly.h"
#include "halaltrack/banned.h"

static const char *const move_names[MOVE__COUNT] = {"new", "advance", "certified",
                                                    "returned", "rejected"};

const char *weekly_move_name(enum weekly_move k)
{
    return (unsigned)k < MOVE__COUNT ? move_names[k] : "advance";
}

const char *weekly_move_label(enum weekly_move k)
{
    static const char *const labels[MOVE__COUNT] = {
        N_("New applications"), N_("Stage advances"), N_("Certificates issued"),
        N_("Returns"), N_("Rejections/cancellations")};

    return _(labels[(unsigned)k < MOVE__COUNT ? k : MOVE_ADVANCE]);
}

int weekly_move_parse(const char *s, enum weekly_move *out)
{
    for (int i = 0; s && i < MOVE__COUNT; i++) {
        if (strcmp(s, move_names[i]) == 0) {
            *out = (enum weekly_move)i;
            return 0;
        }
    }
    return -1;
}

static const char *const reason_names[ACTION__COUNT] = {
    "draft", "returned", "unpaid_invoice", "facilitator_invoice"};

const char *action_reason_name(enum action_reason r)
{
    return (unsigned)r < ACTION__COUNT ? reason_names[r] : "draft";
}

int action_reason_parse(const char *s, enum action_reason *out)
{
    for (int i = 0; s && i < ACTION__COUNT; i++) {
        if (strcmp(s, reason_names[i]) == 0) {
            *out = (enum action_reason)i;
            return 0;
        }
    }
    return -1;
}

const char *action_reason_label(enum action_reason r)
{
    static const char *const labels[ACTION__COUNT] = {
        N_("Drafts never submitted"), N_("Returned for revision"),
        N_("Invoices the business has to pay"),
        N_("Invoices the facilitator has to pay")};

    return _(labels[(unsigned)r < ACTION__COUNT ? r : ACTION_DRAFT]);
}

int weekly_period(struct weekly_report *r, const char *week, int64_t now,
                  struct ht_err *err)
{
    int y, w, py, pw;
    struct ht_date today = ts_to_wib_date(now);

    if (week) {
        if (iso_week_parse(week, &y, &w, err) < 0)
            return -1;
    } else {
        iso_week_of(date_from_days(date_to_days(today) - 7), &y, &w);
    }
    r->iso_year = y;
    r->iso_week = w;
    r->monday = iso_week_monday(y, w);
    r->sunday = date_from_days(date_to_days(r->monday) + 6);
    r->start = wib_date_to_ts(r->monday);
    r->end = wib_date_to_ts(date_from_days(date_to_days(r->monday) + 7));
    r->generated = now;
    iso_week_format(y, w, r->week);
    if (r->end > now) {
        ht_err_set(err, HT_EINVAL,
                   _("week '%s' is not complete yet (it ends %04d-%02d-%02d)"), r->week,
                   r->sunday.y, r->sunday.m, r->sunday.d);
        return -1;
    }
    iso_week_of(date_from_days(date_to_days(r->monday) - 7), &py, &pw);
    iso_week_format(py, pw, r->prev_week);
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++) {
        struct ht_date m = date_from_days(date_to_days(r->monday) -
                                          7 * (int64_t)(WEEKLY_TREND_WEEKS - 1 - i));
        iso_week_of(m, &py, &pw);
        iso_week_format(py, pw, r->trend[i].week);
    }
    return 0;
}

void weekly_change(long now, long prev, char out[static 16])
{
    if (prev == 0)
        snprintf(out, 16, "%s", now == 0 ? "0%" : "new");
    else
        snprintf(out, 16, "%+ld%%", (long)((now - prev) * 100 / prev));
}

static void area_goals(struct weekly_report *r)
{
    for (size_t g = 0; g < r->ngoals; g++) {
        const struct weekly_goal *goal = &r->goals[g];
        struct weekly_area *v;
        size_t n;

        if (!goal->scope_value)
            continue;
        if (strcmp(goal->scope_kind, "kecamatan") == 0)
            v = r->kecamatan, n = r->nkecamatan;
        else if (strcmp(goal->scope_kind, "kelurahan") == 0)
            v = r->kelurahan, n = r->nkelurahan;
        else
            continue;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(v[i].code, goal->scope_value) == 0) {
                v[i].goal_target += goal->target;
                v[i].goal_done += goal->done;
            }
        }
    }
}

int weekly_closed(const struct weekly_report *r, int64_t now)
{
    return now >= r->end + WEEKLY_SETTLE_SECONDS;
}

/* The next top-level member of a canonical totals object at *p: its key (without quotes)
 * and value as spans. Returns 0, or -1 at the end or on text that is not such an object.
 * The totals hold no string with a quote or bracket in it (keys are names and codes). */
static int totals_member(const char **p, const char **key, size_t *klen, const char **val,
                         size_t *vlen)
{
    const char *s = *p;
    int depth = 0, quoted = 0;

    if (*s == '{' || *s == ',')
        s++;
    if (*s != '"')
        return -1;
    *key = ++s;
    while (*s && *s != '"')
        s++;
    if (*s != '"' || s[1] != ':')
        return -1;
    *klen = (size_t)(s - *key);
    *val = s += 2;
    for (; *s; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (*s == '{' || *s == '[')
            depth++;
        else if ((*s == '}' || *s == ']') && depth > 0)
            depth--;
        else if ((*s == ',' || *s == '}') && depth == 0)
            break;
    }
    if (!*s)
        return -1;
    *vlen = (size_t)(s - *val);
    *p = s;
    return 0;
}

/* The value of key in the canonical totals a, or NULL. */
static const char *totals_find(const char *a, const char *key, size_t klen, size_t *vlen)
{
    const char *k, *v;
    size_t kl;

    while (totals_member(&a, &k, &kl, &v, vlen) == 0)
        if (kl == klen && memcmp(k, key, klen) == 0)
            return v;
    return NULL;
}

int weekly_totals_diff(const char *a, const char *b, char *out, size_t cap)
{
    const char *p = a, *k, *v, *w;
    size_t kl, vl, wl, used = 0;
    int n = 0;

    if (cap)
        out[0] = '\0';
    while (totals_member(&p, &k, &kl, &v, &vl) == 0) {
        w = totals_find(b, k, kl, &wl);
        if (w && wl == vl && memcmp(v, w, vl) == 0)
            continue;
        n++;
        if (used + kl + 2 < cap) {
            used += (size_t)snprintf(out + used, cap - used, "%s%.*s", n > 1 ? ", " : "",
                                     (int)kl, k);
        }
    }
    return n;
}

/* Canonical totals: fixed key order, integers only, so every format and every
 * regeneration of the same week hashes the same. */
static int build_totals(struct weekly_report *r, struct buf *b)
{
    int rc = 0;

    rc |=
        buf_addf(b,
                 "{\"week\":\"%s\",\"certified_week\":%ld,\"certified_prev_week\":%ld,"
                 "\"certified_total\":%ld,\"trend\":[",
                 r->week, r->certified_week, r->certified_prev_week, r->certified_total);
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++)
        rc |= buf_addf(b, "%s%ld", i ? "," : "", r->trend[i].certified);
    rc |= buf_adds(b, "],\"funnel\":{");
    for (size_t i = 0; i < r->nfunnel; i++)
        rc |= buf_addf(b, "%s\"%s\":[%ld,%ld]", i ? "," : "",
                       stage_name(r->funnel[i].stage), r->funnel[i].total,
                       r->funnel[i].total_prev);
    rc |= buf_adds(b, "},\"goals\":[");
    for (size_t i = 0; i < r->ngoals; i++)
        rc |= buf_addf(b, "%s[%ld,%ld,%ld,%ld]", i ? "," : "", r->goals[i].id,
                       r->goals[i].target, r->goals[i].done, r->goals[i].done_week_ago);
    rc |= buf_adds(b, "],\"kecamatan\":{");
    for (size_t i = 0; i < r->nkecamatan; i++) {
        const struct weekly_area *a = &r->kecamatan[i];
        rc |= buf_addf(b, "%s\"%s\":[%ld,%ld,%ld,%ld]", i ? "," : "", a->code, a->msmes,
                       a->applied, a->certified, a->certified_week);
    }
    rc |= buf_adds(b, "},\"movers\":{");
    for (int i = 0; i < MOVE__COUNT; i++)
        rc |= buf_addf(b, "%s\"%s\":%ld", i ? "," : "", move_names[i], r->moves[i]);
    rc |= buf_adds(b, "},\"stuck\":{");
    for (int i = 1; i < WAITS__COUNT; i++)
        rc |= buf_addf(b, "%s\"%s\":%ld", i > 1 ? "," : "",
                       stage_waits_on_name((enum ht_waits_on)i), r->stuck_by[i]);
    rc |= buf_addf(b, ",\"total\":%ld},\"actions\":{", r->stuck_total);
    for (int i = 0; i < ACTION__COUNT; i++)
        rc |= buf_addf(b, "\"%s\":%ld,", reason_names[i], r->actions_by[i]);
    rc |= buf_addf(b,
                   "\"total\":%ld},\"mandatory\":[%ld,%ld],"
                   "\"quality\":{\"quarantined\":%ld,\"unmatched\":%ld}}",
                   r->actions_total, r->mandatory.small_left, r->mandatory.large_left,
                   r->quarantined, r->unmatched);
    return rc ? -1 : 0;
}

int weekly_finish(struct weekly_report *r, struct ht_err *err)
{
    struct buf b = BUF_INIT(BUF_CAP_SMALL);
    struct ht_date today = date_from_days(date_to_days(r->monday) + 6);

    for (size_t i = 0; i < r->ngoals; i++) {
        struct weekly_goal *g = &r->goals[i];
        struct goal_input in = {g->target, g->done,     g->done_4_weeks_ago,
                                g->start,  g->deadline, today};

        goal_compute(&in, &g->calc);
    }
    area_goals(r);
    for (size_t i = 0; i < r->nprogrammes; i++) {
        struct weekly_programme *g = &r->programmes[i];

        programme_input_set(&g->in, g->kuota, g->used, g->used_4_weeks_ago, g->tgl_aktif,
                            g->tgl_selesai, today);
        programme_compute(&g->in, &g->calc);
    }
    free(r->totals_json);
    r->totals_json = NULL;
    if (build_totals(r, &b) < 0) {
        ht_err_set(err, HT_ELIMIT, "weekly totals are larger than %u bytes",
                   BUF_CAP_SMALL);
        return -1;
    }
    r->totals_json = buf_detach(&b);
    if (!r->totals_json) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    if (hash_sha256_hex(r->totals_json, strlen(r->totals_json), r->hash) < 0) {
        ht_err_set(err, HT_ENOMEM, "cannot hash the weekly totals (libcrypto)");
        return -1;
    }
    return 0;
}

static void area_free(struct weekly_area *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].code);
        free(v[i].name);
        free(v[i].parent_code);
    }
    free(v);
}

void weekly_actions_free(struct weekly_action *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        struct weekly_action *a = &v[i];
        free(a->nib), free(a->name), free(a->kelurahan), free(a->kecamatan_code);
        free(a->kecamatan), free(a->phone), free(a->id_reg), free(a->code);
    }
    free(v);
}

void weekly_release(struct weekly_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ngoals; i++) {
        free(r->goals[i].name);
        free(r->goals[i].scope_kind);
        free(r->goals[i].scope_value);
        free(r->goals[i].metric);
    }
    free(r->goals);
    area_free(r->kecamatan, r->nkecamatan);
    area_free(r->kelurahan, r->nkelurahan);
    for (size_t i = 0; i < r->nmovers; i++) {
        struct weekly_mover *m = &r->movers[i];
        free(m->nib), free(m->name), free(m->kelurahan), free(m->id_reg), free(m->code);
    }
    free(r->movers);
    for (size_t i = 0; i < r->nstuck; i++) {
        struct weekly_stuck *s = &r->stuck[i];
        free(s->nib), free(s->name), free(s->kelurahan), free(s->phone), free(s->id_reg),
            free(s->code);
    }
    free(r->stuck);
    for (size_t i = 0; i < r->nprogrammes; i++) {
        struct weekly_programme *g = &r->programmes[i];
        free(g->kode_fac), free(g->name), free(g->tgl_aktif), free(g->tgl_selesai);
    }
    free(r->programmes);
    weekly_actions_free(r->actions, r->nactions);
    free(r->totals_json);
    memset(r, 0, sizeof(*r));
}

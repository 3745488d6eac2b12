/* The weekly report as one long-format CSV sheet (RFC 4180), through the one CSV writer
 * (lib/csv.c): text fields that look like formulas are defused. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/csv.h"
#include "halaltrack/goal.h"
#include "halaltrack/report.h"
#include "halaltrack/banned.h"

#define REPORT_CSV_CHUNK (64u * 1024)

struct sheet {
    FILE *fp;
    struct buf b;
    int failed;
};

/* One line: section,key,value,nib,name,kelurahan,phone,id_reg,code,date,detail. */
static void row(struct sheet *sh, const char *section, const char *key, long value,
                const char *nib, const char *name, const char *kel, const char *phone,
                const char *id_reg, const char *code, int64_t at, const char *detail)
{
    const char *text[] = {nib, name, kel, phone, id_reg, code, NULL, detail};
    char d[11] = "";

    if (sh->failed)
        return;
    if (at)
        date_format(ts_to_wib_date(at), d);
    text[6] = d;
    if (csv_write_field(&sh->b, section, 0) < 0 || buf_addch(&sh->b, ',') < 0 ||
        csv_write_field(&sh->b, key, 0) < 0 || buf_addf(&sh->b, ",%ld", value) < 0) {
        sh->failed = 1;
        return;
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(text); i++) {
        if (buf_addch(&sh->b, ',') < 0 || csv_write_field(&sh->b, text[i], 0) < 0) {
            sh->failed = 1;
            return;
        }
    }
    if (buf_adds(&sh->b, "\r\n") < 0)
        sh->failed = 1;
    else if (sh->b.len > REPORT_CSV_CHUNK) {
        if (fwrite(sh->b.ptr, 1, sh->b.len, sh->fp) != sh->b.len)
            sh->failed = 1;
        buf_reset(&sh->b);
    }
}

#define KV(sec, key, v) row(sh, sec, key, v, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL)

static void weekly_rows(struct sheet *sh, const struct weekly_report *r)
{
    char key[160], detail[160];

    row(sh, "report", "week", r->iso_week, NULL, NULL, NULL, NULL, NULL, NULL, r->start,
        r->week);
    row(sh, "report", "hash", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, r->hash);
    row(sh, "report", "office", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, r->office);
    row(sh, "mandatory", "small_not_certified", r->mandatory.small_left, NULL, NULL, NULL,
        NULL, NULL, NULL, wib_date_to_ts(goal_mandatory_small()->deadline),
        goal_mandatory_small()->law);
    row(sh, "mandatory", "large_not_certified", r->mandatory.large_left, NULL, NULL, NULL,
        NULL, NULL, NULL, wib_date_to_ts(goal_mandatory_large()->deadline),
        goal_mandatory_large()->law);
    KV("headline", "certified_week", r->certified_week);
    KV("headline", "certified_prev_week", r->certified_prev_week);
    KV("headline", "certified_total", r->certified_total);
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++)
        KV("trend", r->trend[i].week, r->trend[i].certified);
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];
        const char *st = stage_name(f->stage);

        snprintf(key, sizeof(key), "%s.reguler", st);
        KV("funnel", key, f->reguler);
        snprintf(key, sizeof(key), "%s.self_declare", st);
        KV("funnel", key, f->self_declare);
        snprintf(key, sizeof(key), "%s.other", st);
        KV("funnel", key, f->other);
        snprintf(key, sizeof(key), "%s.total", st);
        KV("funnel", key, f->total);
        snprintf(key, sizeof(key), "%s.last_week", st);
        KV("funnel", key, f->total_prev);
    }
    for (size_t i = 0; i < r->ngoals; i++) {
        const struct weekly_goal *g = &r->goals[i];
        static const char *const fields[] = {"target", "done", "done_week_ago"};
        long vals[3] = {g->target, g->done, g->done_week_ago};

        for (int k = 0; k < 3; k++) {
            snprintf(key, sizeof(key), "%ld.%s", g->id, fields[k]);
            snprintf(detail, sizeof(detail), "%s (%s%s%s) %s", g->name, g->scope_kind,
                     g->scope_value ? ":" : "", g->scope_value ? g->scope_value : "",
                     goal_status_name(g->calc.status));
            row(sh, "goal", key, vals[k], NULL, NULL, NULL, NULL, NULL, NULL, 0, detail);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const struct weekly_area *v = pass ? r->kelurahan : r->kecamatan;
        size_t n = pass ? r->nkelurahan : r->nkecamatan;
        const char *sec = pass ? "kelurahan" : "kecamatan";

        for (size_t i = 0; i < n; i++) {
            static const char *const fields[] = {"msmes", "applied", "certified",
                                                 "certified_week", "goal_target"};
            long vals[5] = {v[i].msmes, v[i].applied, v[i].certified, v[i].certified_week,
                            v[i].goal_target};

            for (int k = 0; k < 5; k++) {
                snprintf(key, sizeof(key), "%s.%s", v[i].code, fields[k]);
                row(sh, sec, key, vals[k], NULL, NULL, v[i].name, NULL, NULL, NULL, 0,
                    NULL);
            }
        }
    }
    for (int k = 0; k < MOVE__COUNT; k++)
        KV("movers", weekly_move_name((enum weekly_move)k), r->moves[k]);
    for (size_t i = 0; i < r->nmovers; i++) {
        const struct weekly_mover *m = &r->movers[i];
        row(sh, "mover", weekly_move_name(m->kind), 1, m->nib, m->name, m->kelurahan,
            NULL, m->id_reg, m->code, m->at, NULL);
    }
    for (int w = 1; w < WAITS__COUNT; w++)
        KV("stuck", stage_waits_on_name((enum ht_waits_on)w), r->stuck_by[w]);
    KV("stuck", "total", r->stuck_total);
    for (size_t i = 0; i < r->nstuck; i++) {
        const struct weekly_stuck *s = &r->stuck[i];
        snprintf(detail, sizeof(detail), "step=%s days=%ld limit=%ld%s",
                 step_name(s->step), s->days, s->limit,
                 s->taken_over ? " taken_over" : "");
        row(sh, "stuck_app", stage_waits_on_name(s->waits_on), s->overdue, s->nib,
            s->name, s->kelurahan, s->phone, s->id_reg, s->code, s->since, detail);
    }
    for (int k = 0; k < ACTION__COUNT; k++)
        KV("actions", action_reason_name((enum action_reason)k), r->actions_by[k]);
    KV("actions", "total", r->actions_total);
    for (size_t i = 0; i < r->nactions; i++) {
        const struct weekly_action *a = &r->actions[i];

        snprintf(detail, sizeof(detail), "waits_on=%s", stage_waits_on_name(a->waits_on));
        row(sh, "action_app", action_reason_name(a->reason), a->days, a->nib, a->name,
            a->kelurahan, a->phone, a->id_reg, a->code, a->since, detail);
    }
    for (size_t i = 0; i < r->gaps.n; i++)
        KV("calendar_gap", "year", r->gaps.year[i]);
    KV("quality", "quarantined", r->quarantined);
    KV("quality", "unmatched", r->unmatched);
    KV("quality", "observed_history", r->observed_history);
    row(sh, "quality", "last_observed", 0, NULL, NULL, NULL, NULL, NULL, NULL,
        r->last_observed, NULL);
}

/* Facilitation programme quotas (none when the office has no programme): one row per
 * figure, key "<kode_fac>.<figure>", and the outlook with its arithmetic in detail. */
static void weekly_programme_rows(struct sheet *sh, const struct weekly_report *r)
{
    static const char *const fields[] = {"kuota", "used",      "certified",
                                         "left",  "days_left", "projected"};

    if (r->nprogrammes || r->cert_matched || r->cert_awaiting) {
        KV("certified_by_source", "programme", r->cert_programme);
        KV("certified_by_source", "matched", r->cert_matched);
        KV("certified_by_source", "awaiting", r->cert_awaiting);
    }
    for (size_t i = 0; i < r->nprogrammes; i++) {
        const struct weekly_programme *g = &r->programmes[i];
        long vals[] = {g->kuota,     g->used,           g->certified,
                       g->calc.left, g->calc.days_left, g->calc.projected};
        char key[160], detail[600], line[512];

        for (size_t k = 0; k < HT_ARRAY_LEN(fields); k++) {
            snprintf(key, sizeof(key), "%s.%s", g->kode_fac, fields[k]);
            row(sh, "programme", key, vals[k], NULL, g->name, NULL, NULL, NULL,
                g->kode_fac, 0, NULL);
        }
        programme_explain(&g->in, &g->calc, line, sizeof(line));
        snprintf(key, sizeof(key), "%s.outlook", g->kode_fac);
        snprintf(detail, sizeof(detail), "%s: %s",
                 programme_outlook_name(g->calc.outlook), line);
        row(sh, "programme", key, programme_outlook_alert(g->calc.outlook), NULL, g->name,
            NULL, NULL, NULL, g->kode_fac, 0, detail);
    }
}

int report_weekly_csv(FILE *fp, const struct weekly_report *r)
{
    struct sheet sh = {fp, BUF_INIT(4 * REPORT_CSV_CHUNK + BUF_CAP_SMALL), 0};

    if (buf_adds(&sh.b, "section,key,value,nib,name,kelurahan,phone,id_reg,code,date,"
                        "detail\r\n") < 0)
        sh.failed = 1;
    weekly_rows(&sh, r);
    weekly_programme_rows(&sh, r);
    if (!sh.failed && sh.b.len && fwrite(sh.b.ptr, 1, sh.b.len, fp) != sh.b.len)
        sh.failed = 1;
    buf_release(&sh.b);
    return sh.failed || ferror(fp) ? -1 : 0;
}

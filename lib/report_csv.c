/* CSV renderers (RFC 4180): tables and the weekly report as one long-format sheet. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/report.h"
#include "halaltrack/banned.h"

static void field(FILE *fp, const char *s)
{
    if (!s)
        return;
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

int report_table_csv(FILE *fp, const struct rtable *t)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', fp);
        field(fp, t->keys[c]);
    }
    fputs("\r\n", fp);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', fp);
            field(fp, t->cells[(size_t)r * (size_t)t->ncols + (size_t)c]);
        }
        fputs("\r\n", fp);
    }
    return ferror(fp) ? -1 : 0;
}

/* section,key,value,nib,name,kelurahan,phone,id_reg,code,date,detail */
static void row(FILE *fp, const char *section, const char *key, long value,
                const char *nib, const char *name, const char *kel, const char *phone,
                const char *id_reg, const char *code, int64_t at, const char *detail)
{
    char d[11] = "";

    if (at)
        date_format(ts_to_wib_date(at), d);
    field(fp, section);
    fputc(',', fp);
    field(fp, key);
    fprintf(fp, ",%ld,", value);
    field(fp, nib);
    fputc(',', fp);
    field(fp, name);
    fputc(',', fp);
    field(fp, kel);
    fputc(',', fp);
    field(fp, phone);
    fputc(',', fp);
    field(fp, id_reg);
    fputc(',', fp);
    field(fp, code);
    fputc(',', fp);
    field(fp, d);
    fputc(',', fp);
    field(fp, detail);
    fputs("\r\n", fp);
}

#define KV(sec, key, v) row(fp, sec, key, v, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL)

int report_weekly_csv(FILE *fp, const struct weekly_report *r)
{
    char key[160], detail[160];

    fputs("section,key,value,nib,name,kelurahan,phone,id_reg,code,date,detail\r\n", fp);
    row(fp, "report", "week", r->iso_week, NULL, NULL, NULL, NULL, NULL, NULL, r->start,
        r->week);
    row(fp, "report", "hash", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, r->hash);
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
            row(fp, "goal", key, vals[k], NULL, NULL, NULL, NULL, NULL, NULL, 0, detail);
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
                row(fp, sec, key, vals[k], NULL, NULL, v[i].name, NULL, NULL, NULL, 0,
                    NULL);
            }
        }
    }
    for (int k = 0; k < MOVE__COUNT; k++)
        KV("movers", weekly_move_name((enum weekly_move)k), r->moves[k]);
    for (size_t i = 0; i < r->nmovers; i++) {
        const struct weekly_mover *m = &r->movers[i];
        row(fp, "mover", weekly_move_name(m->kind), 1, m->nib, m->name, m->kelurahan,
            NULL, m->id_reg, m->code, m->at, NULL);
    }
    for (int w = 1; w < WAITS__COUNT; w++)
        KV("stuck", stage_waits_on_name((enum ht_waits_on)w), r->stuck_by[w]);
    KV("stuck", "total", r->stuck_total);
    for (size_t i = 0; i < r->nstuck; i++) {
        const struct weekly_stuck *s = &r->stuck[i];
        snprintf(detail, sizeof(detail), "days=%ld limit=%ld", s->days, s->limit);
        row(fp, "stuck_app", stage_waits_on_name(s->waits_on), s->overdue, s->nib,
            s->name, s->kelurahan, s->phone, s->id_reg, s->code, s->since, detail);
    }
    KV("quality", "quarantined", r->quarantined);
    KV("quality", "unmatched", r->unmatched);
    row(fp, "quality", "last_observed", 0, NULL, NULL, NULL, NULL, NULL, NULL,
        r->last_observed, NULL);
    return ferror(fp) ? -1 : 0;
}

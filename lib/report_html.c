/* The weekly report as one self-contained HTML page: inline CSS (print: A4), inline SVG
 * charts (funnel, progress per kecamatan, 12-week trend), no external assets. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/html.h"
#include "halaltrack/i18n.h"
#include "halaltrack/report.h"
#include "report_int.h"
#include "halaltrack/banned.h"

static void esc(FILE *fp, const char *s)
{
    html_escape(fp, s);
}

static const char *dash(const char *s)
{
    return s && *s ? s : "-";
}

static const char css[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;color:#1b1b1b;"
    "margin:24px auto;max-width:1100px;padding:0 16px}"
    "h1{font-size:18pt;margin:0 0 4px}h2{font-size:13pt;border-bottom:2px solid #0b6e4f;"
    "padding-bottom:2px;margin:22px 0 8px;color:#0b6e4f}"
    ".sub{color:#555;font-size:9pt}"
    ".kpis{display:flex;gap:12px;flex-wrap:wrap}"
    ".kpi{border:1px solid #cfd8d3;border-radius:6px;padding:8px 12px;min-width:150px}"
    ".kpi b{display:block;font-size:20pt;color:#0b6e4f}"
    "table{border-collapse:collapse;width:100%;font-size:9.5pt;margin:4px 0 8px}"
    "th,td{border-bottom:1px solid #ddd;padding:3px "
    "6px;text-align:left;vertical-align:top}"
    "th{background:#eef5f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".on_track{color:#0b6e4f;font-weight:bold}.at_risk{color:#b36b00;font-weight:bold}"
    ".off_track{color:#b00020;font-weight:bold}"
    ".charts{display:flex;gap:16px;flex-wrap:wrap}.chart{flex:1 1 480px}"
    ".more{color:#555;font-style:italic}"
    ".warn{color:#a40000;font-weight:bold}.office{font-weight:bold;color:#333}"
    ".deadline{border-left:4px solid #b36b00;padding:4px 8px;background:#fff7e6}"
    "@page{size:A4;margin:14mm}"
    "td.n,td.d{white-space:nowrap}"
    "@media print{body{margin:0;max-width:none;font-size:9pt}h2{break-after:avoid}"
    "table{font-size:8pt}.charts{flex-wrap:nowrap}.chart{flex:1 1 48%}"
    "tr,.kpi,svg{break-inside:avoid}}";

static void svg_funnel(FILE *fp, const struct weekly_report *r)
{
    long max = 1;
    int rows = 0, y;

    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];
        if (f->stage == STAGE_NOT_APPLIED)
            continue;
        rows++;
        if (f->total > max)
            max = f->total;
        if (f->total_prev > max)
            max = f->total_prev;
    }
    fprintf(
        fp,
        "<svg id=\"chart-funnel\" class=\"chart-svg\" "
        "xmlns=\"http://www.w3.org/2000/svg\" "
        "viewBox=\"0 0 520 %d\" width=\"100%%\" role=\"img\" aria-label=\"funnel\">\n",
        rows * 22 + 30);
    fprintf(fp,
            "<rect x=\"200\" y=\"2\" width=\"10\" height=\"10\" fill=\"#0b6e4f\"/>"
            "<text x=\"214\" y=\"11\" font-size=\"10\">%s</text>"
            "<rect x=\"300\" y=\"2\" width=\"10\" height=\"10\" fill=\"#9cc7b4\"/>"
            "<text x=\"314\" y=\"11\" font-size=\"10\">%s</text>\n",
            _("this week"), _("last week"));
    y = 22;
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];
        double w = 260.0 * (double)f->total / (double)max;
        double wp = 260.0 * (double)f->total_prev / (double)max;

        if (f->stage == STAGE_NOT_APPLIED)
            continue;
        fprintf(fp, "<text x=\"226\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">",
                y + 11);
        esc(fp, stage_label(f->stage));
        fprintf(fp, "</text>");
        fprintf(fp,
                "<rect class=\"bar\" x=\"232\" y=\"%d\" width=\"%.1f\" height=\"9\" "
                "fill=\"#0b6e4f\"/>",
                y + 2, w);
        fprintf(fp,
                "<rect class=\"bar-prev\" x=\"232\" y=\"%d\" width=\"%.1f\" height=\"5\" "
                "fill=\"#9cc7b4\"/>",
                y + 12, wp);
        fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%ld</text>\n", 236 + w,
                y + 11, f->total);
        y += 22;
    }
    fputs("</svg>\n", fp);
}

static void svg_progress(FILE *fp, const struct weekly_report *r)
{
    int h = (int)r->nkecamatan * 26 + 16;

    fprintf(fp,
            "<svg id=\"chart-progress\" class=\"chart-svg\" "
            "xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 520 %d\" width=\"100%%\" style=\"max-width:640px\" "
            "role=\"img\" aria-label=\"progress\">\n",
            h);
    for (size_t i = 0; i < r->nkecamatan; i++) {
        const struct weekly_area *a = &r->kecamatan[i];
        long denom = a->goal_target ? a->goal_target : a->msmes;
        long num = a->goal_target ? a->goal_done : a->certified;
        double pct = denom ? 100.0 * (double)num / (double)denom : 0.0;
        int y = 8 + (int)i * 26;

        if (pct > 100.0)
            pct = 100.0;
        fprintf(fp, "<text x=\"126\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">",
                y + 12);
        esc(fp, a->name);
        fprintf(fp,
                "</text><rect x=\"132\" y=\"%d\" width=\"300\" height=\"14\" "
                "fill=\"#e3ebe7\"/>"
                "<rect class=\"bar\" x=\"132\" y=\"%d\" width=\"%.1f\" height=\"14\" "
                "fill=\"#0b6e4f\"/>"
                "<text x=\"438\" y=\"%d\" font-size=\"10\">%ld/%ld (%.0f%%)%s</text>\n",
                y, y, 3.0 * pct, y + 11, num, denom, pct,
                a->goal_target ? _(" goal") : "");
    }
    fputs("</svg>\n", fp);
}

static void svg_trend(FILE *fp, const struct weekly_report *r)
{
    long max = 1;

    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++)
        if (r->trend[i].certified > max)
            max = r->trend[i].certified;
    fputs("<svg id=\"chart-trend\" class=\"chart-svg\" "
          "xmlns=\"http://www.w3.org/2000/svg\" "
          "viewBox=\"0 0 520 180\" width=\"100%\" role=\"img\" aria-label=\"trend\">\n"
          "<line x1=\"30\" y1=\"150\" x2=\"510\" y2=\"150\" stroke=\"#888\"/>\n",
          fp);
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++) {
        double h = 120.0 * (double)r->trend[i].certified / (double)max;
        int x = 34 + i * 40;

        fprintf(
            fp,
            "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"30\" height=\"%.1f\" "
            "fill=\"%s\"/>"
            "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%ld</text>"
            "<text x=\"%d\" y=\"164\" font-size=\"8\" text-anchor=\"middle\">%s</text>\n",
            x, 150.0 - h, h, i == WEEKLY_TREND_WEEKS - 1 ? "#0b6e4f" : "#9cc7b4", x + 15,
            146.0 - h, r->trend[i].certified, x + 15, r->trend[i].week + 5);
    }
    fputs("</svg>\n", fp);
}

static void td(FILE *fp, const char *s)
{
    fputs("<td>", fp);
    esc(fp, dash(s));
    fputs("</td>", fp);
}

static void tdd(FILE *fp, const char *s)
{
    fputs("<td class=\"d\">", fp);
    esc(fp, dash(s));
    fputs("</td>", fp);
}

static void tdn(FILE *fp, long v)
{
    fprintf(fp, "<td class=\"n\">%ld</td>", v);
}

static void html_head(FILE *fp, const struct weekly_report *r)
{
    char d0[11], d1[11], chg[16];

    date_format(r->monday, d0);
    date_format(r->sunday, d1);
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
            "<title>%s %s</title>\n<style>%s</style></head><body>\n",
            i18n_lang(), _("Weekly report"), r->week, css);
    fputs("<div class=\"office\" id=\"office\">", fp);
    esc(fp, r->office);
    fputs("</div>\n", fp);
    fprintf(
        fp,
        "<h1>%s %s</h1>\n<div class=\"sub\">%s .. %s (Asia/Jakarta) &middot; %s &middot; "
        "<span id=\"totals-hash\">%s</span></div>\n",
        _("MSME halal certification &mdash; weekly report"), r->week, d0, d1,
        _("totals hash"), r->hash);
    weekly_change(r->certified_week, r->certified_prev_week, chg);
    fprintf(fp, "<h2>%s</h2>\n<div class=\"kpis\">\n", _("Headline"));
    fprintf(fp,
            "<div class=\"kpi\">%s<b id=\"certified-week\">%ld</b>%s %ld (%s)</div>\n",
            _("Certified this week"), r->certified_week, _("last week"),
            r->certified_prev_week, chg);
    fprintf(fp, "<div class=\"kpi\">%s<b id=\"certified-total\">%ld</b></div>\n",
            _("Certified in total"), r->certified_total);
    fprintf(fp, "<div class=\"kpi\">%s<b id=\"stuck-total\">%ld</b></div>\n",
            _("Stuck past limit"), r->stuck_total);
    fprintf(fp, "<div class=\"kpi\">%s<b id=\"actions-total\">%ld</b></div>\n",
            _("On the office's action list"), r->actions_total);
    fputs("</div>\n", fp);
    {
        char line[512];

        report_mandatory_small(r, line, sizeof(line));
        fprintf(fp, "<p class=\"deadline\" id=\"mandatory\" data-left=\"%ld\">",
                r->mandatory.small_left);
        esc(fp, line);
        fputs("</p>\n", fp);
        if (report_mandatory_large(r, line, sizeof(line)) == 0) {
            fputs("<p class=\"deadline\">", fp);
            esc(fp, line);
            fputs("</p>\n", fp);
        }
    }
}

static void html_goals(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp,
            "<h2>%s</h2>\n<table id=\"goals\"><tr><th>%s</th><th>%s</th><th "
            "class=\"n\">%s</th>"
            "<th class=\"n\">%%</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
            "<th class=\"n\">%s</th><th>%s</th><th>%s</th></tr>\n",
            _("Goals"), _("Goal"), _("Scope"), _("Done/target"), _("this wk"),
            _("needed/wk"), _("4-wk rate"), _("projected"), _("status"));
    for (size_t i = 0; i < r->ngoals; i++) {
        const struct weekly_goal *g = &r->goals[i];
        char proj[11] = "-";

        if (g->calc.has_projection)
            date_format(g->calc.projected, proj);
        fputs("<tr>", fp);
        td(fp, g->name);
        fputs("<td>", fp);
        esc(fp, g->scope_kind);
        if (g->scope_value) {
            fputc(':', fp);
            esc(fp, g->scope_value);
        }
        fprintf(
            fp,
            " (%s)</td><td class=\"n\">%ld/%ld</td><td class=\"n\">%.1f</td>"
            "<td class=\"n\">%+ld</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>"
            "<td class=\"d\">%s</td><td class=\"%s\">%s</td></tr>\n",
            g->metric, g->done, g->target, g->calc.percent, g->done - g->done_week_ago,
            g->calc.rate_needed, g->calc.rate_recent, proj,
            goal_status_name(g->calc.status), goal_status_label(g->calc.status));
    }
    fputs("</table>\n", fp);
}

static void html_charts(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "<div class=\"charts\"><div class=\"chart\"><h2>%s</h2>\n",
            _("Funnel by stage"));
    svg_funnel(fp, r);
    fprintf(fp, "</div><div class=\"chart\"><h2>%s</h2>\n",
            _("Certificates per week (12 weeks)"));
    svg_trend(fp, r);
    fprintf(fp, "</div></div>\n<h2>%s</h2>\n", _("Progress by kecamatan"));
    svg_progress(fp, r);
}

static void html_funnel(FILE *fp, const struct weekly_report *r)
{
    fprintf(
        fp,
        "<table id=\"funnel\"><tr><th>%s</th><th class=\"n\">reguler</th>"
        "<th class=\"n\">self-declare</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
        "<th class=\"n\">%s</th></tr>\n",
        _("Stage"), _("other"), _("total"), _("last week"));
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];
        if (f->stage == STAGE_NOT_APPLIED)
            continue;
        fprintf(fp, "<tr data-stage=\"%s\">", stage_name(f->stage));
        td(fp, stage_label(f->stage));
        tdn(fp, f->reguler), tdn(fp, f->self_declare), tdn(fp, f->other),
            tdn(fp, f->total);
        tdn(fp, f->total_prev);
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

/* One row of the areas table: a kecamatan in bold, a kelurahan indented. */
static void html_area(FILE *fp, const struct weekly_area *a, int kelurahan)
{
    char goal[32] = "-";

    if (a->goal_target)
        snprintf(goal, sizeof(goal), "%ld/%ld", a->goal_done, a->goal_target);
    fprintf(fp, "<tr%s><td>%s", kelurahan ? "" : " style=\"font-weight:bold\"",
            kelurahan ? "&nbsp;&nbsp;&nbsp;" : "");
    esc(fp, a->name);
    fputs("</td>", fp);
    tdn(fp, a->msmes), tdn(fp, a->applied), tdn(fp, a->certified);
    tdn(fp, a->certified_week);
    fprintf(fp, "<td class=\"n\">%.1f</td><td class=\"n\">%s</td></tr>\n",
            a->msmes ? 100.0 * (double)a->certified / (double)a->msmes : 0.0, goal);
}

static void html_areas(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp,
            "<table id=\"areas\"><tr><th>%s</th><th class=\"n\">%s</th><th "
            "class=\"n\">%s</th>"
            "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%%</th>"
            "<th class=\"n\">%s</th></tr>\n",
            _("Kecamatan / kelurahan"), _("MSMEs"), _("applied"), _("certified"),
            _("this week"), _("goal"));
    for (size_t i = 0; i < r->nkecamatan; i++) {
        const struct weekly_area *k = &r->kecamatan[i];

        html_area(fp, k, 0);
        for (size_t j = 0; j < r->nkelurahan; j++) {
            const struct weekly_area *a = &r->kelurahan[j];

            if (a->parent_code && strcmp(a->parent_code, k->code) == 0)
                html_area(fp, a, 1);
        }
    }
    fputs("</table>\n", fp);
}

/* "and N more (see CSV/JSON)" when a list was cut. */
static void html_more(FILE *fp, size_t shown, long total)
{
    char more[128];

    if (report_more(more, sizeof(more), shown, total) == 0)
        fprintf(fp, "<p class=\"more\">%s</p>\n", more);
}

static void html_movers(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "<h2>%s</h2>\n", _("Movers this week"));
    for (int k = 0; k < MOVE__COUNT; k++) {
        size_t shown = 0;

        fprintf(fp, "<h3 data-move=\"%s\">%s: %ld</h3>\n",
                weekly_move_name((enum weekly_move)k),
                weekly_move_label((enum weekly_move)k), r->moves[k]);
        if (r->moves[k] == 0)
            continue;
        fprintf(
            fp,
            "<table><tr><th>%s</th><th>NIB</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
            _("Date"), _("Business"), _("Kelurahan"), _("Status"));
        for (size_t i = 0; i < r->nmovers; i++) {
            const struct weekly_mover *m = &r->movers[i];
            const struct stage_code *sc = m->code ? stage_lookup(m->code) : NULL;
            char d[11];

            if (m->kind != (enum weekly_move)k)
                continue;
            date_format(ts_to_wib_date(m->at), d);
            fputs("<tr>", fp);
            tdd(fp, d), td(fp, m->nib), td(fp, m->name), td(fp, m->kelurahan);
            fputs("<td>", fp);
            esc(fp, dash(m->code));
            if (sc) {
                fputs(" ", fp);
                esc(fp, stage_code_label(sc));
            }
            fputs("</td></tr>\n", fp);
            shown++;
        }
        fputs("</table>\n", fp);
        html_more(fp, shown, r->moves[k]);
    }
}

static void html_stuck_row(FILE *fp, const struct weekly_stuck *s)
{
    char d[11], dl[32];

    date_format(ts_to_wib_date(s->since), d);
    snprintf(dl, sizeof(dl), "%ld / %ld", s->days, s->limit);
    fputs("<tr>", fp);
    td(fp, s->name), td(fp, s->nib), td(fp, s->kelurahan), tdd(fp, s->phone);
    fputs("<td>", fp);
    esc(fp, s->code ? s->code : "");
    fputs(" ", fp);
    esc(fp, step_label(s->step));
    fputs("</td>", fp);
    tdd(fp, d), tdd(fp, dl);
    tdn(fp, s->overdue);
    fputs("</tr>\n", fp);
}

static void html_stuck(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "<h2>%s: %ld</h2>\n",
            _("Stuck past the legal limit &mdash; whom to call"), r->stuck_total);
    for (int w = 1; w < WAITS__COUNT; w++) {
        size_t shown = 0;

        if (r->stuck_by[w] == 0)
            continue;
        fprintf(fp, "<h3 data-waits=\"%s\">%s ", stage_waits_on_name((enum ht_waits_on)w),
                _("Waiting on"));
        esc(fp, stage_waits_on_label((enum ht_waits_on)w));
        fprintf(
            fp,
            ": %ld</h3>\n<table class=\"stuck\"><tr><th>%s</th><th>NIB</th><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th class=\"n\">%s</th></tr>\n",
            r->stuck_by[w], _("Business"), _("Kelurahan"), _("Phone"), _("Step"),
            _("Since"), _("Work days / limit"), _("Days overdue"));
        for (size_t i = 0; i < r->nstuck; i++) {
            if (r->stuck[i].waits_on != (enum ht_waits_on)w)
                continue;
            html_stuck_row(fp, &r->stuck[i]);
            shown++;
        }
        fputs("</table>\n", fp);
        html_more(fp, shown, r->stuck_by[w]);
    }
    fprintf(fp, "<p class=\"more\">%s</p>\n",
            _("Steps held by the business or the payer (draft, returned, payment) are "
              "never counted overdue: the legal clock is paused."));
}

static void html_actions(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "<h2>%s: %ld</h2>\n<p class=\"more\">%s</p>\n",
            _("Action list: files waiting on the business or the payer"),
            r->actions_total,
            _("Age in the office's working days since the step began; the legal clock "
              "stays paused."));
    for (int k = 0; k < ACTION__COUNT; k++) {
        size_t shown = 0;

        if (r->actions_by[k] == 0)
            continue;
        fprintf(fp, "<h3 data-reason=\"%s\">", action_reason_name((enum action_reason)k));
        esc(fp, action_reason_label((enum action_reason)k));
        fprintf(fp,
                ": %ld</h3>\n<table class=\"actions\"><tr><th class=\"n\">%s</th>"
                "<th>%s</th><th>NIB</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "</tr>\n",
                r->actions_by[k], _("Age"), _("Business"), _("Kelurahan"), _("Phone"),
                _("Status"), _("Since"));
        for (size_t i = 0; i < r->nactions; i++) {
            const struct weekly_action *a = &r->actions[i];
            char d[11];

            if (a->reason != (enum action_reason)k)
                continue;
            date_format(ts_to_wib_date(a->since), d);
            fputs("<tr>", fp);
            tdn(fp, a->days);
            td(fp, a->name), td(fp, a->nib), td(fp, a->kelurahan), tdd(fp, a->phone);
            td(fp, a->code), tdd(fp, d);
            fputs("</tr>\n", fp);
            shown++;
        }
        fputs("</table>\n", fp);
        html_more(fp, shown, r->actions_by[k]);
    }
}

static void html_gaps(FILE *fp, const struct weekly_report *r)
{
    char line[512];

    if (report_gaps_sentence(&r->gaps, line, sizeof(line)) < 0)
        return;
    fputs("<p class=\"warn\" id=\"calendar-gaps\">", fp);
    esc(fp, line);
    fputs("</p>\n", fp);
}

static void html_quality(FILE *fp, const struct weekly_report *r)
{
    char ts[21];

    fprintf(fp, "<h2>%s</h2>\n<table id=\"quality\">", _("Data quality"));
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr>", _("Quarantined records"),
            r->quarantined);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr>",
            _("Applications whose NIB is not in the register"), r->unmatched);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr>",
            _("Applications with history from our own observations (detail not "
              "readable)"),
            r->observed_history);
    report_format_wib(r->last_observed, ts);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%s</td></tr>",
            _("Data as of (last observation)"), ts);
    report_format_wib(r->last_sync, ts);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%s</td></tr></table>\n",
            _("Last successful sync"), ts);
}

/* Facilitation programme quotas (left out when the office has none). */
static void html_programmes(FILE *fp, const struct weekly_report *r)
{
    if (!r->nprogrammes && !r->cert_matched && !r->cert_awaiting)
        return;
    fprintf(fp, "<h2>%s</h2>\n<table id=\"certified_by_source\">",
            _("Certified MSMEs by source"));
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr>", _("via our programmes"),
            r->cert_programme);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr>",
            _("via other channels (matched)"), r->cert_matched);
    fprintf(fp, "<tr><td>%s</td><td class=\"n\">%ld</td></tr></table>\n",
            _("awaiting confirmation"), r->cert_awaiting);
    if (!r->nprogrammes)
        return;
    fprintf(fp, "<h2>%s</h2>\n<table id=\"programmes\"><tr>",
            _("Facilitation programmes"));
    fprintf(fp,
            "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th></tr>",
            _("code"), _("name"), _("quota"), _("used"), _("cert."), _("left"),
            _("need/wk"), _("outlook"));
    for (size_t i = 0; i < r->nprogrammes; i++) {
        const struct weekly_programme *g = &r->programmes[i];
        char line[512];

        programme_explain(&g->in, &g->calc, line, sizeof(line));
        fputs("<tr><td>", fp);
        html_escape(fp, g->kode_fac);
        fputs("</td><td>", fp);
        html_escape(fp, g->name);
        fprintf(fp,
                "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                "<td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                "<td class=\"n\">%.1f</td><td>",
                g->kuota, g->used, g->certified, g->calc.left, g->calc.rate_needed);
        if (programme_outlook_alert(g->calc.outlook))
            fputs("<strong>", fp);
        html_escape(fp, programme_outlook_label(g->calc.outlook));
        if (programme_outlook_alert(g->calc.outlook))
            fputs("</strong>", fp);
        fputs("<br><small>", fp);
        html_escape(fp, line);
        fputs("</small></td></tr>", fp);
    }
    fputs("</table>\n", fp);
}

int report_weekly_html(FILE *fp, const struct weekly_report *r)
{
    html_head(fp, r);
    html_gaps(fp, r);
    html_goals(fp, r);
    html_charts(fp, r);
    html_funnel(fp, r);
    html_areas(fp, r);
    html_movers(fp, r);
    html_stuck(fp, r);
    html_actions(fp, r);
    html_quality(fp, r);
    html_programmes(fp, r);
    fputs("</body></html>\n", fp);
    return ferror(fp) ? -1 : 0;
}

/* Text renderers: the MSME status card and the weekly report as text. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/buf.h"
#include "halaltrack/goal.h"
#include "halaltrack/i18n.h"
#include "halaltrack/out.h"
#include "halaltrack/report.h"
#include "report_int.h"
#include "halaltrack/banned.h"

void report_bar(double percent, int width, char *out)
{
    int fill = (int)(percent / 100.0 * width + 0.5);

    if (fill < 0)
        fill = 0;
    if (fill > width)
        fill = width;
    out[0] = '[';
    for (int i = 0; i < width; i++)
        out[1 + i] = i < fill ? '#' : '.';
    out[width + 1] = ']';
    out[width + 2] = '\0';
}

/* ---- status ---- */

/* Writes text from column col (what is already written on the line) wrapped at width
 * columns, continuation lines indented by indent, then a newline. */
static void wrap_from(FILE *fp, int col, const char *text, int width, int indent)
{
    const char *p = text;
    int line_start = col == 0;

    while (*p) {
        size_t n = strcspn(p, " ");
        int w = 0;

        for (size_t i = 0; i < n; i++)
            w += ((unsigned char)p[i] & 0xC0) != 0x80;
        if (!line_start && col + 1 + w > width && col > indent) {
            fprintf(fp, "\n%*s", indent, "");
            col = indent;
            line_start = 1;
        }
        if (!line_start) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, n, fp);
        col += w;
        line_start = 0;
        p += n;
        while (*p == ' ')
            p++;
    }
    fputc('\n', fp);
}

/* Writes "  <label>: <text>" wrapped at width columns, continuation lines indented. */
static void wrap(FILE *fp, const char *label, const char *text, int width)
{
    wrap_from(fp, fprintf(fp, "  %s:", label), text, width, 4);
}

/* A paragraph wrapped at width columns. */
static void wrap_text(FILE *fp, const char *text, int width, int indent)
{
    wrap_from(fp, 0, text, width, indent);
}

static const char *channel_path_label(const char *ch)
{
    switch (channel_path(ch)) {
    case PATH_REGULER:
        return _("regular");
    case PATH_SELF_DECLARE:
        return _("self-declare");
    default:
        return _("unknown path");
    }
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

int64_t report_data_as_of(const struct report_msme *m, const struct timeline *tl)
{
    int64_t newest = 0;

    for (size_t i = 0; i < m->napps; i++) {
        if (tl[i].last_observed > newest)
            newest = tl[i].last_observed;
        if (m->apps[i].observed_at > newest)
            newest = m->apps[i].observed_at;
    }
    return newest;
}

void report_step_limit(const struct tl_step *s, char out[static 24])
{
    /* Limits are a few working days; the casts keep the text inside out. */
    short base = (short)(s->limit_days - s->extension_days);

    if (s->limit_days <= 0)
        snprintf(out, 24, "-");
    else if (s->extension_days > 0)
        snprintf(out, 24, "%hd+%hd", base, (short)s->extension_days);
    else if (s->taken_over)
        snprintf(out, 24, "%hd+%hd", base, (short)s->takeover_days);
    else
        snprintf(out, 24, "%hd", base);
}

void report_step_codes(const struct timeline *t, const struct tl_step *s, char *out,
                       size_t outsz)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t j = s->first; j < s->first + s->n && o < outsz; j++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%s", j > s->first ? " " : "",
                              t->v[j].code);
}

/* One legal step of a timeline: date, codes, step, working days against the limit,
 * marks; "> " in front of the current one. */
static void status_step(FILE *fp, const struct timeline *t, const struct tl_step *e,
                        int color)
{
    int open = !step_def_get(e->step)->terminal;
    char date[11], lim[24], codes[64];

    date_format(ts_to_wib_date(e->entered), date);
    report_step_limit(e, lim);
    report_step_codes(t, e, codes, sizeof(codes));
    fprintf(fp, "%s%-10s  ", e->current && open ? "> " : "  ", date);
    out_cell(fp, codes, 14, 0, 1);
    fputc(' ', fp);
    out_cell(fp, step_label(e->step), 28, 0, 1);
    fprintf(fp, " %4lld %5s", (long long)e->days, lim);
    if (e->breach)
        fprintf(fp, "  %s%s +%lld%s", color ? "\033[31m" : "", _("OVER"),
                (long long)e->overdue, color ? "\033[0m" : "");
    else if (e->paused && open)
        fprintf(fp, "  %s", _("paused"));
    fputc('\n', fp);
}

/* Who holds the application now, the clock, and the MSME's next step. */
static void status_now(FILE *fp, const struct timeline *t)
{
    const struct tl_step *cur = timeline_current(t);
    const struct step_def *def;
    char line[256];

    if (!cur) {
        fprintf(fp, "  %s\n", _("No stage history yet."));
        return;
    }
    def = step_def_get(cur->step);
    if (!def->terminal)
        fprintf(fp, "  %s: %s\n", _("Waiting on"), stage_waits_on_label(cur->holder));
    if (cur->paused && !def->terminal)
        wrap(fp, _("Legal clock"),
             _("paused while the business or the payer holds the file: the authorities' "
               "time limits do not run."),
             80);
    if (cur->taken_over) {
        snprintf(line, sizeof(line),
                 _("the fatwa session passed its %d working days: the Komite Fatwa "
                   "decides within %d more (UU 6/2023 Pasal 33(5), 33(6))."),
                 cur->limit_days, cur->takeover_days);
        wrap(fp, _("Takeover"), line, 80);
    }
    if (cur->extension_days > 0) {
        snprintf(line, sizeof(line),
                 _("extended by %d working days on request (UU 6/2023 Pasal 31(4))."),
                 cur->extension_days);
        wrap(fp, _("Extension"), line, 80);
    }
    wrap(fp, _("Next step"), steps_next(&t->v[t->n - 1].at), 80);
}

static void status_app(FILE *fp, const struct report_app *a, const struct timeline *t,
                       int color)
{
    fprintf(fp, "\n%s %s (%s, %s %s)\n", _("Application"), or_dash(a->no_daftar),
            or_dash(a->id_reg), channel_path_label(a->channel_id),
            or_dash(a->channel_id));
    if (a->observed)
        wrap(fp, _("History"),
             _("from our own observations: this account may not read the application's "
               "detail, so each step is dated when the list first showed it."),
             80);
    if (a->certificate_no)
        fprintf(fp, "  %s %s (%s)\n", _("Certificate"), a->certificate_no,
                or_dash(a->certificate_date));
    fprintf(fp, "  %-10s  %-14s %-28s %4s %5s\n", _("From"), _("Codes"), _("Step"),
            _("Days"), _("Limit"));
    for (size_t j = 0; j < t->ns; j++)
        status_step(fp, t, &t->s[j], color);
    fprintf(fp, "  %s\n", _("(Days = working days; OVER = past the step's legal limit;"));
    fprintf(fp, "  %s\n",
            _(" paused = the clock stops while the business or the payer holds it)"));
    status_now(fp, t);
}

int report_gaps_sentence(const struct cal_gaps *g, char *out, size_t outsz)
{
    char years[96];

    if (g->n == 0)
        return -1;
    if (calendar_gaps_format(g, years, sizeof(years)) < 0)
        snprintf(years, sizeof(years), "%d, ...", g->year[0]);
    snprintf(out, outsz,
             _("no holiday calendar for %s in the database: working days there count "
               "weekends only (add the year's SKB with \"halaltrack calendar import "
               "FILE\")"),
             years);
    return 0;
}

static void gaps_note(FILE *fp, const struct cal_gaps *g)
{
    char line[512];

    if (report_gaps_sentence(g, line, sizeof(line)) == 0)
        wrap(fp, _("Warning"), line, 80);
}

int report_status_text(FILE *fp, const struct report_msme *m, const struct timeline *tl,
                       int64_t now, int color)
{
    int64_t newest = report_data_as_of(m, tl);
    struct cal_gaps gaps = {{0}, 0, 0};
    char ts[21];

    fprintf(fp, "%s %s  %s\n", "NIB", m->nib, m->business_name);
    fprintf(fp, "  %-10s %s\n", _("Owner"), or_dash(m->owner_name));
    fprintf(fp, "  %-10s %s (%s %s)\n", _("Kelurahan"), or_dash(m->kelurahan), _("kec."),
            or_dash(m->kecamatan));
    fprintf(fp, "  %-10s %s%s%s\n", "KBLI", or_dash(m->kbli), m->kbli_title ? " " : "",
            m->kbli_title ? m->kbli_title : "");
    fprintf(fp, "  %-10s %s\n", _("Size"), or_dash(m->size_class));
    if (newest) {
        ts_format_wib(newest, ts);
        fprintf(fp, "  %-10s %s\n", _("Data as of"), ts);
    }
    if (m->napps == 0)
        fprintf(fp, "\n%s\n", _("No halal certification application for this NIB yet."));
    for (size_t i = 0; i < m->napps; i++) {
        status_app(fp, &m->apps[i], &tl[i], color);
        calendar_gaps_merge(&gaps, &tl[i].gaps);
    }
    if (gaps.n) {
        fputc('\n', fp);
        gaps_note(fp, &gaps);
    }
    (void)now;
    return ferror(fp) ? -1 : 0;
}

/* ---- weekly ---- */

void report_format_wib(int64_t t, char out[static 21])
{
    if (t)
        ts_format_wib(t, out);
    else
        snprintf(out, 21, "-");
}

void report_mandatory_small(const struct weekly_report *r, char *out, size_t outsz)
{
    const struct goal_mandatory *m = goal_mandatory_small();
    long left = goal_days_to(m->deadline, r->sunday);
    char from[11];

    if (left >= 0) {
        date_format(m->deadline, from);
        snprintf(
            out, outsz,
            _("Halal certification is mandatory for micro and small food and beverage "
              "businesses after %s (%s): %ld days left. %ld MSMEs of the register "
              "with a food or beverage KBLI are not certified yet."),
            from, m->law, left, r->mandatory.small_left);
        return;
    }
    date_format(date_from_days(date_to_days(m->deadline) + 1), from);
    snprintf(out, outsz,
             _("Halal certification has been mandatory for micro and small food and "
               "beverage businesses since %s (%s), %ld days now. %ld MSMEs of the "
               "register with a food or beverage KBLI are not certified yet."),
             from, m->law, -left, r->mandatory.small_left);
}

int report_mandatory_large(const struct weekly_report *r, char *out, size_t outsz)
{
    const struct goal_mandatory *m = goal_mandatory_large();
    char from[11];

    if (r->mandatory.large_left == 0)
        return -1;
    date_format(date_from_days(date_to_days(m->deadline) + 1), from);
    snprintf(out, outsz,
             _("%ld medium or large food and beverage businesses of the register are not "
               "certified, although it is mandatory for them since %s (%s)."),
             r->mandatory.large_left, from, m->law);
    return 0;
}

static void weekly_head(FILE *fp, const struct weekly_report *r)
{
    char d0[11], d1[11], chg[16], bar[24], line[512];

    date_format(r->monday, d0);
    date_format(r->sunday, d1);
    fprintf(fp, "%s\n", r->office);
    fprintf(fp, "%s %s (%s .. %s)\n", _("WEEKLY HALAL CERTIFICATION REPORT"), r->week, d0,
            d1);
    fprintf(fp, "%s: %s\n\n", _("Totals hash"), r->hash);
    fprintf(fp, "== %s\n", _("Headline"));
    report_mandatory_small(r, line, sizeof(line));
    wrap_text(fp, line, 80, 0);
    if (report_mandatory_large(r, line, sizeof(line)) == 0)
        wrap_text(fp, line, 80, 0);
    fputc('\n', fp);
    weekly_change(r->certified_week, r->certified_prev_week, chg);
    fprintf(fp, "%-40s %8ld  (%s %ld, %s)\n", _("Certified this week"), r->certified_week,
            _("last week"), r->certified_prev_week, chg);
    fprintf(fp, "%-40s %8ld\n", _("Certified in total"), r->certified_total);
    if (r->ngoals)
        fprintf(fp, "\n%-24s %11s %6s %12s %3s  %s\n", _("Goal"), _("done/target"), "%",
                "", _("+wk"), _("status"));
    for (size_t i = 0; i < r->ngoals; i++) {
        const struct weekly_goal *g = &r->goals[i];

        report_bar(g->calc.percent, 10, bar);
        out_cell(fp, g->name, 24, 0, 1);
        fprintf(fp, " %5ld/%-5ld %5.1f%% %s %+3ld  %s\n", g->done, g->target,
                g->calc.percent, bar, g->done - g->done_week_ago,
                goal_status_label(g->calc.status));
    }
    fprintf(fp, "\n%s:\n ", _("Certificates per week, 12 weeks"));
    for (int i = 0; i < WEEKLY_TREND_WEEKS; i++)
        fprintf(fp, " %s=%ld", r->trend[i].week + 5, r->trend[i].certified);
    fputc('\n', fp);
}

static void weekly_funnel(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "\n== %s\n", _("Funnel by stage (end of this week vs last week)"));
    fprintf(fp, "%-36s %7s %7s %7s %7s %7s\n", _("Stage"), "reguler", "self-d",
            _("other"), _("total"), _("last wk"));
    for (size_t i = 0; i < r->nfunnel; i++) {
        const struct weekly_funnel *f = &r->funnel[i];

        if (f->stage == STAGE_NOT_APPLIED)
            continue;
        out_cell(fp, stage_label(f->stage), 36, 0, 1);
        fprintf(fp, " %7ld %7ld %7ld %7ld %7ld\n", f->reguler, f->self_declare, f->other,
                f->total, f->total_prev);
    }
}

static void weekly_areas(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "\n== %s\n", _("Progress by kecamatan"));
    fprintf(fp, "%-22s %7s %7s %9s %7s %6s %12s\n", _("Kecamatan"), _("MSMEs"),
            C_("short column heading", "applied"),
            C_("short column heading", "certified"), _("this wk"), "%", _("goal"));
    for (int pass = 0; pass < 2; pass++) {
        const struct weekly_area *v = pass ? r->kelurahan : r->kecamatan;
        size_t n = pass ? r->nkelurahan : r->nkecamatan;

        if (pass)
            fprintf(fp, "\n-- %s\n", _("Detail by kelurahan"));
        for (size_t i = 0; i < n; i++) {
            const struct weekly_area *a = &v[i];
            char goal[24] = "-";

            if (a->goal_target)
                snprintf(goal, sizeof(goal), "%ld/%ld", a->goal_done, a->goal_target);
            fputs(pass ? "  " : "", fp);
            out_cell(fp, a->name, pass ? 20 : 22, 0, 1);
            fprintf(fp, " %7ld %7ld %9ld %7ld %5.1f%% %12s\n", a->msmes, a->applied,
                    a->certified, a->certified_week,
                    a->msmes ? 100.0 * (double)a->certified / (double)a->msmes : 0.0,
                    goal);
        }
    }
}

int report_more(char *out, size_t outsz, size_t shown, long total)
{
    if ((long)shown >= total)
        return -1;
    snprintf(out, outsz, "%s %ld %s", _("and"), total - (long)shown,
             _("more (see CSV/JSON)"));
    return 0;
}

/* "  ... and N more (see CSV/JSON)" when a list was cut. */
static void more_line(FILE *fp, size_t shown, long total)
{
    char more[128];

    if (report_more(more, sizeof(more), shown, total) == 0)
        fprintf(fp, "  ... %s\n", more);
}

static void weekly_movers(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "\n== %s\n", _("Movers this week"));
    for (int k = 0; k < MOVE__COUNT; k++) {
        size_t shown = 0;

        fprintf(fp, "%s: %ld\n", weekly_move_label((enum weekly_move)k), r->moves[k]);
        for (size_t i = 0; i < r->nmovers; i++) {
            const struct weekly_mover *m = &r->movers[i];
            char d[11];

            if (m->kind != (enum weekly_move)k)
                continue;
            date_format(ts_to_wib_date(m->at), d);
            fprintf(fp, "  %s  %-6s %-13s ", d, or_dash(m->code), or_dash(m->nib));
            out_cell(fp, or_dash(m->name), 24, 0, 1);
            fputc(' ', fp);
            out_cell(fp, or_dash(m->kelurahan), 14, 0, 0);
            fputc('\n', fp);
            shown++;
        }
        more_line(fp, shown, r->moves[k]);
    }
}

static void weekly_stuck(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "\n== %s: %ld\n", _("Stuck past the legal limit (oldest first)"),
            r->stuck_total);
    fprintf(fp, "%s\n", _("(over = working days past the legal limit)"));
    for (int w = 1; w < WAITS__COUNT; w++) {
        size_t shown = 0;

        if (r->stuck_by[w] == 0)
            continue;
        fprintf(fp, "%s %s: %ld\n", _("Waiting on"),
                stage_waits_on_label((enum ht_waits_on)w), r->stuck_by[w]);
        fprintf(fp, "  %-13s %-20s %-12s %-14s %-5s %5s\n", "NIB", _("Business"),
                _("Kelurahan"), _("Phone"), _("Code"), _("over"));
        for (size_t i = 0; i < r->nstuck; i++) {
            const struct weekly_stuck *s = &r->stuck[i];

            if (s->waits_on != (enum ht_waits_on)w)
                continue;
            fprintf(fp, "  %-13s ", or_dash(s->nib));
            out_cell(fp, or_dash(s->name), 20, 0, 1);
            fputc(' ', fp);
            out_cell(fp, or_dash(s->kelurahan), 12, 0, 1);
            fprintf(fp, " %-14.14s %-5s %5ld\n", or_dash(s->phone), or_dash(s->code),
                    s->overdue);
            shown++;
        }
        more_line(fp, shown, r->stuck_by[w]);
    }
    fprintf(fp, "%s\n",
            _("(held by the business or the payer: never overdue, the clock is paused)"));
}

static void weekly_actions(FILE *fp, const struct weekly_report *r)
{
    fprintf(fp, "\n== %s: %ld\n",
            _("Action list: files waiting on the business or the payer"),
            r->actions_total);
    fprintf(
        fp, "%s\n",
        _("(age = the office's working days in the step; its legal clock is paused)"));
    for (int k = 0; k < ACTION__COUNT; k++) {
        size_t shown = 0;

        if (r->actions_by[k] == 0)
            continue;
        fprintf(fp, "%s: %ld\n", action_reason_label((enum action_reason)k),
                r->actions_by[k]);
        fprintf(fp, "  %4s %-13s %-20s %-12s %-14s %s\n", _("age"), "NIB", _("Business"),
                _("Kelurahan"), _("Phone"), _("Code"));
        for (size_t i = 0; i < r->nactions; i++) {
            const struct weekly_action *a = &r->actions[i];

            if (a->reason != (enum action_reason)k)
                continue;
            fprintf(fp, "  %4ld %-13s ", a->days, or_dash(a->nib));
            out_cell(fp, or_dash(a->name), 20, 0, 1);
            fputc(' ', fp);
            out_cell(fp, or_dash(a->kelurahan), 12, 0, 1);
            fprintf(fp, " %-14.14s %s\n", or_dash(a->phone), or_dash(a->code));
            shown++;
        }
        more_line(fp, shown, r->actions_by[k]);
    }
}

static void weekly_quality(FILE *fp, const struct weekly_report *r)
{
    char ts[21];

    fprintf(fp, "\n== %s\n", _("Data quality"));
    fprintf(fp, "%-40s %8ld\n", _("Quarantined records"), r->quarantined);
    fprintf(fp, "%-40s %8ld\n", _("Unmatched NIBs (not in register)"), r->unmatched);
    fprintf(fp, "%-40s %8ld\n", _("History from our own observations"),
            r->observed_history);
    report_format_wib(r->last_observed, ts);
    fprintf(fp, "%-40s %s\n", _("Last observation"), ts);
    report_format_wib(r->last_sync, ts);
    fprintf(fp, "%-40s %s\n", _("Last successful sync"), ts);
}

/* Facilitation programme quotas (left out when the office has none); the arithmetic
 * under every programme the office must act on. */
static void weekly_programmes(FILE *fp, const struct weekly_report *r)
{
    if (!r->nprogrammes && !r->cert_matched && !r->cert_awaiting)
        return;
    fprintf(fp, "\n== %s\n", _("Certified MSMEs by source"));
    fprintf(fp, "%-40s %8ld\n", _("via our programmes"), r->cert_programme);
    fprintf(fp, "%-40s %8ld\n", _("via other channels (matched)"), r->cert_matched);
    fprintf(fp, "%-40s %8ld\n", _("awaiting confirmation"), r->cert_awaiting);
    if (!r->nprogrammes)
        return;
    fprintf(fp, "\n== %s\n", _("Facilitation programmes"));
    fprintf(fp, "%-20s %6s %6s %6s %6s %8s  %s\n", _("code"), _("quota"), _("used"),
            _("cert."), _("left"), _("need/wk"), _("outlook"));
    for (size_t i = 0; i < r->nprogrammes; i++) {
        const struct weekly_programme *g = &r->programmes[i];
        char line[512];

        fprintf(fp, "%-20.20s %6ld %6ld %6ld %6ld %8.1f  %s\n", g->kode_fac, g->kuota,
                g->used, g->certified, g->calc.left, g->calc.rate_needed,
                programme_outlook_label(g->calc.outlook));
        if (programme_outlook_alert(g->calc.outlook)) {
            programme_explain(&g->in, &g->calc, line, sizeof(line));
            fprintf(fp, "  %s\n", line);
        }
    }
}

int report_weekly_text(FILE *fp, const struct weekly_report *r)
{
    weekly_head(fp, r);
    if (r->gaps.n) {
        fputc('\n', fp);
        gaps_note(fp, &r->gaps);
    }
    weekly_funnel(fp, r);
    weekly_areas(fp, r);
    weekly_movers(fp, r);
    weekly_stuck(fp, r);
    weekly_actions(fp, r);
    weekly_quality(fp, r);
    weekly_programmes(fp, r);
    return ferror(fp) ? -1 : 0;
}

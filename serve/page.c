/* The MSME's pages: the form (NIB + access code) and the answer, what `halaltrack status`
 * shows: each application's steps with dates, where it is now, who holds it, the legal
 * limit and the next step in plain words, and the time the data is from. One HTML file
 * each: inline CSS for a small phone screen and for print, no script, no external asset.
 * Called under the render lock (the language of the request is set). */
#include <stdio.h>
#include <string.h>
#include "page.h"
#include "halaltrack/html.h"
#include "halaltrack/i18n.h"
#include "halaltrack/report.h"
#include "halaltrack/stage.h"
#include "halaltrack/banned.h"

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:16px;line-height:1.45;"
    "color:#1b1b1b;margin:0 auto;max-width:40rem;padding:0 12px 24px}"
    "header{border-bottom:3px solid #0b6e4f;margin-bottom:12px;padding:10px 0 6px}"
    "h1{font-size:1.3rem;margin:0;color:#0b6e4f}h2{font-size:1.15rem;margin:16px 0 4px}"
    "h3{font-size:1rem;margin:0 0 6px}.sub{color:#555;margin:0;font-size:.9rem}"
    "nav{float:right;font-size:.9rem}a{color:#0b6e4f}"
    "label{display:block;font-weight:bold;margin:12px 0 4px}"
    "input{width:100%;font-size:1.1rem;padding:10px;border:1px solid #888;"
    "border-radius:6px}"
    "button{margin-top:16px;width:100%;font-size:1.1rem;padding:12px;border:0;"
    "border-radius:6px;background:#0b6e4f;color:#fff}"
    ".msg{border-left:4px solid #b00020;background:#fdecee;padding:8px 10px;margin:12px "
    "0}"
    ".help{color:#444;font-size:.9rem}"
    ".app{border:1px solid #cfd8d3;border-radius:8px;padding:10px 12px;margin:12px 0}"
    ".now{background:#eef5f1;border-radius:6px;padding:8px 10px;margin:6px 0}"
    ".now p{margin:2px 0}ol{padding-left:1.2rem;margin:8px 0}"
    "li{margin:0 0 6px}li .d{font-variant-numeric:tabular-nums;color:#444}"
    "li.current{font-weight:bold}.late{color:#b00020;font-weight:bold}"
    "ul.codes{font-weight:normal;font-size:.9rem;padding-left:1rem;margin:2px 0}"
    ".paused{color:#7a5b00}.asof{color:#555;font-size:.9rem}"
    "@media print{nav,form,.noprint{display:none}body{max-width:none;font-size:11pt}"
    ".app{break-inside:avoid}}";

static void head(FILE *fp, const char *title, const char *lang, const char *office)
{
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>",
            lang);
    html_escape(fp, title);
    fprintf(fp, "</title><style>%s</style></head><body>\n<header><nav>", css);
    /* The other language, on the same page. */
    if (strcmp(lang, "en") == 0)
        fputs("<a href=\"/?lang=id\" hreflang=\"id\">Bahasa Indonesia</a>", fp);
    else
        fputs("<a href=\"/?lang=en\" hreflang=\"en\">English</a>", fp);
    fputs("</nav><h1>", fp);
    html_escape(fp, _("Halal certification status"));
    fputs("</h1><p class=\"sub\">", fp);
    html_escape(fp, office && *office ? office : _("Cooperative and MSME office"));
    fputs("</p></header>\n<main>\n", fp);
}

static void foot(FILE *fp)
{
    fputs("</main>\n</body></html>\n", fp);
}

void page_form(FILE *fp, const char *lang, const char *office, const char *message)
{
    head(fp, _("Check your halal certification status"), lang, office);
    if (message) {
        fputs("<p class=\"msg\" role=\"alert\">", fp);
        html_escape(fp, message);
        fputs("</p>\n", fp);
    }
    fputs("<form method=\"post\" action=\"/\" autocomplete=\"off\">\n", fp);
    fprintf(fp, "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n", lang);
    fputs("<label for=\"nib\">", fp);
    html_escape(fp, _("NIB (13 digits)"));
    fputs("</label><input id=\"nib\" name=\"nib\" inputmode=\"numeric\" maxlength=\"13\""
          " pattern=\"[0-9]{13}\" required>\n<label for=\"code\">",
          fp);
    html_escape(fp, _("Access code"));
    fputs("</label><input id=\"code\" name=\"code\" maxlength=\"32\" "
          "autocapitalize=\"characters\""
          " spellcheck=\"false\" required placeholder=\"XXXX-XXXX\">\n<button "
          "type=\"submit\">",
          fp);
    html_escape(fp, _("Check"));
    fputs("</button>\n</form>\n<p class=\"help\">", fp);
    html_escape(fp,
                _("The access code is on the slip the cooperative and MSME office gave "
                  "you. Lost it? Ask the office for a new one."));
    fputs("</p>\n", fp);
    foot(fp);
}

/* One legal step: its date, its label, the working days against its limit, and the
 * SIHALAL statuses it spans (the names the business sees in SIHALAL). */
static void step(FILE *fp, const struct timeline *t, const struct tl_step *e)
{
    int open = !step_def_get(e->step)->terminal;
    char date[11];

    date_format(ts_to_wib_date(e->entered), date);
    fprintf(fp, "<li%s><span class=\"d\">%s</span> ",
            e->current ? " class=\"current\"" : "", date);
    html_escape(fp, step_label(e->step));
    if (e->limit_days > 0 || e->days > 0 || (e->current && open)) {
        fputs("<br><span class=\"d\">", fp);
        fprintf(fp,
                ngettext("%lld working day", "%lld working days", (unsigned long)e->days),
                (long long)e->days);
        if (e->limit_days > 0) {
            fputs(" / ", fp);
            fprintf(fp, _("limit %d"),
                    e->limit_days + (e->taken_over ? e->takeover_days : 0));
        }
        fputs("</span>", fp);
    }
    if (e->breach) {
        fputs(" <span class=\"late\">", fp);
        fprintf(fp, _("%lld working day(s) over the legal limit"), (long long)e->overdue);
        fputs("</span>", fp);
    } else if (e->paused && open) {
        fputs(" <span class=\"paused\">", fp);
        html_escape(fp, _("the legal clock is paused"));
        fputs("</span>", fp);
    }
    fputs("\n<ul class=\"codes\">\n", fp);
    for (size_t j = e->first; j < e->first + e->n; j++) {
        const struct tl_entry *c = &t->v[j];

        date_format(ts_to_wib_date(c->entered), date);
        fprintf(fp, "<li><span class=\"d\">%s</span> ", date);
        html_escape(fp, c->sc ? stage_code_label(c->sc) : stage_label(c->stage));
        fprintf(fp, " <span class=\"d\">(%s)</span></li>\n", c->code);
    }
    fputs("</ul></li>\n", fp);
}

static void application(FILE *fp, const struct report_app *a, const struct timeline *t)
{
    const struct tl_step *cur = timeline_current(t);
    const struct tl_entry *last = t->n ? &t->v[t->n - 1] : NULL;
    const struct step_def *def = cur ? step_def_get(cur->step) : NULL;

    fputs("<section class=\"app\"><h3>", fp);
    html_escape(fp, _("Application"));
    fputc(' ', fp);
    html_escape(fp, a->no_daftar ? a->no_daftar : a->id_reg);
    fputs("</h3>\n<div class=\"now\">", fp);
    if (!cur) {
        fputs("<p>", fp);
        html_escape(fp, _("No stage history yet."));
        fputs("</p>", fp);
    } else {
        fputs("<p><b>", fp);
        html_escape(fp, _("Now"));
        fputs(":</b> ", fp);
        html_escape(fp, last->sc ? stage_code_label(last->sc) : stage_label(last->stage));
        fputs("</p>", fp);
        if (!def->terminal) {
            fputs("<p><b>", fp);
            html_escape(fp, _("Waiting on"));
            fputs(":</b> ", fp);
            html_escape(fp, stage_waits_on_label(cur->holder));
            fputs("</p><p><b>", fp);
            html_escape(fp, _("Legal limit"));
            fputs(":</b> ", fp);
            if (cur->paused)
                html_escape(fp, _("the legal clock is paused while the business or the "
                                  "payer holds the file."));
            else if (cur->limit_days > 0)
                fprintf(fp,
                        ngettext("%d working day for this step; %lld used so far",
                                 "%d working days for this step; %lld used so far",
                                 (unsigned long)cur->limit_days),
                        cur->limit_days + (cur->taken_over ? cur->takeover_days : 0),
                        (long long)cur->days);
            else
                html_escape(fp, _("none for this step"));
            fputs("</p>", fp);
        }
        if (a->certificate_no) {
            fputs("<p><b>", fp);
            html_escape(fp, _("Certificate"));
            fputs(":</b> ", fp);
            html_escape(fp, a->certificate_no);
            if (a->certificate_date) {
                fputs(" (", fp);
                html_escape(fp, a->certificate_date);
                fputc(')', fp);
            }
            fputs("</p>", fp);
        }
        fputs("<p><b>", fp);
        html_escape(fp, _("Next step"));
        fputs(":</b> ", fp);
        html_escape(fp, steps_next(&last->at));
        fputs("</p>", fp);
    }
    fputs("</div>\n<ol>\n", fp);
    for (size_t j = 0; j < t->ns; j++)
        step(fp, t, &t->s[j]);
    fputs("</ol></section>\n", fp);
}

void page_status(FILE *fp, const char *lang, const char *office,
                 const struct report_msme *m, const struct timeline *tl)
{
    int64_t asof = report_data_as_of(m, tl);
    char ts[21];

    head(fp, m->business_name, lang, office);
    fputs("<h2>", fp);
    html_escape(fp, m->business_name);
    fputs("</h2><p class=\"sub\">NIB ", fp);
    html_escape(fp, m->nib);
    if (m->kelurahan) {
        fputs(" &middot; ", fp);
        html_escape(fp, m->kelurahan);
        if (m->kecamatan) {
            fputs(", ", fp);
            html_escape(fp, _("kec."));
            fputc(' ', fp);
            html_escape(fp, m->kecamatan);
        }
    }
    fputs("</p>\n<p class=\"asof\">", fp);
    html_escape(fp, _("Data as of"));
    fputs(": ", fp);
    if (asof) {
        ts_format_wib(asof, ts);
        html_escape(fp, ts);
    } else {
        fputs("-", fp);
    }
    fputs("</p>\n", fp);
    if (m->napps == 0) {
        fputs("<p>", fp);
        html_escape(fp, _("No halal certification application for this NIB yet."));
        fputs("</p>\n", fp);
    }
    for (size_t i = 0; i < m->napps; i++)
        application(fp, &m->apps[i], &tl[i]);
    fputs("<p class=\"help noprint\"><a href=\"/?lang=", fp);
    fputs(lang, fp);
    fputs("\">", fp);
    html_escape(fp, _("Check another NIB"));
    fputs("</a> &middot; ", fp);
    html_escape(fp,
                _("Working days exclude weekends, national holidays and cuti bersama. "
                  "The legal limits are those of UU 6/2023 and PP 42/2024, per step."));
    fputs("</p>\n", fp);
    foot(fp);
}

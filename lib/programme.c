/* Facilitation programme quotas: run rate needed and outlook; see programme.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/programme.h"
#include "halaltrack/banned.h"

static const char *const outlook_names[PROG__COUNT] = {
    "on_pace", "will_leave_unused", "will_overcommit", "overcommitted",
    "full",    "closed_unused",     "closed",          "no_end",
    "no_quota"};

const char *programme_outlook_name(enum programme_outlook o)
{
    return (unsigned)o < PROG__COUNT ? outlook_names[o] : "on_pace";
}

const char *programme_outlook_label(enum programme_outlook o)
{
    static const char *const labels[PROG__COUNT] = {
        N_("on pace"),          N_("will leave quota unused"),
        N_("will over-commit"), N_("over-committed"),
        N_("quota used"),       N_("closed with quota unused"),
        N_("closed"),           N_("no end date"),
        N_("no quota stated")};

    return _(labels[(unsigned)o < PROG__COUNT ? o : PROG_ON_PACE]);
}

int programme_outlook_alert(enum programme_outlook o)
{
    return o == PROG_WILL_LEAVE_UNUSED || o == PROG_WILL_OVERCOMMIT ||
           o == PROG_OVERCOMMITTED || o == PROG_CLOSED_UNUSED;
}

void programme_input_set(struct programme_input *in, long kuota, long used,
                         long used_trailing, const char *tgl_aktif,
                         const char *tgl_selesai, struct ht_date today)
{
    memset(in, 0, sizeof(*in));
    in->kuota = kuota;
    in->used = used;
    in->used_trailing = used_trailing;
    in->today = today;
    in->has_start = tgl_aktif && date_parse(tgl_aktif, &in->start, NULL) == 0;
    in->has_end = tgl_selesai && date_parse(tgl_selesai, &in->end, NULL) == 0;
}

void programme_compute(const struct programme_input *in, struct programme_calc *out)
{
    int64_t today = date_to_days(in->today);
    double span = PROGRAMME_TRAILING_WEEKS;
    long gained;

    memset(out, 0, sizeof(*out));
    out->days_left = -1;
    out->weeks_to_full = -1.0;
    out->left = in->kuota >= 0 ? in->kuota - in->used : 0;
    /* The recent rate spans min(4 weeks, time since tgl_aktif), at least a week: a
     * programme opened ten days ago is not judged on four weeks. */
    if (in->has_start) {
        double since = (double)(today - date_to_days(in->start)) / 7.0;
        if (since < span) {
            span = since < 1.0 ? 1.0 : since;
            gained = in->used;
        } else {
            gained = in->used - in->used_trailing;
        }
    } else {
        gained = in->used - in->used_trailing;
    }
    out->rate_recent = gained > 0 ? (double)gained / span : 0.0;
    if (in->has_end) {
        int64_t end = date_to_days(in->end);
        out->days_left = end >= today ? (int)(end - today + 1) : 0;
        out->weeks_left = out->days_left / 7.0;
    }
    if (out->rate_recent > 0.0 && out->left > 0)
        out->weeks_to_full = (double)out->left / out->rate_recent;
    out->projected = in->used;
    if (out->days_left > 0)
        out->projected += (long)floor(out->rate_recent * out->weeks_left);
    if (in->kuota >= 0) {
        out->unused = in->kuota > out->projected ? in->kuota - out->projected : 0;
        out->over = out->projected > in->kuota ? out->projected - in->kuota : 0;
    }
    if (out->days_left > 0 && out->left > 0)
        out->rate_needed = (double)out->left / out->weeks_left;

    if (in->kuota < 0)
        out->outlook = PROG_NO_QUOTA;
    else if (out->left < 0)
        out->outlook = PROG_OVERCOMMITTED;
    else if (out->days_left == 0)
        out->outlook = out->left > 0 ? PROG_CLOSED_UNUSED : PROG_CLOSED;
    else if (out->left == 0)
        out->outlook = PROG_FULL;
    else if (!in->has_end)
        out->outlook = PROG_NO_END;
    else if (out->over > 0)
        out->outlook = PROG_WILL_OVERCOMMIT;
    else if ((double)out->unused > PROGRAMME_UNUSED_SLACK * (double)in->kuota)
        out->outlook = PROG_WILL_LEAVE_UNUSED;
    else
        out->outlook = PROG_ON_PACE;
}

void programme_explain(const struct programme_input *in, const struct programme_calc *c,
                       char *out, size_t outsz)
{
    char end[11] = "";

    if (in->has_end)
        date_format(in->end, end);
    switch (c->outlook) {
    case PROG_NO_QUOTA:
        snprintf(out, outsz, _("%ld applications; the national system states no quota"),
                 in->used);
        return;
    case PROG_OVERCOMMITTED:
        snprintf(out, outsz, _("quota %ld, %ld applications: %ld over the quota"),
                 in->kuota, in->used, -c->left);
        return;
    case PROG_CLOSED_UNUSED:
    case PROG_CLOSED:
        snprintf(out, outsz, _("closed %s: quota %ld, %ld applications, %ld unused"), end,
                 in->kuota, in->used, c->left);
        return;
    case PROG_FULL:
        snprintf(out, outsz, _("quota %ld, %ld applications: no place left"), in->kuota,
                 in->used);
        return;
    case PROG_NO_END:
        snprintf(out, outsz,
                 _("quota %ld, %ld applications, %ld left; no end date; recent "
                   "%.1f/week"),
                 in->kuota, in->used, c->left, c->rate_recent);
        return;
    case PROG_WILL_OVERCOMMIT:
        snprintf(out, outsz,
                 _("quota %ld, %ld used, %ld left; %d days (%.1f weeks) to %s: needs "
                   "%.1f/week, recent %.1f/week -> full in %.1f weeks, %ld over by the "
                   "close"),
                 in->kuota, in->used, c->left, c->days_left, c->weeks_left, end,
                 c->rate_needed, c->rate_recent, c->weeks_to_full, c->over);
        return;
    default:
        snprintf(out, outsz,
                 _("quota %ld, %ld used, %ld left; %d days (%.1f weeks) to %s: needs "
                   "%.1f/week, recent %.1f/week -> %ld by the close, %ld unused"),
                 in->kuota, in->used, c->left, c->days_left, c->weeks_left, end,
                 c->rate_needed, c->rate_recent, c->projected, c->unused);
        return;
    }
}

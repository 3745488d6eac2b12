/* Goal scopes and progress maths; see goal.h for the rules and docs/reports.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/goal.h"
#include "halaltrack/i18n.h"
#include "halaltrack/register.h"
#include "halaltrack/banned.h"

const char *goal_scope_kind_name(enum goal_scope_kind k)
{
    static const char *const names[] = {"kota", "kecamatan", "kelurahan",
                                        "kbli", "program",   "kode_fac"};

    return (unsigned)k < HT_ARRAY_LEN(names) ? names[k] : "kota";
}

/* The kind of a scope "kind:value"; *value points after the ':' (NULL for kota). Returns
 * 0, or -1 for an unknown kind. */
static int scope_kind(const char *s, enum goal_scope_kind *kind, const char **value)
{
    static const struct {
        const char *prefix;
        enum goal_scope_kind kind;
    } kinds[] = {
        {"kecamatan:", GOAL_SCOPE_KECAMATAN}, {"kelurahan:", GOAL_SCOPE_KELURAHAN},
        {"kbli:", GOAL_SCOPE_KBLI},           {"program:", GOAL_SCOPE_PROGRAM},
        {"kode_fac:", GOAL_SCOPE_KODE_FAC},
    };

    *value = NULL;
    if (strcmp(s, "kota") == 0) {
        *kind = GOAL_SCOPE_KOTA;
        return 0;
    }
    for (size_t i = 0; i < HT_ARRAY_LEN(kinds); i++) {
        if (strncmp(s, kinds[i].prefix, strlen(kinds[i].prefix)) == 0) {
            *kind = kinds[i].kind;
            *value = s + strlen(kinds[i].prefix);
            return 0;
        }
    }
    return -1;
}

/* The value of a scope of kind out->kind: KBLI digits, a programme tag, the shape of a
 * region code (a name is resolved later, against the region table). */
static int check_scope_value(struct goal_scope *out, const char *v, struct ht_err *err)
{
    size_t n = strlen(v);
    int dots;

    switch (out->kind) {
    case GOAL_SCOPE_KBLI:
        if (n > 5 || strspn(v, "0123456789") != n) {
            ht_err_set(err, HT_EINVAL,
                       _("KBLI prefix '%s' must be 1 to 5 digits (e.g. 10 or 10792)"), v);
            return -1;
        }
        return 0;
    case GOAL_SCOPE_PROGRAM:
        if (strspn(v,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
            n) {
            ht_err_set(
                err, HT_EINVAL,
                _("program tag '%s' may hold only letters, digits, '-', '_' and '.'"), v);
            return -1;
        }
        return 0;
    case GOAL_SCOPE_KODE_FAC:
        if (strspn(
                v,
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") !=
            n) {
            ht_err_set(
                err, HT_EINVAL,
                _("facilitation code '%s' may hold only letters, digits, '-', '_', "
                  "'.' and '/'"),
                v);
            return -1;
        }
        return 0;
    case GOAL_SCOPE_KECAMATAN:
    case GOAL_SCOPE_KELURAHAN:
        if (region_code_shape(v, &dots)) {
            int want = out->kind == GOAL_SCOPE_KECAMATAN ? 2 : 3;

            if (dots != want) {
                ht_err_set(
                    err, HT_EINVAL, _("region code '%s' is not a %s code (expected %s)"),
                    v, goal_scope_kind_name(out->kind),
                    out->kind == GOAL_SCOPE_KECAMATAN ? "35.75.01" : "35.75.01.1001");
                return -1;
            }
            out->value_is_code = 1;
        }
        return 0;
    default:
        return 0;
    }
}

int goal_scope_parse(const char *s, struct goal_scope *out, struct ht_err *err)
{
    const char *v;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (!s || !*s) {
        ht_err_set(
            err, HT_EINVAL,
            _("empty scope: expected kota, kecamatan:<code>, "
              "kelurahan:<code>, kbli:<prefix>, program:<tag> or kode_fac:<code>"));
        return -1;
    }
    if (scope_kind(s, &out->kind, &v) < 0) {
        ht_err_set(
            err, HT_EINVAL,
            _("unknown scope '%s': expected kota, kecamatan:<code>, kelurahan:<code>, "
              "kbli:<prefix>, program:<tag> or kode_fac:<code>"),
            s);
        return -1;
    }
    if (!v)
        return 0;
    n = strlen(v);
    if (n == 0) {
        ht_err_set(err, HT_EINVAL, _("scope '%s' has no value after ':'"), s);
        return -1;
    }
    if (n > GOAL_SCOPE_VALUE_MAX) {
        ht_err_set(err, HT_EINVAL,
                   _("scope value of '%.40s...' is longer than %d characters"), s,
                   GOAL_SCOPE_VALUE_MAX);
        return -1;
    }
    if (check_scope_value(out, v, err) < 0)
        return -1;
    memcpy(out->value, v, n + 1);
    return 0;
}

int goal_target_parse(const char *s, long *out, struct ht_err *err)
{
    struct ht_err inner = HT_ERR_INIT;

    if (parse_int(s, 1, GOAL_TARGET_MAX, out, &inner) < 0) {
        ht_err_set(err, HT_EINVAL, _("target '%s' must be a whole number from 1 to %ld"),
                   s ? s : "", GOAL_TARGET_MAX);
        return -1;
    }
    return 0;
}

const char *goal_status_name(enum goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK:
        return "on_track";
    case GOAL_AT_RISK:
        return "at_risk";
    default:
        return "off_track";
    }
}

const char *goal_status_label(enum goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK:
        return _("on track");
    case GOAL_AT_RISK:
        return _("at risk");
    default:
        return _("off track");
    }
}

void goal_compute(const struct goal_input *in, struct goal_calc *out)
{
    int64_t today = date_to_days(in->today);
    int64_t start = date_to_days(in->start);
    int64_t deadline = date_to_days(in->deadline);
    int64_t since = today - start;
    double span_weeks;

    memset(out, 0, sizeof(*out));
    out->remaining = in->target > in->done ? in->target - in->done : 0;
    out->percent = in->target > 0 ? 100.0 * (double)in->done / (double)in->target : 0.0;
    out->days_left = deadline >= today ? (int)(deadline - today + 1) : 0;
    out->weeks_left = out->days_left / 7.0;

    /* Trailing rate over min(4 weeks, time since start), never less than one week. */
    span_weeks =
        since < 7 * GOAL_TRAILING_WEEKS ? (double)since / 7.0 : GOAL_TRAILING_WEEKS;
    if (span_weeks < 1.0)
        span_weeks = 1.0;
    {
        long base = since < 7 * GOAL_TRAILING_WEEKS ? 0 : in->done_trailing;
        long gained = in->done - base;

        out->rate_recent = gained > 0 ? (double)gained / span_weeks : 0.0;
    }

    if (out->remaining == 0) {
        out->rate_needed = 0.0;
        out->has_projection = 1;
        out->projected = in->today;
        out->status = GOAL_ON_TRACK;
        return;
    }
    if (out->rate_recent > 0.0) {
        double weeks = (double)out->remaining / out->rate_recent;

        out->has_projection = 1;
        out->projected = date_from_days(today + (int64_t)ceil(weeks * 7.0));
    }
    if (out->days_left == 0) {
        out->rate_needed = (double)out->remaining; /* all of it, now */
        out->status = GOAL_OFF_TRACK;
        return;
    }
    out->rate_needed = (double)out->remaining / out->weeks_left;
    if (out->rate_recent >= GOAL_ON_TRACK_RATIO * out->rate_needed)
        out->status = GOAL_ON_TRACK;
    else if (out->rate_recent >= GOAL_AT_RISK_RATIO * out->rate_needed)
        out->status = GOAL_AT_RISK;
    else
        out->status = GOAL_OFF_TRACK;
}

const struct goal_mandatory *goal_mandatory_small(void)
{
    static const struct goal_mandatory m = {{2026, 10, 17}, "PP 42/2024 Pasal 160"};

    return &m;
}

const struct goal_mandatory *goal_mandatory_large(void)
{
    static const struct goal_mandatory m = {{2024, 10, 17}, "PP 39/2021 Pasal 140"};

    return &m;
}

long goal_days_to(struct ht_date deadline, struct ht_date today)
{
    return (long)(date_to_days(deadline) - date_to_days(today));
}

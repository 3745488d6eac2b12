/* The holiday calendar in the database (table holiday): loaded into a struct calendar
 * for the C side, imported from an SKB CSV year by year, listed by year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/banned.h"

int store_calendar_load(struct store *s, const struct ht_settings *set,
                        struct calendar **out, struct ht_err *err)
{
    struct store_rows r = {0};
    struct calendar *cal = NULL;
    int rc = -1;

    *out = NULL;
    if (store_query_rows(s, "SELECT day::text, name, kind FROM holiday ORDER BY day", 0,
                         NULL, &r, err) < 0)
        return -1;
    if (!(cal = calendar_new())) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < r.nrows; i++) {
        struct ht_date d;

        if (date_parse(store_rows_get(&r, i, 0), &d, NULL) < 0 ||
            calendar_add_holiday(cal, d, store_rows_get(&r, i, 1),
                                 strcmp(store_rows_get(&r, i, 2), "cuti_bersama") == 0) <
                0) {
            ht_err_set(err, HT_EDB, "holiday row '%s' cannot be loaded",
                       store_rows_get(&r, i, 0));
            goto out;
        }
    }
    calendar_set_cuti_working(cal, set ? set->cuti_working : 0);
    *out = cal;
    cal = NULL;
    rc = 0;
out:
    calendar_free(cal);
    store_rows_release(&r);
    return rc;
}

int store_clock_load(struct store *s, struct ht_settings *set, struct calendar **cal,
                     struct ht_err *err)
{
    *cal = NULL;
    if (store_settings_load(s, set, err) < 0)
        return -1;
    return store_calendar_load(s, set, cal, err);
}

/* The distinct years of a calendar's holidays, ascending, as a PostgreSQL array literal.
 */
static int years_literal(const struct calendar *cal, char *out, size_t outsz)
{
    size_t o = 0, nyears = 0;
    int last = 0;

    o += (size_t)snprintf(out + o, outsz - o, "{");
    for (size_t i = 0; i < calendar_holiday_count(cal); i++) {
        struct ht_date d;

        calendar_holiday_at(cal, i, &d, NULL);
        if (d.y == last)
            continue;
        if (o >= outsz)
            return -1;
        o += (size_t)snprintf(out + o, outsz - o, "%s%d", nyears ? "," : "", d.y);
        last = d.y;
        nyears++;
    }
    if (o >= outsz)
        return -1;
    o += (size_t)snprintf(out + o, outsz - o, "}");
    return o < outsz ? 0 : -1;
}

int store_calendar_import(struct store *s, const struct calendar *cal, int replace,
                          long *rows, long *replaced, struct ht_err *err)
{
    char years[4096], *held = NULL;
    const char *p[1] = {years};
    int q, rc = -1;

    *rows = *replaced = 0;
    if (calendar_holiday_count(cal) == 0) {
        ht_err_set(err, HT_EINVAL, _("the file has no holiday rows"));
        return -1;
    }
    if (years_literal(cal, years, sizeof(years)) < 0) {
        ht_err_set(err, HT_ELIMIT, _("the file spans too many years"));
        return -1;
    }
    if (store_begin(s, err) < 0)
        return -1;
    /* A year already in the table is only replaced on request, and then whole. */
    q = store_query_value(
        s,
        "SELECT y || ':' || n FROM (SELECT extract(year FROM day)::int AS y,"
        " count(*) AS n FROM holiday WHERE extract(year FROM day)::int = ANY($1::int[])"
        " GROUP BY 1) x ORDER BY y LIMIT 1",
        1, p, &held, err);
    if (q < 0)
        goto out;
    if (q == 0 && !replace) {
        char *colon = strchr(held, ':');

        ht_err_set(err, HT_ECONFLICT,
                   _("year %.*s already has %s holiday rows in the database: give "
                     "--replace to replace that year with the file's rows"),
                   colon ? (int)(colon - held) : 4, held, colon ? colon + 1 : "?");
        goto out;
    }
    if (store_command(
            s, "DELETE FROM holiday WHERE extract(year FROM day)::int = ANY($1::int[])",
            1, p, replaced, err) < 0)
        goto out;
    for (size_t i = 0; i < calendar_holiday_count(cal); i++) {
        struct ht_date d;
        int cuti = 0;
        char day[11];
        const char *name = calendar_holiday_at(cal, i, &d, &cuti);
        const char *v[3] = {day, name, cuti ? "cuti_bersama" : "libur_nasional"};

        date_format(d, day);
        if (store_command(s, "INSERT INTO holiday (day, name, kind) VALUES ($1, $2, $3)",
                          3, v, NULL, err) < 0)
            goto out;
        (*rows)++;
    }
    if (store_commit(s, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        store_rollback(s);
        *rows = *replaced = 0;
    }
    free(held);
    return rc;
}

int store_calendar_years(struct store *s, struct calendar_year **out, size_t *n,
                         struct ht_err *err)
{
    struct store_rows r = {0};

    *out = NULL;
    *n = 0;
    if (store_query_array(s,
                          "SELECT extract(year FROM day)::int,"
                          " count(*) FILTER (WHERE kind = 'libur_nasional'),"
                          " count(*) FILTER (WHERE kind = 'cuti_bersama')"
                          " FROM holiday GROUP BY 1 ORDER BY 1",
                          0, NULL, &r, sizeof(**out), (void **)out, err) < 0)
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        struct calendar_year *y = &(*out)[(*n)++];

        y->year = (int)strtol(store_rows_get(&r, i, 0), NULL, 10);
        y->holidays = strtol(store_rows_get(&r, i, 1), NULL, 10);
        y->cuti_bersama = strtol(store_rows_get(&r, i, 2), NULL, 10);
    }
    store_rows_release(&r);
    return 0;
}

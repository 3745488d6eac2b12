/* Extensions of a legal step granted on request (table step_extension), as the office
 * records them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/i18n.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/banned.h"

int store_extension_add(struct store *s, const char *id_reg, enum ht_step step, int days,
                        struct ht_date granted_on, const char *note, int64_t now,
                        long *id, struct ht_err *err)
{
    const struct step_def *d = step_def_get(step);
    char n[16], day[11], ts[32], *v = NULL;
    const char *p[6] = {id_reg, step_name(step), n, day, note, ts};
    int q;

    if (d->extension_days <= 0) {
        ht_err_set(err, HT_EINVAL, _("the step '%s' cannot be extended"), d->name);
        return -1;
    }
    if (days < 1 || days > d->extension_days) {
        ht_err_set(err, HT_EINVAL,
                   _("an extension of the step '%s' is 1 to %d working days, not %d"),
                   d->name, d->extension_days, days);
        return -1;
    }
    snprintf(n, sizeof(n), "%d", days);
    snprintf(ts, sizeof(ts), "%lld", (long long)now);
    date_format(granted_on, day);
    q = store_query_value(
        s,
        "INSERT INTO step_extension (application_id, step, days,"
        " granted_on, note, created_at)"
        " SELECT a.id, $2, $3::int, $4::date, $5, to_timestamp($6::bigint)"
        " FROM application a WHERE a.id_reg = $1 OR a.no_daftar = $1"
        " ORDER BY a.id_reg = $1 DESC LIMIT 1 RETURNING id",
        6, p, &v, err);
    if (q < 0)
        return -1;
    if (q == 1) {
        ht_err_set(err, HT_ENOTFOUND, _("no application with id_reg or no_daftar '%s'"),
                   id_reg);
        return -1;
    }
    *id = v ? strtol(v, NULL, 10) : 0;
    free(v);
    return 0;
}

int store_extension_remove(struct store *s, long id, struct ht_err *err)
{
    char n[24];
    const char *p[1] = {n};
    long affected = 0;

    snprintf(n, sizeof(n), "%ld", id);
    if (store_command(s, "DELETE FROM step_extension WHERE id = $1::bigint", 1, p,
                      &affected, err) < 0)
        return -1;
    return affected ? 0 : 1;
}

void store_extensions_free(struct step_extension_row *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].id_reg);
        free(v[i].no_daftar);
        free(v[i].note);
    }
    free(v);
}

int store_extension_list(struct store *s, struct step_extension_row **out, size_t *n,
                         struct ht_err *err)
{
    struct store_rows r = {0};

    *out = NULL;
    *n = 0;
    if (store_query_array(s,
                          "SELECT x.id, a.id_reg, a.no_daftar, x.step, x.days,"
                          " x.granted_on::text, x.note"
                          " FROM step_extension x JOIN application a"
                          " ON a.id = x.application_id ORDER BY x.granted_on, x.id",
                          0, NULL, &r, sizeof(**out), (void **)out, err) < 0)
        return -1;
    for (int i = 0; i < r.nrows; i++) {
        struct step_extension_row *x = &(*out)[(*n)++];

        x->id = strtol(store_rows_get(&r, i, 0), NULL, 10);
        x->id_reg = xstrdup_or_null(store_rows_get(&r, i, 1));
        x->no_daftar = xstrdup_or_null(store_rows_get(&r, i, 2));
        if (step_parse(store_rows_get(&r, i, 3), &x->step) < 0)
            x->step = STEP_UNKNOWN;
        x->days = (int)strtol(store_rows_get(&r, i, 4), NULL, 10);
        if (date_parse(store_rows_get(&r, i, 5), &x->granted_on, NULL) < 0)
            x->granted_on = (struct ht_date){1970, 1, 1};
        x->note = xstrdup_or_null(store_rows_get(&r, i, 6));
    }
    store_rows_release(&r);
    return 0;
}

/* The domain tables generated from the C tables at every migrate (stage_def,
 * status_code_def, channel_def, step_def, step_limit, step_code: lib/stage.c and
 * lib/steps.c are their single source), and the shared settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/i18n.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"
#include "halaltrack/store_domain.h"
#include "halaltrack/banned.h"

#define DOMAIN_MAX_COLS 11

/* Columns of one generated table as PostgreSQL array literals, one per column. */
struct cols {
    struct buf a[DOMAIN_MAX_COLS];
    size_t n;
    int rows;
    int failed;
};

static void cols_init(struct cols *c, size_t n)
{
    memset(c, 0, sizeof(*c));
    c->n = n;
    for (size_t i = 0; i < n; i++) {
        buf_init(&c->a[i], BUF_CAP_SMALL);
        c->failed |= buf_addch(&c->a[i], '{') < 0;
    }
}

static void cols_release(struct cols *c)
{
    for (size_t i = 0; i < c->n; i++)
        buf_release(&c->a[i]);
}

/* Appends one row (n values, NULL for SQL NULL) as quoted array elements. */
static void cols_row(struct cols *c, const char *const *v)
{
    for (size_t i = 0; i < c->n; i++) {
        struct buf *b = &c->a[i];

        if (c->rows)
            c->failed |= buf_addch(b, ',') < 0;
        if (!v[i]) {
            c->failed |= buf_adds(b, "NULL") < 0;
            continue;
        }
        c->failed |= buf_addch(b, '"') < 0;
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                c->failed |= buf_addch(b, '\\') < 0;
            c->failed |= buf_addch(b, *p) < 0;
        }
        c->failed |= buf_addch(b, '"') < 0;
    }
    c->rows++;
}

/* Makes table hold exactly the rows of c: rows whose key is gone are deleted, new ones
 * inserted, changed ones updated (nothing is written when nothing changed). names lists
 * every column of the table, cols_typed the same with casts from text, key the key
 * columns, update the SET list. */
static int sync_table(struct store *s, const char *table, const char *cols_typed,
                      const char *names, const char *key, const char *update,
                      struct cols *c, struct ht_err *err)
{
    struct buf sql = BUF_INIT(BUF_CAP_LINE);
    const char *p[DOMAIN_MAX_COLS];
    int rc = -1;

    for (size_t i = 0; i < c->n; i++) {
        c->failed |= buf_addch(&c->a[i], '}') < 0;
        p[i] = buf_str(&c->a[i]);
    }
    if (c->failed) {
        ht_err_set(err, HT_ELIMIT, "generated table '%s' is too large", table);
        goto out;
    }
    if (buf_adds(&sql, "WITH n AS (SELECT * FROM unnest(") < 0)
        goto toolong;
    for (size_t i = 0; i < c->n; i++)
        if (buf_addf(&sql, "%s$%zu::text[]", i ? ", " : "", i + 1) < 0)
            goto toolong;
    if (buf_addf(&sql,
                 ") AS n(%s)),"
                 " typed AS (SELECT %s FROM n),"
                 " gone AS (DELETE FROM %s WHERE (%s) NOT IN (SELECT %s FROM typed))"
                 " INSERT INTO %s AS t (%s) SELECT %s FROM typed"
                 " ON CONFLICT (%s) DO UPDATE SET %s"
                 " WHERE (t.*) IS DISTINCT FROM (EXCLUDED.*)",
                 names, cols_typed, table, key, key, table, names, names, key,
                 update) < 0)
        goto toolong;
    rc = store_command(s, buf_str(&sql), (int)c->n, p, NULL, err);
    goto out;
toolong:
    ht_err_set(err, HT_ELIMIT, "statement for '%s' too long", table);
out:
    buf_release(&sql);
    return rc;
}

static int sync_stages(struct store *s, struct ht_err *err)
{
    struct cols c;
    int rc;

    cols_init(&c, 5);
    for (int st = 0; st < STAGE__COUNT; st++) {
        const struct stage_def *d = stage_def_get((enum ht_stage)st);
        char ord[16];
        const char *v[5] = {d->name, ord, d->terminal ? "true" : "false",
                            stage_label_in((enum ht_stage)st, "id"),
                            stage_label_in((enum ht_stage)st, "en")};

        snprintf(ord, sizeof(ord), "%d", st);
        cols_row(&c, v);
    }
    rc = sync_table(s, "stage_def",
                    "stage, ordinal::int AS ordinal, terminal::boolean AS terminal, "
                    "label_id, label_en",
                    "stage, ordinal, terminal, label_id, label_en", "stage",
                    "ordinal = EXCLUDED.ordinal, terminal = EXCLUDED.terminal,"
                    " label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en",
                    &c, err);
    cols_release(&c);
    return rc;
}

static int sync_codes(struct store *s, struct ht_err *err)
{
    struct cols c;
    int rc;

    cols_init(&c, 5);
    /* The built-in table only: a code mapped from config is the daemon's, and its stage
     * is on each event. */
    for (size_t i = 0; i < stage_code_count(); i++) {
        const struct stage_code *k = stage_code_at(i);
        unsigned only = steps_code_evidence(k->code);
        const char *v[5];

        v[0] = k->code;
        v[1] = stage_name(k->stage);
        v[2] = only == STAGE_PATH_REGULER        ? path_name(PATH_REGULER)
               : only == STAGE_PATH_SELF_DECLARE ? path_name(PATH_SELF_DECLARE)
                                                 : "both";
        v[3] = stage_code_label_in(k, "id");
        v[4] = stage_code_label_in(k, "en");
        cols_row(&c, v);
    }
    rc = sync_table(s, "status_code_def", "code, stage, paths, label_id, label_en",
                    "code, stage, paths, label_id, label_en", "code",
                    "stage = EXCLUDED.stage, paths = EXCLUDED.paths,"
                    " label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en",
                    &c, err);
    cols_release(&c);
    return rc;
}

static int sync_channels(struct store *s, struct ht_err *err)
{
    struct cols c;
    int rc;

    cols_init(&c, 5);
    for (size_t i = 0; i < channel_count(); i++) {
        const struct channel_def *d = channel_at(i);
        const char *v[5] = {d->channel, path_name(d->path), stage_waits_on_name(d->payer),
                            i18n_gettext_in("id", d->label), d->label};

        cols_row(&c, v);
    }
    rc = sync_table(s, "channel_def", "channel, path, payer, label_id, label_en",
                    "channel, path, payer, label_id, label_en", "channel",
                    "path = EXCLUDED.path, payer = EXCLUDED.payer,"
                    " label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en",
                    &c, err);
    cols_release(&c);
    return rc;
}

static int sync_steps(struct store *s, struct ht_err *err)
{
    struct cols c, l;
    int rc = -1;

    cols_init(&c, 11);
    cols_init(&l, 3);
    for (int st = 0; st < STEP__COUNT; st++) {
        const struct step_def *d = step_def_get((enum ht_step)st);
        char ord[16], ext[16], tk[16];
        const char *v[11] = {d->name,
                             ord,
                             stage_waits_on_name(d->holder),
                             d->paused ? "true" : "false",
                             d->terminal ? "true" : "false",
                             ext,
                             d->takeover != WAITS_NONE ? stage_waits_on_name(d->takeover)
                                                       : NULL,
                             tk,
                             d->law,
                             step_label_in((enum ht_step)st, "id"),
                             step_label_in((enum ht_step)st, "en")};

        snprintf(ord, sizeof(ord), "%d", st);
        snprintf(ext, sizeof(ext), "%d", d->extension_days);
        snprintf(tk, sizeof(tk), "%d", d->takeover_days);
        cols_row(&c, v);
        for (int r = 0; r < SLA__COUNT; r++) {
            /* The limit on a known path; a paused or terminal step has none. */
            int lim = step_limit((enum ht_step)st, PATH_REGULER, (enum sla_rules)r);
            char n[16];
            const char *w[3] = {d->name, sla_rules_name((enum sla_rules)r), n};

            if (lim <= 0)
                continue;
            snprintf(n, sizeof(n), "%d", lim);
            cols_row(&l, w);
        }
    }
    if (sync_table(
            s, "step_def",
            "step, ordinal::int AS ordinal, holder, paused::boolean AS paused,"
            " terminal::boolean AS terminal, extension_days::int AS extension_days,"
            " takeover_holder, takeover_days::int AS takeover_days, law, label_id,"
            " label_en",
            "step, ordinal, holder, paused, terminal, extension_days,"
            " takeover_holder, takeover_days, law, label_id, label_en",
            "step",
            "ordinal = EXCLUDED.ordinal, holder = EXCLUDED.holder,"
            " paused = EXCLUDED.paused, terminal = EXCLUDED.terminal,"
            " extension_days = EXCLUDED.extension_days,"
            " takeover_holder = EXCLUDED.takeover_holder,"
            " takeover_days = EXCLUDED.takeover_days, law = EXCLUDED.law,"
            " label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en",
            &c, err) < 0)
        goto out;
    rc = sync_table(s, "step_limit", "step, rules, limit_days::int AS limit_days",
                    "step, rules, limit_days", "step, rules",
                    "limit_days = EXCLUDED.limit_days", &l, err);
out:
    cols_release(&c);
    cols_release(&l);
    return rc;
}

/* Every built-in code and every stage ('*<stage>') on every channel key, resolved by
 * steps_resolve: the SQL lookup is the C function tabulated. */
static int sync_step_codes(struct store *s, struct ht_err *err)
{
    struct cols c;
    int rc;

    cols_init(&c, 4);
    for (size_t k = 0; k < steps_channel_key_count(); k++) {
        const char *ch = steps_channel_key_at(k);

        for (size_t i = 0; i < stage_code_count(); i++) {
            const struct stage_code *sc = stage_code_at(i);
            struct step_at a;
            const char *v[4];

            a = steps_resolve(ch, sc->code, sc->stage);
            v[0] = ch;
            v[1] = sc->code;
            v[2] = step_name(a.step);
            v[3] = stage_waits_on_name(a.holder);
            cols_row(&c, v);
        }
        for (int st = 0; st < STAGE__COUNT; st++) {
            struct step_at a = steps_resolve_stage(ch, (enum ht_stage)st);
            char key[64];
            const char *v[4] = {ch, key, step_name(a.step),
                                stage_waits_on_name(a.holder)};

            snprintf(key, sizeof(key), "*%s", stage_name((enum ht_stage)st));
            cols_row(&c, v);
        }
    }
    rc = sync_table(s, "step_code", "channel, code, step, holder",
                    "channel, code, step, holder", "channel, code",
                    "step = EXCLUDED.step, holder = EXCLUDED.holder", &c, err);
    cols_release(&c);
    return rc;
}

int store_domain_sync(struct store *s, struct ht_err *err)
{
    if (sync_stages(s, err) < 0 || sync_codes(s, err) < 0 || sync_channels(s, err) < 0 ||
        sync_steps(s, err) < 0 || sync_step_codes(s, err) < 0)
        return -1;
    return 0;
}

/* ---- settings ---- */

int store_settings_load(struct store *s, struct ht_settings *out, struct ht_err *err)
{
    struct store_rows r = {0};
    int rc = 0;

    settings_init(out);
    if (store_query_rows(s, "SELECT key, value FROM setting ORDER BY key", 0, NULL, &r,
                         err) < 0)
        return -1;
    for (int i = 0; i < r.nrows && rc == 0; i++) {
        struct ht_err e = HT_ERR_INIT;

        if (settings_set(out, store_rows_get(&r, i, 0), store_rows_get(&r, i, 1), &e) <
            0) {
            ht_err_set(err, HT_EDB, "table setting: %s", e.msg);
            rc = -1;
        }
    }
    store_rows_release(&r);
    return rc;
}

int store_settings_save(struct store *s, const struct ht_settings *in, struct ht_err *err)
{
    const char *p[3] = {in->office_name, settings_cuti_name(in->cuti_working),
                        sla_rules_name(in->rules)};

    return store_command(s,
                         "INSERT INTO setting (key, value) VALUES ('office_name', $1),"
                         " ('cuti_bersama', $2), ('sla_rules', $3)"
                         " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
                         " WHERE setting.value IS DISTINCT FROM EXCLUDED.value",
                         3, p, NULL, err);
}

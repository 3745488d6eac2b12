/* Stored weekly reports (issue 16) as the roles of `db init-roles` see them: a session
 * reads and stores only its own scope's (the kota's, a kecamatan reader's, a
 * halaltrack-serve request's), the daemon none. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "roles_db.h"
#include "halaltrack/apitoken.h"
#include "halaltrack/settings.h"
#include "halaltrack/store_report.h"
#include "halaltrack/store_serve.h"

static struct store *su;

static void setup(void)
{
    su = rdb_setup("wsnap");
}

TestSuite(weekly_snapshot, .init = setup, .fini = rdb_teardown, .timeout = 60);

/* Stores body as week 2026-W01 (json, en) through the library, as session st. */
static int put(struct store *st, const char *body)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_report w;
    int rc;

    memset(&w, 0, sizeof(w));
    snprintf(w.week, sizeof(w.week), "2026-W01");
    /* the office's name when none is set, as the lookup reads it */
    snprintf(w.office, sizeof(w.office), "%s",
             settings_office_name(&(struct ht_settings){0}));
    snprintf(w.hash, sizeof(w.hash), "%064d", 0);
    w.end = 1767546000;
    w.totals_json = (char *)"{}";
    rc = store_weekly_snapshot_put(st, &w, "json", "en", body, 0, &err);
    cr_assert(rc >= 0, "%s", err.msg);
    return rc;
}

/* The body stored for 2026-W01 that st may read, or NULL. */
static char *get(struct store *st)
{
    struct ht_err err = HT_ERR_INIT;
    struct weekly_snapshot v;
    int rc = store_weekly_snapshot_get(st, "2026-W01", "json", "en", &v, &err);
    char *body;

    cr_assert(rc >= 0, "%s", err.msg);
    if (rc == 0)
        return NULL;
    body = strdup(v.body);
    weekly_snapshot_release(&v);
    return body;
}

static void expect_body(struct store *st, const char *want, const char *who)
{
    char *b = get(st);

    if (!want)
        cr_assert_null(b, "%s read '%s'", who, b);
    else
        cr_assert(b && strcmp(b, want) == 0, "%s read '%s', not '%s'", who,
                  b ? b : "(none)", want);
    free(b);
}

Test(weekly_snapshot, each_scope_reads_and_stores_its_own)
{
    struct store *rep = rdb_login("rep", "report");
    struct store *kec = rdb_login("kec", "report");
    struct store *dmn = rdb_login("dmn", "daemon");
    struct ht_err err = HT_ERR_INIT, err2 = HT_ERR_INIT;
    char *v;

    /* A report login that is also a kecamatan reader is scoped to that kecamatan. */
    rdb_exec(su, "GRANT @_camat_a TO @_kec");
    v = rdb_value(rep, "SELECT weekly_scope_mine()");
    cr_assert_str_eq(v, "kota");
    free(v);
    v = rdb_value(kec, "SELECT weekly_scope_mine()");
    cr_assert_str_eq(v, "kecamatan:35.75.01");
    free(v);

    cr_assert_eq(put(rep, "kota's"), 1);
    cr_assert_eq(put(rep, "again"), 0, "a stored week is kept");
    expect_body(kec, NULL, "the kecamatan before it stored its own");
    cr_assert_eq(put(kec, "kecamatan's"), 1);
    expect_body(rep, "kota's", "the kota");
    expect_body(kec, "kecamatan's", "the kecamatan");
    cr_assert_eq(rdb_long(kec, "SELECT count(*) FROM weekly_snapshot"), 1);
    /* Not even by writing the kota's key by hand. */
    cr_assert(store_exec(kec,
                         "INSERT INTO weekly_snapshot (week, format, lang, scope, office,"
                         " as_of, body, totals, totals_hash) VALUES ('2026-W02', 'json',"
                         " 'en', 'kota', 'x', now(), 'forged', '{}', repeat('0', 64))",
                         &err) < 0,
              "a kecamatan session stored under the kota's scope");
    cr_assert(strstr(err.msg, "row-level security"), "%s", err.msg);
    /* The daemon never reads reports. */
    cr_assert(store_exec(dmn, "SELECT * FROM weekly_snapshot", &err2) < 0);
    cr_assert(strstr(err2.msg, "permission denied"), "%s", err2.msg);
}

/* halaltrack-serve stores and reads under its request's token, and without one (no
 * request scope) stores nothing and reads nothing. */
Test(weekly_snapshot, serve_requests_use_their_tokens_scope)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *rep = rdb_login("rep", "report");
    struct store *sv = rdb_login("sv", "serve");
    struct store_request_scope sc;
    char t[APITOKEN_TEXT], kota[APITOKEN_HASH], kec[APITOKEN_HASH];
    long id;

    cr_assert(apitoken_new(t) == 0 && apitoken_hash(t, kota) == 0);
    cr_assert(store_token_issue(su, "dinas", "kota", NULL, kota, &id, &err) == 0, "%s",
              err.msg);
    cr_assert(apitoken_new(t) == 0 && apitoken_hash(t, kec) == 0);
    cr_assert(store_token_issue(su, "camat", "kecamatan", "35.75.01", kec, &id, &err) ==
                  0,
              "%s", err.msg);
    cr_assert_eq(put(rep, "kota's"), 1);

    expect_body(sv, NULL, "serve without a request");
    cr_assert_eq(put(sv, "nobody's"), 0, "stored without a request scope");

    cr_assert_eq(store_request_begin(sv, kota, &sc, &err), 0, "%s", err.msg);
    expect_body(sv, "kota's", "a kota token");
    cr_assert(store_commit(sv, &err) == 0, "%s", err.msg);

    cr_assert_eq(store_request_begin(sv, kec, &sc, &err), 0, "%s", err.msg);
    expect_body(sv, NULL, "a kecamatan token");
    cr_assert_eq(put(sv, "camat's"), 1);
    cr_assert(store_commit(sv, &err) == 0, "%s", err.msg);
    cr_assert_eq(rdb_long(su,
                          "SELECT count(*) FROM weekly_snapshot"
                          " WHERE scope = 'kecamatan:35.75.01' AND body = 'camat''s'"),
                 1);
    expect_body(rep, "kota's", "the kota after the kecamatan token stored its own");
}

/* MSME self-service in the database, as halaltrack-serve's role sees it (issue 10 items
 * 4, 5 and 6). Each test is named after the item it proves; each failed on main before
 * the service (the old msme_status took the code in SQL, counted inside the caller's
 * transaction, overflowed at 44 failures and kept a cheap hash). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "roles_db.h"
#include "test_util.h"
#include "halaltrack/hash.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/store_selfservice.h"

#define NIB_A "3575010000001"
#define NIB_B "3575020000002"
#define NIB_NONE "3575019999999"
#define KDF "scrypt:1024:8:1" /* cheap for tests; the service's default is slower */

static struct store *su;
static struct selfservice_pepper pepper;
static char *pepper_path;

static void setup(void)
{
    struct ht_err err = HT_ERR_INIT;
    static const char key[] = "test-pepper-0123456789abcdefghijklmnopqrstuvwxyz\n";

    su = rdb_setup("ss");
    rdb_exec(su,
             "INSERT INTO msme (nib, business_name, owner_name, kelurahan_code) VALUES"
             " ('" NIB_A "', 'Keripik Tempe Bu Sri', 'Sri', '35.75.01.1001'),"
             " ('" NIB_B "', 'Warung Pak Slamet', 'Slamet', '35.75.02.1001')");
    rdb_exec(su, "INSERT INTO application (id_reg, nib, msme_id, status_code, stage)"
                 " SELECT 'reg-' || nib, nib, id, 'OF10', 'submitted' FROM msme");
    pepper_path = tu_write_temp(".pepper", key, strlen(key));
    cr_assert(selfservice_pepper_load(&pepper, pepper_path, &err) == 0, "%s", err.msg);
}

static void teardown(void)
{
    selfservice_pepper_clear(&pepper);
    if (pepper_path)
        unlink(pepper_path);
    free(pepper_path);
    rdb_teardown();
}

TestSuite(selfservice, .init = setup, .fini = teardown, .timeout = 120);

/* Gives nib the code under kdf, as `msme issue-code` does. */
static void set_code(const char *nib, const char *code, const char *kdf)
{
    struct ht_err err = HT_ERR_INIT;
    char salt[SELFSERVICE_SALT_HEX], norm[SELFSERVICE_CODE_NORM], proof[SELFSERVICE_HEX],
        ver[SELFSERVICE_HEX];

    cr_assert(selfservice_make_salt(salt) == 0);
    selfservice_normalize(code, norm);
    cr_assert(selfservice_proof(&pepper, norm, salt, kdf, proof, &err) == 0, "%s",
              err.msg);
    cr_assert(selfservice_verifier(proof, ver) == 0);
    cr_assert(store_set_access_code(su, nib, salt, kdf, ver, &err) == 0, "%s", err.msg);
}

/* One lookup as the service does it; on a right code returns the business name it sees
 * (malloc'd) and commits, else NULL. *q gets the STORE_SS_ answer. */
static char *lookup(struct store *sv, const char *nib, const char *code,
                    const char *client, int *q)
{
    struct ht_err err = HT_ERR_INIT;
    int retry = 0;
    char *name = NULL;

    *q = store_ss_lookup(sv, &pepper, KDF, nib, code, client, NULL, &retry, &err);
    cr_assert(*q >= 0, "lookup: %s", err.msg);
    if (*q == STORE_SS_RIGHT) {
        name = rdb_value(sv, "SELECT string_agg(business_name, ',') FROM msme");
        cr_assert(store_commit(sv, &err) == 0, "%s", err.msg);
    }
    return name;
}

static long nib_failures(const char *nib)
{
    char sql[256];

    snprintf(
        sql, sizeof(sql),
        "SELECT coalesce((SELECT failures FROM self_service_attempt WHERE subject_key ="
        " encode(sha256(convert_to('halaltrack-nib:%s', 'UTF8')), 'hex')), 0)",
        nib);
    return rdb_long(su, sql);
}

Test(selfservice, item4_right_code_sees_its_msme_only)
{
    struct store *sv = rdb_login("sv", "serve");
    char *name;
    int q;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    name = lookup(sv, NIB_A, "k7q4m2xp", "192.0.2.1", &q);
    cr_assert_eq(q, STORE_SS_RIGHT);
    cr_assert_str_eq(name, "Keripik Tempe Bu Sri");
    free(name);
    /* The transaction is over: the service's role sees nothing again. */
    cr_assert_eq(rdb_long(sv, "SELECT count(*) FROM msme"), 0);
}

/* A wrong code and an unknown NIB get the same answer; a malformed NIB too. */
Test(selfservice, item4_unknown_nib_and_wrong_code_alike)
{
    struct store *sv = rdb_login("sv", "serve");
    int q1, q2, q3;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    cr_assert_null(lookup(sv, NIB_A, "WRONG-CODE", "192.0.2.1", &q1));
    cr_assert_null(lookup(sv, NIB_NONE, "K7Q4-M2XP", "192.0.2.1", &q2));
    cr_assert_null(lookup(sv, "12'; --", "K7Q4-M2XP", "192.0.2.1", &q3));
    cr_assert(q1 == STORE_SS_WRONG && q2 == STORE_SS_WRONG && q3 == STORE_SS_WRONG);
    /* An MSME without a code, with another MSME's code: nothing. */
    cr_assert_null(lookup(sv, NIB_B, "K7Q4-M2XP", "192.0.2.1", &q1));
    cr_assert_eq(q1, STORE_SS_WRONG);
}

/* The attempt is committed before the answer is computed: a caller that never verifies
 * has still used it up, one that rolls the attempt back has no ticket to verify with;
 * under READ ONLY it fails for right and wrong codes alike (no oracle). */
Test(selfservice, item4_attempt_holds_whatever_the_caller_does)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *sv = rdb_login("sv", "serve");
    struct store_ss_attempt a;
    char *e1, *e2;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    cr_assert(store_ss_begin(sv, NIB_A, "192.0.2.1", KDF, &a, &err) == 0, "%s", err.msg);
    cr_assert_eq(nib_failures(NIB_A), 1, "an attempt never verified still counts");
    /* BEGIN, the attempt, the right proof, ROLLBACK: the proof is not even looked at
     * (the ticket has not committed), so rolling the count back teaches nothing. */
    {
        char sql[512], *ticket, *salt, *ok;
        char norm[SELFSERVICE_CODE_NORM], proof[SELFSERVICE_HEX];

        rdb_exec(sv, "BEGIN");
        ticket = rdb_value(sv, "SELECT ticket FROM self_service_begin('" NIB_A
                               "', 'x', '" KDF "')");
        salt = rdb_value(su, "SELECT salt FROM msme_access_code WHERE nib = '" NIB_A "'");
        selfservice_normalize("K7Q4-M2XP", norm);
        cr_assert(selfservice_proof(&pepper, norm, salt, KDF, proof, &err) == 0);
        snprintf(sql, sizeof(sql),
                 "SELECT self_service_verify('%s', '%s', NULL, NULL, NULL)", ticket,
                 proof);
        ok = rdb_value(sv, sql);
        cr_assert_null(ok, "a ticket of the same transaction was honoured");
        rdb_exec(sv, "ROLLBACK");
        free(ticket);
        free(salt);
    }
    /* READ ONLY: the right and the wrong code fail at the same place, with the same
     * message (the attempt cannot be written), before any code is looked at. */
    rdb_exec(sv, "SET default_transaction_read_only = on");
    ht_err_clear(&err);
    cr_assert(store_exec(sv,
                         "SELECT * FROM self_service_begin('" NIB_A "', 'a', '" KDF "')",
                         &err) < 0);
    e1 = strdup(err.msg);
    ht_err_clear(&err);
    cr_assert(
        store_exec(sv, "SELECT * FROM self_service_begin('" NIB_NONE "', 'a', '" KDF "')",
                   &err) < 0);
    e2 = strdup(err.msg);
    cr_assert(strstr(e1, "read-only"), "%s", e1);
    cr_assert_str_eq(e1, e2);
    free(e1);
    free(e2);
    rdb_exec(sv, "SET default_transaction_read_only = off");
    /* A ticket is good once: a verified one cannot be replayed. */
    rdb_exec(sv, "BEGIN");
    cr_assert_eq(store_ss_verify(sv, a.ticket, "00", NULL, NULL, NULL, &err), 1);
    rdb_exec(sv, "COMMIT");
    rdb_exec(sv, "BEGIN");
    cr_assert_eq(store_ss_verify(sv, a.ticket, "00", NULL, NULL, NULL, &err), 1);
    rdb_exec(sv, "COMMIT");
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM self_service_ticket"), 0);
    cr_assert_eq(nib_failures(NIB_A), 1);
}

struct guess {
    int i;
    int q;
    pthread_barrier_t *go;
};

static void *guess_thread(void *arg)
{
    struct guess *g = arg;
    struct ht_err err = HT_ERR_INIT;
    char ci[160], client[32];
    struct store *st;
    int retry;

    snprintf(ci, sizeof(ci), "dbname=%s user=%s_sv", rdb_name(), rdb_name());
    st = store_open(ci, "halaltrack", 0, &err);
    snprintf(client, sizeof(client), "198.51.100.%d", g->i + 1);
    pthread_barrier_wait(g->go);
    g->q = st ? store_ss_lookup(st, &pepper, KDF, NIB_A, "WRONG-GUESS", client, NULL,
                                &retry, &err)
              : -1;
    store_free(st);
    return NULL;
}

/* Parallel wrong guesses from many addresses share no count: of 16 at once, exactly 5
 * (the NIB's free failures) are looked at, 11 are refused, and every one is counted. */
Test(selfservice, item4_parallel_guesses_hold_exactly)
{
    enum { N = 16 };
    pthread_t t[N];
    struct guess g[N];
    pthread_barrier_t go;
    int wrong = 0, throttled = 0;

    rdb_login("sv", "serve");
    set_code(NIB_A, "K7Q4-M2XP", KDF);
    pthread_barrier_init(&go, NULL, N);
    for (int i = 0; i < N; i++) {
        g[i] = (struct guess){i, -9, &go};
        cr_assert(pthread_create(&t[i], NULL, guess_thread, &g[i]) == 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < N; i++) {
        cr_assert(g[i].q == STORE_SS_WRONG || g[i].q == STORE_SS_THROTTLED,
                  "guess %d answered %d", i, g[i].q);
        wrong += g[i].q == STORE_SS_WRONG;
        throttled += g[i].q == STORE_SS_THROTTLED;
    }
    cr_assert_eq(wrong, 5, "wrong %d throttled %d failures %ld", wrong, throttled,
                 nib_failures(NIB_A));
    cr_assert_eq(throttled, N - 5);
    cr_assert_eq(nib_failures(NIB_A), 5);
    cr_assert_eq(
        rdb_long(su, "SELECT attempts FROM self_service_attempt WHERE kind = 'nib'"), N);
    cr_assert_eq(
        rdb_long(su, "SELECT blocked FROM self_service_attempt WHERE kind = 'nib'"),
        N - 5);
}

/* Only the service's role runs the lookup: kiosk logins (the old self-service role) and
 * every other role are refused, and nobody but the owner reads the codes. */
Test(selfservice, item4_only_the_service_role_executes)
{
    struct ht_err err = HT_ERR_INIT;
    const char *who[][2] = {{"kiosk", "self_service"},
                            {"d", "daemon"},
                            {"rep", "report"},
                            {"graf", "reader"},
                            {"off", "camat_a"}};

    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        struct store *st = rdb_login(who[i][0], who[i][1]);

        ht_err_clear(&err);
        cr_assert(store_exec(st,
                             "SELECT * FROM halaltrack.self_service_begin('" NIB_A
                             "', 'x', '" KDF "')",
                             &err) < 0,
                  "%s may run the lookup", who[i][1]);
        cr_assert(strstr(err.msg, "permission denied"), "%s", err.msg);
        ht_err_clear(&err);
        cr_assert(store_exec(st, "SELECT * FROM halaltrack.msme_access_code", &err) < 0,
                  "%s reads the codes", who[i][1]);
        ht_err_clear(&err);
        cr_assert(store_exec(st, "SELECT * FROM halaltrack.self_service_attempt", &err) <
                  0);
    }
    ht_err_clear(&err);
    cr_assert(
        store_exec(rdb_login("sv", "serve"), "SELECT * FROM msme_access_code", &err) < 0);
}

/* The old back-off overflowed an interval at 44 failures and locked the NIB out for
 * ever, right code included. Now any count waits at most the ceiling (15 minutes). */
Test(selfservice, item5_backoff_clamped_never_overflows)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *sv = rdb_login("sv", "serve");
    struct store_ss_attempt a;
    char *name;
    int q;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    for (int i = 0; i < 5; i++)
        cr_assert_null(lookup(sv, NIB_A, "WRONG", "192.0.2.9", &q));
    rdb_exec(su, "UPDATE self_service_attempt SET failures = 1000000,"
                 " last_failure_at = clock_timestamp() - interval '1 minute'"
                 " WHERE kind = 'nib'");
    q = store_ss_begin(sv, NIB_A, "192.0.2.10", KDF, &a, &err);
    cr_assert_eq(q, 1, "%s", err.msg);
    cr_assert(a.retry_after > 800 && a.retry_after <= 900, "retry_after %d",
              a.retry_after);
    /* Past the ceiling the right code works, and clears the count. */
    rdb_exec(su, "UPDATE self_service_attempt SET last_failure_at = clock_timestamp()"
                 " - interval '16 minutes' WHERE kind = 'nib'");
    name = lookup(sv, NIB_A, "K7Q4-M2XP", "192.0.2.11", &q);
    cr_assert_eq(q, STORE_SS_RIGHT);
    free(name);
    cr_assert_eq(nib_failures(NIB_A), 0);
}

/* Failures decay: one is forgiven per hour without a new one (per 5 minutes for an
 * address), so an old streak stops costing anything. */
Test(selfservice, item5_failures_decay)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *sv = rdb_login("sv", "serve");
    struct store_ss_attempt a;
    int q;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    for (int i = 0; i < 5; i++)
        cr_assert_null(lookup(sv, NIB_A, "WRONG", "192.0.2.20", &q));
    cr_assert_eq(store_ss_begin(sv, NIB_A, "192.0.2.21", KDF, &a, &err), 1);
    /* Two hours later two failures are forgiven: 3 < 5, no wait, and the new failure
     * makes 4, not 6. */
    rdb_exec(su, "UPDATE self_service_attempt SET last_failure_at = last_failure_at"
                 " - interval '2 hours 1 minute' WHERE kind = 'nib'");
    cr_assert_null(lookup(sv, NIB_A, "WRONG", "192.0.2.22", &q));
    cr_assert_eq(q, STORE_SS_WRONG);
    cr_assert_eq(nib_failures(NIB_A), 4);
}

/* Issuing a new code lifts the NIB's slow-down at once. */
Test(selfservice, item5_issue_code_resets_the_throttle)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *sv = rdb_login("sv", "serve");
    struct store_ss_attempt a;
    char *name;
    int q;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    for (int i = 0; i < 6; i++)
        cr_assert_null(lookup(sv, NIB_A, "WRONG", "192.0.2.30", &q));
    cr_assert_eq(store_ss_begin(sv, NIB_A, "192.0.2.31", KDF, &a, &err), 1);
    set_code(NIB_A, "NEWC-ODE2", KDF);
    cr_assert_eq(nib_failures(NIB_A), 0);
    name = lookup(sv, NIB_A, "NEWC-ODE2", "192.0.2.32", &q);
    cr_assert_eq(q, STORE_SS_RIGHT);
    cr_assert_str_eq(name, "Keripik Tempe Bu Sri");
    free(name);
    /* The old code is dead. */
    cr_assert_null(lookup(sv, NIB_A, "K7Q4-M2XP", "192.0.2.33", &q));
}

/* Rows for NIBs nobody has (or addresses long gone) do not pile up: once every failure
 * is forgiven and a day passed without an attempt, the row goes. */
Test(selfservice, item5_attempt_rows_expire)
{
    struct store *sv = rdb_login("sv", "serve");
    int q;

    for (int i = 0; i < 50; i++) {
        char nib[16];

        snprintf(nib, sizeof(nib), "35750199%05d", i);
        cr_assert_null(lookup(sv, nib, "X", "192.0.2.40", &q));
    }
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM self_service_attempt"), 51);
    /* Two days later: every NIB row decayed (1 failure, 1 h each); the address row holds
     * 50 failures (5 minutes each: 250 minutes), long decayed too. */
    rdb_exec(su,
             "UPDATE self_service_attempt SET last_attempt_at = last_attempt_at -"
             " interval '2 days', last_failure_at = last_failure_at - interval '2 days'");
    cr_assert_null(lookup(sv, NIB_NONE, "X", "192.0.2.41", &q));
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM self_service_attempt"), 2,
                 "only the new attempt's two rows stay");
    /* A row whose failures have not decayed stays however old its last attempt. */
    rdb_exec(su, "UPDATE self_service_attempt SET failures = 1000,"
                 " last_attempt_at = now() - interval '3 days',"
                 " last_failure_at = now() - interval '3 days'");
    cr_assert_null(lookup(sv, NIB_B, "X", "192.0.2.42", &q));
    cr_assert_eq(rdb_long(su, "SELECT count(*) FROM self_service_attempt"), 4);
}

/* Codes are kept as a keyed slow hash: scrypt of an HMAC under the pepper, which the
 * database never sees; the same code under another pepper does not match. */
Test(selfservice, item6_code_hash_is_keyed_and_slow)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *sv = rdb_login("sv", "serve");
    struct selfservice_pepper other = pepper;
    char sha[HASH_SHA256_HEX], sql[256];
    char *v;
    int retry, q;

    set_code(NIB_A, "K7Q4-M2XP", KDF);
    v = rdb_value(su, "SELECT kdf FROM msme_access_code WHERE nib = '" NIB_A "'");
    cr_assert_str_eq(v, KDF);
    free(v);
    /* Not the old SHA-256 of salt:code, and no trace of the code or the pepper. */
    v = rdb_value(su, "SELECT salt || ':K7Q4M2XP' FROM msme_access_code");
    cr_assert(hash_sha256_hex(v, strlen(v), sha) == 0);
    free(v);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM msme_access_code WHERE verifier = '%s'"
             " OR (salt || kdf || verifier) ~* 'K7Q4|test-pepper'",
             sha);
    cr_assert_eq(rdb_long(su, sql), 0);
    other.key[0] ^= 1;
    q = store_ss_lookup(sv, &other, KDF, NIB_A, "K7Q4-M2XP", "192.0.2.50", NULL, &retry,
                        &err);
    cr_assert_eq(q, STORE_SS_WRONG, "a code matched under another pepper");
    selfservice_pepper_clear(&other);
}

/* Codes issued before keep working: the service computes the old SHA-256 in C, and the
 * first lookup that proves the code replaces it with the keyed slow hash. */
Test(selfservice, item6_old_sha256_codes_work_until_rehashed)
{
    struct store *sv = rdb_login("sv", "serve");
    char *name, *v;
    int q;

    rdb_exec(su,
             "INSERT INTO msme_access_code (nib, salt, kdf, verifier) VALUES ('" NIB_A
             "', 'aabb', 'sha256', encode(sha256(convert_to('aabb:OLDC0DE9', 'UTF8')),"
             " 'hex'))");
    cr_assert_null(lookup(sv, NIB_A, "OLDC-0DE8", "192.0.2.60", &q));
    name = lookup(sv, NIB_A, "oldc-0de9", "192.0.2.61", &q);
    cr_assert_eq(q, STORE_SS_RIGHT);
    cr_assert_str_eq(name, "Keripik Tempe Bu Sri");
    free(name);
    v = rdb_value(su, "SELECT kdf FROM msme_access_code WHERE nib = '" NIB_A "'");
    cr_assert_str_eq(v, KDF);
    free(v);
    name = lookup(sv, NIB_A, "OLDC-0DE9", "192.0.2.62", &q);
    cr_assert_eq(q, STORE_SS_RIGHT, "the re-hashed code stopped working");
    free(name);
}

/* `halaltrack msme issue-code` prints a code that works, stores no trace of it, and a new
 * one replaces it; the slip names the code, the page and the business. */
Test(selfservice, item6_issue_code_cli)
{
    char conf[512], cfg_env[600], db_arg[128], code[16] = "";
    const char *argv[] = {
        tu_bin("cli/halaltrack"), "-d", db_arg, "msme", "issue-code", NIB_B, NULL, NULL};
    const char *env[] = {cfg_env, NULL};
    struct store *sv = rdb_login("sv", "serve");
    struct tu_result r;
    char *cfg, *name;
    const char *p;
    int q;

    snprintf(db_arg, sizeof(db_arg), "dbname=%s", rdb_name());
    snprintf(conf, sizeof(conf),
             "[self_service]\npepper_file = %s\nkdf = " KDF
             "\npublic_url = https://halal.example.go.id/cek\n",
             pepper_path);
    cfg = tu_write_temp(".conf", conf, strlen(conf));
    snprintf(cfg_env, sizeof(cfg_env), "HALALTRACK_SERVE_CONFIG=%s", cfg);
    r = tu_run(argv, env, NULL, 60);
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    p = strstr(r.out, ": ");
    cr_assert(p && sscanf(p + 2, "%15s", code) == 1, "no code in: %s", r.out);
    cr_assert_eq(strlen(code), 9);
    tu_result_release(&r);
    name = lookup(sv, NIB_B, code, "192.0.2.70", &q);
    cr_assert_eq(q, STORE_SS_RIGHT, "the printed code does not work");
    cr_assert_str_eq(name, "Warung Pak Slamet");
    free(name);
    /* The slip: a new code, the page's address, the business. */
    argv[6] = "--slip";
    r = tu_run(argv, env, NULL, 60);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "https://halal.example.go.id/cek"), "%s", r.out);
    cr_assert(strstr(r.out, "Warung Pak Slamet"), "%s", r.out);
    cr_assert(!strstr(r.out, code), "the slip repeats the old code");
    tu_result_release(&r);
    cr_assert_null(lookup(sv, NIB_B, code, "192.0.2.71", &q), "the old code still works");
    /* Unknown and malformed NIBs. */
    argv[5] = NIB_NONE;
    argv[6] = NULL;
    r = tu_run(argv, env, NULL, 60);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "not in the register"), "%s", r.err);
    tu_result_release(&r);
    argv[5] = "12345";
    r = tu_run(argv, env, NULL, 60);
    cr_assert_eq(r.status, 2);
    tu_result_release(&r);
    unlink(cfg);
    free(cfg);
}

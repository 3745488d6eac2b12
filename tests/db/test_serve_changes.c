/* The change feed (issue 15): a cursor never misses or repeats an entry, also when
 * writers commit out of the order they wrote in (where "bigserial id > cursor" misses).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pg_test.h"
#include "halaltrack/store_serve.h"

static struct store *s;

static void setup(void)
{
    s = pgt_open();
    pgt_exec("INSERT INTO msme (nib, business_name, kelurahan_code)"
             " VALUES ('3575010000001', 'A', '35.75.01.1001')");
    pgt_exec("INSERT INTO application (id_reg, nib, msme_id, status_code, stage)"
             " SELECT 'reg-' || g, '3575010000001', (SELECT id FROM msme), 'OF10',"
             " 'submitted' FROM generate_series(1, 8) g");
}

TestSuite(changes, .init = setup, .fini = pgt_close, .timeout = 120);

static struct store *session(void)
{
    struct ht_err err = HT_ERR_INIT;
    struct store *st = store_open(NULL, pgt_schema(), 0, &err);

    cr_assert(st, "%s", err.msg);
    return st;
}

static void run(struct store *st, const char *sql)
{
    struct ht_err err = HT_ERR_INIT;

    cr_assert(store_exec(st, sql, &err) == 0, "%s\n%s", err.msg, sql);
}

/* Reads the feed after *cursor; appends the entries' (kind, ref) to seen. */
static void drain(long long *cursor, char *seen, size_t cap)
{
    struct ht_err err = HT_ERR_INIT;
    struct store_rows r = {0};

    for (;;) {
        cr_assert(store_changes(s, *cursor, 7, &r, &err) == 0, "%s", err.msg);
        for (int i = 0; i < r.nrows; i++) {
            long long seq = strtoll(store_rows_get(&r, i, 0), NULL, 10);
            size_t n = strlen(seen);

            cr_assert(seq > *cursor, "seq %lld after cursor %lld", seq, *cursor);
            *cursor = seq;
            snprintf(seen + n, cap - n, "%s:%s:%s ", store_rows_get(&r, i, 1),
                     store_rows_get(&r, i, 4),
                     store_rows_get(&r, i, 17) ? store_rows_get(&r, i, 17) : "-");
        }
        int more = r.nrows == 7;
        store_rows_release(&r);
        if (!more)
            break;
    }
}

/* Two writers: A writes first and commits last. A reader of stage_event ids misses A's
 * event; the feed's cursor sees both, each once. */
Test(changes, out_of_order_commits_are_not_missed)
{
    struct store *a = session(), *b = session();
    char seen[4096] = "";
    long long cursor = 0, naive;
    long n;

    pgt_exec("DELETE FROM change_log");
    run(a, "BEGIN");
    run(a, "INSERT INTO stage_event (application_id, status_code, stage, at)"
           " SELECT id, 'OF11', 'verification', now() FROM application WHERE id_reg = "
           "'reg-1'");
    run(b, "INSERT INTO stage_event (application_id, status_code, stage, at)"
           " SELECT id, 'OF11', 'verification', now() FROM application WHERE id_reg = "
           "'reg-2'");
    /* The naive reader and the feed, both after B's commit. */
    naive = pgt_long("SELECT max(id) FROM stage_event");
    drain(&cursor, seen, sizeof(seen));
    run(a, "COMMIT");
    n = pgt_long("SELECT count(*) FROM stage_event WHERE id > (SELECT max(id) FROM"
                 " stage_event) - 2 AND id > 0");
    cr_assert_eq(n, 2);
    {
        char sql[128];

        snprintf(sql, sizeof(sql), "SELECT count(*) FROM stage_event WHERE id > %lld",
                 naive);
        cr_assert_eq(pgt_long(sql), 0, "A's event has a higher id than B's?");
    }
    /* "id > cursor" never sees A's event; the feed does, after B's. */
    drain(&cursor, seen, sizeof(seen));
    cr_assert_eq(strlen(seen) > 0, 1);
    cr_assert(strstr(seen, "stage_event:reg-2:OF11 stage_event:reg-1:OF11"),
              "feed order: %s", seen);
    store_free(a);
    store_free(b);
}

struct writer {
    int id, rounds;
};

static void *write_thread(void *arg)
{
    struct writer *w = arg;
    struct store *st = session();
    char sql[512];

    for (int i = 0; i < w->rounds; i++) {
        /* Each transaction writes an event, may sleep while holding it, then commits: the
         * commits interleave in every order. */
        snprintf(sql, sizeof(sql),
                 "BEGIN; INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " SELECT id, 'OF%d', 'verification', now() - interval '%d minutes'"
                 " FROM application WHERE id_reg = 'reg-%d';"
                 " SELECT pg_sleep(random() * 0.02); COMMIT",
                 11 + i % 5, w->id * 1000 + i, 1 + w->id);
        run(st, sql);
    }
    store_free(st);
    return NULL;
}

/* Six writers, 40 transactions each, while a reader pages through the feed seven entries
 * at a time: every event is read exactly once, in strictly increasing cursor order. */
Test(changes, concurrent_writers_every_entry_exactly_once)
{
    enum { W = 6, R = 40 };
    pthread_t t[W];
    struct writer w[W];
    static char seen[W * R * 48 + 4096];
    long long cursor;
    char *p;
    long want, got = 0;

    pgt_exec("DELETE FROM change_log");
    cursor = pgt_long("SELECT coalesce(max(seq), 0) FROM change_log");
    seen[0] = '\0';
    for (int i = 0; i < W; i++) {
        w[i] = (struct writer){i, R};
        cr_assert(pthread_create(&t[i], NULL, write_thread, &w[i]) == 0);
    }
    for (int k = 0; k < 200; k++) {
        drain(&cursor, seen, sizeof(seen));
        usleep(5000);
    }
    for (int i = 0; i < W; i++)
        pthread_join(t[i], NULL);
    drain(&cursor, seen, sizeof(seen));
    want = pgt_long("SELECT count(*) FROM change_log WHERE kind = 'stage_event'");
    cr_assert_eq(want, W * R);
    for (p = seen; (p = strstr(p, "stage_event:")); p++)
        got++;
    cr_assert_eq(got, want, "read %ld entries of %ld", got, want);
    /* Numbers without gaps, in commit order: 1..N for this test's rows. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM change_log"), W * R);
    cr_assert_eq(pgt_long("SELECT max(seq) - min(seq) + 1 FROM change_log"), W * R);
    cr_assert_eq(pgt_long("SELECT count(*) FROM change_log WHERE seq IS NULL"), 0);
}

/* What the daemon does all day (observed_at, leases) makes no entry; a change a reader
 * sees does. */
Test(changes, bookkeeping_updates_make_no_entry)
{
    pgt_exec("DELETE FROM change_log");
    pgt_exec("UPDATE application SET observed_at = now(), next_poll_at = now(),"
             " lease_owner = 'd1', lease_until = now(), detail_needed = false");
    cr_assert_eq(pgt_long("SELECT count(*) FROM change_log"), 0);
    pgt_exec("UPDATE application SET status_code = 'OF11', stage = 'verification'"
             " WHERE id_reg = 'reg-3'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM change_log WHERE op = 'update'"), 1);
}

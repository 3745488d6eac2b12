/* Unit tests of the one apply of a reconciled detail (sync_apply.h), with a recording
 * fake sink in place of the store batch: what it writes is what both the detail fetch
 * and quarantine replay write. No network, no database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/sync_apply.h"

TestSuite(sync_apply);

#define T0 1777680000

/* Every write, one line each. */
struct fake {
    char log[4096];
    int fail_at; /* the n-th write fails (0: none) */
    int writes;
};

static int rec(struct fake *f, const char *line)
{
    if (++f->writes == f->fail_at)
        return -1;
    strncat(f->log, line, sizeof(f->log) - strlen(f->log) - 1);
    return 0;
}

static int f_event(void *ctx, int64_t app, const char *code, const char *stage,
                   int64_t at, const char *actor, const char *comment)
{
    char l[256];
    snprintf(l, sizeof(l), "event %lld %s %s %lld %s %s\n", (long long)app, code, stage,
             (long long)(at - T0), actor ? actor : "-", comment ? comment : "-");
    return rec(ctx, l);
}

static int f_move(void *ctx, int64_t app, const char *code, const char *stage, int64_t at)
{
    char l[256];
    snprintf(l, sizeof(l), "move %lld %s %s %lld\n", (long long)app, code, stage,
             (long long)(at - T0));
    return rec(ctx, l);
}

static int f_cert(void *ctx, int64_t app, const char *no, const char *date)
{
    char l[256];
    snprintf(l, sizeof(l), "cert %lld %s %s\n", (long long)app, no, date);
    return rec(ctx, l);
}

static int f_done(void *ctx, const struct store_done *d)
{
    char l[256];
    snprintf(l, sizeof(l), "done %lld %ld %s %s %s %s %s%s\n", (long long)d->app_id,
             d->next_s, d->fp ? d->fp : "-", d->nib ? d->nib : "-",
             d->no_daftar ? d->no_daftar : "-", d->channel_id ? d->channel_id : "-",
             d->path ? d->path : "-", d->replace ? " replace" : "");
    return rec(ctx, l);
}

static struct apply_sink sink_of(struct fake *f)
{
    struct apply_sink s = {f, f_event, f_move, f_cert, f_done};
    return s;
}

static long poll[STAGE__COUNT];

static void polls(void)
{
    for (int i = 0; i < STAGE__COUNT; i++)
        poll[i] = 1000 + i;
}

static struct api_event ev(const char *code, int64_t at)
{
    struct api_event e = {0};
    e.status = (char *)code;
    e.at = at;
    return e;
}

/* A certified application reconciled for the first time: every event, the move to the
 * latest, the certificate and the done write, in that order. The done write carries the
 * move and the certificate into the same row update (see store_batch_done), which is
 * why replay, sharing this function, now sets stage_since and the certificate too. */
Test(sync_apply, first_apply_writes_events_move_certificate_and_done)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF100", T0 + 60), ev("OF300", T0 + 120)};
    struct api_detail d = {0};
    struct store_claim t = {0};
    struct fake f = {0};
    struct apply_sink s = sink_of(&f);
    char why[256];

    polls();
    d.id_reg = "R1";
    d.nib = "1234567890123";
    d.no_daftar = "SH2026-2-0100001";
    d.channel_id = "CH003";
    d.cert_no = "ID35751450665641026";
    d.cert_date = "2026-10-20";
    d.events = e;
    d.nevents = 3;
    t.id = 7;
    t.id_reg = "R1";
    t.fingerprint = "fp1";
    cr_assert(eq(int, sync_apply_detail(&s, &t, &d, NULL, poll, "reguler", why), 0));
    cr_assert(eq(str, f.log,
                 "event 7 OF10 submitted 0 - -\n"
                 "event 7 OF100 fatwa 60 - -\n"
                 "event 7 OF300 certified 120 - -\n"
                 "move 7 OF300 certified 120\n"
                 "cert 7 ID35751450665641026 2026-10-20\n"
                 "done 7 1009 fp1 1234567890123 SH2026-2-0100001 CH003 reguler\n"));
}

/* An older answer than what is stored: its events are still written (idempotent), the
 * stage does not move, and the next poll follows the stored stage. */
Test(sync_apply, stale_answer_writes_events_but_no_move)
{
    struct api_event e[] = {ev("OF10", T0)};
    struct api_detail d = {0};
    struct store_claim t = {0};
    struct fake f = {0};
    struct apply_sink s = sink_of(&f);
    char why[256];

    polls();
    d.id_reg = "R1";
    d.events = e;
    d.nevents = 1;
    t.id = 3;
    t.id_reg = "R1";
    t.status_code = "OF74";
    t.has_stage_since = 1;
    t.stage_since = T0 + 500;
    cr_assert(eq(int, sync_apply_detail(&s, &t, &d, NULL, poll, "reguler", why), 0));
    cr_assert(eq(str, f.log,
                 "event 3 OF10 submitted 0 - -\n"
                 "done 3 1007 - - - - reguler\n"));
}

/* An unmapped code: nothing is written and the reason says why (to quarantine). */
Test(sync_apply, unknown_code_writes_nothing)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF130", T0 + 5)};
    struct api_detail d = {0};
    struct store_claim t = {0};
    struct fake f = {0};
    struct apply_sink s = sink_of(&f);
    char why[256];

    polls();
    d.id_reg = "R1";
    d.events = e;
    d.nevents = 2;
    t.id_reg = "R1";
    cr_assert(eq(int, sync_apply_detail(&s, &t, &d, NULL, poll, "reguler", why), 1));
    cr_assert(eq(str, f.log, ""));
    cr_assert(eq(str, why, "unknown status code 'OF130'"));
}

/* A sink that cannot take a write makes the apply fail (the caller aborts the batch). */
Test(sync_apply, sink_failure_is_reported)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF11", T0 + 5)};
    struct api_detail d = {0};
    struct store_claim t = {0};
    struct fake f = {0};
    struct apply_sink s = sink_of(&f);
    char why[256];

    polls();
    f.fail_at = 3; /* the move */
    d.id_reg = "R1";
    d.events = e;
    d.nevents = 2;
    t.id_reg = "R1";
    cr_assert(eq(int, sync_apply_detail(&s, &t, &d, NULL, poll, "reguler", why), -1));
}

/* Issue 12: an application whose history was observed (its detail was refused) and is
 * readable now: upstream tracking replaces the observed events, and the stage moves to
 * upstream's latest entry even though the observed stage_since is later. */
Test(sync_apply, readable_again_replaces_observed_history)
{
    struct api_event e[] = {ev("OF10", T0), ev("OF71", T0 + 60)};
    struct api_detail d = {0};
    struct store_claim t = {0};
    struct fake f = {0};
    struct apply_sink s = sink_of(&f);
    char why[256];

    polls();
    d.id_reg = "R1";
    d.events = e;
    d.nevents = 2;
    t.id = 9;
    t.id_reg = "R1";
    t.status_code = "OF71";
    t.has_stage_since = 1;
    t.stage_since = T0 + 90000; /* observed at the next sweep, a day later */
    t.observed = 1;
    cr_assert(eq(int, sync_apply_detail(&s, &t, &d, NULL, poll, "self_declare", why), 0));
    cr_assert(eq(str, f.log,
                 "event 9 OF10 submitted 0 - -\n"
                 "event 9 OF71 pph_verification 60 - -\n"
                 "move 9 OF71 pph_verification 60\n"
                 "done 9 1006 - - - - self_declare replace\n"));
}

/* The detail path of an application: the one that answered last, else its channel, else
 * what its list row's jenis_daftar or its programme's jenis names, else reguler. */
Test(sync_apply, detail_path_follows_what_is_known)
{
    struct store_claim c;

    memset(&c, 0, sizeof(c));
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_REGULER));
    c.jenis_daftar = "Self Declare";
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_SELF_DECLARE));
    c.jenis_daftar = "JD.1"; /* names no path: the programme's jenis decides */
    c.programme_jenis = "SEHATI pendampingan";
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_SELF_DECLARE));
    c.programme_jenis = "Reguler";
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_REGULER));
    c.channel_id = "CH004";
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_SELF_DECLARE));
    c.channel_id = "CH002";
    c.jenis_daftar = "Self Declare";
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_REGULER));
    c.detail_path = "self_declare"; /* it answered there last time */
    cr_assert(eq(int, sync_detail_path(&c), API_DETAIL_SELF_DECLARE));
}

/* A batch claims database.batch_size applications, but never more than ten seconds of
 * requests at api.rate (and at least one). */
Test(sync_apply, batch_limit_is_ten_seconds_of_requests_at_most)
{
    cr_assert(eq(long, sync_batch_limit(1000, 1000000), 1000));
    cr_assert(eq(long, sync_batch_limit(1000, 20), 200));
    cr_assert(eq(long, sync_batch_limit(50, 500), 50));
    cr_assert(eq(long, sync_batch_limit(200, 2.5), 25));
    cr_assert(eq(long, sync_batch_limit(200, 0.01), 1));
}

/* The one apply of a reconcile plan, shared by the detail fetch and quarantine replay. */
#include <stdio.h>
#include "halaltrack/reconcile.h"
#include "halaltrack/sync_apply.h"
#include "halaltrack/banned.h"

static int b_event(void *ctx, int64_t app, const char *code, const char *stage,
                   int64_t at, const char *actor, const char *comment)
{
    return store_batch_event(ctx, app, code, stage, at, actor, comment);
}

static int b_move(void *ctx, int64_t app, const char *code, const char *stage, int64_t at)
{
    return store_batch_move(ctx, app, code, stage, at);
}

static int b_cert(void *ctx, int64_t app, const char *no, const char *date)
{
    return store_batch_cert(ctx, app, no, date);
}

static int b_done(void *ctx, int64_t app, long next_s, const char *fp, const char *nib,
                  const char *no_daftar, const char *channel_id)
{
    return store_batch_done(ctx, app, next_s, fp, nib, no_daftar, channel_id);
}

struct apply_sink apply_sink_batch(struct store_batch *b)
{
    struct apply_sink s = {b, b_event, b_move, b_cert, b_done};
    return s;
}

long sync_poll_secs(const long stage_poll[STAGE__COUNT], enum ht_stage st)
{
    if (st < 0 || st >= STAGE__COUNT || st == STAGE_NOT_APPLIED)
        st = STAGE_UNKNOWN;
    return stage_poll[st];
}

int sync_apply_detail(const struct apply_sink *sink, const struct store_claim *t,
                      const struct api_detail *d, const long stage_poll[STAGE__COUNT],
                      char reason[static 256])
{
    struct reconcile_stored stored = {t->id_reg, t->status_code, t->stage_since,
                                      t->has_stage_since};
    struct reconcile_plan p;
    enum ht_stage now_stage;
    int rc = -1;

    reason[0] = '\0';
    if (reconcile_plan_build(&stored, d, &p) < 0)
        return -1;
    if (p.action == RECONCILE_QUARANTINE) {
        snprintf(reason, 256, "%s", p.reason);
        reconcile_plan_release(&p);
        return 1;
    }
    for (size_t i = 0; i < p.nev; i++) {
        const struct api_event *e = &d->events[p.ev[i]];
        if (sink->event(sink->ctx, t->id, e->status, stage_name(p.ev_stage[i]), e->at,
                        e->username, e->comment) < 0)
            goto out;
    }
    if (p.move && sink->move(sink->ctx, t->id, d->events[p.latest].status,
                             stage_name(p.new_stage), d->events[p.latest].at) < 0)
        goto out;
    if (p.certificate && sink->cert(sink->ctx, t->id, d->cert_no, d->cert_date) < 0)
        goto out;
    now_stage = p.move ? p.new_stage
                       : (t->status_code ? stage_of_code(t->status_code) : STAGE_UNKNOWN);
    if (sink->done(sink->ctx, t->id, sync_poll_secs(stage_poll, now_stage),
                   t->fingerprint, d->nib, d->no_daftar, d->channel_id) < 0)
        goto out;
    rc = 0;
out:
    reconcile_plan_release(&p);
    return rc;
}

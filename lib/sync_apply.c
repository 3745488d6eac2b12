/* The one apply of a reconcile plan, shared by the detail fetch and quarantine replay. */
#include <stdio.h>
#include <string.h>
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

static int b_done(void *ctx, const struct store_done *d)
{
    return store_batch_done(ctx, d);
}

struct apply_sink apply_sink_batch(struct store_batch *b)
{
    struct apply_sink s = {b, b_event, b_move, b_cert, b_done};
    return s;
}

/* 1 when s names the self-declare path, 0 the reguler one, -1 neither. */
static int names_path(const char *s)
{
    static const char *const self[] = {"self", "sehati", "pernyataan"};
    char low[128];
    size_t n;

    if (!s)
        return -1;
    for (n = 0; s[n] && n + 1 < sizeof(low); n++)
        low[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] + 32 : s[n]);
    low[n] = '\0';
    for (size_t i = 0; i < HT_ARRAY_LEN(self); i++)
        if (strstr(low, self[i]))
            return 1;
    return strstr(low, "reguler") || strstr(low, "regular") ? 0 : -1;
}

enum api_path sync_detail_path(const struct store_claim *c)
{
    int sd;

    if (c->detail_path)
        return strcmp(c->detail_path, "self_declare") == 0 ? API_DETAIL_SELF_DECLARE
                                                           : API_DETAIL_REGULER;
    if (c->channel_id &&
        (!strcmp(c->channel_id, "CH003") || !strcmp(c->channel_id, "CH004")))
        return API_DETAIL_SELF_DECLARE;
    if (c->channel_id &&
        (!strcmp(c->channel_id, "CH001") || !strcmp(c->channel_id, "CH002")))
        return API_DETAIL_REGULER;
    if ((sd = names_path(c->jenis_daftar)) < 0)
        sd = names_path(c->programme_jenis);
    return sd == 1 ? API_DETAIL_SELF_DECLARE : API_DETAIL_REGULER;
}

long sync_batch_limit(long batch_size, double rate)
{
    double cap = rate * SYNC_BATCH_HOLD_S;

    return cap < 1 ? 1 : cap < (double)batch_size ? (long)cap : batch_size;
}

long sync_poll_secs(const long stage_poll[STAGE__COUNT], enum ht_stage st)
{
    if (st < 0 || st >= STAGE__COUNT || st == STAGE_NOT_APPLIED)
        st = STAGE_UNKNOWN;
    return stage_poll[st];
}

int sync_apply_detail(const struct apply_sink *sink, const struct store_claim *t,
                      const struct api_detail *d, const struct stage_map *map,
                      const long stage_poll[STAGE__COUNT], const char *path,
                      char reason[static 256])
{
    /* Observed history is replaced: judge the answer as if nothing were stored. */
    struct reconcile_stored stored = {t->id_reg, t->observed ? NULL : t->status_code,
                                      t->observed ? 0 : t->stage_since,
                                      t->observed ? 0 : t->has_stage_since};
    struct reconcile_plan p;
    struct store_done done;
    enum ht_stage now_stage;
    int rc = -1;

    reason[0] = '\0';
    if (reconcile_plan_build(&stored, d, map, &p) < 0)
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
                       : (t->status_code ? stage_map_stage_of(map, t->status_code)
                                         : STAGE_UNKNOWN);
    done.app_id = t->id;
    done.next_s = sync_poll_secs(stage_poll, now_stage);
    done.fp = t->fingerprint;
    done.nib = d->nib;
    done.no_daftar = d->no_daftar;
    done.channel_id = d->channel_id;
    done.kode_fac = d->kode_fac;
    done.path = path;
    done.replace = t->observed;
    if (sink->done(sink->ctx, &done) < 0)
        goto out;
    rc = 0;
out:
    reconcile_plan_release(&p);
    return rc;
}

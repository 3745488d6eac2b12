/* quarantine replay: decode the quarantined detail answers and list rows again with
 * today's mappings and apply what now maps, through the same apply as a fresh fetch (a
 * detail) or the same merge as a sweep (a list row). */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/buf.h"
#include "halaltrack/api.h"
#include "halaltrack/cfg.h"
#include "halaltrack/sync_apply.h"
#include "halaltrack/syncer.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

/* One row: 0 = handled (res updated), -1 = fatal. */
static int replay_one(struct store *st, const struct stage_map *map,
                      const struct store_qrow *q, struct store_batch *b,
                      const long stage_poll[STAGE__COUNT], struct replay_result *res,
                      struct ht_err *err)
{
    struct apply_sink sink = apply_sink_batch(b);
    struct store_claim cl;
    struct api_detail d;
    char reason[256];
    int found, rc;

    if (!q->ref || (found = store_sync_app_state(st, q->ref, &cl, err)) == 1) {
        res->still_bad++;
        return 0;
    }
    if (found < 0)
        return -1;
    if (cl.detail_at > q->created_epoch) {
        /* A later answer was reconciled since: this one is superseded, not replayed (it
         * might be a garbled copy of what is already stored). */
        store_claim_release(&cl);
        res->superseded++;
        return store_batch_resolve(b, q->id) < 0 ? -2 : 0;
    }
    if (api_decode_detail(q->raw, q->rawlen, &d, NULL) < 0) {
        store_claim_release(&cl);
        res->still_bad++;
        return 0;
    }
    rc = sync_apply_detail(&sink, &cl, &d, map, stage_poll, NULL, reason);
    api_detail_release(&d);
    store_claim_release(&cl);
    if (rc < 0)
        return -2;
    if (rc == 1) {
        res->still_bad++;
        return 0;
    }
    res->resolved++;
    return store_batch_resolve(b, q->id) < 0 ? -2 : 0;
}

/* A list row quarantined for a status that did not map (an unknown label or code):
 * 0 = handled, -1 = fatal, -2 = out of memory. */
static int replay_list_row(struct store *st, const struct stage_map *map,
                           const struct store_qrow *q, struct replay_result *res,
                           struct ht_err *err)
{
    struct buf page = BUF_INIT(BUF_CAP_SMALL);
    struct api_page pg;
    char tgl[21];
    const char *f[STORE_LISTING_NFIELDS];
    int superseded = 0, rc = 0;

    if (strncmp(q->reason, "unknown status", 14) != 0 || !q->rawlen || q->raw[0] != '{') {
        res->still_bad++; /* a whole page, or a record a mapping cannot fix */
        return 0;
    }
    if (buf_adds(&page, "{\"code\":2000,\"data\":[") < 0 ||
        buf_add(&page, q->raw, q->rawlen) < 0 ||
        buf_adds(&page, "],\"total_item\":1,\"current_page\":1,\"total_page\":1}") < 0)
        return -2;
    if (api_decode_page(page.ptr, page.len, map, &pg, NULL) < 0) {
        buf_release(&page);
        res->still_bad++;
        return 0;
    }
    if (pg.n != 1 || !pg.items[0].status || !stage_map_lookup(map, pg.items[0].status)) {
        api_page_release(&pg);
        buf_release(&page);
        res->still_bad++;
        return 0;
    }
    sync_item_fields(&pg.items[0], tgl, f);
    if (store_listing_replay(st, map, q->id,
                             q->upstream_epoch ? q->upstream_epoch : q->created_epoch, f,
                             &superseded, err) < 0)
        rc = -1;
    else if (superseded)
        res->superseded++;
    else
        res->resolved++;
    api_page_release(&pg);
    buf_release(&page);
    return rc;
}

int syncer_replay(struct store *st, const struct stage_map *map, const long *stage_poll,
                  long limit, struct replay_result *res, struct ht_err *err)
{
    struct store_qrow *q = NULL;
    long defaults[STAGE__COUNT];
    size_t n = 0;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (!stage_poll) {
        cfg_stage_poll_defaults(defaults);
        stage_poll = defaults;
    }
    if (store_quarantine_open(st, NULL, limit, &q, &n, err) < 0)
        return -1;
    /* Newest first, one transaction each: the newest answer of an application is applied
     * and the older ones of it are then superseded (tracking is cumulative). */
    for (size_t k = n; k-- > 0;) {
        struct store_batch *b;
        int r;

        if (strcmp(q[k].source, "list") == 0) {
            res->examined++;
            if ((r = replay_list_row(st, map, &q[k], res, err)) == -2)
                ht_err_set(err, HT_ENOMEM, "out of memory");
            if (r < 0)
                goto out;
            continue;
        }
        if (strcmp(q[k].source, "detail") != 0)
            continue;
        b = store_batch_new();
        res->examined++;
        if (!b || (r = replay_one(st, map, &q[k], b, stage_poll, res, err)) == -2) {
            store_batch_free(b);
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto out;
        }
        if (r == -1 || store_batch_apply(st, b, NULL, NULL, NULL, err) < 0) {
            store_batch_free(b);
            goto out;
        }
        store_batch_free(b);
    }
    rc = 0;
out:
    store_qrows_free(q, n);
    return rc;
}

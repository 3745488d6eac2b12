/* quarantine replay: decode the quarantined detail answers again with today's mappings
 * and apply what now maps, through the same apply as a fresh fetch. */
#include <stdlib.h>
#include <string.h>
#include "halaltrack/api.h"
#include "halaltrack/cfg.h"
#include "halaltrack/sync_apply.h"
#include "halaltrack/syncer.h"
#include "halaltrack/banned.h"

/* One row: 0 = handled (res updated), -1 = fatal. */
static int replay_one(struct store *st, const struct store_qrow *q, struct store_batch *b,
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
    rc = sync_apply_detail(&sink, &cl, &d, stage_poll, NULL, reason);
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

int syncer_replay(struct store *st, const long *stage_poll, long limit,
                  struct replay_result *res, struct ht_err *err)
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
    if (store_quarantine_open(st, "detail", limit, &q, &n, err) < 0)
        return -1;
    /* Newest first, one transaction each: the newest answer of an application is applied
     * and the older ones of it are then superseded (tracking is cumulative). */
    for (size_t k = n; k-- > 0;) {
        struct store_batch *b = store_batch_new();
        int r;

        res->examined++;
        if (!b || (r = replay_one(st, &q[k], b, stage_poll, res, err)) == -2) {
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

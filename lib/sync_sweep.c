/* The list sweep: page through the office's application list into staging (COPY), then
 * merge it in one statement. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "halaltrack/api.h"
#include "halaltrack/backoff.h"
#include "halaltrack/log.h"
#include "halaltrack/util.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

#define SWEEP_ATTEMPTS 5

/* The earliest and latest upstream time (the answers' Date) of a sweep's pages. */
struct sweep_clock {
    int64_t first, last, page; /* page: the latest page's */
};

static void clock_note(struct sweep_clock *k, const struct http_resp *r)
{
    int64_t t;

    if (!r->date || backoff_http_date(r->date, &t) < 0)
        t = ht_now(); /* no Date: our own clock, for both ends alike */
    k->page = t;
    if (!k->first || t < k->first)
        k->first = t;
    if (t > k->last)
        k->last = t;
}

/* Fetches and decodes one page, retrying undecodable answers (truncated, malformed);
 * each undecodable answer is quarantined. */
static int fetch_page(struct syncer *sy, const char *kode_fac, long page,
                      struct api_page *pg, struct sweep_clock *clk, struct ht_err *err)
{
    struct buf url = BUF_INIT(4096);
    struct http_resp r;
    char pn[24], sz[24], ref[128];
    const char *q[] = {"page", pn, "size", sz, "kode_fac", kode_fac, NULL};
    int rc = -1;

    http_resp_init(&r);
    snprintf(pn, sizeof(pn), "%ld", page);
    snprintf(sz, sizeof(sz), "%ld", sy->cfg->page_size);
    if (kode_fac)
        snprintf(ref, sizeof(ref), "kode_fac=%.60s page=%ld", kode_fac, page);
    else
        snprintf(ref, sizeof(ref), "page=%ld", page);
    if (api_client_url(sy->ac, &url, API_APPLICATIONS, NULL, q) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        goto out;
    }
    for (int attempt = 0; attempt <= sy->cfg->max_retries; attempt++) {
        struct ht_err de = HT_ERR_INIT;
        int c = api_client_call(sy->ac, API_APPLICATIONS, buf_str(&url), NULL, &r, err);

        if (c != 0) {
            if (c > 0)
                ht_err_set(err, HT_EHTTP, "list page %ld: HTTP %ld (%s)", page, r.status,
                           c == 2 ? "this account may not read the list"
                                  : "no such path");
            goto out;
        }
        if (api_decode_page(r.body.ptr ? r.body.ptr : "", r.body.len, sy->map, pg, &de) ==
            0) {
            clock_note(clk, &r);
            rc = 0;
            goto out;
        }
        if (sync_quarantine(sy, "list", ref, de.msg, r.body.ptr, r.body.len, 0, err) < 0)
            goto out;
        if (attempt == sy->cfg->max_retries) {
            ht_err_set(err, HT_EPARSE, "list page %ld: %s", page, de.msg);
            goto out;
        }
        api_client_nap(sy->ac, api_client_backoff_ms(sy->ac, attempt));
    }
out:
    http_resp_release(&r);
    buf_release(&url);
    return rc;
}

void sync_item_fields(const struct api_item *it, char tgl[static 21],
                      const char *f[STORE_LISTING_NFIELDS])
{
    const char *tgl_norm = NULL;
    int64_t t;

    /* The registration date goes to staging as UTC ISO 8601 or NULL, so the merge can
     * cast it without a per-row exception handler. */
    if (it->tgl_daftar && ts_parse(it->tgl_daftar, &t, NULL) == 0) {
        ts_format_utc(t, tgl);
        tgl_norm = tgl;
    }
    f[0] = it->id_reg;
    f[1] = it->no_daftar;
    f[2] = tgl_norm;
    f[3] = it->nib;
    f[4] = it->nama_pu;
    f[5] = it->jenis_daftar;
    f[6] = it->jenis_produk;
    f[7] = it->status;
    f[8] = it->channel_id;
    f[9] = it->kode_fac;
    f[10] = it->status_raw;
}

/* Stages the items of a page and quarantines its bad records (at: upstream's time of
 * the page, at which quarantine replay merges a record whose status did not map). */
static int stage_page(struct syncer *sy, struct store_listing *lst, int part,
                      const struct api_page *pg, long page, int64_t at, int64_t *seq,
                      struct ht_err *err)
{
    for (size_t i = 0; i < pg->n; i++) {
        char tgl[21];
        const char *f[STORE_LISTING_NFIELDS];

        sync_item_fields(&pg->items[i], tgl, f);
        if (store_listing_add(lst, (*seq)++, part, f) < 0) {
            ht_err_set(err, HT_ELIMIT, "staging buffer over its cap");
            return -1;
        }
    }
    for (size_t i = 0; i < pg->nbad; i++) {
        char ref[80];
        if (pg->bad[i].id_reg)
            snprintf(ref, sizeof(ref), "%s", pg->bad[i].id_reg);
        else
            snprintf(ref, sizeof(ref), "page=%ld", page);
        if (sync_quarantine(sy, "list", ref, pg->bad[i].reason, pg->bad[i].raw,
                            strlen(pg->bad[i].raw), at, err) < 0)
            return -1;
    }
    return 0;
}

/* How many pages the sweep reads: what the API says, but never more than its own
 * total_item needs nor api.max_pages (a hostile or broken total_page must not keep the
 * sweep going for ever). *capped = 1 when max_pages cut it short. */
static long pages_to_read(const struct cfg *cfg, long total_page, long total_item,
                          int *capped)
{
    long need = total_item / cfg->page_size + (total_item % cfg->page_size != 0);

    if (total_page > need)
        total_page = need;
    *capped = total_page > cfg->max_pages;
    return *capped ? cfg->max_pages : total_page;
}

/* Streams every page of one pass (the whole list, or one facilitation code's part) into
 * staging under run_id. *complete is set when it saw as many distinct applications as
 * the API's total. */
static int sweep_once(struct syncer *sy, int64_t run_id, int part, const char *kode_fac,
                      int fresh, int64_t *seq_io, struct sweep_clock *clk, int *complete,
                      long *distinct, long *total, struct ht_err *err)
{
    struct store_listing *lst = store_listing_new();
    long page = 1, last = 1;
    int capped = 0, rc = -1;

    *complete = 0;
    *total = 0;
    if (!lst) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    if (fresh && store_listing_clear(sy->st, run_id, part, err) < 0)
        goto out;
    while (page <= last) {
        struct api_page pg;

        if (api_client_stopped(sy->ac)) {
            ht_err_set(err, HT_ESTATE, "stopping");
            goto out;
        }
        if (fetch_page(sy, kode_fac, page, &pg, clk, err) < 0)
            goto out;
        if (pg.total_item > *total)
            *total = pg.total_item;
        last = pages_to_read(sy->cfg, pg.total_page, *total, &capped);
        if (stage_page(sy, lst, part, &pg, page, clk->page, seq_io, err) < 0) {
            api_page_release(&pg);
            goto out;
        }
        if (pg.n == 0 && pg.nbad == 0)
            last = page; /* past the end: the list is shorter than it said */
        api_page_release(&pg);
        if (store_listing_flush(sy->st, lst, run_id, err) < 0)
            goto out;
        page++;
    }
    if (capped)
        log_warn("the list claims more pages than api.max_pages total_item=%ld "
                 "max_pages=%ld: sweep cut short",
                 *total, sy->cfg->max_pages);
    if (store_listing_distinct(sy->st, run_id, part, distinct, err) < 0)
        goto out;
    *complete = !capped && *distinct >= *total;
    rc = 0;
out:
    store_listing_free(lst);
    return rc;
}

/* One pass, repeated while pages shift: applications arriving while paging hide some
 * from one pass; the passes' union (latest row per application wins) is trusted only once
 * it holds as many applications as the API's total. */
static int sweep_part(struct syncer *sy, int64_t run_id, int part, const char *kode_fac,
                      int64_t *seq, struct sweep_clock *clk, int *complete,
                      long *seen_total, struct ht_err *err)
{
    long distinct = 0, total = 0;

    for (int attempt = 1; attempt <= SWEEP_ATTEMPTS; attempt++) {
        if (sweep_once(sy, run_id, part, kode_fac, attempt == 1, seq, clk, complete,
                       &distinct, &total, err) < 0)
            return -1;
        if (*complete)
            break;
        log_warn("sweep incomplete, pages shifted while paging seen=%ld total=%ld "
                 "attempt=%d kode_fac=%s",
                 distinct, total, attempt, kode_fac ? kode_fac : "-");
    }
    *seen_total += total;
    return 0;
}

int sync_sweep(struct syncer *sy, int64_t run_id, int *trusted, struct ht_err *err)
{
    long seen = 0, inserted = 0, changed = 0, dropped = 0, total = 0;
    size_t ncodes = cfg_list_count(sy->cfg->facilitation_codes);
    struct sweep_clock clk = {0, 0, 0};
    int complete = 1;
    int64_t t0 = ht_mono_ms(), seq = 0;

    *trusted = 0;
    /* Rows a killed or disconnected sweeper left behind: only the lock holder stages. */
    if (store_listing_clear_others(sy->st, run_id, &dropped, err) < 0)
        return -1;
    if (dropped)
        log_info("dropped staged rows of an earlier, unfinished sweep rows=%ld", dropped);
    /* One pass per facilitation code of the office, or one over the whole list. */
    for (size_t i = 0; i < (ncodes ? ncodes : 1); i++) {
        char code[128];
        int part_complete = 0;

        if (ncodes &&
            cfg_list_at(sy->cfg->facilitation_codes, i, code, sizeof(code)) < 0) {
            ht_err_set(err, HT_ECONFIG, "api.facilitation_codes: item %zu is too long",
                       i);
            return -1;
        }
        if (sweep_part(sy, run_id, (int)i, ncodes ? code : NULL, &seq, &clk,
                       &part_complete, &total, err) < 0) {
            if (store_listing_clear(sy->st, run_id, -1, NULL) < 0)
                log_debug("cannot clear the staging rows run=%" PRId64, run_id);
            return -1;
        }
        complete &= part_complete;
    }
    if (store_sync_merge(sy->st, sy->map, run_id, complete, clk.first, clk.last, &seen,
                         &inserted, &changed, err) < 0)
        return -1;
    *trusted = complete;
    sy->cnt.items_seen += seen;
    sy->cnt.items_changed += inserted + changed;
    pthread_mutex_lock(&sy->m->mu);
    sy->m->items_seen += (unsigned long)seen;
    sy->m->items_changed += (unsigned long)(inserted + changed);
    if (complete)
        sy->m->last_sweep_success = ht_now();
    pthread_mutex_unlock(&sy->m->mu);
    log_info("sweep done seen=%ld total=%ld new=%ld changed=%ld complete=%s ms=%" PRId64,
             seen, total, inserted, changed, complete ? "yes" : "no", ht_mono_ms() - t0);
    return 0;
}

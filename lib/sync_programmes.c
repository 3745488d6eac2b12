/* The office's facilitation programmes: every page of GET /api/v1/fasilitator/search
 * merged into facilitation_programme by the sweeper, before the application sweep (a
 * programme's jenis helps choose an application's detail path). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/api.h"
#include "halaltrack/log.h"
#include "halaltrack/store_programme.h"
#include "sync_int.h"
#include "halaltrack/banned.h"

/* Reads one page; an undecodable answer is quarantined and the read fails. */
static int programme_page(struct syncer *sy, long page, struct api_programme_page *pg,
                          struct ht_err *err)
{
    struct http_resp r;
    char pn[24], sz[24], ref[64];
    const char *q[] = {"page", pn, "size", sz, NULL};
    struct ht_err de = HT_ERR_INIT;
    int rc = -1;

    http_resp_init(&r);
    snprintf(pn, sizeof(pn), "%ld", page);
    snprintf(sz, sizeof(sz), "%ld", sy->cfg->page_size);
    snprintf(ref, sizeof(ref), "programmes page=%ld", page);
    if (sync_get(sy->ac, API_PROGRAMMES, q, &r, err) < 0)
        goto out;
    if (api_decode_programmes(r.body.ptr ? r.body.ptr : "", r.body.len, pg, &de) < 0) {
        if (sync_quarantine(sy, "list", ref, de.msg, r.body.ptr, r.body.len, 0, err) == 0)
            ht_err_set(err, HT_EPARSE, "%s", de.msg);
        goto out;
    }
    for (size_t i = 0; i < pg->nbad; i++)
        if (sync_quarantine(sy, "list", ref, pg->bad[i].reason, pg->bad[i].raw,
                            strlen(pg->bad[i].raw), 0, err) < 0) {
            api_programme_page_release(pg);
            goto out;
        }
    rc = 0;
out:
    http_resp_release(&r);
    return rc;
}

/* Appends the programmes of pg to the borrowed view *all (grown as needed). */
static int keep(struct store_programme **all, size_t *n, size_t *cap,
                const struct api_programme_page *pg)
{
    for (size_t i = 0; i < pg->n; i++) {
        const struct api_programme *g = &pg->items[i];
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            struct store_programme *p = realloc(*all, nc * sizeof(*p));
            if (!p)
                return -1;
            *all = p;
            *cap = nc;
        }
        (*all)[(*n)++] = (struct store_programme){
            g->id,    g->kode_fac,  g->fac_name,    g->sumber_biaya,
            g->jenis, g->tgl_aktif, g->tgl_selesai, g->status_code,
            g->tahun, g->kuota,     g->sisa};
    }
    return 0;
}

int sync_programmes(struct syncer *sy, struct ht_err *err)
{
    struct api_programme_page *pages = NULL;
    struct store_programme *all = NULL;
    size_t npages = 0, n = 0, cap = 0;
    long last = 1, total = 0, written = 0;
    int rc = -1;

    for (long page = 1; page <= last && page <= sy->cfg->max_pages; page++) {
        struct api_programme_page *np = realloc(pages, (npages + 1) * sizeof(*np));
        if (!np) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto out;
        }
        pages = np;
        if (programme_page(sy, page, &pages[npages], err) < 0)
            goto out;
        total = pages[npages].total_item;
        last = total / sy->cfg->page_size + (total % sy->cfg->page_size != 0);
        if (pages[npages].total_page < last)
            last = pages[npages].total_page;
        if (keep(&all, &n, &cap, &pages[npages++]) < 0) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto out;
        }
        if (pages[npages - 1].n == 0 && pages[npages - 1].nbad == 0)
            break;
    }
    if (store_programmes_merge(sy->st, all, n, (long)n >= total, &written, err) < 0)
        goto out;
    log_info("programmes read count=%zu total=%ld", n, total);
    rc = 0;
out:
    for (size_t i = 0; i < npages; i++)
        api_programme_page_release(&pages[i]);
    free(pages);
    free(all);
    return rc;
}

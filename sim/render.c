/* JSON and CSV rendering of the world, written by hand into capped buffers: list pages
 * are the hot path of every benchmark, and a tree per item would cost more than the
 * bytes. */
#include <stdio.h>
#include <string.h>
#include "halaltrack/status_label.h"
#include "sim.h"
#include "halaltrack/csv.h"
#include "halaltrack/jsonw.h"
#include "halaltrack/banned.h"

int json_str(struct buf *b, const char *s)
{
    return jsonw_quote(b, s, 0);
}

static const char *channel_str(int ch)
{
    static const char *const c[] = {"CH001", "CH001", "CH002", "CH003", "CH004"};

    return c[ch >= 1 && ch <= 4 ? ch : 1];
}

static const char *jenis_produk(const struct sim_world *w, const struct sim_app *a)
{
    const char *k = w->kblis[w->msmes[a->msme].kbli].code;

    if (!strncmp(k, "11", 2))
        return "Minuman";
    if (!strncmp(k, "56", 2))
        return "Makanan dan Minuman";
    return "Makanan";
}

/* The street address and phone number of an MSME, derived from the seed. */
static void street_of(const struct sim_world *w, uint32_t msme, char *out, size_t n,
                      char tel[16])
{
    static const char *const streets[] = {
        "Jl. Pahlawan",          "Jl. Soekarno Hatta",   "Jl. Hayam Wuruk",
        "Jl. Panglima Sudirman", "Jl. KH Wachid Hasyim", "Jl. Untung Suropati",
        "Jl. Veteran",           "Jl. Gatot Subroto",    "Jl. Niaga",
        "Jl. Irian Jaya",        "Jl. Balaikota",        "Jl. Diponegoro",
    };
    struct sim_rng r = {sim_hash3(w->p.seed, msme, 0x41444452)};
    unsigned st = rng_below(&r, 12), no = 1 + rng_below(&r, 180);

    snprintf(out, n, "%s No. %u", streets[st], no);
    snprintf(tel, 16, "08%02u%08u", 11 + rng_below(&r, 89), rng_below(&r, 100000000));
}

/* The status of a list row as the account sees it: the code, or one of the frontend's
 * labels for it (chosen per application and code, so a row keeps its wording while its
 * status stays), or either per row. */
static const char *row_status(const struct sim_world *w, uint32_t idx, int code,
                              const struct sim_switches *sw)
{
    const char *c = sim_code_str[code], *pick = NULL;
    struct sim_rng r = {sim_hash3(w->p.seed, idx, 0x4c41424cu + (uint64_t)code)};
    uint32_t n = 0;

    if (sw->status_as == STATUS_AS_CODE ||
        (sw->status_as == STATUS_AS_MIXED && rng_below(&r, 2) == 0))
        return c;
    for (size_t i = 0; i < status_label_count(); i++)
        if (!strcmp(status_label_at(i)->code, c))
            n++;
    n = rng_below(&r, n);
    for (size_t i = 0; i < status_label_count() && !pick; i++)
        if (!strcmp(status_label_at(i)->code, c) && n-- == 0)
            pick = status_label_at(i)->label;
    return pick ? pick : c;
}

int render_item(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now,
                const struct sim_switches *sw)
{
    const struct sim_app *a = &w->apps[idx];
    const struct sim_event *ev = world_app_ev(w, a);
    int cur = world_app_cur(w, a, now);
    char id[37], nd[32], ts[26], fac[32];
    const char *f = world_kode_fac(w, a, fac, sizeof(fac));

    world_id_reg(a, id);
    world_no_daftar(w, a, nd);
    fmt_wib_ts(world_ts(w, ev[0].t), ts);
    if ((!sw->no_id_reg && buf_addf(b, "{\"id_reg\":\"%s\",", id)) ||
        (sw->no_id_reg && buf_addch(b, '{')) ||
        buf_addf(b, "\"no_daftar\":\"%s\",\"nama_pu\":", nd) ||
        json_str(b, world_name(w, w->msmes[a->msme].name_off)) ||
        buf_addf(b,
                 ",\"tgl_daftar\":\"%s\",\"jenis_daftar\":\"%s\",\"jenis_produk\":\"%s\","
                 "\"kode_fac\":",
                 ts, world_jenis(a), jenis_produk(w, a)) ||
        (f ? buf_addf(b, "\"%s\"", f) : buf_adds(b, "null")) ||
        buf_adds(b, ",\"status\":") ||
        json_str(b, row_status(w, idx, ev[cur > 0 ? cur - 1 : 0].code, sw)) ||
        buf_addch(b, '}'))
        return -1;
    return 0;
}

int render_programme(struct buf *b, const struct sim_world *w, size_t i, int64_t now)
{
    const struct sim_programme *g = &w->progs[i];
    char d0[11], d1[11];
    long used = g->kode_fac[0] ? (long)world_code_used(w, g->kode_fac, now) : 0;

    fmt_wib_date(g->aktif, d0);
    fmt_wib_date(g->selesai, d1);
    if (buf_addf(b, "{\"id\":\"%s\",\"kode_fac\":", g->id) ||
        (g->kode_fac[0] ? buf_addf(b, "\"%s\"", g->kode_fac) : buf_adds(b, "null")) ||
        buf_addf(b, ",\"tahun\":%d,\"fac_name\":", g->tahun) || json_str(b, g->name) ||
        buf_addf(
            b,
            ",\"sumber_biaya\":\"%s\",\"jenis\":\"%s\",\"tgl_aktif\":\"%s\","
            "\"tgl_selesai\":\"%s\",\"kuota\":%ld,\"sisa\":%ld,\"status_code\":\"%s\"}",
            g->sumber_biaya, g->jenis, d0, d1, g->kuota,
            g->kuota > used ? g->kuota - used : 0, g->status))
        return -1;
    return 0;
}

int render_tracking(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now)
{
    const struct sim_app *a = &w->apps[idx];
    const struct sim_event *ev = world_app_ev(w, a);
    int cur = world_app_cur(w, a, now);

    if (buf_addch(b, '['))
        return -1;
    for (int i = 0; i < cur; i++) {
        char ts[26], actor[64];

        fmt_wib_ts(world_ts(w, ev[i].t), ts);
        world_actor(w, a, i, actor, sizeof(actor));
        if (buf_addf(b,
                     "%s{\"status\":\"%s\",\"tanggal\":\"%s\",\"username\":\"%s\","
                     "\"comment\":",
                     i ? "," : "", sim_code_str[ev[i].code], ts, actor) ||
            json_str(b, world_comment(w, a, i)) || buf_addch(b, '}'))
            return -1;
    }
    return buf_addch(b, ']');
}

/* Time of the last event with code c at or before cur, or -1. */
static int find_ev(const struct sim_event *ev, int cur, enum sim_code c)
{
    for (int i = cur - 1; i >= 0; i--)
        if (ev[i].code == c)
            return i;
    return -1;
}

int render_detail(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now)
{
    const struct sim_app *a = &w->apps[idx];
    const struct sim_msme *m = &w->msmes[a->msme];
    const struct sim_kel *k = &w->kels[m->kel];
    const struct sim_event *ev = world_app_ev(w, a);
    int cur = world_app_cur(w, a, now);
    int ic = find_ev(ev, cur, C_OF300), il = find_ev(ev, cur, C_OF70),
        ifw = find_ev(ev, cur, C_OF100);
    char id[37], nd[32], nib[14], ts[26], fac[32], prod[96], d1[11], addr[96], tel[16];
    const char *f = world_kode_fac(w, a, fac, sizeof(fac));

    street_of(w, a->msme, addr, sizeof(addr), tel);

    world_id_reg(a, id);
    world_no_daftar(w, a, nd);
    world_nib(w, a->msme, nib);
    fmt_wib_ts(world_ts(w, ev[0].t), ts);
    world_product(w, a->msme, a->product, prod, sizeof(prod));
    if (buf_addf(
            b,
            "{\"code\":2000,\"message\":\"OK\",\"data\":{\"certificate_halal\":{"
            "\"id_reg\":\"%s\",\"no_daftar\":\"%s\",\"tgl_daftar\":\"%s\",\"nama_pu\":",
            id, nd, ts) ||
        json_str(b, world_name(w, m->name_off)) ||
        buf_addf(b,
                 ",\"channel_id\":\"%s\",\"jenis_pengajuan\":\"%s\",\"status\":\"%s\","
                 "\"skala_usaha\":\"%s\",\"kode_kbli\":\"%s\",\"nama_kbli\":",
                 channel_str(a->channel), world_jenis(a),
                 sim_code_label[ev[cur > 0 ? cur - 1 : 0].code], world_size_name(m->size),
                 w->kblis[m->kbli].code) ||
        json_str(b, w->kblis[m->kbli].title) ||
        buf_addf(b,
                 ",\"jenis_daftar\":\"JD.%d\",\"jenis_produk\":\"%s\",\"merk_dagang\":",
                 a->jd, jenis_produk(w, a)) ||
        json_str(b, prod) || buf_adds(b, ",\"alamat_pu\":") || json_str(b, addr) ||
        buf_adds(b, ",\"kelurahan_pu\":") || json_str(b, k->name) ||
        buf_adds(b, ",\"kecamatan_pu\":") || json_str(b, k->kec) ||
        buf_adds(b, ",\"kota_pu\":") || json_str(b, w->region_name) ||
        buf_adds(b, ",\"provinsi_pu\":\"Jawa Timur\",\"kode_wilayah\":") ||
        json_str(b, k->code) || buf_adds(b, ",\"kode_fac\":"))
        return -1;
    if ((f ? buf_addf(b, "\"%s\"", f) : buf_adds(b, "null")) ||
        buf_addf(b,
                 "},\"aspek_legal\":[{\"jenis_surat\":\"NIB\",\"no_surat\":\"%s\","
                 "\"tgl_surat\":\"%s\",\"masa_berlaku\":null,\"instansi_penerbit\":"
                 "\"OSS RBA\"}],\"sertifikat_halal_info\":",
                 nib, "2021-08-02"))
        return -1;
    if (ic >= 0) {
        char no[20];
        int64_t t = world_ts(w, ev[ic].t);

        world_cert_no(w, w->cert_base + idx, t, no);
        fmt_wib_date(t, d1);
        if (buf_addf(b, "{\"nomor_sertifikat\":\"%s\",\"tanggal_sertifikat\":\"%s\"}", no,
                     d1))
            return -1;
    } else if (buf_adds(b, "{\"nomor_sertifikat\":null,\"tanggal_sertifikat\":null}")) {
        return -1;
    }
    if (buf_adds(b, ",\"pemeriksaan\":"))
        return -1;
    if (il >= 0) {
        char actor[64];

        world_actor(w, a, il, actor, sizeof(actor));
        fmt_wib_date(world_ts(w, ev[il].t), d1);
        if (buf_addf(b,
                     "{\"lph\":\"%s\",\"tgl_selesai_lph\":\"%s\",\"hasil\":\"Memenuhi\"}",
                     actor, d1))
            return -1;
    } else if (buf_adds(b, "{\"lph\":null,\"tgl_selesai_lph\":null,\"hasil\":null}")) {
        return -1;
    }
    if (buf_adds(b, ",\"sidang_fatwa\":"))
        return -1;
    if (ifw >= 0) {
        fmt_wib_date(world_ts(w, ev[ifw].t), d1);
        if (buf_addf(b,
                     "{\"nomor_penetapan\":\"KH-%07u\",\"tanggal_penetapan\":\"%s\","
                     "\"ketetapan\":\"Halal\"}",
                     (unsigned)(idx + 1), d1))
            return -1;
    } else if (buf_adds(b, "{\"nomor_penetapan\":null,\"tanggal_penetapan\":null,"
                           "\"ketetapan\":null}")) {
        return -1;
    }
    if (buf_adds(b, ",\"tracking\":") || render_tracking(b, w, idx, now) ||
        buf_adds(b, "}}"))
        return -1;
    return 0;
}

int render_truth_line(struct buf *b, const struct sim_world *w, uint32_t idx, int64_t now,
                      const struct sim_switches *sw)
{
    const struct sim_app *a = &w->apps[idx];
    const struct sim_event *ev = world_app_ev(w, a);
    int cur = world_app_cur(w, a, now);
    int ic = find_ev(ev, cur, C_OF300);
    char id[37], nd[32], nib[14], ts[26], fac[32];
    const char *f = world_kode_fac(w, a, fac, sizeof(fac));

    world_id_reg(a, id);
    world_no_daftar(w, a, nd);
    world_nib(w, a->msme, nib);
    fmt_wib_ts(world_ts(w, ev[0].t), ts);
    if (buf_addf(b,
                 "{\"id_reg\":\"%s\",\"no_daftar\":\"%s\",\"tgl_daftar\":\"%s\",\"nib\":"
                 "\"%s\",\"status\":\"%s\",\"channel_id\":\"%s\",\"jenis_daftar\":\"%s\","
                 "\"kode_fac\":",
                 id, nd, ts, nib, sim_code_str[ev[cur > 0 ? cur - 1 : 0].code],
                 channel_str(a->channel), world_jenis(a)) ||
        (f ? buf_addf(b, "\"%s\"", f) : buf_adds(b, "null")) ||
        buf_addf(b, ",\"detail_denied\":%s,\"nomor_sertifikat\":",
                 sw->no_id_reg || world_detail_denied(w, idx, sw) ? "true" : "false"))
        return -1;
    if (ic >= 0) {
        char no[20], d[11];

        world_cert_no(w, w->cert_base + idx, world_ts(w, ev[ic].t), no);
        fmt_wib_date(world_ts(w, ev[ic].t), d);
        if (buf_addf(b, "\"%s\",\"tanggal_sertifikat\":\"%s\"", no, d))
            return -1;
    } else if (buf_adds(b, "null,\"tanggal_sertifikat\":null")) {
        return -1;
    }
    if (buf_adds(b, ",\"tracking\":") || render_tracking(b, w, idx, now) ||
        buf_adds(b, "}\n"))
        return -1;
    return 0;
}

/* ---- the register CSV
 * ------------------------------------------------------------------- */
size_t register_rows(const struct sim_world *w)
{
    return w->nreg_rows;
}

int render_register_header(struct buf *b)
{
    return buf_adds(
        b, "nib,nama_usaha,pemilik,kbli,skala,kode_wilayah,alamat,telepon,program\n");
}

static int csv_field(struct buf *b, const char *s, int last)
{
    if (csv_write_field(b, s, 0))
        return -1;
    return buf_addch(b, last ? '\n' : ',');
}

const char *register_row_dirt(const struct sim_world *w, size_t row)
{
    uint32_t v = w->reg_rows[row];
    uint64_t h;

    if (v & REG_DUP)
        return "duplicate_nib";
    if (w->p.clean_register)
        return NULL;
    h = sim_hash3(w->p.seed, v, 0x44495254) % 1000;
    switch (h) {
    case 0:
    case 1:
        return "nib_12_digits";
    case 2:
        return "misspelt_kelurahan";
    case 3:
        return "bad_size";
    default:
        return NULL;
    }
}

int render_register_row(struct buf *b, const struct sim_world *w, size_t row)
{
    uint32_t v = w->reg_rows[row], i = v & ~REG_DUP;
    const struct sim_msme *m = &w->msmes[i];
    const struct sim_kel *k = &w->kels[m->kel];
    const char *dirt = register_row_dirt(w, row);
    char nib[14], name[200], addr[320], tel[16], prog[64], kel[64], street[96];
    const char *skala = world_size_name(m->size), *code = k->code;

    world_nib(w, i, nib);
    snprintf(name, sizeof(name), "%s%s", world_name(w, m->name_off),
             (v & REG_DUP) ? " (Cabang)" : "");
    snprintf(kel, sizeof(kel), "%s", k->name);
    if (dirt && !strcmp(dirt, "nib_12_digits"))
        nib[12] = '\0';
    if (dirt && !strcmp(dirt, "bad_size"))
        skala = "mikor";
    if (dirt && !strcmp(dirt, "misspelt_kelurahan")) {
        /* a typo in the kelurahan, and the code left empty as clerks do */
        size_t n = strlen(kel);

        if (n > 3) {
            char t = kel[n - 2];

            kel[n - 2] = kel[n - 3];
            kel[n - 3] = t;
        }
        code = "";
    }
    street_of(w, i, street, sizeof(street), tel);
    snprintf(addr, sizeof(addr), "%s, %s, %s", street, kel, k->kec);
    prog[0] = '\0';
    if (m->flags & MSME_SEHATI)
        snprintf(prog, sizeof(prog), "sehati%s",
                 (m->flags & MSME_PENDAMPINGAN) ? ";pendampingan" : "");
    else if (m->flags & MSME_PENDAMPINGAN)
        snprintf(prog, sizeof(prog), "pendampingan");
    if (csv_field(b, nib, 0) || csv_field(b, name, 0) ||
        csv_field(b, world_name(w, m->owner_off), 0) ||
        csv_field(b, w->kblis[m->kbli].code, 0) || csv_field(b, skala, 0) ||
        csv_field(b, code, 0) || csv_field(b, addr, 0) || csv_field(b, tel, 0) ||
        csv_field(b, prog, 1))
        return -1;
    return 0;
}

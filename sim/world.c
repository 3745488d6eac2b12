/* The seeded world of halalsim: reference data, MSMEs, applications with their whole
 * timelines (past and future) generated once from the seed. What a client sees at clock T
 * is the part of each timeline at or before T, so the truth is a pure function of (seed,
 * T). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "halaltrack/calendar.h"
#include "halaltrack/config.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/stage.h"
#include "halaltrack/steps.h"
#include "sim.h"
#include "halaltrack/paths.h"
#include "halaltrack/banned.h"

const char *const sim_code_str[C__COUNT] = {
    "OF1",   "OF10",  "OF11",  "OF15",  "OF50",  "OF55",  "OF56",
    "OF60",  "OF70",  "OF71",  "OF72",  "OF74",  "OF75",  "OF80",
    "OF100", "OF120", "OF280", "OF285", "OF290", "OF300", "OF900",
};

/* Labels as SIHALAL v2 screens show them (domain brief §1.3). */
const char *const sim_code_label[C__COUNT] = {
    "Draf",
    "Submitted",
    "Verification",
    "Terverifikasi",
    "Dikirim ke LPH",
    "Penetapan Biaya",
    "Pembayaran",
    "Proses di LPH",
    "Selesai Proses LPH",
    "Selesai P3H",
    "Verifikasi LP3H",
    "Dikirim Ke Komite Fatwa",
    "Dikirim ke Komisi Fatwa",
    "Diterima Komisi Fatwa",
    "Selesai Sidang Fatwa",
    "Penerbitan Sertifikat",
    "Dikembalikan Ke PU",
    "Dikembalikan Oleh Fatwa",
    "Rejected",
    "Terbit SH",
    "Dibatalkan",
};

/* ---- name material
 * ----------------------------------------------------------------------- */
static const char *const female[] = {
    "Sri",
    "Siti",
    "Yuni",
    "Endang",
    "Wati",
    "Sulastri",
    "Suminah",
    "Ani",
    "Dewi",
    "Lestari",
    "Rina",
    "Nur",
    "Tutik",
    "Umi",
    "Sumarni",
    "Kartini",
    "Ning",
    "Lilik",
    "Nanik",
    "Rukmini",
    "Fatimah",
    "Khotimah",
    "Yanti",
    "Mulyani",
    "Ratna",
    "Sundari",
    "Aminah",
    "Erna",
    /* more given names (issue 14: a city's names are far more varied than 28; the
     * public-search matcher needs a realistic share of shared names) */
    "Indah",
    "Puji",
    "Retno",
    "Sumiati",
    "Wahyuningsih",
    "Suparmi",
    "Rohmah",
    "Zulaikha",
    "Maimunah",
    "Halimah",
    "Mutmainah",
    "Nurul",
    "Laila",
    "Anisa",
    "Eni",
    "Sri Utami",
    "Tri",
    "Winarti",
    "Susilowati",
    "Kasiati",
    "Juwariyah",
    "Musyarofah",
    "Badriyah",
    "Uswatun",
    "Hanik",
    "Luluk",
    "Asih",
    "Murni",
    "Suwarni",
    "Painem",
    "Sutini",
    "Rusmini",
    "Ngatini",
    "Marfuah",
    "Qomariyah",
};
static const char *const male[] = {
    "Slamet",       "Budi",         "Joko",     "Agus",   "Bambang", "Hadi",
    "Sugeng",       "Heru",         "Wahyu",    "Imam",   "Rudi",    "Supri",
    "Darmo",        "Karno",        "Ahmad",    "Rahmat", "Hasan",   "Yusuf",
    "Mulyono",      "Sutrisno",     "Eko",      "Gatot",  "Bagus",   "Samsul",
    "Kholil",       "Syaiful",      "Dedi",     "Mansur", "Suparno", "Sugiyanto",
    "Abdul Rohman", "Muhammad Ali", "Nur Hadi", "Wahid",  "Rofiq",   "Arifin",
    "Zainal",       "Fathur",       "Ridwan",   "Lukman", "Khoirul", "Fauzan",
    "Hariyanto",    "Suyono",       "Sukardi",  "Paijo",  "Ponimin", "Kusnadi",
    "Bashori",      "Masrur",       "Syamsul",  "Munir",  "Nasrul",  "Jamal",
    "Yanto",        "Didik",        "Priyo",    "Teguh",  "Andi",
};
static const char *const family[] = {
    "Wahyuni",  "Rahayu",    "Santoso",   "Susanto",  "Hidayat",    "Prasetyo",
    "Setiawan", "Kurniawan", "Handayani", "Pratama",  "Saputra",    "Wibowo",
    "Nugroho",  "Fauzi",     "Hasanah",   "Maulana",  "Purnomo",    "Suryani",
    "Hartono",  "Widodo",    "Rohmah",    "Ningsih",  "Zainuddin",  "Fitriani",
    "Hariyadi", "Suprapto",  "Wijaya",    "Gunawan",  "Firmansyah", "Ramadhani",
    "Syafii",   "Hakim",     "Anwar",     "Mahmud",   "Ismail",     "Hamzah",
    "Ma'ruf",   "Yulianto",  "Setiyono",  "Sulistyo", "Rahmawati",  "Lestari",
    "Kusuma",   "Utomo",     "Sudrajat",  "Subagyo",  "Efendi",     "Sholeh",
    "Bahri",    "Basuki",    "Mukhlis",   "Asnawi",   "Fadholi",    "Marzuki",
};
static const char *const fortune[] = {
    "Sumber Rejeki", "Berkah Jaya",   "Barokah",    "Sinar Makmur",  "Rejeki Lancar",
    "Makmur Abadi",  "Sejahtera",     "Mulia Jaya", "Lancar Jaya",   "Mandiri",
    "Sentosa",       "Amanah",        "Karya Tani", "Tiga Putri",    "Dua Saudara",
    "Sari Rasa",     "Rasa Sayang",   "Al Barokah", "Nikmat",        "Bintang Timur",
    "Cahaya Baru",   "Putra Mandiri", "Sido Mulyo", "Sri Rejeki",    "Jaya Makmur",
    "Tunas Harapan", "Maju Bersama",  "Citra Rasa", "Bunga Tanjung", "Setia Kawan",
    "Rukun Santoso", "Dewi Sri",      "Tirta Sari", "Gemilang",      "Anugerah",
    "Sumber Urip",   "Sekar Arum",    "Pelangi",    "Bina Usaha",    "Harapan Baru",
    "Sinar Jaya",    "Sari Murni",
};
static const char *const fortune_suffix[] = {
    "Abadi",   "Jaya",    "Makmur",    "Sejati",  "Utama", "Lestari",
    "Mandiri", "Sentosa", "Bersama",   "Putra",   "Putri", "Indah",
    "Baru",    "Agung",   "Sakti",     "Perkasa", "Mulia", "Sejahtera",
    "Family",  "Group",   "Nusantara", "Raya",    "Timur", "Barat",
};
static const char *const honorific_f[] = {"Bu", "Mbak", "Bu", "Mak"};
static const char *const honorific_m[] = {"Pak", "Cak", "Pak", "Mas"};

/* Product words by KBLI prefix (the first matching prefix wins). */
struct product_words {
    const char *prefix;
    const char *words[5];
};
static const struct product_words products[] = {
    {"101", {"Abon Sapi", "Dendeng Sapi", "Bakso Sapi", "Sosis Ayam", "Nugget Ayam"}},
    {"102", {"Bandeng Presto", "Ikan Asin", "Petis Udang", "Kerupuk Ikan", "Terasi"}},
    {"103", {"Keripik Pisang", "Sale Pisang", "Manisan Mangga", "Selai Nanas", "Sambal"}},
    {"104",
     {"Minyak Kelapa", "Minyak Goreng", "Minyak Kelapa", "Santan", "Minyak Kelapa"}},
    {"105", {"Susu Sapi Segar", "Yoghurt", "Es Krim", "Susu Pasteurisasi", "Keju"}},
    {"106",
     {"Tepung Beras", "Beras", "Tepung Tapioka", "Jagung Giling", "Tepung Terigu"}},
    {"1071", {"Roti Manis", "Kue Basah", "Bolu Pandan", "Roti Tawar", "Donat"}},
    {"1072", {"Gula Merah", "Gula Aren", "Gula Kelapa", "Gula Semut", "Gula Merah"}},
    {"1073", {"Cokelat Batang", "Permen Jahe", "Dodol", "Jenang", "Wingko"}},
    {"1074", {"Mie Basah", "Mie Kering", "Bihun", "Mie Ayam", "Pangsit"}},
    {"1075", {"Lauk Siap Saji", "Rendang", "Pepes", "Nasi Kotak", "Lauk Beku"}},
    {"1076", {"Kopi Bubuk", "Teh Tubruk", "Kopi Robusta", "Teh Melati", "Kopi Bubuk"}},
    {"1077", {"Kecap Manis", "Saus Sambal", "Bumbu Pecel", "Bumbu Rujak", "Petis"}},
    {"1079",
     {"Keripik Tempe", "Kerupuk Udang", "Rengginang", "Keripik Singkong", "Tahu Bulat"}},
    {"11", {"Es Teh", "Minuman Jahe", "Air Minum Isi Ulang", "Sari Kedelai", "Es Dawet"}},
    {"561", {"Warung Makan", "Depot", "Rumah Makan", "Katering", "Nasi Goreng"}},
    {"562", {"Katering", "Nasi Kotak", "Katering", "Jasa Boga", "Tumpeng"}},
    {"563", {"Kedai Kopi", "Es Degan", "Warung Kopi", "Es Campur", "Kedai Jus"}},
    {"", {"Aneka Kue", "Camilan", "Jajanan Pasar", "Kue Kering", "Makanan Ringan"}},
};
static const char *const variants[] = {
    "Original", "Pedas", "Balado", "Manis", "Gurih", "Spesial", "Super", "Premium",
};

static const char *pick(struct sim_rng *r, const char *const *list, size_t n)
{
    return list[rng_below(r, (uint32_t)n)];
}
#define PICK(r, list) pick((r), (list), HT_ARRAY_LEN(list))

static const struct product_words *product_for(const char *kbli)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(products); i++)
        if (strncmp(kbli, products[i].prefix, strlen(products[i].prefix)) == 0)
            return &products[i];
    return &products[HT_ARRAY_LEN(products) - 1];
}

/* ---- small helpers
 * -------------------------------------------------------------------------- */
void fmt_wib_ts(int64_t t, char out[static 26])
{
    int64_t l = t + HT_WIB_OFFSET;
    int64_t days = l >= 0 ? l / 86400 : -((-l + 86399) / 86400);
    int64_t sec = l - days * 86400;
    struct ht_date d = date_from_days(days);

    char tmp[64];

    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", d.y, d.m, d.d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
    snprintf(out, 26, "%.25s", tmp);
}

void fmt_wib_date(int64_t t, char out[static 11])
{
    date_format(ts_to_wib_date(t), out);
}

const char *world_name(const struct sim_world *w, uint32_t off)
{
    return w->names + off;
}

const char *world_size_name(int size)
{
    static const char *const n[] = {"mikro", "kecil", "menengah", "besar"};

    return (size >= 0 && size < 4) ? n[size] : "mikro";
}

static int names_add(struct sim_world *w, const char *s, uint32_t *off)
{
    size_t n = strlen(s) + 1;

    if (w->names_len + n > w->names_cap) {
        size_t cap = w->names_cap ? w->names_cap * 2 : 1u << 20;
        char *p;

        while (cap < w->names_len + n)
            cap *= 2;
        if (cap > UINT32_MAX)
            return -1;
        p = realloc(w->names, cap);
        if (!p)
            return -1;
        w->names = p;
        w->names_cap = cap;
    }
    memcpy(w->names + w->names_len, s, n);
    *off = (uint32_t)w->names_len;
    w->names_len += n;
    return 0;
}

/* Where reference files live: the data directory every program uses (lib/paths.c). */
static const char *data_dir(void)
{
    return paths_datadir();
}

/* Splits one CSV line (commas, optional double quotes) in place. Returns the field count.
 */
static int csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;

    while (n < max) {
        if (*p == '"') {
            char *o = ++p;

            f[n++] = o;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *o++ = *p++;
            }
            if (*p == '"')
                p++;
            *o = '\0';
            if (*p == ',') {
                *p++ = '\0';
                continue;
            }
            break;
        }
        f[n++] = p;
        while (*p && *p != ',')
            p++;
        if (*p != ',')
            break;
        *p++ = '\0';
    }
    return n;
}

static void chomp(char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Loads the kelurahan of a region from every wilayah_*.csv in the data directory. */
static int load_regions(struct sim_world *w, const char *region, struct ht_err *err)
{
    const char *dir = data_dir();
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[1200], line[512];
    size_t cap = 0, prefix = strlen(region);
    int known = 0, rc = -1;
    /* kecamatan names, collected first (a file lists kecamatan before their kelurahan) */
    struct {
        char code[16], name[48];
    } kec[256];
    size_t nkec = 0;

    if (!d) {
        ht_err_set(err, HT_EIO, _("cannot open reference directory '%s': %s"), dir,
                   strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        FILE *fp;
        int lineno = 0;

        if (strncmp(de->d_name, "wilayah_", 8) != 0 || strlen(de->d_name) < 12 ||
            strcmp(de->d_name + strlen(de->d_name) - 4, ".csv"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        fp = fopen(path, "r");
        if (!fp) {
            ht_err_set(err, HT_EIO, _("cannot open '%s': %s"), path, strerror(errno));
            goto out;
        }
        while (fgets(line, sizeof(line), fp)) {
            char *f[4];

            lineno++;
            chomp(line);
            if (lineno == 1 || !*line)
                continue;
            if (csv_split(line, f, 4) != 4) {
                ht_err_set(err, HT_EPARSE,
                           _("%s:%d: expected 4 fields kode,nama,level,parent_kode"),
                           path, lineno);
                fclose(fp);
                goto out;
            }
            if (strcmp(f[0], region) == 0) {
                known = 1;
                if (!strcmp(f[2], "kabkota"))
                    snprintf(w->region_name, sizeof(w->region_name), "%s", f[1]);
            }
            if (strncmp(f[0], region, prefix) != 0 || f[0][prefix] != '.')
                continue;
            if (!strcmp(f[2], "kecamatan") && nkec < HT_ARRAY_LEN(kec)) {
                snprintf(kec[nkec].code, sizeof(kec[0].code), "%s", f[0]);
                snprintf(kec[nkec].name, sizeof(kec[0].name), "%s", f[1]);
                nkec++;
            } else if (!strcmp(f[2], "kelurahan")) {
                if (w->nkels == cap) {
                    struct sim_kel *p;

                    cap = cap ? cap * 2 : 64;
                    p = realloc(w->kels, cap * sizeof(*p));
                    if (!p) {
                        fclose(fp);
                        ht_err_set(err, HT_ENOMEM, _("out of memory"));
                        goto out;
                    }
                    w->kels = p;
                }
                snprintf(w->kels[w->nkels].code, sizeof(w->kels[0].code), "%s", f[0]);
                snprintf(w->kels[w->nkels].name, sizeof(w->kels[0].name), "%s", f[1]);
                snprintf(w->kels[w->nkels].kec, sizeof(w->kels[0].kec), "%s", f[3]);
                w->nkels++;
            }
        }
        fclose(fp);
    }
    if (!known) {
        ht_err_set(err, HT_EINVAL,
                   _("region '%s' is not in the reference data (%s/wilayah_*.csv)"),
                   region, dir);
        goto out;
    }
    if (!w->nkels) {
        ht_err_set(err, HT_EINVAL,
                   _("region '%s' has no kelurahan rows in the reference data (%s); "
                     "only regions with kelurahan are supported, e.g. '35.75'"),
                   region, dir);
        goto out;
    }
    /* replace each kelurahan's parent code by the kecamatan name */
    for (size_t i = 0; i < w->nkels; i++)
        for (size_t k = 0; k < nkec; k++)
            if (!strcmp(w->kels[i].kec, kec[k].code)) {
                snprintf(w->kels[i].kec, sizeof(w->kels[i].kec), "%s", kec[k].name);
                break;
            }
    if (!w->region_name[0]) {
        /* a kecamatan code was given: name it after the kecamatan */
        for (size_t k = 0; k < nkec; k++)
            if (!strcmp(kec[k].code, region))
                snprintf(w->region_name, sizeof(w->region_name), "%s", kec[k].name);
    }
    {
        size_t j = 0;

        for (const char *p = region; *p && j < 4; p++)
            if (*p >= '0' && *p <= '9')
                w->kode_region[j++] = *p;
        while (j < 4)
            w->kode_region[j++] = '0';
        w->kode_region[4] = '\0';
    }
    rc = 0;
out:
    closedir(d);
    return rc;
}

static int kbli_excluded(const char *code)
{
    static const char *const ex[] = {"11010", "11020", "11031", "56301",
                                     "56302", "10801", "10802"};

    for (size_t i = 0; i < HT_ARRAY_LEN(ex); i++)
        if (!strcmp(code, ex[i]))
            return 1;
    return 0;
}

static int load_kbli(struct sim_world *w, struct ht_err *err)
{
    char path[1200], line[512];
    FILE *fp;
    int lineno = 0;

    snprintf(path, sizeof(path), "%s/kbli_pangan.csv", data_dir());
    fp = fopen(path, "r");
    if (!fp) {
        ht_err_set(err, HT_EIO, _("cannot open '%s': %s"), path, strerror(errno));
        return -1;
    }
    w->kblis = calloc(256, sizeof(*w->kblis));
    if (!w->kblis) {
        fclose(fp);
        ht_err_set(err, HT_ENOMEM, _("out of memory"));
        return -1;
    }
    while (fgets(line, sizeof(line), fp)) {
        char *f[2];

        lineno++;
        chomp(line);
        if (lineno == 1 || !*line)
            continue;
        if (csv_split(line, f, 2) != 2 || ident_check_kbli(f[0], NULL) != 0) {
            ht_err_set(err, HT_EPARSE,
                       _("%s:%d: expected kode,judul with a 5-digit KBLI code"), path,
                       lineno);
            fclose(fp);
            return -1;
        }
        if (kbli_excluded(f[0]) || w->nkblis >= 256)
            continue;
        snprintf(w->kblis[w->nkblis].code, sizeof(w->kblis[0].code), "%s", f[0]);
        snprintf(w->kblis[w->nkblis].title, sizeof(w->kblis[0].title), "%s", f[1]);
        w->nkblis++;
    }
    fclose(fp);
    if (!w->nkblis) {
        ht_err_set(err, HT_EPARSE, _("'%s' has no usable KBLI rows"), path);
        return -1;
    }
    return 0;
}

/* ---- identifiers
 * ---------------------------------------------------------------------------- */
static uint32_t feistel_f(uint32_t x, uint64_t k)
{
    return (uint32_t)sim_mix((uint64_t)x ^ k);
}

static uint64_t feistel_enc(const struct sim_world *w, uint64_t v)
{
    uint32_t l = (uint32_t)(v >> 32), r = (uint32_t)v;

    for (int i = 0; i < 4; i++) {
        uint32_t t = r;

        r = l ^ feistel_f(r, w->feistel_key[i]);
        l = t;
    }
    return ((uint64_t)l << 32) | r;
}

static uint64_t feistel_dec(const struct sim_world *w, uint64_t v)
{
    uint32_t l = (uint32_t)(v >> 32), r = (uint32_t)v;

    for (int i = 3; i >= 0; i--) {
        uint32_t t = l;

        l = r ^ feistel_f(l, w->feistel_key[i]);
        r = t;
    }
    return ((uint64_t)l << 32) | r;
}

void world_id_reg(const struct sim_app *a, char out[static 37])
{
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a->hi >> 32),
             (unsigned)(a->hi >> 16 & 0xffff), (unsigned)(a->hi & 0xffff),
             (unsigned)(a->lo >> 48), (unsigned long long)(a->lo & 0xffffffffffffULL));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int world_find_id_reg(const struct sim_world *w, const char *s, uint32_t *idx)
{
    uint64_t hi = 0, lo = 0, v;
    int nd = 0;

    if (strlen(s) != 36)
        return 1;
    for (int i = 0; i < 36; i++) {
        int h;

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 1;
            continue;
        }
        h = hexval(s[i]);
        if (h < 0)
            return 1;
        if (nd < 16)
            hi = hi << 4 | (uint64_t)h;
        else
            lo = lo << 4 | (uint64_t)h;
        nd++;
    }
    v = feistel_dec(w, hi);
    if (v >= w->napps || w->apps[v].lo != lo)
        return 1;
    *idx = (uint32_t)v;
    return 0;
}

uint64_t world_nib_value(const struct sim_world *w, uint32_t msme)
{
    const uint64_t mod = 9000000000000ULL;
    uint64_t b = sim_hash3(w->p.seed, 0x4e4942, 0) % mod;

    return 1000000000000ULL + ((uint64_t)msme * 2654435761ULL + b) % mod;
}

void world_nib(const struct sim_world *w, uint32_t msme, char out[static 14])
{
    snprintf(out, 14, "%013llu", (unsigned long long)world_nib_value(w, msme));
}

void world_no_daftar(const struct sim_world *w, const struct sim_app *a,
                     char out[static 32])
{
    struct ht_date d = ts_to_wib_date(world_ts(w, w->events[a->ev_off].t));
    int cat = a->channel >= CH003 ? 2 : 1;

    snprintf(out, 32, "SH%04d-%d-%07u", d.y, cat, (unsigned)a->regno);
}

void world_cert_no(const struct sim_world *w, uint32_t seq, int64_t issued,
                   char out[static 20])
{
    struct ht_date d = ts_to_wib_date(issued);

    char tmp[64];

    snprintf(tmp, sizeof(tmp), "ID%.4s%09u%02d%02d", w->kode_region,
             (unsigned)(seq % 1000000000u), d.m, d.y % 100);
    snprintf(out, 20, "%.19s", tmp);
}

int world_app_cert_event(const struct sim_world *w, const struct sim_app *a)
{
    const struct sim_event *ev = world_app_ev(w, a);

    for (int i = a->n_ev - 1; i >= 0; i--)
        if (ev[i].code == C_OF300)
            return i;
    return -1;
}

void world_product(const struct sim_world *w, uint32_t msme, uint8_t variant, char *out,
                   size_t n)
{
    const struct product_words *pw = product_for(w->kblis[w->msmes[msme].kbli].code);
    struct sim_rng r = {sim_hash3(w->p.seed, msme, 0x50524f44)};
    const char *word = pw->words[rng_below(&r, 5)];

    snprintf(out, n, "%s %s", word, variants[(variant + rng_below(&r, 8)) % 8]);
}

/* ---- actors and comments
 * -------------------------------------------------------------------- */
static const char *const return_reasons[] = {
    "Dokumen NIB tidak sesuai dengan data pelaku usaha, mohon diperbaiki",
    "Foto produk dan proses produksi belum diunggah",
    "Daftar bahan belum lengkap, lengkapi bahan dan nama merek",
    "Manual SJPH belum sesuai format, mohon diperbaiki",
    "Alamat tempat produksi tidak sesuai dengan hasil verifikasi lapangan",
    "Nama produk mengandung nama yang tidak diperbolehkan, mohon diganti",
    "Bahan tidak dilengkapi sertifikat halal atau bukti pembelian",
    "KBLI tidak sesuai dengan jenis produk yang diajukan",
};
static const char *const fatwa_reasons[] = {
    "Komite Fatwa meminta klarifikasi bahan perisa yang digunakan",
    "Hasil pendampingan belum menjelaskan proses penyembelihan, mohon dilengkapi",
    "Terdapat bahan kritis yang belum dilengkapi dokumen kehalalan",
    "Nama produk perlu disesuaikan dengan ketentuan penamaan produk halal",
};

void world_actor(const struct sim_world *w, const struct sim_app *a, int i, char *out,
                 size_t n)
{
    const struct sim_event *ev = world_app_ev(w, a) + i;
    uint32_t v = ev->aux;
    char nib[14];

    switch (ev->code) {
    case C_OF1:
    case C_OF10:
        world_nib(w, a->msme, nib);
        snprintf(out, n, "pu.%s", nib);
        break;
    case C_OF11:
    case C_OF15:
    case C_OF280:
    case C_OF290:
        snprintf(out, n, "verifikator.bpjph%02u", v % 12 + 1);
        break;
    case C_OF50:
    case C_OF55:
    case C_OF60:
    case C_OF70:
        snprintf(out, n, "%s",
                 (const char *const[]){"lph.lppom.jatim", "lph.unair",
                                       "lph.sucofindo.sby", "lph.uinsa"}[v % 4]);
        break;
    case C_OF56:
        snprintf(out, n, "sistem.pembayaran");
        break;
    case C_OF71:
        snprintf(out, n, "p3h.%s%u", (v & 1) ? "siti" : "ahmad", v % 40 + 1);
        break;
    case C_OF72:
        snprintf(out, n, "lp3h.%s", (v & 1) ? "uinsa" : "nu.pasuruan");
        break;
    case C_OF74:
    case C_OF285:
        snprintf(out, n, "%s",
                 a->channel >= CH003 ? "komite.fatwa" : "komisi.fatwa.mui.jatim");
        break;
    case C_OF75:
    case C_OF80:
    case C_OF100:
        snprintf(out, n, "%s",
                 a->channel >= CH003 ? "komite.fatwa" : "komisi.fatwa.mui.jatim");
        break;
    case C_OF120:
    case C_OF300:
        snprintf(out, n, "penerbit.bpjph%02u", v % 5 + 1);
        break;
    default:
        snprintf(out, n, "sistem");
        break;
    }
}

const char *world_comment(const struct sim_world *w, const struct sim_app *a, int i)
{
    const struct sim_event *ev = world_app_ev(w, a) + i;

    switch (ev->code) {
    case C_OF280:
        return return_reasons[ev->aux % HT_ARRAY_LEN(return_reasons)];
    case C_OF285:
        return fatwa_reasons[ev->aux % HT_ARRAY_LEN(fatwa_reasons)];
    case C_OF290:
        return "Permohonan ditolak karena produk tidak memenuhi kriteria";
    case C_OF900:
        return "Permohonan dibatalkan";
    case C_OF10:
        return i > 1 ? "Pengajuan ulang setelah perbaikan" : "";
    case C_OF300:
        return "Sertifikat halal telah terbit";
    default:
        return "";
    }
}

/* ---- timelines
 * ------------------------------------------------------------------------------ */
#define MAX_EV 40
#define DAY 86400

struct tl {
    struct sim_event ev[MAX_EV];
    int n;
    int64_t t; /* relative to epoch */
};

static void emit(struct tl *tl, struct sim_rng *r, enum sim_code c, int64_t t)
{
    if (tl->n && t <= tl->t)
        t = tl->t + 60 + rng_below(r, 3600);
    tl->ev[tl->n].t = (uint32_t)t;
    tl->ev[tl->n].code = (uint8_t)c;
    tl->ev[tl->n].aux = (uint8_t)rng_below(r, 256);
    tl->n++;
    tl->t = t;
}

/* A time n working days after tl->t, during office hours (08:00-16:59 WIB). */
static int64_t after_wd(const struct sim_world *w, struct sim_rng *r, int64_t t, int n)
{
    struct ht_date d = ts_to_wib_date(w->epoch + t);
    struct ht_date e = calendar_add_working_days(w->cal, d, n);

    return wib_date_to_ts(e) - w->epoch + 8 * 3600 + rng_below(r, 9 * 3600);
}

/* Resolves every code on every channel with lib/steps.c, the table the client's clocks
 * use (no second copy here), into w->step. */
static void resolve_steps(struct sim_world *w)
{
    static const char *const ch[] = {"", "CH001", "CH002", "CH003", "CH004"};

    for (int k = CH001; k <= CH004; k++)
        for (int c = 0; c < C__COUNT; c++)
            w->step[k][c] = (uint8_t)steps_resolve(ch[k], sim_code_str[c],
                                                   stage_of_code(sim_code_str[c]))
                                .step;
}

/* The day BPJPH began enforcing the PP 42/2024 limits on reguler files in SIHALAL (5 Jan
 * 2026, disi.co.id; docs/halalsim.md, "Durations"). */
#define SLA_ENFORCED 1767546000 /* 2026-01-05 00:00 WIB */

/* The share of steps that run past their limit (docs/halalsim.md: assumptions, no
 * measured rate was found): 15%; a reguler step begun after the enforcement, 5%. */
static double late_share(const struct sim_world *w, enum ht_path path, int64_t t)
{
    return path == PATH_REGULER && w->epoch + t >= SLA_ENFORCED ? 0.05 : 0.15;
}

/* The working days a whole legal step takes, begun at t: uniform in 0..limit (the limit
 * of the step table under PP 42/2024, the rules BPJPH enforces), or late (limit+1 ..
 * 3×limit) at late_share. A step without a legal clock (the payer's payment, the
 * business's draft or revision) takes 0..5 (an assumption: the invoice is paid within a
 * week). */
static int draw_step_wd(const struct sim_world *w, struct sim_rng *r, enum ht_step st,
                        enum ht_path path, int64_t t)
{
    int limit = step_limit(st, path, SLA_PP42_2024);

    if (limit < 1)
        return (int)rng_below(r, 6);
    if (rng_unit(r) < late_share(w, path, t))
        return limit + 1 + (int)rng_below(r, (uint32_t)(limit * 2 > 2 ? limit * 2 : 2));
    return (int)rng_below(r, (uint32_t)limit + 1);
}

static enum sim_code next_on_path(enum sim_code c, int channel)
{
    static const enum sim_code reg[] = {C_OF10,  C_OF11,  C_OF15, C_OF50, C_OF55,
                                        C_OF56,  C_OF60,  C_OF70, C_OF75, C_OF80,
                                        C_OF100, C_OF120, C_OF300};
    static const enum sim_code sd3[] = {C_OF10,  C_OF71,  C_OF72, C_OF74,
                                        C_OF100, C_OF120, C_OF300};
    static const enum sim_code sd4[] = {C_OF10, C_OF56,  C_OF71,  C_OF72,
                                        C_OF74, C_OF100, C_OF120, C_OF300};
    const enum sim_code *p = channel == CH003 ? sd3 : channel == CH004 ? sd4 : reg;
    size_t n = channel == CH003   ? HT_ARRAY_LEN(sd3)
               : channel == CH004 ? HT_ARRAY_LEN(sd4)
                                  : HT_ARRAY_LEN(reg);

    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == c)
            return p[i + 1];
    return C_OF300;
}

/* Side exits taken when leaving status c: a return to the MSME, a rejection, a
 * cancellation. No rate was found published (research-sim-world.md §3): these follow the
 * assumed defaults there (docs/halalsim.md, "Where the numbers come from"): about 25% of
 * reguler and 15% of self-declare files returned at least once, 3% by the Komite Fatwa,
 * rejections about 1%. */
static enum sim_code side_exit(struct sim_rng *r, enum sim_code c, int selfdeclare,
                               int returns)
{
    double u = rng_unit(r);

    if (!selfdeclare) {
        if (c == C_OF11 && returns < 2 && u < 0.21)
            return C_OF280;
        if (c == C_OF15 && u < 0.005)
            return C_OF290;
        if (c == C_OF80 && returns < 2 && u < 0.04)
            return C_OF285;
        if (c == C_OF80 && u > 0.99)
            return C_OF290;
    } else {
        if (c == C_OF10 && returns < 2 && u < 0.03)
            return C_OF280;
        if (c == C_OF72 && returns < 2 && u < 0.08)
            return C_OF280;
        if (c == C_OF74 && returns < 2 && u < 0.03)
            return C_OF285;
        if (c == C_OF74 && u > 0.99)
            return C_OF290;
    }
    if (c == C_OF56 && u > 0.97)
        return C_OF900;
    return C__COUNT;
}

static void gen_timeline(const struct sim_world *w, struct sim_rng *r, int channel,
                         int64_t t0, struct tl *tl)
{
    int selfdeclare = channel >= CH003;
    enum ht_path path = selfdeclare ? PATH_SELF_DECLARE : PATH_REGULER;
    int returns = 0, left;
    enum sim_code c;
    double u;

    tl->n = 0;
    emit(tl, r, C_OF1, t0);
    u = rng_unit(r);
    if (u < 0.03)
        return; /* stays a draft */
    if (u < 0.05) {
        emit(tl, r, C_OF900, t0 + (5 + rng_below(r, 55)) * (int64_t)DAY);
        return;
    }
    emit(tl, r, C_OF10, t0 + rng_below(r, 7 * DAY));
    c = C_OF10;
    left = -1; /* working days left of the current step's drawn length; -1: a new step */
    while (tl->n < MAX_EV - 1) {
        enum sim_code x = side_exit(r, c, selfdeclare, returns);
        enum ht_step step = (enum ht_step)w->step[channel][c];
        enum sim_code nx = next_on_path(c, channel);
        int64_t t;
        int d, k = 1;

        /* The step's whole length is drawn when it begins; its codes share it, the last
         * one taking what is left (a step's clock runs from its first code to the first
         * code of the next step). */
        if (left < 0)
            left = draw_step_wd(w, r, step, path, tl->t);
        for (enum sim_code y = nx; y != C_OF300 && w->step[channel][y] == step;
             y = next_on_path(y, channel))
            k++;
        d = k == 1 || x != C__COUNT ? left
                                    : (int)rng_below(r, (uint32_t)(left / k * 2 + 1));
        if (d > left)
            d = left;
        left = k == 1 || x != C__COUNT ? -1 : left - d;
        t = after_wd(w, r, tl->t, d);
        if (x == C__COUNT) {
            c = nx;
            emit(tl, r, c, t);
            if (c == C_OF300)
                return;
            continue;
        }
        emit(tl, r, x, t);
        if (x == C_OF290 || x == C_OF900)
            return;
        /* returned: the MSME comes back after a while, or never, or gives up */
        returns++;
        u = rng_unit(r);
        if (u < 0.12)
            return;
        if (u < 0.20) {
            emit(tl, r, C_OF900, tl->t + (30 + rng_below(r, 60)) * (int64_t)DAY);
            return;
        }
        emit(tl, r, C_OF10,
             tl->t + (2 + rng_below(r, 24)) * (int64_t)DAY + rng_below(r, DAY));
        c = C_OF10;
        left = -1;
    }
}

/* ---- building the world
 * --------------------------------------------------------------------- */
static int pick_kbli(const struct sim_world *w, struct sim_rng *r)
{
    /* the common ones for micro food businesses first */
    static const char *const common[] = {"56101", "56103", "10794", "10710",
                                         "10792", "10793", "56102", "10799",
                                         "10779", "10399", "56303", "11090"};

    if (rng_unit(r) < 0.6) {
        const char *c = common[rng_below(r, HT_ARRAY_LEN(common))];

        for (size_t i = 0; i < w->nkblis; i++)
            if (!strcmp(w->kblis[i].code, c))
                return (int)i;
    }
    return (int)rng_below(r, (uint32_t)w->nkblis);
}

static int make_names(struct sim_world *w, struct sim_rng *r, struct sim_msme *m)
{
    int fem = rng_unit(r) < 0.55;
    const char *given = fem ? PICK(r, female) : PICK(r, male);
    const char *hon = fem ? PICK(r, honorific_f) : PICK(r, honorific_m);
    const struct product_words *pw = product_for(w->kblis[m->kbli].code);
    const char *word = pw->words[rng_below(r, 5)];
    char owner[96], biz[160];
    double u = rng_unit(r);

    /* a second given name for 75% of owners (Javanese names often have three words),
     * drawn from its own stream so that the rest of the world stays as it was */
    struct sim_rng r2 = {sim_hash3(w->p.seed, (uint64_t)(m - w->msmes), 0x4f574e32)};
    const char *mid =
        rng_unit(&r2) < 0.75 ? (fem ? PICK(&r2, female) : PICK(&r2, male)) : NULL;
    /* and a second word for 85% of the names built on a fortune word ("UD Barokah
     * Abadi"), from the same stream */
    const char *suffix = rng_unit(&r2) < 0.85 ? PICK(&r2, fortune_suffix) : NULL;

    snprintf(owner, sizeof(owner), "%s%s%s %s", given, mid ? " " : "", mid ? mid : "",
             PICK(r, family));
    if (m->size >= SZ_MENENGAH)
        snprintf(biz, sizeof(biz), "PT %s %s", PICK(r, fortune),
                 rng_unit(r) < 0.5 ? "Pangan" : "Food Indonesia");
    else if (m->size == SZ_KECIL || u < 0.2)
        snprintf(biz, sizeof(biz), "%s %s%s%s", rng_unit(r) < 0.7 ? "UD" : "CV",
                 PICK(r, fortune), suffix ? " " : "", suffix ? suffix : "");
    else if (u < 0.35)
        snprintf(biz, sizeof(biz), "%s %s%s%s", word, PICK(r, fortune), suffix ? " " : "",
                 suffix ? suffix : "");
    else
        snprintf(biz, sizeof(biz), "%s %s %s", word, hon, given);
    if (names_add(w, biz, &m->name_off) || names_add(w, owner, &m->owner_off))
        return -1;
    return 0;
}

/* The channel of an application by the business's size (docs/halalsim.md, "Where the
 * numbers come from": anchored on ~96% of certificates being free, mostly self-declare,
 * nationally; the split per size is an assumption). Self-declare is for micro and small
 * businesses only (Kepkaban 150/2022's turnover and capital caps). */
static int pick_channel(struct sim_rng *r, int size)
{
    double u = rng_unit(r);

    if (size == SZ_MIKRO)
        return u < 0.82 ? CH003 : u < 0.92 ? CH004 : u < 0.97 ? CH001 : CH002;
    if (size == SZ_KECIL)
        return u < 0.45 ? CH003 : u < 0.70 ? CH004 : u < 0.92 ? CH001 : CH002;
    return u < 0.85 ? CH001 : CH002;
}

static int push_app(struct sim_world *w, size_t *capapps, size_t *capev, uint32_t msme,
                    int channel, int jd, const struct tl *tl, struct sim_rng *r)
{
    struct sim_app *a;

    if (w->napps == *capapps) {
        size_t cap = *capapps ? *capapps * 2 : 1024;
        struct sim_app *p = realloc(w->apps, cap * sizeof(*p));

        if (!p)
            return -1;
        w->apps = p;
        *capapps = cap;
    }
    if (w->nevents + (size_t)tl->n > *capev) {
        size_t cap = *capev ? *capev * 2 : 16384;
        struct sim_event *p;

        while (cap < w->nevents + (size_t)tl->n)
            cap *= 2;
        p = realloc(w->events, cap * sizeof(*p));
        if (!p)
            return -1;
        w->events = p;
        *capev = cap;
    }
    a = &w->apps[w->napps];
    memset(a, 0, sizeof(*a));
    a->hi = feistel_enc(w, w->napps);
    a->lo = sim_hash3(w->p.seed, w->napps, 0x1d2e3f);
    a->msme = msme;
    a->ev_off = (uint32_t)w->nevents;
    a->n_ev = (uint8_t)tl->n;
    a->channel = (uint8_t)channel;
    a->jd = (uint8_t)jd;
    a->product = (uint8_t)rng_below(r, 8);
    a->regno = (uint32_t)(100000 + w->napps * 7 + rng_below(r, 7));
    {
        /* Whether the application uses one of the office's codes (its own stream, so the
         * rest of the world is what it was). Assumption: the office's reguler programme
         * funds 70% of the city's facilitated reguler applications (CH002; the rest use
         * the province's), and half of the city's SEHATI applications are accompanied
         * through the office's collaboration with the P3H (the SEHATI code is national,
         * shared with every P3H). */
        struct sim_rng o = {sim_hash3(w->p.seed, w->napps, 0x4f464943)};
        double u = rng_unit(&o);
        a->office = (channel == CH002 && u < 0.70) || (channel == CH003 && u < 0.50);
    }
    memcpy(w->events + w->nevents, tl->ev, (size_t)tl->n * sizeof(tl->ev[0]));
    w->nevents += (size_t)tl->n;
    w->napps++;
    return 0;
}

static const struct sim_world *sort_world;

static int cmp_order(const void *pa, const void *pb)
{
    const struct sim_world *w = sort_world;
    const struct sim_app *a = &w->apps[*(const uint32_t *)pa];
    const struct sim_app *b = &w->apps[*(const uint32_t *)pb];
    uint32_t ta = w->events[a->ev_off].t, tb = w->events[b->ev_off].t;

    if (ta != tb)
        return ta < tb ? -1 : 1;
    return a->hi < b->hi ? -1 : a->hi > b->hi;
}

/* The office's facilitation programmes: per year of the world, its reguler programme
 * (code FAS-<region>-<year>) and its share of the national SEHATI code, both issued
 * (OF320), and next year's reguler proposal still a draft without a code (OF1).
 * Quotas: SEHATI 1,000,000 a year up to 2025 and 1,350,000 in 2026 (national figures,
 * halal-certification.md 5.4); the office's reguler quota of 100 a year is an
 * assumption. */
static int make_programmes(struct sim_world *w)
{
    int y0 = ts_to_wib_date(w->p.start).y, y1 = ts_to_wib_date(w->p.now + 60 * DAY).y;
    size_t n = 0, cap = (size_t)(y1 - y0 + 1) * 2 + 1;

    w->progs = calloc(cap, sizeof(*w->progs));
    if (!w->progs)
        return -1;
    for (int y = y0; y <= y1 + 1 && n < cap; y++) {
        for (int k = 0; k < 2 && n < cap; k++) {
            struct sim_programme *g = &w->progs[n];
            struct sim_rng r = {
                sim_hash3(w->p.seed, (uint64_t)y, 0x50524f47u + (uint64_t)k)};
            struct ht_date d0 = {y, 1, 15}, d1 = {y, 12, 15};

            if (y > y1 && k == 1)
                continue; /* SEHATI of next year is not announced yet */
            snprintf(g->id, sizeof(g->id), "%08x-%04x-4%03x-a%03x-%012llx",
                     (unsigned)rng_next(&r), (unsigned)(rng_next(&r) & 0xffff),
                     (unsigned)(rng_next(&r) & 0xfff), (unsigned)(rng_next(&r) & 0xfff),
                     (unsigned long long)(rng_next(&r) & 0xffffffffffffULL));
            g->tahun = y;
            g->aktif = wib_date_to_ts(d0);
            g->selesai = wib_date_to_ts(d1);
            if (k == 0) {
                snprintf(g->name, sizeof(g->name),
                         "Fasilitasi Sertifikasi Halal Reguler UMK %s %d", w->region_name,
                         y);
                g->sumber_biaya = "APBD";
                g->jenis = "Reguler";
                g->kuota = 100;
                if (y <= y1)
                    snprintf(g->kode_fac, sizeof(g->kode_fac), "FAS-%s-%d",
                             w->kode_region, y);
                g->status = y <= y1 ? "OF320" : "OF1";
            } else {
                snprintf(g->name, sizeof(g->name),
                         "Sertifikasi Halal Gratis (SEHATI) %d - pendampingan %s", y,
                         w->region_name);
                g->sumber_biaya = "APBN";
                g->jenis = "Self Declare";
                g->kuota = y >= 2026 ? 1350000 : 1000000;
                snprintf(g->kode_fac, sizeof(g->kode_fac), "SEHATI%02d", y % 100);
                g->status = "OF320";
            }
            n++;
        }
    }
    w->nprogs = n;
    return 0;
}

const char *world_kode_fac(const struct sim_world *w, const struct sim_app *a, char *out,
                           size_t n)
{
    struct ht_date d = ts_to_wib_date(world_ts(w, world_app_ev(w, a)[0].t));

    if (a->channel == CH003)
        snprintf(out, n, "SEHATI%02d", d.y % 100);
    else if (a->channel == CH002 && a->office)
        snprintf(out, n, "FAS-%s-%04d", w->kode_region, d.y);
    else if (a->channel == CH002)
        snprintf(out, n, "FAS-35-%04d", d.y); /* the province's programme */
    else
        return NULL;
    return out;
}

const char *world_jenis(const struct sim_app *a)
{
    return a->channel >= CH003 ? "Self Declare" : "Reguler";
}

size_t world_code_used(const struct sim_world *w, const char *kode_fac, int64_t now)
{
    size_t vis = world_visible(w, now), n = 0;
    char code[24];

    for (size_t i = 0; i < vis; i++) {
        const char *c = world_kode_fac(w, &w->apps[w->order[i]], code, sizeof(code));
        n += c && strcmp(c, kode_fac) == 0;
    }
    return n;
}

static int build(struct sim_world *w, struct ht_err *err)
{
    size_t capapps = 0, capev = 0, capoc = 0;
    int64_t start = w->p.start - w->epoch;
    int64_t horizon = w->p.now + 60 * (int64_t)DAY - w->epoch;
    struct tl tl;

    w->msmes = calloc(w->p.msmes ? w->p.msmes : 1, sizeof(*w->msmes));
    if (!w->msmes)
        goto nomem;
    w->nmsmes = w->p.msmes;
    for (uint32_t i = 0; i < w->p.msmes; i++) {
        struct sim_rng r = {sim_hash3(w->p.seed, i, 0x4d534d45)};
        struct sim_msme *m = &w->msmes[i];
        double u = rng_unit(&r);
        int napply, channel;
        int64_t t0;

        m->size = u < 0.88    ? SZ_MIKRO
                  : u < 0.97  ? SZ_KECIL
                  : u < 0.995 ? SZ_MENENGAH
                              : SZ_BESAR;
        m->kbli = (uint8_t)pick_kbli(w, &r);
        m->kel = (uint16_t)rng_below(&r, (uint32_t)w->nkels);
        if (make_names(w, &r, m))
            goto nomem;
        if (rng_unit(&r) < 0.04) {
            /* certified through another programme (e.g. a provincial facilitation) */
            if (w->nocerts == capoc) {
                size_t cap = capoc ? capoc * 2 : 256;
                struct sim_ocert *p = realloc(w->ocerts, cap * sizeof(*p));

                if (!p)
                    goto nomem;
                w->ocerts = p;
                capoc = cap;
            }
            m->flags |= MSME_OTHER_CERT;
            w->ocerts[w->nocerts].msme = i;
            w->ocerts[w->nocerts].t =
                (uint32_t)(start - 300 * (int64_t)DAY + rng_below(&r, 390 * DAY));
            w->ocerts[w->nocerts].product = (uint8_t)rng_below(&r, 8);
            w->nocerts++;
        }
        u = rng_unit(&r);
        napply = (m->flags & MSME_OTHER_CERT) ? (u < 0.4) : (u < 0.75) + (u < 0.12);
        if (!napply)
            continue;
        channel = pick_channel(&r, m->size);
        if (channel == CH003)
            m->flags |= MSME_SEHATI;
        if (channel == CH002 || channel == CH003)
            m->flags |= MSME_PENDAMPINGAN;
        t0 = start + (int64_t)(rng_unit(&r) * (double)(horizon - start));
        gen_timeline(w, &r, channel, t0, &tl);
        if (push_app(w, &capapps, &capev, i, channel, 1, &tl, &r))
            goto nomem;
        if (napply > 1 && tl.ev[tl.n - 1].code == C_OF300) {
            /* a development application (JD.3, e.g. new products) after the first cert */
            int ch2 = rng_unit(&r) < 0.7 ? channel : CH001;

            t0 = tl.t + (30 + rng_below(&r, 170)) * (int64_t)DAY;
            gen_timeline(w, &r, ch2, t0, &tl);
            if (push_app(w, &capapps, &capev, i, ch2, 3, &tl, &r))
                goto nomem;
        }
    }
    {
        struct sim_rng r = {sim_hash3(w->p.seed, 0, 0x43455254)};

        w->cert_base = 100000000u + rng_below(&r, 100000000u);
        for (size_t k = 0; k < w->nocerts; k++)
            w->ocerts[k].seq = w->cert_base + (uint32_t)w->napps + (uint32_t)k;
    }
    w->order = malloc((w->napps ? w->napps : 1) * sizeof(*w->order));
    w->order_created = malloc((w->napps ? w->napps : 1) * sizeof(*w->order_created));
    if (!w->order || !w->order_created)
        goto nomem;
    for (size_t i = 0; i < w->napps; i++)
        w->order[i] = (uint32_t)i;
    sort_world = w;
    qsort(w->order, w->napps, sizeof(*w->order), cmp_order);
    sort_world = NULL;
    for (size_t i = 0; i < w->napps; i++)
        w->order_created[i] = world_ts(w, w->events[w->apps[w->order[i]].ev_off].t);
    w->office = malloc((w->napps ? w->napps : 1) * sizeof(*w->office));
    w->office_created = malloc((w->napps ? w->napps : 1) * sizeof(*w->office_created));
    if (!w->office || !w->office_created)
        goto nomem;
    for (size_t i = 0; i < w->napps; i++)
        if (w->apps[w->order[i]].office) {
            w->office[w->noffice] = w->order[i];
            w->office_created[w->noffice++] = w->order_created[i];
        }
    if (make_programmes(w) < 0)
        goto nomem;

    /* register rows: each MSME once, plus a few duplicated NIBs unless clean */
    w->reg_rows = malloc((w->nmsmes * 2 + 1) * sizeof(*w->reg_rows));
    if (!w->reg_rows)
        goto nomem;
    for (uint32_t i = 0; i < w->nmsmes; i++) {
        w->reg_rows[w->nreg_rows++] = i;
        if (!w->p.clean_register && sim_hash3(w->p.seed, i, 0x44495254) % 1000 == 999)
            w->reg_rows[w->nreg_rows++] = i | REG_DUP;
    }
    return 0;
nomem:
    ht_err_set(err, HT_ENOMEM, _("out of memory building the world"));
    return -1;
}

struct sim_world *world_new(const struct sim_params *p, struct ht_err *err)
{
    struct sim_world *w = calloc(1, sizeof(*w));

    if (!w) {
        ht_err_set(err, HT_ENOMEM, _("out of memory"));
        return NULL;
    }
    w->p = *p;
    if (p->msmes > 8000000) {
        ht_err_set(err, HT_EINVAL, _("at most 8000000 MSMEs are supported"));
        goto fail;
    }
    if (p->start >= p->now) {
        ht_err_set(err, HT_EINVAL,
                   _("the start date must be before the clock ('--now')"));
        goto fail;
    }
    w->epoch = p->start - 400 * (int64_t)DAY;
    for (int i = 0; i < 4; i++)
        w->feistel_key[i] = sim_hash3(p->seed, (uint64_t)i, 0x46454953);
    w->cal = calendar_load_default(err);
    if (!w->cal)
        goto fail;
    resolve_steps(w);
    if (load_regions(w, p->region, err) || load_kbli(w, err) || build(w, err))
        goto fail;
    return w;
fail:
    world_free(w);
    return NULL;
}

void world_free(struct sim_world *w)
{
    if (!w)
        return;
    calendar_free(w->cal);
    free(w->kels);
    free(w->kblis);
    free(w->msmes);
    free(w->names);
    free(w->apps);
    free(w->events);
    free(w->order);
    free(w->order_created);
    free(w->ocerts);
    free(w->reg_rows);
    free(w->office);
    free(w->office_created);
    free(w->progs);
    free(w);
}

/* How many of the n sorted creation times are at or before now (binary search). */
static size_t created_by(const int64_t *created, size_t n, int64_t now)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (created[mid] <= now)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t world_visible(const struct sim_world *w, int64_t now)
{
    return created_by(w->order_created, w->napps, now);
}

int world_detail_denied(const struct sim_world *w, uint32_t idx,
                        const struct sim_switches *sw)
{
    struct sim_rng r = {sim_hash3(w->p.seed, idx, 0x44454e59)};

    return sw->deny_detail > 0 && rng_unit(&r) < sw->deny_detail;
}

const char *status_as_name(int v)
{
    static const char *const n[] = {"code", "label", "mixed"};

    return v >= 0 && v <= 2 ? n[v] : "code";
}

int status_as_parse(const char *s)
{
    for (int i = 0; i <= STATUS_AS_MIXED; i++)
        if (!strcmp(s, status_as_name(i)))
            return i;
    return -1;
}

size_t world_office_visible(const struct sim_world *w, int64_t now)
{
    return created_by(w->office_created, w->noffice, now);
}

int world_app_cur(const struct sim_world *w, const struct sim_app *a, int64_t now)
{
    const struct sim_event *ev = world_app_ev(w, a);
    int64_t rel = now - w->epoch;
    int n = 0;

    if (rel < 0)
        return 0;
    while (n < a->n_ev && (int64_t)ev[n].t <= rel)
        n++;
    return n;
}

/* serve_bench: self-service lookups per second and their latency through halaltrack-serve
 * (issue 15), measured on loopback with libcurl keep-alive clients.
 *
 *   serve_bench --setup --db CONNINFO --pepper FILE --kdf KDF --msmes N --codes K > codes
 *       fills an empty, migrated schema "halaltrack" with N register MSMEs (two
 *       applications' worth of events each, in the real kelurahan of Kota Pasuruan) and
 *       gives K of them an access code (hashed as `msme issue-code` does); prints
 *       "NIB CODE" lines.
 *   serve_bench --url URL --codes FILE [--clients C] [--seconds S]
 *       C threads, each on one keep-alive connection, POST /api/v1/self-service/status
 *       with a random NIB of FILE and its right code, each request from another
 *       X-Forwarded-For address (the service must trust 127.0.0.1 as a proxy, so that the
 *       per-address throttle does not stop the benchmark). Prints one JSON object:
 *       requests, ok, errors, seconds, rps, p50/p90/p99/max latency in ms.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "bench_util.h"
#include "halaltrack/selfservice.h"
#include "halaltrack/store.h"
#include "halaltrack/store_selfservice.h"
#include "halaltrack/banned.h"

#define MAX_CLIENTS 256

struct pair {
    char nib[14];
    char code[16];
};

static struct pair *pairs;
static size_t npairs;
static const char *url;
static double deadline;

struct client {
    unsigned seed;
    long n, ok, errors;
    double *lat;
    size_t nlat, cap;
};

static size_t discard(char *p, size_t sz, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return sz * n;
}

static void *client_thread(void *arg)
{
    struct client *c = arg;
    CURL *h = curl_easy_init();
    char target[512], body[128], xff[64];

    snprintf(target, sizeof(target), "%s/api/v1/self-service/status", url);
    curl_easy_setopt(h, CURLOPT_URL, target);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    while (bench_now() < deadline) {
        const struct pair *p = &pairs[(size_t)rand_r(&c->seed) % npairs];
        struct curl_slist *hd = NULL;
        double t0 = bench_now(), dt;
        long code = 0;

        snprintf(body, sizeof(body), "{\"nib\": \"%s\", \"code\": \"%s\"}", p->nib,
                 p->code);
        snprintf(xff, sizeof(xff), "X-Forwarded-For: 10.%u.%u.%u",
                 (unsigned)rand_r(&c->seed) % 256, (unsigned)rand_r(&c->seed) % 256,
                 (unsigned)rand_r(&c->seed) % 254 + 1);
        hd = curl_slist_append(hd, xff);
        hd = curl_slist_append(hd, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        if (curl_easy_perform(h) == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        curl_slist_free_all(hd);
        dt = bench_now() - t0;
        c->n++;
        if (code == 200)
            c->ok++;
        else
            c->errors++;
        if (c->nlat == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 1024;
            c->lat = realloc(c->lat, c->cap * sizeof(*c->lat));
            if (!c->lat)
                abort();
        }
        c->lat[c->nlat++] = dt * 1000;
    }
    curl_easy_cleanup(h);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int load(const char *path)
{
    FILE *fp = fopen(path, "r");
    struct pair p;

    if (!fp)
        return -1;
    while (fscanf(fp, "%13s %15s", p.nib, p.code) == 2) {
        struct pair *np = realloc(pairs, (npairs + 1) * sizeof(*pairs));

        if (!np)
            return -1;
        pairs = np;
        pairs[npairs++] = p;
    }
    fclose(fp);
    return npairs ? 0 : -1;
}

static int run(int clients, double seconds)
{
    pthread_t t[MAX_CLIENTS];
    struct client c[MAX_CLIENTS];
    long n = 0, ok = 0, errors = 0;
    double *all = NULL, t0;
    size_t nall = 0;

    memset(c, 0, sizeof(c));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    t0 = bench_now();
    deadline = t0 + seconds;
    for (int i = 0; i < clients; i++) {
        c[i].seed = (unsigned)(i * 7919 + 17);
        pthread_create(&t[i], NULL, client_thread, &c[i]);
    }
    for (int i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        n += c[i].n;
        ok += c[i].ok;
        errors += c[i].errors;
        all = realloc(all, (nall + c[i].nlat + 1) * sizeof(*all));
        if (!all)
            abort();
        memcpy(all + nall, c[i].lat, c[i].nlat * sizeof(*all));
        nall += c[i].nlat;
        free(c[i].lat);
    }
    seconds = bench_now() - t0;
    qsort(all, nall, sizeof(*all), cmp_double);
#define PCT(q) (nall ? all[(size_t)((double)(nall - 1) * (q))] : 0.0)
    printf("{\"clients\": %d, \"requests\": %ld, \"ok\": %ld, \"errors\": %ld, "
           "\"seconds\": %.2f, \"rps\": %.1f, \"p50_ms\": %.1f, \"p90_ms\": %.1f, "
           "\"p99_ms\": %.1f, \"max_ms\": %.1f}\n",
           clients, n, ok, errors, seconds, (double)n / seconds, PCT(0.50), PCT(0.90),
           PCT(0.99), nall ? all[nall - 1] : 0.0);
    free(all);
    curl_global_cleanup();
    return errors ? 1 : 0;
}

static int setup(const char *db, const char *pepper_path, const char *kdf, long msmes,
                 long codes)
{
    struct ht_err err = HT_ERR_INIT;
    struct selfservice_pepper pep;
    struct store *s = store_open(db, "halaltrack", 0, &err);
    char sql[2048], nib[24], code[SELFSERVICE_CODE_TEXT], salt[SELFSERVICE_SALT_HEX],
        norm[SELFSERVICE_CODE_NORM], proof[SELFSERVICE_HEX], ver[SELFSERVICE_HEX];

    if (!s || selfservice_pepper_load(&pep, pepper_path, &err) < 0) {
        fprintf(stderr, "serve_bench: %s\n", err.msg);
        return 1;
    }
    /* NIBs 3575000000001.., spread over the city's kelurahan; two events each. */
    snprintf(
        sql, sizeof(sql),
        "INSERT INTO msme (nib, business_name, owner_name, kelurahan_code)"
        " SELECT lpad((3575000000000 + g)::text, 13, '0'), 'Usaha ' || g, 'Pemilik ' || "
        "g,"
        "  (SELECT code FROM region WHERE level = 'kelurahan' AND code LIKE '35.75.%%'"
        "    ORDER BY code OFFSET g %% 19 LIMIT 1)"
        " FROM generate_series(1, %ld) g;"
        "INSERT INTO application (id_reg, nib, msme_id, status_code, stage, stage_since,"
        " tgl_daftar) SELECT 'bench-' || id, nib, id, 'OF11', 'verification',"
        " now() - (id %% 40) * interval '1 day', now() - (id %% 40 + 5) * interval '1 "
        "day'"
        " FROM msme;"
        "INSERT INTO stage_event (application_id, status_code, stage, at)"
        " SELECT id, 'OF10', 'submitted', tgl_daftar FROM application UNION ALL"
        " SELECT id, 'OF11', 'verification', stage_since FROM application",
        msmes);
    if (store_exec(s, sql, &err) < 0) {
        fprintf(stderr, "serve_bench: %s\n", err.msg);
        return 1;
    }
    for (long i = 1; i <= codes; i++) {
        snprintf(nib, sizeof(nib), "%013lld", 3575000000000LL + (i * 7919) % msmes + 1);
        if (selfservice_make_code(code) < 0 || selfservice_make_salt(salt) < 0)
            return 1;
        selfservice_normalize(code, norm);
        if (selfservice_proof(&pep, norm, salt, kdf, proof, &err) < 0 ||
            selfservice_verifier(proof, ver) < 0 ||
            store_set_access_code(s, nib, salt, kdf, ver, &err) != 0) {
            fprintf(stderr, "serve_bench: %s %s\n", nib, err.msg);
            return 1;
        }
        printf("%s %s\n", nib, code);
    }
    selfservice_pepper_clear(&pep);
    store_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"setup", no_argument, NULL, 'S'},
        {"db", required_argument, NULL, 'd'},
        {"pepper", required_argument, NULL, 'p'},
        {"kdf", required_argument, NULL, 'k'},
        {"msmes", required_argument, NULL, 'm'},
        {"codes", required_argument, NULL, 'c'},
        {"url", required_argument, NULL, 'u'},
        {"clients", required_argument, NULL, 'n'},
        {"seconds", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *pepper = NULL, *kdf = SELFSERVICE_KDF_DEFAULT, *codes = NULL;
    long msmes = 10000, ncodes = 200;
    int c, do_setup = 0, clients = 8;
    double seconds = 10;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            do_setup = 1;
            break;
        case 'd':
            db = optarg;
            break;
        case 'p':
            pepper = optarg;
            break;
        case 'k':
            kdf = optarg;
            break;
        case 'm':
            msmes = strtol(optarg, NULL, 10);
            break;
        case 'c':
            codes = optarg;
            break;
        case 'u':
            url = optarg;
            break;
        case 'n':
            clients = (int)strtol(optarg, NULL, 10);
            break;
        case 's':
            seconds = strtod(optarg, NULL);
            break;
        default:
            return 2;
        }
    }
    if (do_setup) {
        ncodes = codes ? strtol(codes, NULL, 10) : ncodes;
        if (!pepper || msmes < 1 || ncodes < 1 || ncodes > msmes) {
            fprintf(stderr,
                    "serve_bench: --setup needs --pepper, 1 <= --codes <= --msmes\n");
            return 2;
        }
        return setup(db, pepper, kdf, msmes, ncodes);
    }
    if (!url || !codes || clients < 1 || clients > MAX_CLIENTS || load(codes) < 0) {
        fprintf(stderr, "serve_bench: --url URL --codes FILE [--clients 1..%d]\n",
                MAX_CLIENTS);
        return 2;
    }
    return run(clients, seconds);
}

/* Data-driven decoder tests: each tests/fixtures/api/<case>/input.json is decoded by the
 * decoder its name starts with (auth_, list_, detail_, programmes_, error_) and the
 * rendering compared with expected.txt, or the error message with error.txt. Adding a
 * case needs no C code.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/api.h"
#include "halaltrack/api_client.h"
#include "halaltrack/api_paths.h"
#include "halaltrack/status_label.h"
#include "test_util.h"

TestSuite(api);

static char *fixture_dir(void)
{
    const char *f = getenv("HT_FIXTURES");
    char *p = malloc(1024);
    snprintf(p, 1024, "%s/api", f ? f : "tests/fixtures");
    return p;
}

/* Decodes input with the decoder named by the case; writes the rendering to out or
 * returns -1 with err. */
static int decode_case(const char *name, const char *in, size_t len, FILE *out,
                       struct ht_err *err)
{
    int rc = -1;

    if (strncmp(name, "auth_", 5) == 0) {
        struct api_auth a;
        if ((rc = api_decode_auth(in, len, &a, err)) == 0) {
            api_auth_write(out, &a);
            api_auth_release(&a);
        }
    } else if (strncmp(name, "list_", 5) == 0) {
        struct api_page p;
        if ((rc = api_decode_page(in, len, NULL, &p, err)) == 0) {
            api_page_write(out, &p);
            api_page_release(&p);
        }
    } else if (strncmp(name, "detail_", 7) == 0) {
        struct api_detail d;
        if ((rc = api_decode_detail(in, len, &d, err)) == 0) {
            api_detail_write(out, &d);
            api_detail_release(&d);
        }
    } else if (strncmp(name, "programmes_", 11) == 0) {
        struct api_programme_page p;
        if ((rc = api_decode_programmes(in, len, &p, err)) == 0) {
            api_programme_page_write(out, &p);
            api_programme_page_release(&p);
        }
    } else if (strncmp(name, "error_", 6) == 0) {
        struct api_error e;
        if ((rc = api_decode_error(in, len, &e, err)) == 0) {
            api_error_write(out, &e);
            api_error_release(&e);
        }
    } else {
        cr_fatal("fixture '%s' has no known decoder prefix", name);
    }
    return rc;
}

Test(api, fixtures)
{
    char *dir = fixture_dir();
    DIR *d = opendir(dir);
    struct dirent *de;
    int cases = 0;

    cr_assert(d != NULL, "cannot open %s", dir);
    while ((de = readdir(d))) {
        char path[2048], *in, *want, *got = NULL;
        size_t len, glen = 0;
        struct ht_err err = HT_ERR_INIT;
        FILE *out;
        int rc, expect_ok;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s/input.json", dir, de->d_name);
        in = tu_read_file(path, &len);
        cr_assert(in != NULL, "missing %s", path);
        snprintf(path, sizeof(path), "%s/%s/expected.txt", dir, de->d_name);
        want = tu_read_file(path, NULL);
        expect_ok = want != NULL;
        if (!want) {
            snprintf(path, sizeof(path), "%s/%s/error.txt", dir, de->d_name);
            want = tu_read_file(path, NULL);
            cr_assert(want != NULL, "case %s has neither expected.txt nor error.txt",
                      de->d_name);
            want[strcspn(want, "\n")] = '\0';
        }
        out = open_memstream(&got, &glen);
        rc = decode_case(de->d_name, in, len, out, &err);
        fclose(out);
        if (expect_ok) {
            cr_assert(eq(int, rc, 0), "case %s: %s", de->d_name, err.msg);
            cr_assert(eq(str, got, want), "case %s", de->d_name);
        } else {
            cr_assert(eq(int, rc, -1), "case %s decoded but should fail", de->d_name);
            cr_assert(eq(int, err.code, HT_EPARSE), "case %s", de->d_name);
            cr_assert(eq(str, err.msg, want), "case %s", de->d_name);
        }
        free(in);
        free(want);
        free(got);
        cases++;
    }
    closedir(d);
    free(dir);
    cr_assert(cases >= 10, "only %d fixture cases found", cases);
}

Test(api, encode_auth_escapes)
{
    char *s = api_encode_auth("a@b.id", "p\"w\\x");
    cr_assert(eq(str, s, "{\"email\":\"a@b.id\",\"password\":\"p\\\"w\\\\x\"}"));
    free(s);
}

/* Issue 10 (low): an id_reg such as ".." never reaches a URL path: the decoder refuses
 * it, and the URL builder refuses it too and escapes whatever it lets through. */
Test(api, low_id_reg_dotdot_never_reaches_the_path)
{
    static const char *const bad[] = {"..", ".",   "...",  "a/b",     "a%2Fb",
                                      "",   "x y", "a\\b", "\xc3\xa9"};
    const char *page = "{\"code\":2000,\"data\":[{\"id_reg\":\"..\",\"no_daftar\":"
                       "\"SH2026-1-000001\",\"status\":\"OF10\"},{\"id_reg\":\"R-1.a_b\","
                       "\"no_daftar\":\"SH2026-1-000002\",\"status\":\"OF10\"}],"
                       "\"total_item\":2,\"current_page\":1,\"total_page\":1}";
    struct api_page p;
    struct ht_err err = HT_ERR_INIT;
    struct buf b = BUF_INIT(1024);
    const char *q[] = {"page", "1", "kode_fac", "A&B=C/D", "skip", "", NULL};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert(eq(int, api_id_valid(bad[i]), 0), "'%s' accepted", bad[i]);
        cr_assert(
            eq(int, api_url_build(&b, "http://h", API_DETAIL_REGULER, bad[i], NULL), -1),
            "'%s' built", bad[i]);
    }
    cr_assert(eq(int, api_id_valid("1c9a0e2b-0000-4a4a-8b8b-0123456789ab"), 1));
    cr_assert(eq(int, api_id_valid("a..b"), 1)); /* dots inside an id are harmless */
    cr_assert(eq(int, api_decode_page(page, strlen(page), NULL, &p, &err), 0), "%s",
              err.msg);
    cr_assert(eq(sz, p.n, 1));
    cr_assert(eq(str, p.items[0].id_reg, "R-1.a_b"));
    cr_assert(eq(sz, p.nbad, 1));
    api_page_release(&p);
    cr_assert(
        eq(int, api_url_build(&b, "http://h", API_DETAIL_REGULER, "R-1.a_b", NULL), 0));
    cr_assert(
        eq(str, (char *)buf_str(&b),
           "http://h/api/v1/halal-certificate-reguler/business-actor/R-1.a_b/detail"));
    cr_assert(eq(int, api_url_build(&b, "http://h", API_APPLICATIONS, NULL, q), 0));
    cr_assert(strstr(buf_str(&b), "?page=1&kode_fac=A%26B%3DC%2FD") != NULL, "%s",
              buf_str(&b));
    cr_assert(strstr(buf_str(&b), "skip") == NULL);
    buf_release(&b);
}

/* Issue 10 (low): upstream strings with newlines or terminal escapes are sanitised by
 * the decoder, before they can reach a log line, a listing or a report. */
Test(api, low_upstream_control_chars_sanitized)
{
    const char *body =
        "{\"code\":2000,\"data\":{\"certificate_halal\":{\"id_reg\":\"R1\","
        "\"nama_pu\":\"Toko\\nA\\u001b[31m\"},\"tracking\":[{\"status\":\"OF10\","
        "\"tanggal\":\"2026-05-02T09:10:11+07:00\",\"username\":\"u\\r\\nforged: yes\","
        "\"comment\":\"a\\u0085b\\tc\"}]}}";
    struct api_detail d;
    struct ht_err err = HT_ERR_INIT;

    cr_assert(eq(int, api_decode_detail(body, strlen(body), &d, &err), 0), "%s", err.msg);
    cr_assert(eq(str, d.nama_pu, "Toko A [31m"));
    cr_assert(eq(str, d.events[0].username, "u  forged: yes"));
    cr_assert(eq(str, d.events[0].comment, "a  b c"));
    api_detail_release(&d);
}

/* Issue 10 (low): (expires_in - 30) * 1000 must not overflow on a huge expires_in. */
Test(api, low_expires_in_overflow_is_clamped)
{
    cr_assert(eq(i64, api_token_ttl_ms(86400), (86400 - 30) * 1000LL));
    cr_assert(eq(i64, api_token_ttl_ms(0), 3600 * 1000LL));
    cr_assert(eq(i64, api_token_ttl_ms(-5), 3600 * 1000LL));
    cr_assert(eq(i64, api_token_ttl_ms(10), 60 * 1000LL));
    cr_assert(eq(i64, api_token_ttl_ms(LONG_MAX), (30LL * 86400 - 30) * 1000));
    cr_assert(eq(i64, api_token_ttl_ms(9223372036854775LL), (30LL * 86400 - 30) * 1000));
}

/* Every path is in the one table, on its host, and the simulator's router finds each
 * template again with its id. */
Test(api, every_path_in_one_table)
{
    struct buf b = BUF_INIT(1024);
    char id[64];

    for (int p = 0; p < API_PATH__COUNT; p++) {
        const struct api_path_def *d = api_path_get((enum api_path)p);
        const char *seg =
            strstr(d->tmpl, "{id}") ? "1c9a0b2e-0000-4000-8000-00000000abcd" : NULL;

        cr_assert(eq(int, (int)d->id, p), "row %d out of order", p);
        cr_assert(d->tmpl[0] == '/' && d->name && *d->name);
        cr_assert(eq(int,
                     api_url_build(&b, "http://127.0.0.1:1", (enum api_path)p, seg, NULL),
                     0));
        cr_assert(
            eq(int,
               api_path_match(buf_str(&b) + strlen("http://127.0.0.1:1"), id, sizeof(id)),
               p),
            "%s", buf_str(&b));
        if (seg)
            cr_assert(eq(str, id, (char *)seg));
    }
    cr_assert(eq(int, (int)api_path_get(API_AUTH)->host, API_HOST_AUTH));
    cr_assert(eq(int, (int)api_path_get(API_APPLICATIONS)->host, API_HOST_CORE));
    cr_assert(eq(str, (char *)api_path_get(API_APPLICATIONS)->tmpl,
                 "/api/v1/halal-certificate-reguler/inquiry"));
    buf_release(&b);
}

/* The label table built from the frontend's status maps: every label maps back to its
 * code whatever its case and spacing; codes pass through, known or not; an unknown label
 * and a label standing for several codes do not map. */
Test(api, status_labels_resolve_case_and_space_insensitive)
{
    char odd[128];

    cr_assert(status_label_count() > 30);
    for (size_t i = 0; i < status_label_count(); i++) {
        const struct status_label *l = status_label_at(i);
        size_t k = 0;

        cr_assert(l->seen_in && *l->seen_in, "label '%s' cites no file", l->label);
        /* "  dIKIRIM   kE ..." */
        odd[k++] = ' ';
        for (const char *p = l->label; *p && k + 3 < sizeof(odd); p++) {
            odd[k++] = (char)(*p >= 'a' && *p <= 'z'   ? *p - 32
                              : *p >= 'A' && *p <= 'Z' ? *p + 32
                                                       : *p);
            if (*p == ' ')
                odd[k++] = ' ';
        }
        odd[k] = '\0';
        cr_assert(eq(str, (char *)status_resolve(NULL, odd), (char *)l->code), "'%s'",
                  odd);
    }
    cr_assert(eq(str, (char *)status_resolve(NULL, "Dikembalikan Ke PU"), "OF280"));
    cr_assert(eq(str, (char *)status_resolve(NULL, "OF280"), "OF280"));
    cr_assert(eq(str, (char *)status_resolve(NULL, "OF9999"), "OF9999"));
    cr_assert(status_resolve(NULL, "Menunggu Verifikasi Ulang") == NULL);
    cr_assert(status_resolve(NULL, "Sudah Ver. LPH") == NULL);
    cr_assert(status_resolve(NULL, "") == NULL);
    cr_assert(eq(str, (char *)status_programme_meaning("OF320"), "Code issued"));
    cr_assert(eq(str, (char *)status_programme_meaning("OF12345"), "Unknown status"));
}

/* Data-driven decoder tests: each tests/fixtures/api/<case>/input.json is decoded by the
 * decoder its name starts with (auth_, list_, detail_, error_) and the rendering compared
 * with expected.txt, or the error message with error.txt. Adding a case needs no C code.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include "halaltrack/api.h"
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
        if ((rc = api_decode_page(in, len, &p, err)) == 0) {
            api_page_write(out, &p);
            api_page_release(&p);
        }
    } else if (strncmp(name, "detail_", 7) == 0) {
        struct api_detail d;
        if ((rc = api_decode_detail(in, len, &d, err)) == 0) {
            api_detail_write(out, &d);
            api_detail_release(&d);
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

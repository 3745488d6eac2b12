/* Recorded halalsim answers in tests/fixtures/sim/ (for decoder tests that want bytes
 * without a server) stay exactly what halalsim serves: this test replays the same
 * requests against a simulator with the same seed and clock and compares byte for byte.
 * With HT_UPDATE_FIXTURES=1 it rewrites the files instead. */
#include "sim_client.h"

struct fixture {
    const char *file;
    const char *method;
    const char *path; /* "@certified" / "@returned": the detail of such an application */
    const char *faults;
    int auth;
    long status;
};

static const struct fixture fixtures[] = {
    {"authenticate.json", "POST", "/api/authenticate", NULL, 0, 200},
    {"list_page1.json", "GET", "/api/v1/halal-certificate-reguler/inquiry?page=1&size=5",
     NULL, 1, 200},
    {"list_returned.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?size=3&status=OF280,OF285", NULL, 1, 200},
    {"detail_certified.json", "GET", "@certified", NULL, 1, 200},
    {"detail_returned.json", "GET", "@returned", NULL, 1, 200},
    {"search_sertifikat.json", "GET", "/api/search/sertifikat?size=3", NULL, 0, 200},
    {"error_400.json", "GET", "/api/v1/halal-certificate-reguler/inquiry?size=500", NULL,
     1, 400},
    {"error_401.json", "GET", "/api/v1/halal-certificate-reguler/inquiry", NULL, 0, 401},
    {"error_404.json", "GET",
     "/api/v1/halal-certificate-reguler/business-actor/"
     "00000000-0000-0000-0000-000000000000/"
     "detail",
     NULL, 1, 404},
    {"fault_truncate.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"truncate\":1}", 1,
     200},
    {"fault_malformed.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"malformed\":1}", 1,
     200},
    {"fault_bad_utf8.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"bad_utf8\":1}", 1,
     200},
    {"fault_unknown_code.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"unknown_code\":1}", 1,
     200},
    {"fault_missing_fields.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"missing_fields\":1}",
     1, 200},
    {"fault_string_numbers.json", "GET",
     "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5", "{\"string_numbers\":1}",
     1, 200},
    {"fault_detail_missing_tracking.json", "GET", "@certified", "{\"missing_fields\":1}",
     1, 200},
    {"programmes.json", "GET", "/api/v1/fasilitator/search?page=1&size=10", NULL, 1, 200},
    {"detail_self_declare.json", "GET", "@self_declare", NULL, 1, 200},
    {"fault_5xx.json", "GET", "/api/v1/halal-certificate-reguler/inquiry?page=2&size=5",
     "{\"error_5xx\":1}", 1, 0},
};

/* The id_reg of the first application (list order) whose truth matches. */
static void find_app(const struct sim_proc *sp, const char *what, char *path, size_t n)
{
    json_t *truth = sim_truth(sp, "/_sim/truth", NULL), *t;
    size_t i;

    json_array_foreach(truth, i, t)
    {
        int ok;

        if (!strcmp(what, "@certified"))
            ok = !strcmp(jstr(t, "status"), "OF300") &&
                 !strcmp(jstr(t, "jenis_daftar"), "Reguler");
        else if (!strcmp(what, "@self_declare"))
            ok = !strcmp(jstr(t, "jenis_daftar"), "Self Declare");
        else {
            char *d = json_dumps(json_object_get(t, "tracking"), 0);

            ok = d && strstr(d, "OF280") != NULL;
            free(d);
        }
        if (ok) {
            snprintf(path, n,
                     !strcmp(jstr(t, "jenis_daftar"), "Reguler")
                         ? "/api/v1/halal-certificate-reguler/business-actor/%s/detail"
                         : "/api/v1/halal-certificate-reguler/%s/detail",
                     jstr(t, "id_reg"));
            json_decref(truth);
            return;
        }
    }
    cr_assert_fail("no application for %s", what);
}

Test(sim_fixtures, recorded_answers_match, .timeout = 120)
{
    static const char *const args[] = {"--seed",       "42", "--msmes", "300",
                                       "--fault-seed", "7",  NULL};
    struct sim_proc sp;
    const char *update = getenv("HT_UPDATE_FIXTURES");
    char *token;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    sp = sim_start(args);
    token = sim_login(&sp);
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        const struct fixture *f = &fixtures[i];
        char path[512], file[512];
        struct http_res r;

        if (f->path[0] == '@')
            find_app(&sp, f->path, path, sizeof(path));
        else
            snprintf(path, sizeof(path), "%s", f->path);
        /* settings merge: switch every fault off, then on what this fixture wants */
        sim_set_faults(&sp, "{\"truncate\":0,\"malformed\":0,\"bad_utf8\":0,"
                            "\"unknown_code\":0,\"missing_fields\":0,"
                            "\"string_numbers\":0,\"error_5xx\":0}");
        if (f->faults)
            sim_set_faults(&sp, f->faults);
        r = http_do(&sp, f->method, path, f->auth ? token : NULL,
                    !strcmp(f->method, "POST") ? "{\"email\":\"" SIM_EMAIL
                                                 "\",\"password\":\"" SIM_PASSWORD "\"}"
                                               : NULL,
                    0);
        if (f->status)
            cr_assert_eq(r.status, f->status, "%s: status %ld", f->file, r.status);
        else
            cr_assert_geq(r.status, 500, "%s: status %ld", f->file, r.status);
        snprintf(file, sizeof(file), "%s", tu_src("tests/fixtures/sim/"));
        snprintf(file + strlen(file), sizeof(file) - strlen(file), "%s", f->file);
        if (update && *update == '1') {
            FILE *fp = fopen(file, "wb");

            cr_assert(fp, "cannot write %s", file);
            cr_assert_eq(fwrite(r.body, 1, r.len, fp), r.len);
            fclose(fp);
        } else {
            size_t len = 0;
            char *want = tu_read_file(file, &len);

            cr_assert(want, "missing fixture %s (regenerate with HT_UPDATE_FIXTURES=1)",
                      file);
            cr_assert(len == r.len && !memcmp(want, r.body, len),
                      "%s differs from what halalsim serves (if the change is intended, "
                      "regenerate with HT_UPDATE_FIXTURES=1)",
                      f->file);
            free(want);
        }
        http_res_release(&r);
    }
    free(token);
    cr_assert_eq(sim_stop(&sp), 0);
}

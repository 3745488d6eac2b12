/* Programme quotas (issue 14): `halaltrack programmes` with the run rate and outlook, the
 * weekly report's section in every format, and goals on a facilitation code (kode_fac:)
 * beside the register's programme tag (program:). On the reports' fixed history. */
#include <jansson.h>
#include "report_fixture.h"

static void setup(void)
{
    pgt_open();
    rf_load_history();
    /* FAS-A: 10 places until the end of March, used by A1 (certified), A3, A5; FAS-B: one
     * place, used twice. */
    pgt_exec(
        "INSERT INTO facilitation_programme (prog_key, kode_fac, tahun, fac_name, kuota,"
        " tgl_aktif, tgl_selesai, first_seen_at) VALUES"
        " ('FAS-A', 'FAS-A', 2025, 'Fasilitasi A', 10, '2025-11-01', '2026-03-31',"
        "  '2025-11-01'),"
        " ('FAS-B', 'FAS-B', 2025, 'Fasilitasi B', 1, '2025-11-01', '2026-03-31',"
        "  '2025-11-01')");
    pgt_exec(
        "UPDATE application SET kode_fac = 'FAS-A' WHERE id_reg IN ('A1', 'A3', 'A5')");
    pgt_exec("UPDATE application SET kode_fac = 'FAS-B' WHERE id_reg IN ('A2', 'A4')");
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(programme_quota, .init = setup, .fini = teardown);

static char *run_ok(const char *const *args)
{
    struct tu_result r = rf_run(RF_NOW, "en", args);
    char *out;

    cr_assert_eq(r.status, 0, "%s failed: %s", args[0], r.err);
    out = r.out;
    r.out = NULL;
    tu_result_release(&r);
    return out;
}

static json_t *find(json_t *arr, const char *code)
{
    size_t i;
    json_t *it;

    json_array_foreach(arr, i, it)
    {
        const char *c = json_string_value(json_object_get(it, "kode_fac"));
        if (c && strcmp(c, code) == 0)
            return it;
    }
    cr_assert_fail("programme %s not listed", code);
    return NULL;
}

static long jl(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_number(v), "member %s", k);
    return (long)json_number_value(v);
}

Test(programme_quota, programmes_shows_quota_run_rate_and_outlook)
{
    char *out = run_ok((const char *const[]){"programmes", "--format=json", NULL});
    json_error_t je;
    json_t *j = json_loads(out, 0, &je), *a, *b;
    long cert_a = pgt_long("SELECT count(*) FROM application WHERE kode_fac = 'FAS-A'"
                           " AND stage = 'certified'");

    cr_assert(j && json_is_array(j), "%s", out);
    a = find(j, "FAS-A");
    cr_assert_eq(jl(a, "used"), 3);
    cr_assert_eq(jl(a, "certified"), cert_a);
    cr_assert_eq(jl(a, "left"), 7);
    /* 2026-01-07 .. 2026-03-31 inclusive */
    cr_assert_eq(jl(a, "days_left"), 84);
    cr_assert_float_eq(json_number_value(json_object_get(a, "rate_needed")), 0.6, 1e-9);
    cr_assert_str_eq(json_string_value(json_object_get(a, "outlook")),
                     "will_leave_unused");
    cr_assert(json_array_size(json_object_get(a, "by_stage")) >= 1);
    b = find(j, "FAS-B");
    cr_assert_eq(jl(b, "left"), -1);
    cr_assert_str_eq(json_string_value(json_object_get(b, "outlook")), "overcommitted");
    json_decref(j);
    free(out);
    out = run_ok((const char *const[]){"programmes", NULL});
    cr_assert(strstr(out, "FAS-B: over-committed: quota 1, 2 applications: 1 over the "
                          "quota"),
              "%s", out);
    cr_assert(strstr(out, "FAS-A: will leave quota unused: quota 10, 3 used, 7 left; 84 "
                          "days (12.0 weeks) to 2026-03-31: needs 0.6/week"),
              "%s", out);
    free(out);
}

Test(programme_quota, stages_view_counts_each_programme_by_stage)
{
    cr_assert_eq(pgt_long("SELECT sum(applications) FROM v_programme_stage"
                          " WHERE kode_fac = 'FAS-A'"),
                 3);
    cr_assert_eq(pgt_long("SELECT count(*) FROM v_programme_stage s JOIN application a"
                          " ON a.kode_fac = s.kode_fac AND a.stage = s.stage"
                          " WHERE a.id_reg = 'A1'"),
                 1);
}

Test(programme_quota, weekly_report_has_the_section_in_every_format)
{
    const char *fmts[] = {"text", "csv", "json", "html"};
    const char *want[] = {"== Facilitation programmes", "programme,FAS-A.used,3",
                          "\"programmes\": [", "<table id=\"programmes\">"};
    const char *by_source[] = {
        "== Certified MSMEs by source", "certified_by_source,programme,",
        "\"certified_by_source\"", "<table id=\"certified_by_source\">"};

    for (size_t i = 0; i < 4; i++) {
        char *out =
            run_ok((const char *const[]){"report", "weekly", "--format", fmts[i], NULL});
        cr_assert(strstr(out, want[i]), "%s: no '%s' in\n%s", fmts[i], want[i], out);
        cr_assert(strstr(out, "FAS-B"), "%s", fmts[i]);
        cr_assert(strstr(out, by_source[i]), "%s: no '%s'", fmts[i], by_source[i]);
        free(out);
    }
}

Test(programme_quota, goal_on_a_facilitation_code_counts_its_applications_only)
{
    char *out;
    long want = pgt_long("SELECT count(DISTINCT msme_id) FROM application"
                         " WHERE kode_fac = 'FAS-A' AND stage = 'certified'"
                         " AND certificate_date >= '2025-11-01'");
    struct tu_result r = rf_run(
        RF_NOW, "en",
        (const char *const[]){"goal", "add", "--name=fas-a", "--scope=kode_fac:FAS-A",
                              "--metric=certified", "--target=10",
                              "--deadline=2026-03-31", "--start=2025-11-01", NULL});

    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = rf_run(RF_NOW, "en",
               (const char *const[]){"goal", "add", "--name=tag", "--scope=program:FAS-A",
                                     "--metric=applied", "--target=10",
                                     "--deadline=2026-03-31", "--start=2025-11-01",
                                     NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = rf_run(RF_NOW, "en",
               (const char *const[]){"goal", "add", "--name=nope",
                                     "--scope=kode_fac:NOPE", "--metric=certified",
                                     "--target=10", "--deadline=2026-03-31", NULL});
    cr_assert_neq(r.status, 0);
    cr_assert(strstr(r.err, "no facilitation programme with code 'NOPE'"), "%s", r.err);
    tu_result_release(&r);
    cr_assert(want >= 1);
    cr_assert_eq(pgt_long("SELECT done FROM v_goal_progress WHERE name = 'fas-a'"), want);
    /* the register's tag 'FAS-A' is on no MSME */
    cr_assert_eq(pgt_long("SELECT done FROM v_goal_progress WHERE name = 'tag'"), 0);
    out = run_ok((const char *const[]){"goal", "list", "--format=csv", NULL});
    cr_assert(strstr(out, "kode_fac:FAS-A"), "%s", out);
    free(out);
}

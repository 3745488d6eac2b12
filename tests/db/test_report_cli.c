/* status, goal, progress, funnel, overdue on the fixed history: goldens, exit statuses,
 * clear errors, 80-column tables, Indonesian and English. */
#include "report_fixture.h"

static void setup(void)
{
    pgt_open();
    rf_load_history();
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(report_cli, .init = setup, .fini = teardown);

static struct tu_result run(const char *lang, const char *const *args)
{
    return rf_run(RF_NOW, lang, args);
}

static void golden_run(const char *lang, const char *const *args, int status,
                       const char *golden)
{
    struct tu_result r = run(lang, args);

    cr_assert_eq(r.status, status, "%s %s: exit %d, stderr: %s", args[0],
                 args[1] ? args[1] : "", r.status, r.err);
    rf_golden(golden, r.out);
    tu_result_release(&r);
}

static void fits_80(const char *out)
{
    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n"), w = 0;

        for (size_t i = 0; i < n; i++)
            w += ((unsigned char)line[i] & 0xC0) != 0x80;
        cr_assert(w <= 80, "line of %zu columns: %.*s", w, (int)n, line);
        cr_assert(!memchr(line, '\033', n), "colour codes without a terminal");
        line += n + (line[n] == '\n');
    }
}

Test(report_cli, status_goldens_in_both_languages)
{
    const char *a[] = {"status", "3575010000002", NULL};
    const char *b[] = {"status", "3575020000003", NULL};
    const char *c[] = {"status", "--format", "json", "3575030000005", NULL};

    golden_run("id", a, 0, "status_late_id.txt");
    golden_run("en", a, 0, "status_late_en.txt");
    golden_run("id", b, 0, "status_returned_id.txt");
    golden_run("en", c, 0, "status_rejected_certified.json");
}

Test(report_cli, status_shows_breach_pause_and_next_step)
{
    const char *a[] = {"status", "3575010000002", NULL};
    const char *b[] = {"status", "3575020000003", NULL};
    struct tu_result r = run("id", a);

    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Keripik Pak Budi"));
    cr_assert(strstr(r.out, "Gentong"));
    /* The LPH's inspection: 34 working days against PP 42/2024's 10. */
    cr_assert(strstr(r.out, "LEWAT +24"), "%s", r.out);
    cr_assert(strstr(r.out, "Menunggu: LPH"), "%s", r.out);
    cr_assert(strstr(r.out, "Siapkan tempat usaha"), "%s", r.out);
    cr_assert(strstr(r.out, "Data per"), "%s", r.out);
    fits_80(r.out);
    tu_result_release(&r);
    r = run("en", b);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "paused"), "%s", r.out);
    cr_assert(strstr(r.out, "Legal clock: paused"), "%s", r.out);
    cr_assert(strstr(r.out, "Waiting on: MSME"), "%s", r.out);
    cr_assert(strstr(r.out, "Revise the application"), "%s", r.out);
    tu_result_release(&r);
}

Test(report_cli, status_errors_have_distinct_exit_codes)
{
    const char *bad[] = {"status", "12345", NULL};
    const char *unknown[] = {"status", "9999999999999", NULL};
    const char *unknown2[] = {"status", "1111111111111", NULL};
    const char *none[] = {"status", "3575030000006", NULL};
    struct tu_result r = run("en", bad);

    cr_assert_eq(r.status, 2, "malformed NIB: %d %s", r.status, r.err);
    cr_assert(strstr(r.err, "12345"), "%s", r.err);
    tu_result_release(&r);
    r = run("en", unknown);
    cr_assert_eq(r.status, 3, "%s", r.err);
    cr_assert(strstr(r.err, "not in the MSME register"), "%s", r.err);
    cr_assert(strstr(r.err, "1 application"), "applications upstream are mentioned: %s",
              r.err);
    tu_result_release(&r);
    r = run("en", unknown2);
    cr_assert_eq(r.status, 3);
    tu_result_release(&r);
    r = run("en", none);
    cr_assert_eq(r.status, 4, "%s", r.err);
    cr_assert(strstr(r.out, "Bakso Blandongan"), "the card is still shown: %s", r.out);
    cr_assert(strstr(r.err, "no halal certification application"), "%s", r.err);
    tu_result_release(&r);
}

Test(report_cli, progress_funnel_overdue_goldens)
{
    const char *p1[] = {"progress", NULL};
    const char *p2[] = {"progress", "--format", "csv", NULL};
    const char *p3[] = {"progress", "--by", "kecamatan", "--format", "json", NULL};
    const char *f1[] = {"funnel", "--format", "csv", NULL};
    const char *f2[] = {"funnel", NULL};
    const char *o1[] = {"overdue", "--format", "csv", NULL};
    const char *o2[] = {"overdue", NULL};

    golden_run("en", p1, 0, "progress_en.txt");
    golden_run("id", p1, 0, "progress_id.txt");
    golden_run("en", p2, 0, "progress.csv");
    golden_run("en", p3, 0, "progress_by_kecamatan.json");
    golden_run("en", f1, 0, "funnel.csv");
    golden_run("id", f2, 0, "funnel_id.txt");
    golden_run("en", o1, 0, "overdue.csv");
    golden_run("en", o2, 0, "overdue_en.txt");
}

/* The office's action list on the fixed history: A6 (CH004, OF10 since 22 Dec: the
 * business pays the self-declare fee) 9 working days, A3 (returned 31 Dec) 4; the legal
 * clocks of both stay paused. */
Test(report_cli, action_list_goldens)
{
    const char *a1[] = {"actions", NULL};
    const char *a2[] = {"actions", "--format", "csv", NULL};
    const char *a3[] = {"actions", "--by", "kecamatan", "--format", "json", NULL};
    const char *a4[] = {"actions", "--by", "kelurahan", NULL};
    struct tu_result r;

    golden_run("en", a1, 0, "actions_en.txt");
    golden_run("en", a2, 0, "actions.csv");
    golden_run("id", a3, 0, "actions_by_kecamatan.json");
    r = run("en", a4);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "cannot group by 'kelurahan'"), "%s", r.err);
    tu_result_release(&r);
}

Test(report_cli, tables_fit_80_columns)
{
    const char *cmds[][3] = {{"progress", NULL, NULL},
                             {"funnel", NULL, NULL},
                             {"overdue", NULL, NULL},
                             {"actions", NULL, NULL},
                             {"actions", "--by=kecamatan", NULL},
                             {"goal", "list", NULL},
                             {"report", "weekly", NULL}};

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        for (int l = 0; l < 2; l++) {
            struct tu_result r = run(l ? "en" : "id", cmds[i]);
            cr_assert_eq(r.status, 0, "%s: %s", cmds[i][0], r.err);
            fits_80(r.out);
            tu_result_release(&r);
        }
    }
}

Test(report_cli, progress_figures)
{
    const char *a[] = {"progress", "--format", "csv", NULL};
    struct tu_result r = run("en", a);

    cr_assert_eq(r.status, 0);
    /* Kota: A1 (30 Dec) and A8 (24 Dec) certified inside the window: 2 MSMEs. */
    cr_assert(strstr(r.out, "Kota Pasuruan 2026,kota,certified,2,10,20.0,"), "%s", r.out);
    /* Gadingrejo: only Warung Bu Sri. */
    cr_assert(strstr(r.out, "Gadingrejo SEHATI,kecamatan:35.75.01,certified,1,2,50.0,"),
              "%s", r.out);
    /* Applied, KBLI 10xxx: Keripik (10792), Sambal (10771), Roti (10710); Es Dawet is
     * 11040 and counts once although it has two applications. */
    cr_assert(strstr(r.out, "Pengajuan pangan,kbli:10,applied,3,4,75.0,"), "%s", r.out);
    tu_result_release(&r);
}

Test(report_cli, goal_add_list_remove)
{
    const char *add1[] = {"goal",       "add",
                          "--name",     "Purworejo 2026",
                          "--scope",    "kecamatan:Purworejo",
                          "--metric",   "certified",
                          "--target",   "20",
                          "--deadline", "2026-12-31",
                          "--start",    "2026-01-01",
                          NULL};
    const char *add2[] = {"goal",        "add",        "--name",
                          "Karangketug", "--scope",    "kelurahan:35.75.01.1001",
                          "--metric",    "applied",    "--target",
                          "5",           "--deadline", "2026-12-31",
                          NULL};
    const char *add3[] = {
        "goal",     "add",       "--name",   "SEHATI", "--scope",    "program:sehati2026",
        "--metric", "certified", "--target", "50",     "--deadline", "2026-12-31",
        NULL};
    const char *list[] = {"goal", "list", "--format", "csv", NULL};
    const char *rm[] = {"goal", "remove", "Karangketug", NULL};
    const char *rm2[] = {"goal", "remove", "Karangketug", NULL};
    struct tu_result r = run("en", add1);

    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run("en", add2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run("en", add3);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run("en", list);
    cr_assert_eq(r.status, 0);
    /* The kecamatan name is resolved to its code; start defaults to today (WIB). */
    cr_assert(
        strstr(r.out,
               "Purworejo 2026,kecamatan:35.75.02,certified,20,2026-01-01,2026-12-31"),
        "%s", r.out);
    cr_assert(strstr(r.out, "Karangketug,kelurahan:35.75.01.1001,applied,5,2026-01-07,"),
              "%s", r.out);
    cr_assert(strstr(r.out, "SEHATI,program:sehati2026,certified,50,"), "%s", r.out);
    tu_result_release(&r);
    r = run("en", rm);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run("en", rm2);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no goal named 'Karangketug'"), "%s", r.err);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM goal"), 5);
}

static void goal_error(const char *scope, const char *target, const char *deadline,
                       const char *start, const char *needle)
{
    const char *a[] = {"goal",
                       "add",
                       "--name",
                       "x",
                       "--scope",
                       scope,
                       "--metric",
                       "certified",
                       "--target",
                       target,
                       "--deadline",
                       deadline,
                       start ? "--start" : NULL,
                       start,
                       NULL};
    struct tu_result r = run("en", a);

    cr_assert_eq(r.status, 2, "scope %s target %s: exit %d %s", scope, target, r.status,
                 r.err);
    cr_assert(strstr(r.err, needle), "expected '%s' in: %s", needle, r.err);
    tu_result_release(&r);
}

Test(report_cli, goal_errors_are_clear)
{
    goal_error("desa:1", "10", "2026-12-31", NULL, "unknown scope 'desa:1'");
    goal_error("kecamatan:35.75.09", "10", "2026-12-31", NULL,
               "no kecamatan '35.75.09' in the region table");
    goal_error("kecamatan:35.75.01.1001", "10", "2026-12-31", NULL,
               "not a kecamatan code");
    goal_error("kelurahan:Atlantis", "10", "2026-12-31", NULL, "no kelurahan 'Atlantis'");
    goal_error("kbli:99", "10", "2026-12-31", NULL, "no KBLI code starts with '99'");
    goal_error("kota", "0", "2026-12-31", NULL, "target '0'");
    goal_error("kota", "ten", "2026-12-31", NULL, "target 'ten'");
    goal_error("kota", "10", "2026-02-30", NULL, "bad --deadline '2026-02-30'");
    goal_error("kota", "10", "2026-01-01", "2026-06-01", "is not after the start date");
    cr_assert_eq(pgt_long("SELECT count(*) FROM goal"), 3, "nothing was added");
}

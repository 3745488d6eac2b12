/* The legal clocks from the command line: an uncovered year warns (text, stderr, JSON),
 * calendar import (all rows or none, file:line errors, --replace), the settings of the
 * config file (db migrate --config), extensions recorded with halaltrack extension. */
#include <unistd.h>
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

TestSuite(clock_cli, .init = setup, .fini = teardown);

static struct tu_result run_at(const char *now, const char *lang, const char *const *args)
{
    return rf_run(now, lang, args);
}

/* A self-declare file submitted on 28 December 2026, still with its Pendamping PPH in
 * January 2027, a year the database has no holiday rows for. */
static void file_into_2027(void)
{
    pgt_exec(
        "INSERT INTO application (id_reg, no_daftar, tgl_daftar, nib, msme_id,"
        " channel_id, status_code, stage, stage_since, first_seen_at)"
        " SELECT 'B1', 'SH2026-1-000101', '2026-12-28 09:00+07', nib, id, 'CH003',"
        " 'OF10', 'submitted', '2026-12-28 09:00+07', '2026-12-28 10:00+07'"
        " FROM msme WHERE nib = '3575030000006';"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF10', 'submitted', '2026-12-28 09:00+07', '2026-12-28 10:00+07'"
        " FROM application WHERE id_reg = 'B1'");
}

Test(clock_cli, uncovered_year_warns_everywhere)
{
    const char *text[] = {"status", "3575030000006", NULL};
    const char *json[] = {"status", "--format", "json", "3575030000006", NULL};
    const char *over[] = {"overdue", "--format", "json", NULL};
    struct tu_result r;

    file_into_2027();
    /* 28 Dec .. 18 Jan: 29-31 Dec, 1 Jan (a weekday without holiday data), 4-8, 11-15,
     * 18 Jan = 15 working days against 10. */
    r = run_at("2027-01-18T10:00:00+07:00", "en", text);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "no holiday calendar for 2027"), "%s", r.out);
    cr_assert(strstr(r.out, "OVER +5"), "%s", r.out);
    tu_result_release(&r);
    r = run_at("2027-01-18T10:00:00+07:00", "id", json);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"calendar_gaps\": [\n        2027\n      ]"), "%s", r.out);
    cr_assert(strstr(r.err, "peringatan: kalender hari libur 2027 belum ada"), "%s",
              r.err);
    tu_result_release(&r);
    r = run_at("2027-01-18T10:00:00+07:00", "en", over);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "warning: no holiday calendar for 2027"), "%s", r.err);
    cr_assert(strstr(r.out, "\"calendar_gaps\": [\n      \"2027\"\n    ]"), "%s", r.out);
    cr_assert(strstr(r.out, "\"waits_on\": \"p3h\""), "%s", r.out);
    tu_result_release(&r);
    /* 2026 has its rows: no warning. */
    r = run_at("2026-12-31T10:00:00+07:00", "en", over);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.err, "warning"), "%s", r.err);
    tu_result_release(&r);
}

static char *csv_file(const char *text)
{
    return tu_write_temp(".csv", text, strlen(text));
}

Test(clock_cli, calendar_import_adds_a_year)
{
    char *good = csv_file("tanggal,nama,jenis\n"
                          "2027-01-01,Tahun Baru 2027 Masehi,libur_nasional\n"
                          "2027-01-04,Uji cuti bersama,cuti_bersama\n");
    const char *imp[] = {"calendar", "import", good, NULL};
    const char *rep[] = {"calendar", "import", "--replace", good, NULL};
    const char *list[] = {"calendar", "list", "--format", "csv", NULL};
    const char *text[] = {"status", "3575030000006", NULL};
    long before = pgt_long("SELECT count(*) FROM holiday");
    struct tu_result r;

    file_into_2027();
    r = run_at(RF_NOW, "en", imp);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "2 holiday rows imported"), "%s", r.out);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM holiday"), before + 2);
    r = run_at(RF_NOW, "en", list);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "year,libur_nasional,cuti_bersama\r\n"), "%s", r.out);
    cr_assert(strstr(r.out, "2024,19,10\r\n"), "%s", r.out);
    cr_assert(strstr(r.out, "2027,1,1\r\n"), "%s", r.out);
    tu_result_release(&r);
    /* Covered now: 1 and 4 January are holidays, no warning; 13 working days. */
    r = run_at("2027-01-18T10:00:00+07:00", "en", text);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "no holiday calendar"), "%s", r.out);
    cr_assert(strstr(r.out, "OVER +3"), "%s", r.out);
    tu_result_release(&r);
    /* A year already there is only replaced on request. */
    r = run_at(RF_NOW, "en", imp);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "year 2027 already has 2 holiday rows in the database: give "
                            "--replace"),
              "%s", r.err);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", rep);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "(2 rows replaced)"), "%s", r.out);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM holiday"), before + 2);
    unlink(good);
    free(good);
}

static void import_error(const char *text, const char *needle)
{
    char *f = csv_file(text);
    const char *imp[] = {"calendar", "import", f, NULL};
    long before = pgt_long("SELECT count(*) FROM holiday");
    struct tu_result r = run_at(RF_NOW, "en", imp);
    char where[4200];

    cr_assert_eq(r.status, 1, "%s", r.err);
    snprintf(where, sizeof(where), "%s:%s", f, needle);
    cr_assert(strstr(r.err, needle[0] == ' ' ? needle : where), "expected '%s' in %s",
              needle, r.err);
    cr_assert_eq(pgt_long("SELECT count(*) FROM holiday"), before, "nothing written");
    tu_result_release(&r);
    unlink(f);
    free(f);
}

Test(clock_cli, calendar_import_errors_name_file_and_line)
{
    import_error("tanggal,nama,jenis\n2027-01-01,Tahun Baru,libur_nasional\n"
                 "2027-02-30,Salah,libur_nasional\n",
                 "3: tanggal '2027-02-30' is not a date");
    import_error("tanggal,nama,jenis\n2027-01-01,Tahun Baru,libur_nasional\n"
                 "2027-03-10,Hari X,libur\n",
                 "3: jenis 'libur' is not one of libur_nasional, cuti_bersama");
    import_error("date,name,kind\n2027-01-01,Tahun Baru,libur_nasional\n",
                 "1: header is 'date,name,kind'");
    import_error("tanggal,nama,jenis\n2027-01-01,,libur_nasional\n", "2: nama is empty");
    import_error("tanggal,nama,jenis\n", " the file has no holiday rows");
}

Test(clock_cli, db_migrate_config_stores_the_settings)
{
    static const char conf[] = "[api]\nbase_url = http://127.0.0.1:1\n"
                               "[office]\nname = Diskopindag Kota Contoh\n"
                               "[calendar]\ncuti_bersama = working\n"
                               "[sla]\nrules = uu6_2023\n";
    static const char bad[] =
        "[office]\nname = Dinas\n[calendar]\ncuti_bersama = maybe\n";
    char *f = tu_write_temp(".conf", conf, strlen(conf));
    char *g = tu_write_temp(".conf", bad, strlen(bad));
    const char *mig[] = {"db", "migrate", "--config", f, NULL};
    const char *mig2[] = {"db", "migrate", "-c", g, NULL};
    const char *over[] = {"overdue", "--format", "csv", NULL};
    struct tu_result r = run_at(RF_NOW, "en", mig);
    char *v;

    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out,
                     "office 'Diskopindag Kota Contoh', cuti bersama working, rules "
                     "uu6_2023"),
              "%s", r.out);
    tu_result_release(&r);
    v = pgt_str("SELECT string_agg(key || '=' || value, ';' ORDER BY key) FROM setting");
    cr_assert_str_eq(
        v, "cuti_bersama=working;office_name=Diskopindag Kota Contoh;sla_rules=uu6_2023");
    free(v);
    /* UU 6/2023: the LPH has 15; with cuti bersama a working day, 26 December counts:
     * A2's inspection has 35 working days, 20 over. */
    r = run_at(RF_NOW, "en", over);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "A2,OF60,inspection,2025-11-17,35,15,0,false,20,"), "%s",
              r.out);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", mig2);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err,
                     ":4: key 'calendar.cuti_bersama': cuti_bersama 'maybe' is not "
                     "one of nonworking, working"),
              "%s", r.err);
    tu_result_release(&r);
    v = pgt_str("SELECT value FROM setting WHERE key = 'office_name'");
    cr_assert_str_eq(v, "Diskopindag Kota Contoh", "a bad file changes nothing");
    free(v);
    unlink(f), unlink(g);
    free(f), free(g);
}

Test(clock_cli, extension_lengthens_the_inspection)
{
    const char *add[] = {"extension",  "add",    "--date",
                         "2025-11-20", "--note", "surat LPH 12/XI/2025",
                         "A2",         "5",      NULL};
    const char *big[] = {"extension", "add", "A2", "11", NULL};
    const char *none[] = {"extension", "add", "A99", "3", NULL};
    const char *list[] = {"extension", "list", "--format", "csv", NULL};
    const char *status[] = {"status", "3575010000002", NULL};
    const char *rm[] = {"extension", "remove", "1", NULL};
    /* Recorded on 20 November: known to every clock after that. */
    struct tu_result r = run_at("2025-11-20T12:00:00+07:00", "en", add);

    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", list);
    cr_assert(strstr(r.out, "A2,SH2025-1-000002,inspection,5,2025-11-20,surat LPH"), "%s",
              r.out);
    tu_result_release(&r);
    /* 34 working days against 10 + 5. */
    r = run_at(RF_NOW, "en", status);
    cr_assert(strstr(r.out, "  34  10+5  OVER +19"), "%s", r.out);
    cr_assert(strstr(r.out, "Extension: extended by 5 working days"), "%s", r.out);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT days_overdue FROM sla_breach_at('2026-01-07 10:00+07')"
                          " WHERE id_reg = 'A2' AND extension_days = 5"),
                 19);
    /* Before it was recorded a report of that day stays as it was. */
    cr_assert_eq(
        pgt_long("SELECT s.extension_days FROM app_step_at('2025-11-20 11:00+07') s"
                 " JOIN application a ON a.id = s.application_id"
                 " WHERE a.id_reg = 'A2'"),
        0);
    cr_assert_eq(pgt_long("SELECT s.limit_days FROM app_step_at('2025-11-20 13:00+07') s"
                          " JOIN application a ON a.id = s.application_id"
                          " WHERE a.id_reg = 'A2'"),
                 15);
    r = run_at(RF_NOW, "en", big);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "invalid DAYS '11'"), "%s", r.err);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", none);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no application with id_reg or no_daftar 'A99'"), "%s",
              r.err);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", rm);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", rm);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no extension with id 1"), "%s", r.err);
    tu_result_release(&r);
}

/* The office's action list is aged in the office's own working days (cuti bersama never
 * counts, whatever the legal clocks' setting), names the facilitator's invoices, and the
 * weekly report carries it with the office's name and the deadline of PP 42/2024. */
Test(clock_cli, action_list_office_name_and_deadline)
{
    const char *act[] = {"actions", "--format", "csv", NULL};
    const char *wk[] = {"report", "weekly", "--no-record", NULL};
    const char *late[] = {"report", "weekly", "--week", "2026-W47", "--no-record", NULL};
    struct tu_result r;

    pgt_exec(
        "INSERT INTO application (id_reg, no_daftar, tgl_daftar, nib, msme_id,"
        " channel_id, status_code, stage, stage_since, first_seen_at)"
        " SELECT 'F1', 'SH2025-1-000201', '2025-12-15 09:00+07', nib, id, 'CH002',"
        " 'OF56', 'lph_assignment', '2025-12-22 09:00+07', '2025-12-15 10:00+07'"
        " FROM msme WHERE nib = '3575030000006';"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF56', 'lph_assignment', '2025-12-22 09:00+07',"
        " '2025-12-22 10:00+07' FROM application WHERE id_reg = 'F1';"
        "UPDATE setting SET value = 'working' WHERE key = 'cuti_bersama';"
        "UPDATE setting SET value = 'Diskopindag Kota Contoh' WHERE key = 'office_name'");
    /* 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan: 9 (25 Dec holiday, 26 Dec cuti bersama
     * never counted for the office, 1 Jan). */
    r = run_at(RF_NOW, "en", act);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out,
                     "\r\n9,facilitator_invoice,facilitator,3575030000006,Bakso"
                     " Blandongan,Blandongan,Bugul Kidul,,OF56,F1,2025-12-22,\r\n"),
              "%s", r.out);
    tu_result_release(&r);
    r = run_at(RF_NOW, "en", wk);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "Diskopindag Kota Contoh\nWEEKLY HALAL", 35) == 0, "%s",
              r.out);
    cr_assert(strstr(r.out, "Invoices the facilitator has to pay: 1"), "%s", r.out);
    cr_assert(strstr(r.out, "286 days left"), "%s", r.out);
    tu_result_release(&r);
    r = run_at("2026-11-25T10:00:00+07:00", "id", late);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* Past the deadline, as many days as the obligation has held on Sunday 22 Nov. */
    cr_assert(strstr(r.out, "Sertifikasi halal sudah wajib bagi usaha mikro dan kecil"),
              "%s", r.out);
    cr_assert(strstr(r.out, "kini 36 hari"), "%s", r.out);
    tu_result_release(&r);
}

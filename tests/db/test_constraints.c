/* The data model rejects bad rows itself: each statement is run and its SQLSTATE checked
 * (class 23, integrity constraint violation, with the exact code). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_test.h"

static void setup(void)
{
    pgt_open();
    /* Runs one statement and answers its SQLSTATE ('00000' when it succeeds). */
    pgt_exec("CREATE FUNCTION pg_temp.sqlstate_of(stmt text) RETURNS text"
             " LANGUAGE plpgsql AS $$ BEGIN EXECUTE stmt; RETURN '00000';"
             " EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE; END $$");
    pgt_exec("INSERT INTO msme (nib, business_name, kelurahan_code)"
             " VALUES ('3575010000001', 'Toko Satu', '35.75.01.1001')");
    pgt_exec("INSERT INTO application (id_reg, nib, status_code, stage, no_daftar)"
             " VALUES ('R-1', '3575010000001', 'OF10', 'submitted', 'SH2026-1-000001')");
    pgt_exec("INSERT INTO stage_event (application_id, status_code, stage, at)"
             " SELECT id, 'OF10', 'submitted', '2026-05-02T09:10:11+07' FROM application"
             " WHERE id_reg = 'R-1'");
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(constraints, .init = setup, .fini = teardown, .timeout = 60);

/* Asserts that stmt fails with SQLSTATE want (class = its first two characters). */
static void expect_state(const char *stmt, const char *want)
{
    size_t n = strlen(stmt) + 64;
    char *lit = malloc(n);
    char *state;

    cr_assert(lit);
    /* Dollar quoting with a tag the statements never contain. */
    snprintf(lit, n, "SELECT pg_temp.sqlstate_of($stmt$%s$stmt$)", stmt);
    state = pgt_str(lit);
    cr_assert(state);
    cr_assert(strncmp(state, want, 2) == 0, "class: got %s, want %s for: %s", state, want,
              stmt);
    cr_assert_str_eq(state, want, "got %s, want %s for: %s", state, want, stmt);
    free(state);
    free(lit);
}

static void expect_ok(const char *stmt)
{
    expect_state(stmt, "00000");
}

Test(constraints, msme_nib_format_and_uniqueness)
{
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('12345', 'X', '35.75.01.1001')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('35750100000ab', 'X', '35.75.01.1001')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES (NULL, 'X', '35.75.01.1001')",
                 "23502");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000001', 'Again', '35.75.01.1002')",
                 "23505");
    expect_ok("INSERT INTO msme (nib, business_name, kelurahan_code)"
              " VALUES ('3575010000002', 'Dua', '35.75.01.1002')");
}

Test(constraints, msme_region_must_be_a_known_kelurahan)
{
    /* A kecamatan code where a kelurahan belongs (the region exists). */
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000003', 'X', '35.75.01')",
                 "23514");
    /* A well-formed but unknown kelurahan code. */
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000003', 'X', '35.75.01.1008')",
                 "23503");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000003', 'X', NULL)",
                 "23502");
    expect_state("UPDATE msme SET kelurahan_code = '35.75.09.1001'", "23503");
}

Test(constraints, msme_field_checks)
{
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000004', '   ', '35.75.01.1001')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code)"
                 " VALUES ('3575010000004', repeat('x', 201), '35.75.01.1001')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code, size_class)"
                 " VALUES ('3575010000004', 'X', '35.75.01.1001', 'huge')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code, kbli)"
                 " VALUES ('3575010000004', 'X', '35.75.01.1001', '1071')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code, phone)"
                 " VALUES ('3575010000004', 'X', '35.75.01.1001', '08-abc')",
                 "23514");
    expect_state("INSERT INTO msme (nib, business_name, kelurahan_code, programs)"
                 " VALUES ('3575010000004', 'X', '35.75.01.1001', NULL)",
                 "23502");
    expect_ok(
        "INSERT INTO msme (nib, business_name, kelurahan_code, size_class, kbli, phone)"
        " VALUES ('3575010000004', 'X', '35.75.01.1001', 'mikro', '10710', '+62 "
        "812-345')");
}

Test(constraints, region_hierarchy)
{
    /* A kelurahan whose code does not start with its parent's. */
    expect_state("INSERT INTO region (code, name, level, parent_code)"
                 " VALUES ('35.75.02.1098', 'X', 'kelurahan', '35.75.01')",
                 "23514");
    /* A parent that does not exist. */
    expect_state("INSERT INTO region (code, name, level, parent_code)"
                 " VALUES ('35.99.01', 'X', 'kecamatan', '35.99')",
                 "23503");
    /* A code of the wrong shape for its level. */
    expect_state("INSERT INTO region (code, name, level, parent_code)"
                 " VALUES ('35.75.05', 'X', 'kelurahan', '35.75')",
                 "23514");
    expect_state("INSERT INTO region (code, name, level, parent_code)"
                 " VALUES ('35.75.01.1001', 'Dup', 'kelurahan', '35.75.01')",
                 "23505");
    expect_ok("INSERT INTO region (code, name, level, parent_code)"
              " VALUES ('35.75.02.1098', 'Baru', 'kelurahan', '35.75.02')");
}

Test(constraints, application_and_certificate)
{
    expect_state("INSERT INTO application (id_reg, status_code, stage)"
                 " VALUES ('R-1', 'OF10', 'submitted')",
                 "23505");
    expect_state("INSERT INTO application (id_reg, status_code, stage, no_daftar)"
                 " VALUES ('R-2', 'OF10', 'submitted', 'SH26-1-1')",
                 "23514");
    expect_state("INSERT INTO application (id_reg, status_code, stage, nib)"
                 " VALUES ('R-2', 'OF10', 'submitted', '123')",
                 "23514");
    expect_state("INSERT INTO application (id_reg, status_code, stage, channel_id)"
                 " VALUES ('R-2', 'OF10', 'submitted', 'CH3')",
                 "23514");
    /* Certificate number: ID followed by 17 digits. */
    expect_state(
        "INSERT INTO application (id_reg, status_code, stage, certificate_no,"
        " certificate_date) VALUES ('R-2', 'OF300', 'certified', 'ID3511000012345',"
        " '2026-05-01')",
        "23514");
    /* A number needs its date; an expiry must follow the date. */
    expect_state("INSERT INTO application (id_reg, status_code, stage, certificate_no)"
                 " VALUES ('R-2', 'OF300', 'certified', 'ID35110000123450124')",
                 "23514");
    expect_state(
        "INSERT INTO application (id_reg, status_code, stage, certificate_no,"
        " certificate_date, certificate_expiry) VALUES ('R-2', 'OF300', 'certified',"
        " 'ID35110000123450124', '2026-05-01', '2026-04-01')",
        "23514");
    expect_ok(
        "INSERT INTO application (id_reg, status_code, stage, certificate_no,"
        " certificate_date) VALUES ('R-2', 'OF300', 'certified', 'ID35110000123450124',"
        " '2026-05-01')");
}

Test(constraints, application_stage_must_be_known)
{
    /* The stage reference is deferred to commit: make it immediate to see the error. */
    pgt_exec("BEGIN");
    pgt_exec("SET CONSTRAINTS ALL IMMEDIATE");
    expect_state("INSERT INTO application (id_reg, status_code, stage)"
                 " VALUES ('R-3', 'OF10', 'no_such_stage')",
                 "23503");
    pgt_exec("ROLLBACK");
}

Test(constraints, stage_event_unique_and_append_only_shape)
{
    expect_state(
        "INSERT INTO stage_event (application_id, status_code, stage, at)"
        " SELECT id, 'OF10', 'submitted', '2026-05-02T02:10:11Z' FROM application"
        " WHERE id_reg = 'R-1'",
        "23505");
    /* The same code at another time is a new event. */
    expect_ok("INSERT INTO stage_event (application_id, status_code, stage, at)"
              " SELECT id, 'OF10', 'submitted', '2026-05-09T09:00:00+07' FROM application"
              " WHERE id_reg = 'R-1'");
    expect_state("INSERT INTO stage_event (application_id, status_code, stage, at)"
                 " VALUES (999999, 'OF10', 'submitted', now())",
                 "23503");
    expect_state(
        "INSERT INTO stage_event (application_id, status_code, stage, at)"
        " SELECT id, 'OF10', 'submitted', NULL FROM application WHERE id_reg = 'R-1'",
        "23502");
    /* Deleting an application takes its events with it. */
    pgt_exec("DELETE FROM application WHERE id_reg = 'R-1'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM stage_event"), 0);
}

Test(constraints, goals)
{
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kota', 'certified', 100, '2026-06-01', '2026-01-01')",
        "23514");
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kota', 'certified', 100, '2026-06-01', '2026-06-01')",
        "23514");
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kota', 'certified', 0, '2026-01-01', '2026-12-31')",
        "23514");
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kecamatan', 'certified', 5, '2026-01-01', '2026-12-31')",
        "23514");
    expect_state(
        "INSERT INTO goal (name, scope_kind, scope_value, metric, target, start_date,"
        " deadline) VALUES ('g1', 'kbli', '10a', 'certified', 5, '2026-01-01',"
        " '2026-12-31')",
        "23514");
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kota', 'happiness', 5, '2026-01-01', '2026-12-31')",
        "23514");
    expect_ok("INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
              " VALUES ('g1', 'kota', 'certified', 100, '2026-01-01', '2026-12-31')");
    expect_state(
        "INSERT INTO goal (name, scope_kind, metric, target, start_date, deadline)"
        " VALUES ('g1', 'kota', 'applied', 10, '2026-01-01', '2026-12-31')",
        "23505");
}

Test(constraints, bookkeeping_tables)
{
    expect_state(
        "INSERT INTO quarantine (source, reason, raw) VALUES ('email', 'x', 'y')",
        "23514");
    expect_state(
        "INSERT INTO report_run (kind, period, format, as_of, totals, totals_hash)"
        " VALUES ('weekly', '2026-W1', 'text', now(), '{}', repeat('a', 64))",
        "23514");
    expect_state(
        "INSERT INTO report_run (kind, period, format, as_of, totals, totals_hash)"
        " VALUES ('weekly', '2026-W01', 'text', now(), '{}', 'abc')",
        "23514");
    expect_state("INSERT INTO rate_budget (name, capacity, refill_rate, tokens)"
                 " VALUES ('b', 10, 1, -1)",
                 "23514");
    expect_state("INSERT INTO sync_run (daemon, started_at, finished_at)"
                 " VALUES ('d', '2026-01-02', '2026-01-01')",
                 "23514");
    expect_state("INSERT INTO sync_run (daemon, outcome) VALUES ('d', 'exploded')",
                 "23514");
}

Test(constraints, register_links_applications_by_nib)
{
    pgt_exec("INSERT INTO application (id_reg, nib, status_code, stage)"
             " VALUES ('R-9', '3575010000009', 'OF10', 'submitted')");
    cr_assert_eq(pgt_long("SELECT count(*) FROM application WHERE id_reg = 'R-9'"
                          " AND msme_id IS NULL"),
                 1);
    pgt_exec("INSERT INTO msme (nib, business_name, kelurahan_code)"
             " VALUES ('3575010000009', 'Sembilan', '35.75.04.1001')");
    cr_assert_eq(
        pgt_long("SELECT count(*) FROM application a JOIN msme m ON m.id = a.msme_id"
                 " WHERE a.id_reg = 'R-9' AND m.nib = '3575010000009'"),
        1);
    /* Removing the MSME keeps the application, unlinked. */
    pgt_exec("DELETE FROM msme WHERE nib = '3575010000009'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM application WHERE id_reg = 'R-9'"
                          " AND msme_id IS NULL"),
                 1);
}

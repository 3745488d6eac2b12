/* raw_pg: the PostgreSQL write limit for the benchmark. Writes the application and
 * stage_event rows of a halalsim ground-truth dump the way the fastest possible writer
 * would: COPY into temporary staging tables, then one set-based merge per table, in one
 * transaction. No HTTP, no JSON in the timed part (the dump is decoded beforehand).
 *
 *   raw_pg --truth FILE [--schema NAME]     (connection from the PG* environment)
 *
 * Prints one JSON object to stdout: rows, seconds and rates of a warm-up run (discarded;
 * --no-warmup skips it),
 * the measured initial write into empty tables, and a second merge of the same rows
 * (nothing changed: what an unchanged re-merge costs). The schema must be migrated
 * (`halaltrack --schema NAME db migrate`); its application rows are truncated. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libpq-fe.h>
#include "halaltrack/stage.h"
#include "bench_util.h"
#include "common.h"
#include "halaltrack/banned.h"

#define COPY_CHUNK (256 * 1024)

struct staged {
    FILE *apps;   /* COPY text of raw_app_stage */
    FILE *events; /* COPY text of raw_ev_stage */
    long n_apps;
    long n_events;
    long bytes; /* size of the truth file */
};

struct timing {
    double copy_s, merge_app_s, merge_ev_s, total_s;
    long apps_written, events_written;
};

static int exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok =
        PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

    if (!ok)
        fprintf(stderr, "raw_pg: statement failed: %s\nstatement: %.200s\n",
                PQerrorMessage(c), sql);
    PQclear(r);
    return ok ? 0 : -1;
}

/* Runs a command and returns its affected row count, or -1. */
static long exec_count(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long n = -1;

    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        n = strtol(PQcmdTuples(r), NULL, 10);
    else
        fprintf(stderr, "raw_pg: statement failed: %s\nstatement: %.200s\n",
                PQerrorMessage(c), sql);
    PQclear(r);
    return n;
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Decodes the truth dump (JSON lines) into COPY text in two temporary files. */
static int stage_truth(const char *path, struct staged *st)
{
    FILE *in = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = -1;

    if (!in) {
        fprintf(stderr, "raw_pg: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    st->apps = tmpfile();
    st->events = tmpfile();
    if (!st->apps || !st->events) {
        fprintf(stderr, "raw_pg: cannot create temporary files: %s\n", strerror(errno));
        goto out;
    }
    while ((len = getline(&line, &cap, in)) > 0) {
        json_error_t jerr;
        json_t *o, *tr, *ev;
        const char *status, *cert, *cert_date = NULL, *since = NULL;
        size_t i;

        lineno++;
        st->bytes += len;
        o = json_loadb(line, (size_t)len, 0, &jerr);
        if (!o || !jstr(o, "id_reg") || !jstr(o, "status")) {
            fprintf(stderr, "raw_pg: '%s':%ld: not a truth record: %s\n", path, lineno,
                    o ? "missing id_reg or status" : jerr.text);
            json_decref(o);
            goto out;
        }
        status = jstr(o, "status");
        cert = jstr(o, "nomor_sertifikat");
        tr = json_object_get(o, "tracking");
        json_array_foreach(tr, i, ev)
        {
            const char *code = jstr(ev, "status"), *at = jstr(ev, "tanggal");

            if (!code || !at)
                continue;
            if (!strcmp(code, status))
                since = at;
            if (!strcmp(code, "OF300"))
                cert_date = at;
            bench_copy_field(st->events, jstr(o, "id_reg"));
            fputc('\t', st->events);
            bench_copy_field(st->events, code);
            fputc('\t', st->events);
            bench_copy_field(st->events, stage_name(stage_of_code(code)));
            fputc('\t', st->events);
            bench_copy_field(st->events, at);
            fputc('\t', st->events);
            bench_copy_field(st->events, jstr(ev, "username"));
            fputc('\t', st->events);
            bench_copy_field(st->events, jstr(ev, "comment"));
            fputc('\n', st->events);
            st->n_events++;
        }
        {
            const char *f[] = {jstr(o, "id_reg"),
                               jstr(o, "no_daftar"),
                               jstr(o, "tgl_daftar"),
                               jstr(o, "nib"),
                               jstr(o, "channel_id"),
                               jstr(o, "jenis_daftar"),
                               status,
                               stage_name(stage_of_code(status)),
                               since,
                               cert && cert_date ? cert : NULL,
                               cert ? cert_date : NULL};

            for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
                if (k)
                    fputc('\t', st->apps);
                bench_copy_field(st->apps, f[k]);
            }
            fputc('\n', st->apps);
        }
        st->n_apps++;
        json_decref(o);
    }
    if (ferror(in) || ferror(st->apps) || ferror(st->events) || fflush(st->apps) ||
        fflush(st->events)) {
        fprintf(stderr, "raw_pg: i/o error staging '%s'\n", path);
        goto out;
    }
    rc = 0;
out:
    free(line);
    fclose(in);
    return rc;
}

static int copy_file(PGconn *c, const char *sql, FILE *fp)
{
    PGresult *r = PQexec(c, sql);
    char chunk[COPY_CHUNK];
    size_t n;
    int ok;

    if (PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "raw_pg: cannot start COPY: %s\n", PQerrorMessage(c));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    rewind(fp);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (PQputCopyData(c, chunk, (int)n) != 1) {
            fprintf(stderr, "raw_pg: COPY failed: %s\n", PQerrorMessage(c));
            return -1;
        }
    }
    if (PQputCopyEnd(c, NULL) != 1) {
        fprintf(stderr, "raw_pg: COPY failed: %s\n", PQerrorMessage(c));
        return -1;
    }
    r = PQgetResult(c);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "raw_pg: COPY failed: %s\n", PQerrorMessage(c));
    PQclear(r);
    while ((r = PQgetResult(c)))
        PQclear(r);
    return ok ? 0 : -1;
}

/* The merge the daemon's writer would do: insert new applications, update changed ones
 * only, insert events idempotently. */
static const char MERGE_APP[] =
    "INSERT INTO application AS a (id_reg, no_daftar, tgl_daftar, nib, msme_id, "
    "channel_id,"
    " jenis_daftar, status_code, stage, stage_since, certificate_no, certificate_date,"
    " detail_needed, detail_at, next_poll_at)"
    " SELECT s.id_reg, s.no_daftar, s.tgl_daftar::timestamptz, s.nib,"
    " (SELECT m.id FROM msme m WHERE m.nib = s.nib), s.channel_id, s.jenis_daftar,"
    " s.status_code, s.stage, s.stage_since::timestamptz, s.certificate_no,"
    " s.certificate_date::timestamptz::date, false, now(), now() + interval '1 hour'"
    " FROM raw_app_stage s"
    " ON CONFLICT (id_reg) DO UPDATE SET status_code = EXCLUDED.status_code,"
    " stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since,"
    " certificate_no = EXCLUDED.certificate_no, certificate_date = "
    "EXCLUDED.certificate_date,"
    " observed_at = now(), detail_at = now()"
    " WHERE (a.status_code, a.stage_since, a.certificate_no)"
    " IS DISTINCT FROM (EXCLUDED.status_code, EXCLUDED.stage_since, "
    "EXCLUDED.certificate_no)";

static const char MERGE_EV[] =
    "INSERT INTO stage_event (application_id, status_code, stage, at, actor, comment)"
    " SELECT a.id, e.status_code, e.stage, e.at::timestamptz, e.actor, e.comment"
    " FROM raw_ev_stage e JOIN application a ON a.id_reg = e.id_reg"
    " ON CONFLICT (application_id, status_code, at) DO NOTHING";

static int run_once(PGconn *c, struct staged *st, struct timing *t)
{
    double t0 = bench_now(), t1, t2, t3;

    memset(t, 0, sizeof(*t));
    if (exec_ok(c, "BEGIN") || copy_file(c, "COPY raw_app_stage FROM STDIN", st->apps) ||
        copy_file(c, "COPY raw_ev_stage FROM STDIN", st->events))
        return -1;
    t1 = bench_now();
    if ((t->apps_written = exec_count(c, MERGE_APP)) < 0)
        return -1;
    t2 = bench_now();
    if ((t->events_written = exec_count(c, MERGE_EV)) < 0 || exec_ok(c, "COMMIT"))
        return -1;
    t3 = bench_now();
    t->copy_s = t1 - t0;
    t->merge_app_s = t2 - t1;
    t->merge_ev_s = t3 - t2;
    t->total_s = t3 - t0;
    return 0;
}

static void print_timing(const char *name, const struct timing *t,
                         const struct staged *st, int last)
{
    printf(
        "  \"%s\": {\"seconds\": %.3f, \"copy_s\": %.3f, \"merge_application_s\": %.3f,"
        " \"merge_stage_event_s\": %.3f, \"applications_written\": %ld,"
        " \"events_written\": %ld, \"applications_per_s\": %.0f, \"rows_per_s\": "
        "%.0f}%s\n",
        name, t->total_s, t->copy_s, t->merge_app_s, t->merge_ev_s, t->apps_written,
        t->events_written, st->n_apps / t->total_s,
        (st->n_apps + st->n_events) / t->total_s, last ? "" : ",");
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage:\n  raw_pg --truth FILE [--schema NAME] [--no-warmup]\n\n"
            "Writes the rows of a halalsim truth dump with COPY + one merge and prints\n"
            "the write rate as JSON. Connection from the PG* environment variables.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"truth", required_argument, NULL, 't'},
        {"schema", required_argument, NULL, 's'},
        {"no-warmup", no_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *truth = NULL, *schema = "raw_bench";
    struct staged st = {0};
    struct timing warm, init, again;
    PGconn *c = NULL;
    double t0;
    int ch, rc = 1, warmup = 1;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 't':
            truth = optarg;
            break;
        case 's':
            schema = optarg;
            break;
        case 'W':
            warmup = 0;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!truth || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (bench_schema_ok("raw_pg", schema))
        return 2;
    t0 = bench_now();
    if (stage_truth(truth, &st))
        goto out;
    fprintf(stderr, "raw_pg: staged %ld applications, %ld events in %.2f s\n", st.n_apps,
            st.n_events, bench_now() - t0);
    if (!(c = bench_pg_connect("raw_pg", schema, "SET statement_timeout = 0")) ||
        exec_ok(c, "CREATE TEMP TABLE raw_app_stage (id_reg text, no_daftar text,"
                   " tgl_daftar text, nib text, channel_id text, jenis_daftar text,"
                   " status_code text, stage text, stage_since text, certificate_no text,"
                   " certificate_date text) ON COMMIT DELETE ROWS") ||
        exec_ok(
            c, "CREATE TEMP TABLE raw_ev_stage (id_reg text, status_code text,"
               " stage text, at text, actor text, comment text) ON COMMIT DELETE ROWS") ||
        exec_ok(c, "TRUNCATE application CASCADE"))
        goto out;
    /* The first run after a cluster start is slower (TOOLCHAIN.md): warm up, discard. */
    memset(&warm, 0, sizeof(warm));
    if ((warmup &&
         (run_once(c, &st, &warm) || exec_ok(c, "TRUNCATE application CASCADE"))) ||
        exec_ok(c, "CHECKPOINT") || run_once(c, &st, &init) || run_once(c, &st, &again))
        goto out;
    printf("{\n  \"applications\": %ld,\n  \"events\": %ld,\n  \"truth_bytes\": %ld,\n",
           st.n_apps, st.n_events, st.bytes);
    if (warmup)
        print_timing("warmup", &warm, &st, 0);
    print_timing("initial", &init, &st, 0);
    print_timing("unchanged_remerge", &again, &st, 0);
    printf("  \"peak_rss_kib\": %ld\n}\n", bench_peak_rss_kib());
    rc = 0;
out:
    PQfinish(c);
    if (st.apps)
        fclose(st.apps);
    if (st.events)
        fclose(st.events);
    return rc;
}

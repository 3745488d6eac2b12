#!/usr/bin/env bash
# bench/raw_pg, the benchmark's PostgreSQL limit, writes exactly the rows of a truth dump
# (the rows the daemon would write), idempotently, and rejects bad input with file:line.
# Correctness only: its timings are printed by bench/run and never checked here.
# Needs HT_BIN_DIR, HT_SQLDIR and the PG* environment (with-pg).
set -euo pipefail

raw="${HT_BIN_DIR:?HT_BIN_DIR is not set}/bench/raw_pg"
cli="$HT_BIN_DIR/cli/halaltrack"
schema="t_bench_raw_$$"
tmp=$(mktemp -d)
fail=0
cleanup() {
    psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected '$2', got '$3'"
        fail=1
    fi
}

"$cli" --schema "$schema" db migrate >/dev/null

cat >"$tmp/truth.jsonl" <<'JSONL'
{"id_reg":"a1","no_daftar":"SH2026-1-0000001","tgl_daftar":"2026-05-01T09:00:00+07:00","nib":"1234567890123","status":"OF300","channel_id":"CH001","jenis_daftar":"JD.1","nomor_sertifikat":"ID35750000000000001","tracking":[{"status":"OF1","tanggal":"2026-05-01T09:00:00+07:00","username":"pu","comment":""},{"status":"OF10","tanggal":"2026-05-02T09:00:00+07:00","username":"pu","comment":"tab\there"},{"status":"OF300","tanggal":"2026-06-01T10:00:00+07:00","username":"bpjph","comment":"line\nbreak \\ slash"}]}
{"id_reg":"a2","no_daftar":"SH2026-2-0000002","tgl_daftar":"2026-05-03T09:00:00+07:00","nib":"1234567890124","status":"OF10","channel_id":"CH003","jenis_daftar":"JD.1","nomor_sertifikat":null,"tracking":[{"status":"OF1","tanggal":"2026-05-03T09:00:00+07:00","username":"pu","comment":""},{"status":"OF10","tanggal":"2026-05-04T09:00:00+07:00","username":"pu","comment":""}]}
{"id_reg":"a3","no_daftar":"SH2026-2-0000003","tgl_daftar":"2026-05-05T09:00:00+07:00","nib":"1234567890125","status":"OF1","channel_id":"CH003","jenis_daftar":"JD.1","nomor_sertifikat":null,"tracking":[{"status":"OF1","tanggal":"2026-05-05T09:00:00+07:00","username":"pu","comment":""}]}
JSONL

out=$("$raw" --truth "$tmp/truth.jsonl" --schema "$schema")
q() { psql -X -q -A -t -c "SET search_path = $schema, public; $1"; }
check "applications in the truth" 3 "$(grep -o '"applications": [0-9]*' <<<"$out" | grep -o '[0-9]*$')"
check "application rows" 3 "$(q 'SELECT count(*) FROM application')"
check "event rows" 6 "$(q 'SELECT count(*) FROM stage_event')"
check "current stage of a1" "OF300 certified 2026-06-01T03:00:00Z" \
    "$(q "SELECT status_code || ' ' || stage || ' ' || to_char(stage_since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM application WHERE id_reg = 'a1'")"
check "certificate of a1" "ID35750000000000001 2026-06-01" \
    "$(q "SELECT certificate_no || ' ' || certificate_date FROM application WHERE id_reg = 'a1'")"
check "comment with tab, newline and backslash survives COPY" "line
break \\ slash" "$(q "SELECT comment FROM stage_event WHERE status_code = 'OF300'")"
check "stage of each event from the stage table" "draft submitted certified" \
    "$(q "SELECT string_agg(e.stage, ' ' ORDER BY e.at) FROM stage_event e JOIN application a ON a.id = e.application_id WHERE a.id_reg = 'a1'")"
# The unchanged re-merge writes nothing: the merge only touches what changed.
grep -q '"unchanged_remerge": {[^}]*"applications_written": 0, "events_written": 0' <<<"$out" ||
    { echo "FAIL: the unchanged re-merge wrote rows: $out"; fail=1; }

# Bad input: the file and line are named, nothing is written.
printf '%s\n' '{"id_reg":"b1","status":"OF1","tracking":[]}' 'not json' >"$tmp/bad.jsonl"
status=0
err=$("$raw" --truth "$tmp/bad.jsonl" --schema "$schema" 2>&1 >/dev/null) || status=$?
check "bad input exit status" 1 "$status"
grep -qF "$tmp/bad.jsonl':2:" <<<"$err" || { echo "FAIL: error does not name file:line: $err"; fail=1; }
check "rows kept after bad input" 3 "$(q 'SELECT count(*) FROM application')"

status=0
"$raw" --schema "$schema" >/dev/null 2>&1 || status=$?
check "missing --truth is a usage error" 2 "$status"

exit $fail

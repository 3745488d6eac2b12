#!/usr/bin/env bash
# Report latency at scale: loads N applications (default 1,000,000) with their stage
# histories into a scratch schema, then times the report commands against a sequential
# count(*) over application (the yardstick: reports should stay within 3x of it).
# Every observation is before the reports' clock (HALALTRACK_NOW), as in production, where
# a report's now() follows every observation it can see: the reports of the present read
# the maintained answers (sql/0019_maintained.sql), loaded here by their triggers.
# Usage: bench/report_latency.sh [N]   (needs PGHOST... e.g. `. build/pg/env`; builds in build/)
# BENCH_NO_LOAD=1 times the commands against the schema loaded by an earlier run.
# BENCH_SQLDIR=DIR loads with another checkout's schema (e.g. main's sql/, for a before and
# after on the same data: load and time with it, `halaltrack db migrate` with this one,
# then BENCH_NO_LOAD=1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
msmes=$(( n / 10 > 1000 ? n / 10 : 1000 ))
schema=bench_reports
bin=${BENCH_BIN:-"$top/build/cli/halaltrack"} # BENCH_BIN: another build's binary (before/after on one load)
export HT_SQLDIR="${BENCH_SQLDIR:-$top/sql}" HT_DATADIR="$top/etc/reference" HALALTRACK_SCHEMA=$schema
export HALALTRACK_NOW=2026-06-10T10:00:00+07:00 NO_COLOR=1

if [ "${BENCH_NO_LOAD:-}" != 1 ]; then
psql -qX -c "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null
"$bin" db migrate >/dev/null
echo "loading $n applications, $msmes MSMEs..." >&2
t0=$(date +%s)
psql -qX -v ON_ERROR_STOP=1 <<SQL
SET search_path = $schema;
-- Self-declare path; day offsets after submission. Every tenth application stalls at OF72.
CREATE TEMP TABLE steps (code text, stage text, day int);
INSERT INTO steps VALUES ('OF10','submitted',0), ('OF71','pph_verification',1),
  ('OF72','pph_verification',8), ('OF74','fatwa',12), ('OF100','fatwa',16),
  ('OF120','issuance',17), ('OF300','certified',20);
INSERT INTO msme (nib, business_name, kbli, size_class, kelurahan_code, programs)
SELECT lpad(i::text, 13, '0'), 'Usaha ' || i,
       (ARRAY['10792','56101','10710','11040','10771'])[1 + i % 5], 'mikro',
       k.codes[1 + i % array_length(k.codes, 1)],
       CASE WHEN i % 3 = 0 THEN '{sehati2026}'::text[] ELSE '{}' END
  FROM generate_series(1, $msmes) i,
       (SELECT array_agg(code ORDER BY code) AS codes FROM region
         WHERE level = 'kelurahan' AND code LIKE '35.75.%') k;
CREATE TEMP TABLE base AS
SELECT i, now_ts - (i % 200) * interval '1 day' - (i % 7) * interval '1 hour' AS t0,
       now_ts - interval '1 minute' AS seen_by
  FROM generate_series(1, $n) i, (SELECT timestamptz '$HALALTRACK_NOW' AS now_ts) x;
INSERT INTO application (id, id_reg, tgl_daftar, nib, msme_id, channel_id, status_code, stage,
                         stage_since, first_seen_at, observed_at)
SELECT b.i, 'R' || b.i, b.t0, lpad((1 + b.i % $msmes)::text, 13, '0'), 1 + b.i % $msmes,
       CASE WHEN b.i % 2 = 0 THEN 'CH003' ELSE 'CH001' END, l.code, l.stage,
       b.t0 + l.day * interval '1 day', least(b.t0 + interval '1 hour', b.seen_by),
       least(b.t0 + l.day * interval '1 day' + interval '1 hour', b.seen_by)
  FROM base b CROSS JOIN LATERAL (
       SELECT s.code, s.stage, s.day FROM steps s
        WHERE b.t0 + s.day * interval '1 day' < timestamptz '$HALALTRACK_NOW'
          AND (b.i % 10 <> 0 OR s.day <= 8)
        ORDER BY s.day DESC LIMIT 1) l;
SELECT setval(pg_get_serial_sequence('application', 'id'), $n);
INSERT INTO stage_event (application_id, status_code, stage, at, observed_at)
SELECT b.i, s.code, s.stage, b.t0 + s.day * interval '1 day',
       least(b.t0 + s.day * interval '1 day' + interval '1 hour', b.seen_by)
  FROM base b JOIN steps s ON b.t0 + s.day * interval '1 day' < timestamptz '$HALALTRACK_NOW'
   AND (b.i % 10 <> 0 OR s.day <= 8);
INSERT INTO goal (name, scope_kind, scope_value, metric, target, start_date, deadline) VALUES
  ('kota', 'kota', NULL, 'certified', $n, '2026-01-01', '2026-12-31'),
  ('gadingrejo', 'kecamatan', '35.75.01', 'certified', $(( n / 10 )), '2026-01-01', '2026-12-31'),
  ('sehati', 'program', 'sehati2026', 'applied', $(( n / 5 )), '2026-01-01', '2026-12-31');
VACUUM ANALYZE;
SQL
echo "loaded in $(( $(date +%s) - t0 )) s: $(psql -qXAt -c "SELECT count(*) FROM $schema.stage_event") events" >&2
fi # BENCH_NO_LOAD=1 reuses the loaded schema

ms() { # runs "$@" 3 times (after one warm-up) and prints the best wall time in ms
    local best=999999999 s e
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    for _ in 1 2 3; do
        s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
        (( (e - s) / 1000000 < best )) && best=$(( (e - s) / 1000000 ))
    done
    echo $best
}
count=$(ms psql -qXAt -c "SELECT count(*) FROM $schema.application")
printf '%-52s %8s ms\n' "count(*) over application" "$count"
# The weekly report (the last complete week, closed at HALALTRACK_NOW): --recompute builds
# it from the history every time (the first generation of a week); without it the stored
# report is returned (stored by the warm-up run of ms when not yet).
for cmd in "report weekly --format json --no-record --recompute" \
           "report weekly --format html --no-record --recompute" \
           "report weekly --format json --no-record" "report weekly --format html --no-record" \
           "progress --format json" "funnel --format json" "overdue --format csv" \
           "actions --format csv" \
           "status 0000000000042"; do
    t=$(ms "$bin" $cmd) || { printf '%-52s %8s\n' "$cmd" "failed"; continue; } # e.g. an older binary
    printf '%-52s %8s ms  (%s x count)\n' "$cmd" "$t" "$(awk -v a="$t" -v b="$count" 'BEGIN{printf "%.1f", a/b}')"
done

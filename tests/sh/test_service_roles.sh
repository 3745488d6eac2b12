#!/usr/bin/env bash
# The roles of `halaltrack db init-roles` work for the real programs, as docs/operations.md
# sets them up: the daemon syncs as a login role in <prefix>_daemon, a dashboard role in
# <prefix>_reader reads the views and nothing else, a kecamatan login role sees only its
# kecamatan, the weekly report runs as a report role, and migrations run as a member of
# <prefix>_owner (new objects owned by the owner role) while a reader cannot migrate.
# Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg, superuser).
set -euo pipefail

. "$(dirname "$0")/programs.sh"

fail=0
failed() { echo "FAIL: $*"; fail=1; }
p=htops$$                 # role prefix and database name: nothing shared with other tests
db=$p
tmp=$(mktemp -d /tmp/halaltrack-roles.XXXXXX)
dbs=("$db")
roles=(${p}_d ${p}_g ${p}_rep ${p}_admin ${p}_camat ${p}_daemon ${p}_reader ${p}_report
       ${p}_self_service ${p}_serve ${p}_owner)
trap cleanup_run EXIT
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
as() { local u=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -d "dbname=$db user=$u" "$@"; }

psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
"$cli" -d "dbname=$db" db migrate >/dev/null
kec=$(sql -A -t -c "SELECT code FROM halaltrack.region WHERE level = 'kecamatan' ORDER BY code LIMIT 1")
[ -n "$kec" ] || { echo "FAIL: no kecamatan in the reference data"; exit 1; }
"$cli" -d "dbname=$db" db init-roles --prefix=$p --kecamatan-reader=${p}_camat:$kec >/dev/null
sql >/dev/null <<EOSQL
CREATE ROLE ${p}_d LOGIN IN ROLE ${p}_daemon;
CREATE ROLE ${p}_g LOGIN IN ROLE ${p}_reader;
ALTER ROLE ${p}_camat LOGIN;
CREATE ROLE ${p}_admin LOGIN IN ROLE ${p}_owner;
CREATE ROLE ${p}_rep LOGIN IN ROLE ${p}_report;
EOSQL

# ---- the daemon syncs as its least-privilege login role ----
sim_start "$tmp" --seed 11 --msmes 300 --password sim-password --clean-register
curl -sS "$url/_sim/register.csv" >"$tmp/register.csv"
"$cli" -d "dbname=$db" msme import "$tmp/register.csv" >/dev/null || failed "register import"
install -m 0600 /dev/null "$tmp/pw"
echo sim-password >"$tmp/pw"
cat >"$tmp/d.conf" <<EOC
$(api_conf "$url" "$tmp/pw")
rate = 500
burst = 500
[database]
conninfo = dbname=$db user=${p}_d
EOC
"$daemon" --once -c "$tmp/d.conf" 2>"$tmp/daemon.err" ||
    { failed "halaltrackd as ${p}_d: $(tail -n 3 "$tmp/daemon.err")"; }
want=$(curl -sS "$url/_sim/truth" | wc -l)
got=$(sql -A -t -c "SELECT count(*) FROM halaltrack.application")
[ "$got" = "$want" ] || failed "the daemon role synced $got applications, halalsim has $want"
# A second cycle as the same role (updates, leases, budget) also succeeds.
"$daemon" --once -c "$tmp/d.conf" 2>>"$tmp/daemon.err" || failed "second cycle as ${p}_d"

# ---- a dashboard reads the views, and only them ----
n=$(as ${p}_g -c "SELECT count(*) FROM halaltrack.v_msme_status" 2>&1) || failed "reader cannot read v_msme_status: $n"
[ "${n:-0}" -gt 0 ] 2>/dev/null || failed "reader sees no MSME through v_msme_status ($n)"
if as ${p}_g -c "SELECT count(*) FROM halaltrack.application" >/dev/null 2>&1; then
    failed "reader can read the table application"
fi
if as ${p}_g -c "DELETE FROM halaltrack.goal" >/dev/null 2>&1; then
    failed "reader can write"
fi
out=$("$cli" -d "dbname=$db user=${p}_g" funnel 2>&1) || failed "halaltrack funnel as the reader: $out"

# ---- a kecamatan login role sees only its kecamatan ----
all=$(as ${p}_g -c "SELECT count(DISTINCT left(kelurahan_code, 8)) FROM halaltrack.v_msme_status")
mine=$(as ${p}_camat -c "SELECT string_agg(DISTINCT left(kelurahan_code, 8), ',') FROM halaltrack.v_msme_status")
[ "$mine" = "$kec" ] || failed "kecamatan reader sees kecamatan '$mine', expected only $kec"
[ "$all" -gt 1 ] || failed "the unscoped reader sees $all kecamatan; the scoping check is void"

# ---- the weekly report as the report role, as the weekly unit runs it ----
out=$("$cli" -d "dbname=$db user=${p}_rep" report weekly --format html -o "$tmp/w.html" 2>&1) ||
    failed "report weekly as ${p}_rep: $out"
grep -qi '<html' "$tmp/w.html" 2>/dev/null || failed "no HTML report written"
n=$(sql -A -t -c "SELECT count(*) FROM halaltrack.report_run")
[ "$n" -ge 1 ] || failed "the report run was not recorded"

# ---- migrations: a member of the owner role migrates; a reader cannot ----
mkdir -p "$tmp/sql"
cp -r "$HT_SQLDIR"/*.sql "$HT_SQLDIR"/definitions "$tmp/sql/"
printf 'CREATE TABLE ops_probe (id int PRIMARY KEY);\n' >"$tmp/sql/9990_ops_probe.sql"
out=$("$cli" -d "dbname=$db user=${p}_g" db migrate --sql-dir="$tmp/sql" 2>&1) &&
    failed "a reader applied a migration: $out"
n=$(sql -A -t -c "SELECT count(*) FROM pg_tables WHERE tablename = 'ops_probe'")
[ "$n" = 0 ] || failed "a failed migration left its table behind"
out=$("$cli" -d "dbname=$db user=${p}_admin" db migrate --sql-dir="$tmp/sql" 2>&1) ||
    failed "a member of ${p}_owner could not migrate: $out"
owner=$(sql -A -t -c "SELECT tableowner FROM pg_tables WHERE schemaname = 'halaltrack' AND tablename = 'ops_probe'")
[ "$owner" = "${p}_owner" ] || failed "a migrated table belongs to '$owner', expected ${p}_owner"
"$cli" -d "dbname=$db" db init-roles --prefix=$p >/dev/null || failed "init-roles again after a migration"

[ $fail -eq 0 ] && echo "PASS: daemon, reader, kecamatan reader, report and owner roles work for the programs"
exit $fail

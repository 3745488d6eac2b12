#!/usr/bin/env bash
# Backup and restore as docs/operations.md describes them: pg_dump -Fc of the schema, restore
# into a new database as a superuser, init-roles, then the checks the document lists: nothing
# pending, the same counts, the same weekly report totals hash for a past week, and the daemon
# (as its least-privilege role) resumes on the restored copy.
# Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg, superuser).
set -euo pipefail

. "$(dirname "$0")/programs.sh"
pgbin=${HT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}

fail=0
failed() { echo "FAIL: $*"; fail=1; }
p=htbk$$
srcdb=${p}_src
dstdb=${p}_dst
tmp=$(mktemp -d /tmp/halaltrack-backup.XXXXXX)
dbs=("$srcdb" "$dstdb")
roles=(${p}_d ${p}_daemon ${p}_reader ${p}_self_service ${p}_serve ${p}_owner)
trap cleanup_run EXIT
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# ---- a source database with a history: register, two synced weeks ----
psql -X -q -d postgres -c "CREATE DATABASE $srcdb" >/dev/null
"$cli" -d "dbname=$srcdb" db migrate >/dev/null
"$cli" -d "dbname=$srcdb" db init-roles --prefix=$p >/dev/null
q "$srcdb" "CREATE ROLE ${p}_d LOGIN IN ROLE ${p}_daemon" >/dev/null
"$sim" --seed 5 --msmes 400 --listen 127.0.0.1:0 --password sim-password --clean-register \
    >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!; pids+=("$sim_pid")
url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^halalsim: listening on //p' "$tmp/sim.out" 2>/dev/null || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: halalsim did not start"; exit 1; }
curl -sS "$url/_sim/register.csv" >"$tmp/register.csv"
"$cli" -d "dbname=$srcdb" msme import "$tmp/register.csv" >/dev/null
install -m 0600 /dev/null "$tmp/pw"
echo sim-password >"$tmp/pw"
conf() { # conf DB
    cat <<EOC
$(api_conf "$url" "$tmp/pw")
rate = 500
burst = 500
[database]
conninfo = dbname=$1 user=${p}_d
EOC
}
conf "$srcdb" >"$tmp/src.conf"
conf "$dstdb" >"$tmp/dst.conf"
"$daemon" --once -c "$tmp/src.conf" 2>"$tmp/d1.err" || { tail -n 3 "$tmp/d1.err"; failed "first sync"; }
curl -sS -X POST "$url/_sim/advance?days=8" >/dev/null
"$daemon" --once -c "$tmp/src.conf" 2>"$tmp/d2.err" || { tail -n 3 "$tmp/d2.err"; failed "second sync"; }
now=$(curl -sS "$url/_sim/clock" | sed -n 's/.*"now":"\([^"]*\)".*/\1/p')
export HALALTRACK_NOW=$now
week=$(TZ=Asia/Jakarta date -d "$now - 7 days" +%G-W%V)

# ---- dump, restore, check ----
"$pgbin/pg_dump" -Fc -n halaltrack -d "$srcdb" -f "$tmp/ht.dump"
psql -X -q -d postgres -c "CREATE DATABASE $dstdb" >/dev/null
"$pgbin/pg_restore" -d "$dstdb" --exit-on-error "$tmp/ht.dump" 2>"$tmp/restore.err" ||
    { cat "$tmp/restore.err"; failed "pg_restore"; }
"$cli" -d "dbname=$dstdb" db init-roles --prefix=$p >/dev/null || failed "init-roles on the restored copy"
st=$("$cli" -d "dbname=$dstdb" db status 2>&1) || failed "db status: $st"
grep -qi pending <<<"$st" && failed "migrations pending after the restore: $st"
for t in msme application stage_event quarantine sync_run goal; do
    a=$(q "$srcdb" "SELECT count(*) FROM halaltrack.$t")
    b=$(q "$dstdb" "SELECT count(*) FROM halaltrack.$t")
    [ "$a" = "$b" ] || failed "$t: $a rows in the source, $b restored"
done
[ "$(q "$srcdb" "SELECT count(*) FROM halaltrack.stage_event")" -gt 0 ] || failed "no history to compare"
owner=$(q "$dstdb" "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'halaltrack'")
[ "$owner" = "${p}_owner" ] || failed "restored schema owned by '$owner', expected ${p}_owner"
h1=$("$cli" -d "dbname=$srcdb" report weekly --week "$week" --no-record | grep 'Totals hash')
h2=$("$cli" -d "dbname=$dstdb" report weekly --week "$week" --no-record | grep 'Totals hash')
[ -n "$h1" ] && [ "$h1" = "$h2" ] || failed "week $week: '$h1' before, '$h2' after the restore"
# The daemon resumes on the copy, as its role, and fills the gap (another simulated day).
curl -sS -X POST "$url/_sim/advance?days=1" >/dev/null
"$daemon" --once -c "$tmp/dst.conf" 2>"$tmp/d3.err" || { tail -n 3 "$tmp/d3.err"; failed "daemon on the restored copy"; }
want=$(curl -sS "$url/_sim/truth" | wc -l)
got=$(q "$dstdb" "SELECT count(*) FROM halaltrack.application")
[ "$got" = "$want" ] || failed "restored copy has $got applications after a cycle, halalsim $want"

[ $fail -eq 0 ] && echo "PASS: dump, restore, checks and a daemon cycle on the restored copy"
exit $fail

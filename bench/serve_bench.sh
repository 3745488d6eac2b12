#!/usr/bin/env bash
# The self-service load benchmark of docs/performance.md ("halaltrack-serve"): a throwaway
# PostgreSQL, 10,000 register MSMEs, 200 of them with access codes, halaltrack-serve on
# loopback, then serve_bench's clients for SECONDS each at several client counts, once with
# the production answer time (self_service.answer_ms = 400) and once without (raw capacity).
#   bash bench/serve_bench.sh [BUILD_DIR] [SECONDS]
# Prints one JSON line per run. Needs a built tree (cmake --build BUILD_DIR).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
seconds=${2:-20}
work=$(mktemp -d /tmp/halaltrack-servebench.XXXXXX)
pid=""
cleanup() {
    [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    bash "$src/scripts/pgctl" down "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export HT_SQLDIR=$src/sql HT_DATADIR=$src/etc/reference HT_LOCALEDIR=$build/locale
bash "$src/scripts/pgctl" up "$work/pg" >/dev/null
. "$work/pg/env"
"$build/cli/halaltrack" db migrate >/dev/null
"$build/cli/halaltrack" db init-roles --prefix=hb >/dev/null
psql -X -q -c "CREATE ROLE hb_web LOGIN IN ROLE hb_serve"
head -c 48 /dev/urandom | base64 > "$work/pepper"
chmod 600 "$work/pepper"
"$build/bench/serve_bench" --setup --db "dbname=$PGDATABASE" --pepper "$work/pepper" \
    --msmes 10000 --codes 200 > "$work/codes"
port=$(( 20000 + RANDOM % 30000 ))
for answer in 400 0; do
    cat > "$work/serve.conf" <<CONF
[database]
conninfo = host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=hb_web
pool = 8
[http]
listen = 127.0.0.1:$port
trusted_proxies = 127.0.0.1
[self_service]
pepper_file = $work/pepper
answer_ms = $answer
[log]
access_log = no
CONF
    "$build/serve/halaltrack-serve" -c "$work/serve.conf" 2>"$work/serve.log" &
    pid=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
    # Warm up (the first run after a cluster start is slower), then measure.
    "$build/bench/serve_bench" --url "http://127.0.0.1:$port" --codes "$work/codes" \
        --clients 4 --seconds 3 >/dev/null || true
    for clients in 1 4 16 64; do
        printf '{"answer_ms": %s, "msmes": 10000, ' "$answer"
        "$build/bench/serve_bench" --url "http://127.0.0.1:$port" --codes "$work/codes" \
            --clients "$clients" --seconds "$seconds" | sed 's/^{//'
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

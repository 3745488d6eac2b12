# Sourced by the halaltrack-serve tests (tests/sh/test_serve_*.sh): a database of their
# own with the roles of `db init-roles`, two MSMEs in two kecamatan with applications and
# events, an access code, tokens, and the service on a free loopback port. Needs what
# programs.sh needs and PG* (with-pg, superuser). Sets: p db serve tmp port url code_a
# tok_kota tok_kec; functions: start_serve, stop_serve, failed, cleanup_serve.
. "$(dirname "${BASH_SOURCE[0]}")/programs.sh"
serve=$HT_BIN_DIR/serve/halaltrack-serve
[ -x "$serve" ] || { echo "FAIL: $serve is not built"; exit 1; }
export HT_LOCALEDIR=${HT_LOCALEDIR:-$HT_BIN_DIR/locale}

fail=0
failed() { echo "FAIL: $*"; fail=1; }
p=${SERVE_PREFIX:-hts}$$
db=$p
tmp=$(mktemp -d /tmp/halaltrack-serve.XXXXXX)
serve_pid=""
NIB_A=3575010000001   # kecamatan 35.75.01 (Gadingrejo), with an access code
NIB_B=3575020000002   # kecamatan 35.75.02 (Purworejo), with an access code too
NIB_NONE=3575019999999

stop_serve() {
    if [ -n "$serve_pid" ]; then
        kill "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
        serve_pid=""
    fi
}

cleanup_serve() {
    stop_serve
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    for r in sv daemon reader report self_service serve owner camat_a; do
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS ${p}_$r" >/dev/null 2>&1 || true
    done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}

sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

setup_db() {
    psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
    HALALTRACK_SCHEMA=halaltrack "$cli" -d "dbname=$db" db migrate >/dev/null
    "$cli" -d "dbname=$db" db init-roles --prefix="$p" \
        --kecamatan-reader="${p}_camat_a:35.75.01" >/dev/null
    sql -c "CREATE ROLE ${p}_sv LOGIN IN ROLE ${p}_serve" >/dev/null
    sql <<SQL >/dev/null
SET search_path = halaltrack;
INSERT INTO msme (nib, business_name, owner_name, phone, kelurahan_code) VALUES
  ('$NIB_A', 'Keripik Tempe Bu Sri', 'Sri Wahyuni', '081234567001', '35.75.01.1001'),
  ('$NIB_B', 'Warung Pak Slamet', 'Slamet Riyadi', '081234567002', '35.75.02.1001');
INSERT INTO application (id_reg, nib, msme_id, no_daftar, channel_id, status_code, stage,
                         stage_since, tgl_daftar)
SELECT 'reg-' || nib, nib, id, 'SH2026-1-00000' || id, 'CH001', 'OF11', 'verification',
       now() - interval '30 days', now() - interval '40 days' FROM msme;
INSERT INTO stage_event (application_id, status_code, stage, at)
SELECT id, 'OF10', 'submitted', now() - interval '40 days' FROM application UNION ALL
SELECT id, 'OF11', 'verification', now() - interval '30 days' FROM application;
SQL
    head -c 48 /dev/urandom | base64 > "$tmp/pepper"
    chmod 600 "$tmp/pepper"
    url=""   # set by start_serve from the port the service was given
    cat > "$tmp/serve.conf" <<CONF
[database]
conninfo = host=$PGHOST port=$PGPORT dbname=$db user=${p}_sv
pool = 4
[http]
listen = 127.0.0.1:0
trusted_proxies = 127.0.0.1
timeout = 3
[self_service]
pepper_file = $tmp/pepper
public_url = http://halal.example.go.id/
answer_ms = ${ANSWER_MS:-200}
CONF
    export HALALTRACK_SERVE_CONFIG=$tmp/serve.conf
    code_a=$("$cli" -d "dbname=$db" msme issue-code "$NIB_A" 2>/dev/null | sed 's/.*: //')
    code_b=$("$cli" -d "dbname=$db" msme issue-code "$NIB_B" 2>/dev/null | sed 's/.*: //')
    tok_kota=$("$cli" -d "dbname=$db" token issue --name=dinas --scope=kota 2>/dev/null | sed 's/.*: //')
    tok_kec=$("$cli" -d "dbname=$db" token issue --name=camat --scope=kecamatan:35.75.01 2>/dev/null | sed 's/.*: //')
    [ ${#code_a} -eq 9 ] && [ ${#tok_kota} -eq 68 ] && [ ${#tok_kec} -eq 68 ] ||
        { echo "FAIL: setup: code '$code_a' tokens '$tok_kota' '$tok_kec'"; exit 1; }
}

# start_serve [CONFIG]: runs the service in the background, its log in $tmp/serve.log,
# on a port the kernel picks (listen = 127.0.0.1:0: no race with the other tests for a
# free port); sets url from the port it logs.
start_serve() {
    local conf=${1:-$tmp/serve.conf} seen port
    seen=0
    [ ! -f "$tmp/serve.log" ] || seen=$(wc -l <"$tmp/serve.log")
    "$serve" -c "$conf" >>"$tmp/serve.log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do
        port=$(tail -n +"$((seen + 1))" "$tmp/serve.log" 2>/dev/null |
               sed -n 's/.*listening addr=[^ ]* port=\([0-9][0-9]*\).*/\1/p' | tail -n 1 || true)
        if [ -n "$port" ] && [ "$port" != 0 ]; then
            url=http://127.0.0.1:$port
            curl -s -o /dev/null "$url/healthz" && return 0
        fi
        kill -0 "$serve_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL: halaltrack-serve did not start:"; cat "$tmp/serve.log"; exit 1
}

#!/usr/bin/env bash
# The API password and token never leak: halalsim + halaltrackd (log level debug) run with a
# distinctive password, and the daemon's logs, /metrics, /healthz, its /proc/PID/cmdline and
# every error output (wrong password, unsafe password file, bad config) are searched for the
# password and for every token halalsim hands out. The tokens are taken from halalsim's
# /api/authenticate with curl: its tokens are a deterministic sequence per seed, so a fresh
# simulator with the same seed gives the daemon tokens from the same list.
# Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg).
set -euo pipefail

. "$(dirname "$0")/programs.sh"
command -v curl >/dev/null || { echo "FAIL: curl not found"; exit 1; }

fail=0
failed() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d /tmp/halaltrack-secrets.XXXXXX)
out=$tmp/out            # every output of every program goes in here, one file each
mkdir -p "$out"
schema=t_secrets_$$
trap cleanup_run EXIT

password="Rahasia-$$-$RANDOM-qZ7x"
wrong="Salah-$$-$RANDOM-kW3v"
email=dinkop@pasuruankota.go.id
install -m 0600 /dev/null "$tmp/pw"
printf '%s\n' "$password" >"$tmp/pw"
install -m 0600 /dev/null "$tmp/wrong"
printf '%s\n' "$wrong" >"$tmp/wrong"
# The authenticate body, from a file so the password is not on curl's argv either.
printf '{"email":"%s","password":"%s"}' "$email" "$password" >"$tmp/auth.json"
chmod 600 "$tmp/auth.json"

start_sim() { # start_sim NAME [OPTION]...: sets $url
    local name=$1 i
    shift
    "$sim" --seed 7 --msmes 300 --listen 127.0.0.1:0 --password-file "$tmp/pw" --log-level debug \
        "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" &
    pids+=($!)
    sim_pid=$!
    for i in $(seq 1 100); do
        url=$(sed -n 's/^halalsim: listening on //p' "$out/$name.stdout" 2>/dev/null || true)
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "FAIL: halalsim did not start"; cat "$out/$name.stderr"; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# ---- 1. the tokens a fresh simulator (seed 7) hands out, in order ----
start_sim sim-tokens
tokens=()
for i in $(seq 1 20); do
    body=$(curl -sS -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/auth.json" \
        "$url/api/authenticate")
    t=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$body")
    [ -n "$t" ] || { echo "FAIL: no token from /api/authenticate: $body"; exit 1; }
    tokens+=("$t")
done
stop "$sim_pid"
[ "${#tokens[@]}" -eq 20 ] && [ "${tokens[0]}" != "${tokens[1]}" ] || failed "unexpected token list"
# The same seed gives the same first token: the daemon below gets tokens from this list.
start_sim sim-check
t=$(curl -sS -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/auth.json" \
    "$url/api/authenticate" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ "$t" = "${tokens[0]}" ] || failed "halalsim's first token is not deterministic per seed"
stop "$sim_pid"

# ---- 2. the database ----
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
HALALTRACK_SCHEMA=$schema "$cli" db migrate >"$out/migrate.out" 2>&1 || { cat "$out/migrate.out"; exit 1; }

write_conf() { # write_conf FILE PASSWORD_FILE [EXTRA_API_LINE]
    cat >"$1" <<EOC
$(api_conf "$url" "$2" "$email")
${3:-}
max_retries = 8
backoff_base_ms = 10
backoff_max_ms = 50
[poll]
cycle = 1
[database]
schema = $schema
[http]
listen = 127.0.0.1:0
[log]
level = debug
EOC
}

# ---- 3. a real run: --once, then the loop with its /metrics, token expiry included ----
# Faults make the daemon retry and re-authenticate: its debug lines (retries) and the
# re-authentication path are exercised too.
start_sim sim-run --fault-token-expiry 0.05 --fault-5xx 0.05
write_conf "$tmp/ok.conf" "$tmp/pw"
"$daemon" --check-config -c "$tmp/ok.conf" >"$out/check.out" 2>&1 || failed "check-config: $(cat "$out/check.out")"
# A notify socket that does not exist makes the daemon write a debug line for sure.
if ! NOTIFY_SOCKET=$tmp/no-such.sock "$daemon" --once -c "$tmp/ok.conf" >"$out/once.stdout" 2>"$out/once.stderr"; then
    failed "halaltrackd --once failed"; tail -n 20 "$out/once.stderr"
fi
grep -q "authenticated" "$out/once.stderr" || failed "the daemon did not log its authentication"
grep -q "debug: " "$out/once.stderr" || failed "no debug lines: the test must run at log level debug"

"$daemon" -c "$tmp/ok.conf" >"$out/loop.stdout" 2>"$out/loop.stderr" &
dpid=$!
pids+=($dpid)
port=""
for i in $(seq 1 600); do
    port=$(sed -n 's/.*http endpoint listening addr=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/loop.stderr" 2>/dev/null || true)
    [ -n "$port" ] && [ "$(grep -c 'cycle done' "$out/loop.stderr" || true)" -ge 2 ] && break
    sleep 0.1
done
[ -n "$port" ] || { failed "the daemon's endpoint did not come up"; tail "$out/loop.stderr"; }
if [ -n "$port" ]; then
    curl -sS "http://127.0.0.1:$port/metrics" >"$out/metrics" || failed "GET /metrics"
    curl -sS "http://127.0.0.1:$port/healthz" >"$out/healthz" || failed "GET /healthz"
    curl -sS "http://127.0.0.1:$port/readyz" >"$out/readyz" || true
    grep -q '^halaltrack_cycles_total{outcome="ok"} [1-9]' "$out/metrics" || failed "/metrics shows no successful cycle"
fi
tr '\0' ' ' <"/proc/$dpid/cmdline" >"$out/cmdline"
tr '\0' '\n' <"/proc/$dpid/environ" >"$out/environ" 2>/dev/null || true
kill -TERM "$dpid"
wait "$dpid" || failed "the daemon did not exit 0 on SIGTERM"
# The daemon really used tokens of the list: halalsim answered its sign-ins with 200.
auths=$(curl -sS "$url/_sim/stats" | sed -n 's/.*"authenticate":{\([^}]*\)}.*/\1/p')
n_ok=$(grep -o '"200":[0-9]*' <<<"$auths" | cut -d: -f2)
if [ -z "$n_ok" ] || [ "$n_ok" -lt 2 ] || [ "$n_ok" -gt "${#tokens[@]}" ]; then
    failed "the daemon signed in '${n_ok:-0}' times; expected 2..${#tokens[@]} (authenticate: $auths)"
fi
grep -q "token refused, re-authenticating" "$out/loop.stderr" "$out/once.stderr" ||
    echo "note: no token expiry happened in this run"

# TLS verification is on unless turned off explicitly, and then the daemon says so at start.
grep -q "TLS certificate verification is off" "$out/once.stderr" &&
    failed "the default configuration logged that TLS verification is off"
sed -e "s/^email = .*/email = $email\ntls_verify = no/" "$tmp/ok.conf" >"$tmp/insecure.conf"
"$daemon" --once -c "$tmp/insecure.conf" >"$out/insecure.stdout" 2>"$out/insecure.stderr" ||
    failed "--once with tls_verify = no: $(tail -n 3 "$out/insecure.stderr")"
grep -q "^warning: TLS certificate verification is off" "$out/insecure.stderr" ||
    failed "tls_verify = no was not logged as a warning at start"

# ---- 4. error paths ----
# A wrong password: refused by the API; the error names the account, not the password.
write_conf "$tmp/wrong.conf" "$tmp/wrong"
if "$daemon" --once -c "$tmp/wrong.conf" >"$out/wrong.stdout" 2>"$out/wrong.stderr"; then
    failed "the daemon succeeded with a wrong password"
fi
grep -q "authentication refused" "$out/wrong.stderr" || failed "no 'authentication refused' for a wrong password"
# A password file readable by others is refused, without printing it.
chmod 0644 "$tmp/pw"
if "$daemon" --check-config -c "$tmp/ok.conf" >"$out/mode.stdout" 2>"$out/mode.stderr"; then
    failed "a 0644 password file was accepted"
fi
grep -q "readable by group or others" "$out/mode.stderr" || failed "unexpected error for a 0644 password file: $(cat "$out/mode.stderr")"
chmod 0600 "$tmp/pw"
# The password from the environment, and a bad value next to it in the config.
sed -e '/^password_file/d' "$tmp/ok.conf" >"$tmp/env.conf"
HALALTRACK_API_PASSWORD=$password "$daemon" --check-config -c "$tmp/env.conf" >"$out/env.out" 2>&1 ||
    failed "password from the environment: $(cat "$out/env.out")"
# A bad value next to the password from the environment.
sed -e "s/^email = .*/email = $email\ntimeout = forever/" "$tmp/env.conf" >"$tmp/bad.conf"
HALALTRACK_API_PASSWORD=$password "$daemon" --check-config -c "$tmp/bad.conf" >"$out/bad.stdout" 2>"$out/bad.stderr" &&
    failed "a bad timeout was accepted"
grep -q "timeout" "$out/bad.stderr" || failed "the bad timeout's error does not name the key"
# The password as a database conninfo value (a secret key) with a bad value elsewhere.
sed -e "s/^schema = .*/schema = $schema\nconninfo = password=$password/" "$tmp/ok.conf" >"$tmp/ci.conf"
"$daemon" --check-config -c "$tmp/ci.conf" >"$out/ci.stdout" 2>"$out/ci.stderr" || true
# Issue 10, low item "database password in error messages": a conninfo libpq cannot
# parse, with the password where the parser chokes; the daemon (and the CLI) say what is
# wrong without it.
sed -e "s/^schema = .*/schema = $schema\nconninfo = host=127.0.0.1 user=halaltrackd $password/" \
    "$tmp/ok.conf" >"$tmp/badci.conf"
"$daemon" --once -c "$tmp/badci.conf" >"$out/badci.stdout" 2>"$out/badci.stderr" &&
    failed "the daemon started with a malformed conninfo"
grep -q "invalid database connection string 'host=127.0.0.1 user=halaltrackd \*\*\*'" \
    "$out/badci.stderr" || failed "no redacted conninfo error: $(head -c 300 "$out/badci.stderr")"
"$cli" -d "host=127.0.0.1 password='$password" db status >"$out/badci-cli.stdout" \
    2>"$out/badci-cli.stderr" && failed "the CLI accepted a malformed conninfo"
echo "low item checked: db password redacted in conninfo errors"
# Unreachable API: the transport error must not carry the password either.
sed -e "s|^base_url = .*|base_url = http://127.0.0.1:9|" "$tmp/ok.conf" >"$tmp/down.conf"
"$daemon" --once -c "$tmp/down.conf" >"$out/down.stdout" 2>"$out/down.stderr" &&
    failed "the daemon succeeded against a closed port"
stop "$sim_pid"

# ---- 5. the search ----
search() { # search WHAT NEEDLE
    local hits
    hits=$(grep -rlF -- "$2" "$out" || true)
    if [ -n "$hits" ]; then
        failed "$1 found in: $(echo "$hits" | sed "s|$out/||" | tr '\n' ' ')"
        grep -rnF -- "$2" "$out" | head -n 3 | sed 's/^/    | /'
    fi
}
# What the daemon itself wrote, excluding halalsim's own debug log and curl's bodies (which
# carry tokens by design) and the daemon's environment (which holds the password by design
# when it comes from there: not checked here).
rm -f "$out"/sim-*.stdout "$out/environ"
mkdir -p "$tmp/sim-logs"
mv "$out"/sim-*.stderr "$tmp/sim-logs/" 2>/dev/null || true
search "the password" "$password"
search "the wrong password" "$wrong"
for t in "${tokens[@]}"; do
    search "a token" "$t"
done
search "a token prefix" "simtok."
search "an Authorization header" "Bearer "
[ -s "$out/once.stderr" ] && [ -s "$out/loop.stderr" ] && [ -s "$out/metrics" ] || failed "some output is missing"
# The daemon's argv holds only the options it was given.
[ "$(cat "$out/cmdline")" = "$daemon -c $tmp/ok.conf " ] || failed "unexpected cmdline: $(cat "$out/cmdline")"

[ $fail -eq 0 ] && echo "PASS: no password nor token in logs, metrics, argv or errors"
exit $fail

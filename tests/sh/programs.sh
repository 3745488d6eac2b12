# Sourced by the shell tests that drive the built programs: their paths, the data paths and
# a loopback-only proxy setting. Needs HT_BIN_DIR and HT_SOURCE_DIR (set by CTest).
: "${HT_BIN_DIR:?HT_BIN_DIR is not set}"
src=${HT_SOURCE_DIR:?HT_SOURCE_DIR is not set}
cli=$HT_BIN_DIR/cli/halaltrack
daemon=$HT_BIN_DIR/daemon/halaltrackd
sim=$HT_BIN_DIR/sim/halalsim
export HT_SQLDIR=${HT_SQLDIR:-$src/sql} HT_DATADIR=${HT_DATADIR:-$src/etc/reference}
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset HALALTRACK_SCHEMA
for b in "$cli" "$daemon" "$sim"; do
    [ -x "$b" ] || { echo "FAIL: $b is not built"; exit 1; }
done

# sim_start DIR [OPTION]...: starts halalsim on a free loopback port with the options (its
# output in DIR/sim.out, DIR/sim.err) and waits until it listens; sets sim_pid (also
# appended to pids) and url.
# Exits the test when it does not start.
sim_start() {
    local dir=$1 i
    shift
    "$sim" --listen 127.0.0.1:0 "$@" >"$dir/sim.out" 2>"$dir/sim.err" &
    sim_pid=$!
    pids+=("$sim_pid")
    url=""
    for i in $(seq 1 100); do
        url=$(sed -n 's/^halalsim: listening on //p' "$dir/sim.out" 2>/dev/null || true)
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "FAIL: halalsim did not start: $(tail -n 3 "$dir/sim.err")"
    exit 1
}

# What a test started and made, undone by `trap cleanup_run EXIT`: the PIDs it appended to
# pids, schema $schema (when set), the databases in dbs and the roles in roles (errors
# ignored: the test may have stopped before making them), then $tmp.
pids=()
dbs=()
roles=()
cleanup_run() {
    local x
    for x in "${pids[@]}"; do kill "$x" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -z "${schema:-}" ] || psql -X -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    for x in "${dbs[@]}"; do
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $x WITH (FORCE)" >/dev/null 2>&1 || true
    done
    for x in "${roles[@]}"; do
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS $x" >/dev/null 2>&1 || true
    done
    [ -z "${tmp:-}" ] || rm -rf "$tmp"
}

# api_conf URL PASSWORD_FILE [EMAIL]: the [api] section's account lines of a daemon
# configuration (the office's account of halalsim's world by default).
api_conf() {
    printf '[api]\nbase_url = %s\nemail = %s\npassword_file = %s\n' "$1" \
        "${3:-dinkop@pasuruankota.go.id}" "$2"
}

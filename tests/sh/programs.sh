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
# output in DIR/sim.out, DIR/sim.err) and waits until it listens; sets sim_pid and url.
# Exits the test when it does not start.
sim_start() {
    local dir=$1 i
    shift
    "$sim" --listen 127.0.0.1:0 "$@" >"$dir/sim.out" 2>"$dir/sim.err" &
    sim_pid=$!
    url=""
    for i in $(seq 1 100); do
        url=$(sed -n 's/^halalsim: listening on //p' "$dir/sim.out" 2>/dev/null || true)
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    echo "FAIL: halalsim did not start: $(tail -n 3 "$dir/sim.err")"
    exit 1
}

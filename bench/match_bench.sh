#!/usr/bin/env bash
# The matcher's benchmark (docs/coverage.md): a seeded halalsim world of N register MSMEs
# (default 10,000) on loopback, its register and the truth of its public certificate
# search, then bench/match_bench (lib/match.c on every register MSME without a
# certificate of its own). Prints the figures as JSON and writes them to
# bench/results/match-<date>-<N>.json.
#   bench/match_bench.sh [BUILD_DIR] [N] [SEED]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
n=${2:-10000}
seed=${3:-1}
export HT_DATADIR=$src/etc/reference HT_LOCALEDIR=$build/locale
tmp=$(mktemp -d /tmp/halaltrack-match.XXXXXX)
sim_pid=
cleanup() { [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
"$build/sim/halalsim" --msmes "$n" --seed "$seed" --now 2026-11-01T00:00:00Z \
    --listen 127.0.0.1:0 >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
for _ in $(seq 1 600); do
    url=$(sed -n 's/^halalsim: listening on \(http:[^ ]*\).*/\1/p' "$tmp/sim.out" | head -n 1)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/sim.err"; echo "halalsim did not start" >&2; exit 1; }
curl -sf "$url/_sim/register.csv" >"$tmp/register.csv"
curl -sf "$url/_sim/truth/public_search" >"$tmp/truth.ndjson"
out=$("$build/bench/match_bench" "$tmp/register.csv" "$tmp/truth.ndjson" "${@:4}")
echo "$out"
mkdir -p "$src/bench/results"
printf '%s\n' "$out" >"$src/bench/results/match-$(date -u +%F)-$n.json"

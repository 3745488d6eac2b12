#!/usr/bin/env bash
# docs/operations.md stays true to the code: its Prometheus scrape config and alert rules pass
# promtool, every metric they use is one the daemon serves, every metric the daemon serves is
# in the metrics table, and every log line the daemon emits at info level or above
# (log_info/log_warn/log_error in daemon/ and lib/) is explained in the log table; every
# config key is documented in halaltrack.conf(5) and etc/halaltrack.conf.example.
# Needs HT_SOURCE_DIR (CTest).
set -euo pipefail

src=${HT_SOURCE_DIR:?HT_SOURCE_DIR is not set}
doc=$src/docs/operations.md
fail=0
failed() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d /tmp/halaltrack-opsdocs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# ---- the YAML blocks: the scrape config and the rules ----
awk -v dir="$tmp" '
    /^```yaml/ { n++; f = dir "/block" n ".yml"; inb = 1; next }
    /^```/ && inb { inb = 0; next }
    inb { print > f }' "$doc"
[ -f "$tmp/block1.yml" ] && [ -f "$tmp/block2.yml" ] || { echo "FAIL: expected two yaml blocks in $doc"; exit 1; }
command -v promtool >/dev/null || { echo "FAIL: promtool not found (apt-get install prometheus)"; exit 1; }
cp "$tmp/block2.yml" "$tmp/halaltrack.yml"
sed -e "s|/etc/prometheus/rules/halaltrack.yml|$tmp/halaltrack.yml|" "$tmp/block1.yml" >"$tmp/prometheus.yml"
promtool check rules "$tmp/halaltrack.yml" >"$tmp/rules.out" 2>&1 || { cat "$tmp/rules.out"; failed "promtool check rules"; }
promtool check config "$tmp/prometheus.yml" >"$tmp/config.out" 2>&1 || { cat "$tmp/config.out"; failed "promtool check config"; }

# ---- metric names: the rules use only served ones; the table lists every served one ----
served=$(grep -ohE '# TYPE halaltrack_[a-z_]+' "$src"/daemon/*.c | awk '{print $3}' | sort -u)
[ -n "$served" ] || { echo "FAIL: no metric found in daemon/*.c"; exit 1; }
for m in $(grep -ohE 'halaltrack_[a-z_]+' "$tmp/halaltrack.yml" | sort -u); do
    grep -qx "$m" <<<"$served" || failed "the alert rules use '$m', which the daemon does not serve"
done
for m in $served; do
    grep -qF "\`$m" "$doc" || failed "metric '$m' is not in the metrics table of operations.md"
done

# ---- log lines: each format string, up to its first conversion, is in the log table ----
grep -ohE 'log_(info|warn|error)\("[^"]*' "$src"/daemon/*.c "$src"/lib/*.c "$src"/lib/store/*.c |
    sed -E 's/^log_[a-z]+\("//' | sort -u >"$tmp/lines"
[ -s "$tmp/lines" ] || { echo "FAIL: no log line found in the sources"; exit 1; }
while IFS= read -r fmt; do
    # The constant text before the first %: what an operator greps for.
    stem=${fmt%%%*}
    stem=${stem%% }
    stem=${stem//\\\"/\"}
    [ ${#stem} -ge 6 ] || stem=$fmt
    grep -qF -- "$stem" "$doc" || failed "log line '$fmt' is not explained in operations.md"
done <"$tmp/lines"

# ---- config keys: every key of lib/cfg.c's table is in halaltrack.conf(5) and the example ----
keys=$(grep -oE '^[[:space:]]*\{"[a-z_]+", "[a-z_]+"' "$src/lib/cfg.c" | sed -E 's/.*"([a-z_]+)", "([a-z_]+)"/\1.\2/')
[ -n "$keys" ] || { echo "FAIL: no config key found in lib/cfg.c"; exit 1; }
man5=$src/docs/man/halaltrack.conf.5
for k in $keys; do
    sec=${k%%.*}
    name=${k#*.}
    # In the man page: the section header, then the key as a bold word (.B/.BR) after it.
    awk -v sec="[$sec]" -v key="$name" '
        /^\.SH/ { insec = index($0, sec) > 0 }
        insec && /^\.B/ && (index($0, " " key " ") || index($0, " " key "\"") || $0 ~ (" " key "$")) { found = 1 }
        END { exit !found }' "$man5" || failed "key $k is not documented in halaltrack.conf.5"
    grep -qE "^#?$name *=" "$src/etc/halaltrack.conf.example" || failed "key $k is not in etc/halaltrack.conf.example"
done

[ $fail -eq 0 ] && echo "PASS: operations.md: promtool-clean rules, all metrics, all log lines"
exit $fail

#!/usr/bin/env bash
# The systemd units verify cleanly (systemd-analyze verify against a root holding the installed
# package, so every ExecStart path and man page is checked), carry the required settings, the
# timer fires Mondays 07:00 Asia/Jakarta, and the weekly unit's command really writes the report.
# Needs HT_BIN_DIR and HT_SOURCE_DIR (set by CTest); PG* for the weekly command (with-pg).
set -euo pipefail

: "${HT_BIN_DIR:?HT_BIN_DIR is not set}"
src=${HT_SOURCE_DIR:?HT_SOURCE_DIR is not set}
units=$src/etc/systemd
fail=0
failed() { echo "FAIL: $*"; fail=1; }

command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze not found (apt-get install systemd)"; exit 1; }

tmp=$(mktemp -d /tmp/halaltrack-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# ---- 1. a root with the package installed as Debian lays it out (prefix /usr) ----
DESTDIR=$root cmake --install "$HT_BIN_DIR" --prefix /usr >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
sysd=$root/usr/lib/systemd/system
for u in halaltrackd.service halaltrack-weekly.service halaltrack-weekly.timer; do
    [ -f "$sysd/$u" ] || failed "$u not installed under /usr/lib/systemd/system"
done
# What the units need from the base system: the targets they order against and the tools
# ExecReload/ExecStartPre call (/bin/kill, /bin/sh, /bin/mkdir), taken from this machine.
cp -a /usr/lib/systemd/system/*.target "$sysd/"
mkdir -p "$root/bin"
for b in kill sh mkdir date; do
    cp -L "/bin/$b" "$root/bin/$b"
done

# ---- 2. systemd-analyze verify: no error and no warning ----
verify() {
    local out rc=0
    out=$(MANPATH=$root/usr/share/man SYSTEMD_LOG_COLOR=0 \
        systemd-analyze verify --root="$root" "$@" 2>&1) || rc=$?
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
        failed "systemd-analyze verify $* (exit $rc):"
        printf '%s\n' "$out" | sed 's/^/    | /'
        return 1
    fi
}
verify halaltrackd.service halaltrack-weekly.service halaltrack-weekly.timer || true

# The check is real: a unit whose ExecStart binary is missing, or with an unknown key, fails.
mv "$root/usr/sbin/halaltrackd" "$tmp/halaltrackd.moved"
if MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" halaltrackd.service >/dev/null 2>&1; then
    failed "verify passed although /usr/sbin/halaltrackd is missing"
fi
mv "$tmp/halaltrackd.moved" "$root/usr/sbin/halaltrackd"
cp "$sysd/halaltrack-weekly.timer" "$tmp/timer.orig"
echo "OnCalender=Mon" >>"$sysd/halaltrack-weekly.timer"
if [ -z "$(MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" halaltrack-weekly.timer 2>&1)" ]; then
    failed "verify said nothing about an unknown key"
fi
cp "$tmp/timer.orig" "$sysd/halaltrack-weekly.timer"

# ---- 3. the settings issue 7 asks for ----
need() { # need UNIT KEY=VALUE (an exact line of the unit)
    grep -qxF -- "$2" "$units/$1" || failed "$1 lacks '$2'"
}
for kv in Type=notify User=halaltrack Group=halaltrack 'ExecReload=/bin/kill -HUP $MAINPID' \
          Restart=on-failure NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
          PrivateTmp=yes StateDirectory=halaltrack; do
    need halaltrackd.service "$kv"
done
grep -q '^ExecStart=/usr/sbin/halaltrackd ' "$units/halaltrackd.service" ||
    failed "halaltrackd.service does not start /usr/sbin/halaltrackd"
for kv in Type=oneshot User=halaltrack NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
          PrivateTmp=yes StateDirectory=halaltrack; do
    need halaltrack-weekly.service "$kv"
done
need halaltrack-weekly.timer 'Persistent=true'

# The sandbox as systemd scores it: "OK" (exposure at most 3.0 of 10; --threshold counts
# in tenths) for both services.
for u in halaltrackd.service halaltrack-weekly.service; do
    if ! sec=$(MANPATH=$root/usr/share/man systemd-analyze security --offline=yes --root="$root" \
            --threshold=30 "$u" 2>&1); then
        failed "$u exposure above 3.0: $(tail -n 1 <<<"$sec")"
    fi
done

# ---- 4. the timer: every Monday 07:00 Asia/Jakarta (00:00 UTC) ----
spec=$(sed -n 's/^OnCalendar=//p' "$units/halaltrack-weekly.timer")
[ -n "$spec" ] || failed "halaltrack-weekly.timer has no OnCalendar"
cal=$(TZ=UTC systemd-analyze calendar --iterations=3 "$spec" 2>&1) || failed "systemd-analyze calendar '$spec': $cal"
n=0
while read -r when; do
    n=$((n + 1))
    [[ $when == "Mon "*" 00:00:00 UTC" ]] || failed "timer elapses at '$when', expected a Monday 00:00:00 UTC (07:00 WIB)"
done < <(sed -n 's/^ *\(Next elapse\|Iter\. #[0-9]*\): *//p' <<<"$cal")
[ $n -eq 3 ] || { failed "could not read 3 elapse times from:"; echo "$cal"; }

# ---- 5. the weekly unit's command, run as systemd would (paths redirected to this build) ----
cmdline=$(sed -n 's/^ExecStart=//p' "$units/halaltrack-weekly.service")
[[ $cmdline == "/bin/sh -c '"*"'" ]] || failed "unexpected weekly ExecStart: $cmdline"
script=${cmdline#/bin/sh -c \'}
script=${script%\'}
# systemd unescapes %% to % and $$ to $ before running the command.
script=${script//%%/%}
script=${script//\$\$/\$}
state=$tmp/state
mkdir -p "$state/reports"
script=${script//\/usr\/bin\/halaltrack/$HT_BIN_DIR\/cli\/halaltrack}
script=${script//\/var\/lib\/halaltrack/$state}
schema=t_units_$$
export HALALTRACK_SCHEMA=$schema
export HT_SQLDIR="${HT_SQLDIR:-$src/sql}"
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
cleanup_schema() { psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup_schema EXIT
"$HT_BIN_DIR/cli/halaltrack" db migrate >/dev/null || failed "db migrate for the weekly command"
if ! out=$(sh -c "$script" 2>&1); then
    failed "the weekly unit's command failed: $out"
fi
want=$(TZ=Asia/Jakarta date -d '7 days ago' +%G-W%V)
f=$state/reports/weekly-$want.html
if [ ! -s "$f" ]; then
    failed "the weekly command wrote no $f"; ls -l "$state/reports"
elif ! grep -qi '<html' "$f" || ! grep -q "$want" "$f"; then
    failed "$f is not the HTML report of week $want"
fi

[ $fail -eq 0 ] && echo "PASS: units verify, settings, timer, weekly command"
exit $fail

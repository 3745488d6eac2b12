#!/usr/bin/env bash
# `cmake --install` puts everything where GNUInstallDirs says, and the installed programs find
# their data there (migrations, holiday calendar, message catalogues) with no HT_* overrides:
# a separate build configured with an install prefix under the build tree is installed, its
# file list checked, and the installed binaries run (--help, --version, db migrate, Indonesian
# messages, the config check). Man pages render without warnings.
# Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg) for the migration.
set -euo pipefail

: "${HT_BIN_DIR:?HT_BIN_DIR is not set}"
src=${HT_SOURCE_DIR:?HT_SOURCE_DIR is not set}
fail=0
failed() { echo "FAIL: $*"; fail=1; }

# The installed binaries must not be helped by the build tree's overrides.
unset HT_SQLDIR HT_DATADIR HT_LOCALEDIR HALALTRACK_CONFIG

# ---- 1. configure, build and install into a prefix (reused across runs: incremental) ----
work=$HT_BIN_DIR/test-install
prefix=$work/usr
rm -rf "$prefix"
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; echo "FAIL: configure"; exit 1; }
cmake --build "$work/build" -j2 >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log"; echo "FAIL: build"; exit 1; }
cmake --install "$work/build" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }

# ---- 2. the file list ----
expect_files=(
    bin/halaltrack bin/halalsim sbin/halaltrackd
    share/man/man1/halaltrack.1 share/man/man1/halalsim.1
    share/man/man5/halaltrack.conf.5 share/man/man8/halaltrackd.8
    share/halaltrack/libur_nasional.csv share/halaltrack/wilayah_kota_pasuruan.csv
    share/locale/id/LC_MESSAGES/halaltrack.mo
    share/bash-completion/completions/halaltrack
    lib/systemd/system/halaltrackd.service lib/systemd/system/halaltrack-weekly.service
    lib/systemd/system/halaltrack-weekly.timer
    share/doc/halaltrack/halaltrack.conf.example
    etc/halaltrack/halaltrack.conf
)
for f in "${expect_files[@]}"; do
    [ -e "$prefix/$f" ] || failed "not installed: $f"
done
for x in bin/halaltrack bin/halalsim sbin/halaltrackd; do
    [ -x "$prefix/$x" ] || failed "not executable: $x"
done
# Every migration of the source tree, and nothing else, under share/halaltrack/sql.
diff <(cd "$src/sql" && ls ./*.sql | sort) <(cd "$prefix/share/halaltrack/sql" && ls ./*.sql | sort) ||
    failed "share/halaltrack/sql differs from sql/"
diff <(cd "$src/sql/definitions" && ls ./*.sql | sort) \
    <(cd "$prefix/share/halaltrack/sql/definitions" && ls ./*.sql | sort) ||
    failed "share/halaltrack/sql/definitions differs from sql/definitions/"
# Every man page of docs/man is installed in its section.
for m in "$src"/docs/man/*.[158]; do
    sec=${m##*.}
    [ -f "$prefix/share/man/man$sec/$(basename "$m")" ] || failed "man page $(basename "$m") not installed"
done
# The config is not world-readable (it may hold a conninfo).
if [ -f "$prefix/etc/halaltrack/halaltrack.conf" ]; then
    mode=$(stat -c %a "$prefix/etc/halaltrack/halaltrack.conf")
    [ "${mode: -1}" = 0 ] || failed "installed halaltrack.conf has mode $mode (world-readable)"
fi

# ---- 3. the installed programs run and find their data ----
for p in bin/halaltrack sbin/halaltrackd bin/halalsim; do
    name=$(basename "$p")
    out=$("$prefix/$p" --version 2>&1) || failed "$name --version failed: $out"
    grep -q "^$name [0-9]" <<<"$out" || failed "$name --version printed '$out'"
    out=$("$prefix/$p" --help 2>&1) || failed "$name --help failed"
    grep -q "Usage:" <<<"$out" || failed "$name --help lacks Usage:"
done
# The daemon's default config path is the installed one.
"$prefix/sbin/halaltrackd" --help | grep -qF "$prefix/etc/halaltrack/halaltrack.conf" ||
    failed "halaltrackd's default config is not $prefix/etc/halaltrack/halaltrack.conf"
# Indonesian from the installed catalogue (LANG=id even without the locale).
out=$(env -i PATH="$PATH" LANG=id_ID.UTF-8 "$prefix/bin/halaltrack" --help 2>&1 || true)
grep -q "Perintah:" <<<"$out" || { failed "installed halaltrack --help is not Indonesian:"; echo "$out" | head -5; }
# Migrations from the installed share/halaltrack/sql, into a fresh schema.
schema=t_install_$$
trap 'psql -X -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $schema" >/dev/null
out=$("$prefix/bin/halaltrack" --schema="$schema" db migrate 2>&1) || failed "installed db migrate: $out"
n=$(ls "$prefix/share/halaltrack/sql"/*.sql | wc -l)
got=$(psql -X -A -t -c "SELECT count(*) FROM $schema.schema_migration" 2>/dev/null || echo "?")
[ "$got" = "$n" ] || failed "installed db migrate applied $got migrations, expected $n"
# The holiday calendar from share/halaltrack: a report that counts working days runs.
out=$("$prefix/bin/halaltrack" --schema="$schema" overdue 2>&1) || failed "installed overdue (calendar): $out"

# ---- 4. man pages: render without any groff warning ----
for m in "$src"/docs/man/*.[158]; do
    w=$(groff -man -ww -z "$m" 2>&1)
    [ -z "$w" ] || { failed "groff warnings in $(basename "$m"):"; echo "$w"; }
    w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
    [ -z "$w" ] || { failed "man -l warnings in $(basename "$m"):"; echo "$w"; }
    page=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$m" 2>/dev/null | col -b)
    grep -q '^NAME' <<<"$page" || failed "man -l $(basename "$m") does not render a NAME section"
done

# Every long option a program's --help shows (for halaltrack: of every command and
# subcommand) is in its man page.
manopts() { # manopts PAGE HELP-TEXT...
    local page=$1 o
    shift
    for o in $(printf '%s\n' "$@" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -qF -- "$(sed 's/-/\\-/g' <<<"$o")" "$page" || failed "$(basename "$page") lacks $o"
    done
}
manopts "$src/docs/man/halaltrackd.8" "$("$prefix/sbin/halaltrackd" --help)"
manopts "$src/docs/man/halalsim.1" "$("$prefix/bin/halalsim" --help)"
helps=$("$prefix/bin/halaltrack" --help)
for c in $("$prefix/bin/halaltrack" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}'); do
    helps+=$'\n'$("$prefix/bin/halaltrack" "$c" --help 2>&1 || true)
    for s in $("$prefix/bin/halaltrack" "$c" --help 2>&1 | awk -v c="$c" '$1 == "halaltrack" && $2 == c && $3 ~ /^[a-z][a-z-]*$/ {print $3}' | sort -u); do
        helps+=$'\n'$("$prefix/bin/halaltrack" "$c" "$s" --help 2>&1 || true)
    done
done
manopts "$src/docs/man/halaltrack.1" "$helps"

# ---- 5. bash completion: every command and every long option of --help is offered ----
bc=/usr/share/bash-completion/bash_completion
if [ ! -f "$bc" ]; then
    failed "bash-completion is not installed (scripts/install-deps installs it)"
else
    complete_words() { # complete_words WORD... : what halaltrack's completion offers for the last word
        bash --norc --noprofile -c '
            . "$1"; . "$2"; shift 2
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
            COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            _halaltrack halaltrack "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf "%s\n" "${COMPREPLY[@]}"' _ "$bc" "$prefix/share/bash-completion/completions/halaltrack" "$@"
    }
    bin=$prefix/bin/halaltrack
    cmds=$("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z][a-z-]*( |$)/ {print $1}')
    offered=$(complete_words halaltrack "")
    for c in $cmds; do
        grep -qx "$c" <<<"$offered" || failed "completion does not offer command '$c'"
    done
    for c in $cmds; do
        # Subcommands: from the usage lines ("  halaltrack CMD SUB ...").
        subs=$("$bin" "$c" --help | awk -v c="$c" '$1 == "halaltrack" && $2 == c && $3 ~ /^[a-z][a-z-]*$/ {print $3}' | sort -u)
        if [ -n "$subs" ]; then
            offered=$(complete_words halaltrack "$c" "")
            for s in $subs; do
                grep -qx "$s" <<<"$offered" || failed "completion does not offer '$c $s'"
            done
        fi
        # The union of the long options the command's help texts show must be offered by
        # the completion of the command or one of its subcommands (some share one help).
        want=$( { "$bin" "$c" --help 2>&1 || true
                  for s in $subs; do "$bin" "$c" "$s" --help 2>&1 || true; done; } |
                grep -oE -- '--[a-z][a-z-]*' | sort -u)
        offered=$( { complete_words halaltrack "$c" "--"
                     for s in $subs; do complete_words halaltrack "$c" "$s" "--"; done; } | sort -u)
        for o in $want; do
            grep -qx -- "$o" <<<"$offered" || failed "completion of '$c' lacks $o"
        done
    done
fi

[ $fail -eq 0 ] && echo "PASS: install layout, installed programs, man pages, completion"
exit $fail

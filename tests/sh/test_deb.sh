#!/usr/bin/env bash
# The .deb installs with apt on a clean Debian 12 root and runs there: scripts/deb-smoke
# (about 30 s with its cached root in /var/cache/halaltrack-deb-smoke; the first run builds
# the root with debootstrap from the Debian archive, about 75 s more). Needs root.
# Outside CI, a machine without root or debootstrap reports a skip; under CI=true it fails.
set -euo pipefail

: "${HT_BIN_DIR:?HT_BIN_DIR is not set}"
src=${HT_SOURCE_DIR:?HT_SOURCE_DIR is not set}

if [ "$(id -u)" -ne 0 ]; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: test_deb needs root under CI (debootstrap, chroot)"
        exit 1
    fi
    echo "SKIP: test_deb needs root (debootstrap, chroot); run scripts/deb-smoke as root"
    exit 0
fi
# Its own PostgreSQL and build tree; the with-pg environment is not used.
unset PGHOST PGPORT PGUSER PGDATABASE
bash "$src/scripts/deb-smoke" "$HT_BIN_DIR/deb-smoke-build"

#!/usr/bin/env bash
# Issue 10 item 6: an access code never reaches SQL. On a throwaway cluster of its own with
# log_statement = all (every statement and its parameters in the server log), the office
# issues a code, the MSME looks it up right and wrong through halaltrack-serve, an old
# SHA-256 code is looked up and re-hashed; then neither code, in any spelling, nor the
# pepper is in the server's log. On main before the service, msme_status took the code as
# a bind parameter and this failed. Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest).
set -euo pipefail
here=$(dirname "$0")
state=$(mktemp -d /tmp/halaltrack-stmtlog.XXXXXX)
bash "$HT_SOURCE_DIR/scripts/pgctl" up "$state" >/dev/null
. "$state/env"
psql -X -q -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
SERVE_PREFIX=htsl
. "$here/serve_env.sh"
trap 'cleanup_serve; bash "$HT_SOURCE_DIR/scripts/pgctl" down "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
setup_db
start_serve
log=$HT_PG_DIR/log
[ "$(psql -X -A -t -d postgres -c 'SHOW log_statement')" = all ] || failed "log_statement is not all"

ss() { curl -s -o /dev/null -w '%{http_code}' -X POST --data "$1" "$url/api/v1/self-service/status"; }
[ "$(ss "{\"nib\": \"$NIB_A\", \"code\": \"$code_a\"}")" = 200 ] || failed "the right code"
[ "$(ss "{\"nib\": \"$NIB_A\", \"code\": \"WRNG-C0DE\"}")" = 404 ] || failed "a wrong code"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "nib=$NIB_B&code=$code_b" "$url/")" = 200 ] ||
    failed "the form"
# A code issued before the keyed hash (kdf sha256): it works once and is re-hashed.
old=$(printf 'abcd:OLDC0DE7' | sha256sum | cut -d' ' -f1)   # not in SQL: it is logged
sql -c "UPDATE halaltrack.msme_access_code SET salt = 'abcd', kdf = 'sha256',
        verifier = '$old' WHERE nib = '$NIB_B'" >/dev/null
[ "$(ss "{\"nib\": \"$NIB_B\", \"code\": \"OLDC-0DE7\"}")" = 200 ] || failed "the old code"
[ "$(sql -c "SELECT kdf FROM halaltrack.msme_access_code WHERE nib = '$NIB_B'")" != sha256 ] ||
    failed "the old code was not re-hashed"

grep -q 'self_service_verify' "$log" || failed "the server log holds no statement: is it logging?"
for secret in "$code_a" "${code_a/-/}" "$code_b" "${code_b/-/}" OLDC-0DE7 OLDC0DE7 WRNG-C0DE WRNG \
              "$(head -c 20 "$tmp/pepper")"; do
    if grep -qiF -- "$secret" "$log"; then
        failed "the server log holds '$secret':"
        grep -iF -- "$secret" "$log" | head -3
    fi
done
[ $fail -eq 0 ] && echo "ok: no access code in a log_statement = all server log"
exit $fail

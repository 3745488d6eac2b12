#!/usr/bin/env bash
# halaltrack-serve over HTTP (issue 15), with a real PostgreSQL and the real service:
# every endpoint with curl; the MSME's page in both languages; the same answer and the
# same time for an unknown NIB and a wrong code; the throttle under many concurrent wrong
# guesses from many addresses holds exactly; a kecamatan token cannot read another
# kecamatan; the change feed pages; request size limit; the access log holds no code and
# no token. Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest) and PG* (with-pg).
set -euo pipefail
. "$(dirname "$0")/serve_env.sh"
trap cleanup_serve EXIT
setup_db
start_serve

# body STATUS-FILE CURL-ARGS...: the body on stdout, the status in the file.
req() { local f=$1; shift; curl -s -o "$tmp/body" -w '%{http_code} %{time_total}' "$@" > "$f"; cat "$tmp/body"; }
status() { cut -d' ' -f1 "$1"; }
ss() { req "$tmp/st" -X POST -H 'Content-Type: application/json' --data "$1" "$url/api/v1/self-service/status" "${@:2}"; }

# ---- the MSME's page ----
page=$(req "$tmp/st" "$url/")
[ "$(status "$tmp/st")" = 200 ] || failed "GET / answered $(cat "$tmp/st")"
grep -q '<html lang="id">' <<<"$page" || failed "GET / is not in Bahasa Indonesia"
grep -q 'name="nib"' <<<"$page" && grep -q 'name="code"' <<<"$page" || failed "GET / has no form"
grep -qi '<script\|src=\|https\?://[a-z]' <<<"$(sed 's/hreflang="[a-z]*"//' <<<"$page")" && failed "GET / loads a script or an external asset"
grep -q 'Periksa' <<<"$page" || failed "GET / lacks the Indonesian button"
grep -q '<html lang="en">' <<<"$(curl -s "$url/?lang=en")" || failed "?lang=en is not English"
grep -q '<html lang="en">' <<<"$(curl -s -H 'Accept-Language: en-US,en;q=0.9,id;q=0.5' "$url/")" ||
    failed "Accept-Language: en is not English"
grep -q '<html lang="id">' <<<"$(curl -s -H 'Accept-Language: id-ID, en;q=0.3' "$url/")" ||
    failed "Accept-Language: id is not Indonesian"
csp=$(curl -s -D - -o /dev/null "$url/" | tr -d '\r' | grep -i '^content-security-policy:' || true)
grep -q "default-src 'none'" <<<"$csp" || failed "GET / has no strict CSP: $csp"

# The form: the right code shows the timeline; a wrong code and an unknown NIB the same.
page=$(req "$tmp/st" -X POST --data "nib=$NIB_A&code=$(tr 'A-Z' 'a-z' <<<"$code_a")" "$url/")
[ "$(status "$tmp/st")" = 200 ] || failed "the right code answered $(cat "$tmp/st")"
for want in 'Keripik Tempe Bu Sri' 'Verifikasi' 'Pengajuan' 'BPJPH' 'Langkah berikutnya' \
            'Data per' 'hari kerja' 'melewati batas waktu'; do
    grep -q "$want" <<<"$page" || failed "the answer page lacks '$want'"
done
grep -q 'Warung Pak Slamet' <<<"$page" && failed "the answer page shows another MSME"
en=$(curl -s -X POST --data "nib=$NIB_A&code=$code_a&lang=en" "$url/")
grep -q 'Waiting on' <<<"$en" && grep -q 'Next step' <<<"$en" || failed "the English answer page"
wrong=$(req "$tmp/st1" -X POST --data "nib=$NIB_A&code=AAAA-BBBB" "$url/")
unknown=$(req "$tmp/st2" -X POST --data "nib=$NIB_NONE&code=$code_a" "$url/")
[ "$wrong" = "$unknown" ] || failed "the form tells an unknown NIB from a wrong code"
[ "$(status "$tmp/st1")" = "$(status "$tmp/st2")" ] || failed "different statuses: $(cat "$tmp/st1") / $(cat "$tmp/st2")"
grep -q 'tidak cocok' <<<"$wrong" || failed "the wrong-code page says nothing"
grep -q "$NIB_A" <<<"$wrong" && failed "the wrong-code page echoes the NIB"

# ---- the JSON self-service API ----
body=$(ss "{\"nib\": \"$NIB_A\", \"code\": \"$code_a\", \"lang\": \"en\"}")
[ "$(status "$tmp/st")" = 200 ] || failed "JSON right code: $(cat "$tmp/st") $body"
grep -q '"business_name": "Keripik Tempe Bu Sri"' <<<"$body" || failed "JSON answer: $body"
grep -q '"label": "Verification"' <<<"$body" || failed "JSON answer not in English: $body"
w=$(ss "{\"nib\": \"$NIB_A\", \"code\": \"ZZZZ-ZZZZ\"}"); t_w=$(cut -d' ' -f2 "$tmp/st"); s_w=$(status "$tmp/st")
u=$(ss "{\"nib\": \"$NIB_NONE\", \"code\": \"$code_a\"}"); t_u=$(cut -d' ' -f2 "$tmp/st"); s_u=$(status "$tmp/st")
[ "$w" = "$u" ] && [ "$s_w" = 404 ] && [ "$s_u" = 404 ] || failed "JSON: wrong code ($s_w $w) vs unknown NIB ($s_u $u)"
# Every answer is held until a multiple of answer_ms (200 ms) since it arrived: neither a
# wrong code nor an unknown NIB comes back sooner (unpadded, both take a few ms). Only the
# lower bound is asserted: how far past it an answer lands depends on the machine's load.
for t in "$t_w" "$t_u"; do
    awk -v t="$t" 'BEGIN { exit !(t >= 0.2) }' || failed "answer time $t s is shorter than answer_ms (200 ms)"
done
[ "$(ss '{"nib": 1}' >/dev/null; status "$tmp/st")" = 400 ] || failed "a malformed body is not 400"
[ "$(ss '{"nib": "1", "code": "2", "extra": 3}' >/dev/null; status "$tmp/st")" = 400 ] || failed "an unknown field is not 400"
big=$(head -c 20000 /dev/zero | tr '\0' 'a')
[ "$(ss "{\"nib\": \"$big\", \"code\": \"x\"}" >/dev/null; status "$tmp/st")" = 413 ] || failed "a 20 kB body is not 413"

# ---- the throttle over HTTP: 5 wrong codes, then 429 with Retry-After, right code too ----
# (the right code above cleared the NIB; one wrong JSON code since)
for i in 1 2 3 4; do ss "{\"nib\": \"$NIB_A\", \"code\": \"WRONG-$i\"}" -H "X-Forwarded-For: 192.0.2.$i" >/dev/null; done
ss "{\"nib\": \"$NIB_A\", \"code\": \"WRONG\"}" -H 'X-Forwarded-For: 192.0.2.9' >/dev/null
[ "$(status "$tmp/st")" = 429 ] || failed "the 6th failure for a NIB is $(cat "$tmp/st")"
ss "{\"nib\": \"$NIB_A\", \"code\": \"$code_a\"}" -H 'X-Forwarded-For: 192.0.2.10' >/dev/null
[ "$(status "$tmp/st")" = 429 ] || failed "the right code got through the back-off"
ra=$(curl -s -D - -o /dev/null -X POST --data "{\"nib\": \"$NIB_A\", \"code\": \"x\"}" "$url/api/v1/self-service/status" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')
[ -n "$ra" ] && [ "$ra" -ge 1 ] && [ "$ra" -le 900 ] || failed "no sane Retry-After ($ra)"
# A new code lifts it.
code_a=$("$cli" -d "dbname=$db" msme issue-code "$NIB_A" 2>/dev/null | sed 's/.*: //')
ss "{\"nib\": \"$NIB_A\", \"code\": \"$code_a\"}" >/dev/null
[ "$(status "$tmp/st")" = 200 ] || failed "a new code did not lift the back-off: $(cat "$tmp/st")"

# 40 wrong guesses at once for one NIB from 40 addresses (behind the trusted proxy):
# exactly 5 are looked at (404), 35 refused (429), and all 40 counted.
for i in $(seq 1 40); do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "X-Forwarded-For: 198.51.100.$i" \
        --data "{\"nib\": \"$NIB_B\", \"code\": \"GUES-S$i\"}" "$url/api/v1/self-service/status" &
done > "$tmp/guesses"
wait $(jobs -p | grep -v "^$serve_pid$") 2>/dev/null || true
n404=$(grep -c '^404$' "$tmp/guesses" || true); n429=$(grep -c '^429$' "$tmp/guesses" || true)
[ "$n404" = 5 ] && [ "$n429" = 35 ] || failed "40 concurrent guesses: $n404 looked at, $n429 refused (want 5 and 35)"
got=$(sql -c "SELECT failures || '/' || attempts || '/' || blocked FROM halaltrack.self_service_attempt
              WHERE subject_key = encode(sha256(convert_to('halaltrack-nib:$NIB_B', 'UTF8')), 'hex')")
[ "$got" = 5/40/35 ] || failed "the NIB's count is $got (failures/attempts/blocked), want 5/40/35"

# ---- the monitoring API ----
api() { local t=$1; shift; req "$tmp/st" -H "Authorization: Bearer $t" "$@"; }
api "" "$url/api/v1/funnel" >/dev/null
[ "$(status "$tmp/st")" = 401 ] || failed "no token: $(cat "$tmp/st")"
api "htk_$(printf '%064d' 0)" "$url/api/v1/funnel" >/dev/null
[ "$(status "$tmp/st")" = 401 ] || failed "an unknown token: $(cat "$tmp/st")"
f=$(api "$tok_kota" "$url/api/v1/funnel")
[ "$(grep -A5 '"stage": "verification"' <<<"$f" | sed -n 's/.*"total": \([0-9]*\).*/\1/p')" = 2 ] || failed "kota funnel: $f"
f=$(api "$tok_kec" "$url/api/v1/funnel")
[ "$(grep -A5 '"stage": "verification"' <<<"$f" | sed -n 's/.*"total": \([0-9]*\).*/\1/p')" = 1 ] || failed "kecamatan funnel: $f"
grep -q '"kecamatan": "35.75.01"' <<<"$f" || failed "the funnel does not name its scope"
o=$(api "$tok_kec" "$url/api/v1/overdue")
grep -q "$NIB_A" <<<"$o" && ! grep -q "$NIB_B" <<<"$o" || failed "kecamatan overdue: $o"
o=$(api "$tok_kota" "$url/api/v1/overdue")
grep -q "$NIB_A" <<<"$o" && grep -q "$NIB_B" <<<"$o" || failed "kota overdue: $o"
api "$tok_kec" "$url/api/v1/msme/$NIB_B" >/dev/null
[ "$(status "$tmp/st")" = 404 ] || failed "a kecamatan token read another kecamatan's MSME: $(cat "$tmp/st")"
m=$(api "$tok_kec" "$url/api/v1/msme/$NIB_A")
[ "$(status "$tmp/st")" = 200 ] && grep -q '"timeline"' <<<"$m" || failed "msme in scope: $(cat "$tmp/st") $m"
api "$tok_kota" "$url/api/v1/msme/$NIB_B" >/dev/null
[ "$(status "$tmp/st")" = 200 ] || failed "the kota token cannot read $NIB_B"
api "$tok_kota" "$url/api/v1/msme/123" >/dev/null
[ "$(status "$tmp/st")" = 400 ] || failed "a bad NIB is $(cat "$tmp/st")"
pr=$(api "$tok_kota" "$url/api/v1/progress")
[ "$(status "$tmp/st")" = 200 ] && grep -q '"goals"' <<<"$pr" || failed "progress: $pr"

# The change feed: 6 entries (2 applications, 4 events) for the city, 3 for the
# kecamatan; paged two at a time, every entry once.
c=$(api "$tok_kota" "$url/api/v1/changes?since=0&limit=1000")
[ "$(grep -c '"cursor"' <<<"$c")" = 6 ] || failed "kota change feed: $c"
c=$(api "$tok_kec" "$url/api/v1/changes")
[ "$(grep -c '"cursor"' <<<"$c")" = 3 ] || failed "kecamatan change feed: $c"
grep -q "$NIB_B" <<<"$c" && failed "the kecamatan feed shows $NIB_B"
since=0; seen=""
for _ in 1 2 3 4 5; do
    c=$(api "$tok_kota" "$url/api/v1/changes?since=$since&limit=2")
    seen="$seen $(sed -n 's/.*"cursor": "\([0-9]*\)".*/\1/p' <<<"$c" | tr '\n' ' ')"
    since=$(sed -n 's/.*"next": "\([0-9]*\)".*/\1/p' <<<"$c")
    grep -q '"more": true' <<<"$c" || break
done
[ "$(tr ' ' '\n' <<<"$seen" | grep -c .)" = 6 ] && [ "$(tr ' ' '\n' <<<"$seen" | grep . | sort -u | wc -l)" = 6 ] ||
    failed "paging the feed two at a time saw:$seen"
sql -c "UPDATE halaltrack.application SET status_code = 'OF300', stage = 'certified',
        certificate_no = 'ID35110000123450124', certificate_date = current_date
        WHERE nib = '$NIB_B'" >/dev/null
c=$(api "$tok_kota" "$url/api/v1/changes?since=$since")
grep -q '"op": "update"' <<<"$c" && grep -q 'ID35110000123450124' <<<"$c" || failed "the update is not in the feed: $c"
api "$tok_kota" "$url/api/v1/changes?since=abc" >/dev/null
[ "$(status "$tmp/st")" = 400 ] || failed "a bad cursor is $(cat "$tmp/st")"

# The action list: a file returned to each business; a kecamatan token sees its own
# kecamatan's only, the kota token both (after the feed checks: these are new entries).
sql <<SQL >/dev/null
SET search_path = halaltrack;
INSERT INTO application (id_reg, nib, msme_id, no_daftar, channel_id, status_code, stage,
                         stage_since, tgl_daftar)
SELECT 'ret-' || nib, nib, id, 'SH2026-1-10000' || id, 'CH001', 'OF280', 'returned',
       now() - interval '8 days', now() - interval '20 days' FROM msme;
INSERT INTO stage_event (application_id, status_code, stage, at)
SELECT id, 'OF280', 'returned', now() - interval '8 days' FROM application
 WHERE id_reg LIKE 'ret-%';
SQL
sleep 1 # the lists are as known at the request's second: events observed before it
o=$(api "$tok_kec" "$url/api/v1/actions")
[ "$(status "$tmp/st")" = 200 ] || failed "kecamatan actions: $(cat "$tmp/st") $o"
grep -q "\"nib\": \"$NIB_A\"" <<<"$o" && grep -q '"reason": "returned"' <<<"$o" &&
    grep -q '"phone": "081234567001"' <<<"$o" && ! grep -q "$NIB_B" <<<"$o" ||
    failed "kecamatan actions: $o"
grep -q '"kecamatan": "35.75.01"' <<<"$o" || failed "the action list does not name its scope"
o=$(api "$tok_kota" "$url/api/v1/actions")
grep -q "ret-$NIB_A" <<<"$o" && grep -q "ret-$NIB_B" <<<"$o" || failed "kota actions: $o"
api "" "$url/api/v1/actions" >/dev/null
[ "$(status "$tmp/st")" = 401 ] || failed "actions without a token: $(cat "$tmp/st")"

# The weekly report of a closed week: kota yes, kecamatan no, an open week no.
last=$(date -u -d '7 days ago' +%G-W%V)
wk=$(api "$tok_kota" "$url/reports/weekly/$last")
[ "$(status "$tmp/st")" = 200 ] && grep -q '<svg' <<<"$wk" || failed "weekly $last: $(cat "$tmp/st")"
# Stored under the kota's scope once the week has been closed for an hour (issue 16):
# served again byte for byte, from the stored copy.
wk2=$(api "$tok_kota" "$url/reports/weekly/$last")
[ "$wk2" = "$wk" ] || failed "weekly $last: a second request gave other bytes"
if [ "$(TZ=Asia/Jakarta date +%u%H)" != 100 ]; then # not within an hour of the week's end
    [ "$(sql -c "SELECT count(*) FROM halaltrack.weekly_snapshot WHERE week = '$last' AND scope = 'kota'")" = 1 ] ||
        failed "weekly $last: not stored under the kota's scope"
    [ "$(sql -c "SELECT body FROM halaltrack.weekly_snapshot WHERE week = '$last' AND format = 'html'")" = "$wk" ] ||
        failed "weekly $last: the stored report is not the one served"
fi
api "$tok_kec" "$url/reports/weekly/$last" >/dev/null
[ "$(status "$tmp/st")" = 403 ] || failed "a kecamatan token got the weekly report: $(cat "$tmp/st")"
api "$tok_kota" "$url/reports/weekly/$(date -u -d '7 days' +%G-W%V)" >/dev/null
[ "$(status "$tmp/st")" = 404 ] || failed "an open week is $(cat "$tmp/st")"

# Unknown paths and methods.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/nope")" = 404 ] || failed "unknown path"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/api/v1/funnel")" = 405 ] || failed "DELETE"

# Revoked: refused from the next request on.
"$cli" -d "dbname=$db" token revoke camat >/dev/null
api "$tok_kec" "$url/api/v1/funnel" >/dev/null
[ "$(status "$tmp/st")" = 401 ] || failed "a revoked token: $(cat "$tmp/st")"
"$cli" -d "dbname=$db" token list --format=csv | grep -q '^2,camat,kecamatan:35.75.01,' ||
    failed "token list: $("$cli" -d "dbname=$db" token list --format=csv)"

# ---- the access log: every request, no code, no token ----
grep -q 'access client=198.51.100.' "$tmp/serve.log" || failed "the log does not name the forwarded client"
grep -q 'token=dinas' "$tmp/serve.log" || failed "the log does not name the token's application"
for secret in "$code_a" "${code_a/-/}" "$code_b" "$tok_kota" "$tok_kec" "${tok_kota#htk_}"; do
    grep -qi -- "$secret" "$tmp/serve.log" && failed "the log holds a secret"
done
grep -q 'GUES-S' "$tmp/serve.log" && failed "the log holds a guessed code"

[ $fail -eq 0 ] && echo "ok: halaltrack-serve over HTTP"
exit $fail

#!/usr/bin/env bash
# The MSME's page in a real browser (Debian's headless Chromium, no script on our side):
# the form renders at a phone's width; an HTML page that submits the form (as a person
# would press Check) gets the answer, and the answer shows the timeline; a wrong code shows
# the message. Needs HT_BIN_DIR, HT_SOURCE_DIR (CTest), PG* (with-pg) and chromium.
set -euo pipefail
chromium=${HALALTRACK_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "FAIL: no chromium at $chromium (scripts/install-deps installs Debian's)"; exit 1
fi
SERVE_PREFIX=htcr
ANSWER_MS=0   # the uniform answer time is test_serve_http.sh's; here the browser
. "$(dirname "$0")/serve_env.sh"
trap cleanup_serve EXIT
setup_db
start_serve

browse() { # browse OUT URL [extra flags]: the DOM after the page (and what it submits) loaded
    local out=$1 u=$2; shift 2
    local prof; prof=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --window-size=360,740 "$@" --dump-dom "$u" >"$out" 2>"$out.err" ||
        { failed "chromium failed on $u"; tail -5 "$out.err"; }
}

browse "$tmp/form.html" "$url/?lang=id"
grep -q 'name="nib"' "$tmp/form.html" && grep -q 'Periksa' "$tmp/form.html" ||
    failed "the form did not render: $(head -c 300 "$tmp/form.html")"
# A screenshot at a phone's size proves it lays out (a non-empty PNG).
prof=$(mktemp -d "$tmp/profile.XXXXXX")
(cd "$tmp" && timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$prof" --window-size=360,740 --screenshot="$tmp/phone.png" "$url/?lang=id" \
    >/dev/null 2>&1) || failed "no screenshot"
[ -s "$tmp/phone.png" ] || failed "an empty screenshot"

submit_page() { # submit_page FILE NIB CODE: a page that submits the service's form at once
    cat > "$1" <<HTML
<!DOCTYPE html><html><body onload="document.forms[0].submit()">
<form method="post" action="$url/"><input name="nib" value="$2"><input name="code" value="$3">
<input type="hidden" name="lang" value="id">
</form></body></html>
HTML
}
# submitted OUT FILE: the browser's DOM after FILE submitted the form. Chromium may dump
# the DOM of the submitting page while the answer is still on its way: ask again then.
submitted() {
    for _ in 1 2 3 4 5; do
        browse "$1" "file://$2" --virtual-time-budget=30000
        grep -q 'name="code"\|<ol>' "$1" && ! grep -q 'onload=' "$1" && return 0
    done
}
submit_page "$tmp/right.html" "$NIB_A" "$code_a"
submitted "$tmp/answer.html" "$tmp/right.html"
for want in 'Keripik Tempe Bu Sri' 'Verifikasi' 'Pengajuan' 'Langkah berikutnya' '<ol>'; do
    grep -q "$want" "$tmp/answer.html" || failed "the answer in the browser lacks '$want'"
done
[ "$(grep -c '<li' "$tmp/answer.html")" -ge 2 ] || failed "the timeline has fewer than 2 steps"
submit_page "$tmp/wrong.html" "$NIB_A" "AAAA-BBBB"
submitted "$tmp/wrong.out" "$tmp/wrong.html"
grep -q 'tidak cocok' "$tmp/wrong.out" || failed "the wrong code's message did not show"
[ $fail -eq 0 ] && echo "ok: the MSME's page in headless Chromium"
exit $fail

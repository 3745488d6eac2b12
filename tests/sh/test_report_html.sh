#!/usr/bin/env bash
# The weekly HTML report in headless Chromium: the DOM holds the three SVG charts with
# their bars, a screenshot renders (A4-sized window), and the PDF prints. Needs the
# Debian package chromium; under CI=true its absence is a failure, otherwise a loud skip.
set -euo pipefail

bin="$HT_BIN_DIR/cli/halaltrack"
fixtures="$HT_SOURCE_DIR/tests/fixtures/reports"
out="${HT_REPORT_ARTIFACTS:-$HT_BIN_DIR/report-artifacts}"
schema="t_sh_report_$$"
export HALALTRACK_SCHEMA=$schema HALALTRACK_NOW=2026-01-07T10:00:00+07:00 NO_COLOR=1

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL: chromium is not installed (Debian package: chromium)" >&2
        exit 1
    fi
    echo "SKIP: chromium is not installed (Debian package: chromium); HTML rendering untested" >&2
    exit 0
fi

tmp=$(mktemp -d)
cleanup() {
    psql -qX -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$out"

"$bin" db migrate >/dev/null
psql -qX -v ON_ERROR_STOP=1 -c "SET search_path = $schema" -f "$fixtures/history.sql" >/dev/null

chrome() {
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/profile" "$@" 2>"$tmp/chromium.log"
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for lang in id en; do
    html="$out/weekly_$lang.html"
    "$bin" --lang $lang report weekly --format html -o "$html" 2>/dev/null
    # Self-contained: no external scripts, stylesheets, images or fonts.
    if grep -Eq '<(script|link|img)[^>]*(src|href)=' "$html"; then
        fail "$html references external assets"
    fi
    chrome --dump-dom "file://$html" >"$tmp/dom_$lang.html"
    dom="$tmp/dom_$lang.html"
    for id in chart-funnel chart-progress chart-trend; do
        grep -q "<svg id=\"$id\"" "$dom" || fail "$lang: SVG $id is not in the rendered DOM"
    done
    bars=$(grep -o '<rect class="bar"' "$dom" | wc -l)
    # Funnel (13 stages: draft .. unknown) + trend (12 weeks) + progress (3 kecamatan).
    [ "$bars" -eq 28 ] || fail "$lang: expected 28 chart bars, found $bars"
    grep -q 'id="totals-hash"' "$dom" || fail "$lang: no totals hash"
    grep -q '3575010000002' "$dom" || fail "$lang: stuck application's NIB missing"
    grep -q '081234567002' "$dom" || fail "$lang: phone to call missing"
    chrome --hide-scrollbars --window-size=1240,1754 --screenshot="$out/weekly_$lang.png" \
        "file://$html" >/dev/null
    [ -s "$out/weekly_$lang.png" ] || fail "$lang: no screenshot"
    head -c 8 "$out/weekly_$lang.png" | od -An -tx1 | grep -q '89 50 4e 47' ||
        fail "$lang: screenshot is not a PNG"
done
grep -q 'Stuck past the legal limit' "$tmp/dom_en.html" || fail "English labels missing"
grep -q 'Macet melewati batas waktu' "$tmp/dom_id.html" || fail "Indonesian labels missing"

# PDF through the CLI (which runs the same headless Chromium).
"$bin" --lang id report weekly --format pdf -o "$out/weekly_id.pdf" 2>/dev/null
head -c 5 "$out/weekly_id.pdf" | grep -q '%PDF-' || fail "not a PDF"
[ "$(stat -c %s "$out/weekly_id.pdf")" -gt 10000 ] || fail "PDF suspiciously small"
runs=$(psql -qXAt -c "SELECT count(*) FROM $schema.report_run WHERE format = 'pdf'")
[ "$runs" -eq 1 ] || fail "the PDF run is not recorded"
echo "ok: charts in the DOM, screenshots and PDF in $out"

#!/usr/bin/env bash
# Renders report.html in headless Chromium (Debian's package, installed if missing, with
# poppler-utils) for the reference scenario and for scenarios/hospital.yaml (a second, non-1983
# scenario run with seed 42), and fails on:
#   - a script error or console error, or a chart that did not render;
#   - any element whose text overflows its box, or a chart label drawn outside its chart;
#   - any "1983" in the hospital report's wording;
#   - the report printed to PDF (chromium --print-to-pdf) with too few or too many pages, or a
#     figure split across pages (its caption and the end of its note on different pages).
# Leaves screenshots (report-screenshot.png; page-N.png of the printed PDF) under OUT_DIR/<name>/.
# Usage: scripts/e2e-report.sh [OUT_DIR]   (run by `make e2e` and .ci/run)
set -euo pipefail
trap 'echo "e2e: failed at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
cd "$(dirname "$0")/.."
out=${1:-/tmp/alesim-e2e}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || ! command -v pdfinfo >/dev/null; then
  echo "e2e: installing chromium and poppler-utils (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  browser=$(command -v chromium)
fi
go build -o bin/alesim ./cmd/alesim
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile" --allow-file-access-from-files)
fail=0

check() { # name scenario hash run-flags...
  local name=$1 scenario=$2 hash=$3
  shift 3
  local dir="$out/$name"
  mkdir -p "$dir"
  # check.html is this script's own file in the results directory; --force rightly refuses a
  # directory holding files alesim did not write, so a second run removes it first.
  rm -f "$dir/run/check.html"
  if ! bin/alesim run --quiet --force --out "$dir/run" "$@" "$scenario" >/dev/null 2>"$dir/run.stderr"; then
    echo "e2e: $name: alesim run failed:"; cat "$dir/run.stderr"; fail=1; return
  fi
  # A copy of the report with the checker injected; the report itself stays script-free.
  local page="$dir/run/check.html"
  python3 -c 'import sys; r = open(sys.argv[1], encoding="utf-8").read(); js = open(sys.argv[2], encoding="utf-8").read(); sys.stdout.write(r.replace("</body>", "<script>\n" + js + "</script>\n</body>"))' "$dir/run/report.html" scripts/e2e-check.js > "$page"
  local url="file://$(realpath "$page")$hash"
  "$browser" "${flags[@]}" --window-size=1280,900 --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
    --dump-dom "$url" > "$dir/dom.html" 2> "$dir/console.log" || true
  if ! grep -q '<pre id="e2e-result">E2E-OK' "$dir/dom.html"; then
    echo "e2e: $name:"; sed -n '/<pre id="e2e-result">E2E-FAIL/,/<\/pre>/p' "$dir/dom.html" | sed 's/<[^>]*>//g' | head -30; fail=1
  fi
  local want
  want=$(ls "$dir"/run/*.svg | wc -l)
  if [ "$(grep -o '<figure>' "$dir/dom.html" | wc -l)" -ne "$want" ]; then echo "e2e: $name: figures in the page differ from the $want charts written"; fail=1; fi
  if grep -Eq 'CONSOLE.*(Uncaught|Error)|ERR_FILE_NOT_FOUND|Failed to load' "$dir/console.log"; then
    echo "e2e: $name: console errors:"; grep -E 'CONSOLE|ERR_FILE_NOT_FOUND|Failed to load' "$dir/console.log" | head; fail=1
  fi
  "$browser" "${flags[@]}" --window-size=1280,14000 --hide-scrollbars --screenshot="$dir/report-screenshot.png" \
    "file://$(realpath "$dir/run/report.html")" 2>/dev/null || true
  [ -s "$dir/report-screenshot.png" ] || { echo "e2e: $name: no screenshot"; fail=1; }
  # Print to PDF and check it.
  "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$dir/report.pdf" \
    "file://$(realpath "$dir/run/report.html")" 2>/dev/null || true
  if [ ! -s "$dir/report.pdf" ]; then echo "e2e: $name: no PDF"; fail=1; return; fi
  local pages
  pages=$(pdfinfo "$dir/report.pdf" | awk '/^Pages:/ {print $2}')
  if [ "$pages" -lt 3 ] || [ "$pages" -gt 40 ]; then echo "e2e: $name: the printed report has $pages pages (want 3 to 40)"; fail=1; fi
  rm -f "$dir"/page-*.png
  pdftoppm -r 50 -png -f 1 -l 3 "$dir/report.pdf" "$dir/page"
  python3 scripts/e2e-pdf.py "$dir/run/report.html" "$dir/report.pdf" "$pages" || fail=1
  echo "e2e: $name: $(sed -n 's/.*<pre id="e2e-result">\(E2E-OK[^<]*\).*/\1/p' "$dir/dom.html"), printed to $pages pages; screenshots in $dir"
}

check soes scenarios/soes-1983.yaml "" --trials 100000
check hospital scenarios/hospital.yaml "#no1983" --trials 100000 --seed 42 --sensitivity ale --budget 300000
exit "$fail"

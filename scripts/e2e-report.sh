#!/usr/bin/env bash
# Renders report.html of a fresh run in headless Chromium (Debian's package) and fails on a console
# error or a chart that did not render. Leaves a screenshot at $OUT/report-screenshot.png.
# Usage: scripts/e2e-report.sh [OUT_DIR]   (run by `make e2e`; not part of CI)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/alesim-e2e}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "e2e: installing chromium (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi
go build -o bin/alesim ./cmd/alesim
bin/alesim run --trials 100000 --quiet --out "$out" --force scenarios/soes-1983.yaml >/dev/null
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$profile" --allow-file-access-from-files)
url="file://$(realpath "$out")/report.html"
# The DOM after rendering, with console messages on stderr.
"${browser}" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "$url" > "$out/dom.html" 2> "$out/console.log" || true
"${browser}" "${flags[@]}" --window-size=1200,9000 --hide-scrollbars --screenshot="$out/report-screenshot.png" "$url" 2>/dev/null || true
fail=0
charts=$(grep -c '<svg' "$out/dom.html" || true)
want=$(ls "$out"/*.svg | wc -l)
if [ "$charts" -ne "$want" ]; then echo "e2e: $charts charts rendered in the page, want $want"; fail=1; fi
if grep -Eq 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND|Failed to load' "$out/console.log"; then
  echo "e2e: console errors:"; grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND|Failed to load' "$out/console.log"; fail=1
fi
if [ ! -s "$out/report-screenshot.png" ]; then echo "e2e: no screenshot"; fail=1; fi
[ "$fail" -eq 0 ] && echo "e2e: report.html rendered $charts charts with no console error; screenshot $out/report-screenshot.png"
exit "$fail"

#!/usr/bin/env bash
# Instructions a trial of bench-30, the engine against the bare sampling kernel, counted by
# callgrind (valgrind), which other load on a shared machine does not change. Takes about 2 minutes.
#
# Engine: `alesim run --workers 1` at 100,000 and at 300,000 trials; the difference of the two
# totals over 200,000 is the cost of a trial with every part of a run that grows with the trials
# (sketches, moments, the exact totals and their sort), start-up and summary aside.
# Bare kernel (BenchmarkBareLoop): `-test.benchtime 2x` runs it once with one iteration and once
# with two, 600,000 trials; its cost a trial is the sum of the functions of its loop (PCG, exp,
# the normal and Poisson draws, the loop itself) over 600,000. The test binary's own total is not
# used: its scheduler spins while the benchmark runs, adding a varying 1,000-2,000 a trial that is
# not the kernel's.
# Both run with GOGC=off (no collector running beside the loop: the totals repeat to within a few
# instructions a trial) and GODEBUG=asyncpreemptoff=1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "instr-ratio: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
go build -o "$d/alesim" ./cmd/alesim
go test -c -o "$d/sim.test" ./sim
export GOGC=off GODEBUG=asyncpreemptoff=1
total() { grep -o 'Collected : [0-9]*' "$1" | awk '{print $3}'; }
for n in 100000 300000; do
  valgrind --tool=callgrind --callgrind-out-file="$d/e$n.out" "$d/alesim" run --quiet --format json \
    --workers 1 --trials $n scenarios/bench-30.yaml >/dev/null 2>"$d/e$n.log"
done
(cd sim && valgrind --tool=callgrind --callgrind-out-file="$d/bare.out" "$d/sim.test" -test.run '^$' \
  -test.bench '^BenchmarkBareLoop$' -test.benchtime 2x >/dev/null 2>"$d/bare.log")
engine=$(( ($(total "$d/e300000.log") - $(total "$d/e100000.log")) / 200000 ))
# self costs by source file: the loop's own (bare_test.go) and those of PCG, exp, the normal and
# Poisson draws, whatever function callgrind charges them to
bare=$(callgrind_annotate --auto=no --threshold=100 "$d/bare.out" 2>/dev/null |
  awk '$0 ~ /(sim\/bare_test\.go|rand\/v2\/pcg\.go|rand\/v2\/normal\.go|rand\/v2\/rand\.go|math\/exp\.go|math\/exp_amd64\.s|model\/dist\/poisson\.go|model\/dist\/dist\.go):/ {
    gsub(",", "", $1); s += $1 } END { printf "%d", s / 600000 }')
awk -v e="$engine" -v b="$bare" 'BEGIN {
  printf "bench-30, instructions a trial: engine %d, bare kernel %d: %.2fx   (target <= 1.4x)\n", e, b, e / b }'

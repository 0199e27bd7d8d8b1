#!/usr/bin/env bash
# Prints the ratios `make bench` reports from a `go test -bench` output file: the engine's time per
# 200,000 trials of bench-30 over the bare kernel's (BenchmarkBareLoop, the same trials), and the
# two-worker speed-up on bench-30 and soes-1983, from the median ns/op of each benchmark.
set -euo pipefail
f=${1:?usage: scripts/bench-ratio.sh BENCH_OUTPUT}
median() { # benchmark name -> median ns/op
  awk -v b="^Benchmark$1-[0-9]+\$" '$1 ~ b { for (i = 2; i < NF; i++) if ($(i+1) == "ns/op") print $i }' "$f" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'
}
bare=$(median BareLoop); e1=$(median Bench30_1Worker); e2=$(median EngineBench30Workers2)
s1=$(median SOES1Worker); s2=$(median SOES2Workers)
awk -v bare="$bare" -v e1="$e1" -v e2="$e2" -v s1="$s1" -v s2="$s2" 'BEGIN {
  printf "bench-30, one worker: engine / bare kernel time   %.2fx   (target <= 1.25x)\n", e1 / bare
  printf "bench-30, two workers over one:                 %.2fx   (target >= 1.85x)\n", e1 / e2
  printf "soes-1983, one worker:                          %.0f trials/s\n", 200000 / (s1 / 1e9)
  printf "soes-1983, two workers over one:                %.2fx\n", s1 / s2
}'

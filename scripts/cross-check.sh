#!/usr/bin/env bash
# Cross-architecture determinism (issue 15, item 3): the results are the same bits on every machine,
# not only for every number of workers and shards.
#  1. No fused multiply-add in the module's numeric code: the compiler may fuse x*y+z into one FMA
#     on arm64, and on amd64 with GOAMD64=v3, unless float64(...) rounds the product; the
#     disassembly of alesim for arm64 must hold no FMA instruction in a function of sim, model,
#     model/dist, analysis or internal/xmath (and must hold some in package math's arm64 Exp, which
#     shows that the search finds them). (go tool objdump cannot decode amd64's VEX instructions,
#     so v3 is checked by its output alone, in 2.)
#  2. The same fixed-seed `alesim run --format json` (soes-1983 and bench-30, 20000 trials; the
#     uncertain scenario hospital.yaml too) gives the same bytes built for amd64 v1, amd64 v3 (run
#     natively when the CPU has AVX2 and FMA) and arm64 (run under qemu-user, which it installs
#     from Debian if missing), with 1 and 2 workers.
#  3. The determinism tests of sim and analysis pass on arm64 under qemu (go test -exec).
# About three minutes on two cores (qemu is slow). Run by `make cross-check`; not in CI (see
# docs/determinism.md for what it still finds).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d /tmp/alesim-cross.XXXXXX)
trap 'rm -rf "$out"' EXIT
fail=0

if ! command -v qemu-aarch64 >/dev/null; then
	echo "cross-check: installing qemu-user (Debian)"
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user) >/dev/null
fi

GOARCH=amd64 GOAMD64=v1 go build -o "$out/alesim-v1" ./cmd/alesim
GOARCH=amd64 GOAMD64=v3 go build -o "$out/alesim-v3" ./cmd/alesim
GOARCH=arm64 go build -o "$out/alesim-arm64" ./cmd/alesim

# 1. FMA instructions in our own numeric packages.
pkgs='github.com/alesim/alesim/(sim|model|analysis|internal/xmath)[./]'
go tool objdump "$out/alesim-arm64" >"$out/arm64.s"
pat='\s(FMADD|FMSUB|FNMADD|FNMSUB)[DS]\s'
n=$(awk -v re="^TEXT $pkgs" '/^TEXT /{on = ($0 ~ re)} on' "$out/arm64.s" | grep -cE "$pat" || true)
if [ "$n" != 0 ]; then
	echo "cross-check: FAIL: $n fused multiply-adds in the numeric packages (arm64):"
	awk -v re="^TEXT $pkgs" '/^TEXT /{on = ($0 ~ re)} on' "$out/arm64.s" | grep -E "$pat" | awk '{print $1}' | sort | uniq -c | head -20
	fail=1
else
	echo "cross-check: ok: no fused multiply-add in sim, model, analysis, internal/xmath (arm64)"
fi
ctl=$(awk '/^TEXT math\.(archExp|Exp)/{on=1; next} /^TEXT /{on=0} on' "$out/arm64.s" | grep -cE '\sFMADDD\s' || true)
if [ "$ctl" = 0 ]; then
	echo "cross-check: FAIL: the search found no FMADDD even in math.Exp for arm64 (is the disassembly empty?)"
	fail=1
fi

# 2. The same bytes everywhere.
runs=(v1)
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then runs+=(v3); else echo "cross-check: this CPU has no AVX2/FMA: amd64 v3 built and scanned but not run"; fi
runs+=(arm64)
for sc in soes-1983 bench-30 hospital; do
	for w in 1 2; do
		for a in "${runs[@]}"; do
			if [ "$a" = arm64 ]; then
				qemu-aarch64 "$out/alesim-arm64" run --format json --trials 20000 --seed 15 --workers "$w" "scenarios/$sc.yaml" >"$out/$sc-$w-$a.json"
			else
				"$out/alesim-$a" run --format json --trials 20000 --seed 15 --workers "$w" "scenarios/$sc.yaml" >"$out/$sc-$w-$a.json"
			fi
		done
	done
	# the JSON records the wall time and the number of workers: compare without them
	for f in "$out/$sc"-*.json; do sed -E -e 's/"wall_seconds": [0-9.e+-]+/"wall_seconds": 0/' -e 's/"workers": [0-9]+/"workers": 0/' "$f" >"$f.n"; done
	ref="$out/$sc-1-v1.json.n"
	for f in "$out/$sc"-*.json.n; do
		if ! cmp -s "$ref" "$f"; then
			echo "cross-check: FAIL: $sc: $(basename "$f" .json.n) differs from 1 worker on amd64 v1:"
			diff "$ref" "$f" | head -10 || true
			fail=1
		fi
	done
	echo "cross-check: $sc: compared $(ls "$out/$sc"-*.json.n | wc -l) runs (workers 1, 2 x ${runs[*]}): $(sha256sum "$ref" | cut -c1-16)"
done

# 3. The determinism tests themselves on arm64.
if ! GOARCH=arm64 go test -short -count=1 -exec qemu-aarch64 -run 'Determinism' ./sim/ ./analysis/ >"$out/arm64-tests.txt" 2>&1; then
	echo "cross-check: FAIL: determinism tests on arm64 (qemu):"
	tail -20 "$out/arm64-tests.txt"
	fail=1
else
	echo "cross-check: ok: determinism tests of sim and analysis pass on arm64 (qemu)"
fi

if [ "$fail" != 0 ]; then
	echo "cross-check: FAILED"
	exit 1
fi
echo "cross-check: all identical"

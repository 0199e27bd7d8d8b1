#!/usr/bin/env bash
# The fault suite of issue 13: every defect the fault campaign found, reproduced by category
# against a freshly built binary. Each case passes only when the defect is fixed; the suite fails
# if any case fails, and ends with a plain "N passed, N failed" line.
#
# Usage: scripts/faults.sh [CATEGORY...]   (categories: dataloss shards signals late memory other;
# default all). Runs on a clean clone with Go; as root it mounts a small tmpfs for the full-disk
# cases (skipped, with a message, where mounting is impossible) and uses ulimit -v for the memory
# cases. Small trial counts: about two minutes on two cores. ALESIM_FAULTS_BIN=path tests another
# binary (an older build shows the defects).
set -u
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d /tmp/alesim-faults.XXXXXX)
bin=$work/alesim
mnt=""
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${ALESIM_FAULTS_BIN:-}" ]; then
  # Another binary (e.g. an older release, to see the defects): the Go-test cases still test this tree.
  cp "$ALESIM_FAULTS_BIN" "$bin"
else
  go build -o "$bin" ./cmd/alesim || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
fi

soes=$repo/scenarios/soes-1983.yaml
wets=$repo/scenarios/usps-wets-access.yaml
bench=$repo/scenarios/bench-30.yaml
passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); echo "ok    $cat: $1"; }
fail() { failed=$((failed + 1)); failures+=("$cat: $1"); echo "FAIL  $cat: $1${2:+ ($2)}"; }
# expect NAME WANT_EXIT CMD...: runs CMD (stdout and stderr to $work/last.*) and checks its exit.
expect() {
  local name=$1 want=$2
  shift 2
  "$@" >"$work/last.out" 2>"$work/last.err"
  local got=$?
  if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "exit $got, want $want: $(head -c 300 "$work/last.err")"; fi
}
# no_staging DIR: no staging directory of ours is left in DIR.
no_staging() { ! ls -a "$1" | grep -q -- '\.partial-\|\.old-\|\.tmp-\|\.lock$'; }
# started_and_signal PID SIGNAL DELAY
want() { for c in "$@"; do [ "$c" = all ] && return 0; [ "$c" = "$cat" ] && return 0; done; return 1; }
cats=("$@")
[ ${#cats[@]} = 0 ] && cats=(all)

# ---------------------------------------------------------------------------------------------
cat=dataloss
if want "${cats[@]}"; then
  d=$work/dl
  mkdir -p "$d"
  # --force on a directory that is not ours (a source tree) is refused and leaves it untouched.
  mkdir -p "$d/proj/src" "$d/proj/.git"
  echo readme >"$d/proj/README"
  expect "--force refuses a directory that holds no results of ours" 2 "$bin" run --quiet --trials 1000 --out "$d/proj" --force "$wets"
  [ -f "$d/proj/README" ] && [ -d "$d/proj/src" ] && [ -d "$d/proj/.git" ] && pass "the refused directory is intact" || fail "the refused directory is intact"
  # --force replaces a directory of our results.
  "$bin" run --quiet --trials 1000 --out "$d/res" "$wets" >/dev/null 2>&1
  expect "--force replaces our results" 0 "$bin" run --quiet --trials 2000 --out "$d/res" --force "$wets"
  grep -q '"trials": 2000' "$d/res/summary.json" && pass "the replaced results are the new ones" || fail "the replaced results are the new ones"
  no_staging "$d" && pass "no staging left beside --out after --force" || fail "no staging left beside --out after --force" "$(ls -a "$d")"
  # a results directory with a file the user added is refused by --force (only our results go).
  cp -r "$d/res" "$d/res-added"
  echo notes >"$d/res-added/my-notes.txt"
  expect "--force refuses results with a file added by the user" 2 "$bin" run --quiet --trials 1000 --out "$d/res-added" --force "$wets"
  [ -f "$d/res-added/my-notes.txt" ] && pass "the user's file is kept" || fail "the user's file is kept"
  # merge --force --out s1 s1 s2: the output is one of the inputs.
  for k in 1 2; do "$bin" run --quiet --trials 20000 --shard $k/2 --out "$d/s$k" "$wets" >/dev/null 2>&1; done
  expect "merge refuses an --out that is one of its inputs" 2 "$bin" merge --force --out "$d/s1" "$d/s1" "$d/s2"
  [ -f "$d/s1/shard.gob" ] && pass "the input shard survives" || fail "the input shard survives"
  ln -s "$d/s1" "$d/s1-link"
  expect "merge refuses an --out that is an input through a symlink" 2 "$bin" merge --force --out "$d/s1-link" "$d/s1" "$d/s2"
  # two runs started at once into the same new directory: exactly one wins, the other fails.
  ( "$bin" run --quiet --trials 30000 --out "$d/race" "$wets" >/dev/null 2>"$work/r1.err"; echo $? >"$work/r1" ) &
  ( "$bin" run --quiet --trials 30000 --out "$d/race" "$wets" >/dev/null 2>"$work/r2.err"; echo $? >"$work/r2" ) &
  wait
  r1=$(cat "$work/r1") r2=$(cat "$work/r2")
  if { [ "$r1" = 0 ] && [ "$r2" != 0 ]; } || { [ "$r1" != 0 ] && [ "$r2" = 0 ]; }; then pass "concurrent runs into one new directory: one wins, one fails"
  else fail "concurrent runs into one new directory: one wins, one fails" "exits $r1 and $r2"; fi
  # a symlinked --out: followed to its target (the link stays a link).
  mkdir -p "$d/target"
  ln -s "$d/target" "$d/link"
  expect "a symlinked --out is written through" 0 "$bin" run --quiet --trials 1000 --out "$d/link" "$wets"
  [ -L "$d/link" ] && [ -f "$d/target/summary.json" ] && pass "the symlink stays a symlink, the results are in its target" || fail "the symlink stays a symlink, the results are in its target"
  # --force swap killed at any point: the old results or the new, never nothing.
  ok=1
  for delay in 0.05 0.1 0.2 0.3 0.5; do
    "$bin" run --quiet --trials 1000 --out "$d/kill" --force "$wets" >/dev/null 2>&1
    "$bin" run --quiet --trials 3000 --out "$d/kill" --force "$wets" >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    [ -f "$d/kill/summary.json" ] && [ -f "$d/kill/.alesim-results" ] || ok=0
  done
  [ $ok = 1 ] && pass "SIGKILL during --force leaves complete results" || fail "SIGKILL during --force leaves complete results"
  # staging directories of ours left by SIGKILL are swept by the next run beside them.
  mkdir -p "$d/sweep"
  "$bin" run --quiet --trials 2000000 --out "$d/sweep/r" "$wets" >/dev/null 2>&1 &
  pid=$!
  sleep 1
  kill -KILL $pid
  wait $pid 2>/dev/null
  mkdir -p "$d/sweep/.r.partial-notours"
  "$bin" run --quiet --trials 1000 --out "$d/sweep/r2" "$wets" >/dev/null 2>&1
  if ls -a "$d/sweep" | grep -q "partial-[0-9]"; then fail "stale staging of a killed run is swept" "$(ls -a "$d/sweep")"; else pass "stale staging of a killed run is swept"; fi
  [ -d "$d/sweep/.r.partial-notours" ] && pass "a directory that only looks like staging is kept" || fail "a directory that only looks like staging is kept"
  # file modes follow the umask.
  (umask 027; "$bin" run --quiet --trials 1000 --out "$d/umask" "$wets" >/dev/null 2>&1)
  m=$(stat -c %a "$d/umask/summary.json") dm=$(stat -c %a "$d/umask")
  [ "$m" = 640 ] && [ "$dm" = 750 ] && pass "modes follow the umask (027: 640 and 750)" || fail "modes follow the umask (027: 640 and 750)" "file $m dir $dm"
fi

# ---------------------------------------------------------------------------------------------
cat=shards
if want "${cats[@]}"; then
  d=$work/sh
  mkdir -p "$d"
  for k in 1 2; do "$bin" run --quiet --trials 20000 --shard $k/2 --out "$d/s$k" "$wets" >/dev/null 2>&1; done
  "$bin" merge --format json "$d/s1" "$d/s2" 2>/dev/null | grep -v wall_seconds >"$d/want.json"
  # single-bit flips of shard.gob: rejected or identical, never other figures, never a panic.
  python3 - "$d/s1/shard.gob" "$d/flips" <<'EOF'
import os, random, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
rng = random.Random(13)
os.makedirs(out, exist_ok=True)
bits = list(range(0, 56 * 8, 7)) + [rng.randrange(len(data) * 8) for _ in range(60)]
for i, bit in enumerate(bits):
    d = os.path.join(out, str(i))
    os.makedirs(d, exist_ok=True)
    b = bytearray(data)
    b[bit // 8] ^= 1 << (bit % 8)
    open(os.path.join(d, 'shard.gob'), 'wb').write(b)
    os.symlink(os.path.join(os.path.dirname(src), 'scenario.yaml'), os.path.join(d, 'scenario.yaml'))
EOF
  wrong=0 panics=0 total=0
  for f in "$d"/flips/*; do
    total=$((total + 1))
    "$bin" merge --format json "$f" "$d/s2" >"$d/got.json" 2>"$d/got.err"
    rc=$?
    grep -q "panic\|goroutine " "$d/got.err" && panics=$((panics + 1))
    if [ $rc = 0 ] && ! diff -q <(grep -v wall_seconds "$d/got.json") "$d/want.json" >/dev/null; then wrong=$((wrong + 1)); fi
    if [ $rc != 0 ] && ! grep -q "$f/shard.gob" "$d/got.err"; then wrong=$((wrong + 1)); fi
  done
  [ $wrong = 0 ] && [ $panics = 0 ] && pass "$total bit flips: every one rejected (naming the file) or identical" || fail "$total bit flips: every one rejected (naming the file) or identical" "$wrong wrong, $panics panics"
  # crafted files (short arrays, dropped blocks or values, huge trial counts, bad sketches), with
  # a valid checksum: the Go tests craft them.
  expect "crafted shard files refused before allocating (go test)" 0 go test -count=1 -run 'ShardFile' ./sim/
  # a truncated file and an old plain-gob file.
  mkdir -p "$d/trunc"
  head -c 1000 "$d/s1/shard.gob" >"$d/trunc/shard.gob"
  cp "$d/s1/scenario.yaml" "$d/trunc/"
  expect "a truncated shard is refused" 1 "$bin" merge "$d/trunc" "$d/s2"
  grep -q "trunc/shard.gob" "$work/last.err" && pass "the error names the file" || fail "the error names the file"
  # refusing is cheap (the crafted huge trial counts are in the Go test above).
  /usr/bin/time -f "%M" -o "$d/rss" "$bin" merge "$d/trunc" "$d/s2" >/dev/null 2>&1
  [ "$(tail -1 "$d/rss")" -lt 200000 ] && pass "refusing a damaged shard stays small in memory" || fail "refusing a damaged shard stays small in memory" "$(tail -1 "$d/rss") KB"
fi

# ---------------------------------------------------------------------------------------------
cat=signals
if want "${cats[@]}"; then
  d=$work/sig
  mkdir -p "$d"
  # run --out --trials-file: each signal stops it, removes the staging, exits 128+N.
  for s in INT TERM HUP QUIT; do
    n=$(kill -l $s)
    rm -rf "$d/run"
    "$bin" run --quiet --trials 500000000 --out "$d/run/out" --trials-file "$wets" >/dev/null 2>"$d/err" &
    pid=$!
    sleep 1.5
    kill -$s $pid
    wait $pid
    rc=$?
    if [ $rc = $((128 + n)) ] && [ ! -e "$d/run/out" ] && no_staging "$d/run"; then pass "SIG$s during run: exit $((128 + n)), nothing left"
    else fail "SIG$s during run: exit $((128 + n)), nothing left" "exit $rc, left: $(ls -a "$d/run" 2>/dev/null | tr '\n' ' ')"; fi
  done
  # a second signal stops at once, staging removed.
  rm -rf "$d/run"
  "$bin" run --quiet --trials 500000000 --out "$d/run/out" --trials-file "$wets" >/dev/null 2>&1 &
  pid=$!
  sleep 1.5
  kill -TERM $pid
  kill -TERM $pid
  wait $pid
  rc=$?
  [ $rc = 143 ] && no_staging "$d/run" && pass "a second SIGTERM exits at once, nothing left" || fail "a second SIGTERM exits at once, nothing left" "exit $rc"
  # sensitivity interrupted: 130, not 2 (usage).
  "$bin" sensitivity --trials 5000000 --out "$d/sens" "$soes" >/dev/null 2>&1 &
  pid=$!
  sleep 1.5
  kill -INT $pid
  wait $pid
  rc=$?
  [ $rc = 130 ] && [ ! -e "$d/sens" ] && no_staging "$d" && pass "SIGINT during sensitivity: exit 130" || fail "SIGINT during sensitivity: exit 130" "exit $rc"
  # merge and plot: signals handled, nothing left behind. A signal at start-up (before the work)
  # exercises the same path deterministically: ALESIM_TEST_SIGNAL_AT names the point.
  for k in 1 2; do "$bin" run --quiet --trials 20000 --shard $k/2 --out "$d/s$k" "$soes" >/dev/null 2>&1; done
  ok=1
  for delay in 0.05 0.15 0.3; do
    rm -rf "$d/merged"
    "$bin" merge --out "$d/merged" "$d/s1" "$d/s2" >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -TERM $pid 2>/dev/null
    wait $pid
    rc=$?
    if [ $rc = 143 ]; then [ ! -e "$d/merged" ] || ok=0; elif [ $rc = 0 ]; then [ -f "$d/merged/summary.json" ] || ok=0; else ok=0; fi
    no_staging "$d" || ok=0
  done
  [ $ok = 1 ] && pass "SIGTERM during merge: 143 and nothing, or complete results" || fail "SIGTERM during merge: 143 and nothing, or complete results"
  "$bin" run --quiet --trials 20000 --out "$d/plotme" "$soes" >/dev/null 2>&1
  ok=1
  for delay in 0.05 0.2 0.4; do
    "$bin" plot "$d/plotme" >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -INT $pid 2>/dev/null
    wait $pid
    rc=$?
    [ $rc = 130 ] || [ $rc = 0 ] || ok=0
    ls -a "$d/plotme" | grep -q 'tmp-' && ok=0
  done
  [ $ok = 1 ] && pass "SIGINT during plot: no .tmp- files left" || fail "SIGINT during plot: no .tmp- files left" "$(ls -a "$d/plotme" | grep tmp- | head -3)"
fi

# ---------------------------------------------------------------------------------------------
cat=late
if want "${cats[@]}"; then
  d=$work/late
  mkdir -p "$d"
  # fail fast: checks that can be made before simulating are (--trials large, a time bound).
  fast() { # NAME WANT_EXIT CMD...
    local name=$1 want=$2
    shift 2
    local t0=$SECONDS
    timeout 20 "$@" >"$work/last.out" 2>"$work/last.err"
    local rc=$? t=$((SECONDS - t0))
    if [ $rc = "$want" ] && [ $t -le 3 ]; then pass "$name (exit $rc in ${t}s)"; else fail "$name" "exit $rc in ${t}s, want $want at once: $(head -c 200 "$work/last.err")"; fi
  }
  ln -s "$d/nowhere/x" "$d/dangling"
  fast "a dangling symlink as --out fails before simulating" 2 "$bin" run --quiet --trials 100000000 --out "$d/dangling" "$wets"
  mkdir -p "$d/empty"
  (cd "$d/empty" && fast "'.' (an empty current directory) as --out fails before simulating" 2 "$bin" run --quiet --trials 100000000 --out . "$wets")
  fast "a mount point (/proc) as --out fails before simulating" 2 "$bin" run --quiet --trials 100000000 --out /proc --force "$wets"
  fast "a misspelt --sensitivity target fails before simulating" 2 "$bin" run --quiet --trials 100000000 --sensitivity savings:no-such "$wets"
  fast "sensitivity --target misspelt fails before simulating" 2 "$bin" sensitivity --trials 100000000 --target savings:nope "$wets"
  fast "an --out whose parent cannot be written fails before simulating (a file-system error: 1)" 1 "$bin" run --quiet --trials 100000000 --out /proc/self/x "$wets"
  # full disk with --trials-file: the first write error stops the run.
  mnt=$work/tmpfs
  mkdir -p "$mnt"
  if mount -t tmpfs -o size=3m tmpfs "$mnt" 2>/dev/null; then
    fast "an empty mount point as --out fails before simulating" 2 "$bin" run --quiet --trials 100000000 --out "$mnt" "$wets"
    t0=$SECONDS
    timeout 60 "$bin" run --quiet --trials 2000000 --out "$mnt/out" --trials-file "$wets" >/dev/null 2>"$work/last.err"
    rc=$? t=$((SECONDS - t0))
    if [ $rc = 1 ] && [ $t -le 15 ] && [ ! -e "$mnt/out" ] && no_staging "$mnt"; then pass "full disk with --trials-file: exit 1 at the first write error (${t}s), nothing left"
    else fail "full disk with --trials-file: exit 1 at the first write error, nothing left" "exit $rc in ${t}s: $(head -c 200 "$work/last.err")"; fi
    grep -qi "no space" "$work/last.err" && pass "the error says the disk is full" || fail "the error says the disk is full" "$(head -c 200 "$work/last.err")"
    # full disk while staging the small files: a runtime failure (1), not a usage error (2).
    dd if=/dev/zero of="$mnt/fill" bs=1k count=100000 2>/dev/null
    expect "full disk while staging: exit 1, not 2" 1 "$bin" run --quiet --trials 1000 --out "$mnt/out2" "$wets"
    no_staging "$mnt" && pass "full disk while staging: nothing left" || fail "full disk while staging: nothing left" "$(ls -a "$mnt")"
    umount "$mnt" && mnt=""
  else
    echo "skip  $cat: full-disk cases: cannot mount a tmpfs here (run as root with CAP_SYS_ADMIN)"
  fi
fi

# ---------------------------------------------------------------------------------------------
cat=memory
if want "${cats[@]}"; then
  d=$work/mem
  mkdir -p "$d"
  for v in NaN Inf 0.5 0 -1GB; do
    expect "--max-memory $v is refused" 2 "$bin" run --quiet --trials 1000 --max-memory "$v" "$wets"
  done
  expect "--max-memory below the estimate refuses the run" 1 "$bin" run --quiet --trials 1000 --max-memory 10MB "$wets"
  # (sips.json keeps 8 bytes a trial for each of its 32 columns: about 2.6 GB at 10M trials)
  expect "a run estimated above 1GB is refused by --max-memory 1GB" 1 timeout 20 "$bin" run --quiet --trials 10000000 --sip --out "$d/gb" --max-memory 1GB "$soes"
  if grep -q "GB" "$work/last.err" && ! grep -q "BB" "$work/last.err"; then pass "sizes print right (GB, not BB)"; else fail "sizes print right (GB, not BB)" "$(head -c 300 "$work/last.err")"; fi
  # ulimit -v: the guard reads RLIMIT_AS and refuses a run that would not fit, with a message
  # (the Go runtime alone reserves about 1.3 GB of address space).
  base=$( (ulimit -v 4000000; "$bin" run --quiet --trials 100 --max-memory 1MiB "$wets" 2>&1 >/dev/null) | head -1)
  (ulimit -v 1700000; "$bin" run --quiet --trials 9000000 --trials-file --out "$d/big" "$soes" >/dev/null 2>"$work/last.err")
  rc=$?
  if [ $rc = 1 ] && grep -q "RLIMIT_AS" "$work/last.err"; then pass "ulimit -v: the guard refuses a run that does not fit, naming RLIMIT_AS"
  else fail "ulimit -v: the guard refuses a run that does not fit, naming RLIMIT_AS" "exit $rc: $(head -c 300 "$work/last.err")"; fi
  (ulimit -v 2500000; "$bin" run --quiet --trials 20000 --format json "$wets" >/dev/null 2>"$work/last.err")
  rc=$?
  [ $rc = 0 ] && pass "ulimit -v: a run that fits runs" || fail "ulimit -v: a run that fits runs" "exit $rc: $(head -c 300 "$work/last.err")"
  # the estimate bounds the measured peak RSS (with and without --trials-file).
  for sc in soes-1983 bench-30 usps-wets-access usps-cloud-records; do
    for tf in "" --trials-file; do
      n=100000
      [ -n "$tf" ] && n=140000
      rm -rf "$d/o"
      est=$("$bin" run --quiet --trials $n $tf --out "$d/o" --max-memory 1MiB "$repo/scenarios/$sc.yaml" 2>&1 | sed -n 's/.*estimate \([0-9]*\) bytes.*/\1/p')
      /usr/bin/time -f "%M" -o "$d/rss" "$bin" run --quiet --trials $n $tf --out "$d/o" "$repo/scenarios/$sc.yaml" >/dev/null 2>&1
      rss=$(( $(tail -1 "$d/rss") * 1024 ))
      echo "      $sc ${tf:-plain} $n trials: peak RSS $((rss >> 20)) MiB, estimate $((${est:-0} >> 20)) MiB"
      if [ -n "$est" ] && [ "$rss" -le "$est" ]; then pass "estimate bounds the peak: $sc ${tf:-plain}"; else fail "estimate bounds the peak: $sc ${tf:-plain}" "rss $rss est ${est:-none}"; fi
    done
  done
fi

# ---------------------------------------------------------------------------------------------
cat=other
if want "${cats[@]}"; then
  d=$work/other
  mkdir -p "$d"
  expect "run's table to a full stdout fails" 1 sh -c "'$bin' run --quiet --trials 1000 '$wets' >/dev/full"
  expect "run's JSON to a full stdout fails" 1 sh -c "'$bin' run --quiet --trials 1000 --format json '$wets' >/dev/full"
  expect "validate to a full stdout fails" 1 sh -c "'$bin' validate '$wets' >/dev/full"
  for k in 1 2; do "$bin" run --quiet --trials 20000 --shard $k/2 --out "$d/s$k" "$wets" >/dev/null 2>&1; done
  expect "merge to a full stdout fails" 1 sh -c "'$bin' merge '$d/s1' '$d/s2' >/dev/full"
  expect "point to a full stdout fails" 1 sh -c "'$bin' point '$wets' >/dev/full"
  expect "--trials near MaxInt64 is refused" 2 "$bin" run --quiet --trials 9223372036854775807 "$wets"
  expect "--trials MaxInt64-5000 is refused" 2 "$bin" run --quiet --trials 9223372036854770000 "$wets"
  expect "a scenario from a pipe" 0 sh -c "cat '$wets' | '$bin' validate /dev/stdin"
  expect "a scenario from /dev/stdin" 0 sh -c "'$bin' run --quiet --trials 1000 /dev/stdin < '$wets'"
  mkfifo "$d/fifo.yaml"
  (cat "$wets" >"$d/fifo.yaml" &)
  expect "a scenario from a FIFO" 0 "$bin" validate "$d/fifo.yaml"
  # plot keeps the files' modes.
  "$bin" run --quiet --trials 2000 --out "$d/p" "$wets" >/dev/null 2>&1
  chmod 0644 "$d/p"/*.svg "$d/p/report.html"
  chmod 0664 "$d/p/exceedance.svg"
  "$bin" plot "$d/p" >/dev/null 2>&1
  m1=$(stat -c %a "$d/p/annual-loss.svg") m2=$(stat -c %a "$d/p/exceedance.svg") m3=$(stat -c %a "$d/p/report.html")
  [ "$m1" = 644 ] && [ "$m2" = 664 ] && [ "$m3" = 644 ] && pass "plot keeps the files' modes" || fail "plot keeps the files' modes" "$m1 $m2 $m3"
  # --precision: the Parquet metadata states the trials written.
  "$bin" run --quiet --trials 2000000 --precision 0.05 --out "$d/prec" --trials-file --format json "$wets" >"$d/prec.json" 2>/dev/null
  written=$(python3 -c "import json,sys; print(json.load(open('$d/prec.json'))['run']['trials'])" 2>/dev/null)
  meta=$(cd "$repo" && go run ./scripts/parquetmeta "$d/prec/trials.parquet" alesim.trials 2>/dev/null)
  [ -n "$written" ] && [ "$written" != 2000000 ] && [ "$meta" = "$written" ] && pass "--precision: the Parquet metadata states the $written trials written" || fail "--precision: Parquet metadata trials" "summary $written, metadata $meta"
  # 24 safeguards per asset group: validate checks it, naming the group.
  expect "the safeguards-per-group limit is checked by validate (go test)" 0 go test -count=1 -run 'SafeguardsPerGroup' ./cmd/alesim/
  # filesystem errors while staging: exit 1 (runtime), not 2.
  mkdir -p "$d/ro"
  chmod 0555 "$d/ro"
  if [ "$(id -u)" = 0 ]; then
    mnt=$work/ro
    mkdir -p "$mnt"
    if mount -t tmpfs -o size=1m,ro tmpfs "$mnt" 2>/dev/null; then
      expect "a read-only file system while staging: exit 1" 1 "$bin" run --quiet --trials 1000 --out "$mnt/out" "$wets"
      umount "$mnt" && mnt=""
    else
      echo "skip  $cat: read-only file system case: cannot mount"
    fi
  else
    expect "an unwritable parent while staging: exit 1" 1 "$bin" run --quiet --trials 1000 --out "$d/ro/out" "$wets"
  fi
  expect "byte sizes print right (go test)" 0 go test -count=1 -run 'TestBytes|TestCheckMemory' ./internal/human/ ./cmd/alesim/
fi

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ $failed = 0 ]

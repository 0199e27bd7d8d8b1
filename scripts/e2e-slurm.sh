#!/usr/bin/env bash
# End-to-end test of deploy/slurm on a one-node Slurm cluster on this machine (`make e2e-slurm`).
# Needs root on Debian 12: installs slurm-wlm and munge if missing (left installed), starts munged,
# slurmctld and slurmd, submits the soes-1983 scenario as a 4-task job array plus its merge job
# through deploy/slurm/submit.sh, and checks that the merged summary.json equals a single-process run
# of the same scenario, seed and trials (run.wall_seconds and run.workers aside). Prints both wall
# times. Stops the daemons it started (by PID, also on failure) and restores a slurm.conf it replaced.
# Environment: E2E_TRIALS (default 2000000), E2E_SEED (default 20240611), E2E_DIR (default a new
# directory under /tmp), E2E_TIMEOUT seconds for the Slurm jobs (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

trials=${E2E_TRIALS:-2000000}
seed=${E2E_SEED:-20240611}
scenario=$repo/scenarios/soes-1983.yaml
shards=4
job_timeout=${E2E_TIMEOUT:-600}
work=${E2E_DIR:-$(mktemp -d /tmp/alesim-e2e-slurm.XXXXXX)}

conf=/etc/slurm/slurm.conf
backup=/etc/slurm/slurm.conf.alesim-e2e-backup
marker="# Written by alesim scripts/e2e-slurm.sh: a one-node test cluster."
spool=/var/spool/alesim-e2e

say() { echo "e2e-slurm: $*" >&2; }
die() { echo "e2e-slurm: FAIL: $*" >&2; exit 1; }

started=()       # "name:pid" of the daemons this run started, in start order
restore_conf=0   # 1 if $backup is a slurm.conf of someone else to put back
wrote_conf=0

stop_daemons() {
  local i entry name pid n
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    entry=${started[i]} name=${entry%%:*} pid=${entry##*:}
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping $name (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for ((n = 0; n < 100; n++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) still running after 10 s: SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
      fi
    fi
    wait "$pid" 2>/dev/null || true
  done
  started=()
  rm -f "$spool/munged.pid"
}

# Jobs still queued or running when the test stops (a failure, a timeout, ^C) are cancelled first,
# so no slurmstepd or alesim outlives the daemons.
cancel_jobs() {
  local ids=() n
  [ -n "${ARRAY_JOB_ID:-}" ] && ids+=("$ARRAY_JOB_ID")
  [ -n "${MERGE_JOB_ID:-}" ] && ids+=("$MERGE_JOB_ID")
  [ ${#ids[@]} -gt 0 ] || return 0
  [ -n "$(squeue -h -j "$(IFS=,; echo "${ids[*]}")" 2>/dev/null)" ] || return 0
  say "cancelling jobs ${ids[*]}"
  scancel "${ids[@]}" 2>/dev/null || true
  for ((n = 0; n < 100; n++)); do
    [ -z "$(squeue -h -j "$(IFS=,; echo "${ids[*]}")" 2>/dev/null)" ] && break
    sleep 0.2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  cancel_jobs
  stop_daemons
  if [ "$restore_conf" -eq 1 ] && [ -f "$backup" ]; then
    mv -f "$backup" "$conf" && say "restored the original $conf"
  elif [ "$wrote_conf" -eq 1 ]; then
    rm -f "$conf"
  fi
  if [ "$rc" -eq 0 ]; then say "PASS (work directory $work)"; else say "FAIL (exit $rc; work directory $work)"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "run as root: it installs packages and starts the munge and Slurm daemons"
mkdir -p "$work"

# Daemons left by an earlier run of this script that was killed outright (its pid files are in our
# spool) are stopped; any other Slurm daemon is a reason to refuse: it would take over its config.
stale() { [ -s "$spool/$1.pid" ] && [ "$(ps -o comm= -p "$(cat "$spool/$1.pid")" 2>/dev/null)" = "$1" ]; }
if stale slurmctld && grep -qxF "$marker" "$conf" 2>/dev/null; then
  say "cancelling the jobs of an earlier, interrupted run"
  squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
  sleep 2
fi
for d in slurmd slurmctld; do
  pidfile=$spool/$d.pid
  if stale "$d"; then
    pid=$(cat "$pidfile")
    say "stopping $d left by an earlier run of this script (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((n = 0; n < 100; n++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
for d in slurmctld slurmd; do
  if pids=$(pgrep -x "$d"); then
    die "$d is already running (pid $(echo $pids)): stop it first; this test starts its own one-node cluster"
  fi
done

# 0. Build first: a broken build fails before anything is installed or started.
say "building bin/alesim and deploy/summarydiff"
go build -o bin/alesim ./cmd/alesim
go build -o "$work/summarydiff" ./deploy/summarydiff

# 1. Packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! [ -x /usr/sbin/munged ]; then
  say "installing slurm-wlm and munge (Debian packages)"
  t0=$SECONDS
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >"$work/apt.log" 2>&1 ||
    { tail -n 30 "$work/apt.log" >&2; die "apt-get install slurm-wlm munge failed (log $work/apt.log)"; }
  say "installed in $((SECONDS - t0)) s"
fi
say "slurm-wlm $(dpkg-query -W -f '${Version}' slurm-wlm 2>/dev/null || echo '?'), munge $(dpkg-query -W -f '${Version}' munge 2>/dev/null || echo '?')"

# 2. munge: a key, then munged unless one already answers.
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  install -d -o munge -g munge -m 700 /etc/munge
  (umask 077 && head -c 1024 /dev/urandom >/etc/munge/munge.key)
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
# $spool/munged.pid names a munged this script started and could not stop (killed outright): adopted.
mkdir -p "$spool"
if [ -s "$spool/munged.pid" ] && pid=$(cat "$spool/munged.pid") &&
  [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = munged ]; then
  say "munged left by an earlier run of this script (pid $pid): reused, stopped at the end"
  started+=("munged:$pid")
fi
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ ${#started[@]} -gt 0 ] || say "munged already running (not started here; left alone)"
else
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  for ((n = 0; n < 50; n++)); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  [ -s /run/munge/munged.pid ] || die "munged did not start (see /var/log/munge/munged.log)"
  started+=("munged:$(cat /run/munge/munged.pid)")
  cp /run/munge/munged.pid "$spool/munged.pid"
  munge -n | unmunge >/dev/null || die "munge does not work (see /var/log/munge/munged.log)"
  say "munged started (pid $(cat /run/munge/munged.pid))"
fi

# 3. slurm.conf: ours, or someone else's backed up and put back at the end.
host=$(hostname)
cpus=$(nproc)
if [ -f "$conf" ] && ! grep -qxF "$marker" "$conf"; then
  [ -f "$backup" ] && die "$backup exists and $conf is not ours: restore one of them by hand first"
  say "backing up the existing $conf to $backup"
  cp -p "$conf" "$backup"
fi
[ -f "$backup" ] && restore_conf=1
mkdir -p /etc/slurm "$spool/slurmctld" "$spool/slurmd"
wrote_conf=1
cat >"$conf" <<EOF
$marker
ClusterName=alesim-e2e
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$spool/slurmctld
SlurmdSpoolDir=$spool/slurmd
SlurmctldPidFile=$spool/slurmctld.pid
SlurmdPidFile=$spool/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
say "wrote $conf ($host, $cpus CPUs)"

# 4. slurmctld (-c: no state from an earlier run), then slurmd; both in the foreground (-D) in the
# background, so $! is the daemon itself. Logs: $work/slurmctld.log, slurmd.log and *.out.
slurmctld -D -c >>"$work/slurmctld.out" 2>&1 &
started+=("slurmctld:$!")
for ((n = 0; n < 100; n++)); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q UP || {
  tail -n 30 "$work/slurmctld.log" "$work/slurmctld.out" >&2
  die "slurmctld did not come up in 20 s"
}
slurmd -D >>"$work/slurmd.out" 2>&1 &
started+=("slurmd:$!")
say "slurmctld and slurmd started (${started[*]})"

state=""
for ((n = 0; n < 60; n++)); do
  for e in "${started[@]}"; do
    kill -0 "${e##*:}" 2>/dev/null || {
      tail -n 30 "$work"/slurm*.log "$work"/slurm*.out >&2
      die "${e%%:*} exited"
    }
  done
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1)
  case "$state" in
    idle) break ;;
    down* | drain* | fail*)
      say "node $host is $state: resuming it"
      scontrol update nodename="$host" state=resume || true ;;
  esac
  sleep 1
done
if [ "$state" != idle ]; then
  sinfo -N -l >&2 || true
  tail -n 30 "$work"/slurm*.log >&2
  die "node $host not idle after 60 s (state '$state')"
fi
say "node $host idle"

# 5. Submit the array and the merge, wait for the merge.
export ALESIM_SCENARIO=$scenario ALESIM_TRIALS=$trials ALESIM_SEED=$seed ALESIM_OUT=$work/slurm \
  ALESIM_BIN=$repo/bin/alesim ALESIM_ARRAY=0-$((shards - 1))
unset ALESIM_WORKERS
say "submitting $scenario: $trials trials, seed $seed, $shards shards"
t_submit=$(date +%s.%N)
merge_id=$(deploy/slurm/submit.sh)
# shellcheck disable=SC1091
. "$ALESIM_OUT/jobs.env"

job_state() { scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | xargs; }
show_jobs() {
  for id in "$ARRAY_JOB_ID" "$MERGE_JOB_ID"; do scontrol show job "$id" 2>/dev/null | grep -oE "^JobId=[0-9]+( ArrayJobId=[0-9]+ ArrayTaskId=[0-9]+)?|JobState=[A-Z_]+ Reason=[^ ]+|ExitCode=[0-9:]+" >&2 || true; done
  for f in "$ALESIM_OUT"/logs/*; do echo "----- $f" >&2; cat "$f" >&2; done
}
merge_state=""
last=""
misses=0
while :; do
  for e in "${started[@]}"; do
    kill -0 "${e##*:}" 2>/dev/null || { show_jobs; tail -n 30 "$work"/slurm*.log >&2; die "${e%%:*} exited"; }
  done
  merge_state=$(scontrol show job -o "$merge_id" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
  now="array: $(job_state "$ARRAY_JOB_ID"); merge: ${merge_state:-?}"
  [ "$now" != "$last" ] && say "$now" && last=$now
  case "$merge_state" in
    COMPLETED) break ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING) misses=0 ;;
    "") # scontrol did not answer, or the job is gone
      misses=$((misses + 1))
      ((misses < 20)) || { show_jobs; die "merge job $merge_id: no state from scontrol for 10 s"; } ;;
    *) show_jobs; die "merge job $merge_id ended $merge_state (a shard task failed?); logs above" ;;
  esac
  if (($(date +%s) - ${t_submit%.*} > job_timeout)); then
    show_jobs
    die "jobs not done after $job_timeout s"
  fi
  sleep 0.5
done
t_done=$(date +%s.%N)
[ -s "$ALESIM_OUT/merged/summary.json" ] || { show_jobs; die "merge job completed but $ALESIM_OUT/merged/summary.json is missing"; }
n=$(find "$ALESIM_OUT/shards" -mindepth 1 -maxdepth 1 -name 'task-*' | wc -l)
[ "$n" -eq "$shards" ] || die "found $n shard directories, want $shards"
grep -h '^alesim merge:' "$ALESIM_OUT"/logs/merge-*.out >&2 || true

# 6. The same run as one process.
say "single process: $trials trials, seed $seed"
t0=$(date +%s.%N)
bin/alesim run --trials "$trials" --seed "$seed" --quiet --format json "$scenario" >"$work/single.json"
t1=$(date +%s.%N)

# 7. Compare.
"$work/summarydiff" "$ALESIM_OUT/merged/summary.json" "$work/single.json" ||
  die "the merged summary differs from the single-process run"
sharded=$(awk "BEGIN{print $t_done - $t_submit}")
single=$(awk "BEGIN{print $t1 - $t0}")
printf 'e2e-slurm: wall time, %s trials on %s CPUs: sharded (%d Slurm array tasks + merge, submission to merge done) %.1f s; single process %.1f s\n' \
  "$trials" "$cpus" "$shards" "$sharded" "$single" >&2
say "PASS: the merged summary equals the single-process run"
echo "e2e-slurm: 1 passed, 0 failed"

#!/usr/bin/env bash
# Submits the alesim shard array and, depending on it (afterok), the merge job. Prints the merge
# job's id on stdout (progress on stderr), so a caller can wait for it:
#   merge_id=$(deploy/slurm/submit.sh)
# Environment (all optional; see alesim-array.sbatch):
#   ALESIM_SCENARIO, ALESIM_TRIALS, ALESIM_SEED, ALESIM_BIN, ALESIM_WORKERS
#   ALESIM_OUT    output root (default ./alesim-out); must not already hold shards
#   ALESIM_ARRAY  array range, i.e. the shards (default 0-3, four shards)
# Extra arguments go to both sbatch calls (e.g. --partition=long --account=risk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

export ALESIM_SCENARIO=$(abs "${ALESIM_SCENARIO:-scenarios/soes-1983.yaml}")
export ALESIM_TRIALS=${ALESIM_TRIALS:-1000000}
export ALESIM_SEED=${ALESIM_SEED:-1983}
export ALESIM_OUT=$(abs "${ALESIM_OUT:-alesim-out}")
if [ -z "${ALESIM_BIN:-}" ]; then
  if [ -x bin/alesim ]; then ALESIM_BIN=$(abs bin/alesim); else ALESIM_BIN=$(command -v alesim || true); fi
fi
export ALESIM_BIN
array=${ALESIM_ARRAY:-0-3}

fail() { echo "submit.sh: $*" >&2; exit 1; }
command -v sbatch >/dev/null || fail "sbatch not found: run this on a Slurm login node"
[ -n "$ALESIM_BIN" ] && [ -x "$ALESIM_BIN" ] || fail "no alesim binary: build it (go build -o bin/alesim ./cmd/alesim) or set ALESIM_BIN"
[ -f "$ALESIM_SCENARIO" ] || fail "scenario $ALESIM_SCENARIO not found"
"$ALESIM_BIN" validate "$ALESIM_SCENARIO" >/dev/null || fail "scenario $ALESIM_SCENARIO does not validate"
if [ -d "$ALESIM_OUT/shards" ] && [ -n "$(ls -A "$ALESIM_OUT/shards")" ]; then
  fail "$ALESIM_OUT/shards already holds shards of an earlier run: set ALESIM_OUT to a new directory (or remove it)"
fi
mkdir -p "$ALESIM_OUT/logs"

# --parsable prints "jobid" or "jobid;cluster".
array_id=$(sbatch --parsable --array="$array" --output="$ALESIM_OUT/logs/shard-%A_%a.out" "$@" "$here/alesim-array.sbatch")
array_id=${array_id%%;*}
[ -n "$array_id" ] || fail "sbatch returned no job id for the array"
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  --output="$ALESIM_OUT/logs/merge-%j.out" "$@" "$here/alesim-merge.sbatch")
merge_id=${merge_id%%;*}
[ -n "$merge_id" ] || fail "sbatch returned no job id for the merge"

printf 'ARRAY_JOB_ID=%s\nMERGE_JOB_ID=%s\n' "$array_id" "$merge_id" > "$ALESIM_OUT/jobs.env"
echo "submit.sh: array job $array_id (tasks $array), merge job $merge_id (afterok:$array_id); results in $ALESIM_OUT/merged, logs in $ALESIM_OUT/logs" >&2
echo "$merge_id"

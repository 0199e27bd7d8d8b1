package main

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/internal/memlimit"
	"github.com/alesim/alesim/sim"
)

// checkMemory refuses a run whose estimated peak exceeds the limit: --max-memory, or else 90% of
// the effective limit (the smallest of the cgroup's memory.max, RLIMIT_AS and MemAvailable, less
// what is already used; see internal/memlimit). It also sets Go's soft memory limit to the
// estimate less sim.GCSlack, or 90% of the smallest hard ceiling (the cgroup limit, RLIMIT_AS or --max-memory) when
// that is lower, so the collector works harder before the heap outgrows the estimate (GOGC alone
// would let it reach twice what is live) or the kernel kills the process.
func checkMemory(estimate int64, flag string) error {
	return checkMemoryAgainst(estimate, flag, memlimit.Effective())
}

func checkMemoryAgainst(estimate int64, flag string, eff memlimit.Limit) error {
	limit, source := eff.Bytes/10*9, "90% of "+eff.Source
	hard := eff.Hard
	if flag != "" {
		l, err := memlimit.ParseSize(flag)
		if err != nil {
			return usagef("--max-memory: %v", err)
		}
		limit, source = l, "--max-memory"
		if hard == 0 || l < hard {
			hard = l
		}
	}
	unestimated = math.MaxInt64
	if hard > 0 {
		unestimated = hard / 10 * 9
	}
	if limit > 0 && estimate > limit {
		return fmt.Errorf("this run would need about %s of memory (estimate %d bytes), more than %s (%s): lower --trials (exact quantiles keep 24 bytes a trial up to 10 million trials), split it with --shard, or raise --max-memory",
			human.Bytes(estimate), estimate, source, human.Bytes(limit))
	}
	if estimate > sim.GCSlack {
		debug.SetMemoryLimit(min(estimate-sim.GCSlack, unestimated))
	}
	return nil
}

// unestimated is the soft memory limit for work the estimate does not cover (--sensitivity and
// --voi after a run, which keep their own trials): 90% of the hard ceiling, or none.
var unestimated int64 = math.MaxInt64

// relaxMemoryLimit lifts the soft memory limit checkMemory set from the estimate to unestimated.
func relaxMemoryLimit() { debug.SetMemoryLimit(unestimated) }

// estimateSink stands for the Parquet sink in the memory estimate, which is made before the sink.
type estimateSink struct{}

func (estimateSink) Start([]string) error                         { return nil }
func (estimateSink) WriteBlock(context.Context, *sim.Block) error { return nil }

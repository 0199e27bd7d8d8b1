package sim

import (
	"github.com/alesim/alesim/model"
)

// sketchBytes is a generous size for one quantity's DDSketch (dense stores over ~20 decades at
// 0.5% accuracy).
const sketchBytes = 48 << 10

// EstimateMemory returns an upper bound of the peak resident memory of a run, used to refuse, before
// starting, a run that would exhaust memory. Its terms (scripts/faults.sh checks the sum against
// the peak RSS measured on every shipped scenario, with and without --trials-file):
//
//   - 64 MiB for the program, the scenario and scratch;
//   - with exact totals, 8 bytes a trial for each kept total (2 or 3) and as much again for the
//     sorted copies the summary keeps (all made at once);
//   - a sketch per sketched quantity per worker and for the merged result, and the moments of a few
//     blocks in flight; a shard's kept block moments;
//   - with a trial sink (cfg.Sink, e.g. --trials-file), the Parquet row group three times over (the
//     sink's buffer, the writer's pages and their compressed copies: 8 bytes a value is allowed,
//     though per-finding columns take 4), the blocks in flight or held back for ordering (the
//     workers', the channel's and the reorder window's), all of it twice, for the garbage
//     collector's headroom (GOGC=100 lets the heap reach twice what is live), and 16 MiB for the
//     writer itself.
func EstimateMemory(s *model.Scenario, cfg Config, opts Options, shard *Shard) (int64, error) {
	p, err := compile(s, cfg.Collapse, opts)
	if err != nil {
		return 0, err
	}
	if cfg.Trials < 1 || cfg.Trials > MaxTrials {
		return 0, nil // refused by Simulate
	}
	trials := cfg.Trials
	if shard != nil {
		totalBlocks := blocksOf(cfg.Trials)
		from, to := shard.Blocks(totalBlocks)
		trials = min(to*BlockSize, cfg.Trials) - from*BlockSize
	}
	// The program itself (about 30-90 MiB resident with its libraries, measured by make faults),
	// the scenario and scratch.
	var b int64 = 128 << 20
	if cfg.Trials <= cfg.ExactLimit {
		arrays := int64(2)
		if p.rec != nil {
			arrays++
		}
		b += trials * 8 * arrays * 2 // the arrays and their sorted copies
	}
	sketched := int64(0)
	for _, on := range p.q.sketchMask(false) {
		if on {
			sketched++
		}
	}
	sketched += int64(len(p.variants)) // ratio sketches
	workers := int64(max(cfg.Workers, 1))
	b += (workers + 1) * sketched * sketchBytes
	b += (workers + 2) * int64(len(p.q)) * 8 * 4 // scratch and a few blocks' moments in flight
	if shard != nil {
		blocks := blocksOf(trials)
		b += blocks * int64(len(p.q)) * 24
	}
	if cfg.Sink != nil {
		names, _ := p.q.columns()
		cols := int64(len(names) + 1) // and the trial index
		rowGroup := int64(13 * BlockSize)
		inFlight := workers + 4 + int64(SinkWindow(int(workers)))
		b += 2 * (3*rowGroup*cols*8 + inFlight*BlockSize*cols*8)
		b += 16 << 20
	}
	return b, nil
}

// SinkWindow is how many blocks past the next one to write a trial sink may hold back for
// ordering before it makes the workers wait (back-pressure), for a run with the given workers.
func SinkWindow(workers int) int { return 2 * max(workers, 1) }

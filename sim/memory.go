package sim

import (
	"strings"

	"github.com/alesim/alesim/model"
)

// sketchBytes is a generous size for one quantity's DDSketch (dense stores over ~20 decades at
// 0.5% accuracy).
const sketchBytes = 48 << 10

// EstimateMemory returns an upper bound of the peak resident memory of a run, used to refuse, before
// starting, a run that would exhaust memory, and by the command for the garbage collector's soft
// memory limit (debug.SetMemoryLimit, at the estimate less GCSlack), which keeps the heap's growth
// over what is live (GOGC=100 lets it reach twice that: 460 MB over a 10M-trial run's exact
// totals) within the bound. Its terms (scripts/faults.sh checks the sum against the peak RSS measured on every shipped
// scenario, with and without --trials-file):
//
//   - 128 MiB for the program, the scenario and scratch: its code and the runtime outside the heap,
//     and GCSlack, of which the collector's room over what is live on the heap is what the
//     program's own heap leaves;
//   - with exact totals, 8 bytes a trial for each kept total (2 or 3), sorted in place for the
//     summary;
//   - a sketch per sketched quantity per worker and for the merged result, and the moments of a few
//     blocks in flight; a shard's kept block moments;
//   - with a trial sink (cfg.Sink, e.g. --trials-file), the Parquet row group's encoded pages (as
//     many bytes as the values take uncompressed: 8 for the trial index and the totals, 4 for the
//     single-precision columns), each column's page being filled and one being encoded and
//     compressed, the blocks in flight or held back for
//     ordering (the workers', the channel's and the reorder window's; the sink hands each back
//     for reuse once written), and 16 MiB for the writer itself. Every column of the run counts,
//     whatever --trials-columns leaves out.
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
		b += trials * 8 * arrays // sorted in place
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
		width := int64(8)             // bytes a row: the trial index, then the columns
		for _, n := range names {
			if strings.Contains(n, ":") {
				width += 4 // single precision (report/parquet.go)
			} else {
				width += 8
			}
		}
		rowGroup := int64(13 * BlockSize)
		inFlight := workers + 4 + int64(SinkWindow(int(workers)))
		page := int64(256<<10) + BlockSize*8 // a page buffer, filled a block at a time
		b += rowGroup*width + (cols+2)*page + inFlight*BlockSize*cols*8
		b += 16 << 20
	}
	return b, nil
}

// GCSlack is how much of the estimate's 128 MiB for the program lies outside the garbage
// collector's soft memory limit, for what is not Go heap (the program's code, mapped from its
// file, and the runtime's own): the limit is the estimate less GCSlack.
const GCSlack = 64 << 20

// SinkWindow is how many blocks past the next one to write a trial sink may hold back for
// ordering before it makes the workers wait (back-pressure), for a run with the given workers.
func SinkWindow(workers int) int { return 2 * max(workers, 1) }

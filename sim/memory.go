package sim

import (
	"github.com/alesim/alesim/model"
)

// sketchBytes is a generous size for one quantity's DDSketch (dense stores over ~20 decades at
// 0.5% accuracy).
const sketchBytes = 48 << 10

// EstimateMemory returns a conservative estimate of the bytes a run holds at its peak: the exact
// per-trial totals and their sorted copies, the sketches of every worker and of the merged result,
// the block moments a shard keeps, and a Parquet row group. Used to refuse, before starting, a run
// that would exhaust memory.
func EstimateMemory(s *model.Scenario, cfg Config, opts Options, shard *Shard) (int64, error) {
	p, err := compile(s, cfg.Collapse, opts)
	if err != nil {
		return 0, err
	}
	trials := cfg.Trials
	if shard != nil {
		totalBlocks := (cfg.Trials + BlockSize - 1) / BlockSize
		from, to := shard.Blocks(totalBlocks)
		trials = min(to*BlockSize, cfg.Trials) - from*BlockSize
	}
	var b int64 = 64 << 20 // the program, the scenario, scratch
	if cfg.Trials <= cfg.ExactLimit {
		arrays := int64(2)
		if p.rec != nil {
			arrays++
		}
		b += trials * 8 * (arrays + 1) // the arrays, and one sorted copy at a time
	}
	sketched := int64(0)
	for _, on := range p.q.sketchMask(false) {
		if on {
			sketched++
		}
	}
	sketched += int64(len(p.variants)) // ratio sketches
	b += int64(cfg.Workers+1) * sketched * sketchBytes
	b += int64(cfg.Workers+2) * int64(len(p.q)) * 8 * 4 // scratch and a few blocks' moments in flight
	if shard != nil {
		blocks := (trials + BlockSize - 1) / BlockSize
		b += blocks * int64(len(p.q)) * 24
	}
	if cfg.Sink != nil {
		names, _ := p.q.columns()
		b += 2 * 13 * BlockSize * int64(len(names)+1) * 8
		b += int64(cfg.Workers+4) * BlockSize * int64(len(names)) * 8
	}
	return b, nil
}

package sim

import (
	"context"
	"fmt"
	"sort"

	"github.com/alesim/alesim/model"
)

// Sharding: a run's blocks are split into N contiguous ranges; shard K (1-based) simulates range K
// and keeps everything an exact merge needs: each block's moments (so the merge replays the single
// run's block-by-block merge and means come out bit-identical), the sketches (whose integer counts
// merge in any order), and, when the totals' quantiles are exact, the per-trial totals of its
// range (concatenated in trial order by the merge). Merging N shard results gives the summary a
// single run of the same scenario, seed and trials gives, but for wall time and workers.

// Shard names shard K of N (1 <= K <= N).
type Shard struct{ K, N int }

// Blocks returns the block range [from, to) of shard K out of total blocks.
func (sh Shard) Blocks(total int64) (from, to int64) {
	return total * int64(sh.K-1) / int64(sh.N), total * int64(sh.K) / int64(sh.N)
}

// ShardResult is one shard's accumulators. Its fields are exported for encoding (gob) and are
// not meant to be read otherwise.
type ShardResult struct {
	Format       int // bumped when the layout changes
	Version      string
	ScenarioSHA  string
	ScenarioFile string // the path the shard's run named, used in warnings
	Seed         uint64
	Trials       int64
	Shard        Shard
	FromBlock    int64
	ToBlock      int64
	Recommended  []int
	RecName      string
	Collapse     bool
	ExactLimit   int64
	NQ           int
	Blocks       []BlockMoments
	Sketches     [][]byte // encoded DDSketch per quantity (nil where none)
	SketchMin    []float64
	SketchMax    []float64
	Ratios       [][]byte
	LossVals     []float64
	ALEVals      []float64
	RecVals      []float64
	Clamped      int64
	WallSeconds  float64
	TrialsInPart int64

	file string // the file it was read from (ReadShardFile), for errors; not encoded
}

// name names the shard in errors: its file when it was read from one.
func (r *ShardResult) name() string {
	if r.file != "" {
		return fmt.Sprintf("%s (shard %d/%d)", r.file, r.Shard.K, r.Shard.N)
	}
	return fmt.Sprintf("shard %d/%d", r.Shard.K, r.Shard.N)
}

// BlockMoments is one block's shifted sums (see moments).
type BlockMoments struct {
	N          float64
	Shift      []float64
	S1, S2     []float64
	Overflowed bool
}

const shardFormat = 2

// RunShard simulates the blocks of shard sh and returns their accumulators. Of the options, only
// Recommended may be set.
func RunShard(ctx context.Context, s *model.Scenario, cfg Config, opts Options, sh Shard) (*ShardResult, error) {
	if sh.N < 1 || sh.K < 1 || sh.K > sh.N {
		return nil, fmt.Errorf("shard %d/%d: want 1 <= K <= N", sh.K, sh.N)
	}
	if cfg.Precision > 0 || len(opts.Sets) > 0 || opts.UnitTables || cfg.Sink != nil || cfg.Blocks != AllBlocks {
		return nil, fmt.Errorf("--precision, --budget and --trials-file cannot be combined with --shard")
	}
	if opts.RecordInputs || len(opts.Hold) > 0 {
		return nil, fmt.Errorf("sensitivity cannot be combined with --shard")
	}
	if cfg.Trials < 1 || cfg.Trials > MaxTrials {
		return nil, fmt.Errorf("trials must be 1 to %d (got %d)", int64(MaxTrials), cfg.Trials)
	}
	totalBlocks := blocksOf(cfg.Trials)
	if int64(sh.N) > totalBlocks {
		return nil, fmt.Errorf("%d shards for %d blocks of %d trials: use at most %d shards", sh.N, totalBlocks, BlockSize, totalBlocks)
	}
	p, err := compile(s, cfg.Collapse, opts)
	if err != nil {
		return nil, err
	}
	from, to := sh.Blocks(totalBlocks)
	lo, hi := from*BlockSize, min(to*BlockSize, cfg.Trials)
	exact := cfg.Trials <= cfg.ExactLimit
	// Indices are global trial numbers; store this shard's range only.
	res := newResults(p, exact, hi-lo)
	res.offset = lo
	workers := make([]*worker, cfg.Workers)
	for i := range workers {
		workers[i] = newWorker(p, cfg.Seed, exact)
	}
	res.keepBlocks = true
	if err := runBlocks(ctx, cfg, workers, res, from, to); err != nil {
		return nil, err
	}
	for _, w := range workers {
		res.mergeSketches(w)
	}
	out := &ShardResult{
		Format: shardFormat, Version: cfg.Version, ScenarioSHA: s.SHA256, ScenarioFile: s.File, Seed: cfg.Seed, Trials: cfg.Trials,
		Shard: sh, FromBlock: from, ToBlock: to,
		Collapse: cfg.Collapse, ExactLimit: cfg.ExactLimit, NQ: len(p.q), Blocks: res.kept,
		Clamped: res.clamped, TrialsInPart: hi - lo,
	}
	if opts.Recommended != nil {
		out.Recommended, out.RecName = opts.Recommended.Members, opts.Recommended.Name
	}
	if exact {
		out.LossVals, out.ALEVals = res.vals[0], res.vals[1]
		if p.rec != nil {
			out.RecVals = res.vals[2]
		}
	}
	for _, sk := range res.sk.sk {
		var b []byte
		if sk != nil {
			sk.Encode(&b, false)
		}
		out.Sketches = append(out.Sketches, b)
	}
	out.SketchMin, out.SketchMax = res.sk.min, res.sk.max
	for _, r := range res.ratio {
		var b []byte
		r.s.Encode(&b, false)
		out.Ratios = append(out.Ratios, b)
	}
	return out, nil
}

// Merge combines shard results into the result a single run would give. It refuses shards of
// another scenario, seed, trial count, version or layout, and reports missing or duplicate shards.
// It returns the configuration the shards were run with and the scenario as they named it (its
// file, for warnings), which the summary records.
func Merge(s *model.Scenario, cfg Config, shards []*ShardResult) (*Result, Config, *model.Scenario, error) {
	if len(shards) == 0 {
		return nil, cfg, s, fmt.Errorf("no shard results to merge")
	}
	for _, r := range shards {
		if err := r.check(); err != nil {
			return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), err)
		}
		for _, m := range r.Recommended {
			if m >= len(s.Safeguards) {
				return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), damaged("recommended safeguard %d of %d", m, len(s.Safeguards)))
			}
		}
	}
	ref := shards[0]
	for _, r := range shards {
		switch {
		case r.Format != shardFormat:
			return nil, cfg, s, fmt.Errorf("%s has format %d, want %d", r.name(), r.Format, shardFormat)
		case r.ScenarioSHA != s.SHA256:
			return nil, cfg, s, fmt.Errorf("%s is of another scenario (sha256 %.12s, want %.12s)", r.name(), r.ScenarioSHA, s.SHA256)
		case r.Seed != ref.Seed || r.Trials != ref.Trials || r.Shard.N != ref.Shard.N:
			return nil, cfg, s, fmt.Errorf("%s (seed %d, %d trials, %d shards) does not match %s (seed %d, %d trials, %d shards)",
				r.name(), r.Seed, r.Trials, r.Shard.N, ref.name(), ref.Seed, ref.Trials, ref.Shard.N)
		case r.Version != ref.Version:
			return nil, cfg, s, fmt.Errorf("%s was made by alesim %s, %s by %s: results of different versions are not merged",
				r.name(), r.Version, ref.name(), ref.Version)
		case r.Collapse != ref.Collapse || r.ExactLimit != ref.ExactLimit || r.RecName != ref.RecName || fmt.Sprint(r.Recommended) != fmt.Sprint(ref.Recommended):
			return nil, cfg, s, fmt.Errorf("%s was run with other options than %s", r.name(), ref.name())
		}
	}
	sorted := append([]*ShardResult(nil), shards...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Shard.K < sorted[j].Shard.K })
	seen := map[int]bool{}
	var dup, missing []int
	for _, r := range sorted {
		if seen[r.Shard.K] {
			dup = append(dup, r.Shard.K)
		}
		seen[r.Shard.K] = true
	}
	for k := 1; k <= ref.Shard.N; k++ {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	if len(dup) > 0 || len(missing) > 0 {
		return nil, cfg, s, fmt.Errorf("shards of %d: duplicate %v, missing %v", ref.Shard.N, dup, missing)
	}
	cfg.Seed, cfg.Trials, cfg.Version = ref.Seed, ref.Trials, ref.Version
	named := *s // warnings name the file the shards' runs named, as a single run would
	named.File = ref.ScenarioFile
	s = &named
	cfg.Collapse, cfg.ExactLimit = ref.Collapse, ref.ExactLimit
	var opts Options
	if ref.Recommended != nil {
		opts.Recommended = &Set{Name: ref.RecName, Members: ref.Recommended}
	}
	p, err := compile(s, cfg.Collapse, opts)
	if err != nil {
		return nil, cfg, s, err
	}
	if len(p.q) != ref.NQ {
		return nil, cfg, s, fmt.Errorf("%s: shards hold %d quantities, the scenario compiles to %d", ref.name(), ref.NQ, len(p.q))
	}
	exact := cfg.Trials <= cfg.ExactLimit
	mask := p.q.sketchMask(exact)
	// Check every shard against the plan before merging (or allocating) anything.
	for _, r := range sorted {
		for q, b := range r.Sketches {
			if (b != nil) != mask[q] {
				return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), damaged("quantity %d: sketch present %v, the plan says %v", q, b != nil, mask[q]))
			}
		}
		if len(r.Ratios) != len(p.variants) {
			return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), damaged("%d ratio sketches, the plan has %d variants", len(r.Ratios), len(p.variants)))
		}
	}
	res := newResults(p, exact, 0)
	for k := range res.vals {
		// Every shard was checked against the plan and none is missing: their totals are here,
		// and sum to cfg.Trials values per array.
		res.vals[k] = make([]float64, 0, cfg.Trials)
	}
	next := int64(0)
	for _, r := range sorted {
		if r.FromBlock != next {
			return nil, cfg, s, fmt.Errorf("%s starts at block %d, want %d", r.name(), r.FromBlock, next)
		}
		overflowed := false
		for i := range r.Blocks {
			overflowed = overflowed || r.Blocks[i].Overflowed
		}
		next = r.ToBlock
		for i := range r.Blocks {
			b := &r.Blocks[i]
			m := moments{n: b.N, shift: b.Shift, s1: b.S1, s2: b.S2, overflowed: b.Overflowed}
			res.total.merge(&m)
		}
		if exact {
			res.vals[0] = append(res.vals[0], r.LossVals...)
			res.vals[1] = append(res.vals[1], r.ALEVals...)
			if p.rec != nil {
				res.vals[2] = append(res.vals[2], r.RecVals...)
			}
		}
		for q, b := range r.Sketches {
			if b == nil {
				continue
			}
			want := float64(r.TrialsInPart)
			if overflowed {
				want = -1 // trials that overflowed are not in the sketch
			}
			sk, err := decodeSketch(b, want, float64(r.TrialsInPart))
			if err != nil {
				return nil, cfg, s, fmt.Errorf("%s: quantity %d: %w", r.name(), q, err)
			}
			if err := res.sk.sk[q].MergeWith(sk); err != nil {
				return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), err)
			}
			res.sk.min[q] = minF(res.sk.min[q], r.SketchMin[q])
			res.sk.max[q] = maxF(res.sk.max[q], r.SketchMax[q])
		}
		for v, b := range r.Ratios {
			sk, err := decodeSketch(b, -1, float64(r.TrialsInPart))
			if err != nil {
				return nil, cfg, s, fmt.Errorf("%s: ratio sketch %d: %w", r.name(), v, err)
			}
			if err := res.ratio[v].s.MergeWith(sk); err != nil {
				return nil, cfg, s, fmt.Errorf("%s: %w", r.name(), err)
			}
		}
		res.clamped += r.Clamped
	}
	totalBlocks := blocksOf(cfg.Trials)
	if next != totalBlocks {
		return nil, cfg, s, fmt.Errorf("shards cover blocks 0 to %d, want %d", next, totalBlocks)
	}
	if res.total.overflowed {
		return nil, cfg, s, ErrOverflow
	}
	return &Result{p: p, r: res, trials: cfg.Trials}, cfg, s, nil
}

func minF(a, b float64) float64 {
	if b < a {
		return b
	}
	return a
}

func maxF(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

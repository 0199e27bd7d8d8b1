package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
	"golang.org/x/sync/errgroup"
)

// BlockSize is the number of trials in a block, the unit of random streams, parallel work,
// sharding and precision steps. It is part of the output contract: changing it changes results.
const BlockSize = 10000

// DefaultSeed is the seed used when none is given.
const DefaultSeed = 1983

// Config says how to run a scenario. The zero value is not useful; start from DefaultConfig.
type Config struct {
	Trials  int64  // number of trials (simulated years); with Precision, the most to run
	Seed    uint64 // seed of every random stream (see stream.go)
	Workers int    // goroutines; results do not depend on it

	// Precision, when > 0, runs batches of PrecisionBatch blocks until the 95% confidence interval
	// half-width of the mean annual loss is at most Precision x the mean, or Trials are done.
	Precision float64

	// ExactLimit is the most trials for which quantiles of the totals are exact (the per-trial
	// total loss and ALE, and the recommended set's loss when simulated, are kept: 8 bytes each a
	// trial, sorted in place for the summary); above it they come from the sketch.
	ExactLimit int64

	// Collapse replaces every distribution by its point value, event counts by their expectation,
	// and switches asset caps off, so that the engine reproduces point mode (a self-check).
	Collapse bool

	Version string // recorded in the summary

	// Progress, when not nil, is increased by the number of trials of each finished block.
	Progress *atomic.Int64

	// Sink, when not nil, receives every trial's results, block by block (see TrialSink).
	Sink TrialSink

	// Blocks selects which of the Trials' blocks are run: all of them, or only the even or only
	// the odd ones (the honest budget search chooses on one half and measures on the other).
	// Blocks keep their streams, so the even and the odd halves of a run are disjoint sets of its
	// trials; moments are merged in block order. A half runs with its totals' quantiles sketched.
	Blocks BlockSubset
}

// BlockSubset selects blocks of a run (see Config.Blocks).
type BlockSubset int

// Block subsets.
const (
	AllBlocks  BlockSubset = iota // every block
	EvenBlocks                    // blocks 0, 2, 4, ...
	OddBlocks                     // blocks 1, 3, 5, ...
)

// count is the number of blocks of the subset among blocks [0, total).
func (bs BlockSubset) count(total int64) int64 {
	switch bs {
	case EvenBlocks:
		return (total + 1) / 2
	case OddBlocks:
		return total / 2
	}
	return total
}

// block is the block number of the subset's j-th block.
func (bs BlockSubset) block(j int64) int64 {
	switch bs {
	case EvenBlocks:
		return 2 * j
	case OddBlocks:
		return 2*j + 1
	}
	return j
}

// PrecisionBatch is the number of blocks added between precision checks; fixed so that where a
// precision run stops does not depend on the number of workers.
const PrecisionBatch = 10

// DefaultConfig is one million trials at DefaultSeed on every CPU.
func DefaultConfig() Config {
	return Config{
		Trials:     1_000_000,
		Seed:       DefaultSeed,
		Workers:    runtime.GOMAXPROCS(0),
		ExactLimit: 10_000_000,
	}
}

// SketchRelativeError is the relative accuracy of quantiles taken from sketches (DDSketch): a
// reported quantile q' of a true quantile q satisfies |q' - q| <= 0.005 |q|.
const SketchRelativeError = 0.005

// Simulate compiles the scenario, runs cfg.Trials trials (or fewer, with cfg.Precision) and returns
// the merged accumulators, which package analysis summarises. It honours ctx: on cancellation it
// returns ctx.Err() promptly (workers check every 16 trials).
func Simulate(ctx context.Context, s *model.Scenario, cfg Config, opts Options) (*Result, error) {
	if cfg.Trials < 1 || cfg.Trials > MaxTrials {
		return nil, fmt.Errorf("trials must be 1 to %d (got %d)", int64(MaxTrials), cfg.Trials)
	}
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Precision < 0 || math.IsNaN(cfg.Precision) {
		return nil, fmt.Errorf("precision must be > 0 (got %g)", cfg.Precision)
	}
	p, err := compile(s, cfg.Collapse, opts)
	if err != nil {
		return nil, err
	}
	res, trials, err := simulate(ctx, p, cfg)
	if err != nil {
		return nil, err
	}
	if res.total.overflowed {
		return nil, ErrOverflow
	}
	return &Result{p: p, r: res, trials: trials}, nil
}

// ErrOverflow is returned when simulated losses overflow float64: the inputs are so heavy-tailed
// that no figure would mean anything, and none is reported.
var ErrOverflow = errors.New("simulated losses overflowed (infinite or undefined annual loss): the inputs are too heavy-tailed for any figure to mean anything; narrow the widest loss distributions")

// simulate runs the trials of a compiled plan and returns the merged results.
func simulate(ctx context.Context, p *plan, cfg Config) (*results, int64, error) {
	totalBlocks := cfg.Blocks.count(blocksOf(cfg.Trials))
	if totalBlocks == 0 {
		return nil, 0, fmt.Errorf("%d trials make one block: there are no odd blocks to run", cfg.Trials)
	}
	exact := cfg.Trials <= cfg.ExactLimit && cfg.Blocks == AllBlocks
	n := int64(0)
	if exact {
		n = cfg.Trials
	}
	res := newResults(p, exact, n)
	workers := make([]*worker, cfg.Workers)
	var cols []int
	if cfg.Sink != nil {
		names, qs := p.q.columns()
		cols = qs
		if err := cfg.Sink.Start(names); err != nil {
			return nil, 0, err
		}
	}
	for i := range workers {
		workers[i] = newWorker(p, cfg.Seed, exact)
		workers[i].sink, workers[i].cols = cfg.Sink, cols
	}
	done := int64(0) // blocks finished
	for done < totalBlocks {
		next := totalBlocks
		if cfg.Precision > 0 {
			next = min(done+PrecisionBatch, totalBlocks)
		}
		if err := runBlocks(ctx, cfg, workers, res, done, next); err != nil {
			return nil, 0, err
		}
		done = next
		if cfg.Precision > 0 && res.meetsPrecision(cfg.Precision) {
			break
		}
	}
	for _, w := range workers {
		res.mergeSketches(w)
	}
	trials := min(done*BlockSize, cfg.Trials)
	if cfg.Blocks != AllBlocks {
		last := cfg.Blocks.block(done - 1) // the only block that may be short
		trials = (done-1)*BlockSize + min(BlockSize, cfg.Trials-last*BlockSize)
	}
	if res.vals != nil && int64(len(res.vals[0])) > trials {
		// A precision run that stopped early: keep only the trials run.
		for k := range res.vals {
			res.vals[k] = res.vals[k][:trials]
		}
	}
	return res, trials, nil
}

// runBlocks runs blocks [from, to) of the subset cfg.Blocks (block cfg.Blocks.block(j) for j in
// [from, to)) on the workers and merges their moments in block order as they complete: a finished block waits only until the blocks before it are merged, so memory stays
// proportional to the workers, not to the trials, and the floating-point merge is the same
// sequence whatever the scheduling.
func runBlocks(ctx context.Context, cfg Config, workers []*worker, res *results, from, to int64) error {
	var next atomic.Int64
	next.Store(from)
	var mu sync.Mutex
	pending := map[int64]*moments{}
	merged := from
	deliver := func(b int64, m *moments) {
		mu.Lock()
		defer mu.Unlock()
		pending[b] = m
		for {
			bm, ok := pending[merged]
			if !ok {
				return
			}
			delete(pending, merged)
			res.total.merge(bm)
			if res.keepBlocks {
				res.kept = append(res.kept, BlockMoments{N: bm.n, Shift: bm.shift, S1: bm.s1, S2: bm.s2, Overflowed: bm.overflowed})
			}
			merged++
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, w := range workers {
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("simulation worker failed: %v\n%s", r, debug.Stack())
				}
			}()
			for {
				j := next.Add(1) - 1
				if j >= to {
					return nil
				}
				if err := gctx.Err(); err != nil {
					return err
				}
				b := cfg.Blocks.block(j)
				lo := b * BlockSize
				hi := min(lo+BlockSize, cfg.Trials)
				m, err := w.runBlock(gctx, uint64(b), lo, hi, res)
				if err != nil {
					return err
				}
				deliver(j, &m)
				if cfg.Progress != nil {
					cfg.Progress.Add(hi - lo)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return ctx.Err()
		}
		return err
	}
	if merged != to {
		return fmt.Errorf("internal: merged blocks up to %d, want %d", merged, to)
	}
	return nil
}

// worker owns everything a trial touches: streams, scratch, sketches. Nothing in it is shared, so
// the trial loop takes no locks and allocates nothing.
type worker struct {
	t      int64 // the trial being simulated
	p      *plan
	seed   uint64
	st     []stream
	hazAFE []float64
	hazN   []float64
	afe    []float64
	loss   []float64
	ale    []float64
	q      []float64
	sk     sketches
	ratio  []ratioSketch // per variant: cost/savings of the trials that pay

	sgOne, sgAnn []float64
	effVal       [][]float64
	unitBaseVal  []float64
	ev, evU      [][]float64 // per finding kept for thinning: this year's event losses and uniforms
	// per finding whose frequency a variant may raise: this trial's extra events (events.go)
	exMark, exLoss [][]float64
	exBern         []float64 // the Bernoulli extra event's uniform, -1 before first use
	exBernLoss     []float64
	excess         []float64 // per asset: this year's losses beyond its value, max(S - V, 0)
	assetRaw       []float64 // per asset: this year's losses before the cap, S
	cf             []float64 // per finding: the closed-form part of ALE(theta)
	// per finding: E[loss | theta]; with a loss model, this trial's distribution (uncertain
	// parameters), the product of its per-year factors, and its parameters' values
	lossMean []float64
	lossDist []dist.Distribution
	yearFac  []float64
	lossVals []dist.Values
	tmp      []float64
	raw      []float64 // per finding: the year's loss before asset caps
	evMax    []float64 // per finding: the year's largest event loss
	clamped  int64     // AFE draws clamped at model.MaxAFE
	drawn    []float64 // recorded input draws (sensitivity)
	cv, cz   []float64 // correlated inputs' values this trial, and normals scratch (copula.go)
	sav      []float64 // scratch: a pair group's savings (pairDiffs)
	fastR    []fastStreams
	year     []yearF // with plan.allFast: the findings of fastYear, in file order
	touched  []int   // fastYear: the sparse quantities (sketches.setSparse) of the findings hit
	// the sparse quantities (fastF.sparse); in this block, those whose moments are summed through
	// touched only (their first value is +0: blockVary), and the other quantities that vary
	sparseQ  []int
	momTouch []bool
	vary     []int
	// fastYear: the findings hit this year and last year (scratch and its swap)
	hits, lastHits []int
	warm           bool // a trial has run: the certain findings' ALE(theta) and sums are in place
	sink           TrialSink
	cols           []int // quantity index of each sink column after the trial index
	// insurance.go: per member of a policy's unit, the controls' adjustment and the loss scale
	polAdj   []model.Adjust
	polScale []float64
}

func newWorker(p *plan, seed uint64, exactTotals bool) *worker {
	nf := len(p.findings)
	w := &worker{
		p: p, seed: seed,
		st:          newStreams(len(p.keys)),
		hazAFE:      make([]float64, len(p.hazards)),
		hazN:        make([]float64, len(p.hazards)),
		afe:         make([]float64, nf),
		loss:        make([]float64, nf),
		ale:         make([]float64, nf),
		q:           make([]float64, len(p.q)),
		sk:          newSketches(p.q.sketchMask(exactTotals)),
		ratio:       newRatioSketches(len(p.variants)),
		sgOne:       make([]float64, len(p.safeguards)),
		sgAnn:       make([]float64, len(p.safeguards)),
		effVal:      make([][]float64, len(p.safeguards)),
		unitBaseVal: make([]float64, len(p.units)),
		ev:          make([][]float64, nf),
		evU:         make([][]float64, nf),
		exMark:      make([][]float64, nf),
		exLoss:      make([][]float64, nf),
		exBern:      make([]float64, nf),
		exBernLoss:  make([]float64, nf),
		excess:      make([]float64, len(p.assets)),
		assetRaw:    make([]float64, len(p.assets)),
		cf:          make([]float64, nf),
		lossMean:    make([]float64, nf),
		lossDist:    make([]dist.Distribution, nf),
		yearFac:     make([]float64, nf),
		lossVals:    make([]dist.Values, nf),
		tmp:         make([]float64, nf),
		raw:         make([]float64, nf),
		evMax:       make([]float64, nf),
		drawn:       make([]float64, len(p.inputs)),
		cv:          make([]float64, p.nCorr),
		cz:          make([]float64, p.nCorr),
		sav:         make([]float64, len(p.variants)),
	}
	for k, sg := range p.safeguards {
		w.effVal[k] = make([]float64, len(sg.effects))
	}
	w.fastR = make([]fastStreams, len(p.fastF))
	for k, ff := range p.fastF {
		w.fastR[k].count = w.st[ff.vCount].r
		if ff.vLoss >= 0 {
			w.fastR[k].loss = w.st[ff.vLoss].r
		}
	}
	for _, ff := range p.fastF {
		if ff.sparse {
			w.sk.setSparse(ff.qLoss)
		}
	}
	if p.allFast {
		w.year = make([]yearF, len(p.fastF))
		for k := range p.fastF {
			ff := &p.fastF[k]
			w.year[k] = yearF{count: w.fastR[k].count, loss: w.fastR[k].loss, rate: ff.rate,
				expNeg: ff.expNeg, mu: ff.mu, sigma: ff.sigma, ln: ff.inversion && ff.lognormal,
				sparse: ff.sparse, qLoss: ff.qLoss, qSite: ff.qSiteLoss, qClass: ff.qClassLoss}
			if ff.inversion {
				w.afe[k] = ff.rate // certain: fastYear does not set it
			}
			if ff.sparse {
				w.year[k].buf = w.sk.buffer(ff.qLoss)
			}
		}
	}
	w.touched = make([]int, 0, len(p.fastF))
	for _, ff := range p.fastF {
		if ff.sparse {
			w.sparseQ = append(w.sparseQ, ff.qLoss)
		}
	}
	w.momTouch = make([]bool, len(p.q))
	w.hits, w.lastHits = make([]int, 0, len(p.fastF)), make([]int, 0, len(p.fastF))
	w.initPolicies()
	for i := range p.findings {
		w.lossMean[i] = p.findings[i].lossMean
		if lm := p.findings[i].lossModel; lm != nil && len(lm.Params) > 0 {
			w.lossVals[i] = lm.Values()
		}
	}
	return w
}

func (w *worker) runBlock(ctx context.Context, b uint64, lo, hi int64, res *results) (moments, error) {
	for i := range w.st {
		s1, s2 := streamSeeds(w.seed, w.p.hashes[i], b)
		w.st[i].pcg.Seed(s1, s2)
	}
	m := newMoments(len(w.p.q))
	n := int(hi - lo)
	var blk *Block
	if w.sink != nil {
		blk = newBlock(int64(b), lo, n, len(w.cols))
	}
	for t := lo; t < hi; t++ {
		// Cancellation is checked every 16 trials (a cheap atomic load), so Ctrl-C stops a run
		// within a second even when single years are expensive.
		if (t-lo)&15 == 0 && ctx.Err() != nil {
			return m, ctx.Err()
		}
		w.trial(t)
		if t == lo || len(w.sparseQ) == 0 {
			m.add(w.q, w.p.vary)
			if len(w.sparseQ) > 0 {
				w.blockVary(m.shift)
			}
		} else {
			m.add(w.q, w.vary)
			m.addTouched(w.q, w.touched, w.momTouch)
		}
		w.sk.add(w.q)
		w.addRatios()
		res.record(t, w.q)
		if blk != nil {
			i := int(t - lo)
			for c, q := range w.cols {
				blk.Cols[c][i] = w.q[q]
			}
		}
	}
	w.sk.flushZeros(n)
	if blk != nil {
		if err := w.sink.WriteBlock(ctx, blk); err != nil {
			return m, err
		}
	}
	return m, nil
}

// blockVary splits the quantities whose moments are summed after a block's first trial, given
// the block's shifts (its first trial's values): a sparse quantity whose shift is +0 is summed
// only in the trials that list it (touched), since a +0 deviation leaves its sums as they are;
// every other varying quantity is summed in every trial (w.vary).
func (w *worker) blockVary(shift []float64) {
	for _, i := range w.sparseQ {
		w.momTouch[i] = math.Float64bits(shift[i]) == 0
	}
	w.vary = w.vary[:0]
	for _, i := range w.p.vary {
		if !w.momTouch[i] {
			w.vary = append(w.vary, i)
		}
	}
}

func (w *worker) drawFrequency(factors []pEst) float64 {
	a := 1.0
	for i := range factors {
		a *= w.draw(&factors[i])
	}
	return a
}

// draw draws an estimate, recording the value when sensitivity analysis asks for it.
func (w *worker) draw(e *pEst) float64 {
	var v float64
	if e.at != nil && !e.konst {
		v = e.at.At(w.t) // a SIP: a function of the trial index, not of a stream
	} else if e.corr > 0 && !e.konst {
		v = w.cv[e.corr-1] // drawn with its group at the start of the trial (copula.go)
	} else {
		v = e.draw(w.st)
	}
	if e.in > 0 {
		w.drawn[e.in-1] = v
	}
	return v
}

func count(r *stream, lambda float64, bernoulli, collapse bool) float64 {
	if collapse {
		return lambda
	}
	if bernoulli {
		if dist.Uniform01(r.r) < lambda {
			return 1
		}
		return 0
	}
	return dist.PoissonRand(r.r, lambda)
}

// trial simulates year t and fills w.q.
func (w *worker) trial(t int64) {
	w.t = t
	p := w.p
	st := w.st
	if len(p.corr) > 0 {
		w.drawCorrelated()
	}
	for h := range p.hazards {
		hz := &p.hazards[h]
		w.hazAFE[h] = w.drawFrequency(hz.factors)
		w.hazN[h] = count(&st[hz.vCount], w.hazAFE[h], hz.bernoulli, p.collapse)
	}
	if p.allFast {
		w.fastYear()
		w.tail()
		return
	}
	// Every finding draws from its own streams, so the common shapes (fast) go first, through a
	// short loop, and the others after them; the draws are the same as in one loop in file order.
	for k := range p.fastF {
		_, l, mx := w.drawFast(k, w.warm)
		i := p.fastF[k].i
		w.evMax[i], w.loss[i], w.raw[i] = mx, l, l
	}
	for _, i := range p.general {
		w.finding(i, t)
	}
	// Asset caps: the losses charged to an asset within the year are capped at its value, and
	// shared pro rata among the findings charged to it.
	p.capAssets(w.loss)
	for a := range p.assets {
		as := &p.assets[a]
		if !as.controlVariate {
			continue
		}
		tot := 0.0
		for _, i := range as.members {
			tot += w.raw[i]
		}
		w.assetRaw[a] = tot
		w.excess[a] = math.Max(tot-as.value, 0)
	}
	q := w.q
	// Every quantity is written in every trial but the sums, which are reset; the sums of ALE(theta)
	// that are the same in every trial (certain findings' only) are kept from the worker's first
	// trial, as are the certain findings' ALE(theta).
	for _, k := range p.sums {
		q[k] = 0
	}
	q[p.qOcc] = w.occurrence()
	warm := w.warm
	for i := range p.findings {
		f := &p.findings[i]
		l := w.loss[i]
		q[p.qLoss] += l
		q[f.qLoss] = l
		site := &p.sites[f.site]
		q[site.qLoss] += l
		var class *group
		if f.class >= 0 {
			class = &p.classes[f.class]
			q[class.qLoss] += l
		}
		var ale float64
		if f.certain && warm {
			ale = w.ale[i]
		} else {
			ale = w.findingALE(i)
			w.ale[i] = ale
			q[f.qALE] = ale
		}
		if !p.aleConst || !warm {
			q[p.qALE] += ale
		}
		if !site.aleConst || !warm {
			q[site.qALE] += ale
		}
		if class != nil && (!class.aleConst || !warm) {
			q[class.qALE] += ale
		}
	}
	w.warm = !slowPath
	w.tail()
}

// tail fills what follows the year's losses and ALE(theta): the safeguards' variants, the
// recommended set's loss, the recorded inputs.
func (w *worker) tail() {
	p, q := w.p, w.q
	if len(p.variants) > 0 {
		w.drawSafeguards()
	}
	if p.rec != nil {
		q[p.qRec] = w.setLoss(p.rec)
	}
	for _, r := range p.portLoss {
		if r != p.rec {
			q[r.q] = w.setLoss(r)
		}
	}
	if len(p.variants) > 0 {
		w.variants(q[p.qALE])
		w.pairDiffs()
	}
	for k := range p.inputs {
		q[p.inputs[k].q] = w.drawn[k]
	}
}

// pairDiffs fills the paired savings differences of every pair group: one contiguous row of the
// result vector per first variant.
func (w *worker) pairDiffs() {
	p, q := w.p, w.q
	for _, g := range p.pairGroups {
		sav := w.sav[:g.hi-g.lo]
		for j := range sav {
			sav[j] = q[p.variants[g.lo+j].qSavings]
		}
		k := g.q0
		for a := range sav {
			rest := sav[a+1:]
			row := q[k : k+len(rest)]
			sa := sav[a]
			for j, sb := range rest {
				row[j] = sa - sb
			}
			k += len(rest)
		}
	}
}

// fastStreams are a fastF finding's count and loss generators in this worker.
type fastStreams struct{ count, loss *rand.Rand }

// fastYear is the whole year of a scenario whose findings all have a common shape and no asset
// (plan.allFast), in passes over w.year, the findings in file order. The first draws each
// finding's year: those with a certain Poisson rate and a lognormal loss (the commonest shape)
// inline, on the worker's copy of their constants, the others through drawFast; it lists the
// findings hit this year in file order. Each finding draws from
// its own streams, so drawing them before summing them changes nothing. The second pass
// (sumYear) adds the hits to the sums, in file order, as the general path does: adding +0 leaves
// a sum that starts at +0 as it is, bit for bit, so the findings not hit are skipped. A finding
// of the inline shape is hit when it has an event (its loss may still be +0, by underflow); the
// others when their loss or largest event is not +0. The third
// adds ALE(theta) where it is not constant (every finding in a worker's first trial).
func (w *worker) fastYear() {
	p, q := w.p, w.q
	warm := w.warm
	year := w.year
	hits := w.hits[:len(year)]
	nh := 0
	for k := range year {
		y := &year[k]
		var l, mx float64
		if y.ln {
			n := dist.PoissonInversion(y.count, y.rate, y.expNeg)
			if n == 0 {
				continue // not hit (y.l and y.mx are read for hits only)
			}
			for e := int(n); e > 0; e-- { // n is a whole number below 1000 (inversion)
				x := xmath.Exp(y.mu + float64(y.sigma*y.loss.NormFloat64()))
				l += x
				if x > mx {
					mx = x
				}
			}
		} else {
			var lambda float64
			lambda, l, mx = w.drawFast(k, warm)
			w.afe[k] = lambda
			if math.Float64bits(l)|math.Float64bits(mx) == 0 {
				continue
			}
		}
		y.l, y.mx = l, mx
		hits[nh] = k
		nh++
	}
	for _, k := range p.groupSums {
		q[k] = 0
	}
	nt, totLoss, occ := w.sumYear(hits[:nh])
	w.touched = w.touched[:nt]
	w.hits, w.lastHits = w.lastHits[:0], hits[:nh]
	totALE := q[p.qALE]
	if !p.aleConst || !warm {
		totALE = 0
	}
	live := p.aleLive
	if !warm {
		live = p.allFindings
	}
	for _, i := range live {
		ff := &p.fastF[i]
		var a float64
		if ff.certain && warm {
			a = w.ale[i]
		} else {
			a = w.afe[i] * w.lossMean[i]
			w.cf[i], w.ale[i] = a, a
			q[ff.qALE] = a
		}
		if !p.aleConst || !warm {
			totALE += a
		}
		if !ff.siteConst || !warm {
			q[ff.qSiteALE] += a
		}
		if ff.qClassALE >= 0 && (!ff.classConst || !warm) {
			q[ff.qClassALE] += a
		}
	}
	q[p.qLoss], q[p.qALE] = totLoss, totALE
	q[p.qOcc] = occ
	w.warm = !slowPath
}

// sumYear zeroes the findings hit last year (w.lastHits) and adds the losses of those hit this
// year (hits, in file order, indices into w.year) to the finding, site and class quantities of
// w.q, copies them to w.raw, and lists in w.touched (as long as w.year) the sparse ones, whose
// values it also puts in their sketches' buffers (sketches.buffer); it returns how many it listed,
// the total loss and the largest event.
func (w *worker) sumYear(hits []int) (nt int, tot, occ float64) {
	year, raw, q := w.year, w.raw, w.q
	touched := w.touched[:len(year)]
	// last year's hits are zeroed, this year's written: every finding's quantity and raw loss
	// is then this year's
	for _, k := range w.lastHits {
		raw[k], q[year[k].qLoss] = 0, 0
	}
	for _, k := range hits {
		y := &year[k]
		l := y.l
		if y.mx > occ {
			occ = y.mx // no asset caps an event: the occurrence is the largest event
		}
		raw[k] = l // no asset caps it (w.loss is only read for caps)
		tot += l
		q[y.qLoss] = l
		q[y.qSite] += l
		if y.qClass >= 0 {
			q[y.qClass] += l
		}
		if y.sparse {
			touched[nt] = y.qLoss
			nt++
			if b := y.buf; b != nil {
				b.v[b.n] = l
				b.n++
				if b.n == len(b.v) {
					w.sk.flushBuf(b.slot)
				}
			}
		}
	}
	return nt, tot, occ
}

// yearF is a finding of a one-pass year (fastYear) in a worker: for the commonest shape (ln: a
// certain Poisson rate counted by inversion, a lognormal loss) its generators and constants side by
// side; its quantities; and this year's loss and largest event.
type yearF struct {
	count, loss             *rand.Rand
	rate, expNeg, mu, sigma float64
	ln, sparse              bool
	qLoss, qSite, qClass    int
	buf                     *sparseBuf // sparse: its loss's sketch buffer (nil if not sketched)
	l, mx                   float64
}

// drawFast draws the year of fast finding k (plan.fastF), on the general path and for the shapes
// fastYear does not draw inline (it does the commonest one): its own frequency (setting w.afe) and
// Poisson or Bernoulli counts, and a loss with no model; it returns the frequency, the year's loss
// and its largest event. On the general path a certain rate's w.afe is set once, in a worker's
// first trial (warm); fastYear sets it from the returned frequency.
func (w *worker) drawFast(k int, warm bool) (lambda, l, mx float64) {
	ff := &w.p.fastF[k]
	rs := &w.fastR[k]
	i := ff.i
	var n float64
	if ff.inversion {
		lambda = ff.rate
		n = dist.PoissonInversion(rs.count, lambda, ff.expNeg)
		if !warm {
			w.afe[i] = lambda
		}
	} else {
		lambda = w.drawFrequency(w.p.findings[i].factors)
		n = count(&w.st[ff.vCount], lambda, ff.bernoulli, false)
		if lambda > model.MaxAFE {
			lambda = model.MaxAFE
			w.clamped++
		}
		w.afe[i] = lambda
	}
	if n == 0 {
		return lambda, 0, 0
	}
	switch {
	case ff.konst:
		return lambda, n * ff.v, ff.v
	case ff.lognormal:
		r := rs.loss
		for e := 0.0; e < n; e++ {
			x := xmath.Exp(ff.mu + float64(ff.sigma*r.NormFloat64()))
			l += x
			if x > mx {
				mx = x
			}
		}
	default:
		r, d := rs.loss, w.p.findings[i].loss.d
		for e := 0.0; e < n; e++ {
			x := d.Rand(r)
			l += x
			if x > mx {
				mx = x
			}
		}
	}
	return lambda, l, mx
}

// finding draws the year of any finding: frequency (its own or its hazard's), counts, losses
// (with a loss model, kept for thinning, extra events).
func (w *worker) finding(i int, t int64) {
	p := w.p
	st := w.st
	f := &p.findings[i]
	var lambda, n float64
	if f.hazard >= 0 {
		lambda, n = w.hazAFE[f.hazard], w.hazN[f.hazard]
	} else if f.inversion && !p.collapse {
		lambda = f.rate
		n = dist.PoissonInversion(st[f.vCount].r, lambda, f.expNeg)
	} else {
		lambda = w.drawFrequency(f.factors)
		n = count(&st[f.vCount], lambda, f.bernoulli, p.collapse)
	}
	if lambda > model.MaxAFE {
		// A draw from the far tail of an unbounded AFE distribution: clamped, and counted.
		lambda = model.MaxAFE
		w.clamped++
	}
	w.afe[i] = lambda
	var l, mx float64 // the year's loss and its largest event
	// Events are kept for re-simulating the year (thin) and, for a shared hazard's findings,
	// for the occurrence loss (occurrence.go).
	keep := f.thin || f.hazard >= 0
	if keep {
		w.ev[i] = w.ev[i][:0]
	}
	if f.lossModel != nil {
		w.drawLossModel(i)
	}
	switch {
	case f.lossModel != nil:
		r := &st[f.loss.vr]
		for k := 0.0; k < n; k++ {
			x := w.modelLoss(i, r, false)
			l += x
			if x > mx {
				mx = x
			}
			if keep {
				w.ev[i] = append(w.ev[i], x)
			}
		}
	case f.loss.konst || p.collapse:
		l = n * f.loss.v
		if n > 0 {
			mx = f.loss.v
		}
		if keep {
			for k := 0.0; k < n; k++ {
				w.ev[i] = append(w.ev[i], f.loss.v)
			}
		}
	case f.lognormal:
		// The common case, without the interface call: exp(mu + sigma Z), as LogNormal.Rand.
		r := st[f.loss.vr].r
		for k := 0.0; k < n; k++ {
			x := xmath.Exp(f.lnMu + float64(f.lnSigma*r.NormFloat64()))
			l += x
			if x > mx {
				mx = x
			}
			if keep {
				w.ev[i] = append(w.ev[i], x)
			}
		}
	default:
		r := st[f.loss.vr].r
		for k := 0.0; k < n; k++ {
			x := f.loss.d.Rand(r)
			l += x
			if x > mx {
				mx = x
			}
			if keep {
				w.ev[i] = append(w.ev[i], x)
			}
		}
	}
	w.evMax[i] = mx
	if f.thin {
		w.drawThinning(i)
	}
	if f.extra {
		w.startExtra(i, t)
	}
	w.loss[i] = l
	w.raw[i] = l
}

// findingALE is finding i's ALE(theta) this year, setting its closed-form part w.cf[i].
func (w *worker) findingALE(i int) float64 {
	p := w.p
	f := &p.findings[i]
	switch f.aleMethod {
	case aleClosed:
		w.cf[i] = w.afe[i] * w.lossMean[i]
		return w.cf[i]
	case aleClosedCap:
		w.cf[i] = cappedMean(w.afe[i], f.loss.v, p.assets[f.asset].value, f.atMostOnce)
		return w.cf[i]
	}
	// Control variate (DESIGN section 7): the closed form E[S | theta] less the year's excess over
	// the cap, E[S - min(S, V) | theta] estimated by S - min(S, V), shared among the asset's
	// findings as the capped loss is; exactly the closed form in a year the cap does not bind.
	w.cf[i] = w.afe[i] * w.lossMean[i]
	ale := w.cf[i]
	if ex := w.excess[f.asset]; ex > 0 {
		ale -= float64(ex * (w.raw[i] / w.assetRaw[f.asset]))
	}
	return ale
}

package sim

import (
	"math"
	"slices"
	"sort"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// moments accumulates one block: sums of deviations from the block's first value (shifted data),
// which keeps the variance accurate when it is tiny beside the mean.
type moments struct {
	n          float64
	shift      []float64
	s1, s2     []float64
	overflowed bool
}

func newMoments(nq int) moments {
	return moments{shift: make([]float64, nq), s1: make([]float64, nq), s2: make([]float64, nq)}
}

// add adds a trial's quantities. Only the quantities in vary are summed: the others are the same
// in every trial (layout: QuantilesConstant), so their deviations from the block's first value
// are exact zeros and their sums stay zero, as summing them would leave them.
func (m *moments) add(q []float64, vary []int) {
	if m.n == 0 {
		copy(m.shift, q)
	}
	m.n++
	s1, s2, sh := m.s1[:len(q)], m.s2[:len(q)], m.shift[:len(q)]
	for _, i := range vary {
		d := q[i] - sh[i]
		s1[i] += d
		s2[i] += float64(d * d)
	}
	// q[0] and q[1] are the total loss and ALE (the first entries of every layout); x - x is NaN
	// when x is infinite or NaN and 0 otherwise, so the sum is NaN when either one is.
	if o := (q[0] - q[0]) + (q[1] - q[1]); o != o {
		m.overflowed = true
	}
}

// addTouched adds a trial's values of the listed quantities that only marks (blockVary);
// the others were added by add.
func (m *moments) addTouched(q []float64, touched []int, only []bool) {
	for _, i := range touched {
		if only[i] {
			d := q[i] - m.shift[i]
			m.s1[i] += d
			m.s2[i] += float64(d * d)
		}
	}
}

// running is the merge of blocks in block order: count, mean and sum of squared deviations (M2),
// combined with Chan, Golub and LeVeque's pairwise update. Merging in block order makes the
// floating-point result identical whatever the number of workers or shards.
type running struct {
	n          float64
	mean, m2   []float64
	overflowed bool
}

func newRunning(nq int) running {
	return running{mean: make([]float64, nq), m2: make([]float64, nq)}
}

func (r *running) merge(b *moments) {
	if b.n == 0 {
		return
	}
	r.overflowed = r.overflowed || b.overflowed
	if r.n == 0 {
		// Copy rather than merge into zeros: x*n/n is not always x in floating point.
		for i := range r.mean {
			r.mean[i] = b.shift[i] + b.s1[i]/b.n
			r.m2[i] = math.Max(0, b.s2[i]-b.s1[i]*b.s1[i]/b.n)
		}
		r.n = b.n
		return
	}
	n := r.n + b.n
	for i := range r.mean {
		mb := b.shift[i] + b.s1[i]/b.n
		m2b := math.Max(0, b.s2[i]-b.s1[i]*b.s1[i]/b.n)
		delta := mb - r.mean[i]
		r.mean[i] += delta * b.n / n
		r.m2[i] += m2b + delta*delta*r.n*b.n/n
	}
	r.n = n
}

func (r *running) sd(i int) float64 {
	if r.n < 2 {
		return 0
	}
	return math.Sqrt(r.m2[i] / (r.n - 1))
}

// Z975 is the standard normal quantile at 0.975: a 95% interval is mean +/- Z975 standard errors.
const Z975 = 1.959963984540054

func (r *running) ci95(i int) [2]float64 {
	h := Z975 * r.sd(i) / math.Sqrt(r.n)
	return [2]float64{r.mean[i] - h, r.mean[i] + h}
}

// sketches holds one DDSketch per quantity that needs quantiles; zeros are counted apart and added
// once per block, since most finding-years cost nothing. The trial loop visits only the sketched
// quantities and adds to each sketch's own stores through the concrete mapping and dense stores,
// which is what DDSketch.Add does through its interfaces: the same bins, so the same output.
// A sparse quantity (setSparse: a finding's loss in the one-pass year) is visited only in the
// trials that put it in its buffer; its other trials are zeros, counted when the block ends.
type sketches struct {
	sk       []*ddsketch.DDSketch
	zeros    []float64
	min, max []float64 // exact extremes, to clamp quantiles (a constant is then reported exactly)

	idx      []int        // the sketched quantities, in layout order, by slot
	slot     []int        // per quantity: its slot in idx, or -1
	dense    []int        // the slots add visits: all but the sparse ones
	sparse   []bool       // by slot: not visited by add (setSparse)
	adds     []float64    // by slot: a sparse quantity's values added in this block
	buf      []*sparseBuf // by slot: a sparse quantity's values not yet added (buffer)
	pos, neg []*store.DenseStore
	m        *mapping.CubicallyInterpolatedMapping // every sketch's mapping (all equal)
	lo, hi   float64                               // the mapping's smallest and largest indexable values
}

func newMapping() *mapping.CubicallyInterpolatedMapping {
	m, err := mapping.NewCubicallyInterpolatedMapping(SketchRelativeError)
	if err != nil {
		panic(err) // a constant relative accuracy in (0, 1): cannot fail
	}
	return m
}

func newSketch() *ddsketch.DDSketch {
	return ddsketch.NewDDSketch(newMapping(), store.NewDenseStore(), store.NewDenseStore())
}

func newSketches(mask []bool) sketches {
	s := sketches{sk: make([]*ddsketch.DDSketch, len(mask)), zeros: make([]float64, len(mask)),
		min: make([]float64, len(mask)), max: make([]float64, len(mask)), m: newMapping(),
		slot: make([]int, len(mask))}
	s.lo, s.hi = s.m.MinIndexableValue(), s.m.MaxIndexableValue()
	for i, on := range mask {
		s.slot[i] = -1
		if on {
			pos, neg := store.NewDenseStore(), store.NewDenseStore()
			s.sk[i] = ddsketch.NewDDSketch(newMapping(), pos, neg)
			s.slot[i] = len(s.idx)
			s.dense = append(s.dense, len(s.idx))
			s.idx = append(s.idx, i)
			s.pos, s.neg = append(s.pos, pos), append(s.neg, neg)
		}
		s.min[i], s.max[i] = math.Inf(1), math.Inf(-1)
	}
	s.adds, s.sparse = make([]float64, len(s.idx)), make([]bool, len(s.idx))
	s.buf = make([]*sparseBuf, len(s.idx))
	return s
}

// setSparse makes quantity i sparse, if it is sketched: add no longer visits it; the caller puts
// its values that are not +0 in its buffer.
func (s *sketches) setSparse(i int) {
	k := s.slot[i]
	if k < 0 || s.sparse[k] {
		return
	}
	s.sparse[k] = true
	s.buf[k] = &sparseBuf{slot: k}
	s.dense = slices.DeleteFunc(s.dense, func(d int) bool { return d == k })
}

func (s *sketches) add(q []float64) {
	mn, mx, zeros := s.min[:len(q)], s.max[:len(q)], s.zeros[:len(q)]
	slow := slowPath
	for _, k := range s.dense {
		i := s.idx[k]
		x := q[i]
		if x < mn[i] {
			mn[i] = x
		}
		if x > mx[i] {
			mx[i] = x
		}
		if slow {
			_ = s.sk[i].Add(x)
			continue
		}
		if x > s.lo && x <= s.hi {
			s.pos[k].Add(s.m.Index(x)) // addValue's common case, without the call
			continue
		}
		if x == 0 {
			zeros[i]++
			continue
		}
		addValue(s.m, s.lo, s.hi, s.sk[i], s.pos[k], s.neg[k], x)
	}
}

// buffer is sparse quantity i's buffer (setSparse), or nil when it is not sketched. The trial
// loop puts each value it lists in it, and hands it to flushBuf when full; flushZeros adds the
// rest when the block ends. A sketch's bins, zeros and extremes are sums, minima and maxima, which
// do not depend on the order of the values, and a tight loop over a buffer costs much less than
// a call per value.
func (s *sketches) buffer(i int) *sparseBuf {
	if k := s.slot[i]; k >= 0 {
		return s.buf[k]
	}
	return nil
}

// sparseBuf holds a sparse quantity's values not yet added to its sketch.
type sparseBuf struct {
	n, slot int
	v       [256]float64
}

// flushBuf adds slot k's buffered values to its sketch, as add adds a value.
func (s *sketches) flushBuf(k int) {
	b := s.buf[k]
	i := s.idx[k]
	mn, mx, z := s.min[i], s.max[i], 0.0
	m, lo, hi, pos := s.m, s.lo, s.hi, s.pos[k]
	for _, x := range b.v[:b.n] {
		if x < mn {
			mn = x
		}
		if x > mx {
			mx = x
		}
		if x > lo && x <= hi {
			pos.Add(m.Index(x))
			continue
		}
		if x == 0 {
			z++
			continue
		}
		addValue(m, lo, hi, s.sk[i], pos, s.neg[k], x)
	}
	s.min[i], s.max[i] = mn, mx
	s.zeros[i] += z
	s.adds[k] += float64(b.n)
	b.n = 0
}

// addValue adds x to sketch sk, whose stores are pos and neg and whose mapping equals m (smallest
// and largest indexable values lo and hi), as sk.Add(x) does, without its interface calls. Values
// beyond the sketch's range (about 1e308) are skipped, as Add refuses them: an overflowed trial is
// reported by the moments.
func addValue(m *mapping.CubicallyInterpolatedMapping, lo, hi float64, sk *ddsketch.DDSketch, pos, neg *store.DenseStore, x float64) {
	switch {
	case x > lo:
		if x <= hi {
			pos.Add(m.Index(x))
		}
	case x < -lo:
		if x >= -hi {
			neg.Add(m.Index(-x))
		}
	default:
		_ = sk.Add(x) // zero, NaN (refused) or a magnitude below the smallest indexable value
	}
}

// flushZeros ends a block of n trials: the sparse quantities' unlisted trials are zeros (+0, which
// moves the extremes as a +0 added in its trial would: min and max do not depend on the order of
// the values), and every sketch's zeros are added at once.
func (s *sketches) flushZeros(n int) {
	if len(s.dense) < len(s.idx) {
		for k, i := range s.idx {
			if !s.sparse[k] {
				continue
			}
			s.flushBuf(k)
			if z := float64(n) - s.adds[k]; z > 0 {
				s.zeros[i] += z
				s.min[i], s.max[i] = min0(s.min[i]), max0(s.max[i])
			}
			s.adds[k] = 0
		}
	}
	for _, i := range s.idx {
		if z := s.zeros[i]; z > 0 {
			_ = s.sk[i].AddWithCount(0, z)
			s.zeros[i] = 0
		}
	}
}

// min0 and max0 are the extremes after a +0 is seen, as add's comparisons leave them.
func min0(m float64) float64 {
	if 0 < m {
		return 0
	}
	return m
}

func max0(m float64) float64 {
	if 0 > m {
		return 0
	}
	return m
}

// results gathers everything a run reports: merged moments, exact per-trial totals (when they fit)
// and merged sketches.
type results struct {
	total running
	// exactQs are the quantities whose every trial is kept (layout.exactTotalQs) when the totals
	// are exact, and vals their values by trial index (nil when not exact); sortExact sorts them
	// in place, once, for the summary, and sorted answers from them.
	exactQs []int
	vals    [][]float64
	sorted  []exactQ
	offset  int64 // trial index of vals[k][0] (a shard's first trial)
	clamped int64
	// keepBlocks keeps each block's moments, in block order, for a shard's exact merge.
	keepBlocks bool
	kept       []BlockMoments
	sk         sketches
	ratio      []ratioSketch
}

// newResults makes the accumulators of a run; with exact totals, n trials' values are kept (n may
// be 0 to append them later, as a merge does).
func newResults(p *plan, exact bool, n int64) *results {
	r := &results{total: newRunning(len(p.q)), sk: newSketches(p.q.sketchMask(exact)), ratio: newRatioSketches(len(p.variants))}
	if exact {
		r.exactQs = p.q.exactTotalQs()
		r.vals = make([][]float64, len(r.exactQs))
		for k := range r.vals {
			r.vals[k] = make([]float64, n)
		}
	}
	return r
}

// record stores a trial's totals; distinct trials write distinct indices, so workers need no lock.
func (r *results) record(t int64, q []float64) {
	if r.vals != nil {
		t -= r.offset
		for k, qi := range r.exactQs {
			r.vals[k][t] = q[qi]
		}
	}
}

func (r *results) mergeSketches(w *worker) {
	for i, s := range w.sk.sk {
		if s != nil && r.sk.sk[i] != nil {
			_ = r.sk.sk[i].MergeWith(s)
			s.Clear()
			r.sk.min[i] = math.Min(r.sk.min[i], w.sk.min[i])
			r.sk.max[i] = math.Max(r.sk.max[i], w.sk.max[i])
		}
	}
	for i := range w.ratio {
		_ = r.ratio[i].s.MergeWith(w.ratio[i].s)
		w.ratio[i].s.Clear()
	}
	r.clamped += w.clamped
	w.clamped = 0
}

// sortExact sorts the exact per-trial totals in place, one array at a time, each on every CPU
// (sortFloats), once. From then on vals[k] is in order of value, not of trial: its readers by trial
// index (RunShard's per-trial totals, Merge, a precision run's truncation) all come before.
func (r *results) sortExact() {
	r.sorted = make([]exactQ, len(r.vals))
	for i, v := range r.vals {
		sortFloats(v)
		r.sorted[i] = exactQ{v}
	}
}

// meetsPrecision reports whether the 95% CI half-width of the mean annual loss is within rel x mean.
func (r *results) meetsPrecision(rel float64) bool {
	ci := r.total.ci95(0)
	half := (ci[1] - ci[0]) / 2
	return r.total.n >= 2 && half <= rel*math.Abs(r.total.mean[0])
}

// Quantiler answers distribution questions about one quantity across trials.
type Quantiler interface {
	Quantile(p float64) float64 // the p-quantile
	Exceed(x float64) float64   // P(X > x)
	TailMean(p float64) float64 // the expected shortfall at level p
	MinPositive() float64       // the smallest positive value (0 when none)
	Max() float64               // the largest value
}

// exactQ holds every trial's value, sorted.
type exactQ struct{ v []float64 }

// quantile interpolates linearly between order statistics (Hyndman and Fan type 7, numpy's
// default): h = (n-1)p, Q = v[floor h] + (h - floor h)(v[floor h + 1] - v[floor h]).
func (e exactQ) Quantile(p float64) float64 {
	n := len(e.v)
	if n == 0 {
		return math.NaN()
	}
	h := float64(float64(n-1) * p)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return e.v[n-1]
	}
	return e.v[lo] + float64((h-float64(lo))*(e.v[lo+1]-e.v[lo]))
}

func (e exactQ) Exceed(x float64) float64 {
	i := sort.Search(len(e.v), func(i int) bool { return e.v[i] > x })
	return float64(len(e.v)-i) / float64(len(e.v))
}

// tailMean is the expected shortfall at level p: the mean of the worst n(1-p) trials, the
// boundary trial counted fractionally (Acerbi and Tasche 2002). With k = ceil(n p),
// ES = (sum of x(i) for i > k + (k - n p) x(k)) / (n (1 - p)), order statistics 1-based. Unlike
// "the mean of values at or above VaR", it stays right when losses have atoms (many zero years).
func (e exactQ) TailMean(p float64) float64 {
	n := float64(len(e.v))
	tail := n * (1 - p)
	if tail <= 0 {
		return e.v[len(e.v)-1]
	}
	k := int(math.Ceil(n * p)) // 1-based index of the boundary order statistic
	sum := 0.0
	for _, x := range e.v[k:] {
		sum += x
	}
	if k >= 1 {
		sum += float64((float64(k) - float64(n*p)) * e.v[k-1])
	}
	return sum / tail
}

func (e exactQ) MinPositive() float64 {
	i := sort.Search(len(e.v), func(i int) bool { return e.v[i] > 0 })
	if i == len(e.v) {
		return 0
	}
	return e.v[i]
}

func (e exactQ) Max() float64 { return e.v[len(e.v)-1] }

// sketchQ answers from a DDSketch, within SketchRelativeError, clamped to the exact extremes.
type sketchQ struct {
	s      *ddsketch.DDSketch
	lo, hi float64 // exact minimum and maximum
}

func (k sketchQ) Quantile(p float64) float64 {
	if k.lo == k.hi {
		return k.lo
	}
	v, err := k.s.GetValueAtQuantile(p)
	if err != nil {
		return math.NaN()
	}
	return math.Min(math.Max(v, k.lo), k.hi)
}

func (k sketchQ) Exceed(x float64) float64 {
	// The exact extremes settle the ends: nothing exceeds the maximum, everything the values
	// below the minimum (a bin's representative value may lie either side of them).
	if x >= k.hi {
		return 0
	}
	if x < k.lo {
		return 1
	}
	above := 0.0
	k.s.ForEach(func(v, c float64) bool {
		if v > x {
			above += c
		}
		return false
	})
	return above / k.s.GetCount()
}

// tailMean walks the sketch's bins from the largest down until n(1-p) trials are taken, the last
// bin fractionally, as exactQ.tailMean does with order statistics.
func (k sketchQ) TailMean(p float64) float64 {
	type bin struct{ v, c float64 }
	var bins []bin
	k.s.ForEach(func(v, c float64) bool {
		bins = append(bins, bin{math.Min(math.Max(v, k.lo), k.hi), c})
		return false
	})
	sort.Slice(bins, func(i, j int) bool { return bins[i].v > bins[j].v })
	tail := k.s.GetCount() * (1 - p)
	if tail <= 0 {
		return k.hi
	}
	left, sum := tail, 0.0
	for _, b := range bins {
		take := math.Min(b.c, left)
		sum += float64(take * b.v)
		left -= take
		if left <= 0 {
			break
		}
	}
	return sum / tail
}

func (k sketchQ) MinPositive() float64 {
	m := math.Inf(1)
	k.s.ForEach(func(v, c float64) bool {
		if v > 0 && v < m {
			m = v
		}
		return false
	})
	if math.IsInf(m, 1) {
		return 0
	}
	return m
}

func (k sketchQ) Max() float64 { return k.hi }

// constQ is a quantity with the same value in every trial.
type constQ struct{ v float64 }

func (c constQ) Quantile(float64) float64 { return c.v }
func (c constQ) Exceed(x float64) float64 {
	if c.v > x {
		return 1
	}
	return 0
}
func (c constQ) TailMean(float64) float64 { return c.v }
func (c constQ) MinPositive() float64 {
	if c.v > 0 {
		return c.v
	}
	return 0
}
func (c constQ) Max() float64 { return c.v }

var (
	_ Quantiler = exactQ{}
	_ Quantiler = sketchQ{}
	_ Quantiler = constQ{}
)

// ratioSketch holds the cost to savings ratio of the trials in which a variant pays (savings > 0);
// in the others the ratio is taken as infinite (the safeguard never pays back), which keeps the
// ordering of ratios meaningful across the sign change of savings.
type ratioSketch struct {
	s        *ddsketch.DDSketch
	pos, neg *store.DenseStore
}

func newRatioSketches(n int) []ratioSketch {
	out := make([]ratioSketch, n)
	for i := range out {
		out[i].pos, out[i].neg = store.NewDenseStore(), store.NewDenseStore()
		out[i].s = ddsketch.NewDDSketch(newMapping(), out[i].pos, out[i].neg)
	}
	return out
}

func (w *worker) addRatios() {
	m, lo, hi, slow := w.sk.m, w.sk.lo, w.sk.hi, slowPath
	for vi := range w.p.variants {
		v := &w.p.variants[vi]
		if sav := w.q[v.qSavings]; sav > 0 {
			r := &w.ratio[vi]
			if slow {
				_ = r.s.Add(w.q[v.qCost] / sav)
				continue
			}
			addValue(m, lo, hi, r.s, r.pos, r.neg, w.q[v.qCost]/sav)
		}
	}
}

// ratioQuantile is the p-quantile of the per-trial ratio, given the fraction of trials that pay:
// +Inf when p falls among the trials that do not.
func ratioQuantile(s *ddsketch.DDSketch, pays, p float64) float64 {
	if pays <= 0 || p > pays || s.IsEmpty() {
		return math.Inf(1)
	}
	v, err := s.GetValueAtQuantile(p / pays)
	if err != nil {
		return math.Inf(1)
	}
	return v
}

package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Comparison is the change from one run (before) to another (after): the ALE, the annual loss and
// each safeguard's and portfolio's savings. When Paired, both runs used the same seed and trials,
// so every variable the two scenarios share drew the same numbers (common random numbers) and
// each change's interval is that of the per-trial difference; otherwise it is that of a difference
// of two independent means, much wider.
type Comparison struct {
	Paired     bool           `json:"paired"`
	Method     string         `json:"method"` // how the changes' intervals were computed, in words
	Before     RunRef         `json:"before"`
	After      RunRef         `json:"after"`
	ALE        Compared       `json:"ale"`
	AnnualLoss LossCompared   `json:"annual_loss"`
	Safeguards []ItemCompared `json:"safeguards"`
	Portfolios []ItemCompared `json:"portfolios"`
	Currency   string         `json:"currency"`
	Warnings   []string       `json:"warnings"`
	Changed    []string       `json:"changed"` // what changed at all: "ale", "annual_loss", ids
}

// RunRef identifies one side of a comparison.
type RunRef struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Seed   uint64 `json:"seed"`
	Trials int64  `json:"trials"`
}

// Change is after minus before with its 95% interval. Settled is true when the interval excludes
// zero; Changed is false when nothing moved (paired: no trial's value differs; unpaired: the means
// are equal).
type Change struct {
	Mean    float64    `json:"mean"`
	CI95    [2]float64 `json:"ci95"`
	Settled bool       `json:"settled"`
	Changed bool       `json:"changed"`
}

// Compared is a mean before and after, and its change.
type Compared struct {
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Change Change  `json:"change"`
}

// LossCompared is the annual loss's mean compared, with its quantiles before and after (a
// quantile's change is given without an interval).
type LossCompared struct {
	Compared
	Quantiles []QuantileCompared `json:"quantiles"`
}

// QuantileCompared is one quantile of the annual loss before and after.
type QuantileCompared struct {
	P      float64 `json:"p"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Change float64 `json:"change"`
}

// ItemCompared is a safeguard's or portfolio's mean savings and probability of paying, before and
// after. Before or After is null (and Only says which side has it) when it exists in one run only.
type ItemCompared struct {
	ID              string   `json:"id"`
	Before          *float64 `json:"before"`
	After           *float64 `json:"after"`
	Change          *Change  `json:"change"`
	PPositiveBefore *float64 `json:"p_positive_before"`
	PPositiveAfter  *float64 `json:"p_positive_after"`
	Only            string   `json:"only,omitempty"` // "before" or "after"
}

// MaxCompareBytes bounds the per-trial columns a paired comparison keeps (two runs, 8 bytes a value).
const MaxCompareBytes = 1 << 30

// trialColumns is a TrialSink keeping named columns per trial; names absent from the run are
// skipped.
type trialColumns struct {
	names []string
	want  []int // column index in the block, or -1
	data  map[string][]float64
	n     int64
}

func newTrialColumns(names []string, n int64) *trialColumns {
	c := &trialColumns{names: names, data: map[string][]float64{}, n: n}
	return c
}

func (c *trialColumns) Start(columns []string) error {
	idx := map[string]int{}
	for i, n := range columns {
		idx[n] = i
	}
	c.want = make([]int, len(c.names))
	for k, n := range c.names {
		i, ok := idx[n]
		if !ok {
			c.want[k] = -1
			continue
		}
		c.want[k] = i
		c.data[n] = make([]float64, c.n)
	}
	return nil
}

func (c *trialColumns) WriteBlock(_ context.Context, b *sim.Block) error {
	for k, col := range c.want {
		if col < 0 {
			continue
		}
		copy(c.data[c.names[k]][b.First:b.First+int64(b.N)], b.Cols[col])
	}
	return nil
}

var _ sim.TrialSink = (*trialColumns)(nil)

// columnsOf lists the per-trial columns a comparison needs from a scenario's run.
func columnsOf(s *model.Scenario) []string {
	cols := []string{"ale", "annual_loss"}
	for _, sg := range s.Safeguards {
		cols = append(cols, "savings:"+sg.ID)
	}
	for _, p := range s.Portfolios {
		cols = append(cols, "savings:"+p.ID)
	}
	return cols
}

// CompareScenarios runs two scenarios on the same seed and trials and compares them, paired: the
// change of each figure is the mean of its per-trial difference, with that difference's 95%
// interval. It returns both runs' summaries too.
func CompareScenarios(ctx context.Context, before, after *model.Scenario, cfg sim.Config) (*Comparison, *Summary, *Summary, error) {
	if cfg.Precision > 0 {
		return nil, nil, nil, errors.New("compare: --precision would stop the two runs at different trial counts; give --trials")
	}
	ca, cb := columnsOf(before), columnsOf(after)
	if need := int64(len(ca)+len(cb)) * cfg.Trials * 8; need > MaxCompareBytes {
		return nil, nil, nil, fmt.Errorf("compare: keeping %d columns of both runs for %d trials needs %d MiB, above %d MiB; lower --trials", len(ca)+len(cb), cfg.Trials, need>>20, MaxCompareBytes>>20)
	}
	run := func(s *model.Scenario, cols []string) (*Summary, *trialColumns, error) {
		c := newTrialColumns(cols, cfg.Trials)
		rc := cfg
		rc.Sink = c
		sum, err := Run(ctx, s, rc, Options{})
		return sum, c, err
	}
	sa, ta, err := run(before, ca)
	if err != nil {
		return nil, nil, nil, err
	}
	sb, tb, err := run(after, cb)
	if err != nil {
		return nil, nil, nil, err
	}
	cmp := compare(sa, sb, func(col string) (Change, bool) {
		x, ok1 := ta.data[col]
		y, ok2 := tb.data[col]
		if !ok1 || !ok2 {
			return Change{}, false
		}
		return pairedChange(x, y), true
	})
	cmp.Paired = true
	cmp.Method = fmt.Sprintf("paired: both scenarios run on seed %d with %d trials, so every variable they share drew the same numbers; each change is the mean of the per-trial difference, with its 95%% interval", cfg.Seed, cfg.Trials)
	return cmp, sa, sb, nil
}

// CompareSummaries compares two saved runs, unpaired: each change's interval combines the two
// means' intervals as if the runs were independent (sqrt(h1^2 + h2^2) for half-widths h1, h2).
// That is right for runs of different seeds, and too wide (conservative) for runs on the same seed.
func CompareSummaries(before, after *Summary) *Comparison {
	cmp := compare(before, after, nil)
	why := "the runs differ in seed or trials"
	if before.Run.Seed == after.Run.Seed && before.Run.Trials == after.Run.Trials {
		why = "saved summaries hold no per-trial values (the runs share a seed, so this interval is wider than the paired one; compare the scenarios to pair them)"
	}
	cmp.Method = "unpaired: " + why + "; each change's 95% interval treats the two means as independent"
	return cmp
}

func unpairedChange(b, a MeanCI) Change {
	hb, ha := (b.CI95[1]-b.CI95[0])/2, (a.CI95[1]-a.CI95[0])/2
	d := a.Mean - b.Mean
	h := math.Hypot(ha, hb)
	c := Change{Mean: d, CI95: [2]float64{d - h, d + h}, Changed: a.Mean != b.Mean}
	c.Settled = c.CI95[0] > 0 || c.CI95[1] < 0
	return c
}

// pairedChange is the mean of y[i] - x[i] with its 95% interval, in trial order (so the same
// inputs give the same bits).
func pairedChange(x, y []float64) Change {
	n := len(x)
	if n == 0 || len(y) != n {
		return Change{}
	}
	var s float64
	changed := false
	for i := range x {
		d := y[i] - x[i]
		s += d
		if y[i] != x[i] {
			changed = true
		}
	}
	m := s / float64(n)
	var ss float64
	for i := range x {
		e := (y[i] - x[i]) - m
		ss += float64(e * e)
	}
	sd := 0.0
	if n > 1 {
		sd = math.Sqrt(ss / float64(n-1))
	}
	h := sim.Z975 * sd / math.Sqrt(float64(n))
	c := Change{Mean: m, CI95: [2]float64{m - h, m + h}, Changed: changed}
	if !changed {
		c.Mean, c.CI95 = 0, [2]float64{0, 0}
	}
	c.Settled = c.CI95[0] > 0 || c.CI95[1] < 0
	return c
}

// compare fills a comparison from two summaries; paired, when not nil, gives a column's paired
// change (false when it cannot).
func compare(b, a *Summary, paired func(col string) (Change, bool)) *Comparison {
	cmp := &Comparison{
		Before:   RunRef{b.Scenario.Name, b.Scenario.SHA256, b.Run.Seed, b.Run.Trials},
		After:    RunRef{a.Scenario.Name, a.Scenario.SHA256, a.Run.Seed, a.Run.Trials},
		Currency: a.Scenario.Currency, Warnings: []string{}, Changed: []string{},
	}
	if b.Scenario.Currency != a.Scenario.Currency {
		cmp.Warnings = append(cmp.Warnings, fmt.Sprintf("the runs are in different currencies (%s before, %s after): the changes mix them", b.Scenario.Currency, a.Scenario.Currency))
	}
	change := func(col string, bm, am MeanCI) Change {
		if paired != nil {
			if c, ok := paired(col); ok {
				return c
			}
		}
		return unpairedChange(bm, am)
	}
	cmp.ALE = Compared{Before: b.ALE.Mean, After: a.ALE.Mean,
		Change: change("ale", MeanCI{b.ALE.Mean, b.ALE.CI95}, MeanCI{a.ALE.Mean, a.ALE.CI95})}
	cmp.AnnualLoss = LossCompared{Compared: Compared{Before: b.AnnualLoss.Mean, After: a.AnnualLoss.Mean,
		Change: change("annual_loss", MeanCI{b.AnnualLoss.Mean, b.AnnualLoss.CI95}, MeanCI{a.AnnualLoss.Mean, a.AnnualLoss.CI95})}}
	for _, q := range []struct {
		p    float64
		b, a float64
	}{{0.5, b.AnnualLoss.P50, a.AnnualLoss.P50}, {0.9, b.AnnualLoss.P90, a.AnnualLoss.P90},
		{0.95, b.AnnualLoss.P95, a.AnnualLoss.P95}, {0.99, b.AnnualLoss.P99, a.AnnualLoss.P99}} {
		cmp.AnnualLoss.Quantiles = append(cmp.AnnualLoss.Quantiles, QuantileCompared{P: q.p, Before: q.b, After: q.a, Change: q.a - q.b})
	}
	if cmp.ALE.Change.Changed {
		cmp.Changed = append(cmp.Changed, "ale")
	}
	if cmp.AnnualLoss.Change.Changed {
		cmp.Changed = append(cmp.Changed, "annual_loss")
	}
	cmp.Safeguards = compareItems(b.Safeguards, a.Safeguards, change, &cmp.Changed)
	cmp.Portfolios = compareItems(b.Portfolios, a.Portfolios, change, &cmp.Changed)
	return cmp
}

func compareItems(bs, as []SafeguardStats, change func(string, MeanCI, MeanCI) Change, changed *[]string) []ItemCompared {
	out := []ItemCompared{}
	inA := map[string]*SafeguardStats{}
	for i := range as {
		inA[as[i].ID] = &as[i]
	}
	seen := map[string]bool{}
	f := func(x float64) *float64 { return &x }
	for i := range bs {
		x := &bs[i]
		seen[x.ID] = true
		it := ItemCompared{ID: x.ID, Before: f(x.Savings.Mean), PPositiveBefore: f(x.PPositive)}
		if y, ok := inA[x.ID]; ok {
			it.After, it.PPositiveAfter = f(y.Savings.Mean), f(y.PPositive)
			c := change("savings:"+x.ID, MeanCI{x.Savings.Mean, x.Savings.CI95}, MeanCI{y.Savings.Mean, y.Savings.CI95})
			it.Change = &c
			if c.Changed || x.PPositive != y.PPositive {
				*changed = append(*changed, x.ID)
			}
		} else {
			it.Only = "before"
			*changed = append(*changed, x.ID)
		}
		out = append(out, it)
	}
	for i := range as {
		y := &as[i]
		if seen[y.ID] {
			continue
		}
		out = append(out, ItemCompared{ID: y.ID, After: f(y.Savings.Mean), PPositiveAfter: f(y.PPositive), Only: "after"})
		*changed = append(*changed, y.ID)
	}
	return out
}

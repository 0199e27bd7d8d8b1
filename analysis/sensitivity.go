package analysis

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Sensitivity: which uncertain input decides the answer. The inputs are the judgments drawn once
// per simulated year (theta): each AFE (or each factor of a product), each shared hazard's rate,
// each safeguard's costs and effects. Per-event losses are event randomness, not judgments, and
// are not inputs. The target is the total ALE(theta) or one safeguard's (or portfolio's) savings.
//
// From one set of trials it reports, per input:
//   - the rank (Spearman) correlation of the input's draw with the target across trials: how much
//     of the target's spread moves with that input;
//   - the target's mean with the input held at its 5th and at its 95th percentile, every other
//     draw unchanged (common random numbers: the streams are keyed by variable, so holding one input
//     changes no other draw), and the swing between the two.
// Inputs are sorted by decreasing swing, then by |rank correlation|.

// SensitivityInput is one input's effect on the target.
type SensitivityInput struct {
	Name            string  `json:"name"` // e.g. "3.3-1.afe", "2.2-1.afe.theft", "rec-3.annual_cost"
	RankCorrelation float64 `json:"rank_correlation"`
	MeanAtP05       float64 `json:"mean_at_p05"`
	MeanAtP95       float64 `json:"mean_at_p95"`
	Swing           float64 `json:"swing"` // mean_at_p95 - mean_at_p05
	P05             float64 `json:"p05"`   // the input's own 5th and 95th percentiles
	P95             float64 `json:"p95"`
}

// SensitivityResult is the JSON contract of `alesim sensitivity`.
type SensitivityResult struct {
	Target   string             `json:"target"`
	Trials   int64              `json:"trials"`
	Seed     uint64             `json:"seed"`
	Mean     float64            `json:"mean"` // the target's mean with every input free
	Currency string             `json:"currency"`
	Inputs   []SensitivityInput `json:"inputs"`
	// Titles names the inputs' owners for people (InputTitles), kept in the JSON so that a
	// redrawn report (alesim plot) names hazards, which the summary does not list.
	Titles map[string]string `json:"titles,omitempty"`
}

// collector is a TrialSink keeping some columns per trial in memory: the target and each input.
type collector struct {
	want  []int // column index of the target, then of each input
	names []string
	data  [][]float64 // per wanted column, indexed by trial
}

func (c *collector) Start(columns []string) error {
	idx := map[string]int{}
	for i, n := range columns {
		idx[n] = i
	}
	for _, n := range c.names {
		i, ok := idx[n]
		if !ok {
			return fmt.Errorf("sensitivity: no column %q", n)
		}
		c.want = append(c.want, i)
	}
	return nil
}

func (c *collector) WriteBlock(_ context.Context, b *sim.Block) error {
	for k, col := range c.want {
		copy(c.data[k][b.First:b.First+int64(b.N)], b.Cols[col])
	}
	return nil
}

// Sensitivity ranks the scenario's uncertain inputs by how much of the target they decide. target
// is "ale" or "savings:ID" (a safeguard or a portfolio).
func Sensitivity(ctx context.Context, s *model.Scenario, cfg sim.Config, target string) (*SensitivityResult, error) {
	cfg.Precision, cfg.Sink = 0, nil
	col, err := targetColumn(s, target)
	if err != nil {
		return nil, err
	}
	// The inputs are listed by a compile of the scenario; a one-block run gives them cheaply.
	ins, err := sim.Inputs(s)
	if err != nil {
		return nil, err
	}
	c := &collector{names: []string{col}}
	for _, in := range ins {
		c.names = append(c.names, "input:"+in.Name)
	}
	c.data = make([][]float64, len(c.names))
	for i := range c.data {
		c.data[i] = make([]float64, cfg.Trials)
	}
	cfg.Sink = c
	res, err := sim.Simulate(ctx, s, cfg, sim.Options{RecordInputs: true})
	if err != nil {
		return nil, err
	}
	out := &SensitivityResult{Target: target, Trials: res.Trials(), Seed: cfg.Seed, Currency: s.Currency, Inputs: []SensitivityInput{}, Titles: InputTitles(s)}
	out.Mean = mean(c.data[0])
	rt := ranks(c.data[0])
	cfg.Sink = nil
	for i, in := range ins {
		si := SensitivityInput{Name: in.Name, RankCorrelation: pearson(rt, ranks(c.data[i+1])),
			P05: in.Dist.Quantile(0.05), P95: in.Dist.Quantile(0.95)}
		for _, pv := range []struct {
			v   float64
			dst *float64
		}{{si.P05, &si.MeanAtP05}, {si.P95, &si.MeanAtP95}} {
			m, err := heldMean(ctx, s, cfg, in.Name, pv.v, col)
			if err != nil {
				return nil, err
			}
			*pv.dst = m
		}
		si.Swing = si.MeanAtP95 - si.MeanAtP05
		out.Inputs = append(out.Inputs, si)
	}
	sort.SliceStable(out.Inputs, func(i, j int) bool {
		a, b := math.Abs(out.Inputs[i].Swing), math.Abs(out.Inputs[j].Swing)
		if a != b {
			return a > b
		}
		return math.Abs(out.Inputs[i].RankCorrelation) > math.Abs(out.Inputs[j].RankCorrelation)
	})
	return out, nil
}

// heldMean is the target's mean over the same trials with one input held at v.
func heldMean(ctx context.Context, s *model.Scenario, cfg sim.Config, name string, v float64, col string) (float64, error) {
	res, err := sim.Simulate(ctx, s, cfg, sim.Options{Hold: []sim.Held{{Input: name, Value: v}}})
	if err != nil {
		return 0, err
	}
	q := res.Column(col)
	if q < 0 {
		return 0, fmt.Errorf("no column %s", col)
	}
	return res.Mean(q), nil
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// ranks returns the ranks of x (1-based), ties sharing their average rank.
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(float64(i+j)/2) + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// pearson is the sample correlation of x and y (0 when either is constant).
func pearson(x, y []float64) float64 {
	mx, my := mean(x), mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += float64(dx * dy)
		sxx += float64(dx * dx)
		syy += float64(dy * dy)
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

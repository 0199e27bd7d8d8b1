package sim

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/alesim/alesim/model"
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
}

// input is an uncertain variable whose draws are recorded.
type input struct {
	name string
	key  string // stream key, for holding it fixed
	est  *pEst
}

// inputs lists the plan's uncertain variables with their names, in scenario order.
func (p *plan) inputs() []input {
	var out []input
	factorName := func(prefix string, fs []model.Factor, i int) string {
		if len(fs) == 1 {
			return prefix + ".afe"
		}
		if fs[i].Name != "" {
			return fmt.Sprintf("%s.afe.%s", prefix, fs[i].Name)
		}
		return fmt.Sprintf("%s.afe.%d", prefix, i)
	}
	for h := range p.hazards {
		hz := &p.s.Hazards[h]
		for i := range p.hazards[h].factors {
			if e := &p.hazards[h].factors[i]; !e.konst {
				out = append(out, input{factorName(hz.ID, hz.AFE.Factors, i), p.keys[e.vr], e})
			}
		}
	}
	for fi := range p.findings {
		f := &p.findings[fi]
		mf := &p.s.Findings[f.sIdx]
		for i := range f.factors {
			if e := &f.factors[i]; !e.konst {
				out = append(out, input{factorName(f.id, mf.AFE.Factors, i), p.keys[e.vr], e})
			}
		}
	}
	for k := range p.safeguards {
		sg := &p.safeguards[k]
		for _, c := range []struct {
			name string
			e    *pEst
		}{{".one_time_cost", &sg.oneTime}, {".annual_cost", &sg.annual}} {
			if !c.e.konst {
				out = append(out, input{sg.id + c.name, p.keys[c.e.vr], c.e})
			}
		}
		for j := range sg.effects {
			if e := &sg.effects[j].val; !e.konst {
				out = append(out, input{fmt.Sprintf("%s.effect.%s", sg.id, p.findings[sg.effects[j].finding].id), p.keys[e.vr], e})
			}
		}
	}
	return out
}

// recordInputs lays out one quantity per input after the others and marks each input's pEst so the
// worker copies its draw there.
func (p *plan) recordInputs() []input {
	ins := p.inputs()
	p.qInput = p.nq
	for i := range ins {
		ins[i].est.in = p.nq + 1
		p.inputNames = append(p.inputNames, ins[i].name)
		p.nq++
	}
	for len(p.sketchedQ) < p.nq {
		p.sketchedQ = append(p.sketchedQ, false)
	}
	return ins
}

// collector is a TrialSink keeping two columns per trial in memory: the target and each input.
type collector struct {
	cols  []string
	want  []int // column index of the target, then of each input
	names []string
	data  [][]float64 // per wanted column, indexed by trial
}

func (c *collector) Start(columns []string) error {
	c.cols = columns
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

func (c *collector) WriteBlock(_ context.Context, b *Block) error {
	for k, col := range c.want {
		copy(c.data[k][b.First:b.First+int64(b.N)], b.Cols[col])
	}
	return nil
}

// Sensitivity ranks the scenario's uncertain inputs by how much of the target they decide. target
// is "ale" or "savings:ID" (a safeguard or a portfolio).
func Sensitivity(ctx context.Context, s *model.Scenario, cfg Config, target string) (*SensitivityResult, error) {
	cfg.Precision, cfg.Budget, cfg.Sink, cfg.Recommended = 0, 0, nil, nil
	var col string
	switch {
	case target == "ale":
		col = "ale"
	case strings.HasPrefix(target, "savings:"):
		id := strings.TrimPrefix(target, "savings:")
		if s.SafeguardIndex(id) < 0 && s.PortfolioIndex(id) < 0 {
			return nil, fmt.Errorf("--target %s: no safeguard or portfolio %q", target, id)
		}
		col = "savings:" + id
	default:
		return nil, fmt.Errorf("--target must be ale or savings:ID (got %q)", target)
	}
	p, err := compileWith(s, false, nil, false, nil, "")
	if err != nil {
		return nil, err
	}
	ins := p.recordInputs()
	c := &collector{names: []string{col}}
	for _, in := range ins {
		c.names = append(c.names, "input:"+in.name)
	}
	c.data = make([][]float64, len(c.names))
	for i := range c.data {
		c.data[i] = make([]float64, cfg.Trials)
	}
	cfg.Sink = c
	res, trials, err := simulate(ctx, p, cfg)
	if err != nil {
		return nil, err
	}
	out := &SensitivityResult{Target: target, Trials: trials, Seed: cfg.Seed, Currency: s.Currency, Inputs: []SensitivityInput{}}
	out.Mean = mean(c.data[0])
	_ = res
	rt := ranks(c.data[0])
	cfg.Sink = nil
	for i, in := range ins {
		si := SensitivityInput{Name: in.name, RankCorrelation: pearson(rt, ranks(c.data[i+1])),
			P05: in.est.d.Quantile(0.05), P95: in.est.d.Quantile(0.95)}
		for _, pv := range []struct {
			v   float64
			dst *float64
		}{{si.P05, &si.MeanAtP05}, {si.P95, &si.MeanAtP95}} {
			m, err := heldMean(ctx, s, cfg, in.key, pv.v, col)
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

// heldMean is the target's mean over the same trials with one variable held at v.
func heldMean(ctx context.Context, s *model.Scenario, cfg Config, key string, v float64, col string) (float64, error) {
	p, err := compileWith(s, false, nil, false, nil, "")
	if err != nil {
		return 0, err
	}
	p.hold(key, v)
	res, _, err := simulate(ctx, p, cfg)
	if err != nil {
		return 0, err
	}
	names, qs := p.trialColumns()
	for i, n := range names {
		if n == col {
			return res.total.mean[qs[i]], nil
		}
	}
	return 0, fmt.Errorf("no column %s", col)
}

// hold makes the variable with the given stream key a constant v (its stream stays unused).
func (p *plan) hold(key string, v float64) {
	set := func(e *pEst) {
		if !e.konst && p.keys[e.vr] == key {
			e.konst, e.v = true, v
		}
	}
	for h := range p.hazards {
		for i := range p.hazards[h].factors {
			set(&p.hazards[h].factors[i])
		}
	}
	for fi := range p.findings {
		f := &p.findings[fi]
		for i := range f.factors {
			set(&f.factors[i])
		}
		f.setConstRate()
	}
	for k := range p.safeguards {
		sg := &p.safeguards[k]
		set(&sg.oneTime)
		set(&sg.annual)
		for j := range sg.effects {
			set(&sg.effects[j].val)
		}
	}
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
		avg := float64(i+j)/2 + 1
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
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

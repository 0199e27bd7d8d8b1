package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/alesim/alesim/internal/xmath"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Value of information (shared/DESIGN.md section 10): for a decision among options d (doing
// nothing, each safeguard, each named portfolio and, with a budget, the budget's best set and its
// runners-up), with savings_d per trial on common random numbers (doing nothing saves 0):
//
//	EVPI     = E[max_d savings_d] - max_d E[savings_d]
//	EVPPI(x) = E_x[max_d E[savings_d | x]] - max_d E[savings_d]
//
// the most that removing all uncertainty, or only the uncertainty about input x, is worth before
// deciding, in money over the horizon (savings are horizon savings).
//
// Estimators. Let d* be the option of highest mean savings over the trials (ties: the first
// listed, doing nothing first) and g_d = savings_d - savings_d* per trial, so g_d* = 0.
//   - EVPI is the mean of h = max_d g_d over the trials; its standard error is sd(h)/sqrt(n). The
//     subtracted max of means is itself biased upward by at most sd sqrt(2 ln D)/sqrt(n) (D
//     options), so the estimate is biased downward by less than that, about one standard error.
//   - EVPPI(x) sorts the trials by their draw of x and cuts them into bins of at least k =
//     round(sqrt(n)) consecutive trials, never splitting equal draws (a discrete input gets one bin
//     per value when its values are few). In bin b the option c_b of highest mean g is chosen, and
//     EVPPI is the mean over all trials of h = g_{c_b} of the trial's bin, sum_b (n_b/n) max_d
//     mean_b(g_d); its standard error is sd(h)/sqrt(n). This is the simplest consistent
//     smoother (DESIGN section 10; Strong and Oakley's regression is the refinement).
//
// Bias of the binned EVPPI, and how it behaves with n. A bin's mean of g_d is its conditional mean
// plus a noise e_bd of standard deviation sd_b(g_d)/sqrt(n_b), and the max of noisy means is biased
// upward: max(0, max_d (m_d + e_d)) <= max(0, max_d m_d) + max(0, max_d e_d), so the upward bias is
// at most sum_b (n_b/n) E[max(0, max_d e_bd)] <= sum_b (n_b/n) min(sum_d sd_b(g_d)/sqrt(2 pi n_b),
// max_d sd_b(g_d) sqrt(2 ln D / n_b)) (the first bound from E[max(0, Z)] = s/sqrt(2 pi) summed over
// the options, the second the maximal inequality for D Gaussian variables, zero included; both
// for normal bin means, which the central limit theorem gives at these bin sizes). Each input
// reports this bound as bias_bound. With bins of sqrt(n) trials it falls as sd / n^(1/4): it is
// reached when the options are tied and x is irrelevant (the noise is then all that is
// maximised), and is far smaller when one option is clearly best. Bins also average the
// conditional mean over a bin's width, a downward bias of order 1/sqrt(n) (the number of bins).
// Both vanish as n grows, so the estimator is consistent; an EVPPI within its bias bound may be
// noise at this number of trials (the bound is the tied options' worst case: it is loose when one
// option is clearly better within most bins).
//
// A lower estimate, cross-fitted. Each bin's trials are split alternately (in the order of x) into
// two halves; the option chosen on one half is scored on the other, and lower is the mean of those
// scores, with its standard error. A choice made on trials independent of those it is scored on
// cannot beat, in expectation, the option truly best in the bin, so lower is biased downward
// (besides the binning's own downward bias, and the O(sd/sqrt(n)) upward bias of the mean of d*
// that every estimate here subtracts): the true EVPPI lies, up to Monte Carlo error, between lower
// and evppi.

// DoNothing is the id of the option of adopting no safeguard.
const DoNothing = "none"

// VOIOptions says which decision to value.
type VOIOptions struct {
	// Options are the decision's options by id: DoNothing, safeguards, named portfolios. Empty:
	// doing nothing, every safeguard and every named portfolio.
	Options []string
	// Budget, when > 0, adds the budget search's best set and its runners-up (see budget.go) as
	// options "budget-best", "budget-runner-up-1", ...; a set equal to an option already listed is
	// not added twice.
	Budget float64
	// BudgetResult, when not nil, is a budget search already made (run --budget --voi), used
	// instead of searching again.
	BudgetResult *BudgetResult
}

// VOIResult is the JSON contract of `alesim voi` and of the run summary's "voi".
type VOIResult struct {
	Decision VOIDecision `json:"decision"`
	EVPI     VOIValue    `json:"evpi"`
	// Inputs are every uncertain input (theta), by decreasing EVPPI.
	Inputs   []VOIInput `json:"inputs"`
	Trials   int64      `json:"trials"`
	Seed     uint64     `json:"seed"`
	Currency string     `json:"currency"`
	// TrialsPerBin is k = round(sqrt(trials)), the least number of trials in an EVPPI bin.
	TrialsPerBin int `json:"trials_per_bin"`
	// Titles names the inputs' owners and the options for people (InputTitles, and the
	// portfolios' titles), kept in the JSON for alesim plot (hazards are not in the summary).
	Titles map[string]string `json:"titles,omitempty"`
}

// VOIDecision is the decision valued: its options and the one of highest expected savings.
type VOIDecision struct {
	Options []string `json:"options"`
	Best    string   `json:"best"`
	// ExpectedSavings is each option's mean savings over the trials, in the order of Options.
	ExpectedSavings []float64 `json:"expected_savings"`
	// Members are each option's safeguards, in the order of Options.
	Members [][]string `json:"members"`
}

// VOIValue is an estimate with its Monte Carlo standard error.
type VOIValue struct {
	Value float64 `json:"value"`
	SE    float64 `json:"se"`
}

// VOIInput is one input's expected value of partial perfect information.
type VOIInput struct {
	Name  string  `json:"name"`
	EVPPI float64 `json:"evppi"`
	SE    float64 `json:"se"`
	// BiasBound bounds the estimator's upward bias (see above); an EVPPI below it is not
	// distinguishable from zero at this number of trials.
	BiasBound float64 `json:"bias_bound"`
	// Lower is the cross-fitted estimate, biased downward, with its standard error LowerSE.
	Lower   float64 `json:"lower"`
	LowerSE float64 `json:"lower_se"`
	Bins    int     `json:"bins"`
}

// voiOption is one option of the decision: its id and its members (scenario safeguard indices).
type voiOption struct {
	id      string
	members []int
}

// decisionOptions lists the decision's options: doing nothing first, then as asked.
func decisionOptions(s *model.Scenario, ids []string, budget *BudgetResult) ([]voiOption, error) {
	var opts []voiOption
	seen := map[string]bool{}
	add := func(id string, members []int) {
		if seen[id] {
			return
		}
		members = slices.Clone(members)
		slices.Sort(members)
		for _, o := range opts {
			if slices.Equal(o.members, members) {
				return // the same decision under another name
			}
		}
		seen[id] = true
		opts = append(opts, voiOption{id, members})
	}
	add(DoNothing, nil)
	if len(ids) == 0 {
		for k := range s.Safeguards {
			ids = append(ids, s.Safeguards[k].ID)
		}
		for _, p := range s.Portfolios {
			ids = append(ids, p.ID)
		}
	}
	for _, id := range ids {
		switch {
		case id == DoNothing:
		case s.SafeguardIndex(id) >= 0:
			add(id, []int{s.SafeguardIndex(id)})
		case s.PortfolioIndex(id) >= 0:
			add(id, s.Portfolios[s.PortfolioIndex(id)].Safeguards)
		default:
			return nil, fmt.Errorf("no safeguard or portfolio %q (options are safeguards, portfolios and %q for doing nothing)", id, DoNothing)
		}
	}
	if budget != nil {
		add("budget-best", budget.Best.members)
		for i, r := range budget.RunnersUp {
			add(fmt.Sprintf("budget-runner-up-%d", i+1), r.members)
		}
	}
	return opts, nil
}

// VOI values the information about the scenario's uncertain inputs for a decision, on cfg.Trials
// trials (every option's savings and every input's draw are kept per trial: 8 bytes each).
func VOI(ctx context.Context, s *model.Scenario, cfg sim.Config, o VOIOptions) (*VOIResult, error) {
	cfg.Precision, cfg.Sink = 0, nil
	budget := o.BudgetResult
	if budget == nil && o.Budget > 0 {
		var err error
		if budget, _, err = searchBudget(ctx, s, cfg, o.Budget); err != nil {
			return nil, err
		}
	}
	opts, err := decisionOptions(s, o.Options, budget)
	if err != nil {
		return nil, err
	}
	// Every option is simulated as a named portfolio of a copy of the scenario, so that its savings
	// are a per-trial column. Portfolios draw nothing of their own: every draw is as in the
	// scenario itself.
	sc := *s
	sc.Portfolios = nil
	for _, op := range opts[1:] {
		sc.Portfolios = append(sc.Portfolios, model.Portfolio{ID: "voi/" + op.id, Title: op.id, Safeguards: op.members})
	}
	ins, err := sim.Inputs(&sc)
	if err != nil {
		return nil, err
	}
	c := &collector{}
	for _, op := range opts[1:] {
		c.names = append(c.names, "savings:voi/"+op.id)
	}
	for _, in := range ins {
		c.names = append(c.names, "input:"+in.Name)
	}
	c.data = make([][]float64, len(c.names))
	for i := range c.data {
		c.data[i] = make([]float64, cfg.Trials)
	}
	cfg.Sink = c
	res, err := sim.Simulate(ctx, &sc, cfg, sim.Options{RecordInputs: true})
	if err != nil {
		return nil, err
	}
	nopt := len(opts)
	sav := make([][]float64, nopt) // sav[0] (doing nothing) is nil: zero in every trial
	copy(sav[1:], c.data[:nopt-1])
	out := &VOIResult{Trials: res.Trials(), Seed: cfg.Seed, Currency: s.Currency, Inputs: []VOIInput{}, Titles: InputTitles(s)}
	for _, p := range s.Portfolios {
		if p.Title != "" {
			out.Titles[p.ID] = p.Title
		}
	}
	d := newDecision(sav)
	out.Decision.Best = opts[d.best].id
	for i, op := range opts {
		out.Decision.Options = append(out.Decision.Options, op.id)
		out.Decision.ExpectedSavings = append(out.Decision.ExpectedSavings, d.means[i])
		m := []string{}
		for _, k := range op.members {
			m = append(m, s.Safeguards[k].ID)
		}
		out.Decision.Members = append(out.Decision.Members, m)
	}
	out.EVPI.Value, out.EVPI.SE = d.evpi()
	out.TrialsPerBin = binSize(int(res.Trials()))
	for i, in := range ins {
		v := d.evppi(c.data[nopt-1+i])
		v.Name = in.Name
		out.Inputs = append(out.Inputs, v)
	}
	sort.SliceStable(out.Inputs, func(i, j int) bool { return out.Inputs[i].EVPPI > out.Inputs[j].EVPPI })
	return out, nil
}

// decision holds a decision's per-trial savings as contrasts with its best option.
type decision struct {
	n     int
	means []float64   // each option's mean savings
	best  int         // d*, the option of highest mean savings (ties: the first)
	g     [][]float64 // g[d][t] = savings_d - savings_d*; nil where identically zero
}

// newDecision takes sav[d][t], the savings of option d in trial t (nil: zero in every trial, for
// doing nothing).
func newDecision(sav [][]float64) *decision {
	n := 0
	for _, x := range sav {
		n = max(n, len(x))
	}
	d := &decision{n: n, means: make([]float64, len(sav)), g: make([][]float64, len(sav))}
	for i, x := range sav {
		if x != nil {
			d.means[i] = mean(x)
		}
		if d.means[i] > d.means[d.best] {
			d.best = i
		}
	}
	for i, x := range sav {
		if i == d.best {
			continue
		}
		g := make([]float64, n)
		for t := range g {
			if x != nil {
				g[t] = x[t]
			}
			if b := sav[d.best]; b != nil {
				g[t] -= b[t]
			}
		}
		d.g[i] = g
	}
	return d
}

// meanSE is the mean of x and its standard error sd(x)/sqrt(n).
func meanSE(x []float64) (float64, float64) {
	n := float64(len(x))
	if n == 0 {
		return 0, 0
	}
	m := mean(x)
	ss := 0.0
	for _, v := range x {
		ss += float64((v - m) * (v - m))
	}
	if n < 2 {
		return m, 0
	}
	return m, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// evpi is E[max_d g_d] with its standard error.
func (d *decision) evpi() (float64, float64) {
	h := make([]float64, d.n)
	for t := range h {
		for _, g := range d.g {
			if g != nil && g[t] > h[t] {
				h[t] = g[t]
			}
		}
	}
	return meanSE(h)
}

// binSize is k = round(sqrt(n)), the least number of trials in an EVPPI bin.
func binSize(n int) int { return max(1, int(math.Round(math.Sqrt(float64(n))))) }

// evppi is the binned EVPPI of the input whose draw in trial t is x[t], with its standard error and
// bias bound (see the comment at the top of the file).
func (d *decision) evppi(x []float64) VOIInput {
	n := len(x)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return x[order[a]] < x[order[b]] })
	k := binSize(n)
	// Bin boundaries: at least k trials each, never splitting equal draws; a short remainder joins
	// the last bin.
	var cuts []int // end (exclusive) of each bin in order
	start := 0
	for i := 1; i <= n; i++ {
		if i-start >= k && (i == n || x[order[i]] != x[order[i-1]]) {
			cuts = append(cuts, i)
			start = i
		}
	}
	if start < n {
		if len(cuts) == 0 {
			cuts = append(cuts, n)
		} else {
			cuts[len(cuts)-1] = n
		}
	}
	nopt := len(d.g)
	h := make([]float64, n)
	low := make([]float64, n)
	bias := 0.0
	sum := make([]float64, nopt)
	half := [2][]float64{make([]float64, nopt), make([]float64, nopt)}
	// argmax is the option of the highest mean contrast (d* and its 0 unless one is above).
	argmax := func(sums []float64) int {
		choice, top := d.best, 0.0
		for o, g := range d.g {
			if g != nil && sums[o] > top {
				choice, top = o, sums[o]
			}
		}
		return choice
	}
	start = 0
	for _, end := range cuts {
		nb := float64(end - start)
		clear(sum)
		clear(half[0])
		clear(half[1])
		for j, t := range order[start:end] {
			for o, g := range d.g {
				if g != nil {
					sum[o] += g[t]
					half[j&1][o] += g[t]
				}
			}
		}
		if g := d.g[argmax(sum)]; g != nil {
			for _, t := range order[start:end] {
				h[t] = g[t]
			}
		}
		// Cross-fitting: each half scored by the choice of the other (within a half every option
		// sums the same trials, so sums rank as means; a tie keeps d*).
		cross := [2]int{argmax(half[1]), argmax(half[0])}
		for j, t := range order[start:end] {
			if g := d.g[cross[j&1]]; g != nil {
				low[t] = g[t]
			}
		}
		// The bias bound of this bin from the options' within-bin standard deviations.
		var sumSD, maxSD float64
		for o, g := range d.g {
			if g == nil {
				continue
			}
			m, ss := sum[o]/nb, 0.0
			for _, t := range order[start:end] {
				ss += float64((g[t] - m) * (g[t] - m))
			}
			sd := 0.0
			if nb > 1 {
				sd = math.Sqrt(ss / (nb - 1))
			}
			sumSD += sd
			maxSD = max(maxSD, sd)
		}
		b := math.Min(sumSD/math.Sqrt(2*math.Pi*nb), maxSD*math.Sqrt(2*xmath.Log(float64(nopt))/nb))
		bias += float64(nb / float64(n) * b)
		start = end
	}
	v, se := meanSE(h)
	lo, loSE := meanSE(low)
	return VOIInput{EVPPI: v, SE: se, BiasBound: bias, Lower: lo, LowerSE: loSE, Bins: len(cuts)}
}

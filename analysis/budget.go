package analysis

import (
	"context"
	"math"
	"math/bits"
	"slices"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// The budget search: the set of safeguards with the highest expected savings whose expected cost
// (one-time plus A x annual) is within the budget.
//
// Expected savings of a set S are A x sum over units u of (E[ALE_u] - E[ALE_u with S]) minus the
// expected costs of S's members. A unit's ALE with S depends only on S's members that act on it,
// so one pass of the simulation records, for every unit, the mean over trials of its ALE with each
// subset of its own safeguards (on the same draws for all subsets: common random numbers). Any set's
// expected savings is then a sum of table entries, so up to ExactCandidates candidates are searched
// exhaustively (2^n sets). Above that a heuristic is used: greedy (add the safeguard that raises
// expected savings most while the budget allows) then single swaps and removals until none helps.
//
// The honest best set. Choosing the best of many sets on noisy means and reporting its mean on the
// same trials overstates it (the optimizer's curse, Smith and Winkler 2006): the winner is, among
// sets of similar worth, the one whose noise was most favourable. So the search runs on the even
// blocks of the run only (sim.Config.Blocks), and the chosen sets are then measured on the even
// blocks (in_sample: the figure the choice saw) and on the odd blocks (held_out: trials the choice
// never saw, so an unbiased estimate of the chosen set's savings); optimizers_curse is the
// difference, in_sample - held_out, the estimate of how much the choice flattered its winner. The
// two halves are disjoint blocks with independent streams, so the difference's 95% half-width is
// the root sum of squares of the two. A last pass over all the blocks gives each chosen set its
// full statistics (savings, P(pays)), as the run reports every safeguard. Everything is a
// function of the seed: blocks keep their streams whatever the workers. A run of a single block
// has no odd block: the search then uses it and held_out is null.

// ExactCandidates is the largest number of candidate safeguards searched exhaustively.
const ExactCandidates = 20

// runnersUp is how many further sets are reported beside the best.
const runnersUp = 3

// BudgetResult is the outcome of the budget search.
type BudgetResult struct {
	Amount     float64     `json:"amount"`
	Method     string      `json:"method"`     // "exact" or "heuristic"
	Candidates int         `json:"candidates"` // safeguards whose own expected cost fits the budget
	Best       BudgetSet   `json:"best"`
	RunnersUp  []BudgetSet `json:"runners_up"`
	// ChoiceBlocks are the blocks the sets were chosen on ("even", or "all" for a one-block run);
	// HeldOutBlocks those they are measured on out of sample ("odd", or "none").
	ChoiceBlocks  string `json:"choice_blocks"`
	HeldOutBlocks string `json:"held_out_blocks"`
}

// BudgetSet is one set of safeguards with its expected cost and simulated savings.
type BudgetSet struct {
	Members      []string `json:"members"`
	ExpectedCost float64  `json:"expected_cost"` // on the choice blocks
	// Savings and PPositive are over all the run's trials.
	Savings   SavingsStats `json:"savings"`
	PPositive float64      `json:"p_positive"`
	// InSample is the mean savings on the blocks the set was chosen on; HeldOut on the other
	// blocks (null without them); OptimizersCurse is InSample - HeldOut.
	InSample        MeanCI  `json:"in_sample"`
	HeldOut         *MeanCI `json:"held_out"`
	OptimizersCurse *MeanCI `json:"optimizers_curse"`
	members         []int
}

type scoredSet struct {
	members []int // sorted scenario safeguard indices
	savings float64
	cost    float64
}

func searchBudget(ctx context.Context, s *model.Scenario, cfg sim.Config, budget float64) (*BudgetResult, [][]int, error) {
	pass := cfg
	pass.Sink = nil // the chosen sets' trials are written by the last pass
	choice, heldOut := sim.EvenBlocks, sim.OddBlocks
	if cfg.Trials <= sim.BlockSize {
		choice = sim.AllBlocks
	}
	pass.Blocks = choice
	res, err := sim.Simulate(ctx, s, pass, sim.Options{UnitTables: true})
	if err != nil {
		return nil, nil, err
	}
	variants, units := res.Variants(), res.Units()
	A := s.AnnuityFactor
	cost := make([]float64, len(s.Safeguards))
	var cands []int
	for k := range s.Safeguards {
		cost[k] = res.Mean(variants[k].QCost)
		if cost[k] <= budget {
			cands = append(cands, k)
		}
	}
	table := func(u int, mask uint32) float64 { return res.Mean(units[u].Table + int(mask)) }
	// eval returns the expected savings and cost of a set given as membership flags.
	in := make([]bool, len(s.Safeguards))
	eval := func(set []int) (float64, float64) {
		for _, k := range set {
			in[k] = true
		}
		sav, c := 0.0, 0.0
		for ui, u := range units {
			if mask := u.Mask(in); mask != 0 {
				sav += float64(A * (table(ui, 0) - table(ui, mask)))
			}
		}
		for _, k := range set {
			c += cost[k]
			in[k] = false
		}
		return sav - c, c
	}
	var top []scoredSet
	consider := func(set []int) {
		sav, c := eval(set)
		if c > budget {
			return
		}
		top = insertTop(top, scoredSet{slices.Clone(set), sav, c}, runnersUp+1)
	}
	out := &BudgetResult{Amount: budget, Candidates: len(cands), ChoiceBlocks: "even", HeldOutBlocks: "odd"}
	if choice == sim.AllBlocks {
		out.ChoiceBlocks, out.HeldOutBlocks = "all", "none"
	}
	if len(cands) <= ExactCandidates {
		out.Method = "exact"
		set := make([]int, 0, len(cands))
		for m := uint64(0); m < 1<<len(cands); m++ {
			set = set[:0]
			for b := m; b != 0; b &= b - 1 {
				set = append(set, cands[bits.TrailingZeros64(b)])
			}
			consider(set)
		}
	} else {
		out.Method = "heuristic"
		greedy(cands, budget, eval, consider)
	}
	if len(top) == 0 {
		top = []scoredSet{{}}
	}
	var extra [][]int
	for i, t := range top {
		bs := BudgetSet{ExpectedCost: t.cost, members: t.members, Members: []string{}}
		for _, k := range t.members {
			bs.Members = append(bs.Members, s.Safeguards[k].ID)
		}
		if i == 0 {
			out.Best = bs
		} else {
			out.RunnersUp = append(out.RunnersUp, bs)
		}
		extra = append(extra, t.members)
	}
	if out.RunnersUp == nil {
		out.RunnersUp = []BudgetSet{}
	}
	// The chosen sets measured on the choice blocks and on the held-out blocks.
	first := len(s.Safeguards) + len(s.Portfolios) // the sets' variants follow the portfolios
	measure := func(bs sim.BlockSubset) ([]MeanCI, error) {
		p := pass
		p.Blocks = bs
		r, err := sim.Simulate(ctx, s, p, sim.Options{Sets: extra})
		if err != nil {
			return nil, err
		}
		vs := r.Variants()
		var m []MeanCI
		for i := range extra {
			q := vs[first+i].QSavings
			m = append(m, MeanCI{r.Mean(q), r.CI95(q)})
		}
		return m, nil
	}
	inS, err := measure(choice)
	if err != nil {
		return nil, nil, err
	}
	var held []MeanCI
	if choice != sim.AllBlocks {
		if held, err = measure(heldOut); err != nil {
			return nil, nil, err
		}
	}
	for i := range extra {
		bs := &out.Best
		if i > 0 {
			bs = &out.RunnersUp[i-1]
		}
		bs.InSample = inS[i]
		if held != nil {
			h := held[i]
			bs.HeldOut = &h
			hw := math.Hypot((inS[i].CI95[1]-inS[i].CI95[0])/2, (h.CI95[1]-h.CI95[0])/2)
			d := inS[i].Mean - h.Mean
			bs.OptimizersCurse = &MeanCI{d, [2]float64{d - hw, d + hw}}
		}
	}
	return out, extra, nil
}

// greedy adds, while the budget allows, the candidate that raises expected savings most; then it
// tries removing one member or swapping one member for a non-member until no change helps.
func greedy(cands []int, budget float64, eval func([]int) (float64, float64), consider func([]int)) []int {
	var set []int
	cur, _ := eval(nil)
	consider(nil)
	for {
		bestK, bestSav := -1, cur
		for _, k := range cands {
			if slices.Contains(set, k) {
				continue
			}
			trial := append(slices.Clone(set), k)
			slices.Sort(trial)
			sav, c := eval(trial)
			if c <= budget {
				consider(trial)
				if sav > bestSav {
					bestK, bestSav = k, sav
				}
			}
		}
		if bestK < 0 {
			break
		}
		set = append(set, bestK)
		slices.Sort(set)
		cur = bestSav
	}
	for improved, rounds := true, 0; improved && rounds < 1000; rounds++ {
		improved = false
		for i := range set {
			for _, k := range append([]int{-1}, cands...) {
				if k >= 0 && slices.Contains(set, k) {
					continue
				}
				trial := slices.Delete(slices.Clone(set), i, i+1)
				if k >= 0 {
					trial = append(trial, k)
				}
				slices.Sort(trial)
				sav, c := eval(trial)
				if c <= budget {
					consider(trial)
					if sav > cur+float64(1e-9*math.Abs(cur)) {
						set, cur, improved = trial, sav, true
						break
					}
				}
			}
			if improved {
				break
			}
		}
	}
	return set
}

// insertTop keeps the n best sets by expected savings; ties go to the cheaper, then the smaller,
// then the lexicographically first set, so the result does not depend on search order.
func insertTop(top []scoredSet, s scoredSet, n int) []scoredSet {
	for _, t := range top {
		if slices.Equal(t.members, s.members) {
			return top
		}
	}
	better := func(a, b scoredSet) bool {
		if a.savings != b.savings {
			return a.savings > b.savings
		}
		if a.cost != b.cost {
			return a.cost < b.cost
		}
		if len(a.members) != len(b.members) {
			return len(a.members) < len(b.members)
		}
		return slices.Compare(a.members, b.members) < 0
	}
	i := len(top)
	for i > 0 && better(s, top[i-1]) {
		i--
	}
	if i >= n {
		return top
	}
	top = slices.Insert(top, i, s)
	if len(top) > n {
		top = top[:n]
	}
	return top
}

// attach moves the chosen sets' statistics out of the second pass's portfolios into the result.
func (b *BudgetResult) attach(sum *Summary, nPortfolios int) {
	extra := sum.Portfolios[nPortfolios:]
	sum.Portfolios = sum.Portfolios[:nPortfolios]
	set := func(bs *BudgetSet, st SafeguardStats) {
		bs.Savings, bs.PPositive = st.Savings, st.PPositive
	}
	if len(extra) > 0 {
		set(&b.Best, extra[0])
	}
	for i := range b.RunnersUp {
		if i+1 < len(extra) {
			set(&b.RunnersUp[i], extra[i+1])
		}
	}
}

package analysis

import (
	"context"
	"encoding/json"
	"github.com/alesim/alesim/sim"
	"math"
	"slices"
	"strings"
	"testing"
)

func safeguardByID(t *testing.T, sum *Summary, id string) SafeguardStats {
	t.Helper()
	for _, s := range append(append([]SafeguardStats(nil), sum.Safeguards...), sum.Portfolios...) {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no safeguard %s", id)
	return SafeguardStats{}
}

// TestPairedNarrowerThanIndependent: on the reference scenario, the 95% CI half-width of a
// safeguard's mean savings on common random numbers is far narrower than the half-width from two
// independent runs (one for the baseline, one with the safeguard), which is
// z A sqrt(sd_base^2/n + sd_with^2/n). It must stay at least 5x narrower for sg-2.7-1, whose
// effect is 95% of its finding's ALE. (Where a safeguard's own finding dominates the scenario's
// variance the gain is smaller, about sqrt(2)/r for a reduction r: the paired interval then
// reflects the real uncertainty of the saving, not noise from unrelated findings. The ratios of
// the 50% and 75% safeguards are logged.)
func TestPairedNarrowerThanIndependent(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	const n = 100000
	base := runN(t, s, n, 1, 2)
	with := runN(t, s, n, 2, 2) // independent draws for the "with" run
	A := s.AnnuityFactor
	for _, id := range []string{"sg-2.7-1", "sg-3.5.1-1", "sg-3.4.1-2"} { // 95%, 50%, 75% reductions
		sg := safeguardByID(t, base, id)
		paired := (sg.Savings.CI95[1] - sg.Savings.CI95[0]) / 2
		w := safeguardByID(t, with, id)
		sdWith := (w.ALEWith.CI95[1] - w.ALEWith.CI95[0]) / 2 / sim.Z975 * math.Sqrt(n)
		indep := sim.Z975 * A * math.Sqrt(base.ALE.SD*base.ALE.SD/n+sdWith*sdWith/n)
		ratio := indep / paired
		t.Logf("%s: paired half-width %.4g, independent %.4g: %.1fx narrower", id, paired, indep, ratio)
		if id == "sg-2.7-1" && ratio < 5 {
			t.Errorf("%s: paired interval only %.1fx narrower than independent runs", id, ratio)
		}
	}
}

const sgBase = `scenario: {name: sg, horizon_years: 5, discount_rate: 0.1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3, point: 2}, loss: 1000}
  - {id: G, title: g, site: s, afe: {dist: loguniform, min: 0.1, max: 10, point: 1}, loss: {dist: lognormal, p05: 100, p95: 10000}}
  - {id: H, title: h, site: s, afe: 0.5, loss: 2000}
safeguards:
  - {id: kill-F, title: removes F, one_time_cost: 5000, effects: [{finding: F, ale_reduction: 1}]}
  - {id: half-G, title: halves G, annual_cost: {dist: triangular, min: 100, mode: 200, max: 400}, effects: [{finding: G, frequency_factor: {dist: uniform, min: 0.3, max: 0.7}}]}
  - {id: both, title: F and H, one_time_cost: 1000, effects: [{finding: F, loss_factor: 0.5}, {finding: H, new_afe: 0.1}]}
portfolios:
  - {id: all, safeguards: [kill-F, half-G, both]}
`

// TestSavingsClosedForm: a safeguard with a certain cost and a certain 100% ALE reduction on a
// finding with AFE ~ uniform(1, 3) and loss 1000 saves A x 1000 x AFE - 5000 per trial: mean
// A x 2000 - 5000, P(savings > 0) = P(AFE > 5000/(1000 A)) = (3 - 5/A)/2, both checked within 4
// standard errors; point mode gives A x 2000 - 5000 exactly.
func TestSavingsClosedForm(t *testing.T) {
	s := parse(t, sgBase)
	A := s.AnnuityFactor
	const n = 200000
	sum := runN(t, s, n, 5, 2)
	k := safeguardByID(t, sum, "kill-F")
	want := A*2000 - 5000
	sd := A * 1000 * 2 / math.Sqrt(12) // A x L x sd of uniform(1, 3)
	within(t, "kill-F mean savings", k.Savings.Mean, want, sd/math.Sqrt(n), 4)
	if k.Savings.CI95[0] > want || k.Savings.CI95[1] < want {
		// Not an error by itself (5% of seeds), but this seed is fixed: record it loudly.
		t.Logf("note: 95%% CI %v does not cover %v with this seed", k.Savings.CI95, want)
	}
	pPos := (3 - 5/A) / 2
	within(t, "kill-F P(savings > 0)", k.PPositive, pPos, math.Sqrt(pPos*(1-pPos)/n), 4)
	if k.PointSavings != want || *k.PointRatio != 5000/want {
		t.Errorf("point savings %v ratio %v, want %v and %v", k.PointSavings, *k.PointRatio, want, 5000/want)
	}
	// Savings = A x 1000 x AFE - 5000 is uniform on [A 1000 - 5000, 3 A 1000 - 5000]: quantiles.
	for _, c := range []struct{ p, got float64 }{{0.05, k.Savings.P05}, {0.5, k.Savings.P50}, {0.95, k.Savings.P95}} {
		x := A*1000*(1+2*c.p) - 5000
		se := math.Sqrt(c.p*(1-c.p)/n) * A * 1000 * 2 // 1/density of the uniform savings
		if math.Abs(c.got-x) > sim.SketchRelativeError*math.Abs(x)+4*se {
			t.Errorf("savings P%g = %v, want %v", 100*c.p, c.got, x)
		}
	}
	// A multiple-effects safeguard is costed once: both's cost is exactly 1000 in every trial.
	b := safeguardByID(t, sum, "both")
	if b.Cost.Mean != 1000 || len(b.Findings) != 2 {
		t.Errorf("both: cost %v on %v", b.Cost.Mean, b.Findings)
	}
	// Its reduction: F's loss halved (mean A 1000 x 2 x .5) plus H from .5 to .1 a year (A x .4 x 2000).
	wantRed := A*1000*2*0.5 + A*0.4*2000
	within(t, "both reduction", b.Reduction.Mean, wantRed, A*1000*0.5*2/math.Sqrt(12)/math.Sqrt(n), 4)
}

// TestPortfolioIsCombination: a portfolio is evaluated as the combination, never the sum. With
// kill-F in place, both's halving of F's loss saves nothing more on F; so the portfolio's reduction
// is kill-F's + half-G's + both's on H only, which is less than the sum of the members'.
func TestPortfolioIsCombination(t *testing.T) {
	s := parse(t, sgBase)
	sum := runN(t, s, 100000, 6, 2)
	all := safeguardByID(t, sum, "all")
	var memberSum, memberCost float64
	for _, id := range []string{"kill-F", "half-G", "both"} {
		m := safeguardByID(t, sum, id)
		memberSum += m.Reduction.Mean
		memberCost += m.Cost.Mean
	}
	// On the same trials, both's effect on F is exactly half of kill-F's reduction.
	bothOnF := 0.5 * safeguardByID(t, sum, "kill-F").Reduction.Mean
	if d := memberSum - all.Reduction.Mean; math.Abs(d-bothOnF) > 1e-9*memberSum {
		t.Errorf("sum of members' reductions exceeds the portfolio's by %v, want exactly both's effect on F %v (same trials)", d, bothOnF)
	}
	if math.Abs(all.Cost.Mean-memberCost) > 1e-9*memberCost {
		t.Errorf("portfolio cost %v, members %v", all.Cost.Mean, memberCost)
	}
	if !slices.Equal(all.Members, []string{"kill-F", "half-G", "both"}) {
		t.Errorf("members %v", all.Members)
	}
}

// stripRanks removes what legitimately depends on the other safeguards.
func stripRanks(sum *Summary) {
	for i := range sum.Safeguards {
		sum.Safeguards[i].Rank, sum.Safeguards[i].VsNext = 0, nil
	}
	for i := range sum.Portfolios {
		sum.Portfolios[i].Rank, sum.Portfolios[i].VsNext = 0, nil
	}
	sum.Run.WallSeconds = 0
	sum.Scenario.SHA256 = ""
}

// TestAddingSafeguardChangesNothingElse: adding an unrelated safeguard, at the top of the list so
// that every other one moves, leaves every other result bit-identical (keyed random streams).
func TestAddingSafeguardChangesNothingElse(t *testing.T) {
	s1 := parse(t, sgBase)
	extra := strings.Replace(sgBase, "safeguards:\n", "safeguards:\n  - {id: new, title: new one, annual_cost: {dist: uniform, min: 1, max: 9}, effects: [{finding: G, ale_reduction: {dist: beta, alpha: 2, beta: 2}}]}\n", 1)
	s2 := parse(t, extra)
	a := runN(t, s1, 50000, 8, 2)
	b := runN(t, s2, 50000, 8, 3)
	stripRanks(a)
	stripRanks(b)
	b.Run.Workers = a.Run.Workers
	if b.Safeguards[0].ID != "new" {
		t.Fatal("the new safeguard is not first")
	}
	b.Safeguards = b.Safeguards[1:]
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("results changed when an unrelated safeguard was added:\n%s\n%s", ja, jb)
	}
}

// TestBudgetExact: on a hand-built case with certain inputs, every set's expected savings is the
// point arithmetic's; the search must return the optimum found by enumerating all 2^6 sets through
// point mode, including interacting safeguards (two on one finding, one on two findings).
func TestBudgetExact(t *testing.T) {
	src := `scenario: {name: b, horizon_years: 5, annuity_factor: 4}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: 1, loss: 10000}
  - {id: B, title: b, site: s, afe: 2, loss: 3000}
  - {id: C, title: c, site: s, afe: 0.5, loss: 8000}
safeguards:
  - {id: s1, title: s1, one_time_cost: 20000, effects: [{finding: A, ale_reduction: 0.9}]}
  - {id: s2, title: s2, one_time_cost: 9000, effects: [{finding: A, ale_reduction: 0.5}]}
  - {id: s3, title: s3, annual_cost: 2000, effects: [{finding: B, frequency_factor: 0.2}]}
  - {id: s4, title: s4, one_time_cost: 12000, effects: [{finding: B, loss_factor: 0.5}, {finding: C, new_afe: 0.1}]}
  - {id: s5, title: s5, one_time_cost: 3000, effects: [{finding: C, ale_reduction: 0.5}]}
  - {id: s6, title: s6, one_time_cost: 40000, effects: [{finding: A, new_loss: 0}]}
`
	s := parse(t, src)
	for _, budget := range []float64{10000, 25000, 35000, 60000} {
		bestSav, bestSet := 0.0, []string{}
		for m := 0; m < 1<<6; m++ {
			var sel []int
			var ids []string
			for k := 0; k < 6; k++ {
				if m&(1<<k) != 0 {
					sel = append(sel, k)
					ids = append(ids, s.Safeguards[k].ID)
				}
			}
			tot := s.Point(sel).Totals
			if tot.Cost <= budget && tot.Savings > bestSav {
				bestSav, bestSet = tot.Savings, ids
			}
		}
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Workers = 20000, 2
		sum, err := Run(context.Background(), s, cfg, Options{Budget: budget})
		if err != nil {
			t.Fatal(err)
		}
		b := sum.Budget
		if b.Method != "exact" || !slices.Equal(b.Best.Members, bestSet) {
			t.Errorf("budget %v: %s search chose %v, enumeration %v (savings %v)", budget, b.Method, b.Best.Members, bestSet, bestSav)
		}
		if math.Abs(b.Best.Savings.Mean-bestSav) > 1e-6*math.Max(1, bestSav) {
			t.Errorf("budget %v: best savings %v, point %v", budget, b.Best.Savings.Mean, bestSav)
		}
		if b.Best.ExpectedCost > budget {
			t.Errorf("budget %v exceeded: %v", budget, b.Best.ExpectedCost)
		}
		for _, r := range b.RunnersUp {
			if r.Savings.Mean > b.Best.Savings.Mean+1e-6 {
				t.Errorf("runner-up %v saves more than the best", r.Members)
			}
		}
	}
}

// TestBudgetHeuristic: above ExactCandidates the documented greedy-and-swap heuristic runs; on
// independent safeguards with equal costs it must pick those with the largest savings.
func TestBudgetHeuristic(t *testing.T) {
	var b strings.Builder
	b.WriteString("scenario: {name: h, horizon_years: 5, annuity_factor: 4}\nsites: [{id: s}]\nfindings:\n")
	for i := 0; i < 24; i++ {
		b.WriteString("  - {id: F" + itoa(i) + ", title: f, site: s, afe: 1, loss: " + itoa(1000*(i+1)) + "}\n")
	}
	b.WriteString("safeguards:\n")
	for i := 0; i < 24; i++ {
		b.WriteString("  - {id: S" + itoa(i) + ", title: s, one_time_cost: 1000, effects: [{finding: F" + itoa(i) + ", ale_reduction: 1}]}\n")
	}
	s := parse(t, b.String())
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 10000, 2
	sum, err := Run(context.Background(), s, cfg, Options{Budget: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Budget.Method != "heuristic" || sum.Budget.Candidates != 24 {
		t.Fatalf("method %s over %d candidates", sum.Budget.Method, sum.Budget.Candidates)
	}
	want := []string{"S19", "S20", "S21", "S22", "S23"}
	got := slices.Clone(sum.Budget.Best.Members)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("heuristic chose %v, want %v", got, want)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRankingSettled: two safeguards whose savings differ by a constant are told apart (settled);
// two identical ones are not.
func TestRankingSettled(t *testing.T) {
	src := `scenario: {name: r, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
safeguards:
  - {id: a, title: a, one_time_cost: 100, effects: [{finding: F, ale_reduction: 0.5}]}
  - {id: b, title: b, one_time_cost: 200, effects: [{finding: F, ale_reduction: 0.5}]}
  - {id: c, title: c, one_time_cost: 200, effects: [{finding: F, ale_reduction: 0.5}]}
`
	s := parse(t, src)
	sum := runN(t, s, 10000, 1, 2)
	a := safeguardByID(t, sum, "a")
	if a.Rank != 1 || a.VsNext == nil || !a.VsNext.Settled || math.Abs(a.VsNext.Mean-100) > 1e-9 {
		t.Errorf("a: rank %d vs next %+v, want rank 1, settled by exactly 100", a.Rank, a.VsNext)
	}
	b := safeguardByID(t, sum, "b")
	if b.VsNext == nil || b.VsNext.Settled || b.VsNext.Next != "c" {
		t.Errorf("b vs c: %+v, want not settled (identical)", b.VsNext)
	}
}

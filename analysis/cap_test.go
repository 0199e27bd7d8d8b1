package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mathext"

	"github.com/alesim/alesim/sim"
)

// hospital is a scenario of the kind a new user brings: two sites, findings with uncertain
// frequencies and lognormal losses, three of them charged to one asset and one to another, and
// safeguards with uncertain effects and costs, one acting on findings at both sites. assets is
// inserted as the assets section (empty for none) and asset(i) as each finding's asset key.
func hospital(assets string, asset func(id string) string) string {
	f := func(id, site, afe, p05, p95 string) string {
		return fmt.Sprintf("  - {id: %s, title: %s, site: %s, %s afe: %s, loss: {dist: lognormal, p05: %s, p95: %s}}\n", id, id, site, asset(id), afe, p05, p95)
	}
	return `scenario: {name: hospital, horizon_years: 5, discount_rate: 0.08}
sites: [{id: main, name: Main campus}, {id: clinic, name: Clinic}]
` + assets + `findings:
` + f("ransom", "main", "{dist: loguniform, min: 0.05, max: 0.6}", "200000", "5000000") +
		f("phish", "main", "{dist: pert, min: 1, mode: 3, max: 8}", "5000", "80000") +
		f("lost", "clinic", "2", "1000", "20000") +
		f("insider", "clinic", "{dist: uniform, min: 0.1, max: 0.4}", "50000", "900000") +
		f("outage", "main", "{dist: triangular, min: 0.2, mode: 0.5, max: 2}", "10000", "300000") + `safeguards:
  - {id: edr, title: EDR, one_time_cost: 60000, annual_cost: {dist: pert, min: 30000, mode: 40000, max: 70000},
     effects: [{finding: ransom, ale_reduction: {dist: pert, min: 0.3, mode: 0.6, max: 0.8}}, {finding: insider, ale_reduction: 0.2}]}
  - {id: training, title: Training, annual_cost: 15000, effects: [{finding: phish, frequency_factor: {dist: uniform, min: 0.4, max: 0.9}}]}
  - {id: backup, title: Backups, one_time_cost: 20000, annual_cost: 5000, effects: [{finding: outage, loss_factor: {dist: uniform, min: 0.2, max: 0.5}}, {finding: ransom, loss_factor: 0.7}]}
  - {id: ups, title: UPS, annual_cost: 2000, effects: [{finding: outage, new_afe: 0.3}]}
portfolios:
  - {id: plan, title: The plan, safeguards: [edr, training, backup]}
`
}

// comparable blanks the fields that say how a figure was computed (or name the asset, the file
// and the time), leaving every figure.
func comparable(t *testing.T, s *Summary) string {
	t.Helper()
	c := *s
	c.Scenario.SHA256, c.Run.WallSeconds, c.Warnings = "", 0, nil
	c.Findings = append([]FindingStats(nil), s.Findings...)
	for i := range c.Findings {
		c.Findings[i].ALEMethod, c.Findings[i].Asset = "", ""
	}
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCapThatNeverBindsChangesNothing (issue 14): naming an asset worth far more than any year
// can lose switches three findings to the control variate, and must leave every figure exactly as
// without the asset: ALE and its spread, annual loss, each safeguard's and the portfolio's savings
// and P(pays), and the sensitivity ranking (DESIGN section 7: in a trial where the cap does not
// bind the estimate equals the closed form).
func TestCapThatNeverBindsChangesNothing(t *testing.T) {
	none := parse(t, hospital("", func(string) string { return "" }))
	capped := parse(t, hospital("assets: [{id: ehr, site: main, value: 1e13}, {id: van, site: clinic, value: 1e13}]\n", func(id string) string {
		switch id {
		case "ransom", "phish", "outage":
			return "asset: ehr,"
		case "insider":
			return "asset: van,"
		}
		return ""
	}))
	cfg := sim.DefaultConfig()
	// Equality is exact whatever the trials: two blocks for the run, one for the sensitivity's
	// many held runs.
	cfg.Trials, cfg.Seed, cfg.Workers = 2*sim.BlockSize, 7, 2
	a, err := Run(context.Background(), none, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), capped, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	for _, f := range b.Findings {
		methods[f.ID] = f.ALEMethod
	}
	if methods["ransom"] != "control_variate" || methods["insider"] != "control_variate" || methods["lost"] != "closed_form" {
		t.Fatalf("methods %v: want the control variate on the asset findings", methods)
	}
	if x, y := comparable(t, a), comparable(t, b); x != y {
		t.Errorf("a cap that never binds changed the figures:\n%s", firstDiff(x, y))
	}
	cfg.Trials = sim.BlockSize
	for _, target := range []string{"ale", "savings:edr", "savings:plan"} {
		sa, err := Sensitivity(context.Background(), none, cfg, target)
		if err != nil {
			t.Fatal(err)
		}
		sb, err := Sensitivity(context.Background(), capped, cfg, target)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(sa)
		jb, _ := json.Marshal(sb)
		if string(ja) != string(jb) {
			t.Errorf("sensitivity of %s changed:\n%s", target, firstDiff(string(ja), string(jb)))
		}
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  without: %s\n  with:    %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// cappedExpMean is E[min(S, V)] for S the sum of N ~ Poisson(lambda) exponential losses of mean
// beta: sum over n of P(N = n) E[min(Gamma(n, beta), V)], with, for G ~ Gamma(n, beta),
// E[min(G, V)] = n beta P(n+1, V/beta) + V (1 - P(n, V/beta)), P the regularized lower incomplete
// gamma function (E[G; G <= V] = n beta P(n+1, V/beta)).
func cappedExpMean(lambda, beta, V float64) float64 {
	e, pn := 0.0, math.Exp(-lambda)
	for n := 1.0; n < lambda+60*math.Sqrt(lambda)+60; n++ {
		pn *= lambda / n
		e += pn * (n*beta*mathext.GammaIncReg(n+1, V/beta) + V*(1-mathext.GammaIncReg(n, V/beta)))
	}
	return e
}

// TestBindingCapControlVariate (issue 14): exponential losses at rate 3 on an asset worth 40,000
// (mean 30,000 a year: the cap binds in about a third of the years). ALE(theta)'s mean must match
// E[min(S, V)] within 4 standard errors, and so must each safeguard's mean savings (annuity 1, no
// cost: E[min(S, V)] - E[min(S', V)], S' with the adjusted rate), for factors below and above 1
// and new AFEs below and above the drawn one: the variants' years are re-simulated on the same
// events, thinned or with extra events added. The same for the annual loss with each safeguard as
// the recommended set.
func TestBindingCapControlVariate(t *testing.T) {
	const lambda, beta, V = 3.0, 10000.0, 40000.0
	src := `scenario: {name: cap, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 40000}]
findings:
  - {id: F, title: f, site: s, asset: a, afe: 3, loss: {dist: exponential, mean: 10000}}
safeguards:
  - {id: half, title: half, effects: [{finding: F, frequency_factor: 0.5}]}
  - {id: more, title: more, effects: [{finding: F, frequency_factor: 1.5}]}
  - {id: below, title: below, effects: [{finding: F, new_afe: 1}]}
  - {id: above, title: above, effects: [{finding: F, new_afe: 5}]}
`
	s := parse(t, src)
	const n = 100000
	base := cappedExpMean(lambda, beta, V)
	sum := runN(t, s, n, 21, 2)
	if m := sum.Findings[0].ALEMethod; m != "control_variate" {
		t.Fatalf("method %s, want control_variate", m)
	}
	within(t, "ALE mean", sum.ALE.Mean, base, sum.ALE.SD/math.Sqrt(n), 4)
	rates := map[string]float64{"half": 1.5, "more": 4.5, "below": 1, "above": 5}
	for _, sg := range sum.Safeguards {
		want := base - cappedExpMean(rates[sg.ID], beta, V)
		within(t, sg.ID+" savings", sg.Savings.Mean, want, sg.Savings.SD/math.Sqrt(n), 4)
	}
	for k, id := range []string{"half", "more", "below", "above"} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = n, 22, 2
		r, err := Run(context.Background(), s, cfg, Options{Recommended: &sim.Set{Name: id, Members: []int{k}}})
		if err != nil {
			t.Fatal(err)
		}
		got := r.Recommended.AnnualLoss
		within(t, id+" annual loss with it", got.Mean, cappedExpMean(rates[id], beta, V), got.SD/math.Sqrt(n), 4)
	}
}

// TestFrequencyIncreaseAddsEvents (issue 14): without an asset the savings are closed forms, but
// the annual loss with a set is simulated on the baseline's events; a factor of 1.5 or a new AFE
// above the drawn one must add events (superposition), not be taken as 1. AFE uniform on [1, 3],
// lognormal losses: the mean loss with the set is E[lambda'] x E[X]. At most once a year
// (Bernoulli), raising the probability 0.2 to 0.5 must give P(loss) 0.5.
func TestFrequencyIncreaseAddsEvents(t *testing.T) {
	src := `scenario: {name: up, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3}, loss: {dist: lognormal, mu: 8, sigma: 0.5}}
  - {id: B, title: b, site: s, events: bernoulli, afe: 0.2, loss: 100}
safeguards:
  - {id: more, title: more, effects: [{finding: F, frequency_factor: 1.5}]}
  - {id: above, title: above, effects: [{finding: F, new_afe: 4}]}
  - {id: below, title: below, effects: [{finding: F, new_afe: 0.5}]}
  - {id: bern, title: bern, effects: [{finding: B, new_afe: 0.5}]}
`
	const n = 100000
	meanX := math.Exp(8 + 0.5*0.5/2)
	// The Bernoulli finding alone in its scenario, so that its shift of 30 is many standard errors.
	bern := strings.Replace(strings.Replace(src, "  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3}, loss: {dist: lognormal, mu: 8, sigma: 0.5}}\n", "", 1), "finding: F", "finding: B", -1)
	for _, c := range []struct {
		src  string
		k    int
		id   string
		want float64
	}{
		{src, 0, "more", 1.5*2*meanX + 0.2*100},
		{src, 1, "above", 4*meanX + 0.2*100},
		{src, 2, "below", 0.5*meanX + 0.2*100},
		{bern, 3, "bern", 0.5 * 100},
	} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = n, 31, 2
		r, err := Run(context.Background(), parse(t, c.src), cfg, Options{Recommended: &sim.Set{Name: c.id, Members: []int{c.k}}})
		if err != nil {
			t.Fatal(err)
		}
		got := r.Recommended.AnnualLoss
		within(t, c.id+" annual loss with it", got.Mean, c.want, got.SD/math.Sqrt(n), 4)
	}
}

// TestRaisingSafeguardChangesNoOtherDraw: a safeguard that adds events draws them from the
// finding's own per-trial stream, so adding it leaves every other figure bit for bit, and the run
// is the same whatever the number of workers.
func TestRaisingSafeguardChangesNoOtherDraw(t *testing.T) {
	base := `scenario: {name: add, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 30000}]
findings:
  - {id: F, title: f, site: s, asset: a, afe: {dist: uniform, min: 1, max: 4}, loss: {dist: exponential, mean: 10000}}
  - {id: G, title: g, site: s, asset: a, afe: 1, loss: {dist: uniform, min: 1000, max: 9000}}
safeguards:
  - {id: cut, title: cut, effects: [{finding: F, frequency_factor: 0.6}, {finding: G, loss_factor: 0.5}]}
`
	extra := `  - {id: worse, title: worse, effects: [{finding: F, frequency_factor: {dist: uniform, min: 1, max: 2}}]}
`
	a := runN(t, parse(t, base), 30000, 5, 2)
	b := runN(t, parse(t, base+extra), 30000, 5, 2)
	if a.Safeguards[0].Savings != b.Safeguards[0].Savings || a.ALE != b.ALE || a.AnnualLoss != b.AnnualLoss {
		t.Errorf("adding a safeguard that raises a frequency changed another's figures:\n%+v\n%+v", a.Safeguards[0].Savings, b.Safeguards[0].Savings)
	}
	if b.Safeguards[1].Savings.Mean >= 0 {
		t.Errorf("a safeguard that raises the frequency saves %v", b.Safeguards[1].Savings.Mean)
	}
	one := runN(t, parse(t, base+extra), 30000, 5, 1)
	eight := runN(t, parse(t, base+extra), 30000, 5, 8)
	for _, x := range []*Summary{one, eight} {
		x.Run.WallSeconds, x.Run.Workers = 0, 0
	}
	b.Run.WallSeconds, b.Run.Workers = 0, 0
	j1, _ := json.Marshal(one)
	j2, _ := json.Marshal(b)
	j8, _ := json.Marshal(eight)
	if string(j1) != string(j2) || string(j1) != string(j8) {
		t.Error("results depend on the number of workers")
	}
}

// TestOneSafeguardNoPairWarning (issue 14): a run with one safeguard has no pair to rank and must
// not warn that there are more than 64.
func TestOneSafeguardNoPairWarning(t *testing.T) {
	src := `scenario: {name: one, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 2, loss: 100}
safeguards:
  - {id: S, title: s, effects: [{finding: F, ale_reduction: 0.5}]}
`
	sum := runN(t, parse(t, src), 2000, 1, 1)
	for _, w := range sum.Warnings {
		if strings.Contains(w, "more than") {
			t.Errorf("warning %q with a single safeguard", w)
		}
	}
}

package analysis

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// Insurance as a safeguard kind (issue 18). Tolerances are four standard errors of the estimate,
// the standard error read off the run's own 95% interval (half-width / 1.96).

func seOf(ci [2]float64) float64 { return (ci[1] - ci[0]) / 2 / sim.Z975 }

// poissonCappedMean is E[min(N p, A)] for N ~ Poisson(lambda), summing the pmf directly: an
// independent check of the engine's closed form (which uses the incomplete gamma function).
func poissonCappedMean(lambda, p, A float64) float64 {
	pmf, sum := math.Exp(-lambda), 0.0
	for n := 0; n < 1000; n++ {
		if n > 0 {
			pmf *= lambda / float64(n)
		}
		sum += pmf * math.Min(float64(n)*p, A)
	}
	return sum
}

// hugeAsset charges a finding to an asset whose cap never binds: the policy then has no closed
// form (the engine takes the control-variate path on the year's events) while the closed form of
// the expected retained loss is unchanged. So each case is checked on both paths.
const hugeAsset = "assets: [{id: vault, site: s, value: 1e15}]\n"

// TestInsuranceFixedLossClosedForm: a fixed loss L per event with a deductible d and a limit l is
// paid p = min(max(L - d, 0), l) per event, so E[retained] = AFE (L - p). With AFE ~ uniform(1, 3)
// the mean is 2 (L - p); on the closed-form path the retained ALE is AFE (L - p) in every trial (so
// its mean is exact to rounding against the drawn AFEs' mean, here checked within 4 SE), on the
// control-variate path within 4 SE. Savings are A (paid - premium) - one-time, and P(pays) =
// P(AFE p > premium). A random loss X ~ uniform(0, b) takes the control-variate path: E[paid per
// event] = (l^2/2 + l (b - d - l)) / b for d + l <= b.
func TestInsuranceFixedLossClosedForm(t *testing.T) {
	const L, d, l, b = 10000.0, 2000.0, 5000.0, 12000.0
	for _, path := range []string{"closed_form", "control_variate"} {
		asset, charge := "", ""
		if path == "control_variate" {
			asset, charge = hugeAsset, ", asset: vault"
		}
		src := `scenario: {name: ins, horizon_years: 5, annuity_factor: 4}
sites: [{id: s}]
` + asset + `findings:
  - {id: F, title: f, site: s` + charge + `, afe: {dist: uniform, min: 1, max: 3}, loss: 10000}
  - {id: X, title: x, site: s, afe: {dist: uniform, min: 1, max: 3}, loss: {dist: uniform, min: 0, max: 12000}}
  - {id: U, title: uncovered, site: s, afe: 1, loss: 777}
safeguards:
  - {id: P, title: p, one_time_cost: 100, insurance: {premium: 10000, deductible: 2000, limit: 5000, findings: [F]}}
  - {id: Q, title: q, insurance: {premium: 1000, deductible: 2000, limit: 5000, findings: [X]}}
`
		s := parse(t, src)
		const n = 100000
		sum := runN(t, s, n, 11, 2)
		A := s.AnnuityFactor
		p := math.Min(math.Max(L-d, 0), l)
		pol := safeguardByID(t, sum, "P")
		if pol.Kind != "insurance" || pol.Insurance == nil || pol.Insurance.ALEMethod != path {
			t.Fatalf("%s: kind %q insurance %+v", path, pol.Kind, pol.Insurance)
		}
		base := sum.ALE.Mean
		fALE := sum.Findings[0].ALE.Mean // the drawn AFEs' mean x L
		// ALE with P: the baseline less F's payout
		wantWith := base - fALE*p/L
		within(t, path+": ALE with P", pol.ALEWith.Mean, wantWith, math.Max(seOf(pol.ALEWith.CI95), 1e-9*base), 4)
		// against the theory: E[AFE] = 2
		within(t, path+": reduction of P", pol.Reduction.Mean, A*2*p, seOf(pol.Reduction.CI95), 4)
		within(t, path+": savings of P", pol.Savings.Mean, A*(2*p-10000)-100, seOf(pol.Savings.CI95), 4)
		if path == "closed_form" {
			// savings = A (AFE p - premium) - 100 > 0 iff AFE > (premium + 100/A)/p
			x := (10000 + 100/A) / p
			pp := (3 - x) / 2
			within(t, "P(pays) of P", pol.PPositive, pp, math.Sqrt(pp*(1-pp)/n), 4)
		}
		q := safeguardByID(t, sum, "Q")
		if q.Insurance.ALEMethod != "control_variate" {
			t.Errorf("a random loss has method %s", q.Insurance.ALEMethod)
		}
		perEvent := (l*l/2 + l*(b-d-l)) / b
		within(t, path+": reduction of Q (random loss)", q.Reduction.Mean, A*2*perEvent, seOf(q.Reduction.CI95), 4)
		// point mode: AFE point 2, loss point L: the point figure of each policy
		if want := A*2*p - A*10000 - 100; math.Abs(pol.PointSavings-want) > 1e-9*math.Abs(want) {
			t.Errorf("point savings of P %v, want %v", pol.PointSavings, want)
		}
		// Q's point figure uses the loss's point (its mean, 6000): p = min(max(6000-2000,0),5000)
		if want := A*2*4000 - A*1000; math.Abs(q.PointSavings-want) > 1e-9*want {
			t.Errorf("point savings of Q %v, want %v", q.PointSavings, want)
		}
	}
}

// TestInsuranceAggregateLimitPoisson: with an aggregate limit A the year's payout is min(sum of
// per-event payouts, A); with a fixed loss each event is paid p and N ~ Poisson(lambda), so
// E[paid] = sum_n P(N = n) min(n p, A), summed here from the pmf. One covered finding takes the
// closed form (checked to 1e-9), two covered findings of the same fixed loss (N1 + N2 ~
// Poisson(lambda1 + lambda2)) the control variate (within 4 SE).
func TestInsuranceAggregateLimitPoisson(t *testing.T) {
	const p, agg = 6000.0, 15000.0 // loss 10000, deductible 2000, limit 6000: 6000 an event
	src := `scenario: {name: agg, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 3, loss: 10000}
  - {id: G1, title: g1, site: s, afe: 1.2, loss: 10000}
  - {id: G2, title: g2, site: s, afe: 1.8, loss: 10000}
safeguards:
  - {id: PF, title: pf, insurance: {premium: 0, deductible: 2000, limit: 6000, aggregate_limit: 15000, findings: [F]}}
  - {id: PG, title: pg, insurance: {premium: 0, deductible: 2000, limit: 6000, aggregate_limit: 15000, findings: [G1, G2]}}
`
	s := parse(t, src)
	sum := runN(t, s, 100000, 12, 2)
	want := poissonCappedMean(3, p, agg)
	pf := safeguardByID(t, sum, "PF")
	if pf.Insurance.ALEMethod != "closed_form" || math.Abs(pf.Reduction.Mean-want) > 1e-9*want {
		t.Errorf("PF (%s): payout %v, want %v", pf.Insurance.ALEMethod, pf.Reduction.Mean, want)
	}
	pg := safeguardByID(t, sum, "PG")
	if pg.Insurance.ALEMethod != "control_variate" {
		t.Errorf("PG: method %s", pg.Insurance.ALEMethod)
	}
	within(t, "PG payout (aggregate limit, two findings)", pg.Reduction.Mean, want, seOf(pg.Reduction.CI95), 4)
	// point mode: the expected events 3 x 6000 = 18000, capped at the aggregate limit
	for _, x := range []SafeguardStats{pf, pg} {
		if x.PointReduction != agg {
			t.Errorf("%s: point reduction %v, want the aggregate limit %v", x.ID, x.PointReduction, agg)
		}
	}
	// without the aggregate limit it would be 3 p = 18000: the test can tell
	if 3*p-want < 10*seOf(pg.Reduction.CI95) {
		t.Fatalf("the aggregate limit barely binds (%v vs %v)", want, 3*p)
	}
}

// TestInsuranceFullCoverRemovesCoveredLoss: a policy with no deductible and no limit pays every
// covered loss, so the annual loss with it is, in every trial, exactly the uncovered findings' loss
// (here one finding, so bit for bit), whatever the covered findings' losses: random, capped at an
// asset, struck by a shared hazard. Its expected payout is then the covered findings' ALE.
func TestInsuranceFullCoverRemovesCoveredLoss(t *testing.T) {
	src := `scenario: {name: full, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 50000}]
hazards: [{id: quake, title: q, afe: 0.7}]
findings:
  - {id: F, title: f, site: s, asset: a, afe: {dist: uniform, min: 1, max: 4}, loss: {dist: lognormal, p05: 2000, p95: 60000}}
  - {id: H1, title: h1, site: s, hazard: quake, loss: {dist: exponential, mean: 30000}}
  - {id: H2, title: h2, site: s, hazard: quake, loss: 9000}
  - {id: U, title: u, site: s, afe: 2, loss: {dist: uniform, min: 100, max: 900}}
safeguards:
  - {id: P, title: all risks, insurance: {premium: 1, findings: [F, H1, H2]}}
`
	s := parse(t, src)
	r := &rows{}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Sink = 30000, 13, 1, r
	if _, err := sim.Simulate(context.Background(), s, cfg, sim.Options{Recommended: &sim.Set{Name: "P", Members: []int{0}}}); err != nil {
		t.Fatal(err)
	}
	with, u, total := r.col(t, "annual_loss_with"), r.col(t, "loss:U"), r.col(t, "annual_loss")
	covered := 0
	for i := range with {
		if with[i] != u[i] {
			t.Fatalf("trial %d: loss with full cover %v, the uncovered loss %v (total %v)", i, with[i], u[i], total[i])
		}
		if total[i] > u[i] {
			covered++
		}
	}
	if covered < 1000 {
		t.Fatalf("only %d trials with a covered loss", covered)
	}
	sum := runN(t, s, 30000, 13, 2)
	pol := safeguardByID(t, sum, "P")
	var coveredALE float64
	for _, f := range sum.Findings[:3] {
		coveredALE += f.ALE.Mean
	}
	within(t, "full cover's payout", pol.Reduction.Mean, coveredALE, seOf(pol.Reduction.CI95), 4)

	// With a deductible the retained annual loss with the policy (the recommended set's) has the
	// expectation of the ALE with it.
	s2 := parse(t, strings.Replace(src, "premium: 1,", "premium: 1, deductible: 4000, limit: 30000,", 1))
	cfg.Sink, cfg.Workers = nil, 2
	sum2, err := Run(context.Background(), s2, cfg, Options{Recommended: &sim.Set{Name: "P", Members: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	p2 := safeguardByID(t, sum2, "P")
	rl := sum2.Recommended.AnnualLoss
	se := math.Hypot(seOf(rl.CI95), seOf(p2.ALEWith.CI95))
	within(t, "retained annual loss with a deductible", rl.Mean, p2.ALEWith.Mean, se, 4)
	if d := sum2.AnnualLoss.Mean - rl.Mean; d < 10*se {
		t.Fatalf("the policy barely pays (%v)", d)
	}
}

// TestInsuranceAfterControls: in a portfolio the controls act first and the policy pays on what
// remains. A fixed loss L = 10000 at AFE 2 with a control multiplying the frequency by phi, then a
// policy paying min(max(L - 1000, 0), 3000) = 3000 an event up to 5000 a year: E[paid] =
// sum_n P(N = n) min(3000 n, 5000) with N ~ Poisson(2 phi), and the ALE with the portfolio is
// 2 phi L - E[paid]. phi = 0.5 thins the events, phi = 1.5 adds events (events.go); a loss factor
// 0.25 (L' = 2500, so 1500 an event) changes the per-event term. Both paths.
func TestInsuranceAfterControls(t *testing.T) {
	for _, path := range []string{"closed_form", "control_variate"} {
		asset, charge := "", ""
		if path == "control_variate" {
			asset, charge = hugeAsset, ", asset: vault"
		}
		src := `scenario: {name: port, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
` + asset + `findings:
  - {id: F, title: f, site: s` + charge + `, afe: 2, loss: 10000}
safeguards:
  - {id: cut, title: cut, effects: [{finding: F, frequency_factor: 0.5}]}
  - {id: raise, title: raise, effects: [{finding: F, frequency_factor: 1.5}]}
  - {id: small, title: small, effects: [{finding: F, loss_factor: 0.25}]}
  - {id: P, title: p, insurance: {premium: 0, deductible: 1000, limit: 3000, aggregate_limit: 5000, findings: [F]}}
portfolios:
  - {id: cut+P, safeguards: [cut, P]}
  - {id: raise+P, safeguards: [raise, P]}
  - {id: small+P, safeguards: [small, P]}
`
		s := parse(t, src)
		sum := runN(t, s, 100000, 14, 2)
		for _, c := range []struct {
			id          string
			lambda, per float64
			loss        float64
		}{{"cut+P", 1, 3000, 10000}, {"raise+P", 3, 3000, 10000}, {"small+P", 2, 1500, 2500}} {
			pf := safeguardByID(t, sum, c.id)
			want := c.lambda*c.loss - poissonCappedMean(c.lambda, c.per, 5000)
			se := seOf(pf.ALEWith.CI95)
			if path == "closed_form" {
				se = 1e-9 * want
			}
			within(t, path+": ALE with "+c.id, pf.ALEWith.Mean, want, se, 4)
		}
	}
}

// TestInsuranceSharedHazardOneEvent: one event of a shared hazard at two covered findings is one
// event for the policy: losses 3000 and 4000 make one claim of 7000, paid 7000 - 5000 = 2000 above
// the deductible, so E[paid] = 2 x 2000 at hazard AFE 2. (Counted as two events the deductible
// would swallow both losses and the policy would pay nothing.)
func TestInsuranceSharedHazardOneEvent(t *testing.T) {
	src := `scenario: {name: hz, horizon_years: 1, annuity_factor: 1}
sites: [{id: a}, {id: b}]
hazards: [{id: quake, title: q, afe: 2}]
findings:
  - {id: A, title: a, site: a, hazard: quake, loss: 3000}
  - {id: B, title: b, site: b, hazard: quake, loss: 4000}
safeguards:
  - {id: P, title: p, insurance: {premium: 0, deductible: 5000, findings: [A, B]}}
`
	sum := runN(t, parse(t, src), 100000, 15, 2)
	pol := safeguardByID(t, sum, "P")
	within(t, "payout on a shared hazard", pol.Reduction.Mean, 4000, seOf(pol.Reduction.CI95), 4)
}

// TestInsuranceAfterAssetCap: the asset cap applies first: a year's losses at an asset are capped
// at its value and shared among its events, and the policy pays on each event's capped loss. A
// fixed loss of 10000 at AFE 3 on an asset of 15000 with a deductible of 2000: in a year of n
// events each is 10000 min(1, 15000 / (10000 n)), so E[paid] = sum_n P(N = n) n max(min(10000,
// 15000/n) - 2000, 0).
func TestInsuranceAfterAssetCap(t *testing.T) {
	src := `scenario: {name: cap, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 15000}]
findings:
  - {id: F, title: f, site: s, asset: a, afe: 3, loss: 10000}
safeguards:
  - {id: P, title: p, insurance: {premium: 0, deductible: 2000, findings: [F]}}
`
	want, pmf := 0.0, math.Exp(-3.0)
	for n := 1; n < 200; n++ {
		pmf *= 3 / float64(n)
		want += pmf * float64(n) * math.Max(math.Min(10000, 15000/float64(n))-2000, 0)
	}
	sum := runN(t, parse(t, src), 100000, 16, 2)
	pol := safeguardByID(t, sum, "P")
	within(t, "payout after the asset cap", pol.Reduction.Mean, want, seOf(pol.Reduction.CI95), 4)
}

const insBase = `scenario: {name: ins, horizon_years: 5, discount_rate: 0.1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 40000}]
hazards: [{id: quake, title: q, afe: {dist: uniform, min: 0.2, max: 0.8}}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3, point: 2}, loss: 1000}
  - {id: G, title: g, site: s, asset: a, afe: {dist: loguniform, min: 0.1, max: 10, point: 1}, loss: {dist: lognormal, p05: 100, p95: 30000}}
  - {id: H, title: h, site: s, hazard: quake, loss: {dist: exponential, mean: 8000}}
  - {id: K, title: k, site: s, hazard: quake, loss: 5000}
safeguards:
  - {id: kill-F, title: removes F, one_time_cost: 5000, effects: [{finding: F, ale_reduction: 1}]}
  - {id: half-G, title: halves G, annual_cost: {dist: triangular, min: 100, mode: 200, max: 400}, effects: [{finding: G, frequency_factor: {dist: uniform, min: 0.3, max: 1.4}}]}
  - {id: quake-K, title: braces K, effects: [{finding: K, loss_factor: {dist: uniform, min: 0.2, max: 0.6}}]}
portfolios:
  - {id: all, safeguards: [kill-F, half-G, quake-K]}
`

const insPolicy = "  - {id: cover, title: cover, one_time_cost: 50, insurance: {premium: {dist: pert, min: 500, mode: 800, max: 1500}, deductible: 1500, limit: 20000, aggregate_limit: 30000, findings: [G, H, K]}}\n"

// TestAddingPolicyChangesNothingElse: adding a policy, at the top of the list so that every other
// safeguard moves, leaves every other safeguard's and portfolio's figures, and the baseline's,
// bit-identical (its premium has its own stream; the events it reads are the baseline's). The
// warnings rightly differ (a finding the policy covers is no longer one no safeguard acts on, and
// the policy's control variate is named), so they are compared apart.
func TestAddingPolicyChangesNothingElse(t *testing.T) {
	a := runN(t, parse(t, insBase), 21000, 8, 2)
	b := runN(t, parse(t, strings.Replace(insBase, "safeguards:\n", "safeguards:\n"+insPolicy, 1)), 21000, 8, 3)
	stripRanks(a)
	stripRanks(b)
	b.Run.Workers = a.Run.Workers
	if b.Safeguards[0].ID != "cover" || b.Safeguards[0].Kind != "insurance" {
		t.Fatal("the policy is not first")
	}
	b.Safeguards = b.Safeguards[1:]
	if !slices.Contains(a.Warnings, `test.yaml:8: findings[2]: warning: no safeguard acts on finding "H"`) ||
		slices.ContainsFunc(b.Warnings, func(w string) bool { return strings.Contains(w, `finding "H"`) }) ||
		!slices.ContainsFunc(b.Warnings, func(w string) bool { return strings.Contains(w, `insurance policy "cover"`) }) {
		t.Errorf("warnings without the policy %q, with it %q", a.Warnings, b.Warnings)
	}
	a.Warnings, b.Warnings = nil, nil
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("results changed when a policy was added:\n%.3000s\n%.3000s", ja, jb)
	}
}

// TestInsuranceDeterminism: with a policy (control-variate path: a capped asset, a shared hazard,
// an aggregate limit) in a portfolio with controls, and as the recommended set, the run is the same
// for 1, 2 and 8 workers.
func TestInsuranceDeterminism(t *testing.T) {
	src := strings.Replace(insBase, "safeguards:\n", "safeguards:\n"+insPolicy, 1) +
		"  - {id: all+cover, safeguards: [kill-F, half-G, quake-K, cover]}\n"
	s := parse(t, src)
	var js []string
	for _, w := range []int{1, 2, 8} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = 21000, 9, w
		sum, err := Run(context.Background(), s, cfg, Options{Recommended: &sim.Set{Name: "all+cover", Members: []int{0, 1, 2, 3}}})
		if err != nil {
			t.Fatal(err)
		}
		sum.Run.WallSeconds, sum.Run.Workers = 0, 0
		j, _ := json.Marshal(sum)
		js = append(js, string(j))
	}
	if js[0] != js[1] || js[0] != js[2] {
		t.Error("results with a policy depend on the number of workers")
	}
	if !strings.Contains(js[0], `"kind":"insurance"`) {
		t.Error("the policy's kind is not in the JSON")
	}
}

// TestInsuranceDocsExample: the worked example of docs/scenario-format.md loads, and its figures
// are those the docs state (point mode exactly; the simulated payout within 4 SE of its stated
// closed form).
func TestInsuranceDocsExample(t *testing.T) {
	b, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "## Insurance policies")
	if i < 0 {
		t.Fatal("docs/scenario-format.md has no section Insurance policies")
	}
	j := strings.Index(doc[i:], "```yaml\n")
	k := strings.Index(doc[i+j+8:], "```")
	if j < 0 || k < 0 {
		t.Fatal("no yaml example in the section")
	}
	s, err := model.Parse("insurance-example.yaml", []byte(doc[i+j+8:i+j+8+k]))
	if err != nil {
		t.Fatal(err)
	}
	// The docs: P1 pays 0.2 x min(max(5e5 - 50000, 0), 2e6) = 90000 a year on R2 at its point, and
	// R1's point loss is fixed at 4e6, its AFE point 0.3: 0.3 x 2e6 = 600000. Sum 690000, under
	// the aggregate limit.
	pt := s.Point([]int{s.SafeguardIndex("P1")})
	A := s.AnnuityFactor
	if want := A * 690000; math.Abs(pt.Safeguards[0].Reduction-want) > 1e-9*want {
		t.Errorf("point reduction of P1 %v, want %v", pt.Safeguards[0].Reduction, want)
	}
	if !strings.Contains(doc[i:], "690,000") {
		t.Error("the docs do not state the point payout 690,000")
	}
	sum := runN(t, s, 50000, 1, 2)
	p1 := safeguardByID(t, sum, "P1")
	// R1: loguniform AFE on [0.1, 0.6] (mean 0.5 / ln 6), fixed loss 4e6 paid 2e6 an event; R2:
	// 0.2 x 450000; the aggregate limit 5e6 binds only in years of three or more R1 events.
	if p1.Insurance.ALEMethod != "control_variate" || p1.Kind != "insurance" {
		t.Errorf("P1: %+v", p1.Insurance)
	}
	if p1.Reduction.Mean <= 0 || p1.Reduction.Mean > A*(0.5/math.Log(6)*2e6+0.2*450000) {
		t.Errorf("P1 reduction %v, above the payout without the aggregate limit", p1.Reduction.Mean)
	}
}

// TestInsuranceCollapse: collapsed (point values, expected counts, no caps) the engine computes the
// policy's point figure: every safeguard's and portfolio's savings equal point mode's to rounding,
// with controls before the policy, an aggregate limit that binds and one that does not.
func TestInsuranceCollapse(t *testing.T) {
	src := strings.Replace(insBase, "safeguards:\n", "safeguards:\n"+insPolicy+
		"  - {id: tight, title: tight, insurance: {premium: 10, deductible: 100, aggregate_limit: 1500, findings: [F]}}\n", 1) +
		"  - {id: all+cover, safeguards: [kill-F, half-G, quake-K, cover]}\n  - {id: tight+kill, safeguards: [kill-F, tight]}\n  - {id: tight+both, safeguards: [tight, cover]}\n"
	s := parse(t, src)
	sum := collapsedIsPoint(t, s)
	// tight alone: F's point 2 events of 1000 paid 900 each, 1800, capped at 1500 a year
	if x := safeguardByID(t, sum, "tight"); math.Abs(x.PointReduction-s.AnnuityFactor*1500) > 1e-9*x.PointReduction {
		t.Errorf("tight: point reduction %v, want A x 1500", x.PointReduction)
	}
}

// TestInsuranceBudgetExact: the budget search weighs a policy beside controls through its unit's
// tables (its payout with every subset of the controls acting on what it covers). With certain
// inputs, fixed losses and no aggregate limit every set's expected savings is point mode's, so the
// search must return the optimum found by enumerating every set through point mode.
func TestInsuranceBudgetExact(t *testing.T) {
	src := `scenario: {name: b, horizon_years: 5, annuity_factor: 4}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: 1, loss: 10000}
  - {id: B, title: b, site: s, afe: 2, loss: 3000}
  - {id: C, title: c, site: s, afe: 0.5, loss: 8000}
safeguards:
  - {id: s1, title: s1, one_time_cost: 20000, effects: [{finding: A, ale_reduction: 0.9}]}
  - {id: P, title: policy, insurance: {premium: 2000, deductible: 1000, limit: 5000, findings: [A, B]}}
  - {id: s3, title: s3, annual_cost: 2000, effects: [{finding: B, frequency_factor: 0.2}]}
  - {id: s4, title: s4, one_time_cost: 12000, effects: [{finding: B, loss_factor: 0.5}, {finding: C, new_afe: 0.1}]}
  - {id: Q, title: policy on C, one_time_cost: 500, insurance: {premium: 300, findings: [C]}}
`
	s := parse(t, src)
	n := len(s.Safeguards)
	for _, budget := range []float64{9000, 21000, 30000, 60000} {
		bestSav, bestSet := 0.0, []string{}
		for m := 0; m < 1<<n; m++ {
			var sel []int
			var ids []string
			for k := 0; k < n; k++ {
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
		if !slices.Equal(b.Best.Members, bestSet) {
			t.Errorf("budget %v: search chose %v, enumeration %v (savings %v)", budget, b.Best.Members, bestSet, bestSav)
		}
		if math.Abs(b.Best.Savings.Mean-bestSav) > 1e-6*math.Max(1, bestSav) {
			t.Errorf("budget %v: best savings %v, point %v", budget, b.Best.Savings.Mean, bestSav)
		}
		// every reported set (the runners-up combine the policies with the controls) saves its point
		// figure, so the tables of the policies' units are right for those subsets
		for _, set := range append([]BudgetSet{b.Best}, b.RunnersUp...) {
			var sel []int
			for _, id := range set.Members {
				sel = append(sel, s.SafeguardIndex(id))
			}
			want := s.Point(sel).Totals.Savings
			if math.Abs(set.Savings.Mean-want) > 1e-6*math.Max(1, math.Abs(want)) || math.Abs(set.InSample.Mean-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("budget %v: set %v saves %v (in sample %v), point %v", budget, set.Members, set.Savings.Mean, set.InSample.Mean, want)
			}
		}
		t.Logf("budget %v: %v saves %v; runners-up %v", budget, b.Best.Members, bestSav, b.RunnersUp)
	}
}

// TestInsuranceLognormalClosedForm: a lognormal loss with no aggregate limit has a closed form, the
// layer LEV(d + l) - LEV(d) of the limited expected value. Checked against a quadrature of
// E[min(max(cX - d, 0), l)] over the normal (independent of the formula), for the policy alone and
// after a control halving each loss, and against the control-variate path (the same finding on an
// asset whose cap never binds: the year's simulated payouts) within 4 SE.
func TestInsuranceLognormalClosedForm(t *testing.T) {
	const p05, p95, d, l, afe = 20000.0, 2e6, 50000.0, 1e6, 0.5
	mu := (math.Log(p05) + math.Log(p95)) / 2
	sigma := (math.Log(p95) - math.Log(p05)) / (2 * 1.6448536269514722)
	layer := func(c float64) float64 { // Simpson's rule over z in [-12, 12]
		const n = 24000
		h := 24.0 / n
		sum := 0.0
		for k := 0; k <= n; k++ {
			z := -12 + float64(k)*h
			g := math.Min(math.Max(c*math.Exp(mu+sigma*z)-d, 0), l) * math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
			w := 2.0
			if k == 0 || k == n {
				w = 1
			} else if k%2 == 1 {
				w = 4
			}
			sum += w * g
		}
		return sum * h / 3
	}
	var got [2][2]SafeguardStats
	for pi, path := range []string{"closed_form", "control_variate"} {
		asset, charge := "", ""
		if path == "control_variate" {
			asset, charge = hugeAsset, ", asset: vault"
		}
		src := `scenario: {name: ln, horizon_years: 1, annuity_factor: 1}
sites: [{id: s}]
` + asset + `findings:
  - {id: F, title: f, site: s` + charge + `, afe: 0.5, loss: {dist: lognormal, p05: 20000, p95: 2e6}}
safeguards:
  - {id: half, title: half, effects: [{finding: F, loss_factor: 0.5}]}
  - {id: P, title: p, insurance: {premium: 0, deductible: 50000, limit: 1e6, findings: [F]}}
portfolios:
  - {id: half+P, safeguards: [half, P]}
`
		sum := runN(t, parse(t, src), 100000, 17, 2)
		pol, port, half := safeguardByID(t, sum, "P"), safeguardByID(t, sum, "half+P"), safeguardByID(t, sum, "half")
		if pol.Insurance.ALEMethod != path {
			t.Errorf("method %s, want %s", pol.Insurance.ALEMethod, path)
		}
		got[pi] = [2]SafeguardStats{pol, port}
		// on the closed-form path the tolerance is the quadrature's (the integrand has kinks at d
		// and d + l: a relative 1e-6 is ample), else 4 SE
		se := math.Max(seOf(pol.Reduction.CI95), 2.5e-7*pol.Reduction.Mean)
		within(t, path+": payout alone", pol.Reduction.Mean, afe*layer(1), se, 4)
		// the portfolio's reduction is the control's plus the payout on the halved losses
		se = math.Max(seOf(port.Reduction.CI95), 2.5e-7*port.Reduction.Mean)
		within(t, path+": payout after the control", port.Reduction.Mean-half.Reduction.Mean, afe*layer(0.5), se+seOf(half.Reduction.CI95), 4)
	}
	for j, what := range []string{"policy", "portfolio"} {
		a, b := got[0][j], got[1][j]
		within(t, what+": closed form against the control variate", a.Reduction.Mean, b.Reduction.Mean, math.Hypot(seOf(a.Reduction.CI95), seOf(b.Reduction.CI95)), 4)
	}
	// the closed form carries no claim noise: its reduction is the same in every trial
	if a := got[0][0]; seOf(a.Reduction.CI95) > 1e-9*a.Reduction.Mean {
		t.Errorf("closed-form payout varies across trials (se %v)", seOf(a.Reduction.CI95))
	}
}

// TestCollapseBernoulliRaised: a control that doubles the frequency of an at-most-once finding
// (AFE 0.8) leaves it at most once a year, in point mode as in the engine, so --collapse reproduces
// point mode's savings for the control, the policy and both together (point mode used to count
// 1.6 events for the retained loss and 1 for the payout: a reduction of -500,000 against +100,000).
func TestCollapseBernoulliRaised(t *testing.T) {
	s := parse(t, `scenario: {name: b, horizon_years: 5, annuity_factor: 4}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 0.8, events: bernoulli, loss: 1000000}
safeguards:
  - {id: C, title: doubles, effects: [{finding: F, frequency_factor: 2}]}
  - {id: P, title: policy, insurance: {premium: 1000, deductible: 100000, limit: 500000, aggregate_limit: 300000, findings: [F]}}
portfolios:
  - {id: CP, safeguards: [C, P]}
`)
	sum := collapsedIsPoint(t, s)
	// C then P: F happens (AFE min(1.6, 1) = 1), P pays min(min(900K, 500K), 300K) = 300K.
	if x := safeguardByID(t, sum, "CP"); math.Abs(x.PointReduction-s.AnnuityFactor*(800000-700000)) > 1e-6 {
		t.Errorf("CP: point reduction %v, want A x (800K - 700K)", x.PointReduction)
	}
}

// TestEstimatedALEWarningNamesFindings: the warning that a finding's ALE(theta) is estimated by
// the control variate names the finding by its title, as people read it, not by its id.
func TestEstimatedALEWarningNamesFindings(t *testing.T) {
	src := `scenario: {name: cap, horizon_years: 5}
sites: [{id: s}]
assets: [{id: srv, site: s, value: 50000}]
findings:
  - {id: R7, title: "Ransomware, server room", site: s, asset: srv, afe: 0.5, loss: {dist: lognormal, p05: 10000, p95: 90000}}
  - {id: R8, title: Theft of laptops, site: s, afe: 2, loss: 3000}
`
	sum := runN(t, parse(t, src), 20000, 3, 2)
	want := `ALE(theta) of the finding "Ransomware, server room" is the closed form less`
	if !slices.ContainsFunc(sum.Warnings, func(w string) bool { return strings.HasPrefix(w, want) }) {
		t.Errorf("no warning starting %q in %q", want, sum.Warnings)
	}
	if slices.ContainsFunc(sum.Warnings, func(w string) bool { return strings.Contains(w, "R7") }) {
		t.Errorf("a warning names the finding by its id: %q", sum.Warnings)
	}
}

// collapsedIsPoint runs s collapsed (point values, expected counts) and fails unless every
// safeguard's and portfolio's savings equal point mode's to rounding; it returns the run.
func collapsedIsPoint(t *testing.T, s *model.Scenario) *Summary {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Collapse, cfg.Workers = 2000, true, 2
	sum, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range append(append([]SafeguardStats(nil), sum.Safeguards...), sum.Portfolios...) {
		if d := math.Abs(x.Savings.Mean - x.PointSavings); d > 1e-9*math.Max(1, math.Abs(x.PointSavings)) {
			t.Errorf("%s: collapsed savings %.10g, point %.10g", x.ID, x.Savings.Mean, x.PointSavings)
		}
	}
	return sum
}

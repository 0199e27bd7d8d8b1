package analysis

import (
	"context"
	"math"
	"testing"

	"github.com/alesim/alesim/sim"
)

// TestUncertainLossParameter (issue 14): a lognormal loss whose mu is itself uncertain, normal with
// mean m and sd s (a truncnormal 16 sd from zero, so the truncation is nil), sigma 0.5, at a fixed
// rate lambda. ALE(theta) = lambda exp(mu + sigma^2/2), so
//
//	E[ALE] = lambda exp(m + s^2/2 + sigma^2/2)
//	Var(ALE) = lambda^2 exp(sigma^2) (exp(2m + 2s^2) - exp(2m + s^2)).
//
// The mean is checked within 4 standard errors (SD/sqrt(n)); the SD within 4 standard errors of a
// sample SD, SD sqrt((kappa - 1)/(4n)), kappa the kurtosis of exp(mu): exp(4s^2) + 2 exp(3s^2) +
// 3 exp(2s^2) - 3 (lognormal with log-sd s). Before, a parameter could only be a number and the ALE
// had no spread from the loss at all.
func TestUncertainLossParameter(t *testing.T) {
	src := `scenario: {name: mu, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 2, loss: {dist: lognormal, mu: {dist: truncnormal, mean: 8, sd: 0.5}, sigma: 0.5}}
`
	const lambda, m, sd, sigma, n = 2.0, 8.0, 0.5, 0.5, 100000
	sum := runN(t, parse(t, src), n, 3, 2)
	mean := lambda * math.Exp(m+sd*sd/2+sigma*sigma/2)
	variance := lambda * lambda * math.Exp(sigma*sigma) * (math.Exp(2*m+2*sd*sd) - math.Exp(2*m+sd*sd))
	within(t, "ALE mean", sum.ALE.Mean, mean, math.Sqrt(variance/n), 4)
	kappa := math.Exp(4*sd*sd) + 2*math.Exp(3*sd*sd) + 3*math.Exp(2*sd*sd) - 3
	within(t, "ALE sd", sum.ALE.SD, math.Sqrt(variance), math.Sqrt(variance)*math.Sqrt((kappa-1)/(4*n)), 4)
	// The annual loss mean is the same expectation.
	within(t, "annual loss mean", sum.AnnualLoss.Mean, mean, sum.AnnualLoss.SD/math.Sqrt(n), 4)
	r, err := Sensitivity(context.Background(), parse(t, src), sim.Config{Trials: 20000, Seed: 3, Workers: 2, ExactLimit: 1e7}, "ale")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inputs) != 1 || r.Inputs[0].Name != "F.loss.mu" || r.Inputs[0].RankCorrelation < 0.99 {
		t.Errorf("sensitivity inputs %+v, want F.loss.mu deciding the ALE", r.Inputs)
	}
}

// TestLossFactors (issue 14): a loss that is records exposed (per event, log-uniform on [1e3, 1e6])
// times cost per record (once a year, PERT 50/150/400): E[loss] = E[records] E[cost], the factors
// being independent. E[loguniform(a, b)] = (b - a)/ln(b/a); E[PERT] = (min + 4 mode + max)/6.
// ALE(theta) = lambda E[records] cost, so its mean is lambda E[records] E[cost] and its spread is
// the cost's alone: sd = lambda E[records] sd(cost), sd(PERT) from its beta form.
func TestLossFactors(t *testing.T) {
	src := `scenario: {name: factors, horizon_years: 1}
sites: [{id: s}]
findings:
  - id: F
    title: f
    site: s
    afe: 0.5
    loss:
      factors:
        - {name: records, dist: loguniform, min: 1000, max: 1e6}
        - {name: cost_per_record, dist: pert, min: 50, mode: 150, max: 400, per: year}
`
	const lambda, n = 0.5, 200000
	s := parse(t, src)
	eRec := (1e6 - 1e3) / math.Log(1e3)
	eCost := (50 + 4*150 + 400) / 6.0
	sum := runN(t, s, n, 9, 2)
	within(t, "annual loss mean", sum.AnnualLoss.Mean, lambda*eRec*eCost, sum.AnnualLoss.SD/math.Sqrt(n), 4)
	within(t, "ALE mean", sum.ALE.Mean, lambda*eRec*eCost, sum.ALE.SD/math.Sqrt(n), 4)
	sdCost := math.Sqrt(s.Findings[0].LossModel.Factors[1].Dist.Variance())
	want := lambda * eRec * sdCost
	// SD of a PERT-shaped variable: kurtosis below 3, so the normal-theory SE sd/sqrt(2n) is a
	// conservative stand-in within a factor sqrt(2).
	within(t, "ALE sd", sum.ALE.SD, want, want*math.Sqrt(2)/math.Sqrt(2*n), 4)
	if s.Findings[0].Loss.Point != eRec*eCost {
		t.Errorf("point loss %v, want the product of the factors' points %v", s.Findings[0].Loss.Point, eRec*eCost)
	}
	names := s.InputNames()
	if len(names) != 1 || names[0] != "F.loss.cost_per_record" {
		t.Errorf("inputs %v: want the per-year factor only (per-event factors are variability)", names)
	}
}

// rows of the "input:" and "savings:" columns of a run: see engine_test.go's rows.

// TestOneEffectSeveralFindings (issue 14): an effect naming findings: [A, B] is one uncertain
// value drawn once per trial for both. With fixed rates and losses and an ALE reduction r, the
// savings in every trial are exactly A x r x (ALE_A + ALE_B) - cost: read back per trial with the
// recorded input r. Two separate effects would draw two values and break the identity.
func TestOneEffectSeveralFindings(t *testing.T) {
	src := `scenario: {name: shared, horizon_years: 1, annuity_factor: 2}
sites: [{id: a}, {id: b}]
findings:
  - {id: A, title: a, site: a, afe: 2, loss: 1000}
  - {id: B, title: b, site: b, afe: 3, loss: 500}
safeguards:
  - {id: S, title: s, annual_cost: 100, effects: [{findings: [A, B], ale_reduction: {dist: pert, min: 0.3, mode: 0.6, max: 0.8}}]}
`
	s := parse(t, src)
	if got := s.InputNames(); len(got) != 1 || got[0] != "S.effect" {
		t.Fatalf("inputs %v, want the one shared effect S.effect", got)
	}
	r := &rows{}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Sink = 20000, 4, 2, r
	if _, err := sim.Simulate(context.Background(), s, cfg, sim.Options{RecordInputs: true}); err != nil {
		t.Fatal(err)
	}
	red, sav := r.col(t, "input:S.effect"), r.col(t, "savings:S")
	const ale = 2*1000 + 3*500
	for i := range red {
		want := 2*red[i]*ale - 2*100
		if math.Abs(float64(float32(sav[i]))-float64(float32(want))) > 1e-6*ale {
			t.Fatalf("trial %d: savings %v, want 2 x %v x %v - 200 = %v: the two findings did not share the draw", i, sav[i], red[i], ale, want)
		}
	}
	// The point arithmetic applies the point reduction to both findings.
	if p := s.Point([]int{0}); p.Totals.Reduction == 0 {
		t.Error("point mode sees no reduction")
	}
}

package analysis

import (
	"context"
	"math"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// TestToleranceFixedLoss (issue 16): one finding with a fixed loss V and Poisson(0.5) events a
// year, so P(loss > x) = 1 - exp(-0.5) for every 0 < x < V; with a safeguard cutting the frequency
// to 0.1, 1 - exp(-0.1). Against an appetite of 20% up to 1.5 V, the baseline exceeds it by
// 1 - exp(-0.5) - 0.2 (largest just below V), the recommended set stays within it by
// 0.2 - (1 - exp(-0.1)).
func TestToleranceFixedLoss(t *testing.T) {
	src := `scenario: {name: fixed, horizon_years: 5, currency: EUR}
sites: [{id: main, name: Main}]
findings:
  - {id: F1, title: Fire, site: main, afe: 0.5, loss: 1000000}
safeguards:
  - {id: S1, title: Sprinklers, annual_cost: 1000, effects: [{finding: F1, frequency_factor: 0.2}]}
portfolios:
  - {id: plan, title: Plan, safeguards: [S1]}
tolerance:
  - {loss: 1500000, probability: 0.2}
`
	s := parse(t, src)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = 200000, 16, 2
	sum, err := Run(context.Background(), s, cfg, Options{Recommended: &sim.Set{Name: "plan", Members: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	tol := sum.Tolerance
	if tol == nil || len(tol.Points) != 1 || len(tol.Portfolios) != 1 || tol.Portfolios[0].ID != "plan" {
		t.Fatalf("tolerance %+v", tol)
	}
	n := float64(cfg.Trials)
	for _, c := range []struct {
		name   string
		got    ToleranceCheck
		p      float64
		within bool
	}{
		{"baseline", tol.Baseline, 1 - math.Exp(-0.5), false},
		{"plan", tol.Portfolios[0].ToleranceCheck, 1 - math.Exp(-0.1), true},
	} {
		se := math.Sqrt(c.p * (1 - c.p) / n)
		if want := c.p - 0.2; math.Abs(c.got.MaxExcess-want) > 4*se {
			t.Errorf("%s: max_excess %v, want %v (4 SE %v)", c.name, c.got.MaxExcess, want, 4*se)
		}
		if c.got.Within != c.within {
			t.Errorf("%s: within %v, want %v", c.name, c.got.Within, c.within)
		}
		if !(c.got.AtLoss > 0 && c.got.AtLoss < 1e6) {
			t.Errorf("%s: at_loss %v, want below the fixed loss 1e6", c.name, c.got.AtLoss)
		}
	}
	if sum.Scenario.PointLabel != "point estimate" {
		t.Errorf("point label %q", sum.Scenario.PointLabel)
	}
}

// TestToleranceCurve checks the excess against a two-point curve on a loss known exactly: P(loss
// > x) = 0.3 for x < 2e6, 0 beyond; the tolerance at 1e6 is 0.1 and falls log-linearly to 0.01 at
// 1e7, so the excess is largest just below 2e6: 0.3 - 0.1 * 10^(-log10 2).
func TestToleranceCurve(t *testing.T) {
	pts := []model.TolerancePoint{{Loss: 1e6, Probability: 0.1}, {Loss: 1e7, Probability: 0.01}}
	c := checkTolerance(pts, stepQ{p: 0.3, at: 2e6})
	want := 0.3 - 0.1*math.Pow(10, -math.Log10(2))
	if c.Within || math.Abs(c.MaxExcess-want) > 0.001 || c.AtLoss > 2e6 || c.AtLoss < 1.9e6 {
		t.Errorf("got %+v, want max_excess about %v just below 2e6", c, want)
	}
	c = checkTolerance(pts, stepQ{p: 0.05, at: 2e6})
	if !c.Within {
		t.Errorf("0.05 below 2e6 is within a tolerance of 0.05 and more there: %+v", c)
	}
}

// stepQ is a loss that is 0 with probability 1-p and at with probability p.
type stepQ struct{ p, at float64 }

func (q stepQ) Exceed(x float64) float64 {
	if x < q.at {
		return q.p
	}
	return 0
}
func (q stepQ) Quantile(p float64) float64 {
	if p > 1-q.p {
		return q.at
	}
	return 0
}
func (q stepQ) MinPositive() float64       { return q.at }
func (q stepQ) Max() float64               { return q.at }
func (q stepQ) TailMean(p float64) float64 { return q.at }

// TestTolerancePortfolios (issue 16): with a tolerance, every named portfolio's annual loss is
// simulated on the baseline's events and checked against it, not only the recommended set's. One
// finding with a fixed loss V and Poisson(0.5) events a year; portfolio "half" halves the
// frequency, so P(loss > x) = 1 - exp(-0.25) for 0 < x < V, and against an appetite of 20% up to
// 1.5 V its excess is 1 - exp(-0.25) - 0.2 (about +0.021: outside); "plan" cuts it to 0.1 (within
// by 0.2 - (1 - exp(-0.1))). Run with "plan" recommended (it shares the recommended set's exact
// loss, "half" is sketched), with none, and with "other" (S1 and S2), a recommended set that is no
// named portfolio, listed after them. The tolerance on each excess is 4 binomial standard errors.
func TestTolerancePortfolios(t *testing.T) {
	src := `scenario: {name: fixed, horizon_years: 5, currency: EUR}
sites: [{id: main, name: Main}]
findings:
  - {id: F1, title: Fire, site: main, afe: 0.5, loss: 1000000}
safeguards:
  - {id: S1, title: Sprinklers, annual_cost: 1000, effects: [{finding: F1, frequency_factor: 0.2}]}
  - {id: S2, title: Drills, annual_cost: 100, effects: [{finding: F1, frequency_factor: 0.5}]}
portfolios:
  - {id: plan, title: Plan, safeguards: [S1]}
  - {id: half, title: Half, safeguards: [S2]}
tolerance:
  - {loss: 1500000, probability: 0.2}
`
	s := parse(t, src)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = 200000, 17, 2
	n := float64(cfg.Trials)
	check := func(name string, got ToleranceCheck, p float64) {
		t.Helper()
		se := math.Sqrt(p * (1 - p) / n)
		want := p - 0.2
		if math.Abs(got.MaxExcess-want) > 4*se {
			t.Errorf("%s: max_excess %v, want %v (4 SE %v)", name, got.MaxExcess, want, 4*se)
		}
		if got.Within != (want <= 0) {
			t.Errorf("%s: within %v, want %v", name, got.Within, want <= 0)
		}
		// Just below the fixed loss; a sketched loss (a portfolio that is not the recommended set)
		// knows it within the sketch's relative error.
		if !(got.AtLoss > 0 && got.AtLoss < 1e6*(1+sim.SketchRelativeError)) {
			t.Errorf("%s: at_loss %v, want below the fixed loss 1e6 (within %v)", name, got.AtLoss, sim.SketchRelativeError)
		}
	}
	for _, c := range []struct {
		name string
		rec  *sim.Set
		ids  []string
	}{
		{"plan recommended", &sim.Set{Name: "plan", Members: []int{0}}, []string{"plan", "half"}},
		{"none recommended", nil, []string{"plan", "half"}},
		{"other recommended", &sim.Set{Name: "other", Members: []int{0, 1}}, []string{"plan", "half", "other"}},
	} {
		sum, err := Run(context.Background(), s, cfg, Options{Recommended: c.rec})
		if err != nil {
			t.Fatal(err)
		}
		tol := sum.Tolerance
		if tol == nil || len(tol.Portfolios) != len(c.ids) {
			t.Fatalf("%s: tolerance %+v, want portfolios %v", c.name, tol, c.ids)
		}
		for k, id := range c.ids {
			if tol.Portfolios[k].ID != id {
				t.Fatalf("%s: portfolio %d is %q, want %q", c.name, k, tol.Portfolios[k].ID, id)
			}
		}
		check(c.name+": baseline", tol.Baseline, 1-math.Exp(-0.5))
		check(c.name+": plan", tol.Portfolios[0].ToleranceCheck, 1-math.Exp(-0.1))
		check(c.name+": half", tol.Portfolios[1].ToleranceCheck, 1-math.Exp(-0.25))
		if len(c.ids) == 3 {
			// S1 and S2 together: the factors multiply, 0.5 x 0.2 x 0.5 = 0.05 events a year.
			check(c.name+": other", tol.Portfolios[2].ToleranceCheck, 1-math.Exp(-0.05))
		}
	}
}

// TestNoTolerancePortfolioLosses: without a tolerance no portfolio's annual loss is laid out, so
// runs that state none are as before (the goldens check their bytes).
func TestNoTolerancePortfolioLosses(t *testing.T) {
	for _, c := range []struct {
		path string
		want int
	}{{"../scenarios/soes-1983.yaml", 0}, {"../scenarios/hospital.yaml", -1}} {
		s := load(t, c.path)
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed = 1000, 1
		res, err := sim.Simulate(context.Background(), s, cfg, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, q := range res.Layout() {
			if q.Owner == sim.OwnerPortfolioLoss {
				got++
			}
		}
		want := c.want
		if want < 0 {
			want = len(s.Portfolios)
		}
		if len(s.Portfolios) == 0 || got != want {
			t.Errorf("%s: %d portfolio loss quantities for %d portfolios, want %d", c.path, got, len(s.Portfolios), want)
		}
	}
}

// TestTolerancePortfolioInsurance: a portfolio's annual loss counts what its insurance policy
// retains. One finding with a fixed loss of 1M and Poisson(0.5) events; the policy keeps a
// deductible of 200K an event, so the portfolio's year retains 200K N. Against a curve of 12% at
// 250K falling log-log to 5% at 2M (t(x) = 0.12 (x/250K)^-b, b = ln 2.4 / ln 8), the excess is
// largest just below 400K, where P(N >= 2) = 1 - 1.5 exp(-0.5) meets t(400K): about -0.008,
// within (at 600K it is -0.069, at 2M -0.05). Uninsured, the year would lose 1M N, far outside.
// The tolerance is 4 binomial SE plus 0.001 for where the 400-point grid and the sketch's 0.5%
// bins place the step (each moves t by at most b x 0.5% x t, about 0.0002).
func TestTolerancePortfolioInsurance(t *testing.T) {
	src := `scenario: {name: cover, horizon_years: 5, currency: EUR}
sites: [{id: main, name: Main}]
findings:
  - {id: F1, title: Fire, site: main, afe: 0.5, loss: 1000000}
safeguards:
  - id: P1
    title: Cover
    insurance: {premium: 1000, deductible: 200000, limit: 5000000, findings: [F1]}
portfolios:
  - {id: cover, title: Cover, safeguards: [P1]}
tolerance:
  - {loss: 250000, probability: 0.12}
  - {loss: 2000000, probability: 0.05}
`
	s, err := model.Parse("cover.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = 200000, 18, 2
	sum, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tol := sum.Tolerance
	if tol == nil || len(tol.Portfolios) != 1 || tol.Portfolios[0].ID != "cover" {
		t.Fatalf("tolerance %+v", tol)
	}
	b := math.Log(2.4) / math.Log(8)
	p2 := 1 - 1.5*math.Exp(-0.5)
	want := p2 - 0.12*math.Pow(400000.0/250000, -b)
	got := tol.Portfolios[0]
	se := math.Sqrt(p2 * (1 - p2) / float64(cfg.Trials))
	if math.Abs(got.MaxExcess-want) > 4*se+0.001 || !got.Within {
		t.Errorf("cover: max_excess %v within %v, want %v (4 SE + 0.001 = %v)", got.MaxExcess, got.Within, want, 4*se+0.001)
	}
	if !(got.AtLoss > 390000 && got.AtLoss < 402000) {
		t.Errorf("cover: at_loss %v, want just below 400K", got.AtLoss)
	}
	if tol.Baseline.Within {
		t.Errorf("baseline within tolerance: %+v", tol.Baseline)
	}
}

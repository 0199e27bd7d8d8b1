package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/alesim/alesim/sim"
)

// normalEVPI is the EVPI of one option whose savings are N(mu, sigma^2) against doing nothing:
// E[max(S, 0)] - max(mu, 0) = sigma phi(mu/sigma) + mu Phi(mu/sigma) - max(mu, 0).
func normalEVPI(mu, sigma float64) float64 {
	z := mu / sigma
	phi := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	Phi := 0.5 * math.Erfc(-z/math.Sqrt2)
	return sigma*phi + mu*Phi - math.Max(mu, 0)
}

func normals(r *rand.Rand, n int, mu, sigma float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + sigma*r.NormFloat64()
	}
	return x
}

// TestEVPINormal: per-trial savings drawn N(mu, sigma^2) against doing nothing give the closed-form
// EVPI within 4 standard errors, below, at and above mu = 0. An input that determines the savings
// exactly (here the savings themselves) is worth the EVPI: the binned estimate loses only in the one
// bin where the savings change sign, at most k/n times that bin's range of savings, O(sigma/n),
// far below the standard error O(sigma/sqrt(n)); it can never exceed the EVPI.
func TestEVPINormal(t *testing.T) {
	const n, sigma = 200000, 1000.0
	r := rand.New(rand.NewPCG(18, 1))
	for _, mu := range []float64{-600, 0, 600} {
		t.Run(strconv.FormatFloat(mu, 'g', -1, 64), func(t *testing.T) {
			s := normals(r, n, mu, sigma)
			d := newDecision([][]float64{nil, s})
			v, se := d.evpi()
			within(t, "EVPI", v, normalEVPI(mu, sigma), se, 4)
			wantBest := 0
			if mu > 0 {
				wantBest = 1
			}
			if mu != 0 && d.best != wantBest {
				t.Errorf("best option %d, want %d", d.best, wantBest)
			}
			p := d.evppi(s)
			if p.EVPPI > v+1e-9*sigma || v-p.EVPPI > se {
				t.Errorf("EVPPI of the input deciding the savings %.6g, want the EVPI %.6g within its SE %.3g, never above", p.EVPPI, v, se)
			}
			if p.Lower > p.EVPPI || v-p.Lower > se {
				t.Errorf("lower EVPPI of the input deciding the savings %.6g, want the EVPI %.6g within its SE %.3g, at most the EVPPI", p.Lower, v, se)
			}
		})
	}
}

// TestEVPPIBias: an input independent of the savings is worth nothing, and the binned estimator's
// upward bias is what the comment in voi.go states. With savings N(0, sigma^2) (the options tied,
// the bias's worst case) and bins of exactly k trials, the estimate is sum_b (1/B) max(0, mean_b) -
// max(0, mean), whose expectation is sigma/sqrt(2 pi) (1/sqrt(k) - 1/sqrt(n)) exactly (E[max(0, Z)]
// = s/sqrt(2 pi) for Z ~ N(0, s^2)). Over R replications the mean estimate matches it within 4 SE
// at n = 2,500 and at n = 40,000, falling as n^(-1/4) between them; the mean stated bias bound
// bounds it; the cross-fitted lower estimate is 0 less the best option's selection bias (below)
// within 4 SE; and a clearly best option leaves no bias at all.
func TestEVPPIBias(t *testing.T) {
	const sigma = 1000.0
	r := rand.New(rand.NewPCG(18, 2))
	var got [2]float64
	for i, c := range []struct{ n, reps int }{{2500, 200}, {40000, 40}} {
		k := binSize(c.n)
		want := sigma / math.Sqrt(2*math.Pi) * (1/math.Sqrt(float64(k)) - 1/math.Sqrt(float64(c.n)))
		est := make([]float64, c.reps)
		lower := make([]float64, c.reps)
		bound := 0.0
		for rep := range est {
			s := normals(r, c.n, 0, sigma)
			x := make([]float64, c.n)
			for j := range x {
				x[j] = r.Float64()
			}
			p := newDecision([][]float64{nil, s}).evppi(x)
			if p.Bins != c.n/k {
				t.Fatalf("n %d: %d bins, want %d of %d trials", c.n, p.Bins, c.n/k, k)
			}
			est[rep] = p.EVPPI
			lower[rep] = p.Lower
			bound += p.BiasBound / float64(c.reps)
		}
		m, se := meanSE(est)
		within(t, "mean EVPPI of an irrelevant input at n="+strconv.Itoa(c.n), m, want, se, 4)
		if m > bound+4*se {
			t.Errorf("n %d: mean EVPPI %.4g above the mean stated bias bound %.4g", c.n, m, bound)
		}
		// The cross-fitted estimate of a worthless input: a choice scored on independent trials
		// saves 0 in expectation when the options are tied, less the mean of the option best over
		// all the trials, E[max(0, mean)] = sigma/sqrt(2 pi n): its expectation is -sigma/sqrt(2 pi n).
		mLow, seLow := meanSE(lower)
		within(t, "mean lower EVPPI of an irrelevant input at n="+strconv.Itoa(c.n), mLow, -sigma/math.Sqrt(2*math.Pi*float64(c.n)), seLow, 4)
		t.Logf("n %d: mean EVPPI %.4g (se %.2g), theory %.4g, mean bias bound %.4g; lower %.3g (se %.2g)", c.n, m, se, want, bound, mLow, seLow)
		got[i] = m
	}
	// sqrt(sqrt(16)) = 2: 16 times the trials halve the bias (less the 1/sqrt(n) term).
	if ratio := got[0] / got[1]; ratio < 1.5 || ratio > 2.3 {
		t.Errorf("bias at n=2,500 over n=40,000: %.3g, want about (1/50^.5 - 1/50)/(1/200^.5 - 1/200) = 1.85", ratio)
	}
	// One option better by 20 sigma/sqrt(k): no bin ever prefers doing nothing; the EVPPI is 0.
	s := normals(r, 40000, 20*sigma/math.Sqrt(200), sigma)
	x := make([]float64, len(s))
	for j := range x {
		x[j] = r.Float64()
	}
	if p := newDecision([][]float64{nil, s}).evppi(x); p.EVPPI != 0 {
		t.Errorf("EVPPI %.4g with a clearly best option, want 0", p.EVPPI)
	}
}

// TestEVPPIDiscreteInput: bins never split equal draws, so an input of three values gets three bins.
func TestEVPPIDiscreteInput(t *testing.T) {
	n := 9000
	x := make([]float64, n)
	s := make([]float64, n)
	for i := range x {
		x[i] = float64(i % 3)
		s[i] = 100 * (x[i] - 1) // savings -100, 0, 100 by value: worth 100/3 to know x
	}
	d := newDecision([][]float64{nil, s})
	p := d.evppi(x)
	if p.Bins != 3 || math.Abs(p.EVPPI-100.0/3) > 1e-9 {
		t.Errorf("bins %d, EVPPI %v; want 3 bins and exactly 100/3", p.Bins, p.EVPPI)
	}
}

// TestVOIScenario: end to end, a safeguard whose savings are normal (a fixed reduction of 500,000
// less a one-time cost drawn truncnormal(500,000 - mu, sd 10,000), truncation at 50 sd is
// negligible) against doing nothing. The EVPI matches the closed form within 4 SE; the cost, which
// determines the savings exactly, is worth the EVPI; the AFE of another finding, irrelevant to the
// decision, is worth 0 within its stated bias bound (plus 4 SE).
func TestVOIScenario(t *testing.T) {
	const sigma = 10000.0
	for _, mu := range []float64{-5000, 0, 5000} {
		t.Run(strconv.FormatFloat(mu, 'g', -1, 64), func(t *testing.T) {
			src := `scenario: {name: voi, annuity_factor: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 1, loss: 1000000}
  - {id: G, title: g, site: s, afe: {dist: uniform, min: 1, max: 2}, loss: 1000}
safeguards:
  - {id: S, title: s, one_time_cost: {dist: truncnormal, mean: ` + ftoa(500000-mu) + `, sd: ` + ftoa(sigma) + `}, effects: [{finding: F, ale_reduction: 0.5}]}
`
			s := parse(t, src)
			cfg := sim.DefaultConfig()
			cfg.Trials, cfg.Workers = 40000, 2
			r, err := VOI(context.Background(), s, cfg, VOIOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Decision.Options) != 2 || r.Decision.Options[0] != DoNothing || r.Decision.Options[1] != "S" {
				t.Fatalf("options %v, want [none S]", r.Decision.Options)
			}
			within(t, "EVPI", r.EVPI.Value, normalEVPI(mu, sigma), r.EVPI.SE, 4)
			if len(r.Inputs) != 2 || r.Inputs[0].Name != "S.one_time_cost" || r.Inputs[1].Name != "G.afe" {
				t.Fatalf("inputs %+v, want S.one_time_cost then G.afe", r.Inputs)
			}
			c, g := r.Inputs[0], r.Inputs[1]
			t.Logf("EVPI %.5g (se %.3g, theory %.5g); cost %+v; irrelevant %+v", r.EVPI.Value, r.EVPI.SE, normalEVPI(mu, sigma), c, g)
			if c.EVPPI > r.EVPI.Value*(1+1e-12) || r.EVPI.Value-c.EVPPI > r.EVPI.SE {
				t.Errorf("EVPPI of the cost %.6g, want the EVPI %.6g (within its SE %.3g)", c.EVPPI, r.EVPI.Value, r.EVPI.SE)
			}
			if g.EVPPI > g.BiasBound+4*g.SE {
				t.Errorf("EVPPI of the irrelevant input %.4g, want 0 within its bias bound %.4g + 4 SE %.3g", g.EVPPI, g.BiasBound, g.SE)
			}
		})
	}
}

// TestVOIDeterministic: the same seed gives the same result whatever the workers.
func TestVOIDeterministic(t *testing.T) {
	s := load(t, "../scenarios/usps-wets-access.yaml")
	var out [2]*VOIResult
	for i, w := range []int{1, 3} {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Workers = 30000, w
		r, err := VOI(context.Background(), s, cfg, VOIOptions{Options: []string{"rec-3-rotation"}})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = r
	}
	if out[0].EVPI != out[1].EVPI || len(out[0].Inputs) != len(out[1].Inputs) {
		t.Fatalf("EVPI %+v vs %+v", out[0].EVPI, out[1].EVPI)
	}
	for i := range out[0].Inputs {
		if out[0].Inputs[i] != out[1].Inputs[i] {
			t.Errorf("input %d: %+v vs %+v", i, out[0].Inputs[i], out[1].Inputs[i])
		}
	}
	if _, err := VOI(context.Background(), s, sim.DefaultConfig(), VOIOptions{Options: []string{"nope"}}); err == nil {
		t.Error("an unknown option was accepted")
	}
}

// TestVOINoSafeguard: with nothing to decide, information is worth nothing.
func TestVOINoSafeguard(t *testing.T) {
	s := parse(t, `scenario: {name: none, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 2}, loss: 1000}
`)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 2000, 1
	r, err := VOI(context.Background(), s, cfg, VOIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision.Best != DoNothing || r.EVPI.Value != 0 || len(r.Inputs) != 1 || r.Inputs[0].EVPPI != 0 {
		t.Errorf("%+v", r)
	}
}

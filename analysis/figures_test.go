package analysis

import (
	"context"
	"github.com/alesim/alesim/sim"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Tests for printed figures not covered elsewhere, each against theory.

// TestAnnualLossFiguresPoisson: with a fixed loss L = 1000 per event and N ~ Poisson(3), the annual
// loss is L N. Its quantiles are L times Poisson quantiles (checked exactly wherever the level is
// more than 4 standard errors from a jump of the CDF, where the sample quantile cannot differ);
// each exceedance point P(loss > x) = 1 - F(floor(x/L)) within 4 binomial standard errors; the
// histogram counts every year once, and its zero years are n exp(-3) within 4 standard errors.
func TestAnnualLossFiguresPoisson(t *testing.T) {
	src := `scenario: {name: q, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 3, loss: 1000}
`
	s := parse(t, src)
	const n, L, lambda = 200000, 1000.0, 3.0
	sum := runN(t, s, n, 12, 2)
	pois := distuv.Poisson{Lambda: lambda}
	se := func(p float64) float64 { return math.Sqrt(p * (1 - p) / n) }
	for _, c := range []struct{ p, got float64 }{
		{0.50, sum.AnnualLoss.P50}, {0.90, sum.AnnualLoss.P90}, {0.95, sum.AnnualLoss.P95}, {0.99, sum.AnnualLoss.P99},
	} {
		k := 0.0
		for pois.CDF(k) < c.p {
			k++
		}
		if math.Abs(pois.CDF(k)-c.p) < 4*se(c.p) || (k > 0 && math.Abs(pois.CDF(k-1)-c.p) < 4*se(c.p)) {
			t.Logf("P%g: level too near a jump of the CDF to check exactly", 100*c.p)
			continue
		}
		if c.got != L*k {
			t.Errorf("P%g = %v, want L x %v = %v", 100*c.p, c.got, k, L*k)
		}
	}
	if len(sum.Exceedance) < 10 {
		t.Fatalf("%d exceedance points", len(sum.Exceedance))
	}
	for _, pt := range sum.Exceedance {
		want := 1 - pois.CDF(math.Floor(pt.Loss/L))
		if pt.Loss/L == math.Floor(pt.Loss/L) && pt.Loss > 0 {
			want = 1 - pois.CDF(pt.Loss/L) // P(N L > kL) = P(N > k)
		}
		if math.Abs(pt.Probability-want) > 4*se(want)+1e-12 {
			t.Errorf("P(loss > %v) = %v, want %v", pt.Loss, pt.Probability, want)
		}
	}
	h := sum.Histogram
	total := h.ZeroYears
	for _, c := range h.Counts {
		total += c
	}
	if total != n {
		t.Errorf("histogram counts %v years, want %d", total, n)
	}
	p0 := math.Exp(-lambda)
	within(t, "zero years", h.ZeroYears/n, p0, se(p0), 4)
}

// TestRecommendedThinning: the annual loss "with the recommended set" is the same events thinned:
// a frequency factor 0.4 on F and a loss factor 0.5 on G give a mean of 0.4 x 3 x E[X] + 0.5 x 2 x
// 2000 + 1 x 1000 (H untouched), within 4 standard errors of the thinned compound Poisson, and the
// with-loss never exceeds the year's loss. Collapsed, it equals point mode's new ALE exactly.
func TestRecommendedThinning(t *testing.T) {
	src := `scenario: {name: r, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 3, loss: {dist: lognormal, mu: 7, sigma: 0.8}}
  - {id: G, title: g, site: s, afe: 2, loss: 2000}
  - {id: H, title: h, site: s, afe: 1, loss: 1000}
safeguards:
  - {id: S, title: s, effects: [{finding: F, frequency_factor: 0.4}]}
  - {id: T, title: t, effects: [{finding: G, loss_factor: 0.5}]}
`
	s := parse(t, src)
	const n = 200000
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = n, 3, 2
	ao := Options{Recommended: &sim.Set{Name: "both", Members: []int{0, 1}}}
	sum, err := Run(context.Background(), s, cfg, ao)
	if err != nil {
		t.Fatal(err)
	}
	ex := math.Exp(7 + 0.32)
	ex2 := math.Exp(14 + 1.28)
	mean := 0.4*3*ex + 0.5*2*2000 + 1*1000
	variance := 0.4*3*ex2 + 2*1000*1000 + 1*1000*1000
	within(t, "mean with the set", sum.Recommended.AnnualLoss.Mean, mean, math.Sqrt(variance/n), 4)
	if sum.Recommended.AnnualLoss.P99 > sum.AnnualLoss.P99 {
		t.Errorf("P99 with the set %v above the baseline's %v", sum.Recommended.AnnualLoss.P99, sum.AnnualLoss.P99)
	}
	cfg.Collapse = true
	cfg.Trials = 20000
	col, err := Run(context.Background(), s, cfg, ao)
	if err != nil {
		t.Fatal(err)
	}
	want := s.Point([]int{0, 1}).Totals.NewALE
	if math.Abs(col.Recommended.AnnualLoss.Mean-want) > 1e-9*want {
		t.Errorf("collapsed with-set loss %v, point mode's new ALE %v", col.Recommended.AnnualLoss.Mean, want)
	}
}

// TestBreakdownsAddUp: each site's and class's ALE and annual loss is the sum of its findings' (per
// trial, so the means agree to rounding), and the sites together make the total.
func TestBreakdownsAddUp(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	sum := runN(t, s, 30000, 4, 2)
	site := map[string][2]float64{}
	class := map[string][2]float64{}
	for _, f := range sum.Findings {
		a := site[f.Site]
		site[f.Site] = [2]float64{a[0] + f.ALE.Mean, a[1] + f.AnnualLoss.Mean}
		if f.Class != "" {
			c := class[f.Class]
			class[f.Class] = [2]float64{c[0] + f.ALE.Mean, c[1] + f.AnnualLoss.Mean}
		}
	}
	near := func(what string, got, want float64) {
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %v, sum of findings %v", what, got, want)
		}
	}
	var allALE, allLoss float64
	for _, g := range sum.Sites {
		near("site "+g.ID+" ALE", g.ALE.Mean, site[g.ID][0])
		near("site "+g.ID+" loss", g.AnnualLoss.Mean, site[g.ID][1])
		allALE += g.ALE.Mean
		allLoss += g.AnnualLoss.Mean
	}
	for _, g := range sum.Classes {
		near("class "+g.ID+" ALE", g.ALE.Mean, class[g.ID][0])
		near("class "+g.ID+" loss", g.AnnualLoss.Mean, class[g.ID][1])
	}
	near("total ALE", sum.ALE.Mean, allALE)
	near("total loss", sum.AnnualLoss.Mean, allLoss)
}

// TestRatioQuantiles: kill-F of sgBase saves A x 1000 x AFE - 5000 per trial with AFE uniform on
// [1, 3], so its per-trial ratio 5000/savings has P05 = 5000 / (A x 1000 x 2.9 - 5000) (the best 5%
// of trials are those with the highest savings); the safeguard pays in fewer than 95% of trials, so
// P95 is "never" (null). Tolerance: the sketch's error plus 4 standard errors of the savings
// quantile, carried through the ratio.
func TestRatioQuantiles(t *testing.T) {
	s := parse(t, sgBase)
	A := s.AnnuityFactor
	const n = 200000
	sum := runN(t, s, n, 5, 2)
	k := safeguardByID(t, sum, "kill-F")
	sav95 := A*1000*2.9 - 5000
	want := 5000 / sav95
	seSav := math.Sqrt(0.05*0.95/n) * A * 1000 * 2
	tol := sim.SketchRelativeError*want + want*4*seSav/sav95
	if k.Ratio.P05 == nil || math.Abs(*k.Ratio.P05-want) > tol {
		t.Errorf("ratio P05 %v, want %v +/- %v", k.Ratio.P05, want, tol)
	}
	if k.Ratio.P95 != nil {
		t.Errorf("ratio P95 %v, want never (pays in only %v of trials)", *k.Ratio.P95, k.PPositive)
	}
	// E[cost]/E[savings] with a fixed cost: its error is the mean savings' relative standard error.
	meanSav := A*2000 - 5000
	seMean := A * 1000 * 2 / math.Sqrt(12) / math.Sqrt(n)
	if want := 5000 / meanSav; k.Ratio.Mean == nil || math.Abs(*k.Ratio.Mean-want) > 4*seMean/meanSav*want {
		t.Errorf("ratio of means %v, want E[cost]/E[savings] = %v", k.Ratio.Mean, want)
	}
}

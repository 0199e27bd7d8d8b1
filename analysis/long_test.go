package analysis

import (
	"context"
	"github.com/alesim/alesim/sim"
	"math"
	"testing"
)

// TestLongCoverage: over R independent replications (distinct seeds) of a case with a known mean,
// the 95% confidence interval of the mean annual loss must cover the true mean in 93-97% of
// replications. With R = 2000 the coverage estimate's standard error is sqrt(.95 x .05 / R) = 0.49%,
// so the band is about 4 standard errors wide on each side. Run by `make test-long`.
func TestLongCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("long: run with make test-long")
	}
	// Compound Poisson with rate 2 and lognormal(mu 8, sigma 1) losses, and an uncertain rate:
	// AFE ~ uniform(1, 3), so E[annual loss] = E[AFE] E[X] = 2 exp(8.5).
	src := `scenario: {name: cov, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: uniform, min: 1, max: 3}, loss: {dist: lognormal, mu: 8, sigma: 1}}
`
	s := parse(t, src)
	want := 2 * math.Exp(8.5)
	const R, n = 2000, 5000
	covered, aleCovered := 0, 0
	for r := 0; r < R; r++ {
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = n, uint64(1000+r), 1
		sum, err := Run(context.Background(), s, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.AnnualLoss.CI95[0] <= want && want <= sum.AnnualLoss.CI95[1] {
			covered++
		}
		if sum.ALE.CI95[0] <= want && want <= sum.ALE.CI95[1] {
			aleCovered++
		}
	}
	for _, c := range []struct {
		what string
		k    int
	}{{"annual loss", covered}, {"ALE", aleCovered}} {
		cov := float64(c.k) / R
		t.Logf("%s: 95%% CI covered the true mean in %d of %d replications (%.1f%%)", c.what, c.k, R, 100*cov)
		if cov < 0.93 || cov > 0.97 {
			t.Errorf("%s coverage %.1f%% outside 93-97%%", c.what, 100*cov)
		}
	}
}

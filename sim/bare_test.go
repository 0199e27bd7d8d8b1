package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alesim/alesim/model/dist"
)

// BenchmarkBareLoop is the floor the engine is measured against (issue: within 1.3x): the 30
// findings of bench-30, each year drawing Poisson counts (inversion with exp(-rate) precomputed)
// and lognormal losses exp(mu + sigma Z) with the same generator (PCG), one stream per finding,
// summing the year's total. No statistics, no breakdowns, no quantiles.
func BenchmarkBareLoop(b *testing.B) {
	s := load(b, "../scenarios/bench-30.yaml")
	type risk struct{ rate, expNeg, mu, sigma float64 }
	var risks []risk
	for _, f := range s.Findings {
		ln := f.Loss.Dist.(dist.LogNormal)
		rate := f.AFE.Point()
		risks = append(risks, risk{rate, math.Exp(-rate), ln.Mu, ln.Sigma})
	}
	counts := make([]*rand.Rand, len(risks))
	losses := make([]*rand.Rand, len(risks))
	for i := range risks {
		counts[i] = rand.New(rand.NewPCG(1, uint64(2*i)))
		losses[i] = rand.New(rand.NewPCG(1, uint64(2*i+1)))
	}
	const trials = 200000
	var total float64
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for t := 0; t < trials; t++ {
			year := 0.0
			for i := range risks {
				r := &risks[i]
				n := dist.PoissonInversion(counts[i], r.rate, r.expNeg)
				for k := 0.0; k < n; k++ {
					year += math.Exp(r.mu + r.sigma*losses[i].NormFloat64())
				}
			}
			total += year
		}
	}
	b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "trials/s")
	if total < 0 {
		b.Fatal("impossible")
	}
}

// BenchmarkEngineBench30 is the full engine (statistics, breakdowns, quantiles) on the same
// workload, one worker, for the ratio to BenchmarkBareLoop.
func BenchmarkEngineBench30(b *testing.B) { benchRun(b, "../scenarios/bench-30.yaml", 1) }

// BenchmarkEngineBench30Workers2 measures the speed-up of two workers over one.
func BenchmarkEngineBench30Workers2(b *testing.B) { benchRun(b, "../scenarios/bench-30.yaml", 2) }

var _ = context.Background

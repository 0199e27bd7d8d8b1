package analysis

import (
	"context"
	"math"
	"testing"

	"github.com/alesim/alesim/sim"
)

// TestOccurrenceFixedLoss (issue 18): one finding with a fixed loss L per event and N ~
// Poisson(lambda) events: the year's largest event is L when N >= 1, else 0. So P(largest > x) =
// P(N >= 1) = 1 - exp(-lambda) for 0 <= x < L and 0 for x >= L, and its mean is L P(N >= 1). Each
// figure is within 4 standard errors, sqrt(p(1-p)/n) for a probability and L times that for the
// mean; the occurrence curve lies on or below the annual loss curve at every level.
func TestOccurrenceFixedLoss(t *testing.T) {
	const L, n = 250000.0, 200000
	for _, lambda := range []float64{0.1, 1.5} {
		s := parse(t, `scenario: {name: oep, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: `+ftoa(lambda)+`, loss: 250000}
`)
		sum := runN(t, s, n, 11, 2)
		p := 1 - math.Exp(-lambda)
		se := math.Sqrt(p * (1 - p) / n)
		o := sum.Occurrence
		within(t, "mean largest event", o.Mean, L*p, L*se, 4)
		if len(o.Exceedance) != len(sum.Exceedance) {
			t.Fatalf("%d occurrence points, %d annual", len(o.Exceedance), len(sum.Exceedance))
		}
		for i, pt := range o.Exceedance {
			want := 0.0
			if pt.Loss < L {
				want = p
			}
			within(t, "P(largest event > "+ftoa(pt.Loss)+")", pt.Probability, want, se, 4)
			if pt.Probability > sum.Exceedance[i].Probability {
				t.Errorf("at %v the occurrence curve %v is above the annual %v", pt.Loss, pt.Probability, sum.Exceedance[i].Probability)
			}
		}
		// And between the curve's levels, from the result itself.
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Seed, cfg.Workers = n, 11, 2
		res, err := sim.Simulate(context.Background(), s, cfg, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d := res.Dist(res.Occurrence())
		for _, x := range []float64{0, 0.5 * L, 0.9 * L, L, 2 * L} {
			want := 0.0
			if x < L {
				want = p
			}
			within(t, "P(largest event > "+ftoa(x)+")", d.Exceed(x), want, se, 4)
		}
		// Quantiles: L above the (1 - p) quantile, 0 below it (within the sketch's 0.5%).
		for _, q := range []struct{ level, got float64 }{{0.5, o.P50}, {0.9, o.P90}, {0.95, o.P95}, {0.99, o.P99}} {
			want := 0.0
			if q.level > 1-p+4*se {
				want = L
			} else if q.level > 1-p-4*se {
				continue // at the jump
			}
			if math.Abs(q.got-want) > 0.005*L {
				t.Errorf("lambda %v: P%v of the largest event %v, want %v", lambda, 100*q.level, q.got, want)
			}
		}
	}
}

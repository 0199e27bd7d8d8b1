package sim

import (
	"math"
	"testing"

	"github.com/alesim/alesim/model"
)

func load(t testing.TB, path string) *model.Scenario {
	t.Helper()
	s, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCappedMeanClosedForm: the constant-time formula equals the explicit sum over counts.
func TestCappedMeanClosedForm(t *testing.T) {
	explicit := func(lambda, L, V float64) float64 {
		e, p := 0.0, math.Exp(-lambda)
		for k := 0.0; k < lambda+50*math.Sqrt(lambda)+100; k++ {
			if k > 0 {
				p *= lambda / k
			}
			e += p * math.Min(k*L, V)
		}
		return e
	}
	for _, c := range [][3]float64{{5, 643000, 1e6}, {0.3, 1000, 2500}, {40, 10, 300}, {2, 5000, 1000}, {0.001, 1, 1e9}, {200, 7, 1400}} {
		got, want := cappedMean(c[0], c[1], c[2], false), explicit(c[0], c[1], c[2])
		if math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("cappedMean%v = %.12g, explicit sum %.12g", c, got, want)
		}
	}
}

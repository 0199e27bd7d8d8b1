package dist

import (
	"math"
	"testing"
)

// TestSIP: trial t takes value t modulo the length; as a distribution the SIP is its trials'
// empirical distribution (mean the average, the median a trial); bad trials are refused.
func TestSIP(t *testing.T) {
	s, err := NewSIP([]float64{3, 1, 2, 10})
	if err != nil {
		t.Fatal(err)
	}
	for tr, want := range map[int64]float64{0: 3, 1: 1, 3: 10, 4: 3, 9: 1, 1<<40 + 2: 2} {
		if got := s.At(tr); got != want {
			t.Errorf("At(%d) = %g, want %g", tr, got, want)
		}
	}
	if s.Mean() != 4 || s.Len() != 4 {
		t.Errorf("mean %g, len %d", s.Mean(), s.Len())
	}
	if lo, hi := s.Support(); lo != 1 || hi != 10 {
		t.Errorf("support [%g, %g]", lo, hi)
	}
	for _, bad := range [][]float64{nil, {1, math.NaN()}, {math.Inf(1)}} {
		if _, err := NewSIP(bad); err == nil {
			t.Errorf("NewSIP(%v) accepted", bad)
		}
	}
	c := NewCodedSIP(Uniform{0, 10}, func(t int64) float64 { return float64(t%10) / 10 })
	if c.At(13) != 3 || c.Len() != 0 || c.Mean() != 5 {
		t.Errorf("coded: At(13) = %g, len %d, mean %g", c.At(13), c.Len(), c.Mean())
	}
}

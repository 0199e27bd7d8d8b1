package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFloats: the in-place radix sort gives the slice slices.Sort gives, on one goroutine and
// on several, for the shapes of the exact totals (lognormal losses, many zero years, ties) and for
// the rest of float64 (negatives, -0, infinities, subnormals, NaNs).
func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"lognormal": func() float64 { return math.Exp(12 + 2*r.NormFloat64()) },
		"zeros":     func() float64 { return float64(r.IntN(3)) * math.Exp(10+r.NormFloat64()) },
		"ties":      func() float64 { return float64(r.IntN(50)) * 1000 },
		"constant":  func() float64 { return 643000 },
		"any": func() float64 {
			switch r.IntN(9) {
			case 0:
				return math.Copysign(0, -1)
			case 1:
				return math.Inf(1 - 2*r.IntN(2))
			case 2:
				return math.Float64frombits(r.Uint64N(1 << 52)) // subnormal
			case 3:
				return 0
			case 4: // a NaN of either sign and any payload: slices.Sort puts NaNs first
				return math.Float64frombits(0x7ff0000000000001 | r.Uint64()&(1<<63|1<<52-1))
			}
			return math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(2047))<<52)
		},
	}
	for name, g := range gens {
		for _, n := range []int{0, 1, 2, 3, 100, 257, 5000, 70000, 300000} {
			for _, par := range []int{1, 2, 3} {
				v := make([]float64, n)
				for i := range v {
					v[i] = g()
				}
				want := slices.Clone(v)
				slices.Sort(want)
				sortFloatsPar(v, par)
				for i := range v {
					if v[i] != want[i] && !(math.IsNaN(v[i]) && math.IsNaN(want[i])) {
						t.Fatalf("%s, n=%d, par=%d: [%d] = %v, want %v", name, n, par, i, v[i], want[i])
					}
				}
			}
		}
	}
}

// BenchmarkSortExact sorts 10M lognormal totals: the exact arrays of a 10M-trial run are three of
// these. "clone" is the former way (a sorted copy), "radix" the in-place sort on one goroutine,
// "radixPar" on every CPU.
func BenchmarkSortExact(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, 10_000_000)
	for i := range src {
		src[i] = math.Exp(12 + 2*r.NormFloat64())
	}
	v := make([]float64, len(src))
	for _, c := range []struct {
		name string
		sort func([]float64)
	}{
		{"clone", func(v []float64) { s := slices.Clone(v); slices.Sort(s) }},
		{"radix", func(v []float64) { sortFloatsPar(v, 1) }},
		{"radixPar", sortFloats},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				copy(v, src)
				b.StartTimer()
				c.sort(v)
			}
		})
	}
}

package xmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// within1 reports whether got is the correctly rounded ref or one of its two neighbours.
func within1(got, ref float64) bool {
	return got == ref || got == math.Nextafter(ref, math.Inf(1)) || got == math.Nextafter(ref, math.Inf(-1))
}

// samples returns n points: edges first, then random ones.
func samples(n int, edges []float64, draw func(r *rand.Rand) float64) []float64 {
	r := rand.New(rand.NewPCG(15, 3))
	xs := append([]float64(nil), edges...)
	for len(xs) < n {
		xs = append(xs, draw(r))
	}
	return xs
}

func count(short, long int) int {
	if testing.Short() {
		return short
	}
	return long
}

// checkAgainst runs f over xs against the math/big reference exact, fails on a result more than
// 1 ulp from the correctly rounded value, and logs how many were not correctly rounded and the
// largest error against the exact value (which it also holds under 1 ulp).
func checkAgainst(t *testing.T, name string, f func(float64) float64, exact func(float64) *big.Float, xs []float64) {
	t.Helper()
	worst, wx, notCR := 0.0, 0.0, 0
	for _, x := range xs {
		got := f(x)
		e := exact(x)
		ref := round(e)
		if !within1(got, ref) {
			t.Errorf("%s(%v) = %v (%#x), correctly rounded %v (%#x)", name, x, got, math.Float64bits(got), ref, math.Float64bits(ref))
			continue
		}
		if got != ref {
			notCR++
		}
		if got == 0 || math.IsInf(got, 0) {
			continue
		}
		if u := math.Abs(ulpsOff(got, e)); u > worst {
			worst, wx = u, x
		}
	}
	t.Logf("%s: %d points, %d not correctly rounded (%.4f%%), largest error %.3f ulp at %v", name, len(xs), notCR, 100*float64(notCR)/float64(len(xs)), worst, wx)
	if worst >= 1 {
		t.Errorf("%s: largest error %.3f ulp", name, worst)
	}
}

func exactExp(x float64) *big.Float { return bigExp(bf(x)) }
func exactLog(x float64) *big.Float { return bigLog(bf(x)) }

// TestExpAccuracy: the engine takes exp of -rate (down to the underflow at -745) and of normal
// draws (lognormal losses, up to the overflow at 709.78); here the whole of that, the subnormal
// results, the neighbourhood of 0 and of the table's interval ends.
func TestExpAccuracy(t *testing.T) {
	edges := []float64{0, math.Copysign(0, -1), 1, -1, 0x1p-54, -0x1p-54, 0x1p-53, 0x1p-30, -0x1p-30,
		709.782712893384, 709.78, 709, 708.39, -708.39, -708.3964185322641, -709.08956571282405,
		-744.4400719213812, -745.1332191019411, -745.1332191019410, -745, -740, -720, 512, -512, 511.999, -511.999,
		math.Ln2 / 256, -math.Ln2 / 256, math.Ln2, 10, -10, 100, -100, 0.5, -0.5}
	n := count(3000, 60000)
	xs := samples(n, edges, func(r *rand.Rand) float64 {
		switch r.IntN(5) {
		case 0:
			return -745.13 * r.Float64() // negative rates and log-uniform exponents
		case 1:
			return 709.78 * r.Float64()
		case 2:
			return -745.133 + 37*r.Float64() // subnormal results
		case 3:
			return (r.Float64() - 0.5) * 20 // lognormal draws: mu + sigma z
		default:
			return math.Ldexp(r.Float64()-0.5, -r.IntN(50)) // near 0
		}
	})
	checkAgainst(t, "Exp", Exp, exactExp, xs)
}

// TestLogAccuracy: log of uniforms in (0, 1] (down to the subnormals), of losses up to 1e15, of
// the near-1 range and its ends, and of random bit patterns over all positive doubles.
func TestLogAccuracy(t *testing.T) {
	edges := []float64{1, math.Nextafter(1, 2), math.Nextafter(1, 0), 2, 0.5, math.SmallestNonzeroFloat64,
		0x1p-1022, math.Nextafter(0x1p-1022, 0), 0x1p-1060, math.MaxFloat64, 1 - 0x1p-4, math.Nextafter(1-0x1p-4, 0),
		1 + 0x1.09p-4, math.Nextafter(1+0x1.09p-4, 0), 0x1.6p-1, math.Nextafter(0x1.6p-1, 0), 0x1.6p0, 1e-300, 1e300,
		math.E, 10, 1e6, 1e12, 0x1p-53, 1 - 0x1p-53}
	n := count(3000, 60000)
	xs := samples(n, edges, func(r *rand.Rand) float64 {
		switch r.IntN(5) {
		case 0:
			return r.Float64() + 0x1p-60 // a uniform in (0, 1]
		case 1:
			return math.Float64frombits(r.Uint64N(0x7ff0000000000000-1) + 1) // any positive double
		case 2:
			return max(math.Ldexp(r.Float64(), -1022-r.IntN(52)), math.SmallestNonzeroFloat64) // subnormal
		case 3:
			return 1 + (r.Float64()-0.5)*0.14 // the near-1 range and past it
		default:
			return math.Exp(35 * r.Float64()) // losses up to 1.6e15
		}
	})
	checkAgainst(t, "Log", Log, exactLog, xs)
}

// TestLog1pAccuracy: exponential draws take log1p(-u) for uniforms u, log-uniform ones
// log1p((max-min)/min).
func TestLog1pAccuracy(t *testing.T) {
	edges := []float64{0, 0x1p-53, -0x1p-53, 0x1p-52, 1e-300, -0.5, -1 + 0x1p-53, 1, 1e300, 0x1p53, 0x1p-20}
	n := count(2000, 30000)
	xs := samples(n, edges, func(r *rand.Rand) float64 {
		switch r.IntN(4) {
		case 0:
			return -r.Float64()
		case 1:
			return math.Ldexp(r.Float64()-0.5, -r.IntN(60))
		case 2:
			return math.Exp(30 * r.Float64())
		default:
			return r.Float64()*2 - 1
		}
	})
	checkAgainst(t, "Log1p", Log1p, bigLog1p, xs)
}

// TestSpecialValues: the values package math gives for ±0, ±Inf, NaN and out-of-range arguments.
func TestSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	// Not 709.782712893384, the largest x whose exp is finite: math.Exp (amd64) gives +Inf there, and
	// the correctly rounded 1.7976931348622732e308 is checked below.
	args := []float64{0, math.Copysign(0, -1), inf, -inf, nan, -1, -0x1p-1074, 1, 1000, -1000, 710, -746,
		709.7827128933841, -745.1332191019412, -745.1332191019411, 1e308, -1e308, 2, -2,
		math.MaxFloat64, math.SmallestNonzeroFloat64}
	same := func(a, b float64) bool { return a == b && math.Signbit(a) == math.Signbit(b) || a != a && b != b }
	for _, x := range args {
		if got, want := Exp(x), math.Exp(x); !same(got, want) && (math.IsInf(want, 0) || want == 0 || want != want || math.IsInf(got, 0) || got == 0 || got != got) {
			t.Errorf("Exp(%v) = %v, math.Exp %v", x, got, want)
		}
		if got, want := Log(x), math.Log(x); !same(got, want) && (math.IsInf(want, 0) || want == 0 || want != want || math.IsInf(got, 0) || got == 0 || got != got) {
			t.Errorf("Log(%v) = %v, math.Log %v", x, got, want)
		}
		if got, want := Log1p(x), math.Log1p(x); !same(got, want) && (math.IsInf(want, 0) || want == 0 || want != want || math.IsInf(got, 0) || got == 0 || got != got) {
			t.Errorf("Log1p(%v) = %v, math.Log1p %v", x, got, want)
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Exp(0)", Exp(0), 1}, {"Exp(-0)", Exp(math.Copysign(0, -1)), 1}, {"Exp(+Inf)", Exp(inf), inf},
		{"Exp(-Inf)", Exp(-inf), 0}, {"Exp(710)", Exp(710), inf}, {"Exp(-746)", Exp(-746), 0},
		{"Exp(-745.1332191019411)", Exp(-745.1332191019411), 5e-324},
		{"Exp(709.782712893384)", Exp(709.782712893384), 1.7976931348622732e308},
		{"Log(1)", Log(1), 0}, {"Log(0)", Log(0), -inf}, {"Log(-0)", Log(math.Copysign(0, -1)), -inf},
		{"Log(+Inf)", Log(inf), inf}, {"Log(5e-324)", Log(5e-324), -744.4400719213812},
		{"Log1p(-1)", Log1p(-1), -inf}, {"Log1p(0)", Log1p(0), 0}, {"Log1p(+Inf)", Log1p(inf), inf},
	} {
		if !same(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, f := range []func(float64) float64{Exp, Log, Log1p} {
		if v := f(nan); v == v {
			t.Errorf("f(NaN) = %v", v)
		}
	}
	for _, x := range []float64{-1, -inf, -0x1p-1074} {
		if v := Log(x); v == v {
			t.Errorf("Log(%v) = %v, want NaN", x, v)
		}
	}
	if v := Log1p(-2); v == v {
		t.Errorf("Log1p(-2) = %v, want NaN", v)
	}
}

// TestReferenceSane: the references themselves against known values, so that a broken reference
// cannot pass a broken function.
func TestReferenceSane(t *testing.T) {
	for _, c := range []struct{ got, want float64 }{
		{refExp(1), math.E}, {refLog(10), math.Ln10}, {refLog(2), math.Ln2}, {refExp(-745.1332191019411), 5e-324},
		{refExp(709.782712893384), 1.7976931348622732e308}, {refLog(5e-324), -744.4400719213812}, {refExp(0.5), 1.6487212707001282},
	} {
		if c.got != c.want {
			t.Errorf("reference %v, want %v", c.got, c.want)
		}
	}
}

var sink float64

func BenchmarkExp(b *testing.B) {
	x := -3.7
	for range b.N {
		sink += Exp(x)
		x -= 1e-9
	}
}

func BenchmarkMathExp(b *testing.B) {
	x := -3.7
	for range b.N {
		sink += math.Exp(x)
		x -= 1e-9
	}
}

func BenchmarkLog(b *testing.B) {
	x := 0.37
	for range b.N {
		sink += Log(x)
		x += 1e-10
	}
}

func BenchmarkMathLog(b *testing.B) {
	x := 0.37
	for range b.N {
		sink += math.Log(x)
		x += 1e-10
	}
}

// TestLog10Accuracy: decades of losses (the summary's exceedance grid). Log10 is Log (under 1 ulp)
// times the rounded 1/ln 10, rounded: at most 2 ulp from the exact ln(x)/ln(10) in math/big.
func TestLog10Accuracy(t *testing.T) {
	edges := []float64{1, 10, 100, 1e-300, 1e300, 0.1, 2, 5e-324, math.MaxFloat64}
	xs := samples(count(2000, 30000), edges, func(r *rand.Rand) float64 {
		if r.IntN(2) == 0 {
			return math.Exp(35 * r.Float64())
		}
		return math.Float64frombits(r.Uint64N(0x7ff0000000000000-1) + 1)
	})
	ln10 := bigLog(bf(10))
	worst := 0.0
	for _, x := range xs {
		got := Log10(x)
		if got == 0 {
			if x != 1 {
				t.Errorf("Log10(%v) = 0", x)
			}
			continue
		}
		e := new(big.Float).SetPrec(ln10.Prec()).Quo(bigLog(bf(x)), ln10)
		worst = max(worst, math.Abs(ulpsOff(got, e)))
	}
	t.Logf("Log10: %d points, largest error %.3f ulp", len(xs), worst)
	if worst > 2 {
		t.Errorf("Log10: largest error %.3f ulp, want at most 2", worst)
	}
}

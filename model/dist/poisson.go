package dist

import (
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
)

// ptrsThreshold is the rate from which Poisson draws use PTRS instead of inversion. Inversion costs
// about one step per expected event; PTRS is valid for rates >= 10.
const ptrsThreshold = 10

// PoissonRand draws a Poisson(lambda) count. Rates below 10 use sequential inversion of the CDF,
// exact and cheapest for the small annual rates of risk registers; larger rates use Hormann's
// transformed rejection with squeeze (PTRS; W. Hormann, "The transformed rejection method for
// generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993), whose cost
// does not grow with the rate. lambda <= 0 gives 0.
func PoissonRand(r *rand.Rand, lambda float64) float64 {
	switch {
	case !(lambda > 0):
		return 0
	case lambda < ptrsThreshold:
		return poissonInversion(r, lambda, xmath.Exp(-lambda))
	default:
		return poissonPTRS(r, lambda)
	}
}

// PoissonInversion draws a Poisson(lambda) count by inversion, with expNeg = exp(-lambda)
// precomputed by a caller that draws many counts at the same rate. With the exponential paid once,
// inversion (about lambda + 1 steps) beats PTRS up to a rate of about 30; InversionLimit is that
// bound.
const InversionLimit = 30

func PoissonInversion(r *rand.Rand, lambda, expNeg float64) float64 {
	return poissonInversion(r, lambda, expNeg)
}

func poissonInversion(r *rand.Rand, lambda, expNeg float64) float64 {
	u := u01(r)
	p := expNeg
	s := p
	k := 0.0
	// The loop ends with probability 1; the bound only guards against round-off leaving s short of u
	// in the far tail (s saturates near 1 - 1e-16).
	for u > s && k < 1000 {
		k++
		p = float64(p * (lambda / k))
		s += p
		if p == 0 {
			break
		}
	}
	return k
}

func poissonPTRS(r *rand.Rand, lambda float64) float64 {
	slam := math.Sqrt(lambda)
	loglam := xmath.Log(lambda)
	b := 0.931 + float64(2.53*slam)
	a := -0.059 + float64(0.02483*b)
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := u01(r) - 0.5
		v := u01(r)
		us := 0.5 - math.Abs(u)
		k := math.Floor(float64((float64(2*a/us)+b)*u) + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg := xmath.LogFactorial(k)
		if xmath.Log(v)+xmath.Log(invalpha)-xmath.Log(a/(us*us)+b) <= -lambda+float64(k*loglam)-lg {
			return k
		}
	}
}

// Uniform01 draws uniformly from the open interval (0, 1).
func Uniform01(r *rand.Rand) float64 { return u01(r) }

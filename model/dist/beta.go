package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Beta is a beta distribution with shapes Alpha, Beta, scaled to [Min, Max].
type Beta struct{ Alpha, Beta, Min, Max float64 }

// NewBeta checks alpha, beta > 0 and min < max.
func NewBeta(alpha, beta, min, max float64) (Beta, error) {
	if err := checkAll(map[string]float64{"alpha": alpha, "beta": beta, "min": min, "max": max}, "alpha", "beta", "min", "max"); err != nil {
		return Beta{}, err
	}
	if !(alpha > 0) {
		return Beta{}, &ParamError{"alpha", "must be > 0", alpha}
	}
	if !(beta > 0) {
		return Beta{}, &ParamError{"beta", "must be > 0", beta}
	}
	// Beyond a million the distribution is a point mass in all but name, and the regularized
	// incomplete beta function behind its quantile loses its digits (fuzzing found NaN medians).
	if alpha > maxShape {
		return Beta{}, &ParamError{"alpha", fmt.Sprintf("must be at most %g", float64(maxShape)), alpha}
	}
	if beta > maxShape {
		return Beta{}, &ParamError{"beta", fmt.Sprintf("must be at most %g", float64(maxShape)), beta}
	}
	if !(min < max) {
		return Beta{}, &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	return Beta{alpha, beta, min, max}, nil
}

// Rand draws X/(X+Y) with X ~ Gamma(alpha), Y ~ Gamma(beta), computed from log X and log Y as
// 1/(1 + exp(log Y - log X)) so that shapes well below 1 (whose gamma draws underflow) stay exact.
func (d Beta) Rand(r *rand.Rand) float64 {
	lx := logGammaRand(r, d.Alpha)
	ly := logGammaRand(r, d.Beta)
	return clampTo(d.Min+(d.Max-d.Min)/(1+xmath.Exp(ly-lx)), d.Min, d.Max)
}

// logGammaRand draws log of a Gamma(shape, 1) variable; for shape < 1 it uses
// log G(shape) = log G(shape + 1) + log(U)/shape, which never underflows.
func logGammaRand(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return xmath.Log(gammaRand(r, shape+1)) + xmath.Log(u01(r))/shape
	}
	return xmath.Log(gammaRand(r, shape))
}
func (d Beta) Mean() float64 { return d.Min + (d.Max-d.Min)*d.Alpha/(d.Alpha+d.Beta) }
func (d Beta) Variance() float64 {
	a, b, w := d.Alpha, d.Beta, d.Max-d.Min
	return w * w * a * b / ((a + b) * (a + b) * (a + b + 1))
}
func (d Beta) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Beta) CDF(x float64) float64 {
	t := (x - d.Min) / (d.Max - d.Min)
	if t <= 0 {
		return 0
	}
	if t >= 1 {
		return 1
	}
	return mathext.RegIncBeta(d.Alpha, d.Beta, t)
}
func (d Beta) Quantile(p float64) float64 {
	return d.Min + float64((d.Max-d.Min)*distuv.Beta{Alpha: d.Alpha, Beta: d.Beta}.Quantile(clamp01(p)))
}

// gammaRand draws Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating
// gamma variables", with the shape+1 boost for shape < 1.
func gammaRand(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(r, shape+1) * xmath.Pow(u01(r), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		var x, v float64
		for {
			x = r.NormFloat64()
			v = 1 + float64(c*x)
			if v > 0 {
				break
			}
		}
		v = float64(v * v * v)
		u := u01(r)
		if u < 1-float64(0.0331*x*x*x*x) || xmath.Log(u) < float64(0.5*x*x)+float64(d*(1-v+xmath.Log(v))) {
			return d * v
		}
	}
}

// maxShape bounds beta shape parameters (see NewBeta).
const maxShape = 1e6

var _ Distribution = Beta{}

var betaKind = Kind{
	Name:   "beta",
	Params: []Param{{Name: "alpha"}, {Name: "beta"}, {Name: "min", Optional: true, Default: 0}, {Name: "max", Optional: true, Default: 1}},
	Note:   "probabilities; alpha, beta > 0",
	New: func(v Values) (Distribution, error) {
		return distribution(NewBeta(v.Nums["alpha"], v.Nums["beta"], v.Nums["min"], v.Nums["max"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("beta(%g, %g)", v.Nums["alpha"], v.Nums["beta"]) },
}

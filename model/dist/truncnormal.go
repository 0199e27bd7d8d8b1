package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TruncNormal is a normal N(Mu, Sigma^2) truncated to [0, inf).
type TruncNormal struct{ Mu, Sigma float64 }

// minTruncSD is the smallest sd accepted: its square is still a normal float64.
const minTruncSD = 1e-150

// NewTruncNormal checks sigma >= minTruncSD and that the truncation keeps a usable mass (mean/sd > -30).
func NewTruncNormal(mu, sigma float64) (TruncNormal, error) {
	if err := checkAll(map[string]float64{"mean": mu, "sd": sigma}, "mean", "sd"); err != nil {
		return TruncNormal{}, err
	}
	if !(sigma > 0) {
		return TruncNormal{}, &ParamError{"sd", "must be > 0", sigma}
	}
	if sigma < minTruncSD {
		// sd^2 would underflow (the variance, and the draws' spread, become zero or NaN): a
		// quantity this certain is a constant
		return TruncNormal{}, &ParamError{"sd", "must be at least 1e-150 (for a certain value, write the number itself)", sigma}
	}
	if mu/sigma < -30 {
		return TruncNormal{}, &ParamError{"mean", "leaves no mass above zero: mean/sd must be > -30", mu}
	}
	return TruncNormal{mu, sigma}, nil
}

// z returns the mass above zero, Phi(mu/sigma).
func (d TruncNormal) z() float64 { return normCDF(d.Mu / d.Sigma) }

// Rand inverts the CDF from the upper tail: x = mu - sigma Phi^-1(u Phi(mu/sigma)), accurate even
// when nearly all the untruncated mass lies below zero.
func (d TruncNormal) Rand(r *rand.Rand) float64 {
	return math.Max(0, d.Mu-float64(d.Sigma*normQuantile(u01(r)*d.z())))
}

// Mean is mu + sigma phi(a)/Z with a = -mu/sigma and Z = 1 - Phi(a).
func (d TruncNormal) Mean() float64 {
	a := -d.Mu / d.Sigma
	return d.Mu + d.Sigma*normPDF(a)/d.z()
}

// Variance is sigma^2 (1 + a phi(a)/Z - (phi(a)/Z)^2).
func (d TruncNormal) Variance() float64 {
	a := -d.Mu / d.Sigma
	l := normPDF(a) / d.z()
	return d.Sigma * d.Sigma * (1 + float64(a*l) - float64(l*l))
}
func (d TruncNormal) Support() (lo, hi float64) { return 0, math.Inf(1) }
func (d TruncNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	// 1 - P(X > x) computed from the upper tail for accuracy.
	return clamp01(1 - normCDF((d.Mu-x)/d.Sigma)/d.z())
}
func (d TruncNormal) Quantile(p float64) float64 {
	return math.Max(0, d.Mu-float64(d.Sigma*normQuantile((1-clamp01(p))*d.z())))
}

var _ Distribution = TruncNormal{}

var truncnormalKind = Kind{
	Name:   "truncnormal",
	Params: []Param{{Name: "mean"}, {Name: "sd"}},
	Note:   "a normal truncated at zero; sd > 0",
	New: func(v Values) (Distribution, error) {
		return distribution(NewTruncNormal(v.Nums["mean"], v.Nums["sd"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("truncnormal(%g, sd %g)", v.Nums["mean"], v.Nums["sd"]) },
}

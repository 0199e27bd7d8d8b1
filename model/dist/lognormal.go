package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
)

// LogNormal is exp(N(Mu, Sigma^2)).
type LogNormal struct{ Mu, Sigma float64 }

// NewLogNormal checks sigma > 0.
func NewLogNormal(mu, sigma float64) (LogNormal, error) {
	if err := checkAll(map[string]float64{"mu": mu, "sigma": sigma}, "mu", "sigma"); err != nil {
		return LogNormal{}, err
	}
	if !(sigma > 0) {
		return LogNormal{}, &ParamError{"sigma", "must be > 0", sigma}
	}
	if sigma > 10 {
		return LogNormal{}, &ParamError{"sigma", "must be at most 10 (a spread of e^33 between P5 and P95)", sigma}
	}
	// The mean exp(mu + sigma^2/2) must stay within the magnitude every other input obeys.
	if m := mu + float64(sigma*sigma/2); m > xmath.Log(maxMagnitude) {
		return LogNormal{}, &ParamError{"mu", fmt.Sprintf("gives a mean exp(mu + sigma^2/2) above %g; lower mu or sigma", maxMagnitude), mu}
	}
	if mu < -700 {
		return LogNormal{}, &ParamError{"mu", "must be at least -700", mu}
	}
	return LogNormal{mu, sigma}, nil
}

// NewLogNormal90 builds the lognormal whose 5th and 95th percentiles are p05 and p95:
// mu = (ln p05 + ln p95)/2, sigma = (ln p95 - ln p05)/(2 z95).
func NewLogNormal90(p05, p95 float64) (LogNormal, error) {
	if err := checkAll(map[string]float64{"p05": p05, "p95": p95}, "p05", "p95"); err != nil {
		return LogNormal{}, err
	}
	if !(p05 > 0) {
		return LogNormal{}, &ParamError{"p05", "must be > 0", p05}
	}
	if !(p95 > p05) {
		return LogNormal{}, &ParamError{"p95", fmt.Sprintf("must be > p05 %s", FormatFloat(p05)), p95}
	}
	lo, hi := xmath.Log(p05), xmath.Log(p95)
	return NewLogNormal((lo+hi)/2, (hi-lo)/(2*Z95))
}

func (d LogNormal) Rand(r *rand.Rand) float64 {
	return xmath.Exp(d.Mu + float64(d.Sigma*r.NormFloat64()))
}
func (d LogNormal) Mean() float64 { return xmath.Exp(d.Mu + float64(d.Sigma*d.Sigma/2)) }
func (d LogNormal) Variance() float64 {
	s2 := float64(d.Sigma * d.Sigma)
	return math.Expm1(s2) * xmath.Exp(float64(2*d.Mu)+s2)
}
func (d LogNormal) Support() (lo, hi float64) { return 0, math.Inf(1) }
func (d LogNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return normCDF((xmath.Log(x) - d.Mu) / d.Sigma)
}
func (d LogNormal) Quantile(p float64) float64 {
	return xmath.Exp(d.Mu + float64(d.Sigma*normQuantile(p)))
}

var _ Distribution = LogNormal{}

var lognormalKind = Kind{
	Name:   "lognormal",
	Params: []Param{{Name: "p05"}, {Name: "p95"}, {Name: "mu"}, {Name: "sigma"}},
	Forms:  [][]string{{"p05", "p95"}, {"mu", "sigma"}},
	Note:   "0 < p05 < p95; sigma > 0",
	New: func(v Values) (Distribution, error) {
		if _, ok := v.Nums["mu"]; ok {
			return distribution(NewLogNormal(v.Nums["mu"], v.Nums["sigma"]))
		}
		return distribution(NewLogNormal90(v.Nums["p05"], v.Nums["p95"]))
	},
	Describe: func(v Values) string {
		if _, ok := v.Nums["mu"]; ok {
			return fmt.Sprintf("lognormal(mu %g, sigma %g)", v.Nums["mu"], v.Nums["sigma"])
		}
		return fmt.Sprintf("lognormal(90%% in %g..%g)", v.Nums["p05"], v.Nums["p95"])
	},
}

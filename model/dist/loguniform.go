package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
)

// LogUniform has log(X) uniform on [log Min, log Max].
type LogUniform struct {
	Min, Max float64
	lr       float64 // ln(max/min) as logRatio computes it, set by NewLogUniform (0: not set)
}

// NewLogUniform checks 0 < min < max.
func NewLogUniform(min, max float64) (LogUniform, error) {
	if err := checkAll(map[string]float64{"min": min, "max": max}, "min", "max"); err != nil {
		return LogUniform{}, err
	}
	if !(min > 0) {
		return LogUniform{}, &ParamError{"min", "must be > 0", min}
	}
	if !(max > min) {
		return LogUniform{}, &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	d := LogUniform{Min: min, Max: max}
	d.lr = d.logRatio()
	return d, nil
}

func (d LogUniform) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }

// logRatio is ln(max/min), computed as log1p((max-min)/min) so that it keeps its digits when the
// range is narrow.
// NewLogUniform computes it once, since every draw needs it.
func (d LogUniform) logRatio() float64 {
	if d.lr != 0 {
		return d.lr
	}
	return xmath.Log1p((d.Max - d.Min) / d.Min)
}

// Mean is (max - min)/ln(max/min).
func (d LogUniform) Mean() float64 { return (d.Max - d.Min) / d.logRatio() }

// Variance is (max^2 - min^2)/(2 ln(max/min)) - mean^2. For a range narrower than a millionth of
// min that difference cancels, and the distribution is uniform to within O(w^3): (max - min)^2/12.
func (d LogUniform) Variance() float64 {
	w := d.Max - d.Min
	if w < 1e-6*d.Min {
		return w * w / 12
	}
	m := d.Mean()
	return math.Max(0, (float64(d.Max*d.Max)-float64(d.Min*d.Min))/(2*d.logRatio())-float64(m*m))
}
func (d LogUniform) Support() (lo, hi float64) { return d.Min, d.Max }
func (d LogUniform) CDF(x float64) float64 {
	if x <= d.Min {
		return 0
	}
	return clamp01(xmath.Log(x/d.Min) / xmath.Log(d.Max/d.Min))
}
func (d LogUniform) Quantile(p float64) float64 {
	return clampTo(d.Min*xmath.Exp(clamp01(p)*d.logRatio()), d.Min, d.Max)
}

var _ Distribution = LogUniform{}

var loguniformKind = Kind{
	Name:   "loguniform",
	Params: []Param{{Name: "min"}, {Name: "max"}},
	Note:   "0 < min < max; for ranges spanning orders of magnitude",
	New: func(v Values) (Distribution, error) {
		return distribution(NewLogUniform(v.Nums["min"], v.Nums["max"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("loguniform(%g, %g)", v.Nums["min"], v.Nums["max"]) },
}

package dist

import (
	"fmt"
	"math/rand/v2"
)

// Uniform is uniform on [Min, Max].
type Uniform struct{ Min, Max float64 }

// NewUniform checks min < max.
func NewUniform(min, max float64) (Uniform, error) {
	if err := checkAll(map[string]float64{"min": min, "max": max}, "min", "max"); err != nil {
		return Uniform{}, err
	}
	if !(min < max) {
		return Uniform{}, &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	return Uniform{min, max}, nil
}

func (d Uniform) Rand(r *rand.Rand) float64 {
	return clampTo(d.Min+float64((d.Max-d.Min)*u01(r)), d.Min, d.Max)
}
func (d Uniform) Mean() float64             { return (d.Min + d.Max) / 2 }
func (d Uniform) Variance() float64         { w := d.Max - d.Min; return w * w / 12 }
func (d Uniform) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Uniform) CDF(x float64) float64     { return clamp01((x - d.Min) / (d.Max - d.Min)) }
func (d Uniform) Quantile(p float64) float64 {
	return d.Min + float64((d.Max-d.Min)*clamp01(p))
}

var _ Distribution = Uniform{}

var uniformKind = Kind{
	Name:   "uniform",
	Params: []Param{{Name: "min"}, {Name: "max"}},
	Note:   "min < max",
	New: func(v Values) (Distribution, error) {
		return distribution(NewUniform(v.Nums["min"], v.Nums["max"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("uniform(%g, %g)", v.Nums["min"], v.Nums["max"]) },
}

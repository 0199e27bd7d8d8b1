package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Triangular has density rising linearly from Min to Mode and falling to Max.
type Triangular struct{ Min, Mode, Max float64 }

// NewTriangular checks min <= mode <= max and min < max.
func NewTriangular(min, mode, max float64) (Triangular, error) {
	if err := checkAll(map[string]float64{"min": min, "mode": mode, "max": max}, "min", "mode", "max"); err != nil {
		return Triangular{}, err
	}
	if err := orderedMinModeMax(min, mode, max); err != nil {
		return Triangular{}, err
	}
	return Triangular{min, mode, max}, nil
}

// Rand inverts the CDF: F(x) = (x-a)^2/((b-a)(c-a)) below the mode c.
func (d Triangular) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }
func (d Triangular) Mean() float64             { return (d.Min + d.Mode + d.Max) / 3 }
func (d Triangular) Variance() float64 {
	a, c, b := d.Min, d.Mode, d.Max
	return (float64(a*a) + float64(b*b) + float64(c*c) - float64(a*b) - float64(a*c) - float64(b*c)) / 18
}
func (d Triangular) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Triangular) CDF(x float64) float64 {
	a, c, b := d.Min, d.Mode, d.Max
	switch {
	case x <= a:
		return 0
	case x >= b:
		return 1
	case x <= c:
		return (x - a) * (x - a) / ((b - a) * (c - a))
	default:
		return 1 - (b-x)*(b-x)/((b-a)*(b-c))
	}
}
func (d Triangular) Quantile(p float64) float64 {
	a, c, b := d.Min, d.Mode, d.Max
	p = clamp01(p)
	fc := (c - a) / (b - a)
	if p < fc {
		return clampTo(a+math.Sqrt(p*(b-a)*(c-a)), a, b)
	}
	return clampTo(b-math.Sqrt((1-p)*(b-a)*(b-c)), a, b)
}

var _ Distribution = Triangular{}

var triangularKind = Kind{
	Name:   "triangular",
	Params: []Param{{Name: "min"}, {Name: "mode"}, {Name: "max"}},
	Note:   "min <= mode <= max, min < max",
	New: func(v Values) (Distribution, error) {
		return distribution(NewTriangular(v.Nums["min"], v.Nums["mode"], v.Nums["max"]))
	},
	Describe: func(v Values) string {
		return fmt.Sprintf("triangular(%g, %g, %g)", v.Nums["min"], v.Nums["mode"], v.Nums["max"])
	},
}

package dist

import (
	"math/rand/v2"
)

// Constant is a degenerate distribution at V.
type Constant struct{ V float64 }

// NewConstant checks that v is finite.
func NewConstant(v float64) (Constant, error) {
	return Constant{v}, checkAll(map[string]float64{"value": v}, "value")
}

func (d Constant) Rand(*rand.Rand) float64 { return d.V }
func (d Constant) Mean() float64           { return d.V }
func (d Constant) Variance() float64       { return 0 }
func (d Constant) Support() (lo, hi float64) {
	return d.V, d.V
}
func (d Constant) CDF(x float64) float64 {
	if x < d.V {
		return 0
	}
	return 1
}
func (d Constant) Quantile(float64) float64 { return d.V }

var _ Distribution = Constant{}

var constantKind = Kind{
	Name:   "constant",
	Params: []Param{{Name: "value"}},
	New: func(v Values) (Distribution, error) {
		return distribution(NewConstant(v.Nums["value"]))
	},
	Describe: func(v Values) string { return FormatFloat(v.Nums["value"]) },
}

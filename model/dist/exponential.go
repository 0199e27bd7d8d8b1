package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
)

// Exponential is exponential with mean Scale: CDF 1 - exp(-x/Mean), Variance Mean^2,
// memoryless; a per-event loss with it makes a year's total Gamma given the count, the case with a
// closed form for a capped total.
type Exponential struct{ Scale float64 } // the mean

// NewExponential checks mean > 0.
func NewExponential(mean float64) (Exponential, error) {
	if err := checkAll(map[string]float64{"mean": mean}, "mean"); err != nil {
		return Exponential{}, err
	}
	if !(mean > 0) {
		return Exponential{}, &ParamError{"mean", "must be > 0", mean}
	}
	return Exponential{mean}, nil
}

// Rand draws by inversion, -Scale ln(1 - U), U uniform on (0, 1).
func (d Exponential) Rand(r *rand.Rand) float64 { return -d.Scale * xmath.Log1p(-u01(r)) }
func (d Exponential) Mean() float64             { return d.Scale }
func (d Exponential) Variance() float64         { return d.Scale * d.Scale }
func (d Exponential) Support() (lo, hi float64) { return 0, math.Inf(1) }
func (d Exponential) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return -math.Expm1(-x / d.Scale)
}
func (d Exponential) Quantile(p float64) float64 {
	return -d.Scale * xmath.Log1p(-clamp01(p))
}

var _ Distribution = Exponential{}

var exponentialKind = Kind{
	Name:   "exponential",
	Params: []Param{{Name: "mean"}},
	Note:   "mean > 0",
	New: func(v Values) (Distribution, error) {
		return distribution(NewExponential(v.Nums["mean"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("exponential(mean %g)", v.Nums["mean"]) },
}

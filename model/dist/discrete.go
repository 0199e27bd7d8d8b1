package dist

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// Discrete takes Values[i] with probability Weights[i]/sum(Weights).
type Discrete struct {
	Values []float64 // sorted ascending
	cum    []float64 // cumulative probabilities, cum[len-1] == 1
}

// NewDiscrete checks that there is at least one value, that weights (nil means equal) are >= 0
// and not all zero, and that there are as many weights as values.
func NewDiscrete(values, weights []float64) (Discrete, error) {
	if len(values) == 0 {
		return Discrete{}, &ParamError{"values", "must list at least one value", 0}
	}
	if weights != nil && len(weights) != len(values) {
		return Discrete{}, &ParamError{"weights", fmt.Sprintf("must have one weight per value (%d values)", len(values)), float64(len(weights))}
	}
	type vw struct{ v, w float64 }
	pairs := make([]vw, len(values))
	total := 0.0
	for i, v := range values {
		if err := checkAll(map[string]float64{fmt.Sprintf("values[%d]", i): v}, fmt.Sprintf("values[%d]", i)); err != nil {
			return Discrete{}, err
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
			if err := checkAll(map[string]float64{fmt.Sprintf("weights[%d]", i): w}, fmt.Sprintf("weights[%d]", i)); err != nil {
				return Discrete{}, err
			}
			if w < 0 {
				return Discrete{}, &ParamError{fmt.Sprintf("weights[%d]", i), "must be >= 0", w}
			}
		}
		pairs[i] = vw{v, w}
		total += w
	}
	if !(total > 0) {
		return Discrete{}, &ParamError{"weights", "must not all be zero", total}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].v < pairs[j].v })
	d := Discrete{Values: make([]float64, len(pairs)), cum: make([]float64, len(pairs))}
	acc := 0.0
	for i, p := range pairs {
		acc += p.w
		d.Values[i] = p.v
		d.cum[i] = acc / total
	}
	d.cum[len(d.cum)-1] = 1
	return d, nil
}

func (d Discrete) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }
func (d Discrete) prob(i int) float64 {
	if i == 0 {
		return d.cum[0]
	}
	return d.cum[i] - d.cum[i-1]
}
func (d Discrete) Mean() float64 {
	m := 0.0
	for i, v := range d.Values {
		m += float64(d.prob(i) * v)
	}
	return m
}
func (d Discrete) Variance() float64 {
	m, s := d.Mean(), 0.0
	for i, v := range d.Values {
		s += float64(d.prob(i) * (v - m) * (v - m))
	}
	return s
}
func (d Discrete) Support() (lo, hi float64) { return d.Values[0], d.Values[len(d.Values)-1] }
func (d Discrete) CDF(x float64) float64 {
	i := sort.Search(len(d.Values), func(i int) bool { return d.Values[i] > x })
	if i == 0 {
		return 0
	}
	return d.cum[i-1]
}

// Quantile is the smallest value whose cumulative probability reaches p.
func (d Discrete) Quantile(p float64) float64 {
	i := sort.SearchFloat64s(d.cum, p)
	if i >= len(d.Values) {
		i = len(d.Values) - 1
	}
	return d.Values[i]
}

var _ Distribution = Discrete{}

var discreteKind = Kind{
	Name:   "discrete",
	Params: []Param{{Name: "values", List: true}, {Name: "weights", List: true, Optional: true}},
	Note:   "weights >= 0, not all zero",
	// Weights left out are nil, which NewDiscrete takes as equal weights; an empty list given is
	// not nil, and is refused for having no weight per value.
	New: func(v Values) (Distribution, error) {
		return distribution(NewDiscrete(v.Lists["values"], v.Lists["weights"]))
	},
	Describe: func(v Values) string { return fmt.Sprintf("discrete(%d values)", len(v.Lists["values"])) },
}

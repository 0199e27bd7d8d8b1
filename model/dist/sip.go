package dist

import (
	"fmt"
	"math/rand/v2"
)

// TrialIndexed is an input whose value in trial t is a fixed function of t rather than a draw
// from a random stream: a SIP. The engine asks At(t) for trial t (0-based, counted over the whole
// run), so the value is the same whatever the number of workers or shards.
type TrialIndexed interface {
	Distribution
	At(trial int64) float64
}

// SIP is a stochastic information packet (Savage, The Flaw of Averages, 2009; the SIPmath
// standard of probabilitymanagement.org): a fixed sequence of trials shared between models so
// that their results stay coherent. Trial t of a run takes the SIP's trial t modulo its length.
// As a distribution (point value, quantiles for sensitivity, bounds checks) it is the empirical
// distribution of its trials, or for a metalog-coded SIP the metalog that codes it.
type SIP struct {
	Distribution
	// Values are the trials in order, nil for a coded SIP.
	Values []float64
	// Coded is the value of trial t of a coded SIP (its quantile function of a counter-based
	// uniform), nil for an array of trials.
	Coded func(trial int64) float64
}

// NewSIP is the SIP of the given trials, at least one, each finite and within the magnitude every
// input obeys.
func NewSIP(values []float64) (SIP, error) {
	if len(values) == 0 {
		return SIP{}, &ParamError{"values", "must hold at least one trial", 0}
	}
	for i, v := range values {
		name := fmt.Sprintf("values[%d]", i)
		if err := checkAll(map[string]float64{name: v}, name); err != nil {
			return SIP{}, err
		}
	}
	emp, err := NewDiscrete(values, nil)
	if err != nil {
		return SIP{}, err
	}
	return SIP{Distribution: emp, Values: append([]float64(nil), values...)}, nil
}

// NewCodedSIP is a SIP whose trial t is q(u(t)): the quantile function of d at a counter-based
// uniform u, as SIPmath 3.0 codes a metalog SIP with an HDR generator.
func NewCodedSIP(d Distribution, u func(trial int64) float64) SIP {
	return SIP{Distribution: d, Coded: func(t int64) float64 { return d.Quantile(u(t)) }}
}

// At is the value of trial t: trial t modulo the SIP's length, or the coded value.
func (s SIP) At(t int64) float64 {
	if s.Values != nil {
		return s.Values[t%int64(len(s.Values))]
	}
	return s.Coded(t)
}

// Len is the number of trials, 0 for a coded SIP (which has no end).
func (s SIP) Len() int { return len(s.Values) }

// Rand draws a trial at random. The engine never calls it (it asks At); it serves callers that
// want the SIP's distribution without its order.
func (s SIP) Rand(r *rand.Rand) float64 { return s.Distribution.Rand(r) }

var _ TrialIndexed = SIP{}

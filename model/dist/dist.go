package dist

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alesim/alesim/internal/xmath"
)

// Distribution is a univariate distribution of an uncertain input. Implementations are small value
// types; Rand draws with the caller's generator so that every stream is seeded by the engine.
type Distribution interface {
	// Rand draws one value using r.
	Rand(r *rand.Rand) float64
	// Mean is the closed-form expectation.
	Mean() float64
	// Variance is the closed-form variance.
	Variance() float64
	// CDF is P(X <= x).
	CDF(x float64) float64
	// Quantile is the inverse of CDF for p in [0, 1].
	Quantile(p float64) float64
	// Support is the closed interval [lo, hi] holding all the mass (either end may be infinite).
	Support() (lo, hi float64)
}

// ParamError says which parameter of a distribution is wrong and why. The model package adds the
// file, line and field path in front of it.
type ParamError struct {
	Param string  // parameter name as written in a scenario, e.g. "sigma"
	Msg   string  // what is expected, e.g. "must be > 0"
	Got   float64 // the offending value
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: %s (got %s)", e.Param, e.Msg, FormatFloat(e.Got))
}

// FormatFloat prints a float the way a scenario author wrote it (shortest exact form).
func FormatFloat(x float64) string {
	return fmt.Sprint(x)
}

func finite(param string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return &ParamError{param, "must be a finite number", x}
	}
	return nil
}

// maxMagnitude bounds every parameter: beyond it sums of a few million draws overflow float64.
const maxMagnitude = 1e100

func checkAll(params map[string]float64, order ...string) error {
	for _, name := range order {
		x := params[name]
		if err := finite(name, x); err != nil {
			return err
		}
		if math.Abs(x) > maxMagnitude {
			return &ParamError{name, fmt.Sprintf("must be at most %g in magnitude", maxMagnitude), x}
		}
	}
	return nil
}

// Z95 is the standard normal quantile at 0.95; a 90% interval (p05, p95) spans 2*Z95 sigmas.
const Z95 = 1.6448536269514722

// u01 draws uniformly from the open interval (0, 1), so logarithms and inverse CDFs stay finite.
func u01(r *rand.Rand) float64 {
	return float64((float64(r.Uint64()>>11) + 0.5) * (1.0 / (1 << 53))) // rounded: callers add to it
}

// clampTo keeps a draw min + (max-min) t inside [min, max], which rounding can leave by an ulp (or
// by far more when min is much larger in magnitude than max).
func clampTo(x, min, max float64) float64 {
	if x < min {
		return min
	}
	if x > max {
		return max
	}
	return x
}

func orderedMinModeMax(min, mode, max float64) error {
	if !(min < max) {
		return &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	if mode < min || mode > max {
		return &ParamError{"mode", fmt.Sprintf("must lie in [min, max] = [%s, %s]", FormatFloat(min), FormatFloat(max)), mode}
	}
	return nil
}

func clamp01(p float64) float64 {
	switch {
	case p < 0:
		return 0
	case p > 1:
		return 1
	}
	return p
}

func normCDF(x float64) float64 { return 0.5 * xmath.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return xmath.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

// normQuantile is the standard normal quantile, accurate in both tails (AS241 as gonum has it, in
// xmath; math.Erfcinv loses every digit below 1e-16).
func normQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	return xmath.NormalQuantile(p)
}

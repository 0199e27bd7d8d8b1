package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
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
	return (float64(r.Uint64()>>11) + 0.5) * (1.0 / (1 << 53))
}

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

func (d Uniform) Rand(r *rand.Rand) float64 { return clampTo(d.Min+(d.Max-d.Min)*u01(r), d.Min, d.Max) }

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
func (d Uniform) Mean() float64             { return (d.Min + d.Max) / 2 }
func (d Uniform) Variance() float64         { w := d.Max - d.Min; return w * w / 12 }
func (d Uniform) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Uniform) CDF(x float64) float64     { return clamp01((x - d.Min) / (d.Max - d.Min)) }
func (d Uniform) Quantile(p float64) float64 {
	return d.Min + (d.Max-d.Min)*clamp01(p)
}

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

func orderedMinModeMax(min, mode, max float64) error {
	if !(min < max) {
		return &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	if mode < min || mode > max {
		return &ParamError{"mode", fmt.Sprintf("must lie in [min, max] = [%s, %s]", FormatFloat(min), FormatFloat(max)), mode}
	}
	return nil
}

// Rand inverts the CDF: F(x) = (x-a)^2/((b-a)(c-a)) below the mode c.
func (d Triangular) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }
func (d Triangular) Mean() float64             { return (d.Min + d.Mode + d.Max) / 3 }
func (d Triangular) Variance() float64 {
	a, c, b := d.Min, d.Mode, d.Max
	return (a*a + b*b + c*c - a*b - a*c - b*c) / 18
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

// Beta is a beta distribution with shapes Alpha, Beta, scaled to [Min, Max].
type Beta struct{ Alpha, Beta, Min, Max float64 }

// NewBeta checks alpha, beta > 0 and min < max.
func NewBeta(alpha, beta, min, max float64) (Beta, error) {
	if err := checkAll(map[string]float64{"alpha": alpha, "beta": beta, "min": min, "max": max}, "alpha", "beta", "min", "max"); err != nil {
		return Beta{}, err
	}
	if !(alpha > 0) {
		return Beta{}, &ParamError{"alpha", "must be > 0", alpha}
	}
	if !(beta > 0) {
		return Beta{}, &ParamError{"beta", "must be > 0", beta}
	}
	// Beyond a million the distribution is a point mass in all but name, and the regularized
	// incomplete beta function behind its quantile loses its digits (fuzzing found NaN medians).
	if alpha > maxShape {
		return Beta{}, &ParamError{"alpha", fmt.Sprintf("must be at most %g", float64(maxShape)), alpha}
	}
	if beta > maxShape {
		return Beta{}, &ParamError{"beta", fmt.Sprintf("must be at most %g", float64(maxShape)), beta}
	}
	if !(min < max) {
		return Beta{}, &ParamError{"max", fmt.Sprintf("must be > min %s", FormatFloat(min)), max}
	}
	return Beta{alpha, beta, min, max}, nil
}

// Rand draws X/(X+Y) with X ~ Gamma(alpha), Y ~ Gamma(beta), computed from log X and log Y as
// 1/(1 + exp(log Y - log X)) so that shapes well below 1 (whose gamma draws underflow) stay exact.
func (d Beta) Rand(r *rand.Rand) float64 {
	lx := logGammaRand(r, d.Alpha)
	ly := logGammaRand(r, d.Beta)
	return clampTo(d.Min+(d.Max-d.Min)/(1+math.Exp(ly-lx)), d.Min, d.Max)
}

// logGammaRand draws log of a Gamma(shape, 1) variable; for shape < 1 it uses
// log G(shape) = log G(shape + 1) + log(U)/shape, which never underflows.
func logGammaRand(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return math.Log(gammaRand(r, shape+1)) + math.Log(u01(r))/shape
	}
	return math.Log(gammaRand(r, shape))
}
func (d Beta) Mean() float64 { return d.Min + (d.Max-d.Min)*d.Alpha/(d.Alpha+d.Beta) }
func (d Beta) Variance() float64 {
	a, b, w := d.Alpha, d.Beta, d.Max-d.Min
	return w * w * a * b / ((a + b) * (a + b) * (a + b + 1))
}
func (d Beta) Support() (lo, hi float64) { return d.Min, d.Max }
func (d Beta) CDF(x float64) float64 {
	t := (x - d.Min) / (d.Max - d.Min)
	if t <= 0 {
		return 0
	}
	if t >= 1 {
		return 1
	}
	return mathext.RegIncBeta(d.Alpha, d.Beta, t)
}
func (d Beta) Quantile(p float64) float64 {
	return d.Min + (d.Max-d.Min)*distuv.Beta{Alpha: d.Alpha, Beta: d.Beta}.Quantile(clamp01(p))
}

// gammaRand draws Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating
// gamma variables", with the shape+1 boost for shape < 1.
func gammaRand(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(r, shape+1) * math.Pow(u01(r), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		var x, v float64
		for {
			x = r.NormFloat64()
			v = 1 + c*x
			if v > 0 {
				break
			}
		}
		v = v * v * v
		u := u01(r)
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// maxShape bounds beta shape parameters (see NewBeta).
const maxShape = 1e6

// NewPERT builds the Beta-PERT distribution on [min, max] with most likely value mode:
// alpha = 1 + shape(mode-min)/(max-min), beta = 1 + shape(max-mode)/(max-min), so that
// mean = (min + shape*mode + max)/(shape+2) (Vose, Risk Analysis, 3rd ed., section 9.1.4).
func NewPERT(min, mode, max, shape float64) (Beta, error) {
	if err := checkAll(map[string]float64{"min": min, "mode": mode, "max": max, "shape": shape}, "min", "mode", "max", "shape"); err != nil {
		return Beta{}, err
	}
	if err := orderedMinModeMax(min, mode, max); err != nil {
		return Beta{}, err
	}
	if !(shape > 0) || shape > maxShape-1 {
		return Beta{}, &ParamError{"shape", fmt.Sprintf("must be > 0 and at most %g", float64(maxShape-1)), shape}
	}
	w := max - min
	return Beta{1 + shape*(mode-min)/w, 1 + shape*(max-mode)/w, min, max}, nil
}

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
	if m := mu + sigma*sigma/2; m > math.Log(maxMagnitude) {
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
	lo, hi := math.Log(p05), math.Log(p95)
	return NewLogNormal((lo+hi)/2, (hi-lo)/(2*Z95))
}

func (d LogNormal) Rand(r *rand.Rand) float64 { return math.Exp(d.Mu + d.Sigma*r.NormFloat64()) }
func (d LogNormal) Mean() float64             { return math.Exp(d.Mu + d.Sigma*d.Sigma/2) }
func (d LogNormal) Variance() float64 {
	s2 := d.Sigma * d.Sigma
	return math.Expm1(s2) * math.Exp(2*d.Mu+s2)
}
func (d LogNormal) Support() (lo, hi float64) { return 0, math.Inf(1) }
func (d LogNormal) CDF(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return normCDF((math.Log(x) - d.Mu) / d.Sigma)
}
func (d LogNormal) Quantile(p float64) float64 { return math.Exp(d.Mu + d.Sigma*normQuantile(p)) }

// LogUniform has log(X) uniform on [log Min, log Max].
type LogUniform struct{ Min, Max float64 }

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
	return LogUniform{min, max}, nil
}

func (d LogUniform) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }

// logRatio is ln(max/min), computed as log1p((max-min)/min) so that it keeps its digits when the
// range is narrow.
func (d LogUniform) logRatio() float64 { return math.Log1p((d.Max - d.Min) / d.Min) }

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
	return math.Max(0, (d.Max*d.Max-d.Min*d.Min)/(2*d.logRatio())-m*m)
}
func (d LogUniform) Support() (lo, hi float64) { return d.Min, d.Max }
func (d LogUniform) CDF(x float64) float64 {
	if x <= d.Min {
		return 0
	}
	return clamp01(math.Log(x/d.Min) / math.Log(d.Max/d.Min))
}
func (d LogUniform) Quantile(p float64) float64 {
	return clampTo(d.Min*math.Exp(clamp01(p)*d.logRatio()), d.Min, d.Max)
}

// TruncNormal is a normal N(Mu, Sigma^2) truncated to [0, inf).
type TruncNormal struct{ Mu, Sigma float64 }

// NewTruncNormal checks sigma > 0 and that the truncation keeps a usable mass (mean/sd > -30).
func NewTruncNormal(mu, sigma float64) (TruncNormal, error) {
	if err := checkAll(map[string]float64{"mean": mu, "sd": sigma}, "mean", "sd"); err != nil {
		return TruncNormal{}, err
	}
	if !(sigma > 0) {
		return TruncNormal{}, &ParamError{"sd", "must be > 0", sigma}
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
	return math.Max(0, d.Mu-d.Sigma*normQuantile(u01(r)*d.z()))
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
	return d.Sigma * d.Sigma * (1 + a*l - l*l)
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
	return math.Max(0, d.Mu-d.Sigma*normQuantile((1-clamp01(p))*d.z()))
}

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
		m += d.prob(i) * v
	}
	return m
}
func (d Discrete) Variance() float64 {
	m, s := d.Mean(), 0.0
	for i, v := range d.Values {
		s += d.prob(i) * (v - m) * (v - m)
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

func clamp01(p float64) float64 {
	switch {
	case p < 0:
		return 0
	case p > 1:
		return 1
	}
	return p
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

// normQuantile is the standard normal quantile, accurate in both tails (gonum's AS241
// implementation; math.Erfcinv loses every digit below 1e-16).
func normQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	return distuv.UnitNormal.Quantile(p)
}

var (
	_ Distribution = Constant{}
	_ Distribution = Uniform{}
	_ Distribution = Triangular{}
	_ Distribution = Beta{}
	_ Distribution = LogNormal{}
	_ Distribution = LogUniform{}
	_ Distribution = TruncNormal{}
	_ Distribution = Discrete{}
)

package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/alesim/alesim/internal/xmath"
	"gonum.org/v1/gonum/mat"
)

// Metalog is Keelin's metalog distribution, defined by its quantile function (T. W. Keelin, "The
// Metalog Distributions", Decision Analysis 13(4):243-277, 2016). With y in (0, 1), u = ln(y/(1-y))
// (the logit of y) and c = y - 1/2, the k-term metalog is
//
//	M(y) = a1 + a2 u + a3 c u + a4 c + a5 c^2 + a6 c^2 u + a7 c^3 + a8 c^3 u + ...
//
// where, from the fifth term on, an odd j adds a_j c^((j-1)/2) and an even j adds a_j c^(j/2-1) u
// (Keelin 2016, eq. 6). It is written here as M = G(c) u + H(c), G and H polynomials in c. The
// quantile function Q is M itself when unbounded, and with bounds (Keelin 2016, section 4):
//
//	lower bound bl       Q(y) = bl + exp(M(y))                          (log metalog)
//	upper bound bu       Q(y) = bu - exp(-M(y))
//	both                 Q(y) = (bl + bu exp(M(y))) / (1 + exp(M(y)))   (logit metalog)
//
// The transforms are increasing, so Q is a quantile function exactly when M increases on (0, 1).
// In terms of u, dM/du = G(c) + y(1-y) (G'(c) u + H'(c)), and the density at Q(y) is
// y(1-y) / (T'(M) dM/du), T the transform.
//
// Build one with FitMetalog (from quantiles), FitMetalogData (from a sample) or NewMetalog (from
// coefficients); they check feasibility and compute the moments, which the zero value lacks.
type Metalog struct {
	A            []float64 // a_1 .. a_k, 2 <= k <= MaxMetalogTerms
	Lower, Upper float64   // the bounds; -Inf and +Inf where there is none

	g, h           []float64 // G and H's coefficients, lowest power first
	mean, variance float64
}

// MaxMetalogTerms is the most terms a metalog may have (SIPmath libraries carry up to 16).
const MaxMetalogTerms = 16

// Metalog moments are integrals of the quantile function, E[X^r] = int_0^1 Q(y)^r dy, computed by
// the tanh-sinh (double exponential) rule in the variable t with u = pi sinh(t), so y = sigma(u):
// the trapezoid rule in t on |u| <= metalogUMax, halving the step until two successive sums agree
// to metalogRelTol of int |integrand|. Beyond |u| = metalogUMax, the exponential tails of the
// bounded-below or -above forms are added in closed form (there M = G(+-1/2) u + H(+-1/2) to
// within u e^-u). The rule's error after agreement is far below the agreement itself, so the
// mean and variance are accurate to a relative 1e-10 of E|X| and E[(X - mean)^2].
const (
	tEnd          = 6.0   // the rule's range in t
	metalogRelTol = 1e-11 // successive sums' agreement
)

// metalogUMax is u at t = tEnd, pi sinh 6 = 633.7: y(1-y) < 1e-275 beyond.
func metalogUMax() float64 { return math.Pi * xmath.Sinh(tEnd) }

// metalogForm says which transform a metalog uses.
type metalogForm int

const (
	mlUnbounded metalogForm = iota
	mlLower
	mlUpper
	mlBounded
)

func (d Metalog) kind() metalogForm {
	lo, hi := !math.IsInf(d.Lower, -1), !math.IsInf(d.Upper, 1)
	switch {
	case lo && hi:
		return mlBounded
	case lo:
		return mlLower
	case hi:
		return mlUpper
	}
	return mlUnbounded
}

// Boundedness names the metalog's form: "unbounded", "lower" (semi-bounded below, the log
// metalog), "upper" or "bounded" (the logit metalog).
func (d Metalog) Boundedness() string {
	return [...]string{"unbounded", "lower", "upper", "bounded"}[d.kind()]
}

// Terms is the number of coefficients k.
func (d Metalog) Terms() int { return len(d.A) }

// splitMetalog returns G's and H's coefficients for a_1..a_k.
func splitMetalog(a []float64) (g, h []float64) {
	k := len(a)
	g = make([]float64, k/2+1)
	h = make([]float64, k/2+1)
	for i, x := range a {
		switch j := i + 1; {
		case j == 1:
			h[0] += x
		case j == 2:
			g[0] += x
		case j == 3:
			g[1] += x
		case j == 4:
			h[1] += x
		case j%2 == 1:
			h[(j-1)/2] += x
		default:
			g[j/2-1] += x
		}
	}
	return g, h
}

// metalogBasis returns the k basis functions at logit u (the row of the fitting matrix).
func metalogBasis(u float64, k int, row []float64) {
	c := 0.5 * xmath.Tanh(u/2) // sigma(u) - 1/2, exact in both tails
	for i := 0; i < k; i++ {
		switch j := i + 1; {
		case j == 1:
			row[i] = 1
		case j == 2:
			row[i] = u
		case j == 3:
			row[i] = c * u
		case j == 4:
			row[i] = c
		case j%2 == 1:
			row[i] = xmath.Pow(c, float64((j-1)/2))
		default:
			row[i] = xmath.Pow(c, float64(j/2-1)) * u
		}
	}
}

func horner(p []float64, x float64) float64 {
	s := 0.0
	for i := len(p) - 1; i >= 0; i-- {
		s = float64(s*x) + p[i]
	}
	return s
}

func hornerDeriv(p []float64, x float64) float64 {
	s := 0.0
	for i := len(p) - 1; i >= 1; i-- {
		s = float64(s*x) + float64(float64(i)*p[i])
	}
	return s
}

// sigmoid is 1/(1+e^-u), accurate in both tails.
func sigmoid(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + xmath.Exp(-u))
	}
	e := xmath.Exp(u)
	return e / (1 + e)
}

// logitOf is ln(p/(1-p)).
func logitOf(p float64) float64 { return xmath.Log(p) - xmath.Log1p(-p) }

// mu is M at logit u.
func (d Metalog) mu(u float64) float64 {
	c := 0.5 * xmath.Tanh(u/2)
	return float64(horner(d.g, c)*u) + horner(d.h, c)
}

// dmu is dM/du at logit u.
func (d Metalog) dmu(u float64) float64 {
	c := 0.5 * xmath.Tanh(u/2)
	s := 0.25 / (xmath.Cosh(u/2) * xmath.Cosh(u/2)) // y(1-y)
	if math.IsInf(s, 0) || math.IsNaN(s) {
		s = 0
	}
	return horner(d.g, c) + float64(s*(float64(hornerDeriv(d.g, c)*u)+hornerDeriv(d.h, c)))
}

// transform maps M to the quantile.
func (d Metalog) transform(m float64) float64 {
	switch d.kind() {
	case mlLower:
		return d.Lower + xmath.Exp(m)
	case mlUpper:
		return d.Upper - xmath.Exp(-m)
	case mlBounded:
		return clampTo(d.Lower+float64((d.Upper-d.Lower)*sigmoid(m)), d.Lower, d.Upper)
	}
	return m
}

// untransform maps a value inside the support to M (the inverse of transform).
func (d Metalog) untransform(x float64) float64 {
	switch d.kind() {
	case mlLower:
		return xmath.Log(x - d.Lower)
	case mlUpper:
		return -xmath.Log(d.Upper - x)
	case mlBounded:
		return xmath.Log(x-d.Lower) - xmath.Log(d.Upper-x)
	}
	return x
}

// NewMetalog builds the metalog with coefficients a (2 to MaxMetalogTerms of them) and bounds lower
// and upper (-Inf and +Inf for none). It checks that the quantile function increases on (0, 1)
// (see Feasible) and that the mean is finite, and computes the mean and variance.
func NewMetalog(a []float64, lower, upper float64) (Metalog, error) {
	if len(a) < 2 || len(a) > MaxMetalogTerms {
		return Metalog{}, &ParamError{"terms", fmt.Sprintf("must be between 2 and %d", MaxMetalogTerms), float64(len(a))}
	}
	for i, x := range a {
		name := fmt.Sprintf("a[%d]", i)
		if err := checkAll(map[string]float64{name: x}, name); err != nil {
			return Metalog{}, err
		}
	}
	if err := checkBounds(lower, upper); err != nil {
		return Metalog{}, err
	}
	d := Metalog{A: append([]float64(nil), a...), Lower: lower, Upper: upper}
	d.g, d.h = splitMetalog(d.A)
	if ok, p := d.Feasible(); !ok {
		return Metalog{}, &ParamError{"terms", fmt.Sprintf("these coefficients give no distribution: the quantile function decreases %s", where(p)), float64(len(a))}
	}
	if err := d.moments(); err != nil {
		return Metalog{}, err
	}
	return d, nil
}

// where says where a quantile function fails to increase: in a tail, or near a probability.
func where(p float64) string {
	switch p {
	case 0:
		return "in its lower tail (p near 0)"
	case 1:
		return "in its upper tail (p near 1)"
	}
	return fmt.Sprintf("near p = %.3g", p)
}

func checkBounds(lower, upper float64) error {
	if math.IsNaN(lower) || math.IsInf(lower, 1) {
		return &ParamError{"lower", "must be a finite number", lower}
	}
	if math.IsNaN(upper) || math.IsInf(upper, -1) {
		return &ParamError{"upper", "must be a finite number", upper}
	}
	if !math.IsInf(lower, -1) && math.Abs(lower) > maxMagnitude {
		return &ParamError{"lower", fmt.Sprintf("must be at most %g in magnitude", maxMagnitude), lower}
	}
	if !math.IsInf(upper, 1) && math.Abs(upper) > maxMagnitude {
		return &ParamError{"upper", fmt.Sprintf("must be at most %g in magnitude", maxMagnitude), upper}
	}
	if !(lower < upper) {
		return &ParamError{"upper", fmt.Sprintf("must be > lower %s", FormatFloat(lower)), upper}
	}
	return nil
}

// tails returns G(-1/2) and G(1/2), the factors of u in M as y tends to 0 and to 1.
func (d Metalog) tails() (gLo, gHi float64) { return horner(d.g, -0.5), horner(d.g, 0.5) }

// Feasible reports whether the quantile function increases on (0, 1), and if not, a probability
// near which it fails. The check has two parts:
//
//   - the tails, analytically. Since |G(c) - G(-+1/2)| <= max|G'| e^-|u| and y(1-y) <= e^-|u|,
//     dM/du >= G(-+1/2) - e^-|u| ((1 + |u|) max|G'| + max|H'|), the maxima over c in [-1/2, 1/2]
//     bounded by sums of absolute coefficients. So G(-1/2) > 0 and G(1/2) > 0 are necessary, and
//     with them dM/du > 0 for all |u| >= U0, the first U0 where that bound reaches half the smaller
//     of the two;
//   - |u| < U0 on a grid, 0.01 apart within |u| <= 40 (p from 4e-18 to 1 - 4e-18) and 0.1 apart
//     beyond: dM/du must be positive at every point and M must not decrease between points.
func (d Metalog) Feasible() (bool, float64) {
	gLo, gHi := d.tails()
	scale := 0.0
	for _, x := range d.A {
		scale += math.Abs(x)
	}
	eps := 1e-12 * scale
	if !(gLo > eps) {
		return false, 0
	}
	if !(gHi > eps) {
		return false, 1
	}
	bg, bh := 0.0, 0.0
	for i := 1; i < len(d.g); i++ {
		bg += float64(float64(i) * math.Abs(d.g[i]) * xmath.Pow(0.5, float64(i-1)))
	}
	for i := 1; i < len(d.h); i++ {
		bh += float64(float64(i) * math.Abs(d.h[i]) * xmath.Pow(0.5, float64(i-1)))
	}
	half := math.Min(gLo, gHi) / 2
	u0 := 4.0
	for u0 < 745 && xmath.Exp(-u0)*(float64((1+u0)*bg)+bh) > half {
		u0++
	}
	prev := math.Inf(-1)
	for u := -u0; u <= u0; {
		m := d.mu(u)
		if !(d.dmu(u) > 0) || m < prev {
			return false, sigmoid(u)
		}
		prev = m
		if math.Abs(u) < 40 {
			u += 0.01
		} else {
			u += 0.1
		}
	}
	return true, 0
}

// tailExponent is the exponent of the heavy tail of a semi-bounded metalog: for the log metalog
// Q ~ bl + e^H (1-y)^-G(1/2) as y -> 1, so E[X^r] is finite if and only if r G(1/2) < 1; for the
// upper-bounded form, likewise G(-1/2) as y -> 0. Unbounded and bounded metalogs have every moment
// (their quantile grows like ln y at most), and report 0.
func (d Metalog) tailExponent() float64 {
	gLo, gHi := d.tails()
	switch d.kind() {
	case mlLower:
		return gHi
	case mlUpper:
		return gLo
	}
	return 0
}

// moments computes the mean and variance, or says why there is no mean.
func (d *Metalog) moments() error {
	if g := d.tailExponent(); g >= 1 {
		side := "upper"
		if d.kind() == mlUpper {
			side = "lower"
		}
		return &ParamError{"quantiles", fmt.Sprintf("the fit has no mean: its %s tail falls like a log-logistic's with tail exponent %.3g >= 1; give the other bound, narrower quantiles or fewer terms", side, g), g}
	}
	mean, ok := d.integrate(1, 0)
	if !ok || math.IsNaN(mean) || math.IsInf(mean, 0) || math.Abs(mean) > maxMagnitude {
		return &ParamError{"quantiles", fmt.Sprintf("the fit's mean cannot be computed to a relative 1e-10 (beyond %g in magnitude, or too heavy a tail): give bounds or narrower quantiles", maxMagnitude), mean}
	}
	d.mean = mean
	if 2*d.tailExponent() >= 1 {
		d.variance = math.Inf(1)
		return nil
	}
	v, ok := d.integrate(2, mean)
	if !ok || math.IsNaN(v) {
		v = math.Inf(1)
	}
	d.variance = math.Max(0, v)
	return nil
}

// integrate returns int_0^1 (Q(y) - c)^r dy for r = 1 or 2 by the rule of metalogRelTol, and
// whether the sums converged. In u, dy = y(1-y) du; for the semi-bounded forms, where Q = b +-
// e^E (E = M or -M), the integrand (b - c +- e^E)^r y(1-y) is expanded and each term taken as
// one exponential of a sum of logarithms, so that neither e^E nor y(1-y) overflows or underflows
// on its own.
func (d Metalog) integrate(r int, c float64) (float64, bool) {
	k := d.kind()
	eval := func(t float64) float64 {
		u := math.Pi * xmath.Sinh(t)
		au := math.Abs(u)
		ls := -au - 2*xmath.Log1p(xmath.Exp(-au)) // ln y(1-y)
		w := math.Pi * xmath.Cosh(t)
		m := d.mu(u)
		switch k {
		case mlLower, mlUpper:
			sign, b, e := 1.0, d.Lower, m
			if k == mlUpper {
				sign, b, e = -1, d.Upper, -m
			}
			bc := b - c
			if r == 1 {
				return w * (float64(bc*xmath.Exp(ls)) + float64(sign*xmath.Exp(e+ls)))
			}
			return w * (float64(bc*bc*xmath.Exp(ls)) + float64(2*sign*bc*xmath.Exp(e+ls)) + xmath.Exp(float64(2*e)+ls))
		}
		q := d.transform(m) - c
		if r == 2 {
			q *= q
		}
		return w * q * xmath.Exp(ls)
	}
	// t = +-tEnd are grid points of every level and weigh half (the trapezoid rule on [-tEnd,
	// tEnd]); the closed-form tails take over beyond. Where the integrand is not negligible there
	// (a tail exponent near 1) the rule converges as h^2 rather than double-exponentially and
	// takes more halvings.
	h := 0.5
	n := int(math.Round(tEnd / h))
	s0, a0 := 0.0, 0.0
	for i := -n; i <= n; i++ {
		v := eval(float64(i) * h)
		if i == -n || i == n {
			v /= 2
		}
		s0 += v
		a0 += math.Abs(v)
	}
	s0 *= h
	a0 *= h
	for level := 0; level < 16; level++ {
		h /= 2
		n = int(math.Round(tEnd / h))
		s1, a1 := 0.0, 0.0
		for i := -n + 1; i < n; i += 2 {
			v := eval(float64(i) * h)
			s1 += v
			a1 += math.Abs(v)
		}
		sNew, aNew := float64(s0/2)+float64(h*s1), float64(a0/2)+float64(h*a1)
		done := level >= 2 && math.Abs(sNew-s0) <= metalogRelTol*aNew
		s0, a0 = sNew, aNew
		if done {
			return s0 + d.tailBeyond(r), true
		}
	}
	return s0, false
}

// tailBeyond is the closed-form integral of Q^r dy over |u| > metalogUMax for the semi-bounded
// forms (see metalogRelTol); it is nil for the others, whose integrands there are below e^-700.
// For the log metalog, int_U^inf e^(r M - u) du with M = G(1/2) u + H(1/2) is
// e^(r H(1/2) - (1 - r G(1/2)) U) / (1 - r G(1/2)); the upper-bounded form mirrors it.
func (d Metalog) tailBeyond(r int) float64 {
	gLo, gHi := d.tails()
	rr := float64(r)
	switch d.kind() {
	case mlLower:
		k := 1 - float64(rr*gHi)
		return xmath.Exp(float64(rr*horner(d.h, 0.5))-float64(k*metalogUMax())) / k
	case mlUpper:
		k := 1 - float64(rr*gLo)
		v := xmath.Exp(float64(-rr*horner(d.h, -0.5))-float64(k*metalogUMax())) / k
		if r == 1 {
			return -v
		}
		return v
	}
	return 0
}

// Rand inverts the CDF: Q(U) with U uniform on (0, 1).
func (d Metalog) Rand(r *rand.Rand) float64 { return d.Quantile(u01(r)) }

// Mean is int_0^1 Q(y) dy (see metalogRelTol for its accuracy).
func (d Metalog) Mean() float64 { return d.mean }

// Variance is int_0^1 (Q(y) - mean)^2 dy, +Inf when the semi-bounded tail's exponent is 1/2 or
// more (see tailExponent).
func (d Metalog) Variance() float64 { return d.variance }

// Support is [Lower, Upper].
func (d Metalog) Support() (lo, hi float64) { return d.Lower, d.Upper }

// Quantile is Q(p) in closed form; Q(0) and Q(1) are the bounds (infinite where there is none).
func (d Metalog) Quantile(p float64) float64 {
	switch {
	case !(p > 0):
		return d.Lower
	case p >= 1:
		return d.Upper
	}
	return d.transform(d.mu(logitOf(p)))
}

// QuantileAtLogit is Q at the probability with logit u, sigma(u) = 1/(1+e^-u): in the far tails
// it keeps the digits that p itself (rounded near 1) loses.
func (d Metalog) QuantileAtLogit(u float64) float64 { return d.transform(d.mu(u)) }

// CDF finds y with Q(y) = x by safeguarded Newton iteration on the logit u of y (M is increasing
// in u, so the bracket only shrinks), to a relative 1e-15 in u.
func (d Metalog) CDF(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x <= d.Lower:
		return 0
	case x >= d.Upper:
		return 1
	}
	u, ok := d.logitAt(x)
	if !ok {
		return u // 0 or 1: beyond the representable tails
	}
	return sigmoid(u)
}

// logitAt solves M(u) = untransform(x); when x lies beyond Q at |u| = 745 (where y underflows) it
// returns 0 or 1 and false.
func (d Metalog) logitAt(x float64) (float64, bool) {
	z := d.untransform(x)
	const uLim = 745.0
	lo, hi := -1.0, 1.0
	for d.mu(lo) > z {
		if lo <= -uLim {
			return 0, false
		}
		lo = math.Max(2*lo, -uLim)
	}
	for d.mu(hi) < z {
		if hi >= uLim {
			return 1, false
		}
		hi = math.Min(2*hi, uLim)
	}
	u := (lo + hi) / 2
	for i := 0; i < 200; i++ {
		f := d.mu(u) - z
		if f > 0 {
			hi = u
		} else {
			lo = u
		}
		if f == 0 {
			break
		}
		next := u - f/d.dmu(u)
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-u) <= 1e-15*math.Max(1, math.Abs(u)) || hi-lo <= 1e-15*math.Max(1, math.Abs(u)) {
			u = next
			break
		}
		u = next
	}
	return u, true
}

// PDF is the density at x: y(1-y) / (T'(M) dM/du) at the y with Q(y) = x.
func (d Metalog) PDF(x float64) float64 {
	if !(x > d.Lower && x < d.Upper) {
		return 0
	}
	u, ok := d.logitAt(x)
	if !ok {
		return 0
	}
	return d.pdfAtLogit(u)
}

// pdfAtLogit is the density at Q(sigma(u)).
func (d Metalog) pdfAtLogit(u float64) float64 {
	s := 0.25 / (xmath.Cosh(u/2) * xmath.Cosh(u/2))
	m := d.mu(u)
	var dt float64
	switch d.kind() {
	case mlLower:
		dt = xmath.Exp(m)
	case mlUpper:
		dt = xmath.Exp(-m)
	case mlBounded:
		dt = (d.Upper - d.Lower) * sigmoid(m) * sigmoid(-m)
	default:
		dt = 1
	}
	return s / (dt * d.dmu(u))
}

// FitMetalog fits a metalog of the given number of terms (2 to len(ps); 0 means len(ps)) through
// the quantiles x_i = Q(p_i), by linear least squares on the metalog basis after the bounds'
// transform z_i = ln(x_i - lower) etc. (Keelin 2016, eq. 7: a = (Y'Y)^-1 Y'z): exact when terms =
// len(ps). Probabilities must lie in (0, 1) and differ; the values must increase with p and lie
// strictly inside the bounds. A fit that is not a distribution is an error naming terms with a
// hint (fewer terms, or bounds).
func FitMetalog(ps, xs []float64, terms int, lower, upper float64) (Metalog, error) {
	n := len(ps)
	if n < 2 {
		return Metalog{}, &ParamError{"quantiles", "must give at least 2 pairs [p, x]", float64(n)}
	}
	if len(xs) != n {
		return Metalog{}, &ParamError{"quantiles", fmt.Sprintf("must give as many values as probabilities (%d)", n), float64(len(xs))}
	}
	if terms == 0 {
		terms = n
	}
	if terms < 2 || terms > n || terms > MaxMetalogTerms {
		return Metalog{}, &ParamError{"terms", fmt.Sprintf("must be between 2 and the number of quantiles %d (at most %d)", n, MaxMetalogTerms), float64(terms)}
	}
	if err := checkBounds(lower, upper); err != nil {
		return Metalog{}, err
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
		p, x := ps[i], xs[i]
		if math.IsNaN(p) || !(p > 0 && p < 1) {
			return Metalog{}, &ParamError{fmt.Sprintf("quantiles[%d]", i), "probability must lie strictly between 0 and 1", p}
		}
		if err := checkAll(map[string]float64{fmt.Sprintf("quantiles[%d]", i): x}, fmt.Sprintf("quantiles[%d]", i)); err != nil {
			return Metalog{}, err
		}
		if !(x > lower && x < upper) {
			return Metalog{}, &ParamError{fmt.Sprintf("quantiles[%d]", i), fmt.Sprintf("value must lie strictly between the bounds %s and %s", FormatFloat(lower), FormatFloat(upper)), x}
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	for k := 1; k < n; k++ {
		i, j := idx[k-1], idx[k]
		if ps[i] == ps[j] {
			return Metalog{}, &ParamError{fmt.Sprintf("quantiles[%d]", j), fmt.Sprintf("probability repeats quantiles[%d]'s", i), ps[j]}
		}
		if !(xs[j] > xs[i]) {
			return Metalog{}, &ParamError{fmt.Sprintf("quantiles[%d]", j), fmt.Sprintf("value must exceed quantiles[%d]'s %s, whose probability is lower", i, FormatFloat(xs[i])), xs[j]}
		}
	}
	us := make([]float64, n)
	zs := make([]float64, n)
	m := Metalog{Lower: lower, Upper: upper}
	for i := range ps {
		us[i] = logitOf(ps[i])
		zs[i] = m.untransform(xs[i])
	}
	a, err := leastSquares(us, zs, terms)
	if err != nil {
		return Metalog{}, err
	}
	d, err := NewMetalog(a, lower, upper)
	if pe, ok := err.(*ParamError); ok && pe.Param == "terms" {
		hint := "use fewer terms, or give lower/upper bounds"
		if m.kind() != mlUnbounded {
			hint = "use fewer terms, or other bounds"
		}
		m.A = a
		m.g, m.h = splitMetalog(a)
		_, p := m.Feasible()
		return Metalog{}, &ParamError{"terms", fmt.Sprintf("a %d-term metalog through these quantiles is not a distribution (its quantile function decreases %s): %s", terms, where(p), hint), float64(terms)}
	}
	return d, err
}

// leastSquares solves min |Y a - z| for the k-term basis at logits us, refusing a design whose
// condition number passes 1e12 (the probabilities do not determine k coefficients).
func leastSquares(us, zs []float64, k int) ([]float64, error) {
	n := len(us)
	y := mat.NewDense(n, k, nil)
	row := make([]float64, k)
	for i, u := range us {
		metalogBasis(u, k, row)
		y.SetRow(i, row)
	}
	var svd mat.SVD
	if !svd.Factorize(y, mat.SVDThin) {
		return nil, &ParamError{"quantiles", "cannot be fitted (the least-squares factorization failed)", float64(n)}
	}
	if c := svd.Cond(); !(c < 1e12) {
		return nil, &ParamError{"terms", fmt.Sprintf("is too many for these probabilities: they do not determine %d coefficients (condition number %.3g); use fewer terms", k, c), float64(k)}
	}
	var a mat.Dense
	svd.SolveTo(&a, mat.NewDense(n, 1, append([]float64(nil), zs...)), svd.Rank(1e-15))
	out := make([]float64, k)
	for j := range out {
		out[j] = a.At(j, 0)
	}
	return out, nil
}

// MetalogFit is a metalog fitted to a sample, with how far it is from the sample.
type MetalogFit struct {
	Metalog
	// KS is the Kolmogorov-Smirnov distance between the metalog's CDF and the sample's empirical
	// CDF, max_i max(|F(x_(i)) - i/n|, |F(x_(i)) - (i-1)/n|) over the sorted sample.
	KS float64
	// Points is the number of empirical quantiles the least squares used.
	Points int
}

// FitMetalogData fits metalogs of 2 to maxTerms terms to a sample (sorted ascending) by least
// squares on up to 1000 of its empirical quantiles, x_(i) at p = (i - 1/2)/n (Keelin 2016,
// section 5), and returns the feasible one nearest the sample in the Kolmogorov-Smirnov distance
// (fewer terms on a tie), with that distance. Values outside (lower, upper) are not allowed.
func FitMetalogData(sorted []float64, maxTerms int, lower, upper float64) (MetalogFit, error) {
	n := len(sorted)
	if n < 3 {
		return MetalogFit{}, fmt.Errorf("a sample of %d values is too small to fit a metalog", n)
	}
	if err := checkBounds(lower, upper); err != nil {
		return MetalogFit{}, err
	}
	if !(sorted[0] > lower && sorted[n-1] < upper) {
		return MetalogFit{}, fmt.Errorf("the sample [%g, %g] is not strictly inside the bounds (%g, %g)", sorted[0], sorted[n-1], lower, upper)
	}
	pts := min(n, 1000)
	us := make([]float64, pts)
	zs := make([]float64, pts)
	probe := Metalog{Lower: lower, Upper: upper}
	for i := range pts {
		// The i-th of pts evenly spaced empirical quantiles.
		j := i
		if pts < n {
			j = int((float64(i) + 0.5) * float64(n) / float64(pts))
		}
		p := (float64(j) + 0.5) / float64(n)
		us[i] = logitOf(p)
		zs[i] = probe.untransform(sorted[j])
	}
	maxTerms = min(maxTerms, MaxMetalogTerms, pts)
	best := MetalogFit{KS: math.Inf(1)}
	for k := 2; k <= maxTerms; k++ {
		a, err := leastSquares(us, zs, k)
		if err != nil {
			continue
		}
		d, err := NewMetalog(a, lower, upper)
		if err != nil {
			continue
		}
		if ks := ksDistance(d, sorted, 4000); ks < best.KS {
			best = MetalogFit{Metalog: d, KS: ks, Points: pts}
		}
	}
	if math.IsInf(best.KS, 1) {
		return MetalogFit{}, fmt.Errorf("no metalog of 2 to %d terms fits this sample as a distribution", maxTerms)
	}
	best.KS = ksDistance(best.Metalog, sorted, n)
	return best, nil
}

// ksDistance is the Kolmogorov-Smirnov distance between d and the sorted sample, over at most m
// of its order statistics (all of them when m >= len(sorted)).
func ksDistance(d Metalog, sorted []float64, m int) float64 {
	n := len(sorted)
	step := 1
	if m < n {
		step = (n + m - 1) / m
	}
	ks := 0.0
	for i := 0; i < n; i += step {
		// Over a run of ties the empirical CDF jumps from i/n to (last+1)/n.
		j := i
		for j+1 < n && sorted[j+1] == sorted[i] {
			j++
		}
		f := d.CDF(sorted[i])
		ks = math.Max(ks, math.Max(math.Abs(f-float64(i)/float64(n)), math.Abs(float64(j+1)/float64(n)-f)))
	}
	return ks
}

var _ Distribution = Metalog{}

// The scenario's metalog: 3 to 10 elicited quantiles [p, x], optional bounds and terms.
const (
	minMetalogQuantiles = 3
	maxMetalogQuantiles = 10
)

var metalogKind = Kind{
	Name: "metalog",
	Params: []Param{
		{Name: "quantiles", List: true, Pairs: true},
		{Name: "lower", Optional: true, Default: math.Inf(-1)},
		{Name: "upper", Optional: true, Default: math.Inf(1)},
		{Name: "terms", Optional: true, Default: 0},
	},
	Note: "3 to 10 pairs [p, x], 0 < p < 1, x increasing with p and strictly inside the bounds; terms 2 to the number of pairs (0: one per pair, an exact fit); the fit must be increasing and have a finite variance",
	New: func(v Values) (Distribution, error) {
		q := v.Lists["quantiles"]
		if len(q)%2 != 0 {
			return nil, &ParamError{"quantiles", "must be pairs [p, x]", float64(len(q))}
		}
		n := len(q) / 2
		if n < minMetalogQuantiles || n > maxMetalogQuantiles {
			return nil, &ParamError{"quantiles", fmt.Sprintf("must give %d to %d pairs [p, x]", minMetalogQuantiles, maxMetalogQuantiles), float64(n)}
		}
		terms := v.Nums["terms"]
		if terms != math.Trunc(terms) || terms < 0 || terms > maxMetalogQuantiles {
			return nil, &ParamError{"terms", fmt.Sprintf("must be a whole number from 2 to the number of pairs %d, or 0 for one per pair", n), terms}
		}
		ps, xs := make([]float64, n), make([]float64, n)
		for i := range n {
			ps[i], xs[i] = q[2*i], q[2*i+1]
		}
		d, err := FitMetalog(ps, xs, int(terms), v.Nums["lower"], v.Nums["upper"])
		if err != nil {
			return nil, err
		}
		// A scenario's inputs need a variance: the simulation's confidence intervals rest on it.
		if g := d.tailExponent(); math.IsInf(d.Variance(), 1) {
			return nil, &ParamError{"quantiles", fmt.Sprintf("the fit's tail is too heavy for a variance (it falls like a log-logistic's with tail exponent %.3g >= 1/2); give the other bound, narrower quantiles or fewer terms", g), g}
		}
		return d, nil
	},
	Describe: func(v Values) string {
		s := fmt.Sprintf("metalog(%d quantiles", len(v.Lists["quantiles"])/2)
		if lo := v.Nums["lower"]; !math.IsInf(lo, -1) {
			s += fmt.Sprintf(", lower %g", lo)
		}
		if hi := v.Nums["upper"]; !math.IsInf(hi, 1) {
			s += fmt.Sprintf(", upper %g", hi)
		}
		if t := v.Nums["terms"]; t != 0 {
			s += fmt.Sprintf(", %g terms", t)
		}
		return s + ")"
	},
}

package dist

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

var (
	negInf = math.Inf(-1)
	posInf = math.Inf(1)
)

// quantileSets are elicitation designs of 3 to 10 probabilities, as a scenario gives them.
var quantileSets = [][]float64{
	{0.1, 0.5, 0.9},
	{0.05, 0.25, 0.75, 0.95},
	{0.05, 0.25, 0.5, 0.75, 0.95},
	{0.01, 0.1, 0.3, 0.7, 0.9, 0.99},
	{0.01, 0.1, 0.3, 0.45, 0.7, 0.9, 0.99},
	{0.01, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.99},
	{0.01, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.99},
	{0.01, 0.05, 0.1, 0.25, 0.4, 0.6, 0.75, 0.9, 0.95, 0.99},
}

type known struct {
	name         string
	q            func(float64) float64
	lower, upper float64
	mean, sd     float64
}

func knownDists() []known {
	n := distuv.Normal{Mu: 5, Sigma: 2}
	ln := distuv.LogNormal{Mu: 1, Sigma: 0.5}
	be := distuv.Beta{Alpha: 2, Beta: 5}
	ga := distuv.Gamma{Alpha: 2, Beta: 1}
	return []known{
		{"normal", n.Quantile, negInf, posInf, 5, 2},
		{"lognormal (log metalog, lower 0)", ln.Quantile, 0, posInf, ln.Mean(), ln.StdDev()},
		{"beta (logit metalog, [0, 1])", be.Quantile, 0, 1, be.Mean(), be.StdDev()},
		{"gamma (log metalog, lower 0)", ga.Quantile, 0, posInf, ga.Mean(), ga.StdDev()},
	}
}

// TestMetalogExactThroughQuantiles: with as many terms as quantiles the least squares is a square
// solve, so the fit passes through every given quantile; rounding in a 10 x 10 solve of condition
// below 1e6 costs well under 1e-9 relative.
func TestMetalogExactThroughQuantiles(t *testing.T) {
	for _, k := range knownDists() {
		for _, ps := range quantileSets {
			xs := make([]float64, len(ps))
			for i, p := range ps {
				xs[i] = k.q(p)
			}
			d, err := FitMetalog(ps, xs, 0, k.lower, k.upper)
			if err != nil {
				t.Errorf("%s, %d quantiles: %v", k.name, len(ps), err)
				continue
			}
			if d.Terms() != len(ps) {
				t.Errorf("%s: %d terms, want %d", k.name, d.Terms(), len(ps))
			}
			for i, p := range ps {
				if got := d.Quantile(p); math.Abs(got-xs[i]) > 1e-9*math.Abs(xs[i]) {
					t.Errorf("%s, %d quantiles: Q(%g) = %.15g, want %.15g", k.name, len(ps), p, got, xs[i])
				}
				if got := d.CDF(xs[i]); math.Abs(got-p) > 1e-9 {
					t.Errorf("%s, %d quantiles: CDF(%g) = %.15g, want %g", k.name, len(ps), xs[i], got, p)
				}
			}
		}
	}
}

// logitGrid integrates f(y) dy over (0, 1) by the midpoint rule in the logit u on [-40, 40], step
// 0.002: an independent check of the package's tanh-sinh rule, accurate to about 1e-7 relative for
// the smooth integrands here (the midpoint error is h^2/24 times the integrand's second
// derivative in u; the truncation at |u| = 40 leaves e^-40 of the mass).
func logitGrid(f func(y float64) float64) float64 {
	const h = 0.002
	s := 0.0
	for u := -40 + h/2; u < 40; u += h {
		y := sigmoid(u)
		s += f(y) * y * sigmoid(-u) * h
	}
	return s
}

// TestMetalogApproximatesKnown fits 10 terms by least squares through the 99 percentiles of each
// known distribution and checks the fit against it:
//   - Quantile within 1% of the sd on [0.01, 0.99]: the claim that a 10-term metalog carries these
//     shapes closely (Keelin 2016, section 6); a wrong basis, transform or solve misses by far more;
//   - CDF: |F_fit(x) - F(x)| at x = Q(p) is at most max|Q_fit - Q| times the fit's largest density
//     (mean value theorem), evaluated here;
//   - Mean: |E_fit - E| <= int |Q_fit - Q| dy (triangle inequality), the bound computed by an
//     independent quadrature (logitGrid), plus its 1e-6 relative accuracy;
//   - sd: |sd_fit - sd| <= ||Q_fit - Q||_2 + |E_fit - E| (Minkowski), likewise.
func TestMetalogApproximatesKnown(t *testing.T) {
	var ps []float64
	for i := 1; i < 100; i++ {
		ps = append(ps, float64(i)/100)
	}
	for _, k := range knownDists() {
		t.Run(k.name, func(t *testing.T) {
			xs := make([]float64, len(ps))
			for i, p := range ps {
				xs[i] = k.q(p)
			}
			d, err := FitMetalog(ps, xs, 10, k.lower, k.upper)
			if err != nil {
				t.Fatal(err)
			}
			maxErr, maxPDF := 0.0, 0.0
			for p := 0.01; p <= 0.99; p += 0.0005 {
				maxErr = math.Max(maxErr, math.Abs(d.Quantile(p)-k.q(p)))
				maxPDF = math.Max(maxPDF, d.pdfAtLogit(logitOf(p)))
			}
			if maxErr > 0.01*k.sd {
				t.Errorf("quantile error %g > 1%% of sd %g", maxErr, k.sd)
			}
			for _, p := range []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99} {
				if got := d.CDF(k.q(p)); math.Abs(got-p) > maxErr*maxPDF+1e-12 {
					t.Errorf("CDF(Q(%g)) = %g, beyond %g", p, got, maxErr*maxPDF)
				}
			}
			l1 := logitGrid(func(y float64) float64 { return math.Abs(d.Quantile(y) - k.q(y)) })
			l2 := math.Sqrt(logitGrid(func(y float64) float64 { e := d.Quantile(y) - k.q(y); return e * e }))
			if tol := l1 + 1e-6*math.Abs(k.mean); math.Abs(d.Mean()-k.mean) > tol {
				t.Errorf("mean %g, true %g, beyond %g", d.Mean(), k.mean, tol)
			}
			if tol := l2 + l1 + 1e-6*k.sd; math.Abs(math.Sqrt(d.Variance())-k.sd) > tol {
				t.Errorf("sd %g, true %g, beyond %g", math.Sqrt(d.Variance()), k.sd, tol)
			}
		})
	}
}

// TestMetalogSymmetricMean: for probabilities symmetric about 1/2 the basis splits into even and
// odd functions of u, orthogonal over the points, so the fit of a symmetric distribution is mu plus
// an odd function and its mean is mu exactly; the quadrature's error is within 1e-10 of E|X|.
func TestMetalogSymmetricMean(t *testing.T) {
	ps := []float64{0.01, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.99}
	n := distuv.Normal{Mu: -3, Sigma: 7}
	xs := make([]float64, len(ps))
	for i, p := range ps {
		xs[i] = n.Quantile(p)
	}
	for terms := 2; terms <= 9; terms++ {
		d, err := FitMetalog(ps, xs, terms, negInf, posInf)
		if err != nil {
			continue // an even number of odd functions past the symmetric points' freedom
		}
		if math.Abs(d.Mean()+3) > 1e-10*10 {
			t.Errorf("%d terms: mean %.15g, want -3", terms, d.Mean())
		}
	}
}

// metalogBasisMean is int_0^1 of basis function j (1-based) dy in closed form: int c^n dy is
// (1/2)^n/(n+1) for even n and 0 for odd; int c^n u dy is 0 for even n and, for odd n,
// 2 int_0^1 (y - 1/2)^n ln y dy = -2 sum_k C(n, k) (-1/2)^(n-k) / (k+1)^2 (from int y^k ln y =
// -1/(k+1)^2 and u(1-y) = -u(y)).
func metalogBasisMean(j int) float64 {
	powC := func(n int) float64 {
		if n%2 == 1 {
			return 0
		}
		return math.Pow(0.5, float64(n)) / float64(n+1)
	}
	powCU := func(n int) float64 {
		if n%2 == 0 {
			return 0
		}
		s := 0.0
		for k := 0; k <= n; k++ {
			s += binom(n, k) * math.Pow(-0.5, float64(n-k)) / float64((k+1)*(k+1))
		}
		return -2 * s
	}
	switch {
	case j == 1:
		return 1
	case j == 2:
		return powCU(0)
	case j == 3:
		return powCU(1)
	case j == 4:
		return powC(1)
	case j%2 == 1:
		return powC((j - 1) / 2)
	}
	return powCU(j/2 - 1)
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// TestMetalogMeanClosedForms checks the quadrature against closed forms: the unbounded metalog's
// mean sum_j a_j int basis_j (Keelin 2016 gives a1 + a3/2 + a5/12 + ...; int c u dy = 1/2 here is
// its a3/2), and the 3-term log metalog with a3 = 0, Q = bl + e^a1 (y/(1-y))^a2, a log-logistic
// with mean bl + e^a1 pi a2 / sin(pi a2) and E[(Q-bl)^2] = e^(2 a1) 2 pi a2 / sin(2 pi a2)
// (a Beta-function integral; finite for a2 < 1 and a2 < 1/2). Both to the stated 1e-10 relative;
// a2 = 0.95 puts most of the mean beyond p = 1 - 1e-9 and checks the closed-form tail.
func TestMetalogMeanClosedForms(t *testing.T) {
	if math.Abs(metalogBasisMean(3)-0.5) > 1e-15 || math.Abs(metalogBasisMean(5)-1.0/12) > 1e-15 {
		t.Fatalf("closed forms: int c u = %g (want 1/2), int c^2 = %g (want 1/12)", metalogBasisMean(3), metalogBasisMean(5))
	}
	for _, a := range [][]float64{
		{1, 2, 0.5},
		{10, 1.5, -0.3, 2},
		{0, 1, 0.2, 0.1, 0.3, 0.05, 0.01, -0.02, 0.1, 0.01},
		{-5, 0.5, 0.1, 0.2, 0.1, 0.05, -0.05, 0.02, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01},
	} {
		d, err := NewMetalog(a, negInf, posInf)
		if err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		want := 0.0
		for j := range a {
			want += a[j] * metalogBasisMean(j+1)
		}
		scale := logitGrid(func(y float64) float64 { return math.Abs(d.Quantile(y)) })
		if math.Abs(d.Mean()-want) > 1e-10*scale {
			t.Errorf("%d terms: mean %.15g, closed form %.15g", len(a), d.Mean(), want)
		}
		v := logitGrid(func(y float64) float64 { e := d.Quantile(y) - want; return e * e })
		if math.Abs(d.Variance()-v) > 1e-6*v {
			t.Errorf("%d terms: variance %.12g, midpoint rule %.12g", len(a), d.Variance(), v)
		}
	}
	for _, a2 := range []float64{0.1, 0.3, 0.6, 0.95} {
		d, err := NewMetalog([]float64{1, a2, 0}, 2, posInf)
		if err != nil {
			t.Fatal(err)
		}
		want := 2 + math.E*math.Pi*a2/math.Sin(math.Pi*a2)
		if math.Abs(d.Mean()-want) > 1e-10*want {
			t.Errorf("log-logistic a2 %g: mean %.15g, closed form %.15g", a2, d.Mean(), want)
		}
		if a2 >= 0.5 {
			if !math.IsInf(d.Variance(), 1) {
				t.Errorf("a2 %g: variance %g, want +Inf", a2, d.Variance())
			}
			continue
		}
		m2 := math.E * math.E * 2 * math.Pi * a2 / math.Sin(2*math.Pi*a2)
		m1 := want - 2
		if v := m2 - m1*m1; math.Abs(d.Variance()-v) > 1e-9*v {
			t.Errorf("log-logistic a2 %g: variance %.15g, closed form %.15g", a2, d.Variance(), v)
		}
	}
	// The mirror image: an upper bound, Q = bu - e^-a1 ((1-y)/y)^a2.
	d, err := NewMetalog([]float64{-1, 0.6, 0}, 10, posInf)
	if err != nil {
		t.Fatal(err)
	}
	up, err := NewMetalog([]float64{1, 0.6, 0}, negInf, -10)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(up.Mean()+d.Mean()) > 1e-10*d.Mean() {
		t.Errorf("upper-bounded mirror: mean %.15g, want %.15g", up.Mean(), -d.Mean())
	}
}

// TestMetalogFeasibility checks the increase test against Keelin's analytic limit for three
// terms (2016, section 3: feasible exactly when a2 > 0 and |a3|/a2 < 1.66711) and rejects tails
// that turn back however far out they do it.
func TestMetalogFeasibility(t *testing.T) {
	for _, c := range []struct {
		a    []float64
		want bool
	}{
		{[]float64{0, 1, 1.66}, true},
		{[]float64{0, 1, -1.66}, true},
		{[]float64{0, 1, 1.675}, false},
		{[]float64{0, 1, -1.675}, false},
		{[]float64{0, -1, 0}, false},
		{[]float64{0, 0, 0.1}, false},
		{[]float64{0, 1, 0, 0, 0, -4.0000001}, false}, // G(+-1/2) = -2.5e-8: turns back in both tails
		{[]float64{0, 1, 0, 0, 0, -3.9}, false},       // positive tails, negative slope around p = 0.1
		{[]float64{0, 1, 0, 0, 0, 0.5}, true},
	} {
		d := Metalog{A: c.a, Lower: negInf, Upper: posInf}
		d.g, d.h = splitMetalog(c.a)
		if got, p := d.Feasible(); got != c.want {
			t.Errorf("%v: feasible %v (at p %g), want %v", c.a, got, p, c.want)
		}
		if _, err := NewMetalog(c.a, negInf, posInf); (err == nil) != c.want {
			t.Errorf("%v: NewMetalog error %v, want feasible %v", c.a, err, c.want)
		}
	}
	// Where the check says the quantile function increases, it does: Q at 20000 points in logit
	// space, out to p = 1e-30 and 1 - 1e-30, never decreases.
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 200; i++ {
		a := make([]float64, 3+r.IntN(8))
		for j := range a {
			a[j] = r.NormFloat64()
		}
		a[1] = math.Abs(a[1]) + 0.5
		d := Metalog{A: a, Lower: negInf, Upper: posInf}
		d.g, d.h = splitMetalog(a)
		ok, _ := d.Feasible()
		prev, mono := math.Inf(-1), true
		for u := -69.0; u <= 69; u += 0.0069 {
			q := d.QuantileAtLogit(u)
			if q < prev {
				mono = false
			}
			prev = q
		}
		if ok && !mono {
			t.Errorf("%v: called feasible, but Q decreases", a)
		}
	}
}

// TestMetalogRejects: bad elicitations are refused with an error naming the parameter at fault.
func TestMetalogRejects(t *testing.T) {
	for _, c := range []struct {
		name      string
		ps, xs    []float64
		terms     int
		lo, hi    float64
		param, in string
	}{
		{"skewed 3-term unbounded", []float64{0.1, 0.5, 0.9}, []float64{10, 11, 100}, 0, negInf, posInf, "terms", "fewer terms, or give lower/upper bounds"},
		{"wiggly 5 quantiles", []float64{0.1, 0.3, 0.5, 0.7, 0.9}, []float64{1, 1.1, 5, 5.1, 10}, 0, negInf, posInf, "terms", "fewer terms"},
		{"decreasing", []float64{0.1, 0.5, 0.9}, []float64{3, 2, 4}, 0, negInf, posInf, "quantiles[1]", "must exceed"},
		{"equal values", []float64{0.1, 0.5, 0.9}, []float64{2, 2, 4}, 0, negInf, posInf, "quantiles[1]", "must exceed"},
		{"repeated p", []float64{0.1, 0.1, 0.9}, []float64{1, 2, 4}, 0, negInf, posInf, "quantiles[1]", "repeats"},
		{"p = 1", []float64{0.1, 0.5, 1}, []float64{1, 2, 4}, 0, negInf, posInf, "quantiles[2]", "strictly between 0 and 1"},
		{"below lower bound", []float64{0.1, 0.5, 0.9}, []float64{-1, 2, 4}, 0, 0, posInf, "quantiles[0]", "strictly between the bounds"},
		{"at upper bound", []float64{0.1, 0.5, 0.9}, []float64{0.1, 0.5, 1}, 0, 0, 1, "quantiles[2]", "strictly between the bounds"},
		{"too many terms", []float64{0.1, 0.5, 0.9}, []float64{1, 2, 4}, 4, negInf, posInf, "terms", "between 2 and"},
		{"underdetermined", []float64{0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}, []float64{1, 2, 3, 4, 5, 6, 7}, 7, negInf, posInf, "terms", "do not determine"},
		{"bounds reversed", []float64{0.1, 0.5, 0.9}, []float64{1, 2, 4}, 0, 5, 0, "upper", "> lower"},
		{"NaN value", []float64{0.1, 0.5, 0.9}, []float64{1, math.NaN(), 4}, 0, negInf, posInf, "quantiles[1]", "finite"},
	} {
		_, err := FitMetalog(c.ps, c.xs, c.terms, c.lo, c.hi)
		pe, ok := err.(*ParamError)
		switch {
		case !ok:
			t.Errorf("%s: error %v, want a ParamError", c.name, err)
		case pe.Param != c.param || !strings.Contains(pe.Msg, c.in):
			t.Errorf("%s: %v; want parameter %s and %q", c.name, err, c.param, c.in)
		}
	}
}

// TestMetalogInfiniteMean: a 3-term fit through a 10th, 50th and 90th percentile of 1, 100 and
// 10000, symmetric in log scale, with a lower bound 0 is the log-logistic Q = e^a1 (y/(1-y))^a2
// with a2 = ln 100 / ln 9 = 2.096 >= 1: it has no mean and is refused as such. The unbounded fit
// through the same numbers, skewed by a factor 100, breaks Keelin's |a3|/a2 < 1.66711 and is
// refused as infeasible; an unbounded metalog never lacks a mean (its tails grow like ln y).
// With an upper bound too, the logit metalog has every moment and is accepted.
func TestMetalogInfiniteMean(t *testing.T) {
	ps, xs := []float64{0.1, 0.5, 0.9}, []float64{1, 100, 10000}
	_, err := FitMetalog(ps, xs, 0, 0, posInf)
	if pe, ok := err.(*ParamError); !ok || pe.Param != "quantiles" || !strings.Contains(pe.Msg, "no mean") || math.Abs(pe.Got-math.Log(100)/math.Log(9)) > 1e-9 {
		t.Errorf("log metalog without a mean: %v", err)
	}
	if _, err := FitMetalog(ps, xs, 0, negInf, posInf); err == nil || !strings.Contains(err.Error(), "not a distribution") {
		t.Errorf("unbounded skewed fit: %v", err)
	}
	d, err := FitMetalog(ps, xs, 0, 0, 1e6)
	if err != nil || math.IsInf(d.Mean(), 0) || math.IsInf(d.Variance(), 0) {
		t.Errorf("bounded fit: %v, mean %g, variance %g", err, d.Mean(), d.Variance())
	}
	// The upper-bounded mirror image lacks a mean in its lower tail.
	if _, err := FitMetalog(ps, []float64{-10000, -100, -1}, 0, negInf, 0); err == nil || !strings.Contains(err.Error(), "lower tail") {
		t.Errorf("upper-bounded fit without a mean: %v", err)
	}
	// Just below the limit the mean exists: a2 = 0.99.
	if d, err := NewMetalog([]float64{0, 0.99, 0}, 0, posInf); err != nil || math.Abs(d.Mean()-math.Pi*0.99/math.Sin(math.Pi*0.99)) > 1e-10*d.Mean() {
		t.Errorf("a2 = 0.99: %v, mean %.15g (closed form %.15g)", err, d.Mean(), math.Pi*0.99/math.Sin(math.Pi*0.99))
	}
}

// TestMetalogFitData fits a sample of 20000 lognormal draws with a lower bound 0. The KS distance
// of the fit to the sample is at most its distance to the true distribution (the fit's
// approximation error, under 0.005 for these shapes by TestMetalogApproximatesKnown's quantile
// bound times the density) plus the sample's (under 1.949/sqrt(n) at significance 0.001).
func TestMetalogFitData(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const n = 20000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = math.Exp(1 + 0.5*r.NormFloat64())
	}
	sort.Float64s(xs)
	f, err := FitMetalogData(xs, 16, 0, posInf)
	if err != nil {
		t.Fatal(err)
	}
	if lim := 0.005 + 1.949/math.Sqrt(n); f.KS > lim {
		t.Errorf("KS %g > %g (%d terms)", f.KS, lim, f.Terms())
	}
	if f.Points != 1000 {
		t.Errorf("fitted %d points, want 1000", f.Points)
	}
	// The reported KS is the distance recomputed from scratch.
	ks := 0.0
	for i, x := range xs {
		c := f.CDF(x)
		ks = math.Max(ks, math.Max(math.Abs(c-float64(i)/n), math.Abs(float64(i+1)/n-c)))
	}
	if math.Abs(ks-f.KS) > 1e-12 {
		t.Errorf("KS %g, recomputed %g", f.KS, ks)
	}
}

// metalogCases join the sampler tests (KS of Rand against CDF, moments, support, CDF(Quantile)).
// Their semi-bounded tails are light enough (exponent < 1/4) for the sample variance's standard
// error to exist.
func metalogCases(t *testing.T) map[string]Distribution {
	t.Helper()
	fit := func(ps, xs []float64, terms int, lo, hi float64) Distribution {
		t.Helper()
		d, err := FitMetalog(ps, xs, terms, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		if g := d.tailExponent(); g >= 0.25 {
			t.Fatalf("tail exponent %g too heavy for the variance test", g)
		}
		return d
	}
	return map[string]Distribution{
		"metalog-3":          fit([]float64{0.1, 0.5, 0.9}, []float64{10, 20, 40}, 0, negInf, posInf),
		"metalog-5-log":      fit([]float64{0.05, 0.25, 0.5, 0.75, 0.95}, []float64{2, 3, 4, 5.5, 9}, 0, 0, posInf),
		"metalog-4-logit":    fit([]float64{0.1, 0.4, 0.6, 0.9}, []float64{0.1, 0.3, 0.45, 0.8}, 0, 0, 1),
		"metalog-10-upper":   fit(quantileSets[7], []float64{-40, -30, -26, -21, -18, -15, -13, -11, -10.5, -10.1}, 6, negInf, -10),
		"metalog-least-sq-8": fit(quantileSets[6], []float64{1, 2, 3, 4, 4.5, 5, 6, 8, 12}, 4, negInf, posInf),
	}
}

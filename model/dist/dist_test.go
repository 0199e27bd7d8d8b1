package dist

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Sampler tests: each draws n values with a fixed seed and checks
//   - the Kolmogorov-Smirnov distance to the CDF against the critical value at significance 0.001,
//     1.949/sqrt(n) (asymptotic; n is large);
//   - the sample mean against the closed-form mean within 4 standard errors, sd/sqrt(n);
//   - the sample variance against the closed form within 4 standard errors, with
//     SE(s^2) ~ sqrt((m4 - s^4)/n) estimated from the sample's fourth central moment;
//   - Quantile(CDF(x)) == x and CDF(Quantile(p)) == p where the distribution is continuous.
// A wrong sampler, mean or variance formula fails these by far more than the tolerances.

const nDraws = 200000

func continuousCases(t *testing.T) map[string]Distribution {
	t.Helper()
	must := func(d Distribution, err error) Distribution {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := map[string]Distribution{
		"uniform":            must(NewUniform(2, 7)),
		"triangular":         must(NewTriangular(1, 2, 10)),
		"triangular-left":    must(NewTriangular(0, 0, 1)),
		"triangular-right":   must(NewTriangular(0, 1, 1)),
		"pert":               must(NewPERT(0.6, 0.9, 0.99, 4)),
		"pert-shape2":        must(NewPERT(100, 150, 400, 2)),
		"lognormal":          must(NewLogNormal(1, 0.5)),
		"lognormal90":        must(NewLogNormal90(1000, 100000)),
		"loguniform":         must(NewLogUniform(1, 50)),
		"loguniform-decades": must(NewLogUniform(0.0001, 0.01)),
		"beta":               must(NewBeta(2, 5, 0, 1)),
		"beta-small-shapes":  must(NewBeta(0.5, 0.5, 0, 1)),
		"beta-scaled":        must(NewBeta(3, 2, 10, 20)),
		"truncnormal":        must(NewTruncNormal(1, 1)),
		"truncnormal-tail":   must(NewTruncNormal(-3, 1)),
		"truncnormal-wide":   must(NewTruncNormal(100, 10)),
		"truncnormal-far":    must(NewTruncNormal(-10, 1)), // review: Erfcinv gave +Inf here
		"truncnormal-limit":  must(NewTruncNormal(-29, 1)), // the validation limit is -30
		"beta-small-0.2":     must(NewBeta(0.2, 0.3, 0, 1)),
		"exponential":        must(NewExponential(2500)),
	}
	for name, d := range metalogCases(t) {
		cases[name] = d
	}
	return cases
}

func TestSamplersMatchCDF(t *testing.T) {
	for name, d := range continuousCases(t) {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			xs := make([]float64, nDraws)
			for i := range xs {
				xs[i] = d.Rand(r)
			}
			sort.Float64s(xs)
			ks := 0.0
			for i, x := range xs {
				f := d.CDF(x)
				ks = math.Max(ks, math.Max(math.Abs(float64(i+1)/nDraws-f), math.Abs(f-float64(i)/nDraws)))
			}
			if crit := 1.949 / math.Sqrt(nDraws); ks > crit {
				t.Errorf("KS distance %.5f > critical %.5f at 0.001", ks, crit)
			}
			checkMoments(t, xs, d.Mean(), d.Variance())
			lo, hi := d.Support()
			if xs[0] < lo || xs[len(xs)-1] > hi {
				t.Errorf("draws [%g, %g] outside support [%g, %g]", xs[0], xs[len(xs)-1], lo, hi)
			}
		})
	}
}

func checkMoments(t *testing.T, xs []float64, mean, variance float64) {
	t.Helper()
	n := float64(len(xs))
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= n
	var m2, m4 float64
	for _, x := range xs {
		d := (x - m) * (x - m)
		m2 += d
		m4 += d * d
	}
	m2 /= n - 1
	m4 /= n
	if se := math.Sqrt(variance / n); math.Abs(m-mean) > 4*se {
		t.Errorf("mean %g, closed form %g, off by %.1f standard errors", m, mean, math.Abs(m-mean)/se)
	}
	if se := math.Sqrt((m4 - m2*m2) / n); math.Abs(m2-variance) > 4*se {
		t.Errorf("variance %g, closed form %g, off by %.1f standard errors", m2, variance, math.Abs(m2-variance)/se)
	}
}

func TestQuantileInvertsCDF(t *testing.T) {
	for name, d := range continuousCases(t) {
		t.Run(name, func(t *testing.T) {
			for _, p := range []float64{0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999} {
				x := d.Quantile(p)
				if got := d.CDF(x); math.Abs(got-p) > 1e-7 {
					t.Errorf("CDF(Quantile(%g)) = %g", p, got)
				}
			}
		})
	}
}

// TestAgainstGonum cross-checks CDFs and means with gonum's independent implementations.
func TestAgainstGonum(t *testing.T) {
	ln, _ := NewLogNormal(1, 0.5)
	g := distuv.LogNormal{Mu: 1, Sigma: 0.5}
	tri, _ := NewTriangular(1, 2, 10)
	gt := distuv.NewTriangle(1, 10, 2, nil)
	be, _ := NewBeta(2, 5, 0, 1)
	gb := distuv.Beta{Alpha: 2, Beta: 5}
	for _, x := range []float64{0.3, 1, 2.5, 4, 8} {
		if a, b := ln.CDF(x), g.CDF(x); math.Abs(a-b) > 1e-12 {
			t.Errorf("lognormal CDF(%g) = %g, gonum %g", x, a, b)
		}
		if a, b := tri.CDF(x), gt.CDF(x); math.Abs(a-b) > 1e-12 {
			t.Errorf("triangular CDF(%g) = %g, gonum %g", x, a, b)
		}
		if a, b := be.CDF(x/10), gb.CDF(x/10); math.Abs(a-b) > 1e-12 {
			t.Errorf("beta CDF(%g) = %g, gonum %g", x/10, a, b)
		}
	}
	if math.Abs(ln.Mean()-g.Mean()) > 1e-12 || math.Abs(ln.Variance()-g.Variance()) > 1e-9 {
		t.Errorf("lognormal moments differ from gonum")
	}
	ex, _ := NewExponential(2500)
	ge := distuv.Exponential{Rate: 1.0 / 2500}
	for _, x := range []float64{1, 100, 2500, 10000, 50000} {
		if a, b := ex.CDF(x), ge.CDF(x); math.Abs(a-b) > 1e-12 {
			t.Errorf("exponential CDF(%g) = %g, gonum %g", x, a, b)
		}
	}
	if math.Abs(tri.Variance()-gt.Variance()) > 1e-12 {
		t.Errorf("triangular variance %g, gonum %g", tri.Variance(), gt.Variance())
	}
}

func TestLogNormal90Interval(t *testing.T) {
	d, err := NewLogNormal90(100, 1e6)
	if err != nil {
		t.Fatal(err)
	}
	if p := d.CDF(100); math.Abs(p-0.05) > 1e-12 {
		t.Errorf("CDF(p05) = %g, want 0.05", p)
	}
	if p := d.CDF(1e6); math.Abs(p-0.95) > 1e-12 {
		t.Errorf("CDF(p95) = %g, want 0.95", p)
	}
}

func TestPERTMean(t *testing.T) {
	d, _ := NewPERT(2, 5, 20, 4)
	if want := (2 + 4*5 + 20) / 6.0; math.Abs(d.Mean()-want) > 1e-12 {
		t.Errorf("PERT mean %g, want (min + 4 mode + max)/6 = %g", d.Mean(), want)
	}
}

func TestDiscrete(t *testing.T) {
	d, err := NewDiscrete([]float64{10, 1, 5}, []float64{1, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	counts := map[float64]float64{}
	xs := make([]float64, nDraws)
	for i := range xs {
		xs[i] = d.Rand(r)
		counts[xs[i]]++
	}
	// Chi-square with 2 degrees of freedom; critical value at 0.001 is 13.82.
	want := map[float64]float64{1: 0.5, 5: 0.25, 10: 0.25}
	chi := 0.0
	for v, p := range want {
		e := p * nDraws
		chi += (counts[v] - e) * (counts[v] - e) / e
	}
	if chi > 13.82 {
		t.Errorf("chi-square %g > 13.82 (counts %v)", chi, counts)
	}
	checkMoments(t, xs, d.Mean(), d.Variance())
	if d.Quantile(0.5) != 1 || d.Quantile(0.51) != 5 || d.Quantile(1) != 10 {
		t.Errorf("quantiles %g %g %g", d.Quantile(0.5), d.Quantile(0.51), d.Quantile(1))
	}
	if d.CDF(0.5) != 0 || d.CDF(1) != 0.5 || d.CDF(7) != 0.75 || d.CDF(10) != 1 {
		t.Errorf("CDF wrong")
	}
}

func TestConstructorsRejectBadParameters(t *testing.T) {
	for name, err := range map[string]error{
		"uniform min=max":        second(NewUniform(1, 1)),
		"triangular mode>max":    second(NewTriangular(1, 5, 3)),
		"triangular min>max":     second(NewTriangular(5, 4, 3)),
		"pert shape 0":           second(NewPERT(1, 2, 3, 0)),
		"lognormal sigma<0":      second(NewLogNormal(1, -0.5)),
		"lognormal90 low>=high":  second(NewLogNormal90(10, 10)),
		"lognormal90 low<=0":     second(NewLogNormal90(0, 10)),
		"loguniform min 0":       second(NewLogUniform(0, 1)),
		"beta alpha 0":           second(NewBeta(0, 1, 0, 1)),
		"truncnormal sd 0":       second(NewTruncNormal(1, 0)),
		"truncnormal no mass":    second(NewTruncNormal(-100, 1)),
		"discrete empty":         second(NewDiscrete(nil, nil)),
		"discrete zero weights":  second(NewDiscrete([]float64{1, 2}, []float64{0, 0})),
		"discrete weight count":  second(NewDiscrete([]float64{1, 2}, []float64{1})),
		"discrete neg weight":    second(NewDiscrete([]float64{1, 2}, []float64{1, -1})),
		"constant NaN":           second(NewConstant(math.NaN())),
		"uniform Inf":            second(NewUniform(0, math.Inf(1))),
		"uniform absurd (1e308)": second(NewUniform(0, 1e308)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if _, ok := err.(*ParamError); !ok {
			t.Errorf("%s: error %T, want *ParamError", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestPoisson checks counts against the Poisson pmf by chi-square (bins with expected count >= 5,
// tails pooled; critical value at 0.001 from gonum), and mean and variance (both lambda) within 4
// standard errors, across both samplers and the switch between them.
func TestPoisson(t *testing.T) {
	for _, lambda := range []float64{1e-6, 0.001, 0.05, 0.7, 3, 9.99, 10, 12, 45, 1000, 1e6} {
		r := rand.New(rand.NewPCG(5, uint64(lambda*1000)))
		n := nDraws
		counts := map[int]float64{}
		var sum, sum2 float64
		for i := 0; i < n; i++ {
			k := PoissonRand(r, lambda)
			if k != math.Trunc(k) || k < 0 {
				t.Fatalf("lambda %g: draw %g is not a count", lambda, k)
			}
			counts[int(k)]++
			sum += k
			sum2 += k * k
		}
		mean := sum / float64(n)
		variance := sum2/float64(n) - mean*mean
		if se := math.Sqrt(lambda / float64(n)); math.Abs(mean-lambda) > 4*se {
			t.Errorf("lambda %g: mean %g off by %.1f SE", lambda, mean, math.Abs(mean-lambda)/se)
		}
		// Var(s^2) for Poisson ~ (lambda + 2 lambda^2)/n.
		if se := math.Sqrt((lambda + 2*lambda*lambda) / float64(n)); math.Abs(variance-lambda) > 4*se {
			t.Errorf("lambda %g: variance %g off by %.1f SE", lambda, variance, math.Abs(variance-lambda)/se)
		}
		if lambda < 0.01 {
			continue // too few non-zero counts for a chi-square; the mean test covers it
		}
		p := distuv.Poisson{Lambda: lambda}
		lo := int(math.Max(0, math.Floor(lambda-6*math.Sqrt(lambda))))
		hi := int(math.Ceil(lambda + 6*math.Sqrt(lambda) + 6))
		chi, df := 0.0, -1
		binObs, binExp := 0.0, 0.0
		flush := func() {
			if binExp > 0 {
				chi += (binObs - binExp) * (binObs - binExp) / binExp
				df++
			}
			binObs, binExp = 0, 0
		}
		// Left tail pooled into the first bin.
		binExp = p.CDF(float64(lo)-1) * float64(n)
		for k := 0; k < lo; k++ {
			binObs += counts[k]
		}
		for k := lo; k <= hi; k++ {
			binObs += counts[k]
			binExp += p.Prob(float64(k)) * float64(n)
			if binExp >= 5 {
				flush()
			}
		}
		for k, c := range counts {
			if k > hi {
				binObs += c
			}
		}
		binExp += (1 - p.CDF(float64(hi))) * float64(n)
		flush()
		crit := distuv.ChiSquared{K: float64(df)}.Quantile(0.999)
		if chi > crit {
			t.Errorf("lambda %g: chi-square %g > %g (df %d)", lambda, chi, crit, df)
		}
	}
}

func TestPoissonEdgeRates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, lambda := range []float64{0, -1, math.NaN()} {
		if k := PoissonRand(r, lambda); k != 0 {
			t.Errorf("PoissonRand(%g) = %g, want 0", lambda, k)
		}
	}
	if k := PoissonRand(r, 1e12); math.Abs(k-1e12) > 10*1e6 {
		t.Errorf("PoissonRand(1e12) = %g, more than 10 sd from the rate", k)
	}
}

// TestBetaTinyShapesNoNaN: Beta(0.001, 0.001) put 22% NaN draws out through underflowing gamma
// draws (found by review). Draws must be finite, in [0, 1], and average 1/2 (by symmetry; the
// standard error of the mean of a variable in [0, 1] is at most 0.5/sqrt(n)).
func TestBetaTinyShapesNoNaN(t *testing.T) {
	d, err := NewBeta(0.001, 0.001, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	const n = 100000
	sum := 0.0
	for i := 0; i < n; i++ {
		x := d.Rand(r)
		if math.IsNaN(x) || x < 0 || x > 1 {
			t.Fatalf("draw %v", x)
		}
		sum += x
	}
	if m := sum / n; math.Abs(m-0.5) > 4*0.5/math.Sqrt(n) {
		t.Errorf("mean %v, want 0.5", m)
	}
}

// TestLogNormalMeanBounded: a lognormal whose mean would overflow is refused (review: mu 700,
// sigma 10 gave an infinite mean and a summary JSON could not encode).
func TestLogNormalMeanBounded(t *testing.T) {
	if _, err := NewLogNormal(700, 10); err == nil {
		t.Error("lognormal with mean exp(750) accepted")
	}
	if _, err := NewLogNormal(231, 1); err == nil {
		t.Error("lognormal with mean exp(231.5) > 1e100 accepted")
	}
	if d, err := NewLogNormal(20, 2); err != nil || math.IsInf(d.Mean(), 0) {
		t.Errorf("ordinary lognormal refused: %v", err)
	}
}

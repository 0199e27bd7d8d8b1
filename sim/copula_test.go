package sim

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

// columns is a TrialSink keeping every column of every trial, in trial order.
type columns struct {
	mu    sync.Mutex
	n     int64
	names []string
	data  [][]float64
}

func (c *columns) Start(names []string) error {
	c.names = names
	c.data = make([][]float64, len(names))
	for i := range c.data {
		c.data[i] = make([]float64, c.n)
	}
	return nil
}

func (c *columns) WriteBlock(_ context.Context, b *Block) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.data {
		copy(c.data[k][b.First:b.First+int64(b.N)], b.Cols[k])
	}
	return nil
}

func (c *columns) col(t *testing.T, name string) []float64 {
	t.Helper()
	i := slices.Index(c.names, name)
	if i < 0 {
		t.Fatalf("no column %q (have %v)", name, c.names)
	}
	return c.data[i]
}

func parseScenario(t testing.TB, src string) *model.Scenario {
	t.Helper()
	s, err := model.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runColumns runs s with every input recorded and returns the per-trial columns.
func runColumns(t *testing.T, s *model.Scenario, n int64, seed uint64, workers int, opts Options) (*columns, *Result) {
	t.Helper()
	c := &columns{n: n}
	cfg := DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Sink = n, seed, workers, c
	opts.RecordInputs = true
	r, err := Simulate(context.Background(), s, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

// ranks returns the ranks 1..n of xs (continuous draws: no ties).
func ranks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	r := make([]float64, len(xs))
	for k, i := range idx {
		r[i] = float64(k + 1)
	}
	return r
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func spearman(x, y []float64) float64 { return pearson(ranks(x), ranks(y)) }

// spearmanSE is the standard error of the sample Spearman correlation of n pairs whose population
// value is rho, from Fieller, Hartley and Pearson (1957): atanh(r_s) is close to normal with
// variance 1.06 / (n - 3), so by the delta method SE(r_s) = (1 - rho^2) sqrt(1.06 / (n - 3)). Their
// result is for a bivariate normal; ranks are unchanged by monotone maps, so it holds exactly for
// any marginals of a Gaussian copula.
func spearmanSE(rho float64, n int) float64 {
	return (1 - rho*rho) * math.Sqrt(1.06/float64(n-3))
}

// ksStat is the Kolmogorov-Smirnov distance sup |F_n(x) - F(x)| of a sample from a continuous F.
func ksStat(xs []float64, cdf func(float64) float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := float64(len(s))
	d := 0.0
	for i, x := range s {
		f := cdf(x)
		d = max(d, f-float64(i)/n, float64(i+1)/n-f)
	}
	return d
}

// ksCritical is the Kolmogorov-Smirnov critical value at level 0.001 for n draws: 1.949 / sqrt(n)
// (the asymptotic Kolmogorov distribution's 0.999 quantile).
func ksCritical(n int) float64 { return 1.949 / math.Sqrt(float64(n)) }

const corrScenario = `
scenario: {name: corr, horizon_years: 5, discount_rate: 0.1}
sites: [{id: hq}]
findings:
  - {id: A, title: a, site: hq, afe: {dist: loguniform, min: 0.1, max: 10}, loss: {dist: lognormal, p05: 1000, p95: 90000}}
  - {id: B, title: b, site: hq, afe: {dist: pert, min: 1, mode: 2, max: 8}, loss: 5000}
  - {id: C, title: c, site: hq, afe: {dist: triangular, min: 0, mode: 1, max: 4}, loss: 2000}
  - {id: D, title: d, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: {dist: lognormal, p05: 100, p95: 9000}}
safeguards:
  - id: S
    title: s
    annual_cost: {dist: triangular, min: 100, mode: 300, max: 900}
    effects:
      - {finding: A, ale_reduction: {dist: pert, min: 0.2, mode: 0.5, max: 0.9}}
      - {finding: D, frequency_factor: {dist: uniform, min: 0.1, max: 0.6}}
`

const corrSection = `
correlations:
  - {inputs: [A.afe, S.effect.A], rank: 0.6}
  - inputs: [B.afe, C.afe, S.annual_cost]
    matrix: [[1, 0.5, -0.3], [0.5, 1, 0.2], [-0.3, 0.2, 1]]
`

// TestCopulaRankCorrelations: the measured Spearman correlation of every correlated pair lies
// within 4 standard errors of the stated one, and every correlated input's marginal still passes a
// KS test at level 0.001 against its own distribution. A copula on the Pearson matrix as stated
// (no 2 sin(pi rho/6)) would be off by 0.018 at 0.6, nine standard errors at these trials.
func TestCopulaRankCorrelations(t *testing.T) {
	s := parseScenario(t, corrScenario+corrSection)
	const n = 100_000
	c, _ := runColumns(t, s, n, 11, 2, Options{})
	rk := map[string][]float64{}
	rankOf := func(name string) []float64 {
		if _, ok := rk[name]; !ok {
			rk[name] = ranks(c.col(t, "input:"+name))
		}
		return rk[name]
	}
	for _, pr := range []struct {
		a, b string
		rho  float64
	}{
		{"A.afe", "S.effect.A", 0.6},
		{"B.afe", "C.afe", 0.5},
		{"B.afe", "S.annual_cost", -0.3},
		{"C.afe", "S.annual_cost", 0.2},
		{"A.afe", "B.afe", 0}, // different groups: independent
		{"D.afe", "A.afe", 0}, // in no group
	} {
		got := pearson(rankOf(pr.a), rankOf(pr.b))
		se := spearmanSE(pr.rho, n)
		t.Logf("Spearman(%s, %s) = %.4f, target %.2f (SE %.4f)", pr.a, pr.b, got, pr.rho, se)
		if math.Abs(got-pr.rho) > 4*se {
			t.Errorf("Spearman(%s, %s) = %.4f, want %.2f within 4 SE = %.4f", pr.a, pr.b, got, pr.rho, 4*se)
		}
	}
	for _, in := range s.Inputs() {
		xs := c.col(t, "input:"+in.Name)
		if d := ksStat(xs, in.Est.Dist.CDF); d > ksCritical(n) {
			t.Errorf("%s: KS distance %.5f above the 0.001 critical value %.5f", in.Name, d, ksCritical(n))
		}
	}
}

// TestCopulaSDOfALE: two findings with uniform(1, 3) AFEs, a fixed loss L = 1000 and no asset, so
// that ALE(theta) = L (A1 + A2). For uniform marginals the Pearson correlation of the values is
// their Spearman correlation (the values are affine in their own ranks), so with rho_s = 0.5
// Var(ALE) = L^2 Var(A) (2 + 2 rho_s), Var(A) = (3 - 1)^2 / 12 = 1/3: sd = 1000 exactly. The
// sample sd's standard error is sd sqrt((kappa - 1) / (4 n)) for kurtosis kappa (the delta method
// on the sample variance, whose variance is (mu4 - sigma^4) / n); for normal data that is
// sd / sqrt(2n), and a sum of two uniforms is lighter-tailed (kappa between 1.8 and 2.4), so it is
// smaller. The test uses the sample kurtosis. Without the copula the sd is 816.5; with the stated
// rank correlation taken as Pearson it is 994.2, 5 standard errors off.
func TestCopulaSDOfALE(t *testing.T) {
	const src = `
scenario: {name: sd, horizon_years: 5}
sites: [{id: hq}]
findings:
  - {id: A1, title: a, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
  - {id: A2, title: b, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
correlations:
  - {inputs: [A1.afe, A2.afe], rank: 0.5}
`
	s := parseScenario(t, src)
	const n = 400_000
	c, r := runColumns(t, s, n, 5, 2, Options{})
	ale := c.col(t, "ale")
	var m, m2, m4 float64
	for _, x := range ale {
		m += x
	}
	m /= n
	for _, x := range ale {
		d := (x - m) * (x - m)
		m2 += d
		m4 += d * d
	}
	m2, m4 = m2/n, m4/n
	sd := math.Sqrt(m2 * n / (n - 1)) // as the engine computes it
	kappa := m4 / (m2 * m2)
	se := sd * math.Sqrt((kappa-1)/(4*n))
	want := 1000.0 * math.Sqrt(1.0/3*(2+2*0.5))
	t.Logf("sd(ALE) = %.2f, closed form %.2f, SE %.2f (kurtosis %.3f); engine's sd %.2f", sd, want, se, kappa, r.SD(r.TotalALE()))
	if math.Abs(sd-want) > 4*se {
		t.Errorf("sd(ALE) = %.2f, want %.2f within 4 SE = %.2f", sd, want, 4*se)
	}
	if got := r.SD(r.TotalALE()); math.Abs(got-sd) > 1e-6*sd {
		t.Errorf("the engine's sd of ALE %.6f differs from the trials' %.6f", got, sd)
	}
	// The mean is untouched by the correlation: L (E A1 + E A2) = 4000; SE = sd / sqrt(n).
	if mean := r.Mean(r.TotalALE()); math.Abs(mean-4000) > 4*sd/math.Sqrt(n) {
		t.Errorf("mean ALE %.2f, want 4000 within 4 SE %.2f", mean, 4*sd/math.Sqrt(n))
	}
}

// TestCopulaLeavesOtherInputsAlone: with and without the correlations, every input outside the
// groups and every draw that does not depend on the correlated inputs is the same, bit for bit, in
// every trial; the correlated inputs themselves differ.
func TestCopulaLeavesOtherInputsAlone(t *testing.T) {
	const n = 30_000
	with, _ := runColumns(t, parseScenario(t, corrScenario+corrSection), n, 3, 2, Options{})
	without, _ := runColumns(t, parseScenario(t, corrScenario), n, 3, 2, Options{})
	if !slices.Equal(with.names, without.names) {
		t.Fatalf("columns differ: %v and %v", with.names, without.names)
	}
	// D and its effect are in no group; nor is D's loss, which depends on nothing correlated.
	for _, name := range []string{"input:D.afe", "input:S.effect.D", "loss:D"} {
		if a, b := with.col(t, name), without.col(t, name); !slices.Equal(a, b) {
			t.Errorf("%s changed when other inputs were correlated", name)
		}
	}
	for _, name := range []string{"input:A.afe", "input:S.effect.A", "input:B.afe", "input:C.afe", "input:S.annual_cost"} {
		if a, b := with.col(t, name), without.col(t, name); slices.Equal(a, b) {
			t.Errorf("%s is the same with and without its correlation", name)
		}
	}
}

// TestCopulaDeterministicAcrossWorkers: 1, 2 and 8 workers give every column of every trial bit
// for bit.
func TestCopulaDeterministicAcrossWorkers(t *testing.T) {
	s := parseScenario(t, corrScenario+corrSection)
	const n = 45_000 // five blocks, the last one partial
	ref, _ := runColumns(t, s, n, 9, 1, Options{})
	for _, w := range []int{2, 8} {
		got, _ := runColumns(t, s, n, 9, w, Options{})
		for k, name := range ref.names {
			if !slices.Equal(ref.data[k], got.data[k]) {
				t.Errorf("%d workers: column %s differs from 1 worker's", w, name)
			}
		}
	}
}

// TestCopulaHold: holding a correlated input fixes it; the other inputs of its group, and every
// other input, draw what they draw without the hold. (A held AFE is not drawn at all, so not
// recorded; a held cost is drawn as its value.)
func TestCopulaHold(t *testing.T) {
	s := parseScenario(t, corrScenario+corrSection)
	const n = 20_000
	free, _ := runColumns(t, s, n, 4, 2, Options{})
	for _, h := range []Held{{Input: "B.afe", Value: 3}, {Input: "S.annual_cost", Value: 500}} {
		held, _ := runColumns(t, s, n, 4, 2, Options{Hold: []Held{h}})
		if h.Input == "S.annual_cost" {
			for _, x := range held.col(t, "input:"+h.Input) {
				if x != h.Value {
					t.Fatalf("held %s drew %g", h.Input, x)
				}
			}
		}
		for _, name := range free.names {
			if !strings.HasPrefix(name, "input:") || name == "input:"+h.Input {
				continue
			}
			if !slices.Equal(free.col(t, name), held.col(t, name)) {
				t.Errorf("%s changed when %s was held", name, h.Input)
			}
		}
	}
}

// TestCopulaRepaired: a matrix repaired to the nearest correlation matrix runs, and its inputs'
// Spearman correlations are those of the repaired matrix, (6 / pi) asin(r / 2), within 4 SE.
func TestCopulaRepaired(t *testing.T) {
	const src = `
scenario: {name: repaired, horizon_years: 5}
sites: [{id: hq}]
findings:
  - {id: A, title: a, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 1000}
  - {id: B, title: b, site: hq, afe: {dist: loguniform, min: 0.1, max: 30}, loss: 1000}
  - {id: C, title: c, site: hq, afe: {dist: pert, min: 0, mode: 1, max: 2}, loss: 1000}
correlations:
  - inputs: [A.afe, B.afe, C.afe]
    matrix: [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]
    repair: true
`
	s := parseScenario(t, src)
	if len(s.Correlations) != 1 || !s.Correlations[0].Repaired {
		t.Fatalf("correlations %+v, want one repaired group", s.Correlations)
	}
	ws := s.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0].Msg, "nearest correlation matrix") || ws[0].Line != 9 {
		t.Errorf("warnings %v, want one at line 9 on the repair", ws)
	}
	c := s.Correlations[0]
	const n = 100_000
	cols, _ := runColumns(t, s, n, 8, 2, Options{})
	for i := range 3 {
		for j := i + 1; j < 3; j++ {
			rho := model.RankOfPearson(c.Pearson[i][j])
			got := spearman(cols.col(t, "input:"+c.Inputs[i]), cols.col(t, "input:"+c.Inputs[j]))
			if se := spearmanSE(rho, n); math.Abs(got-rho) > 4*se {
				t.Errorf("Spearman(%s, %s) = %.4f, the repaired matrix's %.4f, want within 4 SE = %.4f", c.Inputs[i], c.Inputs[j], got, rho, 4*se)
			}
		}
	}
}

// TestCholeskySemidefinite: the factor of a singular correlation matrix (a correlation of 1)
// reproduces it, and the factor of a regular one is the usual Cholesky factor.
func TestCholeskySemidefinite(t *testing.T) {
	for _, r := range [][][]float64{
		{{1, 1}, {1, 1}},
		{{1, 1, 0.5}, {1, 1, 0.5}, {0.5, 0.5, 1}},
		{{1, 0.3, -0.2}, {0.3, 1, 0.4}, {-0.2, 0.4, 1}},
	} {
		n := len(r)
		l := cholesky(r)
		for i := range n {
			for j := range n {
				x := 0.0
				for k := range n {
					x += l[i*n+k] * l[j*n+k]
				}
				if math.Abs(x-r[i][j]) > 1e-12 {
					t.Errorf("%v: (L L^T)[%d][%d] = %g", r, i, j, x)
				}
			}
			for k := i + 1; k < n; k++ {
				if l[i*n+k] != 0 {
					t.Errorf("%v: L not lower triangular", r)
				}
			}
		}
	}
}

// TestNormCDFBounded: the copula's Phi stays in (0, 1), so unbounded marginals stay finite.
func TestNormCDFBounded(t *testing.T) {
	ln := dist.LogNormal{Mu: 0, Sigma: 1}
	for _, x := range []float64{-40, -8, 0, 8, 40} {
		u := normCDF(x)
		if !(u > 0 && u < 1) {
			t.Errorf("normCDF(%g) = %g", x, u)
		}
		if q := ln.Quantile(u); math.IsInf(q, 0) || math.IsNaN(q) {
			t.Errorf("lognormal quantile at normCDF(%g) = %g", x, q)
		}
	}
}

// TestCopulaEveryKindOfInput: a hazard's rate, a named factor of a product, a safeguard's
// one-time cost, an uncertain loss parameter and a loss factor drawn once a year can be correlated
// like any AFE; each measured Spearman within 4 SE of the target.
func TestCopulaEveryKindOfInput(t *testing.T) {
	const src = `
scenario: {name: kinds, horizon_years: 5}
sites: [{id: a}, {id: b}]
hazards:
  - {id: quake, title: q, afe: {dist: loguniform, min: 0.01, max: 0.1}}
findings:
  - {id: Q1, title: q1, site: a, hazard: quake, loss: 1e6}
  - id: T
    title: t
    site: b
    afe:
      factors:
        - {name: theft, dist: uniform, min: 1, max: 50}
        - {name: lawsuit, dist: loguniform, min: 0.0001, max: 0.01}
    loss: 50000
  - {id: L, title: l, site: a, afe: 2, loss: {dist: lognormal, p05: 4000, p95: {dist: pert, min: 5e4, mode: 9e4, max: 2e5}}}
  - id: F
    title: f
    site: b
    afe: 0.5
    loss:
      factors:
        - {name: records, dist: loguniform, min: 1000, max: 1e6}
        - {name: cost_per_record, dist: pert, min: 50, mode: 150, max: 400, per: year}
safeguards:
  - {id: S, title: s, one_time_cost: {dist: pert, min: 1000, mode: 2000, max: 5000}, effects: [{finding: T, frequency_factor: 0.5}]}
correlations:
  - inputs: [quake.afe, T.afe.theft, S.one_time_cost]
    matrix: [[1, 0.7, -0.5], [0.7, 1, -0.2], [-0.5, -0.2, 1]]
  - {inputs: [L.loss.p95, F.loss.cost_per_record], rank: 0.8}
`
	s := parseScenario(t, src)
	const n = 30_000
	c, _ := runColumns(t, s, n, 2, 2, Options{})
	for _, g := range s.Correlations {
		names := g.Inputs
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				rho := g.Rank[i][j]
				got := spearman(c.col(t, "input:"+names[i]), c.col(t, "input:"+names[j]))
				if se := spearmanSE(rho, n); math.Abs(got-rho) > 4*se {
					t.Errorf("Spearman(%s, %s) = %.4f, want %.2f within 4 SE = %.4f", names[i], names[j], got, rho, 4*se)
				}
			}
		}
	}
	// The other factor of T's product is in no group.
	if got := spearman(c.col(t, "input:T.afe.lawsuit"), c.col(t, "input:T.afe.theft")); math.Abs(got) > 4*spearmanSE(0, n) {
		t.Errorf("Spearman(T.afe.lawsuit, T.afe.theft) = %.4f, want 0", got)
	}
}

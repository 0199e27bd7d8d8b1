package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/alesim/alesim/sim"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

func parse(t testing.TB, src string) *model.Scenario {
	t.Helper()
	s, err := model.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func load(t testing.TB, path string) *model.Scenario {
	t.Helper()
	s, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runN(t testing.TB, s *model.Scenario, trials int64, seed uint64, workers int) *Summary {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = trials, seed, workers
	sum, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// within fails unless |got - want| <= k standard errors.
func within(t *testing.T, what string, got, want, se, k float64) {
	t.Helper()
	if math.Abs(got-want) > k*se {
		t.Errorf("%s = %.6g, want %.6g: off by %.1f standard errors (se %.3g)", what, got, want, math.Abs(got-want)/se, se)
	}
}

// rows collects every trial's per-trial columns (see sim.Options and the layout), by column name.
type rows struct {
	mu   sync.Mutex // blocks arrive from several workers at once
	idx  map[string]int
	data [][]float64 // per column, by trial
}

func (r *rows) Start(columns []string) error {
	r.idx = map[string]int{}
	for i, c := range columns {
		r.idx[c] = i
	}
	r.data = make([][]float64, len(columns))
	return nil
}

func (r *rows) WriteBlock(_ context.Context, b *sim.Block) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.data {
		for len(r.data[c]) < int(b.First)+b.N {
			r.data[c] = append(r.data[c], 0)
		}
		copy(r.data[c][b.First:], b.Cols[c])
	}
	return nil
}

// col is column name's value in every trial.
func (r *rows) col(t testing.TB, name string) []float64 {
	t.Helper()
	i, ok := r.idx[name]
	if !ok {
		t.Fatalf("no per-trial column %q", name)
	}
	return r.data[i]
}

// trials runs n trials on one worker and returns every trial's per-trial columns, for tests that
// look at individual years.
func trials(t testing.TB, s *model.Scenario, n int64, seed uint64) *rows {
	t.Helper()
	r := &rows{}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Sink = n, seed, 1, r
	if _, err := sim.Simulate(context.Background(), s, cfg, sim.Options{}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCompoundPoisson: for N ~ Poisson(lambda) events with lognormal losses X, the annual loss S
// has mean lambda E[X] and variance lambda E[X^2]. E[X^k] = exp(k mu + k^2 sigma^2 / 2). The
// standard error of the sample variance uses the fourth central moment of S,
// mu4 = lambda E[X^4] + 3 (lambda E[X^2])^2.
func TestCompoundPoisson(t *testing.T) {
	for _, c := range []struct {
		lambda, mu, sigma float64
	}{{3, 8, 0.5}, {0.05, 10, 1}, {25, 6, 0.3}} {
		src := `scenario: {name: cp, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: ` + ftoa(c.lambda) + `, loss: {dist: lognormal, mu: ` + ftoa(c.mu) + `, sigma: ` + ftoa(c.sigma) + `}}
`
		s := parse(t, src)
		const n = 400000
		sum := runN(t, s, n, 7, 2)
		ex := func(k float64) float64 { return math.Exp(k*c.mu + k*k*c.sigma*c.sigma/2) }
		mean := c.lambda * ex(1)
		variance := c.lambda * ex(2)
		mu4 := c.lambda*ex(4) + 3*variance*variance
		within(t, "mean", sum.AnnualLoss.Mean, mean, math.Sqrt(variance/n), 4)
		sd := sum.AnnualLoss.SD
		within(t, "variance", sd*sd, variance, math.Sqrt((mu4-variance*variance)/n), 4)
		// ALE(theta) is certain: exactly lambda E[X] in every trial.
		if a := sum.ALE; math.Abs(a.Mean-mean) > 1e-9*mean || a.SD > 1e-9*mean || a.P05 != a.P95 {
			t.Errorf("ALE %+v, want constant %g", a, mean)
		}
		// P(no loss) = exp(-lambda), a binomial proportion.
		p0 := math.Exp(-c.lambda)
		within(t, "P(zero)", sum.AnnualLoss.PZero, p0, math.Sqrt(p0*(1-p0)/n)+1e-12, 4)
	}
}

func ftoa(x float64) string { b, _ := json.Marshal(x); return string(b) }

// TestBench30Mean: the 30-finding reference workload's exact mean annual loss is 3,434,001.06;
// the engine's 95% interval must hold it (checked at 4 standard errors to keep the test's own
// false-alarm rate negligible), and its standard deviation must match 1,053,356.65.
func TestBench30Mean(t *testing.T) {
	s := load(t, "../scenarios/bench-30.yaml")
	const n = 200000
	sum := runN(t, s, n, sim.DefaultSeed, 2)
	const mean, sd = 3434001.06443901, 1053356.6531582137
	within(t, "bench-30 mean", sum.AnnualLoss.Mean, mean, sd/math.Sqrt(n), 4)
	if sum.AnnualLoss.CI95[0] > mean+2*sd/math.Sqrt(n) || sum.AnnualLoss.CI95[1] < mean-2*sd/math.Sqrt(n) {
		t.Errorf("CI %v far from the exact mean %v", sum.AnnualLoss.CI95, mean)
	}
	// SE of the sample sd: SE(s^2)/(2 sd), with SE(s^2) = sqrt((mu4 - sd^4)/n) and, for a sum of
	// independent compound Poissons, mu4 = sum of lambda_i E[X_i^4] + 3 sd^4, E[X^4] = exp(4 mu + 8 sigma^2).
	k4 := 0.0
	for _, f := range s.Findings {
		ln := f.Loss.Dist.(dist.LogNormal)
		k4 += f.AFE.Point() * math.Exp(4*ln.Mu+8*ln.Sigma*ln.Sigma)
	}
	seVar := math.Sqrt((k4 + 2*sd*sd*sd*sd) / n)
	within(t, "bench-30 sd", sum.AnnualLoss.SD, sd, seVar/(2*sd), 4)
	if sum.ALE.Mean != sum.ALE.P05 || math.Abs(sum.ALE.Mean-mean) > 1e-6*mean {
		t.Errorf("ALE %+v, want the constant %v", sum.ALE, mean)
	}
}

// TestAssetCap: a fixed loss L charged to an asset worth V is capped within a year; the annual loss
// never exceeds V, its mean matches E[min(N L, V)], and ALE(theta) uses that closed form.
func TestAssetCap(t *testing.T) {
	const lambda, L, V = 5.0, 643000.0, 1000000.0
	src := `scenario: {name: cap, horizon_years: 1}
sites: [{id: s}]
assets: [{id: lease, site: s, value: 1000000}]
findings:
  - {id: F, title: f, site: s, asset: lease, afe: 5, loss: 643000}
`
	s := parse(t, src)
	// E[min(N L, V)] with m = floor(V/L) = 1: P(N=1) L + V P(N >= 2).
	p0, p1 := math.Exp(-lambda), lambda*math.Exp(-lambda)
	want := p1*L + V*(1-p0-p1)
	const n = 100000
	for _, l := range trials(t, s, n, 3).col(t, "annual_loss") {
		if l > V {
			t.Fatalf("annual loss %v exceeds the asset's value %v", l, V)
		}
	}
	sum := runN(t, s, n, 3, 2)
	variance := p1*L*L + V*V*(1-p0-p1) - want*want
	within(t, "capped mean", sum.AnnualLoss.Mean, want, math.Sqrt(variance/n), 4)
	if f := sum.Findings[0]; f.ALEMethod != "closed_form_capped" || math.Abs(f.ALE.Mean-want) > 1e-9*want {
		t.Errorf("ALE %+v method %s, want closed form %v", f.ALE, f.ALEMethod, want)
	}
	// The report's arithmetic ignores the cap: 5 x 643K = 3.2M.
	if sum.Findings[0].PointALE != lambda*L {
		t.Errorf("point ALE %v, want %v", sum.Findings[0].PointALE, lambda*L)
	}
}

// TestAssetCapRandomLosses: with random losses, or two findings on one asset, no closed form
// exists; ALE(theta) is then the trial's capped loss, whose mean equals the annual loss mean.
func TestAssetCapRandomLosses(t *testing.T) {
	src := `scenario: {name: cap, horizon_years: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 50000}]
findings:
  - {id: F, title: f, site: s, asset: a, afe: 2, loss: {dist: uniform, min: 10000, max: 40000}}
  - {id: G, title: g, site: s, asset: a, afe: 1, loss: 30000}
`
	s := parse(t, src)
	for _, l := range trials(t, s, 50000, 9).col(t, "annual_loss") {
		if l > 50000*(1+1e-12) {
			t.Fatalf("annual loss %v exceeds the asset's value", l)
		}
	}
	sum := runN(t, s, 50000, 9, 2)
	for _, f := range sum.Findings {
		if f.ALEMethod != "control_variate" {
			t.Errorf("%s: method %s, want control_variate", f.ID, f.ALEMethod)
		}
	}
	if len(sum.Warnings) == 0 {
		t.Error("no warning that ALE is estimated")
	}
}

// TestCapRandomLossClosedForm: at most one event a year (P = 0.4) with a loss uniform on
// [10K, 40K], capped at 25K: E[min(X, V)] = ((V^2 - a^2)/2 + V (b - V))/(b - a), so the capped
// annual loss has mean 0.4 x that. Checked within 4 standard errors.
func TestCapRandomLossClosedForm(t *testing.T) {
	src := `scenario: {name: cap, horizon_years: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 25000}]
findings:
  - {id: F, title: f, site: s, asset: a, events: bernoulli, afe: 0.4, loss: {dist: uniform, min: 10000, max: 40000}}
`
	s := parse(t, src)
	const a, b, V, p, n = 10000.0, 40000.0, 25000.0, 0.4, 200000
	em := ((V*V-a*a)/2 + V*(b-V)) / (b - a)
	em2 := ((V*V*V-a*a*a)/3 + V*V*(b-V)) / (b - a)
	mean, variance := p*em, p*em2-(p*em)*(p*em)
	sum := runN(t, s, n, 4, 2)
	within(t, "capped mean", sum.AnnualLoss.Mean, mean, math.Sqrt(variance/n), 4)
	within(t, "estimated ALE mean", sum.ALE.Mean, mean, math.Sqrt(variance/n), 4)
}

// TestExpectedShortfallWithAtoms: a finding that costs 1000 per event at rate 0.02 has no loss in
// 98% of years. The expected shortfall at level p is the mean of the worst n(1-p) years; computed
// exactly from the Poisson distribution, and checked within 4 standard errors, bounded by
// sqrt(E[X^2] / (n (1-p)^2)) (the review found the old method returned the mean, 20x too low).
func TestExpectedShortfallWithAtoms(t *testing.T) {
	src := `scenario: {name: rare, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 0.02, loss: 1000}
`
	s := parse(t, src)
	const lambda, L, n = 0.02, 1000.0, 400000
	es := func(p float64) float64 {
		// Take the worst (1-p) of the probability mass, from the largest counts down.
		pmf := make([]float64, 20)
		pmf[0] = math.Exp(-lambda)
		for k := 1; k < len(pmf); k++ {
			pmf[k] = pmf[k-1] * lambda / float64(k)
		}
		left, sum := 1-p, 0.0
		for k := len(pmf) - 1; k >= 0 && left > 0; k-- {
			take := math.Min(pmf[k], left)
			sum += take * float64(k) * L
			left -= take
		}
		return sum / (1 - p)
	}
	sum := runN(t, s, n, 6, 2)
	ex2 := (lambda + lambda*lambda) * L * L
	for _, c := range []struct{ p, got float64 }{{0.95, sum.AnnualLoss.TVaR95}, {0.99, sum.AnnualLoss.TVaR99}} {
		within(t, "expected shortfall", c.got, es(c.p), math.Sqrt(ex2/(n*(1-c.p)*(1-c.p))), 4)
	}
	if math.Abs(es(0.95)-lambda*L/0.05) > 1e-9 {
		t.Errorf("check of the check: ES95 %v, want E[X]/0.05 = %v", es(0.95), lambda*L/0.05)
	}
	// The sketch's expected shortfall agrees within its relative error.
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.ExactLimit = n, 6, 2, 1000
	sk, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(sk.AnnualLoss.TVaR95 - sum.AnnualLoss.TVaR95); d > sim.SketchRelativeError*sum.AnnualLoss.TVaR95 {
		t.Errorf("sketch ES95 %v, exact %v", sk.AnnualLoss.TVaR95, sum.AnnualLoss.TVaR95)
	}
}

// TestDeterminism: the same seed gives byte-identical JSON (but for wall time and the workers
// field) with 1, 2 and 8 workers; another seed gives different results.
func TestDeterminism(t *testing.T) {
	// hospital.yaml states a tolerance, so its portfolios' annual losses are simulated too.
	paths := []string{"../scenarios/soes-1983.yaml", "../scenarios/hospital.yaml", "../scenarios/bench-30.yaml", "../scenarios/usps-wets-access.yaml"}
	trials := int64(120000)
	if testing.Short() {
		// Three blocks and the reference scenario still exercise out-of-order block completion.
		paths, trials = paths[:2], 3*sim.BlockSize
	}
	for _, path := range paths {
		determinism(t, path, trials)
	}
}

func determinism(t *testing.T, path string, trials int64) {
	s := load(t, path)
	var first []byte
	for _, w := range []int{1, 2, 8, 2} {
		sum := runN(t, s, trials, 42, w)
		sum.Run.WallSeconds, sum.Run.Workers = 0, 0
		b, _ := json.Marshal(sum)
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("%s workers %d: JSON differs from workers 1", path, w)
		}
	}
	other := runN(t, s, trials, 43, 2)
	other.Run.WallSeconds, other.Run.Workers, other.Run.Seed = 0, 0, 42
	b, _ := json.Marshal(other)
	if bytes.Equal(first, b) {
		t.Error("seed 43 gives the same results as seed 42")
	}
}

// TestCollapse: with every distribution at its point value, event counts at their expectation
// and no caps, the engine's ALE per finding equals point mode's to floating-point precision.
func TestCollapse(t *testing.T) {
	extra := `scenario: {name: hz, horizon_years: 1}
sites: [{id: a}, {id: b}]
hazards: [{id: quake, afe: {dist: loguniform, min: 0.01, max: 0.5, point: 0.1}}]
findings:
  - {id: A, title: a, site: a, hazard: quake, loss: {dist: pert, min: 100, mode: 1000, max: 5000, point: 1200}}
  - {id: B, title: b, site: b, hazard: quake, loss: 3000}
  - {id: C, title: c, site: a, events: bernoulli, afe: {dist: beta, alpha: 2, beta: 5, point: 0.3}, loss: 700}
`
	for _, path := range []string{"../scenarios/soes-1983.yaml", "../scenarios/bench-30.yaml", "inline"} {
		var s *model.Scenario
		if path == "inline" {
			s = parse(t, extra)
		} else {
			s = load(t, path)
		}
		cfg := sim.DefaultConfig()
		cfg.Trials, cfg.Collapse, cfg.Workers = 20000, true, 2
		sum, err := Run(context.Background(), s, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		point := map[string]float64{}
		total := 0.0
		for _, f := range s.Point(nil).Findings {
			point[f.ID] = f.ALE
			total += f.ALE
		}
		for _, f := range sum.Findings {
			if d := math.Abs(f.ALE.Mean - point[f.ID]); d > 1e-9*math.Max(1, point[f.ID]) {
				t.Errorf("%s %s: collapsed ALE %.10g, point %.10g", path, f.ID, f.ALE.Mean, point[f.ID])
			}
			if f.ALE.SD != 0 {
				t.Errorf("%s %s: collapsed ALE varies (sd %g)", path, f.ID, f.ALE.SD)
			}
		}
		if math.Abs(sum.ALE.Mean-total) > 1e-9*total || math.Abs(sum.AnnualLoss.Mean-total) > 1e-9*total {
			t.Errorf("%s: collapsed totals %v / %v, point %v", path, sum.ALE.Mean, sum.AnnualLoss.Mean, total)
		}
	}
}

// TestIndependentFindingsUncorrelated: findings with their own streams have uncorrelated annual
// losses across trials (the flaw DESIGN.md section 5 names in tools that re-seed per risk). The
// sample correlation of independent variables has standard error 1/sqrt(n).
func TestIndependentFindingsUncorrelated(t *testing.T) {
	src := `scenario: {name: ind, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: A, title: a, site: s, afe: 2, loss: {dist: lognormal, p05: 1000, p95: 100000}}
  - {id: B, title: b, site: s, afe: 2, loss: {dist: lognormal, p05: 1000, p95: 100000}}
  - {id: C, title: c, site: s, afe: {dist: loguniform, min: 0.5, max: 8}, loss: {dist: lognormal, p05: 1000, p95: 100000}}
`
	s := parse(t, src)
	const n = 100000
	qs := trials(t, s, n, 11)
	ids := []string{"A", "B", "C"}
	pairs := [][2]int{{0, 1}, {0, 2}, {1, 2}}
	for _, pr := range pairs {
		r := corr(qs.col(t, "loss:"+ids[pr[0]]), qs.col(t, "loss:"+ids[pr[1]]))
		if math.Abs(r) > 4/math.Sqrt(n) {
			t.Errorf("findings %d and %d: correlation %.4f beyond 4/sqrt(n) = %.4f", pr[0], pr[1], r, 4/math.Sqrt(n))
		}
	}
}

func corr(x, y []float64) float64 {
	var sa, sb, saa, sbb, sab float64
	n := float64(len(x))
	for i := range x {
		a, b := x[i], y[i]
		sa += a
		sb += b
		saa += a * a
		sbb += b * b
		sab += a * b
	}
	cov := sab/n - sa*sb/n/n
	return cov / math.Sqrt((saa/n-sa*sa/n/n)*(sbb/n-sb*sb/n/n))
}

// TestSharedHazard: one hazard event causes a loss at every finding naming it, so with fixed
// losses each year's losses are proportional; ALE uses the hazard's frequency.
func TestSharedHazard(t *testing.T) {
	src := `scenario: {name: hz, horizon_years: 1}
sites: [{id: a}, {id: b}]
hazards: [{id: quake, afe: {dist: loguniform, min: 0.01, max: 0.5, point: 0.1}}]
findings:
  - {id: A, title: a, site: a, hazard: quake, loss: 1000}
  - {id: B, title: b, site: b, hazard: quake, loss: 3000}
`
	s := parse(t, src)
	events := 0
	qs := trials(t, s, 50000, 5)
	lossB := qs.col(t, "loss:B")
	for i, la := range qs.col(t, "loss:A") {
		lb := lossB[i]
		if lb != 3*la {
			t.Fatalf("losses %v at A and %v at B: not one shared event count", la, lb)
		}
		if la > 0 {
			events++
		}
	}
	if events == 0 {
		t.Fatal("no hazard events")
	}
	sum := runN(t, s, 50000, 5, 2)
	if sum.Findings[0].PointALE != 100 || sum.Findings[1].PointALE != 300 {
		t.Errorf("point ALEs %v %v", sum.Findings[0].PointALE, sum.Findings[1].PointALE)
	}
	// E[AFE] for loguniform(.01, .5) is (.5 - .01)/ln 50.
	mean := 0.49 / math.Log(50) * 4000
	within(t, "ALE mean", sum.ALE.Mean, mean, sum.ALE.SD/math.Sqrt(50000), 4)
}

// TestBernoulli: at most one event a year.
func TestBernoulli(t *testing.T) {
	src := `scenario: {name: b, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, events: bernoulli, afe: 0.3, loss: 500}
`
	s := parse(t, src)
	const n = 100000
	for _, l := range trials(t, s, n, 1).col(t, "annual_loss") {
		if l != 0 && l != 500 {
			t.Fatalf("annual loss %v: more than one event", l)
		}
	}
	sum := runN(t, s, n, 1, 2)
	within(t, "P(loss)", 1-sum.AnnualLoss.PZero, 0.3, math.Sqrt(0.3*0.7/n), 4)
}

// TestALEQuantiles: ALE(theta) = L x AFE with AFE ~ loguniform(1, 50): its quantiles are L times
// the loguniform's. Tolerance: the sketch's relative error plus 4 standard errors of a sample
// quantile, sqrt(p(1-p)/n)/f(x_p).
func TestALEQuantiles(t *testing.T) {
	src := `scenario: {name: q, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: {dist: loguniform, min: 1, max: 50, point: 5}, loss: 1000}
`
	s := parse(t, src)
	const n = 200000
	sum := runN(t, s, n, 2, 2)
	lu := s.Findings[0].AFE.Factors[0].Dist
	for _, c := range []struct {
		p   float64
		got float64
	}{{0.05, sum.Findings[0].ALE.P05}, {0.5, sum.Findings[0].ALE.P50}, {0.95, sum.Findings[0].ALE.P95}} {
		x := lu.Quantile(c.p)
		density := 1 / (x * math.Log(50))
		se := math.Sqrt(c.p*(1-c.p)/n) / density * 1000
		want := 1000 * x
		if math.Abs(c.got-want) > sim.SketchRelativeError*want+4*se {
			t.Errorf("ALE p%g = %v, want %v", c.p*100, c.got, want)
		}
	}
	// The totals are exact: same check without sketch error.
	want := 1000 * lu.Quantile(0.5)
	within(t, "total ALE p50", sum.ALE.P50, want, math.Sqrt(0.25/n)/(1/(lu.Quantile(0.5)*math.Log(50)))*1000, 4)
}

// TestPrecision: --precision adds whole batches of blocks until the CI half-width is within the
// target, deterministically whatever the workers.
func TestPrecision(t *testing.T) {
	s := load(t, "../scenarios/bench-30.yaml")
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Precision = 5_000_000, 0.01
	var got []int64
	for _, w := range []int{1, 3} {
		cfg.Workers = w
		sum, err := Run(context.Background(), s, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		half := (sum.AnnualLoss.CI95[1] - sum.AnnualLoss.CI95[0]) / 2
		if half > 0.01*sum.AnnualLoss.Mean {
			t.Errorf("half-width %v above 1%% of the mean %v", half, sum.AnnualLoss.Mean)
		}
		if sum.Run.Trials%(sim.PrecisionBatch*sim.BlockSize) != 0 || sum.Run.Trials >= cfg.Trials {
			t.Errorf("precision run stopped at %d trials", sum.Run.Trials)
		}
		got = append(got, sum.Run.Trials)
	}
	if got[0] != got[1] {
		t.Errorf("precision stopped at %v trials with 1 and 3 workers", got)
	}
	// bench-30: sd/mean = 0.307, so 1% needs about (1.96 x 0.307 / 0.01)^2 = 3,600 trials: one batch.
	if got[0] != sim.PrecisionBatch*sim.BlockSize {
		t.Errorf("stopped at %d trials, want the first batch", got[0])
	}
}

// TestCancelMidRun: cancelling a long run stops it within a second.
func TestCancelMidRun(t *testing.T) {
	s := load(t, "../scenarios/bench-30.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 500_000_000, 2
	done := make(chan error)
	go func() {
		_, err := Run(ctx, s, cfg, Options{})
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("run still going a second after cancellation")
	}
}

func TestCancel(t *testing.T) {
	s := load(t, "../scenarios/bench-30.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := sim.DefaultConfig()
	cfg.Trials = 10_000_000
	if _, err := Run(ctx, s, cfg, Options{}); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestSketchAboveExactLimit: above ExactLimit, totals' quantiles come from the sketch, within its
// stated relative error of the exact ones.
func TestSketchAboveExactLimit(t *testing.T) {
	s := load(t, "../scenarios/bench-30.yaml")
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 100000, 2
	exact, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.ExactLimit = 1000
	sk, err := Run(context.Background(), s, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if exact.Run.TotalsQuantiles != "exact" || sk.Run.TotalsQuantiles != "sketch" {
		t.Fatalf("methods %s, %s", exact.Run.TotalsQuantiles, sk.Run.TotalsQuantiles)
	}
	if exact.AnnualLoss.Mean != sk.AnnualLoss.Mean {
		t.Errorf("means differ: %v vs %v", exact.AnnualLoss.Mean, sk.AnnualLoss.Mean)
	}
	for _, c := range [][2]float64{{exact.AnnualLoss.P50, sk.AnnualLoss.P50}, {exact.AnnualLoss.P99, sk.AnnualLoss.P99}} {
		// The sketch's rank is exact, so beside its relative error only the gap between
		// neighbouring order statistics (interpolation) separates the two: allow 1% in all.
		if math.Abs(c[0]-c[1]) > 0.01*c[0] {
			t.Errorf("exact %v vs sketch %v", c[0], c[1])
		}
	}
}

// TestRunWarnings: too few trials for P99, and a mean that has not converged under heavy tails
// (lognormal sigma 4: the variance is exp(16) times the squared mean), are warned about; figures
// stay finite.
func TestRunWarnings(t *testing.T) {
	src := `scenario: {name: heavy, horizon_years: 1}
sites: [{id: s}]
findings:
  - {id: F, title: f, site: s, afe: 2, loss: {dist: lognormal, mu: 8, sigma: 4}}
`
	s := parse(t, src)
	sum := runN(t, s, 500, 1, 2)
	joined := strings.Join(sum.Warnings, "\n")
	for _, want := range []string{"fewer than 10 years beyond the 99th percentile", "has not converged"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no warning %q in:\n%s", want, joined)
		}
	}
	for _, x := range []float64{sum.AnnualLoss.Mean, sum.AnnualLoss.P99, sum.AnnualLoss.TVaR99, sum.ALE.Mean} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("non-finite figure %v", x)
		}
	}
	if _, err := json.Marshal(sum); err != nil {
		t.Errorf("summary does not encode: %v", err)
	}
}

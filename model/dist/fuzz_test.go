package dist

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzDistributions builds every distribution of the registry from fuzzed parameters through its
// Kind.Build. Fuzz it with
//
//	go test -run '^$' -fuzz FuzzDistributions -fuzztime 5m -parallel 1 ./model/dist/
//
// The kind is picked by name, so a saved input keeps targeting its distribution whatever is added
// to the registry (a name not in it is skipped). opts picks the form, opts % NumForms() (lognormal:
// 0 for p05 and p95, 1 for mu and sigma), and opts / NumForms() is a mask of the form's optional
// parameters to leave out (bit i: the i-th optional one). The numbers a, b, c, d fill the form's
// number parameters in order; its first list parameter takes [a, b, c] (after any numbers before
// it), a second list [d, 1, 0.5].
//
// Property: Build either refuses the parameters with a *ParamError naming one of them, or returns
// a distribution whose Mean and Variance are finite (and the variance >= 0), whose Support is
// ordered, whose median Quantile(0.5) lies in the support, and whose draws (300, from a fixed-seed
// PCG) are finite and inside the support.
func FuzzDistributions(f *testing.F) {
	for _, c := range []struct {
		kind       string
		opts       uint8
		a, b, c, d float64
	}{
		{"constant", 0, 3.5, 0, 0, 0},
		{"uniform", 0, 2, 7, 0, 0},
		{"triangular", 0, 1, 2, 10, 0},
		{"triangular", 0, 0, 0, 1, 0},         // mode at min
		{"pert", 0, 0.6, 0.9, 0.99, 4},        // shape given
		{"pert", 0, 100, 150, 400, 2},         // shape 2
		{"pert", 1, 100, 150, 400, 0},         // shape left out (4)
		{"lognormal", 1, 1, 0.5, 0, 0},        // mu, sigma
		{"lognormal", 1, 180, 10, 0, 0},       // at the magnitude bound
		{"lognormal", 0, 1000, 100000, 0, 0},  // p05, p95
		{"loguniform", 0, 0.0001, 0.01, 0, 0}, //
		{"beta", 0, 0.5, 0.5, 0, 1},           //
		{"beta", 0, 0.01, 0.02, -1e100, 1},    // tiny shapes, wide range
		{"truncnormal", 0, -29, 1, 0, 0},      // near the limit
		{"discrete", 0, 1, 2, 5, 1},           // weights [1, 1, 0.5]
		{"discrete", 1, 1, 2, 5, 0},           // equal weights
		{"uniform", 0, -1e100, 1e100, 0, 0},   //
		{"lognormal", 1, -700, 1e-300, 0, 0},  //
		{"metalog", 0, 0.1, 10, 0.9, 40},      // pairs (0.1, 10), (0.9, 40), (0.5, 1): refused, not increasing
		{"metalog", 15, 0.1, 0.2, 0.9, 3},     // (0.1, 0.2), (0.9, 3), (0.5, 1), no bounds or terms
		{"metalog", 6, 0.1, 0.2, 0.9, 3},      // lower 0.1 given, upper and terms left out
	} {
		f.Add(c.kind, c.opts, c.a, c.b, c.c, c.d)
	}
	f.Fuzz(func(t *testing.T, name string, opts uint8, a, b, c, d float64) {
		k, ok := Lookup(name)
		if !ok {
			return
		}
		nf := k.NumForms()
		omit := int(opts) / nf
		vals := Values{Nums: map[string]float64{}, Lists: map[string][]float64{}}
		xs := []float64{a, b, c, d}
		next, lists, optional := 0, 0, 0
		for _, p := range k.FormParams(int(opts) % nf) {
			if p.Optional {
				optional++
				if omit&(1<<(optional-1)) != 0 {
					continue
				}
			}
			switch {
			case p.Pairs:
				// Three pairs [p, x]: the fuzzed numbers, then [0.5, 1].
				vals.Lists[p.Name] = []float64{xs[next%4], xs[(next+1)%4], xs[(next+2)%4], xs[(next+3)%4], 0.5, 1}
				next += 4
				lists++
			case p.List && lists == 0:
				vals.Lists[p.Name] = []float64{xs[next%4], xs[(next+1)%4], xs[(next+2)%4]}
				next += 3
				lists++
			case p.List:
				vals.Lists[p.Name] = []float64{xs[next%4], 1, 0.5}
				next++
			default:
				vals.Nums[p.Name] = xs[next%4]
				next++
			}
		}
		x, _, err := k.Build(vals)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T, want *ParamError: %v", err, err)
			}
			if pe.Param == "" || pe.Msg == "" {
				t.Fatalf("ParamError without a parameter or a message: %#v", pe)
			}
			return
		}
		finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
		lo, hi := x.Support()
		if !(lo <= hi) {
			t.Fatalf("%#v: support [%v, %v] not ordered", x, lo, hi)
		}
		if m := x.Mean(); !finite(m) {
			t.Fatalf("%#v: mean %v", x, m)
		}
		// LogUniform's variance once cancelled to a negative value on a range within rounding of
		// one point (testdata/fuzz/FuzzDistributions/cc1e1e71ca4cbf60, 1e08705ad8e9a115).
		v := x.Variance()
		if !finite(v) || v < 0 {
			t.Fatalf("%#v: variance %v", x, v)
		}
		if q := x.Quantile(0.5); !(lo <= q && q <= hi) || !finite(q) {
			t.Fatalf("%#v: median %v outside the support [%v, %v]", x, q, lo, hi)
		}
		// Uniform and Beta (hence PERT) draw Min + (Max-Min)*t, which once rounded past Max (beta
		// on [39.99, 108.8] drew 108.80000000000001) or cancelled (beta on [-1e100, -70] drew 0):
		// the crashers in testdata/fuzz/FuzzDistributions. Draws must now stay in the support.
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 300; i++ {
			if v := x.Rand(r); !finite(v) || v < lo || v > hi {
				t.Fatalf("%#v: draw %d is %v, outside the support [%v, %v]", x, i, v, lo, hi)
			}
		}
	})
}

// TestFuzzCorpusNamesKinds checks that every saved input of FuzzDistributions names a kind of the
// registry, so none is skipped after a rename.
func TestFuzzCorpusNamesKinds(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzDistributions/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no saved inputs: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "string(") {
			t.Errorf("%s: second line %q, want string(\"kind\")", f, lines[1])
			continue
		}
		name, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")"))
		if _, ok := Lookup(name); err != nil || !ok {
			t.Errorf("%s: names %q, not a kind of the registry (%v)", f, lines[1], err)
		}
	}
}

package dist

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// The registry's order is append-only: it is the order of the loader's "want one of" lists (pinned
// word for word by the bad-input catalogue) and of the docs' table.
func TestKindsOrderAppendOnly(t *testing.T) {
	pinned := []string{"constant", "uniform", "triangular", "pert", "lognormal", "loguniform", "beta", "truncnormal", "discrete", "exponential"}
	names := Names()
	if len(names) < len(pinned) || !slices.Equal(names[:len(pinned)], pinned) {
		t.Fatalf("Names() = %v, want it to start with %v (append new kinds at the end)", names, pinned)
	}
}

func TestKindsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if k.Name == "" || seen[k.Name] {
			t.Errorf("kind %q: empty or duplicate name", k.Name)
		}
		seen[k.Name] = true
		if k.New == nil || k.Describe == nil || len(k.Params) == 0 {
			t.Errorf("kind %q: want New, Describe and at least one parameter", k.Name)
		}
		if got, ok := Lookup(k.Name); !ok || got.Name != k.Name {
			t.Errorf("Lookup(%q) = %q, %v", k.Name, got.Name, ok)
		}
		params := map[string]bool{}
		for _, p := range k.Params {
			if p.Name == "" || params[p.Name] || p.Name == "dist" || p.Name == "point" || p.Name == "name" {
				t.Errorf("kind %q: parameter %q empty, duplicate or reserved", k.Name, p.Name)
			}
			params[p.Name] = true
		}
		// Every parameter belongs to exactly one form.
		inForms := map[string]int{}
		for i := 0; i < k.NumForms(); i++ {
			for _, p := range k.FormParams(i) {
				inForms[p.Name]++
			}
		}
		for _, p := range k.Params {
			if inForms[p.Name] != 1 {
				t.Errorf("kind %q: parameter %q is in %d forms, want 1", k.Name, p.Name, inForms[p.Name])
			}
		}
		for _, f := range k.Forms {
			for _, name := range f {
				if !params[name] {
					t.Errorf("kind %q: form names unknown parameter %q", k.Name, name)
				}
			}
		}
	}
	if _, ok := Lookup("normal"); ok {
		t.Error(`Lookup("normal") found a kind`)
	}
}

func nums(kv ...any) Values {
	v := Values{Nums: map[string]float64{}, Lists: map[string][]float64{}}
	for i := 0; i < len(kv); i += 2 {
		switch x := kv[i+1].(type) {
		case float64:
			v.Nums[kv[i].(string)] = x
		case []float64:
			v.Lists[kv[i].(string)] = x
		}
	}
	return v
}

// Every kind builds from a valid example through the registry, to the distribution its own
// constructor gives and the description the loader shows; a new kind must add its example here.
func TestBuildEveryKind(t *testing.T) {
	cases := []struct {
		kind string
		v    Values
		want Distribution
		spec string
	}{
		{"constant", nums("value", 3.5), Constant{3.5}, "3.5"},
		{"uniform", nums("min", 2.0, "max", 7.0), Uniform{2, 7}, "uniform(2, 7)"},
		{"triangular", nums("min", 1.0, "mode", 2.0, "max", 10.0), Triangular{1, 2, 10}, "triangular(1, 2, 10)"},
		{"pert", nums("min", 0.0, "mode", 1.0, "max", 4.0), Beta{1 + 4.0/4, 1 + 4*3.0/4, 0, 4}, "pert(0, 1, 4)"},
		{"pert", nums("min", 0.0, "mode", 1.0, "max", 4.0, "shape", 2.0), Beta{1 + 2.0/4, 1 + 2*3.0/4, 0, 4}, "pert(0, 1, 4, shape 2)"},
		{"lognormal", nums("mu", 1.0, "sigma", 0.5), LogNormal{1, 0.5}, "lognormal(mu 1, sigma 0.5)"},
		{"lognormal", nums("p05", 1000.0, "p95", 100000.0), must(NewLogNormal90(1000, 100000)), "lognormal(90% in 1000..100000)"},
		{"loguniform", nums("min", 1.0, "max", 50.0), must(NewLogUniform(1, 50)), "loguniform(1, 50)"},
		{"beta", nums("alpha", 2.0, "beta", 5.0), Beta{2, 5, 0, 1}, "beta(2, 5)"},
		{"beta", nums("alpha", 2.0, "beta", 5.0, "min", 10.0, "max", 20.0), Beta{2, 5, 10, 20}, "beta(2, 5)"},
		{"truncnormal", nums("mean", 1.0, "sd", 2.0), TruncNormal{1, 2}, "truncnormal(1, sd 2)"},
		{"discrete", nums("values", []float64{1, 2}), must(NewDiscrete([]float64{1, 2}, nil)), "discrete(2 values)"},
		{"discrete", nums("values", []float64{1, 2}, "weights", []float64{3, 1}), must(NewDiscrete([]float64{1, 2}, []float64{3, 1})), "discrete(2 values)"},
		{"exponential", nums("mean", 5000.0), Exponential{5000}, "exponential(mean 5000)"},
		{"metalog", nums("quantiles", []float64{0.1, 10, 0.5, 20, 0.9, 40}), must(FitMetalog([]float64{0.1, 0.5, 0.9}, []float64{10, 20, 40}, 0, math.Inf(-1), math.Inf(1))), "metalog(3 quantiles)"},
		{"metalog", nums("quantiles", []float64{0.1, 10, 0.5, 20, 0.9, 40, 0.99, 80}, "lower", 0.0, "upper", 1000.0, "terms", 3.0), must(FitMetalog([]float64{0.1, 0.5, 0.9, 0.99}, []float64{10, 20, 40, 80}, 3, 0, 1000)), "metalog(4 quantiles, lower 0, upper 1000, 3 terms)"},
	}
	tested := map[string]bool{}
	for _, c := range cases {
		tested[c.kind] = true
		k, ok := Lookup(c.kind)
		if !ok {
			t.Fatalf("no kind %q", c.kind)
		}
		d, spec, err := k.Build(c.v)
		if err != nil {
			t.Errorf("%s %v: %v", c.kind, c.v, err)
			continue
		}
		if spec != c.spec {
			t.Errorf("%s %v: spec %q, want %q", c.kind, c.v, spec, c.spec)
		}
		if d.Mean() != c.want.Mean() || d.Variance() != c.want.Variance() || d.Quantile(0.3) != c.want.Quantile(0.3) {
			t.Errorf("%s %v: got %#v, want %#v", c.kind, c.v, d, c.want)
		}
	}
	for _, name := range Names() {
		if !tested[name] {
			t.Errorf("kind %q has no example in TestBuildEveryKind", name)
		}
	}
}

func must(d Distribution, err error) Distribution {
	if err != nil {
		panic(err)
	}
	return d
}

// Build refuses incomplete, conflicting or misspelt parameters with an error, never a panic, and
// bad values with the constructor's *ParamError.
func TestBuildRefuses(t *testing.T) {
	cases := []struct {
		kind  string
		v     Values
		param bool // want a *ParamError
	}{
		{"uniform", nums("min", 1.0), false},
		{"uniform", nums("min", 1.0, "max", 2.0, "mode", 1.5), false},
		{"uniform", nums("min", 1.0, "max", []float64{2}), false},
		{"discrete", nums("values", 1.0), false},
		{"lognormal", nums("p05", 1.0, "p95", 2.0, "mu", 0.0), false},
		{"lognormal", nums("mu", 0.0), false},
		{"constant", Values{}, false},
		{"uniform", nums("min", 2.0, "max", 1.0), true},
		{"beta", nums("alpha", -1.0, "beta", 1.0), true},
		{"discrete", nums("values", []float64{1}, "weights", []float64{}), true},
	}
	for _, c := range cases {
		k, _ := Lookup(c.kind)
		d, _, err := k.Build(c.v)
		if err == nil {
			t.Errorf("%s %v: built %#v, want an error", c.kind, c.v, d)
			continue
		}
		var pe *ParamError
		if errors.As(err, &pe) != c.param {
			t.Errorf("%s %v: error %T %v, want ParamError %v", c.kind, c.v, err, err, c.param)
		}
	}
	_, msg := must2(Lookup("lognormal")).Form(func(string) bool { return true })
	if want := "give a lognormal either p05 and p95, or mu and sigma, not both"; msg != want {
		t.Errorf("conflict message %q, want %q", msg, want)
	}
}

func must2(k Kind, ok bool) Kind {
	if !ok {
		panic("no such kind")
	}
	return k
}

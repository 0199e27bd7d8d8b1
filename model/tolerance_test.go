package model

import (
	"math"
	"strings"
	"testing"
)

// withMeta replaces the documented example's currency line and appends extra YAML.
func withMeta(t *testing.T, currency, extra string) string {
	t.Helper()
	src := docExample(t)
	if currency != "" {
		lines := strings.Split(src, "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), "currency:") {
				lines[i] = "  currency: " + currency
			}
		}
		src = strings.Join(lines, "\n")
	}
	return src + "\n" + extra
}

func TestCurrencyValidated(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"usd", `did you mean "USD"`},
		{"UDS", `did you mean "USD"`},
		{"euro", `did you mean "EUR"`},
		{`"€"`, `did you mean "EUR"`},
		{"XYZQ", "ISO 4217"},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(withMeta(t, c.in, "")))
			if err == nil || !strings.Contains(err.Error(), "scenario.currency: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want scenario.currency error with %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "s.yaml:") {
				t.Errorf("no position in %v", err)
			}
		})
	}
	for _, ok := range []string{"USD", "EUR", "CHF"} {
		if _, err := Parse("s.yaml", []byte(withMeta(t, ok, ""))); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if CurrencySymbol("USD") != "$" || CurrencySymbol("CHF") != "CHF " {
		t.Errorf("symbols %q %q", CurrencySymbol("USD"), CurrencySymbol("CHF"))
	}
}

func TestToleranceParsed(t *testing.T) {
	s, err := Parse("s.yaml", []byte(withMeta(t, "", "tolerance:\n  - {loss: 1e6, probability: 0.1}\n  - {loss: 1e7, probability: 0.01}\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tolerance) != 2 || s.Tolerance[1].Loss != 1e7 || s.Tolerance[1].Probability != 0.01 {
		t.Fatalf("tolerance %+v", s.Tolerance)
	}
	if s.PointLabel != "point estimate" {
		t.Errorf("default point label %q", s.PointLabel)
	}
	// Log-log interpolation: halfway in log loss is halfway in log probability.
	if p, ok := Tolerance(s.Tolerance, math.Sqrt(1e13)); !ok || math.Abs(p-math.Sqrt(1e-3)) > 1e-12 {
		t.Errorf("midpoint %v %v", p, ok)
	}
	if _, ok := Tolerance(s.Tolerance, 2e7); ok {
		t.Errorf("beyond the last point should be outside the range")
	}
	if p, ok := Tolerance(s.Tolerance[:1], 10); !ok || p != 0.1 {
		t.Errorf("appetite %v %v", p, ok)
	}
	for _, c := range []struct{ yaml, want string }{
		{"tolerance:\n  - {loss: -1, probability: 0.1}\n", "tolerance[0].loss: must be > 0"},
		{"tolerance:\n  - {loss: 1e6, probability: 1.5}\n", "tolerance[0].probability: must be a probability"},
		{"tolerance:\n  - {loss: 1e6, probability: 0.1}\n  - {loss: 1e5, probability: 0.01}\n", "tolerance[1].loss: must be larger"},
		{"tolerance:\n  - {loss: 1e6, probability: 0.1}\n  - {loss: 1e7, probability: 0.2}\n", "tolerance[1].probability: must not exceed"},
		{"tolerance:\n  - {loss: 1e6, probabilty: 0.1}\n", `did you mean "probability"`},
	} {
		_, err := Parse("s.yaml", []byte(withMeta(t, "", c.yaml)))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "s.yaml:") {
			t.Errorf("%q: got %v, want %q", c.yaml, err, c.want)
		}
	}
}

func TestPointLabel(t *testing.T) {
	src := strings.Replace(docExample(t), "  currency:", "  point_label: 1983 report\n  currency:", 1)
	s, err := Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.PointLabel != "1983 report" {
		t.Errorf("got %q", s.PointLabel)
	}
}

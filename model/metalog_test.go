package model

import (
	"math"
	"strings"
	"testing"
)

const metalogScenario = `scenario:
  name: Metalog example
  horizon_years: 5
sites:
  - id: hq
findings:
  - id: F1
    title: Lease
    site: hq
    afe: {dist: metalog, quantiles: [[0.05, 0.5], [0.25, 1], [0.5, 2], [0.75, 3], [0.95, 6]], lower: 0, terms: 4}
    loss:
      dist: metalog
      quantiles: [[0.1, 20000], [0.5, 50000], [0.9, 200000]]
      lower: 0
      UPPER
`

// TestMetalogDocsExample checks the figures docs/scenario-format.md gives for its metalog example,
// rounded as printed, and the refusal it describes without the upper bound.
func TestMetalogDocsExample(t *testing.T) {
	s, err := Parse("m.yaml", []byte(strings.Replace(metalogScenario, "UPPER", "upper: 643000", 1)))
	if err != nil {
		t.Fatal(err)
	}
	loss := s.Findings[0].Loss
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"point (mean)", loss.Point, 85885},
		{"P95", loss.Dist.Quantile(0.95), 295039},
		{"P99", loss.Dist.Quantile(0.99), 494560},
	} {
		if math.Round(c.got) != c.want {
			t.Errorf("%s: %g, docs say %g", c.name, c.got, c.want)
		}
	}
	if got := loss.Spec; got != "metalog(3 quantiles, lower 0, upper 643000)" {
		t.Errorf("spec %q", got)
	}
	if af := s.Findings[0].AFE.Factors[0]; af.Spec != "metalog(5 quantiles, lower 0, 4 terms)" || !(af.Point > 2) {
		t.Errorf("least-squares AFE: %q, point %g", af.Spec, af.Point)
	}
	_, err = Parse("m.yaml", []byte(strings.Replace(metalogScenario, "UPPER", "", 1)))
	if err == nil || !strings.Contains(err.Error(), "m.yaml:13: findings[0].loss.quantiles: the fit's tail is too heavy for a variance (it falls like a log-logistic's with tail exponent 0.658") {
		t.Errorf("without upper: %v", err)
	}
}

// TestMetalogLossParameter: a metalog may be the estimate of a loss distribution's parameter
// (issue 14's uncertain loss parameters), its range checked like any other.
func TestMetalogLossParameter(t *testing.T) {
	src := `scenario: {name: m, horizon_years: 5}
sites: [{id: hq}]
findings:
  - id: F1
    title: one
    site: hq
    afe: 2
    loss: {dist: lognormal, p05: 1000, p95: {dist: metalog, quantiles: [[0.1, 20000], [0.5, 50000], [0.9, 100000]], lower: 2000, upper: 500000}}
`
	s, err := Parse("m.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lm := s.Findings[0].LossModel
	if lm == nil || len(lm.Params) != 1 || lm.Params[0].Name != "p95" || lm.Params[0].Lo != 2000 || lm.Params[0].Hi != 500000 {
		t.Fatalf("loss model %+v", lm)
	}
}

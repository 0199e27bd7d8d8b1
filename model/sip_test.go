package model

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alesim/alesim/model/dist"
	"github.com/alesim/alesim/model/sipmath"
)

func writeLibrary(t *testing.T, dir string) {
	t.Helper()
	l := sipmath.New("Breach library", "security team, 2026", "2026-11-30", nil)
	l.AddIndex("index")
	l.AddHDR("hdr1", 7, 1001)
	if err := l.AddArray("breaches", "index", []float64{0.5, 1, 2, 4}, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.AddArray("prob", "index", []float64{0.1, 0.2, 0.7}, nil); err != nil {
		t.Fatal(err)
	}
	m, err := dist.FitMetalog([]float64{0.1, 0.5, 0.9}, []float64{100, 200, 400}, 0, 0, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	l.AddMetalog("cost", "hdr1", m, nil)
	f, err := os.Create(filepath.Join(dir, "lib.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := l.WriteJSON(f); err != nil {
		t.Fatal(err)
	}
}

const sipScenario = `scenario: {name: sip, horizon_years: 5}
sites: [{id: hq}]
findings:
  - id: F1
    title: one
    site: hq
    afe: {dist: sip, library: lib.json, name: breaches}
    loss: 1000
  - id: F2
    title: two
    site: hq
    afe:
      factors:
        - {name: attempts, dist: uniform, min: 1, max: 3}
        - {name: success, dist: sip, library: lib.json, sip: prob}
    loss: 500
safeguards:
  - id: S1
    title: s
    annual_cost: {dist: sip, library: lib.json, sip: cost, point: 200}
    effects: [{finding: F1, frequency_factor: 0.5}]
`

// TestSIPEstimates: SIP inputs load from a library beside the scenario, read once, with their
// trials, their point (the mean unless given), a warning each saying how trials map, and the
// library in the scenario's provenance.
func TestSIPEstimates(t *testing.T) {
	dir := t.TempDir()
	writeLibrary(t, dir)
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(sipScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	afe := s.Findings[0].AFE.Factors[0]
	sip, ok := afe.Dist.(dist.SIP)
	if !ok || sip.At(5) != 1 || afe.Point != 1.875 || afe.Spec != "sip(breaches from lib.json, 4 trials)" {
		t.Errorf("F1 afe: %#v, point %g, spec %q", afe.Dist, afe.Point, afe.Spec)
	}
	if p := s.Findings[1].AFE.Factors[1]; p.Name != "success" || p.Dist.(dist.SIP).At(2) != 0.7 {
		t.Errorf("factor: %q %v", p.Name, p.Dist)
	}
	cost := s.Safeguards[0].AnnualCost
	if c, ok := cost.Dist.(dist.SIP); !ok || c.Len() != 0 || cost.Point != 200 || !(c.At(0) > 0) {
		t.Errorf("coded cost: %v, point %g", cost.Dist, cost.Point)
	}
	if len(s.Libraries) != 1 || s.Libraries[0].Name != "Breach library" || s.Libraries[0].Provenance != "security team, 2026" || len(s.Libraries[0].SHA256) != 64 {
		t.Errorf("libraries %+v", s.Libraries)
	}
	var ws []string
	for _, w := range s.Warnings() {
		if strings.Contains(w.Msg, "SIP") {
			ws = append(ws, w.String())
		}
	}
	want := []string{
		path + `:7: findings[0].afe: warning: takes SIP "breaches" from lib.json in order: trial t of the run takes its trial t mod 4 (a run of more trials repeats them)`,
		path + `:15: findings[1].afe.factors[1]: warning: takes SIP "prob" from lib.json in order: trial t of the run takes its trial t mod 3 (a run of more trials repeats them)`,
		path + `:20: safeguards[0].annual_cost: warning: takes the metalog-coded SIP "cost" from lib.json: trial t of the run takes its quantile at the library's HDR_2_0 uniform for PM_Index t+1`,
	}
	if strings.Join(ws, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(ws, "\n"), strings.Join(want, "\n"))
	}
}

// TestSIPEstimateErrors: each mistake is reported at its field.
func TestSIPEstimateErrors(t *testing.T) {
	dir := t.TempDir()
	writeLibrary(t, dir)
	for _, c := range []struct{ est, want string }{
		{`{dist: sip, library: lib.json, name: nope}`, `findings[0].afe.name: lib.json: library "Breach library" has no SIP named "nope"`},
		{`{dist: sip, library: missing.json, name: breaches}`, "findings[0].afe.library: cannot read the SIP library"},
		{`{dist: sip, name: breaches}`, "findings[0].afe.library: missing required field (want a file name)"},
		{`{dist: sip, library: lib.json, name: breaches, sip: prob}`, "findings[0].afe.sip: give the SIP's name once"},
		{`{dist: sip, library: lib.json, name: breaches, mean: 3}`, `findings[0].afe.mean: unknown field`},
		{`{dist: sip, library: lib.json, name: prob, point: 2}`, "findings[0].afe.point: must lie within the SIP's range [0.1, 0.7]"},
		{`{dist: sip, library: bad.json, name: x}`, "findings[0].afe.library: bad.json: not a SIPmath 3.0 library"},
	} {
		if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"name": 1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		src := "scenario: {name: sip, horizon_years: 5}\nsites: [{id: hq}]\nfindings:\n  - {id: F1, title: one, site: hq, loss: 1000, afe: " + c.est + "}\n"
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.est, err, c.want)
		}
	}
	src := "scenario: {name: sip, horizon_years: 5}\nsites: [{id: hq}]\nfindings:\n  - {id: F1, title: one, site: hq, afe: 1, loss: {dist: sip, library: lib.json, name: breaches}}\n"
	path := filepath.Join(dir, "s.yaml")
	os.WriteFile(path, []byte(src), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "findings[0].loss.dist: a SIP gives one value per trial") {
		t.Errorf("SIP loss: %v", err)
	}
	// A SIP's trials come in order: a copula cannot reorder them, so correlating one is an error.
	src = "scenario: {name: sip, horizon_years: 5}\nsites: [{id: hq}]\nfindings:\n  - {id: F1, title: one, site: hq, loss: 1000, afe: {dist: sip, library: lib.json, name: breaches}}\n  - {id: F2, title: two, site: hq, loss: 1000, afe: {dist: uniform, min: 1, max: 2}}\ncorrelations:\n  - {inputs: [F1.afe, F2.afe], rank: 0.5}\n"
	os.WriteFile(path, []byte(src), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `correlations[0].inputs[0]: "F1.afe" takes a SIP's trials in order`) {
		t.Errorf("correlated SIP: %v", err)
	}
}

// TestSIPLossParameters: a SIP may be an uncertain parameter of a loss distribution or a loss
// factor drawn once a year (both theta), not a per-event factor.
func TestSIPLossParameters(t *testing.T) {
	dir := t.TempDir()
	writeLibrary(t, dir)
	head := "scenario: {name: sip, horizon_years: 5}\nsites: [{id: hq}]\nfindings:\n  - id: F1\n    title: one\n    site: hq\n    afe: 1\n"
	for _, c := range []struct{ loss, want string }{
		{"    loss: {dist: lognormal, p05: {dist: sip, library: lib.json, name: breaches}, p95: 100}\n", ""},
		{"    loss: {factors: [{name: records, dist: sip, library: lib.json, sip: breaches, per: year}, {name: cost, dist: uniform, min: 1, max: 2}]}\n", ""},
		{"    loss: {factors: [{name: records, dist: sip, library: lib.json, sip: breaches}, {name: cost, dist: uniform, min: 1, max: 2}]}\n", "findings[0].loss.factors[0].per: a SIP gives one value per trial: mark the factor per: year"},
	} {
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(path, []byte(head+c.loss), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.loss, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.loss, err, c.want)
		}
	}
}

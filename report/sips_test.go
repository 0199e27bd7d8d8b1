package report

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/sipmath"
	"github.com/alesim/alesim/sim"
)

// recorder is an independent trial sink: it keeps every column of every trial by trial index.
type recorder struct {
	mu   sync.Mutex
	cols []string
	vals map[string]map[int64]float64
}

func (r *recorder) Start(c []string) error {
	r.cols, r.vals = c, map[string]map[int64]float64{}
	for _, name := range c {
		r.vals[name] = map[int64]float64{}
	}
	return nil
}

func (r *recorder) WriteBlock(_ context.Context, b *sim.Block) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, name := range r.cols {
		for i := 0; i < b.N; i++ {
			r.vals[name][b.First+int64(i)] = b.Cols[c][i]
		}
	}
	return nil
}

const sipSource = `scenario: {name: SIP source, horizon_years: 5, discount_rate: 0.1}
sites: [{id: hq}]
findings:
  - {id: F1, title: theft, site: hq, afe: {dist: loguniform, min: 1, max: 20}, loss: {dist: lognormal, p05: 2000, p95: 50000}}
  - {id: F2, title: fire, site: hq, afe: {dist: metalog, quantiles: [[0.1, 0.01], [0.5, 0.03], [0.9, 0.1]], lower: 0, upper: 1}, loss: 400000}
safeguards:
  - {id: S1, title: alarm, annual_cost: 2000, effects: [{finding: F1, ale_reduction: {dist: pert, min: 0.3, mode: 0.6, max: 0.9}}]}
  - {id: S2, title: sprinkler, one_time_cost: 20000, effects: [{finding: F2, loss_factor: 0.2}]}
`

// runSource runs the source scenario with a SIP sink (and an independent recorder behind it) and
// returns the library written and read back, with the recorder.
func runSource(t *testing.T, dir string, trials int64, workers int) (*sipmath.Library, *recorder, []byte) {
	t.Helper()
	s, err := model.Parse(filepath.Join(dir, "source.yaml"), []byte(sipSource))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	k := NewSIPSink(s, nil, rec)
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers, cfg.Sink, cfg.Version = trials, workers, k, "test"
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := SIPLibrary(sum, s, k, "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSIPs(&buf, lib); err != nil {
		t.Fatal(err)
	}
	back, err := sipmath.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return back, rec, buf.Bytes()
}

// TestSIPExport: sips.json obeys the SIPmath 3.0 rules (sipmath.Check: the standard's JSON Schema
// and its cross references), carries the default columns with the run's provenance, re-imports
// to the run's trials bit for bit, and is the same file whatever the number of workers.
func TestSIPExport(t *testing.T) {
	dir := t.TempDir()
	const trials = 2*sim.BlockSize + 123
	lib, rec, raw := runSource(t, dir, trials, 1)
	if errs := sipmath.Check(raw); len(errs) > 0 {
		t.Fatalf("sips.json breaks the SIPmath 3.0 rules: %v", errs)
	}
	if lib.LibraryType != "SIPmath_3_0" || !strings.Contains(lib.Provenance, "seed 1983, 20123 trials") || lib.Metadata["scenario_sha256"] == "" {
		t.Errorf("header: %q %q %v", lib.LibraryType, lib.Provenance, lib.Metadata)
	}
	var names []string
	for _, s := range lib.SIPs {
		names = append(names, s.Name)
	}
	want := []string{"annual_loss", "annual_loss (metalog)", "ale", "ale (metalog)", "savings:S1", "savings:S1 (metalog)", "savings:S2", "savings:S2 (metalog)"}
	if !slices.Equal(names, want) {
		t.Fatalf("SIPs %v, want %v", names, want)
	}
	for _, col := range []string{"annual_loss", "ale", "savings:S1", "savings:S2"} {
		s, err := lib.Trials(col)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != trials {
			t.Fatalf("%s: %d trials", col, s.Len())
		}
		for tr := int64(0); tr < trials; tr++ {
			if got, want := s.At(tr), rec.vals[col][tr]; got != want {
				t.Fatalf("%s trial %d: %v re-imported, the run's %v", col, tr, got, want)
			}
		}
	}
	_, _, raw4 := runSource(t, dir, trials, 4)
	if !bytes.Equal(raw, raw4) {
		t.Error("sips.json differs between 1 and 4 workers")
	}
}

// TestSIPMetalogCoding: each metalog-coded SIP, imported, gives trials Q(HDR(t+1)) whose empirical
// distribution is within the stated fit error of the run's trials: the Kolmogorov-Smirnov
// distance of n coded trials to the run's n trials is at most the fit's stated KS distance (metalog
// to the run's trials) plus the coded trials' distance to their metalog, under 1.949/sqrt(n) at
// significance 0.001 if HDR is uniform.
func TestSIPMetalogCoding(t *testing.T) {
	const trials = 3 * sim.BlockSize
	lib, rec, _ := runSource(t, t.TempDir(), trials, 2)
	for _, col := range []string{"ale", "savings:S1"} {
		s, err := lib.Find(col + " (metalog)")
		if err != nil {
			t.Fatal(err)
		}
		fit := s.Metadata["fit"].(map[string]any)
		stated := fit["ks_distance"].(float64)
		coded, err := lib.Trials(col + " (metalog)")
		if err != nil {
			t.Fatal(err)
		}
		a := make([]float64, trials)
		b := make([]float64, trials)
		for i := range a {
			a[i] = coded.At(int64(i))
			b[i] = rec.vals[col][int64(i)]
		}
		if d, lim := ks2(a, b), stated+1.949/math.Sqrt(trials); d > lim {
			t.Errorf("%s: coded trials %g from the run's in KS, beyond %g (stated fit error %g)", col, d, lim, stated)
		}
		if stated > 0.02 {
			t.Errorf("%s: fit error %g; a smooth ALE or savings should fit within 0.02 (%v terms)", col, stated, fit["terms"])
		}
	}
}

// ks2 is the two-sample Kolmogorov-Smirnov distance of equal-size samples.
func ks2(a, b []float64) float64 {
	a, b = append([]float64(nil), a...), append([]float64(nil), b...)
	sort.Float64s(a)
	sort.Float64s(b)
	n := float64(len(a))
	i, j, d := 0, 0, 0.0
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/n-float64(j)/n))
	}
	return d
}

// TestSIPRoundTripThroughImport: a second scenario takes the first run's ALE SIP as the AFE of a
// finding whose loss is 1; its ALE(theta) in trial t is then AFE x mean loss = the first run's
// ALE in trial t, bit for bit, through the library file, the loader and the engine.
func TestSIPRoundTripThroughImport(t *testing.T) {
	dir := t.TempDir()
	const trials = sim.BlockSize + 77
	_, rec, raw := runSource(t, dir, trials, 2)
	if err := os.WriteFile(filepath.Join(dir, "sips.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	src := "scenario: {name: import, horizon_years: 5}\nsites: [{id: hq}]\nfindings:\n  - {id: G1, title: imported, site: hq, afe: {dist: sip, library: sips.json, name: ale}, loss: 1}\n"
	path := filepath.Join(dir, "import.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Libraries) != 1 || s.Libraries[0].Name != "SIP source (alesim run)" {
		t.Fatalf("libraries %+v", s.Libraries)
	}
	rec2 := &recorder{}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers, cfg.Sink = trials, 3, rec2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for tr := int64(0); tr < trials; tr++ {
		if got, want := rec2.vals["ale"][tr], rec.vals["ale"][tr]; got != want {
			t.Fatalf("trial %d: ALE %v after the round trip, %v before", tr, got, want)
		}
	}
	found := false
	for _, w := range sum.Warnings {
		found = found || strings.Contains(w, `takes SIP "ale" from sips.json in order: trial t of the run takes its trial t mod 10077`)
	}
	if !found {
		t.Errorf("no warning saying how trials map: %v", sum.Warnings)
	}
	if got := sum.Scenario.Libraries; len(got) != 1 || got[0].File != "sips.json" {
		t.Errorf("summary's sip_libraries %+v", got)
	}
}

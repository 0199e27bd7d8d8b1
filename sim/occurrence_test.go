package sim

import (
	"testing"

	"github.com/alesim/alesim/model"
)

// trialsOf runs n trials of block 0 on one worker and calls f after each with the trial's
// quantities.
func trialsOf(t *testing.T, s *model.Scenario, n int, f func(p *plan, q []float64)) {
	t.Helper()
	p, err := compile(s, false, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(p, 1983, false)
	for i := range w.st {
		s1, s2 := streamSeeds(w.seed, p.hashes[i], 0)
		w.st[i].pcg.Seed(s1, s2)
	}
	for k := range n {
		w.trial(int64(k))
		f(p, w.q)
	}
}

// TestOccurrenceBelowAnnual: on every shipped scenario with caps, shared hazards and random
// losses, the year's largest event loss never exceeds its annual loss, trial by trial, and is
// positive exactly when the year has a loss.
func TestOccurrenceBelowAnnual(t *testing.T) {
	for _, path := range []string{"../scenarios/soes-1983.yaml", "../scenarios/usps-wets-access.yaml", "../scenarios/usps-cloud-records.yaml", "../scenarios/bench-30.yaml"} {
		s := load(t, path)
		bad := 0
		trialsOf(t, s, 5000, func(p *plan, q []float64) {
			occ, loss := q[p.qOcc], q[p.qLoss]
			if occ > loss*(1+1e-12) || (occ > 0) != (loss > 0) {
				if bad++; bad < 4 {
					t.Errorf("%s: occurrence %v, annual loss %v", path, occ, loss)
				}
			}
		})
	}
}

// TestOccurrenceHazard: one event of a shared hazard is one occurrence, its losses at every finding
// summed, the share charged to an asset capped at its value: fixed losses 30 and 50 at two
// findings charged to an asset of value 60, and 7 at a third, uncharged: each year with events has
// occurrence min(30 + 50, 60) + 7 = 67, whatever the number of events.
func TestOccurrenceHazard(t *testing.T) {
	src := `scenario: {name: occ, horizon_years: 1}
sites: [{id: s}]
assets: [{id: a, site: s, value: 60}]
hazards: [{id: h, title: h, afe: 2}]
findings:
  - {id: A, title: a, site: s, hazard: h, asset: a, loss: 30}
  - {id: B, title: b, site: s, hazard: h, asset: a, loss: 50}
  - {id: C, title: c, site: s, hazard: h, loss: 7}
`
	s, err := model.Parse("occ.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	years := 0
	trialsOf(t, s, 2000, func(p *plan, q []float64) {
		want := 0.0
		if q[p.qLoss] > 0 {
			want = 67
			years++
		}
		if q[p.qOcc] != want {
			t.Fatalf("occurrence %v in a year of loss %v, want %v", q[p.qOcc], q[p.qLoss], want)
		}
	})
	if years == 0 {
		t.Fatal("no year had an event")
	}
}

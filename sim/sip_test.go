package sim

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
)

// sipSink keeps one column of every trial, by trial index.
type sipSink struct {
	mu   sync.Mutex
	col  string
	c    int
	vals map[int64]float64
}

func (s *sipSink) Start(columns []string) error {
	s.c = slices.Index(columns, s.col)
	s.vals = map[int64]float64{}
	return nil
}

func (s *sipSink) WriteBlock(_ context.Context, b *Block) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < b.N; i++ {
		s.vals[b.First+int64(i)] = b.Cols[s.c][i]
	}
	return nil
}

// TestSIPInputByTrialIndex: an input that is a SIP takes, in trial t, the SIP's trial t modulo
// its length, whatever the number of workers (a pure function of the trial index), and it uses no
// random stream, so every other input draws as before.
func TestSIPInputByTrialIndex(t *testing.T) {
	src := []byte(`scenario: {name: sip, horizon_years: 5}
sites: [{id: hq}]
findings:
  - {id: F1, title: one, site: hq, afe: {dist: uniform, min: 0.1, max: 2}, loss: 1000}
  - {id: F2, title: two, site: hq, afe: {dist: uniform, min: 1, max: 3}, loss: 500}
`)
	s, err := model.Parse("sip.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	vals := []float64{0.5, 1, 2, 4, 0.25, 3, 7}
	sip, err := dist.NewSIP(vals)
	if err != nil {
		t.Fatal(err)
	}
	run := func(s *model.Scenario, workers int) (*sipSink, *sipSink) {
		a, b := &sipSink{col: "input:F1.afe"}, &sipSink{col: "input:F2.afe"}
		cfg := DefaultConfig()
		cfg.Trials, cfg.Workers, cfg.Sink = 3*BlockSize+17, workers, tee{a, b}
		if _, err := Simulate(context.Background(), s, cfg, Options{RecordInputs: true}); err != nil {
			t.Fatal(err)
		}
		return a, b
	}
	_, before := run(s, 1)
	s.Findings[0].AFE.Factors[0].Dist, s.Findings[0].AFE.Factors[0].Point = sip, sip.Mean()
	for _, w := range []int{1, 3} {
		got, other := run(s, w)
		for tr, v := range got.vals {
			if want := vals[tr%int64(len(vals))]; v != want {
				t.Fatalf("%d workers: trial %d took %g, want the SIP's trial %d, %g", w, tr, v, tr%int64(len(vals)), want)
			}
		}
		if len(got.vals) != 3*BlockSize+17 {
			t.Fatalf("%d trials recorded", len(got.vals))
		}
		for tr, v := range other.vals {
			if before.vals[tr] != v {
				t.Fatalf("%d workers: F2's AFE in trial %d changed from %g to %g", w, tr, before.vals[tr], v)
			}
		}
	}
}

// tee hands each block to both sinks (neither keeps it).
type tee [2]*sipSink

func (t tee) Start(c []string) error {
	t[0].Start(c)
	return t[1].Start(c)
}

func (t tee) WriteBlock(ctx context.Context, b *Block) error {
	t[0].WriteBlock(ctx, b)
	return t[1].WriteBlock(ctx, b)
}

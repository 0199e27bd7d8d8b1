package sim

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/alesim/alesim/model"
)

// shardBytes runs s as one shard and returns its file's bytes, which hold every block's moments,
// every sketch and every exact total (the wall time zeroed).
func shardBytes(t *testing.T, s *model.Scenario, cfg Config) []byte {
	t.Helper()
	r, err := RunShard(context.Background(), s, cfg, Options{}, Shard{K: 1, N: 1})
	if err != nil {
		t.Fatal(err)
	}
	r.WallSeconds = 0
	var b bytes.Buffer
	if err := WriteShard(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestShortcutsChangeNoBit runs every shipped scenario with the trial loop's shortcuts (the short
// path of common finding shapes, the one-pass year, constant quantities skipped, certain ALE(theta)
// computed once per worker, sketch values added through the concrete stores) and without them
// (slowPath), and requires the two shard files, which hold every block's moments, every sketch and
// every exact total, to be the same bytes.
func TestShortcutsChangeNoBit(t *testing.T) {
	paths, err := filepath.Glob("../scenarios/*.yaml")
	if err != nil || len(paths) < 4 {
		t.Fatalf("shipped scenarios: %v %v", paths, err)
	}
	shard := func(path string, slow bool, workers int) []byte {
		t.Helper()
		slowPath = slow
		defer func() { slowPath = false }()
		cfg := DefaultConfig()
		cfg.Trials, cfg.Workers, cfg.Seed = 25000, workers, 11
		return shardBytes(t, load(t, path), cfg)
	}
	for _, path := range paths {
		fast := shard(path, false, 2)
		if slow := shard(path, true, 1); !bytes.Equal(fast, slow) {
			t.Errorf("%s: the trial loop's shortcuts change the results", path)
		}
	}
}

// TestOneYearPassChangesNoBit: a scenario that takes the one-pass year (fastYear: every finding of a
// common shape, none with an asset or hazard) with every shape it handles (lognormal and constant
// losses at certain rates counted by inversion, a rate too high for inversion, an uncertain rate, a
// Bernoulli finding, a uniform loss, a zero loss, findings with and without a class, two sites),
// run with the shortcuts and without them: the shard bytes and every trial's columns (the sink,
// which reads each finding's loss in every trial, so a loss left over from an earlier year would
// show) must be the same.
func TestOneYearPassChangesNoBit(t *testing.T) {
	src := `scenario: {name: one-pass, horizon_years: 5, discount_rate: 0.1}
sites: [{id: a}, {id: b}]
classes: [{id: c1}, {id: c2}]
findings:
  - {id: LN, title: ln, site: a, class: c1, afe: 0.3, loss: {dist: lognormal, p05: 1000, p95: 90000}}
  - {id: RARE, title: rare, site: b, afe: 0.002, loss: {dist: lognormal, p05: 10, p95: 100}}
  - {id: K, title: konst, site: a, class: c2, afe: 1.7, loss: 2500}
  - {id: Z, title: zero, site: b, class: c2, afe: 0.4, loss: 0}
  - {id: HI, title: many, site: a, afe: 80, loss: {dist: lognormal, p05: 5, p95: 50}}
  - {id: U, title: uncertain rate, site: b, class: c1, afe: {dist: lognormal, p05: 0.1, p95: 2}, loss: {dist: lognormal, p05: 100, p95: 1000}}
  - {id: B, title: once, site: a, events: bernoulli, afe: 0.35, loss: {dist: uniform, min: 10, max: 5000}}
  - {id: UN, title: uniform, site: b, class: c1, afe: 0.6, loss: {dist: uniform, min: 0, max: 800}}
`
	s, err := model.Parse("one-pass.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	run := func(slow bool, workers int) ([]byte, *colSink) {
		t.Helper()
		slowPath = slow
		defer func() { slowPath = false }()
		p, err := compile(s, false, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slow && !p.allFast {
			t.Fatal("the scenario does not take the one-pass year")
		}
		cfg := DefaultConfig()
		cfg.Trials, cfg.Workers, cfg.Seed = 35000, workers, 5 // 4 blocks, the last short
		b := shardBytes(t, s, cfg)
		sink := &colSink{}
		cfg.Sink = sink
		if _, err := Simulate(context.Background(), s, cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		return b, sink
	}
	fast, fastRows := run(false, 2)
	slow, slowRows := run(true, 1)
	if !bytes.Equal(fast, slow) {
		t.Error("the one-pass year changes the results")
	}
	if len(fastRows.data) != 35000 || len(slowRows.data) != 35000 {
		t.Fatalf("sink rows: %d and %d, want 35000", len(fastRows.data), len(slowRows.data))
	}
	for tr, row := range slowRows.data {
		for c, v := range row {
			if math.Float64bits(fastRows.data[tr][c]) != math.Float64bits(v) {
				t.Fatalf("trial %d, column %s: %v with the one-pass year, %v without", tr, slowRows.names[c], fastRows.data[tr][c], v)
			}
		}
	}
}

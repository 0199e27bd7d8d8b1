package sim

import (
	"context"
	"sync"
	"testing"
)

// colSink keeps every trial's columns by global trial index.
type colSink struct {
	mu    sync.Mutex
	names []string
	data  map[int64][]float64 // trial -> columns
}

func (c *colSink) Start(names []string) error {
	c.names, c.data = names, map[int64][]float64{}
	return nil
}

func (c *colSink) WriteBlock(_ context.Context, b *Block) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; i < b.N; i++ {
		row := make([]float64, len(b.Cols))
		for k := range b.Cols {
			row[k] = b.Cols[k][i]
		}
		c.data[b.First+int64(i)] = row
	}
	return nil
}

// TestBlockSubsets: the even and the odd blocks of a run are disjoint halves of its trials, each
// trial bit-identical to the same trial of the whole run (a block's streams depend only on the seed
// and its index), and a half's moments do not depend on the workers.
func TestBlockSubsets(t *testing.T) {
	s := load(t, "../scenarios/soes-1983.yaml")
	run := func(bs BlockSubset, workers int) (*Result, *colSink) {
		cfg := DefaultConfig()
		cfg.Trials, cfg.Workers, cfg.Blocks = 45000, workers, bs // 5 blocks, the last short
		sink := &colSink{}
		cfg.Sink = sink
		res, err := Simulate(context.Background(), s, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res, sink
	}
	all, allRows := run(AllBlocks, 2)
	even, evenRows := run(EvenBlocks, 1)
	odd, oddRows := run(OddBlocks, 3)
	if even.Trials() != 25000 || odd.Trials() != 20000 {
		t.Fatalf("even %d and odd %d trials, want 25000 and 20000", even.Trials(), odd.Trials())
	}
	for _, h := range []struct {
		rows   *colSink
		parity int64
	}{{evenRows, 0}, {oddRows, 1}} {
		for tr, row := range h.rows.data {
			if (tr/BlockSize)%2 != h.parity {
				t.Fatalf("trial %d in the wrong half", tr)
			}
			want := allRows.data[tr]
			for k := range row {
				if row[k] != want[k] {
					t.Fatalf("trial %d column %s: %v, whole run %v", tr, h.rows.names[k], row[k], want[k])
				}
			}
		}
	}
	if len(evenRows.data)+len(oddRows.data) != len(allRows.data) {
		t.Errorf("halves hold %d + %d trials, the run %d", len(evenRows.data), len(oddRows.data), len(allRows.data))
	}
	q := all.TotalLoss()
	whole := all.Mean(q) * 45000
	halves := even.Mean(q)*25000 + odd.Mean(q)*20000
	if d := whole - halves; d > 1e-9*whole || d < -1e-9*whole {
		t.Errorf("halves' total loss %v, whole run's %v", halves, whole)
	}
	even2, _ := run(EvenBlocks, 3)
	for i := range even.Layout() {
		if even.Mean(i) != even2.Mean(i) || even.SD(i) != even2.SD(i) {
			t.Fatalf("quantity %d: even blocks on 1 and 3 workers differ", i)
		}
	}
	cfg := DefaultConfig()
	cfg.Trials, cfg.Blocks = 5000, OddBlocks
	if _, err := Simulate(context.Background(), s, cfg, Options{}); err == nil {
		t.Error("the odd blocks of a one-block run ran")
	}
}

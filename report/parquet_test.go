package report

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

// capture is a TrialSink keeping copies of every block, in block order.
type capture struct {
	mu      sync.Mutex
	columns []string
	blocks  []*sim.Block
}

func (c *capture) Start(columns []string) error { c.columns = columns; return nil }

func (c *capture) WriteBlock(_ context.Context, b *sim.Block) error {
	cp := &sim.Block{Index: b.Index, First: b.First, N: b.N, Cols: make([][]float64, len(b.Cols))}
	for i, col := range b.Cols {
		cp.Cols[i] = slices.Clone(col[:b.N])
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocks = append(c.blocks, cp)
	slices.SortFunc(c.blocks, func(a, b *sim.Block) int { return int(a.Index - b.Index) })
	return nil
}

// captureSOES runs trials of the reference scenario with its report portfolio and keeps the blocks.
func captureSOES(tb testing.TB, trials int64) *capture {
	tb.Helper()
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	c := &capture{}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Sink = trials, 11, c
	sel, _ := s.Selection("report")
	if _, err := sim.Simulate(context.Background(), s, cfg, sim.Options{Recommended: &sim.Set{Name: "report", Members: sel}}); err != nil {
		tb.Fatal(err)
	}
	return c
}

// writeSink writes the captured blocks through a fresh ParquetSink (the blocks are shallow copies:
// the sink owns them) and returns the file's size.
func writeSink(tb testing.TB, c *capture, path string, cols TrialsColumns, repeat int) int64 {
	tb.Helper()
	sink := NewParquetSink(path, map[string]string{"seed": "11"})
	sink.Columns = cols
	if err := sink.Start(c.columns); err != nil {
		tb.Fatal(err)
	}
	n := int64(len(c.blocks))
	for r := range int64(repeat) {
		for _, b := range c.blocks {
			blk := &sim.Block{Index: r*n + b.Index, First: r*n*sim.BlockSize + b.First, N: b.N, Cols: b.Cols}
			if err := sink.WriteBlock(context.Background(), blk); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if _, err := sink.Close(); err != nil {
		tb.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

// TestParquetColumnsChoice: each --trials-columns choice writes its columns and no other, and every
// value reads back as the engine gave it (the totals exactly, the others as float32).
func TestParquetColumnsChoice(t *testing.T) {
	c := captureSOES(t, 2*sim.BlockSize+700)
	for _, tc := range []struct {
		cols TrialsColumns
		keep func(string) bool
	}{
		{AllColumns, func(string) bool { return true }},
		{TotalsColumns, func(c string) bool { return c == "annual_loss" || c == "ale" || c == "annual_loss_with" }},
		{FindingsColumns, func(c string) bool {
			return c == "annual_loss" || c == "ale" || c == "annual_loss_with" || len(c) > 5 && c[:5] == "loss:"
		}},
	} {
		path := filepath.Join(t.TempDir(), "trials.parquet")
		writeSink(t, c, path, tc.cols, 1)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"trial": -1}
		for i, name := range c.columns {
			if tc.keep(name) {
				want[ParquetName(name)] = i
			}
		}
		if got := len(pf.Schema().Fields()); got != len(want) {
			t.Errorf("%s: %d columns, want %d", TrialsColumnsNames[tc.cols], got, len(want))
		}
		rows := make([]parquet.Row, 1000)
		r := parquet.NewReader(f)
		fields := pf.Schema().Fields()
		trial := int64(0)
		for {
			n, err := r.ReadRows(rows)
			for _, row := range rows[:n] {
				b, i := c.blocks[trial/sim.BlockSize], int(trial%sim.BlockSize)
				for k, v := range row {
					name := fields[k].Name()
					ci, ok := want[name]
					switch {
					case !ok:
						t.Fatalf("%s: column %s written", TrialsColumnsNames[tc.cols], name)
					case ci < 0:
						if v.Int64() != trial {
							t.Fatalf("row %d holds trial %d", trial, v.Int64())
						}
					case v.Kind() == parquet.Float:
						if x := float32(b.Cols[ci][i]); math.Float32bits(v.Float()) != math.Float32bits(x) { // bits: -0 and NaN too
							t.Fatalf("trial %d %s: %v, want %v", trial, name, v.Float(), x)
						}
					default:
						if x := b.Cols[ci][i]; math.Float64bits(v.Double()) != math.Float64bits(x) {
							t.Fatalf("trial %d %s: %v, want %v", trial, name, v.Double(), x)
						}
					}
				}
				trial++
			}
			if err != nil {
				break
			}
		}
		r.Close()
		f.Close()
		if trial != 2*sim.BlockSize+700 {
			t.Errorf("%s: %d rows", TrialsColumnsNames[tc.cols], trial)
		}
	}
	if _, err := ParseTrialsColumns("everything"); err == nil {
		t.Error("--trials-columns everything accepted")
	}
}

// BenchmarkParquetSink writes 100,000 rows of the reference scenario (two simulated blocks, five
// times over) through the sink, every column; "bytes/Mrow" is the file's size per million rows.
func BenchmarkParquetSink(b *testing.B) {
	c := captureSOES(b, 2*sim.BlockSize)
	path := filepath.Join(b.TempDir(), "trials.parquet")
	var size int64
	for b.Loop() {
		size = writeSink(b, c, path, AllColumns, 5)
	}
	b.ReportMetric(float64(size)*10, "bytes/Mrow")
}

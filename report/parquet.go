package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/alesim/alesim/sim"
)

// Parquet layout of trials.parquet: one row per trial, in trial order.
//
//   - trial (INT64): the trial's index, 0 to trials-1;
//   - annual_loss, ale, annual_loss_with (DOUBLE): the year's total loss, its ALE(theta), and its loss
//     with the recommended safeguards (when the run simulated them);
//   - loss_<finding> (FLOAT): the year's loss per quantified finding;
//   - savings_<safeguard> (FLOAT): each safeguard's and named portfolio's savings over the horizon.
//
// --trials-columns chooses among them (TrialsColumns): totals (trial and the three totals),
// findings (those and the loss_ columns) or all (every column, the default).
//
// The per-finding and per-safeguard columns are single precision (7 significant digits) to halve
// the file; the totals, from which summaries are recomputed, are double precision.
//
// Encodings, per column: trial DELTA_BINARY_PACKED (a run of consecutive integers takes a few
// bytes a page); the totals and the savings BYTE_STREAM_SPLIT (each value's bytes split into
// streams by significance, which lets the compressor take the exponents' and leading mantissa
// bytes' redundancy); the loss_ columns PLAIN (mostly zeros, which zstd takes well as they are).
// Every page zstd-compressed. Row groups of RowGroupRows rows, written column by column through the
// writer's column writers, with no row buffer in between.
//
// Column names are the engine's names with every character other than letters, digits and
// underscores replaced by an underscore ("loss:2.2-1" is loss_2_2_1); the key-value metadata
// "alesim.columns" maps each Parquet column back to its engine name (finding and safeguard ids)
// as JSON. Further metadata: alesim.seed, alesim.scenario_sha256, alesim.trials, alesim.version,
// alesim.block_size.

// zstdLevel is the pages' zstd level: the fastest, within about 1.5% of the default's size.
const zstdLevel = zstd.SpeedFastest

// RowGroupRows is the number of rows per row group (13 blocks): about 1 MiB a column.
const RowGroupRows = 13 * sim.BlockSize

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// ParquetName is the Parquet column name for an engine column name.
func ParquetName(name string) string {
	return unsafe.ReplaceAllString(strings.Replace(name, ":", "_", 1), "_")
}

// TrialsColumns chooses which per-trial columns trials.parquet carries.
type TrialsColumns int

// The choices of --trials-columns.
const (
	AllColumns      TrialsColumns = iota // every column (the default)
	TotalsColumns                        // trial, annual_loss, ale, annual_loss_with
	FindingsColumns                      // the totals and the loss_ columns
)

// TrialsColumnsNames lists the names ParseTrialsColumns takes, in the order of the constants.
var TrialsColumnsNames = []string{"all", "totals", "findings"}

// ParseTrialsColumns reads a --trials-columns value: totals, findings or all.
func ParseTrialsColumns(s string) (TrialsColumns, error) {
	for i, n := range TrialsColumnsNames {
		if s == n {
			return TrialsColumns(i), nil
		}
	}
	return 0, fmt.Errorf("--trials-columns must be totals, findings or all (got %q)", s)
}

// keeps reports whether the choice carries the engine column c.
func (tc TrialsColumns) keeps(c string) bool {
	switch {
	case tc == AllColumns:
		return true
	case c == "annual_loss" || c == "ale" || c == "annual_loss_with":
		return true
	case strings.HasPrefix(c, "loss:"):
		return tc == FindingsColumns
	}
	return false
}

// ParquetSink writes per-trial results as they are simulated. Blocks arrive from the workers in any
// order; a single goroutine writes them in trial order, holding back at most the blocks that
// arrive early.
type ParquetSink struct {
	path string
	meta map[string]string
	f    *os.File
	w    *parquet.GenericWriter[any]
	cols []sinkColumn // the columns written after trial, in the order of Start's columns
	// trial is the Parquet column index of the trial index
	trial int
	vals  []parquet.Value // one block's values of one column, for its column writer
	ch    chan *sim.Block
	done  chan error
	rows  int64
	group int64 // rows in the row group being written

	// Columns chooses the columns written (default all); set it before Start.
	Columns TrialsColumns

	// Window is how many blocks past the next one to write may be held back for ordering; a
	// worker with a block beyond it waits (back-pressure), so memory stays bounded whatever the
	// scheduling. The next block is always taken, so the run progresses.
	Window int

	mu       sync.Mutex
	next     int64         // the next block to write
	advanced chan struct{} // closed (and replaced) whenever next advances
	failed   chan struct{} // closed at the first write error (err)
	err      error
}

// sinkColumn is a written column: the block column it comes from, its Parquet column index and
// whether it is single precision.
type sinkColumn struct {
	block, leaf int
	f32         bool
}

var _ sim.TrialSink = (*ParquetSink)(nil)

// NewParquetSink prepares a sink writing to path, with the given metadata (keys without the
// "alesim." prefix).
func NewParquetSink(path string, meta map[string]string) *ParquetSink {
	return &ParquetSink{path: path, meta: meta, Window: sim.SinkWindow(runtime.GOMAXPROCS(0))}
}

// Start implements sim.TrialSink: it builds the schema and starts the writer goroutine.
func (s *ParquetSink) Start(columns []string) error {
	g := parquet.Group{"trial": parquet.Encoded(parquet.Leaf(parquet.Int64Type), &parquet.DeltaBinaryPacked)}
	mapping := map[string]string{"trial": "trial"}
	names := make([]string, len(columns))
	for i, c := range columns {
		if !s.Columns.keeps(c) {
			continue
		}
		n := ParquetName(c)
		for k := 2; ; k++ {
			if _, taken := g[n]; !taken {
				break
			}
			n = ParquetName(c) + "_" + strconv.Itoa(k)
		}
		var leaf parquet.Node
		if strings.Contains(c, ":") {
			leaf = parquet.Leaf(parquet.FloatType)
		} else {
			leaf = parquet.Leaf(parquet.DoubleType)
		}
		if !strings.HasPrefix(c, "loss:") {
			leaf = parquet.Encoded(leaf, &parquet.ByteStreamSplit)
		}
		g[n] = leaf
		names[i] = n
		mapping[n] = c
	}
	schema := parquet.NewSchema("trials", g)
	f, err := os.Create(s.path)
	if err != nil {
		return err
	}
	mj, _ := json.Marshal(mapping)
	opts := []parquet.WriterOption{schema, parquet.Compression(newZstdCodec(zstdLevel)),
		parquet.KeyValueMetadata("alesim.columns", string(mj))}
	for k, v := range s.meta {
		opts = append(opts, parquet.KeyValueMetadata("alesim."+k, v))
	}
	s.f = f
	s.w = parquet.NewGenericWriter[any](f, opts...)
	s.cols = s.cols[:0]
	for i, n := range names {
		if n == "" {
			continue
		}
		leaf, ok := schema.Lookup(n)
		if !ok {
			return fmt.Errorf("parquet: column %s missing from schema", n)
		}
		s.cols = append(s.cols, sinkColumn{block: i, leaf: leaf.ColumnIndex, f32: strings.Contains(columns[i], ":")})
	}
	leaf, _ := schema.Lookup("trial")
	s.trial = leaf.ColumnIndex
	s.vals = make([]parquet.Value, sim.BlockSize)
	s.ch = make(chan *sim.Block, 4)
	s.done = make(chan error, 1)
	s.advanced = make(chan struct{})
	s.failed = make(chan struct{})
	if s.Window < 1 {
		s.Window = 1
	}
	go s.loop()
	return nil
}

// WriteBlock implements sim.TrialSink. It returns the sink's first write error as soon as it
// happens (a full disk stops the run at once), and makes a block more than Window blocks ahead
// of the next one to write wait.
func (s *ParquetSink) WriteBlock(ctx context.Context, b *sim.Block) error {
	for {
		s.mu.Lock()
		ahead := b.Index >= s.next+int64(s.Window)
		adv := s.advanced
		s.mu.Unlock()
		if !ahead {
			break
		}
		select {
		case <-adv:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.failed:
			return s.err
		}
	}
	select {
	case s.ch <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.failed:
		return s.err
	}
}

func (s *ParquetSink) loop() {
	pending := map[int64]*sim.Block{}
	next := int64(0)
	var err error
	for b := range s.ch {
		if err != nil {
			continue // drain
		}
		pending[b.Index] = b
		for {
			blk, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err = s.writeBlock(blk); err != nil {
				err = fmt.Errorf("writing trials.parquet: %w", err)
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				close(s.failed)
				break
			}
			blk.Release()
			next++
			s.mu.Lock()
			s.next = next
			close(s.advanced)
			s.advanced = make(chan struct{})
			s.mu.Unlock()
		}
	}
	if err == nil && len(pending) > 0 {
		err = fmt.Errorf("parquet: %d blocks never written (missing block %d)", len(pending), next)
	}
	s.done <- err
}

// writeBlock hands each column of the block to its column writer, which encodes and compresses a
// page whenever its buffer is full; every RowGroupRows rows the row group is flushed.
func (s *ParquetSink) writeBlock(b *sim.Block) error {
	cws := s.w.ColumnWriters()
	vals := s.vals[:b.N]
	for i := range vals {
		vals[i] = parquet.Int64Value(b.First + int64(i))
	}
	if _, err := cws[s.trial].WriteRowValues(vals); err != nil {
		return err
	}
	for _, c := range s.cols {
		col := b.Cols[c.block][:b.N]
		if c.f32 {
			for i, x := range col {
				vals[i] = parquet.FloatValue(float32(x))
			}
		} else {
			for i, x := range col {
				vals[i] = parquet.DoubleValue(x)
			}
		}
		if _, err := cws[c.leaf].WriteRowValues(vals); err != nil {
			return err
		}
	}
	s.rows += int64(b.N)
	s.group += int64(b.N)
	if s.group >= RowGroupRows {
		return s.flush()
	}
	return nil
}

func (s *ParquetSink) flush() error {
	if s.group == 0 {
		return nil
	}
	s.group = 0
	return s.w.Flush()
}

// Close waits for every block, writes the last row group and the footer, and closes the file. It
// returns the number of rows written.
func (s *ParquetSink) Close() (int64, error) {
	if s.ch == nil {
		return 0, fmt.Errorf("parquet: sink never started")
	}
	close(s.ch)
	err := <-s.done
	if err == nil {
		err = s.flush()
	}
	if err == nil {
		// The trials written, which --precision may make fewer than requested.
		s.w.SetKeyValueMetadata("alesim.trials", strconv.FormatInt(s.rows, 10))
		err = s.w.Close()
	}
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return s.rows, err
}

// Abort stops the writer and removes the file.
func (s *ParquetSink) Abort() {
	if s.ch != nil {
		close(s.ch)
		<-s.done
		s.f.Close()
	}
	os.Remove(s.path)
}

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

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

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
// The per-finding and per-safeguard columns are single precision (7 significant digits) to halve
// the file; the totals, from which summaries are recomputed, are double precision.
//
// Column names are the engine's names with every character other than letters, digits and
// underscores replaced by an underscore ("loss:2.2-1" is loss_2_2_1); the key-value metadata
// "alesim.columns" maps each Parquet column back to its engine name (finding and safeguard ids)
// as JSON. Further metadata: alesim.seed, alesim.scenario_sha256, alesim.trials, alesim.version,
// alesim.block_size. Snappy compression; row groups of RowGroupRows rows.

// RowGroupRows is the number of rows per row group (13 blocks): about 1 MiB a column.
const RowGroupRows = 13 * sim.BlockSize

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// ParquetName is the Parquet column name for an engine column name.
func ParquetName(name string) string {
	return unsafe.ReplaceAllString(strings.Replace(name, ":", "_", 1), "_")
}

// ParquetSink writes per-trial results as they are simulated. Blocks arrive from the workers in any
// order; a single goroutine writes them in trial order, holding back at most the blocks that
// arrive early.
type ParquetSink struct {
	path string
	meta map[string]string
	f    *os.File
	//lint:ignore SA1019 the untyped Writer writes the column buffers (WriteRowGroup) the sink fills; GenericWriter adds nothing here
	w     *parquet.Writer
	buf   *parquet.Buffer
	cols  []int  // buffer column of each engine column
	f32   []bool // whether an engine column is stored in single precision
	trial int    // buffer column of the trial index
	tmp32 []float32
	ch    chan *sim.Block
	done  chan error
	rows  int64

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

var _ sim.TrialSink = (*ParquetSink)(nil)

// NewParquetSink prepares a sink writing to path, with the given metadata (keys without the
// "alesim." prefix).
func NewParquetSink(path string, meta map[string]string) *ParquetSink {
	return &ParquetSink{path: path, meta: meta, Window: sim.SinkWindow(runtime.GOMAXPROCS(0))}
}

// Start implements sim.TrialSink: it builds the schema and starts the writer goroutine.
func (s *ParquetSink) Start(columns []string) error {
	g := parquet.Group{"trial": parquet.Leaf(parquet.Int64Type)}
	mapping := map[string]string{"trial": "trial"}
	names := make([]string, len(columns))
	for i, c := range columns {
		n := ParquetName(c)
		for k := 2; ; k++ {
			if _, taken := g[n]; !taken {
				break
			}
			n = ParquetName(c) + "_" + strconv.Itoa(k)
		}
		if strings.Contains(c, ":") {
			g[n] = parquet.Leaf(parquet.FloatType)
		} else {
			g[n] = parquet.Leaf(parquet.DoubleType)
		}
		names[i] = n
		mapping[n] = c
	}
	schema := parquet.NewSchema("trials", g)
	f, err := os.Create(s.path)
	if err != nil {
		return err
	}
	mj, _ := json.Marshal(mapping)
	opts := []parquet.WriterOption{schema, parquet.Compression(&snappy.Codec{}),
		parquet.KeyValueMetadata("alesim.columns", string(mj))}
	for k, v := range s.meta {
		opts = append(opts, parquet.KeyValueMetadata("alesim."+k, v))
	}
	s.f = f
	s.w = parquet.NewWriter(f, opts...)
	s.buf = parquet.NewBuffer(schema)
	s.cols = make([]int, len(columns))
	s.f32 = make([]bool, len(columns))
	s.tmp32 = make([]float32, sim.BlockSize)
	for i, n := range names {
		s.f32[i] = strings.Contains(columns[i], ":")
		leaf, ok := schema.Lookup(n)
		if !ok {
			return fmt.Errorf("parquet: column %s missing from schema", n)
		}
		s.cols[i] = leaf.ColumnIndex
	}
	leaf, _ := schema.Lookup("trial")
	s.trial = leaf.ColumnIndex
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
	ids := make([]int64, sim.BlockSize)
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
			if err = s.writeBlock(blk, ids); err != nil {
				err = fmt.Errorf("writing trials.parquet: %w", err)
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				close(s.failed)
				break
			}
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

func (s *ParquetSink) writeBlock(b *sim.Block, ids []int64) error {
	ids = ids[:b.N]
	for i := range ids {
		ids[i] = b.First + int64(i)
	}
	cbs := s.buf.ColumnBuffers()
	if _, err := cbs[s.trial].(parquet.Int64Writer).WriteInt64s(ids); err != nil {
		return err
	}
	for c, bc := range s.cols {
		if s.f32[c] {
			t := s.tmp32[:b.N]
			for i, x := range b.Cols[c] {
				t[i] = float32(x)
			}
			if _, err := cbs[bc].(parquet.FloatWriter).WriteFloats(t); err != nil {
				return err
			}
			continue
		}
		if _, err := cbs[bc].(parquet.DoubleWriter).WriteDoubles(b.Cols[c]); err != nil {
			return err
		}
	}
	s.rows += int64(b.N)
	if int64(s.buf.NumRows()) >= RowGroupRows {
		return s.flush()
	}
	return nil
}

func (s *ParquetSink) flush() error {
	if s.buf.NumRows() == 0 {
		return nil
	}
	if _, err := s.w.WriteRowGroup(s.buf); err != nil {
		return err
	}
	s.buf.Reset()
	return nil
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

package sim

import (
	"context"
	"sync"
)

// TrialSink receives every trial's results, for writing per-trial files (Parquet). Start is called
// once with the column names before any block; WriteBlock then receives each block of trials, from
// several goroutines and in any order (a sink that needs trial order reorders by Block.Index), and
// owns the block from then on. WriteBlock must honour ctx.
type TrialSink interface {
	Start(columns []string) error
	WriteBlock(ctx context.Context, b *Block) error
}

// Block is one block's trials, column by column: Cols[c][i] is column c of trial First+i. The
// columns are those named in Start; the trial index itself is First+i.
type Block struct {
	Index int64 // block number
	First int64 // index of the block's first trial
	N     int   // trials in the block
	Cols  [][]float64
	flat  []float64 // the columns' storage
}

// blocks holds released blocks for reuse: a run with a trial sink would otherwise make a block
// (trials x columns x 8 bytes) of garbage per block, which lets the heap grow to twice what is
// live (GOGC) over a run's exact totals.
var blocks sync.Pool

// Release hands a block the sink is done with back for reuse by a later block; the sink must not
// touch it, or any of its columns, afterwards. Releasing is optional.
func (b *Block) Release() { blocks.Put(b) }

// newBlock returns a block of n trials and ncol columns; its values are left to be written.
func newBlock(index, first int64, n, ncol int) *Block {
	b, _ := blocks.Get().(*Block)
	if b == nil || cap(b.flat) < n*ncol || cap(b.Cols) < ncol {
		b = &Block{flat: make([]float64, n*ncol), Cols: make([][]float64, ncol)}
	}
	b.Index, b.First, b.N, b.Cols = index, first, n, b.Cols[:ncol]
	for c := range b.Cols {
		b.Cols[c] = b.flat[c*n : (c+1)*n : (c+1)*n]
	}
	return b
}

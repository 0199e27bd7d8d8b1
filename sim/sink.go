package sim

import "context"

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
}

func newBlock(index, first int64, n, ncol int) *Block {
	b := &Block{Index: index, First: first, N: n, Cols: make([][]float64, ncol)}
	flat := make([]float64, n*ncol)
	for c := range b.Cols {
		b.Cols[c] = flat[c*n : (c+1)*n : (c+1)*n]
	}
	return b
}

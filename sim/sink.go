package sim

import (
	"context"
	"math"

	"github.com/alesim/alesim/model"
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
}

func newBlock(index, first int64, n, ncol int) *Block {
	b := &Block{Index: index, First: first, N: n, Cols: make([][]float64, ncol)}
	flat := make([]float64, n*ncol)
	for c := range b.Cols {
		b.Cols[c] = flat[c*n : (c+1)*n : (c+1)*n]
	}
	return b
}

// pRec is the recommended set of safeguards whose annual loss is simulated beside the baseline's.
type pRec struct {
	name    string
	members []int
	effects [][][2]int // per finding: (safeguard, effect) pairs of the set acting on it
}

// compileRecommended marks the findings the set acts on so that their events are kept (with a
// thinning uniform each); the quantity holding the year's loss with the set in place (qRec) is laid
// out with the totals.
func (p *plan) compileRecommended(members []int, name string) {
	if members == nil {
		return
	}
	r := &pRec{name: name, members: members, effects: make([][][2]int, len(p.findings))}
	for _, k := range members {
		for j, e := range p.safeguards[k].effects {
			r.effects[e.finding] = append(r.effects[e.finding], [2]int{k, j})
			f := &p.findings[e.finding]
			if !f.thin && !p.collapse {
				f.thin = true
				f.vThin = p.newVar("finding/" + f.id + "/thin")
			}
		}
	}
	p.rec = r
}

// recommendedLoss is this year's loss with the recommended safeguards in place, on the same events:
// an event of a finding with frequency factor phi (at most 1) happens when its thinning uniform is
// below phi, each loss is scaled by the loss factor, and asset caps apply to the result.
func (w *worker) recommendedLoss() float64 {
	p := w.p
	for i := range p.findings {
		effs := p.rec.effects[i]
		if len(effs) == 0 {
			w.tmp[i] = w.raw[i]
			continue
		}
		adj := model.NoAdjust()
		for _, kj := range effs {
			e := &p.safeguards[kj[0]].effects[kj[1]]
			adj.Add(e.kind, e.onLoss, w.effVal[kj[0]][kj[1]])
		}
		if p.collapse {
			w.tmp[i] = w.aleAdjusted(i, adj)
			continue
		}
		w.tmp[i] = w.thinnedLoss(i, adj)
	}
	total := 0.0
	p.capAssets(w.tmp)
	for i := range p.findings {
		total += w.tmp[i]
	}
	return total
}

// thinnedLoss is this year's loss of finding i with an adjustment in place, on the same events: an
// event happens when its thinning uniform is below the frequency factor phi (at most 1: the
// safeguarded year's events are a subset of the baseline's), and each loss is scaled by the loss
// factor. Its expectation given theta is the adjusted ALE, so estimates built on it are unbiased.
func (w *worker) thinnedLoss(i int, adj model.Adjust) float64 {
	phi := 1.0
	if w.afe[i] > 0 {
		phi = math.Min(1, adj.AFE(w.afe[i])/w.afe[i])
	}
	l := 0.0
	for e, x := range w.ev[i] {
		if w.evU[i][e] < phi {
			l += x
		}
	}
	return l * adj.LossScale(w.p.findings[i].lossMean)
}

// capAssets caps, in place, the losses charged to each asset at its value, sharing the capped
// amount pro rata among the findings charged to it.
func (p *plan) capAssets(loss []float64) {
	for a := range p.assets {
		as := &p.assets[a]
		tot := 0.0
		for _, i := range as.members {
			tot += loss[i]
		}
		if tot > as.value {
			scale := as.value / tot
			for _, i := range as.members {
				loss[i] *= scale
			}
		}
	}
}

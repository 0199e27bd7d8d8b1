package sim

import (
	"fmt"
	"math"

	"github.com/alesim/alesim/internal/xmath"
)

// Correlated inputs: a Gaussian copula (DESIGN section 9).
//
// Each input of a correlated group (model.Correlation) keeps its own stream and draws from it one
// standard normal a trial, z_i = NormFloat64(), and nothing else. At the start of each trial the
// group's normals are mixed by the lower-triangular factor L of the group's Pearson matrix R = L L^T
// (computed once, at compile): x = L z is standard normal with correlation R, and the input's value
// is its marginal's quantile of Phi(x_i). Each marginal is therefore exact, and the Spearman rank
// correlation of inputs i and j is (6 / pi) asin(R_ij / 2), the stated one. The trial's draws of
// the input (worker.draw) return that value.
//
// Inputs in no group draw exactly as before: their streams, and how they use them, are untouched,
// so adding a correlation changes no other input's draws. An input held at a value (sensitivity)
// takes that value; its normal is still drawn and mixed, so the other inputs of its group draw what
// they would without the hold.

// pCorr is a correlated group compiled for the trial loop.
type pCorr struct {
	members []*pEst   // the group's inputs, in the group's order
	chol    []float64 // L, row-major, n x n lower triangular
	first   int       // index of the group's first member in worker.cv
}

// compileCorrelations finds each correlated input's estimate, factors each group's matrix and
// marks the members (pEst.corr) so that their draws come from the copula.
func (p *plan) compileCorrelations() error {
	if p.collapse || len(p.s.Correlations) == 0 {
		return nil
	}
	byName := map[string]*pEst{}
	for _, in := range p.listInputs() {
		byName[in.name] = in.est
	}
	n := 0
	for _, c := range p.s.Correlations {
		g := pCorr{first: n, chol: cholesky(c.Pearson)}
		for _, name := range c.Inputs {
			e, ok := byName[name]
			if !ok {
				return fmt.Errorf("correlated input %q is not an uncertain input of the engine", name)
			}
			if e.corr != 0 {
				return fmt.Errorf("input %q is in two correlated groups", name)
			}
			n++
			e.corr = n
			g.members = append(g.members, e)
		}
		p.corr = append(p.corr, g)
	}
	p.nCorr = n
	return nil
}

// cholesky returns the lower-triangular factor L (row-major) of a positive semidefinite
// correlation matrix r, L L^T = r. A pivot that rounding leaves at or below zero (a singular
// matrix, such as a correlation of 1) is taken as 0, with its column below, which is what it is
// exactly for a semidefinite matrix. Each row is then scaled to unit length, so that every mixed
// normal has variance exactly 1 whatever the rounding, and every marginal stays exact.
func cholesky(r [][]float64) []float64 {
	n := len(r)
	l := make([]float64, n*n)
	for j := range n {
		d := r[j][j]
		for k := range j {
			d -= float64(l[j*n+k] * l[j*n+k])
		}
		if d <= 1e-12 {
			continue // column j stays 0
		}
		ljj := math.Sqrt(d)
		l[j*n+j] = ljj
		for i := j + 1; i < n; i++ {
			s := r[i][j]
			for k := range j {
				s -= float64(l[i*n+k] * l[j*n+k])
			}
			l[i*n+j] = s / ljj
		}
	}
	for i := range n {
		norm := 0.0
		for k := 0; k <= i; k++ {
			norm += float64(l[i*n+k] * l[i*n+k])
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for k := 0; k <= i; k++ {
				l[i*n+k] /= norm
			}
		}
	}
	return l
}

// drawCorrelated draws this trial's values of every correlated input into w.cv: one normal from
// each member's own stream, mixed by the group's factor, mapped through the member's marginal.
func (w *worker) drawCorrelated() {
	for g := range w.p.corr {
		c := &w.p.corr[g]
		n := len(c.members)
		z := w.cz[:n]
		for i, e := range c.members {
			z[i] = w.st[e.vr].r.NormFloat64()
		}
		for i, e := range c.members {
			if e.konst { // held: its normal was drawn, its value is the held one
				continue
			}
			x := 0.0
			row := c.chol[i*n : i*n+i+1]
			for k, l := range row {
				x += float64(l * z[k])
			}
			w.cv[c.first+i] = e.d.Quantile(normCDF(x))
		}
	}
}

// normCDF is Phi(x) = erfc(-x / sqrt 2) / 2, kept inside the open interval (0, 1) so that the
// quantile of an unbounded marginal stays finite.
func normCDF(x float64) float64 {
	u := 0.5 * xmath.Erfc(-x/math.Sqrt2)
	return math.Min(math.Max(u, math.SmallestNonzeroFloat64), 1-0x1p-53)
}

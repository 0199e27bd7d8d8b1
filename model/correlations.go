package model

import (
	"fmt"
	"github.com/alesim/alesim/model/dist"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Correlated inputs (DESIGN section 9).
//
// A scenario's correlations section states Spearman rank correlations between uncertain inputs
// (theta), named as Scenario.Inputs names them:
//
//	correlations:
//	  - {inputs: [R1.afe, R2.afe], rank: 0.6}
//	  - inputs: [A.afe, B.afe, C.afe]
//	    matrix: [[1, .5, .2], [.5, 1, .3], [.2, .3, 1]]
//	    repair: true
//
// Entries that share an input are merged into one group, drawn together: a pair of the group's
// inputs that no entry states is taken as rank correlation 0, and a pair stated by two entries is an
// error. The engine draws a group by a Gaussian copula whose normal (Pearson) correlation is
// r = 2 sin(pi rho_s / 6), the exact relation between the Pearson correlation of a bivariate normal
// and the Spearman correlation of any monotone transform of it (Kruskal 1958). That matrix, not the
// stated one, must be positive semidefinite; when it is not the group is an error, or, with
// repair: true on any of its entries, it is replaced by the nearest correlation matrix in the
// Frobenius norm (Higham 2002) and a warning says by how much the rank correlations moved.

// Correlation is a group of uncertain inputs drawn together through a Gaussian copula.
type Correlation struct {
	// Inputs are the group's inputs by the names of Scenario.Inputs, in the order the entries first
	// name them.
	Inputs []string
	// Rank holds the stated Spearman rank correlations, Rank[i][j] between Inputs[i] and Inputs[j],
	// each in [-1, 1]: 1 on the diagonal, 0 for a pair no entry states.
	Rank [][]float64
	// Pearson is the copula's correlation of normals, 2 sin(pi Rank / 6) elementwise, or its
	// nearest correlation matrix when Repaired: symmetric, unit diagonal, positive semidefinite.
	Pearson [][]float64
	// Repaired says Pearson was not positive semidefinite as stated and is the nearest correlation
	// matrix to it (repair: true); RepairChange is the largest change of a rank correlation that
	// this implies, between the inputs RepairPair.
	Repaired     bool
	RepairChange float64
	RepairPair   [2]string
	Entries      []string // field paths of the entries merged into the group, e.g. "correlations[0]"
	Pos          Pos      // position of the group's first entry
}

// PearsonOfRank is the normal correlation r = 2 sin(pi rho / 6) whose Gaussian copula has Spearman
// rank correlation rho; exact at -1, 0 and 1.
func PearsonOfRank(rho float64) float64 {
	if rho == 1 || rho == -1 || rho == 0 {
		return rho
	}
	return 2 * math.Sin(math.Pi*rho/6)
}

// RankOfPearson inverts PearsonOfRank: rho = (6 / pi) asin(r / 2).
func RankOfPearson(r float64) float64 {
	if r == 1 || r == -1 || r == 0 {
		return r
	}
	return 6 / math.Pi * math.Asin(r/2)
}

// psdTolerance is how far below zero the smallest eigenvalue of a Pearson matrix may fall, from
// rounding alone, and still count as positive semidefinite (a stated singular matrix, such as a
// rank correlation of 1, has eigenvalues of 0 that rounding leaves at about -1e-16).
const psdTolerance = 1e-10

// MaxCorrelated bounds the inputs of one entry and of one group: the copula mixes a group's
// normals in O(n^2) a trial, and repairing its matrix costs O(n^3) an iteration.
const MaxCorrelated = 64

// correlationKeys are the keys of an entry of the correlations section (the JSON Schema's too).
var correlationKeys = []string{"inputs", "rank", "matrix", "repair", "note"}

// corrEntry is one valid entry of the correlations section.
type corrEntry struct {
	path   string
	n      *node
	inputs []string
	rank   [][]float64 // stated, len(inputs) square
	repair bool
}

func (d *decoder) correlations(s *Scenario, n *node) {
	items := d.list(n, "correlations")
	if len(items) == 0 {
		return
	}
	// Input names are resolved only on a scenario that is otherwise clean: with errors elsewhere
	// the scenario's references may be unresolved, and its input names with them. The user sees
	// name errors here once the rest is fixed; the values are checked in any case.
	var known map[string]*Estimate
	var uncertain []string
	if len(d.errs) == 0 {
		known = map[string]*Estimate{}
		for _, in := range s.inputs(true) {
			known[in.Name] = in.Est
			if !in.Est.Certain() {
				uncertain = append(uncertain, in.Name)
			}
		}
	}
	var entries []corrEntry
	for k, item := range items {
		if e, ok := d.correlation(item, idx("correlations", k), known, uncertain); ok {
			entries = append(entries, e)
		}
	}
	d.groupCorrelations(s, entries)
}

// correlation reads one entry; ok is false when it has an error that makes its values unusable.
func (d *decoder) correlation(item *node, p string, known map[string]*Estimate, uncertain []string) (corrEntry, bool) {
	e := corrEntry{path: p, n: item}
	m := d.fields(item, p, correlationKeys...)
	if m == nil {
		return e, false
	}
	nerr := len(d.errs)
	e.repair = d.boolean(m["repair"], p+".repair")
	in := d.required(m, item, p, "inputs", "a list of at least two input names, as alesim sensitivity --list prints them")
	seen := map[string]bool{}
	for i, x := range d.list(in, p+".inputs") {
		ip := idx(p+".inputs", i)
		name := d.id(x, ip)
		if name == "" {
			continue
		}
		e.inputs = append(e.inputs, name)
		if seen[name] {
			d.add(x, ip, "input %q is listed twice", name)
			continue
		}
		seen[name] = true
		if known == nil {
			continue
		}
		if est, ok := known[name]; !ok {
			msg := fmt.Sprintf("no uncertain input is named %q", name)
			if sug := nearest(name, uncertain); sug != "" {
				msg += fmt.Sprintf(": did you mean %q?", sug)
			}
			d.add(x, ip, "%s (alesim sensitivity --list prints the names)", msg)
		} else if est.Certain() {
			d.add(x, ip, "%q is a certain estimate (%s), not an uncertain input; only estimates with a spread can be correlated", name, est.Spec)
		} else if _, sip := est.Dist.(dist.TrialIndexed); sip {
			d.add(x, ip, "%q takes a SIP's trials in order (%s), which a copula cannot reorder; correlate the SIPs in their library instead", name, est.Spec)
		}
	}
	nIn := -1 // inputs listed, when they are a list
	if in != nil && in.kind == sequenceNode {
		nIn = len(in.items)
	}
	switch {
	case nIn >= 0 && nIn < 2:
		d.add(in, p+".inputs", "must list at least two inputs (got %d)", nIn)
	case nIn > MaxCorrelated:
		d.add(in, p+".inputs", "must list at most %d inputs (got %d)", MaxCorrelated, nIn)
	}
	rn, hasRank := m["rank"]
	mn, hasMatrix := m["matrix"]
	switch {
	case hasRank == hasMatrix:
		d.add(item, p, "must have exactly one of rank (a pair of inputs) or matrix (a group)")
	case hasRank:
		if nIn > 2 {
			d.add(rn, p+".rank", "is the correlation of two inputs (got %d inputs); give a matrix for a group", nIn)
		}
		if x, ok := d.num(rn, p+".rank"); ok {
			if x < -1 || x > 1 {
				d.add(rn, p+".rank", "must lie in [-1, 1], a Spearman rank correlation (got %s)", rn.text)
			}
			e.rank = [][]float64{{1, x}, {x, 1}}
		}
	case nIn >= 2 && nIn <= MaxCorrelated:
		e.rank = d.corrMatrix(mn, p+".matrix", nIn)
	}
	if len(d.errs) != nerr || len(e.inputs) < 2 || len(e.rank) != len(e.inputs) {
		return e, false
	}
	return e, true
}

// corrMatrix reads a square matrix of rank correlations over n inputs: symmetric, unit diagonal,
// entries in [-1, 1]. It returns nil after recording errors.
func (d *decoder) corrMatrix(mn *node, p string, n int) [][]float64 {
	if mn == nil {
		return nil
	}
	if mn.kind != sequenceNode {
		d.add(mn, p, "must be a list of %d rows, one per input (got %s)", n, mn.describe())
		return nil
	}
	rows := mn.items
	nerr := len(d.errs)
	if len(rows) != n {
		d.add(mn, p, "must be %d x %d, one row per input (got %d rows)", n, n, len(rows))
		return nil
	}
	out := make([][]float64, len(rows))
	for i, rn := range rows {
		rp := idx(p, i)
		if rn.kind != sequenceNode {
			d.add(rn, rp, "must be a list of %d numbers, one per input (got %s)", n, rn.describe())
			continue
		}
		out[i] = d.numList(rn, rp)
		if len(rn.items) != n {
			d.add(rn, rp, "must have %d entries, one per input (got %d)", n, len(rn.items))
		}
	}
	if len(d.errs) != nerr {
		return nil
	}
	for i, row := range out {
		for j, x := range row {
			ep := fmt.Sprintf("%s[%d][%d]", p, i, j)
			at := rows[i].items[j]
			switch {
			case i == j && x != 1:
				d.add(at, ep, "must be 1, an input's correlation with itself (got %s)", at.text)
			case x < -1 || x > 1:
				d.add(at, ep, "must lie in [-1, 1], a Spearman rank correlation (got %s)", at.text)
			case j < i && x != out[j][i]:
				d.add(at, ep, "must equal %s[%d][%d] (%s): a correlation matrix is symmetric (got %s)", p, j, i, rows[j].items[i].text, at.text)
			}
		}
	}
	if len(d.errs) != nerr {
		return nil
	}
	return out
}

// groupCorrelations merges the entries that share an input into groups, checks that each group's
// Pearson matrix is positive semidefinite (or repairs it) and records them in s.Correlations.
func (d *decoder) groupCorrelations(s *Scenario, entries []corrEntry) {
	// Union-find over entries: two entries sharing an input join one group.
	parent := make([]int, len(entries))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for k, e := range entries {
		for _, name := range e.inputs {
			if j, ok := owner[name]; ok {
				a, b := find(j), find(k)
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			} else {
				owner[name] = k
			}
		}
	}
	// Groups in the order of their first entry.
	var roots []int
	members := map[int][]int{}
	for k := range entries {
		r := find(k)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], k)
	}
	for _, r := range roots {
		d.correlationGroup(s, entries, members[r])
	}
}

func (d *decoder) correlationGroup(s *Scenario, entries []corrEntry, ks []int) {
	first := entries[ks[0]]
	c := Correlation{Pos: Pos{first.n.line, first.n.col}}
	at := map[string]int{}
	repair := false
	for _, k := range ks {
		c.Entries = append(c.Entries, entries[k].path)
		repair = repair || entries[k].repair
		for _, name := range entries[k].inputs {
			if _, ok := at[name]; !ok {
				at[name] = len(c.Inputs)
				c.Inputs = append(c.Inputs, name)
			}
		}
	}
	n := len(c.Inputs)
	if n > MaxCorrelated {
		d.add(first.n, first.path, "merges with %s into a group of %d inputs, more than %d (entries that share an input are one group)", strings.Join(c.Entries[1:], ", "), n, MaxCorrelated)
		return
	}
	c.Rank = identity(n)
	stated := make([][]*corrEntry, n) // which entry states each pair
	for i := range stated {
		stated[i] = make([]*corrEntry, n)
	}
	ok := true
	for _, k := range ks {
		e := &entries[k]
		for a := range e.inputs {
			for b := a + 1; b < len(e.inputs); b++ {
				i, j := at[e.inputs[a]], at[e.inputs[b]]
				if prev := stated[i][j]; prev != nil {
					d.add(e.n, e.path, "the correlation of %s and %s is already stated by %s (line %d); state each pair once", e.inputs[a], e.inputs[b], prev.path, prev.n.line)
					ok = false
					continue
				}
				stated[i][j], stated[j][i] = e, e
				c.Rank[i][j], c.Rank[j][i] = e.rank[a][b], e.rank[a][b]
			}
		}
	}
	if !ok {
		return
	}
	c.Pearson = identity(n)
	for i := range n {
		for j := range n {
			if i != j {
				c.Pearson[i][j] = PearsonOfRank(c.Rank[i][j])
			}
		}
	}
	if lo := minEigen(c.Pearson); lo < -psdTolerance {
		merged := ""
		if len(ks) > 1 {
			merged = fmt.Sprintf(" (merged from %s, which share inputs; a pair no entry states has rank correlation 0)", strings.Join(c.Entries, ", "))
		}
		if !repair {
			d.add(first.n, first.path, "the rank correlations of %s%s are not positive semidefinite: no joint distribution has them (the copula's Pearson matrix 2 sin(pi rho/6) has smallest eigenvalue %.3g); correct them, or add repair: true to use the nearest correlation matrix", strings.Join(c.Inputs, ", "), merged, lo)
			return
		}
		c.Pearson = NearestCorrelation(c.Pearson)
		c.Repaired, c.RepairChange = true, -1
		for i := range n {
			for j := i + 1; j < n; j++ {
				if ch := math.Abs(RankOfPearson(c.Pearson[i][j]) - c.Rank[i][j]); ch > c.RepairChange {
					c.RepairChange, c.RepairPair = ch, [2]string{c.Inputs[i], c.Inputs[j]}
				}
			}
		}
	}
	s.Correlations = append(s.Correlations, c)
}

// correlationWarnings warns of every repaired correlation matrix.
func (s *Scenario) correlationWarnings() []Warning {
	var out []Warning
	for _, c := range s.Correlations {
		if !c.Repaired {
			continue
		}
		i, j := indexOf(c.Inputs, c.RepairPair[0]), indexOf(c.Inputs, c.RepairPair[1])
		msg := fmt.Sprintf("the rank correlations of %s are not positive semidefinite; the nearest correlation matrix is used instead (repair: true), which moves a rank correlation by up to %.3g (%s and %s: %g becomes %.3g)",
			strings.Join(c.Inputs, ", "), c.RepairChange, c.RepairPair[0], c.RepairPair[1], c.Rank[i][j], RankOfPearson(c.Pearson[i][j]))
		out = append(out, Warning{File: s.File, Line: c.Pos.Line, Field: c.Entries[0], Msg: msg})
	}
	return out
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return 0
}

func identity(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = 1
	}
	return m
}

func toSym(a [][]float64) *mat.SymDense {
	n := len(a)
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (a[i][j]+a[j][i])/2)
		}
	}
	return s
}

// minEigen returns the smallest eigenvalue of the symmetric matrix a.
func minEigen(a [][]float64) float64 {
	var es mat.EigenSym
	if !es.Factorize(toSym(a), false) {
		return math.NaN()
	}
	vals := es.Values(nil)
	sort.Float64s(vals)
	return vals[0]
}

// projectPSD returns the nearest positive semidefinite matrix to the symmetric a in the Frobenius
// norm: Q max(Lambda, 0) Q^T from a's eigendecomposition Q Lambda Q^T.
func projectPSD(a [][]float64) [][]float64 {
	n := len(a)
	var es mat.EigenSym
	if !es.Factorize(toSym(a), true) {
		return a
	}
	vals := es.Values(nil)
	var q mat.Dense
	es.VectorsTo(&q)
	out := make([][]float64, n)
	for i := range n {
		out[i] = make([]float64, n)
		for j := range n {
			x := 0.0
			for k, l := range vals {
				if l > 0 {
					x += float64(q.At(i, k) * l * q.At(j, k))
				}
			}
			out[i][j] = x
		}
	}
	return out
}

// NearestCorrelation returns the nearest correlation matrix (symmetric, unit diagonal, positive
// semidefinite) to the symmetric matrix a in the Frobenius norm, by Higham's alternating
// projections with Dykstra's correction (N. J. Higham, "Computing the nearest correlation matrix:
// a problem from finance", IMA J. Numer. Anal. 22 (2002) 329-343, algorithm 3.3 with W = I):
//
//	dS = 0, Y = A; repeat: R = Y - dS; X = P_S(R); dS = X - R; Y = P_U(X)
//
// where P_S projects onto the positive semidefinite matrices (negative eigenvalues set to 0) and
// P_U sets the diagonal to 1, until X and Y agree to 1e-12 relative. A last projection onto the
// semidefinite matrices, rescaled to unit diagonal, removes what rounding leaves below zero.
func NearestCorrelation(a [][]float64) [][]float64 {
	n := len(a)
	y := make([][]float64, n)
	ds := make([][]float64, n)
	for i := range n {
		y[i] = append([]float64(nil), a[i]...)
		ds[i] = make([]float64, n)
	}
	r := identity(n)
	for iter := 0; iter < 2000; iter++ {
		for i := range n {
			for j := range n {
				r[i][j] = y[i][j] - ds[i][j]
			}
		}
		x := projectPSD(r)
		diff, norm := 0.0, 0.0
		for i := range n {
			for j := range n {
				ds[i][j] = x[i][j] - r[i][j]
				next := x[i][j]
				if i == j {
					next = 1
				}
				diff += float64((next - x[i][j]) * (next - x[i][j]))
				norm += float64(next * next)
				y[i][j] = next
			}
		}
		if math.Sqrt(diff) <= 1e-12*math.Sqrt(norm) {
			break
		}
	}
	x := projectPSD(y)
	out := identity(n)
	for i := range n {
		for j := range n {
			if i != j {
				v := x[i][j] / math.Sqrt(x[i][i]*x[j][j])
				out[i][j] = math.Max(-1, math.Min(1, v))
			}
		}
	}
	// Symmetric to the bit.
	for i := range n {
		for j := i + 1; j < n; j++ {
			out[j][i] = out[i][j]
		}
	}
	return out
}

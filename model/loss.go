package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/alesim/alesim/model/dist"
)

// LossModel is a loss per event whose description goes beyond one distribution with fixed
// parameters (DESIGN section 8):
//   - a distribution some of whose parameters are estimates (`p95: {dist: pert, ...}`): the
//     parameters are drawn once per simulated year (theta), each event's loss then from the
//     distribution with those parameters;
//   - or a product of factors (records exposed x cost per record), each drawn per event, or once a
//     year (theta) when marked `per: year`.
//
// Finding.Loss then holds the distribution at the parameters' point values (or the product), whose
// Point the 1983 arithmetic uses.
type LossModel struct {
	Kind    dist.Kind   // with uncertain parameters: the distribution's kind
	Fixed   dist.Values // its parameters that are numbers, and defaults filled in
	Params  []LossParam // its uncertain parameters, in the kind's parameter order
	Factors []LossTerm
}

// LossParam is an uncertain parameter of a loss distribution. Draws are kept within [Lo, Hi],
// the estimate's support (or its 1e-9 and 1 - 1e-9 quantiles where the support is unbounded),
// over which validation checked that every combination of the parameters is valid.
type LossParam struct {
	Name string
	Estimate
	Lo, Hi float64
}

// LossTerm is one factor of a loss that is a product.
type LossTerm struct {
	Name    string
	PerYear bool // drawn once per simulated year (theta), else per event
	Estimate
}

// paramRange is the range a loss parameter's draws are kept in.
func paramRange(e Estimate) (float64, float64) {
	lo, hi := e.Dist.Support()
	if math.IsInf(lo, -1) {
		lo = e.Dist.Quantile(1e-9)
	}
	if math.IsInf(hi, 1) {
		hi = e.Dist.Quantile(1 - 1e-9)
	}
	return lo, hi
}

// Build returns the distribution with the uncertain parameters at vals (in Params order), or an
// error when they are invalid (validation keeps that from happening for values within range).
func (m *LossModel) Build(vals []float64) (dist.Distribution, error) {
	v := m.Values()
	for i, p := range m.Params {
		v.Nums[p.Name] = vals[i]
	}
	return m.Kind.New(v)
}

// product is the distribution of a product of independent non-negative factors: Rand draws each
// in order and multiplies, Mean and Variance are exact. Quantile and CDF take every factor at the
// same quantile, which is exact for one factor and only indicative otherwise: they serve the
// warning that a loss may exceed its asset's value, nothing the engine computes.
type product struct{ fs []dist.Distribution }

func (d product) Rand(r *rand.Rand) float64 {
	x := 1.0
	for _, f := range d.fs {
		x *= f.Rand(r)
	}
	return x
}

func (d product) Mean() float64 {
	m := 1.0
	for _, f := range d.fs {
		m *= f.Mean()
	}
	return m
}

func (d product) Variance() float64 {
	m2, m := 1.0, 1.0
	for _, f := range d.fs {
		m2 *= f.Variance() + float64(f.Mean()*f.Mean())
		m *= f.Mean()
	}
	return m2 - float64(m*m)
}

func (d product) Support() (float64, float64) {
	lo, hi := 1.0, 1.0
	for _, f := range d.fs {
		a, b := f.Support()
		lo, hi = lo*a, hi*b
	}
	return lo, hi
}

func (d product) Quantile(p float64) float64 {
	x := 1.0
	for _, f := range d.fs {
		x *= f.Quantile(p)
	}
	return x
}

func (d product) CDF(x float64) float64 {
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if d.Quantile(mid) < x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

var _ dist.Distribution = product{}

// loss reads a finding's loss per event: an estimate, a distribution with uncertain parameters,
// or {factors: [...]}.
func (d *decoder) loss(n *node, path string) (Estimate, *LossModel) {
	if n.kind == mappingNode && n.index("factors") >= 0 {
		return d.lossFactors(n, path)
	}
	if n.kind == mappingNode && n.index("dist") >= 0 {
		for i, v := range n.vals {
			if v.kind == mappingNode && n.keys[i] != "dist" {
				return d.lossParams(n, path)
			}
		}
	}
	e, _ := d.estimate(n, path, false)
	d.nonNegative(e, n, path)
	return e, nil
}

// lossFactors reads {factors: [{name, dist..., per: year|event}, ...]}.
func (d *decoder) lossFactors(n *node, path string) (Estimate, *LossModel) {
	bad := Estimate{Dist: dist.Constant{}, Path: path, Pos: Pos{n.line, n.col}}
	m := d.fields(n, path, "factors")
	if m == nil {
		return bad, nil
	}
	items := d.list(m["factors"], path+".factors")
	if len(items) == 0 {
		d.add(n, path+".factors", "must list at least one factor")
		return bad, nil
	}
	lm := &LossModel{}
	seen := map[string]bool{}
	var fs []dist.Distribution
	point := 1.0
	nerr := len(d.errs)
	for i, item := range items {
		fp := idx(path+".factors", i)
		lf := LossTerm{}
		if item.kind == mappingNode {
			if k := item.index("per"); k >= 0 {
				switch v := d.str(item.vals[k], fp+".per"); v {
				case "year":
					lf.PerYear = true
				case "event":
				default:
					d.add(item.vals[k], fp+".per", "must be event or year (got %s)", item.vals[k].describe())
				}
				item = withoutKey(item, k)
			}
		}
		lf.Estimate, lf.Name = d.estimate(item, fp, true)
		d.nonNegative(lf.Estimate, item, fp)
		if _, isSIP := lf.Dist.(dist.SIP); isSIP && !lf.PerYear {
			d.add(item, fp+".per", "a SIP gives one value per trial: mark the factor per: year (each event would otherwise need its own value)")
		}
		switch {
		case lf.Name == "":
			d.add(item, fp+".name", "missing required field (want a name for the factor, e.g. records)")
		case strings.Contains(lf.Name, "/") || strings.Contains(lf.Name, "."):
			d.add(item, fp+".name", "a factor's name may not contain \"/\" or \".\" (got %q)", lf.Name)
		case seen[lf.Name]:
			d.add(item, fp+".name", "two factors are named %q", lf.Name)
		}
		seen[lf.Name] = true
		lm.Factors = append(lm.Factors, lf)
		fs = append(fs, lf.Dist)
		point *= lf.Point
	}
	if len(d.errs) != nerr {
		return bad, nil
	}
	pd := product{fs}
	specs := make([]string, len(lm.Factors))
	for i, f := range lm.Factors {
		specs[i] = f.Name + " " + f.Spec
	}
	return Estimate{Dist: pd, Point: point, Spec: strings.Join(specs, " x "), Path: path, Pos: Pos{n.line, n.col}}, lm
}

// withoutKey returns a copy of mapping n without its k-th key.
func withoutKey(n *node, k int) *node {
	c := *n
	c.keys = append(append([]string(nil), n.keys[:k]...), n.keys[k+1:]...)
	c.keyPos = append(append([]Pos(nil), n.keyPos[:k]...), n.keyPos[k+1:]...)
	c.vals = append(append([]*node(nil), n.vals[:k]...), n.vals[k+1:]...)
	return &c
}

// lossParams reads a distribution some of whose parameters are estimates. The parameters are
// checked at every corner of their ranges: every constraint of the registry's kinds is monotone in
// each parameter (min < max, p05 < p95, shapes > 0), so valid corners make every value in between
// valid.
func (d *decoder) lossParams(n *node, path string) (Estimate, *LossModel) {
	bad := Estimate{Dist: dist.Constant{}, Path: path, Pos: Pos{n.line, n.col}}
	kindName := d.str(n.vals[n.index("dist")], path+".dist")
	kd, ok := dist.Lookup(kindName)
	if !ok {
		e, _ := d.estimate(n, path, false) // reports the unknown name with its suggestion
		return e, nil
	}
	lm := &LossModel{Kind: kd, Fixed: dist.Values{Nums: map[string]float64{}, Lists: map[string][]float64{}}}
	// The point version: each uncertain parameter replaced by its point, parsed as a plain
	// estimate, so every message about the parameters' names and forms is the usual one.
	pointNode := *n
	pointNode.vals = append([]*node(nil), n.vals...)
	nerr := len(d.errs)
	for i, v := range n.vals {
		key := n.keys[i]
		if v.kind != mappingNode || key == "dist" {
			continue
		}
		pp := path + "." + key
		if !contains(kd.ParamNames(), key) {
			continue // the plain parse below reports it
		}
		e, _ := d.estimate(v, pp, false)
		if e.Dist == nil {
			continue
		}
		lo, hi := paramRange(e)
		lm.Params = append(lm.Params, LossParam{Name: key, Estimate: e, Lo: lo, Hi: hi})
		pointNode.vals[i] = &node{kind: scalarNode, line: v.line, col: v.col, num: e.Point, isNum: true, text: dist.FormatFloat(e.Point)}
	}
	e, _ := d.estimate(&pointNode, path, false)
	if len(d.errs) != nerr {
		return bad, nil
	}
	// Keep the kind's parameter order, and the fixed values (with defaults) as the point form has.
	order := map[string]int{}
	for i, p := range kd.ParamNames() {
		order[p] = i
	}
	sort.SliceStable(lm.Params, func(a, b int) bool { return order[lm.Params[a].Name] < order[lm.Params[b].Name] })
	form, _ := kd.Form(func(name string) bool { return pointNode.index(name) >= 0 })
	uncertain := map[string]bool{}
	for _, p := range lm.Params {
		uncertain[p.Name] = true
	}
	for _, p := range form {
		if uncertain[p.Name] {
			continue
		}
		k := pointNode.index(p.Name)
		switch {
		case k >= 0 && p.List:
			lm.Fixed.Lists[p.Name] = d.numList(pointNode.vals[k], path+"."+p.Name)
		case k >= 0:
			x, _ := d.num(pointNode.vals[k], path+"."+p.Name)
			lm.Fixed.Nums[p.Name] = x
		case !p.List:
			lm.Fixed.Nums[p.Name] = p.Default
		}
	}
	// Every corner of the uncertain parameters' ranges must give a valid distribution.
	k := len(lm.Params)
	vals := make([]float64, k)
	for c := 0; c < 1<<k; c++ {
		for i, p := range lm.Params {
			vals[i] = p.Lo
			if c&(1<<i) != 0 {
				vals[i] = p.Hi
			}
		}
		if _, err := lm.Build(vals); err != nil {
			var ranges []string
			for _, p := range lm.Params {
				ranges = append(ranges, fmt.Sprintf("%s over [%s, %s]", p.Name, dist.FormatFloat(p.Lo), dist.FormatFloat(p.Hi)))
			}
			msg := err.Error()
			var pe *dist.ParamError
			if errors.As(err, &pe) {
				msg = pe.Param + " " + pe.Msg
			}
			d.add(n, path, "the uncertain parameters must give a valid distribution at every value they can take, and %s do not: at %s, %s (narrow their ranges)", strings.Join(ranges, " and "), corner(lm.Params, vals), msg)
			return bad, nil
		}
	}
	d.nonNegative(e, n, path)
	return e, lm
}

func corner(ps []LossParam, vals []float64) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name + " = " + dist.FormatFloat(vals[i])
	}
	return strings.Join(out, ", ")
}

// Values returns a fresh copy of the fixed parameters, to be completed with the uncertain ones and
// given to Kind.New.
func (m *LossModel) Values() dist.Values {
	v := dist.Values{Nums: map[string]float64{}, Lists: m.Fixed.Lists}
	for k, x := range m.Fixed.Nums {
		v.Nums[k] = x
	}
	return v
}

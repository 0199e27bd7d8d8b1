package sim

import (
	"slices"

	"github.com/alesim/alesim/model"
)

// pRec is a set of safeguards whose annual loss is simulated beside the baseline's: the
// recommended set, or a named portfolio when the scenario states a risk tolerance.
type pRec struct {
	name    string
	members []int
	effects [][][2]int // per finding: (safeguard, effect) pairs of the set acting on it
	// the set's insurance policies (plan.policies indices), each with its unit's mask for the set,
	// and the findings they cover, whose retained loss they give (insurance.go)
	policies []int
	masks    []uint32
	covered  []bool
	q        int // the quantity holding the year's loss with the set in place
}

// compileLossSet marks the findings the set acts on so that their events are kept (with a
// thinning uniform each) and returns the set; its quantity is laid out by the caller.
func (p *plan) compileLossSet(members []int, name string) *pRec {
	r := &pRec{name: name, members: members, effects: make([][][2]int, len(p.findings)), q: -1}
	for _, k := range members {
		for j, e := range p.safeguards[k].effects {
			r.effects[e.finding] = append(r.effects[e.finding], [2]int{k, j})
			p.keepEvents(e.finding)
		}
	}
	p.compileRecommendedPolicies(r)
	return r
}

// compileRecommended compiles the recommended set; the quantity holding the year's loss with the
// set in place (qRec) is laid out with the totals.
func (p *plan) compileRecommended(members []int, name string) {
	if members == nil {
		return
	}
	p.rec = p.compileLossSet(members, name)
	p.rec.q = p.qRec
}

// compilePortfolioLosses compiles, when the scenario states a risk tolerance (and only then, so
// that runs without one stay as cheap and their results unchanged), each named portfolio's annual
// loss on the baseline's events, for checking it against the tolerance. A portfolio that is the
// recommended set (same id, same members) shares its quantity; the others are sketched (not
// exported per trial). Not in collapse mode, which has no annual loss distribution.
func (p *plan) compilePortfolioLosses() {
	if len(p.s.Tolerance) == 0 || p.collapse {
		return
	}
	for k := range p.s.Portfolios {
		pf := &p.s.Portfolios[k]
		if p.rec != nil && p.rec.name == pf.ID && slices.Equal(p.rec.members, pf.Safeguards) {
			p.portLoss = append(p.portLoss, p.rec)
			continue
		}
		r := p.compileLossSet(append([]int(nil), pf.Safeguards...), pf.ID)
		r.q = p.q.add(Quantity{Owner: OwnerPortfolioLoss, Index: k, Measure: MeasureLoss, Quantiles: QuantilesSketch})
		p.portLoss = append(p.portLoss, r)
	}
}

// setLoss is this year's loss with the set's safeguards in place, on the same events: an event of
// a finding with frequency factor phi (at most 1) happens when its thinning uniform is below phi,
// each loss is scaled by the loss factor, and asset caps apply to the result; the findings the
// set's insurance policies cover count their retained loss.
func (w *worker) setLoss(r *pRec) float64 {
	p := w.p
	for i := range p.findings {
		effs := r.effects[i]
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
		if len(r.policies) > 0 && r.covered[i] {
			continue // its retained loss is the policy's (insurance.go)
		}
		total += w.tmp[i]
	}
	if len(r.policies) > 0 {
		total += w.setPolicies(r)
	}
	return total
}

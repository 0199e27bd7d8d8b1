package sim

import "github.com/alesim/alesim/model"

// pRec is the recommended set of safeguards whose annual loss is simulated beside the baseline's.
type pRec struct {
	name    string
	members []int
	effects [][][2]int // per finding: (safeguard, effect) pairs of the set acting on it
	// the set's insurance policies (plan.policies indices), each with its unit's mask for the set,
	// and the findings they cover, whose retained loss they give (insurance.go)
	policies []int
	masks    []uint32
	covered  []bool
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
	p.compileRecommendedPolicies(r)
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
		if len(p.rec.policies) > 0 && p.rec.covered[i] {
			continue // its retained loss is the policy's (insurance.go)
		}
		total += w.tmp[i]
	}
	if len(p.rec.policies) > 0 {
		total += w.recommendedPolicies()
	}
	return total
}

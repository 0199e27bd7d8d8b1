package sim

import "math"

// Occurrence: the year's largest single event loss, the quantity of the occurrence exceedance
// probability (OEP) curve beside the annual aggregate's (AEP).
//
// An event's loss is what that one event costs: for a finding's own event, its loss; for one
// event of a shared hazard, the sum of its losses at every finding the hazard causes (the k-th
// loss of each of the hazard's findings belongs to its k-th event). Where losses are charged to an
// asset, the event's share at that asset is capped at the asset's value: one event cannot cost
// more than what it can destroy. The annual cap (the year's losses at an asset capped at its value)
// is otherwise not applied, since it depends on the year's other events; with this choice an
// event's loss never exceeds the year's capped annual loss, so the OEP curve lies on or below the
// AEP curve at every level (a test checks it trial by trial). A year without an event has
// occurrence 0. In collapse mode (point values, expected counts) a finding with a positive
// expected count has one event of its point loss.

// occHazard lists a hazard's findings grouped by the asset they are charged to (-1: none).
type occHazard struct {
	groups []occGroup
}

type occGroup struct {
	asset   int // plan asset index, -1 for none
	members []int
}

// compileOccurrence lists the findings with events of their own, with their asset's value (the cap
// of one event's loss; +Inf for none), and groups each hazard's findings by asset.
func (p *plan) compileOccurrence() {
	for i := range p.findings {
		if f := &p.findings[i]; f.hazard < 0 {
			c := math.Inf(1)
			if f.asset >= 0 {
				c = p.assets[f.asset].value
			}
			p.occOwn, p.occCap = append(p.occOwn, i), append(p.occCap, c)
		}
	}
	p.occ = make([]occHazard, len(p.hazards))
	for i := range p.findings {
		f := &p.findings[i]
		if f.hazard < 0 {
			continue
		}
		h := &p.occ[f.hazard]
		g := -1
		for k := range h.groups {
			if h.groups[k].asset == f.asset && f.asset >= 0 {
				g = k
			}
		}
		if g < 0 {
			h.groups = append(h.groups, occGroup{asset: f.asset})
			g = len(h.groups) - 1
		}
		h.groups[g].members = append(h.groups[g].members, i)
	}
}

// occurrence is this year's largest single event loss, from each finding's largest event
// (w.evMax) and, for shared hazards, the events kept in w.ev.
func (w *worker) occurrence() float64 {
	p := w.p
	occ := 0.0
	for k, i := range p.occOwn {
		// As math.Min and math.Max here: evMax is never NaN (events enter it by x > max).
		m := w.evMax[i]
		if c := p.occCap[k]; m > c {
			m = c
		}
		if m > occ {
			occ = m
		}
	}
	for h := range p.occ {
		groups := p.occ[h].groups
		if len(groups) == 0 {
			continue
		}
		n := len(w.ev[groups[0].members[0]])
		for k := 0; k < n; k++ {
			e := 0.0
			for _, g := range groups {
				s := 0.0
				for _, i := range g.members {
					s += w.ev[i][k]
				}
				if g.asset >= 0 {
					s = math.Min(s, p.assets[g.asset].value)
				}
				e += s
			}
			occ = math.Max(occ, e)
		}
	}
	return occ
}

// Occurrence is the quantity of the year's largest single event loss (see occurrence.go).
func (r *Result) Occurrence() int { return r.p.qOcc }

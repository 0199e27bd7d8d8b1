package model

import (
	"fmt"
	"math"
	"strings"
)

// Insurance as a safeguard kind (issue 18): a safeguard with insurance: {...} instead of effects.
// The premium is the policy's annual cost (an estimate, drawn per trial like any cost); the terms
// are plain numbers, known from the contract.

// coverer is the policy covering a finding, for errors: its path in the scenario and its name.
type coverer struct{ path, name string }

var insuranceKeys = []string{"premium", "deductible", "limit", "aggregate_limit", "findings", "note"}

// insurance reads a policy's terms at n (path ends in "insurance") into sg: the premium becomes
// its annual cost. covered maps each finding already covered to the policy covering it: a finding
// takes at most one policy.
func (d *decoder) insurance(s *Scenario, sg *Safeguard, n *node, path string, findings refs, covered map[int]coverer) {
	m := d.fields(n, path, insuranceKeys...)
	if m == nil {
		return
	}
	pol := &Insurance{Limit: math.Inf(1), AggregateLimit: math.Inf(1), Pos: Pos{n.line, n.col}}
	if pn := d.required(m, n, path, "premium", "an estimate of the annual premium"); pn != nil {
		sg.AnnualCost, _ = d.estimate(pn, path+".premium", false)
		d.nonNegative(sg.AnnualCost, pn, path+".premium")
	}
	if x, ok := d.num(m["deductible"], path+".deductible"); ok {
		if x < 0 {
			d.add(m["deductible"], path+".deductible", "must be >= 0, the part of each event's loss the policy does not pay (got %s)", m["deductible"].text)
		} else {
			pol.Deductible = x
		}
	}
	for _, c := range []struct {
		key  string
		dst  *float64
		what string
	}{{"limit", &pol.Limit, "the most the policy pays for one event"}, {"aggregate_limit", &pol.AggregateLimit, "the most the policy pays in a year"}} {
		if x, ok := d.num(m[c.key], path+"."+c.key); ok {
			if x <= 0 {
				d.add(m[c.key], path+"."+c.key, "must be > 0, %s; leave it out for no limit (got %s)", c.what, m[c.key].text)
			} else {
				*c.dst = x
			}
		}
	}
	fl := d.required(m, n, path, "findings", "a list of the finding ids the policy covers")
	items := d.list(fl, path+".findings")
	if fl != nil && fl.kind == sequenceNode && len(items) == 0 {
		d.add(fl, path+".findings", "must list at least one finding id")
	}
	for j, it := range items {
		fp := idx(path+".findings", j)
		id := d.id(it, fp)
		fi := d.ref(findings, it, fp, "finding")
		if fi < 0 || fi >= len(s.Findings) {
			continue
		}
		switch {
		case s.Findings[fi].Status != Quantified:
			d.add(it, fp, "finding %q is %s; a policy covers a quantified finding", id, s.Findings[fi].Status)
		case covered[fi].path == path:
			d.add(it, fp, "finding %q is listed twice", id)
		case covered[fi].path != "":
			d.add(it, fp, "finding %q is already covered by %s; a finding takes at most one policy (layers of cover are not modelled)", id, covered[fi].name)
		default:
			c := coverer{path: path, name: fmt.Sprintf("policy %q", sg.ID)}
			if sg.ID == "" {
				c.name = "the policy at " + strings.TrimSuffix(path, ".insurance")
			}
			covered[fi] = c
			pol.Findings = append(pol.Findings, fi)
		}
	}
	sg.Insurance = pol
}

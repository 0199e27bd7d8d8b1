package sim

import (
	"fmt"
	"strings"

	"github.com/alesim/alesim/model"
)

// Check reports the problems of a valid scenario that only the engine's plan reveals (today: more
// than maxUnitSafeguards safeguards acting on one unit), as model.Errors with the position of what
// to change, so that validate finds them and run refuses them before simulating.
func Check(s *model.Scenario) error {
	_, err := compile(s, false, Options{})
	return err
}

// tooManySafeguards is the error for a unit with more safeguards than the subset tables allow: it
// names the finding, or for findings grouped by a shared asset (whose ALE is estimated together)
// the asset and every finding of the group.
func (p *plan) tooManySafeguards(u *pUnit) error {
	s := p.s
	if u.policy > 0 {
		k := p.safeguards[u.policySG].sIdx
		sg := &s.Safeguards[k]
		return model.Errors{{File: s.File, Line: sg.Insurance.Pos.Line, Col: sg.Insurance.Pos.Col, Field: fmt.Sprintf("safeguards[%d].insurance", k),
			Msg: fmt.Sprintf("policy %q and the %d controls acting on what it covers (or on findings sharing its findings' assets) are weighed together; at most %d are supported: split the policy's findings between policies",
				sg.ID, len(u.sgs)-1, maxUnitSafeguards)}}
	}
	first := s.Findings[p.findings[u.members[0]].sIdx]
	if u.correction && first.Asset >= 0 {
		a := s.Assets[first.Asset]
		ids := make([]string, len(u.members))
		for m, fi := range u.members {
			ids[m] = p.findings[fi].id
		}
		return model.Errors{{File: s.File, Line: a.Pos.Line, Col: a.Pos.Col, Field: fmt.Sprintf("assets[%d]", first.Asset),
			Msg: fmt.Sprintf("%d safeguards act on the findings charged to asset %q (%s), whose capped ALE is corrected together; at most %d are supported: split the asset or merge safeguards",
				len(u.sgs), a.ID, strings.Join(ids, ", "), maxUnitSafeguards)}}
	}
	sIdx := p.findings[u.members[0]].sIdx
	return model.Errors{{File: s.File, Line: first.Pos.Line, Col: first.Pos.Col, Field: fmt.Sprintf("findings[%d]", sIdx),
		Msg: fmt.Sprintf("%d safeguards act on finding %q; at most %d are supported: merge some of them", len(u.sgs), first.ID, maxUnitSafeguards)}}
}

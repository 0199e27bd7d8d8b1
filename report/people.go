package report

import (
	"fmt"
	"slices"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
)

// pointLabel is what people read for the point figures: the scenario's point_label, or "point
// estimate".
func pointLabel(s *analysis.Summary) string {
	if s.Scenario.PointLabel != "" {
		return s.Scenario.PointLabel
	}
	return "point estimate"
}

// names maps site, class and safeguard ids to the names the scenario gives them (the id where
// none).
type names struct{ site, class, safeguard map[string]string }

func namesOf(s *analysis.Summary) names {
	n := names{map[string]string{}, map[string]string{}, map[string]string{}}
	for _, g := range s.Sites {
		n.site[g.ID] = nameOr(g.Name, g.ID)
	}
	for _, g := range s.Classes {
		n.class[g.ID] = nameOr(g.Name, g.ID)
	}
	for _, sg := range s.Safeguards {
		n.safeguard[sg.ID] = nameOr(sg.Title, sg.ID)
	}
	return n
}

// safeguards names a set's safeguards (ids) as people read them.
func (n names) safeguards(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = nameOr(n.safeguard[id], id)
	}
	return out
}

// setChange says how set differs from best, as the safeguards it lacks and those it adds (ids, in
// their orders); few reports whether that is shorter than listing set whole.
func setChange(best, set []string) (without, with []string, few bool) {
	in := func(xs []string, x string) bool { return slices.Contains(xs, x) }
	for _, id := range best {
		if !in(set, id) {
			without = append(without, id)
		}
	}
	for _, id := range set {
		if !in(best, id) {
			with = append(with, id)
		}
	}
	return without, with, len(best) > 0 && len(without)+len(with) < len(set)
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// portfolioTitle is the title a person reads for a portfolio id of the tolerance check: the named
// portfolio's title, "the recommended set" for a recommended set that is no named portfolio, else
// the id.
func portfolioTitle(s *analysis.Summary, id string) string {
	for _, p := range s.Portfolios {
		if p.ID == id {
			return nameOr(p.Title, id)
		}
	}
	if s.Recommended != nil && s.Recommended.Name == id {
		return "the recommended set"
	}
	return id
}

// toleranceLine says in words how a curve stands against the tolerance.
func toleranceLine(c analysis.ToleranceCheck, cur string) string {
	pp := human.Sig(100*c.MaxExcess, 2)
	if c.Within {
		return fmt.Sprintf("within tolerance (closest at %s, %s percentage points below)", human.Currency(c.AtLoss, cur), human.Sig(-100*c.MaxExcess, 2))
	}
	return fmt.Sprintf("exceeds tolerance, by up to %s percentage points at %s", pp, human.Currency(c.AtLoss, cur))
}

// toleranceText lists the tolerance's points in words: "10% a year above $1M, 1% above $10M".
func toleranceText(t *analysis.ToleranceResult, cur string) string {
	out := ""
	for i, p := range t.Points {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s a year above %s", human.Percent(p.Probability), human.Currency(p.Loss, cur))
	}
	if len(t.Points) == 1 {
		out += " (an appetite: that probability for any loss up to it)"
	}
	return out
}

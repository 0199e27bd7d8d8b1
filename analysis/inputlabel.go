package analysis

import (
	"strings"

	"github.com/alesim/alesim/model"
)

// InputTitles maps the ids that own uncertain inputs (findings, hazards, safeguards) to the titles
// a person reads, for InputLabel. Ids without a title map to themselves.
func InputTitles(s *model.Scenario) map[string]string {
	titles := map[string]string{}
	put := func(id, title string) {
		if title == "" {
			title = id
		}
		titles[id] = title
	}
	for _, h := range s.Hazards {
		put(h.ID, h.Title)
	}
	for _, f := range s.Findings {
		put(f.ID, f.Title)
	}
	for _, g := range s.Safeguards {
		put(g.ID, g.Title)
	}
	return titles
}

// inputWords are the words people read for the parts of an input's name.
var inputWords = map[string]string{"afe": "frequency", "loss": "loss", "annual_cost": "annual cost",
	"one_time_cost": "one-time cost", "effect": "effect on", "ale_reduction": "ALE reduction",
	"frequency_factor": "frequency factor", "loss_factor": "loss factor", "new_afe": "new frequency"}

// InputLabel names an uncertain input (as Result.Inputs names it) for people: "R01.afe" becomes
// the finding's title and "frequency", "S1.effect.R01" the safeguard's title, "effect on" and the
// finding's title; an input whose owner is not in titles keeps its name.
func InputLabel(titles map[string]string, name string) string {
	// The owner's id may itself hold dots ("3.3-1.afe"): take the longest known prefix.
	longest := func(s string) string {
		best := ""
		for k := range titles {
			if (s == k || strings.HasPrefix(s, k+".")) && len(k) > len(best) {
				best = k
			}
		}
		return best
	}
	owner := longest(name)
	if owner == "" {
		return name
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(name, owner), ".")
	var parts []string
	for rest != "" {
		if next := longest(rest); next != "" {
			parts = append(parts, titles[next])
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, next), ".")
			continue
		}
		seg, tail, _ := strings.Cut(rest, ".")
		if w, ok := inputWords[seg]; ok {
			seg = w
		} else {
			seg = strings.ReplaceAll(seg, "_", " ")
		}
		parts = append(parts, seg)
		rest = tail
	}
	if len(parts) == 0 {
		return titles[owner]
	}
	return titles[owner] + ": " + strings.Join(parts, " ")
}

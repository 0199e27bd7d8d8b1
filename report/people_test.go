package report

import (
	"slices"
	"testing"

	"github.com/alesim/alesim/analysis"
)

// TestSetChange: a runner-up is told as its change from the best set only when that is shorter
// than the set itself, and the change lists what it lacks and what it adds in their orders.
func TestSetChange(t *testing.T) {
	for _, c := range []struct {
		best, set, without, with []string
		few                      bool
	}{
		{[]string{"a", "b", "c", "d"}, []string{"a", "c", "d"}, []string{"b"}, nil, true},
		{[]string{"a", "b", "c", "d"}, []string{"a", "c", "d", "e"}, []string{"b"}, []string{"e"}, true},
		{[]string{"a", "b"}, []string{"c"}, []string{"a", "b"}, []string{"c"}, false},
		{[]string{"a", "b", "c"}, []string{"a", "d"}, []string{"b", "c"}, []string{"d"}, false}, // 3 changes for 2 members
		{nil, []string{"a"}, nil, []string{"a"}, false},                                         // no best set to differ from
		{[]string{"a"}, nil, []string{"a"}, nil, false},
	} {
		without, with, few := setChange(c.best, c.set)
		if !slices.Equal(without, c.without) || !slices.Equal(with, c.with) || few != c.few {
			t.Errorf("setChange(%v, %v) = %v, %v, %v; want %v, %v, %v", c.best, c.set, without, with, few, c.without, c.with, c.few)
		}
	}
}

// TestPortfolioTitle: a tolerance row names a named portfolio by its title, and a recommended
// set that is no named portfolio as "the recommended set", not by the name it was given.
func TestPortfolioTitle(t *testing.T) {
	s := &analysis.Summary{
		Portfolios:  []analysis.SafeguardStats{{ID: "cyber", Title: "Cyber plan"}, {ID: "bare"}},
		Recommended: &analysis.RecommendedStats{Name: "other"},
	}
	for id, want := range map[string]string{"cyber": "Cyber plan", "bare": "bare", "other": "the recommended set", "x": "x"} {
		if got := portfolioTitle(s, id); got != want {
			t.Errorf("portfolioTitle(%q) = %q, want %q", id, got, want)
		}
	}
}

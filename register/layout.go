package register

import "strings"

// colKind says what a column holds; the template's data validation follows it.
type colKind int

const (
	textCol   colKind = iota // free text or an id
	numCol                   // a number
	listCol                  // ids separated by commas, semicolons or line breaks
	choiceCol                // one of choices
	boolCol                  // yes or no
)

// colSpec is one column of a sheet of the documented layout.
type colSpec struct {
	Name     string
	Kind     colKind
	Choices  []string
	Required bool
	Help     string
	Example  any // the worked example row's value; nil leaves it blank
}

// sheetSpec is one sheet (or CSV file) of the documented layout.
type sheetSpec struct {
	Name     string
	Required bool
	Help     string
	Columns  []colSpec
	Suffix   string // for CSV: the sibling file X.<suffix>.csv; "" for the risks file itself
}

// Estimate columns share suffixes: <group>_dist, _min, _likely, _max, _p05, _p95, _point.
var estSuffixes = []string{"dist", "min", "likely", "max", "p05", "p95", "point"}

var distChoices = []string{"pert", "triangular", "uniform", "loguniform", "lognormal", "constant"}

func estimateColumns(group, what string, suffixes []string, example map[string]any) []colSpec {
	help := map[string]string{
		"dist":   "how " + what + " is spread: pert (min, likely, max), triangular, uniform or loguniform (min, max), lognormal (p05, p95), constant; blank: inferred from the columns filled",
		"min":    "lowest plausible " + what,
		"likely": "most likely " + what + " (alone: a fixed value)",
		"max":    "highest plausible " + what,
		"p05":    "5th percentile of " + what + " (with p95: a 90% interval, lognormal)",
		"p95":    "95th percentile of " + what,
		"point":  "the single figure the 1983 point arithmetic uses; blank: the distribution's mean",
	}
	var out []colSpec
	for _, s := range suffixes {
		c := colSpec{Name: group + "_" + s, Kind: numCol, Help: help[s], Example: example[s]}
		if s == "dist" {
			c.Kind, c.Choices = choiceCol, distChoices
		}
		out = append(out, c)
	}
	return out
}

func concat(xs ...[]colSpec) []colSpec {
	var out []colSpec
	for _, x := range xs {
		out = append(out, x...)
	}
	return out
}

// The documented layout. docs/register-format.md describes it for people; the template is written
// from it, and the reader accepts exactly these columns.
var (
	scenarioSheet = &sheetSpec{
		Name: "Scenario", Suffix: "scenario",
		Help: "settings, one per row: name, description, currency, horizon_years, discount_rate, annuity_factor",
		Columns: []colSpec{
			{Name: "setting", Kind: choiceCol, Choices: []string{"name", "description", "currency", "horizon_years", "discount_rate", "annuity_factor"}, Required: true, Help: "the setting's name"},
			{Name: "value", Kind: textCol, Required: true, Help: "its value; horizon_years defaults to 5 and discount_rate to 0.10 (A = 3.79, as in the 1983 report)"},
		},
	}
	sitesSheet = &sheetSpec{
		Name: "Sites", Suffix: "sites",
		Help: "optional: the places risks occur; without it, each value of Risks.site becomes a site",
		Columns: []colSpec{
			{Name: "id", Kind: textCol, Required: true, Help: "unique site id", Example: "hq"},
			{Name: "name", Kind: textCol, Help: "the site's name", Example: "Headquarters"},
		},
	}
	risksSheet = &sheetSpec{
		Name: "Risks", Required: true,
		Help: "one row per risk (a finding): what can go wrong, how often, and what one event costs",
		Columns: concat([]colSpec{
			{Name: "id", Kind: textCol, Required: true, Help: "unique risk id", Example: "R1"},
			{Name: "title", Kind: textCol, Required: true, Help: "what can go wrong", Example: "Server room door is not alarmed"},
			{Name: "site", Kind: textCol, Help: "site id (a Sites row, or any name); blank: \"all\"", Example: "hq"},
			{Name: "class", Kind: textCol, Help: "threat class, free text id", Example: "theft"},
			{Name: "asset", Kind: textCol, Help: "asset the losses are charged to; they are capped at its value within a year", Example: "hq-servers"},
			{Name: "asset_value", Kind: numCol, Help: "the asset's value (give it on at least one row naming the asset)", Example: 250000},
			{Name: "events", Kind: choiceCol, Choices: []string{"poisson", "bernoulli"}, Help: "poisson: any number of events a year (default); bernoulli: at most once a year, frequency is then a probability", Example: "poisson"},
		},
			estimateColumns("freq", "the events per year", estSuffixes, map[string]any{"dist": "loguniform", "min": 1, "max": 50, "point": 2}),
			estimateColumns("loss", "the loss per event", estSuffixes, map[string]any{"p05": 20000, "p95": 200000, "point": 60000}),
			[]colSpec{{Name: "note", Kind: textCol, Help: "anything worth keeping with the risk", Example: "frequency from the published 1-50 range for theft"}}),
	}
	controlsSheet = &sheetSpec{
		Name: "Controls", Suffix: "controls",
		Help: "one row per control (a safeguard): what it costs and what it changes on the risks it names",
		Columns: concat([]colSpec{
			{Name: "id", Kind: textCol, Required: true, Help: "unique control id", Example: "C1"},
			{Name: "title", Kind: textCol, Required: true, Help: "the control", Example: "Door alarm"},
		},
			estimateColumns("one_time", "the one-time cost", []string{"min", "likely", "max"}, map[string]any{"likely": 3000}),
			estimateColumns("annual", "the annual cost", []string{"min", "likely", "max"}, map[string]any{"min": 200, "likely": 300, "max": 600}),
			[]colSpec{
				{Name: "risks", Kind: listCol, Required: true, Help: "the risk ids it acts on, separated by commas; the effect applies to each (drawn separately for each risk)", Example: "R1"},
				{Name: "effect", Kind: choiceCol, Choices: []string{"ale_reduction", "frequency_factor", "loss_factor", "new_afe", "new_loss"}, Help: "what it changes: ale_reduction (fraction of the ALE removed, default), frequency_factor, loss_factor, new_afe, new_loss", Example: "ale_reduction"},
			},
			estimateColumns("effect", "the effect", []string{"dist", "min", "likely", "max", "point"}, map[string]any{"min": 0.6, "likely": 0.9, "max": 0.99}),
			[]colSpec{
				{Name: "alternative", Kind: boolCol, Help: "yes for an option analysed but not recommended", Example: "no"},
				{Name: "note", Kind: textCol, Help: "anything worth keeping with the control"},
			}),
	}
	portfoliosSheet = &sheetSpec{
		Name: "Portfolios", Suffix: "portfolios",
		Help: "optional: named sets of controls evaluated together",
		Columns: []colSpec{
			{Name: "id", Kind: textCol, Required: true, Help: "unique portfolio id (not a control id)", Example: "all"},
			{Name: "title", Kind: textCol, Help: "the set's name", Example: "Every control"},
			{Name: "controls", Kind: listCol, Required: true, Help: "control ids, separated by commas", Example: "C1"},
		},
	}
	correlationsSheet = &sheetSpec{
		Name: "Correlations", Suffix: "correlations",
		Help: "optional: Spearman rank correlations between uncertain inputs, named as alesim sensitivity --list prints them",
		Columns: []colSpec{
			{Name: "a", Kind: textCol, Required: true, Help: "an uncertain input, e.g. R1.afe"},
			{Name: "b", Kind: textCol, Required: true, Help: "another estimate"},
			{Name: "rho", Kind: numCol, Required: true, Help: "Spearman rank correlation in [-1, 1]"},
		},
	}
	layout = []*sheetSpec{scenarioSheet, sitesSheet, risksSheet, controlsSheet, portfoliosSheet, correlationsSheet}
)

func (s *sheetSpec) column(name string) *colSpec {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i]
		}
	}
	return nil
}

// accepts reports whether name is a column of the sheet: a listed one, or any estimate suffix of a
// group the sheet uses (controls accept one_time_dist as well as one_time_min).
func (s *sheetSpec) accepts(name string) bool {
	if s.column(name) != nil {
		return true
	}
	for _, g := range s.groups() {
		for _, suf := range estSuffixes {
			if name == g+"_"+suf {
				return true
			}
		}
	}
	return false
}

func (s *sheetSpec) groups() []string {
	var gs []string
	for _, c := range s.Columns {
		for _, suf := range estSuffixes {
			if g, ok := strings.CutSuffix(c.Name, "_"+suf); ok && c.Kind != textCol && !containsStr(gs, g) && g != "asset" {
				gs = append(gs, g)
			}
		}
	}
	return gs
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// normal is a header as the reader matches it: trimmed, lower case, spaces and hyphens as
// underscores.
func normal(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// Columns returns the documented columns of a sheet of the layout, in the template's order.
func Columns(sheet string) []string {
	for _, s := range layout {
		if s.Name == sheet {
			out := make([]string, len(s.Columns))
			for i, c := range s.Columns {
				out[i] = c.Name
			}
			return out
		}
	}
	return nil
}

type groupNeed struct{ name, what, how string }

// requiredGroups are the estimate groups a sheet must have columns for.
func (s *sheetSpec) requiredGroups() []groupNeed {
	how := func(g, what string) string {
		return g + "_min and " + g + "_max (a range, with " + g + "_likely for PERT), " + g + "_p05 and " + g + "_p95 (a 90% interval), or " + g + "_likely (a fixed value)"
	}
	switch s {
	case risksSheet:
		return []groupNeed{{"freq", "frequency", how("freq", "")}, {"loss", "loss", how("loss", "")}}
	case controlsSheet:
		return []groupNeed{{"effect", "effect", how("effect", "")}}
	}
	return nil
}

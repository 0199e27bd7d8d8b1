package report

import (
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/model"
)

// Text tables for people: money scaled (1.2M) and rounded to two or three significant figures,
// with the currency's symbol. CSV, JSON and Parquet keep full precision.

// WriteRunTable writes the run (or merge) summary as text tables that fit 120 columns: the totals,
// the findings, the sites and classes, the safeguards and portfolios ranked, the budget set, the
// tolerance, the warnings. People read names (finding titles, site and class names); ids stay in
// the JSON and CSV.
func WriteRunTable(out io.Writer, s *analysis.Summary) error {
	// The aligned tables pad their last column: the text is written once, trailing spaces dropped,
	// so that every line's width is what a terminal shows.
	w := &trimmed{w: out}
	if err := writeRunTable(w, s); err != nil {
		return err
	}
	return w.close()
}

func writeRunTable(w io.Writer, s *analysis.Summary) error {
	cur := s.Scenario.Currency
	m2 := func(x float64) string { return human.Currency(x, cur) }
	m3 := func(x float64) string { return human.CurrencyN(x, cur, 3) }
	ci := func(c [2]float64) string { return human.CurrencyRange(c[0], c[1], cur, 3) }
	nm := namesOf(s)
	fmt.Fprintf(w, "%s: %s trials, seed %d, %d workers, %.1f s\n", s.Scenario.Name, human.Int(s.Run.Trials), s.Run.Seed, s.Run.Workers, s.Run.WallSeconds)
	if s.Run.Precision > 0 {
		fmt.Fprintf(w, "(--precision %g: stopped after %s trials)\n", s.Run.Precision, human.Int(s.Run.Trials))
	}
	fmt.Fprintf(w, "Money in %s; \"point\" is the %s figure (the arithmetic on single values), the rest the simulation.\n\n", cur, pointLabel(s))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tpoint\tmean\t95% CI of mean\tP5\tP50\tP95\t")
	a := s.ALE
	fmt.Fprintf(tw, "ALE (expected annual loss)\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m2(a.Point), m3(a.Mean), ci(a.CI95), m2(a.P05), m2(a.P50), m2(a.P95))
	tw.Flush()
	l := s.AnnualLoss
	fmt.Fprintf(w, "\nAnnual loss (what a simulated year costs): mean %s (95%% CI %s)\n", m3(l.Mean), ci(l.CI95))
	fmt.Fprintf(w, "  P50 %s  P90 %s  P95 %s  P99 %s   P(no loss) %s\n  VaR95 %s  TVaR95 %s   VaR99 %s  TVaR99 %s\n",
		m2(l.P50), m2(l.P90), m2(l.P95), m2(l.P99), human.Percent(l.PZero), m2(l.VaR95), m2(l.TVaR95), m2(l.VaR99), m2(l.TVaR99))
	o := s.Occurrence
	fmt.Fprintf(w, "Largest single event of a year (occurrence, OEP): mean %s (95%% CI %s)\n  P50 %s  P90 %s  P95 %s  P99 %s\n",
		m3(o.Mean), ci(o.CI95), m2(o.P50), m2(o.P90), m2(o.P95), m2(o.P99))
	if t := s.Tolerance; t != nil {
		fmt.Fprintf(w, "\nRisk tolerance: %s.\n", toleranceText(t, cur))
		fmt.Fprintf(w, "  no safeguards: %s\n", toleranceLine(t.Baseline, cur))
		for _, p := range t.Portfolios {
			fmt.Fprintf(w, "  with %s: %s\n", short(portfolioTitle(s, p.ID), 40), toleranceLine(p.ToleranceCheck, cur))
		}
	}
	fmt.Fprintf(w, "\nBy finding (ALE: point, then simulated mean and P5-P95; annual loss P95 and P99):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tfinding\tsite\tpoint ALE\tALE mean\tALE P5-P95\tloss P95\tloss P99\tnote\t")
	for _, f := range s.Findings {
		note := ""
		switch f.ALEMethod {
		case "closed_form_capped":
			note = "capped"
		case "control_variate":
			note = "capped (CV)"
		}
		if f.PointALE > 0 && (f.ALE.Mean > 2*f.PointALE || f.ALE.Mean < f.PointALE/2) {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("x%s of point", human.Sig(f.ALE.Mean/f.PointALE, 2))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", short(f.ID, 12), short(nameOr(f.Title, f.ID), 18), short(nm.site[f.Site], 12), m2(f.PointALE), m3(f.ALE.Mean),
			human.CurrencyRange(f.ALE.P05, f.ALE.P95, cur, 2), m2(f.AnnualLoss.P95), m2(f.AnnualLoss.P99), short(note, 15))
	}
	tw.Flush()
	for _, g := range []struct {
		title string
		rows  []analysis.GroupStats
	}{{"site", s.Sites}, {"threat class", s.Classes}} {
		if len(g.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nBy %s:\n", g.title)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tpoint ALE\tALE mean\tALE P5-P95\tloss P95\tloss P99\t\n", g.title)
		for _, r := range g.rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", short(nameOr(r.Name, r.ID), 40), m2(r.PointALE), m3(r.ALE.Mean), human.CurrencyRange(r.ALE.P05, r.ALE.P95, cur, 2),
				m2(r.AnnualLoss.P95), m2(r.AnnualLoss.P99))
		}
		tw.Flush()
	}
	writeSafeguardTable(w, s)
	if s.VOI != nil {
		fmt.Fprintln(w)
		if err := WriteVOITable(w, s.VOI); err != nil {
			return err
		}
	}
	if s.Sensitivity != nil {
		fmt.Fprintln(w)
		if err := WriteSensitivityTable(w, s.Sensitivity); err != nil {
			return err
		}
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "\nWarnings:\n")
		for _, warn := range s.Warnings {
			fmt.Fprintf(w, "  %s\n", wrap(warn, 116, "\n    "))
		}
	}
	fmt.Fprintf(w, "\nQuantiles of the totals: %s; per-finding, site and class quantiles within %.1f%% (sketch).\n",
		s.Run.TotalsQuantiles, 100*s.Run.SketchRelativeError)
	return nil
}

// ratioText is a cost to savings ratio for people: "never" where the safeguard does not pay back
// (no ratio, or a negative one), blank for a zero ratio (no cost, nothing to compare).
func ratioText(r *float64) string {
	if r == nil || *r < 0 {
		return "never"
	}
	if *r == 0 {
		return "-"
	}
	return human.Sig(*r, 2)
}

// ratioRange is a P5-P95 ratio interval, with "never" said once.
func ratioRange(lo, hi *float64) string {
	a, b := ratioText(lo), ratioText(hi)
	if a == b {
		return a
	}
	return a + " to " + b
}

// writeSafeguardTable lays out the summary table's columns (savings, cost to savings ratio over the
// horizon) with the point figure, the simulated mean, its interval and the probability of paying
// off beside each, ranked by mean savings, in at most 120 columns.
func writeSafeguardTable(w io.Writer, s *analysis.Summary) {
	cur := s.Scenario.Currency
	m2 := func(x float64) string { return human.Currency(x, cur) }
	sorted := func(rows []analysis.SafeguardStats) []analysis.SafeguardStats {
		out := append([]analysis.SafeguardStats(nil), rows...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
		return out
	}
	groups := []struct {
		title string
		rows  []analysis.SafeguardStats
	}{{"Safeguards", s.Safeguards}, {"Portfolios", s.Portfolios}}
	for _, g := range groups {
		if len(g.rows) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s, ranked by mean savings over %d years (savings: point = the %s figure, mean and P5-P95\nacross trials; ", g.title, s.Scenario.HorizonYears, pointLabel(s))
		fmt.Fprintf(w, "P(pays) = probability that savings > 0; ratio = cost / savings, \"never\" where it does not pay back;\n\"unsettled\": cannot be told apart from the next by this run):\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "rank\tsafeguard\tpoint\tpt ratio\tmean\tP5-P95\tP(pays)\tratio P5-P95\tvs next\t")
		for _, r := range sorted(g.rows) {
			next := ""
			if r.VsNext != nil && !r.VsNext.Settled {
				next = "unsettled"
			}
			alt := ""
			if r.Alternative {
				alt = " (alt.)"
			}
			if r.Kind == "insurance" {
				alt += " (insurance)"
			}
			name := nameOr(r.Title, r.ID)
			if len(r.Members) > 0 {
				name = fmt.Sprintf("%s (%d)", name, len(r.Members))
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
				r.Rank, short(name, 28-len(alt))+alt, m2(r.PointSavings), ratioText(r.PointRatio),
				human.CurrencyN(r.Savings.Mean, cur, 3), human.CurrencyRange(r.Savings.P05, r.Savings.P95, cur, 2),
				human.Percent(r.PPositive), ratioRange(r.Ratio.P05, r.Ratio.P95), next)
		}
		tw.Flush()
	}
	if b := s.Budget; b != nil {
		nm := namesOf(s)
		fmt.Fprintf(w, "\nBest set within a budget of %s (expected one-time + %s x annual cost; %s search over %d candidates):\n",
			m2(b.Amount), human.Sig(s.Scenario.AnnuityFactor, 3), b.Method, b.Candidates)
		sets := append([]analysis.BudgetSet{b.Best}, b.RunnersUp...)
		for i, set := range sets {
			label := "best"
			if i > 0 {
				label = fmt.Sprintf("runner-up %d", i)
			}
			fmt.Fprintf(w, "  %-12s cost %s, savings %s (P5-P95 %s), P(pays) %s:\n", label, m2(set.ExpectedCost),
				human.CurrencyN(set.Savings.Mean, cur, 3), human.CurrencyRange(set.Savings.P05, set.Savings.P95, cur, 2),
				human.Percent(set.PPositive))
			// The safeguards by name, one a line; a runner-up as its change from the best set when
			// that is shorter (the runners-up of a large set differ from it in a safeguard or two).
			var lines []string
			without, with, few := setChange(b.Best.Members, set.Members)
			switch {
			case len(set.Members) == 0:
				lines = []string{"(no safeguard)"}
			case i > 0 && few:
				lead := "the best set"
				for _, n := range nm.safeguards(without) {
					lines = append(lines, lead+" without "+n)
					lead = "         and"
				}
				for _, n := range nm.safeguards(with) {
					lines = append(lines, lead+" with "+n)
					lead = "         and"
				}
			default:
				for _, n := range nm.safeguards(set.Members) {
					lines = append(lines, "- "+n)
				}
			}
			for _, l := range lines {
				fmt.Fprintf(w, "    %s\n", short(l, TermWidth-4))
			}
			if set.HeldOut != nil && set.OptimizersCurse != nil {
				c := set.OptimizersCurse
				// Wrapped at 120 columns, never inside an interval "[lo, hi]" (its space is held as
				// a NUL until the line is wrapped).
				iv := func(lo, hi float64, n int) string {
					return "[" + human.CurrencyN(lo, cur, n) + ",\x00" + human.CurrencyN(hi, cur, n) + "]"
				}
				line := fmt.Sprintf("chosen on the %s blocks: savings there %s; on the %s blocks, unseen by the choice, %s %s; optimizer's curse %s %s",
					b.ChoiceBlocks, human.CurrencyN(set.InSample.Mean, cur, 3), b.HeldOutBlocks, human.CurrencyN(set.HeldOut.Mean, cur, 3),
					iv(set.HeldOut.CI95[0], set.HeldOut.CI95[1], 3), human.CurrencyN(c.Mean, cur, 2), iv(c.CI95[0], c.CI95[1], 2))
				indent := strings.Repeat(" ", 15)
				fmt.Fprintf(w, "%s%s\n", indent, strings.ReplaceAll(wrap(line, TermWidth-len(indent), "\n"+indent), "\x00", " "))
			}
		}
	}
}

// wrap breaks text at spaces so that no line exceeds width runes.
func wrap(text string, width int, sep string) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, sep)
}

// short is human.Short, the one label trimmer of tables and charts: a label trimmed to n
// characters, an input's "what" kept whole.
func short(s string, n int) string { return human.Short(s, n) }

// WritePointTable writes point mode (the arithmetic on single values) as the report's table, rounded to two
// significant figures, with the currency's symbol: finding titles first (trimmed to fit 120
// columns), ids in a column of their own.
func WritePointTable(w io.Writer, r *model.PointResult) error {
	cur := r.Scenario.Currency
	m := func(x float64) string { return human.Currency(x, cur) }
	fmt.Fprintf(w, "%s\n\n", wrap(fmt.Sprintf("%s: point estimates (the arithmetic on single values), %d-year figures at annuity factor %s, money in %s",
		r.Scenario.Name, r.Scenario.HorizonYears, human.Sig(r.Scenario.AnnuityFactor, 4), currencyName(cur)), TermWidth, "\n"))
	t := newTextTable(0, 16, false, false, true, true, true, true, true, true, true)
	t.row("Finding", "id", "ALE", "Loss now", "New loss", "Reduction", "Cost", "Savings", "Cost/savings")
	never := false
	for _, f := range r.Findings {
		mark := ""
		if len(f.SharedWith) > 0 {
			mark = " *"
		}
		ratio := pointRatio(f.Ratio, len(f.Safeguards) > 0)
		never = never || ratio == "never"
		t.row(f.Title, f.ID, m(f.ALE), m(f.LossNow), m(f.LossAfter), m(f.Reduction), m(f.Cost), m(f.Savings)+mark, ratio)
	}
	tot := r.Totals
	ratio := pointRatio(tot.Ratio, tot.Cost != 0 || tot.Reduction != 0)
	never = never || ratio == "never"
	t.row("Total", "", m(tot.ALE), m(tot.LossNow), m(tot.LossAfter), m(tot.Reduction), m(tot.Cost), m(tot.Savings), ratio)
	if err := t.write(w); err != nil {
		return err
	}
	for _, f := range r.Findings {
		if len(f.SharedWith) > 0 {
			fmt.Fprintln(w, "\n* cost and savings of a safeguard acting on several findings, counted once:")
			break
		}
	}
	for _, s := range r.Safeguards {
		if len(s.Findings) > 1 {
			line := fmt.Sprintf("%s (%s): findings %s, cost %s, savings %s", s.Title, s.ID, strings.Join(s.Findings, ", "), m(s.Cost), m(s.Savings))
			fmt.Fprintf(w, "  %s\n", wrap(line, TermWidth-4, "\n    "))
		}
	}
	if never {
		fmt.Fprintln(w, "\nCost/savings \"never\": the safeguards cost more over the horizon than they save; blank: no safeguard acts on it.")
	}
	fmt.Fprintln(w, "\nFigures rounded to two significant figures for display, as the report does; --format csv or json gives full precision.")
	return nil
}

// currencyName is the currency as a line of text names it: "EUR (€)", or the code alone where it
// has no symbol of its own.
func currencyName(code string) string {
	if code == "" {
		code = "USD"
	}
	if sym := strings.TrimSpace(human.Symbol(code)); sym != code {
		return code + " (" + sym + ")"
	}
	return code
}

// pointRatio is a cost to savings ratio for the point table: two significant figures; "never"
// where the safeguards do not pay back (no ratio, or a negative one), "no cost" where they cost
// nothing, blank where no safeguard acts (acts false).
func pointRatio(r *float64, acts bool) string {
	switch {
	case !acts:
		return ""
	case r == nil || *r < 0:
		return "never"
	case *r == 0:
		return "no cost"
	}
	return human.Sig(*r, 2)
}

// WriteSensitivityTable writes the inputs ranked by swing, as text: each input named for people
// (its owner's title and what it is; trimmed to fit 120 columns), its id in a column of its own,
// money with the currency's symbol.
func WriteSensitivityTable(w io.Writer, r *analysis.SensitivityResult) error {
	m := func(x float64) string { return human.CurrencyN(x, r.Currency, 3) }
	label := func(name string) string { return analysis.InputLabel(r.Titles, name) }
	target := r.Target
	if target == "ale" {
		target = "the expected annual loss (ALE)"
	} else if id, ok := strings.CutPrefix(target, "savings:"); ok {
		target = fmt.Sprintf("the savings of %s (%s)", nameOr(r.Titles[id], id), id)
	}
	fmt.Fprintf(w, "%s\n", wrap(fmt.Sprintf("What decides %s (mean %s over %s trials, seed %d):", target, m(r.Mean), human.Int(r.Trials), r.Seed), TermWidth, "\n"))
	fmt.Fprintf(w, "each input held at its P5 and at its P95 on the same trials; rank correlation of its draws with the target.\n\n")
	t := newTextTable(1, 20, false, false, true, true, true, true, true)
	t.row("input", "id", "input P5 to P95", "mean at P5", "mean at P95", "swing", "rank corr.")
	for _, in := range r.Inputs {
		t.row(label(in.Name), in.Name, inputRange(in.Name, in.P05, in.P95, r.Currency),
			m(in.MeanAtP05), m(in.MeanAtP95), m(in.Swing), human.Sig(in.RankCorrelation, 2))
	}
	return t.write(w)
}

// inputRange is an input's P5 to P95 for people: money with the currency's symbol for costs and
// losses, other values (frequencies, factors) with two significant figures and a K or M suffix.
func inputRange(name string, lo, hi float64, cur string) string {
	parts := strings.Split(name, ".")
	money := false
	for k, seg := range parts {
		if seg == "annual_cost" || seg == "one_time_cost" || (seg == "loss" && k == len(parts)-1) {
			money = true
		}
	}
	if money {
		return human.CurrencyRange(lo, hi, cur, 2)
	}
	a, b := human.Money(lo, 2), human.Money(hi, 2)
	if a == b {
		return a
	}
	return a + " to " + b
}

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
func WriteRunTable(w io.Writer, s *analysis.Summary) error {
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
		fmt.Fprintf(w, "\nBest set within a budget of %s (expected one-time + %s x annual cost; %s search over %d candidates):\n",
			m2(b.Amount), human.Sig(s.Scenario.AnnuityFactor, 3), b.Method, b.Candidates)
		sets := append([]analysis.BudgetSet{b.Best}, b.RunnersUp...)
		for i, set := range sets {
			label := "best"
			if i > 0 {
				label = fmt.Sprintf("runner-up %d", i)
			}
			members := strings.Join(set.Members, ", ")
			if members == "" {
				members = "(none)"
			}
			fmt.Fprintf(w, "  %-12s cost %s, savings %s (P5-P95 %s), P(pays) %s:\n    %s\n", label, m2(set.ExpectedCost),
				human.CurrencyN(set.Savings.Mean, cur, 3), human.CurrencyRange(set.Savings.P05, set.Savings.P95, cur, 2),
				human.Percent(set.PPositive), wrap(members, 112, "\n    "))
			if set.HeldOut != nil && set.OptimizersCurse != nil {
				c := set.OptimizersCurse
				fmt.Fprintf(w, "  %-12s chosen on the %s blocks: savings there %s; on the %s blocks, unseen by the choice, %s [%s, %s]; optimizer's curse %s [%s, %s]\n", "",
					b.ChoiceBlocks, human.CurrencyN(set.InSample.Mean, cur, 3), b.HeldOutBlocks, human.CurrencyN(set.HeldOut.Mean, cur, 3),
					human.CurrencyN(set.HeldOut.CI95[0], cur, 3), human.CurrencyN(set.HeldOut.CI95[1], cur, 3), human.CurrencyN(c.Mean, cur, 2), human.CurrencyN(c.CI95[0], cur, 2), human.CurrencyN(c.CI95[1], cur, 2))
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

func short(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// WritePointTable writes point mode (the arithmetic on single values) as the report's table, rounded to two
// significant figures.
func WritePointTable(w io.Writer, r *model.PointResult) error {
	m := func(x float64) string { return human.Money(x, 2) }
	fmt.Fprintf(w, "%s: point estimates (the arithmetic on single values), %d-year figures at annuity factor %s, %s\n\n",
		r.Scenario.Name, r.Scenario.HorizonYears, human.Sig(r.Scenario.AnnuityFactor, 4), r.Scenario.Currency)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Finding\tSubject\tALE\tLoss now\tNew loss\tReduction\tCost\tSavings\tCost/savings\t")
	for _, f := range r.Findings {
		mark := ""
		if len(f.SharedWith) > 0 {
			mark = " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", f.ID, short(f.Title, 30), m(f.ALE), m(f.LossNow),
			m(f.LossAfter), m(f.Reduction), m(f.Cost), m(f.Savings)+mark, pointRatio(f.Ratio))
	}
	t := r.Totals
	fmt.Fprintf(tw, "Total\t\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m(t.ALE), m(t.LossNow), m(t.LossAfter), m(t.Reduction),
		m(t.Cost), m(t.Savings), pointRatio(t.Ratio))
	if err := tw.Flush(); err != nil {
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
			fmt.Fprintf(w, "  %s (%s): findings %s, cost %s, savings %s\n", s.ID, s.Title,
				strings.Join(s.Findings, ", "), m(s.Cost), m(s.Savings))
		}
	}
	fmt.Fprintln(w, "\nFigures rounded to two significant figures for display, as the report does; --format csv or json gives full precision.")
	return nil
}

// pointRatio is a cost to savings ratio for the point table: two significant figures, blank where
// there is none.
func pointRatio(r *float64) string {
	if r == nil {
		return ""
	}
	return human.Sig(*r, 2)
}

// WriteSensitivityTable writes the inputs ranked by swing, as text.
func WriteSensitivityTable(w io.Writer, r *analysis.SensitivityResult) error {
	m := func(x float64) string { return human.Money(x, 3) }
	fmt.Fprintf(w, "What decides %s (mean %s over %d trials, seed %d):\n", r.Target, m(r.Mean), r.Trials, r.Seed)
	fmt.Fprintf(w, "each input held at its P5 and at its P95 on the same trials; rank correlation of its draws with the target.\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "input\tinput P5-P95\tmean at P5\tmean at P95\tswing\trank corr.\t")
	for _, in := range r.Inputs {
		fmt.Fprintf(tw, "%s\t%s-%s\t%s\t%s\t%s\t%s\t\n", in.Name, human.Sig(in.P05, 2), human.Sig(in.P95, 2),
			m(in.MeanAtP05), m(in.MeanAtP95), m(in.Swing), human.Sig(in.RankCorrelation, 2))
	}
	return tw.Flush()
}

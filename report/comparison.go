package report

import (
	"fmt"
	"html/template"
	"io"
	"text/tabwriter"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
)

// compareRow is one line of the comparison table, rendered for people.
type compareRow struct {
	Figure, Before, After, Change, CI, Status string
	Sub                                       bool // an indented P(pays) line
	Changed                                   bool
}

func compareRows(c *analysis.Comparison) []compareRow {
	money := func(x float64) string { return human.Currency(x, c.Currency) }
	var rows []compareRow
	add := func(name string, b, a float64, ch analysis.Change) {
		r := compareRow{Figure: name, Before: money(b), After: money(a), Change: "0", Status: "unchanged", Changed: ch.Changed}
		if ch.Changed {
			r.Change = money(ch.Mean)
			r.CI = fmt.Sprintf("[%s, %s]", money(ch.CI95[0]), money(ch.CI95[1]))
			r.Status = "not settled"
			if ch.Settled {
				r.Status = "settled"
			}
		}
		rows = append(rows, r)
	}
	add("ALE mean", c.ALE.Before, c.ALE.After, c.ALE.Change)
	add("annual loss mean", c.AnnualLoss.Before, c.AnnualLoss.After, c.AnnualLoss.Change)
	for _, q := range c.AnnualLoss.Quantiles {
		r := compareRow{Figure: fmt.Sprintf("annual loss P%g", 100*q.P), Before: money(q.Before), After: money(q.After),
			Change: money(q.Change), Status: "unchanged", Changed: q.Change != 0}
		if q.Change != 0 {
			r.Status = "(no interval)"
		}
		rows = append(rows, r)
	}
	items := func(kind string, xs []analysis.ItemCompared) {
		for _, it := range xs {
			name := kind + " " + it.ID
			if it.Only != "" {
				opt := func(x *float64) string {
					if x == nil {
						return "-"
					}
					return money(*x)
				}
				rows = append(rows, compareRow{Figure: name, Before: opt(it.Before), After: opt(it.After), Status: "only " + it.Only, Changed: true})
				continue
			}
			add(name, *it.Before, *it.After, *it.Change)
			if *it.PPositiveBefore != *it.PPositiveAfter {
				rows = append(rows, compareRow{Figure: "P(pays)", Sub: true, Changed: true,
					Before: fmt.Sprintf("%.3g", *it.PPositiveBefore), After: fmt.Sprintf("%.3g", *it.PPositiveAfter),
					Change: fmt.Sprintf("%+.3g", *it.PPositiveAfter-*it.PPositiveBefore)})
			}
		}
	}
	items("safeguard", c.Safeguards)
	items("portfolio", c.Portfolios)
	return rows
}

// WriteCompareText writes the comparison as a table: each figure before and after, the change
// with its 95% interval, and whether the change is settled (its interval excludes zero).
func WriteCompareText(w io.Writer, c *analysis.Comparison) error {
	fmt.Fprintf(w, "before: %s (sha256 %.12s, seed %d, %d trials)\n", c.Before.Name, c.Before.SHA256, c.Before.Seed, c.Before.Trials)
	fmt.Fprintf(w, "after:  %s (sha256 %.12s, seed %d, %d trials)\n", c.After.Name, c.After.SHA256, c.After.Seed, c.After.Trials)
	fmt.Fprintln(w, c.Method)
	for _, x := range c.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tbefore\tafter\tchange\t95% CI of change\t")
	for _, r := range compareRows(c) {
		name := r.Figure
		if r.Sub {
			name = "  " + name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, r.Before, r.After, r.Change, r.CI, r.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d figure(s) changed", len(c.Changed))
	if len(c.Changed) > 0 {
		fmt.Fprintf(w, ": %v", c.Changed)
	}
	fmt.Fprintln(w)
	return nil
}

var compareHTML = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>alesim comparison: {{.C.Before.Name}} and {{.C.After.Name}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.2em .7em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}tr.same{color:#888}tr.sub td:first-child{padding-left:2em}
.settled{font-weight:bold}
</style></head><body>
<h1>Comparison</h1>
<section id="compare">
<h2>Before and after</h2>
<p>Before: <b>{{.C.Before.Name}}</b> (SHA-256 <code>{{.C.Before.SHA256}}</code>, seed {{.C.Before.Seed}}, {{.C.Before.Trials}} trials).<br>
After: <b>{{.C.After.Name}}</b> (SHA-256 <code>{{.C.After.SHA256}}</code>, seed {{.C.After.Seed}}, {{.C.After.Trials}} trials).</p>
<p>{{if .C.Paired}}<b>Paired.</b>{{else}}<b>Unpaired.</b>{{end}} {{.C.Method}}.</p>
{{range .C.Warnings}}<p>Warning: {{.}}</p>{{end}}
<p>A change is <span class="settled">settled</span> when its 95% interval excludes zero. Greyed rows did not change.</p>
<table><tr><th>figure</th><th>before</th><th>after</th><th>change</th><th>95% CI of change</th><th></th></tr>
{{range .Rows}}<tr class="{{if not .Changed}}same{{end}}{{if .Sub}} sub{{end}}"><td>{{.Figure}}</td><td>{{.Before}}</td><td>{{.After}}</td><td>{{.Change}}</td><td>{{.CI}}</td><td{{if eq .Status "settled"}} class="settled"{{end}}>{{.Status}}</td></tr>
{{end}}</table>
<p>{{len .C.Changed}} figure(s) changed{{if .C.Changed}}: {{range $i, $x := .C.Changed}}{{if $i}}, {{end}}{{$x}}{{end}}{{end}}.</p>
</section>
<p><small>Written by alesim compare. Currency: {{.C.Currency}}.</small></p>
</body></html>
`))

// WriteCompareHTML writes report.html for a comparison: one self-contained page (no script, font
// or style fetched) holding the compare section.
func WriteCompareHTML(w io.Writer, c *analysis.Comparison) error {
	return compareHTML.Execute(w, struct {
		C    *analysis.Comparison
		Rows []compareRow
	}{c, compareRows(c)})
}

package report

import (
	_ "embed"
	"fmt"
	"github.com/alesim/alesim/analysis"
	"html/template"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/report/charts"
)

// ChartSVG renders a chart to SVG markup for inlining (without the XML declaration).
func ChartSVG(c charts.Chart) (template.HTML, error) {
	b, err := c.SVG() // with each row label's tooltip: the full name and the id
	if err != nil {
		return "", err
	}
	svg := xmlDecl.ReplaceAll(b, nil)
	// Scale to the page width while keeping the aspect ratio.
	svg = svgSize.ReplaceAll(svg, []byte(`<svg style="max-width:100%;height:auto" `))
	return template.HTML(svg), nil // our own markup from gonum/plot, not user input
}

var (
	xmlDecl = regexp.MustCompile(`(?s)<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)
	svgSize = regexp.MustCompile(`<svg width="[^"]*" height="[^"]*"\s*`)
)

// amountsHTML is an interval "lo to hi" (or one amount) with each amount kept on one line: printed,
// the table cells wrap, and "-€46.8K to -€45.4K" broke after a minus sign.
func amountsHTML(text string) template.HTML {
	parts := strings.Split(text, " to ")
	for i, p := range parts {
		parts[i] = `<span class="amt">` + template.HTMLEscapeString(p) + `</span>`
	}
	return template.HTML(strings.Join(parts, " to "))
}

type htmlChart struct {
	Title, Note string
	SVG         template.HTML
}

type htmlData struct {
	S          *analysis.Summary
	PointLabel string
	Print      template.CSS
	Charts     []htmlChart
	Safeguards []analysis.SafeguardStats
	Portfolios []analysis.SafeguardStats
}

// WriteHTML writes report.html: one self-contained file (charts inlined as SVG, no scripts, no
// fonts or styles fetched from anywhere) with the summary tables, the provenance and notes on how
// to read each chart.
func WriteHTML(w io.Writer, s *analysis.Summary, charts []charts.Chart) error {
	d := htmlData{S: s, PointLabel: pointLabel(s), Print: template.CSS(printCSS)}
	for _, c := range charts {
		svg, err := ChartSVG(c)
		if err != nil {
			return fmt.Errorf("chart %s: %w", c.Name, err)
		}
		d.Charts = append(d.Charts, htmlChart{c.Title, c.Note, svg})
	}
	byRank := func(xs []analysis.SafeguardStats) []analysis.SafeguardStats {
		out := append([]analysis.SafeguardStats(nil), xs...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
		return out
	}
	d.Safeguards, d.Portfolios = byRank(s.Safeguards), byRank(s.Portfolios)
	nm := namesOf(s)
	cur := s.Scenario.Currency
	t, err := template.New("report").Funcs(template.FuncMap{
		"money":     func(x float64) template.HTML { return amountsHTML(human.Currency(x, cur)) },
		"money3":    func(x float64) template.HTML { return amountsHTML(human.CurrencyN(x, cur, 3)) },
		"range2":    func(lo, hi float64) template.HTML { return amountsHTML(human.CurrencyRange(lo, hi, cur, 2)) },
		"range3":    func(lo, hi float64) template.HTML { return amountsHTML(human.CurrencyRange(lo, hi, cur, 3)) },
		"sig":       func(x float64) string { return human.Sig(x, 2) },
		"pct":       human.Percent,
		"int":       human.Int,
		"ratio":     ratioText,
		"ratios":    ratioRange,
		"site":      func(id string) string { return nm.site[id] },
		"class":     func(id string) string { return nm.class[id] },
		"name":      nameOr,
		"sgnames":   nm.safeguards,
		"tolerance": func(c analysis.ToleranceCheck) string { return toleranceLine(c, cur) },
		"tolpoints": func(t *analysis.ToleranceResult) string { return toleranceText(t, cur) },
		"portfolio": func(id string) string { return portfolioTitle(s, id) },
		"method": func(m string) string {
			switch m {
			case "closed_form":
				return "exact (frequency x mean loss)"
			case "closed_form_capped":
				return "exact, capped at the asset's value"
			case "control_variate":
				return "estimated (capped; control variate)"
			}
			return m
		},
		"add": func(a, b int) int { return a + b },
		"prepend": func(x analysis.BudgetSet, xs []analysis.BudgetSet) []analysis.BudgetSet {
			return append([]analysis.BudgetSet{x}, xs...)
		},
	}).Parse(reportSrc)
	if err != nil {
		return err
	}
	return t.Execute(w, d)
}

// printCSS keeps figures, table rows and headings whole when the report is printed.
//
//go:embed print.css
var printCSS string

const reportSrc = (`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.S.Scenario.Name}}: risk simulation report</title>
<style>
body { font-family: Georgia, "Times New Roman", serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
th, td { padding: .25em .6em; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
.amt { white-space: nowrap; }
th { background: #f3f3f3; }
td.l, th.l { text-align: left; white-space: normal; }
.note { color: #444; font-size: .95em; max-width: 60em; }
.prov td { text-align: left; }
.warn { background: #fff6e0; border-left: 4px solid #e6a000; padding: .5em 1em; }
figure { margin: 1.5em 0; }
figcaption { font-weight: bold; margin-bottom: .3em; }
.unsettled { color: #a05a00; }
small.id { color: #777; font-family: monospace; }
{{.Print}}
</style>
</head>
<body>
<h1>{{.S.Scenario.Name}}</h1>
<p class="note">A Monte Carlo risk analysis: every single-value judgment (an annual frequency, a loss) is replaced by the range it was picked from, and {{int .S.Run.Trials}} years are simulated. The "{{.PointLabel}}" figures are the arithmetic on the single values, for comparison. Money in {{.S.Scenario.Currency}}; savings are present values over {{.S.Scenario.HorizonYears}} years (annuity factor {{sig .S.Scenario.AnnuityFactor}}).</p>

<h2>Summary</h2>
<table>
<tr><th class="l"></th><th>{{.PointLabel}}</th><th>mean</th><th>95% CI of mean</th><th>P5</th><th>P50</th><th>P95</th><th>P99</th></tr>
<tr><td class="l">Expected annual loss (ALE)</td><td>{{money .S.ALE.Point}}</td><td>{{money3 .S.ALE.Mean}}</td><td>{{range3 (index .S.ALE.CI95 0) (index .S.ALE.CI95 1)}}</td><td>{{money .S.ALE.P05}}</td><td>{{money .S.ALE.P50}}</td><td>{{money .S.ALE.P95}}</td><td></td></tr>
<tr><td class="l">Annual loss (a simulated year)</td><td></td><td>{{money3 .S.AnnualLoss.Mean}}</td><td>{{range3 (index .S.AnnualLoss.CI95 0) (index .S.AnnualLoss.CI95 1)}}</td><td></td><td>{{money .S.AnnualLoss.P50}}</td><td>{{money .S.AnnualLoss.P95}}</td><td>{{money .S.AnnualLoss.P99}}</td></tr>
</table>
<p class="note">Value at risk: {{money .S.AnnualLoss.VaR95}} (95%), {{money .S.AnnualLoss.VaR99}} (99%); expected shortfall (mean loss in the worst years beyond them): {{money .S.AnnualLoss.TVaR95}} and {{money .S.AnnualLoss.TVaR99}}.
{{with .S.Recommended}}With the "{{.Name}}" safeguards in place ({{len .Members}} of them) the mean annual loss is {{money3 .AnnualLoss.Mean}} and the 99th percentile {{money .AnnualLoss.P99}}.{{end}}</p>
{{with .S.Tolerance}}<h3>Against the risk tolerance</h3>
<p class="note">Tolerance: {{tolpoints .}}. Max excess is the largest gap between the chance of exceeding a loss and the tolerance at that loss, over the tolerance's range.</p>
<table>
<tr><th class="l"></th><th class="l">verdict</th><th>max excess</th><th>at a loss of</th></tr>
<tr><td class="l">no safeguards</td><td class="l">{{tolerance .Baseline}}</td><td>{{pct .Baseline.MaxExcess}}</td><td>{{money .Baseline.AtLoss}}</td></tr>
{{range .Portfolios}}<tr><td class="l" title="{{.ID}}">with {{portfolio .ID}}</td><td class="l">{{tolerance .ToleranceCheck}}</td><td>{{pct .MaxExcess}}</td><td>{{money .AtLoss}}</td></tr>
{{end}}</table>{{end}}
{{if .S.Warnings}}<div class="warn"><b>Warnings</b><ul>{{range .S.Warnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}

<h2>Charts</h2>
{{range .Charts}}<figure>
<figcaption>{{.Title}}</figcaption>
{{.SVG}}
<p class="note">{{.Note}}</p>
</figure>
{{end}}

{{if .Safeguards}}<h2>Safeguards</h2>
<p class="note">Ranked by mean savings over the horizon, computed on the same simulated years for every safeguard (common random numbers), so differences between them are sharp. P(pays) is the probability that savings are positive. The cost to savings ratio is cost / savings; "never" where the safeguard does not pay back. A rank marked "not settled" cannot be told apart from the next one by this run.</p>
<table>
<tr><th>rank</th><th class="l">safeguard</th><th class="l">findings</th><th>{{$.PointLabel}} savings</th><th>{{$.PointLabel}} ratio</th><th>mean savings</th><th>95% CI</th><th>P5 to P95</th><th>P(pays)</th><th>ratio P5 to P95</th><th class="l">vs next</th></tr>
{{range .Safeguards}}<tr><td>{{.Rank}}</td><td class="l">{{name .Title .ID}}{{if .Alternative}} (alternative){{end}}{{if eq .Kind "insurance"}} (insurance){{end}}<br><small class="id">{{.ID}}</small></td><td class="l"><small>{{range $i, $f := .Findings}}{{if $i}}, {{end}}{{$f}}{{end}}</small></td><td>{{money .PointSavings}}</td><td>{{ratio .PointRatio}}</td><td>{{money3 .Savings.Mean}}</td><td>{{range3 (index .Savings.CI95 0) (index .Savings.CI95 1)}}</td><td>{{range2 .Savings.P05 .Savings.P95}}</td><td>{{pct .PPositive}}</td><td>{{ratios .Ratio.P05 .Ratio.P95}}</td><td class="l">{{with .VsNext}}{{if not .Settled}}<span class="unsettled">not settled vs {{.Next}}</span>{{end}}{{end}}</td></tr>
{{end}}</table>{{end}}

{{if .Portfolios}}<h2>Portfolios</h2>
<table>
<tr><th>rank</th><th class="l">portfolio</th><th>safeguards</th><th>{{$.PointLabel}} savings</th><th>mean savings</th><th>95% CI</th><th>P5 to P95</th><th>P(pays)</th></tr>
{{range .Portfolios}}<tr><td>{{.Rank}}</td><td class="l">{{name .Title .ID}}<br><small class="id">{{.ID}}</small></td><td>{{len .Members}}</td><td>{{money .PointSavings}}</td><td>{{money3 .Savings.Mean}}</td><td>{{range3 (index .Savings.CI95 0) (index .Savings.CI95 1)}}</td><td>{{range2 .Savings.P05 .Savings.P95}}</td><td>{{pct .PPositive}}</td></tr>
{{end}}</table>{{end}}

{{with .S.Budget}}<h2>Best set within a budget of {{money .Amount}}</h2>
<p class="note">The set of safeguards with the highest expected savings whose expected cost fits the budget ({{.Method}} search over {{.Candidates}} candidates), with the runners-up. The search sees only the {{.ChoiceBlocks}} blocks of simulated years; "on years unseen" is each set's mean savings on the {{.HeldOutBlocks}} blocks, which the choice never saw, and the optimizer's curse is its mean savings on the {{.ChoiceBlocks}} blocks less that: how much the choice flattered it.</p>
<table>
<tr><th class="l"></th><th>expected cost</th><th>mean savings</th><th>95% CI</th><th>P5 to P95</th><th>P(pays)</th><th>on years unseen</th><th>optimizer's curse</th><th class="l">safeguards</th></tr>
{{range $k, $r := prepend .Best .RunnersUp}}<tr><td class="l">{{if $k}}runner-up {{$k}}{{else}}best{{end}}</td><td>{{money $r.ExpectedCost}}</td><td>{{money3 $r.Savings.Mean}}</td><td>{{range3 (index $r.Savings.CI95 0) (index $r.Savings.CI95 1)}}</td><td>{{range2 $r.Savings.P05 $r.Savings.P95}}</td><td>{{pct $r.PPositive}}</td><td>{{with $r.HeldOut}}{{money3 .Mean}}{{else}}n/a{{end}}</td><td>{{with $r.OptimizersCurse}}{{money .Mean}} <small>{{range2 (index .CI95 0) (index .CI95 1)}}</small>{{else}}n/a{{end}}</td><td class="l">{{range $i, $m := sgnames $r.Members}}{{if $i}}<br>{{end}}{{$m}}{{else}}(no safeguard){{end}}</td></tr>
{{end}}</table>{{end}}

<h2>Findings</h2>
<p class="note">ALE(theta) is the expected annual loss given one draw of the uncertain inputs; its P5 to P95 shows how sure we are of the expectation. The annual loss is what simulated years cost, events and all.</p>
<table>
<tr><th class="l">finding</th><th class="l">site</th><th class="l">class</th><th>{{.PointLabel}} ALE</th><th>ALE mean</th><th>ALE P5 to P95</th><th>loss P95</th><th>loss P99</th><th class="l">ALE computed</th></tr>
{{range .S.Findings}}<tr><td class="l">{{name .Title .ID}}<br><small class="id">{{.ID}}</small></td><td class="l">{{site .Site}}</td><td class="l">{{class .Class}}</td><td>{{money .PointALE}}</td><td>{{money3 .ALE.Mean}}</td><td>{{range2 .ALE.P05 .ALE.P95}}</td><td>{{money .AnnualLoss.P95}}</td><td>{{money .AnnualLoss.P99}}</td><td class="l">{{method .ALEMethod}}</td></tr>
{{end}}</table>

<h2>By site and by threat class</h2>
<table>
<tr><th class="l">site</th><th>{{.PointLabel}} ALE</th><th>ALE mean</th><th>ALE P5 to P95</th><th>loss P95</th><th>loss P99</th></tr>
{{range .S.Sites}}<tr><td class="l">{{name .Name .ID}}</td><td>{{money .PointALE}}</td><td>{{money3 .ALE.Mean}}</td><td>{{range2 .ALE.P05 .ALE.P95}}</td><td>{{money .AnnualLoss.P95}}</td><td>{{money .AnnualLoss.P99}}</td></tr>
{{end}}</table>
<table>
<tr><th class="l">threat class</th><th>{{.PointLabel}} ALE</th><th>ALE mean</th><th>ALE P5 to P95</th><th>loss P95</th><th>loss P99</th></tr>
{{range .S.Classes}}<tr><td class="l">{{name .Name .ID}}</td><td>{{money .PointALE}}</td><td>{{money3 .ALE.Mean}}</td><td>{{range2 .ALE.P05 .ALE.P95}}</td><td>{{money .AnnualLoss.P95}}</td><td>{{money .AnnualLoss.P99}}</td></tr>
{{end}}</table>

<h2>Provenance</h2>
<table class="prov">
<tr><td>scenario</td><td>{{.S.Scenario.Name}}</td></tr>
<tr><td>scenario SHA-256</td><td><code>{{.S.Scenario.SHA256}}</code></td></tr>
<tr><td>trials</td><td>{{int .S.Run.Trials}} (blocks of {{.S.Run.BlockSize}})</td></tr>
<tr><td>seed</td><td>{{.S.Run.Seed}}</td></tr>
<tr><td>alesim version</td><td>{{.S.Run.Version}}</td></tr>
<tr><td>quantiles</td><td>totals: {{.S.Run.TotalsQuantiles}}; others within {{pct .S.Run.SketchRelativeError}} (sketch)</td></tr>
<tr><td>workers, wall time</td><td>{{.S.Run.Workers}}, {{printf "%.1f" .S.Run.WallSeconds}} s</td></tr>
</table>
<p class="note">The same scenario file (same SHA-256), seed, trial count and version reproduce every figure here exactly, whatever the number of workers or shards.</p>
</body>
</html>
`)

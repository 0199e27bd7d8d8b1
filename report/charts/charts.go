// Package charts draws the charts planners present, from a run's summary alone (so a saved run can
// be re-drawn without re-simulating): the annual loss distribution, the loss exceedance curve, the
// safeguard savings forest plot, ALE by site and by threat class, and point versus simulated ALE per
// finding. The file extension picks the format (.svg, .png, .pdf), as plot.Save does.
package charts

import (
	"fmt"
	"github.com/alesim/alesim/analysis"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/alesim/alesim/internal/human"
)

// Chart is one chart: its file stem, title and how to read it (used by the HTML report).
type Chart struct {
	Name  string // file stem, e.g. "exceedance"
	Title string
	Note  string // how to read it, in plain language
	Plot  *plot.Plot
	W, H  vg.Length
	// Tips maps a row's visible label to its tooltip in the SVG: the full name and the id.
	Tips map[string]string
}

// One palette for every chart, after Okabe and Ito's colour-blind-safe set, picked so the colours
// also differ in lightness (they stay apart printed in greyscale); where two series could still be
// confused they differ in dashes or glyph shape too.
var (
	blue   = color.RGBA{R: 0, G: 90, B: 160, A: 255}    // dark: the baseline, intervals
	orange = color.RGBA{R: 230, G: 159, B: 0, A: 255}   // light: with safeguards, P95
	grey   = color.RGBA{R: 110, G: 110, B: 110, A: 255} // reference lines
	red    = color.RGBA{R: 190, G: 60, B: 0, A: 255}    // mid: the point figures, P99
	green  = color.RGBA{R: 0, G: 130, B: 100, A: 255}   // mid-dark: the mean
	black  = color.RGBA{A: 255}                         // the tolerance
)

// currencyTicks labels an axis's ticks as money ($1.2M), on top of a base ticker.
type currencyTicks struct {
	base     plot.Ticker
	currency string
	log10    bool // the axis holds log10 of the amount
}

func (c currencyTicks) Ticks(min, max float64) []plot.Tick {
	ticks := c.base.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label == "" {
			continue
		}
		v := ticks[i].Value
		if c.log10 {
			v = math.Pow(10, v)
		}
		ticks[i].Label = human.Currency(v, c.currency)
	}
	return ticks
}

// decadeTicks puts a labelled tick at each power of ten of a log10 axis.
type decadeTicks struct{}

func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	var t []plot.Tick
	few := max-min <= 2.5 // label 2 and 5 too when the axis spans few decades
	for d := math.Floor(min); d <= math.Ceil(max); d++ {
		if d >= min-1e-9 && d <= max+1e-9 {
			t = append(t, plot.Tick{Value: d, Label: "x"})
		}
		for k := 2.0; k < 10; k++ {
			v := d + math.Log10(k)
			if v > min && v < max {
				tk := plot.Tick{Value: v}
				if few && (k == 2 || k == 5) {
					tk.Label = "x"
				}
				t = append(t, tk)
			}
		}
	}
	if len(t) == 0 {
		t = append(t, plot.Tick{Value: min, Label: "x"})
	}
	return t
}

// logMoneyTicks labels a log-scaled axis with money at powers of ten.
type logMoneyTicks struct{ currency string }

func (l logMoneyTicks) Ticks(min, max float64) []plot.Tick {
	var t []plot.Tick
	if !(min > 0) {
		min = 1
	}
	few := math.Log10(max/min) <= 2.5 // label 2 and 5 too when the axis spans few decades
	for d := math.Floor(math.Log10(min)); d <= math.Ceil(math.Log10(max)); d++ {
		v := math.Pow(10, d)
		if v >= min*(1-1e-9) && v <= max*(1+1e-9) {
			t = append(t, plot.Tick{Value: v, Label: human.Currency(v, l.currency)})
		}
		for k := 2.0; k < 10; k++ {
			if x := k * v; x > min && x < max {
				tk := plot.Tick{Value: x}
				if few && (k == 2 || k == 5) {
					tk.Label = human.Currency(x, l.currency)
				}
				t = append(t, tk)
			}
		}
	}
	if len(t) == 0 {
		t = []plot.Tick{{Value: min, Label: human.Currency(min, l.currency)}}
	}
	return t
}

func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p, _ := newPlotGrid(title, xlabel, ylabel)
	return p
}

// newPlotGrid is newPlot, also handing back its grid so a chart can stop its lines short of text.
func newPlotGrid(title, xlabel, ylabel string) (*plot.Plot, *grid) {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	g := newGrid()
	p.Add(g)
	return p, g
}

func vline(x, y0, y1 float64, c color.Color, dashed bool) *plotter.Line {
	l, _ := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	l.Color = c
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return l
}

// All returns every chart the summary supports, in report order.
func All(s *analysis.Summary) []Chart {
	var out []Chart
	add := func(c Chart, ok bool) {
		if ok {
			out = append(out, c)
		}
	}
	add(AnnualLoss(s))
	add(Exceedance(s))
	add(Safeguards(s))
	add(Portfolios(s))
	add(Breakdown(s, "sites"))
	add(Breakdown(s, "classes"))
	add(PointVsSimulated(s))
	add(TornadoNamed(s.Sensitivity, inputNamer(s)))
	add(VOINamed(s.VOI, inputNamer(s)))
	return out
}

// AnnualLoss is the histogram of simulated annual losses on a log loss axis, with the mean, P95 and
// P99 marked.
func AnnualLoss(s *analysis.Summary) (Chart, bool) {
	h := s.Histogram
	if len(h.Counts) == 0 {
		return Chart{}, false
	}
	cur := s.Scenario.Currency
	p, g := newPlotGrid("", "annual loss ("+cur+", log scale)", "share of years")
	var bins []plotter.HistogramBin
	total := float64(s.Run.Trials)
	maxShare := 0.0
	for i, c := range h.Counts {
		share := c / total
		maxShare = math.Max(maxShare, share)
		bins = append(bins, plotter.HistogramBin{Min: h.Log10Edges[i], Max: h.Log10Edges[i+1], Weight: share})
	}
	hist := &plotter.Histogram{Bins: bins, Width: bins[0].Max - bins[0].Min, FillColor: color.RGBA{R: 160, G: 190, B: 220, A: 255}}
	hist.LineStyle.Width = vg.Points(0.5)
	hist.LineStyle.Color = blue
	p.Add(hist)
	top := maxShare * 1.4 // headroom above the bars for the legend
	// The marker lines and the grid stop below the legend's band, so they never cross its text.
	band := maxShare * 1.08
	g.vTo = band
	marks := []struct {
		name  string
		v     float64
		color color.Color
	}{{"mean", s.AnnualLoss.Mean, green}, {"P95", s.AnnualLoss.P95, orange}, {"P99", s.AnnualLoss.P99, red}}
	for _, m := range marks {
		if m.v > 0 {
			l := vline(math.Log10(m.v), 0, band, m.color, m.name != "mean")
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s %s", m.name, human.Currency(m.v, cur)), l)
		}
	}
	p.Y.Min, p.Y.Max = 0, top
	p.X.Tick.Marker = currencyTicks{base: decadeTicks{}, currency: cur, log10: true}
	p.Y.Tick.Marker = percentTicks{}
	p.Legend.Top = true
	note := fmt.Sprintf("Each bar is the share of the %s simulated years whose loss fell in that range; the horizontal axis is logarithmic because losses span decades.", human.Int(s.Run.Trials))
	if h.ZeroYears > 0 {
		note += fmt.Sprintf(" %s of years had no loss at all and are not drawn.", human.Percent(h.ZeroYears/total))
	}
	note += " The mean is what a year costs on average; P95 and P99 are the losses exceeded one year in 20 and one year in 100."
	return Chart{Name: "annual-loss", Title: "Annual loss distribution", Note: note, Plot: p, W: 8 * vg.Inch, H: 4.5 * vg.Inch}, true
}

type percentTicks struct{}

func (percentTicks) Ticks(min, max float64) []plot.Tick {
	t := plot.DefaultTicks{}.Ticks(min, max)
	for i := range t {
		if t[i].Label != "" {
			t[i].Label = human.Percent(t[i].Value) // "8%", not "8.0%" beside "0%"
		}
	}
	return t
}

// Exceedance is the loss exceedance curve, P(annual loss > x), baseline and with the recommended
// set of safeguards, on log-log axes.
func Exceedance(s *analysis.Summary) (Chart, bool) {
	cur := s.Scenario.Currency
	pts := func(e []analysis.ExceedancePoint) plotter.XYs {
		var xy plotter.XYs
		for _, pt := range e {
			if pt.Loss > 0 && pt.Probability > 0 {
				xy = append(xy, plotter.XY{X: pt.Loss, Y: pt.Probability})
			}
		}
		return xy
	}
	// Where fewer than about 10 trials lie beyond a loss, its exceedance probability is noise: the
	// curve stops there.
	floor := 10 / float64(s.Run.Trials)
	pts0 := pts
	pts = func(e []analysis.ExceedancePoint) plotter.XYs {
		var xy plotter.XYs
		for _, q := range pts0(e) {
			if q.Y >= floor {
				xy = append(xy, q)
			}
		}
		return xy
	}
	base := pts(s.Exceedance)
	if len(base) < 2 {
		return Chart{}, false
	}
	p := newPlot("", "annual loss x ("+cur+", log scale)", "P(year's loss > x), log scale")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	l, _ := plotter.NewLine(base)
	l.Color, l.Width = blue, vg.Points(2)
	p.Add(l)
	p.Legend.Add("no safeguards", l)
	note := "Read across from a loss to the chance that one year costs more than it: the curve starting higher or lying further right means more risk."
	if r := s.Recommended; r != nil {
		with := pts(r.Exceedance)
		if len(with) >= 2 {
			lw, _ := plotter.NewLine(with)
			lw.Color, lw.Width = orange, vg.Points(2)
			lw.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(lw)
			p.Legend.Add("with "+r.Name+" ("+fmt.Sprint(len(r.Members))+" safeguards)", lw)
		}
		note += fmt.Sprintf(" The dashed curve is the same simulated years with the %q safeguards in place (the same events, thinned by each safeguard's effect), so the gap between the curves is the risk they remove.", r.Name)
	}
	if occ := pts(s.Occurrence.Exceedance); len(occ) >= 2 {
		lo, _ := plotter.NewLine(occ)
		lo.Color, lo.Width = green, vg.Points(1.5)
		lo.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(lo)
		p.Legend.Add("largest single event (no safeguards)", lo)
		note += " The dotted curve is the occurrence exceedance (OEP): the chance that the year's largest single event costs more than x, where the solid curve (AEP) counts the whole year. Where they meet, one event makes the bad year; where the solid curve lies well above, bad years are many events adding up."
		if occ[0].Y < 0.5 {
			// The summary evaluates the OEP at the annual curve's losses: where the largest event
			// is mostly smaller than the annual curve's start, the dotted curve starts low.
			note += fmt.Sprintf(" The occurrence curve is evaluated at the same losses as the annual one, from %s up, so it starts at %s: smaller single events are not drawn.", human.Currency(base[0].X, cur), human.Percent(occ[0].Y))
		}
	}
	if t := s.Tolerance; t != nil && len(t.Points) > 0 {
		var xy plotter.XYs
		if len(t.Points) == 1 { // an appetite: flat up to its loss
			x0 := base[0].X
			if x0 >= t.Points[0].Loss {
				x0 = t.Points[0].Loss / 10
			}
			xy = plotter.XYs{{X: x0, Y: t.Points[0].Probability}, {X: t.Points[0].Loss, Y: t.Points[0].Probability}}
		} else {
			for _, q := range t.Points {
				xy = append(xy, plotter.XY{X: q.Loss, Y: math.Max(q.Probability, floor)})
			}
		}
		tl, _ := plotter.NewLine(xy)
		tl.Color, tl.Width = black, vg.Points(2)
		tl.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(tl)
		gl, _ := plotter.NewScatter(xy)
		gl.GlyphStyle = draw.GlyphStyle{Color: black, Radius: vg.Points(3), Shape: draw.SquareGlyph{}}
		p.Add(gl)
		p.Legend.Add("risk tolerance", tl, gl)
		note += " The dotted black line is the risk tolerance the scenario states: where a curve lies above it, that loss is more likely than the board accepts."
		for _, q := range xy {
			floor = math.Min(floor, q.Y)
		}
	}
	note += fmt.Sprintf(" The curves stop where fewer than 10 of the %s simulated years lie beyond, below which the probability is noise.", human.Int(s.Run.Trials))
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(floor)))
	p.Y.Max = 1
	p.X.Tick.Marker = logMoneyTicks{cur}
	p.Y.Tick.Marker = logProbTicks{}
	p.Legend.Top, p.Legend.Left = false, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(10), vg.Points(10)
	return Chart{Name: "exceedance", Title: "Loss exceedance curve", Note: note, Plot: p, W: 9 * vg.Inch, H: 5.5 * vg.Inch}, true
}

type logProbTicks struct{}

func (logProbTicks) Ticks(min, max float64) []plot.Tick {
	var t []plot.Tick
	for d := math.Ceil(math.Log10(min)); d <= 0; d++ {
		v := math.Pow(10, d)
		label := human.Percent(v)
		if v < 0.01 {
			label = fmt.Sprintf("1 in %s", human.Int(int64(math.Round(1/v))))
		}
		t = append(t, plot.Tick{Value: v, Label: label})
	}
	return t
}

// intervalPlot draws one row per item, dot and whisker: a line from lo to hi, a dot at the mean and
// a cross at the point figure; rows are listed top to bottom. An empty band above the first row
// holds the legend, so it never covers data.
type row struct {
	name         string
	id, full     string // for the row's tooltip: its id and untrimmed name
	lo, mean, hi float64
	point        float64
	hasPoint     bool
}

func intervalPlot(p *plot.Plot, g *grid, rows []row, logX bool, pointLabel string) {
	n := len(rows)
	names := make([]string, n)
	var means, points plotter.XYs
	for i, r := range rows {
		y := float64(n - 1 - i)
		names[n-1-i] = r.name
		lo, hi := r.lo, r.hi
		if logX {
			if hi <= 0 {
				continue
			}
			lo = math.Max(lo, hi*1e-6)
		}
		l, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: y}, {X: hi, Y: y}})
		l.Color, l.Width = blue, vg.Points(1.5)
		p.Add(l)
		for _, end := range []float64{lo, hi} { // whisker caps
			c, _ := plotter.NewLine(plotter.XYs{{X: end, Y: y - 0.18}, {X: end, Y: y + 0.18}})
			c.Color, c.Width = blue, vg.Points(1.5)
			p.Add(c)
		}
		if !logX || r.mean > 0 {
			means = append(means, plotter.XY{X: r.mean, Y: y})
		}
		if r.hasPoint && (!logX || r.point > 0) {
			points = append(points, plotter.XY{X: r.point, Y: y})
		}
	}
	if len(means) > 0 {
		sc, _ := plotter.NewScatter(means)
		sc.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		p.Legend.Add("simulated mean (line: P5 to P95)", sc)
	}
	if len(points) > 0 {
		sc, _ := plotter.NewScatter(points)
		sc.GlyphStyle = draw.GlyphStyle{Color: red, Radius: vg.Points(4.5), Shape: boldCross{}}
		p.Add(sc)
		p.Legend.Add(pointLabel+" figure", sc)
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.7, float64(n)+0.5
	g.vTo = float64(n) - 0.4 // the legend's band above the first row stays clear
	p.Legend.Top, p.Legend.Left = true, false
	p.Legend.YOffs = vg.Points(-2)
}

// rowTips gives each row label its tooltip: the full name and the id.
func rowTips(c *Chart, rows []row) {
	for _, r := range rows {
		c.tip(r.name, r.id, r.full)
	}
}

// pointLabelOf is the summary's name for the point figures.
func pointLabelOf(s *analysis.Summary) string {
	if s.Scenario.PointLabel != "" {
		return s.Scenario.PointLabel
	}
	return "point estimate"
}

// Safeguards is the savings chart: one row per safeguard, sorted by mean savings, a bar from zero
// to the mean on a linear axis with the P5-P95 whisker and the point figure, and P(pays) in a
// column of its own at the right. The portfolios have a chart of their own (Portfolios): a
// portfolio saves about the sum of its members, and on one axis with them it left every single
// safeguard's bar a sliver.
func Safeguards(s *analysis.Summary) (Chart, bool) {
	return savings(s, s.Safeguards, "Safeguard", "safeguards", "safeguard")
}

// Portfolios is the savings chart of the named portfolios, drawn as Safeguards is.
func Portfolios(s *analysis.Summary) (Chart, bool) {
	return savings(s, s.Portfolios, "Portfolio", "portfolio-savings", "portfolio")
}

func savings(s *analysis.Summary, rows []analysis.SafeguardStats, what, file, one string) (Chart, bool) {
	items := append([]analysis.SafeguardStats(nil), rows...)
	if len(items) == 0 {
		return Chart{}, false
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Savings.Mean > items[j].Savings.Mean })
	cur := s.Scenario.Currency
	label := pointLabelOf(s)
	n := len(items)
	lo, hi := 0.0, 0.0
	for _, it := range items {
		lo = math.Min(lo, math.Min(it.Savings.P05, it.PointSavings))
		hi = math.Max(hi, math.Max(it.Savings.P95, it.PointSavings))
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	span := hi - lo
	colX := hi + 0.08*span // the P(pays) column
	p, g := newPlotGrid(fmt.Sprintf("%s savings over %d years", what, s.Scenario.HorizonYears), "savings ("+cur+", present value over the horizon)", "")
	names := make([]string, n)
	var tips [][3]string // label, id, full name
	var means, points plotter.XYs
	var pays []string
	var paysXY plotter.XYs
	for i, it := range items {
		y := float64(n - 1 - i)
		name := nameOr(it.Title, it.ID)
		names[n-1-i] = human.Short(name, 44)
		tips = append(tips, [3]string{names[n-1-i], it.ID, name})
		bar, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: y}, {X: it.Savings.Mean, Y: y}})
		bar.Color, bar.Width = color.RGBA{R: 170, G: 200, B: 230, A: 255}, vg.Points(9)
		if it.Savings.Mean < 0 {
			bar.Color = color.RGBA{R: 240, G: 200, B: 170, A: 255}
		}
		p.Add(bar)
		wl, _ := plotter.NewLine(plotter.XYs{{X: it.Savings.P05, Y: y}, {X: it.Savings.P95, Y: y}})
		wl.Color, wl.Width = blue, vg.Points(1.3)
		p.Add(wl)
		for _, end := range []float64{it.Savings.P05, it.Savings.P95} {
			c, _ := plotter.NewLine(plotter.XYs{{X: end, Y: y - 0.2}, {X: end, Y: y + 0.2}})
			c.Color, c.Width = blue, vg.Points(1.3)
			p.Add(c)
		}
		means = append(means, plotter.XY{X: it.Savings.Mean, Y: y})
		points = append(points, plotter.XY{X: it.PointSavings, Y: y})
		paysXY = append(paysXY, plotter.XY{X: colX, Y: y})
		pays = append(pays, human.Percent(it.PPositive))
	}
	sc, _ := plotter.NewScatter(means)
	sc.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	p.Add(sc)
	p.Legend.Add("mean savings (bar), P5 to P95 (line)", sc)
	pt, _ := plotter.NewScatter(points)
	pt.GlyphStyle = draw.GlyphStyle{Color: red, Radius: vg.Points(4.5), Shape: boldCross{}}
	p.Add(pt)
	p.Legend.Add(label+" figure", pt)
	paysXY = append(paysXY, plotter.XY{X: colX, Y: float64(n) - 0.2})
	pays = append(pays, "P(pays)")
	lb, _ := plotter.NewLabels(plotter.XYLabels{XYs: paysXY, Labels: pays})
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Size = vg.Points(9)
		lb.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(lb)
	p.Add(vline(0, -0.7, float64(n)-0.3, grey, true))
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.7, float64(n)+1.2
	p.X.Min, p.X.Max = lo-0.03*span, hi+0.2*span
	p.X.Tick.Marker = linearMoneyTicks{cur: cur, max: hi}
	g.vTo = float64(n) - 0.4 // the legend's band above the first row stays clear
	g.hTo = colX - 0.02*span // row lines stop short of the P(pays) column
	p.Legend.Top, p.Legend.Left = true, false
	p.Legend.XOffs = vg.Points(-60)
	note := fmt.Sprintf("One row per %s, largest mean savings at the top, on an ordinary (linear) money axis. The bar is the mean savings over %d years in present value; the line with end caps runs from the 5th to the 95th percentile across simulated years; the cross is the %s figure. Rows left of the dashed zero line cost more than they save on average. The right-hand column, P(pays), is the probability that the %s saves more than it costs.", one, s.Scenario.HorizonYears, label, one)
	c := Chart{Name: file, Title: what + " savings", Note: note, Plot: p, W: 10 * vg.Inch, H: vg.Length(1.6+0.3*float64(n)) * vg.Inch}
	for _, t := range tips {
		c.tip(t[0], t[1], t[2])
	}
	return c, true
}

// linearMoneyTicks labels a linear money axis with round amounts, none beyond max (the P(pays)
// column's space).
type linearMoneyTicks struct {
	cur string
	max float64
}

func (l linearMoneyTicks) Ticks(min, max float64) []plot.Tick {
	// Round steps across the data's range only (plot.DefaultTicks labelled just $0 and a tick in
	// the column's space, dropped, on the reference scenario).
	return niceTicks(min, math.Min(max, l.max*1.02), func(v float64) string { return human.Currency(v, l.cur) })
}

func nameOr(name, id string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	return id
}

// Breakdown is the ALE by site ("sites") or by threat class ("classes"), dot and whisker on a log
// axis (no bars: a bar's length means nothing there): the simulated mean, the P5-P95 interval of
// ALE(theta) and the point figure.
func Breakdown(s *analysis.Summary, by string) (Chart, bool) {
	groups := s.Sites
	what := "site"
	if by == "classes" {
		groups, what = s.Classes, "threat class"
	}
	if len(groups) == 0 {
		return Chart{}, false
	}
	cur := s.Scenario.Currency
	gs := append([]analysis.GroupStats(nil), groups...)
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].ALE.Mean > gs[j].ALE.Mean })
	var rows []row
	hi := 0.0
	for _, g := range gs {
		rows = append(rows, row{name: human.Short(nameOr(g.Name, g.ID), 44), id: g.ID, full: nameOr(g.Name, g.ID), lo: g.ALE.P05, mean: g.ALE.Mean, hi: g.ALE.P95, point: g.PointALE, hasPoint: true})
		hi = math.Max(hi, math.Max(g.ALE.P95, g.PointALE))
	}
	p, g := newPlotGrid("Expected annual loss by "+what, "ALE ("+cur+" a year, log scale)", "")
	p.X.Scale = plot.LogScale{}
	lo := math.Inf(1)
	for _, r := range rows {
		for _, v := range []float64{r.lo, r.mean, r.point} {
			if v > 0 {
				lo = math.Min(lo, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return Chart{}, false
	}
	intervalPlot(p, g, rows, true, pointLabelOf(s))
	p.X.Min, p.X.Max = lo/1.5, hi*1.5
	p.X.Tick.Marker = logMoneyTicks{cur}
	note := fmt.Sprintf("The expected annual loss of each %s. The line spans the 5th to 95th percentile of ALE across draws of the uncertain inputs (how sure we are of the expectation, not how much a single year varies); the dot is the simulated mean and the cross the %s figure. The axis is logarithmic: each labelled step is ten times the last.", what, pointLabelOf(s))
	name := "ale-by-site"
	if by == "classes" {
		name = "ale-by-class"
	}
	c := Chart{Name: name, Title: "ALE by " + what, Note: note, Plot: p, W: 9 * vg.Inch, H: vg.Length(1.7+0.32*float64(len(rows))) * vg.Inch}
	rowTips(&c, rows)
	return c, true
}

// PointVsSimulated compares, per finding, the report's point ALE with the simulated mean and
// interval, so the effect of replacing points by distributions is visible at a glance.
func PointVsSimulated(s *analysis.Summary) (Chart, bool) {
	if len(s.Findings) == 0 {
		return Chart{}, false
	}
	cur := s.Scenario.Currency
	fs := append([]analysis.FindingStats(nil), s.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].ALE.Mean > fs[j].ALE.Mean })
	var rows []row
	lo, hi := math.Inf(1), 0.0
	var dropped []string
	for _, f := range fs {
		if f.ALE.Mean <= 0 && f.PointALE <= 0 {
			dropped = append(dropped, f.ID)
			continue
		}
		rows = append(rows, row{name: human.Short(nameOr(f.Title, f.ID), 48), id: f.ID, full: nameOr(f.Title, f.ID), lo: f.ALE.P05, mean: f.ALE.Mean, hi: f.ALE.P95, point: f.PointALE, hasPoint: true})
		for _, v := range []float64{f.ALE.P05, f.ALE.Mean, f.PointALE, f.ALE.P95} {
			if v > 0 {
				lo = math.Min(lo, v)
				hi = math.Max(hi, v)
			}
		}
	}
	if len(rows) == 0 {
		return Chart{}, false
	}
	label := pointLabelOf(s)
	p, g := newPlotGrid("ALE by finding: "+label+" versus simulated", "ALE ("+cur+" a year, log scale)", "")
	p.X.Scale = plot.LogScale{}
	intervalPlot(p, g, rows, true, label)
	p.X.Min, p.X.Max = lo/1.5, hi*1.5
	p.X.Tick.Marker = logMoneyTicks{cur}
	note := "For each finding, the cross is the " + label + " figure (loss x annual frequency at the single picked values); the dot and line are the simulated mean and 5th-95th percentile once each judgment is replaced by its stated range. Crosses far from the dots are where the single figure misleads: picks at the low end of a wide range understate the expected loss, and losses capped by what an asset is worth fall below a worst case counted every year."
	if len(dropped) > 0 {
		note += " Not drawn (zero ALE): " + strings.Join(dropped, ", ") + "."
	}
	c := Chart{Name: "point-vs-simulated", Title: "Point versus simulated ALE", Note: note, Plot: p, W: 9 * vg.Inch, H: vg.Length(1.7+0.26*float64(len(rows))) * vg.Inch}
	rowTips(&c, rows)
	return c, true
}

// PNGDPI is the resolution of PNG charts: twice the screen's 96, so an 8-9 inch chart is 1700 px
// or more wide, sharp on slides.
const PNGDPI = 216

// Save writes a chart to path; the extension (.svg, .png, .pdf) picks the format. PNGs are drawn at
// PNGDPI.
func (c Chart) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := c.Write(f, filepath.Ext(path)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write encodes the chart as ext says (".png" at PNGDPI, ".svg" with its row labels' tooltips,
// else as the plotting library writes that format): the one encoding every chart file gets, from
// a run or redrawn by alesim plot.
func (c Chart) Write(w io.Writer, ext string) error {
	switch strings.ToLower(ext) {
	case ".png":
		cv := vgimg.NewWith(vgimg.UseWH(c.W, c.H), vgimg.UseDPI(PNGDPI))
		c.Plot.Draw(draw.New(cv))
		_, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(w)
		return err
	case ".svg":
		b, err := c.SVG()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	wt, err := c.Plot.WriterTo(c.W, c.H, strings.TrimPrefix(strings.ToLower(ext), "."))
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// Tornado is the sensitivity chart: for the inputs that move the target most, a bar from the
// target's mean with the input held at its 5th percentile to its mean with the input at its 95th,
// around the mean with every input free.
func Tornado(r *analysis.SensitivityResult) (Chart, bool) {
	return TornadoNamed(r, nil)
}

// TornadoNamed is Tornado with each input's name for people from name (nil: the input's id).
// Inputs that move the target not at all are left out, so no row is empty.
func TornadoNamed(r *analysis.SensitivityResult, name func(string) string) (Chart, bool) {
	if r == nil {
		return Chart{}, false
	}
	if name == nil {
		name = func(id string) string { return id }
	}
	var ins []analysis.SensitivityInput
	for _, in := range r.Inputs {
		if in.MeanAtP05 != r.Mean || in.MeanAtP95 != r.Mean {
			if math.Abs(in.Swing) > 1e-9*math.Max(1, math.Abs(r.Mean)) {
				ins = append(ins, in)
			}
		}
	}
	if len(ins) == 0 {
		return Chart{}, false
	}
	if len(ins) > 15 {
		ins = ins[:15]
	}
	cur := r.Currency
	target, short := targetNames(r.Target, name)
	p, g := newPlotGrid("What decides "+target+": tornado", short+" ("+cur+"), mean with one input at its P5 or P95", "")
	n := len(ins)
	names := make([]string, n)
	var tips [][3]string // label, id, full name
	lo, hi := r.Mean, r.Mean
	for i, in := range ins {
		y := float64(n - 1 - i)
		names[n-1-i] = fmt.Sprintf("%s  (rank corr. %s)", human.Short(name(in.Name), 48), human.Sig(in.RankCorrelation, 2))
		tips = append(tips, [3]string{names[n-1-i], in.Name, name(in.Name)})
		for _, seg := range []struct {
			to float64
			c  color.Color
		}{{in.MeanAtP05, blue}, {in.MeanAtP95, orange}} {
			l, _ := plotter.NewLine(plotter.XYs{{X: r.Mean, Y: y}, {X: seg.to, Y: y}})
			l.Color, l.Width = seg.c, vg.Points(10)
			p.Add(l)
			lo, hi = math.Min(lo, seg.to), math.Max(hi, seg.to)
		}
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.7, float64(n)+0.6
	g.vTo = float64(n) - 0.4 // the legend's band above the first row stays clear
	p.Add(vline(r.Mean, -0.7, float64(n)-0.3, grey, true))
	lb, _ := plotter.NewLine(plotter.XYs{{X: r.Mean, Y: -10}, {X: r.Mean, Y: -10}})
	lb.Color, lb.Width = blue, vg.Points(8)
	lo2, _ := plotter.NewLine(plotter.XYs{{X: r.Mean, Y: -10}, {X: r.Mean, Y: -10}})
	lo2.Color, lo2.Width = orange, vg.Points(8)
	p.Legend.Add("input at its P5", lb)
	p.Legend.Add("input at its P95", lo2)
	p.Legend.Top, p.Legend.Left = true, false
	pad := (hi - lo) * 0.05
	if pad == 0 {
		pad = math.Max(1, math.Abs(r.Mean)*0.05)
	}
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.X.Tick.Marker = currencyTicks{base: plot.DefaultTicks{}, currency: cur}
	note := fmt.Sprintf("Each bar shows how the mean of %s moves when one judgment is held at the low (P5, blue) or high (P95, orange) end of its range, every other draw unchanged, around the mean with all inputs free (dashed line; %s trials). Longest bars first: those are the judgments worth measuring better. The rank correlation says how much of the spread across trials moves with that input.", target, human.Int(r.Trials))
	c := Chart{Name: "tornado", Title: "Sensitivity (tornado)", Note: note, Plot: p, W: 10 * vg.Inch, H: vg.Length(1.7+0.34*float64(n)) * vg.Inch}
	for _, t := range tips {
		c.tip(t[0], t[1], t[2])
	}
	return c, true
}

// targetNames are a sensitivity target's names for people, in a sentence and on an axis: "ale" is
// "the expected annual loss" and "ALE", "savings:C1" "the savings of <C1's title>" and "savings".
func targetNames(target string, name func(string) string) (string, string) {
	if target == "ale" {
		return "the expected annual loss", "ALE"
	}
	if id, ok := strings.CutPrefix(target, "savings:"); ok {
		return "the savings of " + name(id), "savings"
	}
	return target, target
}

// inputNamer names an uncertain input for people from the summary (analysis.InputLabel): "R01.afe"
// becomes the finding's title and "frequency", "S1.effect.R01" the safeguard's title and "effect
// on" the finding's.
func inputNamer(s *analysis.Summary) func(string) string {
	titles := map[string]string{}
	for _, f := range s.Findings {
		titles[f.ID] = nameOr(f.Title, f.ID)
	}
	for _, g := range s.Safeguards {
		titles[g.ID] = nameOr(g.Title, g.ID)
	}
	for _, g := range s.Portfolios {
		titles[g.ID] = nameOr(g.Title, g.ID)
	}
	for _, more := range []map[string]string{sensitivityTitles(s), voiTitles(s)} {
		for id, t := range more {
			if _, ok := titles[id]; !ok {
				titles[id] = t // hazards, which the summary does not list
			}
		}
	}
	return func(id string) string { return analysis.InputLabel(titles, id) }
}

func sensitivityTitles(s *analysis.Summary) map[string]string {
	if s.Sensitivity == nil {
		return nil
	}
	return s.Sensitivity.Titles
}

func voiTitles(s *analysis.Summary) map[string]string {
	if s.VOI == nil {
		return nil
	}
	return s.VOI.Titles
}

// VOI is the value-of-information chart: the inputs ranked by EVPPI, each a bar to its EVPPI with a
// whisker down to its cross-fitted lower estimate, beside the EVPI (dashed), with a reading.
func VOI(r *analysis.VOIResult) (Chart, bool) {
	return VOINamed(r, nil)
}

// VOINamed is VOI with each input's and option's name for people from name (nil: r.Titles, as
// analysis.InputLabel reads them).
func VOINamed(r *analysis.VOIResult, name func(string) string) (Chart, bool) {
	if r == nil || len(r.Inputs) == 0 || r.EVPI.Value <= 0 {
		return Chart{}, false
	}
	if name == nil {
		name = func(id string) string { return analysis.InputLabel(r.Titles, id) }
	}
	ins := r.Inputs
	if len(ins) > 15 {
		ins = ins[:15]
	}
	cur := r.Currency
	p := newPlot("What knowing each input before deciding is worth", "EVPPI ("+cur+" over the horizon)", "")
	n := len(ins)
	names := make([]string, n)
	var tips [][3]string // label, id, full name
	hi := r.EVPI.Value
	for i, in := range ins {
		y := float64(n - 1 - i)
		names[n-1-i] = human.Short(name(in.Name), 48)
		tips = append(tips, [3]string{names[n-1-i], in.Name, name(in.Name)})
		bar, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: y}, {X: in.EVPPI, Y: y}})
		bar.Color, bar.Width = blue, vg.Points(10)
		p.Add(bar)
		if lo := math.Max(in.Lower, 0); lo < in.EVPPI {
			wh, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: y}, {X: in.EVPPI, Y: y}})
			wh.Color, wh.Width = orange, vg.Points(2)
			p.Add(wh)
		}
		hi = math.Max(hi, in.EVPPI)
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.7, float64(n)-0.3
	p.Add(vline(r.EVPI.Value, -0.7, float64(n)-0.3, grey, true))
	p.X.Min, p.X.Max = 0, hi*1.05
	p.X.Tick.Marker = currencyTicks{base: plot.DefaultTicks{}, currency: cur}
	m := func(x float64) string { return human.Currency(x, cur) }
	top := ins[0]
	var opts []string
	for _, o := range r.Decision.Options {
		opts = append(opts, name(o))
	}
	note := fmt.Sprintf("On current estimates the best choice among %s is %s. Removing all uncertainty before deciding would be worth at most %s (EVPI, dashed line; %s trials). "+
		"Knowing %s exactly is worth up to %s before deciding, the most of any single input", strings.Join(opts, ", "), name(r.Decision.Best), m(r.EVPI.Value), human.Int(r.Trials), name(top.Name), m(top.EVPPI))
	if len(ins) > 1 {
		note += fmt.Sprintf("; then %s (%s)", name(ins[1].Name), m(ins[1].EVPPI))
	}
	note += ". A measurement that costs less than an input's bar is worth making before deciding; one that costs more is not, and an input with no bar cannot change the decision. " +
		"Each bar is biased upward by at most its stated bias bound, and the orange whisker reaches down to a cross-fitted estimate biased downward: the value lies between."
	c := Chart{Name: "voi", Title: "Value of information", Note: note, Plot: p, W: 9 * vg.Inch, H: vg.Length(1.3+0.32*float64(n)) * vg.Inch}
	for _, t := range tips {
		c.tip(t[0], t[1], t[2])
	}
	return c, true
}

package charts

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// grid is plotter.Grid whose lines may stop short, so that they never strike through text drawn
// in the plot area: vertical lines end at data height vTo (a row chart's legend band lies above
// its first row) and horizontal lines at data x hTo (the savings chart's P(pays) column).
type grid struct {
	plotter.Grid
	vTo, hTo float64 // +Inf: to the edge
}

func newGrid() *grid {
	return &grid{Grid: *plotter.NewGrid(), vTo: math.Inf(1), hTo: math.Inf(1)}
}

// Plot draws the grid as plotter.Grid does, the lines cut at vTo and hTo.
func (g *grid) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	ymax, xmax := c.Max.Y, c.Max.X
	if !math.IsInf(g.vTo, 1) {
		ymax = min(ymax, trY(g.vTo))
	}
	if !math.IsInf(g.hTo, 1) {
		xmax = min(xmax, trX(g.hTo))
	}
	for _, tk := range plt.X.Tick.Marker.Ticks(plt.X.Min, plt.X.Max) {
		if x := trX(tk.Value); !tk.IsMinor() && x >= c.Min.X && x <= c.Max.X {
			c.StrokeLine2(g.Vertical, x, c.Min.Y, x, ymax)
		}
	}
	for _, tk := range plt.Y.Tick.Marker.Ticks(plt.Y.Min, plt.Y.Max) {
		if y := trY(tk.Value); !tk.IsMinor() && y >= c.Min.Y && y <= c.Max.Y {
			c.StrokeLine2(g.Horizontal, c.Min.X, y, xmax, y)
		}
	}
}

// boldCross is the point figure's glyph: an x drawn 1.6 points thick (draw.CrossGlyph's half-point
// strokes vanish where the cross sits on the simulated mean's dot).
type boldCross struct{}

func (boldCross) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.6)})
	r := sty.Radius * 0.8
	var p vg.Path
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
	c.Stroke(p)
}

// niceTicks are major ticks at a round step (1, 2, 2.5 or 5 times a power of ten) giving about
// five between lo and hi, each labelled by label; none beyond hi.
func niceTicks(lo, hi float64, label func(float64) string) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: label(lo)}}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []plot.Tick
	for k := math.Ceil(lo / step); k*step <= hi*(1+1e-9); k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, plot.Tick{Value: v, Label: label(v)})
	}
	return out
}

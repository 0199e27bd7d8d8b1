package charts

import (
	"bytes"
	"html"
	"regexp"
	"strings"
)

// Tooltips: the charts' row labels are names, trimmed to fit; the SVG gives each a <title> child
// (a browser shows it on hover, a screen reader reads it) with the full name and the internal id,
// so a reader can match a row to the JSON, CSV and the scenario file.

// tip records the tooltip of a visible row label.
func (c *Chart) tip(label, id, full string) {
	if c.Tips == nil {
		c.Tips = map[string]string{}
	}
	if _, ok := c.Tips[label]; ok {
		return // two rows read the same: the first keeps it
	}
	text := "id " + id
	if full != "" && full != id {
		text = full + " (id " + id + ")"
	}
	c.Tips[label] = text
}

var svgText = regexp.MustCompile(`(?s)(<text[^>]*>)([^<]*)(</text>)`)

// SVG renders the chart to SVG, each row label that has a tooltip given a <title>.
func (c Chart) SVG() ([]byte, error) {
	wt, err := c.Plot.WriterTo(c.W, c.H, "svg")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, err
	}
	if len(c.Tips) == 0 {
		return b.Bytes(), nil
	}
	return svgText.ReplaceAllFunc(b.Bytes(), func(m []byte) []byte {
		g := svgText.FindSubmatch(m)
		label := strings.TrimSpace(html.UnescapeString(string(g[2])))
		t, ok := c.Tips[label]
		if !ok {
			return m
		}
		var out bytes.Buffer
		out.Write(g[1])
		out.WriteString("<title>" + html.EscapeString(t) + "</title>")
		out.Write(g[2])
		out.Write(g[3])
		return out.Bytes()
	}), nil
}

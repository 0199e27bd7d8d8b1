package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	_ "image/png" // excelize reads a picture's size

	"github.com/alesim/alesim/analysis"
	"github.com/xuri/excelize/v2"
)

// Image is a chart to place in results.xlsx: its name (the sheet's caption) and its PNG bytes.
type Image struct {
	Name string
	PNG  []byte
}

// currencyFormat is the Excel number format of an amount in the currency: $#,##0 for USD, €, £,
// else the code after the number.
func currencyFormat(cur string) string {
	switch cur {
	case "USD", "":
		return `"$"#,##0;-"$"#,##0`
	case "EUR":
		return `"€"#,##0;-"€"#,##0`
	case "GBP":
		return `"£"#,##0;-"£"#,##0`
	}
	q := strings.ReplaceAll(cur, `"`, "")
	return `#,##0" ` + q + `";-#,##0" ` + q + `"`
}

// xlsxCol is one column of a results sheet: its header, its number format and its value in a row.
type xlsxCol[T any] struct {
	head  string
	style int // 0 text or plain number, 1 money, 2 probability, 3 ratio
	val   func(T) any
}

type xlsxWriter struct {
	f      *excelize.File
	styles [4]int
	head   int
}

func ptr(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

func writeTable[T any](w *xlsxWriter, sheet string, cols []xlsxCol[T], rows []T) error {
	f := w.f
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = c.head
	}
	if err := f.SetSheetRow(sheet, "A1", &hdr); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", last+"1", w.head); err != nil {
		return err
	}
	for r, x := range rows {
		vals := make([]any, len(cols))
		for i, c := range cols {
			vals[i] = c.val(x)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		width := 14.0
		if c.head == "title" {
			width = 40
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return err
		}
		if c.style > 0 && len(rows) > 0 {
			if err := f.SetCellStyle(sheet, name+"2", fmt.Sprintf("%s%d", name, len(rows)+1), w.styles[c.style]); err != nil {
				return err
			}
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// kv is one row of the Summary or Provenance sheet.
type kv struct {
	key   string
	value any
	style int
}

// WriteXLSX writes results.xlsx: sheets Summary, Findings, Safeguards, Portfolios, Exceedance (the
// annual loss and the largest single event, AEP and OEP, at the same levels), Sensitivity (when run), Provenance and Charts (the charts as PNG images). Numbers are numbers, amounts carry
// the scenario's currency format, and each sheet's header row is frozen. A safeguard acting on
// several findings is one row, its cost and savings counted once.
func WriteXLSX(out io.Writer, s *analysis.Summary, charts []Image) error {
	f := excelize.NewFile()
	defer f.Close()
	w := &xlsxWriter{f: f}
	var err error
	if w.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}}); err != nil {
		return err
	}
	cf := currencyFormat(s.Scenario.Currency)
	for i, nf := range []string{"", cf, "0.000", "0.0000"} {
		if i == 0 {
			continue
		}
		if w.styles[i], err = f.NewStyle(&excelize.Style{CustomNumFmt: &nf}); err != nil {
			return err
		}
	}
	if err := f.SetSheetName("Sheet1", "Summary"); err != nil {
		return err
	}
	if err := w.keyValues("Summary", summaryRows(s)); err != nil {
		return err
	}
	money := func(g func(analysis.FindingStats) float64) func(analysis.FindingStats) any {
		return func(x analysis.FindingStats) any { return g(x) }
	}
	if err := writeTable(w, "Findings", []xlsxCol[analysis.FindingStats]{
		{"id", 0, func(x analysis.FindingStats) any { return x.ID }},
		{"title", 0, func(x analysis.FindingStats) any { return x.Title }},
		{"site", 0, func(x analysis.FindingStats) any { return x.Site }},
		{"class", 0, func(x analysis.FindingStats) any { return x.Class }},
		{"point ALE", 1, money(func(x analysis.FindingStats) float64 { return x.PointALE })},
		{"ALE mean", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.Mean })},
		{"ALE 95% CI low", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.CI95[0] })},
		{"ALE 95% CI high", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.CI95[1] })},
		{"ALE P05", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.P05 })},
		{"ALE P50", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.P50 })},
		{"ALE P95", 1, money(func(x analysis.FindingStats) float64 { return x.ALE.P95 })},
		{"annual loss mean", 1, money(func(x analysis.FindingStats) float64 { return x.AnnualLoss.Mean })},
		{"annual loss P95", 1, money(func(x analysis.FindingStats) float64 { return x.AnnualLoss.P95 })},
		{"annual loss P99", 1, money(func(x analysis.FindingStats) float64 { return x.AnnualLoss.P99 })},
		{"asset", 0, func(x analysis.FindingStats) any { return x.Asset }},
		{"ALE method", 0, func(x analysis.FindingStats) any { return x.ALEMethod }},
	}, s.Findings); err != nil {
		return err
	}
	sgCols := func(portfolio bool) []xlsxCol[analysis.SafeguardStats] {
		cols := []xlsxCol[analysis.SafeguardStats]{
			{"rank", 0, func(x analysis.SafeguardStats) any { return x.Rank }},
			{"id", 0, func(x analysis.SafeguardStats) any { return x.ID }},
			{"title", 0, func(x analysis.SafeguardStats) any { return x.Title }},
		}
		if portfolio {
			cols = append(cols, xlsxCol[analysis.SafeguardStats]{"members", 0, func(x analysis.SafeguardStats) any { return strings.Join(x.Members, ", ") }})
		}
		cols = append(cols, []xlsxCol[analysis.SafeguardStats]{
			{"findings", 0, func(x analysis.SafeguardStats) any { return strings.Join(x.Findings, ", ") }},
			{"alternative", 0, func(x analysis.SafeguardStats) any {
				if x.Alternative {
					return "yes"
				}
				return ""
			}},
			{"cost (one-time + A x annual)", 1, func(x analysis.SafeguardStats) any { return x.Cost.Mean }},
			{"reduction (A x ALE fall)", 1, func(x analysis.SafeguardStats) any { return x.Reduction.Mean }},
			{"savings mean", 1, func(x analysis.SafeguardStats) any { return x.Savings.Mean }},
			{"savings 95% CI low", 1, func(x analysis.SafeguardStats) any { return x.Savings.CI95[0] }},
			{"savings 95% CI high", 1, func(x analysis.SafeguardStats) any { return x.Savings.CI95[1] }},
			{"savings P05", 1, func(x analysis.SafeguardStats) any { return x.Savings.P05 }},
			{"savings P50", 1, func(x analysis.SafeguardStats) any { return x.Savings.P50 }},
			{"savings P95", 1, func(x analysis.SafeguardStats) any { return x.Savings.P95 }},
			{"P(pays)", 2, func(x analysis.SafeguardStats) any { return x.PPositive }},
			{"ratio mean", 3, func(x analysis.SafeguardStats) any { return ptr(x.Ratio.Mean) }},
			{"ratio P05", 3, func(x analysis.SafeguardStats) any { return ptr(x.Ratio.P05) }},
			{"ratio P95", 3, func(x analysis.SafeguardStats) any { return ptr(x.Ratio.P95) }},
			{"point cost", 1, func(x analysis.SafeguardStats) any { return x.PointCost }},
			{"point savings", 1, func(x analysis.SafeguardStats) any { return x.PointSavings }},
			{"point ratio", 3, func(x analysis.SafeguardStats) any { return ptr(x.PointRatio) }},
		}...)
		if !portfolio {
			cols = append(cols, xlsxCol[analysis.SafeguardStats]{"kind", 0, func(x analysis.SafeguardStats) any {
				if x.Kind == "" {
					return "control"
				}
				return x.Kind // insurance
			}})
		}
		return cols
	}
	if err := writeTable(w, "Safeguards", sgCols(false), s.Safeguards); err != nil {
		return err
	}
	if err := writeTable(w, "Portfolios", sgCols(true), s.Portfolios); err != nil {
		return err
	}
	if err := writeTable(w, "Exceedance", exceedanceCols(), exceedanceRows(s)); err != nil {
		return err
	}
	if sens := s.Sensitivity; sens != nil {
		if err := writeTable(w, "Sensitivity", []xlsxCol[analysis.SensitivityInput]{
			{"input", 0, func(x analysis.SensitivityInput) any { return x.Name }},
			{"rank correlation", 3, func(x analysis.SensitivityInput) any { return x.RankCorrelation }},
			{"target mean at input P05", 1, func(x analysis.SensitivityInput) any { return x.MeanAtP05 }},
			{"target mean at input P95", 1, func(x analysis.SensitivityInput) any { return x.MeanAtP95 }},
			{"swing", 1, func(x analysis.SensitivityInput) any { return x.Swing }},
			{"input P05", 0, func(x analysis.SensitivityInput) any { return x.P05 }},
			{"input P95", 0, func(x analysis.SensitivityInput) any { return x.P95 }},
		}, sens.Inputs); err != nil {
			return err
		}
	}
	if err := w.keyValues("Provenance", provenanceRows(s)); err != nil {
		return err
	}
	if len(charts) > 0 {
		if _, err := f.NewSheet("Charts"); err != nil {
			return err
		}
		row := 1
		for _, c := range charts {
			if err := f.SetCellValue("Charts", fmt.Sprintf("A%d", row), c.Name); err != nil {
				return err
			}
			if err := f.AddPictureFromBytes("Charts", fmt.Sprintf("A%d", row+1), &excelize.Picture{
				Extension: ".png", File: c.PNG, Format: &excelize.GraphicOptions{AltText: c.Name, ScaleX: 0.6, ScaleY: 0.6}}); err != nil {
				return fmt.Errorf("chart %s: %w", c.Name, err)
			}
			row += 28
		}
	}
	f.SetActiveSheet(0)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return err
	}
	_, err = out.Write(b.Bytes())
	return err
}

// exceedanceRow is one level of the Exceedance sheet: the annual loss curve (AEP) and the
// occurrence curve (OEP) at the same loss.
type exceedanceRow struct{ loss, aep, oep float64 }

func exceedanceRows(s *analysis.Summary) []exceedanceRow {
	rows := make([]exceedanceRow, len(s.Exceedance))
	for i, e := range s.Exceedance {
		rows[i] = exceedanceRow{loss: e.Loss, aep: e.Probability}
		// The occurrence curve is given at the annual curve's own levels.
		if i < len(s.Occurrence.Exceedance) && s.Occurrence.Exceedance[i].Loss == e.Loss {
			rows[i].oep = s.Occurrence.Exceedance[i].Probability
		}
	}
	return rows
}

func exceedanceCols() []xlsxCol[exceedanceRow] {
	return []xlsxCol[exceedanceRow]{
		{"loss", 1, func(x exceedanceRow) any { return x.loss }},
		{"P(annual loss > loss) (AEP)", 2, func(x exceedanceRow) any { return x.aep }},
		{"P(largest single event > loss) (OEP)", 2, func(x exceedanceRow) any { return x.oep }},
	}
}

func (w *xlsxWriter) keyValues(sheet string, rows []kv) error {
	f := w.f
	if sheet != "Summary" {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	if err := f.SetSheetRow(sheet, "A1", &[]any{"figure", "value"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "B1", w.head); err != nil {
		return err
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &[]any{r.key, r.value}); err != nil {
			return err
		}
		if r.style > 0 {
			c := fmt.Sprintf("B%d", i+2)
			if err := f.SetCellStyle(sheet, c, c, w.styles[r.style]); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 44); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 22); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func summaryRows(s *analysis.Summary) []kv {
	a, l := s.ALE, s.AnnualLoss
	rows := []kv{
		{"scenario", s.Scenario.Name, 0},
		{"currency", s.Scenario.Currency, 0},
		{"ALE point (1983 arithmetic)", a.Point, 1},
		{"ALE mean", a.Mean, 1},
		{"ALE mean, 95% CI low", a.CI95[0], 1},
		{"ALE mean, 95% CI high", a.CI95[1], 1},
		{"ALE P05", a.P05, 1},
		{"ALE P50", a.P50, 1},
		{"ALE P95", a.P95, 1},
		{"annual loss mean", l.Mean, 1},
		{"annual loss mean, 95% CI low", l.CI95[0], 1},
		{"annual loss mean, 95% CI high", l.CI95[1], 1},
		{"annual loss P50", l.P50, 1},
		{"annual loss P90", l.P90, 1},
		{"annual loss P95", l.P95, 1},
		{"annual loss P99", l.P99, 1},
		{"VaR 95%", l.VaR95, 1},
		{"TVaR 95%", l.TVaR95, 1},
		{"VaR 99%", l.VaR99, 1},
		{"TVaR 99%", l.TVaR99, 1},
		{"probability of a year without loss", l.PZero, 2},
	}
	o := s.Occurrence
	rows = append(rows,
		kv{"largest single event (OEP) mean", o.Mean, 1},
		kv{"largest single event (OEP) mean, 95% CI low", o.CI95[0], 1},
		kv{"largest single event (OEP) mean, 95% CI high", o.CI95[1], 1},
		kv{"largest single event (OEP) P50", o.P50, 1},
		kv{"largest single event (OEP) P90", o.P90, 1},
		kv{"largest single event (OEP) P95", o.P95, 1},
		kv{"largest single event (OEP) P99", o.P99, 1})
	if r := s.Recommended; r != nil {
		rows = append(rows, kv{"annual loss mean with " + r.Name, r.AnnualLoss.Mean, 1},
			kv{"annual loss P99 with " + r.Name, r.AnnualLoss.P99, 1})
	}
	return rows
}

func provenanceRows(s *analysis.Summary) []kv {
	r := s.Run
	rows := []kv{
		{"scenario", s.Scenario.Name, 0},
		{"scenario sha256", s.Scenario.SHA256, 0},
		{"currency", s.Scenario.Currency, 0},
		{"annuity factor A", s.Scenario.AnnuityFactor, 3},
		{"horizon (years)", s.Scenario.HorizonYears, 0},
		{"trials", r.Trials, 0},
		{"seed", r.Seed, 0},
		{"workers", r.Workers, 0},
		{"block size", r.BlockSize, 0},
		{"version", r.Version, 0},
		{"wall seconds", r.WallSeconds, 0},
		{"totals quantiles", r.TotalsQuantiles, 0},
		{"sketch relative error", r.SketchRelativeError, 0},
	}
	for i, w := range s.Warnings {
		rows = append(rows, kv{fmt.Sprintf("warning %d", i+1), w, 0})
	}
	return rows
}

package register

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// templateRows is the template's worked example: one row on each sheet.
func templateRows() map[string][][]any {
	out := map[string][][]any{
		scenarioSheet.Name: {{"name", "Example office"}, {"currency", "USD"}, {"horizon_years", 5}, {"discount_rate", 0.1}},
	}
	for _, s := range []*sheetSpec{sitesSheet, risksSheet, controlsSheet, portfoliosSheet} {
		var row []any
		for _, c := range s.Columns {
			row = append(row, c.Example)
		}
		out[s.Name] = [][]any{row}
	}
	return out
}

// Template returns an empty register workbook (.xlsx): an Instructions sheet, then each sheet of
// the layout with its header, data validation on its columns and one worked example row.
func Template() ([]byte, error) { return Workbook(templateRows()) }

// validationRows is how far down the template's data validation reaches.
const validationRows = 2000

// Workbook writes a register workbook in the documented layout holding the given rows (by sheet
// name, each row's values in the sheet's column order; nil leaves a cell blank).
func Workbook(rows map[string][][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	if err := instructions(f, title, bold, wrap); err != nil {
		return nil, err
	}
	for _, s := range layout {
		if err := layoutSheet(f, s, rows[s.Name], bold); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.Name, err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func instructions(f *excelize.File, title, bold, wrap int) error {
	const sh = "Instructions"
	lines := []string{
		"alesim risk register",
		"Fill the Risks sheet (one row per risk) and the Controls sheet (one row per control); Scenario, Sites and Portfolios are optional.",
		"Then: alesim validate register.xlsx, alesim run register.xlsx, or alesim import register.xlsx --out scenario.yaml.",
		"Row 1 of each sheet is its header; keep it. Each problem is reported with its sheet and cell, e.g. register.xlsx:Risks!J3.",
		"A range: fill min, likely and max (PERT), or min and max (uniform), or p05 and p95 (a 90% interval, lognormal); likely alone is a fixed value. Set *_dist to choose another shape (loguniform for ranges spanning orders of magnitude).",
		"point is the single figure of the 1983 point arithmetic; blank means the distribution's mean.",
		"Money is in the scenario's currency; frequencies are events per year; a reduction is a fraction (0.9 is 90%).",
		"Type values, not formulas; do not merge cells. Columns the layout does not know are ignored (a misspelt one is an error).",
	}
	for i, l := range lines {
		cell := fmt.Sprintf("A%d", i+1)
		if err := f.SetCellValue(sh, cell, l); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "A1", title); err != nil {
		return err
	}
	r := len(lines) + 2
	if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", r), &[]any{"sheet", "column", "required", "meaning"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, fmt.Sprintf("A%d", r), fmt.Sprintf("D%d", r), bold); err != nil {
		return err
	}
	for _, s := range layout {
		r++
		req := "optional sheet"
		if s.Required {
			req = "required sheet"
		}
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", r), &[]any{s.Name, "", req, s.Help}); err != nil {
			return err
		}
		for _, c := range s.Columns {
			r++
			req := ""
			if c.Required {
				req = "yes"
			}
			help := c.Help
			if len(c.Choices) > 0 {
				help += " (one of: " + strings.Join(c.Choices, ", ") + ")"
			}
			if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", r), &[]any{s.Name, c.Name, req, help}); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sh, "A", "A", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "B", 18); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "D", "D", 110); err != nil {
		return err
	}
	return f.SetCellStyle(sh, fmt.Sprintf("D%d", len(lines)+3), fmt.Sprintf("D%d", r), wrap)
}

func layoutSheet(f *excelize.File, s *sheetSpec, rows [][]any, bold int) error {
	if _, err := f.NewSheet(s.Name); err != nil {
		return err
	}
	hdr := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		hdr[i] = c.Name
	}
	if err := f.SetSheetRow(s.Name, "A1", &hdr); err != nil {
		return err
	}
	last := colName(len(s.Columns))
	if err := f.SetCellStyle(s.Name, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		copy(vals, row)
		if err := f.SetSheetRow(s.Name, fmt.Sprintf("A%d", i+2), &vals); err != nil {
			return err
		}
	}
	for i, c := range s.Columns {
		col := colName(i + 1)
		w := 12.0
		if c.Kind == textCol || c.Kind == listCol {
			w = 24
		}
		if c.Name == "title" || c.Name == "note" {
			w = 44
		}
		if err := f.SetColWidth(s.Name, col, col, w); err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, validationRows))
		switch c.Kind {
		case choiceCol:
			if err := dv.SetDropList(c.Choices); err != nil {
				return err
			}
		case boolCol:
			if err := dv.SetDropList([]string{"yes", "no"}); err != nil {
				return err
			}
		case numCol:
			if err := dv.SetRange("-1E+100", "1E+100", excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
		default:
			continue
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, c.Name, truncate("see the Instructions sheet: "+c.Help, 225))
		dv.SetInput(c.Name, truncate(c.Help, 225))
		if err := f.AddDataValidation(s.Name, dv); err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

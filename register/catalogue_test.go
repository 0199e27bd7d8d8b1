package register

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alesim/alesim/model"
	"github.com/xuri/excelize/v2"
)

// book is a workbook to write: each sheet's rows, header first, in sheet order.
type book struct {
	sheets []string
	rows   map[string][][]any
	edit   func(f *excelize.File) // changes excelize makes before saving (merges, formulas)
	patch  func(name string, part []byte) []byte
}

func (b book) with(sheet string, rows [][]any) book {
	out := book{sheets: append([]string(nil), b.sheets...), rows: map[string][][]any{}, edit: b.edit, patch: b.patch}
	for k, v := range b.rows {
		out.rows[k] = v
	}
	if _, ok := out.rows[sheet]; !ok {
		out.sheets = append(out.sheets, sheet)
	}
	out.rows[sheet] = rows
	return out
}

func (b book) without(sheet string) book {
	out := book{rows: map[string][][]any{}, edit: b.edit, patch: b.patch}
	for _, s := range b.sheets {
		if s != sheet {
			out.sheets = append(out.sheets, s)
			out.rows[s] = b.rows[s]
		}
	}
	return out
}

// set returns b with one cell of a sheet (row and column 0-based, header row 0) replaced.
func (b book) set(sheet string, row, col int, v any) book {
	rows := make([][]any, len(b.rows[sheet]))
	for i, r := range b.rows[sheet] {
		rows[i] = append([]any(nil), r...)
	}
	for len(rows[row]) <= col {
		rows[row] = append(rows[row], nil)
	}
	rows[row][col] = v
	return b.with(sheet, rows)
}

func (b book) write(t testing.TB, path string) {
	t.Helper()
	f := excelize.NewFile()
	for i, s := range b.sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		for j, r := range b.rows[s] {
			row := append([]any(nil), r...)
			if err := f.SetSheetRow(s, fmt.Sprintf("A%d", j+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if b.edit != nil {
		b.edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if b.patch != nil {
		out = patchZip(t, out, b.patch)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// patchZip rewrites each part of a zip through patch.
func patchZip(t testing.TB, src []byte, patch func(name string, part []byte) []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(patch(f.Name, b)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// good is a small valid register; each case of the catalogue breaks it in one way.
var good = book{
	sheets: []string{"Risks", "Controls"},
	rows: map[string][][]any{
		"Risks": {
			{"id", "title", "site", "freq_min", "freq_max", "loss_p05", "loss_p95"},
			{"R1", "Laptop stolen", "hq", 0.1, 2, 20000, 400000},
			{"R2", "Payroll diverted", "hq", 0.5, 3, 5000, 80000},
		},
		"Controls": {
			{"id", "title", "annual_likely", "risks", "effect_min", "effect_likely", "effect_max"},
			{"C1", "Disk encryption", 500, "R1", 0.6, 0.8, 0.95},
		},
	},
}

func risksRows(rows ...[]any) [][]any { return append([][]any{good.rows["Risks"][0]}, rows...) }

// millionEmptyRows adds a million rows that have formatting and no cells to the Risks sheet (as
// Excel writes when a whole column is formatted), and a text cell in a number column below them.
func millionEmptyRows(name string, part []byte) []byte {
	if name != "xl/worksheets/sheet1.xml" {
		return part
	}
	var b bytes.Buffer
	for r := 4; r <= 1000003; r++ {
		fmt.Fprintf(&b, `<row r="%d" ht="20" customHeight="1"/>`, r)
	}
	b.WriteString(`<row r="1000004"><c r="A1000004" t="inlineStr"><is><t>R3</t></is></c><c r="B1000004" t="inlineStr"><is><t>Far down</t></is></c><c r="D1000004" t="inlineStr"><is><t>often</t></is></c><c r="E1000004"><v>2</v></c><c r="F1000004"><v>10</v></c><c r="G1000004"><v>100</v></c></row>`)
	return bytes.Replace(part, []byte("</sheetData>"), append(b.Bytes(), []byte("</sheetData>")...), 1)
}

// excelError makes the cell D2 of the Risks sheet hold a formula whose saved value is #DIV/0!.
func excelError(name string, part []byte) []byte {
	if name != "xl/worksheets/sheet1.xml" {
		return part
	}
	i := bytes.Index(part, []byte(`<c r="D2"`))
	j := bytes.Index(part[i:], []byte("</c>")) + i + len("</c>")
	return append(append(append([]byte(nil), part[:i]...), []byte(`<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`)...), part[j:]...)
}

type badCase struct {
	name  string
	book  *book             // an .xlsx
	csv   map[string]string // or CSV files by suffix ("" for the main file)
	bytes []byte            // or these bytes as bad.xlsx
	want  []string          // every problem, in order; "bad.xlsx" is the file
}

func catalogue() []badCase {
	b := func(x book) *book { return &x }
	return []badCase{
		{name: "not a workbook", bytes: []byte("id,title\nR1,x\n"), want: []string{
			`bad.xlsx: not an .xlsx workbook (zip: not a valid zip file); save it from Excel as .xlsx, or as .csv`}},
		{name: "no Risks sheet", book: b(good.without("Risks")), want: []string{
			`bad.xlsx: no sheet named "Risks" (the workbook has "Controls"); the layout needs a Risks sheet: run 'alesim template register.xlsx' for an empty one`}},
		{name: "empty Risks sheet", book: b(good.with("Risks", nil)), want: []string{
			`bad.xlsx:Risks!A1: sheet is empty; want a header row (id, title, ...) and one row per risk`}},
		{name: "header only", book: b(good.with("Risks", risksRows()).without("Controls")), want: []string{
			`bad.xlsx:Risks!A2: no risks: the sheet has a header but no rows below it`}},
		{name: "header not in row 1", book: b(good.with("Risks", append([][]any{{nil}, {nil}}, good.rows["Risks"]...))), want: []string{
			`bad.xlsx:Risks!A1: row 1 is empty; want the header row (id, title, ...) in row 1`}},
		{name: "missing title column", book: b(good.with("Risks", [][]any{{"id", "site", "freq_min", "freq_max", "loss_p05", "loss_p95"}, {"R1", "hq", 0.1, 2, 20000, 400000}, {"R2", "hq", 0.1, 2, 20000, 400000}})), want: []string{
			"bad.xlsx:Risks!G1: missing required column \"title\" (what can go wrong)",
		}},
		{name: "missing risks column in Controls", book: b(good.with("Controls", [][]any{{"id", "title", "effect_likely"}, {"C1", "Disk encryption", 0.8}})), want: []string{
			"bad.xlsx:Controls!D1: missing required column \"risks\" (the risk ids it acts on, separated by commas; the effect applies to each (drawn separately for each risk))",
		}},
		{name: "no frequency columns", book: b(good.with("Risks", [][]any{{"id", "title", "loss_p05", "loss_p95"}, {"R1", "Laptop stolen", 20000, 400000}, {"R2", "Payroll", 5000, 80000}})), want: []string{
			"bad.xlsx:Risks!E1: missing frequency columns: give freq_min and freq_max (a range, with freq_likely for PERT), freq_p05 and freq_p95 (a 90% interval), or freq_likely (a fixed value)",
		}},
		{name: "text in a number cell", book: b(good.set("Risks", 1, 3, "ten").set("Risks", 2, 6, "$80,000")), want: []string{
			"bad.xlsx:Risks!D2: freq_min: must be a number (got \"ten\")",
			"bad.xlsx:Risks!G3: loss_p95: must be a number without $, % or thousands separators (got \"$80,000\")",
		}},
		{name: "p05 above p95", book: b(good.set("Risks", 2, 5, 900000)), want: []string{
			"bad.xlsx:Risks!G3: loss_p95: must be > p05 900000 (got 80000)",
		}},
		{name: "min above max", book: b(good.set("Risks", 1, 3, 5)), want: []string{
			"bad.xlsx:Risks!E2: freq_max: must be > min 5 (got 2)",
		}},
		{name: "half a range", book: b(good.set("Risks", 1, 4, nil)), want: []string{
			"bad.xlsx:Risks!D2: freq_min: a uniform frequency needs freq_min and freq_max; freq_max is empty",
		}},
		{name: "dangling control reference", book: b(good.set("Controls", 1, 3, "R1, R9")), want: []string{
			"bad.xlsx:Controls!D2: risks: no risk has id \"R9\": did you mean \"R1\"?",
		}},
		{name: "duplicate risk id", book: b(good.set("Risks", 2, 0, "R1")), want: []string{
			"bad.xlsx:Risks!A3: id: duplicate risk id \"R1\" (first used by Risks row 2)",
		}},
		{name: "duplicate control id", book: b(good.with("Controls", append(good.rows["Controls"], []any{"C1", "Training", 300, "R2", 0.5, 0.6, 0.7}))), want: []string{
			"bad.xlsx:Controls!A3: id: duplicate control id \"C1\" (first used by Controls row 2)",
		}},
		{name: "missing id and title", book: b(good.set("Risks", 2, 0, nil).set("Risks", 2, 1, nil)), want: []string{
			"bad.xlsx:Risks!A3: id: missing: every risk needs an id",
			"bad.xlsx:Risks!B3: title: missing: every risk needs a title",
		}},
		{name: "merged cells", book: b(func() book {
			x := good
			x.edit = func(f *excelize.File) { _ = f.MergeCell("Risks", "C2", "C3") }
			return x
		}()), want: []string{
			"bad.xlsx:Risks!C2: cells C2:C3 are merged; unmerge them and repeat the value in each row (a register has one value a cell)",
		}},
		{name: "formula without a saved value", book: b(func() book {
			x := good
			x.patch = func(name string, part []byte) []byte {
				if name != "xl/worksheets/sheet1.xml" {
					return part
				}
				i := bytes.Index(part, []byte(`<c r="F3"`))
				j := bytes.Index(part[i:], []byte("</c>")) + i + len("</c>")
				return append(append(append([]byte(nil), part[:i]...), []byte(`<c r="F3"><f>F2*2</f></c>`)...), part[j:]...)
			}
			return x
		}()), want: []string{
			"bad.xlsx:Risks!F3: loss_p05: cell holds the formula =F2*2 with no saved value; open and save the file in Excel, or type the value",
		}},
		{name: "excel error value", book: b(func() book { x := good; x.patch = excelError; return x }()), want: []string{
			"bad.xlsx:Risks!D2: freq_min: cell holds the error #DIV/0!; fix the formula or type the value",
		}},
		{name: "a million empty rows", book: b(func() book { x := good; x.patch = millionEmptyRows; return x }()), want: []string{
			"bad.xlsx:Risks!D1000004: freq_min: must be a number (got \"often\")",
		}},
		{name: "misspelt column", book: b(good.set("Risks", 0, 3, "freq_mni")), want: []string{
			"bad.xlsx:Risks!D1: unknown column \"freq_mni\": did you mean \"freq_min\"?",
		}},
		{name: "column twice", book: b(good.set("Risks", 0, 7, "title")), want: []string{
			"bad.xlsx:Risks!H1: column \"title\" appears twice (first in column B)",
		}},
		{name: "reduction as a percentage", book: b(good.set("Controls", 1, 4, 60).set("Controls", 1, 5, 80).set("Controls", 1, 6, 95)), want: []string{
			"bad.xlsx:Controls!E2: effect_min: a reduction fraction must lie in [0, 1] over its whole range (got [60, 95]); a fraction: 0.9 is 90%",
		}},
		{name: "distribution does not match the columns", book: b(good.with("Risks", [][]any{
			{"id", "title", "site", "freq_dist", "freq_min", "freq_max", "loss_p05", "loss_p95"},
			{"R1", "Laptop stolen", "hq", "lognormal", 0.1, 2, 20000, 400000},
			{"R2", "Payroll diverted", "hq", "normal", 0.5, 3, 5000, 80000}})), want: []string{
			"bad.xlsx:Risks!D2: freq_dist: a lognormal frequency needs freq_p05 and freq_p95; freq_p05 and freq_p95 are empty",
			"bad.xlsx:Risks!E2: freq_min: not used by a lognormal frequency (which takes freq_p05 and freq_p95); clear the cell or change freq_dist",
			"bad.xlsx:Risks!F2: freq_max: not used by a lognormal frequency (which takes freq_p05 and freq_p95); clear the cell or change freq_dist",
			"bad.xlsx:Risks!D3: freq_dist: unknown distribution \"normal\" (want pert, triangular, uniform, loguniform, lognormal, constant, or blank to infer it from the columns filled)",
		}},
		{name: "bernoulli above 1", book: b(good.with("Risks", [][]any{
			{"id", "title", "site", "events", "freq_min", "freq_max", "loss_p05", "loss_p95"},
			{"R1", "Laptop stolen", "hq", "bernoulli", 0.1, 2, 20000, 400000},
			{"R2", "Payroll diverted", "hq", "sometimes", 0.5, 3, 5000, 80000}})), want: []string{
			"bad.xlsx:Risks!E2: freq_min: with events: bernoulli the AFE is a probability and must be <= 1 over its whole range (got up to 2)",
			"bad.xlsx:Risks!D3: events: must be poisson or bernoulli (got \"sometimes\")",
		}},
		{name: "asset values disagree", book: b(good.with("Risks", [][]any{
			{"id", "title", "site", "asset", "asset_value", "freq_min", "freq_max", "loss_p05", "loss_p95"},
			{"R1", "Laptop stolen", "hq", "laptops", 50000, 0.1, 2, 20000, 400000},
			{"R2", "Payroll diverted", "hq", "laptops", 60000, 0.5, 3, 5000, 80000},
			{"R3", "Server theft", "hq", "servers", nil, 0.5, 3, 5000, 80000},
			{"R4", "Fire", "hq", nil, 70000, 0.5, 3, 5000, 80000}}).without("Controls")), want: []string{
			"bad.xlsx:Risks!E3: asset_value: asset \"laptops\" has value 60000 here and 50000 in row 2; give one value",
			"bad.xlsx:Risks!D4: asset: asset \"servers\" has no asset_value on any row; give its value once",
			"bad.xlsx:Risks!E5: asset_value: asset_value given without an asset; name the asset in the asset column",
		}},
		{name: "control with no risks and a bad effect", book: b(good.with("Controls", append(good.rows["Controls"][:1:1],
			[]any{"C1", "Disk encryption", 500, nil, 0.6, 0.8, 0.95},
			[]any{"C2", "Training", 300, "R2", nil, nil, nil}))), want: []string{
			"bad.xlsx:Controls!D2: risks: missing: name the risk ids the control acts on, separated by commas",
			"bad.xlsx:Controls!E3: effect_min: no effect given: fill effect_min and effect_max (a range), effect_p05 and effect_p95 (a 90% interval), or effect_likely (a fixed value)",
		}},
		{name: "portfolio problems", book: b(good.with("Portfolios", [][]any{{"id", "title", "controls"},
			{"P1", "All", "C1, C7"}, {"C1", "Clash", "C1"}, {"P3", "Empty", nil}})), want: []string{
			"bad.xlsx:Portfolios!C2: controls: no control has id \"C7\": did you mean \"C1\"?",
			"bad.xlsx:Portfolios!A3: id: portfolio id \"C1\" is also a control id; ids must tell them apart",
			"bad.xlsx:Portfolios!C4: controls: missing: name the control ids in the portfolio, separated by commas",
		}},
		{name: "bad settings", book: b(good.with("Scenario", [][]any{{"setting", "value"},
			{"name", "Bad"}, {"horizon", 5}, {"horizon_years", "five"}, {"name", "Twice"}})), want: []string{
			"bad.xlsx:Scenario!A3: setting: unknown setting \"horizon\" (want one of name, description, currency, horizon_years, discount_rate, annuity_factor)",
			"bad.xlsx:Scenario!B4: value: must be a number (got \"five\")",
			"bad.xlsx:Scenario!A5: setting: setting \"name\" is given twice (first in row 2)",
		}},
		{name: "correlations name unknown inputs", book: b(good.with("Correlations", [][]any{{"a", "b", "rho"}, {"R1.freq", "R2.freq", 0.5}})), want: []string{
			"bad.xlsx:Correlations!A2: a: no uncertain input is named \"R1.freq\" (alesim sensitivity --list prints the names)",
			"bad.xlsx:Correlations!B2: b: no uncertain input is named \"R2.freq\" (alesim sensitivity --list prints the names)",
		}},
		{name: "site not in the Sites sheet", book: b(good.with("Sites", [][]any{{"id", "name"}, {"branch", "Branch"}})), want: []string{
			"bad.xlsx:Risks!C2: site: no site has id \"hq\"",
			"bad.xlsx:Risks!C3: site: no site has id \"hq\"",
		}},
		{name: "alternative not yes or no", book: b(good.with("Controls", [][]any{
			{"id", "title", "annual_likely", "risks", "effect", "effect_likely", "alternative"},
			{"C1", "Disk encryption", 500, "R1", "halves", 0.5, "maybe"}})), want: []string{
			"bad.xlsx:Controls!E2: effect: unknown effect \"halves\" (want ale_reduction, frequency_factor, loss_factor, new_afe or new_loss)",
			"bad.xlsx:Controls!G2: alternative: must be yes or no (got \"maybe\")",
		}},
		{name: "riskquant CSV with bad cells", csv: map[string]string{"": "Identifier,Name,Probability,Low_loss,High_loss\n" +
			"r1,Laptop stolen,0.1,20000,400000\nr2,Payroll diverted,high,80000,5000\nr1,Duplicate,0.2,1000,2000\n"}, want: []string{
			"bad.csv:C3: Probability: must be a number (got \"high\")",
			"bad.csv:E3: High_loss: must be > p05 80000 (got 5000)",
			"bad.csv:A4: id: duplicate risk id \"r1\" (first used by bad.csv row 2)",
		}},
		{name: "CSV with a broken quote", csv: map[string]string{"": "id,title,freq_likely,loss_likely\nR1,\"Laptop,1,2\nR2,x\"y,1,2\n"}, want: []string{
			"bad.csv: line 3, character 5: extraneous or missing \" in quoted-field (a quote inside a field must be doubled: \"\")",
		}},
		{name: "CSV controls file naming an unknown risk", csv: map[string]string{
			"":         "id,title,freq_likely,loss_likely\nR1,Laptop stolen,1,2000\n",
			"controls": "id,title,risks,effect_likely\nC1,Encryption,R2,0.5\nC1,Again,R1,1.5\n"}, want: []string{
			"bad.controls.csv:C2: risks: no risk has id \"R2\": did you mean \"R1\"?",
			"bad.controls.csv:A3: id: duplicate control id \"C1\" (first used by bad.controls.csv row 2)",
			"bad.controls.csv:D3: effect_likely: a reduction fraction must lie in [0, 1] over its whole range (got [1.5, 1.5]); a fraction: 0.9 is 90%",
		}},
	}
}

// TestCatalogue runs every bad register through Import: the exact problems, each at its sheet
// and cell, no panic, and under 2 s each.
func TestCatalogue(t *testing.T) {
	cases := catalogue()
	if len(cases) < 25 {
		t.Fatalf("catalogue has %d bad registers, want at least 25", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var path string
			switch {
			case c.book != nil:
				path = filepath.Join(dir, "bad.xlsx")
				c.book.write(t, path)
			case c.csv != nil:
				path = filepath.Join(dir, "bad.csv")
				for suf, text := range c.csv {
					p := path
					if suf != "" {
						p = filepath.Join(dir, "bad."+suf+".csv")
					}
					if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			default:
				path = filepath.Join(dir, "bad.xlsx")
				if err := os.WriteFile(path, c.bytes, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			y, err := Import(path)
			t.Logf("Import took %v", time.Since(start))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v, want under 2 s", d)
			}
			if y != nil {
				t.Errorf("returned YAML for a bad register")
			}
			var me model.Errors
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want model.Errors", err)
			}
			got := strings.Split(strings.ReplaceAll(me.Error(), dir+string(filepath.Separator), ""), "\n")
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(c.want, "\n\t"))
				var q []string
				for _, g := range got {
					q = append(q, fmt.Sprintf("%#v", g))
				}
				t.Logf("as Go: {\n%s}", strings.Join(q, ",\n"))
			}
		})
	}
}

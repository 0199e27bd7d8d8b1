package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

type readSheet struct {
	Rows    [][]*[2]any `json:"rows"`
	Frozen  *string     `json:"frozen"`
	Formats []string    `json:"formats"`
}

// readXLSX reads a workbook with scripts/xlsx-read.py: Python's zipfile and XML, an
// implementation independent of excelize.
func readXLSX(t *testing.T, path string) (map[string]readSheet, int) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: no independent reader")
	}
	out, err := exec.Command(py, "../scripts/xlsx-read.py", path).Output()
	if err != nil {
		t.Fatalf("xlsx-read.py: %v", err)
	}
	var v struct {
		Sheets   map[string]readSheet `json:"sheets"`
		Pictures int                  `json:"pictures"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v.Sheets, v.Pictures
}

// value finds the row whose first cell is key and returns its second cell.
func value(t *testing.T, sh readSheet, key string) [2]any {
	t.Helper()
	for _, r := range sh.Rows {
		if len(r) > 1 && r[0] != nil && r[0][1] == key && r[1] != nil {
			return *r[1]
		}
	}
	t.Fatalf("no row %q", key)
	return [2]any{}
}

// TestXLSXIndependentReader: results.xlsx read back without excelize shows the summary's figures
// exactly, as numbers, with currency formats, frozen headers, one row per safeguard and the charts.
func TestXLSXIndependentReader(t *testing.T) {
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 5000, 2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile("testdata/chart.png")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, sum, []Image{{"annual-loss", png}, {"safeguards", png}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "results.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sheets, pics := readXLSX(t, path)
	for _, name := range []string{"Summary", "Findings", "Safeguards", "Portfolios", "Exceedance", "Provenance", "Charts"} {
		if _, ok := sheets[name]; !ok {
			t.Fatalf("no sheet %s", name)
		}
	}
	if _, ok := sheets["Sensitivity"]; ok {
		t.Errorf("a Sensitivity sheet without a sensitivity run")
	}
	ale := value(t, sheets["Summary"], "ALE mean")
	if ale[0] != "n" || ale[1].(float64) != sum.ALE.Mean {
		t.Errorf("Summary: ALE mean %v, summary.json %v", ale, sum.ALE.Mean)
	}
	// issue 18: the occurrence (OEP) beside the annual loss
	for key, want := range map[string]float64{"largest single event (OEP) mean": sum.Occurrence.Mean,
		"largest single event (OEP) P50": sum.Occurrence.P50, "largest single event (OEP) P90": sum.Occurrence.P90,
		"largest single event (OEP) P95": sum.Occurrence.P95, "largest single event (OEP) P99": sum.Occurrence.P99} {
		if v := value(t, sheets["Summary"], key); v[0] != "n" || v[1].(float64) != want || want <= 0 {
			t.Errorf("Summary: %s %v, summary.json %v", key, v, want)
		}
	}
	ex := sheets["Exceedance"]
	if len(ex.Rows) != len(sum.Exceedance)+1 || len(sum.Exceedance) < 2 {
		t.Fatalf("Exceedance: %d rows, want a header and %d levels", len(ex.Rows), len(sum.Exceedance))
	}
	for i, e := range sum.Exceedance {
		row := ex.Rows[i+1]
		o := sum.Occurrence.Exceedance[i]
		if row[0][1].(float64) != e.Loss || row[1][1].(float64) != e.Probability || row[2][1].(float64) != o.Probability {
			t.Errorf("Exceedance row %d: %v %v %v, want %v %v %v", i+2, *row[0], *row[1], *row[2], e.Loss, e.Probability, o.Probability)
		}
	}
	if got := sheets["Summary"].Formats; len(got) == 0 || got[0] != `"$"#,##0;-"$"#,##0` {
		t.Errorf("Summary number formats %v, want the dollar format", got)
	}
	for name, sh := range sheets {
		if name != "Charts" && (sh.Frozen == nil || *sh.Frozen != "A2") {
			t.Errorf("%s: header row not frozen", name)
		}
	}
	sg := sheets["Safeguards"]
	if len(sg.Rows) != len(sum.Safeguards)+1 {
		t.Errorf("Safeguards: %d rows, want a header and one per safeguard (%d)", len(sg.Rows), len(sum.Safeguards))
	}
	// the shared Threeville plan: one row, its cost once
	for i, x := range sum.Safeguards {
		row := sg.Rows[i+1]
		if row[1][1] != x.ID || row[5][0] != "n" || row[5][1].(float64) != x.Cost.Mean {
			t.Errorf("Safeguards row %d: %v, want %s with cost %v", i+2, row[:6], x.ID, x.Cost.Mean)
		}
	}
	if pics != 2 {
		t.Errorf("%d pictures, want 2", pics)
	}
	if v := value(t, sheets["Provenance"], "scenario sha256"); v[1] != sum.Scenario.SHA256 {
		t.Errorf("Provenance sha256 %v", v)
	}
}

// TestCompareHTML: the compare section is self-contained and marks only what changed.
func TestCompareHTML(t *testing.T) {
	c := &analysis.Comparison{Paired: true, Method: "paired: test", Currency: "USD", Changed: []string{"s1"}}
	one, two := 1.0, 2.0
	c.Safeguards = []analysis.ItemCompared{
		{ID: "s1", Before: &one, After: &two, Change: &analysis.Change{Mean: 1, CI95: [2]float64{0.5, 1.5}, Settled: true, Changed: true}, PPositiveBefore: &one, PPositiveAfter: &one},
		{ID: "s2", Before: &one, After: &one, Change: &analysis.Change{}, PPositiveBefore: &one, PPositiveAfter: &one},
	}
	var b bytes.Buffer
	if err := WriteCompareHTML(&b, c); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, want := range []string{`<section id="compare">`, "<b>Paired.</b>", "safeguard s1", `class="settled">settled`, `<tr class="same"><td>safeguard s2`} {
		if !strings.Contains(h, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(h, "<script") || strings.Contains(h, "http") {
		t.Errorf("report.html fetches or runs something")
	}
}

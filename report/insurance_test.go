package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report/charts"
	"github.com/alesim/alesim/sim"
)

// TestInsuranceShown (issue 18): a policy is shown like any safeguard, with its kind readable in
// every output: "kind": "insurance" and its terms in JSON, kind insurance in summary.csv and in
// point mode's CSV, the kind column of results.xlsx, and "(insurance)" in the terminal and the
// report.
func TestInsuranceShown(t *testing.T) {
	src := `scenario: {name: cover, horizon_years: 5, discount_rate: 0.08}
sites: [{id: hq}]
findings:
  - {id: R1, title: ransomware, site: hq, afe: 0.3, loss: {dist: lognormal, p05: 1e5, p95: 4e6}}
  - {id: R2, title: theft, site: hq, afe: 3, loss: 2000}
safeguards:
  - {id: S1, title: backups, annual_cost: 1000, effects: [{finding: R1, loss_factor: 0.5}]}
  - {id: P1, title: cyber policy, insurance: {premium: 20000, deductible: 50000, limit: 2e6, findings: [R1]}}
portfolios:
  - {id: both, title: both, safeguards: [S1, P1]}
`
	s, err := model.Parse("cover.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 3000, 2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var j, c, txt, h, pc bytes.Buffer
	if err := WriteJSON(&j, sum); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&c, sum); err != nil {
		t.Fatal(err)
	}
	if err := WriteRunTable(&txt, sum); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&h, sum, charts.All(sum)); err != nil {
		t.Fatal(err)
	}
	if err := WritePointCSV(&pc, s.Point([]int{0, 1})); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, out, want string }{
		{"JSON", j.String(), `"kind": "insurance"`},
		{"JSON", j.String(), `"ale_method": "closed_form"`}, // a lognormal loss, no aggregate limit
		{"JSON", j.String(), `"aggregate_limit": null`},
		{"summary.csv", c.String(), "\ninsurance,P1,cyber policy,"},
		{"summary.csv", c.String(), "\nsafeguard,S1,backups,"},
		{"point CSV", pc.String(), "\ninsurance,P1,cyber policy,"},
		{"terminal", txt.String(), "cyber policy (insurance)"},
		{"report.html", h.String(), "cyber policy (insurance)"},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("%s lacks %q", c.what, c.want)
		}
	}
	var x bytes.Buffer
	if err := WriteXLSX(&x, sum, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "results.xlsx")
	if err := os.WriteFile(path, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sheets, _ := readXLSX(t, path)
	sg := sheets["Safeguards"]
	kind := -1
	for i, cell := range sg.Rows[0] {
		if cell != nil && cell[1] == "kind" {
			kind = i
		}
	}
	if kind < 0 || len(sg.Rows) != 3 {
		t.Fatalf("Safeguards sheet: no kind column or %d rows", len(sg.Rows))
	}
	for r, want := range map[int]string{1: "control", 2: "insurance"} {
		if got := sg.Rows[r][kind]; got == nil || got[1] != want {
			t.Errorf("Safeguards row %d kind %v, want %s", r+1, got, want)
		}
	}
}

package scenarios

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/register"
	"github.com/alesim/alesim/sim"
)

// The shipped register: clinic-register.csv with its sibling files is the source; the workbook
// clinic-register.xlsx is written from the same rows, and clinic-register.yaml is the workbook's
// import. Refresh both with
//
//	go test ./scenarios -run TestShippedRegister -update-register
var updateRegister = flag.Bool("update-register", false, "rewrite clinic-register.xlsx and clinic-register.yaml from the CSV files")

const registerBase = "clinic-register"

// csvRows reads one CSV table as workbook rows: numbers as numbers, blank cells as nil, in the
// order of the header given.
func csvRows(t *testing.T, path string, columns []string) [][]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	var out [][]any
	for _, rec := range recs[1:] {
		row := make([]any, len(columns))
		for j, c := range columns {
			i, ok := idx[c]
			if !ok || rec[i] == "" {
				continue
			}
			if x, err := strconv.ParseFloat(rec[i], 64); err == nil && c != "id" {
				row[j] = x
			} else {
				row[j] = rec[i]
			}
		}
		out = append(out, row)
	}
	return out
}

func registerRows(t *testing.T) map[string][][]any {
	rows := map[string][][]any{}
	for _, s := range []struct{ sheet, file string }{
		{"Scenario", registerBase + ".scenario.csv"}, {"Sites", registerBase + ".sites.csv"},
		{"Risks", registerBase + ".csv"}, {"Controls", registerBase + ".controls.csv"},
		{"Portfolios", registerBase + ".portfolios.csv"},
	} {
		f, err := os.Open(s.file)
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := csv.NewReader(f).Read()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		cols := register.Columns(s.sheet)
		for _, h := range hdr {
			if !containsString(cols, h) {
				t.Fatalf("%s: column %q is not in the layout's %s sheet", s.file, h, s.sheet)
			}
		}
		rows[s.sheet] = csvRows(t, s.file, cols)
	}
	return rows
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func runJSON(t *testing.T, s *model.Scenario) []byte {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 20000, 2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum.Run.WallSeconds = 0
	sum.Warnings = nil // they name the register's cells, or the YAML's lines
	b, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShippedRegister is the round trip: the register imported to YAML and run equals the register
// run directly, for the workbook and for the CSV files; the workbook is the CSV files' rows.
func TestShippedRegister(t *testing.T) {
	xlsx, yml := registerBase+".xlsx", registerBase+".yaml"
	if *updateRegister {
		b, err := register.Workbook(registerRows(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(xlsx, b, 0o644); err != nil {
			t.Fatal(err)
		}
		y, err := register.Import(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(yml, y, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromXLSX, err := register.Import(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(yml)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromXLSX, shipped) {
		t.Fatalf("%s is not the import of %s (refresh with -update-register)", yml, xlsx)
	}
	s, err := model.Load(yml)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Findings) < 10 || len(s.Safeguards) < 6 {
		t.Fatalf("the shipped register has %d risks and %d controls, want at least 10 and 6", len(s.Findings), len(s.Safeguards))
	}
	direct, err := register.Load(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	if direct.SHA256 != s.SHA256 {
		t.Errorf("the register's scenario digest %s, its YAML's %s", direct.SHA256, s.SHA256)
	}
	want := runJSON(t, s)
	if got := runJSON(t, direct); !bytes.Equal(got, want) {
		t.Errorf("running %s differs from running its import %s", xlsx, yml)
	}
	// The CSV files hold the same register: the same results but for the scenario digest (their
	// YAML names other source files).
	fromCSV, err := register.Load(registerBase + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	fromCSV.SHA256 = s.SHA256
	if got := runJSON(t, fromCSV); !bytes.Equal(got, want) {
		t.Errorf("running %s.csv differs from running %s", registerBase, xlsx)
	}
	if !strings.HasPrefix(string(shipped), "# yaml-language-server: $schema="+model.SchemaURL+"\n# Scenario imported by alesim") {
		t.Errorf("%s does not start with the $schema line and its import comment", yml)
	}
}

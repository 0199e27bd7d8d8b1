package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const clinic = "../../scenarios/clinic-register"

// TestImportAndTemplate: import writes the shipped YAML; template's workbook imports; a bad
// register writes nothing and exits 3 with cell positions.
func TestImportAndTemplate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clinic.yaml")
	if code, _, stderr := runArgs("import", clinic+".xlsx", "--out", out); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(clinic + ".yaml")
	if string(got) != string(want) {
		t.Errorf("import wrote other bytes than the shipped %s.yaml", clinic)
	}
	if code, _, _ := runArgs("import", clinic+".xlsx", "--out", out); code != exitUsage {
		t.Errorf("import over an existing file without --force: exit %d, want %d", code, exitUsage)
	}
	tmpl := filepath.Join(dir, "register.xlsx")
	if code, _, stderr := runArgs("template", tmpl); code != 0 {
		t.Fatalf("template: exit %d\n%s", code, stderr)
	}
	if code, stdout, stderr := runArgs("validate", tmpl); code != 0 || !strings.Contains(stdout, "ok: 1 findings") {
		t.Errorf("validate the template: exit %d\n%s%s", code, stdout, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,title,freq_min,freq_max,loss_likely\nR1,x,5,1,100\n"), 0o644)
	badOut := filepath.Join(dir, "bad.yaml")
	code, _, stderr := runArgs("import", bad, "--out", badOut)
	if code != exitInvalid || !strings.Contains(stderr, "bad.csv:D2: freq_max: must be > min 5 (got 1)") {
		t.Errorf("bad register: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(badOut); err == nil {
		t.Errorf("a bad register left %s", badOut)
	}
}

// TestEveryCommandTakesARegister: validate, point and run accept a register where they take a
// SCENARIO, with the same results as its YAML.
func TestEveryCommandTakesARegister(t *testing.T) {
	for _, args := range [][]string{{"point", "--format", "json"}, {"run", "--format", "json", "--trials", "2000"}} {
		_, fromReg, e1 := runArgs(append(args, clinic+".xlsx")...)
		_, fromYAML, e2 := runArgs(append(args, clinic+".yaml")...)
		strip := func(s string) string {
			var lines []string
			for _, l := range strings.Split(s, "\n") {
				if !strings.Contains(l, "wall_seconds") && !strings.Contains(l, "warning") && !strings.Contains(l, "clinic-register.") {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "\n")
		}
		if fromReg == "" || strip(fromReg) != strip(fromYAML) {
			t.Errorf("%v: the register's output differs from its YAML's\n%s\n%s", args, e1, e2)
		}
	}
}

// TestValidateJSON: problems as objects, status 3.
func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("scenario: {name: x, horizon_years: 5}\nfindings:\n  - {id: F1, title: t, site: s, afe: often, loss: 1}\n"), 0o644)
	code, stdout, _ := runArgs("validate", "--format", "json", bad)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	var v struct {
		Valid    bool             `json:"valid"`
		Problems []map[string]any `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Valid || len(v.Problems) != 2 {
		t.Fatalf("got %s", stdout)
	}
	for _, p := range v.Problems {
		for _, k := range []string{"file", "line", "column", "field", "message"} {
			if _, ok := p[k]; !ok {
				t.Errorf("problem without %q: %v", k, p)
			}
		}
	}
	if code, stdout, _ := runArgs("validate", "--format", "json", soes); code != 0 || !strings.Contains(stdout, `"valid": true`) {
		t.Errorf("soes: exit %d\n%s", code, stdout)
	}
}

// TestCompareCLI is the acceptance through the command: a copy of the reference scenario with one
// safeguard's one-time cost doubled changes only that safeguard and the portfolio holding it.
func TestCompareCLI(t *testing.T) {
	src, err := os.ReadFile(soes)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "one_time_cost: 15000\n    annual_cost: 6200", "one_time_cost: 30000\n    annual_cost: 6200", 1)
	after := filepath.Join(t.TempDir(), "soes-doubled.yaml")
	os.WriteFile(after, []byte(edited), 0o644)
	code, stdout, stderr := runArgs("compare", "--format", "json", "--trials", "10000", soes, after)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var v struct {
		Paired bool `json:"paired"`
		ALE    struct {
			Before, After float64
			Change        struct{ Mean float64 }
		} `json:"ale"`
		Safeguards []struct {
			ID     string `json:"id"`
			Before *float64
			After  *float64
			Change *struct {
				Mean float64    `json:"mean"`
				CI95 [2]float64 `json:"ci95"`
			} `json:"change"`
			PPositiveBefore *float64 `json:"p_positive_before"`
			PPositiveAfter  *float64 `json:"p_positive_after"`
		} `json:"safeguards"`
		Changed []string `json:"changed"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Paired || !slices.Equal(v.Changed, []string{"sg-3.3-1", "report"}) || v.ALE.Change.Mean != 0 {
		t.Fatalf("paired %v, changed %v, ALE change %v", v.Paired, v.Changed, v.ALE.Change.Mean)
	}
	code, table, _ := runArgs("compare", "--trials", "10000", soes, after)
	if code != 0 || !strings.Contains(table, "paired: both scenarios run on seed 1983") || !strings.Contains(table, "[-$15K, -$15K]") && strings.Contains(table, "settled") {
		t.Errorf("table:\n%s", table)
	}
}

// TestRunOutXLSX: run --out writes results.xlsx; read back by Python's zipfile and XML
// (scripts/xlsx-read.py), its mean ALE is summary.json's, and the Sensitivity sheet is there when
// the sensitivity ran.
func TestRunOutXLSX(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runArgs("run", "--quiet", "--trials", "3000", "--sensitivity", "ale", "--out", dir, soes); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	out, err := exec.Command(py, "../../scripts/xlsx-read.py", filepath.Join(dir, "results.xlsx")).Output()
	if err != nil {
		t.Fatal(err)
	}
	var x struct {
		Sheets map[string]struct {
			Rows [][]*[2]any `json:"rows"`
		} `json:"sheets"`
	}
	if err := json.Unmarshal(out, &x); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		ALE struct{ Mean float64 } `json:"ale"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range x.Sheets["Summary"].Rows {
		if len(r) > 1 && r[0] != nil && r[0][1] == "ALE mean" {
			found = true
			if r[1][0] != "n" || r[1][1].(float64) != sum.ALE.Mean {
				t.Errorf("results.xlsx ALE mean %v, summary.json %v", r[1], sum.ALE.Mean)
			}
		}
	}
	if !found {
		t.Error("no ALE mean in results.xlsx")
	}
	if _, ok := x.Sheets["Sensitivity"]; !ok {
		t.Error("no Sensitivity sheet after --sensitivity")
	}
}

// TestRunFormatCSV: run --format csv prints the summary rows, plain decimals with the currency.
func TestRunFormatCSV(t *testing.T) {
	code, stdout, stderr := runArgs("run", "--quiet", "--format", "csv", "--trials", "2000", soes)
	if code != 0 || !strings.HasPrefix(stdout, "kind,id,title,") || !strings.Contains(stdout, ",USD\n") || strings.Contains(stdout, "e+0") {
		t.Errorf("exit %d\n%s\n%.400s", code, stderr, stdout)
	}
}

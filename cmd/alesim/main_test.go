package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const soes = "../../scenarios/soes-1983.yaml"

// contractTrials is the trial count of the JSON contract tests: enough for every figure to be
// there; fewer with -short.
func contractTrials() string {
	if testing.Short() {
		return "5000"
	}
	return "20000"
}

func runArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(&out, &errb, args)
	return code, out.String(), errb.String()
}

func TestValidateReportsEveryMistake(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	src := `scenario: {name: bad, horizon_years: 5}
sites: [{id: hq}]
findings:
  - id: F1
    title: One
    site: hq
    afe: {dist: triangular, min: 5, mode: 1, max: 9}
    loss: 100
  - id: F2
    title: Two
    site: hq
    afe: 2
    los: 5
    loss: 5
safeguards:
  - {id: S1, title: s, effects: [{finding: F9, ale_reduction: 0.5}]}
`
	os.WriteFile(bad, []byte(src), 0o644)
	code, stdout, stderr := runArgs("validate", bad)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitInvalid, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing on failure", stdout)
	}
	for _, want := range []string{
		bad + ":7: findings[0].afe.mode: must lie in [min, max] = [5, 9] (got 1)",
		bad + ":13: findings[1].los: unknown field \"los\": did you mean \"loss\"?",
		bad + ":16: safeguards[0].effects[0].finding: no finding has id \"F9\"",
		"alesim: 3 problem(s) in scenario",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestValidateOK(t *testing.T) {
	code, stdout, _ := runArgs("validate", soes)
	if code != 0 || !strings.Contains(stdout, "53 findings (29 quantified)") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"point"}, {"point", "--format", "xml", soes}, {"point", "--bogus", soes}} {
		if code, _, _ := runArgs(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, _ := runArgs("point", "--help"); code != 0 {
		t.Errorf("--help: exit %d, want 0", code)
	}
	if code, _, stderr := runArgs("point", "/nonexistent.yaml"); code != exitFailure || !strings.Contains(stderr, "loading scenario") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

// TestPointJSONContract checks the names the issue fixes for point mode's JSON.
func TestPointJSONContract(t *testing.T) {
	code, stdout, stderr := runArgs("point", "--format", "json", soes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	need := map[string][]string{
		"scenario":   {"name", "annuity_factor", "horizon_years"},
		"findings":   {"id", "title", "site", "ale", "new_ale", "loss_now", "loss_after", "reduction", "cost", "savings", "ratio", "safeguards", "covers"},
		"safeguards": {"id", "findings", "one_time_cost", "annual_cost", "cost", "reduction", "savings", "ratio"},
		"totals":     {"ale", "new_ale", "reduction", "cost", "savings"},
	}
	if n := len(v["findings"].([]any)); n != 29 {
		t.Errorf("findings: %d entries, want the 29 quantified", n)
	}
	requireKeys(t, v, need)
}

func TestPointCSVAndTable(t *testing.T) {
	code, stdout, _ := runArgs("point", "--format", "csv", soes)
	if code != 0 || !strings.HasPrefix(stdout, "kind,id,title,") || strings.Count(stdout, "\nfinding,") != 29 {
		t.Errorf("csv: exit %d, %d finding rows", code, strings.Count(stdout, "\nfinding,"))
	}
	code, stdout, _ = runArgs("point", soes)
	if code != 0 || !strings.Contains(stdout, "2.7-4") || !strings.Contains(stdout, "12M") {
		t.Errorf("table: exit %d:\n%s", code, stdout)
	}
}

// TestRunJSONContract checks the names the engine issue fixes for run's JSON.
func TestRunJSONContract(t *testing.T) {
	code, stdout, stderr := runArgs("run", "--trials", contractTrials(), "--format", "json", soes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	need := map[string][]string{
		"scenario":    {"name", "sha256"},
		"run":         {"trials", "seed", "workers", "version", "wall_seconds"},
		"ale":         {"mean", "ci95", "p05", "p50", "p95"},
		"annual_loss": {"mean", "ci95", "p50", "p90", "p95", "p99", "var95", "tvar95", "var99", "tvar99"},
		"exceedance":  {"loss", "probability"},
		"findings":    {"id", "site", "class", "point_ale", "ale", "annual_loss"},
		"sites":       {"id", "ale", "annual_loss"},
		"classes":     {"id", "ale", "annual_loss"},
	}
	requireKeys(t, v, need)
	for _, f := range v["findings"].([]any) {
		requireKeys(t, f.(map[string]any), map[string][]string{
			"ale":         {"mean", "ci95", "p05", "p50", "p95"},
			"annual_loss": {"mean", "p95", "p99"},
		})
	}
	if fmt.Sprint(v["run"].(map[string]any)["trials"]) != contractTrials() {
		t.Errorf("trials %v", v["run"])
	}
}

func TestRunTableAndFlags(t *testing.T) {
	code, stdout, stderr := runArgs("run", "--trials", "10000", "--workers", "2", soes)
	if code != 0 || !strings.Contains(stdout, "ALE (expected annual loss)") || !strings.Contains(stdout, "capped; x0.19") {
		t.Errorf("exit %d stderr %q:\n%s", code, stderr, stdout)
	}
	for _, args := range [][]string{{"run", "--trials", "0", soes}, {"run", "--precision", "2", soes}, {"run", "--format", "xml", soes}} {
		if code, _, _ := runArgs(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want usage", args, code)
		}
	}
}

// TestRunSafeguardsContract: every safeguard of the report with the fields the cost-benefit issue
// fixes; the Threeville contingency plan once across 2.2-1 and 2.3-2; a budget names a best set.
func TestRunSafeguardsContract(t *testing.T) {
	code, stdout, stderr := runArgs("run", "--trials", contractTrials(), "--budget", "50000", "--format", "json", soes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		Safeguards []map[string]any `json:"safeguards"`
		Portfolios []map[string]any `json:"portfolios"`
		Budget     map[string]any   `json:"budget"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Safeguards) != 30 {
		t.Errorf("%d safeguards, want the report's 30 (28 recommended, 2 alternatives)", len(v.Safeguards))
	}
	plans := 0
	for _, sg := range v.Safeguards {
		for _, k := range []string{"id", "findings", "point_savings", "point_ratio", "savings", "p_positive", "ratio", "rank"} {
			if _, ok := sg[k]; !ok {
				t.Errorf("safeguard %v lacks %q", sg["id"], k)
			}
		}
		for _, k := range []string{"mean", "ci95", "p05", "p50", "p95"} {
			if _, ok := sg["savings"].(map[string]any)[k]; !ok {
				t.Errorf("safeguard %v savings lacks %q", sg["id"], k)
			}
		}
		for _, k := range []string{"mean", "p05", "p95"} {
			if _, ok := sg["ratio"].(map[string]any)[k]; !ok {
				t.Errorf("safeguard %v ratio lacks %q", sg["id"], k)
			}
		}
		fs := sg["findings"].([]any)
		for _, f := range fs {
			if f == "2.2-1" || f == "2.3-2" {
				plans++
				if len(fs) != 2 {
					t.Errorf("Threeville plan %v acts on %v", sg["id"], fs)
				}
			}
		}
	}
	if plans != 2 {
		t.Errorf("2.2-1 and 2.3-2 appear %d times across safeguards, want once each in one plan", plans)
	}
	if len(v.Portfolios) != 1 || v.Portfolios[0]["members"] == nil {
		t.Errorf("portfolios %v", v.Portfolios)
	}
	best, ok := v.Budget["best"].(map[string]any)
	if !ok || v.Budget["amount"].(float64) != 50000 || len(best["members"].([]any)) == 0 {
		t.Fatalf("budget %v", v.Budget)
	}
	if _, ok := best["savings"].(map[string]any)["ci95"]; !ok {
		t.Errorf("best set has no interval: %v", best)
	}
	if _, ok := v.Budget["runners_up"]; !ok {
		t.Error("no runners_up")
	}
}

// TestSensitivityContract: the JSON names the scenarios issue fixes, inputs sorted by importance.
func TestSensitivityContract(t *testing.T) {
	code, stdout, stderr := runArgs("sensitivity", "--trials", "2000", "--target", "savings:rec-3-rotation", "--format", "json", "../../scenarios/usps-wets-access.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		Target string           `json:"target"`
		Trials int64            `json:"trials"`
		Inputs []map[string]any `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Target != "savings:rec-3-rotation" || v.Trials != 2000 || len(v.Inputs) == 0 {
		t.Fatalf("%+v", v)
	}
	prev := 1e300
	for _, in := range v.Inputs {
		for _, k := range []string{"name", "rank_correlation", "mean_at_p05", "mean_at_p95", "swing"} {
			if _, ok := in[k]; !ok {
				t.Errorf("input lacks %q", k)
			}
		}
		sw := in["swing"].(float64)
		if sw < 0 {
			sw = -sw
		}
		if sw > prev+1e-9 {
			t.Errorf("inputs not sorted by decreasing swing")
		}
		prev = sw
	}
	if code, _, _ := runArgs("sensitivity", "--target", "savings:nope", "../../scenarios/usps-wets-access.yaml"); code != exitUsage {
		t.Errorf("unknown target: exit %d", code)
	}
}

// TestDocExamples runs the worked example of the command's manual (doc.go), so it cannot rot.
func TestDocExamples(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	after := strings.SplitN(string(b), "A worked example:", 2)[1]
	ran := 0
	for _, line := range strings.Split(after, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "//"))
		if !strings.HasPrefix(line, "alesim ") {
			continue
		}
		args := strings.Fields(strings.TrimPrefix(line, "alesim "))
		for i, a := range args {
			if strings.HasPrefix(a, "scenarios/") {
				args[i] = "../../" + a
			}
			if a == "--out" {
				args[i+1] = filepath.Join(t.TempDir(), "out")
			}
			if a == "1000000" {
				args[i] = "20000" // the example's size, scaled down for a unit test
			}
		}
		if args[0] != "point" && args[0] != "run" && args[0] != "sensitivity" && args[0] != "compare" && args[0] != "voi" {
			continue
		}
		if args[0] == "sensitivity" || args[0] == "compare" || args[0] == "voi" || (args[0] == "run" && !contains(args, "--trials")) {
			args = append([]string{args[0], "--trials", "2000"}, args[1:]...)
		}
		if code, _, stderr := runArgs(args...); code != 0 {
			t.Errorf("alesim %v: exit %d\n%s", args, code, stderr)
		}
		ran++
	}
	if ran < 4 {
		t.Errorf("ran %d examples, want 4", ran)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestOutAndPlot: run --out writes every file; an existing directory is refused without --force;
// alesim plot re-draws the charts and report.html from summary.json alone.
func TestOutAndPlot(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	trials := "5000"
	if testing.Short() {
		trials = "1000"
	}
	code, _, stderr := runArgs("run", "--trials", trials, "--quiet", "--budget", "20000", "--sensitivity", "ale", "--out", dir, soes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"summary.json", "summary.csv", "report.html", "annual-loss.svg", "exceedance.png", "safeguards.svg", "ale-by-site.png", "ale-by-class.svg", "point-vs-simulated.png", "tornado.svg", "portfolio-savings.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty", f)
		}
	}
	if code, _, _ := runArgs("run", "--trials", trials, "--quiet", "--out", dir, soes); code != exitUsage {
		t.Errorf("existing results overwritten without --force (exit %d)", code)
	}
	os.Remove(filepath.Join(dir, "exceedance.svg"))
	os.WriteFile(filepath.Join(dir, "report.html"), []byte("stale"), 0o644)
	code, stdout, stderr := runArgs("plot", dir)
	if code != 0 || !strings.Contains(stdout, "re-drew 8 charts") {
		t.Fatalf("plot: exit %d %q %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "exceedance.svg")); err != nil {
		t.Error("plot did not re-draw exceedance.svg")
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(b), "Best set within a budget") || !strings.Contains(string(b), "tornado") {
		t.Error("re-drawn report lacks the budget or the tornado chart")
	}
}

// TestCatalogueThroughCLI: every malformed scenario of the catalogue, through validate and through
// run --out, exits with status 3 (2 where the file is unreadable as such), never panics, and
// writes no output; the catalogue's valid cases (empty .err) load.
func TestCatalogueThroughCLI(t *testing.T) {
	files, _ := filepath.Glob("../../model/testdata/bad/*.yaml")
	if len(files) < 40 {
		t.Fatalf("%d catalogue cases", len(files))
	}
	for _, f := range files {
		errb, _ := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
		valid := len(strings.TrimSpace(string(errb))) == 0
		code, _, stderr := runArgs("validate", f)
		if strings.Contains(stderr, "panic") {
			t.Fatalf("%s: panic:\n%s", f, stderr)
		}
		if valid {
			if code != 0 {
				t.Errorf("%s: valid case exits %d", f, code)
			}
			continue
		}
		if code != exitInvalid && code != exitFailure {
			t.Errorf("%s: validate exits %d, want %d", f, code, exitInvalid)
		}
		out := filepath.Join(t.TempDir(), "out")
		code, stdout, stderr := runArgs("run", "--trials", "1000", "--quiet", "--out", out, f)
		if code == 0 || strings.Contains(stderr, "panic") || stdout != "" {
			t.Errorf("%s: run exits %d, stdout %q", f, code, stdout)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("%s: run left %v", f, entries)
		}
	}
}

// requireKeys checks that v[top] (an object, or every element of a list of objects) has the keys
// need[top].
func requireKeys(t *testing.T, v map[string]any, need map[string][]string) {
	t.Helper()
	for top, keys := range need {
		objs := []any{v[top]}
		if arr, ok := v[top].([]any); ok {
			if len(arr) == 0 {
				t.Errorf("%s is empty", top)
			}
			objs = arr
		}
		for i, o := range objs {
			m, ok := o.(map[string]any)
			if !ok {
				t.Fatalf("%s[%d]: not an object", top, i)
			}
			for _, k := range keys {
				if _, ok := m[k]; !ok {
					t.Errorf("%s[%d] lacks %q", top, i, k)
				}
			}
		}
	}
}

// TestRateFromRunStart (issue 16): the rate counts the trials since the run started, so the first
// tick never reads billions of trials a second.
func TestRateFromRunStart(t *testing.T) {
	if got, want := rateText(2000000, 10000000, time.Second), "trials (2M/s, 4s left)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := rateText(0, 10, 0); got != "trials" {
		t.Errorf("got %q", got)
	}
}

// TestPlotRedrawsSame: plot re-draws a run's charts as the run drew them, hazards' names and all
// (usps-wets-access has a shared hazard among its sensitivity inputs, which the summary lists only
// through the sensitivity and VOI results' titles).
func TestPlotRedrawsSame(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runArgs("run", "--trials", "2000", "--quiet", "--sensitivity", "ale", "--voi", "--out", dir, "../../scenarios/usps-wets-access.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tornado, voi := read("tornado.svg"), read("voi.svg")
	if !strings.Contains(tornado, "eAccess and WETS fall out of sync") {
		t.Fatal("the run's tornado does not name the shared hazard")
	}
	if code, _, stderr := runArgs("plot", dir); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	if read("tornado.svg") != tornado || read("voi.svg") != voi {
		t.Error("plot re-drew the tornado or VOI chart differently from the run")
	}
}

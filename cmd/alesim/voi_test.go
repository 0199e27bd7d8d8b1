package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/alesim/alesim/report"
)

// TestVOIOut (issue 18): voi --out writes voi.json (the same figures as --format json), voi.csv and
// the ranked chart with the marker of complete results; a directory holding them is refused
// without --force and replaced with it; --force without --out, and an --out that is the scenario
// itself, are usage errors that write nothing.
func TestVOIOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "voi")
	args := []string{"voi", "--trials", "2000", "--workers", "2", "--format", "json", "--out", dir, wets}
	code, stdout, stderr := runArgs(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"voi.json", "voi.csv", "voi.svg", "voi.png", report.MarkerFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "voi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file, out map[string]any
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(file, out) || file["evpi"] == nil {
		t.Errorf("voi.json differs from --format json")
	}
	before, _ := os.ReadFile(filepath.Join(dir, "voi.csv"))
	// again, without --force: refused, nothing changed
	if code, _, stderr := runArgs(append([]string{"voi", "--seed", "7"}, args[1:]...)...); code != 2 {
		t.Errorf("over existing results without --force: exit %d (%s), want 2", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "voi.csv")); string(after) != string(before) {
		t.Error("a refused run changed voi.csv")
	}
	// with --force: replaced
	if code, _, stderr := runArgs(append([]string{"voi", "--seed", "7", "--force"}, args[1:]...)...); code != 0 {
		t.Fatalf("--force: exit %d (%s)", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "voi.csv")); string(after) == string(before) {
		t.Error("--force did not replace voi.csv (another seed gives other figures)")
	}
	if code, _, _ := runArgs("voi", "--force", wets); code != 2 {
		t.Errorf("--force without --out: exit %d, want 2", code)
	}
	scen := filepath.Join(t.TempDir(), "s.yaml")
	src, _ := os.ReadFile(wets)
	if err := os.WriteFile(scen, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runArgs("voi", "--trials", "200", "--out", scen, "--force", scen); code != 2 {
		t.Errorf("--out at the scenario: exit %d, want 2", code)
	}
	if got, _ := os.ReadFile(scen); string(got) != string(src) {
		t.Error("the scenario was touched")
	}
}

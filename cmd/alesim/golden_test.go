package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (go test ./cmd/alesim -update)")

// wallTime is the run table's one timing: ", 0.2 s" at the end of its first line.
var wallTime = regexp.MustCompile(`(?m)^(.*workers), [0-9.]+ s$`)

// TestGoldenTables: the text tables of point, run (with a budget) and sensitivity on a shipped
// scenario, with fixed trials, seed and workers, against testdata/*.stdout and *.stderr, compared
// separately. The run table's wall time is replaced by "<wall> s".
func TestGoldenTables(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
		args []string
	}{
		{"validate", 0, []string{"validate", soes}},
		{"point", 0, []string{"point", soes}},
		{"point-portfolio", 0, []string{"point", "--portfolio", "report", soes}},
		{"run", 0, []string{"run", "--trials", "3000", "--seed", "1983", "--workers", "2", "--quiet", "--budget", "20000", soes}},
		{"sensitivity", 0, []string{"sensitivity", "--trials", "500", "--seed", "7", "--workers", "2", "../../scenarios/usps-wets-access.yaml"}},
		{"bad-format", exitUsage, []string{"run", "--format", "xml", soes}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(c.args...)
			if code != c.code {
				t.Fatalf("alesim %v: exit %d, want %d\n%s", c.args, code, c.code, stderr)
			}
			stdout = wallTime.ReplaceAllString(stdout, "$1, <wall> s")
			golden(t, c.name+".stdout", []byte(stdout))
			golden(t, c.name+".stderr", []byte(stderr))
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/alesim -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s\nwant:\n%s", name, got, want)
	}
}

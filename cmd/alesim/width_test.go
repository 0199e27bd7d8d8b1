package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTerminalWidth (issue 16): every line that run, run --budget (with its held-out lines), run
// --voi --sensitivity, point, sensitivity and voi print to the terminal fits 120 columns (runes,
// trailing spaces included), on every shipped scenario. The trial counts are small: widths depend
// on the names and the number formats, which every count exercises. No two lines of the
// sensitivity and VOI tables read the same.
var cells = regexp.MustCompile(`\s{2,}`) // a table's column gap (cells hold single spaces only)

func TestTerminalWidth(t *testing.T) {
	paths, err := filepath.Glob("../../scenarios/*.yaml")
	if err != nil || len(paths) < 6 {
		t.Fatalf("shipped scenarios: %v %v", paths, err)
	}
	for _, path := range paths {
		for _, c := range []struct {
			name string
			args []string
		}{
			{"run", []string{"run", "--quiet", "--trials", "3000"}},
			{"budget", []string{"run", "--quiet", "--trials", "3000", "--budget", "50000"}},
			{"run-voi-sensitivity", []string{"run", "--quiet", "--trials", "2000", "--voi", "--sensitivity", "ale"}},
			{"point", []string{"point"}},
			{"sensitivity", []string{"sensitivity", "--trials", "1000"}},
			{"voi", []string{"voi", "--trials", "2000"}},
		} {
			name := filepath.Base(path) + "/" + c.name
			t.Run(name, func(t *testing.T) {
				code, stdout, stderr := runArgs(append(c.args, path)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				if !strings.Contains(stdout, "\n") {
					t.Fatalf("no output")
				}
				seen := map[string]bool{}
				for i, line := range strings.Split(stdout, "\n") {
					if n := utf8.RuneCountInString(line); n > 120 {
						t.Errorf("line %d is %d columns wide:\n%s", i+1, n, line)
					}
					// A row of the input tables trimmed to fit must still be told apart from the
					// others by its input and id (an id trimmed in the middle keeps its end, where
					// the ids of one owner's inputs differ).
					if f := cells.Split(line, -1); (c.name == "sensitivity" || c.name == "voi") && len(f) >= 5 && f[0] != "input" {
						key := f[0] + "  " + f[1]
						if seen[key] {
							t.Errorf("line %d: input and id %q read as an earlier row's:\n%s", i+1, key, line)
						}
						seen[key] = true
					}
				}
			})
		}
	}
}

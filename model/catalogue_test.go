package model

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The catalogue of bad input: each testdata/bad/NN-mistake.yaml is a malformed or suspicious
// scenario, and testdata/bad/NN-mistake.err holds the exact lines `alesim validate` must print for
// it (file:line: field.path: message), one a line. An empty .err file means the file must load:
// the catalogue also pins what is deliberately accepted (a UTF-8 BOM, CRLF line endings).
//
// After a deliberate change of wording, rewrite the .err files with
//
//	go test ./model -run TestCatalogue -update-bad
//
// and read the diff: every changed line is a message a user will see.
var updateBad = flag.Bool("update-bad", false, "rewrite testdata/bad/*.err from the loader's messages")

// caseBudget bounds the time one catalogue file may take to load. The slowest case (the alias
// bomb, the nesting scans) takes a few milliseconds; a loader that expands aliases or recurses
// without bound takes minutes or runs out of memory.
const caseBudget = 2 * time.Second

// loadLines loads path and returns the error lines, failing the test on a panic, on an error
// that is not a model.Errors, and on an error without a line.
func loadLines(t *testing.T, path string) []string {
	t.Helper()
	var (
		s   *Scenario
		err error
	)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Load(%s) panicked: %v", path, r)
			}
		}()
		s, err = Load(path)
	}()
	if err == nil {
		if s == nil {
			t.Fatalf("Load(%s) returned neither a scenario nor an error", path)
		}
		return nil
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Load(%s): got %T %v, want model.Errors", path, err, err)
	}
	if s != nil {
		t.Errorf("Load(%s) returned a scenario and an error", path)
	}
	if len(es) == 0 {
		t.Fatalf("Load(%s): empty model.Errors", path)
	}
	lines := make([]string, len(es))
	for i, e := range es {
		if e.Line <= 0 {
			t.Errorf("error without a line: %s", e)
		}
		if e.File != path {
			t.Errorf("error names file %q, want %q: %s", e.File, path, e)
		}
		if e.Msg == "" {
			t.Errorf("error without a message: %s", e)
		}
		lines[i] = e.Error()
		if strings.Contains(lines[i], "\n") {
			t.Errorf("error spans several lines: %q", lines[i])
		}
	}
	return lines
}

func TestCatalogue(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 45 {
		t.Fatalf("catalogue has %d cases, want at least 45", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			errPath := strings.TrimSuffix(path, ".yaml") + ".err"
			start := time.Now()
			got := loadLines(t, path)
			if d := time.Since(start); d > caseBudget {
				t.Errorf("loading took %v, want under %v", d, caseBudget)
			}
			if *updateBad {
				text := strings.Join(got, "\n")
				if len(got) > 0 {
					text += "\n"
				}
				if err := os.WriteFile(errPath, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(errPath)
			if err != nil {
				t.Fatalf("%v (create it with -update-bad, then check every line)", err)
			}
			var want []string
			if s := strings.TrimRight(string(b), "\n"); s != "" {
				want = strings.Split(s, "\n")
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors differ\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}

// TestCatalogueHasNoStrays: every .err has its .yaml, so a renamed case cannot leave an
// expectation behind that nothing checks.
func TestCatalogueHasNoStrays(t *testing.T) {
	errs, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.err"))
	for _, e := range errs {
		if _, err := os.Stat(strings.TrimSuffix(e, ".err") + ".yaml"); err != nil {
			t.Errorf("%s has no .yaml beside it", e)
		}
	}
}

// TestCatalogueGenerated covers inputs too big or too odd to commit: they are written into a
// temporary directory and loaded from there.
func TestCatalogueGenerated(t *testing.T) {
	const head = "scenario: {name: t, horizon_years: 5}\nsites: [{id: hq}]\n"
	finding := func(i int) string {
		return fmt.Sprintf("  - {id: F%d, title: finding %d, site: hq, afe: 0.5, loss: {dist: lognormal, p05: 1000, p95: 90000}}\n", i, i)
	}
	var huge strings.Builder
	huge.WriteString(head + "findings:\n")
	for i := 0; huge.Len() <= MaxFileSize; i++ {
		huge.WriteString(finding(i))
	}
	for _, c := range []struct {
		name string
		src  string
		want []string // expected lines; %s is the file's path
	}{
		// Too large: refused from its size before a byte is parsed. The whole file is at fault,
		// so this is the one error without a line.
		{"huge.yaml", huge.String(), []string{fmt.Sprintf("%%s: file is %d bytes, want at most %d (4 MiB)", huge.Len(), MaxFileSize)}},
		// Invalid UTF-8 after many valid lines: the line of the first bad byte.
		{"invalid-utf8-late.yaml", head + "findings:\n" + finding(1) + finding(2) + "  # caf\xe9\n", []string{"%s:6: file is not valid UTF-8 text (save it as UTF-8)"}},
		// A UTF-16 file (as Windows Notepad once saved): not UTF-8, found on the first line.
		{"utf16.yaml", "\xff\xfes\x00c\x00e\x00n\x00", []string{"%s:1: file is not valid UTF-8 text (save it as UTF-8)"}},
		// Megabytes of dashes and brackets stay under the size limit and are refused by the
		// nesting scan (the YAML parser would take quadratic time and memory on them).
		{"dashes.yaml", strings.Repeat("- ", 1_500_000), []string{"%s:1: 1500000 nested lists on one line, more than a scenario can have (at most 64)"}},
		{"brackets.yaml", "findings: " + strings.Repeat("[", 3_000_000), []string{"%s:1: brackets nested deeper than 64 levels"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.name)
			if err := os.WriteFile(path, []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Load panicked: %v", r)
					}
				}()
				_, err = Load(path)
			}()
			if d := time.Since(start); d > caseBudget {
				t.Errorf("loading took %v, want under %v", d, caseBudget)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %T %v, want model.Errors", err, err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			want := make([]string, len(c.want))
			for i, w := range c.want {
				want[i] = fmt.Sprintf(w, path)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors differ\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/alesim/alesim/internal/memlimit"
)

// TestCheckMemory (issue 13): --max-memory is parsed strictly (NaN, Inf and 0.5 switched the guard
// off), the effective limit refuses a run above it, and sizes print right (not "800BB").
func TestCheckMemory(t *testing.T) {
	for _, in := range []string{"NaN", "Inf", "0.5", "0", "-1GB", "x"} {
		if err := checkMemory(1<<20, in); err == nil {
			t.Errorf("--max-memory %q accepted", in)
		} else if exitCode(io.Discard, err) != exitUsage {
			t.Errorf("--max-memory %q: not a usage error: %v", in, err)
		}
	}
	if err := checkMemory(10<<30, "1GB"); err == nil {
		t.Error("a 10 GiB estimate passed a 1 GB limit")
	}
	err := checkMemoryAgainst(800e9, "", memlimit.Limit{Bytes: 250e6, Hard: 262144000, Source: "cgroup v2 memory.max of /job"})
	if err == nil || !strings.Contains(err.Error(), "800GB") || !strings.Contains(err.Error(), "cgroup") || strings.Contains(err.Error(), "BB") {
		t.Errorf("got %v, want a refusal naming 800GB and the cgroup", err)
	}
	if err := checkMemoryAgainst(100e6, "", memlimit.Limit{Bytes: 250e6, Hard: 262144000}); err != nil {
		t.Error(err)
	}
	debug.SetMemoryLimit(math.MaxInt64)
}

// groupScenario is a scenario whose two findings share an asset with random losses (so their ALE
// is estimated together, as one unit) and n1 + n2 safeguards acting on them.
func groupScenario(n1, n2 int) string {
	var b strings.Builder
	b.WriteString(`scenario: {name: group, horizon_years: 5}
sites: [{id: hq}]
assets: [{id: vault, site: hq, value: 100000}]
findings:
  - {id: F1, title: one, site: hq, asset: vault, afe: 2, loss: {dist: lognormal, p05: 1000, p95: 50000, point: 8000}}
  - {id: F2, title: two, site: hq, asset: vault, afe: 1, loss: {dist: lognormal, p05: 1000, p95: 50000, point: 8000}}
safeguards:
`)
	for i := range n1 + n2 {
		f := "F1"
		if i >= n1 {
			f = "F2"
		}
		fmt.Fprintf(&b, "  - {id: S%d, title: s, annual_cost: 10, effects: [{finding: %s, ale_reduction: 0.01}]}\n", i, f)
	}
	return b.String()
}

// TestSafeguardsPerGroupLimit (issue 13): the 24-safeguards-per-unit limit is checked by validate
// (exit 3, before any run), and its error names the asset group and its findings, not only the
// first finding.
func TestSafeguardsPerGroupLimit(t *testing.T) {
	dir := t.TempDir()
	over := filepath.Join(dir, "over.yaml")
	at := filepath.Join(dir, "at.yaml")
	os.WriteFile(over, []byte(groupScenario(13, 12)), 0o644)
	os.WriteFile(at, []byte(groupScenario(12, 12)), 0o644)
	code, _, stderr := runArgs("validate", over)
	if code != exitInvalid || !strings.Contains(stderr, `asset "vault" (F1, F2)`) || !strings.Contains(stderr, "25 safeguards") ||
		!strings.Contains(stderr, "over.yaml:3") {
		t.Errorf("validate over the limit: exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runArgs("run", "--trials", "100", "--quiet", over); code != exitInvalid {
		t.Errorf("run over the limit: exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runArgs("validate", at); code != exitOK {
		t.Errorf("validate at the limit: exit %d, stderr %s", code, stderr)
	}
}

// TestInterruptBeforeCommitWritesNothing (issue 13): a signal while the output files are being
// written (Ctrl-C was swallowed there) means nothing is committed and the staging is removed.
func TestInterruptBeforeCommitWritesNothing(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	ctx, cancel := context.WithCancel(context.Background())
	st, abort, err := stageOut(ctx, "run", out, false)
	if err != nil {
		t.Fatal(err)
	}
	st.WriteFile("summary.json", func(w io.Writer) error { _, err := io.WriteString(w, "{}"); return err })
	cancel()
	if err := commitOut(ctx, st); !errors.Is(err, context.Canceled) {
		t.Errorf("commit after the interrupt: %v", err)
	}
	abort()
	if es, _ := os.ReadDir(root); len(es) != 0 {
		t.Errorf("left %v", es)
	}
	// A refused --out is a usage error, a failing file system a runtime failure.
	if _, _, err := stageOut(context.Background(), "run", "/proc", true); exitCode(io.Discard, err) != exitUsage {
		t.Errorf("/proc as --out: %v", err)
	}
	if _, _, err := stageOut(context.Background(), "run", "/proc/self/x", false); exitCode(io.Discard, err) != exitFailure {
		t.Errorf("unwritable parent: %v", err)
	}
}

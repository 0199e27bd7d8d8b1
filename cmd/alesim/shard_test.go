package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/alesim/alesim/analysis"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/alesim/alesim/sim"
)

// TestMain lets the test binary act as the alesim command, so tests can run it as separate
// processes.
func TestMain(m *testing.M) {
	if os.Getenv("ALESIM_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Stdout, os.Stderr, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func cli(t *testing.T, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "ALESIM_TEST_AS_CLI=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("alesim %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// TestShardProcessesMergeToSingleRun: four shards run as separate processes (two of them taking
// their index from the Slurm environment, one from Kubernetes') and merged give the JSON of a
// single run, but for wall time and workers.
func TestShardProcessesMergeToSingleRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	trials := "60000"
	if testing.Short() {
		trials = "40000" // four blocks, one a shard
	}
	args := []string{"--trials", trials, "--seed", "9", "--quiet"}
	shard := func(k int, env []string, flag string) string {
		out := filepath.Join(dir, "shard", string(rune('0'+k)))
		cli(t, env, append(append([]string{"run"}, args...), "--shard", flag, "--out", out, soes)...)
		return out
	}
	dirs := []string{
		shard(1, nil, "1/4"),
		shard(2, []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=0"}, "env"),
		shard(3, []string{"JOB_COMPLETION_INDEX=2", "JOB_COMPLETIONS=4"}, "env"),
		shard(4, []string{"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=4"}, "env"),
	}
	merged := cli(t, nil, append([]string{"merge", "--format", "json", "--out", filepath.Join(dir, "merged")}, dirs...)...)
	single := cli(t, nil, append(append([]string{"run"}, args...), "--format", "json", soes)...)
	norm := func(b []byte) string {
		var s analysis.Summary
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		s.Run.WallSeconds, s.Run.Workers = 0, 0
		out, _ := json.Marshal(s)
		return string(out)
	}
	if norm(merged) != norm(single) {
		t.Error("merged shards differ from the single run")
	}
	for _, f := range []string{"summary.json", "report.html", "exceedance.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "merged", f)); err != nil {
			t.Errorf("merge did not write %s", f)
		}
	}
}

func TestParseShard(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, c := range []struct {
		v    string
		env  map[string]string
		want sim.Shard
		bad  bool
	}{
		{v: "2/4", want: sim.Shard{K: 2, N: 4}},
		{v: "0/4", bad: true},
		{v: "5/4", bad: true},
		{v: "x", bad: true},
		{v: "env", env: map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"}, want: sim.Shard{K: 1, N: 3}},
		{v: "env", env: map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "3"}, want: sim.Shard{K: 3, N: 3}},
		{v: "env", env: map[string]string{"JOB_COMPLETION_INDEX": "7", "JOB_COMPLETIONS": "8"}, want: sim.Shard{K: 8, N: 8}},
		{v: "env", env: map[string]string{"JOB_COMPLETION_INDEX": "7"}, bad: true},
		{v: "env", bad: true},
	} {
		got, err := parseShard(c.v, env(c.env))
		if c.bad != (err != nil) || (!c.bad && got != c.want) {
			t.Errorf("parseShard(%q, %v) = %v, %v", c.v, c.env, got, err)
		}
	}
}

// TestInterruptLeavesNothing: Ctrl-C (SIGINT) during a run with --out stops it within a second,
// exits 130 and leaves no output directory and no staging directory.
func TestInterruptLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	cmd := exec.Command(os.Args[0], "run", "--trials", "500000000", "--quiet", "--out", out, "--trials-file", soes)
	cmd.Env = append(os.Environ(), "ALESIM_TEST_AS_CLI=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := cmd.Wait()
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("stopped %v after the interrupt, want within a second or so", waited)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit %v, want %d; stderr: %s", err, exitInterrupted, errb.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("interrupted run left %v", entries)
	}
}

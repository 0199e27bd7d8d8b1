// Package deploy holds the Slurm scripts and Kubernetes manifests that run alesim as shards
// (see README.md here). Its tests check what can be checked without a scheduler: the manifests
// parse and agree with each other, the batch scripts carry their key lines, and the scripts and the
// manifests' commands, run by hand with the variables a scheduler would set, give shards whose merge
// equals a single run. scripts/e2e-slurm.sh runs the Slurm part on a real one-node cluster.
package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
)

type envVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

type container struct {
	Name         string   `yaml:"name"`
	Image        string   `yaml:"image"`
	Command      []string `yaml:"command"`
	Args         []string `yaml:"args"`
	Env          []envVar `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type job struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    *int   `yaml:"completions"`
		Parallelism    *int   `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string      `yaml:"restartPolicy"`
				Containers    []container `yaml:"containers"`
				Volumes       []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func readJob(t *testing.T, path string) job {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j job
	if err := yaml.Unmarshal(b, &j); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		t.Fatalf("%s: apiVersion %q kind %q, want batch/v1 Job", path, j.APIVersion, j.Kind)
	}
	if n := len(j.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("%s: %d containers, want 1", path, n)
	}
	if p := j.Spec.Template.Spec.RestartPolicy; p != "Never" && p != "OnFailure" {
		t.Errorf("%s: restartPolicy %q: a Job needs Never or OnFailure", path, p)
	}
	return j
}

// argv is the container's command line (command then args).
func argv(c container) []string { return append(append([]string(nil), c.Command...), c.Args...) }

// flagValue returns the word after flag in args.
func flagValue(args []string, flag string) (string, bool) {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v, true
		}
	}
	return "", false
}

// dataClaim checks that the job mounts a PersistentVolumeClaim at /data and returns its name.
func dataClaim(t *testing.T, name string, j job) string {
	t.Helper()
	c := j.Spec.Template.Spec.Containers[0]
	vol := ""
	for _, m := range c.VolumeMounts {
		if m.MountPath == "/data" {
			vol = m.Name
		}
	}
	if vol == "" {
		t.Fatalf("%s: nothing mounted at /data", name)
	}
	for _, v := range j.Spec.Template.Spec.Volumes {
		if v.Name == vol {
			if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName == "" {
				t.Fatalf("%s: volume %q is not a PersistentVolumeClaim", name, vol)
			}
			return v.PersistentVolumeClaim.ClaimName
		}
	}
	t.Fatalf("%s: no volume %q", name, vol)
	return ""
}

func loadManifests(t *testing.T) (shards, merge job) {
	shards = readJob(t, "k8s/alesim-indexed-job.yaml")
	merge = readJob(t, "k8s/alesim-merge-job.yaml")
	return shards, merge
}

func TestIndexedJobManifest(t *testing.T) {
	j, _ := loadManifests(t)
	s := j.Spec
	if s.CompletionMode != "Indexed" {
		t.Errorf("completionMode %q, want Indexed", s.CompletionMode)
	}
	if s.Completions == nil || *s.Completions < 1 {
		t.Fatalf("completions must be set (an Indexed Job needs it)")
	}
	if s.Parallelism == nil || *s.Parallelism != *s.Completions {
		t.Errorf("parallelism %v, want %d (all shards at once)", s.Parallelism, *s.Completions)
	}
	c := s.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if n, err := strconv.Atoi(env["JOB_COMPLETIONS"]); err != nil || n != *s.Completions {
		t.Errorf("env JOB_COMPLETIONS=%q, want %d (= spec.completions): alesim --shard env reads the shard count from it", env["JOB_COMPLETIONS"], *s.Completions)
	}
	if _, ok := env["JOB_COMPLETION_INDEX"]; ok {
		t.Errorf("JOB_COMPLETION_INDEX is set by Kubernetes: do not set it in the manifest")
	}
	args := argv(c)
	if len(args) < 2 || args[0] != "alesim" || args[1] != "run" {
		t.Fatalf("command %q, want alesim run ...", args)
	}
	if v, _ := flagValue(args, "--shard"); v != "env" {
		t.Errorf("command %q: want --shard env", args)
	}
	if v, _ := flagValue(args, "--out"); v != "/data/shards/$(JOB_COMPLETION_INDEX)" {
		t.Errorf("--out %q, want /data/shards/$(JOB_COMPLETION_INDEX)", v)
	}
	for _, f := range []string{"--trials", "--seed"} {
		if v, ok := flagValue(args, f); !ok {
			t.Errorf("command %q: set %s explicitly, so every shard agrees", args, f)
		} else if _, err := strconv.ParseUint(v, 10, 64); err != nil {
			t.Errorf("%s %q is not a whole number", f, v)
		}
	}
	if last := args[len(args)-1]; !strings.HasSuffix(last, ".yaml") {
		t.Errorf("command %q: the last word should be the scenario file", args)
	}
}

func TestMergeJobManifest(t *testing.T) {
	shards, merge := loadManifests(t)
	if merge.Spec.CompletionMode == "Indexed" {
		t.Errorf("the merge Job is a single pod, not Indexed")
	}
	args := argv(merge.Spec.Template.Spec.Containers[0])
	if len(args) < 2 || args[0] != "alesim" || args[1] != "merge" {
		t.Fatalf("command %q, want alesim merge ...", args)
	}
	if v, _ := flagValue(args, "--out"); v != "/data/merged" {
		t.Errorf("--out %q, want /data/merged", v)
	}
	var dirs []string
	for _, a := range args[2:] {
		if strings.HasPrefix(a, "/data/shards/") {
			dirs = append(dirs, a)
		}
	}
	var want []string
	for i := 0; i < *shards.Spec.Completions; i++ {
		want = append(want, fmt.Sprintf("/data/shards/%d", i))
	}
	if !reflect.DeepEqual(dirs, want) {
		t.Errorf("merge reads %q, want one directory per completion index %q", dirs, want)
	}
	a, b := dataClaim(t, "indexed job", shards), dataClaim(t, "merge job", merge)
	if a != b {
		t.Errorf("the shard Job writes to claim %q, the merge Job reads claim %q", a, b)
	}
	if shards.Spec.Template.Spec.Containers[0].Image != merge.Spec.Template.Spec.Containers[0].Image {
		t.Errorf("the Jobs run different images: shards and merge must be of one alesim version")
	}
	pb, err := os.ReadFile("k8s/alesim-pvc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var pvc struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
	}
	if err := yaml.Unmarshal(pb, &pvc); err != nil {
		t.Fatal(err)
	}
	if pvc.Kind != "PersistentVolumeClaim" || pvc.Metadata.Name != a {
		t.Errorf("k8s/alesim-pvc.yaml: %s %q, want PersistentVolumeClaim %q", pvc.Kind, pvc.Metadata.Name, a)
	}
}

func TestSlurmScripts(t *testing.T) {
	checks := map[string][]string{
		"slurm/alesim-array.sbatch": {
			"#!/bin/bash\n",
			"\n#SBATCH --array=0-3\n",
			" run --shard env ",
			`out="$root/shards/task-$SLURM_ARRAY_TASK_ID"`,
		},
		"slurm/alesim-merge.sbatch": {
			"#!/bin/bash\n",
			`dirs=("$root"/shards/task-*)`,
			`"$bin" merge --force --out "$root/merged"`,
		},
		"slurm/submit.sh": {
			"sbatch --parsable --array=",
			`--dependency="afterok:$array_id"`,
			"alesim-array.sbatch",
			"alesim-merge.sbatch",
			`echo "$merge_id"`,
		},
	}
	for path, wants := range checks {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("%s: no %q", path, w)
			}
		}
		// #SBATCH lines after the first command are ignored by sbatch.
		if strings.HasSuffix(path, ".sbatch") {
			inHeader := true
			for i, line := range strings.Split(string(b), "\n") {
				switch {
				case strings.HasPrefix(line, "#SBATCH") && !inHeader:
					t.Errorf("%s:%d: #SBATCH after the first command is ignored by sbatch", path, i+1)
				case line != "" && !strings.HasPrefix(line, "#"):
					inHeader = false
				}
			}
		}
	}
}

func TestScriptsSyntax(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, p := range []string{"slurm/alesim-array.sbatch", "slurm/alesim-merge.sbatch", "slurm/submit.sh", "../scripts/e2e-slurm.sh"} {
		if out, err := exec.Command(bash, "-n", p).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", p, err, out)
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", p)
		}
	}
}

var build struct {
	sync.Once
	dir, bin string
	err      error
}

// buildAlesim builds cmd/alesim once for the tests of this package.
func buildAlesim(t *testing.T) string {
	t.Helper()
	build.Do(func() {
		if build.dir, build.err = os.MkdirTemp("", "alesim-deploy-test"); build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "alesim")
		if out, err := exec.Command("go", "build", "-o", build.bin, "../cmd/alesim").CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// summary reads alesim summary JSON without the fields that depend on the machine.
func summary(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("summary JSON: %v", err)
	}
	run, ok := m["run"].(map[string]any)
	if !ok {
		t.Fatalf("summary JSON has no run object")
	}
	delete(run, "wall_seconds")
	delete(run, "workers")
	return m
}

func run(t *testing.T, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s%s", name, args, err, out, stderr.Bytes())
	}
	return out
}

const (
	testTrials = "40000" // four blocks: one per shard
	testSeed   = "77"
)

func singleRun(t *testing.T, bin, scenario string) map[string]any {
	return summary(t, run(t, nil, bin, "run", "--trials", testTrials, "--seed", testSeed, "--quiet", "--format", "json", scenario))
}

// TestSlurmScriptsByHand runs the array script once per task with the variables Slurm sets (a
// 1-based array, to exercise SLURM_ARRAY_TASK_MIN), then the merge script, and compares the
// merged summary with a single run.
func TestSlurmScriptsByHand(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := buildAlesim(t)
	root, _ := filepath.Abs("..")
	scenario := filepath.Join(root, "scenarios", "soes-1983.yaml")
	out := t.TempDir()
	common := []string{"SLURM_SUBMIT_DIR=" + root, "ALESIM_BIN=" + bin, "ALESIM_OUT=" + out,
		"ALESIM_SCENARIO=" + scenario, "ALESIM_TRIALS=" + testTrials, "ALESIM_SEED=" + testSeed, "ALESIM_WORKERS=1"}
	for id := 1; id <= 4; id++ {
		env := append([]string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", id), "SLURM_ARRAY_TASK_COUNT=4",
			"SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=4", "SLURM_ARRAY_JOB_ID=100"}, common...)
		run(t, env, bash, "slurm/alesim-array.sbatch")
		if _, err := os.Stat(filepath.Join(out, "shards", fmt.Sprintf("task-%d", id), "shard.gob")); err != nil {
			t.Fatalf("task %d: %v", id, err)
		}
	}
	run(t, common, bash, "slurm/alesim-merge.sbatch")
	merged, err := os.ReadFile(filepath.Join(out, "merged", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(t, merged), singleRun(t, bin, scenario); !reflect.DeepEqual(got, want) {
		t.Errorf("the merged summary differs from a single run of the same scenario, seed and trials")
	}

	// A step in the array range would leave gaps in the shard numbers: refused.
	cmd := exec.Command(bash, "slurm/alesim-array.sbatch")
	cmd.Env = append(os.Environ(), append([]string{"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=2",
		"SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_STEP=2"}, common...)...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "step") {
		t.Errorf("an array with a step: err %v, output %s; want a refusal", err, out)
	}
}

// TestKubernetesCommandsByHand runs the manifests' commands as the kubelet would (with
// $(JOB_COMPLETION_INDEX) expanded and the Job's environment), with /data and the image's
// scenario folder mapped to temporary and repository paths.
func TestKubernetesCommandsByHand(t *testing.T) {
	shards, merge := loadManifests(t)
	bin := buildAlesim(t)
	root, _ := filepath.Abs("..")
	data := t.TempDir()
	mapPath := func(a string) string {
		switch {
		case strings.HasPrefix(a, "/data/"):
			return filepath.Join(data, strings.TrimPrefix(a, "/data/"))
		case strings.HasPrefix(a, "/opt/alesim/scenarios/"):
			return filepath.Join(root, "scenarios", strings.TrimPrefix(a, "/opt/alesim/scenarios/"))
		}
		return a
	}
	c := shards.Spec.Template.Spec.Containers[0]
	var env []string
	for _, e := range c.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	args := argv(c)
	// Fewer trials than the manifest's, so the test is quick; everything else as written.
	for i := range args {
		if args[i] == "--trials" {
			args[i+1] = testTrials
		}
	}
	var scenario, seed string
	for idx := 0; idx < *shards.Spec.Completions; idx++ {
		var cmdArgs []string
		for _, a := range args[1:] {
			cmdArgs = append(cmdArgs, mapPath(strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(idx))))
		}
		run(t, append([]string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", idx)}, env...), bin, cmdArgs...)
		scenario = cmdArgs[len(cmdArgs)-1]
		seed, _ = flagValue(cmdArgs, "--seed")
	}
	var margs []string
	for _, a := range argv(merge.Spec.Template.Spec.Containers[0])[1:] {
		margs = append(margs, mapPath(a))
	}
	run(t, nil, bin, margs...)
	merged, err := os.ReadFile(filepath.Join(data, "merged", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := summary(t, run(t, nil, bin, "run", "--trials", testTrials, "--seed", seed, "--quiet", "--format", "json", scenario))
	if got := summary(t, merged); !reflect.DeepEqual(got, want) {
		t.Errorf("the merged summary differs from a single run of the same scenario, seed and trials")
	}
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

// parseShard reads --shard: "K/N" (1 <= K <= N), or "env" to take it from a scheduler:
// SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN, default 0) with SLURM_ARRAY_TASK_COUNT for a
// Slurm job array, or JOB_COMPLETION_INDEX with JOB_COMPLETIONS for a Kubernetes indexed Job
// (whose manifest sets JOB_COMPLETIONS to the Job's completions). Indices there are 0-based, so
// K = index + 1.
func parseShard(v string, getenv func(string) string) (sim.Shard, error) {
	if v == "env" {
		atoi := func(name string) (int, error) {
			n, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
			if err != nil {
				return 0, fmt.Errorf("--shard env: %s=%q is not a whole number", name, getenv(name))
			}
			return n, nil
		}
		switch {
		case getenv("SLURM_ARRAY_TASK_ID") != "":
			id, err := atoi("SLURM_ARRAY_TASK_ID")
			if err != nil {
				return sim.Shard{}, err
			}
			n, err := atoi("SLURM_ARRAY_TASK_COUNT")
			if err != nil {
				return sim.Shard{}, err
			}
			lo := 0
			if getenv("SLURM_ARRAY_TASK_MIN") != "" {
				if lo, err = atoi("SLURM_ARRAY_TASK_MIN"); err != nil {
					return sim.Shard{}, err
				}
			}
			return checkShard(sim.Shard{K: id - lo + 1, N: n})
		case getenv("JOB_COMPLETION_INDEX") != "":
			idx, err := atoi("JOB_COMPLETION_INDEX")
			if err != nil {
				return sim.Shard{}, err
			}
			n, err := atoi("JOB_COMPLETIONS")
			if err != nil {
				return sim.Shard{}, fmt.Errorf("%v (set it in the Job's manifest to its completions)", err)
			}
			return checkShard(sim.Shard{K: idx + 1, N: n})
		}
		return sim.Shard{}, fmt.Errorf("--shard env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
	}
	k, n, ok := strings.Cut(v, "/")
	K, err1 := strconv.Atoi(k)
	N, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return sim.Shard{}, fmt.Errorf("--shard must be K/N (e.g. 2/4) or env (got %q)", v)
	}
	return checkShard(sim.Shard{K: K, N: N})
}

func checkShard(sh sim.Shard) (sim.Shard, error) {
	if sh.N < 1 || sh.K < 1 || sh.K > sh.N {
		return sh, fmt.Errorf("shard %d/%d: want 1 <= K <= N", sh.K, sh.N)
	}
	return sh, nil
}

// shardMeta is shard.json: what a person (or a merge) needs to know about a shard directory.
type shardMeta struct {
	Shard       string   `json:"shard"`
	Scenario    string   `json:"scenario"`
	SHA256      string   `json:"scenario_sha256"`
	Seed        uint64   `json:"seed"`
	Trials      int64    `json:"trials"`
	Blocks      [2]int64 `json:"blocks"`
	TrialsHere  int64    `json:"trials_in_shard"`
	Version     string   `json:"version"`
	WallSeconds float64  `json:"wall_seconds"`
}

// runShard writes a shard directory: shard.gob (the accumulators), scenario.yaml (the scenario,
// byte for byte, so the merge needs nothing else) and shard.json.
func runShard(ctx context.Context, stderr io.Writer, s *model.Scenario, path string, cfg sim.Config, rec *sim.Set, sh sim.Shard, out string, force bool) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(src); hex.EncodeToString(sum[:]) != s.SHA256 {
		return fmt.Errorf("%s changed since it was read, or is a pipe (which cannot be read twice): a shard keeps a copy of its scenario, so give --shard runs a file", path)
	}
	stage, abort, err := stageOut(ctx, "run", out, force, path)
	if err != nil {
		return err
	}
	defer abort()
	start := time.Now()
	r, err := sim.RunShard(ctx, s, cfg, sim.Options{Recommended: rec}, sh)
	if err != nil {
		return err
	}
	if err := stage.WriteFile("shard.gob", func(w io.Writer) error { return sim.WriteShard(w, r) }); err != nil {
		return err
	}
	if err := stage.WriteFile("scenario.yaml", func(w io.Writer) error { _, err := w.Write(src); return err }); err != nil {
		return err
	}
	meta := shardMeta{Shard: fmt.Sprintf("%d/%d", sh.K, sh.N), Scenario: s.Name, SHA256: s.SHA256, Seed: cfg.Seed,
		Trials: cfg.Trials, Blocks: [2]int64{r.FromBlock, r.ToBlock}, TrialsHere: r.TrialsInPart, Version: Version,
		WallSeconds: time.Since(start).Seconds()}
	if err := stage.WriteFile("shard.json", func(w io.Writer) error { return report.WriteJSON(w, meta) }); err != nil {
		return err
	}
	if err := commitOut(ctx, stage); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "alesim: shard %d/%d: blocks %d to %d (%d trials) written to %s\n", sh.K, sh.N, r.FromBlock, r.ToBlock-1, r.TrialsInPart, out)
	return nil
}

// runMerge combines shard directories into the outputs a single run would write.
func runMerge(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var out, format string
	var force bool
	fs := newFlags("merge", "SHARD_DIR...", stderr)
	fs.StringVar(&out, "out", "", "write the merged results (summary.json, summary.csv, results.xlsx, charts, report.html) into this directory")
	fs.BoolVar(&force, "force", false, "replace a --out directory that already holds results")
	fs.StringVar(&format, "format", "table", "output format on stdout: "+report.RunFormats.Names())
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usagef("merge: %v", err)
	}
	dirs := fs.Args()
	if len(dirs) == 0 {
		return usagef("merge: name the shard directories (each written by run --shard K/N --out DIR)")
	}
	w, err := report.RunFormats.Lookup(format)
	if err != nil {
		return usagef("merge: %v", err)
	}
	var stage *report.Staging
	if out != "" {
		var err error
		var abort func()
		if stage, abort, err = stageOut(ctx, "merge", out, force, dirs...); err != nil {
			return err
		}
		defer abort()
	}
	s, err := loadScenario(filepath.Join(dirs[0], "scenario.yaml"))
	if err != nil {
		return err
	}
	var shards []*sim.ShardResult
	for _, d := range dirs {
		path := filepath.Join(d, "shard.gob")
		if _, err := os.Lstat(path); err != nil {
			return fmt.Errorf("%s is not a shard directory: %w", d, err)
		}
		r, err := sim.ReadShardFile(path)
		if err != nil {
			return err
		}
		shards = append(shards, r)
	}
	cfg := sim.DefaultConfig()
	sum, err := analysis.Merge(s, cfg, shards)
	if err != nil {
		return err
	}
	sum.Run.Workers = 0
	if stage != nil {
		if err := report.WriteRun(stage, sum); err != nil {
			return err
		}
		if err := commitOut(ctx, stage); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "alesim: merged %d shards into %s\n", len(shards), out)
	}
	return w.Write(stdout, sum)
}

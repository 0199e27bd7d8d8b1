package sim

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// TestShortcutsChangeNoBit runs every shipped scenario with the trial loop's shortcuts (the short
// path of common finding shapes, the one-pass year, constant quantities skipped, certain ALE(theta)
// computed once per worker, sketch values added through the concrete stores) and without them
// (slowPath), and requires the two shard files, which hold every block's moments, every sketch and
// every exact total, to be the same bytes.
func TestShortcutsChangeNoBit(t *testing.T) {
	paths, err := filepath.Glob("../scenarios/*.yaml")
	if err != nil || len(paths) < 4 {
		t.Fatalf("shipped scenarios: %v %v", paths, err)
	}
	shard := func(path string, slow bool, workers int) []byte {
		t.Helper()
		slowPath = slow
		defer func() { slowPath = false }()
		cfg := DefaultConfig()
		cfg.Trials, cfg.Workers, cfg.Seed = 25000, workers, 11
		r, err := RunShard(context.Background(), load(t, path), cfg, Options{}, Shard{K: 1, N: 1})
		if err != nil {
			t.Fatal(err)
		}
		r.WallSeconds = 0
		var b bytes.Buffer
		if err := WriteShard(&b, r); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, path := range paths {
		fast := shard(path, false, 2)
		if slow := shard(path, true, 1); !bytes.Equal(fast, slow) {
			t.Errorf("%s: the trial loop's shortcuts change the results", path)
		}
	}
}

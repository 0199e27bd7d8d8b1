package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func testShards(t *testing.T, cfg Config) (*ShardResult, *ShardResult) {
	t.Helper()
	s := load(t, "../scenarios/usps-wets-access.yaml")
	a, err := RunShard(context.Background(), s, cfg, Options{}, Shard{K: 1, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := RunShard(context.Background(), s, cfg, Options{}, Shard{K: 2, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func encodeShard(t *testing.T, r *ShardResult) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteShard(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reseal encodes r with a valid header and checksum, as a crafted file would carry.
func reseal(t *testing.T, r *ShardResult) []byte {
	t.Helper()
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(r); err != nil {
		t.Fatal(err)
	}
	return sealPayload(payload.Bytes())
}

func sealPayload(p []byte) []byte {
	hdr := make([]byte, shardHeaderSize)
	copy(hdr, shardMagic)
	binary.BigEndian.PutUint32(hdr[8:], ShardFileVersion)
	binary.BigEndian.PutUint64(hdr[16:], uint64(len(p)))
	sum := sha256.Sum256(p)
	copy(hdr[24:], sum[:])
	return append(hdr, p...)
}

func decodeBytes(b []byte) (*ShardResult, error) {
	return DecodeShard(bytes.NewReader(b), int64(len(b)))
}

// TestShardFileRoundTrip: a shard written and read back merges like the one in memory.
func TestShardFileRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trials, cfg.Workers = 25000, 2
	a, b := testShards(t, cfg)
	path := filepath.Join(t.TempDir(), "shard.gob")
	if err := os.WriteFile(path, encodeShard(t, a), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadShardFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := load(t, "../scenarios/usps-wets-access.yaml")
	if _, _, _, err := Merge(s, DefaultConfig(), []*ShardResult{back, b}); err != nil {
		t.Fatal(err)
	}
}

// TestShardFileCrafted (issue 13): crafted shard files, with a valid checksum, that claim short
// arrays, dropped blocks or per-trial values, huge trial counts or impossible sketches are refused
// before anything is allocated by them, by an error naming the file; none panics.
func TestShardFileCrafted(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trials, cfg.Workers = 25000, 2
	s := load(t, "../scenarios/usps-wets-access.yaml")
	cases := []struct {
		name  string
		craft func(r *ShardResult)
		merge bool // refused by Merge (against the scenario's plan) rather than by the reader
	}{
		{"short moments", func(r *ShardResult) { r.Blocks[0].S1 = r.Blocks[0].S1[:1] }, false},
		{"dropped block", func(r *ShardResult) { r.Blocks = r.Blocks[1:] }, false},
		{"dropped trial values", func(r *ShardResult) { r.LossVals = r.LossVals[:len(r.LossVals)-1] }, false},
		{"huge trial count", func(r *ShardResult) { r.Trials = 1 << 62 }, false},
		{"huge trial count, consistent blocks", func(r *ShardResult) { r.Trials, r.ExactLimit = MaxTrials, MaxTrials }, false},
		{"negative trials", func(r *ShardResult) { r.Trials = -5 }, false},
		{"shard out of range", func(r *ShardResult) { r.Shard.K = 7 }, false},
		{"block of wrong size", func(r *ShardResult) { r.Blocks[0].N = 3 }, false},
		{"NaN moment", func(r *ShardResult) { r.Blocks[0].S1[0] = nan() }, false},
		{"NaN trial value", func(r *ShardResult) { r.ALEVals[3] = nan() }, false},
		{"short sketches", func(r *ShardResult) { r.Sketches = r.Sketches[:1] }, false},
		{"huge quantity count", func(r *ShardResult) { r.NQ = 1 << 40 }, false},
		{"recommended out of range", func(r *ShardResult) {
			r.Recommended, r.RecName, r.RecVals = []int{1 << 30}, "x", make([]float64, len(r.LossVals))
		}, true},
		{"sketch with a huge index", func(r *ShardResult) {
			for q, b := range r.Sketches {
				if b != nil {
					r.Sketches[q] = craftedSketch(1 << 40)
					return
				}
			}
		}, true},
		{"sketch dropped", func(r *ShardResult) {
			for q, b := range r.Sketches {
				if b != nil {
					r.Sketches[q] = nil
					return
				}
			}
		}, true},
		{"ratio sketch count", func(r *ShardResult) { r.Ratios = r.Ratios[:0] }, true},
	}
	a0, b := testShards(t, cfg)
	orig := encodeShard(t, a0)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := decodeBytes(orig)
			if err != nil {
				t.Fatal(err)
			}
			c.craft(a)
			path := filepath.Join(t.TempDir(), "shard.gob")
			if err := os.WriteFile(path, reseal(t, a), 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r, err := ReadShardFile(path)
			if err == nil {
				if !c.merge {
					t.Fatalf("crafted file accepted by the reader")
				}
				_, _, _, err = Merge(s, DefaultConfig(), []*ShardResult{r, b})
			}
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("crafted shard merged")
			}
			if !errors.Is(err, ErrShardDamaged) || !strings.Contains(err.Error(), path) {
				t.Errorf("error does not say the file is damaged, or does not name it: %v", err)
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
				t.Errorf("refusing it allocated %d MB", d>>20)
			}
		})
	}
}

// craftedSketch encodes a sketch (with the engine's mapping) holding one bin at index.
func craftedSketch(index int) []byte {
	sk := newSketch()
	var b []byte
	sk.Encode(&b, false)
	// positive store, index deltas and counts: flag, 1 bin, delta (zigzag varint), count 1.0
	b = append(b, 0x07) // FlagTypePositiveStore | BinEncodingIndexDeltasAndCounts
	b = append(b, 1)
	z := uint64(index) << 1
	for z >= 0x80 {
		b = append(b, byte(z)|0x80)
		z >>= 7
	}
	b = append(b, byte(z))
	b = append(b, 0x02) // varfloat64 1.0
	return b
}

// TestShardFileDamage: truncation, extension, another magic or version, and a foreign file are
// refused; the error names the file.
func TestShardFileDamage(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trials, cfg.Workers = 25000, 2
	a, _ := testShards(t, cfg)
	good := encodeShard(t, a)
	var oldGob bytes.Buffer
	if err := gob.NewEncoder(&oldGob).Encode(a); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":        {},
		"truncated":    good[:len(good)-1],
		"header only":  good[:shardHeaderSize],
		"extended":     append(append([]byte(nil), good...), 0),
		"plain gob":    oldGob.Bytes(),
		"garbage":      []byte(strings.Repeat("x", 200)),
		"junk payload": sealPayload([]byte("not a gob stream")),
	} {
		path := filepath.Join(t.TempDir(), "shard.gob")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadShardFile(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want an error naming %s", name, err, path)
		}
	}
}

// TestShardFileBitFlips (issue 13): single-bit flips of a shard file (every bit of the header and
// a fixed-seed sample of the rest) are all rejected by the reader; none panics. (The analysis
// package checks the other side: an accepted file merges to byte-identical results.)
func TestShardFileBitFlips(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trials, cfg.Workers, cfg.ExactLimit = 25000, 2, 1000 // sketched totals: a small file
	a, _ := testShards(t, cfg)
	good := encodeShard(t, a)
	rng := rand.New(rand.NewPCG(13, 13))
	var bits []int
	for i := 0; i < shardHeaderSize*8; i++ {
		bits = append(bits, i)
	}
	n := 4000
	if testing.Short() {
		n = 1500
	}
	for range n {
		bits = append(bits, shardHeaderSize*8+rng.IntN((len(good)-shardHeaderSize)*8))
	}
	buf := make([]byte, len(good))
	accepted := 0
	for _, bit := range bits {
		copy(buf, good)
		buf[bit/8] ^= 1 << (bit % 8)
		if _, err := decodeBytes(buf); err == nil {
			accepted++
		}
	}
	if accepted > 0 {
		t.Errorf("%d of %d single-bit flips accepted", accepted, len(bits))
	}
	t.Logf("%d flips of a %d-byte file, all rejected", len(bits), len(good))
}

func nan() float64 { var z float64; return z / z }

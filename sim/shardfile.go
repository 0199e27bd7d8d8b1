package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// Shard files. A shard's accumulators travel between processes (and machines) in a versioned
// container, so that a damaged or foreign file is refused instead of merged into wrong figures:
//
//	offset  size  field
//	0       8     magic "ALESIMSH"
//	8       4     container version, big endian (ShardFileVersion)
//	12      4     reserved, zero
//	16      8     payload length in bytes, big endian
//	24      32    SHA-256 of the payload
//	56      n     payload: the ShardResult, gob-encoded
//
// ReadShardFile checks, in this order and before allocating anything the file does not hold: the
// magic, the version, that the payload length is exactly the rest of the file, the checksum, and
// then every length and range of the decoded result against the plan it claims (ShardResult.check);
// Merge re-checks the result against the scenario's plan. Any mismatch is an error naming the file.

// ShardFileVersion is the version of the shard container (its header and checksum).
const ShardFileVersion = 1

const (
	shardMagic      = "ALESIMSH"
	shardHeaderSize = 8 + 4 + 4 + 8 + sha256.Size
	// maxShardPayload bounds a payload (a shard of 10 million exact trials is about 250 MB).
	maxShardPayload = 16 << 30
)

// MaxTrials is the largest trial count a run or a shard may claim: trial counts are accumulated in
// float64, which counts every integer exactly up to 2^53.
const MaxTrials = 1 << 53

// maxQuantities bounds the quantities a shard may claim before its plan is compiled.
const maxQuantities = 1 << 24

// WriteShard writes r to w as a shard container.
func WriteShard(w io.Writer, r *ShardResult) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(r); err != nil {
		return err
	}
	hdr := make([]byte, shardHeaderSize)
	copy(hdr, shardMagic)
	binary.BigEndian.PutUint32(hdr[8:], ShardFileVersion)
	binary.BigEndian.PutUint64(hdr[16:], uint64(payload.Len()))
	sum := sha256.Sum256(payload.Bytes())
	copy(hdr[24:], sum[:])
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(payload.Bytes())
	return err
}

// ReadShardFile reads and checks the shard container at path. Errors name the file.
func ReadShardFile(path string) (*ShardResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	r, err := DecodeShard(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.file = path
	return r, nil
}

// ErrShardDamaged is wrapped by every error about a shard file's container or contents.
var ErrShardDamaged = errors.New("damaged or foreign shard file")

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrShardDamaged, fmt.Sprintf(format, args...))
}

// DecodeShard reads a shard container of size bytes from rd and checks it (see ReadShardFile).
func DecodeShard(rd io.Reader, size int64) (r *ShardResult, err error) {
	if size < shardHeaderSize {
		return nil, damaged("%d bytes, shorter than the %d-byte header", size, shardHeaderSize)
	}
	hdr := make([]byte, shardHeaderSize)
	if _, err := io.ReadFull(rd, hdr); err != nil {
		return nil, damaged("reading the header: %v", err)
	}
	if string(hdr[:8]) != shardMagic {
		return nil, damaged("no shard header (magic %q, want %q): not written by alesim run --shard, or by a version before the container", hdr[:8], shardMagic)
	}
	if v := binary.BigEndian.Uint32(hdr[8:]); v != ShardFileVersion {
		return nil, damaged("container version %d, this alesim reads version %d", v, ShardFileVersion)
	}
	if z := binary.BigEndian.Uint32(hdr[12:]); z != 0 {
		return nil, damaged("reserved header field is %d, want 0", z)
	}
	n := binary.BigEndian.Uint64(hdr[16:])
	if n != uint64(size-shardHeaderSize) || n > maxShardPayload {
		return nil, damaged("header states a %d-byte payload, the file holds %d bytes after the header", n, size-shardHeaderSize)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(rd, payload); err != nil {
		return nil, damaged("reading the payload: %v", err)
	}
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], hdr[24:]) {
		return nil, damaged("SHA-256 of the payload does not match the header (the file was altered or damaged)")
	}
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, damaged("decoding: %v", p)
		}
	}()
	var out ShardResult
	dec := gob.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&out); err != nil {
		return nil, damaged("decoding: %v", err)
	}
	if err := out.check(); err != nil {
		return nil, err
	}
	return &out, nil
}

// blocksOf is the number of blocks of a run of trials (1 <= trials <= MaxTrials).
func blocksOf(trials int64) int64 {
	b := trials / BlockSize
	if trials%BlockSize != 0 {
		b++
	}
	return b
}

// check verifies every length and range of a decoded shard result against the plan it states
// (trials, shard, blocks, quantities), before a merge allocates or reads anything by them.
func (r *ShardResult) check() error {
	if r.Format != shardFormat {
		return damaged("payload format %d, want %d", r.Format, shardFormat)
	}
	if r.Shard.N < 1 || r.Shard.K < 1 || r.Shard.K > r.Shard.N {
		return damaged("shard %d/%d: want 1 <= K <= N", r.Shard.K, r.Shard.N)
	}
	if r.Trials < 1 || r.Trials > MaxTrials {
		return damaged("%d trials, want 1 to %d", r.Trials, int64(MaxTrials))
	}
	total := blocksOf(r.Trials)
	if int64(r.Shard.N) > total {
		return damaged("%d shards for %d blocks", r.Shard.N, total)
	}
	from, to := r.Shard.Blocks(total)
	if r.FromBlock != from || r.ToBlock != to {
		return damaged("shard %d/%d of %d trials covers blocks [%d, %d), the file states [%d, %d)", r.Shard.K, r.Shard.N, r.Trials, from, to, r.FromBlock, r.ToBlock)
	}
	lo, hi := from*BlockSize, min(to*BlockSize, r.Trials)
	if r.TrialsInPart != hi-lo {
		return damaged("%d trials in the shard, want %d", r.TrialsInPart, hi-lo)
	}
	if int64(len(r.Blocks)) != to-from {
		return damaged("%d blocks of moments, want %d", len(r.Blocks), to-from)
	}
	if r.NQ < 1 || r.NQ > maxQuantities {
		return damaged("%d quantities", r.NQ)
	}
	for i := range r.Blocks {
		b := &r.Blocks[i]
		first := (from + int64(i)) * BlockSize
		if want := float64(min(first+BlockSize, r.Trials) - first); b.N != want {
			return damaged("block %d holds %g trials, want %g", from+int64(i), b.N, want)
		}
		if len(b.Shift) != r.NQ || len(b.S1) != r.NQ || len(b.S2) != r.NQ {
			return damaged("block %d has %d/%d/%d moments, want %d", from+int64(i), len(b.Shift), len(b.S1), len(b.S2), r.NQ)
		}
		if b.Overflowed {
			continue // the merge reports the overflow
		}
		for q := 0; q < r.NQ; q++ {
			if !finite(b.Shift[q]) || !finite(b.S1[q]) || !finite(b.S2[q]) || b.S2[q] < 0 {
				return damaged("block %d, quantity %d: moments not finite or negative", from+int64(i), q)
			}
		}
	}
	exact := r.Trials <= r.ExactLimit
	want := int64(0)
	if exact {
		want = r.TrialsInPart
	}
	wantRec := int64(0)
	if exact && r.Recommended != nil {
		wantRec = r.TrialsInPart
	}
	if int64(len(r.LossVals)) != want || int64(len(r.ALEVals)) != want || int64(len(r.RecVals)) != wantRec {
		return damaged("%d/%d/%d per-trial totals, want %d/%d/%d", len(r.LossVals), len(r.ALEVals), len(r.RecVals), want, want, wantRec)
	}
	for _, vals := range [][]float64{r.LossVals, r.ALEVals, r.RecVals} {
		for i, x := range vals {
			if !(x >= 0) || math.IsInf(x, 0) {
				return damaged("trial %d: total %g, want a finite amount >= 0", lo+int64(i), x)
			}
		}
	}
	if len(r.Sketches) != r.NQ || len(r.SketchMin) != r.NQ || len(r.SketchMax) != r.NQ {
		return damaged("%d/%d/%d sketches, want %d", len(r.Sketches), len(r.SketchMin), len(r.SketchMax), r.NQ)
	}
	for q := range r.SketchMin {
		lo, hi := r.SketchMin[q], r.SketchMax[q]
		empty := math.IsInf(lo, 1) && math.IsInf(hi, -1)
		if !empty && (!finite(lo) || !finite(hi) || lo > hi) {
			return damaged("quantity %d: extremes %g and %g", q, lo, hi)
		}
	}
	if r.Clamped < 0 {
		return damaged("%d clamped draws", r.Clamped)
	}
	for _, m := range r.Recommended {
		if m < 0 {
			return damaged("recommended safeguard index %d", m)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// decodeSketch decodes an encoded sketch into a sparse store (whose size is that of the encoding,
// whatever the indices it claims) and checks it before it is merged into the dense stores of the
// result: the mapping is the engine's, every index lies within the range of float64, every count
// is finite and >= 0, and the total count is want (when want >= 0) and at most most.
func decodeSketch(b []byte, want, most float64) (*ddsketch.DDSketch, error) {
	ref := newSketch()
	sk, err := ddsketch.DecodeDDSketch(b, store.SparseStoreConstructor, ref.IndexMapping)
	if err != nil {
		return nil, damaged("sketch: %v", err)
	}
	maxIdx := ref.IndexMapping.Index(math.MaxFloat64) + 1
	minIdx := ref.IndexMapping.Index(ref.IndexMapping.MinIndexableValue()) - 1
	var bad error
	check := func(index int, count float64) bool {
		if index < minIdx || index > maxIdx || !finite(count) || count < 0 {
			bad = damaged("sketch bin %d with count %g", index, count)
			return true
		}
		return false
	}
	sk.GetPositiveValueStore().ForEach(check)
	if bad == nil {
		sk.GetNegativeValueStore().ForEach(check)
	}
	if bad != nil {
		return nil, bad
	}
	n := sk.GetCount()
	if z := sk.GetZeroCount(); !finite(n) || !finite(z) || z < 0 || n > most || (want >= 0 && n != want) {
		return nil, damaged("sketch holds %g values (zero count %g), want %g", n, z, want)
	}
	return sk, nil
}

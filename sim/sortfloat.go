package sim

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sorting the exact per-trial totals. sortFloats sorts in place (no copy: a 10M-trial run keeps
// three 80 MB arrays, and a sorted copy of each doubled them) with a most-significant-digit radix
// sort on the IEEE 754 bits (American flag sort). The values are first turned, in place, into keys
// that order as unsigned integers as the numbers do; each pass then finds the highest bit in which
// the slice's keys differ, counts them by the 8 bits from there down and permutes them into their
// 256 buckets by swaps; buckets of at most radixSmall keys go to slices.Sort. The first pass is one
// goroutine's; its buckets are then sorted by up to GOMAXPROCS goroutines. Last, the keys are
// turned back into the values. The result is the slice slices.Sort gives (a sorted slice of numbers
// is unique, but that -0 here comes before +0, which slices.Sort holds equal), for NaN-free input.

// radixSmall is the largest slice left to slices.Sort.
const radixSmall = 256

// sortFloats sorts v ascending in place using up to GOMAXPROCS goroutines.
func sortFloats(v []float64) { sortFloatsPar(v, runtime.GOMAXPROCS(0)) }

func sortFloatsPar(v []float64, par int) {
	if len(v) == 0 {
		return
	}
	// The same memory seen as unsigned integers: the float64 bits, then the keys.
	k := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
	for i, b := range k {
		// Positive numbers get the sign bit set, negative ones every bit flipped; a NaN gets key 0,
		// the smallest, so NaNs come first as with slices.Sort (and come back as one NaN).
		k[i] = b ^ (uint64(int64(b)>>63) | 1<<63)
		if b&^(1<<63) > 0x7ff0000000000000 {
			k[i] = 0
		}
	}
	if par <= 1 || len(k) < 1<<16 {
		radixSort(k)
	} else if start, ok := radixPass(k); ok {
		var buckets [][]uint64
		for d := range 256 {
			if start[d+1]-start[d] > 1 {
				buckets = append(buckets, k[start[d]:start[d+1]])
			}
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(buckets) {
						return
					}
					radixSort(buckets[i])
				}
			}()
		}
		wg.Wait()
	}
	for i, x := range k {
		// The sign bit set marks a positive number (clear it), else every bit was flipped.
		k[i] = x ^ (uint64(int64(^x)>>63) | 1<<63)
	}
}

// radixSort sorts keys in place on one goroutine. It allocates nothing (a pass's buckets are
// bounds on the stack: a list of them per pass was 0.5 GB of garbage per 10M keys).
func radixSort(k []uint64) {
	if len(k) <= radixSmall {
		slices.Sort(k)
		return
	}
	start, ok := radixPass(k)
	if !ok {
		return
	}
	for d := range 256 {
		if start[d+1]-start[d] > 1 {
			radixSort(k[start[d]:start[d+1]])
		}
	}
}

// radixPass permutes k into buckets by the 8 bits below and including their highest differing
// bit: bucket d is k[start[d]:start[d+1]]. ok is false when no bucket needs sorting (every key is
// equal, or the bits were the last ones).
func radixPass(k []uint64) (start [257]int, ok bool) {
	lo, hi := k[0], k[0]
	for _, x := range k[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	if lo == hi {
		return start, false
	}
	top := 63 - uint(bits.LeadingZeros64(lo^hi)) // the highest differing bit
	shift := uint(0)
	if top >= 8 {
		shift = top - 7
	}
	var next [256]int
	for _, x := range k {
		next[(x>>shift)&0xff]++
	}
	s := 0
	for d, c := range next {
		start[d], next[d] = s, s
		s += c
	}
	start[256] = s
	// Walk each bucket's unfilled part, sending every key to the next free slot of its own bucket
	// (taking the key found there) until the slot gets a key that belongs to it.
	for d := range 256 {
		end := start[d+1]
		for next[d] < end {
			x := k[next[d]]
			for e := int((x >> shift) & 0xff); e != d; e = int((x >> shift) & 0xff) {
				k[next[e]], x = x, k[next[e]]
				next[e]++
			}
			k[next[d]] = x
			next[d]++
		}
	}
	return start, shift > 0 // with shift 0 a bucket's keys agree in every bit
}

// Package memlimit finds how much memory this process may use, and parses memory sizes strictly.
//
// The effective limit is the smallest of:
//   - the cgroup v2 memory.max of the process's cgroup and of every ancestor, less the memory the
//     cgroup already uses (memory.current);
//   - the cgroup v1 memory.limit_in_bytes (and ancestors), less memory.usage_in_bytes;
//   - RLIMIT_AS (ulimit -v), less the address space already mapped (VmSize);
//   - MemAvailable from /proc/meminfo.
//
// Whichever is smallest names the limit in messages. "max" and the v1 "no limit" value (a page
// short of 2^63) mean no limit.
package memlimit

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// Limit is the memory the process may still use, and where the figure comes from.
type Limit struct {
	Bytes  int64  // 0 when nothing is known
	Source string // e.g. "cgroup v2 memory.max of /user.slice", "RLIMIT_AS", "MemAvailable"
	// Hard is the smallest hard ceiling (cgroup limit or RLIMIT_AS) without subtracting current
	// use, 0 when there is none; Go's soft memory limit is set from it.
	Hard int64
}

// Sources lets tests replace the files and calls read.
type Sources struct {
	Root    string // "/" normally; tests point it at a fake tree
	Rlimit  func() (cur uint64, ok bool)
	SelfPID string // "self"
}

// System is the running system.
var System = Sources{Root: "/", Rlimit: rlimitAS, SelfPID: "self"}

func rlimitAS() (uint64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err != nil {
		return 0, false
	}
	return r.Cur, true
}

// noLimit is what cgroup v1 reports for no limit (2^63 rounded down to a page) and above.
const noLimit = int64(1) << 62

// Effective returns the effective limit of the running process.
func Effective() Limit { return System.Effective() }

// Effective returns the smallest of the limits src shows (see the package comment).
func (src Sources) Effective() Limit {
	var best Limit
	consider := func(avail, hard int64, source string) {
		if avail <= 0 && hard <= 0 {
			return
		}
		if avail < 0 {
			avail = 0
		}
		if best.Source == "" || avail < best.Bytes {
			best.Bytes, best.Source = avail, source
		}
		if hard > 0 && (best.Hard == 0 || hard < best.Hard) {
			best.Hard = hard
		}
	}
	for _, c := range src.cgroups() {
		consider(c.limit-c.usage, c.limit, c.source)
	}
	if src.Rlimit != nil {
		if cur, ok := src.Rlimit(); ok && cur < uint64(noLimit) {
			used := src.statusBytes("VmSize:")
			consider(int64(cur)-used, int64(cur), "RLIMIT_AS (ulimit -v)")
		}
	}
	if avail := src.meminfo("MemAvailable:"); avail > 0 {
		consider(avail, 0, "the memory available (MemAvailable)")
	}
	return best
}

type cgroupLimit struct {
	limit, usage int64
	source       string
}

// cgroups returns the memory limits of the process's cgroups (v2 and v1) and their ancestors.
func (src Sources) cgroups() []cgroupLimit {
	f, err := os.Open(filepath.Join(src.Root, "proc", src.SelfPID, "cgroup"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []cgroupLimit
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// hierarchy-ID:controller-list:cgroup-path
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var base, limitFile, usageFile, kind string
		switch {
		case parts[0] == "0" && parts[1] == "":
			kind, limitFile, usageFile = "cgroup v2 memory.max", "memory.max", "memory.current"
			for _, b := range []string{"sys/fs/cgroup/unified", "sys/fs/cgroup"} {
				if _, err := os.Stat(filepath.Join(src.Root, b, "cgroup.controllers")); err == nil {
					base = filepath.Join(src.Root, b)
					break
				}
			}
		case hasController(parts[1], "memory"):
			kind, limitFile, usageFile = "cgroup v1 memory.limit_in_bytes", "memory.limit_in_bytes", "memory.usage_in_bytes"
			base = filepath.Join(src.Root, "sys/fs/cgroup/memory")
		default:
			continue
		}
		if base == "" {
			continue
		}
		for p := filepath.Clean("/" + parts[2]); ; p = filepath.Dir(p) {
			dir := filepath.Join(base, p)
			if l, ok := readLimit(filepath.Join(dir, limitFile)); ok {
				u, _ := readLimit(filepath.Join(dir, usageFile))
				out = append(out, cgroupLimit{l, u, kind + " of " + p})
			}
			if p == "/" {
				break
			}
		}
	}
	return out
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readLimit reads a cgroup figure; "max" or a value from 2^62 up is no limit (false).
func readLimit(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v >= noLimit {
		return 0, false
	}
	return v, true
}

func (src Sources) meminfo(key string) int64 {
	return kbField(filepath.Join(src.Root, "proc", "meminfo"), key)
}

func (src Sources) statusBytes(key string) int64 {
	return kbField(filepath.Join(src.Root, "proc", src.SelfPID, "status"), key)
}

// kbField reads "Key:   123 kB" from a /proc file, in bytes (0 when absent).
func kbField(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == key {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb < 0 || kb > math.MaxInt64>>10 {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// PeakRSS returns the process's peak resident set size (VmHWM), 0 when unknown.
func PeakRSS() int64 { return kbField("/proc/self/status", "VmHWM:") }

// MinSize is the smallest size ParseSize accepts: below it no run fits, so a smaller figure is a
// mistake (such as "0.5" meant as gigabytes), not a limit.
const MinSize = 1 << 20

var sizeRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]I?B?|B)?$`)

// ParseSize reads a size such as 512MB, 2GB, 1.5GiB, 64M or a plain number of bytes: a decimal
// number (no sign, exponent, NaN or Inf) and an optional unit. KB, MB, GB and TB are powers of
// 1000; KiB, MiB, GiB, TiB and the bare K, M, G, T are powers of 1024. The result must be at
// least MinSize and fit in an int64.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	m := sizeRE.FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("want a size such as 512MB or 2GB (got %q)", s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("want a size such as 512MB or 2GB (got %q)", s)
	}
	mult := 1.0
	if u := m[2]; u != "" && u != "B" {
		k := float64(strings.Index("KMGT", u[:1]) + 1)
		if strings.Contains(u, "I") || len(u) == 1 {
			mult = math.Pow(1024, k) // KiB, K
		} else {
			mult = math.Pow(1000, k) // KB
		}
	}
	b := v * mult
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if b < MinSize {
		return 0, fmt.Errorf("%q is less than 1 MiB: no run fits (sizes take a unit, e.g. 512MB or 2GB)", s)
	}
	return int64(b), nil
}

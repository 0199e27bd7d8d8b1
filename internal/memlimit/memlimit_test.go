package memlimit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MB": 512e6, "2GB": 2e9, "1.5GiB": 3 << 29, "1048576": 1 << 20,
		"64m": 64 << 20, "64MiB": 64 << 20, "1tb": 1e12, "2 G": 2 << 30, "3KiB": 0} {
		got, err := ParseSize(in)
		if want == 0 {
			if err == nil {
				t.Errorf("ParseSize(%q) = %d, want an error (below 1 MiB)", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// Issue 13: NaN, Inf and 0.5 switched the guard off.
	for _, in := range []string{"", "x", "-1GB", "0", "0.5", "NaN", "nan", "Inf", "+Inf", "-Inf", "1e9", "0x10", "1000",
		"99999999999999999999", "9999999999TB", "1..5GB", "GB", "5 GBs"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func write(t *testing.T, root, path, content string) {
	t.Helper()
	p := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEffective (issue 13): the smallest of cgroup v2, cgroup v1 (with ancestors), RLIMIT_AS and
// MemAvailable wins, less what is already used.
func TestEffective(t *testing.T) {
	cases := []struct {
		name   string
		files  map[string]string
		rlimit uint64
		want   int64
		source string
	}{
		{"meminfo only", map[string]string{"proc/meminfo": "MemTotal: 100 kB\nMemAvailable:  4000000 kB\n"},
			^uint64(0), 4000000 << 10, "MemAvailable"},
		{"cgroup v2 below meminfo", map[string]string{
			"proc/meminfo":                          "MemAvailable:  4000000 kB\n",
			"proc/self/cgroup":                      "0::/job/step\n",
			"sys/fs/cgroup/cgroup.controllers":      "memory",
			"sys/fs/cgroup/job/step/memory.max":     "max\n",
			"sys/fs/cgroup/job/step/memory.current": "0\n",
			"sys/fs/cgroup/job/memory.max":          "262144000\n",
			"sys/fs/cgroup/job/memory.current":      "12144000\n",
		}, ^uint64(0), 250000000, "cgroup v2 memory.max of /job"},
		{"cgroup v1", map[string]string{
			"proc/meminfo":     "MemAvailable:  4000000 kB\n",
			"proc/self/cgroup": "4:memory:/a\n1:cpu:/\n",
			"sys/fs/cgroup/memory/a/memory.limit_in_bytes": "300000000\n",
			"sys/fs/cgroup/memory/a/memory.usage_in_bytes": "100000000\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes":   "9223372036854771712\n",
		}, ^uint64(0), 200000000, "cgroup v1 memory.limit_in_bytes of /a"},
		{"rlimit", map[string]string{
			"proc/meminfo":     "MemAvailable:  4000000 kB\n",
			"proc/self/status": "VmSize:   100000 kB\nVmHWM: 5 kB\n",
		}, 500 << 20, 500<<20 - 100000<<10, "RLIMIT_AS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for p, s := range c.files {
				write(t, root, p, s)
			}
			src := Sources{Root: root, SelfPID: "self", Rlimit: func() (uint64, bool) { return c.rlimit, true }}
			got := src.Effective()
			if got.Bytes != c.want || !strings.Contains(got.Source, c.source) {
				t.Errorf("got %d (%s), want %d (%s)", got.Bytes, got.Source, c.want, c.source)
			}
		})
	}
	if l := Effective(); l.Bytes <= 0 {
		t.Errorf("no limit found on this system: %+v", l)
	}
}

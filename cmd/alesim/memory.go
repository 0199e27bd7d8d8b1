package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/alesim/alesim/internal/human"
)

// parseBytes reads sizes such as 512MB, 2GB, 1.5GiB or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range []struct {
		suffix string
		m      float64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			mult, t = u.m, strings.TrimSuffix(t, u.suffix)
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("want a size such as 512MB or 2GB (got %q)", s)
	}
	return int64(v * mult), nil
}

// availableMemory reads MemAvailable from /proc/meminfo (0 when unknown).
func availableMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// checkMemory refuses a run whose estimated peak exceeds the limit: --max-memory, or else 90% of
// the memory available now.
func checkMemory(estimate int64, flag string) error {
	limit := int64(0)
	source := "90% of the memory available"
	if flag != "" {
		l, err := parseBytes(flag)
		if err != nil {
			return usagef("--max-memory: %v", err)
		}
		limit, source = l, "--max-memory"
	} else if avail := availableMemory(); avail > 0 {
		limit = avail / 10 * 9
	}
	if limit > 0 && estimate > limit {
		return fmt.Errorf("this run would need about %sB of memory, more than %s (%sB): lower --trials (exact quantiles keep 24 bytes a trial up to 10 million trials), split it with --shard, or raise --max-memory",
			human.Money(float64(estimate), 2), source, human.Money(float64(limit), 2))
	}
	return nil
}

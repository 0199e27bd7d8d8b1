// Command summarydiff compares two alesim summary JSON files (a merged summary.json and the output
// of a single run) and exits 1 if they differ in anything but run.wall_seconds and run.workers,
// which depend on the machine. Numbers are compared by their text, so a difference in the last
// bit of a float counts. Used by scripts/e2e-slurm.sh:
//
//	go run ./deploy/summarydiff merged/summary.json single.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: summarydiff A.json B.json")
		os.Exit(2)
	}
	a, err := load(os.Args[1])
	if err == nil {
		var b any
		if b, err = load(os.Args[2]); err == nil {
			diffs := diff("", a, b, nil)
			if len(diffs) == 0 {
				fmt.Printf("summarydiff: %s and %s are equal (run.wall_seconds and run.workers aside)\n", os.Args[1], os.Args[2])
				return
			}
			fmt.Printf("summarydiff: %s and %s differ in %d places:\n", os.Args[1], os.Args[2], len(diffs))
			for i, d := range diffs {
				if i == 30 {
					fmt.Printf("  ... and %d more\n", len(diffs)-i)
					break
				}
				fmt.Println("  " + d)
			}
			os.Exit(1)
		}
	}
	fmt.Fprintln(os.Stderr, "summarydiff:", err)
	os.Exit(2)
}

func load(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not a JSON object", path)
	}
	run, ok := m["run"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: no \"run\" object: not an alesim summary", path)
	}
	delete(run, "wall_seconds")
	delete(run, "workers")
	return v, nil
}

func diff(path string, a, b any, out []string) []string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: object vs %s", name(path), short(b)))
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			x, inA := av[k]
			y, inB := bv[k]
			switch {
			case !inA:
				out = append(out, fmt.Sprintf("%s.%s: only in the second", path, k))
			case !inB:
				out = append(out, fmt.Sprintf("%s.%s: only in the first", path, k))
			default:
				out = diff(path+"."+k, x, y, out)
			}
		}
		return out
	case []any:
		bv, ok := b.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: array vs %s", name(path), short(b)))
		}
		if len(av) != len(bv) {
			return append(out, fmt.Sprintf("%s: %d vs %d elements", name(path), len(av), len(bv)))
		}
		for i := range av {
			out = diff(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out)
		}
		return out
	default:
		if !reflect.DeepEqual(a, b) {
			out = append(out, fmt.Sprintf("%s: %s vs %s", name(path), short(a), short(b)))
		}
		return out
	}
}

func name(path string) string {
	if path == "" {
		return "(top)"
	}
	return path
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

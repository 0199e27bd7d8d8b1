package main

import (
	"context"
	"fmt"
	"io"
)

func runValidate(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	fs := newFlags("validate", "SCENARIO", stderr)
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	q := 0
	for _, f := range s.Findings {
		if f.Status == 0 {
			q++
		}
	}
	for _, w := range s.Warnings() {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stdout, "%s: ok: %d findings (%d quantified), %d safeguards, %d portfolios\n",
		path, len(s.Findings), q, len(s.Safeguards), len(s.Portfolios))
	return nil
}

package main

import (
	"context"
	"io"

	"github.com/alesim/alesim/report"
)

type pointOptions struct {
	format    string
	portfolio string
}

func runPoint(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var o pointOptions
	fs := newFlags("point", "SCENARIO", stderr)
	fs.StringVar(&o.format, "format", "table", "output format: "+report.PointFormats.Names())
	fs.StringVar(&o.portfolio, "portfolio", "", "apply this portfolio's safeguards (default: every safeguard not marked alternative)")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	out, err := report.PointFormats.Lookup(o.format)
	if err != nil {
		return usagef("point: %v", err)
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	sel, err := s.Selection(o.portfolio)
	if err != nil {
		return usagef("point: %v", err)
	}
	return out.Write(stdout, s.Point(sel))
}

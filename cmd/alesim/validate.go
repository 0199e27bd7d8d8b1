package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report"
	"github.com/alesim/alesim/sim"
)

// reportedInvalid is an invalid scenario whose problems have been written already (validate
// --format json): exit status 3 without listing them again.
type reportedInvalid struct{ n int }

func (e *reportedInvalid) Error() string { return fmt.Sprintf("%d problem(s) in scenario", e.n) }

// validation is validate's JSON output.
type validation struct {
	File     string          `json:"file"`
	Valid    bool            `json:"valid"`
	Problems []*model.Error  `json:"problems"`
	Warnings []model.Warning `json:"warnings"`
	Counts   *struct {
		Findings   int `json:"findings"`
		Quantified int `json:"quantified"`
		Safeguards int `json:"safeguards"`
		Portfolios int `json:"portfolios"`
	} `json:"counts,omitempty"`
}

func runValidate(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	fs := newFlags("validate", "SCENARIO", stderr)
	format := fs.String("format", "text", "output format: text, or json (problems as objects: file, line, column, field, message; sheet and cell for a register)")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("validate: --format must be text or json (got %q)", *format)
	}
	s, err := loadScenario(path)
	if err == nil {
		// What only the engine's plan reveals (the safeguards-per-unit limit), before any run.
		err = sim.Check(s)
	}
	if *format == "json" {
		out := validation{File: path, Problems: []*model.Error{}, Warnings: []model.Warning{}}
		var me model.Errors
		switch {
		case errors.As(err, &me):
			out.Problems = me
		case err != nil:
			return err
		default:
			out.Valid = true
			out.Warnings = append(out.Warnings, s.Warnings()...)
			out.Counts = &struct {
				Findings   int `json:"findings"`
				Quantified int `json:"quantified"`
				Safeguards int `json:"safeguards"`
				Portfolios int `json:"portfolios"`
			}{len(s.Findings), quantified(s), len(s.Safeguards), len(s.Portfolios)}
		}
		if werr := report.WriteJSON(stdout, out); werr != nil {
			return werr
		}
		if !out.Valid {
			return &reportedInvalid{len(out.Problems)}
		}
		return nil
	}
	if err != nil {
		return err
	}
	for _, w := range s.Warnings() {
		fmt.Fprintln(stderr, w)
	}
	fmt.Fprintf(stdout, "%s: ok: %d findings (%d quantified), %d safeguards, %d portfolios\n",
		path, len(s.Findings), quantified(s), len(s.Safeguards), len(s.Portfolios))
	return nil
}

func quantified(s *model.Scenario) int {
	q := 0
	for _, f := range s.Findings {
		if f.Status == model.Quantified {
			q++
		}
	}
	return q
}

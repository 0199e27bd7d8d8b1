package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/model"
)

type pointOptions struct {
	format    string
	portfolio string
}

func runPoint(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	var o pointOptions
	fs := newFlags("point", "SCENARIO", stderr)
	fs.StringVar(&o.format, "format", "table", "output format: table, csv or json")
	fs.StringVar(&o.portfolio, "portfolio", "", "apply this portfolio's safeguards (default: every safeguard not marked alternative)")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if o.format != "table" && o.format != "csv" && o.format != "json" {
		return usagef("point: --format must be table, csv or json (got %q)", o.format)
	}
	s, err := loadScenario(path)
	if err != nil {
		return err
	}
	sel, err := s.Selection(o.portfolio)
	if err != nil {
		return usagef("point: %v", err)
	}
	r := s.Point(sel)
	switch o.format {
	case "json":
		return writeJSON(stdout, r)
	case "csv":
		return writePointCSV(stdout, r)
	default:
		return writePointTable(stdout, r)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func ratioText(r *float64, full bool) string {
	switch {
	case r == nil:
		return ""
	case full:
		return ftoa(*r)
	default:
		return human.Sig(*r, 2)
	}
}

func writePointCSV(w io.Writer, r *model.PointResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "id", "title", "site", "class", "afe", "loss", "ale", "new_ale", "loss_now", "loss_after",
		"reduction", "cost", "savings", "ratio", "safeguards", "shared_with", "covers"})
	for _, f := range r.Findings {
		cw.Write([]string{"finding", f.ID, f.Title, f.Site, f.Class, ftoa(f.AFE), ftoa(f.Loss), ftoa(f.ALE), ftoa(f.NewALE),
			ftoa(f.LossNow), ftoa(f.LossAfter), ftoa(f.Reduction), ftoa(f.Cost), ftoa(f.Savings), ratioText(f.Ratio, true),
			strings.Join(f.Safeguards, " "), strings.Join(f.SharedWith, " "), strings.Join(f.Covers, " ")})
	}
	for _, s := range r.Safeguards {
		cw.Write([]string{"safeguard", s.ID, s.Title, "", "", "", "", "", "", "", "",
			ftoa(s.Reduction), ftoa(s.Cost), ftoa(s.Savings), ratioText(s.Ratio, true), "", "", strings.Join(s.Findings, " ")})
	}
	t := r.Totals
	cw.Write([]string{"total", "", "", "", "", "", "", ftoa(t.ALE), ftoa(t.NewALE), ftoa(t.LossNow), ftoa(t.LossAfter),
		ftoa(t.Reduction), ftoa(t.Cost), ftoa(t.Savings), ratioText(t.Ratio, true), "", "", ""})
	cw.Flush()
	return cw.Error()
}

func short(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func writePointTable(w io.Writer, r *model.PointResult) error {
	m := func(x float64) string { return human.Money(x, 2) }
	fmt.Fprintf(w, "%s: point estimates (the 1983 arithmetic), %d-year figures at annuity factor %s, %s\n\n",
		r.Scenario.Name, r.Scenario.HorizonYears, human.Sig(r.Scenario.AnnuityFactor, 4), r.Scenario.Currency)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Finding\tSubject\tALE\tLoss now\tNew loss\tReduction\tCost\tSavings\tCost/savings\t")
	for _, f := range r.Findings {
		mark := ""
		if len(f.SharedWith) > 0 {
			mark = " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", f.ID, short(f.Title, 30), m(f.ALE), m(f.LossNow),
			m(f.LossAfter), m(f.Reduction), m(f.Cost), m(f.Savings)+mark, ratioText(f.Ratio, false))
	}
	t := r.Totals
	fmt.Fprintf(tw, "Total\t\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m(t.ALE), m(t.LossNow), m(t.LossAfter), m(t.Reduction),
		m(t.Cost), m(t.Savings), ratioText(t.Ratio, false))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range r.Findings {
		if len(f.SharedWith) > 0 {
			fmt.Fprintln(w, "\n* cost and savings of a safeguard acting on several findings, counted once:")
			break
		}
	}
	for _, s := range r.Safeguards {
		if len(s.Findings) > 1 {
			fmt.Fprintf(w, "  %s (%s): findings %s, cost %s, savings %s\n", s.ID, s.Title,
				strings.Join(s.Findings, ", "), m(s.Cost), m(s.Savings))
		}
	}
	fmt.Fprintln(w, "\nFigures rounded to two significant figures for display, as the report does; --format csv or json gives full precision.")
	return nil
}

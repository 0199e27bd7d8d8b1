package report

import (
	"encoding/csv"
	"github.com/alesim/alesim/analysis"
	"io"
	"strconv"
	"strings"

	"github.com/alesim/alesim/model"
)

// CSVHeader is the header of summary.csv (and of run --format csv): one row for the total, one
// for the year's largest single event (kind occurrence: the OEP's mean, P95 and P99 in the loss
// columns), one per finding, safeguard (kind safeguard, or insurance for a policy) and portfolio. Cells that do not apply to a row are empty; numbers are
// plain decimals in full precision (no exponent, so every spreadsheet reads them as numbers), and
// currency names the currency of every amount.
var CSVHeader = []string{"kind", "id", "title", "site", "class", "members",
	"point_ale", "ale_mean", "ale_ci95_low", "ale_ci95_high", "ale_p05", "ale_p50", "ale_p95",
	"loss_mean", "loss_p95", "loss_p99",
	"point_savings", "point_ratio", "savings_mean", "savings_ci95_low", "savings_ci95_high",
	"savings_p05", "savings_p50", "savings_p95", "p_positive", "ratio_mean", "ratio_p05", "ratio_p95", "rank", "currency"}

// ftoa formats a number in full precision as a plain decimal: the shortest digits that read back
// to the same float64, never an exponent (1876049.8570791837, not 1.8760498570791837e+06).
func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func fp(x *float64) string {
	if x == nil {
		return ""
	}
	return ftoa(*x)
}

// WriteCSV writes summary.csv.
func WriteCSV(w io.Writer, s *analysis.Summary) error {
	cw := csv.NewWriter(w)
	col := map[string]int{}
	for i, h := range CSVHeader {
		col[h] = i
	}
	emit := func(vals map[string]string) {
		vals["currency"] = s.Scenario.Currency
		row := make([]string, len(CSVHeader))
		for k, v := range vals {
			row[col[k]] = v
		}
		cw.Write(row)
	}
	cw.Write(CSVHeader)
	ale := func(m map[string]string, a analysis.ALEStats) {
		m["point_ale"], m["ale_mean"], m["ale_ci95_low"], m["ale_ci95_high"] = ftoa(a.Point), ftoa(a.Mean), ftoa(a.CI95[0]), ftoa(a.CI95[1])
		m["ale_p05"], m["ale_p50"], m["ale_p95"] = ftoa(a.P05), ftoa(a.P50), ftoa(a.P95)
	}
	tot := map[string]string{"kind": "total", "id": "total", "title": s.Scenario.Name,
		"loss_mean": ftoa(s.AnnualLoss.Mean), "loss_p95": ftoa(s.AnnualLoss.P95), "loss_p99": ftoa(s.AnnualLoss.P99)}
	ale(tot, s.ALE)
	emit(tot)
	o := s.Occurrence
	emit(map[string]string{"kind": "occurrence", "id": "largest_event", "title": "largest single event of a year (OEP)",
		"loss_mean": ftoa(o.Mean), "loss_p95": ftoa(o.P95), "loss_p99": ftoa(o.P99)})
	for _, x := range s.Findings {
		m := map[string]string{"kind": "finding", "id": x.ID, "title": x.Title, "site": x.Site, "class": x.Class,
			"loss_mean": ftoa(x.AnnualLoss.Mean), "loss_p95": ftoa(x.AnnualLoss.P95), "loss_p99": ftoa(x.AnnualLoss.P99)}
		ale(m, x.ALE)
		emit(m)
	}
	sg := func(kind string, x analysis.SafeguardStats) {
		emit(map[string]string{"kind": kind, "id": x.ID, "title": x.Title, "members": strings.Join(x.Members, " "),
			"point_savings": ftoa(x.PointSavings), "point_ratio": fp(x.PointRatio),
			"savings_mean": ftoa(x.Savings.Mean), "savings_ci95_low": ftoa(x.Savings.CI95[0]), "savings_ci95_high": ftoa(x.Savings.CI95[1]),
			"savings_p05": ftoa(x.Savings.P05), "savings_p50": ftoa(x.Savings.P50), "savings_p95": ftoa(x.Savings.P95),
			"p_positive": ftoa(x.PPositive), "ratio_mean": fp(x.Ratio.Mean), "ratio_p05": fp(x.Ratio.P05), "ratio_p95": fp(x.Ratio.P95),
			"rank": strconv.Itoa(x.Rank)})
	}
	for _, x := range s.Safeguards {
		kind := "safeguard"
		if x.Kind == "insurance" {
			kind = "insurance" // a policy: a safeguard of kind insurance
		}
		sg(kind, x)
	}
	for _, x := range s.Portfolios {
		sg("portfolio", x)
	}
	cw.Flush()
	return cw.Error()
}

// WritePointCSV writes point mode as CSV in plain decimals, full precision: one row per finding,
// per safeguard and the totals, each with the currency. A safeguard's money (cost, savings,
// ratio) is on its own row only, counted once however many findings it acts on; a finding's row
// carries the finding's own figures (ALE, new ALE, losses, reduction) and names its safeguards.
// Summing a column over the finding rows, or over the safeguard rows, never counts an amount
// twice. (The table output keeps the report's per-finding cost and savings.)
func WritePointCSV(w io.Writer, r *model.PointResult) error {
	cw := csv.NewWriter(w)
	cur := r.Scenario.Currency
	cw.Write([]string{"kind", "id", "title", "site", "class", "afe", "loss", "ale", "new_ale", "loss_now", "loss_after",
		"reduction", "cost", "savings", "ratio", "safeguards", "shared_with", "covers", "currency"})
	for _, f := range r.Findings {
		cw.Write([]string{"finding", f.ID, f.Title, f.Site, f.Class, ftoa(f.AFE), ftoa(f.Loss), ftoa(f.ALE), ftoa(f.NewALE),
			ftoa(f.LossNow), ftoa(f.LossAfter), ftoa(f.Reduction), "", "", "",
			strings.Join(f.Safeguards, " "), strings.Join(f.SharedWith, " "), strings.Join(f.Covers, " "), cur})
	}
	for _, s := range r.Safeguards {
		kind := "safeguard"
		if s.Kind == "insurance" {
			kind = "insurance"
		}
		cw.Write([]string{kind, s.ID, s.Title, "", "", "", "", "", "", "", "",
			ftoa(s.Reduction), ftoa(s.Cost), ftoa(s.Savings), fp(s.Ratio), "", "", strings.Join(s.Findings, " "), cur})
	}
	t := r.Totals
	cw.Write([]string{"total", "", "", "", "", "", "", ftoa(t.ALE), ftoa(t.NewALE), ftoa(t.LossNow), ftoa(t.LossAfter),
		ftoa(t.Reduction), ftoa(t.Cost), ftoa(t.Savings), fp(t.Ratio), "", "", "", cur})
	cw.Flush()
	return cw.Error()
}

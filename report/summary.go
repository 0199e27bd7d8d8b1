package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alesim/alesim/sim"
)

// WriteJSON writes the summary in the JSON contract, indented.
func WriteJSON(w io.Writer, s *sim.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// ReadSummary reads a summary.json written by WriteJSON.
func ReadSummary(path string) (*sim.Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s sim.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CSVHeader is the header of summary.csv: one row for the total, one per finding, safeguard and
// portfolio. Cells that do not apply to a row are empty; numbers are in full precision.
var CSVHeader = []string{"kind", "id", "title", "site", "class", "members",
	"point_ale", "ale_mean", "ale_ci95_low", "ale_ci95_high", "ale_p05", "ale_p50", "ale_p95",
	"loss_mean", "loss_p95", "loss_p99",
	"point_savings", "point_ratio", "savings_mean", "savings_ci95_low", "savings_ci95_high",
	"savings_p05", "savings_p50", "savings_p95", "p_positive", "ratio_mean", "ratio_p05", "ratio_p95", "rank"}

func f(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func fp(x *float64) string {
	if x == nil {
		return ""
	}
	return f(*x)
}

// WriteCSV writes summary.csv.
func WriteCSV(w io.Writer, s *sim.Summary) error {
	cw := csv.NewWriter(w)
	col := map[string]int{}
	for i, h := range CSVHeader {
		col[h] = i
	}
	emit := func(vals map[string]string) {
		row := make([]string, len(CSVHeader))
		for k, v := range vals {
			row[col[k]] = v
		}
		cw.Write(row)
	}
	cw.Write(CSVHeader)
	ale := func(m map[string]string, a sim.ALEStats) {
		m["point_ale"], m["ale_mean"], m["ale_ci95_low"], m["ale_ci95_high"] = f(a.Point), f(a.Mean), f(a.CI95[0]), f(a.CI95[1])
		m["ale_p05"], m["ale_p50"], m["ale_p95"] = f(a.P05), f(a.P50), f(a.P95)
	}
	tot := map[string]string{"kind": "total", "id": "total", "title": s.Scenario.Name,
		"loss_mean": f(s.AnnualLoss.Mean), "loss_p95": f(s.AnnualLoss.P95), "loss_p99": f(s.AnnualLoss.P99)}
	ale(tot, s.ALE)
	emit(tot)
	for _, x := range s.Findings {
		m := map[string]string{"kind": "finding", "id": x.ID, "title": x.Title, "site": x.Site, "class": x.Class,
			"loss_mean": f(x.AnnualLoss.Mean), "loss_p95": f(x.AnnualLoss.P95), "loss_p99": f(x.AnnualLoss.P99)}
		ale(m, x.ALE)
		emit(m)
	}
	sg := func(kind string, x sim.SafeguardStats) {
		emit(map[string]string{"kind": kind, "id": x.ID, "title": x.Title, "members": strings.Join(x.Members, " "),
			"point_savings": f(x.PointSavings), "point_ratio": fp(x.PointRatio),
			"savings_mean": f(x.Savings.Mean), "savings_ci95_low": f(x.Savings.CI95[0]), "savings_ci95_high": f(x.Savings.CI95[1]),
			"savings_p05": f(x.Savings.P05), "savings_p50": f(x.Savings.P50), "savings_p95": f(x.Savings.P95),
			"p_positive": f(x.PPositive), "ratio_mean": fp(x.Ratio.Mean), "ratio_p05": fp(x.Ratio.P05), "ratio_p95": fp(x.Ratio.P95),
			"rank": strconv.Itoa(x.Rank)})
	}
	for _, x := range s.Safeguards {
		sg("safeguard", x)
	}
	for _, x := range s.Portfolios {
		sg("portfolio", x)
	}
	cw.Flush()
	return cw.Error()
}

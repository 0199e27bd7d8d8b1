package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/sim"
)

func readCSVRows(t *testing.T, b []byte) (map[string]int, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	return col, recs[1:]
}

// TestPointCSVCountsOnce (issue 17): a safeguard's money is on its own row only, so the cost
// column summed over every row but the total is the total cost, the Threeville plan (one cost over
// findings 2.2-1 and 2.3-2) counted once; numbers are plain decimals with the currency beside.
func TestPointCSVCountsOnce(t *testing.T) {
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := s.Selection("")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Point(sel)
	var b bytes.Buffer
	if err := WritePointCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	col, rows := readCSVRows(t, b.Bytes())
	var sum float64
	plan := 0
	for _, row := range rows {
		if row[col["currency"]] != "USD" {
			t.Fatalf("row %v: currency %q", row[:2], row[col["currency"]])
		}
		for _, cell := range row {
			if strings.ContainsAny(cell, "eE") && strings.ContainsAny(cell, "0123456789") {
				if _, err := strconv.ParseFloat(cell, 64); err == nil {
					t.Fatalf("row %v: %q has an exponent", row[:2], cell)
				}
			}
		}
		if row[0] == "total" {
			continue
		}
		if c := row[col["cost"]]; c != "" {
			x, _ := strconv.ParseFloat(c, 64)
			sum += x
		}
		if row[0] == "finding" && strings.Contains(row[col["safeguards"]], "sg-threeville-plan") {
			plan++
		}
	}
	if plan != 2 {
		t.Errorf("%d finding rows name the Threeville plan, want 2", plan)
	}
	if math.Abs(sum-r.Totals.Cost) > 1e-6*r.Totals.Cost {
		t.Errorf("cost summed over the rows %v, total cost %v", sum, r.Totals.Cost)
	}
}

// TestSummaryCSVPlainDecimals: summary.csv's numbers have no exponent and each row names the
// currency.
func TestSummaryCSVPlainDecimals(t *testing.T) {
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 2000, 2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, sum); err != nil {
		t.Fatal(err)
	}
	col, rows := readCSVRows(t, b.Bytes())
	for _, row := range rows {
		if row[col["currency"]] != "USD" {
			t.Fatalf("row %v: currency %q", row[:2], row[col["currency"]])
		}
	}
	mean, err := strconv.ParseFloat(rows[0][col["ale_mean"]], 64)
	if err != nil || mean != sum.ALE.Mean || strings.ContainsAny(rows[0][col["ale_mean"]], "eE") {
		t.Errorf("ale_mean %q, summary %v", rows[0][col["ale_mean"]], sum.ALE.Mean)
	}
	if strings.Contains(b.String(), "e+") || strings.Contains(b.String(), "e-0") {
		t.Errorf("summary.csv holds an exponent")
	}
	// issue 18: the occurrence row, the OEP's mean, P95 and P99
	occ := rows[1]
	if occ[col["kind"]] != "occurrence" {
		t.Fatalf("second row %v, want the occurrence", occ[:3])
	}
	for c, want := range map[string]float64{"loss_mean": sum.Occurrence.Mean, "loss_p95": sum.Occurrence.P95, "loss_p99": sum.Occurrence.P99} {
		if got, err := strconv.ParseFloat(occ[col[c]], 64); err != nil || got != want || want <= 0 {
			t.Errorf("occurrence %s %q, summary %v", c, occ[col[c]], want)
		}
	}
}

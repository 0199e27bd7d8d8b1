package report

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/parquet-go/parquet-go"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/internal/human"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/report/charts"
	"github.com/alesim/alesim/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// engineSummary is what a user sees: a real engine run of a small shipped scenario (the OIG's
// recommended set beside the baseline, a budget search), with fixed trials, seed and workers. The
// wall time, the one figure that is a timing, is zeroed; the version is fixed.
func engineSummary(t *testing.T) *analysis.Summary {
	t.Helper()
	s, err := model.Load("../scenarios/usps-wets-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Version = 3000, 7, 2, "golden"
	sel, err := s.Selection("oig-recommendations")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{Budget: 20000, Recommended: &sim.Set{Name: "oig-recommendations", Members: sel}})
	if err != nil {
		t.Fatal(err)
	}
	sum.Run.WallSeconds = 0
	return sum
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestGoldenCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, engineSummary(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.csv", b.Bytes())
}

func TestGoldenJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, engineSummary(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.json", b.Bytes())
	// ReadSummary gives back what was written.
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, b.Bytes(), 0o644)
	back, err := ReadSummary(path)
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	WriteJSON(&b2, back)
	if !bytes.Equal(b.Bytes(), b2.Bytes()) {
		t.Error("summary.json does not round-trip")
	}
}

// TestAtomicWriteFailure: a failure part-way through leaves the previous file, and no stray
// temporary file.
func TestAtomicWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	os.WriteFile(path, []byte("previous"), 0o644)
	err := WriteFileAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a fi"))
		return errors.New("disk on fire")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Errorf("file now holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("stray files left: %v", entries)
	}
	// Absent before, a failure leaves nothing.
	other := filepath.Join(dir, "new.json")
	WriteFileAtomic(other, func(w io.Writer) error { return errors.New("fail") })
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Error("failed write left a file")
	}
}

// TestStaging: results appear all at once; an aborted run leaves nothing; an existing directory
// with results is refused without force and replaced as a whole with it.
func TestStaging(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	st, err := Stage(out, false)
	if err != nil {
		t.Fatal(err)
	}
	st.WriteFile("a.txt", func(w io.Writer) error { _, err := w.Write([]byte("1")); return err })
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("output visible before commit")
	}
	st.Abort()
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Fatalf("abort left %v", entries)
	}
	st, _ = Stage(out, false)
	st.WriteFile("a.txt", func(w io.Writer) error { _, err := w.Write([]byte("1")); return err })
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := Stage(out, false); !errors.Is(err, ErrExists) {
		t.Errorf("existing results not refused: %v", err)
	}
	st, err = Stage(out, true)
	if err != nil {
		t.Fatal(err)
	}
	st.WriteFile("b.txt", func(w io.Writer) error { _, err := w.Write([]byte("2")); return err })
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 || entries[0].Name() != MarkerFile || entries[1].Name() != "b.txt" {
		t.Errorf("after forced replace: %v", entries)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("leftovers beside the output: %v", entries)
	}
}

// runWithSink runs the reference scenario writing trials.parquet.
func runWithSink(t *testing.T, trials int64) (string, *analysis.Summary) {
	t.Helper()
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trials.parquet")
	sink := NewParquetSink(path, map[string]string{"seed": "11", "scenario_sha256": s.SHA256, "trials": "x", "version": "test"})
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers, cfg.Sink = trials, 11, 3, sink
	sel, _ := s.Selection("report")
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{Recommended: &sim.Set{Name: "report", Members: sel}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sink.Close()
	if err != nil || rows != trials {
		t.Fatalf("closed with %d rows, %v", rows, err)
	}
	return path, sum
}

// TestParquetRoundTrip: every trial in order, columns named as documented, metadata present, and
// the mean of each total column equal to the summary's.
func TestParquetRoundTrip(t *testing.T) {
	const n = 35000 // 4 blocks, the last partial, 3 workers: blocks arrive out of order
	path, sum := runWithSink(t, n)
	f, _ := os.Open(path)
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != n {
		t.Fatalf("%d rows", pf.NumRows())
	}
	for _, k := range []string{"alesim.seed", "alesim.scenario_sha256", "alesim.trials", "alesim.version", "alesim.columns"} {
		if _, ok := pf.Lookup(k); !ok {
			t.Errorf("metadata %s missing", k)
		}
	}
	type row struct {
		Trial      int64   `parquet:"trial"`
		AnnualLoss float64 `parquet:"annual_loss"`
		ALE        float64 `parquet:"ale"`
		With       float64 `parquet:"annual_loss_with"`
		Loss274    float32 `parquet:"loss_2_7_4"`
		SavPlan    float32 `parquet:"savings_sg_threeville_plan"`
	}
	rows, err := parquet.Read[row](f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var sl, sa, sw float64
	for i, r := range rows {
		if r.Trial != int64(i) {
			t.Fatalf("row %d holds trial %d", i, r.Trial)
		}
		if r.Loss274 > 643000*(1+1e-6) {
			t.Fatalf("trial %d: capped finding lost %v", i, r.Loss274)
		}
		sl += r.AnnualLoss
		sa += r.ALE
		sw += r.With
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"annual_loss", sl / n, sum.AnnualLoss.Mean}, {"ale", sa / n, sum.ALE.Mean}, {"annual_loss_with", sw / n, sum.Recommended.AnnualLoss.Mean}} {
		if math.Abs(c.got-c.want) > 1e-9*math.Abs(c.want) {
			t.Errorf("%s mean %v, summary %v", c.name, c.got, c.want)
		}
	}
}

// TestParquetIndependentReader: apache/arrow-go's Parquet implementation reads the file and finds
// the same row count and mean annual loss as the summary.
func TestParquetIndependentReader(t *testing.T) {
	const n = 25000
	path, sum := runWithSink(t, n)
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.NumRows() != n {
		t.Fatalf("arrow-go reads %d rows", r.NumRows())
	}
	col := r.MetaData().Schema.ColumnIndexByName("annual_loss")
	if col < 0 {
		t.Fatal("no annual_loss column")
	}
	var total float64
	var count int64
	buf := make([]float64, 8192)
	for g := 0; g < r.NumRowGroups(); g++ {
		cr, err := r.RowGroup(g).Column(col)
		if err != nil {
			t.Fatal(err)
		}
		fr := cr.(*file.Float64ColumnChunkReader)
		for fr.HasNext() {
			k, _, err := fr.ReadBatch(int64(len(buf)), buf, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range buf[:k] {
				total += x
			}
			count += int64(k)
		}
	}
	if count != n || math.Abs(total/n-sum.AnnualLoss.Mean) > 1e-9*sum.AnnualLoss.Mean {
		t.Errorf("arrow-go: %d values, mean %v; summary mean %v", count, total/n, sum.AnnualLoss.Mean)
	}
	if v := r.MetaData().KeyValueMetadata().FindValue("alesim.seed"); v == nil || *v != "11" {
		t.Errorf("seed metadata %v", v)
	}
}

// TestHTMLSelfContained: the report inlines every chart as SVG and fetches nothing.
func TestHTMLSelfContained(t *testing.T) {
	s, err := model.Load("../scenarios/soes-1983.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Workers = 10000, 2
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	charts := charts.All(sum)
	var b bytes.Buffer
	if err := WriteHTML(&b, sum, charts); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	if got := strings.Count(h, "<svg"); got != len(charts) {
		t.Errorf("%d inline SVGs, want %d", got, len(charts))
	}
	// Only the SVG namespace names may look like addresses; nothing may be fetched or run.
	bare := strings.NewReplacer(`http://www.w3.org/2000/svg`, "", `http://www.w3.org/1999/xlink`, "").Replace(h)
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "<img", "src="} {
		if strings.Contains(bare, bad) {
			t.Errorf("report contains %q: it must open from disk with no network", bad)
		}
	}
	for _, want := range []string{s.SHA256, "Provenance", "sg-threeville-plan", "Loss exceedance curve", "how"} {
		if !strings.Contains(h, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestHTMLBudgetTable: report.html's budget table names every set's safeguards by title and shows
// its savings on the years the choice never saw and the optimizer's curse, as the summary has them.
func TestHTMLBudgetTable(t *testing.T) {
	s, err := model.Load("../scenarios/usps-wets-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Trials, cfg.Seed, cfg.Workers = 30000, 7, 2 // 3 blocks: the choice on the even ones
	sum, err := analysis.Run(context.Background(), s, cfg, analysis.Options{Budget: 20000})
	if err != nil {
		t.Fatal(err)
	}
	b := sum.Budget
	if b == nil || b.Best.HeldOut == nil || len(b.RunnersUp) == 0 {
		t.Fatal("the engine summary has no budget search with held-out blocks and runners-up")
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sum, nil); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	i := strings.Index(h, "<h2>Best set within")
	if i < 0 {
		t.Fatal("no budget section")
	}
	table := h[i : i+strings.Index(h[i:], "</table>")]
	rows := strings.Split(table, "<tr>")[2:] // after the text before the table and the header row
	sets := append([]analysis.BudgetSet{b.Best}, b.RunnersUp...)
	if len(rows) != len(sets) {
		t.Fatalf("%d rows, want %d sets", len(rows), len(sets))
	}
	nm := namesOf(sum)
	cur := sum.Scenario.Currency
	for k, set := range sets {
		row := rows[k]
		for _, name := range nm.safeguards(set.Members) {
			if !strings.Contains(row, template.HTMLEscapeString(name)) {
				t.Errorf("row %d lacks safeguard %q", k, name)
			}
		}
		for _, id := range set.Members {
			if nm.safeguard[id] != id && strings.Contains(row, ">"+id+"<") {
				t.Errorf("row %d names safeguard %s by its id", k, id)
			}
		}
		for _, want := range []string{human.CurrencyN(set.HeldOut.Mean, cur, 3), human.Currency(set.OptimizersCurse.Mean, cur)} {
			if !strings.Contains(row, template.HTMLEscapeString(want)) {
				t.Errorf("row %d lacks %q", k, want)
			}
		}
	}
}

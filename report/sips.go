package report

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/alesim/alesim/analysis"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/model/dist"
	"github.com/alesim/alesim/model/sipmath"
	"github.com/alesim/alesim/sim"
)

// sips.json is a SIPmath 3.0 library (see package sipmath) of a run's trials, for spreadsheet
// models that take alesim's losses and savings without re-simulating:
//
//   - for each chosen per-trial column (by default the total annual loss "annual_loss", the total
//     ALE(theta) "ale" and each safeguard's savings "savings:ID"; --sip-of names others, as
//     trials.parquet names its columns), a SIP_Array SIP of that name with every trial in order,
//     drawn from the Index source "index" (trial PM_Index is the run's trial PM_Index - 1), so the
//     SIPs stay coherent with each other trial by trial;
//   - beside each, where a metalog fits, a Metalog_1_0 SIP "NAME (metalog)" of an HDR_2_0 source
//     of its own (entity 1, varId 1 + (FNV-1a(NAME) XOR seed) mod 10^7): the metalog of 2 to 10
//     terms, unbounded or bounded below at 0 (when every trial is positive), nearest the trials in
//     the Kolmogorov-Smirnov distance, fitted by least squares to 1000 of their empirical quantiles
//     (dist.FitMetalogData). Its metadata states the fit: terms, bounds, the KS distance to the
//     trials, and the share of trials at the minimum when they pile up there (a year without loss),
//     which no continuous metalog carries. Metalog SIPs are independent of each other (no copula):
//     for coherent trials use the SIP_Array SIPs;
//   - the library's provenance string and metadata: generator, version, scenario name and SHA-256,
//     seed, trials, block size, currency, and the SIP libraries the scenario itself read.

// ErrNoColumn marks a --sip-of name the run has no per-trial column for.
var ErrNoColumn = errors.New("no such per-trial column")

// SIPSink is a sim.TrialSink keeping the per-trial columns sips.json carries. It copies each
// block and hands it on to Next (the Parquet sink, when both are written), which then owns it.
type SIPSink struct {
	Next sim.TrialSink

	of    []string // the columns asked for; nil for the default
	safe  []string // the scenario's safeguard ids, for the default
	mu    sync.Mutex
	names []string
	idx   []int
	vals  [][]float64
	n     int64
}

// NewSIPSink keeps the columns named in of, or by default annual_loss, ale and every safeguard's
// savings.
func NewSIPSink(s *model.Scenario, of []string, next sim.TrialSink) *SIPSink {
	k := &SIPSink{Next: next, of: of}
	for _, sg := range s.Safeguards {
		k.safe = append(k.safe, sg.ID)
	}
	return k
}

// SIPMemory estimates what a SIPSink keeps: 8 bytes per trial per column (the default columns
// when of is nil).
func SIPMemory(s *model.Scenario, of []string, trials int64) int64 {
	n := len(of)
	if of == nil {
		n = 2 + len(s.Safeguards)
	}
	return 8 * trials * int64(n)
}

// Start implements sim.TrialSink: it finds the columns asked for among the run's, and refuses a
// name the run does not have.
func (k *SIPSink) Start(columns []string) error {
	want := k.of
	if want == nil {
		want = []string{"annual_loss", "ale"}
		for _, id := range k.safe {
			want = append(want, "savings:"+id)
		}
	}
	k.names, k.idx, k.vals, k.n = nil, nil, nil, 0
	for _, w := range want {
		i := slices.Index(columns, w)
		if i < 0 {
			return fmt.Errorf("--sip-of: %w %q (the run has %s)", ErrNoColumn, w, strings.Join(columns, ", "))
		}
		if slices.Contains(k.names, w) {
			continue
		}
		k.names = append(k.names, w)
		k.idx = append(k.idx, i)
		k.vals = append(k.vals, nil)
	}
	if k.Next != nil {
		return k.Next.Start(columns)
	}
	return nil
}

// WriteBlock implements sim.TrialSink: it copies the block's columns into place by trial index.
func (k *SIPSink) WriteBlock(ctx context.Context, b *sim.Block) error {
	k.mu.Lock()
	end := b.First + int64(b.N)
	for j, c := range k.idx {
		if int64(len(k.vals[j])) < end {
			k.vals[j] = append(k.vals[j], make([]float64, end-int64(len(k.vals[j])))...)
		}
		copy(k.vals[j][b.First:end], b.Cols[c][:b.N])
	}
	k.n = max(k.n, end)
	k.mu.Unlock()
	if k.Next != nil {
		return k.Next.WriteBlock(ctx, b)
	}
	return nil
}

// Columns returns the kept columns' names and their trials, in the order asked for.
func (k *SIPSink) Columns() ([]string, [][]float64) {
	out := make([][]float64, len(k.vals))
	for j, v := range k.vals {
		out[j] = v[:min(int64(len(v)), k.n)]
	}
	return k.names, out
}

// sipMaxTerms is the most terms tried when coding a SIP as a metalog.
const sipMaxTerms = 10

// hdrVarID is the varId of the HDR_2_0 source of SIP name in a run with the given seed.
func hdrVarID(name string, seed uint64) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return 1 + int64((h.Sum64()^seed)%10_000_000)
}

// describeColumn says what a per-trial column holds, for the SIP's metadata.
func describeColumn(name string) string {
	switch {
	case name == "annual_loss":
		return "the year's total loss"
	case name == "ale":
		return "the total ALE(theta), the expected annual loss given the trial's inputs"
	case name == "annual_loss_with":
		return "the year's total loss with the recommended safeguards in place"
	case strings.HasPrefix(name, "loss:"):
		return "the year's loss of finding " + strings.TrimPrefix(name, "loss:")
	case strings.HasPrefix(name, "savings:"):
		return "the savings over the horizon of " + strings.TrimPrefix(name, "savings:")
	case strings.HasPrefix(name, "input:"):
		return "the trial's draw of input " + strings.TrimPrefix(name, "input:")
	}
	return name
}

// SIPLibrary builds sips.json's library from the kept columns; date is its dateCreated
// (YYYY-MM-DD).
func SIPLibrary(sum *analysis.Summary, s *model.Scenario, k *SIPSink, date string) (*sipmath.Library, error) {
	names, cols := k.Columns()
	meta := map[string]any{
		"generator": "alesim", "version": sum.Run.Version,
		"scenario": s.Name, "scenario_sha256": s.SHA256, "currency": s.Currency,
		"seed": sum.Run.Seed, "trials": sum.Run.Trials, "block_size": sum.Run.BlockSize,
		"trial_order": "trial PM_Index of every SIP_Array SIP is the run's trial PM_Index - 1",
	}
	if len(s.Libraries) > 0 {
		meta["sip_libraries"] = s.Libraries
	}
	prov := fmt.Sprintf("alesim %s: scenario %q (sha256 %s), seed %d, %d trials", sum.Run.Version, s.Name, s.SHA256, sum.Run.Seed, sum.Run.Trials)
	lib := sipmath.New(s.Name+" (alesim run)", prov, date, meta)
	lib.AddIndex("index")
	used := map[int64]bool{}
	for j, name := range names {
		vals := cols[j]
		if int64(len(vals)) != sum.Run.Trials {
			return nil, fmt.Errorf("sips.json: column %s has %d trials, want %d", name, len(vals), sum.Run.Trials)
		}
		m := map[string]any{"description": describeColumn(name), "count": len(vals)}
		if !strings.HasPrefix(name, "input:") {
			m["units"] = s.Currency
		}
		sorted := append([]float64(nil), vals...)
		sort.Float64s(sorted)
		if len(sorted) > 0 {
			sumv := 0.0
			for _, v := range vals {
				sumv += v
			}
			m["mean"], m["min"], m["max"] = sumv/float64(len(vals)), sorted[0], sorted[len(sorted)-1]
		}
		fit, note := codeSIP(sorted)
		if note != "" {
			m["metalog"] = note
		}
		if err := lib.AddArray(name, "index", vals, m); err != nil {
			return nil, err
		}
		if fit == nil {
			continue
		}
		v := hdrVarID(name, sum.Run.Seed)
		for used[v] {
			v = v%10_000_000 + 1
		}
		used[v] = true
		rng := fmt.Sprintf("hdr%d", j+1)
		lib.AddHDR(rng, 1, v)
		fm := map[string]any{
			"description": describeColumn(name) + ", coded as a metalog",
			"coded_from":  name,
			"fit": map[string]any{
				"terms": fit.Terms(), "boundedness": fit.Boundedness(), "ks_distance": fit.KS,
				"quantiles_fitted": fit.Points, "trials": len(vals),
				"method": "least squares on the metalog basis through empirical quantiles at p = (i - 1/2)/n; ks_distance is the largest gap between the metalog's CDF and the trials' empirical CDF",
			},
		}
		if at := atMin(sorted); at > 0.01 {
			fm["fit"].(map[string]any)["share_at_min"] = at
			fm["fit"].(map[string]any)["note"] = fmt.Sprintf("%.3g of the trials equal the minimum %g, a mass no continuous metalog carries", at, sorted[0])
		}
		lib.AddMetalog(name+" (metalog)", rng, fit.Metalog, fm)
	}
	return lib, nil
}

// atMin is the share of the sorted sample equal to its minimum.
func atMin(sorted []float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i] > sorted[0] })
	return float64(i) / float64(len(sorted))
}

// codeSIP fits the metalog nearest the sorted trials, unbounded or (all trials positive) bounded
// below at 0, or says why none is offered.
func codeSIP(sorted []float64) (*dist.MetalogFit, string) {
	n := len(sorted)
	if n < 3 || sorted[0] == sorted[n-1] {
		return nil, "not coded as a metalog: fewer than 3 distinct trials"
	}
	var best *dist.MetalogFit
	bounds := [][2]float64{{math.Inf(-1), math.Inf(1)}}
	if sorted[0] > 0 {
		bounds = append(bounds, [2]float64{0, math.Inf(1)})
	}
	for _, b := range bounds {
		f, err := dist.FitMetalogData(sorted, sipMaxTerms, b[0], b[1])
		if err == nil && math.IsInf(f.Variance(), 1) {
			continue
		}
		if err == nil && (best == nil || f.KS < best.KS) {
			best = &f
		}
	}
	if best == nil {
		return nil, fmt.Sprintf("not coded as a metalog: no metalog of 2 to %d terms with a finite variance fits these trials", sipMaxTerms)
	}
	return best, ""
}

// WriteSIPs writes a library as sips.json.
func WriteSIPs(w io.Writer, lib *sipmath.Library) error { return lib.WriteJSON(w) }

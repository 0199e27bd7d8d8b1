package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alesim/alesim/model/dist"
)

// MaxFileSize bounds what Load reads. A scenario of a few thousand findings is well under 1 MiB;
// parsing costs about 160 bytes of memory per byte of YAML (4 MiB: about 5 s and 650 MB), so the
// bound also bounds memory.
const MaxFileSize = 4 << 20

// Load reads, parses and validates a scenario file. When the file has problems the error is an
// Errors listing every one of them, sorted by line.
func Load(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, want a scenario file", path)
	}
	if st.Size() > MaxFileSize {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("file is %d bytes, want at most %d (%d MiB)", st.Size(), MaxFileSize, MaxFileSize>>20)}}
	}
	// Read to the end rather than by the size Stat gives: a pipe, a FIFO or /dev/stdin has none.
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("file is more than %d bytes (%d MiB)", MaxFileSize, MaxFileSize>>20)}}
	}
	return Parse(path, src)
}

// Parse parses and validates scenario source; file names it in errors.
func Parse(file string, src []byte) (*Scenario, error) {
	if len(src) > MaxFileSize {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("file is %d bytes, want at most %d", len(src), MaxFileSize)}}
	}
	if !utf8.Valid(src) {
		line := 1 + strings.Count(string(src[:firstInvalidUTF8(src)]), "\n")
		return nil, Errors{{File: file, Line: line, Msg: "file is not valid UTF-8 text (save it as UTF-8)"}}
	}
	if i, r := firstControl(src); i >= 0 {
		line := 1 + strings.Count(string(src[:i]), "\n")
		return nil, Errors{{File: file, Line: line, Msg: fmt.Sprintf("file contains the control character %U, which YAML does not allow (is it a text file?)", r)}}
	}
	sum := sha256.Sum256(src)
	// A UTF-8 byte order mark, as some Windows editors write, is allowed by YAML but unknown to
	// the parser, which would make it part of the first key.
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	root, errs := parseTree(file, src)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	d := &decoder{file: file}
	s := d.scenario(root)
	s.File = file
	s.SHA256 = hex.EncodeToString(sum[:])
	s.Libraries, s.SIPInputs = d.libraries, d.sipInputs
	if len(d.errs) > 0 {
		d.errs.sort()
		return nil, d.errs
	}
	return s, nil
}

// firstControl returns the offset and value of the first character YAML excludes from a stream
// (C0 controls other than tab, line feed and carriage return; DEL; C1 controls other than NEL;
// U+FFFE and U+FFFF), or -1. The parser would otherwise carry them silently into ids and names.
func firstControl(b []byte) (int, rune) {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f && r != 0x85) || r == 0xfffe || r == 0xffff {
			return i, r
		}
		i += n
	}
	return -1, 0
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

type decoder struct {
	file string
	errs Errors
	// The SIPmath libraries read so far, by the path the scenario gives, and the SIP inputs.
	libs      map[string]*libEntry
	libraries []Library
	sipInputs []SIPInput
}

func (d *decoder) add(n *node, path, format string, args ...any) {
	e := &Error{File: d.file, Field: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.line, n.col
	}
	d.errs = append(d.errs, e)
}

// fields checks that n is a mapping whose keys are all allowed and returns its values by key.
// It returns nil (after recording an error) when n is not a mapping.
func (d *decoder) fields(n *node, path string, allowed ...string) map[string]*node {
	if n.kind != mappingNode {
		d.add(n, path, "must be a mapping of keys to values (got %s)", n.describe())
		return nil
	}
	out := make(map[string]*node, len(n.keys))
	for i, k := range n.keys {
		if !contains(allowed, k) {
			kn := &node{line: n.keyPos[i].Line, col: n.keyPos[i].Col}
			msg := fmt.Sprintf("unknown field %q (want one of %s)", k, strings.Join(allowed, ", "))
			if s := nearest(k, allowed); s != "" {
				msg = fmt.Sprintf("unknown field %q: did you mean %q? (want one of %s)", k, s, strings.Join(allowed, ", "))
			}
			// The key is the user's text: quoted in the path when it holds a line break or any
			// other character that would break the one-line file:line: path: message form.
			pk := k
			if q := strconv.Quote(k); q != `"`+k+`"` {
				pk = q
			}
			d.add(kn, join(path, pk), "%s", msg)
			continue
		}
		out[k] = n.vals[i]
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func idx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (d *decoder) required(m map[string]*node, parent *node, path, key, want string) *node {
	n, ok := m[key]
	if !ok || n.kind == nullNode {
		d.add(parent, join(path, key), "missing required field (want %s)", want)
		return nil
	}
	return n
}

func (d *decoder) str(n *node, path string) string {
	if n == nil {
		return ""
	}
	if n.kind != scalarNode {
		d.add(n, path, "must be text (got %s)", n.describe())
		return ""
	}
	return strings.TrimSpace(n.text)
}

// id reads an identifier: any scalar, by its source text (so 3.8 stays "3.8").
func (d *decoder) id(n *node, path string) string {
	s := d.str(n, path)
	if n != nil && n.kind == scalarNode && s == "" {
		d.add(n, path, "must not be empty")
	}
	return s
}

func (d *decoder) num(n *node, path string) (float64, bool) {
	if n == nil {
		return 0, false
	}
	if n.kind != scalarNode || !n.isNum {
		hint := ""
		if n.kind == scalarNode && n.isString && strings.ContainsAny(n.text, ",$%_") {
			hint = " without $, % or thousands separators"
		}
		d.add(n, path, "must be a number%s (got %s)", hint, n.describe())
		return 0, false
	}
	if math.IsNaN(n.num) || math.IsInf(n.num, 0) {
		d.add(n, path, "must be a finite number (got %s)", n.text)
		return 0, false
	}
	if math.Abs(n.num) > 1e100 {
		d.add(n, path, "must be at most 1e100 in magnitude (got %s)", n.text)
		return 0, false
	}
	if n.num == 0 {
		// -0 reads as 0: a loss of -0 would otherwise make some years' sums -0 on one path of
		// the trial loop and +0 on another, and a sketch's extremes depend on which zero it saw
		return 0, true
	}
	return n.num, true
}

func (d *decoder) boolean(n *node, path string) bool {
	if n == nil {
		return false
	}
	if n.kind != scalarNode || !n.isBool {
		d.add(n, path, "must be true or false (got %s)", n.describe())
		return false
	}
	return n.boolVal
}

func (d *decoder) list(n *node, path string) []*node {
	if n == nil || n.kind == nullNode {
		return nil
	}
	if n.kind != sequenceNode {
		d.add(n, path, "must be a list (got %s)", n.describe())
		return nil
	}
	return n.items
}

func (d *decoder) idList(n *node, path string) []string {
	var out []string
	for i, item := range d.list(n, path) {
		if s := d.id(item, idx(path, i)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) numList(n *node, path string) []float64 {
	var out []float64
	for i, item := range d.list(n, path) {
		if x, ok := d.num(item, idx(path, i)); ok {
			out = append(out, x)
		}
	}
	return out
}

// pairList reads a list of two-number lists ([[0.1, 20], [0.5, 35], ...]), flattened.
func (d *decoder) pairList(n *node, path string) []float64 {
	var out []float64
	for i, item := range d.list(n, path) {
		ip := idx(path, i)
		if item.kind != sequenceNode {
			d.add(item, ip, "must be a pair [p, x] (got %s)", item.describe())
			continue
		}
		if len(item.items) != 2 {
			d.add(item, ip, "must be a pair [p, x] (got a list of %d)", len(item.items))
			continue
		}
		a, ok1 := d.num(item.items[0], ip+"[0]")
		b, ok2 := d.num(item.items[1], ip+"[1]")
		if ok1 && ok2 {
			out = append(out, a, b)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// nearest suggests the allowed key closest to a misspelt one (edit distance <= 2, or one is a
// prefix of the other), or "".
func nearest(key string, allowed []string) string {
	best, bestD := "", 3
	lk := strings.ToLower(key)
	for _, a := range allowed {
		la := strings.ToLower(a)
		dd := editDistance(lk, la)
		if (strings.HasPrefix(la, lk) || strings.HasPrefix(lk, la)) && len(lk) >= 3 && dd > 1 {
			dd = 2
		}
		if dd < bestD {
			best, bestD = a, dd
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// The keys each mapping of a scenario may hold. The loader accepts exactly these, and the JSON
// Schema (schema.go) is generated from them, so the two cannot drift.
var (
	topKeys       = []string{"scenario", "sites", "assets", "classes", "hazards", "findings", "safeguards", "portfolios", "correlations", "tolerance"}
	scenarioKeys  = []string{"name", "description", "currency", "horizon_years", "discount_rate", "annuity_factor", "point_label"}
	siteKeys      = []string{"id", "name"}
	assetKeys     = []string{"id", "name", "site", "value"}
	classKeys     = []string{"id", "name", "afe_range", "note"}
	hazardKeys    = []string{"id", "title", "afe", "events", "note"}
	portfolioKeys = []string{"id", "title", "safeguards", "note"}
)

func (d *decoder) scenario(root *node) *Scenario {
	s := &Scenario{Currency: "USD"}
	if root.kind == nullNode {
		d.add(root, "", "scenario file is empty (want at least scenario: and findings:)")
		return s
	}
	m := d.fields(root, "", topKeys...)
	if m == nil {
		return s
	}
	d.meta(s, d.required(m, root, "", "scenario", "a mapping with name and horizon_years"))
	sites := d.sites(s, m["sites"])
	assets := d.assets(s, m["assets"], sites)
	classes := d.classes(s, m["classes"])
	hazards := d.hazards(s, m["hazards"])
	fnode := d.required(m, root, "", "findings", "a list of findings")
	findings := d.findings(s, fnode, sites, classes, assets, hazards)
	safeguards := d.safeguards(s, m["safeguards"], findings)
	d.portfolios(s, m["portfolios"], safeguards)
	d.tolerance(s, m["tolerance"])
	d.checkCoverage(s, findings)
	d.checkAdjusted(s)
	d.correlations(s, m["correlations"])
	return s
}

func (d *decoder) meta(s *Scenario, n *node) {
	if n == nil {
		return
	}
	const p = "scenario"
	m := d.fields(n, p, scenarioKeys...)
	if m == nil {
		return
	}
	s.Name = d.str(d.required(m, n, p, "name", "text"), p+".name")
	s.Description = d.str(m["description"], p+".description")
	if c := m["currency"]; c != nil {
		s.Currency = d.str(c, p+".currency")
		if msg := checkCurrency(s.Currency); msg != "" && c.kind == scalarNode {
			d.add(c, p+".currency", "%s", msg)
		}
	}
	s.PointLabel = "point estimate"
	if l := m["point_label"]; l != nil {
		if t := d.str(l, p+".point_label"); t != "" {
			s.PointLabel = t
		}
	}
	if r, ok := d.num(m["discount_rate"], p+".discount_rate"); ok {
		if r <= -1 {
			d.add(m["discount_rate"], p+".discount_rate", "must be > -1, a fraction (0.10 is 10%%) (got %s)", m["discount_rate"].text)
		} else if r > 1 {
			d.add(m["discount_rate"], p+".discount_rate", "must be a fraction <= 1 (0.10 is 10%%) (got %s)", m["discount_rate"].text)
		} else {
			s.DiscountRate = r
		}
	}
	if h := m["horizon_years"]; h != nil {
		if x, ok := d.num(h, p+".horizon_years"); ok {
			if x != math.Trunc(x) || x < 1 || x > 1000 {
				d.add(h, p+".horizon_years", "must be a whole number of years from 1 to 1000 (got %s)", h.text)
			} else {
				s.HorizonYears = int(x)
			}
		}
	}
	if a := m["annuity_factor"]; a != nil {
		if x, ok := d.num(a, p+".annuity_factor"); ok {
			if x <= 0 {
				d.add(a, p+".annuity_factor", "must be > 0 (got %s)", a.text)
			} else {
				s.AnnuityFactor = x
			}
		}
	} else if _, ok := m["horizon_years"]; !ok {
		d.add(n, p+".horizon_years", "missing required field (want whole years > 0, or give annuity_factor)")
	} else if s.HorizonYears > 0 {
		s.AnnuityFactor = Annuity(s.HorizonYears, s.DiscountRate)
		if a := s.AnnuityFactor; math.IsInf(a, 0) || math.IsNaN(a) || a > maxAnnuity {
			d.add(m["discount_rate"], p+".discount_rate", "with horizon_years %d gives an annuity factor of %g; a negative rate that large makes savings meaningless (want a factor at most %g)", s.HorizonYears, a, float64(maxAnnuity))
		}
	}
	if a := m["annuity_factor"]; a != nil && s.AnnuityFactor > maxAnnuity {
		d.add(a, p+".annuity_factor", "must be at most %g (got %g)", float64(maxAnnuity), s.AnnuityFactor)
	}
}

// maxAnnuity bounds the annuity factor: present value of 1 a year over the horizon.
const maxAnnuity = 1e4

// MaxAFE bounds an annual frequency: a million events a year is a thousand times any rate in a
// risk register, and bounds the work of one simulated year.
const MaxAFE = 1e6

type refs map[string]int

func (d *decoder) uniqueID(seen refs, n *node, path, kind string, i int) string {
	id := d.id(n, path)
	if id == "" {
		return ""
	}
	if j, dup := seen[id]; dup {
		d.add(n, path, "duplicate %s id %q (first used by %s[%d])", kind, id, kind+"s", j)
		return ""
	}
	seen[id] = i
	// Stream keys join ids with "/" (finding/ID/loss, safeguard/ID/effect/FINDING): a "/" in an id
	// would let two inputs share one random stream. The id stays registered, so references to it
	// raise no second error.
	if strings.Contains(id, "/") {
		d.add(n, path, "an id may not contain \"/\", the separator of the engine's random-stream keys (got %q)", id)
	}
	return id
}

func (d *decoder) ref(seen refs, n *node, path, kind string) int {
	id := d.id(n, path)
	if id == "" {
		return -1
	}
	i, ok := seen[id]
	if !ok {
		d.add(n, path, "no %s has id %q%s", kind, id, suggestID(id, seen))
		return -1
	}
	return i
}

func suggestID(id string, seen refs) string {
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if s := nearest(id, keys); s != "" {
		return fmt.Sprintf(": did you mean %q?", s)
	}
	return ""
}

func (d *decoder) sites(s *Scenario, n *node) refs {
	seen := refs{}
	for i, item := range d.list(n, "sites") {
		p := idx("sites", i)
		m := d.fields(item, p, siteKeys...)
		if m == nil {
			continue
		}
		site := Site{ID: d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "site", i), Pos: Pos{item.line, item.col}}
		site.Name = d.str(m["name"], p+".name")
		if site.Name == "" {
			site.Name = site.ID
		}
		s.Sites = append(s.Sites, site)
	}
	return seen
}

func (d *decoder) assets(s *Scenario, n *node, sites refs) refs {
	seen := refs{}
	for i, item := range d.list(n, "assets") {
		p := idx("assets", i)
		m := d.fields(item, p, assetKeys...)
		if m == nil {
			continue
		}
		a := Asset{ID: d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "asset", i), Pos: Pos{item.line, item.col}, Site: -1}
		a.Name = d.str(m["name"], p+".name")
		if sn := m["site"]; sn != nil {
			a.Site = d.ref(sites, sn, p+".site", "site")
		}
		if v, ok := d.num(d.required(m, item, p, "value", "the asset's value, > 0"), p+".value"); ok {
			if v <= 0 {
				d.add(m["value"], p+".value", "must be > 0 (got %s)", m["value"].text)
			}
			a.Value = v
		}
		s.Assets = append(s.Assets, a)
	}
	return seen
}

func (d *decoder) classes(s *Scenario, n *node) refs {
	seen := refs{}
	for i, item := range d.list(n, "classes") {
		p := idx("classes", i)
		m := d.fields(item, p, classKeys...)
		if m == nil {
			continue
		}
		c := Class{ID: d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "class", i), Pos: Pos{item.line, item.col}}
		c.Name = d.str(m["name"], p+".name")
		if r := m["afe_range"]; r != nil {
			xs := d.numList(r, p+".afe_range")
			switch {
			case len(xs) != 2 && r.kind == sequenceNode && len(r.items) != 2:
				d.add(r, p+".afe_range", "must be [low, high] (got %d values)", len(r.items))
			case len(xs) == 2 && !(0 <= xs[0] && xs[0] < xs[1]):
				d.add(r, p+".afe_range", "must be [low, high] with 0 <= low < high (got [%g, %g])", xs[0], xs[1])
			case len(xs) == 2:
				c.AFERange = xs
			}
		}
		s.Classes = append(s.Classes, c)
	}
	return seen
}

func (d *decoder) hazards(s *Scenario, n *node) refs {
	seen := refs{}
	for i, item := range d.list(n, "hazards") {
		p := idx("hazards", i)
		m := d.fields(item, p, hazardKeys...)
		if m == nil {
			continue
		}
		h := Hazard{ID: d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "hazard", i), Pos: Pos{item.line, item.col}}
		h.Title = d.str(m["title"], p+".title")
		h.Events = d.events(m["events"], p+".events")
		h.AFE = d.frequency(d.required(m, item, p, "afe", "an annual frequency estimate"), p+".afe", h.Events)
		s.Hazards = append(s.Hazards, h)
	}
	return seen
}

func (d *decoder) events(n *node, path string) EventModel {
	if n == nil {
		return Poisson
	}
	switch d.str(n, path) {
	case "poisson":
		return Poisson
	case "bernoulli":
		return Bernoulli
	default:
		if n.kind == scalarNode {
			d.add(n, path, "must be poisson or bernoulli (got %s)", n.describe())
		}
		return Poisson
	}
}

var findingKeys = []string{"id", "title", "site", "class", "asset", "hazard", "afe", "events", "loss", "covered_by", "not_quantified", "note"}

func (d *decoder) findings(s *Scenario, n *node, sites, classes, assets, hazards refs) refs {
	seen := refs{}
	items := d.list(n, "findings")
	if n != nil && n.kind == sequenceNode && len(items) == 0 {
		d.add(n, "findings", "must list at least one finding")
	}
	for i, item := range items {
		p := idx("findings", i)
		m := d.fields(item, p, findingKeys...)
		if m == nil {
			continue
		}
		f := Finding{Site: -1, Class: -1, Asset: -1, Hazard: -1, Pos: Pos{item.line, item.col}}
		f.ID = d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "finding", i)
		f.Title = d.str(d.required(m, item, p, "title", "text"), p+".title")
		f.Note = d.str(m["note"], p+".note")
		if x := m["class"]; x != nil {
			f.Class = d.ref(classes, x, p+".class", "class")
		}
		if x := m["asset"]; x != nil {
			f.Asset = d.ref(assets, x, p+".asset", "asset")
		}
		_, hasAFE := m["afe"]
		_, hasHazard := m["hazard"]
		_, hasLoss := m["loss"]
		_, hasCover := m["covered_by"]
		_, hasNQ := m["not_quantified"]
		quant := hasAFE || hasHazard || hasLoss
		switch {
		case quant && (hasCover || hasNQ):
			d.add(item, p, "a finding is quantified (afe and loss), covered_by another, or not_quantified: only one of them")
		case hasCover && hasNQ:
			d.add(item, p, "a finding is quantified (afe and loss), covered_by another, or not_quantified: only one of them")
		case hasCover:
			f.Status = Covered
			f.CoveredBy = d.idList(m["covered_by"], p+".covered_by")
			if cb := m["covered_by"]; cb.kind == nullNode || cb.kind == sequenceNode && len(cb.items) == 0 {
				d.add(m["covered_by"], p+".covered_by", "must list at least one finding id")
			}
		case hasNQ:
			f.Status = NotQuantified
			f.NotQuantified = d.str(m["not_quantified"], p+".not_quantified")
		case !quant:
			d.add(item, p, "missing afe and loss (want a quantified finding, or covered_by, or not_quantified)")
		default:
			f.Status = Quantified
			if hasAFE && hasHazard {
				d.add(m["hazard"], p+".hazard", "give either afe or hazard, not both")
			}
			f.Events = d.events(m["events"], p+".events")
			if hasHazard {
				f.Hazard = d.ref(hazards, m["hazard"], p+".hazard", "hazard")
				if _, ok := m["events"]; ok {
					d.add(m["events"], p+".events", "a finding with a hazard uses the hazard's events; remove events here")
				}
			} else {
				f.AFE = d.frequency(d.required(m, item, p, "afe", "an annual frequency estimate"), p+".afe", f.Events)
			}
			if ln := d.required(m, item, p, "loss", "a loss per event"); ln != nil {
				f.Loss, f.LossModel = d.loss(ln, p+".loss")
			}
		}
		if x := m["site"]; x != nil {
			f.Site = d.ref(sites, x, p+".site", "site")
		} else if f.Status == Quantified {
			d.add(item, p+".site", "missing required field (want a site id)")
		}
		s.Findings = append(s.Findings, f)
	}
	return seen
}

// frequency reads an AFE: an estimate, or {factors: [estimate, ...]} multiplied together.
func (d *decoder) frequency(n *node, path string, ev EventModel) Frequency {
	var fr Frequency
	if n == nil {
		return fr
	}
	if n.kind == mappingNode && n.index("factors") >= 0 {
		m := d.fields(n, path, "factors")
		items := d.list(m["factors"], path+".factors")
		if len(items) == 0 {
			d.add(n, path+".factors", "must list at least one factor")
		}
		for i, item := range items {
			fp := idx(path+".factors", i)
			e, name := d.estimate(item, fp, true)
			d.nonNegative(e, item, fp)
			fr.Factors = append(fr.Factors, Factor{Name: name, Estimate: e})
		}
	} else {
		e, _ := d.estimate(n, path, false)
		d.nonNegative(e, n, path)
		fr.Factors = []Factor{{Estimate: e}}
	}
	hi, far := 1.0, 1.0 // top of the support; the 1 - 1e-9 quantile
	for _, f := range fr.Factors {
		if f.Dist != nil {
			_, h := f.Dist.Support()
			hi *= h
			far *= f.Dist.Quantile(1 - 1e-9)
		}
	}
	if far > MaxAFE {
		d.add(n, path, "must stay below %g events a year (its 1-in-a-billion high is %.3g)", float64(MaxAFE), far)
	} else if p := fr.Point(); p > MaxAFE {
		d.add(n, path, "must stay below %g events a year (its point value is %.3g)", float64(MaxAFE), p)
	}
	if ev == Bernoulli {
		if hi > 1 {
			d.add(n, path, "with events: bernoulli the AFE is a probability and must be <= 1 over its whole range (got up to %g)", hi)
		}
	}
	return fr
}

func (d *decoder) nonNegative(e Estimate, n *node, path string) {
	if e.Dist == nil {
		return
	}
	if lo, _ := e.Dist.Support(); lo < 0 {
		d.add(n, path, "must be >= 0 over its whole range (got a distribution reaching %g)", lo)
	}
}

// within checks that an estimate's whole support lies in [lo, hi].
func (d *decoder) within(e Estimate, n *node, path string, lo, hi float64, what string) {
	if e.Dist == nil {
		return
	}
	l, h := e.Dist.Support()
	if l < lo || h > hi {
		d.add(n, path, "%s must lie in [%g, %g] over its whole range (got [%g, %g])", what, lo, hi, l, h)
	}
}

// estimate reads a plain number or {dist: ..., params..., point: ...}, the parameters as the
// distribution's kind in the dist registry lists them. With named, a "name" key is allowed and
// returned (for factors of a product).
func (d *decoder) estimate(n *node, path string, named bool) (Estimate, string) {
	bad := Estimate{Dist: dist.Constant{}, Path: path, Pos: Pos{n.line, n.col}}
	if n.kind == scalarNode {
		x, ok := d.num(n, path)
		if !ok {
			return bad, ""
		}
		e := Const(x)
		e.Path, e.Pos = path, Pos{n.line, n.col}
		return e, ""
	}
	if n.kind != mappingNode {
		d.add(n, path, "must be a number or a distribution such as {dist: pert, min: 1, mode: 2, max: 5} (got %s)", n.describe())
		return bad, ""
	}
	names := dist.Names()
	kind := "constant"
	if k := n.index("dist"); k >= 0 {
		kind = d.str(n.vals[k], path+".dist")
		if kind == "sip" {
			return d.sipEstimate(n, path, named)
		}
		if _, ok := dist.Lookup(kind); !ok {
			msg := fmt.Sprintf("unknown distribution %q (want one of %s)", kind, strings.Join(names, ", "))
			if s := nearest(kind, names); s != "" {
				msg = fmt.Sprintf("unknown distribution %q: did you mean %q? (want one of %s)", kind, s, strings.Join(names, ", "))
			}
			d.add(n.vals[k], path+".dist", "%s", msg)
			return bad, ""
		}
	} else if n.index("value") < 0 {
		d.add(n, path+".dist", "missing required field (want one of %s, or a plain number)", strings.Join(names, ", "))
		return bad, ""
	}
	kd, _ := dist.Lookup(kind)
	allowed := append([]string{"dist", "point"}, kd.ParamNames()...)
	if named {
		allowed = append(allowed, "name")
	}
	m := d.fields(n, path, allowed...)
	if m == nil {
		return bad, ""
	}
	name := ""
	if named {
		name = d.str(m["name"], path+".name")
	}
	form, conflict := kd.Form(func(key string) bool { _, ok := m[key]; return ok })
	if conflict != "" {
		d.add(n, path, "%s", conflict)
		return bad, name
	}
	nerr := len(d.errs)
	v := dist.Values{Nums: map[string]float64{}, Lists: map[string][]float64{}}
	for _, p := range form {
		x, given := m[p.Name]
		pp := path + "." + p.Name
		switch {
		case p.Pairs:
			v.Lists[p.Name] = d.pairList(d.required(m, n, path, p.Name, "a list of pairs [p, x]"), pp)
		case p.List && !p.Optional:
			v.Lists[p.Name] = d.numList(d.required(m, n, path, p.Name, "a list of numbers"), pp)
		case p.List && given:
			// A list given, even empty or null, is not "left out": the kind refuses it.
			xs := d.numList(x, pp)
			if xs == nil {
				xs = []float64{}
			}
			v.Lists[p.Name] = xs
		case !p.Optional:
			if y, ok := d.num(d.required(m, n, path, p.Name, "a number"), pp); ok {
				v.Nums[p.Name] = y
			}
		case given:
			if y, ok := d.num(x, pp); ok {
				v.Nums[p.Name] = y
			}
		}
	}
	if len(d.errs) != nerr {
		return bad, name
	}
	dd, spec, err := kd.Build(v)
	if err != nil {
		var pe *dist.ParamError
		if errors.As(err, &pe) {
			at := n
			base := strings.SplitN(pe.Param, "[", 2)[0]
			if x, ok := m[base]; ok {
				at = x
			}
			d.add(at, path+"."+pe.Param, "%s (got %s)", pe.Msg, dist.FormatFloat(pe.Got))
		} else {
			d.add(n, path, "%v", err)
		}
		return bad, name
	}
	e := Estimate{Dist: dd, Point: dd.Mean(), Spec: spec, Path: path, Pos: Pos{n.line, n.col}}
	if pn, ok := m["point"]; ok {
		if x, ok := d.num(pn, path+".point"); ok {
			lo, hi := dd.Support()
			if x < lo || x > hi {
				d.add(pn, path+".point", "must lie within the distribution's range [%g, %g] (got %s)", lo, hi, pn.text)
			}
			e.Point = x
		}
	} else if lo, hi := dd.Support(); !(lo <= e.Point && e.Point <= hi) {
		// The mean can fall outside the range only by rounding, when the parameters are nearly
		// equal (a loguniform whose min and max are a few ulps apart had a mean 25% above max).
		d.add(n, path, "its mean %g, the default point, lies outside its range [%g, %g]: the parameters are too close to compute it (give point, or widen the range)", e.Point, lo, hi)
	}
	return e, name
}

var safeguardKeys = []string{"id", "title", "one_time_cost", "annual_cost", "alternative", "effects", "insurance", "note"}
var effectFields = []string{"finding", "findings", "ale_reduction", "frequency_factor", "loss_factor", "new_afe", "new_loss", "applies_to", "note"}

func (d *decoder) safeguards(s *Scenario, n *node, findings refs) refs {
	seen := refs{}
	covered := map[int]coverer{} // finding -> the policy covering it (insurance.go)
	for i, item := range d.list(n, "safeguards") {
		p := idx("safeguards", i)
		m := d.fields(item, p, safeguardKeys...)
		if m == nil {
			continue
		}
		sg := Safeguard{Pos: Pos{item.line, item.col}, OneTimeCost: Const(0), AnnualCost: Const(0)}
		sg.ID = d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "safeguard", i)
		sg.Title = d.str(d.required(m, item, p, "title", "text"), p+".title")
		sg.Note = d.str(m["note"], p+".note")
		sg.Alternative = d.boolean(m["alternative"], p+".alternative")
		for _, c := range []struct {
			key string
			dst *Estimate
		}{{"one_time_cost", &sg.OneTimeCost}, {"annual_cost", &sg.AnnualCost}} {
			if cn := m[c.key]; cn != nil {
				*c.dst, _ = d.estimate(cn, p+"."+c.key, false)
				d.nonNegative(*c.dst, cn, p+"."+c.key)
			}
		}
		if in := m["insurance"]; in != nil {
			// A policy (insurance.go): its premium is its annual cost, and it has no effects.
			if an := m["annual_cost"]; an != nil {
				d.add(an, p+".annual_cost", "a policy's annual cost is its premium: give insurance.premium, not annual_cost")
			}
			if en := m["effects"]; en != nil {
				d.add(en, p+".effects", "a policy has no effects: it pays part of each event's loss (insurance: ...); make the control a safeguard of its own and combine the two in a portfolio")
			}
			d.insurance(s, &sg, in, p+".insurance", findings, covered)
			s.Safeguards = append(s.Safeguards, sg)
			continue
		}
		effs := d.list(d.required(m, item, p, "effects", "a list of effects, each naming a finding; or insurance: for a policy"), p+".effects")
		if len(effs) == 0 && m["effects"] != nil && m["effects"].kind == sequenceNode {
			d.add(m["effects"], p+".effects", "must list at least one effect")
		}
		touched := map[int]bool{}
		for j, en := range effs {
			ep := idx(p+".effects", j)
			em := d.fields(en, ep, effectFields...)
			if em == nil {
				continue
			}
			e := Effect{Finding: -1, Pos: Pos{en.line, en.col}}
			// The findings it acts on: one (finding: F), or several sharing one value (findings:
			// [F, G], drawn once per trial and applied to all of them).
			type target struct {
				n    *node
				path string
			}
			var targets []target
			if fl, ok := em["findings"]; ok {
				if _, both := em["finding"]; both {
					d.add(fl, ep+".findings", "give finding or findings, not both")
				}
				items := d.list(fl, ep+".findings")
				if len(items) == 0 && fl.kind == sequenceNode {
					d.add(fl, ep+".findings", "must list at least one finding id")
				}
				for t, it := range items {
					targets = append(targets, target{it, idx(ep+".findings", t)})
				}
			} else if fn := d.required(em, en, ep, "finding", "a finding id"); fn != nil {
				targets = append(targets, target{fn, ep + ".finding"})
			}
			var group []Effect
			for _, tg := range targets {
				g := e
				g.FindingID = d.id(tg.n, tg.path)
				g.Finding = d.ref(findings, tg.n, tg.path, "finding")
				if g.Finding >= 0 && g.Finding < len(s.Findings) && s.Findings[g.Finding].Status != Quantified {
					d.add(tg.n, tg.path, "finding %q is %s; a safeguard acts on a quantified finding", g.FindingID, s.Findings[g.Finding].Status)
				}
				if g.Finding >= 0 && touched[g.Finding] {
					d.add(tg.n, tg.path, "safeguard already has an effect on finding %q (combine them into one)", g.FindingID)
				}
				touched[g.Finding] = true
				group = append(group, g)
			}
			if len(group) == 0 {
				group = []Effect{e}
			}
			e = group[0]
			var kinds []int
			for k, ek := range effectKinds {
				if _, ok := em[ek.key]; ok {
					kinds = append(kinds, k)
				}
			}
			if len(kinds) != 1 {
				d.add(en, ep, "must have exactly one of %s (got %d)", strings.Join(effectKeys(), ", "), len(kinds))
				continue
			}
			e.Kind = EffectKind(kinds[0])
			ek := effectKinds[e.Kind]
			vp := ep + "." + ek.key
			e.Value, _ = d.estimate(em[ek.key], vp, false)
			ek.validate(d, e.Value, em[ek.key], vp)
			if an, ok := em["applies_to"]; ok {
				switch v := d.str(an, ep+".applies_to"); {
				case !ek.appliesTo:
					d.add(an, ep+".applies_to", "only an ale_reduction takes applies_to")
				case v == "loss":
					e.OnLoss = true
				case v == "frequency":
				default:
					d.add(an, ep+".applies_to", "must be frequency or loss (got %s)", an.describe())
				}
			}
			head := len(sg.Effects)
			for t, g := range group {
				g.Kind, g.Value, g.OnLoss = e.Kind, e.Value, e.OnLoss
				if ek.ownFrequency && g.Finding >= 0 && g.Finding < len(s.Findings) && s.Findings[g.Finding].Hazard >= 0 {
					d.add(em[ek.key], vp, "finding %q takes its frequency from a shared hazard; use frequency_factor", g.FindingID)
				}
				if len(group) > 1 {
					if t > 0 {
						g.SameAs = head + 1
					} else {
						for _, o := range group {
							g.GroupIDs = append(g.GroupIDs, o.FindingID)
						}
					}
				}
				sg.Effects = append(sg.Effects, g)
			}
		}
		s.Safeguards = append(s.Safeguards, sg)
	}
	return seen
}

func (d *decoder) portfolios(s *Scenario, n *node, safeguards refs) {
	seen := refs{}
	for i, item := range d.list(n, "portfolios") {
		p := idx("portfolios", i)
		m := d.fields(item, p, portfolioKeys...)
		if m == nil {
			continue
		}
		pf := Portfolio{Pos: Pos{item.line, item.col}}
		pf.ID = d.uniqueID(seen, d.required(m, item, p, "id", "an id"), p+".id", "portfolio", i)
		if _, clash := safeguards[pf.ID]; clash && pf.ID != "" {
			d.add(m["id"], p+".id", "portfolio id %q is also a safeguard id; ids must tell them apart", pf.ID)
		}
		pf.Title = d.str(m["title"], p+".title")
		members := map[int]bool{}
		sn := d.required(m, item, p, "safeguards", "a list of safeguard ids")
		for j, x := range d.list(sn, p+".safeguards") {
			k := d.ref(safeguards, x, idx(p+".safeguards", j), "safeguard")
			if k < 0 {
				continue
			}
			if members[k] {
				d.add(x, idx(p+".safeguards", j), "safeguard %q is listed twice", x.text)
				continue
			}
			members[k] = true
			pf.Safeguards = append(pf.Safeguards, k)
		}
		if sn != nil && sn.kind == sequenceNode && len(sn.items) == 0 {
			d.add(sn, p+".safeguards", "must list at least one safeguard")
		}
		s.Portfolios = append(s.Portfolios, pf)
	}
}

// checkAdjusted bounds what safeguards together can do to a finding. Factors multiply, so a few
// frequency or loss factors of 1e100 on one finding would take point and simulated sums to +Inf.
// With every effect on the finding in place at once, each at the larger of its point and its
// 1-in-a-billion high, the AFE must stay at most MaxAFE and the loss per event at most 1e100 (the
// bound on every number in a scenario). The first effect that crosses a bound is reported.
func (d *decoder) checkAdjusted(s *Scenario) {
	for i := range s.Findings {
		f := &s.Findings[i]
		if f.Status != Quantified || f.Hazard >= len(s.Hazards) {
			continue
		}
		r := reach{afe: s.FrequencyOf(f).Point(), fac: 1, loss: f.Loss.Point, lfac: 1}
		for _, sg := range s.Safeguards {
			for _, e := range sg.Effects {
				if e.Finding != i || e.Value.Dist == nil {
					continue
				}
				raise := effectKinds[e.Kind].raise
				if raise == nil {
					continue
				}
				v := max(e.Value.Point, e.Value.Dist.Quantile(1-1e-9))
				onAFE, onLoss := raise(&r, v)
				at := &node{line: e.Value.Pos.Line, col: e.Value.Pos.Col}
				if x := r.afe * r.fac; onAFE && x > MaxAFE {
					d.add(at, e.Value.Path, "with the other effects on finding %q can take its AFE to %.3g events a year, above %g", f.ID, x, float64(MaxAFE))
					r.fac, r.afe = 1, 0
				}
				if x := r.loss * r.lfac; onLoss && x > 1e100 {
					d.add(at, e.Value.Path, "with the other effects on finding %q can take its loss per event to %.3g, above 1e100", f.ID, x)
					r.lfac, r.loss = 1, 0
				}
			}
		}
	}
}

// checkCoverage resolves covered_by references and rejects cycles.
func (d *decoder) checkCoverage(s *Scenario, findings refs) {
	for i := range s.Findings {
		f := &s.Findings[i]
		for _, c := range f.CoveredBy {
			j, ok := findings[c]
			at := &node{line: f.Pos.Line, col: f.Pos.Col}
			switch {
			case !ok:
				d.add(at, fmt.Sprintf("findings[%d].covered_by", i), "no finding has id %q%s", c, suggestID(c, findings))
			case j == i:
				d.add(at, fmt.Sprintf("findings[%d].covered_by", i), "finding %q cannot be covered by itself", c)
			}
		}
	}
	// Follow covered_by edges; a path that returns to its start is a cycle (reported once, at the
	// first finding of the cycle in file order).
	state := make([]int, len(s.Findings)) // 0 new, 1 on stack, 2 done
	reported := map[int]bool{}
	var visit func(i int, stack []int)
	visit = func(i int, stack []int) {
		state[i] = 1
		stack = append(stack, i)
		for _, c := range s.Findings[i].CoveredBy {
			j, ok := findings[c]
			if !ok || j == i {
				continue
			}
			if state[j] == 1 {
				start := 0
				for k, x := range stack {
					if x == j {
						start = k
					}
				}
				cyc := stack[start:]
				first := cyc[0]
				for _, x := range cyc {
					if x < first {
						first = x
					}
				}
				if !reported[first] {
					reported[first] = true
					var ids []string
					for _, x := range cyc {
						ids = append(ids, s.Findings[x].ID)
					}
					ids = append(ids, s.Findings[j].ID)
					f := s.Findings[first]
					d.add(&node{line: f.Pos.Line, col: f.Pos.Col}, fmt.Sprintf("findings[%d].covered_by", first), "covered_by forms a cycle: %s", strings.Join(ids, " -> "))
				}
				continue
			}
			if state[j] == 0 {
				visit(j, stack)
			}
		}
		state[i] = 2
	}
	for i := range s.Findings {
		if state[i] == 0 {
			visit(i, nil)
		}
	}
}

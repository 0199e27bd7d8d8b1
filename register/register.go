package register

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/alesim/alesim/model"
)

// MaxFileSize bounds the register files read (each of them, for CSV).
const MaxFileSize = 64 << 20

// IsRegister reports whether path names a register (by its extension, .xlsx or .csv) rather than
// a YAML scenario.
func IsRegister(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".csv":
		return true
	}
	return false
}

// Load reads a register and returns the scenario it describes: the same scenario as loading the
// YAML that Import writes, SHA256 included (the digest of that YAML, which names the register's own
// digest in its first lines). Problems are returned as model.Errors, each naming the file, sheet
// and cell.
func Load(path string) (*model.Scenario, error) {
	y, locs, err := convert(path)
	if err != nil {
		return nil, err
	}
	s, err := model.Parse(path, y)
	if err != nil {
		return nil, err // Import has already checked the same text; not reached
	}
	s.Source = func(line int, field string) (string, string, bool) {
		if line < 1 || line > len(locs) || locs[line-1].row == 0 {
			return "", "", false
		}
		l := locs[line-1]
		if l.column != "" {
			return l.String(), l.column, true
		}
		return l.String(), itemField(field), true
	}
	return s, nil
}

// Import reads a register (.xlsx, or .csv with its sibling files) and returns the commented YAML
// scenario it describes. The YAML is checked by the scenario loader before it is returned; every
// problem, the loader's included, is reported against the register's cells, all at once.
func Import(path string) ([]byte, error) {
	y, _, err := convert(path)
	return y, err
}

// convert is Import, also returning where each line of the YAML came from.
func convert(path string) ([]byte, []loc, error) {
	c := &converter{path: path, display: path}
	y := c.run()
	if c.fatal != nil {
		return nil, nil, c.fatal
	}
	if y == nil {
		return nil, nil, c.errors()
	}
	// The loader checks the YAML even when the register has problems of its own (cells it could not
	// use are written as neutral placeholders), so that every problem is reported at once. A cell
	// with a problem of its own gets no second one from the loader.
	own := map[string]bool{}
	for _, p := range c.errs {
		if p.at.row > 0 {
			own[p.at.String()] = true
		}
	}
	if _, err := model.Parse(path, y); err != nil {
		var me model.Errors
		if !errors.As(err, &me) {
			return nil, nil, err
		}
		for _, e := range me {
			c.fromModel(e, own)
		}
	}
	if len(c.errs) > 0 {
		return nil, nil, c.errors()
	}
	return y, c.w.locs, nil
}

// loc is where a value came from: a cell of a sheet (or of a CSV file).
type loc struct {
	file   string // the file, as given
	sheet  string // the sheet's name; "" for CSV
	order  int    // the sheet's place in the layout, for sorting
	row    int    // 0 for the whole sheet or file
	col    int
	column string // the column's header
	absent bool   // the sheet has no such column (a problem reported at its header)
}

func (l loc) String() string {
	s := l.file
	if l.sheet != "" || l.row > 0 {
		s += ":"
	}
	if l.sheet != "" {
		s += l.sheet
		if l.row > 0 {
			s += "!"
		}
	}
	if l.row > 0 {
		s += cellName(l.col, l.row)
	}
	return s
}

type problem struct {
	at  loc
	msg string
}

// table is one sheet of the layout as read: its header and data rows.
type table struct {
	spec   *sheetSpec
	file   string
	sheet  string
	order  int
	cols   map[string]int    // column name -> column number
	disp   map[string]string // column name -> its header as written
	rows   []sheetRow        // data rows, header excluded
	hdrRow int
}

func (t *table) at(r sheetRow, col string) loc {
	c, ok := t.cols[col]
	if !ok {
		c = 1
	}
	name := col
	if d, ok := t.disp[col]; ok {
		name = d
	}
	return loc{file: t.file, sheet: t.sheet, order: t.order, row: r.N, col: c, column: name, absent: !ok}
}

func (t *table) get(r sheetRow, col string) (cell, bool) {
	c, ok := t.cols[col]
	if !ok {
		return cell{}, false
	}
	for _, x := range r.Cells {
		if x.Col == c {
			return x, true
		}
	}
	return cell{}, false
}

func (t *table) text(r sheetRow, col string) string {
	c, _ := t.get(r, col)
	return strings.TrimSpace(c.Text)
}

// blank reports whether a row has nothing in a column (a cell with a problem of its own is not
// blank: it has been reported already).
func (t *table) blank(r sheetRow, col string) bool {
	c, ok := t.get(r, col)
	return !ok || strings.TrimSpace(c.Text) == "" && !c.Bad
}

// hasGroup reports whether the sheet has any column of an estimate group (freq_min, freq_p05, ...).
func (t *table) hasGroup(group string) bool {
	for _, s := range estSuffixes {
		if _, ok := t.cols[group+"_"+s]; ok {
			return true
		}
	}
	return false
}

type converter struct {
	path, display string
	errs          []problem
	w             yamlWriter
	kindRows      map[string][]loc // model list name -> where each item came from
	ignored       []string
	layoutName    string
	sources       []string
	alias         map[string]string // header -> column, for a recognised foreign layout
	fatal         error             // the register could not be read at all (no such file)
}

func (c *converter) add(at loc, format string, args ...any) {
	c.errs = append(c.errs, problem{at, fmt.Sprintf(format, args...)})
}

func (c *converter) errors() model.Errors {
	sort.SliceStable(c.errs, func(i, j int) bool {
		a, b := c.errs[i].at, c.errs[j].at
		if a.file != b.file {
			return a.file < b.file
		}
		if a.order != b.order {
			return a.order < b.order
		}
		if a.row != b.row {
			return a.row < b.row
		}
		return a.col < b.col
	})
	out := make(model.Errors, 0, len(c.errs))
	seen := map[string]bool{}
	for _, p := range c.errs {
		e := &model.Error{File: p.at.file, Sheet: p.at.sheet, Field: p.at.column, Msg: p.msg}
		if p.at.row > 0 {
			e.Cell = cellName(p.at.col, p.at.row)
		} else {
			e.Field = ""
		}
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

var itemRef = regexp.MustCompile(`\b(findings|safeguards|portfolios|sites)\[(\d+)\]`)

var modelWords = strings.NewReplacer(
	"no finding has id", "no risk has id",
	"no safeguard has id", "no control has id",
	"duplicate finding id", "duplicate risk id",
	"duplicate safeguard id", "duplicate control id",
	"duplicate portfolio id", "duplicate portfolio id",
	"a safeguard acts on", "a control acts on",
	"safeguard already has an effect on finding", "control already names risk",
	"is also a safeguard id", "is also a control id",
)

// fromModel maps one of the scenario loader's problems, located by a line of the generated YAML,
// back to the cell that line came from.
func (c *converter) fromModel(e *model.Error, own map[string]bool) {
	at := loc{file: c.display}
	if e.Line >= 1 && e.Line <= len(c.w.locs) {
		at = c.w.locs[e.Line-1]
	}
	if at.row > 0 && own[at.String()] || at.absent {
		return
	}
	msg := modelWords.Replace(e.Msg)
	if strings.HasPrefix(msg, "a reduction fraction must lie in [0, 1]") {
		msg += "; a fraction: 0.9 is 90%"
	}
	msg = itemRef.ReplaceAllStringFunc(msg, func(s string) string {
		m := itemRef.FindStringSubmatch(s)
		i, _ := strconv.Atoi(m[2])
		if rows := c.kindRows[m[1]]; i < len(rows) {
			l := rows[i]
			return fmt.Sprintf("%s row %d", l.sheetLabel(), l.row)
		}
		return s
	})
	if at.column == "" && at.row > 0 {
		// a problem with a whole item: keep the loader's field path after the cell
		if f := itemField(e.Field); f != "" {
			msg = f + ": " + msg
		}
	}
	c.add(at, "%s", msg)
}

// itemField is a loader's field path without its item ("findings[3].loss" is "loss").
func itemField(path string) string {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return ""
}

func (l loc) sheetLabel() string {
	if l.sheet != "" {
		return l.sheet
	}
	return filepath.Base(l.file)
}

// yamlWriter writes YAML one line at a time and remembers the cell each line came from.
type yamlWriter struct {
	buf  bytes.Buffer
	locs []loc
}

func (w *yamlWriter) line(at loc, format string, args ...any) {
	fmt.Fprintf(&w.buf, format, args...)
	w.buf.WriteByte('\n')
	w.locs = append(w.locs, at)
}

// quote renders text as a YAML double-quoted scalar (JSON's string syntax is YAML's).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// number renders a cell meant to hold a number: the number when it is one, else the text quoted,
// for the loader to reject with its own message.
func number(s string) string {
	s = strings.TrimSpace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "_xXpP") || math.IsInf(x, 0) || math.IsNaN(x) {
		return quote(s)
	}
	if a := math.Abs(x); a == 0 || (a >= 1e-6 && a < 1e15) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// run reads the register and writes the YAML; problems go to c.errs.
func (c *converter) run() []byte {
	tables := c.read()
	if tables == nil {
		return nil
	}
	return c.build(tables)
}

func readFile(path string) ([]byte, error) {
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
		return nil, errors.New("is a directory, want a register file")
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes, want at most %d MiB", st.Size(), MaxFileSize>>20)
	}
	// Read to the end rather than by the size Stat gives, as model.Load does: a pipe, a FIFO or
	// /dev/stdin has none.
	buf, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(buf) > MaxFileSize {
		return nil, fmt.Errorf("file is more than %d bytes, want at most %d MiB", MaxFileSize, MaxFileSize>>20)
	}
	return buf, nil
}

func (c *converter) digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// read returns the layout's tables by sheet name (nil entries for absent optional sheets), or nil
// after recording a problem that leaves nothing to read.
func (c *converter) read() map[string]*table {
	whole := loc{file: c.display}
	src, err := readFile(c.path)
	if err != nil {
		c.fatal = fmt.Errorf("reading register: %w", err)
		return nil
	}
	c.sources = append(c.sources, fmt.Sprintf("%s (sha256 %s)", filepath.Base(c.path), c.digestOf(src)))
	out := map[string]*table{}
	if strings.EqualFold(filepath.Ext(c.path), ".csv") {
		c.layoutName = "alesim register (CSV)"
		sh, err := readCSV(risksSheet.Name, src)
		if err != nil {
			c.add(whole, "%v", err)
			return nil
		}
		if isRiskquant(sh) {
			c.layoutName = "riskquant CSV (Identifier, Name, Probability, Low_loss, High_loss)"
			c.alias = riskquantAlias
		}
		if t := c.table(risksSheet, c.display, "", sh); t != nil {
			out[risksSheet.Name] = t
		}
		base := strings.TrimSuffix(c.path, filepath.Ext(c.path))
		for _, spec := range layout {
			if spec.Suffix == "" {
				continue
			}
			p := base + "." + spec.Suffix + ".csv"
			b, err := readFile(p)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				c.add(loc{file: p}, "%v", unwrapPath(err))
				continue
			}
			c.sources = append(c.sources, fmt.Sprintf("%s (sha256 %s)", filepath.Base(p), c.digestOf(b)))
			sh, err := readCSV(spec.Name, b)
			if err != nil {
				c.add(loc{file: p}, "%v", err)
				continue
			}
			if t := c.table(spec, p, "", sh); t != nil {
				out[spec.Name] = t
			}
		}
		return out
	}
	c.layoutName = "alesim register (xlsx)"
	wb, err := readXLSX(src)
	if err != nil {
		c.add(whole, "%v", err)
		return nil
	}
	for _, spec := range layout {
		sh := wb.sheet(spec.Name)
		if sh == nil {
			if spec.Required {
				var names []string
				for _, s := range wb.Sheets {
					names = append(names, s.Name)
				}
				c.add(whole, "no sheet named %q (the workbook has %s); the layout needs a Risks sheet: run 'alesim template register.xlsx' for an empty one", spec.Name, quoteList(names))
			}
			continue
		}
		if t := c.table(spec, c.display, sh.Name, sh); t != nil {
			out[spec.Name] = t
		}
	}
	if len(c.errs) > 0 && out[risksSheet.Name] == nil {
		return nil
	}
	return out
}

func quoteList(xs []string) string {
	if len(xs) == 0 {
		return "no sheets"
	}
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func orderOf(spec *sheetSpec) int {
	for i, s := range layout {
		if s == spec {
			return i
		}
	}
	return len(layout)
}

// table checks a sheet's header, cells and merged ranges and returns its data rows.
func (c *converter) table(spec *sheetSpec, file, sheetName string, sh *sheet) *table {
	t := &table{spec: spec, file: file, sheet: sheetName, order: orderOf(spec), cols: map[string]int{}, disp: map[string]string{}}
	first := loc{file: file, sheet: sheetName, order: t.order, row: 1, col: 1}
	for _, m := range sh.Merged {
		a, _, _ := strings.Cut(m, ":")
		col, row, err := splitRef(a)
		if err != nil {
			continue
		}
		c.add(loc{file: file, sheet: sheetName, order: t.order, row: row, col: col}, "cells %s are merged; unmerge them and repeat the value in each row (a register has one value a cell)", m)
	}
	if len(sh.Rows) == 0 {
		if spec.Required {
			c.add(first, "sheet is empty; want a header row (%s) and one row per %s", headerHint(spec), itemWord(spec))
		}
		return nil
	}
	hdr := sh.Rows[0]
	if hdr.N != 1 {
		c.add(first, "row 1 is empty; want the header row (%s) in row 1", headerHint(spec))
		return nil
	}
	t.hdrRow = 1
	names := map[int]string{}
	last := 0
	for _, x := range hdr.Cells {
		at := loc{file: file, sheet: sheetName, order: t.order, row: 1, col: x.Col}
		last = max(last, x.Col)
		if x.Formula != "" || x.ErrVal != "" {
			c.add(at, "a header must be text (got a formula)")
			continue
		}
		n := normal(x.Text)
		if a, ok := c.alias[n]; ok && spec == risksSheet {
			n = a
		}
		if n == "" {
			continue
		}
		if !spec.accepts(n) {
			if s := nearestColumn(n, spec); s != "" {
				c.add(at, "unknown column %q: did you mean %q?", x.Text, s)
				if _, taken := t.cols[s]; !taken && !headerHas(hdr, s) {
					// read as the column meant, so that its cells raise no further problems
					t.cols[s] = x.Col
					names[x.Col] = s
					t.disp[s] = strings.TrimSpace(x.Text)
				}
			} else {
				c.ignored = append(c.ignored, fmt.Sprintf("%s %s (%q)", spec.Name, colName(x.Col), x.Text))
			}
			continue
		}
		if prev, dup := t.cols[n]; dup {
			c.add(at, "column %q appears twice (first in column %s)", x.Text, colName(prev))
			continue
		}
		t.cols[n] = x.Col
		names[x.Col] = n
		if d := strings.TrimSpace(x.Text); d != n {
			t.disp[n] = d
		}
	}
	for _, g := range spec.requiredGroups() {
		if !t.hasGroup(g.name) {
			last++
			c.add(loc{file: file, sheet: sheetName, order: t.order, row: 1, col: last}, "missing %s columns: give %s", g.what, g.how)
		}
	}
	for _, col := range spec.Columns {
		if col.Required {
			if _, ok := t.cols[col.Name]; !ok {
				last++
				c.add(loc{file: file, sheet: sheetName, order: t.order, row: 1, col: last}, "missing required column %q (%s)", col.Name, col.Help)
			}
		}
	}
	for _, r := range sh.Rows[1:] {
		keep := sheetRow{N: r.N}
		for _, x := range r.Cells {
			name, ok := names[x.Col]
			if !ok {
				continue // an ignored column
			}
			at := t.at(r, name)
			switch {
			case x.ErrVal != "":
				c.add(at, "cell holds the error %s; fix the formula or type the value", x.ErrVal)
				x.Text, x.Bad = "", true
			case x.NoValue:
				c.add(at, "cell holds the formula =%s with no saved value; open and save the file in Excel, or type the value", x.Formula)
				x.Text, x.Bad = "", true
			}
			keep.Cells = append(keep.Cells, x)
		}
		if len(keep.Cells) > 0 {
			t.rows = append(t.rows, keep)
		}
	}
	return t
}

func headerHas(hdr sheetRow, name string) bool {
	for _, x := range hdr.Cells {
		if normal(x.Text) == name {
			return true
		}
	}
	return false
}

func headerHint(spec *sheetSpec) string {
	var names []string
	for _, c := range spec.Columns {
		if c.Required {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ") + ", ..."
}

func itemWord(spec *sheetSpec) string {
	switch spec {
	case risksSheet:
		return "risk"
	case controlsSheet:
		return "control"
	case sitesSheet:
		return "site"
	case portfoliosSheet:
		return "portfolio"
	}
	return "setting"
}

func nearestColumn(n string, spec *sheetSpec) string {
	best, bd := "", 3
	try := func(name string) {
		if d := editDistance(n, name); d < bd {
			best, bd = name, d
		}
	}
	for _, c := range spec.Columns {
		try(c.Name)
	}
	for _, g := range spec.groups() {
		for _, s := range estSuffixes {
			try(g + "_" + s)
		}
	}
	if bd > len(n)/3 {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var riskquantHeader = []string{"identifier", "name", "probability", "low_loss", "high_loss"}

func isRiskquant(sh *sheet) bool {
	if len(sh.Rows) == 0 || sh.Rows[0].N != 1 || len(sh.Rows[0].Cells) != len(riskquantHeader) {
		return false
	}
	for i, x := range sh.Rows[0].Cells {
		if x.Col != i+1 || normal(x.Text) != riskquantHeader[i] {
			return false
		}
	}
	return true
}

// riskquantAlias maps riskquant's columns to the layout's: Identifier is the id, Name the title,
// Probability the expected events a year (riskquant draws Poisson(Probability) events), and
// Low_loss and High_loss the 5th and 95th percentiles of a lognormal loss.
var riskquantAlias = map[string]string{"identifier": "id", "name": "title", "probability": "freq_point", "low_loss": "loss_p05", "high_loss": "loss_p95"}

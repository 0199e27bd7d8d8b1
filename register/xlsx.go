package register

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// The reader below reads the parts of an Office Open XML workbook a register uses: sheet names,
// shared strings, cell values (with any formula), and merged ranges. It is written here rather than
// taken from excelize because excelize's row iterator took 10 s on a sheet of a million empty rows
// (formatting applied to a whole column, as Excel does); this one drops rows without cells before
// decoding, which takes milliseconds.

// Limits on what a workbook may hold, so a hostile or accidental file cannot exhaust memory.
const (
	maxPartBytes  = 256 << 20 // one uncompressed part (a sheet or the shared strings)
	maxTotalBytes = 512 << 20 // all parts read
	maxCellBytes  = 32 << 10  // text in one cell
	maxDataRows   = 100000    // rows holding at least one cell, per sheet
	maxDataCols   = 200       // columns a register may use
)

// cell is one non-empty cell of a sheet.
type cell struct {
	Row, Col int    // 1-based
	Text     string // the value as text: a number's digits, a string, TRUE/FALSE
	Num      bool   // a numeric cell
	Formula  string // the formula, when the cell holds one
	NoValue  bool   // a formula with no saved value
	ErrVal   string // an Excel error value such as #DIV/0!
	Bad      bool   // the cell's value cannot be used (reported already)
}

// sheet is the cells of one worksheet, by row then column, plus its merged ranges.
type sheet struct {
	Name   string
	Rows   []sheetRow
	Merged []string // ranges such as "A3:A5"
}

type sheetRow struct {
	N     int
	Cells []cell
}

type workbook struct {
	Sheets []*sheet
}

func (w *workbook) sheet(name string) *sheet {
	for _, s := range w.Sheets {
		if strings.EqualFold(strings.TrimSpace(s.Name), name) {
			return s
		}
	}
	return nil
}

type zipReader struct {
	files map[string]*zip.File
	total int64
}

func (z *zipReader) read(name string) ([]byte, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, fmt.Errorf("the workbook has no part %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPartBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(b) > maxPartBytes {
		return nil, fmt.Errorf("part %s is larger than %d MiB uncompressed", name, maxPartBytes>>20)
	}
	z.total += int64(len(b))
	if z.total > maxTotalBytes {
		return nil, fmt.Errorf("the workbook is larger than %d MiB uncompressed", maxTotalBytes>>20)
	}
	return b, nil
}

// readXLSX reads a workbook from its bytes.
func readXLSX(src []byte) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return nil, fmt.Errorf("not an .xlsx workbook (%v); save it from Excel as .xlsx, or as .csv", err)
	}
	z := &zipReader{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		z.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	wbx, err := z.read("xl/workbook.xml")
	if err != nil {
		return nil, fmt.Errorf("not an .xlsx workbook: %w", err)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wbx, &wb); err != nil {
		return nil, fmt.Errorf("reading xl/workbook.xml: %w", err)
	}
	targets := map[string]string{}
	if relx, err := z.read("xl/_rels/workbook.xml.rels"); err == nil {
		var rels struct {
			Rels []struct {
				ID     string `xml:"Id,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if err := xml.Unmarshal(relx, &rels); err != nil {
			return nil, fmt.Errorf("reading xl/_rels/workbook.xml.rels: %w", err)
		}
		for _, r := range rels.Rels {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join("xl", t)
			}
			targets[r.ID] = t
		}
	}
	var shared []string
	if _, ok := z.files["xl/sharedStrings.xml"]; ok {
		b, err := z.read("xl/sharedStrings.xml")
		if err != nil {
			return nil, err
		}
		if shared, err = sharedStrings(b); err != nil {
			return nil, fmt.Errorf("reading xl/sharedStrings.xml: %w", err)
		}
	}
	out := &workbook{}
	for _, s := range wb.Sheets {
		t, ok := targets[s.RID]
		if !ok {
			return nil, fmt.Errorf("sheet %q has no part in the workbook", s.Name)
		}
		b, err := z.read(t)
		if err != nil {
			return nil, err
		}
		sh, err := readSheet(s.Name, b, shared)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.Name, err)
		}
		out.Sheets = append(out.Sheets, sh)
	}
	return out, nil
}

// sharedStrings reads the shared string table: <si><t>text</t></si>, or rich text runs
// <si><r><t>part</t></r>...</si> concatenated (phonetic runs, <rPh>, left out).
func sharedStrings(b []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var out []string
	var cur strings.Builder
	inSI, inT, inRPh := false, false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "rPh":
				inRPh++
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				out = append(out, cur.String())
			case "rPh":
				inRPh--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inSI && inT && inRPh == 0 {
				if cur.Len()+len(t) > maxCellBytes {
					return nil, fmt.Errorf("a shared string is longer than %d bytes", maxCellBytes)
				}
				cur.Write(t)
			}
		}
	}
}

// dropEmptyRows removes <row .../> elements (rows with formatting but no cells) from sheet XML, so
// the decoder never sees them.
func dropEmptyRows(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("<row"))
		if j < 0 {
			break
		}
		j += i
		// <row followed by a space or '>' or '/' (not <rowBreaks ...)
		if j+4 >= len(b) || !(b[j+4] == ' ' || b[j+4] == '>' || b[j+4] == '/' || b[j+4] == '\t' || b[j+4] == '\n' || b[j+4] == '\r') {
			i = j + 4
			continue
		}
		end := bytes.IndexByte(b[j:], '>')
		if end < 0 {
			break
		}
		end += j
		if b[end-1] == '/' { // <row ... /> : no cells
			if out == nil {
				out = make([]byte, 0, len(b)/2)
			}
			out = append(out, b[last:j]...)
			last = end + 1
		}
		i = end + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// readSheet decodes one worksheet's cells and merged ranges.
func readSheet(name string, b []byte, shared []string) (*sheet, error) {
	b = dropEmptyRows(b)
	sh := &sheet{Name: name}
	d := xml.NewDecoder(bytes.NewReader(b))
	var (
		cur                 *cell
		typ                 string
		inV, inF, inIS, inT bool
		val, formula        strings.Builder
		hasF, hasV          bool
		rowN, nextCol       int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowN++
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 || n > 1048576 {
						return nil, fmt.Errorf("row number %q is not valid", r)
					}
					rowN = n
				}
				if len(sh.Rows) >= maxDataRows {
					return nil, fmt.Errorf("more than %d rows hold data; a register sheet has one row per item", maxDataRows)
				}
				sh.Rows = append(sh.Rows, sheetRow{N: rowN})
				nextCol = 1
			case "c":
				if len(sh.Rows) == 0 {
					return nil, errors.New("a cell lies outside any row")
				}
				cur = &cell{Row: rowN, Col: nextCol}
				if r := attr(t, "r"); r != "" {
					c, rr, err := splitRef(r)
					if err != nil {
						return nil, err
					}
					cur.Col, cur.Row = c, rr
				}
				nextCol = cur.Col + 1
				typ = attr(t, "t")
				val.Reset()
				formula.Reset()
				hasF, hasV = false, false
			case "v":
				inV, hasV = true, true
			case "f":
				inF, hasF = true, true
			case "is":
				inIS = true
			case "t":
				inT = true
			case "mergeCell":
				if ref := attr(t, "ref"); ref != "" {
					sh.Merged = append(sh.Merged, ref)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "f":
				inF = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "c":
				if cur == nil {
					continue
				}
				c := *cur
				cur = nil
				v := val.String()
				c.Formula = formula.String()
				if hasF && c.Formula == "" {
					c.Formula = "(shared formula)"
				}
				switch typ {
				case "s":
					i, err := strconv.Atoi(strings.TrimSpace(v))
					if err != nil || i < 0 || i >= len(shared) {
						return nil, fmt.Errorf("cell %s names shared string %q, which does not exist", cellName(c.Col, c.Row), v)
					}
					c.Text = shared[i]
				case "inlineStr", "str":
					c.Text = v
				case "b":
					if strings.TrimSpace(v) == "1" {
						c.Text = "TRUE"
					} else {
						c.Text = "FALSE"
					}
				case "e":
					c.ErrVal = v
				default: // "n" or none: a number
					c.Text = strings.TrimSpace(v)
					c.Num = c.Text != ""
				}
				if hasF && !hasV && typ != "inlineStr" {
					c.NoValue = true
				}
				if c.Text == "" && c.Formula == "" && c.ErrVal == "" {
					continue // a styled empty cell
				}
				r := &sh.Rows[len(sh.Rows)-1]
				if c.Col > maxDataCols {
					return nil, fmt.Errorf("cell %s lies beyond column %s; a register uses at most %d columns", cellName(c.Col, c.Row), colName(maxDataCols), maxDataCols)
				}
				r.Cells = append(r.Cells, c)
			}
		case xml.CharData:
			switch {
			case cur == nil:
			case inV:
				if val.Len()+len(t) > maxCellBytes {
					return nil, fmt.Errorf("cell %s holds more than %d bytes", cellName(cur.Col, cur.Row), maxCellBytes)
				}
				val.Write(t)
			case inF:
				formula.Write(t)
			case inIS && inT:
				if val.Len()+len(t) > maxCellBytes {
					return nil, fmt.Errorf("cell %s holds more than %d bytes", cellName(cur.Col, cur.Row), maxCellBytes)
				}
				val.Write(t)
			}
		}
	}
	// keep only rows with cells
	rows := sh.Rows[:0]
	for _, r := range sh.Rows {
		if len(r.Cells) > 0 {
			rows = append(rows, r)
		}
	}
	sh.Rows = rows
	return sh, nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// splitRef parses a cell reference such as "AB12" into column and row (1-based).
func splitRef(ref string) (col, row int, err error) {
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		c := ref[i]
		if c >= 'a' {
			c -= 'a' - 'A'
		}
		col = col*26 + int(c-'A'+1)
		if col > 16384 {
			return 0, 0, fmt.Errorf("cell reference %q is not valid", ref)
		}
		i++
	}
	row, err = strconv.Atoi(ref[i:])
	if i == 0 || err != nil || row < 1 || row > 1048576 {
		return 0, 0, fmt.Errorf("cell reference %q is not valid", ref)
	}
	return col, row, nil
}

// colName is a column's letters: 1 is A, 27 is AA.
func colName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// cellName is a cell's reference, e.g. D7.
func cellName(col, row int) string { return colName(col) + strconv.Itoa(row) }

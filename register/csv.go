package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// readCSV reads one table from CSV text: comma-separated, or semicolon-separated when the header
// line holds semicolons and no commas (as Excel writes in locales with a decimal comma).
func readCSV(name string, src []byte) (*sheet, error) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if !utf8.Valid(src) {
		return nil, errors.New("file is not valid UTF-8 text (save it as \"CSV UTF-8\")")
	}
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if bytes.Contains(first, []byte(";")) && !bytes.Contains(first, []byte(",")) {
		r.Comma = ';'
	}
	sh := &sheet{Name: name}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d, character %d: %v (a quote inside a field must be doubled: \"\")", pe.Line, pe.Column, pe.Err)
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		row := sheetRow{N: line}
		if len(rec) > maxDataCols {
			return nil, fmt.Errorf("line %d has %d fields; a register uses at most %d columns", line, len(rec), maxDataCols)
		}
		for i, v := range rec {
			if len(v) > maxCellBytes {
				return nil, fmt.Errorf("line %d: field %d holds more than %d bytes", line, i+1, maxCellBytes)
			}
			if strings.TrimSpace(v) == "" {
				continue
			}
			row.Cells = append(row.Cells, cell{Row: line, Col: i + 1, Text: v})
		}
		if len(row.Cells) > 0 {
			if len(sh.Rows) >= maxDataRows {
				return nil, fmt.Errorf("more than %d rows hold data; a register has one row per item", maxDataRows)
			}
			sh.Rows = append(sh.Rows, row)
		}
	}
	return sh, nil
}

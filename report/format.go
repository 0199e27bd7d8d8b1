package report

import (
	"fmt"
	"github.com/alesim/alesim/analysis"
	"io"
	"strings"

	"github.com/alesim/alesim/model"
)

// Writer renders one kind of result (R: a run's *analysis.Summary, a *model.PointResult, a
// *analysis.SensitivityResult) to w.
type Writer[R any] interface {
	Write(w io.Writer, r R) error
}

// WriterFunc makes a function a Writer.
type WriterFunc[R any] func(w io.Writer, r R) error

// Write implements Writer.
func (f WriterFunc[R]) Write(w io.Writer, r R) error { return f(w, r) }

// Formats is the table of writers for one kind of result, by the name --format gives them, in the
// order --help lists them. A new output format is one writer and one line in a table below.
type Formats[R any] []struct {
	Name   string
	Writer Writer[R]
}

// Names lists the format names for a flag's help and errors: "table, csv or json".
func (fs Formats[R]) Names() string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Lookup returns the writer named name, or an error listing the valid names.
func (fs Formats[R]) Lookup(name string) (Writer[R], error) {
	for _, f := range fs {
		if f.Name == name {
			return f.Writer, nil
		}
	}
	return nil, fmt.Errorf("--format must be %s (got %q)", fs.Names(), name)
}

// Compile-time checks that the writers are Writers.
var (
	_ Writer[*analysis.Summary]           = WriterFunc[*analysis.Summary](WriteRunTable)
	_ Writer[*model.PointResult]          = WriterFunc[*model.PointResult](WritePointTable)
	_ Writer[*analysis.SensitivityResult] = WriterFunc[*analysis.SensitivityResult](WriteSensitivityTable)
	_ Writer[*analysis.VOIResult]         = WriterFunc[*analysis.VOIResult](WriteVOITable)
)

// RunFormats are the formats of a run's (or a merge's) summary on stdout.
var RunFormats = Formats[*analysis.Summary]{
	{"table", WriterFunc[*analysis.Summary](WriteRunTable)},
	{"csv", WriterFunc[*analysis.Summary](WriteCSV)},
	{"json", jsonWriter[*analysis.Summary]()},
}

// PointFormats are the formats of point mode.
var PointFormats = Formats[*model.PointResult]{
	{"table", WriterFunc[*model.PointResult](WritePointTable)},
	{"csv", WriterFunc[*model.PointResult](WritePointCSV)},
	{"json", jsonWriter[*model.PointResult]()},
}

// CompareFormats are the formats of a comparison of two runs.
var CompareFormats = Formats[*analysis.Comparison]{
	{"table", WriterFunc[*analysis.Comparison](WriteCompareText)},
	{"json", jsonWriter[*analysis.Comparison]()},
}

// SensitivityFormats are the formats of a sensitivity ranking.
var SensitivityFormats = Formats[*analysis.SensitivityResult]{
	{"table", WriterFunc[*analysis.SensitivityResult](WriteSensitivityTable)},
	{"json", jsonWriter[*analysis.SensitivityResult]()},
}

// VOIFormats are the formats of a value-of-information analysis.
var VOIFormats = Formats[*analysis.VOIResult]{
	{"table", WriterFunc[*analysis.VOIResult](WriteVOITable)},
	{"csv", WriterFunc[*analysis.VOIResult](WriteVOICSV)},
	{"json", jsonWriter[*analysis.VOIResult]()},
}

func jsonWriter[R any]() Writer[R] {
	return WriterFunc[R](func(w io.Writer, r R) error { return WriteJSON(w, r) })
}

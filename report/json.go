package report

import (
	"encoding/json"
	"github.com/alesim/alesim/analysis"
	"io"
	"os"
)

// WriteJSON writes any result (a run's summary, point mode, a sensitivity ranking, a shard's
// metadata) in the JSON contract: encoding/json, indented by two spaces, one final newline. Every
// JSON file and stream alesim writes goes through it.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ReadSummary reads a summary.json written by WriteJSON.
func ReadSummary(path string) (*analysis.Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s analysis.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

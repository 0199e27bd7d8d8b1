package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/alesim/alesim/model"
)

// TestSensitivityList: --list prints the scenario's uncertain inputs, one a line, by the names
// model gives them (those a correlations section uses), and runs nothing.
func TestSensitivityList(t *testing.T) {
	const path = "../../scenarios/usps-wets-access.yaml"
	code, stdout, stderr := runArgs("sensitivity", "--list", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := s.InputNames()
	got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("--list printed %q, want %q", got, want)
	}
}

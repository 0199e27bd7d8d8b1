package main

import (
	"encoding/json"
	"slices"
	"testing"
)

const wets = "../../scenarios/usps-wets-access.yaml"

// TestVOIContract (issue 18): the JSON names the issue fixes, from alesim voi and as voi in the
// run's summary with run --voi; the budget's sets join the decision.
func TestVOIContract(t *testing.T) {
	code, stdout, stderr := runArgs("voi", "--trials", "2000", "--options", "rec-3-rotation", "--format", "json", wets)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, v, map[string][]string{
		"decision": {"options", "best"},
		"evpi":     {"value", "se"},
		"inputs":   {"name", "evppi", "se", "bias_bound", "lower"},
	})
	if opts := v["decision"].(map[string]any)["options"].([]any); len(opts) != 2 || opts[0] != "none" || opts[1] != "rec-3-rotation" {
		t.Errorf("options %v, want [none rec-3-rotation]", opts)
	}
	if code, _, _ := runArgs("voi", "--options", "nope", wets); code != exitUsage {
		t.Errorf("an unknown option: exit %d, want usage", code)
	}

	code, stdout, stderr = runArgs("run", "--trials", "20000", "--voi", "--budget", "20000", "--format", "json", wets)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	v = nil
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, v, map[string][]string{
		"voi":        {"decision", "evpi", "inputs"},
		"occurrence": {"p50", "p90", "p95", "p99", "exceedance"},
		"budget":     {"best", "runners_up", "choice_blocks", "held_out_blocks"},
	})
	requireKeys(t, v["occurrence"].(map[string]any), map[string][]string{"exceedance": {"loss", "probability"}})
	requireKeys(t, v["budget"].(map[string]any), map[string][]string{"best": {"in_sample", "held_out", "optimizers_curse", "savings"}})
	opts := v["voi"].(map[string]any)["decision"].(map[string]any)["options"].([]any)
	if !slices.Contains(opts, any("none")) || len(opts) < 8 {
		t.Errorf("run --voi options %v, want none, every safeguard and portfolio, and the budget's new sets", opts)
	}
}

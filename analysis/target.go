package analysis

import (
	"fmt"
	"strings"

	"github.com/alesim/alesim/model"
)

// CheckTarget reports whether target names something Sensitivity can explain in s: "ale" or
// "savings:ID" of a safeguard or portfolio. Commands call it before simulating, so a misspelt
// target fails at once.
func CheckTarget(s *model.Scenario, target string) error {
	_, err := targetColumn(s, target)
	return err
}

// targetColumn is the engine column of a sensitivity target.
func targetColumn(s *model.Scenario, target string) (string, error) {
	switch {
	case target == "ale":
		return "ale", nil
	case strings.HasPrefix(target, "savings:"):
		id := strings.TrimPrefix(target, "savings:")
		if s.SafeguardIndex(id) < 0 && s.PortfolioIndex(id) < 0 {
			return "", fmt.Errorf("--target %s: no safeguard or portfolio %q", target, id)
		}
		return "savings:" + id, nil
	}
	return "", fmt.Errorf("--target must be ale or savings:ID (got %q)", target)
}

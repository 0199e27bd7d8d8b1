package analysis

import "fmt"

// precisionWarning says when a --precision target was not reached within the trial limit, with the
// precision reached: the 95% CI half-width of the mean annual loss relative to the mean.
func precisionWarning(sum *Summary, target float64) string {
	if !(target > 0) || !(sum.AnnualLoss.Mean > 0) {
		return ""
	}
	reached := (sum.AnnualLoss.CI95[1] - sum.AnnualLoss.CI95[0]) / 2 / sum.AnnualLoss.Mean
	if reached <= target {
		return ""
	}
	return fmt.Sprintf("precision target %g not reached: stopped at the limit of %d trials with the mean annual loss's 95%% interval at +/-%.3g%% of it (want +/-%.3g%%; raise --trials)", target, sum.Run.Trials, 100*reached, 100*target)
}

// Package layers holds the test that keeps the module's imports pointing down: cmd above report,
// report above analysis, analysis above sim, sim above model, model above model/dist. Packages
// under internal/ may be imported by anyone. The package has no code of its own.
package layers

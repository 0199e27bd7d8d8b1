// Package model reads, validates and describes risk scenarios, and computes the 1983 point
// arithmetic on them.
//
// Load parses a YAML scenario (see docs/scenario-format.md) keeping the position of every value,
// and validates it, collecting every problem as an Error with file, line and field path. A loaded
// Scenario is valid: references are resolved to indices and every estimate's distribution is
// constructed. Point computes what the 1983 report computes: ALE = loss x AFE, horizon figures at
// the annuity factor A, savings = A x (ALE - new ALE) - A x annual cost - one-time cost, and the
// report's cost to savings ratio (cost / savings).
//
// Inputs names the uncertain estimates (theta) as sensitivity prints them; a scenario's
// correlations section names them too, and Correlations holds its groups of rank correlations,
// checked positive semidefinite in their Pearson form (or repaired, with a warning).
//
// The package does not depend on the simulation engine (package sim), which depends on it.
package model

// Package scenarios holds the scenario files alesim ships, and tests that load, validate and run
// each of them. soes-1983.yaml is the reference: the 1983 SOES risk analysis, whose section 1.3
// summary table point mode reproduces (see soes_test.go).
package scenarios

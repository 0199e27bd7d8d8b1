// Package report renders the results of a run, point, sensitivity or comparison for people and
// other tools: text tables, JSON (the contract), CSV, report.html, the charts (subpackage charts),
// the Parquet file of per-trial results, and the output directory they are written into. It sits
// above the engine (sim) and the model; nothing below imports it.
//
// Writes are all or nothing, and an output directory only ever holds complete results of ours
// (outdir.go): a run writes into a staging directory beside the target and swaps it into place
// atomically when every file is complete, with a marker written last; --force replaces only such
// a directory; an interrupted or failed run removes the staging directory, so nothing that looks
// complete is ever left behind. Single files (a re-drawn chart) are written to a temporary file
// and renamed, keeping their mode.
package report

// Package analysis turns the engine's results into the figures a risk analyst reads, and runs the
// analyses that are clients of the engine: Run (simulate and summarise, with the budget search
// choosing on the even blocks and measuring on both halves: the honest best set), Summarize (the
// result contract, Summary, whose JSON form is the output of `alesim run`), Merge (shard results
// into the summary of a single run), Sensitivity (which input decides a target) and VOI (what
// knowing each input before deciding is worth: EVPI and EVPPI). Warnings about unreliable figures travel with the summary. It calls package sim only
// through sim.Simulate, sim.Options and sim.Result, and renders nothing: package report does.
package analysis

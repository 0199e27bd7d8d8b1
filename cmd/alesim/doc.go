// Command alesim runs Monte Carlo risk simulations of annual loss expectancy (ALE) and of the
// savings safeguards bring, and reproduces the 1983 point arithmetic they generalise.
//
// Usage:
//
//	alesim validate [--format text|json] SCENARIO
//	alesim point [--format table|csv|json] [--portfolio ID] SCENARIO
//	alesim run [--trials N] [--seed S] [--workers W] [--format table|csv|json] [--precision P]
//	           [--budget AMOUNT] [--voi] [--portfolio ID] [--sensitivity TARGET] [--max-memory SIZE]
//	           [--out DIR [--force] [--trials-file] [--sip [--sip-of COLUMNS]]] [--shard K/N|env --out DIR]
//	           [--quiet] SCENARIO
//	alesim sensitivity [--target ale|savings:ID] [--trials N] [--format table|json] [--out DIR] SCENARIO
//	alesim voi [--options ID,ID] [--budget AMOUNT] [--trials N] [--format table|csv|json] [--out DIR [--force]] SCENARIO
//	alesim sensitivity --list SCENARIO
//	alesim merge [--out DIR] [--format table|json] SHARD_DIR...
//	alesim plot DIR
//	alesim compare [--trials N] [--seed S] [--format table|json] [--out DIR [--force]] A B
//	alesim import [--out SCENARIO.yaml [--force]] REGISTER
//	alesim template [--force] REGISTER.xlsx
//	alesim schema
//
// A SCENARIO is a YAML file (docs/scenario-format.md) or a spreadsheet register, .xlsx or .csv
// (docs/register-format.md), read as the scenario its import would write.
//
// validate checks a scenario file and lists every problem with its line and field, and warns about
// legal but suspicious input. point computes, per finding, ALE = loss x AFE, the ALE with the
// selected safeguards, the losses over the horizon now and after, the reduction, the cost, the
// savings and the cost to savings ratio, sorted like section 1.3 of the 1983 report, with totals.
// run replaces every point estimate by its distribution and simulates years: ALE(theta) and the
// annual loss with 95% confidence intervals, quantiles, VaR and TVaR, the loss exceedance curve,
// breakdowns by finding, site and threat class, and every safeguard's and portfolio's savings on
// common random numbers, ranked, with the probability of paying off. --out writes summary.json,
// summary.csv, results.xlsx, the charts and report.html (--trials-file adds trials.parquet; --sip
// adds sips.json, a SIPmath 3.0 library of the trials for spreadsheet models); --shard writes one
// shard of the trials for merge. sensitivity ranks the uncertain inputs by how much of a target they decide; with
// --list it prints their names, one a line, as a scenario's correlations section names them. voi
// values, in money, knowing each uncertain input before deciding among doing nothing, the
// safeguards, the portfolios and the budget's sets (EVPI and each input's EVPPI); its --out writes
// voi.json, voi.csv and the ranked chart (voi.svg, voi.png), staged and committed whole as run
// --out is, and refused over a non-empty directory unless --force. plot re-draws a
// saved run's charts. compare runs two scenarios on one seed and reports each figure before and
// after with the paired 95% interval of the change (two saved runs: unpaired, said so). import
// converts a register into commented YAML; template writes an empty register workbook; schema
// prints the scenario's JSON Schema. A worked example:
//
//	alesim point scenarios/soes-1983.yaml
//	alesim run --trials 1000000 --seed 1983 --out out/soes scenarios/soes-1983.yaml
//	alesim run --budget 50000 scenarios/soes-1983.yaml
//	alesim run --trials 20000 --out out/sips --sip-of annual_loss,ale scenarios/soes-1983.yaml
//	alesim sensitivity --target savings:rec-3-rotation scenarios/usps-wets-access.yaml
//	alesim voi --options rec-3-rotation scenarios/usps-wets-access.yaml
//	alesim run scenarios/clinic-register.xlsx
//	alesim compare scenarios/soes-1983.yaml scenarios/soes-1983.yaml
//
// Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 invalid scenario, 128+N stopped by
// signal N. SIGINT (Ctrl-C), SIGTERM (what Slurm and Kubernetes send), SIGHUP and SIGQUIT stop
// every command alike: the work is cancelled, everything staged is removed, and the exit status is
// 130, 143, 129 or 131; a second signal stops at once (after removing what is staged).
//
// An --out directory only ever holds complete results: they are staged beside it and swapped in
// whole, with a marker file (.alesim-results) written last. --force replaces only a directory
// holding alesim results and nothing else, never an input of the same command; a symlink is
// followed to its directory; staging left by a killed process is swept by the next command.
package main

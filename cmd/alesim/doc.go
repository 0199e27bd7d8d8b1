// Command alesim runs Monte Carlo risk simulations of annual loss expectancy (ALE) and of the
// savings safeguards bring, and reproduces the 1983 point arithmetic they generalise.
//
// Usage:
//
//	alesim validate SCENARIO
//	alesim point [--format table|csv|json] [--portfolio ID] SCENARIO
//	alesim run [--trials N] [--seed S] [--workers W] [--format table|json] [--precision P] SCENARIO
//
// validate checks a scenario file and lists every problem with its line and field. point computes,
// per finding, ALE = loss x AFE, the ALE with the selected safeguards, the losses over the horizon
// now and after, the reduction, the cost, the savings and the cost to savings ratio, sorted like
// section 1.3 of the 1983 report, with totals. run replaces every point estimate by its
// distribution and simulates years: it reports ALE(theta) and the annual loss with 95% confidence
// intervals, quantiles, VaR and TVaR, the loss exceedance curve, and breakdowns by finding, site and
// threat class, with the point figures beside them. A worked example:
//
//	alesim point scenarios/soes-1983.yaml
//	alesim run --trials 1000000 --seed 1983 scenarios/soes-1983.yaml
//	alesim run --format json --precision 0.01 scenarios/soes-1983.yaml > summary.json
//
// Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 invalid scenario, 130 interrupted.
package main

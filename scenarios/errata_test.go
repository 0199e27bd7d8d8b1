package scenarios

// erratum is a printed cell of section 1.3 that the report's own stated inputs do not reproduce.
type erratum struct {
	finding string  // finding id
	column  string  // now, new, reduction, cost, savings or ratio
	printed string  // as printed in section 1.3
	exact   float64 // the value computed exactly from the scenario's inputs
	reason  string  // why they differ, citing the report
}

// soesErrata lists every cell of testdata/soes-1983-table-1.3.csv that does not match the value
// computed from scenarios/soes-1983.yaml (A = 3.79; each finding with its non-alternative
// safeguards) when that value is rounded to the number of significant figures printed, at least
// two. Significant figures are counted without leading zeros and, in a number with no decimal
// point, without trailing zeros ("460" has two, "16.0" three, ".030" two); a printed 0 matches
// only an exact 0. The Threeville contingency plan (2.2-1 and 2.3-2) shares one cost, savings and
// ratio, printed once for both rows and listed here for both findings. Row 16 (3.5.1-1, savings
// 183,500 printed 184K) is an exact tie at three figures and matches when rounding half away from
// zero or half to even.
var soesErrata = []erratum{
	{
		finding: "3.2.1.3.4-2", column: "now", printed: "460", exact: 443.43,
		reason: "ALE 117K x .001 = 117, printed 120 (3.2.1.3.4-2, p. 61: \"117K x .001 120\"); 3.79 x 117 = 443; the printed 460 is not even 3.79 x 120 = 455 (450 at two figures)",
	},
	{
		finding: "3.2.1.3.4-2", column: "new", printed: "230", exact: 221.715,
		reason: "new ALE 50% of 117 = 58.5; the text's \"The new ALE is 60\" comes from the rounded 120 (3.79 x 60 = 227 -> 230); exactly 3.79 x 58.5 = 222",
	},
	{
		finding: "3.2.1.3.4-2", column: "reduction", printed: "230", exact: 221.715,
		reason: "3.79 x (117 - 58.5) = 222; the table's 230 is 3.79 x (120 - 60), built on the ALE rounded from 117 to 120",
	},
	{
		finding: "3.2.1.3.4-2", column: "savings", printed: "230", exact: 221.715,
		reason: "no cost, so savings = reduction = 3.79 x 58.5 = 222; the table's 230 is built on the ALE rounded from 117 to 120",
	},
	{
		finding: "2.7-4", column: "ratio", printed: ".002", exact: 0.001644081103,
		reason: "20K / 12.16M = .0016 (.0017 from the printed 20K / 12M), printed at one significant figure as .002",
	},
	{
		finding: "3.2.1.2-4", column: "cost", printed: "2.2K", exact: 2274,
		reason: "annual cost 600 (3.2.1.2-4, p. 45: \"7.35 hr 600 per year\"); 3.79 x 600 = 2,274 (2.3K); the table prints 2.2K",
	},
	{
		finding: "3.2.1.2-4", column: "ratio", printed: ".008", exact: 0.008064516129,
		reason: "2,274 / 281,976 = .0081; the table's .008 is the rounded 2.2K / 282K (.0078) at one significant figure",
	},
	{
		finding: "3.5.1-2", column: "savings", printed: "186K", exact: 185331,
		reason: "3.79 x 50K - 3.79 x 1.1K = 185,331 (185K); the table's 186K is 190K - 4.2K, from rounded cells",
	},
	{
		finding: "3.5.1-2", column: "ratio", printed: ".023", exact: 0.02249488753,
		reason: "4,169 / 185,331 = .0225 (.022); the table's .023 is 4.2K / 186K, from rounded cells",
	},
	{
		finding: "3.4.5.1-2", column: "now", printed: "144K", exact: 145536,
		reason: "ALE 6.4K x .5 x 12 = 38.4K, printed 38K (3.4.5.1-2, p. 92: \"6.4K x .5 x 12 38K\"); 3.79 x 38.4K = 145.5K, the table 3.79 x 38K = 144K",
	},
	{
		finding: "3.4.5.1-2", column: "savings", printed: "99K", exact: 97782,
		reason: "3.79 x (38.4K - 9.6K) - 3.79 x 3K = 97,782 (98K); the table's 99K is 110K - 11.4K, from rounded cells on the 38K ALE",
	},
	{
		finding: "3.4.5.1-2", column: "ratio", printed: ".023", exact: 0.1162790698,
		reason: "11,370 / 97,782 = .116; the printed .023 follows from no figures of the report (11.4K / 99K = .115; with the savings line's 1.7K a year, about .06); it repeats the .023 of the row above, so the row is also mis-ranked",
	},
	{
		finding: "3.4.1-2", column: "reduction", printed: "1.4M", exact: 1335975,
		reason: "3.79 x (470K - 117.5K) = 1,335,975 (1.3M); the table's 1.4M is 1.8M - 450K, from rounded cells",
	},
	{
		finding: "3.4.1-2", column: "savings", printed: "1.4M", exact: 1293687,
		reason: "1,335,975 - (15K + 3.79 x 7.2K) = 1,293,687 (1.3M, as the text says: \"470K - 120K x 3.79 - 7.2K x 3.79 - 15K 1.3M\", p. 82); the table's 1.4M follows its rounded reduction cell",
	},
	{
		finding: "3.4.1-2", column: "ratio", printed: ".030", exact: 0.03268796857,
		reason: "42,288 / 1,293,687 = .0327 (.033); the table's .030 is 42K / 1.4M, from the rounded savings cell",
	},
	{
		finding: "3.2.1.2.4-1", column: "savings", printed: "1K", exact: 960.3,
		reason: "3.79 x (600 - 30) - 1.2K = 960.3; the text (\"600 - 30 x 3.79 - 1.2K 1K\", p. 51) and the table print it at one significant figure as 1K",
	},
	{
		finding: "3.2.1.2.4-1", column: "ratio", printed: "1.20", exact: 1.249609497,
		reason: "1,200 / 960.3 = 1.25; the table's 1.20 is 1.2K / 1K, from the rounded savings",
	},
	{
		finding: "3.2.1.1.2-1", column: "savings", printed: "9K", exact: 8699,
		reason: "3.79 x (9K - 900) - 22K = 8,699 (8.7K); the text (\"9K - 900 x 3.79 - 22K 9K\", p. 39) and the table print it at one significant figure as 9K",
	},
	{
		finding: "3.2.1.1.2-1", column: "ratio", printed: "2.44", exact: 2.529026325,
		reason: "22,000 / 8,699 = 2.53; the table's 2.44 is 22K / 9K, from the rounded savings",
	},
	{
		finding: "3.2.1.1-1", column: "reduction", printed: "2.1K", exact: 2046.6,
		reason: "3.79 x (600 - 60) = 2,046.6 (2.0K); the table's 2.1K is 2.3K - 230, from rounded cells",
	},
	{
		finding: "3.2.1.1-1", column: "savings", printed: "600", exact: 568.5,
		reason: "2,046.6 - 3.79 x 390 = 568.5 (570); the table's 600 is 2.1K - 1.5K, from rounded cells (the text gives 150 a year, p. 35)",
	},
	{
		finding: "3.2.1.1-1", column: "ratio", printed: "2.50", exact: 2.6,
		reason: "1,478.1 / 568.5 = 2.60; the table's 2.50 is 1.5K / 600, from rounded cells",
	},
	{
		finding: "3.3-1", column: "ratio", printed: "2.92", exact: 3.03923581,
		reason: "38,498 / 12,667 = 3.04; the table's 2.92 is 38K / 13K, from rounded cells",
	},
	{
		finding: "2.2-1", column: "now", printed: "307K", exact: 30699,
		reason: "ALE .01 x 810K = 8.1K; the text prints 81K (2.2-1, p. 19: \"The ALE is .01 x 810 81K\"), a factor-of-10 slip; 3.79 x 8.1K = 30.7K, the table 3.79 x 81K = 307K",
	},
	{
		finding: "2.2-1", column: "new", printed: "284K", exact: 28323.93321,
		reason: "new ALE 8.1K - .01 x 2/3 x 94K = 7,473; the text's \"81K - 6.3K 75K\" is ten times too large in both terms; 3.79 x 7,473 = 28.3K, the table 3.79 x 75K = 284K",
	},
	{
		finding: "2.2-1", column: "reduction", printed: "23K", exact: 2375.066793,
		reason: "3.79 x .01 x 2/3 x 94K = 2,375; the text prints the yearly saving as 6.3K (exactly 627), and the table's 23K is 307K - 284K, both from the factor-of-10 slip",
	},
	{
		finding: "2.2-1", column: "savings", printed: "9K", exact: -11275.43321,
		reason: "Threeville contingency plan (shared with 2.3-2): reductions 2,375 (2.2-1) + 15,350 (2.3-2) = 17,725 less its 29K cost = -11,275; the printed 9K = 23K + 15K - 29K rests on the 81K ALE of 2.2-1 (Appendix C, which costs the plan, is missing)",
	},
	{
		finding: "2.2-1", column: "ratio", printed: "3.22", exact: -2.571963265,
		reason: "29,000 / -11,275 = -2.57: on the stated inputs the Threeville plan does not pay for itself; the printed 3.22 = 29K / 9K rests on the 81K ALE of 2.2-1",
	},
	{
		finding: "2.3-2", column: "now", printed: "45K", exact: 47261.3,
		reason: "ALE .01 x 1,247K = 12,470, printed 12K (2.3-2, p. 23: \"643 - 12K\"); 3.79 x 12,470 = 47.3K, the table 3.79 x 12K = 45.5K",
	},
	{
		finding: "2.3-2", column: "new", printed: "30K", exact: 31911.8,
		reason: "new ALE 12,470 - .75 x .01 x 540K = 8,420, printed 7.9K (\"12K - 4.1K 7.9K\", from the rounded 12K); 3.79 x 8,420 = 31.9K, the table 3.79 x 7.9K = 29.9K",
	},
	{
		finding: "2.3-2", column: "savings", printed: "9K", exact: -11275.43321,
		reason: "Threeville contingency plan (shared with 2.2-1): reductions 2,375 (2.2-1) + 15,350 (2.3-2) = 17,725 less its 29K cost = -11,275; the printed 9K = 23K + 15K - 29K rests on the 81K ALE of 2.2-1",
	},
	{
		finding: "2.3-2", column: "ratio", printed: "3.22", exact: -2.571963265,
		reason: "29,000 / -11,275 = -2.57 for the shared Threeville plan; the printed 3.22 = 29K / 9K rests on the 81K ALE of 2.2-1",
	},
	{
		finding: "2.3-1", column: "new", printed: "6.1K", exact: 5874.5,
		reason: "a 75% reduction of 6.2K leaves 1,550, printed 1.6K (2.3-1, p. 21: \"reduce the ALE by 75 to 1.6K\"); 3.79 x 1,550 = 5,874.5 (5.9K), the table 3.79 x 1.6K = 6.1K",
	},
	{
		finding: "2.3-1", column: "reduction", printed: "17K", exact: 17623.5,
		reason: "3.79 x (6,200 - 1,550) = 17,623.5 (18K); the text's 17K is 3.79 x (6.2K - 1.6K) = 17.4K, with the new ALE rounded to 1.6K",
	},
	{
		finding: "2.3-1", column: "savings", printed: "1K", exact: 1938.5,
		reason: "17,623.5 - (10K + 3.79 x 1.5K = 15,685) = 1,938.5 (1.9K); the text's \"17K - 16K 1K\" subtracts rounded figures",
	},
	{
		finding: "2.3-1", column: "ratio", printed: "16.0", exact: 8.091307712,
		reason: "15,685 / 1,938.5 = 8.09; the table's 16.0 is 16K / 1K, from rounded figures",
	},
	{
		finding: "3.2.4-1", column: "reduction", printed: "10.26K", exact: 10233,
		reason: "3.79 x (3K - 300) = 10,233; the table's 10.26K is 11.4K - 1.14K, from rounded cells",
	},
	{
		finding: "3.2.4-1", column: "savings", printed: "160", exact: 137,
		reason: "10,233 - (1K + 3.79 x 2.4K = 10,096) = 137 (140); the printed 160 (also in the text, p. 68) is 10.26K - 10.1K, from rounded cells",
	},
	{
		finding: "3.2.4-1", column: "ratio", printed: "63.1", exact: 73.69343066,
		reason: "10,096 / 137 = 73.7; the table's 63.1 is 10.1K / 160, from rounded cells",
	},
}

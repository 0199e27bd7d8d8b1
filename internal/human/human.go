// Package human formats numbers for people: two significant figures, as the 1983 report prints
// them, with K and M suffixes for money. Machine outputs (CSV, JSON, Parquet) never use it.
package human

import (
	"math"
	"strconv"
	"strings"
)

// Round rounds x to n significant figures.
func Round(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	// Divide by a whole power of ten where there is one, so that 999999.99 rounds to exactly 1e6.
	if k := e - float64(n-1); k >= 0 {
		p := math.Pow(10, k)
		return math.Round(x/p) * p
	}
	s := math.Pow(10, float64(n-1)-e)
	return math.Round(x*s) / s
}

// Sig formats x with n significant figures, without exponent for ordinary magnitudes.
func Sig(x float64, n int) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	if math.IsInf(x, 0) {
		if x > 0 {
			return "inf"
		}
		return "-inf"
	}
	r := Round(x, n)
	if r == 0 {
		return "0"
	}
	a := math.Abs(r)
	if a < 1e-4 || a >= 1e15 {
		return strconv.FormatFloat(r, 'e', n-1, 64)
	}
	e := int(math.Floor(math.Log10(a)))
	decimals := n - 1 - e
	if decimals < 0 {
		decimals = 0
	}
	return strconv.FormatFloat(r, 'f', decimals, 64)
}

// Money formats an amount with n significant figures and a K, M or B suffix: 56850 -> "57K",
// 2842.5 -> "2.8K", 454.8 -> "450", -3700 -> "-3.7K".
func Money(x float64, n int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Sig(x, n)
	}
	r := Round(x, n)
	a := math.Abs(r)
	var s string
	switch {
	case a >= 1e9:
		s = trim(Sig(r/1e9, n)) + "B"
	case a >= 1e6:
		s = trim(Sig(r/1e6, n)) + "M"
	case a >= 1e3:
		s = trim(Sig(r/1e3, n)) + "K"
	default:
		s = Sig(r, n)
	}
	return s
}

func trim(s string) string {
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "eE") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Currency formats money with a currency symbol for charts and reports: $1.2M, $57K, -$3.7K.
func Currency(x float64, currency string) string {
	sym := currency + " "
	switch currency {
	case "USD", "":
		sym = "$"
	case "EUR":
		sym = "€"
	case "GBP":
		sym = "£"
	}
	m := Money(x, 2)
	if strings.HasPrefix(m, "-") {
		return "-" + sym + m[1:]
	}
	return sym + m
}

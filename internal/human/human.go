// Package human formats numbers and labels for people: two significant figures, as the 1983
// report prints them, with K and M suffixes for money; labels trimmed to fit. Machine outputs
// (CSV, JSON, Parquet) never use it.
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

// symbols maps the ISO 4217 codes printed with a symbol; other codes print as the code.
var symbols = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "CAD": "CA$",
	"AUD": "A$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "KRW": "₩", "BRL": "R$", "MXN": "MX$",
	"ILS": "₪", "PHP": "₱", "VND": "₫", "TWD": "NT$", "THB": "฿", "NGN": "₦", "UAH": "₴",
	"TRY": "₺", "RUB": "₽", "PLN": "zł ", "ZAR": "R ",
}

// Symbol is what precedes an amount in the currency code: "$" for USD (and for ""), the code and
// a space where no symbol is tabled ("CHF ").
func Symbol(code string) string {
	if code == "" {
		return "$"
	}
	if s, ok := symbols[code]; ok {
		return s
	}
	return code + " "
}

// Currency formats money with a currency symbol for charts and reports: $1.2M, $57K, -$3.7K.
func Currency(x float64, currency string) string {
	return CurrencyN(x, currency, 2)
}

// CurrencyN is Currency with n significant figures.
func CurrencyN(x float64, currency string, n int) string {
	sym := Symbol(currency)
	m := Money(x, n)
	if strings.HasPrefix(m, "-") {
		return "-" + sym + m[1:]
	}
	return sym + m
}

// CurrencyRange formats an interval lo to hi with n significant figures, adding figures until the
// ends differ (so a narrow interval never reads "3.05M to 3.05M"), and as one amount when they are
// equal.
func CurrencyRange(lo, hi float64, currency string, n int) string {
	if lo == hi {
		return CurrencyN(lo, currency, n)
	}
	for k := n; k < 7; k++ {
		a, b := CurrencyN(lo, currency, k), CurrencyN(hi, currency, k)
		if a != b {
			return a + " to " + b
		}
	}
	return CurrencyN(lo, currency, 7) + " to " + CurrencyN(hi, currency, 7)
}

// Percent formats a probability as a percentage with two significant figures, never in
// scientific notation: 0.04 -> "4%", 4e-5 -> "0.004%", 1e-9 -> "<0.0001%".
func Percent(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	switch {
	case p <= 0:
		return "0%"
	case p >= 1:
		return "100%"
	case 100*p < 1e-4:
		return "<0.0001%"
	}
	return trim(Sig(100*p, 2)) + "%"
}

// Int formats a whole number with thousands separators: 1000000 -> "1,000,000".
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Bytes formats a size in bytes with two significant figures and a decimal unit: 800e9 ->
// "800GB", 1.5e9 -> "1.5GB", 262144000 -> "260MB", 512 -> "512B".
func Bytes(n int64) string {
	x := float64(n)
	for _, u := range []struct {
		unit string
		v    float64
	}{{"PB", 1e15}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if math.Abs(Round(x, 2)) >= u.v {
			return trim(Sig(Round(x, 2)/u.v, 2)) + u.unit
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// Short trims s to n characters with an ellipsis, for a label people read in a table or chart. A
// label "owner: what" (an input's: "Admin password known to former staff: holders") keeps its
// "what" whole when that takes at most two thirds of the width, so that two inputs of one owner
// stay apart: "Admin password known…: holders".
func Short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if i := strings.LastIndex(s, ": "); i > 0 {
		tail := []rune(s[i:])
		if keep := n - len(tail) - 1; 3*len(tail) <= 2*n && keep > 0 {
			return string([]rune(s[:i])[:keep]) + "…" + string(tail)
		}
	}
	return string(r[:n-1]) + "…"
}

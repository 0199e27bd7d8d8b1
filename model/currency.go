package model

import (
	"fmt"
	"strings"

	"github.com/alesim/alesim/internal/human"
)

// isoCurrencies lists the active ISO 4217 alphabetic codes.
var isoCurrencies = strings.Fields(`AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF
BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD
JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG`)

// currencyWords maps names and symbols people write for a currency to its code, for the
// did-you-mean of an invalid scenario.currency.
var currencyWords = map[string]string{
	"$": "USD", "US$": "USD", "DOLLAR": "USD", "DOLLARS": "USD", "€": "EUR", "EURO": "EUR",
	"EUROS": "EUR", "£": "GBP", "POUND": "GBP", "POUNDS": "GBP", "STERLING": "GBP", "¥": "JPY",
	"YEN": "JPY", "YUAN": "CNY", "RMB": "CNY", "₹": "INR", "RUPEE": "INR", "RUPEES": "INR",
	"FRANC": "CHF", "FRANCS": "CHF",
}

// CurrencySymbol is the symbol printed before amounts in code's currency ("$" for USD), or the
// code followed by a space where no symbol is tabled ("CHF ").
func CurrencySymbol(code string) string { return human.Symbol(code) }

// checkCurrency returns "" when code is an upper-case ISO 4217 code, else a message with a
// suggestion.
func checkCurrency(code string) string {
	if contains(isoCurrencies, code) {
		return ""
	}
	up := strings.ToUpper(strings.TrimSpace(code))
	want := "an upper-case ISO 4217 code such as USD, EUR or GBP"
	if contains(isoCurrencies, up) {
		return fmt.Sprintf("must be %s: did you mean %q? (got %q)", want, up, code)
	}
	if c, ok := currencyWords[up]; ok {
		return fmt.Sprintf("must be %s: did you mean %q? (got %q)", want, c, code)
	}
	for _, c := range isoCurrencies { // letters swapped: UDS for USD
		if sameLetters(c, up) {
			return fmt.Sprintf("must be %s: did you mean %q? (got %q)", want, c, code)
		}
	}
	if s := nearest(up, isoCurrencies); s != "" {
		return fmt.Sprintf("must be %s: did you mean %q? (got %q)", want, s, code)
	}
	return fmt.Sprintf("must be %s (got %q)", want, code)
}

func sameLetters(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[rune]int{}
	for _, r := range a {
		count[r]++
	}
	for _, r := range b {
		count[r]--
		if count[r] < 0 {
			return false
		}
	}
	return true
}

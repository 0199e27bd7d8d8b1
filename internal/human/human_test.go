package human

import (
	"math"
	"testing"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{
		{56850, "57K"}, {2842.5, "2.8K"}, {454.8, "450"}, {-3700, "-3.7K"}, {2728800, "2.7M"},
		{12128000, "12M"}, {0, "0"}, {999.6, "1K"}, {37.9, "38"}, {1.5e9, "1.5B"}, {999999.9999999999, "1M"}, {math.Pow(10, 6), "1M"},
	} {
		if got := Money(c.x, 2); got != c.want {
			t.Errorf("Money(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestSig(t *testing.T) {
	for _, c := range []struct {
		x    float64
		n    int
		want string
	}{
		{0.00010995, 2, "0.00011"}, {0.001652, 2, "0.0017"}, {1.045, 3, "1.05"}, {-1.0019, 2, "-1.0"},
		{73.69, 3, "73.7"}, {3e-6, 2, "3.0e-06"},
	} {
		if got := Sig(c.x, c.n); got != c.want {
			t.Errorf("Sig(%v, %d) = %q, want %q", c.x, c.n, got, c.want)
		}
	}
}

func TestCurrency(t *testing.T) {
	if got := Currency(1234567, "USD"); got != "$1.2M" {
		t.Errorf("got %q", got)
	}
	if got := Currency(-3700, "USD"); got != "-$3.7K" {
		t.Errorf("got %q", got)
	}
}

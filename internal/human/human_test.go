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

func TestPeopleFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Percent(4e-5), "0.004%"},
		{Percent(0.5), "50%"},
		{Percent(0), "0%"},
		{Percent(1e-9), "<0.0001%"},
		{Int(1000000), "1,000,000"},
		{Int(999), "999"},
		{Int(-12345), "-12,345"},
		{CurrencyRange(3.051e6, 3.054e6, "USD", 2), "$3.051M to $3.054M"},
		{CurrencyRange(5, 5, "EUR", 2), "€5.0"},
		{Currency(1.2e6, "CHF"), "CHF 1.2M"},
		{Currency(-3700, "GBP"), "-£3.7K"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestBytes (issue 13): sizes printed as "800BB".
func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{800e9: "800GB", 1.5e9: "1.5GB", 262144000: "260MB", 512: "512B", 999: "1KB", 99: "99B",
		999_999: "1MB", 64 << 20: "67MB", 3e12: "3TB", 0: "0B"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestShort: a label is trimmed to its width with an ellipsis; an "owner: what" label keeps its
// "what" whole when it takes at most two thirds of the width.
func TestShort(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"Fire", 10, "Fire"},
		{"Flood in the basement records room", 12, "Flood in th…"},
		{"Admin password known to former staff: holders", 24, "Admin password…: holders"},
		{"Admin password known to former staff: a very long part", 20, "Admin password know…"}, // the tail is too long to keep
	} {
		if got := Short(c.in, c.n); got != c.want || len([]rune(got)) > c.n {
			t.Errorf("Short(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

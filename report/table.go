package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TermWidth is the width every terminal table and line fits.
const TermWidth = 120

// textTable lays out rows in columns two spaces apart, each left- or right-aligned, and trims the
// cells of its flexible columns (with "…"), the widest first, so that no line is wider than
// TermWidth runes. Trailing spaces are dropped.
type textTable struct {
	right []bool // per column: right-aligned
	flex  []int  // the columns trimmed to fit (names, ids), none below min runes
	min   int
	rows  [][]string
}

// newTextTable is a table whose first column (flex 0) or first two (flex 1) may be trimmed; with
// flex 1 the second is an id, trimmed in its middle (shortID).
func newTextTable(flex, min int, right ...bool) *textTable {
	t := &textTable{right: right, min: min}
	for k := 0; k <= flex; k++ {
		t.flex = append(t.flex, k)
	}
	return t
}

func (t *textTable) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) write(w io.Writer) error {
	n := len(t.right)
	width := make([]int, n)
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	total := 2 * (n - 1)
	for _, x := range width {
		total += x
	}
	trim := make([]bool, n)
	for ; total > TermWidth; total-- {
		k := -1
		for _, c := range t.flex {
			if width[c] > t.min && (k < 0 || width[c] > width[k]) {
				k = c
			}
		}
		if k < 0 {
			break
		}
		width[k]--
		trim[k] = true
	}
	for _, r := range t.rows {
		var b strings.Builder
		for i, c := range r {
			if trim[i] {
				if i == 1 {
					c = shortID(c, width[i]) // only flex 1 trims column 1: an id
				} else {
					c = short(c, width[i])
				}
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// trimmed collects text and writes it on close with every line's trailing spaces dropped.
type trimmed struct {
	w   io.Writer
	buf bytes.Buffer
}

func (t *trimmed) Write(p []byte) (int, error) { return t.buf.Write(p) }

func (t *trimmed) close() error {
	lines := strings.SplitAfter(t.buf.String(), "\n")
	var b strings.Builder
	for _, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		b.WriteString(strings.TrimRight(body, " "))
		if nl {
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// shortID trims an id to n runes in its middle, keeping its start and its end: the ids of one
// owner's inputs ("rec-1-after-action.effect.WETS-2a", "...WETS-2b") differ at the end, and a
// table's rows must stay apart and match the JSON and CSV.
func shortID(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := n / 3
	return string(r[:head]) + "…" + string(r[len(r)-(n-head-1):])
}

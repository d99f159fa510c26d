package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap splits plain text s (no escape sequences) into a first line of at
// most first cells and further lines of at most rest cells, so nothing is
// cut: it breaks after a space when one falls in the second half of the
// line, else anywhere (an id or a URL has no spaces). Joining the pieces
// gives s back. A rune wider than the line still gets a line of its own.
func Wrap(s string, first, rest int) []string {
	var out []string
	n := max(first, 1)
	for Width(s) > n {
		cut := prefixCells(s, n)
		if i := strings.LastIndexByte(cut, ' '); i > 0 && i < len(cut)-1 && Width(cut[:i+1]) > n/2 {
			cut = cut[:i+1]
		}
		out = append(out, cut)
		s = s[len(cut):]
		n = max(rest, 1)
	}
	return append(out, s)
}

// prefixCells is the longest prefix of s at most n cells wide, and at
// least one rune.
func prefixCells(s string, n int) string {
	if isASCII(s) {
		return s[:min(n, len(s))]
	}
	w := 0
	for i, r := range s {
		rw := ansi.StringWidth(string(r))
		if w+rw > n && i > 0 {
			return s[:i]
		}
		w += rw
	}
	return s
}

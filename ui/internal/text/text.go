// Package text has the width-aware string helpers every renderer uses, with
// an ASCII fast path because table cells are nearly always ASCII.
package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/noctop/noctop/model"
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return false
		}
	}
	return true
}

// Width is the display width of s (ANSI sequences ignored).
func Width(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// Clean is model.SafeText, the one sanitiser for provider text: every
// renderer passes what a provider sent through it (again: the boundary
// already did), so that one missed call cannot reach the terminal.
func Clean(s string) string { return model.SafeText(s) }

// Truncate cuts s to at most w cells, ending in "…" when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if isASCII(s) {
		if len(s) <= w {
			return s
		}
		if w == 1 {
			return "…"
		}
		return s[:w-1] + "…"
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Fit truncates or pads s to exactly w cells (right-aligned when right).
func Fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	s = Truncate(s, w)
	n := Width(s)
	if n >= w {
		return s
	}
	pad := strings.Repeat(" ", w-n)
	if right {
		return pad + s
	}
	return s + pad
}

// WriteFit writes Fit(s, w, right) to b without intermediate strings in the
// common ASCII case.
func WriteFit(b *strings.Builder, s string, w int, right bool) {
	if w <= 0 {
		return
	}
	if isASCII(s) {
		if len(s) > w {
			if w == 1 {
				b.WriteString("…")
				return
			}
			b.WriteString(s[:w-1])
			b.WriteString("…")
			return
		}
		if right {
			writeSpaces(b, w-len(s))
			b.WriteString(s)
		} else {
			b.WriteString(s)
			writeSpaces(b, w-len(s))
		}
		return
	}
	b.WriteString(Fit(s, w, right))
}

const spaces = "                                                                                                    "

func writeSpaces(b *strings.Builder, n int) {
	for n > len(spaces) {
		b.WriteString(spaces)
		n -= len(spaces)
	}
	if n > 0 {
		b.WriteString(spaces[:n])
	}
}

// Block clamps s to exactly h lines of at most w cells each, padding with
// empty lines, so a pane's view can never push the layout around.
func Block(s string, w, h int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// PadRight pads a (possibly styled) line to w cells.
func PadRight(s string, w int) string {
	n := Width(s)
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}

// Center places s (one line) in the middle of w cells.
func Center(s string, w int) string {
	n := Width(s)
	if n >= w {
		return Truncate(s, w)
	}
	l := (w - n) / 2
	return strings.Repeat(" ", l) + s
}

package model

import (
	"strings"
	"unicode/utf8"
)

// Provider text is hostile: a name or state may carry terminal escapes
// (OSC 52 clipboard writes, window titles, screen clears), C1 controls that
// some terminals treat like ESC, or bidi overrides that reorder what the
// operator reads. SafeText cleans such a string once, where wire data
// becomes model data, and every renderer calls it again, so that a single
// missed call cannot reach the terminal.
//
// What it does, rune by rune:
//   - tab, newline, carriage return, vertical tab, form feed -> ' '
//   - other C0 controls and DEL -> their Control Pictures (U+2400 block:
//     ESC shows as '␛', DEL as '␡'), so the operator sees that something
//     was there
//   - C1 controls (U+0080-U+009F), bidi embeddings/overrides/isolates
//     (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F, U+061C),
//     the line/paragraph separators (U+2028, U+2029) and invalid UTF-8
//     -> U+FFFD '�'
//
// Everything else, including ordinary non-ASCII text, is kept as is.
// The output never contains a byte a terminal interprets as a control.
func SafeText(s string) string {
	if isPlainText(s) {
		return s // the common case: no allocation
	}
	return cleanText(s, false)
}

// SafeMultiline is SafeText for text shown over several lines (a detail
// view, a JSON document): newlines are kept, everything else is as SafeText.
func SafeMultiline(s string) string {
	if isPlainText(s) {
		return s
	}
	return cleanText(s, true)
}

// isPlainText reports whether s is printable ASCII only, or valid UTF-8
// free of anything SafeText would change.
func isPlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			for _, r := range s[i:] {
				if unsafeRune(r) || r < 0x20 || r == 0x7f {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// unsafeRune is true for the non-ASCII runes SafeText replaces.
func unsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError: // also what ranging yields for invalid bytes
		return true
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // bidi marks reorder neutral text too
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

func cleanText(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ .. ␟
		case r == 0x7f:
			b.WriteRune(0x2421) // ␡
		case unsafeRune(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

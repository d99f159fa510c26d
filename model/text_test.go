package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Conn-1 et-0/0/9", "Conn-1 et-0/0/9"},
		{"unicode kept", "Zürich 東京", "Zürich 東京"},
		{"osc52", "a\x1b]52;c;SGVsbG8=\x07b", "a␛]52;c;SGVsbG8=␇b"},
		{"csi clear", "\x1b[2J", "␛[2J"},
		{"c1 csi", "x\u009b2Jy", "x\uFFFD2Jy"},
		{"del", "a\x7fb", "a␡b"},
		{"bidi override", "abc\u202edcba", "abc\uFFFDdcba"},
		{"bidi isolate", "\u2066x\u2069", "\uFFFDx\uFFFD"},
		{"bidi marks", "\u200ea\u200fb\u061c", "\uFFFDa\uFFFDb\uFFFD"},
		{"osc0 title", "\x1b]0;pwned\x07", "␛]0;pwned␇"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"newline tab", "a\nb\tc\r", "a b c "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeText(tt.in); got != tt.want {
				t.Errorf("SafeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := SafeMultiline("a\nb\x1b"); got != "a\nb␛" {
		t.Errorf("SafeMultiline kept %q", got)
	}
}

// FuzzSafeText asserts the guarantee: nothing SafeText returns contains a
// byte or rune a terminal interprets as a control, and the output is valid
// UTF-8.
func FuzzSafeText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;title\x07", "\u009b", "\xff\xfe", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{SafeText(s), SafeMultiline(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unsafeRune(r) && r != utf8.RuneError {
					t.Fatalf("control %U survives in %q (from %q)", r, out, s)
				}
			}
			if strings.ContainsRune(SafeText(s), '\n') {
				t.Fatalf("newline survives SafeText(%q)", s)
			}
			// Cleaning twice changes nothing: the boundary and the screen
			// both call it.
			if SafeText(SafeText(s)) != SafeText(s) || SafeMultiline(SafeMultiline(s)) != SafeMultiline(s) {
				t.Fatalf("not idempotent on %q", s)
			}
		}
	})
}

package text

import (
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		s           string
		first, rest int
		want        []string
	}{
		{"short", 10, 10, []string{"short"}},
		{"abcdefghij", 4, 4, []string{"abcd", "efgh", "ij"}},
		{"aaa bbb ccc ddd", 8, 8, []string{"aaa bbb ", "ccc ddd"}},
		{"a bcdefghijk", 6, 6, []string{"a bcde", "fghijk"}}, // the space is too early to break at
		{"first line then rest", 11, 6, []string{"first line ", "then ", "rest"}},
		{"界界界", 3, 3, []string{"界", "界", "界"}},
		{"", 5, 5, []string{""}},
	}
	for _, tt := range tests {
		got := Wrap(tt.s, tt.first, tt.rest)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Wrap(%q, %d, %d) = %q, want %q", tt.s, tt.first, tt.rest, got, tt.want)
		}
	}
}

func FuzzWrap(f *testing.F) {
	f.Add("aaa bbb ccc ddd eee", 5, 3)
	f.Add("界a界b c界", 2, 1)
	f.Fuzz(func(t *testing.T, s string, first, rest int) {
		s = Clean(strings.ToValidUTF8(s, "?"))
		first, rest = 1+abs(first)%80, 1+abs(rest)%80
		parts := Wrap(s, first, rest)
		if strings.Join(parts, "") != s {
			t.Fatalf("Wrap lost text: %q -> %q", s, parts)
		}
		for i, p := range parts {
			n := rest
			if i == 0 {
				n = first
			}
			if w := Width(p); w > max(n, 2) {
				t.Fatalf("piece %d %q is %d wide, limit %d", i, p, w, n)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

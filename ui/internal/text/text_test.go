package text

import (
	"strings"
	"testing"
)

func TestFitTruncateClean(t *testing.T) {
	tests := []struct {
		s     string
		w     int
		right bool
		want  string
	}{
		{"abc", 5, false, "abc  "},
		{"abc", 5, true, "  abc"},
		{"abcdef", 4, false, "abc…"},
		{"abcdef", 1, false, "…"},
		{"abc", 0, false, ""},
		{"héllo", 4, false, "hél…"},
		{"日本語", 4, false, "日… "}, // wide runes: still exactly 4 cells
	}
	for _, tt := range tests {
		if got := Fit(tt.s, tt.w, tt.right); got != tt.want {
			t.Errorf("Fit(%q,%d,%v) = %q, want %q", tt.s, tt.w, tt.right, got, tt.want)
		}
		var b strings.Builder
		WriteFit(&b, tt.s, tt.w, tt.right)
		if b.String() != tt.want {
			t.Errorf("WriteFit(%q,%d) = %q, want %q", tt.s, tt.w, b.String(), tt.want)
		}
	}
	if got := Clean("a\x1b[2Jb\tc\u009bd"); got != "a␛[2Jb c\uFFFDd" {
		t.Errorf("Clean = %q", got)
	}
}

func TestBlock(t *testing.T) {
	got := Block("one\ntwo two two\nthree\nfour", 5, 3)
	if got != "one\ntwo t\nthree" {
		t.Errorf("Block = %q", got)
	}
	if got := Block("x", 3, 3); got != "x\n\n" {
		t.Errorf("Block pad = %q", got)
	}
	if Block("x", 0, 3) != "" || Block("x", 3, 0) != "" {
		t.Error("empty sizes")
	}
}

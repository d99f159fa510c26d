package model

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"et-0/0/9", "et-0/0/10", -1},
		{"et-0/0/10", "et-0/0/9", 1},
		{"et-0/0/10", "et-0/0/10", 0},
		{"xe-1/0/0", "et-2/0/0", 1},
		{"port2", "port10", -1},
		{"a007", "a7", 0},
		{"a7", "a08", -1},
		{"Conn-B", "conn-a", 1},
		{"CONN-a", "conn-A", 0},
		{"a", "a0", -1},
		{"a/", "a1", -1},
		{"a1", "a:", -1},
		{"", "a", -1},
		{"", "", 0},
		{"v1.10.2", "v1.9.12", 1},
		{"99999999999999999999", "100000000000000000000", -1},
		{"1001.1002/1001", "1001/1001", -1}, // '.' < '/'
		{"AM1", "AM10", -1},
		{"10G", "1G", 1},
	}
	for _, tt := range tests {
		if got := NaturalCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("NaturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := sign(strings.Compare(NaturalKey(tt.a), NaturalKey(tt.b))); got != tt.want {
			t.Errorf("NaturalKey order of %q vs %q = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNaturalSortInterfaces(t *testing.T) {
	in := []string{"et-0/0/10", "et-0/0/9", "et-0/1/0", "et-0/0/1", "ae10", "ae2", "et-10/0/0", "et-2/0/0"}
	slices.SortFunc(in, NaturalCompare)
	want := []string{"ae2", "ae10", "et-0/0/1", "et-0/0/9", "et-0/0/10", "et-0/1/0", "et-2/0/0", "et-10/0/0"}
	if !slices.Equal(in, want) {
		t.Fatalf("got %v\nwant %v", in, want)
	}
}

// The precomputed key must order exactly like the comparator.
func TestNaturalKeyMatchesCompareRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alpha := "aB0109-/.:zZ "
	gen := func() string {
		n := rng.Intn(12)
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.Intn(len(alpha))]
		}
		return string(b)
	}
	for i := 0; i < 200000; i++ {
		a, b := gen(), gen()
		c := NaturalCompare(a, b)
		k := sign(strings.Compare(NaturalKey(a), NaturalKey(b)))
		if c != k {
			t.Fatalf("%q vs %q: compare %d, key %d", a, b, c, k)
		}
		if NaturalCompare(b, a) != -c {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
	}
}

func FuzzNaturalKey(f *testing.F) {
	f.Add("et-0/0/9", "et-0/0/10")
	f.Add("a007", "A7")
	f.Add("\xff0", "0\x00")
	f.Fuzz(func(t *testing.T, a, b string) {
		c := NaturalCompare(a, b)
		if k := sign(strings.Compare(NaturalKey(a), NaturalKey(b))); c != k {
			t.Fatalf("%q vs %q: compare %d, key %d", a, b, c, k)
		}
	})
}

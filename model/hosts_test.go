package model

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestParseHosts(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"0", "0", false},
		{"256", "256", false},
		{" 42 ", "42", false},
		{"100.00", "100", false},
		{"18446744073709551615", "18446744073709551615", false},
		{two64.String(), "18446744073709551616", false},
		{"79228162514264337593543950336", "79228162514264337593543950336", false}, // 2^96 (a /32 in addresses)
		{"340282366920938463463374607431768211455", "340282366920938463463374607431768211455", false},
		{"340282366920938463463374607431768211456", "", true}, // 2^128
		{"-1", "", true},
		{"", "", true},
		{"1e5", "", true},
		{"12a", "", true},
		{"1.5x", "", true},
	}
	for _, tt := range tests {
		h, err := ParseHosts(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseHosts(%q) err = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && h.String() != tt.want {
			t.Errorf("ParseHosts(%q) = %s, want %s", tt.in, h, tt.want)
		}
		if err == nil && h.Big().String() != tt.want {
			t.Errorf("Big(%q) = %s, want %s", tt.in, h.Big(), tt.want)
		}
	}
}

func TestHostsArithmetic(t *testing.T) {
	a := HostsOf(^uint64(0))
	b := a.Add(HostsOf(1))
	if b.String() != "18446744073709551616" {
		t.Fatalf("carry: %s", b)
	}
	if got := b.Sub(HostsOf(1)); got != a {
		t.Fatalf("borrow: %s", got)
	}
	if got := HostsOf(1).Sub(HostsOf(2)); !got.IsZero() {
		t.Fatalf("floor: %s", got)
	}
	if got := MaxHosts.Add(HostsOf(1)); got != MaxHosts {
		t.Fatalf("saturate: %s", got)
	}
	if b.Cmp(a) != 1 || a.Cmp(b) != -1 || a.Cmp(a) != 0 {
		t.Fatal("cmp")
	}
	if p := PrefixSize(128, 32); p.String() != new(big.Int).Lsh(big.NewInt(1), 96).String() {
		t.Fatalf("/32 size %s", p)
	}
	if p := PrefixSize(32, 24); p != HostsOf(256) {
		t.Fatalf("/24 size %s", p)
	}
	if p := PrefixSize(128, 0); p != MaxHosts {
		t.Fatal("::/0 saturates")
	}
	if p := PrefixSize(32, 33); !p.IsZero() {
		t.Fatal("invalid mask")
	}
	if got := Percent(HostsOf(1), HostsOf(4)); got != 25 {
		t.Fatalf("percent %v", got)
	}
	if got := Percent(HostsOf(1), Hosts{}); got != 0 {
		t.Fatalf("percent of zero %v", got)
	}
	want, _ := new(big.Float).SetFloat64(1e30).Int(nil)
	if got := HostsFromFloat(1e30); got.Big().Cmp(want) != 0 {
		t.Fatalf("from float %s", got)
	}
}

func TestHostsCompact(t *testing.T) {
	tests := map[string]Hosts{
		"0":     {},
		"999":   HostsOf(999),
		"1K":    HostsOf(1000),
		"12.3K": HostsOf(12345),
		"256K":  HostsOf(256 * 1000),
		"4.29G": HostsOf(1 << 32),
		"2^96":  PrefixSize(128, 32),
		"2^64":  PrefixSize(128, 64),
	}
	for want, h := range tests {
		if got := h.Compact(); got != want {
			t.Errorf("Compact(%s) = %q, want %q", h, got, want)
		}
	}
	odd := PrefixSize(128, 32).Add(HostsOf(3))
	if got := odd.Compact(); got != "7.9e28" {
		t.Errorf("Compact(%s) = %q", odd, got)
	}
}

func TestHostsJSON(t *testing.T) {
	var v struct{ A, B, C Hosts }
	if err := json.Unmarshal([]byte(`{"A":"79228162514264337593543950336","B":12,"C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"A":79228162514264337593543950336,"B":12,"C":0}` {
		t.Fatalf("round trip: %s", out)
	}
	if err := json.Unmarshal([]byte(`{"A":"x"}`), &v); err == nil {
		t.Fatal("want error for non-numeric")
	}
}

func FuzzParseHosts(f *testing.F) {
	for _, s := range []string{"0", "256", "340282366920938463463374607431768211455", "1.00", "9999999999999999999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHosts(s)
		if err != nil {
			return
		}
		// The exact value must round-trip through math/big.
		want, ok := new(big.Int).SetString(trimFrac(s), 10)
		if !ok {
			t.Fatalf("accepted %q that big.Int rejects", s)
		}
		if h.Big().Cmp(want) != 0 {
			t.Fatalf("ParseHosts(%q) = %s, big says %s", s, h, want)
		}
	})
}

func trimFrac(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return s
}

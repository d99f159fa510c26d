package sim

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestHashIsStableAndKeySensitive(t *testing.T) {
	if Hash(1, "a", "bc") != Hash(1, "a", "bc") {
		t.Fatal("Hash is not deterministic")
	}
	distinct := map[uint64]string{}
	for _, k := range [][]string{{"a", "bc"}, {"ab", "c"}, {"abc"}, {"a", "b", "c"}, {"", "abc"}} {
		h := Hash(1, k...)
		if prev, dup := distinct[h]; dup {
			t.Fatalf("Hash(%q) collides with %s", k, prev)
		}
		distinct[h] = strconv.Quote(k[0])
	}
	if Hash(1, "x") == Hash(2, "x") {
		t.Fatal("seed does not change the hash")
	}
}

func TestNewRandSameKeySameStream(t *testing.T) {
	a, b := NewRand(7, "fabric", "conn", "3"), NewRand(7, "fabric", "conn", "3")
	c := NewRand(7, "fabric", "conn", "4")
	same := true
	for i := 0; i < 20; i++ {
		x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
		if x != y {
			t.Fatalf("draw %d differs for the same key", i)
		}
		if x != z {
			same = false
		}
	}
	if same {
		t.Fatal("different keys gave the same stream")
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUUIDFormat(t *testing.T) {
	r := NewRand(1, "uuid")
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		u := UUID(r)
		if !uuidRE.MatchString(u) {
			t.Fatalf("UUID %q is not a v4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("duplicate UUID %s", u)
		}
		seen[u] = true
	}
}

func TestCompaniesUniqueAndStable(t *testing.T) {
	names := map[string]int{}
	slugs := map[string]int{}
	for i := 0; i < 1300; i++ {
		c := CompanyAt(42, i)
		if c != CompanyAt(42, i) {
			t.Fatalf("company %d not deterministic", i)
		}
		base := c.Name[:len(c.Name)-len(lastWord(c.Name))]
		if j, dup := names[base]; dup {
			t.Fatalf("companies %d and %d share the name stem %q", j, i, base)
		}
		names[base] = i
		if j, dup := slugs[c.Slug]; dup {
			t.Fatalf("companies %d and %d share slug %q", j, i, c.Slug)
		}
		slugs[c.Slug] = i
	}
	if CompanyAt(42, 0).Name == CompanyAt(43, 0).Name && CompanyAt(42, 1).Name == CompanyAt(43, 1).Name {
		t.Fatal("seed does not change company names")
	}
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i:]
		}
	}
	return s
}

func TestHelpers(t *testing.T) {
	r := NewRand(1, "helpers")
	for i := 0; i < 1000; i++ {
		if d := Between(r, time.Second, 2*time.Second); d < time.Second || d > 2*time.Second {
			t.Fatalf("Between out of range: %v", d)
		}
		if n := IntBetween(r, 3, 5); n < 3 || n > 5 {
			t.Fatalf("IntBetween out of range: %d", n)
		}
		if w := Weighted(r, []float64{0, 1, 0}); w != 1 {
			t.Fatalf("Weighted picked a zero weight: %d", w)
		}
	}
	if Weighted(r, []float64{0, -1}) != -1 {
		t.Fatal("Weighted with no positive weight should be -1")
	}
	if Pick[int](r, nil) != 0 {
		t.Fatal("Pick of empty slice should be zero")
	}
	ifRE := regexp.MustCompile(`^(ge|xe|et)-\d/\d/\d{1,2}$`)
	for _, sp := range PortSpeeds {
		if n := InterfaceName(r, sp); !ifRE.MatchString(n) {
			t.Fatalf("InterfaceName(%d) = %q", sp, n)
		}
	}
	if n := InterfaceName(r, 1000); n[:2] != "ge" {
		t.Fatalf("1G port named %q", n)
	}
	if n := InterfaceName(r, 100000); n[:2] != "et" {
		t.Fatalf("100G port named %q", n)
	}
}

func TestWorldDefaultsAndDeterminism(t *testing.T) {
	clk := NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	w1 := NewWorld(Config{Clock: clk})
	if w1.Seed() != DefaultSeed || w1.Scale() != DefaultScale || w1.Timing() != DemoTiming() {
		t.Fatalf("defaults not applied: seed %d scale %d", w1.Seed(), w1.Scale())
	}
	if !w1.Epoch().Equal(clk.Now()) {
		t.Fatal("epoch is not the clock's time at creation")
	}
	if NewWorld(Config{Scale: MaxScale + 1}).Scale() != MaxScale {
		t.Fatal("scale not capped")
	}
	w2 := NewWorld(Config{Clock: clk})
	if w1.Rand("x").Uint64() != w2.Rand("x").Uint64() || w1.Company(5) != w2.Company(5) {
		t.Fatal("same seed, different world")
	}
	w3 := NewWorld(Config{Seed: 99, Clock: clk})
	if w1.Rand("x").Uint64() == w3.Rand("x").Uint64() {
		t.Fatal("different seed, same stream")
	}
}

func TestFakeClock(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewFakeClock(t0)
	if got := c.Advance(time.Minute); !got.Equal(t0.Add(time.Minute)) || !c.Now().Equal(got) {
		t.Fatalf("Advance: %v", got)
	}
	c.Set(t0)
	if !c.Now().Equal(t0) {
		t.Fatal("Set did not move the clock")
	}
}

func TestMetrosTable(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Metros() {
		if len(m.Code) != 2 || m.Name == "" || len(m.Country) != 2 || len(m.Facilities) == 0 {
			t.Fatalf("incomplete metro %+v", m)
		}
		if seen[m.Code] {
			t.Fatalf("duplicate metro %s", m.Code)
		}
		seen[m.Code] = true
		for _, f := range m.Facilities {
			if f[:2] != m.Code {
				t.Fatalf("facility %s not named after metro %s", f, m.Code)
			}
		}
	}
	m, ok := MetroByCode("FR")
	if !ok || m.Name != "Frankfurt" {
		t.Fatalf("MetroByCode(FR) = %+v, %v", m, ok)
	}
	m.Facilities[0] = "XX"
	if m2, _ := MetroByCode("FR"); m2.Facilities[0] == "XX" {
		t.Fatal("MetroByCode leaks the shared table")
	}
	if len(Facilities()) < len(Metros()) {
		t.Fatal("Facilities lists fewer entries than metros")
	}
}

func TestUUIDIsTheFormattedDraw(t *testing.T) {
	r, ref := NewRand(11, "uuid-fmt"), NewRand(11, "uuid-fmt")
	for i := 0; i < 20000; i++ {
		a, b := ref.Uint64(), ref.Uint64()
		a = (a &^ (0xf << 12)) | (4 << 12)
		b = (b &^ (0x3 << 62)) | (0x2 << 62)
		want := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
		if got := UUID(r); got != want {
			t.Fatalf("draw %d: UUID = %s, want %s", i, got, want)
		}
	}
}

func TestUUIDWordsFormatToUUID(t *testing.T) {
	r, ref := NewRand(5, "words"), NewRand(5, "words")
	for i := 0; i < 1000; i++ {
		if got, want := FormatUUID(UUIDWords(r)), UUID(ref); got != want {
			t.Fatalf("draw %d: FormatUUID(UUIDWords) = %s, UUID = %s", i, got, want)
		}
	}
}

func TestInterfaceNameIsItsFormattedParts(t *testing.T) {
	r, ref := NewRand(8, "ifname"), NewRand(8, "ifname")
	for i := 0; i < 3000; i++ {
		speed := PortSpeeds[i%len(PortSpeeds)]
		prefix := map[int64]string{1000: "ge", 10000: "xe", 100000: "et"}[speed]
		want := fmt.Sprintf("%s-%d/%d/%d", prefix, ref.IntN(4), ref.IntN(4), ref.IntN(48))
		if got := InterfaceName(r, speed); got != want {
			t.Fatalf("draw %d: InterfaceName = %s, want %s", i, got, want)
		}
	}
}

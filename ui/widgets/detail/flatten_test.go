package detail

import (
	"strings"
	"testing"
)

func TestFlatten(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"order kept", `{"z":1,"a":"x","m":true}`, []string{"z: 1", "a: x", "m: true"}},
		{"nested", `{"aSide":{"port":{"uuid":"p1","vlan":[10,20]}},"empty":{},"none":[],"n":null}`, []string{
			"aSide:", "  port:", "    uuid: p1", "    vlan:", "      [0]: 10", "      [1]: 20", "empty: {}", "none: []", "n: null"}},
		{"array top", `[{"a":1},2]`, []string{"[0]:", "  a: 1", "[1]: 2"}},
		{"big number kept", `{"n":12345678901234567890}`, []string{"n: 12345678901234567890"}},
		{"control chars cleaned", `{"x":"a\u001b[31mb\nc"}`, []string{"x: a␛[31mb c"}},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		got := Flatten([]byte(tt.in))
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestFlattenHostile(t *testing.T) {
	for _, in := range []string{`{"a":`, `{"a":1,,}`, `[1,2`, `{"a":"x"} trailing`, `{{`, `"just a string"`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		got := Flatten([]byte(in)) // must not panic
		_ = got
	}
	got := Flatten([]byte(`{"a":1,"b":`))
	if len(got) < 2 || got[0] != "a: 1" || !strings.Contains(got[len(got)-1], "could not decode") {
		t.Errorf("truncated JSON: %q", got)
	}
	deep := Flatten([]byte(strings.Repeat("[", 100) + strings.Repeat("]", 100)))
	if !strings.Contains(strings.Join(deep, "\n"), "nesting deeper") {
		t.Errorf("deep nesting not bounded: %q", deep)
	}
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 20000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("1")
	}
	b.WriteString("]")
	huge := Flatten([]byte(b.String()))
	if len(huge) > maxRawLines+1 || !strings.Contains(huge[len(huge)-1], "truncated") {
		t.Errorf("huge object not bounded: %d lines", len(huge))
	}
}

func FuzzFlatten(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":null}],"c":"d"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, l := range Flatten(b) {
			if strings.ContainsAny(l, "\x1b\r\n\u009b\u202e") {
				t.Fatalf("control characters leaked: %q", l)
			}
		}
	})
}

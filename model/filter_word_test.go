package model

import "testing"

func TestFilterWord(t *testing.T) {
	rows := map[string]*Row{
		"100":          testRow("p", "a", "active", "", "", "100"),
		"1000":         testRow("p", "b", "active", "", "", "1000"),
		"2100":         testRow("p", "c", "active", "", "", "2100"),
		"2001.100/100": testRow("p", "d", "active", "", "", "2001.100/100"),
		"100/200":      testRow("p", "e", "active", "", "", "100/200"),
		"":             testRow("p", "f", "active", "", "", ""),
	}
	tests := []struct {
		q    string
		want map[string]bool
	}{
		{"vlan~=100", map[string]bool{"100": true, "2001.100/100": true, "100/200": true}},
		{"vlan~=1000", map[string]bool{"1000": true}},
		{"VLAN~=10", map[string]bool{}},
		{"!vlan~=100", map[string]bool{"1000": true, "2100": true, "": true}},
		{"vlan~=100/200", map[string]bool{"100/200": true}},
		{"vlan~=", map[string]bool{"100": true, "1000": true, "2100": true, "2001.100/100": true, "100/200": true, "": true}},
		{"vlan~==100", map[string]bool{"100": true}}, // == wins: exact
	}
	for _, tt := range tests {
		f := ParseFilter(tt.q, testCols)
		for k, r := range rows {
			if got := f.Match(r); got != tt.want[k] {
				t.Errorf("%q on %q = %v, want %v", tt.q, k, got, tt.want[k])
			}
		}
	}
	for _, c := range []struct {
		s, w string
		want bool
	}{{"abc", "abc", true}, {"xabc", "abc", false}, {"x abc", "abc", true}, {"abc1", "abc", false},
		{"abc-abcd abc", "abc", true}, {"abcabc", "abc", false}, {"ünabc", "abc", false}, {"", "a", false}} {
		if got := ContainsWord(c.s, c.w); got != c.want {
			t.Errorf("ContainsWord(%q, %q) = %v", c.s, c.w, got)
		}
	}
}

func TestFilterWordNarrows(t *testing.T) {
	tests := []struct {
		new, old string
		want     bool
	}{
		{"vlan~=100", "vlan=10", true},       // a word 100 contains 10
		{"vlan~=100", "vlan~=100", true},     // same
		{"vlan~=100/200", "vlan~=100", true}, // 100 is a word of 100/200
		{"vlan==100", "vlan~=100", true},
		{"vlan=100", "vlan~=100", false}, // a substring is not a word
		{"vlan~=1000", "vlan~=100", false},
		{"!vlan~=100", "!vlan~=100/200", true},
		{"!vlan=10", "!vlan~=100", true},
		{"!vlan~=100", "!vlan=100", false},
	}
	for _, tt := range tests {
		n, o := ParseFilter(tt.new, testCols), ParseFilter(tt.old, testCols)
		if got := n.Narrows(o); got != tt.want {
			t.Errorf("%q narrows %q = %v, want %v", tt.new, tt.old, got, tt.want)
		}
	}
}

// The table's full scan (the arena) and Match must agree on word terms.
func TestFilterWordTableScan(t *testing.T) {
	cols := make([]Column, len(testCols))
	for i, c := range testCols {
		cols[i] = Column{Name: c}
	}
	var rows []*Row
	for i, v := range []string{"100", "1000", "2100", "2001.100/100", "100/200", "", "x100", "100x 100"} {
		rows = append(rows, NewRow(string(rune('a'+i)), []string{"p", "n", "s", "st", "a", v}, nil, nil))
	}
	for _, q := range []string{"vlan~=100", "!vlan~=100", "vlan~=200", "n vlan~=100"} {
		tb := NewTable(cols)
		tb.SetRows(rows)
		tb.SetFilter("!zzzz") // q does not narrow this: a full (arena) scan
		tb.SetFilter(q)
		if tb.Scanned != len(rows) {
			t.Fatalf("%q: scanned %d rows, want a full scan", q, tb.Scanned)
		}
		f := ParseFilter(q, testCols)
		want := 0
		for _, r := range rows {
			if f.Match(r) {
				want++
			}
		}
		if tb.Len() != want {
			t.Errorf("%q: table %d rows, Match %d", q, tb.Len(), want)
		}
	}
}

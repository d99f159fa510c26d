package model

import (
	"strings"
	"testing"
)

var testCols = []string{"PROVIDER", "NAME", "STATE", "STATUS", "A-SIDE", "VLAN"}

func testRow(cells ...string) *Row { return NewRow(cells[1], cells, nil, nil) }

func TestFilterMatch(t *testing.T) {
	r := testRow("fabric-prod", "Conn-AMS-7", "active", "PROVISIONED", "et-0/0/9@AM", "1001")
	p := testRow("fabric-prod", "Conn-FRA-1", "pending", "PENDING_APPROVAL", "xe-1/0/0@FR", "2001.2002")
	tests := []struct {
		q          string
		wantR, wnP bool
	}{
		{"", true, true},
		{"ams", true, false},
		{"AMS", true, false},
		{"conn", true, true},
		{"state=pending", false, true},
		{"STATE=pend", false, true},
		{"sta=pend", false, true}, // STATE or STATUS
		{"state=provisioned", false, false},
		{"status=provisioned", true, false},
		{"state==active", true, false},
		{"state==activ", false, false},
		{"!active", false, true},
		{"!state=active", false, true},
		{"!state=pending conn", true, false},
		{"conn fra", false, true},
		{"conn nope", false, false},
		{"aside=et-0", true, false},
		{"a=xe", false, true},
		{"vlan=2002", false, true},
		{"bogus=x", false, false}, // unknown field: plain substring "bogus=x"
		{"!", true, true},         // half-typed
		{"state=", true, true},    // half-typed
		{`name="conn-ams"`, true, false},
		{"fabric-prod", true, true}, // cross-cell: no match across separator
		{"prodconn", false, false},
	}
	for _, tt := range tests {
		f := ParseFilter(tt.q, testCols)
		if got := f.Match(r); got != tt.wantR {
			t.Errorf("%q on active row = %v, want %v", tt.q, got, tt.wantR)
		}
		if got := f.Match(p); got != tt.wnP {
			t.Errorf("%q on pending row = %v, want %v", tt.q, got, tt.wnP)
		}
	}
}

func TestFilterParse(t *testing.T) {
	f := ParseFilter(`!state==Active  name="a b" x`, testCols)
	if len(f.Terms) != 3 {
		t.Fatalf("terms = %+v", f.Terms)
	}
	if tm := f.Terms[0]; !tm.Negate || !tm.Exact || tm.Value != "active" || len(tm.Fields) != 1 || tm.Fields[0] != 2 {
		t.Errorf("term0 = %+v", tm)
	}
	if tm := f.Terms[1]; tm.Value != "a b" || len(tm.Fields) != 1 || tm.Fields[0] != 1 {
		t.Errorf("term1 = %+v", tm)
	}
	if tm := f.Terms[2]; tm.Fields != nil || tm.Value != "x" {
		t.Errorf("term2 = %+v", tm)
	}
	if st := ParseFilter("st=x", testCols).Terms[0]; len(st.Fields) != 2 {
		t.Errorf("prefix st should resolve to STATE and STATUS: %+v", st)
	}
}

func TestFilterNarrows(t *testing.T) {
	tests := []struct {
		old, new string
		want     bool
	}{
		{"", "a", true},
		{"a", "ab", true},
		{"ab", "a", false},
		{"a", "a b", true},
		{"a b", "a", false},
		{"state=pen", "state=pend", true},
		{"state", "state=x", false}, // "state" the word vs field STATE
		{"pend", "state=pend", true},
		{"state=pend", "pend", false},
		{"!act", "!acti", false}, // negation widens as you type
		{"!acti", "!act", true},
		{"!state=act", "!act", true},
		{"!act", "!state=act", false},
		{"state==active", "state==active x", true},
		{"state=act", "state==active", true},
		{"state==act", "state==active", false},
	}
	for _, tt := range tests {
		o, n := ParseFilter(tt.old, testCols), ParseFilter(tt.new, testCols)
		if got := n.Narrows(o); got != tt.want {
			t.Errorf("%q narrows %q = %v, want %v", tt.new, tt.old, got, tt.want)
		}
	}
}

// Any two queries typed one after the other: the incremental result must
// equal a fresh scan, and nothing may panic.
func FuzzFilterIncremental(f *testing.F) {
	f.Add("state=pe", "state=pen")
	f.Add("!a", "!ab")
	f.Add(`name="x y`, `name="x y"`)
	f.Add("a==", "=")
	f.Add("vlan~=100", "vlan~=1001")
	f.Add("!vlan~=2001", "!vlan~=2001.2002")
	rows := func() []*Row {
		return []*Row{
			testRow("p", "Conn-AMS-1", "active", "PROVISIONED", "et-0/0/1@AM", "1001"),
			testRow("p", "conn ams 2", "pending", "PENDING", "xe-0/0/2@AM", ""),
			testRow("q", "Ünïcode-3", "failed", "", "", "2001.2002"),
			testRow("q", "", "", "", "", ""),
		}
	}
	cols := make([]Column, len(testCols))
	for i, c := range testCols {
		cols[i] = Column{Name: c}
	}
	f.Fuzz(func(t *testing.T, q1, q2 string) {
		inc := NewTable(cols)
		inc.SetRows(rows())
		inc.SetFilter(q1)
		inc.SetFilter(q2)
		fresh := NewTable(cols)
		fresh.SetRows(rows())
		fresh.SetFilter(q2)
		if inc.Len() != fresh.Len() {
			t.Fatalf("%q then %q: incremental %d rows, fresh %d", q1, q2, inc.Len(), fresh.Len())
		}
		for i := 0; i < inc.Len(); i++ {
			if inc.At(i) != nil && fresh.At(i) != nil && inc.At(i).Key != fresh.At(i).Key {
				t.Fatalf("row %d differs", i)
			}
		}
	})
}

func TestFilterLimits(t *testing.T) {
	q := strings.Repeat("a ", 5000)
	f := ParseFilter(q, testCols)
	if len(f.Terms) != MaxTerms || f.Query != q {
		t.Fatalf("terms %d (want %d), query kept: %v", len(f.Terms), MaxTerms, f.Query == q)
	}
}

func TestWithTerm(t *testing.T) {
	cols := []string{"NAME", "STATE", "STATUS", "VLAN", "PROVIDER"}
	for _, tc := range []struct {
		q, field, op, value, want string
		ok                        bool
	}{
		{"", "vlan", "~=", "1140", "vlan~=1140", true},
		{"state=pending ams", "vlan", "~=", "1140", "state=pending ams vlan~=1140", true},
		{"vlan~=100 state=pending", "vlan", "~=", "1140", "state=pending vlan~=1140", true},
		{"!vlan=100 VLAN==7", "vlan", "~=", "1140", "vlan~=1140", true},
		{"provider==a", "provider", "==", "b c", `provider=="b c"`, true},
		{"state=x", "nope", "=", "1", "state=x", false},
		// "st" means STATE and STATUS: a term on STATE alone stays.
		{"state=x", "st", "=", "y", "state=x st=y", true},
	} {
		got, ok := WithTerm(tc.q, cols, tc.field, tc.op, tc.value)
		if got != tc.want || ok != tc.ok {
			t.Errorf("WithTerm(%q, %s%s%s) = %q %v, want %q %v", tc.q, tc.field, tc.op, tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

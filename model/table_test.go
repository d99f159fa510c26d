package model

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

var tcols = []Column{{Name: "NAME"}, {Name: "STATE"}, {Name: "BW", Kind: ColNumber}, {Name: "UPDATED", Kind: ColTime}}

func mk(name, state string, bw, t int64) *Row {
	return NewRow(name, []string{name, state, fmt.Sprint(bw), fmt.Sprint(t)}, []int64{0, 0, bw, t}, nil)
}

func keys(t *Table) []string {
	var out []string
	for _, r := range t.Visible() {
		out = append(out, r.Key)
	}
	return out
}

func TestTableSortNaturalNumericTime(t *testing.T) {
	tb := NewTable(tcols)
	tb.SetRows([]*Row{
		mk("et-0/0/10", "active", 10000, 3),
		mk("et-0/0/9", "pending", 500, 1),
		mk("et-0/0/1", "active", 1000, 2),
	})
	if got, want := keys(tb), []string{"et-0/0/1", "et-0/0/9", "et-0/0/10"}; !slices.Equal(got, want) {
		t.Errorf("by name: %v want %v", got, want)
	}
	tb.SetSort(2, false)
	if got, want := keys(tb), []string{"et-0/0/9", "et-0/0/1", "et-0/0/10"}; !slices.Equal(got, want) {
		t.Errorf("by bw: %v want %v (numeric, not text)", got, want)
	}
	tb.SetSort(3, true)
	if got, want := keys(tb), []string{"et-0/0/10", "et-0/0/1", "et-0/0/9"}; !slices.Equal(got, want) {
		t.Errorf("by time desc: %v want %v", got, want)
	}
}

func TestTableSortStable(t *testing.T) {
	tb := NewTable(tcols)
	var rows []*Row
	for i := 0; i < 50; i++ {
		st := []string{"active", "pending", "failed"}[i%3]
		rows = append(rows, mk(fmt.Sprintf("c%02d", i), st, 0, 0))
	}
	tb.SetRows(rows)
	for _, desc := range []bool{false, true} {
		tb.SetSort(1, desc)
		// Within equal states the input order must be kept, in both directions.
		last := map[string]int{}
		for _, r := range tb.Visible() {
			var n int
			fmt.Sscanf(r.Key, "c%d", &n)
			if p, ok := last[r.Cells[1]]; ok && n < p {
				t.Fatalf("desc=%v: %s after c%02d within %s: not stable", desc, r.Key, p, r.Cells[1])
			}
			last[r.Cells[1]] = n
		}
		if desc && tb.At(0).Cells[1] != "pending" {
			t.Errorf("desc sort should start with pending, got %s", tb.At(0).Cells[1])
		}
	}
}

func TestTableFilterIncremental(t *testing.T) {
	tb := NewTable(tcols)
	var rows []*Row
	for i := 0; i < 1000; i++ {
		rows = append(rows, mk(fmt.Sprintf("conn-%d", i), []string{"active", "pending"}[i%2], int64(i), 0))
	}
	tb.SetRows(rows)
	tb.SetFilter("conn-1")
	if tb.Scanned != 1000 {
		t.Errorf("first filter scanned %d, want 1000", tb.Scanned)
	}
	n1 := tb.Len()
	tb.SetFilter("conn-12")
	if tb.Scanned != n1 {
		t.Errorf("narrowing scanned %d rows, want only the %d previous matches", tb.Scanned, n1)
	}
	tb.SetFilter("conn-12 state=pend")
	want := 0
	for i := 0; i < 1000; i++ {
		if s := fmt.Sprintf("conn-%d", i); i%2 == 1 && len(s) >= 7 && s[:7] == "conn-12" {
			want++
		}
	}
	if tb.Len() != want {
		t.Errorf("len = %d, want %d", tb.Len(), want)
	}
	tb.SetFilter("conn-1")
	if tb.Scanned != 1000 || tb.Len() != n1 {
		t.Errorf("widening: scanned %d len %d, want full rescan and %d", tb.Scanned, tb.Len(), n1)
	}
	// Sorting keeps the filter without re-evaluating it.
	tb.SetSort(2, true)
	if tb.Len() != n1 || tb.At(0).Key != "conn-199" {
		t.Errorf("after sort: len %d first %s", tb.Len(), tb.At(0).Key)
	}
	if tb.Index("conn-150") < 0 || tb.Index("conn-2") != -1 {
		t.Errorf("Index wrong")
	}
}

// Incremental filtering must always agree with a fresh full scan.
func TestTableFilterIncrementalAgreesWithFullScan(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"ams", "fra", "active", "pending", "et-0/0/1", "x"}
	var rows []*Row
	for i := 0; i < 300; i++ {
		rows = append(rows, mk(words[rng.Intn(len(words))]+fmt.Sprint(i), words[rng.Intn(len(words))], int64(i), 0))
	}
	queries := []string{"", "a", "am", "ams", "ams ", "ams s", "ams st", "ams state", "ams state=", "ams state=a", "!", "!a", "!ac", "state=p", "state=pe", "!state=pe", "!state=pen", "1", "12", "name==ams12", "e"}
	inc := NewTable(tcols)
	inc.SetRows(rows)
	for step := 0; step < 2000; step++ {
		q := queries[rng.Intn(len(queries))]
		inc.SetFilter(q)
		fresh := NewTable(tcols)
		var cp []*Row
		for _, r := range rows {
			cp = append(cp, NewRow(r.Key, r.Cells, r.Nums, nil))
		}
		fresh.SetRows(cp)
		fresh.SetFilter(q)
		if !slices.Equal(keys(inc), keys(fresh)) {
			t.Fatalf("step %d query %q: incremental %d rows, full %d rows", step, q, inc.Len(), fresh.Len())
		}
	}
}

func TestTableSetRowsKeepsFilterAndSort(t *testing.T) {
	tb := NewTable(tcols)
	tb.SetRows([]*Row{mk("b", "active", 1, 0), mk("a", "pending", 2, 0)})
	tb.SetSort(2, true)
	tb.SetFilter("!state=failed")
	tb.SetRows([]*Row{mk("c", "failed", 9, 0), mk("b", "active", 1, 0), mk("d", "pending", 5, 0)})
	if got, want := keys(tb), []string{"d", "b"}; !slices.Equal(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	if tb.Total() != 3 {
		t.Errorf("total %d", tb.Total())
	}
}

// A refresh that reuses most rows takes the merge path; the result must be
// exactly what a fresh table sorts, whatever changed, including ties whose
// input order moved.
func TestTableRefreshMergeAgreesWithFullSort(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	states := []string{"active", "pending", "failed"}
	var rows []*Row
	for i := 0; i < 400; i++ {
		rows = append(rows, mk(fmt.Sprintf("c-%d", rng.Intn(300)), states[rng.Intn(3)], int64(rng.Intn(50)), int64(i)))
	}
	inc := NewTable(tcols)
	inc.SetRows(append([]*Row(nil), rows...))
	for step := 0; step < 300; step++ {
		if step%50 == 0 {
			inc.SetSort(rng.Intn(len(tcols)), rng.Intn(2) == 0)
		}
		// Replace a few rows, add one, drop one, sometimes swap two (ties move).
		next := append([]*Row(nil), rows...)
		for k := 0; k < 3; k++ {
			i := rng.Intn(len(next))
			next[i] = mk(fmt.Sprintf("c-%d", rng.Intn(300)), states[rng.Intn(3)], int64(rng.Intn(50)), int64(rng.Intn(1000)))
		}
		next = append(next, mk(fmt.Sprintf("n-%d", step), states[rng.Intn(3)], 7, 7))
		next = append(next[:5], next[6:]...)
		if step%3 == 0 {
			i, j := rng.Intn(len(next)), rng.Intn(len(next))
			next[i], next[j] = next[j], next[i]
		}
		rows = next
		inc.SetRows(append([]*Row(nil), rows...))
		col, desc := inc.SortBy()
		fresh := NewTable(tcols)
		var cp []*Row
		for _, r := range rows {
			cp = append(cp, NewRow(r.Key, r.Cells, r.Nums, nil))
		}
		fresh.SetRows(cp)
		fresh.SetSort(col, desc)
		a, b := inc.All(), fresh.All()
		for i := range a {
			if a[i].Key != b[i].Key || a[i].Cells[1] != b[i].Cells[1] || a[i].Nums[2] != b[i].Nums[2] {
				t.Fatalf("step %d (sort %d desc=%v): row %d is %v, full sort has %v", step, col, desc, i, a[i].Cells, b[i].Cells)
			}
		}
	}
}

func TestTableRefreshEvaluatesOnlyNewRows(t *testing.T) {
	tb := NewTable(tcols)
	var rows []*Row
	for i := 0; i < 100; i++ {
		rows = append(rows, mk(fmt.Sprintf("c%d", i), []string{"active", "pending"}[i%2], int64(i), 0))
	}
	tb.SetRows(rows)
	tb.SetFilter("state=pend")
	tb.SetFilter("state=pendi") // narrowing: excluded rows keep their flag
	next := append([]*Row(nil), rows...)
	next[3] = mk("c3", "pending", 3, 0)
	next = append(next, mk("new", "pending", 1, 0))
	tb.SetRows(next)
	if tb.Scanned != 2 {
		t.Errorf("refresh evaluated %d rows, want only the 2 new ones", tb.Scanned)
	}
	if tb.Len() != 51 {
		t.Errorf("len %d, want 51", tb.Len())
	}
}

func TestTableIndexNear(t *testing.T) {
	tb := NewTable(tcols)
	var rows []*Row
	for i := 0; i < 50; i++ {
		rows = append(rows, mk(fmt.Sprintf("r%02d", i), "x", 0, 0))
	}
	tb.SetRows(rows)
	for _, hint := range []int{-5, 0, 10, 25, 49, 99} {
		for _, want := range []int{0, 7, 24, 49} {
			if got := tb.IndexNear(fmt.Sprintf("r%02d", want), hint); got != want {
				t.Errorf("IndexNear(r%02d, %d) = %d", want, hint, got)
			}
		}
		if got := tb.IndexNear("nope", hint); got != -1 {
			t.Errorf("missing key found at %d", got)
		}
	}
}

// Rows replaced in place (same key, often the same sort value) take the
// merge shortcut; the order must still equal a full sort, ties included.
func TestTableRefreshInPlaceReplacements(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	states := []string{"active", "pending", "failed"}
	var rows []*Row
	for i := 0; i < 300; i++ {
		rows = append(rows, mk(fmt.Sprintf("c-%d", rng.Intn(40)), states[rng.Intn(3)], int64(rng.Intn(5)), 0))
	}
	inc := NewTable(tcols)
	inc.SetRows(append([]*Row(nil), rows...))
	for step := 0; step < 200; step++ {
		if step%40 == 0 {
			inc.SetSort(rng.Intn(3), rng.Intn(2) == 0)
		}
		next := append([]*Row(nil), rows...)
		for k := 0; k < 10; k++ {
			i := rng.Intn(len(next))
			o := next[i]
			st, bw := o.Cells[1], o.Nums[2]
			if rng.Intn(2) == 0 {
				st = states[rng.Intn(3)]
			} else {
				bw = int64(rng.Intn(5))
			}
			next[i] = mk(o.Key, st, bw, 0) // same key, maybe same sort value
		}
		rows = next
		inc.SetRows(append([]*Row(nil), rows...))
		col, desc := inc.SortBy()
		fresh := NewTable(tcols)
		var cp []*Row
		for _, r := range rows {
			cp = append(cp, NewRow(r.Key, r.Cells, r.Nums, nil))
		}
		fresh.SetRows(cp)
		fresh.SetSort(col, desc)
		a, b := inc.All(), fresh.All()
		for i := range a {
			if a[i].Key != b[i].Key || a[i].Cells[1] != b[i].Cells[1] || a[i].Nums[2] != b[i].Nums[2] {
				t.Fatalf("step %d (sort %d desc=%v): row %d %v, full sort %v", step, col, desc, i, a[i].Cells, b[i].Cells)
			}
		}
	}
}

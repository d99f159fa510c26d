package model

import "strings"

// arena is every row's lower-cased haystack in one contiguous string, so a
// full filter scan is a few SIMD substring searches over sequential memory
// instead of 100k separate searches behind pointers. Built lazily by the
// first full scan after SetRows; row order inside it does not matter.
type arena struct {
	text   string
	starts []int32 // starts[k] = offset of the row in slot k; starts[n] = len(text)
	slots  []int32 // slots[k] = ord of the row laid out in slot k
	rows   []*Row
	sortID uint64 // the table's sort that fixed the layout order
}

// buildArena lays hay (indexed by ord) out in the given order and
// re-points hay's entries into the arena, so walking rows in that order
// (the filtered view is in sorted order) reads memory sequentially.
func buildArena(rows []*Row, hay []string, order []int32, sortID uint64) *arena {
	n := 0
	for _, h := range hay {
		n += len(h) + 1
	}
	var b strings.Builder
	b.Grow(n)
	a := &arena{starts: make([]int32, len(order)+1), slots: order, rows: rows, sortID: sortID}
	for k, o := range order {
		a.starts[k] = int32(b.Len())
		b.WriteString(hay[o])
		b.WriteString(cellSep) // rows never run into each other
	}
	a.starts[len(order)] = int32(b.Len())
	a.text = b.String()
	for k, o := range order {
		hay[o] = a.text[a.starts[k] : a.starts[k+1]-1]
	}
	return a
}

// scannable reports whether a term can be answered from the arena.
func (tm *Term) scannable() bool {
	return tm.Value != "" && !strings.Contains(tm.Value, cellSep)
}

// hits marks the rows whose text satisfies tm (ignoring Negate).
func (a *arena) hits(tm *Term, out []bool) {
	needle := tm.Value
	text := a.text
	pos, r := 0, 0
	for pos < len(text) {
		i := strings.Index(text[pos:], needle)
		if i < 0 {
			return
		}
		off := pos + i
		for int(a.starts[r+1]) <= off {
			r++
		}
		if tm.Fields == nil {
			out[a.slots[r]] = true
			pos = int(a.starts[r+1])
			continue
		}
		if a.cellHit(tm, r, off-int(a.starts[r])) {
			out[a.slots[r]] = true
			pos = int(a.starts[r+1])
			continue
		}
		pos = off + 1
	}
}

// cellHit checks a match at rel (offset within row r) against the term's
// columns and exactness.
func (a *arena) cellHit(tm *Term, slot, rel int) bool {
	row := a.rows[a.slots[slot]]
	start := 0
	for c, end := range row.ends {
		e := int(end)
		if rel < e {
			if rel < start || rel+len(tm.Value) > e {
				return false
			}
			in := false
			for _, f := range tm.Fields {
				if f == c {
					in = true
					break
				}
			}
			if !in {
				return false
			}
			if tm.Word {
				// Whole word: no letter or digit of the same cell on
				// either side.
				base := int(a.starts[slot])
				if rel > start && wordByte(a.text, base+rel-1) {
					return false
				}
				return rel+len(tm.Value) == e || !wordByte(a.text, base+rel+len(tm.Value))
			}
			return !tm.Exact || (rel == start && e-start == len(tm.Value))
		}
		start = e + len(cellSep)
	}
	return false
}

// scanAll evaluates f on every row of a into ok (indexed like rows).
func (a *arena) scanAll(f Filter, ok []bool) {
	n := len(a.rows)
	for i := range ok {
		ok[i] = true
	}
	hit := make([]bool, n)
	for ti := range f.Terms {
		tm := &f.Terms[ti]
		if !tm.scannable() {
			for i, r := range a.rows {
				if ok[i] && tm.match(r) == tm.Negate {
					ok[i] = false
				}
			}
			continue
		}
		clear(hit)
		a.hits(tm, hit)
		for i := range ok {
			if hit[i] == tm.Negate {
				ok[i] = false
			}
		}
	}
}

// matchHay evaluates a filter whose terms are all column-free on one
// haystack, without touching the row.
func (f Filter) matchHay(h string) bool {
	for i := range f.Terms {
		if strings.Contains(h, f.Terms[i].Value) == f.Terms[i].Negate {
			return false
		}
	}
	return true
}

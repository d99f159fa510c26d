package model

import (
	"slices"
	"strings"
)

// ColumnKind says how a column sorts.
type ColumnKind int

const (
	ColText   ColumnKind = iota // natural order of the cell text
	ColNumber                   // Row.Nums[col], numeric
	ColTime                     // Row.Nums[col], Unix nanoseconds
)

// Column describes one table column for sorting and filtering. Widths and
// colours are the UI's business.
type Column struct {
	Name string
	Kind ColumnKind
}

// cellSep joins lower-cased cells into one haystack; a typed needle cannot
// contain it, so a substring never spans two cells.
const cellSep = "\x00"

// Row is one table row with everything sorting and filtering need computed
// once, when the row is built: the display cells, a lower-cased haystack and
// numeric sort values. Rows are immutable after NewRow except for the
// table's bookkeeping, so a pane can reuse unchanged rows across refreshes.
type Row struct {
	Key   string   // stable identity (Connection.Key())
	Cells []string // display text per column
	Nums  []int64  // sort value per ColNumber/ColTime column (nil ok otherwise)
	Item  any      // what the row shows, for the pane (e.g. *Connection)
	// Version is the owner's change stamp (e.g. a fingerprint): a pane
	// reuses a row across refreshes while its Version is unchanged.
	Version uint64

	lower   string
	ends    []int32  // end offset of each cell in lower
	natKeys []string // lazily computed NaturalKey per text column
	ord     int      // input position: the tie-breaker that makes sorts stable
	match   bool
	gen     uint64 // the SetRows generation that last included this row
	fgen    uint64 // the filter generation match was computed for
	prevOrd int
}

// NewRow builds a row. nums may be nil when no column is numeric.
func NewRow(key string, cells []string, nums []int64, item any) *Row {
	r := &Row{Key: key, Cells: cells, Nums: nums, Item: item}
	n := len(cells)
	for _, c := range cells {
		n += len(c)
	}
	var b strings.Builder
	b.Grow(n)
	r.ends = make([]int32, len(cells))
	for i, c := range cells {
		if i > 0 {
			b.WriteString(cellSep)
		}
		writeLower(&b, c)
		r.ends[i] = int32(b.Len())
	}
	r.lower = b.String()
	return r
}

// writeLower lower-cases s into b, fast for ASCII.
func writeLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b.WriteString(strings.ToLower(s))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		b.WriteByte(foldByte(s[i]))
	}
}

// lowerCell returns the lower-cased text of cell c.
func (r *Row) lowerCell(c int) string {
	if c < 0 || c >= len(r.ends) {
		return ""
	}
	start := int32(0)
	if c > 0 {
		start = r.ends[c-1] + int32(len(cellSep))
	}
	return r.lower[start:r.ends[c]]
}

func (r *Row) num(c int) int64 {
	if c < len(r.Nums) {
		return r.Nums[c]
	}
	return 0
}

func (r *Row) natKey(c int) string {
	if r.natKeys == nil {
		r.natKeys = make([]string, len(r.Cells))
	}
	k := r.natKeys[c]
	if k == "" && r.Cells[c] != "" {
		k = NaturalKey(r.Cells[c])
		r.natKeys[c] = k
	}
	return k
}

// Table holds rows in sorted order and the filtered view of them. It is not
// safe for concurrent use; the UI owns it on the Update goroutine.
type Table struct {
	cols    []Column
	names   []string
	all     []*Row // every row, sorted
	vis     []*Row // rows passing the filter, in sorted order
	sortCol int
	desc    bool
	filter  Filter
	gen     uint64
	fgen    uint64 // bumped whenever the filter changes
	fbase   uint64 // fgen of the last change that was not a narrowing
	// Scanned counts rows the last filter change evaluated; tests use it to
	// prove narrowing does not rescan excluded rows.
	Scanned int
}

// NewTable makes an empty table sorted by column 0 ascending.
func NewTable(cols []Column) *Table {
	t := &Table{cols: cols}
	for _, c := range cols {
		t.names = append(t.names, c.Name)
	}
	return t
}

// Columns returns the column definitions.
func (t *Table) Columns() []Column { return t.cols }

// SetRows replaces all rows (a refresh), then sorts and filters them. The
// slice is owned by the table afterwards. Rows carried over from the last
// SetRows (same *Row) keep their sorted order, so a refresh where few rows
// changed sorts only the changed ones and merges them in.
func (t *Table) SetRows(rows []*Row) {
	t.gen++
	for i, r := range rows {
		r.prevOrd = r.ord
		r.ord = i
		r.gen = t.gen
	}
	if merged, ok := t.mergeSorted(rows); ok {
		t.all = merged
	} else {
		t.all = rows
		t.sort()
	}
	t.refilter(true)
}

// mergeSorted is the cheap path of SetRows: rows kept from the previous
// sorted order stay in that order and the new rows, sorted on their own,
// are inserted by binary search. It refuses (false) when many rows are new
// or when kept rows changed their relative input order (ties would move).
func (t *Table) mergeSorted(rows []*Row) ([]*Row, bool) {
	if len(t.all) == 0 || len(t.cols) == 0 {
		return nil, false
	}
	// Kept rows are those of the previous sorted order that are in rows.
	kept := make([]*Row, 0, len(rows))
	for _, r := range t.all {
		if r.gen == t.gen {
			kept = append(kept, r)
			r.gen = t.gen + 1 // mark as kept (undone below)
		}
	}
	var fresh []*Row
	last, inOrder := -1, true
	for _, r := range rows {
		if r.gen == t.gen {
			fresh = append(fresh, r)
			continue
		}
		if r.prevOrd < last {
			inOrder = false
		}
		last = r.prevOrd
	}
	for _, r := range kept {
		r.gen = t.gen
	}
	if !inOrder || len(fresh) > len(rows)/4 {
		return nil, false
	}
	cmp := t.comparator()
	if t.cols[t.sortCol].Kind == ColText {
		for _, r := range fresh {
			r.natKey(t.sortCol)
		}
	}
	slices.SortFunc(fresh, cmp)
	out := make([]*Row, 0, len(rows))
	lo := 0
	for _, f := range fresh {
		// First kept row that sorts after f.
		i, _ := slices.BinarySearchFunc(kept[lo:], f, func(k, f *Row) int {
			if cmp(k, f) < 0 {
				return -1
			}
			return 1
		})
		out = append(out, kept[lo:lo+i]...)
		out = append(out, f)
		lo += i
	}
	out = append(out, kept[lo:]...)
	return out, true
}

// SetSort sorts by column col (clamped), descending when desc.
func (t *Table) SetSort(col int, desc bool) {
	if col < 0 || col >= len(t.cols) {
		col = 0
	}
	if col == t.sortCol && desc == t.desc {
		return
	}
	t.sortCol, t.desc = col, desc
	t.sort()
	t.refilter(false)
}

// SortBy returns the sort column and direction.
func (t *Table) SortBy() (col int, desc bool) { return t.sortCol, t.desc }

// SetFilter applies query q. When the new filter narrows the current one
// only the rows that currently match are re-examined.
func (t *Table) SetFilter(q string) {
	if q == t.filter.Query {
		t.Scanned = 0
		return
	}
	nf := ParseFilter(q, t.names)
	narrowing := nf.Narrows(t.filter)
	t.filter = nf
	t.fgen++
	if !narrowing {
		t.fbase = t.fgen
	}
	if narrowing {
		out := make([]*Row, 0, len(t.vis))
		for _, r := range t.vis {
			r.match = nf.Match(r)
			r.fgen = t.fgen
			if r.match {
				out = append(out, r)
			}
		}
		// Rows already excluded stay excluded and are not touched: their
		// flag stays valid because this filter narrows the one since fbase.
		t.Scanned = len(t.vis)
		t.vis = out
		return
	}
	t.refilter(true)
}

// Filter returns the active filter.
func (t *Table) Filter() Filter { return t.filter }

// Len is the number of rows passing the filter.
func (t *Table) Len() int { return len(t.vis) }

// Total is the number of rows before filtering.
func (t *Table) Total() int { return len(t.all) }

// At returns visible row i (0 <= i < Len()).
func (t *Table) At(i int) *Row { return t.vis[i] }

// Visible returns the filtered rows in order; callers must not modify it.
func (t *Table) Visible() []*Row { return t.vis }

// All returns every row in sorted order; callers must not modify it.
func (t *Table) All() []*Row { return t.all }

// Index returns the visible position of the row with key, or -1.
func (t *Table) Index(key string) int {
	for i, r := range t.vis {
		if r.Key == key {
			return i
		}
	}
	return -1
}

// refilter rebuilds vis from all. With eval it evaluates the filter on
// rows whose match flag is not current for this filter (new rows after a
// refresh, or every row after a filter change); without, it reuses flags.
func (t *Table) refilter(eval bool) {
	out := make([]*Row, 0, len(t.vis))
	if t.filter.Empty() {
		for _, r := range t.all {
			r.match, r.fgen = true, t.fgen
		}
		if eval {
			t.Scanned = len(t.all)
		}
		t.vis = append(out, t.all...)
		return
	}
	scanned := 0
	for _, r := range t.all {
		if eval && !t.current(r) {
			r.match, r.fgen = t.filter.Match(r), t.fgen
			scanned++
		}
		if r.match {
			out = append(out, r)
		}
	}
	if eval {
		t.Scanned = scanned
	}
	t.vis = out
}

// current reports whether r's match flag holds for the active filter: it
// was computed for it, or r was excluded by a filter the active one narrows.
func (t *Table) current(r *Row) bool {
	return r.fgen == t.fgen || (!r.match && r.fgen >= t.fbase && r.fgen != 0)
}

// comparator orders rows by the sort column, then by input order.
func (t *Table) comparator() func(a, b *Row) int {
	col, desc := t.sortCol, t.desc
	kind := t.cols[col].Kind
	return func(a, b *Row) int {
		var c int
		if kind == ColText {
			c = strings.Compare(a.natKeys[col], b.natKeys[col])
			if c == 0 {
				c = strings.Compare(a.Cells[col], b.Cells[col])
			}
		} else {
			x, y := a.num(col), b.num(col)
			if x < y {
				c = -1
			} else if x > y {
				c = 1
			}
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = a.ord - b.ord
		}
		return c
	}
}

// sortItem keeps what a comparison needs next to each other in memory:
// sorting 100k rows through pointers is dominated by cache misses.
type sortItem struct {
	key  string
	num  int64
	ord  int
	text string
	row  *Row
}

func (t *Table) sort() {
	col, desc := t.sortCol, t.desc
	if col >= len(t.cols) || len(t.all) == 0 {
		return
	}
	kind := t.cols[col].Kind
	items := make([]sortItem, len(t.all))
	for i, r := range t.all {
		it := sortItem{ord: r.ord, row: r}
		if kind == ColText {
			it.key, it.text = r.natKey(col), r.Cells[col]
		} else {
			it.num = r.num(col)
		}
		items[i] = it
	}
	slices.SortFunc(items, func(a, b sortItem) int {
		var c int
		if kind == ColText {
			c = strings.Compare(a.key, b.key)
			if c == 0 {
				c = strings.Compare(a.text, b.text)
			}
		} else if a.num < b.num {
			c = -1
		} else if a.num > b.num {
			c = 1
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = a.ord - b.ord
		}
		return c
	})
	for i := range items {
		t.all[i] = items[i].row
	}
}

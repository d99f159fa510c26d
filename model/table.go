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

	lower   string
	ends    []int32  // end offset of each cell in lower
	natKeys []string // lazily computed NaturalKey per text column
	ord     int      // input position: the tie-breaker that makes sorts stable
	match   bool
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
// slice is owned by the table afterwards.
func (t *Table) SetRows(rows []*Row) {
	for i, r := range rows {
		r.ord = i
	}
	t.all = rows
	t.sort()
	t.refilter(true)
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
	if narrowing {
		out := make([]*Row, 0, len(t.vis))
		for _, r := range t.vis {
			r.match = nf.Match(r)
			if r.match {
				out = append(out, r)
			}
		}
		// Rows already excluded stay excluded; their flag is still false.
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
// every row; without (after a sort) it reuses the match flags.
func (t *Table) refilter(eval bool) {
	if eval {
		t.Scanned = len(t.all)
	}
	out := make([]*Row, 0, len(t.vis))
	if t.filter.Empty() {
		for _, r := range t.all {
			r.match = true
		}
		t.vis = append(out, t.all...)
		return
	}
	for _, r := range t.all {
		if eval {
			r.match = t.filter.Match(r)
		}
		if r.match {
			out = append(out, r)
		}
	}
	t.vis = out
}

func (t *Table) sort() {
	col, desc := t.sortCol, t.desc
	if col >= len(t.cols) {
		return
	}
	kind := t.cols[col].Kind
	if kind == ColText {
		for _, r := range t.all {
			r.natKey(col)
		}
	}
	slices.SortFunc(t.all, func(a, b *Row) int {
		var c int
		switch kind {
		case ColText:
			c = strings.Compare(a.natKeys[col], b.natKeys[col])
			if c == 0 {
				// Same in natural order ("a7" vs "a007", case): keep it total.
				c = strings.Compare(a.Cells[col], b.Cells[col])
			}
		default:
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
	})
}

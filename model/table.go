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
	prevOrd int      // ord in the previous SetRows
	gen     uint64   // the SetRows generation that last included this row
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

// WarmSortKey precomputes the natural sort key of text column c, so a
// builder running off the UI goroutine can take that cost too.
func (r *Row) WarmSortKey(c int) {
	if c >= 0 && c < len(r.Cells) {
		r.natKey(c)
	}
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

// Table holds rows, their sorted order and the filtered view. Rows are
// addressed by their input position (ord); the sorted order, the filtered
// view, match flags and haystacks are flat arrays indexed by ord, so filter
// keystrokes walk contiguous memory and rarely touch a Row. It is not safe
// for concurrent use; the UI owns it on the Update goroutine.
type Table struct {
	cols    []Column
	names   []string
	rows    []*Row   // input order: rows[ord]
	hay     []string // hay[ord] = rows[ord].lower (points into the arena once built)
	order   []int32  // every ord, sorted
	vis     []int32  // ords passing the filter, in sorted order
	match   []bool   // match[ord] under the filter generation fgenOf[ord]
	fgenOf  []uint64 // filter generation match[ord] was computed for (0 = never)
	sortCol int
	desc    bool
	filter  Filter
	gen     uint64
	fgen    uint64 // bumped whenever the filter changes
	fbase   uint64 // fgen of the last change that was not a narrowing
	arena   *arena // all haystacks in one string, for full scans; nil = not built
	sortID  uint64 // bumped by every sort, so the arena knows its layout is stale
	// Scanned counts rows the last filter change or refresh evaluated;
	// tests use it to prove narrowing does not rescan excluded rows.
	Scanned int
}

// NewTable makes an empty table sorted by column 0 ascending.
func NewTable(cols []Column) *Table {
	t := &Table{cols: cols, fgen: 1, fbase: 1}
	for _, c := range cols {
		t.names = append(t.names, c.Name)
	}
	return t
}

// Columns returns the column definitions.
func (t *Table) Columns() []Column { return t.cols }

// SetRows replaces all rows (a refresh), then sorts and filters them. The
// slice is owned by the table afterwards. Rows carried over from the last
// SetRows (same *Row) keep their sorted position and their filter result,
// so a refresh where few rows changed sorts and filters only those.
func (t *Table) SetRows(rows []*Row) {
	t.gen++
	prev, prevMatch, prevF := t.rows, t.match, t.fgenOf
	n := len(rows)
	t.hay = make([]string, n)
	t.match = make([]bool, n)
	t.fgenOf = make([]uint64, n)
	for i, r := range rows {
		r.prevOrd = r.ord
		if r.gen == t.gen-1 && r.ord < len(prev) && prev[r.ord] == r {
			// Kept row: carry its filter result over.
			t.match[i], t.fgenOf[i] = prevMatch[r.ord], prevF[r.ord]
		} else {
			r.prevOrd = -1
		}
		r.ord = i
		r.gen = t.gen
		t.hay[i] = r.lower
	}
	oldOrder := t.order
	t.rows = rows
	t.arena = nil
	if order, ok := t.mergeSorted(prev, oldOrder); ok {
		t.order = order
	} else {
		t.order = make([]int32, n)
		for i := range t.order {
			t.order[i] = int32(i)
		}
		t.sort()
	}
	t.refilter(true)
}

// mergeSorted is the cheap path of SetRows: rows kept from the previous
// sorted order stay in that order and the new rows, sorted on their own,
// are inserted by binary search. It refuses (false) when many rows are new
// or when kept rows changed their relative input order (ties would move).
func (t *Table) mergeSorted(prev []*Row, oldOrder []int32) ([]int32, bool) {
	if len(prev) == 0 || len(t.cols) == 0 {
		return nil, false
	}
	col, text := t.sortCol, t.cols[t.sortCol].Kind == ColText
	// A new row that replaces the row at the same input position with the
	// same key and the same sort value (a changed status, say) simply takes
	// that row's place: no comparisons needed.
	repl := make(map[int32]int32)
	for i, r := range t.rows {
		if r.prevOrd >= 0 || i >= len(prev) {
			continue
		}
		old := prev[i]
		if old.gen == t.gen || old.Key != r.Key {
			continue
		}
		same := false
		if text {
			same = r.natKey(col) == old.natKey(col) && r.Cells[col] == old.Cells[col]
		} else {
			same = r.num(col) == old.num(col)
		}
		if same {
			r.prevOrd = i
			repl[int32(i)] = int32(i)
		}
	}
	kept := make([]int32, 0, len(t.rows))
	for _, o := range oldOrder {
		if r := prev[o]; r.gen == t.gen && r.prevOrd == int(o) {
			kept = append(kept, int32(r.ord))
		} else if n, ok := repl[o]; ok {
			kept = append(kept, n)
		}
	}
	var fresh []int32
	last := -1
	for i, r := range t.rows {
		if r.prevOrd < 0 {
			fresh = append(fresh, int32(i))
			continue
		}
		if r.prevOrd < last {
			return nil, false
		}
		last = r.prevOrd
	}
	if len(fresh) > len(t.rows)/4 {
		return nil, false
	}
	cmp := t.comparator()
	if text {
		for _, o := range fresh {
			t.rows[o].natKey(col)
		}
	}
	slices.SortFunc(fresh, cmp)
	out := make([]int32, 0, len(t.rows))
	lo := 0
	for _, f := range fresh {
		// First kept row that sorts after f.
		i, _ := slices.BinarySearchFunc(kept[lo:], f, func(k, f int32) int {
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
		t.refilter(true)
		return
	}
	// Rows already excluded stay excluded and are not looked at: their
	// flags stay valid because this filter narrows every one since fbase.
	plain := true
	for i := range nf.Terms {
		if nf.Terms[i].Fields != nil {
			plain = false
		}
	}
	out := t.vis[:0]
	for _, o := range t.vis {
		var ok bool
		if plain {
			ok = nf.matchHay(t.hay[o])
		} else {
			ok = nf.Match(t.rows[o])
		}
		t.match[o], t.fgenOf[o] = ok, t.fgen
		if ok {
			out = append(out, o)
		}
	}
	t.Scanned = len(t.vis)
	t.vis = out
}

// Filter returns the active filter.
func (t *Table) Filter() Filter { return t.filter }

// Len is the number of rows passing the filter.
func (t *Table) Len() int { return len(t.vis) }

// Total is the number of rows before filtering.
func (t *Table) Total() int { return len(t.rows) }

// At returns visible row i (0 <= i < Len()).
func (t *Table) At(i int) *Row { return t.rows[t.vis[i]] }

// Visible returns the filtered rows in order (a new slice).
func (t *Table) Visible() []*Row {
	out := make([]*Row, len(t.vis))
	for i, o := range t.vis {
		out[i] = t.rows[o]
	}
	return out
}

// All returns every row in sorted order (a new slice).
func (t *Table) All() []*Row {
	out := make([]*Row, len(t.order))
	for i, o := range t.order {
		out[i] = t.rows[o]
	}
	return out
}

// Index returns the visible position of the row with key, or -1.
func (t *Table) Index(key string) int {
	for i, o := range t.vis {
		if t.rows[o].Key == key {
			return i
		}
	}
	return -1
}

// IndexNear is Index, looking around hint first: after a refresh or a
// filter change the selected row is usually close to where it was.
func (t *Table) IndexNear(key string, hint int) int {
	n := len(t.vis)
	if n == 0 {
		return -1
	}
	hint = min(max(hint, 0), n-1)
	for d := 0; d < n; d++ {
		lo, hi := hint-d, hint+d
		if lo < 0 && hi >= n {
			break
		}
		if lo >= 0 && t.rows[t.vis[lo]].Key == key {
			return lo
		}
		if d > 0 && hi < n && t.rows[t.vis[hi]].Key == key {
			return hi
		}
	}
	return -1
}

// current reports whether match[o] holds for the active filter: it was
// computed for it, or the row was excluded by a filter the active one
// narrows.
func (t *Table) current(o int32) bool {
	g := t.fgenOf[o]
	return g == t.fgen || (!t.match[o] && g >= t.fbase && g != 0)
}

// refilter rebuilds vis from order. With eval it evaluates the filter on
// rows whose flag is not current (new rows after a refresh, or every row
// after a filter change); without, it reuses the flags (after a sort).
func (t *Table) refilter(eval bool) {
	out := make([]int32, 0, len(t.vis))
	if t.filter.Empty() {
		for i := range t.match {
			t.match[i], t.fgenOf[i] = true, t.fgen
		}
		if eval {
			t.Scanned = len(t.rows)
		}
		t.vis = append(out, t.order...)
		return
	}
	if eval {
		scanned := 0
		for o := range t.rows {
			if !t.current(int32(o)) {
				scanned++
			}
		}
		if scanned > len(t.rows)/4 {
			// Most rows need evaluating: one pass over the arena is faster.
			if t.arena == nil || t.arena.sortID != t.sortID {
				t.arena = buildArena(t.rows, t.hay, slices.Clone(t.order), t.sortID)
			}
			t.arena.scanAll(t.filter, t.match)
			for o := range t.fgenOf {
				t.fgenOf[o] = t.fgen
			}
		} else {
			for o, r := range t.rows {
				if !t.current(int32(o)) {
					t.match[o], t.fgenOf[o] = t.filter.Match(r), t.fgen
				}
			}
		}
		t.Scanned = scanned
	}
	for _, o := range t.order {
		if t.match[o] {
			out = append(out, o)
		}
	}
	t.vis = out
}

// comparator orders rows (by ord) by the sort column, then by input order.
func (t *Table) comparator() func(a, b int32) int {
	col, desc := t.sortCol, t.desc
	kind := t.cols[col].Kind
	rows := t.rows
	return func(ai, bi int32) int {
		a, b := rows[ai], rows[bi]
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
			c = int(ai) - int(bi)
		}
		return c
	}
}

// sortItem keeps what a comparison needs next to each other in memory:
// sorting 100k rows through pointers is dominated by cache misses.
type sortItem struct {
	key  string
	text string
	num  int64
	ord  int32
}

func (t *Table) sort() {
	t.sortID++
	col, desc := t.sortCol, t.desc
	if col >= len(t.cols) || len(t.rows) == 0 {
		return
	}
	kind := t.cols[col].Kind
	items := make([]sortItem, len(t.rows))
	for i, r := range t.rows {
		it := sortItem{ord: int32(i)}
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
			c = int(a.ord - b.ord)
		}
		return c
	})
	if len(t.order) != len(items) {
		t.order = make([]int32, len(items))
	}
	for i := range items {
		t.order[i] = items[i].ord
	}
}

// Package vtable is a virtualised table view over a model.Table: it keeps a
// cursor and a scroll offset and renders only the rows in the window, so its
// cost does not depend on how many rows exist. Column widths are computed
// when the size or the data changes, never in View.
package vtable

import (
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/list"
)

// Column is one column's layout.
type Column struct {
	Title    string
	Min, Max int  // width bounds; Max 0 = no bound
	Flex     int  // share of spare width
	Priority int  // columns with the lowest priority are dropped first
	Right    bool // right-align (numbers)
}

// Decor lets a pane colour and annotate rows without the table knowing
// what they hold.
type Decor interface {
	// CellPaint colours one cell (zero Paint for none).
	CellPaint(r *model.Row, col int) styles.Paint
	// Marked flags a row as new or changed.
	Marked(r *model.Row) bool
	// Cell returns the text of a cell; most panes return r.Cells[col],
	// some compute time-dependent cells ("waiting 3m") here.
	Cell(r *model.Row, col int) string
}

// Volatile is an optional Decor method: true when Cell output changes
// without the row changing (ages), which disables the line cache.
type Volatile interface{ Volatile() bool }

// cached is one rendered, unselected row line.
type cached struct {
	line   string
	layout int
	marked bool
}

const gutter = 2 // cursor mark + change mark

const gapStr = "  "

// Model is the table view state.
type Model struct {
	cols    []Column
	content []int // widest cell seen per column
	hidden  []bool
	widths  []int // laid-out width per column, 0 = hidden
	sep     int   // gap between columns (2, or 1 when that avoids truncation)
	w, h    int
	cur     list.Cursor // the selection and the window (the shared list part)
	st      *styles.Styles
	layoutN int // bumped whenever widths change
	cache   map[*model.Row]cached
}

// New makes a table view with the given columns.
func New(cols []Column, st *styles.Styles) Model {
	m := Model{cols: cols, st: st, content: make([]int, len(cols)), hidden: make([]bool, len(cols))}
	m.layout()
	return m
}

// SetHidden hides or shows column c; a hidden column takes no width and
// is never rendered.
func (m *Model) SetHidden(c int, hidden bool) {
	if c < 0 || c >= len(m.hidden) || m.hidden[c] == hidden {
		return
	}
	m.hidden[c] = hidden
	m.layout()
}

// Hidden reports whether column c is hidden.
func (m *Model) Hidden(c int) bool { return c >= 0 && c < len(m.hidden) && m.hidden[c] }

// Invalidate drops the cached row lines: call it when cells that the
// Decor computes (not the rows) changed.
func (m *Model) Invalidate() { m.layoutN++ }

// SetSize sets the outer size; the header takes one line.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.layout()
	m.cur.SetHeight(m.Rows())
}

// SetContentWidths records the widest cell of each column (call after data
// changes) and re-lays out the columns.
func (m *Model) SetContentWidths(ws []int) {
	copy(m.content, ws)
	m.layout()
}

// ContentWidths measures the widest cell per column of rows.
func ContentWidths(rows []*model.Row, ncols int) []int {
	ws := make([]int, ncols)
	for _, r := range rows {
		for c := 0; c < ncols && c < len(r.Cells); c++ {
			if l := len(r.Cells[c]); l > ws[c] {
				// len >= width for UTF-8; measure exactly only when it could matter.
				if w := text.Width(r.Cells[c]); w > ws[c] {
					ws[c] = w
				}
			}
		}
	}
	return ws
}

// SetLen tells the view how many rows there are.
func (m *Model) SetLen(n int) { m.cur.SetLen(n) }

// Len is the row count last set.
func (m *Model) Len() int { return m.cur.Len() }

// Cursor is the selected row index (0 when empty).
func (m *Model) Cursor() int { return m.cur.Pos() }

// SetCursor selects row i (clamped) and scrolls it into view.
func (m *Model) SetCursor(i int) { m.cur.Set(i) }

// Offset is the first row shown.
func (m *Model) Offset() int { return m.cur.Offset() }

// Rows is how many rows fit below the header.
func (m *Model) Rows() int { return max(m.h-1, 0) }

// MoveBy, MoveTo and PageRows make the table a list.Mover: the movement
// bindings (list.Nav) drive it.
func (m *Model) MoveBy(d int)  { m.cur.MoveBy(d) }
func (m *Model) MoveTo(i int)  { m.cur.MoveTo(i) }
func (m *Model) PageRows() int { return m.Rows() }

// layout decides column widths: wanted = widest content (or title), within
// Min/Max; spare width goes to Flex columns; when too narrow, Flex columns
// shrink to Min and then the lowest-priority columns are dropped.
func (m *Model) layout() {
	m.layoutN++
	w2, c2 := m.layoutWith(2)
	w1, c1 := m.layoutWith(1)
	if c1 < c2 {
		m.widths, m.sep = w1, 1
		return
	}
	m.widths, m.sep = w2, 2
}

// layoutWith lays out with a column gap of sep and returns the widths and
// a cost: 1000 per dropped column plus one per truncated cell.
func (m *Model) layoutWith(sep int) ([]int, int) {
	n := len(m.cols)
	want := make([]int, n)
	for i, c := range m.cols {
		w := max(m.content[i], text.Width(c.Title)+2) // room for the sort arrow
		if c.Max > 0 && w > c.Max {
			w = c.Max
		}
		w = max(w, c.Min)
		want[i] = w
	}
	shown := make([]bool, n)
	for i := range shown {
		shown[i] = !m.hidden[i]
	}
	avail := m.w - gutter
	total := func(ws []int) int {
		t, k := 0, 0
		for i, w := range ws {
			if shown[i] {
				t += w
				k++
			}
		}
		if k > 1 {
			t += sep * (k - 1)
		}
		return t
	}
	var ws []int
	for {
		ws = append(ws[:0], want...)
		over := total(ws) - avail
		if over <= 0 {
			break
		}
		// Shrink flexible columns towards Min, in proportion to their slack.
		slack := 0
		for i, c := range m.cols {
			if shown[i] && c.Flex > 0 {
				slack += ws[i] - min(c.Min, ws[i])
			}
		}
		if slack >= over {
			left := over
			for i, c := range m.cols {
				if !shown[i] || c.Flex == 0 {
					continue
				}
				sl := ws[i] - min(c.Min, ws[i])
				d := (over*sl + slack - 1) / slack // round up so it adds up
				d = min(d, sl, left)
				ws[i] -= d
				left -= d
			}
			break
		}
		// Drop the lowest-priority visible column, keeping at least one.
		drop, vis := -1, 0
		for i, c := range m.cols {
			if !shown[i] {
				continue
			}
			vis++
			if drop < 0 || c.Priority < m.cols[drop].Priority {
				drop = i
			}
		}
		if vis <= 1 || drop < 0 {
			// One column left: it gets whatever there is.
			for i := range ws {
				if shown[i] {
					ws[i] = max(avail, 0)
				}
			}
			break
		}
		shown[drop] = false
	}
	if spare := avail - total(ws); spare > 0 {
		flex := 0
		for i, c := range m.cols {
			if shown[i] {
				flex += c.Flex
			}
		}
		if flex > 0 {
			given := 0
			last := -1
			for i, c := range m.cols {
				if shown[i] && c.Flex > 0 {
					d := spare * c.Flex / flex
					ws[i] += d
					given += d
					last = i
				}
			}
			if last >= 0 {
				ws[last] += spare - given
			}
		}
	}
	cost := 0
	for i := range ws {
		if !shown[i] {
			ws[i] = 0
			cost += 1000
		} else if ws[i] < want[i] {
			cost += want[i] - ws[i]
		}
	}
	return ws, cost
}

// Widths returns the laid-out width per column (0 = hidden).
func (m *Model) Widths() []int { return m.widths }

// View renders the header and the visible window of t.
func (m *Model) View(t *model.Table, d Decor) string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((m.w + 16) * m.h)
	sortCol, desc := t.SortBy()
	// Header.
	var hb strings.Builder
	hb.WriteString("  ")
	first := true
	for i, c := range m.cols {
		w := m.widths[i]
		if w == 0 {
			continue
		}
		if !first {
			hb.WriteString(gapStr[:m.sep])
		}
		first = false
		title := c.Title
		if i == sortCol {
			if desc {
				title += "▼"
			} else {
				title += "▲"
			}
		}
		text.WriteFit(&hb, title, w, c.Right)
	}
	b.WriteString(m.st.HeaderRow.Wrap(hb.String()))

	rows := m.Rows()
	end := min(m.cur.Offset()+rows, t.Len())
	volatile := false
	if v, ok := d.(Volatile); ok {
		volatile = v.Volatile()
	}
	if m.cache == nil || len(m.cache) > 4*rows+64 {
		// Bounded: only recently shown rows stay cached.
		m.cache = make(map[*model.Row]cached, 2*rows)
	}
	for i := m.cur.Offset(); i < end; i++ {
		r := t.At(i)
		b.WriteByte('\n')
		selected := i == m.cur.Pos()
		marked := d.Marked(r)
		if !selected && !volatile {
			if c, ok := m.cache[r]; ok && c.layout == m.layoutN && c.marked == marked {
				b.WriteString(c.line)
				continue
			}
		}
		line := m.renderRow(r, selected, marked, d)
		if !selected && !volatile {
			m.cache[r] = cached{line: line, layout: m.layoutN, marked: marked}
		}
		b.WriteString(line)
	}
	return b.String()
}

// renderRow renders one row; the selected row is painted as a whole (a
// cell's reset sequence would end the selection background early).
func (m *Model) renderRow(r *model.Row, selected, marked bool, d Decor) string {
	var lb strings.Builder
	lb.Grow(m.w + 32)
	if selected {
		lb.WriteByte('>')
	} else {
		lb.WriteByte(' ')
	}
	if marked {
		if selected {
			lb.WriteString("●")
		} else {
			lb.WriteString(m.st.Marker.Wrap("●"))
		}
	} else {
		lb.WriteByte(' ')
	}
	first := true
	for c, col := range m.cols {
		w := m.widths[c]
		if w == 0 {
			continue
		}
		if !first {
			lb.WriteString(gapStr[:m.sep])
		}
		first = false
		cell := text.Clean(d.Cell(r, c)) // cells are provider text: no-op (no allocation) when already clean
		p := styles.Paint{}
		if !selected {
			p = d.CellPaint(r, c)
		}
		lb.WriteString(p.Pre)
		text.WriteFit(&lb, cell, w, col.Right)
		lb.WriteString(p.Post)
	}
	if !selected {
		return lb.String()
	}
	line := lb.String()
	if pad := m.w - text.Width(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	return m.st.Selected.Wrap(line)
}

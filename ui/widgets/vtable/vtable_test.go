package vtable

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

type plain struct{}

func (plain) CellPaint(*model.Row, int) styles.Paint { return styles.Paint{} }
func (plain) Marked(r *model.Row) bool               { return r.Key == "r3" }
func (plain) Cell(r *model.Row, c int) string        { return r.Cells[c] }

var cols = []Column{
	{Title: "NAME", Min: 6, Max: 30, Flex: 2, Priority: 10},
	{Title: "STATE", Min: 6, Max: 12, Priority: 9},
	{Title: "NOTE", Min: 6, Max: 40, Flex: 1, Priority: 1},
	{Title: "BW", Min: 4, Max: 6, Priority: 5, Right: true},
}

func table(n int) *model.Table {
	t := model.NewTable([]model.Column{{Name: "NAME"}, {Name: "STATE"}, {Name: "NOTE"}, {Name: "BW", Kind: model.ColNumber}})
	var rows []*model.Row
	for i := 0; i < n; i++ {
		rows = append(rows, model.NewRow(fmt.Sprintf("r%d", i), []string{fmt.Sprintf("conn-%d", i), "active", strings.Repeat("n", 30), "10G"}, []int64{0, 0, 0, 10000}, nil))
	}
	t.SetRows(rows)
	return t
}

func TestLayoutFitsAndDropsLowPriorityFirst(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.DefaultTheme())
	tb := table(100)
	for _, w := range []int{200, 80, 50, 30, 20, 8, 1} {
		m := New(cols, st)
		m.SetContentWidths(ContentWidths(tb.All(), 4))
		m.SetSize(w, 10)
		ws := m.Widths()
		total, shown := 2, 0
		for _, x := range ws {
			if x > 0 {
				total += x
				shown++
			}
		}
		total += (shown - 1) * m.sep
		if w >= 8 && total > w {
			t.Errorf("width %d: columns need %d", w, total)
		}
		if ws[0] == 0 && w > 2 {
			t.Errorf("width %d: NAME (highest priority) dropped", w)
		}
		if ws[2] > 0 && (ws[1] == 0 || ws[3] == 0) {
			t.Errorf("width %d: NOTE (lowest priority) kept while others dropped: %v", w, ws)
		}
		for _, line := range strings.Split(m.View(tb, plain{}), "\n") {
			if lipgloss.Width(line) > max(w, 2) {
				t.Errorf("width %d: line %q too wide", w, line)
			}
		}
	}
}

func TestWindowAndCursor(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.DefaultTheme())
	tb := table(1000)
	m := New(cols, st)
	m.SetSize(80, 11) // header + 10 rows
	m.SetLen(tb.Len())
	m.SetCursor(500)
	if m.Offset() != 491 {
		t.Errorf("offset %d, want 491 (cursor on the last visible line)", m.Offset())
	}
	lines := strings.Split(m.View(tb, plain{}), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 11 (only the window is rendered)", len(lines))
	}
	if !strings.HasPrefix(lines[10], ">") || !strings.Contains(lines[10], tb.At(500).Cells[0]) {
		t.Errorf("cursor line = %q", lines[10])
	}
	m.SetCursor(3)
	lines = strings.Split(m.View(tb, plain{}), "\n")
	if m.Offset() != 3 || !strings.Contains(lines[1], "●") || !strings.HasPrefix(lines[1], ">") {
		t.Errorf("marked row r3 lacks ● or cursor: %q", lines[1])
	}
	m.SetCursor(5000)
	if m.Cursor() != 999 {
		t.Errorf("cursor not clamped: %d", m.Cursor())
	}
	m.SetLen(0)
	if m.Cursor() != 0 || m.Offset() != 0 {
		t.Errorf("empty: cursor %d offset %d", m.Cursor(), m.Offset())
	}
}

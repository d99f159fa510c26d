package inventory

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/widgets/list"
)

// filtered is the part the events and capacity lists share: rows as the
// "/" filter sees them, the filter input, the indexes shown and the
// cursor over them.
type filtered struct {
	columns []string     // the filter's field names
	rows    []*model.Row // every row, as the filter sees them
	shown   []int        // indexes into rows, in order
	cur     list.Cursor
	input   list.Filter
	needle  string // the query as typed
	filter  model.Filter
}

// apply recomputes the shown rows from the filter.
func (f *filtered) apply() {
	f.shown = f.shown[:0]
	for i, r := range f.rows {
		if f.filter.Empty() || f.filter.Match(r) {
			f.shown = append(f.shown, i)
		}
	}
	f.cur.SetLen(len(f.shown))
}

func (f *filtered) setFilter(q string) {
	f.needle = q
	f.filter = model.ParseFilter(q, f.columns)
	f.apply()
	f.cur.Set(0)
}

// filterKey is a key for the open filter input.
func (f *filtered) filterKey(msg tea.KeyMsg) tea.Cmd {
	out, q, cmd := f.input.Key(msg)
	switch out {
	case list.Kept:
		return nil
	case list.Cleared:
		f.setFilter("")
		return nil
	}
	if q != f.needle {
		f.setFilter(q)
	}
	return cmd
}

package connections

import (
	"fmt"
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/export"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/sparks"
)

// SparkTitle heads the sparkline column: the busier direction's maximum
// per hour, scaled to the connection's capacity.
const SparkTitle = "LAST 24H (max)"

var sparkOwners atomic.Int64

// SparklinesOn reports whether the 24h column is shown.
func (m *Model) SparklinesOn() bool { return m.sparkOn }

// Sparks exposes the sparkline cache (tests, benchmarks); nil when the
// list has no sparkline column.
func (m *Model) Sparks() *sparks.Cache { return m.sparks }

// SetSparklines shows or hides the 24h column and returns the fetches
// for the rows on screen.
func (m *Model) SetSparklines(on bool) tea.Cmd {
	if m.sparkCol < 0 || m.sparkOn == on {
		return nil
	}
	m.sparkOn = on
	m.view.SetHidden(m.sparkCol, !on)
	return m.wantSparks()
}

func (m *Model) toggleSparks() tea.Cmd {
	if m.sparkCol < 0 {
		return nil
	}
	if m.sparkOn {
		return tea.Batch(m.SetSparklines(false), pane.Toast("24h trend column off", false))
	}
	var with []string
	for _, s := range m.ctx.Sources {
		if s.Stats != nil {
			with = append(with, s.Name)
		}
	}
	if len(with) == 0 {
		return pane.Toast("no configured provider offers traffic statistics: no 24h trend to show", true)
	}
	return tea.Batch(m.SetSparklines(true), pane.Toast(fmt.Sprintf(
		"24h trend column on for %s rows: one statistics request per visible row (%s hides it)",
		strings.Join(with, ", "), m.keys.Sparklines.Help().Key), false))
}

// wantSparks asks for the sparklines of the rows on screen; nothing when
// the column is off (the common case costs one comparison).
func (m *Model) wantSparks() tea.Cmd {
	if !m.sparkOn || m.detail != nil || m.table.Len() == 0 {
		return nil
	}
	end := min(m.view.Offset()+m.view.Rows(), m.table.Len())
	wants := make([]sparks.Want, 0, end-m.view.Offset())
	for i := m.view.Offset(); i < end; i++ {
		r := m.table.At(i)
		c, ok := r.Item.(*model.Connection)
		if !ok {
			continue
		}
		s, ok := m.ctx.Source(c.Provider)
		if !ok || s.Stats == nil {
			continue
		}
		wants = append(wants, sparks.Want{Key: r.Key, Source: s.Stats, Ref: pane.ConnectionTarget(c).Ref})
	}
	return m.sparks.Request(wants)
}

// SparksInflight is the number of sparkline fetches running.
func (m *Model) SparksInflight() int {
	if m.sparks == nil {
		return 0
	}
	return m.sparks.Inflight()
}

// Exporting reports whether the export prompt is open.
func (m *Model) Exporting() bool { return m.exporting }

func (m *Model) beginExport() tea.Cmd {
	if m.table.Len() == 0 {
		return pane.Toast("nothing to export: the view is empty", true)
	}
	m.exporting = true
	return nil
}

func (m *Model) exportKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc", "ctrl+c":
		m.exporting = false
		return pane.Toast("export cancelled", false)
	case "enter", "j":
		m.exporting = false
		return m.Export("json")
	case "c":
		m.exporting = false
		return m.Export("csv")
	}
	return nil
}

// Export writes the rows in view (filtered and sorted, as shown) to a new
// file in a command, and toasts the path or the error.
func (m *Model) Export(format string) tea.Cmd {
	rows := m.table.Visible()
	items := make([]*model.Connection, 0, len(rows))
	for _, r := range rows {
		if c, ok := r.Item.(*model.Connection); ok {
			items = append(items, c)
		}
	}
	dir, at, title := m.ctx.ExportDir, m.now(), m.cfg.Title
	if q := m.table.Filter().Query; q != "" {
		title += " /" + q
	}
	return func() tea.Msg {
		// The connections are immutable once fetched; copying them here
		// keeps a 100k-row export off the Update goroutine.
		cs := make([]model.Connection, len(items))
		for i, c := range items {
			cs[i] = *c
		}
		path, err := export.ConnectionsFile(dir, format, at, cs)
		if err != nil {
			return pane.ToastMsg{Text: "✗ " + model.ErrorSummary(err), Err: true}
		}
		return pane.ToastMsg{Text: fmt.Sprintf("exported %d rows of %s to %s", len(cs), title, path)}
	}
}

// FilterBy replaces the filter's terms on field with field+op+value, keeping
// the others (the command palette's ":vlan 1140"); false when the list has
// no such column.
func (m *Model) FilterBy(field, op, value string) (bool, string, tea.Cmd) {
	q, ok := model.WithTerm(m.table.Filter().Query, m.columnNames(), field, op, value)
	if !ok {
		return false, "", nil
	}
	m.SetFilter(q)
	return true, m.table.Filter().Query, m.wantSparks()
}

// ClearFilter drops the filter.
func (m *Model) ClearFilter() tea.Cmd {
	m.SetFilter("")
	return m.wantSparks()
}

func (m *Model) columnNames() []string {
	names := make([]string, len(m.cfg.Columns))
	for i, c := range m.cfg.Columns {
		names[i] = c.Name
	}
	return names
}

// Package connections is the Connections pane: every connection of every
// provider in one sortable, filterable, virtualised table.
package connections

import (
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/components/connlist"
	"github.com/noctop/noctop/ui/components/vtable"
	"github.com/noctop/noctop/ui/conns"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
)

// Column indices.
const (
	ColProvider = iota
	ColName
	ColType
	ColState
	ColStatus
	ColBW
	ColA
	ColZ
	ColVLAN
	ColUpdated
)

// Columns of the pane; priorities decide what is dropped first when narrow.
var Columns = []connlist.Column{
	{Name: "PROVIDER", Layout: vtable.Column{Min: 8, Max: 18, Priority: 4}},
	{Name: "NAME", Layout: vtable.Column{Min: 14, Max: 48, Flex: 3, Priority: 10}},
	{Name: "TYPE", Layout: vtable.Column{Min: 6, Max: 16, Priority: 2}},
	{Name: "STATE", Layout: vtable.Column{Min: 7, Max: 14, Priority: 9}},
	{Name: "STATUS", Layout: vtable.Column{Min: 12, Max: 22, Flex: 1, Priority: 3}},
	{Name: "BW", Kind: model.ColNumber, Layout: vtable.Column{Min: 4, Max: 7, Priority: 6, Right: true}},
	{Name: "A-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 8}},
	{Name: "Z-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 7}},
	{Name: "VLAN", Layout: vtable.Column{Min: 4, Max: 14, Priority: 5}},
	{Name: "UPDATED", Kind: model.ColTime, Layout: vtable.Column{Min: 16, Max: 16, Priority: 1}},
}

// Cells renders one connection into the pane's columns.
func Cells(c *model.Connection, loc *time.Location) ([]string, []int64) {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	upd := ""
	var updN int64
	if !c.Updated.IsZero() {
		upd = c.Updated.In(loc).Format("2006-01-02 15:04")
		updN = c.Updated.UnixNano()
	}
	cells := []string{c.Provider, name, c.Type, string(c.State), c.Status, conns.FormatBandwidth(c.BandwidthMbps),
		conns.Side(c.A), conns.Side(c.Z), c.VLANString(), upd}
	nums := make([]int64, len(cells))
	nums[ColBW] = c.BandwidthMbps
	nums[ColUpdated] = updN
	return cells, nums
}

// Pane is the Connections pane.
type Pane struct {
	ctx  *pane.Context
	list *connlist.Model
}

// New builds the pane (a pane.Factory).
func New(ctx *pane.Context) pane.Pane {
	return &Pane{ctx: ctx, list: connlist.New(ctx, connlist.Config{
		Title:    "Connections",
		Columns:  Columns,
		Cells:    Cells,
		StateCol: ColState,
		SortCol:  ColName,
		// The 24h trend column: off until the sparklines key (t).
		Sparklines: true,
	})}
}

// List exposes the engine (tests, benchmarks).
func (p *Pane) List() *connlist.Model { return p.list }

func (p *Pane) Title() string { return "Connections" }

func (p *Pane) Badge() string {
	if p.list.Table().Total() == 0 {
		return ""
	}
	return strconv.Itoa(p.list.Table().Total())
}

func (p *Pane) Resources() []state.Spec { return conns.Specs(p.ctx) }
func (p *Pane) Init() tea.Cmd           { return nil }
func (p *Pane) SetSize(w, h int)        { p.list.SetSize(w, h) }
func (p *Pane) Capturing() bool         { return p.list.Capturing() }
func (p *Pane) TextFocused() bool       { return p.list.TextFocused() }
func (p *Pane) Busy() bool {
	return p.list.Flow.Busy() || p.list.Building() || p.list.SparksInflight() > 0
}
func (p *Pane) View() string             { return p.list.View() }
func (p *Pane) ShortHelp() []key.Binding { return p.list.ShortHelp() }
func (p *Pane) FullHelp() [][]key.Binding {
	return p.list.FullHelp()
}

// FilterBy lets the command palette set a field's filter term.
func (p *Pane) FilterBy(field, op, value string) (bool, tea.Cmd) {
	return p.list.FilterBy(field, op, value)
}

// ClearFilter drops the filter (":clear").
func (p *Pane) ClearFilter() tea.Cmd { return p.list.ClearFilter() }

// HelpNote tells the ? overlay which keys mutate.
func (p *Pane) HelpNote(readOnly bool) string { return p.list.HelpNote(readOnly) }

func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	return p, p.list.Update(msg)
}

package connections

import (
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// Column indices of the Connections pane.
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

// Columns of the Connections pane; priorities decide what is dropped first
// when narrow.
var Columns = []Column{
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

// Cells renders one connection into the Connections pane's columns.
func Cells(c *model.Connection, loc *time.Location) ([]string, []int64) {
	upd := ""
	var updN int64
	if !c.Updated.IsZero() {
		upd = c.Updated.In(loc).Format("2006-01-02 15:04")
		updN = c.Updated.UnixNano()
	}
	cells := []string{c.Provider, nameOf(*c), c.Type, string(c.State), c.Status, model.FormatMbps(c.BandwidthMbps),
		c.A.Label(), c.Z.Label(), c.VLANString(), upd}
	nums := make([]int64, len(cells))
	nums[ColBW] = c.BandwidthMbps
	nums[ColUpdated] = updN
	return cells, nums
}

// Pane is a pane showing a connection list: Connections or Approvals.
type Pane struct {
	id    pane.ID
	title string
	ctx   *pane.Context
	list  *Model
}

// CountsSeconds reports whether the view changes every second while shown
// (the Approvals ages): the root then ticks its clock each second.
func (p *Pane) CountsSeconds() bool { return p.list.cfg.Dynamic != nil }

// New builds the Connections pane (a pane.Factory): every connection, with
// the optional 24h trend column.
func New(ctx *pane.Context) pane.Pane {
	return &Pane{id: pane.Connections, title: "Connections", ctx: ctx, list: NewModel(ctx, Config{
		Scope:    keys.Scope(pane.Connections),
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
func (p *Pane) List() *Model { return p.list }

func (p *Pane) ID() pane.ID   { return p.id }
func (p *Pane) Title() string { return p.title }

func (p *Pane) Badge() string {
	if n := p.list.Table().Total(); n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

func (p *Pane) Resources() []model.ResourceKey { return p.ctx.ConnectionKeys() }

func (p *Pane) Init() tea.Cmd     { return nil }
func (p *Pane) SetSize(w, h int)  { p.list.SetSize(w, h) }
func (p *Pane) Capturing() bool   { return p.list.Capturing() }
func (p *Pane) TextFocused() bool { return p.list.TextFocused() }
func (p *Pane) Busy() bool {
	return p.list.Flow.Busy() || p.list.Building() || p.list.SparksInflight() > 0
}
func (p *Pane) View() string     { return p.list.View() }
func (p *Pane) Keys() keys.Table { return p.list.Keys() }

// FilterBy lets the command palette set a field's filter term.
func (p *Pane) FilterBy(field, op, value string) (bool, string, tea.Cmd) {
	return p.list.FilterBy(field, op, value)
}

// ClearFilter drops the filter (":clear").
func (p *Pane) ClearFilter() tea.Cmd { return p.list.ClearFilter() }

func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	return p, p.list.Update(msg)
}

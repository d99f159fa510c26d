// Package approvals is the Approvals pane: every connection with a change
// waiting for this side's decision, oldest first, with approve and reject.
package approvals

import (
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/components/connlist"
	"github.com/noctop/noctop/ui/components/detail"
	"github.com/noctop/noctop/ui/components/vtable"
	"github.com/noctop/noctop/ui/conns"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
)

// Column indices.
const (
	ColWaiting = iota
	ColProvider
	ColName
	ColChange
	ColState
	ColBW
	ColA
	ColZ
	ColVLAN
	ColActions
)

// Columns of the pane. WAITING sorts by the request time (oldest first is
// ascending) and renders as an age.
var Columns = []connlist.Column{
	{Name: "WAITING", Kind: model.ColTime, Layout: vtable.Column{Min: 8, Max: 9, Priority: 10, Right: true}},
	{Name: "PROVIDER", Layout: vtable.Column{Min: 8, Max: 18, Priority: 3}},
	{Name: "NAME", Layout: vtable.Column{Min: 14, Max: 48, Flex: 3, Priority: 10}},
	{Name: "CHANGE", Layout: vtable.Column{Min: 8, Max: 10, Priority: 8}},
	{Name: "STATE", Layout: vtable.Column{Min: 7, Max: 14, Priority: 5}},
	{Name: "BW", Kind: model.ColNumber, Layout: vtable.Column{Min: 4, Max: 7, Priority: 6, Right: true}},
	{Name: "A-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 7}},
	{Name: "Z-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 6}},
	{Name: "VLAN", Layout: vtable.Column{Min: 4, Max: 14, Priority: 4}},
	{Name: "CAN", Layout: vtable.Column{Min: 7, Max: 14, Priority: 1}},
}

// Waiting reports whether c waits for this side's decision.
func Waiting(c *model.Connection) bool { return c.Pending != nil && c.Pending.WaitingOnUs }

func cells(c *model.Connection, _ *time.Location) ([]string, []int64) {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	can := ""
	if c.HasAction(model.ActionApprove) {
		can = "approve"
	}
	if c.HasAction(model.ActionReject) {
		if can != "" {
			can += ","
		}
		can += "reject"
	}
	var since int64
	if !c.Pending.Since.IsZero() {
		since = c.Pending.Since.UnixNano()
	}
	cs := []string{"", c.Provider, name, string(c.Pending.Kind), string(c.State), conns.FormatBandwidth(c.BandwidthMbps),
		conns.Side(c.A), conns.Side(c.Z), c.VLANString(), can}
	nums := make([]int64, len(cs))
	nums[ColWaiting] = since
	nums[ColBW] = c.BandwidthMbps
	return cs, nums
}

// age is rendered at view time so it keeps counting between refreshes.
func age(c *model.Connection, col int, now time.Time) (string, bool) {
	if col != ColWaiting {
		return "", false
	}
	if c.Pending == nil || c.Pending.Since.IsZero() {
		return "?", true
	}
	return detail.Age(now.Sub(c.Pending.Since)), true
}

// Pane is the Approvals pane.
type Pane struct {
	ctx  *pane.Context
	list *connlist.Model
}

// New builds the pane (a pane.Factory).
func New(ctx *pane.Context) pane.Pane {
	return &Pane{ctx: ctx, list: connlist.New(ctx, connlist.Config{
		Title:    "Approvals",
		Columns:  Columns,
		Include:  Waiting,
		Cells:    cells,
		Dynamic:  age,
		StateCol: ColState,
		SortCol:  ColWaiting,
		Empty:    "nothing is waiting for your approval.",
	})}
}

// List exposes the engine (tests).
func (p *Pane) List() *connlist.Model { return p.list }

func (p *Pane) Title() string { return "Approvals" }

func (p *Pane) Badge() string {
	if n := p.list.Table().Total(); n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

func (p *Pane) Resources() []state.Spec  { return conns.Specs(p.ctx) }
func (p *Pane) Init() tea.Cmd            { return nil }
func (p *Pane) SetSize(w, h int)         { p.list.SetSize(w, h) }
func (p *Pane) Capturing() bool          { return p.list.Capturing() }
func (p *Pane) TextFocused() bool        { return p.list.TextFocused() }
func (p *Pane) Busy() bool               { return p.list.Flow.Busy() || p.list.Building() }
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

package connections

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/clipboard"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/list"
)

// The list's binding table, per mode: list, detail view, and the keys an
// open dialog, prompt or input shows. Dispatch, the footer, the ? overlay
// and the read-only note all read it.

// action is one connection action a key asks for.
type action struct {
	name        string // [keys] action
	kind        model.ActionKind
	key         func(km *keys.Map) key.Binding
	help, short string // ? overlay and footer descriptions
	noun        string // in the read-only note
	// notOffered and run, when set, replace NotOffered(kind) and begin
	// (an action that is not one kind: setting a VLAN approves or updates).
	notOffered func(c model.Connection) string
	run        func(m *Model, action string, c model.Connection) tea.Cmd
}

var actions = []action{
	{"approve", model.ActionApprove, func(km *keys.Map) key.Binding { return km.Approve }, "approve", "approve", "approve", nil, nil},
	{"reject", model.ActionReject, func(km *keys.Map) key.Binding { return km.Reject }, "reject", "reject", "reject", nil, nil},
	{"change_request", model.ActionFileChangeRequest, func(km *keys.Map) key.Binding { return km.ChangeRequest }, "change request…", "change…", "change requests", nil, nil},
	{"withdraw_change", model.ActionWithdrawChangeRequest, func(km *keys.Map) key.Binding { return km.WithdrawChange }, "withdraw change…", "withdraw…", "change requests", nil, nil},
	{"change_bandwidth", model.ActionChangeBandwidth, func(km *keys.Map) key.Binding { return km.ChangeBandwidth }, "change bandwidth…", "bandwidth…", "bandwidth changes", nil, nil},
	{"delete", model.ActionDecommission, func(km *keys.Map) key.Binding { return km.Delete }, "decommission…", "decommission…", "decommission", nil, nil},
	{"set_vlan", model.ActionUpdate, func(km *keys.Map) key.Binding { return km.SetVLAN }, "set VLAN…", "vlan…", "VLAN changes", SetVLANNotOffered, (*Model).beginSetVLAN},
}

// described copies b with another help description.
func described(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Keys is the binding table of what the list shows now.
func (m *Model) Keys() keys.Table {
	switch {
	case m.Flow.Active():
		return m.Flow.Keys()
	case m.exporting:
		return keys.Table{Scope: keys.Dialog, Bindings: []keys.Binding{keys.Fixed("enter", "JSON"), keys.Fixed("c", "CSV"), keys.Fixed("esc", "cancel")}}
	case m.filter.Opened():
		return keys.Table{Scope: keys.Dialog, Bindings: m.filter.Keys("keep filter")}
	case m.detail != nil:
		if m.detailTable == nil {
			m.detailTable = &keys.Table{Scope: m.cfg.Scope, Bindings: m.detailKeys()}
		}
		return *m.detailTable
	}
	// Built once: the handlers and reasons read the list's state when
	// they run, so the same table serves every key and every frame.
	if m.listTable == nil {
		m.listTable = &keys.Table{Scope: m.cfg.Scope, Bindings: m.listKeys()}
	}
	return *m.listTable
}

// detailMover moves whichever detail view is open when a key is pressed.
type detailMover struct{ m *Model }

func (d detailMover) MoveBy(n int) {
	if d.m.detail != nil {
		d.m.detail.MoveBy(n)
	}
}

func (d detailMover) MoveTo(i int) {
	if d.m.detail != nil {
		d.m.detail.MoveTo(i)
	}
}

func (d detailMover) PageRows() int {
	if d.m.detail != nil {
		return d.m.detail.PageRows()
	}
	return 1
}

// actionKeys are the action bindings for the connection sel returns: on
// in the footer only when the connection offers the action now, off with
// the provider's reason in read-only mode.
func (m *Model) actionKeys(sel func() (*model.Connection, bool)) []keys.Binding {
	var out []keys.Binding
	for _, a := range actions {
		out = append(out, keys.Binding{
			Action: a.name, Key: described(a.key(m.keys), a.help), Short: a.short, Noun: a.noun,
			Show: keys.Footer | keys.Help, Group: 2, Mutates: true,
			ReadOnly: func() string {
				c, ok := sel()
				if !ok {
					return m.ctx.ReadOnlyReason("")
				}
				return m.ctx.ReadOnlyReason(c.Provider)
			},
			Disabled: func() string {
				c, ok := sel()
				if !ok {
					return "nothing selected: the list is empty"
				}
				if a.notOffered != nil {
					return a.notOffered(*c)
				}
				return NotOffered(a.kind, *c)
			},
			Run: func() tea.Cmd {
				c, ok := sel()
				switch {
				case !ok:
					return nil
				case a.run != nil:
					return a.run(m, a.name, *c)
				}
				return m.begin(a.name, a.kind, *c)
			},
		})
	}
	return out
}

func (m *Model) listKeys() []keys.Binding {
	km := m.keys
	bs := []keys.Binding{list.MoveHint(km)}
	bs = append(bs, list.Nav(km, &m.view, m.wantSparks)...)
	view := []keys.Binding{
		{Action: "open", Key: km.Open, Run: m.openDetail, Show: keys.Footer | keys.Help},
		{Action: "back", Key: km.Back, Run: m.back, Show: keys.Help},
		{Action: "filter", Key: km.Filter, Run: m.openFilter, Show: keys.Footer | keys.Help},
		{Action: "sort", Key: km.Sort, Short: "sort", Run: func() tea.Cmd { m.CycleSort(); return m.wantSparks() }, Show: keys.Footer | keys.Help},
		{Action: "sort_reverse", Key: km.SortReverse, Run: func() tea.Cmd { m.ReverseSort(); return m.wantSparks() }, Show: keys.Help},
		{Action: "graph", Key: km.Graph, Short: "graph", Run: func() tea.Cmd {
			if c, ok := m.Selected(); ok {
				return m.ctx.GraphConnection(c)
			}
			return nil
		}, Show: keys.Footer | keys.Help},
	}
	if m.sparkCol >= 0 {
		view = append(view, keys.Binding{Action: "sparklines", Key: km.Sparklines, Run: m.toggleSparks, Show: keys.IfRoom | keys.Help, FooterOrder: 2})
	}
	view = append(view, keys.Binding{Action: "export", Key: described(km.Export, "export view…"), Short: "export", Run: m.beginExport, Show: keys.IfRoom | keys.Help, FooterOrder: 1})
	for i := range view {
		view[i].Group = 1
	}
	bs = append(bs, view...)
	bs = append(bs, m.actionKeys(m.Selected)...)
	bs = append(bs, keys.Binding{Action: "copy", Key: described(km.Copy, "copy id"), Run: func() tea.Cmd {
		if c, ok := m.Selected(); ok {
			return clipboard.Cmd(m.ctx, c.ID)
		}
		return pane.Toast("nothing selected to copy", true)
	}, Show: keys.IfRoom | keys.Help, Group: 2})
	return bs
}

func (m *Model) detailKeys() []keys.Binding {
	km := m.keys
	nav := list.Nav(km, detailMover{m}, nil)
	for i := range nav {
		if a := nav[i].Action; a == "up" || a == "down" || a == "page_down" {
			nav[i].Show |= keys.Footer
		}
	}
	sel := func() (*model.Connection, bool) {
		if m.detail == nil {
			return nil, false
		}
		c := m.detail.Conn()
		return &c, true
	}
	bs := append(nav,
		keys.Binding{Action: "back", Key: km.Back, Short: "back", Run: func() tea.Cmd { m.detail = nil; return m.wantSparks() }, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "graph", Key: km.Graph, Short: "graph", Run: func() tea.Cmd {
			if c, ok := sel(); ok {
				return m.ctx.GraphConnection(c)
			}
			return nil
		}, Show: keys.Footer | keys.Help, Group: 1},
	)
	bs = append(bs, m.actionKeys(sel)...)
	return append(bs, keys.Binding{Action: "copy", Key: described(km.Copy, "copy id"), Run: func() tea.Cmd {
		if c, ok := sel(); ok {
			return clipboard.Cmd(m.ctx, c.ID)
		}
		return nil
	}, Show: keys.IfRoom | keys.Help, Group: 2})
}

// decideHint says, in the detail view, how to answer a change of c
// waiting on us, with the keys of this pane.
func (m *Model) decideHint(c model.Connection) string {
	approve, reject := c.HasAction(model.ActionApprove), c.HasAction(model.ActionReject)
	switch {
	case approve && IsVLANCircuit(c):
		return fmt.Sprintf("set the VLAN with %s", m.keys.Approve.Help().Key)
	case approve && reject:
		return fmt.Sprintf("approve with %s, reject with %s", m.keys.Approve.Help().Key, m.keys.Reject.Help().Key)
	case approve:
		return fmt.Sprintf("approve with %s", m.keys.Approve.Help().Key)
	case reject:
		return fmt.Sprintf("reject with %s", m.keys.Reject.Help().Key)
	}
	return "see the description"
}

func (m *Model) openDetail() tea.Cmd {
	if c, ok := m.Selected(); ok {
		m.raw = rawRead{}
		cmd := m.readRaw(*c)
		m.detail = m.detailOf(*c)
		return cmd
	}
	return nil
}

func (m *Model) openFilter() tea.Cmd {
	m.filterAnchor = m.selectedKey()
	return m.filter.Open(m.table.Filter().Query)
}

// back clears the filter, then the last action's result line.
func (m *Model) back() tea.Cmd {
	if m.table.Filter().Query != "" {
		m.SetFilter("")
	} else if m.Flow.Last != "" {
		m.Flow.ClearResult()
		m.SetSize(m.w, m.h)
	}
	return m.wantSparks()
}

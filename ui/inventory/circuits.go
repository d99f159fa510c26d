package inventory

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
)

// Virtual circuits in the tree (Equinix Metal: organization › project ›
// interconnection › port › virtual circuit): v sets a VLAN circuit's VLAN,
// D deletes a circuit, through the same specs and the same mutation path
// as the connection lists (the provider lists each circuit as a
// connection row too, which says what it offers now).

// circuit is the connection row of the selected node, when it is a
// virtual circuit its provider lists.
func (p *Pane) circuit() (model.Connection, string, bool) {
	n, src, ok := p.Selected()
	if !ok || n == nil || n.Ref.ID == "" {
		return model.Connection{}, src, false
	}
	for _, c := range p.ctx.ConnectionsOf(src) {
		if c.ID == n.Ref.ID && connections.IsCircuit(c) {
			return c, src, true
		}
	}
	return model.Connection{}, src, false
}

// circuitKeys are v and D on the selected virtual circuit.
func (p *Pane) circuitKeys() []keys.Binding {
	km := p.keys
	readOnly := func() string {
		_, src, _ := p.circuit()
		return p.ctx.ReadOnlyReason(src)
	}
	notCircuit := func(c model.Connection, ok bool) string {
		if !ok {
			return "select a virtual circuit (organization › project › interconnection › port › circuit)"
		}
		return ""
	}
	return []keys.Binding{
		{Action: "set_vlan", Key: described(km.SetVLAN, "set VLAN…"), Short: "vlan…", Noun: "VLAN changes", Mutates: true, Show: keys.Footer | keys.Help, Group: 2,
			ReadOnly: readOnly,
			Disabled: func() string {
				c, _, ok := p.circuit()
				if why := notCircuit(c, ok); why != "" {
					return why
				}
				return connections.SetVLANNotOffered(c)
			},
			Run: func() tea.Cmd {
				c, src, ok := p.circuit()
				if !ok {
					return nil
				}
				return p.flow.Begin(p.refreshAfter(connections.SetVLANSpec(p.ctx, "set_vlan", c), src))
			}},
		{Action: "delete", Key: described(km.Delete, "delete circuit…"), Short: "delete…", Noun: "deletion", Mutates: true, Show: keys.Footer | keys.Help, Group: 2,
			ReadOnly: readOnly,
			Disabled: func() string {
				c, _, ok := p.circuit()
				if why := notCircuit(c, ok); why != "" {
					return why
				}
				return connections.NotOffered(model.ActionDecommission, c)
			},
			Run: func() tea.Cmd {
				c, src, ok := p.circuit()
				if !ok {
					return nil
				}
				return p.flow.Begin(p.refreshAfter(connections.DeleteCircuitSpec(p.ctx, "delete", c), src))
			}},
	}
}

// refreshAfter makes the action refresh the provider's inventory too: the
// re-read updates the connection row, the tree is its own listing.
func (p *Pane) refreshAfter(s mutate.Spec, src string) mutate.Spec {
	s.Done = func(mutate.DoneMsg) (string, tea.Cmd) {
		return "", func() tea.Msg { return pane.RefreshMsg{Provider: src} }
	}
	return s
}

// circuitLine is the last action's outcome, for the title line.
func (p *Pane) circuitLine() string {
	if p.flow.Last == "" {
		return ""
	}
	st := p.ctx.Styles.Info
	if p.flow.LastErr {
		st = p.ctx.Styles.Error
	}
	return st.Render(fmt.Sprint(p.flow.Last))
}

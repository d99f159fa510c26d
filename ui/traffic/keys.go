package traffic

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/list"
)

// The pane's binding table, per screen on top of the stack: a graph, a
// peer list, or the peer filter input. Dispatch, the footer and the ?
// overlay read it.

func described(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Keys is the binding table of the screen on top.
func (p *Pane) Keys() keys.Table {
	t := keys.Table{Scope: keys.Scope(pane.Traffic)}
	switch v := p.top().(type) {
	case *peerView:
		if v.input.Opened() {
			t.Scope, t.Bindings = keys.Dialog, v.input.Keys("keep filter")
			return t
		}
		t.Bindings = p.peerKeys(v)
	case *graphView:
		t.Bindings = p.graphKeys(v)
	}
	return t
}

func (p *Pane) back() keys.Binding {
	return keys.Binding{Action: "back", Key: p.keys.Back, Short: "back", Run: p.pop, Show: keys.Help, Group: 1}
}

func (p *Pane) graphKeys(g *graphView) []keys.Binding {
	km := p.keys
	var ks, labels []string
	for _, b := range []key.Binding{km.Range1h, km.Range6h, km.Range24h, km.Range7d, km.Range30d} {
		ks = append(ks, b.Keys()...)
		labels = append(labels, b.Help().Key)
	}
	// One footer entry for the five range keys ("h/H/d/w/M 1h…30d").
	bs := []keys.Binding{{Key: key.NewBinding(key.WithKeys(ks...), key.WithHelp(strings.Join(labels, "/"), "1h…30d")), Show: keys.Footer}}
	rng := func(action string, k key.Binding, i func() int) keys.Binding {
		return keys.Binding{Action: action, Key: k, Run: func() tea.Cmd { return p.setRange(i()) }, Show: keys.Help}
	}
	bs = append(bs,
		rng("range_1h", km.Range1h, func() int { return 0 }),
		rng("range_6h", km.Range6h, func() int { return 1 }),
		rng("range_24h", km.Range24h, func() int { return 2 }),
		rng("range_7d", km.Range7d, func() int { return 3 }),
		rng("range_30d", km.Range30d, func() int { return 4 }),
		rng("range_shorter", km.RangeShorter, func() int { return p.rng - 1 }),
		rng("range_longer", km.RangeLonger, func() int { return p.rng + 1 }),
		keys.Binding{Action: "fit", Key: km.Fit, Run: func() tea.Cmd { g.fit = !g.fit; return nil }, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "direction", Key: km.Direction, Run: func() tea.Cmd { g.dir = (g.dir + 1) % 3; return nil }, Show: keys.Footer | keys.Help, Group: 1},
	)
	units := keys.Binding{Action: "units", Key: km.Units, Run: func() tea.Cmd { p.packets = !p.packets; return nil }, Show: keys.Help, Group: 1}
	if p.packets || hasUnit(g.series, model.UnitPacketsPerSec) {
		units.Show |= keys.Footer
	}
	// The peer list exists for a network service config only: on a port's
	// graph the key is off and says why.
	peers := keys.Binding{Action: "peers", Key: km.Peers, Run: func() tea.Cmd { return p.openPeers(g) }, Show: keys.Footer | keys.Help, Group: 1,
		Disabled: func() string { return p.noPeers(g) }}
	back := p.back()
	if len(p.stack) > 1 {
		back.Show |= keys.Footer
	}
	return append(bs, units, peers, back)
}

// noPeers says why the graphed object has no peer list ("" when it has).
func (p *Pane) noPeers(g *graphView) string {
	src, ok := p.source(g.target.Source)
	switch {
	case !ok || src.Peers == nil:
		return g.target.Source + " cannot list peers"
	case len(g.target.Peers) > 0:
		return "this graph already shows peers; esc goes back to the list"
	case !model.HasPeers(src.Peers, g.target.Ref):
		return "peers exist for a network service config, not for " + label(g.target) + ": graph a config (from the Inventory) to list its peers"
	}
	return ""
}

func (p *Pane) peerKeys(v *peerView) []keys.Binding {
	km := p.keys
	nav := list.Nav(km, &v.view, nil)
	for i := range nav {
		nav[i].Group = 2
		if a := nav[i].Action; a == "up" || a == "down" {
			nav[i].Show |= keys.Footer
		}
	}
	graph := func() tea.Cmd {
		peers := v.markedPeers()
		if len(peers) == 0 {
			if pr, ok := v.selected(); ok {
				peers = []model.Peer{*pr}
			}
		}
		return p.graphPeers(v, peers)
	}
	resort := func(next bool) func() tea.Cmd {
		return func() tea.Cmd {
			col, desc := v.table.SortBy()
			if next {
				v.resort((col+1)%len(peerCols), false)
			} else {
				v.resort(col, !desc)
			}
			return nil
		}
	}
	back := keys.Binding{Action: "back", Key: km.Back, Short: "back", Show: keys.Footer | keys.Help, Group: 1, Run: func() tea.Cmd {
		if v.table.Filter().Query != "" {
			v.setFilter("")
			return nil
		}
		return p.pop()
	}}
	return append(nav,
		keys.Binding{Action: "mark", Key: km.Mark, Run: v.toggleMark, Show: keys.Footer | keys.Help, Group: 2},
		keys.Binding{Action: "graph", Key: km.Graph, Run: graph, Show: keys.Footer | keys.Help, Group: 2},
		keys.Binding{Action: "open", Key: described(km.Open, "graph"), Run: graph, Show: keys.Help, Group: 2},
		keys.Binding{Action: "filter", Key: km.Filter, Run: func() tea.Cmd { return v.input.Open(v.table.Filter().Query) }, Show: keys.Footer | keys.Help, Group: 2},
		keys.Binding{Action: "sort", Key: km.Sort, Run: resort(true), Show: keys.Footer | keys.Help, Group: 2},
		keys.Binding{Action: "sort_reverse", Key: km.SortReverse, Run: resort(false), Show: keys.Footer | keys.Help, Group: 2},
		back)
}

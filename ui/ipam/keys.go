package ipam

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/list"
)

// The pane's binding table, per view (and the keys an open dialog, form or
// filter input shows). Dispatch, the footer, the ? overlay and the
// read-only note read it.

// mover adapts a view's own cursor or scroll offset to list.Mover, so the
// shared movement bindings drive it.
type mover struct {
	by   func(d int)
	to   func(i int) // -1: the end
	page func() int
}

func (m mover) MoveBy(d int)  { m.by(d) }
func (m mover) MoveTo(i int)  { m.to(i) }
func (m mover) PageRows() int { return m.page() }

func described(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// show marks the bindings of bs whose action is listed as footer entries.
func show(bs []keys.Binding, footer ...string) []keys.Binding {
	for i := range bs {
		for _, a := range footer {
			if bs[i].Action == a {
				bs[i].Show |= keys.Footer
			}
		}
	}
	return bs
}

// Keys is the binding table of what the pane shows now.
func (p *Pane) Keys() keys.Table {
	t := keys.Table{Scope: keys.Scope(pane.IPAM)}
	switch {
	case p.flow.Active():
		return p.flow.Keys()
	case p.form != nil:
		t.Scope, t.Bindings = keys.Dialog, []keys.Binding{keys.Fixed("tab", "next field"), keys.Fixed("enter", "plan"), keys.Fixed("esc", "cancel")}
		return t
	case p.filtering:
		t.Scope, t.Bindings = keys.Dialog, []keys.Binding{keys.Fixed("enter", "apply filter"), keys.Fixed("esc", "clear filter")}
		return t
	}
	km := p.keys
	views := keys.Binding{Key: key.NewBinding(key.WithKeys(km.NextView.Keys()...), key.WithHelp(km.NextView.Help().Key+"/"+km.PrevView.Help().Key, "views")), Show: keys.Footer}
	t.Bindings = []keys.Binding{views}
	t.Bindings = append(t.Bindings, p.viewKeys()...)
	t.Bindings = append(t.Bindings,
		keys.Binding{Action: "next_view", Key: km.NextView, Run: func() tea.Cmd { p.cycleView(1); return nil }, Show: keys.Help, Group: 1},
		keys.Binding{Action: "prev_view", Key: km.PrevView, Run: func() tea.Cmd { p.cycleView(-1); return nil }, Show: keys.Help, Group: 1},
	)
	return t
}

// mutating is one of the pane's actions on the provider shown.
func (p *Pane) mutating(action string, k key.Binding, noun string, run func() tea.Cmd, footer bool) keys.Binding {
	b := keys.Binding{Action: action, Key: k, Run: run, Mutates: true, Noun: noun, Show: keys.Help, Group: 3,
		ReadOnly: func() string { return p.ctx.ReadOnlyReason(p.Provider()) }}
	if footer {
		b.Show |= keys.Footer
	}
	return b
}

func (p *Pane) short(b keys.Binding, s string) keys.Binding {
	b.Short = s
	return b
}

// back clears the last result line first, then what the view has open.
func (p *Pane) back(view func()) keys.Binding {
	return keys.Binding{Action: "back", Key: p.keys.Back, Show: keys.Help, Group: 1, Run: func() tea.Cmd {
		if p.flow.Last != "" {
			p.flow.ClearResult()
			p.layout()
		} else if view != nil {
			view()
		}
		return nil
	}}
}

func (p *Pane) viewKeys() []keys.Binding {
	km := p.keys
	assign := func(footer bool) keys.Binding {
		return p.mutating("assign", km.Assign, "smart-assign", p.beginSmartAssign, footer)
	}
	process := func(footer bool) keys.Binding {
		return p.mutating("process_holding", km.ProcessHolding, "process holding tank", func() tea.Cmd {
			p.view = ViewHolding
			p.layout()
			return p.beginProcess()
		}, footer)
	}
	switch p.view {
	case ViewSummary:
		nav := show(list.Nav(km, mover{
			by:   func(d int) { p.regCursor += d; p.clampRegions() },
			to:   func(i int) { p.regCursor = endAt(i, len(p.regions)); p.clampRegions() },
			page: p.regionRows,
		}, nil), "up", "down")
		return append(nav,
			keys.Binding{Action: "open", Key: described(km.Open, "browse region"), Run: p.browseRegion, Show: keys.Footer | keys.Help, Group: 1},
			p.back(nil), assign(true), process(true))
	case ViewResources:
		nav := show(list.Nav(km, &p.resV, nil), "up", "down")
		keep := func(f func()) {
			sel := ""
			if p.res.Len() > 0 {
				sel = p.res.At(p.resV.Cursor()).Key
			}
			f()
			p.resV.SetLen(p.res.Len())
			if i := p.res.Index(sel); i >= 0 {
				p.resV.SetCursor(i)
			}
		}
		return append(nav,
			keys.Binding{Action: "filter", Key: km.Filter, Run: p.startFilter, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "sort", Key: km.Sort, Show: keys.Footer | keys.Help, Group: 1, Run: func() tea.Cmd {
				col, _ := p.res.SortBy()
				keep(func() {
					p.res.SetSort((col+1)%len(resourceColumns), col+1 == colHosts || col+1 == colBlocks || col+1 == colShare)
				})
				return nil
			}},
			keys.Binding{Action: "sort_reverse", Key: km.SortReverse, Show: keys.Footer | keys.Help, Group: 1, Run: func() tea.Cmd {
				col, desc := p.res.SortBy()
				keep(func() { p.res.SetSort(col, !desc) })
				return nil
			}},
			p.back(func() {
				if p.res.Filter().Query != "" {
					keep(func() { p.res.SetFilter("") })
				}
			}),
			assign(true), process(false))
	case ViewMasks:
		page := func() int { return max(p.bodyHeight()-1, 1) }
		nav := show(list.Nav(km, mover{
			by:   func(d int) { p.maskOffset += d; p.clampMasks() },
			to:   func(i int) { p.maskOffset = endAt(i, len(p.maskLines)+1); p.clampMasks() },
			page: page,
		}, nil), "up", "down")
		return append(nav, p.back(nil), assign(false), process(false))
	case ViewBlocks:
		nav := list.Nav(km, mover{
			by:   p.br.move,
			to:   func(i int) { p.br.moveTo(endAt(i, len(p.br.rows))) },
			page: func() int { return p.br.height },
		}, nil)
		order := func() tea.Cmd { p.br.toggleOrder(); return nil }
		return append(nav,
			keys.Binding{Action: "expand", Key: km.Expand, Run: func() tea.Cmd { p.br.expand(); return nil }, Show: keys.Footer | keys.Help, Group: 2},
			keys.Binding{Action: "collapse", Key: km.Collapse, Run: func() tea.Cmd { p.br.collapse(); return nil }, Show: keys.Footer | keys.Help, Group: 2},
			keys.Binding{Action: "drill", Key: km.Drill, Show: keys.Footer | keys.Help, Group: 2, Run: func() tea.Cmd {
				if !p.br.drill() {
					return pane.Toast("no children to drill into", false)
				}
				return nil
			}},
			keys.Binding{Action: "open", Key: described(km.Open, "details"), Show: keys.Footer | keys.Help, Group: 1, Run: func() tea.Cmd {
				p.details = !p.details
				p.layout()
				return nil
			}},
			keys.Binding{Action: "filter", Key: km.Filter, Run: p.startFilter, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "sort", Key: described(km.Sort, "order: address/fullest"), Short: "order", Run: order, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "sort_reverse", Key: described(km.SortReverse, "order: address/fullest"), Run: order, Show: keys.Help, Group: 1},
			keys.Binding{Action: "copy", Key: km.Copy, Show: keys.Footer | keys.Help, Group: 2, Run: func() tea.Cmd {
				if blk := p.br.selectedBlock(); blk != nil && blk.CIDR() != "" {
					return p.copyCmd(blk.CIDR())
				}
				return nil
			}},
			p.back(func() {
				switch {
				case p.details:
					p.details = false
					p.layout()
				case !p.br.filter.Empty():
					p.br.setFilter("")
				}
			}),
			assign(true),
			p.short(p.mutating("delete", described(km.Delete, "SWIP deassign…"), "deassign", func() tea.Cmd { return p.beginSWIP(model.ActionDeassign) }, true), "delete / deassign…"),
			p.mutating("swip", km.Swip, "SWIP", func() tea.Cmd { return p.beginSWIP(model.ActionReassign) }, true),
			process(false))
	case ViewHolding:
		page := p.holdingRows
		n := func() int {
			if h := holdingOf(p.ctx, p.Provider()); h != nil {
				return len(h.Blocks)
			}
			return 0
		}
		nav := show(list.Nav(km, mover{
			by:   func(d int) { p.holdCursor += d; p.clampHolding() },
			to:   func(i int) { p.holdCursor = endAt(i, n()); p.clampHolding() },
			page: page,
		}, nil), "up", "down")
		return append(nav,
			keys.Binding{Action: "copy", Key: km.Copy, Show: keys.Footer | keys.Help, Group: 2, Run: func() tea.Cmd {
				if h := holdingOf(p.ctx, p.Provider()); h != nil && p.holdCursor < len(h.Blocks) {
					return p.copyCmd(h.Blocks[p.holdCursor].CIDR())
				}
				return nil
			}},
			p.back(nil), process(true), assign(false))
	}
	return nil
}

// endAt is i, with -1 meaning the last of n.
func endAt(i, n int) int {
	if i < 0 {
		return n - 1
	}
	return i
}

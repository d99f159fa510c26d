// Package inventory is the Inventory pane: every provider's inventory as
// one tree (metro area > facility > pop/device > port > connection ...),
// with expand/collapse, a filter, a detail view, an optional 24h sparkline
// column on ports and connections, and g to graph the selected object.
package inventory

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/clipboard"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/confirm"
	"github.com/noctop/noctop/ui/widgets/detail"
	"github.com/noctop/noctop/ui/widgets/list"
	"github.com/noctop/noctop/ui/widgets/sparks"
)

// Key is the state key of a provider's inventory.
func Key(provider string) model.ResourceKey { return pane.Key(provider, pane.ResInventory) }

// notGraphable are node kinds that carry no traffic of their own.
var notGraphable = map[string]bool{
	"provider": true, "group": true, "metro": true, "metro-area": true, "metro-area-network": true,
	"facility": true, "pop": true, "device": true, "org": true, "organization": true, "project": true,
	"account": true, "region": true,
}

var owners atomic.Int64

// Pane is the Inventory pane.
type Pane struct {
	ctx   *pane.Context
	w, h  int
	roots []*item // one per provider, in source order
	rows  []*item // visible, in order
	// expanded holds item keys; providers and their first level start open.
	expanded map[string]bool
	seen     map[string]bool // providers whose first load was expanded
	// keys is the key map of this pane's scope ([keys.inventory] applied).
	keys *keys.Map
	// cur, input and dview are the parts every list shares: the cursor
	// over rows, the "/" filter input and the detail view.
	cur    list.Cursor
	input  list.Filter
	needle string // the query as typed
	filter model.Filter

	detail *item
	dview  detail.Model

	// flow is the pane's part of the one mutation path (port and power
	// actions, virtual circuits: circuits.go); events is the open events list (nil when closed).
	flow     *mutate.Flow
	events   *eventList
	capacity *capacityList
	// anyActions: some node offers an action (the action keys are in the
	// table, the footer and ? only then).
	anyActions bool
	// watch is the node whose re-read after an action the result line
	// waits for (nil when none).
	watch    *rereadWatch
	watchSeq int64 // numbers the watches (a late check of an earlier one is dropped)
	eventSeq int64 // events and capacity reads

	// Sparklines is the 24h trend column (off by default: it costs one
	// statistics request per visible port or connection).
	Sparklines bool
	sparks     *sparks.Cache
}

// New builds the pane (a pane.Factory); nil when no source has an
// inventory.
func New(ctx *pane.Context) pane.Pane {
	for _, s := range ctx.Sources {
		if s.Inventory != nil {
			return NewPane(ctx)
		}
	}
	return nil
}

// NewPane is New with the concrete type.
func NewPane(ctx *pane.Context) *Pane {
	p := &Pane{ctx: ctx, expanded: map[string]bool{}, seen: map[string]bool{}, keys: ctx.Keys.For(keys.Scope(pane.Inventory)),
		input: list.NewFilter("text  kind=port  state==testing  vlan=1140  !negate"), flow: mutate.New(ctx)}
	p.sparks = sparks.New(owners.Add(1), ctx.Now, ctx.Background)
	return p
}

func (p *Pane) ID() pane.ID   { return pane.Inventory }
func (p *Pane) Title() string { return "Inventory" }

func (p *Pane) Badge() string { return "" }

// Resources: one inventory per source that has one.
func (p *Pane) Resources() []model.ResourceKey { return p.ctx.InventoryKeys() }

func (p *Pane) Init() tea.Cmd { return nil }

func (p *Pane) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	p.input.SetWidth(max(w-30, 10))
	p.cur.SetHeight(p.listHeight())
	p.dview.SetSize(p.w, max(p.h-1, 0))
	if p.events != nil {
		p.events.cur.SetHeight(p.eventsHeight())
		p.events.input.SetWidth(max(w-30, 10))
		if p.events.open != nil {
			p.events.open.SetSize(p.w, max(p.h-1, 0))
		}
	}
	if p.capacity != nil {
		p.capacity.cur.SetHeight(p.capacityHeight())
		p.capacity.input.SetWidth(max(w-30, 10))
	}
}

func (p *Pane) Capturing() bool {
	return p.input.Opened() || p.flow.Active() || (p.events != nil && p.events.input.Opened()) ||
		(p.capacity != nil && p.capacity.input.Opened())
}

// TextFocused: the filter inputs, and the dialog's inputs.
func (p *Pane) TextFocused() bool {
	return p.input.Opened() || p.flow.TextFocused() || (p.events != nil && p.events.input.Opened()) ||
		(p.capacity != nil && p.capacity.input.Opened())
}

// Busy keeps the spinner turning while sparklines, an action or events load.
func (p *Pane) Busy() bool {
	return p.sparks.Inflight() > 0 || p.flow.Busy() || (p.events != nil && p.events.loading) || (p.capacity != nil && p.capacity.loading)
}

// Flow is the pane's mutation flow (tests).
func (p *Pane) Flow() *mutate.Flow { return p.flow }

// DialogOpen reports whether the confirmation dialog is open (tests).
func (p *Pane) DialogOpen() bool { return p.flow.Dialog() != nil }

// Dialog is the open confirmation dialog (nil when closed; tests).
func (p *Pane) Dialog() *confirm.Model { return p.flow.Dialog() }

// Result is the last action's result line ("" when none or expired).
func (p *Pane) Result() (string, bool) { return p.flow.Last, p.flow.LastErr }

// Rows returns the visible rows' labels (tests).
func (p *Pane) Rows() []string {
	out := make([]string, len(p.rows))
	for i, r := range p.rows {
		out[i] = r.label
	}
	return out
}

// Cursor is the selected row.
func (p *Pane) Cursor() int { return p.cur.Pos() }

// Selected returns the node under the cursor (or in the detail view).
func (p *Pane) Selected() (*model.Node, string, bool) {
	if p.detail != nil {
		return p.detail.node, p.detail.source, true
	}
	if p.cur.Pos() >= len(p.rows) {
		return nil, "", false
	}
	r := p.rows[p.cur.Pos()]
	return r.node, r.source, true
}

func graphable(n *model.Node) bool {
	return n != nil && n.Ref.ID != "" && !notGraphable[strings.ToLower(n.Kind)]
}

// GraphTarget is the selected port, connection, config ... when its
// provider offers statistics.
func (p *Pane) GraphTarget() (pane.GraphTarget, bool) {
	n, src, ok := p.Selected()
	if !ok || !graphable(n) {
		return pane.GraphTarget{}, false
	}
	s, ok := p.ctx.Source(src)
	if !ok || s.Stats == nil {
		return pane.GraphTarget{}, false
	}
	ref := n.Ref
	if ref.Provider == "" {
		ref.Provider = src
	}
	return pane.GraphTarget{Source: src, Ref: ref, Title: text.Clean(n.Label)}, true
}

// rebuild re-reads every provider's inventory from the shared state,
// keeping the cursor on the same node.
func (p *Pane) rebuild() {
	sel := p.selectedKey()
	p.roots = p.roots[:0]
	p.anyActions = false
	for _, s := range p.ctx.Sources {
		if _, registered := p.ctx.StatusOf(Key(s.Name)); !registered {
			continue
		}
		nodes, loaded := p.ctx.InventoryOf(s.Name)
		root := build(s.Name, s.Kind, nodes)
		if !p.seen[s.Name] && loaded {
			p.seen[s.Name] = true
			p.expanded[root.key] = true
			for _, c := range root.children {
				if c.node.Kind != "group" { // "Unplaced", "Network services": long, opened on demand
					p.expanded[c.key] = true
				}
			}
		}
		p.roots = append(p.roots, root)
		p.anyActions = p.anyActions || offersActions(root)
	}
	if p.detail != nil {
		if p.detail = p.find(p.detail.key); p.detail != nil {
			p.showDetail(p.detail, false)
		}
	}
	p.reflow(sel)
}

func (p *Pane) selectedKey() string {
	if p.cur.Pos() < len(p.rows) {
		return p.rows[p.cur.Pos()].key
	}
	return ""
}

func (p *Pane) find(key string) *item {
	var walk func(it *item) *item
	walk = func(it *item) *item {
		if it.key == key {
			return it
		}
		if !strings.HasPrefix(key, it.key+"/") {
			return nil
		}
		for _, c := range it.children {
			if f := walk(c); f != nil {
				return f
			}
		}
		return nil
	}
	for _, r := range p.roots {
		if f := walk(r); f != nil {
			return f
		}
	}
	return nil
}

// reflow recomputes the visible rows and puts the cursor back on sel (or
// its nearest visible ancestor).
func (p *Pane) reflow(sel string) {
	p.rows = flatten(p.roots, p.expanded, p.filter)
	p.cur.SetLen(len(p.rows))
	p.cur.Set(0)
	for k := sel; k != ""; {
		found := false
		for i, r := range p.rows {
			if r.key == k {
				p.cur.Set(i)
				found = true
				break
			}
		}
		if found {
			break
		}
		i := strings.LastIndexByte(k, '/')
		if i < 0 {
			break
		}
		k = k[:i]
	}
}

// listHeight is the number of tree rows on screen (title and header above).
func (p *Pane) listHeight() int {
	if p.flow.Last != "" {
		return max(p.h-3, 0) // the result line
	}
	return max(p.h-2, 0)
}

// Update handles keys (while active), shared state changes and sparklines.
func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	if mutate.IsResult(msg) {
		return p, p.flow.Update(msg)
	}
	if p.flow.Active() {
		// The open dialog takes the keys (and its input's blinks); data
		// and sparklines still arrive underneath.
		switch msg.(type) {
		case pane.ChangedMsg, sparks.Msg, rereadCheckMsg:
		default:
			return p, p.flow.Update(msg)
		}
	}
	switch msg := msg.(type) {
	case pane.ChangedMsg:
		if msg.Key.Resource == pane.ResInventory {
			p.watchReread(msg.Key.Provider, msg.DataChanged)
		}
		if msg.Key.Resource == pane.ResInventory && msg.DataChanged {
			p.rebuild()
			return p, p.wantSparks()
		}
		return p, nil
	case sparks.Msg:
		if p.sparks.Apply(msg) {
			return p, p.wantSparks()
		}
		return p, nil
	case rereadCheckMsg:
		return p, p.checkReread(msg)
	case eventsMsg:
		return p, p.eventsLoaded(msg)
	case capacityMsg:
		return p, p.capacityLoaded(msg)
	case tea.KeyMsg:
		switch {
		case p.flow.Active():
			return p, p.flow.Update(msg)
		case p.input.Opened():
			return p, p.filterKey(msg)
		case p.capacity != nil && p.capacity.input.Opened():
			return p, p.capacity.filterKey(msg)
		case p.events != nil && p.events.input.Opened():
			return p, p.events.filterKey(msg)
		}
		cmd, _ := pane.Dispatch(p.Keys(), msg)
		return p, cmd
	}
	switch {
	case mutate.IsResult(msg):
		had := p.flow.Last != ""
		cmd := p.flow.Update(msg)
		if had != (p.flow.Last != "") {
			p.SetSize(p.w, p.h)
		}
		return p, cmd
	case p.flow.Active():
		return p, p.flow.Update(msg)
	case p.capacity != nil && p.capacity.input.Opened():
		return p, p.capacity.input.Update(msg)
	case p.events != nil && p.events.input.Opened():
		return p, p.events.input.Update(msg)
	}
	return p, p.input.Update(msg)
}

// wantSparks asks for the sparklines of the graphable rows on screen.
func (p *Pane) wantSparks() tea.Cmd {
	if !p.Sparklines || p.detail != nil {
		return nil
	}
	var wants []sparks.Want
	start, end := p.cur.Window()
	for _, r := range p.rows[start:end] {
		if !graphable(r.node) {
			continue
		}
		s, ok := p.ctx.Source(r.source)
		if !ok || s.Stats == nil {
			continue
		}
		wants = append(wants, sparks.Want{Key: r.source + "/" + r.node.Ref.ID, Source: s.Stats, Ref: r.node.Ref})
	}
	return p.sparks.Request(wants)
}

func (p *Pane) filterKey(msg tea.KeyMsg) tea.Cmd {
	out, q, cmd := p.input.Key(msg)
	switch out {
	case list.Kept:
		return p.wantSparks()
	case list.Cleared:
		p.setFilter("")
		return p.wantSparks()
	}
	if q != p.needle {
		p.setFilter(q)
	}
	return cmd
}

// described copies b with another help description.
func described(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Keys is the pane's binding table: the filter input's keys while it is
// open, the detail view's, or the tree's.
func (p *Pane) Keys() keys.Table {
	km := p.keys
	t := keys.Table{Scope: keys.Scope(pane.Inventory)}
	copyID := keys.Binding{Action: "copy", Key: described(km.Copy, "copy id"), Run: p.copyID, Show: keys.Footer | keys.Help, Group: 2}
	graph := keys.Binding{Action: "graph", Key: km.Graph, Run: p.graph, Show: keys.Footer | keys.Help, Group: 2}
	switch {
	case p.flow.Active():
		return p.flow.Keys()
	case p.input.Opened():
		t.Scope, t.Bindings = keys.Dialog, p.input.Keys("keep filter")
	case p.capacity != nil:
		return p.capacityKeys()
	case p.events != nil:
		return p.eventKeys()
	case p.detail != nil:
		nav := list.Nav(km, &p.dview, nil)
		for i := range nav {
			if a := nav[i].Action; a == "up" || a == "down" {
				nav[i].Show |= keys.Footer
			}
		}
		closeDetail := func() tea.Cmd { p.detail = nil; return p.wantSparks() }
		t.Bindings = append(nav, graph, copyID,
			keys.Binding{Action: "back", Key: km.Back, Short: "back", Run: closeDetail, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "open", Key: described(km.Open, "close details"), Run: closeDetail, Show: keys.Help, Group: 1},
			p.eventsKey(), p.capacityKey())
		t.Bindings = append(t.Bindings, p.actionKeys()...)
		t.Bindings = append(t.Bindings, p.circuitKeys()...)
	default:
		// One "move" entry and short labels leave the footer room for
		// the selected node's actions; the rest shows if room is left.
		graph.Short = "graph"
		copyID.Show, copyID.FooterOrder = keys.IfRoom|keys.Help, 6
		nav := append([]keys.Binding{list.MoveHint(km)}, list.Nav(km, &p.cur, p.wantSparks)...)
		t.Bindings = append(nav,
			keys.Binding{Action: "expand", Key: km.Expand, Run: func() tea.Cmd { p.expand(); return p.wantSparks() }, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "collapse", Key: km.Collapse, Run: func() tea.Cmd { p.collapse(); return p.wantSparks() }, Show: keys.IfRoom | keys.Help, FooterOrder: 3, Group: 1},
			keys.Binding{Action: "open", Key: km.Open, Run: p.openDetail, Show: keys.IfRoom | keys.Help, FooterOrder: 2, Group: 1},
			keys.Binding{Action: "back", Key: km.Back, Run: func() tea.Cmd {
				p.flow.ClearResult()
				if p.needle != "" {
					p.setFilter("")
				}
				return p.wantSparks()
			}, Show: keys.Help, Group: 1},
			keys.Binding{Action: "filter", Key: km.Filter, Run: func() tea.Cmd { return p.input.Open(p.needle) }, Show: keys.Footer | keys.Help, Group: 1},
			graph,
			keys.Binding{Action: "sparklines", Key: km.Sparklines, Run: p.toggleSparks, Show: keys.IfRoom | keys.Help, FooterOrder: 5, Group: 2},
			copyID, p.eventsKey(), p.capacityKey())
		t.Bindings = append(t.Bindings, p.actionKeys()...)
		t.Bindings = append(t.Bindings, p.circuitKeys()...)
	}
	return t
}

// FilterBy lets the command palette set a field's term (":vlan 1140"
// matches ports and connections carrying that VLAN), keeping the others.
func (p *Pane) FilterBy(field, op, value string) (bool, string, tea.Cmd) {
	q, ok := model.WithTerm(p.needle, FilterColumns, field, op, value)
	if !ok {
		return false, "", nil
	}
	p.setFilter(q)
	return true, q, p.wantSparks()
}

// ClearFilter drops the filter (":clear").
func (p *Pane) ClearFilter() tea.Cmd {
	p.setFilter("")
	return p.wantSparks()
}

func (p *Pane) toggleSparks() tea.Cmd {
	p.Sparklines = !p.Sparklines
	if p.Sparklines {
		return tea.Batch(p.wantSparks(), pane.Toast("24h trend column on: one statistics request per visible port/connection", false))
	}
	return nil
}

func (p *Pane) openDetail() tea.Cmd {
	if p.cur.Pos() < len(p.rows) {
		p.showDetail(p.rows[p.cur.Pos()], true)
	}
	return nil
}

// copyID copies the selected node's id.
func (p *Pane) copyID() tea.Cmd {
	n, _, ok := p.Selected()
	if !ok || n.Ref.ID == "" {
		return pane.Toast("nothing to copy: select an object with an id", true)
	}
	return clipboard.Cmd(p.ctx, n.Ref.ID)
}

// graph opens the Traffic pane on the selection, or says why it cannot.
func (p *Pane) graph() tea.Cmd {
	if t, ok := p.GraphTarget(); ok {
		return pane.Graph(t)
	}
	n, src, ok := p.Selected()
	if ok && graphable(n) {
		return pane.Toast(src+" offers no traffic statistics", true)
	}
	return pane.Toast("select a port, connection or service config to graph it", true)
}

func (p *Pane) expand() {
	if p.cur.Pos() >= len(p.rows) {
		return
	}
	r := p.rows[p.cur.Pos()]
	if len(r.children) == 0 {
		return
	}
	if !p.expanded[r.key] && p.filter.Empty() {
		p.expanded[r.key] = true
		p.reflow(r.key)
		return
	}
	p.cur.MoveBy(1) // already open: step into the first child
}

func (p *Pane) collapse() {
	if p.cur.Pos() >= len(p.rows) {
		return
	}
	r := p.rows[p.cur.Pos()]
	if p.expanded[r.key] && len(r.children) > 0 && p.filter.Empty() {
		delete(p.expanded, r.key)
		p.reflow(r.key)
		return
	}
	if r.parent != nil {
		p.reflow(r.parent.key)
	}
}

func (p *Pane) setFilter(needle string) {
	sel := p.selectedKey()
	p.needle = needle
	p.filter = model.ParseFilter(needle, FilterColumns)
	p.reflow(sel)
	// With a filter, land on the first match rather than an ancestor.
	if !p.filter.Empty() && (p.cur.Pos() >= len(p.rows) || !matches(p.rows[p.cur.Pos()], p.filter)) {
		for i, r := range p.rows {
			if matches(r, p.filter) {
				p.cur.Set(i)
				break
			}
		}
	}
}

const (
	kindW  = 22
	stateW = 16
	sparkW = 24 + 2 + 10 // cells, gap, average
)

// View renders exactly w×h.
func (p *Pane) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	if v := p.flow.View(p.w, p.h); v != "" {
		return v
	}
	if p.capacity != nil {
		return text.Block(p.capacityView(), p.w, p.h)
	}
	if p.events != nil {
		return text.Block(p.eventsView(), p.w, p.h)
	}
	if p.detail != nil {
		return text.Block(p.detailView(), p.w, p.h)
	}
	st := p.ctx.Styles
	var b strings.Builder
	title := st.PaneTitle.Render("Inventory")
	if n := p.count(); n > 0 {
		title += st.Dim.Render(fmt.Sprintf(" (%d objects)", n))
	}
	if p.input.Opened() {
		title += " " + p.input.View()
	} else if p.needle != "" {
		title += " " + st.Key.Render("/"+p.needle) + st.Dim.Render(fmt.Sprintf(" %d shown", len(p.rows)))
	}
	if l := p.loadingNote(); l != "" {
		title += "  " + st.Dim.Render(l)
	}
	if l := p.circuitLine(); l != "" {
		title += "  " + l
	}
	b.WriteString(text.Truncate(title, p.w))
	b.WriteByte('\n')
	if p.flow.Last != "" {
		ls := st.Good
		if p.flow.LastErr {
			ls = st.Error
		}
		b.WriteString(ls.Render(text.Truncate(text.Clean(p.flow.Last), p.w)))
		b.WriteByte('\n')
	}
	if len(p.rows) == 0 {
		b.WriteString(p.emptyView())
		return text.Block(b.String(), p.w, p.h)
	}
	sw := 0
	if p.Sparklines {
		sw = sparkW
	}
	kw, stw := kindW, stateW
	if p.w < 70 {
		kw, stw, sw = 0, 0, 0
	} else if p.w < 100 {
		kw = 0
	}
	lw := p.w - 2 - kw - stw - sw - 1 // a space keeps the name off the next column
	var hb strings.Builder
	hb.WriteString("  ")
	text.WriteFit(&hb, "NAME", lw, false)
	hb.WriteByte(' ')
	text.WriteFit(&hb, "KIND", kw, false)
	text.WriteFit(&hb, "STATE", stw, false)
	if sw > 0 {
		text.WriteFit(&hb, "LAST 24H (max)", 26, false)
		text.WriteFit(&hb, "AVG IN", 10, true)
	}
	b.WriteString(st.HeaderRow.Wrap(hb.String()))
	start, end := p.cur.Window()
	for i := start; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(p.row(p.rows[i], i == p.cur.Pos(), lw, kw, stw, sw))
	}
	return text.Block(b.String(), p.w, p.h)
}

func (p *Pane) row(r *item, selected bool, lw, kw, stw, sw int) string {
	st := p.ctx.Styles
	var lb strings.Builder
	if selected {
		lb.WriteByte('>')
	} else {
		lb.WriteByte(' ')
	}
	lb.WriteByte(' ')
	indent := strings.Repeat("  ", min(r.depth, 20))
	marker := "  "
	switch {
	case len(r.children) == 0:
	case !p.filter.Empty() || p.expanded[r.key]:
		marker = "▾ "
	default:
		marker = "▸ "
	}
	name := indent + marker + r.label
	if len(r.children) > 0 && !(!p.filter.Empty() || p.expanded[r.key]) {
		name += fmt.Sprintf(" (%d)", len(r.children))
		// Rolled up here when the provider did not (its own state is
		// not failed): a collapsed row still shows trouble inside.
		if r.failedBelow > 0 && !failed(r.node) && r.parent != nil {
			name += fmt.Sprintf("  ✗ %d failed inside", r.failedBelow)
		}
	}
	if lo, ok := p.lowLight(r.node); ok {
		name += fmt.Sprintf("  ⚠ low light %.1f dBm", lo)
	}
	text.WriteFit(&lb, name, lw, false)
	lb.WriteByte(' ')
	if kw > 0 {
		text.WriteFit(&lb, text.Clean(r.node.Kind), kw-1, false)
		lb.WriteByte(' ')
	}
	state := text.Clean(string(r.node.State))
	if r.node.RawState != "" && !strings.EqualFold(r.node.RawState, string(r.node.State)) {
		state = text.Clean(r.node.RawState)
	}
	paint := st.StatePaint(r.node.State)
	if selected || stw == 0 {
		paint.Pre, paint.Post = "", ""
	}
	lb.WriteString(paint.Pre)
	text.WriteFit(&lb, state, stw, false)
	lb.WriteString(paint.Post)
	if sw > 0 && graphable(r.node) {
		k := r.source + "/" + r.node.Ref.ID
		text.WriteFit(&lb, p.sparks.Cell(k), 26, false)
		avg := ""
		if a := p.sparks.Avg(k); !math.IsNaN(a) {
			avg = model.FormatBits(a)
		}
		text.WriteFit(&lb, avg, 10, true)
	}
	line := lb.String()
	if selected {
		return st.Selected.Wrap(text.PadRight(line, p.w))
	}
	return line
}

// lowLightThreshold is the receive level (dBm) below which a port is
// flagged.
func (p *Pane) lowLightThreshold() float64 {
	if p.ctx.LowLightDBM != 0 {
		return p.ctx.LowLightDBM
	}
	return model.DefaultLowLightDBM
}

// lowLight is the weakest received level of a port below the threshold.
func (p *Pane) lowLight(n *model.Node) (float64, bool) {
	lo, ok := n.Light.LowestRX()
	return lo, ok && lo < p.lowLightThreshold()
}

func (p *Pane) count() int {
	n := 0
	var walk func(it *item)
	walk = func(it *item) {
		n++
		for _, c := range it.children {
			walk(c)
		}
	}
	for _, r := range p.roots {
		for _, c := range r.children {
			walk(c)
		}
	}
	return n
}

func (p *Pane) loadingNote() string {
	var parts []string
	for _, s := range p.ctx.Sources {
		e, ok := p.ctx.StatusOf(Key(s.Name))
		if !ok {
			continue
		}
		switch {
		case e.Loading && e.HasData:
			parts = append(parts, p.spin()+" refreshing "+s.Name)
		case e.Stale():
			parts = append(parts, "STALE "+s.Name+": "+errtext.Short(e.Err, s.Name))
		}
	}
	return strings.Join(parts, " · ")
}

func (p *Pane) spin() string {
	if p.ctx.Spinner != nil {
		return p.ctx.Spinner()
	}
	return "…"
}

func (p *Pane) emptyView() string {
	st := p.ctx.Styles
	if p.needle != "" {
		return "\n" + st.Dim.Render(fmt.Sprintf("  Nothing matches /%s — esc clears the filter.", p.needle))
	}
	var lines []string
	found := false
	for _, s := range p.ctx.Sources {
		e, ok := p.ctx.StatusOf(Key(s.Name))
		if !ok {
			continue
		}
		found = true
		switch {
		case e.Loading && !e.HasData:
			lines = append(lines, fmt.Sprintf("  %s Loading the inventory of %s…", p.spin(), s.Name))
		case e.Err != nil && !e.HasData:
			lines = append(lines, st.Error.Render(text.Truncate("  ✗ "+s.Name+": "+errtext.Long(e.Err, s.Name), p.w)))
		case !e.HasData:
			lines = append(lines, st.Dim.Render("  "+s.Name+": waiting to load…"))
		}
	}
	if !found {
		lines = append(lines, st.Dim.Render("  No configured provider has an inventory."))
	}
	return "\n" + strings.Join(lines, "\n")
}

// showDetail opens (or, after a refresh, rebuilds) the detail view of it:
// its identity and fields, in the detail widget every list shares.
func (p *Pane) showDetail(it *item, reset bool) {
	st := p.ctx.Styles
	n := it.node
	state := string(n.State)
	if n.RawState != "" && !strings.EqualFold(n.RawState, state) {
		state += "  (raw: " + n.RawState + ")"
	}
	ls := []detail.Line{detail.Heading("Summary"),
		detail.Field("provider", it.source), detail.Field("kind", n.Kind), detail.Field("name", n.Label),
		detail.Field("id", n.Ref.ID), detail.Field("type", n.Ref.Type), detail.Field("state", state)}
	if lo, ok := p.lowLight(n); ok {
		// The levels per channel are among the fields below.
		ls = append(ls, detail.Note(fmt.Sprintf("⚠ low light: %.1f dBm received, below %.1f dBm ([ui] low_light_dbm)", lo, p.lowLightThreshold()), styles.PaintOf(st.Warn)))
	}
	var path []string
	for up := it.parent; up != nil && up.parent != nil; up = up.parent {
		path = append([]string{up.label}, path...)
	}
	ls = append(ls, detail.Field("in", strings.Join(path, " › ")), detail.Field("children", fmt.Sprint(len(it.children))))
	if len(n.Fields) > 0 {
		ls = append(ls, detail.Blank(), detail.Heading("Fields"))
		for _, f := range n.Fields {
			ls = append(ls, detail.Field(f.Key, f.Value))
		}
	}
	if graphable(n) {
		ls = append(ls, detail.Blank(), detail.Note(p.keys.Graph.Help().Key+" graphs its traffic", styles.PaintOf(st.Dim)))
	}
	ls = append(ls, p.actionLines(it)...)
	off := p.dview.Offset()
	p.detail, p.dview = it, detail.NewLines(ls, st)
	p.dview.SetSize(p.w, max(p.h-1, 0))
	if !reset {
		p.dview.MoveTo(off)
	}
}

// detailView is the title line over the detail widget.
func (p *Pane) detailView() string {
	st := p.ctx.Styles
	title := st.PaneTitle.Render("Inventory › " + p.detail.label)
	if pos := p.dview.Position(); pos != "" {
		title += "  " + st.Dim.Render(pos)
	}
	title += "  " + st.Dim.Render("esc back")
	return text.Truncate(title, p.w) + "\n" + p.dview.View()
}

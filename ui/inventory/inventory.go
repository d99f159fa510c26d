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
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/clipboard"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
	"github.com/noctop/noctop/ui/widgets/sparks"
)

// Key is the state key of a provider's inventory.
func Key(provider string) state.Key { return pane.Key(provider, pane.ResInventory) }

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
	cursor   int
	offset   int

	filtering bool
	input     textinput.Model
	needle    string // the query as typed
	filter    model.Filter

	detail       *item
	detailOffset int

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
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "text  kind=port  state==testing  !negate"
	in.CharLimit = 200
	p := &Pane{ctx: ctx, expanded: map[string]bool{}, seen: map[string]bool{}, input: in}
	p.sparks = sparks.New(owners.Add(1), ctx.Now, ctx.Background)
	return p
}

func (p *Pane) ID() pane.ID   { return pane.Inventory }
func (p *Pane) Title() string { return "Inventory" }

func (p *Pane) Badge() string { return "" }

// Resources: one inventory per source that has one.
func (p *Pane) Resources() []state.Spec { return p.ctx.InventorySpecs() }

func (p *Pane) Init() tea.Cmd { return nil }

func (p *Pane) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	p.input.Width = max(w-30, 10)
	p.clamp()
}

func (p *Pane) Capturing() bool { return p.filtering }

// Busy keeps the spinner turning while sparklines load.
func (p *Pane) Busy() bool { return p.sparks.Inflight() > 0 }

// Rows returns the visible rows' labels (tests).
func (p *Pane) Rows() []string {
	out := make([]string, len(p.rows))
	for i, r := range p.rows {
		out[i] = r.label
	}
	return out
}

// Cursor is the selected row.
func (p *Pane) Cursor() int { return p.cursor }

// Selected returns the node under the cursor (or in the detail view).
func (p *Pane) Selected() (*model.Node, string, bool) {
	if p.detail != nil {
		return p.detail.node, p.detail.source, true
	}
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return nil, "", false
	}
	r := p.rows[p.cursor]
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
	sel := ""
	if p.cursor < len(p.rows) {
		sel = p.rows[p.cursor].key
	}
	p.roots = p.roots[:0]
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
	}
	if p.detail != nil {
		p.detail = p.find(p.detail.key)
	}
	p.reflow(sel)
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
	p.cursor = 0
	for k := sel; k != ""; {
		found := false
		for i, r := range p.rows {
			if r.key == k {
				p.cursor, found = i, true
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
	p.clamp()
}

// listHeight is the number of tree rows on screen (title and header above).
func (p *Pane) listHeight() int { return max(p.h-2, 0) }

func (p *Pane) clamp() {
	p.cursor = min(max(p.cursor, 0), max(len(p.rows)-1, 0))
	h := p.listHeight()
	if h <= 0 {
		p.offset = p.cursor
		return
	}
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = max(min(p.offset, len(p.rows)-h), 0)
}

// Update handles keys (while active), shared state changes and sparklines.
func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case state.ChangedMsg:
		if msg.Key.Resource == state.Inventory && msg.DataChanged {
			p.rebuild()
			return p, p.wantSparks()
		}
		return p, nil
	case sparks.Msg:
		if p.sparks.Apply(msg) {
			return p, p.wantSparks()
		}
		return p, nil
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	if p.filtering {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

// wantSparks asks for the sparklines of the graphable rows on screen.
func (p *Pane) wantSparks() tea.Cmd {
	if !p.Sparklines || p.detail != nil {
		return nil
	}
	var wants []sparks.Want
	end := min(p.offset+p.listHeight(), len(p.rows))
	for _, r := range p.rows[p.offset:end] {
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

func (p *Pane) key(msg tea.KeyMsg) tea.Cmd {
	km := p.ctx.Keys
	if p.filtering {
		switch msg.String() {
		case "enter":
			p.filtering = false
			p.input.Blur()
			return p.wantSparks()
		case "esc":
			p.filtering = false
			p.input.Blur()
			p.setFilter("")
			return p.wantSparks()
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		if v := p.input.Value(); v != p.needle {
			p.setFilter(v)
		}
		return cmd
	}
	if p.detail != nil {
		switch {
		case key.Matches(msg, km.Back), key.Matches(msg, km.Open):
			p.detail = nil
			return p.wantSparks()
		case key.Matches(msg, km.Graph):
			return p.graph()
		case key.Matches(msg, km.Copy):
			return p.copyID()
		case key.Matches(msg, km.Up):
			p.detailOffset--
		case key.Matches(msg, km.Down):
			p.detailOffset++
		case key.Matches(msg, km.PageUp):
			p.detailOffset -= max(p.h-2, 1)
		case key.Matches(msg, km.PageDown):
			p.detailOffset += max(p.h-2, 1)
		case key.Matches(msg, km.Top):
			p.detailOffset = 0
		}
		p.detailOffset = max(p.detailOffset, 0)
		return nil
	}
	page := max(p.listHeight(), 1)
	moved := true
	switch {
	case key.Matches(msg, km.Up):
		p.cursor--
	case key.Matches(msg, km.Down):
		p.cursor++
	case key.Matches(msg, km.PageUp):
		p.cursor -= page
	case key.Matches(msg, km.PageDown):
		p.cursor += page
	case key.Matches(msg, km.HalfUp):
		p.cursor -= max(page/2, 1)
	case key.Matches(msg, km.HalfDown):
		p.cursor += max(page/2, 1)
	case key.Matches(msg, km.Top):
		p.cursor = 0
	case key.Matches(msg, km.Bottom):
		p.cursor = len(p.rows) - 1
	default:
		moved = false
	}
	if moved {
		p.clamp()
		return p.wantSparks()
	}
	switch {
	case key.Matches(msg, km.Expand):
		p.expand()
	case key.Matches(msg, km.Collapse):
		p.collapse()
	case key.Matches(msg, km.Open):
		if p.cursor < len(p.rows) {
			p.detail, p.detailOffset = p.rows[p.cursor], 0
		}
		return nil
	case key.Matches(msg, km.Filter):
		p.filtering = true
		p.input.SetValue(p.needle)
		p.input.CursorEnd()
		return p.input.Focus()
	case key.Matches(msg, km.Back):
		if p.needle != "" {
			p.setFilter("")
		}
	case key.Matches(msg, km.Sparklines):
		p.Sparklines = !p.Sparklines
		if p.Sparklines {
			return tea.Batch(p.wantSparks(), pane.Toast("24h trend column on: one statistics request per visible port/connection", false))
		}
	case key.Matches(msg, km.Graph):
		return p.graph()
	case key.Matches(msg, km.Copy):
		return p.copyID()
	}
	return p.wantSparks()
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
	if p.cursor >= len(p.rows) {
		return
	}
	r := p.rows[p.cursor]
	if len(r.children) == 0 {
		return
	}
	if !p.expanded[r.key] && p.filter.Empty() {
		p.expanded[r.key] = true
		p.reflow(r.key)
		return
	}
	p.cursor++ // already open: step into the first child
	p.clamp()
}

func (p *Pane) collapse() {
	if p.cursor >= len(p.rows) {
		return
	}
	r := p.rows[p.cursor]
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
	sel := ""
	if p.cursor < len(p.rows) {
		sel = p.rows[p.cursor].key
	}
	p.needle = needle
	p.filter = model.ParseFilter(needle, FilterColumns)
	p.reflow(sel)
	// With a filter, land on the first match rather than an ancestor.
	if !p.filter.Empty() && (p.cursor >= len(p.rows) || !matches(p.rows[p.cursor], p.filter)) {
		for i, r := range p.rows {
			if matches(r, p.filter) {
				p.cursor = i
				break
			}
		}
		p.clamp()
	}
}

// ShortHelp is the footer.
func (p *Pane) ShortHelp() []key.Binding {
	km := p.ctx.Keys
	switch {
	case p.filtering:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	case p.detail != nil:
		b := km.Back
		b.SetHelp(b.Help().Key, "back")
		c := km.Copy
		c.SetHelp(c.Help().Key, "copy id")
		return []key.Binding{km.Up, km.Down, km.Graph, c, b}
	}
	c := km.Copy
	c.SetHelp(c.Help().Key, "copy id")
	return []key.Binding{km.Up, km.Down, km.Expand, km.Collapse, km.Open, km.Filter, km.Graph, km.Sparklines, c}
}

// FullHelp is the ? overlay.
func (p *Pane) FullHelp() [][]key.Binding {
	km := p.ctx.Keys
	c := km.Copy
	c.SetHelp(c.Help().Key, "copy id")
	return [][]key.Binding{km.Nav(), {km.Expand, km.Collapse, km.Open, km.Back, km.Filter}, {km.Graph, km.Sparklines, c}}
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
	if p.detail != nil {
		return text.Block(p.detailView(), p.w, p.h)
	}
	st := p.ctx.Styles
	var b strings.Builder
	title := st.PaneTitle.Render("Inventory")
	if n := p.count(); n > 0 {
		title += st.Dim.Render(fmt.Sprintf(" (%d objects)", n))
	}
	if p.filtering {
		title += " " + p.input.View()
	} else if p.needle != "" {
		title += " " + st.Key.Render("/"+p.needle) + st.Dim.Render(fmt.Sprintf(" %d shown", len(p.rows)))
	}
	if l := p.loadingNote(); l != "" {
		title += "  " + st.Dim.Render(l)
	}
	b.WriteString(text.Truncate(title, p.w))
	b.WriteByte('\n')
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
	end := min(p.offset+p.listHeight(), len(p.rows))
	for i := p.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(p.row(p.rows[i], i == p.cursor, lw, kw, stw, sw))
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

// detailView lists the selected node's identity and fields.
func (p *Pane) detailView() string {
	st := p.ctx.Styles
	n := p.detail.node
	var lines []string
	kv := func(k, v string) {
		if v != "" {
			lines = append(lines, "  "+st.Dim.Render(fmt.Sprintf("%-18s", text.Truncate(text.Clean(k), 17)))+text.Clean(v))
		}
	}
	lines = append(lines, st.PaneTitle.Render("Summary"))
	kv("provider", p.detail.source)
	kv("kind", n.Kind)
	kv("name", n.Label)
	kv("id", n.Ref.ID)
	kv("type", n.Ref.Type)
	state := string(n.State)
	if n.RawState != "" && !strings.EqualFold(n.RawState, state) {
		state += "  (raw: " + n.RawState + ")"
	}
	kv("state", state)
	if lo, ok := p.lowLight(n); ok {
		// The levels per channel are among the fields below.
		lines = append(lines, "  "+st.Warn.Render(text.Truncate(fmt.Sprintf("⚠ low light: %.1f dBm received, below %.1f dBm ([ui] low_light_dbm)", lo, p.lowLightThreshold()), max(p.w-2, 10))))
	}
	var path []string
	for it := p.detail.parent; it != nil && it.parent != nil; it = it.parent {
		path = append([]string{it.label}, path...)
	}
	kv("in", strings.Join(path, " › "))
	kv("children", fmt.Sprint(len(p.detail.children)))
	if len(n.Fields) > 0 {
		lines = append(lines, "", st.PaneTitle.Render("Fields"))
		for _, f := range n.Fields {
			kv(f.Key, f.Value)
		}
	}
	if graphable(n) {
		lines = append(lines, "", st.Dim.Render("  "+p.ctx.Keys.Graph.Help().Key+" graphs its traffic"))
	}
	h := max(p.h-1, 1)
	p.detailOffset = min(p.detailOffset, max(len(lines)-h, 0))
	end := min(p.detailOffset+h, len(lines))
	title := st.PaneTitle.Render("Inventory › "+p.detail.label) + "  " + st.Dim.Render("esc back")
	out := []string{text.Truncate(title, p.w)}
	for _, l := range lines[p.detailOffset:end] {
		out = append(out, text.Truncate(l, p.w))
	}
	return strings.Join(out, "\n")
}

// Package traffic is the Traffic pane: in and out traffic of one port,
// connection, network service config or peer set as a terminal graph, with
// ranges, capacity or fitted scale, a legend (now, average, max, 95th
// percentile) and the peer list of a network service config.
//
// The pane is a stack of screens: a graph, the peers of the graphed config
// on top of it, a peer graph on top of that; esc pops. Every fetch runs in a
// tea.Cmd tagged with the screen's id and a sequence number, so a late
// answer for a screen that is gone or was refetched is dropped.
package traffic

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
)

// Range is one selectable time range.
type Range struct {
	Name string
	D    time.Duration
}

// Ranges in key order; the provider maps each onto its own aggregates.
var Ranges = []Range{
	{"1h", time.Hour},
	{"6h", 6 * time.Hour},
	{"24h", 24 * time.Hour},
	{"7d", 7 * 24 * time.Hour},
	{"30d", 30 * 24 * time.Hour},
}

// DefaultRange is 24h: a day shows the daily cycle an operator compares against.
const DefaultRange = 2

// Target is what the pane graphs (defined by the pane contract, so that
// other panes ask for a graph without importing this one).
type Target = pane.GraphTarget

func label(t Target) string {
	if t.Title != "" {
		return t.Title
	}
	if t.Ref.Name != "" {
		return t.Ref.Name
	}
	return t.Ref.ID
}

// OpenMsg asks the Traffic pane to graph Target (pane.Graph sends it).
type OpenMsg = pane.GraphMsg

// Open returns a command emitting OpenMsg.
func Open(t Target) tea.Cmd { return func() tea.Msg { return OpenMsg{Target: t} } }

// PaneTitle is the Traffic pane's title.
const PaneTitle = "Traffic"

// Show switches to the Traffic pane and graphs t there.
func Show(t Target) tea.Cmd { return pane.Graph(t) }

// ConnectionTarget is how a listed connection is graphed (pane.ConnectionTarget).
func ConnectionTarget(c model.Connection) Target { return pane.ConnectionTarget(&c) }

// Direction filters the lines shown.
type Direction int

const (
	Both Direction = iota
	In
	Out
)

func (d Direction) String() string {
	return [...]string{"in+out", "in only", "out only"}[d]
}

// screen is one level of the pane's stack.
type screen interface {
	id() int64
	close() // cancel fetches in flight
}

// Pane is the Traffic pane.
type Pane struct {
	ctx   *pane.Context
	keys  *keys.Map // this pane's scope ([keys.traffic] applied)
	w, h  int
	stack []screen
	ids   int64

	rng     int
	packets bool
	color   bool

	// Interval between automatic refreshes of the graph on top.
	Interval time.Duration
	// after delivers msg after d (tea.Tick; tests replace it so no timer
	// runs inside a test).
	after func(d time.Duration, msg tea.Msg) tea.Cmd
}

// New builds the pane (a pane.Factory); nil when no source offers
// statistics.
func New(ctx *pane.Context) pane.Pane {
	for _, s := range ctx.Sources {
		if s.Stats != nil {
			return NewPane(ctx)
		}
	}
	return nil
}

// NewPane is New with the concrete type (tests, the root's routing).
func NewPane(ctx *pane.Context) *Pane {
	iv := 30 * time.Second
	iv = max(iv, ctx.Interval())
	after := ctx.After // its timers end on quit
	return &Pane{ctx: ctx, keys: ctx.Keys.For(keys.Scope(pane.Traffic)), rng: DefaultRange, Interval: iv, after: after,
		color: lipgloss.ColorProfile() != termenv.Ascii}
}

func (p *Pane) ID() pane.ID   { return pane.Traffic }
func (p *Pane) Title() string { return PaneTitle }

func (p *Pane) Badge() string { return "" }

// Resources: the pane fetches per target, outside the shared store.
func (p *Pane) Resources() []model.ResourceKey { return nil }

func (p *Pane) Init() tea.Cmd { return nil }

func (p *Pane) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	for _, s := range p.stack {
		if pv, ok := s.(*peerView); ok {
			pv.setSize(p.w, p.h)
		}
	}
}

// Capturing is true while the peer filter input is open.
func (p *Pane) Capturing() bool {
	pv, ok := p.top().(*peerView)
	return ok && pv.input.Opened()
}

// Busy reports a fetch in flight (keeps the root's spinner turning).
func (p *Pane) Busy() bool {
	for _, s := range p.stack {
		switch v := s.(type) {
		case *graphView:
			if v.loading {
				return true
			}
		case *peerView:
			if v.loading {
				return true
			}
		}
	}
	return false
}

// Range is the selected range.
func (p *Pane) Range() Range { return Ranges[p.rng] }

// Graph returns the graph on top of the stack (tests).
func (p *Pane) Graph() (*graphView, bool) {
	g, ok := p.top().(*graphView)
	return g, ok
}

// Depth is the number of screens on the stack (tests).
func (p *Pane) Depth() int { return len(p.stack) }

func (p *Pane) top() screen {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

func (p *Pane) nextID() int64 {
	p.ids++
	return p.ids
}

func (p *Pane) now() time.Time {
	if p.ctx.Now != nil {
		return p.ctx.Now()
	}
	return time.Now()
}

func (p *Pane) loc() *time.Location { return p.now().Location() }

// Open replaces whatever is shown with a graph of t and fetches it.
func (p *Pane) Open(t Target) tea.Cmd {
	for _, s := range p.stack {
		s.close()
	}
	g := newGraphView(p.nextID(), t)
	p.stack = []screen{g}
	return p.fetch(g)
}

func (p *Pane) push(s screen) { p.stack = append(p.stack, s) }

// current is the target of the screen on top.
func (p *Pane) current() (Target, bool) {
	switch v := p.top().(type) {
	case *graphView:
		return v.target, true
	case *peerView:
		return v.config, true
	}
	return Target{}, false
}

// pop returns to the screen below, refetching a graph whose range changed
// while it was covered.
func (p *Pane) pop() tea.Cmd {
	if len(p.stack) <= 1 {
		return nil
	}
	p.top().close()
	p.stack = p.stack[:len(p.stack)-1]
	if g, ok := p.top().(*graphView); ok && (g.rng != p.rng || g.series == nil && !g.loading) {
		return p.fetch(g)
	}
	return nil
}

func (p *Pane) source(name string) (model.Source, bool) { return p.ctx.Source(name) }

// Update handles keys (while active) and the pane's own results.
func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case OpenMsg:
		return p, p.Open(msg.Target)
	case seriesMsg:
		return p, p.applySeries(msg)
	case peersMsg:
		p.applyPeers(msg)
		return p, nil
	case tickMsg:
		return p, p.tick(msg)
	case pane.RefreshMsg:
		// r: the root refreshes the shared state and tells panes.
		if t, ok := p.current(); ok && (msg.Provider == "" || msg.Provider == t.Source) {
			return p, p.Refresh()
		}
		return p, nil
	case tea.KeyMsg:
		if pv, ok := p.top().(*peerView); ok && pv.input.Opened() {
			return p, pv.filterKey(msg)
		}
		cmd, _ := pane.Dispatch(p.Keys(), msg)
		return p, cmd
	}
	if pv, ok := p.top().(*peerView); ok {
		return p, pv.input.Update(msg)
	}
	return p, nil
}

func (p *Pane) setRange(i int) tea.Cmd {
	i = min(max(i, 0), len(Ranges)-1)
	g, ok := p.top().(*graphView)
	if i == p.rng && ok && (g.series != nil || g.loading) {
		return nil
	}
	p.rng = i
	if ok {
		return p.fetch(g)
	}
	return nil
}

// openPeers pushes the peer list of the graphed config.
func (p *Pane) openPeers(g *graphView) tea.Cmd {
	src, ok := p.source(g.target.Source)
	if !ok || src.Peers == nil {
		return pane.Toast(fmt.Sprintf("%s cannot list peers", g.target.Source), true)
	}
	if len(g.target.Peers) > 0 {
		return pane.Toast("this graph already shows peers; esc goes back to the list", false)
	}
	pv := newPeerView(p.nextID(), g.target, p.ctx)
	pv.setSize(p.w, p.h)
	p.push(pv)
	return p.fetchPeers(pv)
}

// graphPeers pushes a graph comparing peers of the list's config.
func (p *Pane) graphPeers(pv *peerView, peers []model.Peer) tea.Cmd {
	if len(peers) == 0 {
		return nil
	}
	t := pv.config
	t.Peers = peers
	t.Capacity = 0 // a peer's share of a port has no capacity of its own
	if len(peers) == 1 {
		t.Title = peerLabel(peers[0]) + " on " + label(pv.config)
	} else {
		t.Title = fmt.Sprintf("%d peers on %s", len(peers), label(pv.config))
	}
	g := newGraphView(p.nextID(), t)
	if len(peers) > 1 {
		g.dir = In // several peers in both directions is a tangle; i cycles
	}
	// A peer is a small share of the port: on the port's scale its line
	// would hug the floor. f returns to the capacity scale.
	g.fit = true
	p.push(g)
	return p.fetch(g)
}

func hasUnit(ss []model.Series, u model.Unit) bool {
	for _, s := range ss {
		if s.Unit == u {
			return true
		}
	}
	return false
}

// View renders the screen on top in exactly w×h.
func (p *Pane) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	var body string
	switch v := p.top().(type) {
	case *graphView:
		body, exact := p.graphScreen(v)
		if !exact || p.h < chrome+1 {
			return text.Block(body, p.w, p.h)
		}
		// The plotted screen is sized line by line already; measuring
		// every line again would cost more than building it.
		if n := strings.Count(body, "\n") + 1; n < p.h {
			body += strings.Repeat("\n", p.h-n)
		}
		return body
	case *peerView:
		body = v.render(p.spin())
	default:
		body = p.emptyView()
	}
	return text.Block(body, p.w, p.h)
}

func (p *Pane) spin() string {
	if p.ctx.Spinner != nil {
		return p.ctx.Spinner()
	}
	return "…"
}

func (p *Pane) emptyView() string {
	st := p.ctx.Styles
	km := p.keys
	lines := []string{
		st.PaneTitle.Render("Traffic"),
		"",
		"  Nothing graphed yet.",
		"",
		"  Select a port, connection or network service config in a list or in the",
		"  Inventory and press " + st.Key.Render(km.Graph.Help().Key) + " to graph its traffic here.",
	}
	can := false
	for _, s := range p.ctx.Sources {
		if s.Stats != nil {
			can = true
		}
	}
	if !can {
		lines = append(lines, "", st.Dim.Render("  No configured provider offers traffic statistics."))
	}
	return strings.Join(lines, "\n")
}

// storeCtx is the parent context of every fetch (cancelled on quit).
func (p *Pane) storeCtx() context.Context {
	return p.ctx.Background()
}

package traffic

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
)

// FetchTimeout bounds one statistics request.
var FetchTimeout = 30 * time.Second

// graphView is one graph screen: its target, the last good data and the
// state of its fetch, and the cached rendering.
type graphView struct {
	vid    int64
	target Target

	dir       Direction
	fit       bool // scale to the data instead of the capacity
	rng       int  // range the data below was fetched for
	series    []model.Series
	stats     []model.Stats // per series, computed off the UI goroutine
	fetchedAt time.Time
	err       error // last fetch error (data above is then stale)
	errAt     time.Time
	loading   bool
	seq       uint64
	cancel    context.CancelFunc
	gen       int // bumped whenever series change: invalidates the cache

	cache   renderCache
	Renders int // how many times the graph was actually drawn (tests)
}

func newGraphView(id int64, t Target) *graphView { return &graphView{vid: id, target: t, rng: -1} }

func (g *graphView) id() int64 { return g.vid }

func (g *graphView) close() {
	if g.cancel != nil {
		g.cancel()
		g.cancel = nil
	}
	g.loading = false
}

// Target is the graphed object.
func (g *graphView) Target() Target { return g.target }

// Series is the data shown.
func (g *graphView) Series() []model.Series { return g.series }

// Err is the last fetch error.
func (g *graphView) Err() error { return g.err }

// seriesMsg carries one statistics fetch back to Update.
type seriesMsg struct {
	view   int64
	seq    uint64
	rng    int
	series []model.Series
	stats  []model.Stats
	err    error
	at     time.Time
}

// tickMsg asks for the automatic refresh of one graph.
type tickMsg struct {
	view int64
	seq  uint64
}

// fetch starts (or restarts) the statistics fetch of g for the current
// range, cancelling one in flight. A different range clears the old data:
// its time axis would not match the title.
func (p *Pane) fetch(g *graphView) tea.Cmd {
	src, ok := p.source(g.target.Source)
	if g.cancel != nil {
		g.cancel()
		g.cancel = nil
	}
	g.seq++
	if g.rng != p.rng {
		g.series, g.stats, g.err, g.rng = nil, nil, nil, p.rng
		g.gen++
	}
	if !ok || src.Stats == nil {
		g.loading = false
		g.err = fmt.Errorf("%s offers no traffic statistics: %w", g.target.Source, model.ErrUnsupported)
		g.errAt = p.now()
		return nil
	}
	g.loading = true
	ctx, cancel := context.WithTimeout(p.storeCtx(), FetchTimeout)
	g.cancel = cancel
	q := model.SeriesQuery{Target: g.target.Ref, Range: Ranges[p.rng].D}
	for _, pr := range g.target.Peers {
		q.Peers = append(q.Peers, pr.Ref.ID)
	}
	// Capture values only: the command must not touch the pane.
	stats, view, seq, rng, now := src.Stats, g.vid, g.seq, p.rng, p.now
	return func() tea.Msg {
		defer cancel()
		ss, err := safeSeries(ctx, stats, q)
		m := seriesMsg{view: view, seq: seq, rng: rng, series: ss, err: err, at: now()}
		if err == nil {
			m.stats = make([]model.Stats, len(ss))
			for i := range ss {
				m.stats[i] = model.ComputeStats(ss[i].Samples, ss[i].Precision)
			}
		}
		return m
	}
}

// safeSeries turns a panicking provider into an error instead of a crash.
func safeSeries(ctx context.Context, s model.StatsSource, q model.SeriesQuery) (out []model.Series, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, errors.New("internal error while fetching statistics (recovered)")
		}
	}()
	return s.Series(ctx, q)
}

// graphByID finds a graph on the stack.
func (p *Pane) graphByID(id int64) *graphView {
	for _, s := range p.stack {
		if g, ok := s.(*graphView); ok && g.vid == id {
			return g
		}
	}
	return nil
}

// applySeries merges a result, dropping answers for screens that are gone
// and superseded fetches, and schedules the next refresh.
func (p *Pane) applySeries(m seriesMsg) tea.Cmd {
	g := p.graphByID(m.view)
	if g == nil || m.seq != g.seq || !g.loading || m.rng != g.rng {
		return nil
	}
	g.loading = false
	g.cancel = nil
	if m.err != nil {
		if errors.Is(m.err, context.Canceled) {
			return nil
		}
		g.err, g.errAt = m.err, m.at
	} else {
		g.series, g.stats, g.fetchedAt, g.err = m.series, m.stats, m.at, nil
		if g.series == nil {
			g.series = []model.Series{}
		}
		g.gen++
	}
	return p.scheduleTick(g)
}

func (p *Pane) scheduleTick(g *graphView) tea.Cmd {
	d := p.Interval
	if g.series == nil && errors.Is(g.err, model.ErrUnsupported) {
		return nil // asking again cannot help (a port the provider does not measure); r still does
	}
	if g.err != nil {
		d = min(d, 15*time.Second) // retry sooner; the provider's own backoff still applies
	}
	return p.after(d, tickMsg{view: g.vid, seq: g.seq})
}

// tick refreshes the graph on top when its tick is still current; paused
// auto-refresh only re-arms the tick.
func (p *Pane) tick(m tickMsg) tea.Cmd {
	g := p.graphByID(m.view)
	if g == nil || g.seq != m.seq || g.loading {
		return nil
	}
	if g != p.top() || p.ctx.Paused() {
		return p.scheduleTick(g)
	}
	return p.fetch(g)
}

// Refresh refetches the screen on top now.
func (p *Pane) Refresh() tea.Cmd {
	switch v := p.top().(type) {
	case *graphView:
		return p.fetch(v)
	case *peerView:
		return p.fetchPeers(v)
	}
	return nil
}

// Package sparks keeps one-line 24-hour traffic sparklines for list rows:
// it fetches the series of the rows on screen (a bounded number at a time),
// renders each into a short string off the UI goroutine, and caches it, so a
// frame only looks strings up.
package sparks

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/widgets/graph"
)

// Range is what a sparkline covers.
const Range = 24 * time.Hour

// Want is one row that would like a sparkline.
type Want struct {
	Key    string // stable row key (provider/id)
	Source model.StatsSource
	Ref    model.Ref
}

// Msg carries one rendered sparkline back to Update.
type Msg struct {
	Owner int64 // the cache that asked
	Key   string
	Line  string // rendered cells
	Avg   float64
	Err   error
	At    time.Time
}

type entry struct {
	line    string
	avg     float64
	at      time.Time
	loading bool
	err     error
}

// Cache holds sparklines by row key.
type Cache struct {
	owner    int64
	entries  map[string]*entry
	inflight int
	// Width is the number of cells (default 24: one per hour).
	Width int
	// Max bounds concurrent fetches; TTL is how long a line stays fresh.
	Max int
	TTL time.Duration
	// Timeout bounds one fetch.
	Timeout time.Duration
	Now     func() time.Time
	Parent  func() context.Context
}

// New makes a cache; owner tags its messages (unique per pane).
func New(owner int64, now func() time.Time, parent func() context.Context) *Cache {
	if now == nil {
		now = time.Now
	}
	if parent == nil {
		parent = context.Background
	}
	return &Cache{owner: owner, entries: map[string]*entry{}, Width: 24, Max: 4, TTL: 5 * time.Minute,
		Timeout: 30 * time.Second, Now: now, Parent: parent}
}

// Inflight is the number of fetches running.
func (c *Cache) Inflight() int { return c.inflight }

// Cell is the sparkline of key: the rendered line, "…" while the first
// fetch runs, "!" after an error, "" when never asked.
func (c *Cache) Cell(key string) string {
	e := c.entries[key]
	switch {
	case e == nil:
		return ""
	case e.line != "":
		return e.line
	case e.err != nil:
		return "!"
	case e.loading:
		return "…"
	}
	return ""
}

// Avg is the 24h average of key (NaN when unknown).
func (c *Cache) Avg(key string) float64 {
	if e := c.entries[key]; e != nil && e.line != "" {
		return e.avg
	}
	return math.NaN()
}

// Put stores a rendered line for key as if fetched at at (benchmarks, and
// sources that deliver many sparklines at once).
func (c *Cache) Put(key, line string, avg float64, at time.Time) {
	c.entries[key] = &entry{line: line, avg: avg, at: at}
}

// Request starts fetches for the wanted rows that have no fresh line, in
// order, without exceeding Max in flight. Call it when the visible rows
// change and after every Msg.
func (c *Cache) Request(wants []Want) tea.Cmd {
	now := c.Now()
	var cmds []tea.Cmd
	for _, w := range wants {
		if c.inflight >= c.Max {
			break
		}
		if w.Source == nil || w.Key == "" {
			continue
		}
		e := c.entries[w.Key]
		if e != nil && (e.loading || (!e.at.IsZero() && now.Sub(e.at) < c.TTL)) {
			continue
		}
		if e == nil {
			e = &entry{}
			c.entries[w.Key] = e
		}
		e.loading = true
		c.inflight++
		cmds = append(cmds, c.fetch(w))
	}
	return tea.Batch(cmds...)
}

func (c *Cache) fetch(w Want) tea.Cmd {
	ctx, cancel := context.WithTimeout(c.Parent(), c.Timeout)
	owner, width, now := c.owner, c.Width, c.Now
	return func() tea.Msg {
		defer cancel()
		line, avg, err := render(ctx, w, width)
		return Msg{Owner: owner, Key: w.Key, Line: line, Avg: avg, Err: err, At: now()}
	}
}

// render fetches 24h of w and draws the busier direction of each cell,
// scaled to the capacity when known.
func render(ctx context.Context, w Want, width int) (line string, avg float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			line, err = "", errors.New("internal error while fetching statistics (recovered)")
		}
	}()
	ss, err := w.Source.Series(ctx, model.SeriesQuery{Target: w.Ref, Range: Range})
	if err != nil {
		return "", 0, err
	}
	var end time.Time
	capa := 0.0
	for _, s := range ss {
		if s.Unit != "" && s.Unit != model.UnitBitsPerSec {
			continue
		}
		st := model.ComputeStats(s.Samples, s.Precision)
		if st.To.After(end) {
			end = st.To
		}
		if s.Capacity > capa {
			capa = s.Capacity
		}
	}
	cells := make([]float64, width)
	for i := range cells {
		cells[i] = math.NaN()
	}
	var sum float64
	var n int
	top := 0.0
	for _, s := range ss {
		if (s.Unit != "" && s.Unit != model.UnitBitsPerSec) || end.IsZero() {
			continue
		}
		b := model.Downsample(s.Samples, model.DownsampleOptions{Columns: width, From: end.Add(-Range), To: end, Precision: s.Precision})
		for i := range b {
			if b[i].Gap {
				continue
			}
			if math.IsNaN(cells[i]) || b[i].Max > cells[i] {
				cells[i] = b[i].Max
			}
			top = math.Max(top, b[i].Max)
		}
		if st := model.ComputeStats(s.Samples, s.Precision); st.N > 0 && strings.EqualFold(s.Direction, "in") {
			sum += st.Avg
			n++
		}
	}
	if capa <= 0 {
		capa = top
	}
	avg = math.NaN()
	if n > 0 {
		avg = sum / float64(n)
	}
	return graph.Sparkline(cells, capa), avg, nil
}

// Apply stores a result; it reports whether the message was this cache's.
func (c *Cache) Apply(m Msg) bool {
	if m.Owner != c.owner {
		return false
	}
	e := c.entries[m.Key]
	if e == nil || !e.loading {
		return true
	}
	e.loading = false
	c.inflight = max(c.inflight-1, 0)
	e.at = m.At
	if m.Err != nil {
		if errors.Is(m.Err, context.Canceled) {
			e.at = time.Time{}
			return true
		}
		e.err = m.Err
		return true
	}
	e.line, e.avg, e.err = m.Line, m.Avg, nil
	return true
}

package traffic

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/widgets/graph"
)

// renderKey is everything the cached graph and legend depend on.
type renderKey struct {
	w, h, gen  int
	dir        Direction
	fit, pkts  bool
	color      bool
	legendRows int
}

type renderCache struct {
	key    renderKey
	valid  bool
	graph  string   // exactly the graph block
	legend []string // one line per plotted series
	note   string   // why nothing is plotted ("" when plotted)
	body   string   // graph (or note) and legend, exactly sized
	scale  string   // "10 Gb/s (capacity)" / "fit 4.2 Gb/s"
	from   time.Time
	to     time.Time
	lines  []int // indices of the plotted series
}

// chrome: title line, settings line and info line around graph and legend.
const chrome = 3

// plotted returns the indices of the series shown with the current
// direction and unit.
func (p *Pane) plotted(g *graphView) []int {
	want := model.UnitBitsPerSec
	if p.packets {
		want = model.UnitPacketsPerSec
	}
	var out []int
	for i, s := range g.series {
		u := s.Unit
		if u == "" {
			u = model.UnitBitsPerSec
		}
		if u != want {
			continue
		}
		d := strings.ToLower(s.Direction)
		if (g.dir == In && d == "out") || (g.dir == Out && d == "in") {
			continue
		}
		out = append(out, i)
	}
	return out
}

// capacity of the plotted lines in their unit (0 = unknown).
func (p *Pane) capacity(g *graphView, idx []int) float64 {
	for _, i := range idx {
		if c := g.series[i].Capacity; c > 0 && !math.IsInf(c, 0) {
			return c
		}
	}
	if !p.packets && g.target.Capacity > 0 {
		return g.target.Capacity
	}
	return 0
}

func (p *Pane) unit() model.Unit {
	if p.packets {
		return model.UnitPacketsPerSec
	}
	return model.UnitBitsPerSec
}

// legendRows is how many legend lines fit: all plotted series, but never
// so many that the graph disappears.
func (p *Pane) legendRows(n int) int {
	room := p.h - chrome - graph.MinHeight - 2
	return max(min(n, room), 0)
}

// render (re)builds the cached graph and legend when data, size or a
// display setting changed; otherwise it is free.
func (p *Pane) render(g *graphView) *renderCache {
	idx := p.plotted(g)
	srv := p.serverLines(g, idx)
	lr := p.legendRows(len(idx) + len(srv))
	k := renderKey{w: p.w, h: p.h, gen: g.gen, dir: g.dir, fit: g.fit, pkts: p.packets, color: p.color, legendRows: lr}
	c := &g.cache
	if c.valid && c.key == k {
		return c
	}
	*c = renderCache{key: k, valid: true, lines: idx}
	if g.series == nil {
		return c
	}
	if len(idx) == 0 {
		what := "bit-rate"
		if p.packets {
			what = "packet-rate"
		}
		c.note = fmt.Sprintf("No %s series for this object (%s).", what, g.dir)
		c.body = p.body(c)
		return c
	}
	gh := p.h - chrome - lr
	cols := graph.Columns(p.w)
	if cols == 0 || gh < graph.MinHeight {
		c.note = "Too small for a graph: make the terminal bigger."
		c.legend = p.legendWithServer(g, idx, lr, srv)
		c.body = p.body(c)
		return c
	}
	g.Renders++
	// One window for every line: it ends where the newest sample ends, so
	// a provider clock that differs from ours does not empty the plot.
	var end time.Time
	for _, i := range idx {
		if st := g.stats[i]; st.N+st.Missing > 0 && st.To.After(end) {
			end = st.To
		}
	}
	from := end.Add(-Ranges[g.rng].D)
	c.from, c.to = from, end
	lines := make([]graph.Line, 0, len(idx))
	var top float64
	bottom := math.Inf(1)
	for _, i := range idx {
		s := g.series[i]
		var vals []float64
		if !end.IsZero() {
			b := model.Downsample(s.Samples, model.DownsampleOptions{Columns: cols, From: from, To: end, Precision: s.Precision})
			vals = model.MaxLine(make([]float64, 0, cols), b)
		}
		for _, v := range vals {
			if v > top {
				top = v
			}
			if v < bottom {
				bottom = v
			}
		}
		lines = append(lines, graph.Line{Values: vals, Style: p.styleOf(g, i, len(lines))})
	}
	capa := p.capacity(g, idx)
	upper, lower := capa, 0.0
	u := p.unit()
	switch {
	case capa > 0 && !g.fit:
		c.scale = model.FormatValue(capa, u) + " capacity"
		if top > capa {
			upper = top
			c.scale += " (exceeded)"
		}
	default:
		// Fit the data: its own range, so a busy port's wiggle is visible.
		upper, lower = top, bottom
		if math.IsInf(lower, 0) || lower >= upper {
			lower = 0
		}
		c.scale = "fit " + model.FormatValue(lower, u) + "–" + model.FormatValue(top, u)
		if capa <= 0 {
			c.scale += " (capacity unknown)"
		}
	}
	if end.IsZero() {
		from = time.Time{}
	}
	c.graph = graph.Render(graph.Spec{
		Width: p.w, Height: gh, Lines: lines, Upper: upper, Lower: lower,
		Label: func(v float64) string { return model.FormatValue(v, u) },
		From:  from, To: end, Loc: p.loc(), Color: p.color, Fit: upper == top,
	})
	c.legend = p.legendWithServer(g, idx, lr, srv)
	c.body = p.body(c)
	return c
}

// legendWithServer is the legend plus as many of the server's lines as
// there are rows for (series lines come first).
func (p *Pane) legendWithServer(g *graphView, idx []int, rows int, srv []string) []string {
	extra := min(max(rows-len(idx), 0), len(srv))
	return append(p.legend(g, idx, rows-extra), srv[:extra]...)
}

// serverLines show what the provider computed itself for the plotted in
// and out series (IX-API aggregates), labelled with the provider's window,
// which may differ from the range on screen: its 95th percentile, peaks
// and how complete its data is on one line, errors and discards per second
// on another. None when the provider reports nothing of that (or for peer
// comparisons).
func (p *Pane) serverLines(g *graphView, idx []int) []string {
	if len(idx) == 0 || len(idx) > 2 || len(g.target.Peers) > 1 || p.packets {
		return nil
	}
	var in, out *model.ServerSummary
	for _, i := range idx {
		s := g.series[i]
		if !s.Server.HasFigures() {
			continue
		}
		switch strings.ToLower(s.Direction) {
		case "in":
			in = s.Server
		case "out":
			out = s.Server
		}
	}
	if in == nil && out == nil {
		return nil
	}
	first := in
	if first == nil {
		first = out
	}
	st := p.ctx.Styles
	u := p.unit()
	loc := p.loc()
	num := func(v *float64, f func(float64) string) string {
		if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
			return "–"
		}
		return f(*v)
	}
	bits := func(v float64) string { return model.FormatValue(v, u) }
	rate := func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
	pair := func(label string, get func(*model.ServerSummary) string) string {
		var b []string
		if in != nil {
			b = append(b, st.Dim.Render("in")+" "+get(in))
		}
		if out != nil {
			b = append(b, st.Dim.Render("out")+" "+get(out))
		}
		return st.Dim.Render(label) + " " + strings.Join(b, " ")
	}
	has := func(f func(*model.ServerSummary) bool) bool { return in != nil && f(in) || out != nil && f(out) }
	window := text.Clean(first.Window)
	if window == "" {
		window = "window"
	}
	sep := st.Dim.Render(" · ")
	var parts []string
	if has(func(s *model.ServerSummary) bool { return s.P95 != nil }) {
		parts = append(parts, pair("p95 (server, "+window+")", func(s *model.ServerSummary) string { return num(s.P95, bits) }))
	} else {
		parts = append(parts, st.Dim.Render("server ("+window+")"))
	}
	if has(func(s *model.ServerSummary) bool { return s.Max != nil }) {
		parts = append(parts, pair("max", func(s *model.ServerSummary) string {
			v := num(s.Max, bits)
			if !s.MaxAt.IsZero() {
				layout := "15:04"
				if !s.To.IsZero() && s.To.Sub(s.MaxAt) > 20*time.Hour {
					layout = "Jan 02 15:04"
				}
				v += st.Dim.Render(" @" + s.MaxAt.In(loc).Format(layout))
			}
			return v
		}))
	}
	if acc := first.Accuracy; acc >= 0 {
		a := "samples " + model.FormatPercent(acc*100)
		if acc < 0.99 {
			a = st.Warn.Render(a)
		} else {
			a = st.Dim.Render(a)
		}
		parts = append(parts, a)
	}
	lines := []string{"  " + strings.Join(parts, sep)}
	// Errors and discards: their own line, so they are never cut off by
	// the figures above.
	var ed []string
	if has(func(s *model.ServerSummary) bool { return s.ErrorsPerSec != nil }) {
		ed = append(ed, pair("errors/s", func(s *model.ServerSummary) string { return num(s.ErrorsPerSec, rate) }))
	}
	if has(func(s *model.ServerSummary) bool { return s.DiscardsPerSec != nil }) {
		ed = append(ed, pair("discards/s", func(s *model.ServerSummary) string { return num(s.DiscardsPerSec, rate) }))
	}
	if len(ed) > 0 {
		warn := false
		for _, s := range []*model.ServerSummary{in, out} {
			if s != nil && (s.ErrorsPerSec != nil && *s.ErrorsPerSec > 0 || s.DiscardsPerSec != nil && *s.DiscardsPerSec > 0) {
				warn = true
			}
		}
		mark := "  "
		if warn {
			mark = st.Warn.Render("! ")
		}
		lines = append(lines, mark+strings.Join(ed, sep)+st.Dim.Render(" (server, "+window+")"))
	}
	return lines
}

// body is the graph (or the note saying why there is none) and the
// legend, clamped to the space between the settings and the info line.
func (p *Pane) body(c *renderCache) string {
	gh := p.h - chrome - len(c.legend)
	var b strings.Builder
	if c.note != "" {
		b.WriteString(text.Block("\n  "+p.ctx.Styles.Dim.Render(c.note), p.w, max(gh, 0)))
	} else {
		b.WriteString(text.Block(c.graph, p.w, max(gh, 0)))
	}
	for _, l := range c.legend {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(text.Truncate(l, p.w))
	}
	return b.String()
}

// styleOf keeps a single object's colours stable (in is always the first
// style, out the second, whatever is filtered); a peer comparison numbers
// the lines it shows.
func (p *Pane) styleOf(g *graphView, series, shown int) graph.Style {
	if len(g.target.Peers) > 1 {
		return graph.StyleAt(shown)
	}
	return graph.StyleAt(series)
}

// legend is one line per plotted series: glyph, name, now/avg/max/p95.
func (p *Pane) legend(g *graphView, idx []int, rows int) []string {
	if rows <= 0 {
		return nil
	}
	st := p.ctx.Styles
	u := p.unit()
	capa := p.capacity(g, idx)
	nameW := 3
	for _, i := range idx {
		nameW = max(nameW, text.Width(seriesName(g.series[i])))
	}
	nameW = min(nameW, max(p.w/4, 8))
	pct := capa > 0 && p.w >= 110
	out := make([]string, 0, rows)
	for n, i := range idx {
		if n == rows-1 && len(idx) > rows {
			out = append(out, st.Dim.Render(fmt.Sprintf("   … %d more lines plotted", len(idx)-n)))
			break
		}
		s, sv := g.series[i], g.stats[i]
		sty := p.styleOf(g, i, n)
		sw := sty.Swatch
		if p.color {
			sw = lipgloss.NewStyle().Foreground(lipgloss.Color(strconv.Itoa(int(sty.Color)))).Render(sw)
		}
		val := func(v float64) string {
			s := text.Fit(model.FormatValue(v, u), 10, true)
			if pct && !math.IsNaN(v) {
				s += st.Dim.Render(text.Fit(fmt.Sprintf("(%s)", model.FormatPercent(v/capa*100)), 7, true))
			}
			return s
		}
		line := sw + " " + text.Fit(text.Clean(seriesName(s)), nameW, false) +
			"  " + st.Dim.Render("now") + " " + val(sv.Now) +
			"  " + st.Dim.Render("avg") + " " + val(sv.Avg) +
			"  " + st.Dim.Render("max") + " " + val(sv.Max) +
			"  " + st.Dim.Render("p95") + " " + val(sv.P95)
		if sv.N == 0 {
			line += "  " + st.Warn.Render("no data")
		}
		out = append(out, line)
	}
	return out
}

func seriesName(s model.Series) string {
	if s.Name != "" {
		return s.Name
	}
	if s.Direction != "" {
		return s.Direction
	}
	return "series"
}

// graphScreen assembles the graph screen: title, settings, graph, legend,
// info line. Only the title and info lines are built per frame. exact
// reports that every line is already at most w cells and there are at most
// h lines.
func (p *Pane) graphScreen(g *graphView) (string, bool) {
	st := p.ctx.Styles
	c := p.render(g)
	var b strings.Builder
	b.WriteString(p.titleLine(g))
	b.WriteByte('\n')
	b.WriteString(text.Truncate(p.settingsLine(g, c), p.w))
	b.WriteByte('\n')
	switch {
	case g.series == nil && g.loading:
		b.WriteString(fmt.Sprintf("\n  %s Loading %s of traffic for %s…", p.spin(), Ranges[p.rng].Name, text.Clean(label(g.target))))
		return b.String(), false
	case g.series == nil && g.err != nil:
		b.WriteString("\n" + st.Error.Render(text.Truncate("  ✗ "+errtext.Long(g.err, g.target.Source), p.w)))
		again := "    retrying automatically · r refreshes everything"
		if errors.Is(g.err, model.ErrUnsupported) {
			again = "    not retried: the provider cannot graph this object"
		}
		b.WriteString("\n" + st.Dim.Render(text.Truncate(again, p.w)))
		return b.String(), false
	case g.series == nil:
		return b.String(), false
	case len(g.series) == 0:
		b.WriteString("\n  " + st.Dim.Render("The provider returned no series for this object and range."))
		b.WriteString("\n" + p.infoLine(g, c))
		return b.String(), false
	}
	b.WriteString(c.body)
	b.WriteByte('\n')
	b.WriteString(p.infoLine(g, c))
	return b.String(), true
}

func (p *Pane) titleLine(g *graphView) string {
	st := p.ctx.Styles
	t := g.target
	kind := t.Ref.Type
	if len(t.Peers) > 0 {
		kind = "peers"
	}
	title := st.PaneTitle.Render("Traffic › "+text.Clean(label(t))) + " " + st.Dim.Render(fmt.Sprintf("(%s %s)", text.Clean(t.Source), text.Clean(kind)))
	var right []string
	if g.loading {
		right = append(right, st.Info.Render(p.spin()+" refreshing"))
	}
	if stale(g) {
		right = append(right, st.Warn.Render("STALE"))
	}
	r := strings.Join(right, "  ")
	if r == "" {
		return text.Truncate(title, p.w)
	}
	gap := p.w - text.Width(title) - text.Width(r)
	if gap < 2 {
		return text.Truncate(r+"  "+title, p.w)
	}
	return title + strings.Repeat(" ", gap) + r
}

// stale: the provider says so, or the last refresh failed and older data
// is still on screen.
func stale(g *graphView) bool {
	if g.series != nil && g.err != nil {
		return true
	}
	for _, s := range g.series {
		if s.Stale {
			return true
		}
	}
	return false
}

// settingsLine shows the range selector, the provider's aggregate and
// precision, the scale and the direction filter.
func (p *Pane) settingsLine(g *graphView, c *renderCache) string {
	st := p.ctx.Styles
	var parts []string
	var rs []string
	for i, r := range Ranges {
		if i == p.rng {
			rs = append(rs, st.Key.Render("["+r.Name+"]"))
		} else {
			rs = append(rs, st.Dim.Render(r.Name))
		}
	}
	parts = append(parts, strings.Join(rs, " "))
	if agg, prec := aggregate(g); agg != "" || prec > 0 {
		s := "aggregate " + orDash(text.Clean(agg))
		if prec > 0 {
			s += " · " + shortDur(prec) + " samples"
		}
		parts = append(parts, s)
	}
	if c.scale != "" {
		parts = append(parts, "scale "+c.scale)
	}
	u := "bits"
	if p.packets {
		u = "packets"
	}
	parts = append(parts, g.dir.String()+" · "+u)
	return strings.Join(parts, st.Dim.Render(" │ "))
}

func aggregate(g *graphView) (string, time.Duration) {
	for _, s := range g.series {
		if s.Aggregate != "" || s.Precision > 0 {
			return s.Aggregate, s.Precision
		}
	}
	return "", 0
}

// infoLine: the time span, sample counts, last update and any error.
func (p *Pane) infoLine(g *graphView, c *renderCache) string {
	st := p.ctx.Styles
	loc := p.loc()
	var parts []string
	if !c.from.IsZero() {
		layout := "Jan 02 15:04"
		parts = append(parts, fmt.Sprintf("%s → %s (%s)", c.from.In(loc).Format(layout), c.to.In(loc).Format(layout), shortDur(c.to.Sub(c.from))))
	}
	n, miss := 0, 0
	for _, i := range c.lines {
		n = max(n, g.stats[i].N+g.stats[i].Missing)
		miss = max(miss, g.stats[i].Missing)
	}
	if len(c.lines) > 0 {
		s := fmt.Sprintf("%d samples/line", n)
		if miss > 0 {
			s += fmt.Sprintf(", %d missing (gaps)", miss)
		}
		parts = append(parts, s)
	}
	if !g.fetchedAt.IsZero() {
		parts = append(parts, "updated "+g.fetchedAt.In(loc).Format("15:04:05"))
	}
	line := st.Dim.Render(strings.Join(parts, " · "))
	if g.err != nil {
		line += "  " + st.Warn.Render("refresh failed: "+errtext.Long(g.err, g.target.Source))
	}
	return text.Truncate(line, p.w)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortDur renders 5m, 1h, 6h, 1d, 30d, 90s.
func shortDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%(24*time.Hour) == 0 && d > 24*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

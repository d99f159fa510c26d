package traffic

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/pane"
)

func lastQuery(t *testing.T, s *fakestats.Source) model.SeriesQuery {
	t.Helper()
	if len(s.Queries) == 0 {
		t.Fatal("no query was made")
	}
	return s.Queries[len(s.Queries)-1]
}

func TestOpenFetchesAndGraphs(t *testing.T) {
	r := newRig(t)
	if !r.has("Nothing graphed yet") {
		t.Fatalf("empty pane:\n%s", r.view())
	}
	r.open(portTarget())
	q := lastQuery(t, r.srcs[0])
	if q.Target.ID != "port-0-0-1" || q.Target.Type != "port" || q.Range != 24*time.Hour || len(q.Peers) != 0 {
		t.Errorf("query = %+v", q)
	}
	g, _ := r.p.Graph()
	if len(g.Series()) != 2 || g.Err() != nil {
		t.Fatalf("series = %d, err %v", len(g.Series()), g.Err())
	}
	for _, want := range []string{"Traffic › et-0/0/1 @ Frankfurt DC1", "[24h]", "aggregate 5m · 5m samples", "scale 10 Gb/s capacity",
		"━━ in", "── out", "now", "avg", "max", "p95", "10 Gb/s┤", "0 bps┤", "Mar 13 09:30 → Mar 14 09:30 (24h)", "288 samples/line"} {
		if !r.has(want) {
			t.Errorf("view lacks %q:\n%s", want, r.view())
		}
	}
}

func TestRangeKeys(t *testing.T) {
	r := newRig(t)
	r.open(portTarget())
	for _, c := range []struct {
		key  string
		want time.Duration
		sel  string
	}{
		{"h", time.Hour, "[1h]"}, {"H", 6 * time.Hour, "[6h]"}, {"d", 24 * time.Hour, "[24h]"},
		{"w", 7 * 24 * time.Hour, "[7d]"}, {"M", 30 * 24 * time.Hour, "[30d]"},
		{"[", 7 * 24 * time.Hour, "[7d]"}, {"]", 30 * 24 * time.Hour, "[30d]"}, {"]", 30 * 24 * time.Hour, "[30d]"},
	} {
		n := len(r.srcs[0].Queries)
		r.keys(c.key)
		if c.key == "]" && n == len(r.srcs[0].Queries) && r.p.Range().D == c.want {
			continue // already the longest: no refetch
		}
		if q := lastQuery(t, r.srcs[0]); q.Range != c.want {
			t.Errorf("after %q: range %v, want %v", c.key, q.Range, c.want)
		}
		if !r.has(c.sel) {
			t.Errorf("after %q: selector lacks %s", c.key, c.sel)
		}
	}
	// Pressing the active range again does not refetch.
	n := len(r.srcs[0].Queries)
	r.keys("M")
	if len(r.srcs[0].Queries) != n {
		t.Errorf("same range refetched")
	}
	if !r.has("8640 samples/line") || !r.has("Feb 12 09:30 → Mar 14 09:30 (30d)") {
		t.Errorf("30d view:\n%s", r.view())
	}
}

func TestStaleResultsDropped(t *testing.T) {
	r := newRig(t)
	cmd24 := r.p.Open(portTarget()) // not run yet
	_, cmd1h := r.p.Update(keyMsg("h"))
	g, _ := r.p.Graph()
	// The 24h answer arrives after the switch to 1h: dropped.
	r.p.Update(cmd24())
	if g.Series() != nil || !g.loading {
		t.Fatalf("a superseded answer was applied: %d series", len(g.Series()))
	}
	r.run(cmd1h)
	if len(g.Series()) != 2 || g.Series()[0].Precision != time.Minute {
		t.Fatalf("1h answer not applied: %+v", g.Series())
	}
	// An answer for a screen that is gone is dropped too.
	old := r.p.Open(portTarget())
	r.run(r.p.Open(configTarget()))
	r.p.Update(old())
	if g2, _ := r.p.Graph(); g2.Target().Ref.ID != "nsc-1" {
		t.Fatalf("late answer replaced the screen")
	}
}

func TestErrorsShownNeverPanic(t *testing.T) {
	src := fakestats.New("ix", clock)
	r := newRig(t, src)
	src.SetErr(&model.APIError{Provider: "ix", Method: "GET", Path: "/ports/port-0-0-1/statistics", Status: 503, Message: "Service Unavailable"})
	r.open(portTarget())
	if !r.has("✗ GET /ports/port-0-0-1/statistics: 503: Service Unavailable") || !r.has("retrying automatically") {
		t.Fatalf("error not shown:\n%s", r.view())
	}
	// Recovery clears it.
	src.SetErr(nil)
	r.run(r.p.Refresh())
	if r.has("✗") || !r.has("━━ in") {
		t.Fatalf("not recovered:\n%s", r.view())
	}
	// A failure with data on screen keeps the data and marks it stale.
	src.SetErr(errors.New("connection reset by peer"))
	r.run(r.p.Refresh())
	if !r.has("STALE") || !r.has("refresh failed: connection reset by peer") || !r.has("━━ in") {
		t.Fatalf("stale data not marked:\n%s", r.view())
	}
}

// An object the provider does not measure (a Packet member port) is said
// so once, not asked again every 15 seconds.
func TestUnsupportedIsNotRetried(t *testing.T) {
	src := fakestats.New("ix", clock)
	r := newRig(t, src)
	src.SetErr(fmt.Errorf("%w: packet reports traffic per server: graph the server or its bond, not eth0", model.ErrUnsupported))
	r.open(portTarget())
	if !r.has("graph the server or its bond") || !r.has("not retried") || r.has("retrying automatically") {
		t.Fatalf("unsupported not explained:\n%s", r.view())
	}
	for _, tm := range r.timers {
		if _, ok := tm.msg.(tickMsg); ok {
			t.Errorf("a retry was armed for an unsupported graph (%v)", tm.d)
		}
	}
}

func TestProviderStaleFlagShown(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.Stale = true
	r := newRig(t, src)
	r.open(portTarget())
	if !r.has("STALE") {
		t.Fatalf("provider-stale data not marked:\n%s", r.view())
	}
}

func TestGapsAreShownAsGaps(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.GapFrom, src.GapTo = fixedNow.Add(-10*time.Hour), fixedNow.Add(-6*time.Hour)
	r := newRig(t, src)
	r.open(portTarget())
	if !r.has("48 missing (gaps)") {
		t.Errorf("missing samples not counted:\n%s", r.view())
	}
	// 4h of 24h on 109 columns: about 18 columns with neither line.
	var blank int
	lines := strings.Split(r.view(), "\n")
	var rows []string
	for _, l := range lines {
		if strings.ContainsAny(l, "┤┼") {
			rows = append(rows, l)
		}
	}
	width := 0
	for _, l := range rows {
		width = max(width, len([]rune(l)))
	}
	for c := 12; c < width; c++ {
		empty := true
		for _, l := range rows {
			rr := []rune(l)
			if c < len(rr) && rr[c] != ' ' {
				empty = false
			}
		}
		if empty {
			blank++
		}
	}
	if blank < 15 {
		t.Errorf("only %d blank columns for a 4h gap:\n%s", blank, r.view())
	}
}

func TestBurstVisibleAt30d(t *testing.T) {
	for _, burst := range []bool{true, false} {
		src := fakestats.New("ix", clock)
		if burst {
			src.Burst = fixedNow.Add(-17*24*time.Hour - 3*time.Hour - 35*time.Minute)
		}
		r := newRig(t, src)
		r.open(portTarget())
		r.keys("M")
		// The top rows (10 and 9 Gb/s) are empty unless the burst is there.
		var top string
		for _, l := range strings.Split(r.view(), "\n") {
			if strings.Contains(l, "┤") || strings.Contains(l, "┼") {
				top += l[strings.IndexAny(l, "┤┼")+3:]
				if strings.Contains(l, "9 Gb/s") {
					break
				}
			}
		}
		if got := strings.TrimSpace(top) != ""; got != burst {
			t.Errorf("burst=%v: drawn in the top rows = %v:\n%s", burst, got, r.view())
		}
		g, _ := r.p.Graph()
		if burst && g.stats[0].Max != 9.8e9 {
			t.Errorf("max = %v, want the burst", g.stats[0].Max)
		}
	}
}

func TestFitDirectionUnits(t *testing.T) {
	r := newRig(t)
	r.open(portTarget())
	r.keys("f")
	// The fitted scale is the data's true maximum (kept by the peak-
	// preserving downsampling), not the capacity.
	g, _ := r.p.Graph()
	top := math.Max(g.stats[0].Max, g.stats[1].Max)
	if !r.has("–"+model.FormatBits(top)+" │") || !r.has("scale fit ") || r.has("10 Gb/s┤") {
		t.Errorf("fit did not rescale to %s:\n%s", model.FormatBits(top), r.view())
	}
	r.keys("f")
	if !r.has("scale 10 Gb/s capacity") {
		t.Errorf("second f did not restore the capacity scale")
	}
	r.keys("i")
	if !r.has("in only") || !r.has("━━ in") || r.has("── out") {
		t.Errorf("in only:\n%s", r.view())
	}
	r.keys("i")
	if !r.has("out only") || r.has("━━ in") || !r.has("── out") {
		t.Errorf("out only keeps out's style:\n%s", r.view())
	}
	r.keys("i", "u")
	if !r.has("No packet-rate series for this object") {
		t.Errorf("packets with no pps series:\n%s", r.view())
	}
}

func TestCapacityUnknownFitsAndUsesHint(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.Capacity = 0
	r := newRig(t, src)
	r.open(portTarget())
	if !r.has("(capacity unknown)") {
		t.Errorf("unknown capacity not said:\n%s", r.view())
	}
	tg := portTarget()
	tg.Capacity = 100e9 // the connection's bandwidth, known to the caller
	r.open(tg)
	if !r.has("scale 100 Gb/s capacity") {
		t.Errorf("capacity hint unused:\n%s", r.view())
	}
}

func TestRenderIsCached(t *testing.T) {
	r := newRig(t)
	r.open(portTarget())
	g, _ := r.p.Graph()
	r.view()
	r.view()
	if g.Renders != 1 {
		t.Fatalf("renders = %d after two identical frames, want 1", g.Renders)
	}
	r.p.SetSize(100, 30)
	r.view()
	r.view()
	if g.Renders != 2 {
		t.Fatalf("renders = %d after a resize, want 2", g.Renders)
	}
	r.run(r.p.Refresh())
	r.view()
	if g.Renders != 3 {
		t.Fatalf("renders = %d after new data, want 3", g.Renders)
	}
}

func TestTickRefreshes(t *testing.T) {
	r := newRig(t)
	r.open(portTarget())
	g, _ := r.p.Graph()
	n := len(r.srcs[0].Queries)
	// A current tick refetches; a stale one is ignored.
	r.run(func() tea.Msg { return tickMsg{view: g.vid, seq: g.seq - 1} })
	if len(r.srcs[0].Queries) != n {
		t.Fatalf("stale tick refetched")
	}
	r.run(func() tea.Msg { return tickMsg{view: g.vid, seq: g.seq} })
	if len(r.srcs[0].Queries) != n+1 {
		t.Fatalf("tick did not refetch")
	}
	// Paused: re-armed, no fetch.
	r.p.ctx.Hub.SetPaused(true)
	r.run(func() tea.Msg { return tickMsg{view: g.vid, seq: g.seq} })
	if len(r.srcs[0].Queries) != n+1 {
		t.Fatalf("tick fetched while paused")
	}
}

func TestNoStatsCapability(t *testing.T) {
	r := newRig(t)
	tg := portTarget()
	tg.Source = "nope"
	r.open(tg)
	if !r.has("nope offers no traffic statistics") {
		t.Errorf("missing capability not explained:\n%s", r.view())
	}
}

func TestEverySizeFits(t *testing.T) {
	r := newRig(t)
	states := map[string]func(){
		"empty": func() {},
		"graph": func() { r.open(portTarget()) },
		"peers": func() { r.open(configTarget()); r.keys("p") },
		"compare": func() {
			r.open(configTarget())
			r.keys("p", "m", "m", "m", "g")
		},
		"error": func() {
			r.srcs[0].SetErr(errors.New(strings.Repeat("very long error ", 20)))
			r.open(portTarget())
			r.srcs[0].SetErr(nil)
		},
	}
	for name, set := range states {
		r.p.stack = nil
		set()
		for w := 0; w <= 160; w += 7 {
			for h := 0; h <= 50; h += 1 {
				r.p.SetSize(w, h)
				out := r.view()
				if w == 0 || h == 0 {
					if out != "" {
						t.Fatalf("%s %dx%d: non-empty view", name, w, h)
					}
					continue
				}
				lines := strings.Split(out, "\n")
				if len(lines) != h {
					t.Fatalf("%s %dx%d: %d lines:\n%s", name, w, h, len(lines), out)
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%s %dx%d: line %q is %d wide", name, w, h, l, ansi.StringWidth(l))
					}
				}
			}
		}
	}
}

func TestShowConnection(t *testing.T) {
	r := newRig(t)
	c := model.Connection{Provider: "ix", ID: "nsc:42", Name: "LAN FRA", BandwidthMbps: 10000}
	msg := r.p.ctx.GraphConnection(&c)()
	sm, ok := msg.(pane.ShowMsg)
	if !ok || sm.Pane != pane.Traffic {
		t.Fatalf("ShowConnection = %#v", msg)
	}
	tg := sm.Msg.(OpenMsg).Target
	if tg.Ref.Type != "connection" || tg.Ref.ID != "nsc:42" || tg.Capacity != 10e9 || tg.Title != "LAN FRA" {
		t.Errorf("target = %+v", tg)
	}
	r.p.ctx.Sources[0].Stats = nil
	if tm, ok := r.p.ctx.GraphConnection(&c)().(pane.ToastMsg); !ok || !tm.Err || !strings.Contains(tm.Text, "offers no traffic statistics") {
		t.Errorf("without statistics: %#v", tm)
	}
	// OpenMsg delivered to the pane opens the graph.
	r.run(func() tea.Msg { return sm.Msg })
	if g, ok := r.p.Graph(); !ok || g.Target().Ref.ID != "nsc:42" {
		t.Errorf("OpenMsg did not open the graph")
	}
}

// The provider's own figures (IX-API 2.4.2 aggregates) are shown on a line
// of their own, labelled as the server's and with its window, next to the
// percentile noctop computes.
func TestServerFiguresShown(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	src := fakestats.New("ix", clock)
	src.Server = map[string]*model.ServerSummary{
		"in": {Window: "1d", Accuracy: 0.95, P95: f(4.2e9), Max: f(9.6e9), MaxAt: fixedNow.Add(-6 * time.Hour),
			To: fixedNow, ErrorsPerSec: f(0.25), DiscardsPerSec: f(1.5)},
		"out": {Window: "1d", Accuracy: 0.95, P95: f(1.1e9), Max: f(2e9), ErrorsPerSec: f(0), DiscardsPerSec: f(0.125)},
	}
	r := newRig(t, src)
	r.open(portTarget())
	for _, want := range []string{"p95 (server, 1d) in 4.2 Gb/s out 1.1 Gb/s", "max in 9.6 Gb/s @03:30 out 2 Gb/s",
		"errors/s in 0.25 out 0", "discards/s in 1.5 out 0.125", "samples 95%"} {
		if !r.has(want) {
			t.Errorf("missing %q:\n%s", want, r.view())
		}
	}
	// The computed percentile stays in the legend.
	if !strings.Contains(r.view(), "p95 ") {
		t.Error("computed p95 gone")
	}
	// In packets, the server's bit figures do not apply.
	r.keys("p")
	if r.has("p95 (server") {
		t.Errorf("server line shown for packets:\n%s", r.view())
	}
	// Without server figures there is no such line.
	r2 := newRig(t)
	r2.open(portTarget())
	if r2.has("(server") {
		t.Errorf("server line without server figures:\n%s", r2.view())
	}
	// On a small screen the graph keeps its room; the line goes first.
	r.keys("p")
	r.p.SetSize(80, 12)
	if v := r.view(); len(strings.Split(v, "\n")) > 12 {
		t.Errorf("%d lines at 80x12", len(strings.Split(v, "\n")))
	}
}

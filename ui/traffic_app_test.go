package ui_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/traffic"
)

// statsWorld is one provider with connections (fake.World) and traffic,
// peers and inventory (fakestats) under the same name.
func statsWorld(t *testing.T) (*harness, *fake.World, *fakestats.Source) {
	t.Helper()
	w := fake.New("ix-demo", 40, 0, 11)
	st := fakestats.New("ix-demo", clock)
	src := w.Source()
	ms := st.ModelSource()
	src.Stats, src.Peers, src.Inventory = ms.Stats, ms.Peers, ms.Inventory
	h := &harness{t: t, results: make(chan tea.Msg, 4096), log: &bytes.Buffer{}}
	opts := demoOpts()
	opts.Now = clock
	opts.Logger = slog.New(slog.NewTextHandler(&lockedWriter{b: h.log}, nil))
	fh := fakehub.New(clock, src)
	t.Cleanup(fh.Close)
	opts.Hub = fh
	h.m = ui.New(opts, []model.Source{src})
	h.size(120, 40)
	h.exec(h.m.Init())
	return h, w, st
}

// settle waits until the Traffic pane's fetches have landed (the harness
// stops after a short idle window; a 30-day series can take longer).
func settle(h *harness) {
	for _, p := range h.m.Panes() {
		if tp, ok := p.(*traffic.Pane); ok {
			for i := 0; i < 250 && tp.Busy(); i++ {
				h.exec(nil)
			}
		}
	}
}

func paneIndex(t *testing.T, h *harness, title string) int {
	for i, p := range h.m.Panes() {
		if p.Title() == title {
			return i
		}
	}
	t.Fatalf("no %s pane", title)
	return -1
}

func TestGraphKeyFromConnections(t *testing.T) {
	h, w, st := statsWorld(t)
	l := h.m.Panes()[0].(*connections.Pane).List()
	h.keys("down", "down")
	c, _ := l.Selected()
	h.keys("g")
	settle(h)
	if h.m.Active() != paneIndex(t, h, "Traffic") {
		t.Fatalf("g did not switch to Traffic (active %d)", h.m.Active())
	}
	if len(st.Queries) == 0 {
		t.Fatal("no statistics query")
	}
	q := st.Queries[len(st.Queries)-1]
	if q.Target.ID != c.ID || q.Target.Type != "connection" || q.Range != 24*time.Hour {
		t.Errorf("query = %+v for %s", q, c.ID)
	}
	if !strings.Contains(h.view(), "Traffic › "+c.Name) || !strings.Contains(h.view(), "━━ in") {
		t.Errorf("traffic view:\n%s", h.view())
	}
	if want := model.FormatBits(float64(c.BandwidthMbps) * 1e6); st.Capacity > 0 && !strings.Contains(h.view(), "scale 10 Gb/s capacity") {
		t.Errorf("capacity scale missing (hint %s):\n%s", want, h.view())
	}
	// g from the detail view too.
	h.keys("1", "enter", "g")
	if h.m.Active() != paneIndex(t, h, "Traffic") {
		t.Errorf("g from the detail view did not open Traffic")
	}
	_ = w
	_ = connections.Config{}
}

func TestGraphKeyFromInventoryAndRefresh(t *testing.T) {
	h, _, st := statsWorld(t)
	inv := paneIndex(t, h, "Inventory")
	h.keys(string(rune('1' + inv)))
	ip := h.m.Panes()[inv].(*inventory.Pane)
	if len(ip.Rows()) == 0 {
		t.Fatalf("inventory empty:\n%s", h.view())
	}
	h.keys("g") // the provider row: nothing to graph
	if h.m.Active() != inv || !strings.Contains(h.view(), "select a port, connection or service config") {
		t.Errorf("g on a provider row:\n%s", h.view())
	}
	h.keys("down", "down", "right", "right", "right", "right") // first port
	if n, _, _ := ip.Selected(); n == nil || n.Kind != "port" {
		t.Fatalf("not on a port: %+v", n)
	}
	h.keys("g")
	settle(h)
	tp := h.m.Panes()[paneIndex(t, h, "Traffic")].(*traffic.Pane)
	if h.m.Active() != paneIndex(t, h, "Traffic") {
		t.Fatal("g did not open Traffic")
	}
	g, ok := tp.Graph()
	if !ok || g.Target().Ref.ID != "port-0-0-0" {
		t.Fatalf("graph target %+v", g.Target())
	}
	n := len(st.Queries)
	h.keys("r")
	settle(h)
	if len(st.Queries) != n+1 {
		t.Errorf("r did not refetch the graph (%d -> %d)", n, len(st.Queries))
	}
}

func TestGoldenTrafficApp120x40(t *testing.T) {
	h, _, st := statsWorld(t)
	st.GapFrom, st.GapTo = fixedNow.Add(-9*time.Hour), fixedNow.Add(-8*time.Hour)
	h.keys("g")
	settle(h)
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenTrafficApp80x24(t *testing.T) {
	h, _, st := statsWorld(t)
	st.Burst = fixedNow.Add(-17*24*time.Hour - 3*time.Hour - 35*time.Minute)
	h.size(80, 24)
	h.keys("g", "M")
	settle(h)
	golden.RequireEqual(t, []byte(h.view()))
}

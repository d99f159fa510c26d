package inventory

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/sparks"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

var fixedNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

type rig struct {
	t   *testing.T
	p   *Pane
	src *fakestats.Source
	hub *fakehub.Hub
}

func newRig(t *testing.T, src *fakestats.Source) *rig {
	t.Helper()
	if src == nil {
		src = fakestats.New("ix", clock)
	}
	hub := fakehub.New(clock, src.ModelSource())
	t.Cleanup(hub.Close)
	ctx := &pane.Context{Sources: []model.Source{src.ModelSource()}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: clock, Spinner: func() string { return "*" }}
	p := NewPane(ctx)
	p.SetSize(120, 30)
	r := &rig{t: t, p: p, src: src, hub: hub}
	r.load()
	return r
}

// load fetches the inventory through the store, as the root does.
func (r *rig) load() {
	r.t.Helper()
	k := Key("ix")
	err := r.hub.Load(k) // a failed fetch is a state to show
	_, cmd := r.p.Update(pane.ChangedMsg{Key: k, DataChanged: err == nil || model.IsPartial(err)})
	r.run(cmd)
}

// run delivers sparkline results (the only commands this pane makes
// besides the filter input's blink, which is dropped).
func (r *rig) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			r.run(c)
		}
	case sparks.Msg:
		_, next := r.p.Update(msg)
		r.run(next)
	}
}

func (r *rig) keys(ks ...string) {
	for _, k := range ks {
		var m tea.KeyMsg
		switch k {
		case "enter":
			m = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			m = tea.KeyMsg{Type: tea.KeyEsc}
		case "up":
			m = tea.KeyMsg{Type: tea.KeyUp}
		case "down":
			m = tea.KeyMsg{Type: tea.KeyDown}
		case "right":
			m = tea.KeyMsg{Type: tea.KeyRight}
		case "left":
			m = tea.KeyMsg{Type: tea.KeyLeft}
		case "end":
			m = tea.KeyMsg{Type: tea.KeyEnd}
		default:
			m = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		_, cmd := r.p.Update(m)
		if !r.p.Capturing() {
			r.run(cmd)
		}
	}
}

func (r *rig) typeText(s string) {
	for _, ch := range s {
		r.p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{ch}})
	}
}

func (r *rig) selected() string {
	n, _, ok := r.p.Selected()
	if !ok {
		return ""
	}
	return n.Label
}

func (r *rig) view() string { return r.p.View() }

func TestTreeLoadsExpandedTwoLevels(t *testing.T) {
	r := newRig(t, nil)
	want := []string{"ix (fake)", "Frankfurt", "Frankfurt DC1", "Frankfurt DC2", "Amsterdam", "Amsterdam DC1", "Amsterdam DC2", "London", "London DC1", "London DC2"}
	if got := r.p.Rows(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows = %v\nwant %v", got, want)
	}
	v := r.view()
	for _, s := range []string{"Inventory (51 objects)", "▾ ix (fake)", "  ▾ Frankfurt", "    ▸ Frankfurt DC1 (1)", "metro", "active"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
}

func TestExpandCollapseNavigate(t *testing.T) {
	r := newRig(t, nil)
	r.keys("down", "down") // Frankfurt DC1
	r.keys("right")        // expand: device
	if r.selected() != "Frankfurt DC1" || len(r.p.Rows()) != 11 {
		t.Fatalf("expand: selected %q rows %d", r.selected(), len(r.p.Rows()))
	}
	r.keys("right") // already open: step into the device
	r.keys("right") // expand the device: 4 ports
	if r.selected() != "edge1-fac-0-0" || len(r.p.Rows()) != 15 {
		t.Fatalf("device: selected %q rows %d", r.selected(), len(r.p.Rows()))
	}
	r.keys("right", "right", "right") // port 0, expand it, into its connection
	if r.selected() != "LAG conn-port-0-0-0" {
		t.Fatalf("into connection: %q", r.selected())
	}
	r.keys("left") // leaf: to the parent
	if r.selected() != "et-0/0/0" {
		t.Fatalf("left on a leaf: %q", r.selected())
	}
	r.keys("left") // expanded: collapse
	if len(r.p.Rows()) != 15 {
		t.Fatalf("collapse: rows %d", len(r.p.Rows()))
	}
	r.keys("left", "left", "left") // to the device, collapse it, to the facility
	if r.selected() != "Frankfurt DC1" {
		t.Fatalf("climb: %q", r.selected())
	}
	// A refresh keeps expansion and the cursor.
	r.load()
	if r.selected() != "Frankfurt DC1" || len(r.p.Rows()) != 11 {
		t.Fatalf("after refresh: %q, %d rows", r.selected(), len(r.p.Rows()))
	}
}

func TestFilter(t *testing.T) {
	r := newRig(t, nil)
	r.keys("/")
	if !r.p.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	r.typeText("testing") // the raw state of every last port
	r.keys("enter")
	var ports int
	for _, l := range r.p.Rows() {
		if l == "et-0/0/3" {
			ports++
		}
	}
	if ports != 6 || r.selected() != "et-0/0/3" {
		t.Fatalf("state filter: %d ports, selected %q\n%v", ports, r.selected(), r.p.Rows())
	}
	if !strings.Contains(r.view(), "/testing") {
		t.Errorf("filter not shown")
	}
	// A field value, deep in the tree; ancestors shown, siblings not.
	r.keys("/")
	r.p.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	r.typeText("conn-port-2-1-2")
	r.keys("enter")
	want := []string{"ix (fake)", "London", "London DC2", "edge2-fac-2-1", "et-0/0/2", "LAG conn-port-2-1-2"}
	if got := r.p.Rows(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("deep filter rows = %v", got)
	}
	if r.selected() != "et-0/0/2" && r.selected() != "LAG conn-port-2-1-2" {
		t.Errorf("cursor not on a match: %q", r.selected())
	}
	r.keys("esc")
	if len(r.p.Rows()) != 10 {
		t.Errorf("esc did not clear the filter: %d rows", len(r.p.Rows()))
	}
	// The app's filter language: field=value, field==exact, !negation.
	count := func(q, kind string) int {
		r.p.setFilter(q)
		n := 0
		for _, it := range r.p.rows {
			if it.node.Kind == kind {
				n++
			}
		}
		return n
	}
	if n := count("kind==port", "port"); n != 24 {
		t.Errorf("kind==port: %d ports", n)
	}
	if n := count("kind==port !state=testing", "port"); n != 18 {
		t.Errorf("kind==port !state=testing: %d ports", n)
	}
	if n := count("kind=conn fields=lag_lacp", "connection"); n != 12 {
		t.Errorf("connections by field: %d", n)
	}
	if n := count("kind==port name=et-0/0/1 fra", "port"); n != 0 {
		t.Errorf("terms are ANDed per row: %d", n) // "fra" is in the ancestors, not the port
	}
	r.p.setFilter("")
	r.keys("/")
	r.typeText("zzz-nothing")
	if !strings.Contains(r.view(), "Nothing matches /zzz-nothing") {
		t.Errorf("empty filter result:\n%s", r.view())
	}
}

func TestDetailsAndGraphTarget(t *testing.T) {
	r := newRig(t, nil)
	if _, ok := r.p.GraphTarget(); ok {
		t.Fatal("the provider row is graphable")
	}
	r.keys("down", "down")
	if _, ok := r.p.GraphTarget(); ok {
		t.Fatal("a facility is graphable")
	}
	r.keys("right", "right", "right", "right") // port et-0/0/0
	tg, ok := r.p.GraphTarget()
	if !ok || tg.Source != "ix" || tg.Ref.Type != "port" || tg.Ref.ID != "port-0-0-0" || tg.Title != "et-0/0/0" {
		t.Fatalf("port target = %+v, %v", tg, ok)
	}
	r.keys("enter")
	v := r.view()
	for _, s := range []string{"Inventory › et-0/0/0", "port-0-0-0", "media_type", "10GBASE-LR", "Frankfurt › Frankfurt DC1 › edge1-fac-0-0", "g graphs its traffic"} {
		if !strings.Contains(v, s) {
			t.Errorf("detail lacks %q:\n%s", s, v)
		}
	}
	if tg2, ok := r.p.GraphTarget(); !ok || tg2.Ref != tg.Ref {
		t.Errorf("g in the detail view")
	}
	r.keys("esc")
	if strings.Contains(r.view(), "esc back") {
		t.Errorf("esc did not close the detail")
	}
	// A provider without statistics: nothing to graph.
	r.p.ctx.Sources[0].Stats = nil
	if _, ok := r.p.GraphTarget(); ok {
		t.Errorf("graphable without a StatsSource")
	}
}

func TestInventoryErrors(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.SetErr(&model.APIError{Provider: "ix", Method: "GET", Path: "/facilities", Status: 403, Message: "Forbidden"})
	r := newRig(t, src)
	if v := r.view(); !strings.Contains(v, "✗ ix: GET /facilities: 403: Forbidden") {
		t.Fatalf("error not shown:\n%s", v)
	}
	src.SetErr(nil)
	r.load()
	src.SetErr(errors.New("timeout"))
	r.load()
	if v := r.view(); !strings.Contains(v, "STALE ix: timeout") || !strings.Contains(v, "Frankfurt") {
		t.Fatalf("stale not shown:\n%s", v)
	}
}

func TestSparklines(t *testing.T) {
	r := newRig(t, nil)
	r.p.sparks.Max = 2
	r.keys("down", "down", "right", "right", "right") // device expanded: 4 ports on screen
	if len(r.src.Queries) != 0 {
		t.Fatalf("sparklines fetched while off: %d", len(r.src.Queries))
	}
	r.keys("t")
	// Bounded at 2 in flight, the rest follow as results arrive: every
	// visible port and nothing else.
	if n := len(r.src.Queries); n != 4 {
		t.Fatalf("queries = %d, want 4 (the visible ports)", n)
	}
	for _, q := range r.src.Queries {
		if q.Range != 24*time.Hour || q.Target.Type != "port" {
			t.Errorf("query %+v", q)
		}
	}
	v := r.view()
	if !strings.Contains(v, "LAST 24H") || !strings.ContainsAny(v, "▁▂▃▄▅▆▇█") || !strings.Contains(v, "Mb/s") && !strings.Contains(v, "Gb/s") {
		t.Fatalf("no sparklines:\n%s", v)
	}
	// Moving within the cached rows does not refetch.
	r.keys("down", "up")
	if n := len(r.src.Queries); n != 4 {
		t.Errorf("moving refetched: %d", n)
	}
	r.keys("t")
	if strings.Contains(r.view(), "LAST 24H") {
		t.Errorf("t did not hide the column")
	}
}

func TestHostileTrees(t *testing.T) {
	src := fakestats.New("ix", clock)
	deep := model.Node{Kind: "x", Label: "leaf\x1b[31m"}
	for i := 0; i < 500; i++ {
		deep = model.Node{Kind: "x", Label: fmt.Sprintf("n%d", i), Children: []model.Node{deep}}
	}
	dup := model.Node{Ref: model.Ref{ID: "same"}, Kind: "port", Label: "dup"}
	src.Tree = []model.Node{deep, dup, dup, {}}
	r := newRig(t, src)
	r.keys("/")
	r.typeText("n1")
	r.keys("enter", "end", "enter")
	if strings.Contains(r.view(), "\x1b[31m") {
		t.Errorf("escape sequence from a label reached the screen")
	}
	r.keys("esc", "esc")
	if got := len(r.p.Rows()); got < 4 {
		t.Errorf("duplicates or empty nodes dropped: %v", r.p.Rows())
	}
}

func TestEverySizeFits(t *testing.T) {
	r := newRig(t, nil)
	r.keys("down", "down", "right", "t")
	for _, detail := range []bool{false, true} {
		if detail {
			r.keys("enter")
		}
		for w := 0; w <= 150; w += 3 {
			for h := 0; h <= 40; h += 2 {
				r.p.SetSize(w, h)
				out := r.view()
				if w == 0 || h == 0 {
					continue
				}
				lines := strings.Split(out, "\n")
				if len(lines) != h {
					t.Fatalf("%dx%d: %d lines", w, h, len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%dx%d: %q is %d wide", w, h, l, ansi.StringWidth(l))
					}
				}
			}
		}
	}
}

// A port receiving less light than the threshold is flagged in the tree
// and in its detail view; the threshold comes from the config.
func TestLowLightIsFlagged(t *testing.T) {
	src := fakestats.New("ix", clock)
	port := &src.Tree[0].Children[0].Children[0].Children[0] // Frankfurt DC1, edge1, et-0/0/0
	port.Light = &model.LightLevels{TX: []float64{-1, -1.2}, RX: []float64{-3.1, -16.4}}
	healthy := &src.Tree[0].Children[0].Children[0].Children[1]
	healthy.Light = &model.LightLevels{TX: []float64{-1}, RX: []float64{-4.2}}
	r := newRig(t, src)
	r.keys("/")
	r.typeText("et-0/0/")
	r.keys("enter")
	v := r.view()
	if !strings.Contains(v, "⚠ low light -16.4 dBm") {
		t.Fatalf("low light not flagged:\n%s", v)
	}
	if strings.Count(v, "low light") != 1 {
		t.Errorf("only one port is below -14 dBm:\n%s", v)
	}
	// The detail view says why.
	for r.selected() != "et-0/0/0" {
		r.keys("down")
	}
	r.keys("enter")
	if v := r.view(); !strings.Contains(v, "⚠ low light: -16.4 dBm received, below -14.0 dBm") {
		t.Errorf("detail:\n%s", v)
	}
	// A stricter threshold from the config flags the healthy port too.
	r.keys("esc")
	r.p.ctx.LowLightDBM = -4
	if v := r.view(); strings.Count(v, "low light") != 2 {
		t.Errorf("threshold -4 dBm:\n%s", v)
	}
}

package ui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
)

// probe is a minimal pane proving the contract: registration is one line.
type probe struct{ got []tea.Msg }

type hello struct{ who string }

func (p *probe) Keys() keys.Table               { return keys.Table{} }
func (p *probe) ID() pane.ID                    { return "probe" }
func (p *probe) Title() string                  { return "Probe" }
func (p *probe) Badge() string                  { return "" }
func (p *probe) Resources() []model.ResourceKey { return nil }
func (p *probe) Init() tea.Cmd                  { return nil }
func (p *probe) View() string                   { return "probe pane" }
func (p *probe) SetSize(w, h int)               {}
func (p *probe) Capturing() bool                { return false }
func (p *probe) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	if h, ok := msg.(hello); ok {
		p.got = append(p.got, h)
	}
	return p, nil
}

func TestShowMsgSwitchesPaneAndDelivers(t *testing.T) {
	pr := &probe{}
	saved := ui.Panes
	ui.Panes = append(append([]pane.Factory(nil), saved...), func(*pane.Context) pane.Pane { return pr })
	defer func() { ui.Panes = saved }()
	h := newHarness(t, ui.Options{}, fake.New("p1", 5, 0, 1))
	if !strings.Contains(h.view(), "3 Probe") {
		t.Fatalf("registered pane not in the tabs:\n%s", h.line("noctop"))
	}
	h.send(pane.ShowMsg{Pane: "probe", Msg: hello{"conn-1"}})
	if h.m.Active() != 2 || len(pr.got) != 1 || !strings.Contains(h.view(), "probe pane") {
		t.Fatalf("active=%d got=%v", h.m.Active(), pr.got)
	}
	h.send(pane.ShowMsg{Pane: "nope"})
	if !strings.Contains(h.view(), "no nope pane") {
		t.Error("unknown pane not reported")
	}
}

// echoPane records every message it hears and, on "e", runs a command
// whose result is a message of its own.
type echoPane struct {
	probe
	id    pane.ID
	ctx   *pane.Context
	heard []tea.Msg
}

func (p *echoPane) Resources() []model.ResourceKey { return p.ctx.ConnectionKeys() }

type echoed struct{ from pane.ID }

func (p *echoPane) ID() pane.ID   { return p.id }
func (p *echoPane) Title() string { return string(p.id) }
func (p *echoPane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	p.heard = append(p.heard, msg)
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "e" {
		id := p.id
		return p, tea.Batch(func() tea.Msg { return echoed{id} }, func() tea.Msg { return echoed{id} })
	}
	return p, nil
}

func count[T any](msgs []tea.Msg) int {
	n := 0
	for _, m := range msgs {
		if _, ok := m.(T); ok {
			n++
		}
	}
	return n
}

// A pane's results come back to that pane only; shared-data changes reach
// every pane.
func TestResultsRoutedToTheirPane(t *testing.T) {
	one, two := &echoPane{id: "one"}, &echoPane{id: "two"}
	saved := ui.Panes
	ui.Panes = []pane.Factory{
		func(c *pane.Context) pane.Pane { one.ctx = c; return one },
		func(c *pane.Context) pane.Pane { two.ctx = c; return two },
	}
	defer func() { ui.Panes = saved }()
	h := newHarness(t, ui.Options{}, fake.New("p1", 5, 0, 1))
	// Pane one starts work, the operator moves to pane two, then the
	// results arrive: they are pane one's.
	cmd := h.sendNoRun(keyMsg("e"))
	h.keys("2")
	h.exec(cmd)
	if n := count[echoed](one.heard); n != 2 {
		t.Errorf("pane one got %d of its 2 results", n)
	}
	if n := count[echoed](two.heard); n != 0 {
		t.Errorf("pane two heard %d results of pane one", n)
	}
	if n := count[pane.Routed](two.heard); n != 0 {
		t.Error("a pane saw the routing envelope")
	}
	// The first fetch (one resource, registered by both) told both.
	if count[pane.ChangedMsg](one.heard) == 0 || count[pane.ChangedMsg](two.heard) == 0 {
		t.Error("a shared-data change did not reach every pane")
	}
}

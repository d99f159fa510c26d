package ui_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
)

// probe is a minimal pane proving the contract: registration is one line.
type probe struct{ got []tea.Msg }

type hello struct{ who string }

func (p *probe) ShortHelp() []key.Binding  { return nil }
func (p *probe) FullHelp() [][]key.Binding { return nil }
func (p *probe) ID() pane.ID               { return "probe" }
func (p *probe) Title() string             { return "Probe" }
func (p *probe) Badge() string             { return "" }
func (p *probe) Resources() []state.Spec   { return nil }
func (p *probe) Init() tea.Cmd             { return nil }
func (p *probe) View() string              { return "probe pane" }
func (p *probe) SetSize(w, h int)          {}
func (p *probe) Capturing() bool           { return false }
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

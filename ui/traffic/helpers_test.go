package traffic

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fixedNow is the tests' clock.
var fixedNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// rig is a pane with fake sources and a synchronous-enough command runner.
type rig struct {
	t      *testing.T
	p      *Pane
	srcs   []*fakestats.Source
	timers []scheduledMsg
	toasts []string
}

func newRig(t *testing.T, srcs ...*fakestats.Source) *rig {
	t.Helper()
	if len(srcs) == 0 {
		srcs = []*fakestats.Source{fakestats.New("ix", clock)}
	}
	var ms []model.Source
	for _, s := range srcs {
		ms = append(ms, s.ModelSource())
	}
	root, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	ctx := &pane.Context{Sources: ms, Hub: fakehub.New(clock, ms...), Root: root, Keys: keys.Default(), Styles: styles.New(styles.DefaultTheme()),
		Now: clock, Spinner: func() string { return "*" }}
	p := NewPane(ctx)
	p.after = func(d time.Duration, msg tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduledMsg{d: d, msg: msg} }
	}
	p.SetSize(120, 40)
	return &rig{t: t, p: p, srcs: srcs}
}

// scheduledMsg stands for a timer the pane armed; tests never wait for it.
type scheduledMsg struct {
	d   time.Duration
	msg tea.Msg
}

// run executes cmd and every command it leads to, delivering results to
// the pane, until none is left. The pane's timers are replaced (see
// newRig), so every command returns promptly; armed timers are recorded in
// r.timers instead of firing.
func (r *rig) run(cmd tea.Cmd) {
	r.t.Helper()
	results := make(chan tea.Msg, 256)
	pending := 0
	spawn := func(c tea.Cmd) {
		if c == nil {
			return
		}
		pending++
		go func() { results <- c() }()
	}
	spawn(cmd)
	for pending > 0 {
		select {
		case msg := <-results:
			pending--
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					spawn(c)
				}
			case scheduledMsg:
				r.timers = append(r.timers, msg)
			case pane.ToastMsg:
				r.toasts = append(r.toasts, msg.Text)
			case cursor.BlinkMsg:
				// the filter input's cursor blinks forever; stop here
			default:
				if strings.HasPrefix(fmt.Sprintf("%T", msg), "cursor.") {
					continue // its first blink is an unexported type
				}
				_, c := r.p.Update(msg)
				spawn(c)
			}
		case <-time.After(20 * time.Second):
			r.t.Fatalf("a command did not return within 20s")
		}
	}
}

func (r *rig) open(t Target) { r.run(r.p.Open(t)) }

func (r *rig) keys(ks ...string) {
	for _, k := range ks {
		_, cmd := r.p.Update(keyMsg(k))
		r.run(cmd)
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func portTarget() Target {
	return Target{Source: "ix", Ref: model.Ref{Provider: "ix", Type: "port", ID: "port-0-0-1", Name: "et-0/0/1"}, Title: "et-0/0/1 @ Frankfurt DC1"}
}

func configTarget() Target {
	return Target{Source: "ix", Ref: model.Ref{Provider: "ix", Type: "network-service-config", ID: "nsc-1", Name: "exchange LAN FRA"}}
}

func (r *rig) view() string { return r.p.View() }

func (r *rig) has(s string) bool { return strings.Contains(r.view(), s) }

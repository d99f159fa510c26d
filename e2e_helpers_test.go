package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/hub"
	"github.com/noctop/noctop/providers/sim"
	"github.com/noctop/noctop/ui"
)

// e2eDemo is what the end-to-end tests run against: the embedded
// simulators on a fake clock (the world moves only when a test says so),
// the registry's sources with their audit and read-only guards, and one
// hub, as main builds them.
type e2eDemo struct {
	clock     *sim.FakeClock
	srcs      []model.Source
	auditPath string
	hub       *hub.Hub
}

func startE2EDemo(t *testing.T) *e2eDemo {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	clock := sim.NewFakeClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	still := sim.StillTiming()
	d, err := providers.StartDemo(providers.DemoOptions{Clock: clock, Timing: &still})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	auditPath := filepath.Join(t.TempDir(), "audit.log")
	al, err := audit.Open(auditPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	srcs, err := providers.Build(d.Providers, providers.Options{Audit: al})
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New(srcs, hub.Options{Interval: time.Hour})
	t.Cleanup(h.Close)
	return &e2eDemo{clock: clock, srcs: srcs, auditPath: auditPath, hub: h}
}

// source is the demo's provider of kind (the zero Source when none).
func (e *e2eDemo) source(kind string) model.Source {
	for _, s := range e.srcs {
		if s.Kind == kind {
			return s
		}
	}
	return model.Source{}
}

// program runs the dashboard on the demo's hub in a w×h terminal and
// returns it with the two ways a test drives it: wait until the screen
// output satisfies ok, and type keys.
func (e *e2eDemo) program(t *testing.T, w, h int) (tm *teatest.TestModel, wait func(what string, ok func(string) bool), keys func(string)) {
	t.Helper()
	m := ui.New(ui.Options{Hub: e.hub, Now: e.clock.Now, Refresh: time.Hour, AuditPath: e.auditPath}, e.srcs)
	tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	wait = func(what string, ok func(string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return ok(string(b)) },
			// Generous: under -race on a loaded CI machine a refresh of all
			// five demo providers has taken more than 15 s.
			teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(25*time.Millisecond))
	}
	keys = func(s string) { tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }
	return tm, wait, keys
}

// screenHas is a wait condition: the output holds every one of s.
func screenHas(s ...string) func(string) bool {
	return func(b string) bool {
		for _, x := range s {
			if !strings.Contains(b, x) {
				return false
			}
		}
		return true
	}
}

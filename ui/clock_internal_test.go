package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/pane"
)

func TestClockDelayIsToTheNextShownChange(t *testing.T) {
	base := time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		now  time.Time
		pace time.Duration
		want time.Duration
	}{
		{"minute, mid-minute", base.Add(17*time.Second + 500*time.Millisecond), time.Minute, 42*time.Second + 500*time.Millisecond},
		{"minute, on the boundary", base, time.Minute, time.Minute},
		{"minute, a hair before", base.Add(time.Minute - time.Microsecond), time.Minute, time.Millisecond},
		{"second, mid-second", base.Add(250 * time.Millisecond), time.Second, 750 * time.Millisecond},
		{"second, on the boundary", base, time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clockDelay(tc.now, tc.pace); got != tc.want {
				t.Fatalf("clockDelay(%s, %s) = %s, want %s", tc.now.Format("15:04:05.000000"), tc.pace, got, tc.want)
			}
		})
	}
}

// The clock wakes the program once a minute unless something on screen
// counts seconds: the header with ClockSeconds, or the Approvals ages
// while that pane is shown. A tick superseded by a change of pace is
// dropped, so two clocks never run at once.
func TestClockPaceFollowsWhatIsShown(t *testing.T) {
	now := time.Date(2026, 3, 14, 10, 30, 15, 0, time.UTC)
	build := func(seconds bool) *app {
		src := fake.New("fabric-x", 20, 4, 1).Source()
		h := fakehub.New(func() time.Time { return now }, src)
		t.Cleanup(h.Close)
		m := New(Options{Hub: h, Now: func() time.Time { return now }, ClockSeconds: seconds}, []model.Source{src})
		a := m.a
		a.w, a.h = 120, 30
		a.layout()
		if a.clockTick() == nil {
			t.Fatal("no clock tick scheduled")
		}
		return a
	}
	key := func(a *app, s string) tea.Cmd {
		_, cmd := Model{a}.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
		return cmd
	}
	clock := func(a *app, seq int) tea.Cmd {
		_, cmd := Model{a}.Update(clockMsg{seq})
		return cmd
	}

	a := build(false)
	if a.clockEvery != time.Minute {
		t.Fatalf("Connections shown: pace %s, want a minute", a.clockEvery)
	}
	if h := a.headerView(); !strings.Contains(h, "10:30") || strings.Contains(h, "10:30:15") {
		t.Fatalf("header clock without seconds expected: %q", h)
	}
	first := a.clockSeq
	key(a, "2")
	if a.panes[a.active].ID() != pane.Approvals {
		t.Fatalf("key 2 showed %s", a.panes[a.active].ID())
	}
	if a.clockEvery != time.Second || a.clockSeq == first {
		t.Fatalf("Approvals shown: pace %s seq %d (was %d), want a fresh one-second clock", a.clockEvery, a.clockSeq, first)
	}
	if cmd := clock(a, first); cmd != nil {
		t.Fatal("the superseded minute tick scheduled another tick: two clocks would run")
	}
	if cmd := clock(a, a.clockSeq); cmd == nil {
		t.Fatal("the current tick did not schedule the next")
	}
	if a.clockEvery != time.Second {
		t.Fatalf("pace on Approvals after a tick: %s", a.clockEvery)
	}
	seq := a.clockSeq
	key(a, "1")
	if a.clockEvery != time.Minute || a.clockSeq == seq {
		t.Fatalf("back on Connections: pace %s, want a fresh minute clock", a.clockEvery)
	}
	// A key that changes no pane keeps the pending tick.
	seq = a.clockSeq
	key(a, "j")
	if a.clockSeq != seq {
		t.Fatal("a cursor move restarted the clock")
	}

	a = build(true)
	if a.clockEvery != time.Second {
		t.Fatalf("ClockSeconds: pace %s, want a second", a.clockEvery)
	}
	if h := a.headerView(); !strings.Contains(h, "10:30:15") {
		t.Fatalf("ClockSeconds: header clock without seconds: %q", h)
	}
}

package ui_test

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
)

// A real Bubble Tea program against a fake provider: load, approve the
// oldest pending connection through the dialog, see the result, quit.
func TestProgramApproveAndQuit(t *testing.T) {
	w := fake.New("fabric-demo", 200, 10, 9)
	w.Pages = 4
	fh := fakehub.New(clock, w.Source())
	defer fh.Close()
	m := ui.New(ui.Options{Hub: fh, Now: clock, Refresh: time.Hour}, nil)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(140, 40))
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait("Connections (200)")
	target := oldestPending(w)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")})
	wait("Approvals (20)")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	wait("[ Cancel ]")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("now: provisioning")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	calls := w.Calls()
	if len(calls) != 1 || calls[0].Request.Target.ID != target.ID {
		t.Fatalf("calls = %+v, want one approval of %s", calls, target.ID)
	}
	final := tm.FinalModel(t).(ui.Model)
	if final.Context().Err() == nil {
		t.Error("session context not cancelled on quit")
	}
}

package keys

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func TestEveryMutatingActionIsUnboundAndExplained(t *testing.T) {
	names := Names()
	for _, n := range Mutating {
		if !slices.Contains(names, n) {
			t.Errorf("Mutating lists %q, which is not an action", n)
		}
		if readOnlyWhat[n] == "" {
			t.Errorf("%q has no read-only message", n)
		}
	}
	rw, _ := New(nil, false)
	ro, _ := New(nil, true)
	get := map[string]func(m *Map) key.Binding{}
	for _, d := range defs() {
		d := d
		get[d.name] = func(m *Map) key.Binding { return *d.get(m) }
	}
	for _, n := range Mutating {
		b := get[n](rw)
		if !b.Enabled() || len(b.Keys()) == 0 {
			t.Fatalf("%s: not bound by default", n)
		}
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(b.Keys()[0])}
		if !key.Matches(k, b) {
			t.Fatalf("%s: its own key %q does not match", n, b.Keys()[0])
		}
		if key.Matches(k, get[n](ro)) {
			t.Errorf("%s: still bound in read-only mode", n)
		}
		msg, blocked := ro.BlockedByReadOnly(k)
		if !blocked || msg != ReadOnlyMessage(n) || !strings.Contains(msg, readOnlyWhat[n]) {
			t.Errorf("%s: read-only says %q, %v", n, msg, blocked)
		}
		if _, blocked := rw.BlockedByReadOnly(k); blocked {
			t.Errorf("%s: blocked without read-only", n)
		}
	}
}

func TestConnectionKeysDefaultsAndRebinding(t *testing.T) {
	m := Default()
	for k, b := range map[string]key.Binding{"c": m.ChangeRequest, "C": m.WithdrawChange, "D": m.Delete, "y": m.Copy, ":": m.Command, "g": m.Graph, "t": m.Sparklines} {
		if !key.Matches(press(k), b) {
			t.Errorf("%s does not trigger %s", k, b.Help().Desc)
		}
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeyCtrlS}, m.Export) {
		t.Error("ctrl+s does not trigger export")
	}
	// Not mutating: export, copy and the palette stay in read-only mode.
	ro, _ := New(nil, true)
	for _, b := range []key.Binding{ro.Export, ro.Copy, ro.Command} {
		if !b.Enabled() {
			t.Errorf("%s disabled in read-only mode", b.Help().Desc)
		}
	}
	rb, err := New(map[string][]string{"change_request": {"ctrl+r"}, "withdraw_change": {"alt+c"}, "export": {"f2"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if msg, blocked := rb.BlockedByReadOnly(tea.KeyMsg{Type: tea.KeyCtrlR}); !blocked || !strings.Contains(msg, "change requests") {
		t.Errorf("rebound change_request not explained in read-only: %q", msg)
	}
	if _, blocked := rb.BlockedByReadOnly(press("c")); blocked {
		t.Error("c still blocked after rebinding change_request away")
	}
	if err := Validate(map[string][]string{"change_request": {"a"}}); err == nil {
		t.Error("change_request on a conflicts with approve")
	}
	if err := Validate(map[string][]string{"export": {"/"}}); err == nil {
		t.Error("export on / conflicts with filter")
	}
}

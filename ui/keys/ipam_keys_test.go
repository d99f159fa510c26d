package keys

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestIPAMKeysDefaultAndReadOnly(t *testing.T) {
	m, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for k, b := range map[string]key.Binding{"A": m.Assign, "P": m.ProcessHolding, "D": m.Delete, "W": m.Swip, "y": m.Copy, "v": m.NextView, "V": m.PrevView, "F": m.Drill} {
		if !key.Matches(press(k), b) {
			t.Errorf("%s does not trigger %s", k, b.Help().Desc)
		}
	}
	ro, _ := New(nil, true)
	for _, k := range []string{"A", "P", "D", "W"} {
		for _, b := range []key.Binding{ro.Assign, ro.ProcessHolding, ro.Delete, ro.Swip} {
			if key.Matches(press(k), b) {
				t.Errorf("read-only: %s still bound", k)
			}
		}
		msg, blocked := ro.BlockedByReadOnly(press(k))
		if !blocked || !strings.Contains(msg, "read-only") {
			t.Errorf("read-only: %s not explained (%q)", k, msg)
		}
	}
	if _, blocked := ro.BlockedByReadOnly(press("y")); blocked {
		t.Error("copy is not a mutation")
	}
	// Rebinding works and conflicts are caught.
	if _, err := New(map[string][]string{"assign": {"ctrl+n"}}, false); err != nil {
		t.Fatal(err)
	}
	if err := Validate(map[string][]string{"swip": {"a"}}); err == nil {
		t.Fatal("swip on a conflicts with approve")
	}
}

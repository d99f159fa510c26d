package keys

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// A small table: one plain binding, one mutating one, one display-only.
func testTable(readOnly, disabled *string, ran *[]string) Table {
	m := Default().For("connections")
	run := func(n string) func() tea.Cmd { return func() tea.Cmd { *ran = append(*ran, n); return nil } }
	return Table{Scope: "connections", Bindings: []Binding{
		Fixed("↑↓", "move"),
		{Action: "filter", Key: m.Filter, Run: run("filter"), Show: Footer | Help},
		{Action: "approve", Key: m.Approve, Run: run("approve"), Mutates: true, Noun: "approve", Show: Footer | Help, Group: 1,
			ReadOnly: func() string { return *readOnly }, Disabled: func() string { return *disabled }},
		{Action: "reject", Key: m.Reject, Run: run("reject"), Mutates: true, Noun: "reject", Show: Footer | Help, Group: 1,
			ReadOnly: func() string { return *readOnly }},
		{Action: "copy", Key: m.Copy, Short: "copy id", Run: run("copy"), Show: IfRoom | Help, Group: 1},
	}}
}

func keysOfFooter(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(out, " • ")
}

func TestTableDispatchFooterHelpNote(t *testing.T) {
	ro, dis := "", ""
	var ran []string
	tb := testTable(&ro, &dis, &ran)

	if _, _, ok := tb.Dispatch(press("a")); !ok || len(ran) != 1 || ran[0] != "approve" {
		t.Fatalf("a: ran %v", ran)
	}
	if _, _, ok := tb.Dispatch(press("z")); ok {
		t.Error("an unbound key was handled")
	}
	if f := keysOfFooter(tb.ShortHelp(0)); f != "↑↓ move • / filter • a approve • x reject • y copy id" {
		t.Errorf("footer = %q", f)
	}
	if f := keysOfFooter(tb.ShortHelp(40)); strings.Contains(f, "copy") {
		t.Errorf("narrow footer kept an IfRoom binding: %q", f)
	}
	if n := tb.Note(); n != "approve and reject always ask for confirmation; the dialog shows the exact request" {
		t.Errorf("note = %q", n)
	}

	// Disabled: the key says why, the footer drops it, help keeps it.
	dis = "nothing waits for a decision"
	ran = nil
	cmd, why, ok := tb.Dispatch(press("a"))
	if !ok || cmd != nil || why != dis || len(ran) != 0 {
		t.Errorf("disabled a: ran %v, answered %q", ran, why)
	}
	if f := keysOfFooter(tb.ShortHelp(0)); strings.Contains(f, "approve") {
		t.Errorf("disabled binding in the footer: %q", f)
	}
	if h := tb.FullHelp(); len(h) != 2 || len(h[1]) != 3 {
		t.Errorf("help = %v", h)
	}

	// Read-only: off with its reason, out of footer and help, in the note.
	ro, dis = "--read-only", ""
	for _, k := range []string{"a", "x"} {
		_, why, ok := tb.Dispatch(press(k))
		if !ok || !strings.HasPrefix(why, "read-only mode: ") || len(ran) != 0 {
			t.Errorf("read-only %s: ran %v, answered %q", k, ran, why)
		}
	}
	if f := keysOfFooter(tb.ShortHelp(0)); strings.Contains(f, "approve") || strings.Contains(f, "reject") {
		t.Errorf("read-only footer = %q", f)
	}
	if h := tb.FullHelp(); len(h) != 2 || len(h[1]) != 1 {
		t.Errorf("read-only help = %v", h)
	}
	if n := tb.Note(); n != "read-only mode: approve (a) and reject (x) are disabled (--read-only)" {
		t.Errorf("read-only note = %q", n)
	}
	ro = "read_only = true for ix"
	if n := tb.Note(); n != "read-only: approve (a) and reject (x) are disabled (read_only = true for ix)" {
		t.Errorf("per-provider note = %q", n)
	}
	// Rebinding moves every derived view with it.
	m, _ := New(Config{Panes: map[string]map[string][]string{"connections": {"approve": {"A"}}}})
	tb.Bindings[2].Key = m.For("connections").Approve
	if n := tb.Note(); !strings.Contains(n, "approve (A)") {
		t.Errorf("note after rebinding = %q", n)
	}
	if _, _, ok := tb.Dispatch(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")}); ok {
		t.Error("the old key still dispatches")
	}
}

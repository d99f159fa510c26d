package list

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui/keys"
)

func TestCursorClampsAndScrolls(t *testing.T) {
	var c Cursor
	c.SetHeight(3)
	c.SetLen(10)
	for _, step := range []struct {
		do          func()
		pos, offset int
	}{
		{func() {}, 0, 0},
		{func() { c.MoveBy(4) }, 4, 2},
		{func() { c.MoveBy(-10) }, 0, 0},
		{func() { c.MoveTo(-1) }, 9, 7},
		{func() { c.SetLen(5) }, 4, 2},
		{func() { c.SetHeight(10) }, 4, 0},
		{func() { c.SetLen(0) }, 0, 0},
	} {
		step.do()
		if c.Pos() != step.pos || c.Offset() != step.offset {
			t.Fatalf("pos %d offset %d, want %d %d", c.Pos(), c.Offset(), step.pos, step.offset)
		}
	}
}

func TestNavDrivesAnyMover(t *testing.T) {
	var c Cursor
	c.SetHeight(4)
	c.SetLen(20)
	moved := 0
	tb := keys.Table{Bindings: Nav(keys.Default(), &c, func() tea.Cmd { moved++; return nil })}
	for _, k := range []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyPgDown}, {Type: tea.KeyRunes, Runes: []rune("k")}, {Type: tea.KeyEnd}} {
		if _, _, ok := tb.Dispatch(k); !ok {
			t.Fatalf("%v not handled", k)
		}
	}
	if c.Pos() != 19 || moved != 4 {
		t.Errorf("pos %d after down, pgdn, up, end; after ran %d times", c.Pos(), moved)
	}
}

func TestFilterOutcomes(t *testing.T) {
	f := NewFilter("")
	f.Open("state=")
	if !f.Opened() || f.Value() != "state=" {
		t.Fatal("not open with the query")
	}
	if out, q, _ := f.Key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}); out != Typing || q != "state=x" {
		t.Errorf("typing: %v %q", out, q)
	}
	if out, q, _ := f.Key(tea.KeyMsg{Type: tea.KeyEnter}); out != Kept || q != "state=x" || f.Opened() {
		t.Errorf("enter: %v %q", out, q)
	}
	f.Open("y")
	if out, q, _ := f.Key(tea.KeyMsg{Type: tea.KeyEsc}); out != Cleared || q != "" || f.Opened() {
		t.Errorf("esc: %v %q", out, q)
	}
}

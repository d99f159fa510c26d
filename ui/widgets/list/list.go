// Package list holds what every list in noctop shares (lazygit's list
// trait): a cursor over n rows seen through a window, the movement
// bindings that drive any cursor, and the "/" filter input. The connection
// table, the inventory tree, the block browser and the detail views use
// them instead of each keeping its own.
package list

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui/keys"
)

// Mover is anything a cursor moves over: a table, a tree, a scrolled view.
type Mover interface {
	// MoveBy moves the cursor by d rows (clamped).
	MoveBy(d int)
	// MoveTo moves the cursor to row i (clamped; -1 is the last row).
	MoveTo(i int)
	// PageRows is how many rows one page moves.
	PageRows() int
}

// Nav is the movement bindings of m in km's scope, in help order; after
// runs after each move (the pane asks for what came into view).
func Nav(km *keys.Map, m Mover, after func() tea.Cmd) []keys.Binding {
	mv := func(f func()) func() tea.Cmd {
		return func() tea.Cmd {
			f()
			if after != nil {
				return after()
			}
			return nil
		}
	}
	page := func() int { return max(m.PageRows(), 1) }
	bind := func(action string, k key.Binding, f func()) keys.Binding {
		return keys.Binding{Action: action, Key: k, Run: mv(f), Show: keys.Help}
	}
	return []keys.Binding{
		bind("up", km.Up, func() { m.MoveBy(-1) }),
		bind("down", km.Down, func() { m.MoveBy(1) }),
		bind("page_up", km.PageUp, func() { m.MoveBy(-page()) }),
		bind("page_down", km.PageDown, func() { m.MoveBy(page()) }),
		bind("half_page_up", km.HalfUp, func() { m.MoveBy(-max(page()/2, 1)) }),
		bind("half_page_down", km.HalfDown, func() { m.MoveBy(max(page()/2, 1)) }),
		bind("top", km.Top, func() { m.MoveTo(0) }),
		bind("bottom", km.Bottom, func() { m.MoveTo(-1) }),
	}
}

// MoveHint is the footer's one entry for up and down ("↑/k ↓/j move").
func MoveHint(km *keys.Map) keys.Binding {
	return keys.Binding{Key: key.NewBinding(key.WithKeys(km.Up.Keys()...), key.WithHelp(km.Up.Help().Key+" "+km.Down.Help().Key, "move")), Show: keys.Footer}
}

// Cursor is a selection over n rows seen through a window of h rows.
type Cursor struct {
	pos, offset, n, h int
}

// SetLen sets the number of rows.
func (c *Cursor) SetLen(n int) { c.n = max(n, 0); c.clamp() }

// SetHeight sets the window height (rows on screen).
func (c *Cursor) SetHeight(h int) { c.h = max(h, 0); c.clamp() }

// Len is the number of rows.
func (c *Cursor) Len() int { return c.n }

// Height is the window height.
func (c *Cursor) Height() int { return c.h }

// Pos is the selected row (0 when empty).
func (c *Cursor) Pos() int { return c.pos }

// Offset is the first row on screen.
func (c *Cursor) Offset() int { return c.offset }

// Window is the rows on screen, [start, end).
func (c *Cursor) Window() (start, end int) { return c.offset, min(c.offset+c.h, c.n) }

// Set selects row i (clamped) and scrolls it into view.
func (c *Cursor) Set(i int) { c.pos = i; c.clamp() }

// MoveBy moves the selection by d rows.
func (c *Cursor) MoveBy(d int) { c.Set(c.pos + d) }

// MoveTo selects row i; -1 is the last row.
func (c *Cursor) MoveTo(i int) {
	if i < 0 {
		i = c.n - 1
	}
	c.Set(i)
}

// PageRows is the window height.
func (c *Cursor) PageRows() int { return c.h }

func (c *Cursor) clamp() {
	c.pos = min(max(c.pos, 0), max(c.n-1, 0))
	if c.h <= 0 {
		c.offset = c.pos
		return
	}
	if c.pos < c.offset {
		c.offset = c.pos
	}
	if c.pos >= c.offset+c.h {
		c.offset = c.pos - c.h + 1
	}
	c.offset = max(min(c.offset, c.n-c.h), 0)
}

// Outcome is what a key did to an open filter input.
type Outcome int

const (
	// Typing: the query may have changed; the input stays open.
	Typing Outcome = iota
	// Kept: enter closed the input, keeping the query.
	Kept
	// Cleared: esc closed the input and dropped the query.
	Cleared
)

// Filter is the "/" input every list opens for its filter query.
type Filter struct {
	in   textinput.Model
	open bool
}

// NewFilter makes a closed filter input with a placeholder naming the
// fields it knows.
func NewFilter(placeholder string) Filter {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = placeholder
	in.CharLimit = 200
	return Filter{in: in}
}

// Open shows the input with query in it, the cursor at its end.
func (f *Filter) Open(query string) tea.Cmd {
	f.open = true
	f.in.SetValue(query)
	f.in.CursorEnd()
	return f.in.Focus()
}

// Opened reports whether the input is shown (and takes every key).
func (f *Filter) Opened() bool { return f.open }

// Value is the query typed so far.
func (f *Filter) Value() string { return f.in.Value() }

// SetWidth sets the input's width.
func (f *Filter) SetWidth(w int) { f.in.Width = w }

// Key feeds one key to the open input: enter keeps the query, esc drops
// it, anything else edits it.
func (f *Filter) Key(msg tea.KeyMsg) (Outcome, string, tea.Cmd) {
	switch msg.String() {
	case "enter":
		f.close()
		return Kept, f.in.Value(), nil
	case "esc":
		f.close()
		return Cleared, "", nil
	}
	var cmd tea.Cmd
	f.in, cmd = f.in.Update(msg)
	return Typing, f.in.Value(), cmd
}

func (f *Filter) close() {
	f.open = false
	f.in.Blur()
}

// Update passes other messages (the cursor's blink) to the open input.
func (f *Filter) Update(msg tea.Msg) tea.Cmd {
	if !f.open {
		return nil
	}
	var cmd tea.Cmd
	f.in, cmd = f.in.Update(msg)
	return cmd
}

// View renders the input.
func (f *Filter) View() string { return f.in.View() }

// Keys are the footer's entries while the input is open; keep names what
// enter does ("keep filter", "apply filter").
func (f *Filter) Keys(keep string) []keys.Binding {
	return []keys.Binding{keys.Fixed("enter", keep), keys.Fixed("esc", "clear filter")}
}

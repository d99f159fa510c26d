package keys

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The binding table (lazygit's shape): every key a scope handles is one
// Binding carrying its action, keys, handler, description, the reason it
// is off, and where it is shown. Dispatch, the footer, the ? overlay and the
// read-only note are all read from the same table, so they cannot drift.

// Scope is where a binding applies. Lookups go dialog, then pane, then
// global: a pane scope is a pane's ID ("approvals"), and [keys.<pane>]
// in the config binds keys in that pane only.
type Scope string

const (
	// Global is the root's scope: tabs, palette, refresh, help, quit.
	Global Scope = ""
	// Dialog is an open dialog, form or input: its fixed keys (tab,
	// enter, esc) are shown, and the widget handles them itself.
	Dialog Scope = "dialog"
)

// Show says where a binding appears.
type Show uint8

const (
	// Footer: always in the footer (when enabled).
	Footer Show = 1 << iota
	// IfRoom: in the footer when the width leaves room.
	IfRoom
	// Help: in the ? overlay.
	Help
)

// Binding is one row of the table.
type Binding struct {
	// Action is the [keys] action name ("approve"); "" for fixed keys.
	Action string
	// Key holds the keys and the help label; its Desc is the description
	// the ? overlay shows.
	Key key.Binding
	// Short is the footer's shorter description ("" = Key's).
	Short string
	// Run is the handler. nil: the binding is only shown (a dialog's
	// keys, a combined "↑↓ move" entry); its key is left to the pane.
	Run func() tea.Cmd
	// Disabled says why the binding cannot run now ("" = it can);
	// pressing its key shows the reason, and the footer leaves it out.
	Disabled func() string
	// Mutates marks an action that changes the world. Read-only mode
	// turns it off: ReadOnly says why for its current target ("" = on).
	Mutates  bool
	ReadOnly func() string
	// Noun names a mutating action in the read-only note ("approve",
	// "change requests"); bindings sharing a noun are listed together.
	Noun string
	Show Show
	// FooterOrder orders the IfRoom bindings among themselves (lowest
	// first; ties keep table order), which may differ from help order.
	FooterOrder int
	// Group is the ? overlay column.
	Group int
}

// Table is one scope's bindings, in footer order.
type Table struct {
	Scope    Scope
	Bindings []Binding
}

// offReason is why b cannot run now: read-only first, then Disabled.
func (b *Binding) offReason() (string, bool) {
	if b.Mutates && b.ReadOnly != nil {
		if r := b.ReadOnly(); r != "" {
			return ReadOnlyMessage(b.Action, r), true
		}
	}
	if b.Disabled != nil {
		if r := b.Disabled(); r != "" {
			return r, false
		}
	}
	return "", false
}

// readOnlyOff reports whether read-only mode turns b off now.
func (b *Binding) readOnlyOff() bool {
	return b.Mutates && b.ReadOnly != nil && b.ReadOnly() != ""
}

// Dispatch finds the binding msg matches and runs it. handled is false
// when no binding of t takes msg (or the one that matches is display-only):
// the key is then someone else's. A binding that is off does not run:
// reason says why (the caller shows it).
func (t Table) Dispatch(msg tea.KeyMsg) (cmd tea.Cmd, reason string, handled bool) {
	for i := range t.Bindings {
		b := &t.Bindings[i]
		if b.Run == nil || !key.Matches(msg, b.Key) {
			continue
		}
		if why, _ := b.offReason(); why != "" {
			return nil, why, true
		}
		return b.Run(), "", true
	}
	return nil, "", false
}

// footerKey copies b's key binding with the footer's description.
func (b *Binding) footerKey() key.Binding {
	k := b.Key
	if b.Short != "" {
		k.SetHelp(k.Help().Key, b.Short)
	}
	return k
}

// FooterTail is the width the root keeps for its own "? help • q quit".
const FooterTail = 18

// ShortHelp is the footer: the Footer bindings that are on, then the
// IfRoom ones that still fit in width cells (0: no limit).
func (t Table) ShortHelp(width int) []key.Binding {
	var out []key.Binding
	used := FooterTail
	for i := range t.Bindings {
		b := &t.Bindings[i]
		if b.Show&Footer == 0 {
			continue
		}
		if why, _ := b.offReason(); why != "" {
			continue
		}
		k := b.footerKey()
		out = append(out, k)
		used += helpWidth(k)
	}
	var extra []*Binding
	for i := range t.Bindings {
		if b := &t.Bindings[i]; b.Show&IfRoom != 0 && b.Show&Footer == 0 {
			extra = append(extra, b)
		}
	}
	slices.SortStableFunc(extra, func(a, b *Binding) int { return a.FooterOrder - b.FooterOrder })
	for _, b := range extra {
		if why, _ := b.offReason(); why != "" {
			continue
		}
		k := b.footerKey()
		if width > 0 && used+helpWidth(k) > width {
			break
		}
		used += helpWidth(k)
		out = append(out, k)
	}
	return out
}

// helpWidth is the cells a binding takes in the footer, separator included.
func helpWidth(b key.Binding) int {
	h := b.Help()
	return len([]rune(h.Key)) + 1 + len([]rune(h.Desc)) + 3
}

// FullHelp is the ? overlay: the Help bindings by group, leaving out the
// ones read-only mode turns off (the note lists those).
func (t Table) FullHelp() [][]key.Binding {
	var groups [][]key.Binding
	for i := range t.Bindings {
		b := &t.Bindings[i]
		if b.Show&Help == 0 || b.readOnlyOff() {
			continue
		}
		for len(groups) <= b.Group {
			groups = append(groups, nil)
		}
		groups[b.Group] = append(groups[b.Group], b.Key)
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Note is the ? overlay's line about t's mutating keys: that they always
// ask first, or which are off and why. "" when t has none.
func (t Table) Note() string {
	type entry struct {
		noun string
		keys []string
	}
	var on, off []entry
	reason := ""
	add := func(list []entry, b *Binding) []entry {
		k := b.Key.Help().Key
		for i := range list {
			if list[i].noun == b.Noun {
				list[i].keys = append(list[i].keys, k)
				return list
			}
		}
		return append(list, entry{b.Noun, []string{k}})
	}
	for i := range t.Bindings {
		b := &t.Bindings[i]
		if !b.Mutates || b.Show&Help == 0 {
			continue
		}
		if b.ReadOnly != nil {
			if r := b.ReadOnly(); r != "" {
				off = add(off, b)
				reason = r
				continue
			}
		}
		on = add(on, b)
	}
	var notes []string
	if len(on) > 0 {
		var ns []string
		for _, e := range on {
			ns = append(ns, e.noun)
		}
		notes = append(notes, andList(ns)+" always ask for confirmation; the dialog shows the exact request")
	}
	if len(off) > 0 {
		var ns []string
		for _, e := range off {
			ns = append(ns, e.noun+" ("+strings.Join(e.keys, "/")+")")
		}
		lead := "read-only mode: "
		if reason != "--read-only" {
			lead = "read-only: "
		}
		notes = append(notes, lead+andList(ns)+" are disabled ("+reason+")")
	}
	return strings.Join(notes, "; ")
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// Concat joins tables into one, the first taking precedence in Dispatch.
func Concat(ts ...Table) Table {
	var out Table
	for _, t := range ts {
		if out.Scope == "" {
			out.Scope = t.Scope
		}
		out.Bindings = append(out.Bindings, t.Bindings...)
	}
	return out
}

// Fixed is a display-only binding for a key a widget handles itself (a
// dialog's tab, enter, esc).
func Fixed(k, desc string) Binding {
	return Binding{Key: key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)), Show: Footer}
}

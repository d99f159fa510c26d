// Package keys is the one key map of the whole app. Every binding has an
// action name that the config's [keys] table can rebind; help text is
// generated from these bindings, so what the help shows is what works.
package keys

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
)

// Map holds every binding. Panes read the fields they use.
type Map struct {
	Up, Down, PageUp, PageDown, HalfUp, HalfDown, Top, Bottom key.Binding
	Open, Back                                                key.Binding
	NextPane, PrevPane                                        key.Binding
	Pane                                                      [9]key.Binding
	Filter, Sort, SortReverse                                 key.Binding
	Refresh, Pause                                            key.Binding
	Approve, Reject                                           key.Binding
	Help, Quit                                                key.Binding

	// Traffic graphs, peers and the inventory tree.
	Graph                                                         key.Binding
	Range1h, Range6h, Range24h, Range7d, Range30d                 key.Binding
	RangeShorter, RangeLonger, Fit, Direction, Units, Peers, Mark key.Binding
	Expand, Collapse, Sparklines                                  key.Binding

	// IPAM: views, copy, drill-down and the mutating IPAM actions.
	NextView, PrevView, Copy, Drill      key.Binding
	Assign, ProcessHolding, Delete, Swip key.Binding

	// Connection lists: IX-API change requests (Delete, D, also
	// decommissions there: DESIGN's "decommission / delete"),
	// export of the current view, and the command palette.
	ChangeRequest, WithdrawChange key.Binding
	Export, Command               key.Binding

	// ReadOnly is set when mutating keys are unbound.
	ReadOnly bool
	// blocked still matches, per mutating action, the keys an operator
	// would press in read-only mode, only to explain why nothing happens.
	// They never appear in help.
	blocked []blockedKey
}

type blockedKey struct {
	b   key.Binding
	msg string
}

// Mutating names the actions that change the world; read-only unbinds them.
var Mutating = []string{"approve", "reject", "assign", "process_holding", "delete", "swip", "change_request", "withdraw_change"}

// readOnlyWhat says, per mutating action, what read-only mode disables.
var readOnlyWhat = map[string]string{
	"approve":         "approvals",
	"reject":          "rejections",
	"assign":          "smart assignment",
	"process_holding": "holding tank processing",
	"delete":          "deletion, deassignment and decommission",
	"swip":            "SWIP reassignment",
	"change_request":  "filing change requests",
	"withdraw_change": "withdrawing change requests",
}

// ReadOnlyMessage is what pressing the key of mutating action name says
// in read-only mode.
func ReadOnlyMessage(name string) string {
	what := readOnlyWhat[name]
	if what == "" {
		what = strings.ReplaceAll(name, "_", " ")
	}
	return "read-only mode: " + what + " disabled (--read-only)"
}

// def is one action's default.
type def struct {
	name string
	keys []string
	help string // key label shown in help ("" = first key)
	desc string
	get  func(m *Map) *key.Binding
}

func defs() []def {
	d := []def{
		{"up", []string{"up", "k"}, "↑/k", "up", func(m *Map) *key.Binding { return &m.Up }},
		{"down", []string{"down", "j"}, "↓/j", "down", func(m *Map) *key.Binding { return &m.Down }},
		{"page_up", []string{"pgup"}, "pgup", "page up", func(m *Map) *key.Binding { return &m.PageUp }},
		{"page_down", []string{"pgdown"}, "pgdn", "page down", func(m *Map) *key.Binding { return &m.PageDown }},
		{"half_page_up", []string{"ctrl+u"}, "", "half page up", func(m *Map) *key.Binding { return &m.HalfUp }},
		{"half_page_down", []string{"ctrl+d"}, "", "half page down", func(m *Map) *key.Binding { return &m.HalfDown }},
		{"top", []string{"home"}, "", "first row", func(m *Map) *key.Binding { return &m.Top }},
		{"bottom", []string{"end"}, "", "last row", func(m *Map) *key.Binding { return &m.Bottom }},
		{"open", []string{"enter"}, "", "details", func(m *Map) *key.Binding { return &m.Open }},
		{"back", []string{"esc"}, "", "back / clear filter", func(m *Map) *key.Binding { return &m.Back }},
		{"next_pane", []string{"tab"}, "", "next pane", func(m *Map) *key.Binding { return &m.NextPane }},
		{"prev_pane", []string{"shift+tab"}, "", "previous pane", func(m *Map) *key.Binding { return &m.PrevPane }},
		{"filter", []string{"/"}, "", "filter", func(m *Map) *key.Binding { return &m.Filter }},
		{"sort", []string{"s"}, "", "sort column", func(m *Map) *key.Binding { return &m.Sort }},
		{"sort_reverse", []string{"S"}, "", "reverse", func(m *Map) *key.Binding { return &m.SortReverse }},
		{"refresh", []string{"r"}, "", "refresh now", func(m *Map) *key.Binding { return &m.Refresh }},
		{"pause", []string{" "}, "space", "pause/resume auto-refresh", func(m *Map) *key.Binding { return &m.Pause }},
		{"approve", []string{"a"}, "", "approve", func(m *Map) *key.Binding { return &m.Approve }},
		{"reject", []string{"x"}, "", "reject", func(m *Map) *key.Binding { return &m.Reject }},
		{"help", []string{"?"}, "", "help", func(m *Map) *key.Binding { return &m.Help }},
		{"quit", []string{"q", "ctrl+c"}, "q", "quit", func(m *Map) *key.Binding { return &m.Quit }},
		{"graph", []string{"g"}, "", "traffic graph", func(m *Map) *key.Binding { return &m.Graph }},
		{"range_1h", []string{"h"}, "", "last hour", func(m *Map) *key.Binding { return &m.Range1h }},
		{"range_6h", []string{"H"}, "", "last 6 hours", func(m *Map) *key.Binding { return &m.Range6h }},
		{"range_24h", []string{"d"}, "", "last 24 hours", func(m *Map) *key.Binding { return &m.Range24h }},
		{"range_7d", []string{"w"}, "", "last 7 days", func(m *Map) *key.Binding { return &m.Range7d }},
		{"range_30d", []string{"M"}, "", "last 30 days", func(m *Map) *key.Binding { return &m.Range30d }},
		{"range_shorter", []string{"["}, "", "shorter range", func(m *Map) *key.Binding { return &m.RangeShorter }},
		{"range_longer", []string{"]"}, "", "longer range", func(m *Map) *key.Binding { return &m.RangeLonger }},
		{"fit", []string{"f"}, "", "fit/capacity", func(m *Map) *key.Binding { return &m.Fit }},
		{"direction", []string{"i"}, "", "in/out", func(m *Map) *key.Binding { return &m.Direction }},
		{"units", []string{"u"}, "", "bits/packets", func(m *Map) *key.Binding { return &m.Units }},
		{"peers", []string{"p"}, "", "peers", func(m *Map) *key.Binding { return &m.Peers }},
		{"mark", []string{"m"}, "", "mark", func(m *Map) *key.Binding { return &m.Mark }},
		{"expand", []string{"right", "l"}, "→/l", "expand", func(m *Map) *key.Binding { return &m.Expand }},
		{"collapse", []string{"left"}, "←", "collapse", func(m *Map) *key.Binding { return &m.Collapse }},
		{"sparklines", []string{"t"}, "", "24h trend", func(m *Map) *key.Binding { return &m.Sparklines }},
		{"next_view", []string{"v"}, "", "next view", func(m *Map) *key.Binding { return &m.NextView }},
		{"prev_view", []string{"V"}, "", "previous view", func(m *Map) *key.Binding { return &m.PrevView }},
		{"copy", []string{"y"}, "", "copy", func(m *Map) *key.Binding { return &m.Copy }},
		{"drill", []string{"F"}, "", "drill into the fullest", func(m *Map) *key.Binding { return &m.Drill }},
		{"assign", []string{"A"}, "", "smart-assign…", func(m *Map) *key.Binding { return &m.Assign }},
		{"process_holding", []string{"P"}, "", "process holding tank…", func(m *Map) *key.Binding { return &m.ProcessHolding }},
		{"delete", []string{"D"}, "", "delete / deassign…", func(m *Map) *key.Binding { return &m.Delete }},
		{"swip", []string{"W"}, "", "SWIP reassign…", func(m *Map) *key.Binding { return &m.Swip }},
		{"change_request", []string{"c"}, "", "file change request…", func(m *Map) *key.Binding { return &m.ChangeRequest }},
		{"withdraw_change", []string{"C"}, "", "withdraw change request…", func(m *Map) *key.Binding { return &m.WithdrawChange }},
		{"export", []string{"ctrl+s"}, "", "export view…", func(m *Map) *key.Binding { return &m.Export }},
		{"command", []string{":"}, "", "command palette", func(m *Map) *key.Binding { return &m.Command }},
	}
	for i := 0; i < 9; i++ {
		i := i
		n := fmt.Sprint(i + 1)
		d = append(d, def{"pane_" + n, []string{n}, "", "pane " + n, func(m *Map) *key.Binding { return &m.Pane[i] }})
	}
	return d
}

// Names lists every action name the [keys] table accepts, sorted.
func Names() []string {
	var out []string
	for _, d := range defs() {
		out = append(out, d.name)
	}
	sort.Strings(out)
	return out
}

// Default returns the default map (not read-only).
func Default() *Map {
	m, _ := New(nil, false)
	return m
}

// New builds the map with overrides applied (action name -> keys) and, in
// read-only mode, the mutating actions unbound.
func New(overrides map[string][]string, readOnly bool) (*Map, error) {
	if err := Validate(overrides); err != nil {
		return nil, err
	}
	m := &Map{ReadOnly: readOnly}
	for _, d := range defs() {
		ks := d.keys
		label := d.help
		if o, ok := overrides[d.name]; ok {
			ks = normalizeAll(o)
			label = ""
		}
		if label == "" {
			label = strings.Join(displayAll(ks), "/")
		}
		b := d.get(m)
		*b = key.NewBinding(key.WithKeys(ks...), key.WithHelp(label, d.desc))
		if slices.Contains(Mutating, d.name) {
			m.blocked = append(m.blocked, blockedKey{b: *b, msg: ReadOnlyMessage(d.name)})
			if readOnly {
				b.SetEnabled(false)
			}
		}
	}
	return m, nil
}

// BlockedByReadOnly reports whether k would have been a mutating action,
// returning the message to show instead.
func (m *Map) BlockedByReadOnly(k fmt.Stringer) (string, bool) {
	if !m.ReadOnly {
		return "", false
	}
	for _, b := range m.blocked {
		if key.Matches(k, b.b) {
			return b.msg, true
		}
	}
	return "", false
}

// Nav returns the movement bindings (for help).
func (m *Map) Nav() []key.Binding {
	return []key.Binding{m.Up, m.Down, m.PageUp, m.PageDown, m.HalfUp, m.HalfDown, m.Top, m.Bottom}
}

// Global returns the app-wide bindings (for help).
func (m *Map) Global() []key.Binding {
	p := key.NewBinding(key.WithKeys(), key.WithHelp(m.Pane[0].Help().Key+"…"+m.Pane[8].Help().Key, "jump to pane"))
	return []key.Binding{m.NextPane, m.PrevPane, p, m.Command, m.Refresh, m.Pause, m.Help, m.Quit}
}

// ConfigError is a problem of the [keys] table, about one action (the key
// of the table the config error points at).
type ConfigError struct {
	Action string
	Msg    string
}

func (e *ConfigError) Error() string { return e.Msg }

// Validate checks a [keys] table: known action names, non-empty key lists,
// key names Bubble Tea can produce, and no key bound to two actions. Its
// errors are *ConfigError.
func Validate(overrides map[string][]string) error {
	if len(overrides) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, d := range defs() {
		known[d.name] = true
	}
	var names []string
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !known[n] {
			return &ConfigError{n, fmt.Sprintf("unknown action %q (known: %s)", n, strings.Join(Names(), ", "))}
		}
		ks := overrides[n]
		if len(ks) == 0 {
			return &ConfigError{n, fmt.Sprintf("action %q has no keys", n)}
		}
		for _, k := range ks {
			if !validKey(normalize(k)) {
				return &ConfigError{n, fmt.Sprintf("action %q: %q is not a key name (examples: \"a\", \"ctrl+r\", \"f5\", \"pgdown\", \"space\")", n, k)}
			}
		}
	}
	owner := map[string]string{}
	for _, d := range defs() {
		ks := d.keys
		if o, ok := overrides[d.name]; ok {
			ks = normalizeAll(o)
		}
		for _, k := range ks {
			if prev, dup := owner[k]; dup && prev != d.name {
				at := d.name // point at a binding the file sets
				if _, ok := overrides[at]; !ok {
					at = prev
				}
				return &ConfigError{at, fmt.Sprintf("%q is bound to both %q and %q", display(k), prev, d.name)}
			}
			owner[k] = d.name
		}
	}
	return nil
}

func normalizeAll(ks []string) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, normalize(k))
	}
	return out
}

// normalize maps config spellings onto Bubble Tea's key strings.
func normalize(k string) string {
	switch strings.ToLower(k) {
	case "space", "spacebar":
		return " "
	case "pagedown", "pgdn":
		return "pgdown"
	case "pageup":
		return "pgup"
	case "escape":
		return "esc"
	case "return":
		return "enter"
	}
	if utf8.RuneCountInString(k) == 1 {
		return k
	}
	return strings.ToLower(k)
}

func display(k string) string {
	if k == " " {
		return "space"
	}
	return k
}

func displayAll(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = display(k)
	}
	return out
}

var named = []string{"up", "down", "left", "right", "home", "end", "pgup", "pgdown", "enter", "esc", "tab", "shift+tab",
	"backspace", "delete", "insert", " ", "shift+up", "shift+down", "shift+left", "shift+right", "ctrl+up", "ctrl+down",
	"ctrl+left", "ctrl+right", "ctrl+home", "ctrl+end", "ctrl+pgup", "ctrl+pgdown", "ctrl+@", "ctrl+\\", "ctrl+]", "ctrl+^", "ctrl+_"}

func validKey(k string) bool {
	if utf8.RuneCountInString(k) == 1 {
		return true
	}
	if slices.Contains(named, k) {
		return true
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok && len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'z' {
		return true
	}
	if rest, ok := strings.CutPrefix(k, "alt+"); ok {
		return validKey(rest)
	}
	if rest, ok := strings.CutPrefix(k, "f"); ok {
		var n int
		if _, err := fmt.Sscanf(rest, "%d", &n); err == nil && n >= 1 && n <= 20 && fmt.Sprint(n) == rest {
			return true
		}
	}
	return false
}

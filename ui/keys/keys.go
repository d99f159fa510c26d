// Package keys is the key map and the binding table of the whole app.
// Every action has a name that the config's [keys] table rebinds, for
// every pane ([keys]) or for one pane ([keys.approvals]); the binding table
// (table.go) turns a scope's keys into what dispatch, the footer, the ?
// overlay and the read-only note read, so what the help shows is what works.
package keys

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
)

// Map holds every binding of one scope. Panes read the fields they use
// from their own scope's map (For).
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
	// decommissions there: DESIGN's "decommission / delete"), Fabric
	// bandwidth changes, export of the current view, the command palette.
	ChangeRequest, WithdrawChange, ChangeBandwidth key.Binding
	// SetVLAN changes the VLAN of a VLAN virtual circuit (Metal).
	SetVLAN         key.Binding
	Export, Command key.Binding

	// Inventory: server ports and power (Packet), and the events list.
	Bond, Disbond, ConvertLayer2, ConvertLayer3, AssignVLAN, UnassignVLAN key.Binding
	PowerOn, PowerOff, Reboot, Events, Capacity                           key.Binding

	scope  Scope
	cfg    Config
	scopes map[Scope]*Map // every scope's map, shared by all of them
}

// Config is the [keys] table of the config file: All binds actions in
// every pane, Panes[pane] in that pane only (and wins there).
type Config struct {
	All   map[string][]string
	Panes map[string]map[string][]string
}

// Panes are the pane scopes a [keys.<pane>] table may name (the pane IDs).
var Panes = []Scope{"connections", "approvals", "ipam", "inventory", "traffic"}

// Mutating names the actions that change the world; read-only turns them off.
var Mutating = []string{"approve", "reject", "assign", "process_holding", "delete", "swip", "change_request", "withdraw_change", "change_bandwidth", "set_vlan",
	"bond", "disbond", "convert_layer2", "convert_layer3", "assign_vlan", "unassign_vlan", "power_on", "power_off", "reboot"}

// readOnlyWhat says, per mutating action, what read-only mode disables.
var readOnlyWhat = map[string]string{
	"approve":          "approvals",
	"reject":           "rejections",
	"assign":           "smart assignment",
	"process_holding":  "holding tank processing",
	"delete":           "deletion, deassignment and decommission",
	"swip":             "SWIP reassignment",
	"change_request":   "filing change requests",
	"withdraw_change":  "withdrawing change requests",
	"change_bandwidth": "bandwidth changes",
	"set_vlan":         "VLAN changes",
	"bond":             "port bonding",
	"disbond":          "port disbonding",
	"convert_layer2":   "layer-2 conversion",
	"convert_layer3":   "layer-3 conversion",
	"assign_vlan":      "VLAN assignment",
	"unassign_vlan":    "VLAN removal",
	"power_on":         "power on",
	"power_off":        "power off",
	"reboot":           "reboot",
}

// ReadOnlyMessage is what pressing the key of mutating action name says
// when its target is read-only; reason is pane.Context.ReadOnlyReason's
// ("--read-only", or the provider's own read_only).
func ReadOnlyMessage(name, reason string) string {
	what := readOnlyWhat[name]
	if what == "" {
		what = strings.ReplaceAll(name, "_", " ")
	}
	if reason == "--read-only" {
		return "read-only mode: " + what + " disabled (--read-only)"
	}
	return "read-only: " + what + " disabled (" + reason + ")"
}

// where an action exists: the root's scope, every pane, or some panes.
type where int

const (
	inPanes where = iota // the panes listed in def.panes
	inRoot               // the root (global) scope
	inAll                // every pane
	conns                // Connections and Approvals
)

// def is one action's default.
type def struct {
	name  string
	keys  []string
	help  string // key label shown in help ("" = first key)
	desc  string
	get   func(m *Map) *key.Binding
	where where
	panes []Scope // for inPanes
}

func defs() []def {
	all := func(name string, ks []string, help, desc string, get func(m *Map) *key.Binding) def {
		return def{name, ks, help, desc, get, inAll, nil}
	}
	root := func(name string, ks []string, help, desc string, get func(m *Map) *key.Binding) def {
		return def{name, ks, help, desc, get, inRoot, nil}
	}
	in := func(panes []Scope, name string, ks []string, help, desc string, get func(m *Map) *key.Binding) def {
		return def{name, ks, help, desc, get, inPanes, panes}
	}
	lists := []Scope{"connections", "approvals"}
	ipam, traffic, inv := []Scope{"ipam"}, []Scope{"traffic"}, []Scope{"inventory"}
	trees := []Scope{"ipam", "inventory"}
	d := []def{
		all("up", []string{"up", "k"}, "↑/k", "up", func(m *Map) *key.Binding { return &m.Up }),
		all("down", []string{"down", "j"}, "↓/j", "down", func(m *Map) *key.Binding { return &m.Down }),
		all("page_up", []string{"pgup"}, "pgup", "page up", func(m *Map) *key.Binding { return &m.PageUp }),
		all("page_down", []string{"pgdown"}, "pgdn", "page down", func(m *Map) *key.Binding { return &m.PageDown }),
		all("half_page_up", []string{"ctrl+u"}, "", "half page up", func(m *Map) *key.Binding { return &m.HalfUp }),
		all("half_page_down", []string{"ctrl+d"}, "", "half page down", func(m *Map) *key.Binding { return &m.HalfDown }),
		all("top", []string{"home"}, "", "first row", func(m *Map) *key.Binding { return &m.Top }),
		all("bottom", []string{"end"}, "", "last row", func(m *Map) *key.Binding { return &m.Bottom }),
		all("open", []string{"enter"}, "", "details", func(m *Map) *key.Binding { return &m.Open }),
		all("back", []string{"esc"}, "", "back / clear filter", func(m *Map) *key.Binding { return &m.Back }),
		root("next_pane", []string{"tab"}, "", "next pane", func(m *Map) *key.Binding { return &m.NextPane }),
		root("prev_pane", []string{"shift+tab"}, "", "previous pane", func(m *Map) *key.Binding { return &m.PrevPane }),
		all("filter", []string{"/"}, "", "filter", func(m *Map) *key.Binding { return &m.Filter }),
		all("sort", []string{"s"}, "", "sort column", func(m *Map) *key.Binding { return &m.Sort }),
		all("sort_reverse", []string{"S"}, "", "reverse", func(m *Map) *key.Binding { return &m.SortReverse }),
		root("refresh", []string{"r"}, "", "refresh now", func(m *Map) *key.Binding { return &m.Refresh }),
		root("pause", []string{" "}, "space", "pause/resume auto-refresh", func(m *Map) *key.Binding { return &m.Pause }),
		in(lists, "approve", []string{"a"}, "", "approve", func(m *Map) *key.Binding { return &m.Approve }),
		in(lists, "reject", []string{"x"}, "", "reject", func(m *Map) *key.Binding { return &m.Reject }),
		root("help", []string{"?"}, "", "help", func(m *Map) *key.Binding { return &m.Help }),
		root("quit", []string{"q", "ctrl+c"}, "q", "quit", func(m *Map) *key.Binding { return &m.Quit }),
		all("graph", []string{"g"}, "", "traffic graph", func(m *Map) *key.Binding { return &m.Graph }),
		in(traffic, "range_1h", []string{"h"}, "", "last hour", func(m *Map) *key.Binding { return &m.Range1h }),
		in(traffic, "range_6h", []string{"H"}, "", "last 6 hours", func(m *Map) *key.Binding { return &m.Range6h }),
		in(traffic, "range_24h", []string{"d"}, "", "last 24 hours", func(m *Map) *key.Binding { return &m.Range24h }),
		in(traffic, "range_7d", []string{"w"}, "", "last 7 days", func(m *Map) *key.Binding { return &m.Range7d }),
		in(traffic, "range_30d", []string{"M"}, "", "last 30 days", func(m *Map) *key.Binding { return &m.Range30d }),
		in(traffic, "range_shorter", []string{"["}, "", "shorter range", func(m *Map) *key.Binding { return &m.RangeShorter }),
		in(traffic, "range_longer", []string{"]"}, "", "longer range", func(m *Map) *key.Binding { return &m.RangeLonger }),
		in(traffic, "fit", []string{"f"}, "", "fit/capacity", func(m *Map) *key.Binding { return &m.Fit }),
		in(traffic, "direction", []string{"i"}, "", "in/out", func(m *Map) *key.Binding { return &m.Direction }),
		in(traffic, "units", []string{"u"}, "", "bits/packets", func(m *Map) *key.Binding { return &m.Units }),
		in(traffic, "peers", []string{"p"}, "", "peers", func(m *Map) *key.Binding { return &m.Peers }),
		in(traffic, "mark", []string{"m"}, "", "mark", func(m *Map) *key.Binding { return &m.Mark }),
		in(trees, "expand", []string{"right", "l"}, "→/l", "expand", func(m *Map) *key.Binding { return &m.Expand }),
		in(trees, "collapse", []string{"left"}, "←", "collapse", func(m *Map) *key.Binding { return &m.Collapse }),
		in(append(slices.Clone(lists), inv...), "sparklines", []string{"t"}, "", "24h trend", func(m *Map) *key.Binding { return &m.Sparklines }),
		in(ipam, "next_view", []string{"v"}, "", "next view", func(m *Map) *key.Binding { return &m.NextView }),
		in(ipam, "prev_view", []string{"V"}, "", "previous view", func(m *Map) *key.Binding { return &m.PrevView }),
		all("copy", []string{"y"}, "", "copy", func(m *Map) *key.Binding { return &m.Copy }),
		in(ipam, "drill", []string{"F"}, "", "drill into the fullest", func(m *Map) *key.Binding { return &m.Drill }),
		in(ipam, "assign", []string{"A"}, "", "smart-assign…", func(m *Map) *key.Binding { return &m.Assign }),
		in(ipam, "process_holding", []string{"P"}, "", "process holding tank…", func(m *Map) *key.Binding { return &m.ProcessHolding }),
		in(append(append(slices.Clone(lists), ipam...), inv...), "delete", []string{"D"}, "", "delete / deassign…", func(m *Map) *key.Binding { return &m.Delete }),
		in(ipam, "swip", []string{"W"}, "", "SWIP reassign…", func(m *Map) *key.Binding { return &m.Swip }),
		in(lists, "change_request", []string{"c"}, "", "file change request…", func(m *Map) *key.Binding { return &m.ChangeRequest }),
		in(lists, "withdraw_change", []string{"C"}, "", "withdraw change request…", func(m *Map) *key.Binding { return &m.WithdrawChange }),
		in(lists, "change_bandwidth", []string{"b"}, "", "change bandwidth…", func(m *Map) *key.Binding { return &m.ChangeBandwidth }),
		in(append(slices.Clone(lists), inv...), "set_vlan", []string{"v"}, "", "set VLAN…", func(m *Map) *key.Binding { return &m.SetVLAN }),
		in(lists, "export", []string{"ctrl+s"}, "", "export view…", func(m *Map) *key.Binding { return &m.Export }),
		root("command", []string{":"}, "", "command palette", func(m *Map) *key.Binding { return &m.Command }),
		in(inv, "bond", []string{"b"}, "", "bond port…", func(m *Map) *key.Binding { return &m.Bond }),
		in(inv, "disbond", []string{"B"}, "", "disbond port…", func(m *Map) *key.Binding { return &m.Disbond }),
		in(inv, "convert_layer2", []string{"L"}, "", "to layer 2…", func(m *Map) *key.Binding { return &m.ConvertLayer2 }),
		in(inv, "convert_layer3", []string{"I"}, "", "to layer 3 (IPs)…", func(m *Map) *key.Binding { return &m.ConvertLayer3 }),
		in(inv, "assign_vlan", []string{"n"}, "", "assign VLAN…", func(m *Map) *key.Binding { return &m.AssignVLAN }),
		in(inv, "unassign_vlan", []string{"N"}, "", "remove VLAN…", func(m *Map) *key.Binding { return &m.UnassignVLAN }),
		in(inv, "power_on", []string{"O"}, "", "power on…", func(m *Map) *key.Binding { return &m.PowerOn }),
		in(inv, "power_off", []string{"P"}, "", "power off…", func(m *Map) *key.Binding { return &m.PowerOff }),
		in(inv, "reboot", []string{"R"}, "", "reboot…", func(m *Map) *key.Binding { return &m.Reboot }),
		in(inv, "events", []string{"e"}, "", "events", func(m *Map) *key.Binding { return &m.Events }),
		in(inv, "capacity", []string{"c"}, "", "capacity", func(m *Map) *key.Binding { return &m.Capacity }),
	}
	for i := 0; i < 9; i++ {
		i := i
		n := fmt.Sprint(i + 1)
		d = append(d, root("pane_"+n, []string{n}, "", "pane "+n, func(m *Map) *key.Binding { return &m.Pane[i] }))
	}
	return d
}

// in reports whether action d exists in scope s (the root's actions exist
// in every scope: they work whichever pane is active).
func (d def) in(s Scope) bool {
	switch {
	case s == Global:
		return d.where == inRoot
	case d.where == inRoot, d.where == inAll:
		return true
	}
	return slices.Contains(d.panes, s)
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

// NamesIn lists the actions of scope s, sorted.
func NamesIn(s Scope) []string {
	var out []string
	for _, d := range defs() {
		if d.in(s) {
			out = append(out, d.name)
		}
	}
	sort.Strings(out)
	return out
}

// Default returns the default map.
func Default() *Map {
	m, _ := New(Config{})
	return m
}

// New builds the root scope's map with cfg applied; For gives each pane's.
func New(cfg Config) (*Map, error) {
	if err := Validate(cfg); err != nil {
		return nil, err
	}
	m := build(cfg, Global)
	m.scopes = map[Scope]*Map{Global: m}
	return m, nil
}

// For is the map of scope s: cfg.All, then cfg.Panes[s], over the
// defaults. Unknown scopes get the global map.
func (m *Map) For(s Scope) *Map {
	if m.scopes == nil {
		return m
	}
	if sm, ok := m.scopes[s]; ok {
		return sm
	}
	if !slices.Contains(Panes, s) {
		return m.scopes[Global]
	}
	sm := build(m.cfg, s)
	sm.scopes = m.scopes
	m.scopes[s] = sm
	return sm
}

// Scope is the scope the map belongs to.
func (m *Map) Scope() Scope { return m.scope }

// keysOf are the keys of d in scope s under cfg.
func keysOf(cfg Config, s Scope, d def) ([]string, bool) {
	if o, ok := cfg.Panes[string(s)][d.name]; ok && s != Global {
		return normalizeAll(o), true
	}
	if o, ok := cfg.All[d.name]; ok {
		return normalizeAll(o), true
	}
	return d.keys, false
}

func build(cfg Config, s Scope) *Map {
	m := &Map{scope: s, cfg: cfg}
	for _, d := range defs() {
		ks, overridden := keysOf(cfg, s, d)
		label := d.help
		if overridden || label == "" {
			label = strings.Join(displayAll(ks), "/")
		}
		*d.get(m) = key.NewBinding(key.WithKeys(ks...), key.WithHelp(label, d.desc))
	}
	return m
}

// Nav returns the movement bindings (for help).
func (m *Map) Nav() []key.Binding {
	return []key.Binding{m.Up, m.Down, m.PageUp, m.PageDown, m.HalfUp, m.HalfDown, m.Top, m.Bottom}
}

// ConfigError is a problem of the [keys] table, about one action of one
// scope (the key of the table the config error points at: keys.ACTION,
// or keys.PANE.ACTION).
type ConfigError struct {
	Scope  Scope // "" for [keys] itself
	Action string
	Msg    string
}

func (e *ConfigError) Error() string { return e.Msg }

// Path is the TOML key path of the binding the error is about.
func (e *ConfigError) Path() []string {
	if e.Scope == Global {
		return []string{"keys", e.Action}
	}
	if e.Action == "" {
		return []string{"keys", string(e.Scope)}
	}
	return []string{"keys", string(e.Scope), e.Action}
}

// Validate checks a [keys] table: known action names (in a pane table,
// actions of that pane), non-empty key lists, key names Bubble Tea can
// produce, and no key bound to two actions of one scope. The same key may
// mean different things in different panes. Its errors are *ConfigError.
func Validate(cfg Config) error {
	known := map[string]bool{}
	for _, d := range defs() {
		known[d.name] = true
	}
	check := func(s Scope, table map[string][]string) error {
		for _, n := range sortedKeys(table) {
			where := ""
			if s != Global {
				where = fmt.Sprintf(" in [keys.%s]", s)
			}
			switch {
			case !known[n]:
				return &ConfigError{s, n, fmt.Sprintf("unknown action %q (known: %s)", n, strings.Join(Names(), ", "))}
			case s != Global && !slices.Contains(NamesIn(s), n):
				return &ConfigError{s, n, fmt.Sprintf("%q is not an action of the %s pane (its actions: %s)", n, s, strings.Join(NamesIn(s), ", "))}
			case len(table[n]) == 0:
				return &ConfigError{s, n, fmt.Sprintf("action %q%s has no keys", n, where)}
			}
			for _, k := range table[n] {
				if !validKey(normalize(k)) {
					return &ConfigError{s, n, fmt.Sprintf("action %q: %q is not a key name (examples: \"a\", \"ctrl+r\", \"f5\", \"pgdown\", \"space\")", n, k)}
				}
			}
		}
		return nil
	}
	if err := check(Global, cfg.All); err != nil {
		return err
	}
	for _, p := range sortedKeys(cfg.Panes) {
		if !slices.Contains(Panes, Scope(p)) {
			var ps []string
			for _, s := range Panes {
				ps = append(ps, string(s))
			}
			return &ConfigError{Scope(p), "", fmt.Sprintf("unknown pane %q (panes: %s)", p, strings.Join(ps, ", "))}
		}
		if err := check(Scope(p), cfg.Panes[p]); err != nil {
			return err
		}
	}
	// Conflicts, scope by scope: the root's own, then each pane's (which
	// includes the root's actions: they work in every pane).
	for _, s := range append([]Scope{Global}, Panes...) {
		owner := map[string]def{}
		for _, d := range defs() {
			if !d.in(s) {
				continue
			}
			ks, _ := keysOf(cfg, s, d)
			for _, k := range ks {
				prev, dup := owner[k]
				if !dup || prev.name == d.name {
					owner[k] = d
					continue
				}
				// Point at a binding the file sets, in the most specific table.
				at, atScope := d.name, s
				if _, ok := cfg.Panes[string(s)][at]; !ok || s == Global {
					if _, ok := cfg.Panes[string(s)][prev.name]; ok && s != Global {
						at = prev.name
					} else {
						atScope = Global
						if _, ok := cfg.All[at]; !ok {
							at = prev.name
						}
					}
				}
				in := ""
				if s != Global {
					in = " in the " + string(s) + " pane"
				}
				return &ConfigError{atScope, at, fmt.Sprintf("%q is bound to both %q and %q%s", display(k), prev.name, d.name, in)}
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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

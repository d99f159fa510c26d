package keys

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestEveryMutatingActionIsExplained(t *testing.T) {
	names := Names()
	for _, n := range Mutating {
		if !slices.Contains(names, n) {
			t.Errorf("Mutating lists %q, which is not an action", n)
		}
		if readOnlyWhat[n] == "" {
			t.Errorf("%q has no read-only message", n)
		}
		if msg := ReadOnlyMessage(n, "--read-only"); !strings.HasPrefix(msg, "read-only mode: "+readOnlyWhat[n]) || !strings.HasSuffix(msg, "(--read-only)") {
			t.Errorf("%s: %q", n, msg)
		}
		if msg := ReadOnlyMessage(n, "read_only = true for ix"); !strings.Contains(msg, "(read_only = true for ix)") {
			t.Errorf("%s per provider: %q", n, msg)
		}
	}
}

func TestDefaults(t *testing.T) {
	m := Default()
	c, ip := m.For("connections"), m.For("ipam")
	for k, b := range map[string]key.Binding{"c": c.ChangeRequest, "C": c.WithdrawChange, "D": c.Delete, "y": c.Copy, ":": c.Command,
		"g": c.Graph, "t": c.Sparklines, "b": c.ChangeBandwidth, "a": c.Approve, "x": c.Reject,
		"A": ip.Assign, "P": ip.ProcessHolding, "W": ip.Swip, "v": ip.NextView, "V": ip.PrevView, "F": ip.Drill} {
		if !key.Matches(press(k), b) {
			t.Errorf("%s does not trigger %s", k, b.Help().Desc)
		}
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeyCtrlS}, c.Export) {
		t.Error("ctrl+s does not trigger export")
	}
	if m.For("nope") != m || m.For("ipam") != ip {
		t.Error("For does not cache scopes or fall back to the global map")
	}
}

// The same key may mean different things in different panes.
func TestPerPaneBindings(t *testing.T) {
	cfg := Config{Panes: map[string]map[string][]string{"approvals": {"approve": {"A"}}}}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("[keys.approvals] approve = [\"A\"] refused: %v", err)
	}
	if !key.Matches(press("A"), m.For("approvals").Approve) || key.Matches(press("a"), m.For("approvals").Approve) {
		t.Error("approvals: approve is not on A alone")
	}
	if !key.Matches(press("a"), m.For("connections").Approve) {
		t.Error("connections: approve left a")
	}
	if !key.Matches(press("A"), m.For("ipam").Assign) {
		t.Error("ipam: A is no longer assign")
	}
	if h := m.For("approvals").Approve.Help(); h.Key != "A" || h.Desc != "approve" {
		t.Errorf("help label = %+v", h)
	}
	// [keys] binds every pane; a pane table wins in its pane.
	m, err = New(Config{All: map[string][]string{"down": {"z"}}, Panes: map[string]map[string][]string{"traffic": {"down": {"J"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("z"), m.For("ipam").Down) || !key.Matches(press("J"), m.For("traffic").Down) || key.Matches(press("z"), m.For("traffic").Down) {
		t.Error("[keys] then [keys.traffic] not applied in that order")
	}
}

func TestValidate(t *testing.T) {
	ok := []Config{
		{All: map[string][]string{"down": {"z"}, "refresh": {"ctrl+r", "f5"}, "pause": {"space"}}},
		// approve and assign are never in one pane.
		{All: map[string][]string{"approve": {"A"}}},
		{All: map[string][]string{"swip": {"a"}}},
		{Panes: map[string]map[string][]string{"approvals": {"approve": {"A"}}}},
		// A pane table may rebind a key the pane's own default holds elsewhere.
		{Panes: map[string]map[string][]string{"traffic": {"peers": {"P"}}}},
	}
	for _, c := range ok {
		if err := Validate(c); err != nil {
			t.Errorf("Validate(%v) = %v", c, err)
		}
	}
	bad := []struct {
		cfg  Config
		want string
		path string
	}{
		{Config{All: map[string][]string{"launch_missiles": {"m"}}}, `unknown action "launch_missiles"`, "keys.launch_missiles"},
		{Config{All: map[string][]string{"down": {}}}, "has no keys", "keys.down"},
		{Config{All: map[string][]string{"down": {"ctlr+x"}}}, "is not a key name", "keys.down"},
		{Config{All: map[string][]string{"approve": {"j"}}}, `"j" is bound to both "down" and "approve" in the connections pane`, "keys.approve"},
		{Config{All: map[string][]string{"refresh": {"q"}}}, `"q" is bound to both`, "keys.refresh"},
		{Config{All: map[string][]string{"refresh": {"a"}}}, `"a" is bound to both "refresh" and "approve" in the connections pane`, "keys.refresh"},
		{Config{All: map[string][]string{"change_request": {"a"}}}, `"a" is bound to both`, "keys.change_request"},
		{Config{All: map[string][]string{"export": {"/"}}}, `"/" is bound to both`, "keys.export"},
		{Config{Panes: map[string]map[string][]string{"ipam": {"assign": {"v"}}}}, `"v" is bound to both "next_view" and "assign" in the ipam pane`, "keys.ipam.assign"},
		{Config{Panes: map[string]map[string][]string{"approvals": {"assign": {"z"}}}}, `"assign" is not an action of the approvals pane`, "keys.approvals.assign"},
		{Config{Panes: map[string]map[string][]string{"overview": {"down": {"n"}}}}, `unknown pane "overview"`, "keys.overview"},
		// A global key rebound in one pane clashes with that pane's keys.
		{Config{Panes: map[string]map[string][]string{"ipam": {"refresh": {"A"}}}}, `"A" is bound to both`, "keys.ipam.refresh"},
	}
	for _, b := range bad {
		err := Validate(b.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Validate(%v) = %v, want %q", b.cfg, err, b.want)
			continue
		}
		if p := strings.Join(ce.Path(), "."); p != b.path {
			t.Errorf("Validate(%v) points at %s, want %s", b.cfg, p, b.path)
		}
	}
}

func TestNamesInScopes(t *testing.T) {
	if n := NamesIn("ipam"); !slices.Contains(n, "assign") || slices.Contains(n, "approve") || !slices.Contains(n, "quit") {
		t.Errorf("ipam actions: %v", n)
	}
	if n := NamesIn(Global); slices.Contains(n, "down") || !slices.Contains(n, "refresh") {
		t.Errorf("global actions: %v", n)
	}
	for _, d := range defs() {
		found := d.in(Global)
		for _, s := range Panes {
			found = found || d.in(s)
		}
		if !found {
			t.Errorf("action %q exists in no scope", d.name)
		}
	}
}

package detail

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testConn() model.Connection {
	return model.Connection{
		Provider: "fabric-prod", ProviderKind: "fabric", ID: "77ace034-5dcb-4726-91c1-3ad2b4cbc44c", Name: "Conn-7",
		State: model.StatePending, RawState: "PENDING_APPROVAL",
		Pending: &model.PendingChange{Kind: model.ChangeCreation, WaitingOnUs: true,
			Description: "please accept this connection to our port in FR2 on VLAN 1140 before the maintenance window END-OF-DESC"},
		A:   model.Endpoint{Name: "a", PortName: "FR2-Port-1", PortID: "port-uuid-aaaa"},
		Z:   model.Endpoint{Name: "z", VLANs: []int{1140}},
		Raw: []byte(`{"uuid":"77ace034","aSide":{"accessPoint":{"port":{"uuid":"port-uuid-aaaa"},"linkProtocol":{"vlanTag":1140}}},"note":"` + strings.Repeat("long ", 30) + `END-OF-NOTE"}`),
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// At 60×17 every word of a long description and of the raw object is
// reachable by scrolling (wrapped under its column, not cut).
func TestDetailWrapsAndScrollsToEverything(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	m := New(testConn(), now, styles.New(styles.DefaultTheme()))
	m.SetSize(60, 17)
	if p := m.Position(); !strings.HasPrefix(p, "lines 1–17 of ") {
		t.Fatalf("position %q", p)
	}
	var seen strings.Builder
	for i := 0; i < 100; i++ {
		v := m.View()
		for _, l := range strings.Split(v, "\n") {
			if w := lipgloss.Width(l); w > 60 {
				t.Fatalf("line %d wide: %q", w, l)
			}
		}
		seen.WriteString(strings.Join(strings.Fields(v), " ") + "\n")
		before := m.Offset()
		m.MoveBy(1)
		if m.Offset() == before {
			break
		}
	}
	all := seen.String()
	for _, want := range []string{"END-OF-DESC", "END-OF-NOTE", "vlanTag: 1140", "port-uuid-aaaa", "before the maintenance window"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q never shown", want)
		}
	}
	n := len(m.lines)
	if p, want := m.Position(), fmt.Sprintf("lines %d–%d of %d", n-16, n, n); p != want {
		t.Errorf("at the end: position %q, want %q", p, want)
	}
	m.MoveTo(0)
	if m.Offset() != 0 {
		t.Errorf("home: offset %d", m.Offset())
	}
	// Narrowing re-wraps: more lines, same content.
	n60 := len(m.lines)
	m.SetSize(200, 17)
	if len(m.lines) >= n60 {
		t.Errorf("200 wide has %d lines, 60 wide %d", len(m.lines), n60)
	}
	for _, sz := range [][2]int{{1, 1}, {0, 0}, {3, 2}} {
		m.SetSize(sz[0], sz[1])
		m.MoveTo(-1)
		_ = m.View() // no panic
	}
}

func TestDetailSanitisesProviderText(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	evil := "x\x1b]52;c;SGVsbG8=\x07\x1b[2J\u009b31m\u202eevil\x1b]0;t\x07"
	c := testConn()
	c.Name, c.RawState, c.Status, c.Type = evil, evil, evil, evil
	c.Pending.Description, c.A.Name, c.Z.Extra = evil, evil, evil
	c.Raw = []byte(`{"` + "k\\u001b[2J" + `":"v\u001b]52;c;x\u0007","n":"\u009b1m"}`)
	m := New(c, now, styles.New(styles.DefaultTheme()))
	m.SetSize(80, 200)
	v := m.View()
	for _, bad := range []string{"\x1b", "\u009b", "\x07", "\u202e"} {
		if strings.Contains(v, bad) {
			t.Fatalf("%q reached the screen:\n%q", bad, v)
		}
	}
	if !strings.Contains(v, "␛]52") {
		t.Errorf("escape not made visible:\n%s", v)
	}
}

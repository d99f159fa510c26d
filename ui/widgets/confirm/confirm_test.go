package confirm

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

// keys feeds ks to the dialog and renders it at 100×40 after each, as
// Bubble Tea does (what Confirm allows depends on what was shown).
func keys(m Model, ks ...string) (Model, Outcome) { return keysAt(m, 100, 40, ks...) }

func keysAt(m Model, w, h int, ks ...string) (Model, Outcome) {
	out := Open
	m.View(w, h)
	for _, k := range ks {
		m, out, _ = m.Update(keyMsg(k))
		if out != Open {
			return m, out
		}
		m.View(w, h)
	}
	return m, out
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+n":
		return tea.KeyMsg{Type: tea.KeyCtrlN}
	case "ctrl+p":
		return tea.KeyMsg{Type: tea.KeyCtrlP}
	case "ctrl+d":
		return tea.KeyMsg{Type: tea.KeyCtrlD}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func TestCancelIsDefault(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	m := New(model.Action{Title: "Approve x", HTTP: model.HTTPRequest{Method: "POST", Path: "/a"}}, "t", nil, st)
	if _, out := keys(m, "enter"); out != Cancelled {
		t.Fatalf("enter on the default button = %v, want Cancelled", out)
	}
	if _, out := keys(m, "tab", "enter"); out != Confirmed {
		t.Fatalf("tab enter = %v", out)
	}
	if _, out := keys(m, "tab", "esc"); out != Cancelled {
		t.Fatalf("esc = %v", out)
	}
	if _, out := keys(m, "l", "enter"); out != Confirmed {
		t.Fatalf("l moves focus when there is no input: %v", out)
	}
}

func TestConfirmTextMustBeTypedExactly(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	a := model.Action{Title: "Decommission Conn-7", ConfirmText: "Conn-7", Risk: model.RiskHigh}
	m := New(a, "t", nil, st)
	m, out := keys(m, "C", "o", "n", "n", "tab", "enter")
	if out != Open || !strings.Contains(m.View(100, 30), "exactly") {
		t.Fatalf("partial name accepted: %v", out)
	}
	if _, out = keys(m, "-", "7", "enter"); out != Confirmed {
		t.Fatalf("exact name refused: %v", out)
	}
}

func TestReasonAndConfirmTextTogether(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	a := model.Action{Title: "Reject and delete", NeedsReason: true, ConfirmText: "z"}
	var planned []string
	replan := func(r string) (model.Action, error) {
		planned = append(planned, r)
		b := a
		b.HTTP.Body = []byte(`{"reason":"` + r + `"}`)
		return b, nil
	}
	m := New(a, "t", replan, st)
	m, _ = keys(m, "w", "h", "y", "ctrl+n", "z", "tab")
	if m.Reason() != "why" {
		t.Fatalf("reason = %q", m.Reason())
	}
	if len(planned) != 3 || !strings.Contains(string(m.Action().HTTP.Body), `"why"`) {
		t.Fatalf("not re-planned per keystroke: %v", planned)
	}
	if _, out := keys(m, "enter"); out != Confirmed {
		t.Fatalf("both given, still %v", out)
	}
}

// An action of several requests (an IX-API approval: the service, then
// its config) shows every one of them, in the order they are sent.
func TestEveryRequestOfAnActionIsShown(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	a := model.Action{Title: "Approve the change request", Risk: model.RiskMedium,
		HTTP: model.HTTPRequest{Method: "PATCH", Path: "/network-services/ns-p2p-0007", Body: []byte("{\n  \"type\": \"p2p_vc\",\n  \"capacity\": 2000\n}")},
		Then: []model.HTTPRequest{{Method: "PATCH", Path: "/network-service-configs/nsc-0042", Body: []byte("{\n  \"type\": \"p2p_vc\",\n  \"capacity\": 2000\n}")}}}
	v := New(a, "nsc:nsc-0042", nil, st).View(100, 40)
	first, second := strings.Index(v, "PATCH /network-services/ns-p2p-0007"), strings.Index(v, "PATCH /network-service-configs/nsc-0042")
	if first < 0 || second < first || !strings.Contains(v, "then 2/2") || strings.Count(v, `"capacity": 2000`) != 2 {
		t.Errorf("both requests, in order:\n%s", v)
	}
}

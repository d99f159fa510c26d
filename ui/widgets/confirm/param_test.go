package confirm

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

func TestParamReplansAndBlocksOnError(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	base := model.Action{Title: "File change request: capacity 1G → 2G", Risk: model.RiskMedium,
		HTTP: model.HTTPRequest{Method: "POST", Path: "/ns/1/change-request", Body: []byte(`{"capacity": 2000}`)}}
	var seen []string
	replan := func(reason, v string) (model.Action, error) {
		seen = append(seen, v)
		if v == "" {
			return base, nil
		}
		if strings.Trim(v, "0123456789") != "" {
			return model.Action{}, errors.New("capacity " + v + " is not a number")
		}
		a := base
		a.HTTP.Body = []byte(`{"capacity": ` + v + `}`)
		return a, nil
	}
	m := New(base, "t", nil, st).WithParam("Capacity", "Mbit/s", replan)
	m, _ = keys(m, "5", "0", "0", "0")
	if m.Param() != "5000" || string(m.Action().HTTP.Body) != `{"capacity": 5000}` {
		t.Fatalf("param %q, body %s", m.Param(), m.Action().HTTP.Body)
	}
	if len(seen) != 4 {
		t.Errorf("re-planned %d times, want once per keystroke", len(seen))
	}
	m, out := keys(m, "x", "tab", "enter")
	if out != Open || !strings.Contains(m.View(100, 40), "cannot confirm") {
		t.Fatalf("invalid param confirmed: %v", out)
	}
	if string(m.Action().HTTP.Body) != `{"capacity": 5000}` {
		t.Errorf("a failed plan replaced the action: %s", m.Action().HTTP.Body)
	}
	// Typing moves focus nowhere: enter still hits Confirm.
	m, _, _ = m.Update(keyBackspace())
	if _, out := keys(m, "enter"); out != Confirmed {
		t.Fatalf("valid again, enter = %v", out)
	}
}

func TestParamWithReasonAndName(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	a := model.Action{Title: "x", NeedsReason: true, ConfirmText: "obj"}
	var got [][2]string
	m := New(a, "t", nil, st).WithParam("Capacity", "", func(r, v string) (model.Action, error) {
		got = append(got, [2]string{r, v})
		return a, nil
	})
	// Focus starts on the parameter; ctrl+n walks reason, then name.
	m, _ = keys(m, "1", "ctrl+n", "r", "ctrl+n", "o", "b", "j", "tab")
	if m.Param() != "1" || m.Reason() != "r" {
		t.Fatalf("param %q reason %q", m.Param(), m.Reason())
	}
	if len(got) != 2 || got[1] != [2]string{"r", "1"} {
		t.Errorf("replans %v: the name must not re-plan, reason and param travel together", got)
	}
	if _, out := keys(m, "enter"); out != Confirmed {
		t.Fatalf("out = %v", out)
	}
}

func TestFactsAndLongTitleAreShownWhole(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.DefaultTheme())
	title := "Decommission p2p_vc network service config C001-FRA-FR2-0170.1655 on 2026-12-02, charged until 2026-12-31 (cancellation policy)"
	m := New(model.Action{Title: title, Risk: model.RiskHigh, HTTP: model.HTTPRequest{Method: "DELETE", Path: "/x"}}, "t", nil, st).
		WithFacts(Fact{"Decommission at", "2026-12-02"}, Fact{"Charged until", "2026-12-31"})
	v := m.View(80, 40)
	var words []string
	for _, l := range strings.Split(v, "\n") {
		l = strings.Trim(l, " │")
		if strings.Contains(l, "Target") {
			break
		}
		words = append(words, strings.Fields(strings.ReplaceAll(l, "risk: high", ""))...)
	}
	if got := strings.Join(words, " "); !strings.Contains(got, title) {
		t.Errorf("title cut: %q", got)
	}
	if !strings.Contains(v, "risk: high") {
		t.Error("risk missing")
	}
	at, until := -1, -1
	for _, l := range strings.Split(v, "\n") {
		if i := strings.Index(l, "2026-12-02"); i >= 0 && strings.Contains(l, "Decommission at") {
			at = i
		}
		if i := strings.Index(l, "2026-12-31"); i >= 0 && strings.Contains(l, "Charged until") {
			until = i
		}
	}
	if at < 0 || at != until {
		t.Errorf("facts missing or misaligned (%d, %d):\n%s", at, until, v)
	}
	if w := wrapWords("aaa bbbb cc", 4); strings.Join(w, "|") != "aaa|bbbb|cc" {
		t.Errorf("wrapWords = %q", w)
	}
	if w := wrapWords("abcdefghij", 4); strings.Join(w, "|") != "abcd|efgh|ij" {
		t.Errorf("wrapWords long word = %q", w)
	}
}

func keyBackspace() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyBackspace} }

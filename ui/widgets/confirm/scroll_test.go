package confirm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

// longAction is an approval whose body needs scrolling at 80×24: what it
// sends (the port and the VLAN) is at the end.
func longAction() model.Action {
	var b strings.Builder
	b.WriteString("{\n  \"type\": \"CONNECTION_CREATION_ACCEPTANCE\",\n  \"data\": {\n    \"zSide\": {\n      \"accessPoint\": {\n")
	for i := range 14 {
		fmt.Fprintf(&b, "        \"field%02d\": \"value %02d\",\n", i, i)
	}
	b.WriteString("        \"note\": \"" + strings.Repeat("wrapped-not-cut ", 8) + "END-OF-NOTE\",\n")
	b.WriteString("        \"port\": {\"uuid\": \"PORT-UUID-77ace034\"},\n        \"linkProtocol\": {\"type\": \"DOT1Q\", \"vlanTag\": 1140}\n      }\n    }\n  }\n}\n")
	return model.Action{Title: "Approve creation of Conn-7", Risk: model.RiskMedium,
		HTTP: model.HTTPRequest{Method: "POST", Path: "/fabric/v4/connections/77ace034-5dcb-4726-91c1-3ad2b4cbc44c/actions", Body: []byte(b.String())}}
}

func newDialog(a model.Action) Model {
	lipgloss.SetColorProfile(termenv.Ascii)
	return New(a, "fabric-demo · Conn-7 · pending (id 77ace034-5dcb-4726-91c1-3ad2b4cbc44c) · pending creation", nil,
		styles.New(styles.DefaultTheme()))
}

// bodyText is what a view shows of the dialog's text, border stripped.
func dialogLines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimSuffix(strings.TrimPrefix(l, "│"), "│")
		out = append(out, strings.TrimRight(l, " "))
	}
	return out
}

func TestLongRequestScrollsAndGatesConfirm(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {60, 20}, {80, 21}, {60, 17}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			w, h := sz[0], sz[1]
			m := newDialog(longAction())
			v := m.View(w, h)
			if got := len(strings.Split(v, "\n")); got != h {
				t.Fatalf("view is %d lines, want %d", got, h)
			}
			if !strings.Contains(v, "lines 1–") || !strings.Contains(v, "scroll to the end to enable Confirm") {
				t.Fatalf("no scroll indicator or gate notice:\n%s", v)
			}
			if strings.Contains(v, "vlanTag") {
				t.Fatalf("the test needs a request that does not fit:\n%s", v)
			}
			// Focus starts on Cancel.
			if m.FocusOnConfirm() {
				t.Fatal("focus starts on Confirm")
			}
			// Confirm is refused until the end was shown.
			m, out := keysAt(m, w, h, "tab", "enter")
			if out != Open {
				t.Fatalf("confirmed a request whose end was never shown: %v", out)
			}
			if !strings.Contains(m.View(w, h), "scroll to the end") {
				t.Errorf("the refusal is not explained:\n%s", m.View(w, h))
			}
			// Scroll down line by line, collecting what was shown: the
			// whole request is reachable.
			// Lines are wrapped, so spaces are dropped before comparing;
			// scrolling by one line puts every pair of wrapped lines in
			// one view.
			var seen strings.Builder
			collect := func() {
				for _, l := range dialogLines(m.View(w, h)) {
					seen.WriteString(strings.ReplaceAll(l, " ", ""))
				}
				seen.WriteString("\n")
			}
			for i := 0; i < 200 && !m.SeenWhole(); i++ {
				collect()
				m, _ = keysAt(m, w, h, "down")
			}
			collect()
			if !m.SeenWhole() {
				t.Fatal("down never reached the end")
			}
			all := seen.String()
			for _, want := range []string{"PORT-UUID-77ace034", `"vlanTag": 1140`, "END-OF-NOTE", "field00", "field13", "Approve creation of Conn-7", "pending creation",
				`"note": "` + strings.Repeat("wrapped-not-cut ", 8) + `END-OF-NOTE"`, "/fabric/v4/connections/77ace034-5dcb-4726-91c1-3ad2b4cbc44c/actions"} {
				if !strings.Contains(all, strings.ReplaceAll(want, " ", "")) {
					t.Errorf("%q never shown while scrolling:\n%s", want, all)
				}
			}
			if strings.Contains(all, "more lines") {
				t.Error("the body is still cut")
			}
			v = m.View(w, h)
			if !strings.Contains(v, "of ") || strings.Contains(v, "to enable Confirm") {
				t.Errorf("at the end the notice should be gone:\n%s", v)
			}
			// Focus is still on Confirm (tab above): enter now confirms.
			if _, out := keysAt(m, w, h, "enter"); out != Confirmed {
				t.Fatalf("end shown, enter = %v", out)
			}
		})
	}
}

func TestScrollKeys(t *testing.T) {
	m := newDialog(longAction())
	m, _ = keysAt(m, 80, 24, "j", "j", "k")
	if off, _ := m.Scroll(); off != 1 {
		t.Fatalf("j j k: offset %d, want 1", off)
	}
	if m.SeenWhole() {
		t.Fatal("seen whole after three lines")
	}
	m, _ = keysAt(m, 80, 24, "pgdown")
	off, n := m.Scroll()
	if off == 0 || n < 30 {
		t.Fatalf("pgdown: offset %d of %d lines", off, n)
	}
	m, _ = keysAt(m, 80, 24, "home")
	if off, _ := m.Scroll(); off != 0 {
		t.Fatalf("home: offset %d", off)
	}
	m, _ = keysAt(m, 80, 24, "end")
	if !m.SeenWhole() {
		t.Fatal("end did not show the end")
	}
	if !strings.Contains(m.View(80, 24), `"vlanTag": 1140`) {
		t.Errorf("end does not show the last lines:\n%s", m.View(80, 24))
	}
	// Scrolling past either end stays put.
	m, _ = keysAt(m, 80, 24, "down", "down", "pgdown")
	off1, n := m.Scroll()
	m, _ = keysAt(m, 80, 24, "up")
	if off2, _ := m.Scroll(); off2 != off1-1 || off1+1 > n {
		t.Errorf("past the end: %d then %d of %d", off1, off2, n)
	}
}

func TestShortRequestNeedsNoScroll(t *testing.T) {
	m := newDialog(model.Action{Title: "Approve x", HTTP: model.HTTPRequest{Method: "POST", Path: "/a", Body: []byte(`{"a": 1}`)}})
	v := m.View(80, 24)
	if strings.Contains(v, "lines ") || strings.Contains(v, "scroll") {
		t.Errorf("a request that fits shows a scroll indicator:\n%s", v)
	}
	if _, out := keysAt(m, 80, 24, "tab", "enter"); out != Confirmed {
		t.Fatalf("fits, tab enter = %v", out)
	}
}

func TestNothingShownNothingConfirmed(t *testing.T) {
	// Never rendered: the operator saw nothing.
	m := newDialog(model.Action{Title: "Approve x", HTTP: model.HTTPRequest{Method: "POST", Path: "/a"}})
	m, _, _ = m.Update(keyMsg("tab"))
	if _, out, _ := m.Update(keyMsg("enter")); out == Confirmed {
		t.Fatal("confirmed before any View")
	}
	// Too small to show a line of the request: refused, and said so.
	for _, sz := range [][2]int{{1, 1}, {13, 30}, {80, 4}} {
		m := newDialog(longAction())
		v := m.View(sz[0], sz[1])
		if _, out := keysAt(m, sz[0], sz[1], "end", "tab", "enter"); out == Confirmed {
			t.Errorf("%dx%d: confirmed though the request cannot be shown", sz[0], sz[1])
		}
		if sz[0] > 40 && !strings.Contains(v, "too small") {
			t.Errorf("%dx%d: no explanation: %q", sz[0], sz[1], v)
		}
	}
}

func TestInputsKeepTheirKeysWhileScrolling(t *testing.T) {
	a := longAction()
	a.NeedsReason = true
	replan := func(r string) (model.Action, error) {
		b := longAction()
		b.NeedsReason = true
		b.HTTP.Body = append(b.HTTP.Body[:len(b.HTTP.Body)-2:len(b.HTTP.Body)-2], []byte(",\n  \"description\": \""+r+"\"\n}\n")...)
		return b, nil
	}
	m := New(a, "t", replan, styles.New(styles.DefaultTheme()))
	// j and k are letters of the reason here, not scroll keys.
	m, _ = keysAt(m, 80, 24, "j", "k")
	if m.Reason() != "jk" {
		t.Fatalf("reason = %q", m.Reason())
	}
	if off, _ := m.Scroll(); off != 0 {
		t.Fatalf("typing scrolled to %d", off)
	}
	// Arrows scroll; at the end, typing keeps the end in view.
	m, _ = keysAt(m, 80, 24, "end")
	m, _ = keysAt(m, 80, 24, "x", "y", "z")
	if off, n := m.Scroll(); off == 0 || !strings.Contains(m.View(80, 24), `"description": "jkxyz"`) {
		t.Fatalf("end not followed while typing (offset %d of %d):\n%s", off, n, m.View(80, 24))
	}
	if _, out := keysAt(m, 80, 24, "tab", "enter"); out != Confirmed {
		t.Fatalf("reason given, end seen, enter = %v", out)
	}
}

func TestProviderTextCannotDriveTheTerminal(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	evil := "Conn\x1b]52;c;SGVsbG8=\x07\x1b[2J\u009b31m\u202eevil\x1b]0;title\x07"
	a := model.Action{Title: "Approve " + evil, Risk: model.RiskHigh, ConfirmText: evil,
		HTTP: model.HTTPRequest{Method: "POST", Path: "/x/" + evil, Body: []byte(`{"name": "` + evil + "\"\n}\n\x1b[H")}}
	m := New(a, "fabric · "+evil, nil, styles.New(styles.DefaultTheme())).WithFacts(Fact{Label: "Charged" + evil, Value: evil})
	m, _ = keysAt(m, 80, 24, "x", "enter")
	for _, sz := range [][2]int{{80, 24}, {60, 20}, {200, 60}} {
		v := m.View(sz[0], sz[1])
		for _, bad := range []string{"\x1b", "\u009b", "\x07", "\u202e"} {
			if strings.Contains(v, bad) {
				t.Fatalf("%dx%d: %q reached the screen:\n%q", sz[0], sz[1], bad, v)
			}
		}
		if !strings.Contains(v, "␛") {
			t.Errorf("%dx%d: the escape is not made visible", sz[0], sz[1])
		}
	}
}

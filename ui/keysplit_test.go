package ui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func paste(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

// Keys read together (tmux send-keys -l jjj, a laggy link) arrive as one
// message of several runes: each must count.
func TestSeveralKeysInOneMessageEachCount(t *testing.T) {
	w := fake.New("p1", 50, 8, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.send(runes("jjj"))
	if c := l.TableView().Cursor(); c != 3 {
		t.Fatalf("jjj: cursor %d, want 3", c)
	}
	h.send(runes("jjk"))
	if c := l.TableView().Cursor(); c != 4 {
		t.Fatalf("jjk: cursor %d, want 4", c)
	}
	// Pane switch then movement, in order.
	h.send(runes("2jj"))
	if h.m.Active() != 1 || apprList(h).TableView().Cursor() != 2 {
		t.Fatalf("2jj: pane %d cursor %d", h.m.Active(), apprList(h).TableView().Cursor())
	}
	// In the detail view j/k scroll.
	h.size(120, 12)
	h.keys("enter")
	if !apprList(h).InDetail() {
		t.Fatal("enter did not open the detail view")
	}
	h.send(runes("jjj"))
	if !strings.Contains(h.view(), "lines 4–") {
		t.Errorf("jjj did not scroll the detail view three lines:\n%s", h.view())
	}
}

func TestSeveralRunesInATextInputAreTyped(t *testing.T) {
	w := fake.New("p1", 50, 8, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.keys("/")
	h.send(runes("jjj"))
	if c := l.TableView().Cursor(); c != 0 {
		t.Errorf("typing in the filter moved the cursor to %d", c)
	}
	h.keys("enter")
	if q := l.Table().Filter().Query; q != "jjj" {
		t.Fatalf("filter = %q, want jjj", q)
	}
	// The filter key and what follows in one read: the rest is typed.
	h.keys("esc")
	h.send(runes("/Conn"))
	h.keys("enter")
	if q := l.Table().Filter().Query; q != "Conn" {
		t.Fatalf("/Conn in one message: filter = %q", q)
	}
	// The palette takes them whole too.
	h.send(runes(":"))
	h.send(runes("pane"))
	if !h.m.PaletteOpen() || !strings.Contains(h.footer(), "pane") {
		t.Errorf("palette input lost the runes: %q", h.footer())
	}
}

func TestPasteNeverActsAsKeys(t *testing.T) {
	w := fake.New("p1", 50, 8, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.send(paste("jjjq2a"))
	if c := l.TableView().Cursor(); c != 0 || h.quit || h.m.Active() != 0 {
		t.Fatalf("paste acted as keys: cursor %d quit %v pane %d", c, h.quit, h.m.Active())
	}
	h.keys("/")
	h.send(paste("p1"))
	h.keys("enter")
	if q := l.Table().Filter().Query; q != "p1" {
		t.Fatalf("paste into the filter: %q", q)
	}
}

// A mutating key among several runes opens the dialog; nothing typed in
// the same read acts on it, and it is never confirmed.
func TestSeveralRunesWithAMutatingKeyNeverConfirm(t *testing.T) {
	for _, in := range []string{"ja", "jal", "jalh", "jaaa", "jal l"} {
		t.Run(in, func(t *testing.T) {
			w := fake.New("p1", 30, 6, 1)
			h := newHarness(t, ui.Options{}, w)
			h.keys("2")
			l := apprList(h)
			for _, part := range strings.Fields(in) {
				h.send(runes(part))
			}
			d := l.Flow.Dialog()
			if d == nil {
				t.Fatal("the dialog did not open")
			}
			if l.TableView().Cursor() != 1 {
				t.Errorf("j before a: cursor %d, want 1", l.TableView().Cursor())
			}
			if in != "jal l" && d.FocusOnConfirm() {
				t.Error("a key typed ahead of the dialog moved its focus")
			}
			if len(w.Calls()) != 0 {
				t.Fatalf("sent: %+v", w.Calls())
			}
		})
	}
	// Reject: the reason input takes the runes typed after x.
	w := fake.New("p1", 30, 6, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2")
	h.send(runes("xnope"))
	d := apprList(h).Flow.Dialog()
	if d == nil || d.Reason() != "nope" {
		t.Fatalf("reason after x in one message: dialog %v", d != nil)
	}
	if len(w.Calls()) != 0 {
		t.Fatal("sent")
	}
}

func TestSeveralRunesReadOnly(t *testing.T) {
	w := fake.New("p1", 30, 6, 1)
	h := newHarness(t, ui.Options{ReadOnly: true}, w)
	h.keys("2")
	h.send(runes("jaj"))
	l := apprList(h)
	if l.Flow.Active() || l.TableView().Cursor() != 2 {
		t.Fatalf("read-only jaj: dialog %v cursor %d", l.Flow.Active(), l.TableView().Cursor())
	}
	if !strings.Contains(h.footer(), "read-only") {
		t.Errorf("no read-only notice: %q", h.footer())
	}
}

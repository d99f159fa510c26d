package ui_test

import (
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

func palette(h *harness, line string) {
	h.keys(":")
	h.typeText(line)
	h.keys("enter")
}

func TestPaletteSwitchesPanes(t *testing.T) {
	h := newHarness(t, ui.Options{}, fake.New("p1", 20, 2, 1))
	palette(h, "approvals")
	if h.m.Active() != 1 || h.m.PaletteOpen() {
		t.Fatalf("active %d, open %v", h.m.Active(), h.m.PaletteOpen())
	}
	palette(h, "conn") // a unique prefix
	if h.m.Active() != 0 {
		t.Fatalf("active %d", h.m.Active())
	}
	palette(h, "nosuchthing")
	if !h.m.PaletteOpen() || !strings.Contains(h.footer(), `unknown command "nosuchthing"`) {
		t.Fatalf("unknown command: open %v footer %q", h.m.PaletteOpen(), h.footer())
	}
	h.keys("esc")
	if h.m.PaletteOpen() || h.m.Active() != 0 {
		t.Fatal("esc did not close the palette")
	}
	// While the palette is open, keys are its own: q types, it does not quit.
	h.keys(":")
	h.typeText("q")
	if h.quit {
		t.Fatal("q quit while typing in the palette")
	}
	h.keys("enter")
	if !h.quit {
		t.Fatal(":q did not quit")
	}
}

func TestPaletteFiltersAcrossPanes(t *testing.T) {
	w1, w2 := fake.New("fabric-prod", 60, 3, 1), fake.New("fabric-lab", 40, 4, 2)
	// One VLAN that is also a prefix and a substring of others.
	w1.Mutate(w1.Snapshot()[0].ID, func(c *model.Connection) { c.A.VLANs = []int{100} })
	w1.Mutate(w1.Snapshot()[1].ID, func(c *model.Connection) { c.A.VLANs = []int{1000} })
	w1.Mutate(w1.Snapshot()[2].ID, func(c *model.Connection) { c.A.VLANs = []int{2001}; c.Z.VLANs = []int{100} })
	h := newHarness(t, ui.Options{}, w1, w2)
	cl, al := connList(h), apprList(h)

	palette(h, "vlan 100")
	if q := cl.Table().Filter().Query; q != "vlan~=100" || al.Table().Filter().Query != "vlan~=100" {
		t.Fatalf("queries %q / %q", q, al.Table().Filter().Query)
	}
	if cl.Len() != 2 {
		t.Errorf("vlan 100 matched %d connections, want 2 (100 and 2001/100, not 1000)", cl.Len())
	}
	palette(h, "vlan 5000")
	if !strings.Contains(h.footer(), "usage: vlan N") {
		t.Errorf("bad vlan: %q", h.footer())
	}
	h.keys("esc")

	// A provider by unique prefix; terms on other fields stay, the
	// provider term replaces the previous one.
	palette(h, "provider fabric-l")
	if q := cl.Table().Filter().Query; q != "vlan~=100 provider==fabric-lab" {
		t.Errorf("query %q", q)
	}
	palette(h, "clear")
	palette(h, "provider fabric-prod")
	palette(h, "provider fabric-lab")
	if q := cl.Table().Filter().Query; q != "provider==fabric-lab" || cl.Len() != 40 {
		t.Errorf("query %q, %d rows", q, cl.Len())
	}
	palette(h, "provider fab")
	if !strings.Contains(h.footer(), "ambiguous") {
		t.Errorf("ambiguous provider: %q", h.footer())
	}
	h.keys("esc")
	palette(h, "provider nope")
	if !strings.Contains(h.footer(), "configured: fabric-prod, fabric-lab") {
		t.Errorf("unknown provider: %q", h.footer())
	}
	h.keys("esc")

	// Any column: ":state pending", shown on the pane that has it.
	h.keys("2")
	palette(h, "state pending")
	if h.m.Active() != 1 || !strings.Contains(al.Table().Filter().Query, "state=pending") {
		t.Errorf("active %d, approvals query %q", h.m.Active(), al.Table().Filter().Query)
	}
	palette(h, "clear")
	if cl.Table().Filter().Query != "" || al.Table().Filter().Query != "" {
		t.Error(":clear left a filter")
	}
}

func TestPaletteCompletionAndCapture(t *testing.T) {
	h := newHarness(t, ui.Options{ReadOnly: true}, fake.New("fabric-prod", 10, 2, 1))
	h.keys(":")
	h.typeText("pro")
	h.keys("tab")
	h.typeText("f")
	h.keys("tab")
	if !strings.Contains(h.footer(), ":provider fabric-prod") {
		t.Errorf("completion: %q", h.footer())
	}
	h.keys("esc")
	// ":" typed into the filter is text, not the palette.
	h.keys("/")
	h.typeText("a:b")
	if h.m.PaletteOpen() || connList(h).Table().Filter().Query != "a:b" {
		t.Errorf("palette opened from the filter input (query %q)", connList(h).Table().Filter().Query)
	}
	h.keys("esc")
	h.keys("?")
	if !strings.Contains(h.view(), "command palette") {
		t.Error("help does not list the palette")
	}
}

package ui_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/ipam"
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

// vlanIPAM is an IPAM with two blocks on two VLANs.
type vlanIPAM struct{ emptyIPAM }

func (vlanIPAM) Blocks(context.Context, model.BlockQuery, *model.Progress) ([]model.Block, error) {
	b := func(id int64, cidr string, vlan int) model.Block {
		return model.Block{Provider: "ipam", ID: id, Family: model.IPv4, Prefix: netip.MustParsePrefix(cidr), Status: model.BlockAssigned,
			Assigned: true, Leaf: true, VLAN: vlan}
	}
	return []model.Block{b(1, "10.0.0.0/24", 1140), b(2, "10.0.1.0/24", 1141)}, nil
}

// :vlan reaches every pane with VLANs (connections, IPAM blocks, the
// inventory), replaces only an earlier vlan term and says so.
func TestPaletteVLANReachesEveryPane(t *testing.T) {
	w := fake.New("ix-demo", 20, 2, 1)
	w.Mutate(w.Snapshot()[0].ID, func(c *model.Connection) { c.A.VLANs = []int{1101} })
	st := fakestats.New("ix-demo", clock)
	src := w.Source()
	ms := st.ModelSource()
	src.Inventory, src.IPAM = ms.Inventory, vlanIPAM{}
	h := newHarnessSources(t, ui.Options{}, src)
	h.size(400, 40) // room for the whole toast
	h.keys("/")
	h.typeText("state=pending")
	h.keys("enter")
	palette(h, "vlan 1101")
	cl := connList(h)
	if q := cl.Table().Filter().Query; q != "state=pending vlan~=1101" {
		t.Errorf("Connections query %q: the vlan term is added, other terms stay", q)
	}
	palette(h, "vlan 1102")
	if q := cl.Table().Filter().Query; q != "state=pending vlan~=1102" {
		t.Errorf("Connections query %q: the vlan term replaced", q)
	}
	f := h.footer()
	for _, s := range []string{"vlan~=1102 replaces any vlan term, other terms kept", "Connections /state=pending vlan~=1102", "IPAM /vlan~=1102", "Inventory /vlan~=1102"} {
		if !strings.Contains(f, s) {
			t.Errorf("toast lacks %q: %q", s, f)
		}
	}
	palette(h, "vlan 1140")
	ip := h.m.Panes()[paneIndex(t, h, "IPAM")].(*ipam.Pane)
	if rows, _, _ := ip.Browser(); len(rows) != 1 || ip.CurrentView() != ipam.ViewBlocks {
		t.Errorf("IPAM: %d block rows in view %s, want the one on VLAN 1140 in Blocks", len(rows), ip.CurrentView())
	}
	palette(h, "vlan 1102") // LAGs on even ports carry 1100, 1102 …
	inv := h.m.Panes()[paneIndex(t, h, "Inventory")].(*inventory.Pane)
	var lags int
	for _, r := range inv.Rows() {
		if strings.HasPrefix(r, "LAG ") {
			lags++
		}
	}
	if lags == 0 || len(inv.Rows()) == 0 {
		t.Errorf("Inventory: no LAG on VLAN 1102 shown: %v", inv.Rows())
	}
	palette(h, "clear")
	if rows, _, _ := ip.Browser(); len(rows) != 2 || cl.Table().Filter().Query != "" {
		t.Errorf(":clear left filters (IPAM rows %d, query %q)", len(rows), cl.Table().Filter().Query)
	}
}

func TestPaletteHistoryAndCandidates(t *testing.T) {
	h := newHarness(t, ui.Options{}, fake.New("fabric-prod", 10, 2, 1), fake.New("fabric-lab", 10, 2, 2), fake.New("ix-fra", 10, 2, 3))
	palette(h, "vlan 100")
	palette(h, "approvals")
	h.keys(":", "up")
	if !strings.Contains(h.footer(), ":approvals") {
		t.Errorf("↑: %q", h.footer())
	}
	h.keys("up")
	if !strings.Contains(h.footer(), ":vlan 100") {
		t.Errorf("↑↑: %q", h.footer())
	}
	h.keys("up") // nothing older: stays
	h.keys("down", "down")
	if f := h.footer(); !strings.Contains(f, "(tab completes)") { // the placeholder: the line is empty
		t.Errorf("↓↓ back to the empty line: %q", f)
	}
	h.keys("up", "enter")
	if h.m.Active() != 1 {
		t.Errorf("the recalled line did not run: active %d", h.m.Active())
	}
	// Tab after "provider " lists what can follow; a shared prefix completes.
	h.keys(":")
	h.typeText("provider ")
	h.keys("tab")
	for _, n := range []string{"fabric-prod", "fabric-lab", "ix-fra"} {
		if !strings.Contains(h.footer(), n) {
			t.Errorf("tab after provider: %q lacks %s", h.footer(), n)
		}
	}
	h.typeText("f")
	h.keys("tab")
	if f := h.footer(); !strings.Contains(f, ":provider fabric-") || !strings.Contains(f, "fabric-prod  fabric-lab") {
		t.Errorf("tab after provider f: %q", f)
	}
	h.keys("esc")
}

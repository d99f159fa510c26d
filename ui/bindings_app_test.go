package ui_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/ipam"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/traffic"
)

// [keys.approvals] approve = ["A"]: A approves in Approvals, a still does
// in Connections, and A stays smart-assign in IPAM; the footer and the ?
// overlay say the same.
func TestPerPaneKeyBinding(t *testing.T) {
	w := fake.New("p1", 20, 2, 1)
	src := w.Source()
	src.IPAM = emptyIPAM{}
	h := newHarnessSources(t, ui.Options{PaneKeys: map[string]map[string][]string{"approvals": {"approve": {"A"}}}}, src)

	h.keys("2")
	if f := h.footer(); !strings.Contains(f, "A approve") || strings.Contains(f, "a approve") {
		t.Errorf("Approvals footer = %q", f)
	}
	h.keys("a") // not approve here any more
	if apprList(h).Flow.Active() {
		t.Fatal("a still approves in Approvals")
	}
	h.keys("A")
	d := apprList(h).Flow.Dialog()
	if d == nil || d.Action().Request.Kind != model.ActionApprove {
		t.Fatalf("A in Approvals: dialog %v", d)
	}
	h.keys("esc")
	h.keys("?")
	if v := h.view(); !strings.Contains(v, "A approve") {
		t.Errorf("help does not show A approve:\n%s", v)
	}
	h.keys("esc")

	h.keys("1", "/")
	h.typeText("state==pending")
	h.keys("enter", "a")
	if d := connList(h).Flow.Dialog(); d == nil || d.Action().Request.Kind != model.ActionApprove {
		t.Fatalf("a in Connections: dialog %v", d)
	}
	h.keys("esc")

	h.keys("3")
	ip, ok := h.m.Panes()[2].(*ipam.Pane)
	if !ok {
		t.Fatalf("pane 3 is %T", h.m.Panes()[2])
	}
	h.keys("A")
	if !ip.FormOpen() || !strings.Contains(h.view(), "Smart-assign a block") {
		t.Errorf("A in IPAM did not open the smart-assign form:\n%s", h.view())
	}
	h.keys("esc")
	if len(w.Calls()) != 0 {
		t.Fatal("something was sent")
	}
}

// A provider with read_only = true: its rows offer no mutation (footer,
// CAN column), pressing the key says why, the ? overlay too; the other
// provider's rows still work.
func TestPerProviderReadOnly(t *testing.T) {
	ro, rw := fake.New("locked", 10, 2, 1), fake.New("open", 10, 2, 2)
	rs := ro.Source()
	rs.ReadOnly = true
	h := newHarnessSources(t, ui.Options{}, rs, rw.Source())
	h.keys("2")
	if st := h.status(); !strings.Contains(st, "read-only") || strings.Index(st, "read-only") > strings.Index(st, "open") {
		t.Errorf("status bar does not mark the read-only provider: %q", st)
	}
	l := apprList(h)
	for _, r := range l.Table().All() {
		c := r.Item.(*model.Connection)
		can := r.Cells[len(r.Cells)-1]
		if c.Provider == "locked" && can != "" {
			t.Errorf("%s: CAN = %q on a read-only provider", c.Name, can)
		}
		if c.Provider == "open" && can == "" {
			t.Errorf("%s: CAN empty on a writable provider", c.Name)
		}
	}
	h.keys("/")
	h.typeText("provider==locked")
	h.keys("enter")
	if f := helpKeys(l); strings.Contains(f, "approve") || strings.Contains(f, "reject") {
		t.Errorf("footer offers mutations on a read-only provider: %q", f)
	}
	h.keys("a")
	if f := h.footer(); f != "read-only: approvals disabled (read_only = true for locked)" {
		t.Errorf("a on a read-only provider: %q", f)
	}
	h.keys("?")
	if v := strings.Join(strings.Fields(strings.ReplaceAll(h.view(), "│", "")), " "); !strings.Contains(v, "read-only: approve (a), reject (x)") ||
		!strings.Contains(v, "(read_only = true for locked)") {
		t.Errorf("help does not say why:\n%s", h.view())
	}
	h.keys("esc", "esc") // help, then the filter
	h.keys("/")
	h.typeText("provider==open")
	h.keys("enter")
	if !strings.Contains(helpKeys(l), "a approve") {
		t.Errorf("writable provider's footer: %q", helpKeys(l))
	}
	h.keys("a", "tab", "enter")
	if calls := rw.Calls(); len(calls) != 1 || calls[0].Request.Kind != model.ActionApprove {
		t.Fatalf("writable provider: calls %+v", calls)
	}
	if len(ro.Calls()) != 0 {
		t.Fatal("the read-only provider was sent something")
	}
}

// The peers key is offered only where a peer list exists: not on a
// port's graph (where it used to say "not supported" afterwards).
func TestPeersKeyOnlyWhereItWorks(t *testing.T) {
	w := fake.New("ix-demo", 10, 0, 3)
	st := fakestats.New("ix-demo", clock)
	st.PeerRefType = "network-service-config"
	src := w.Source()
	ms := st.ModelSource()
	src.Stats, src.Peers, src.Inventory = ms.Stats, ms.Peers, ms.Inventory
	h := newHarnessSources(t, ui.Options{}, src)
	inv := paneIndex(t, h, "Inventory")
	h.keys(string(rune('1' + inv)))
	ip := h.m.Panes()[inv].(*inventory.Pane)
	h.keys("down", "down", "right", "right", "right", "right")
	if n, _, _ := ip.Selected(); n == nil || n.Kind != "port" {
		t.Fatalf("not on a port: %+v", n)
	}
	h.keys("g")
	settle(h)
	tp := h.m.Panes()[paneIndex(t, h, "Traffic")].(*traffic.Pane)
	if _, ok := tp.Graph(); !ok {
		t.Fatal("no graph")
	}
	if f := paneFooter(tp); strings.Contains(f, "peers") {
		t.Errorf("port graph offers peers: %q", f)
	}
	h.keys("p")
	if f := h.footer(); !strings.Contains(f, "peers exist for a network service config") || tp.Depth() != 1 {
		t.Errorf("p on a port graph: %q (depth %d)", f, tp.Depth())
	}
	if st.PeerCalls != 0 {
		t.Error("p on a port asked the provider for peers")
	}
	// Where peers exist the key is offered and works.
	st.PeerRefType = ""
	h.send(traffic.OpenMsg{Target: traffic.Target{Source: "ix-demo", Ref: model.Ref{Provider: "ix-demo", Type: "network-service-config", ID: "nsc-1"}}})
	settle(h)
	if f := paneFooter(tp); !strings.Contains(f, "p peers") {
		t.Errorf("config graph lacks peers: %q", f)
	}
}

// paneFooter is a pane's footer keys as text (a toast may cover the
// footer itself).
func paneFooter(p pane.Pane) string {
	var parts []string
	for _, b := range p.Keys().ShortHelp(0) {
		parts = append(parts, b.Help().Key+" "+b.Help().Desc)
	}
	return strings.Join(parts, " • ")
}

// Every built-in pane's ID is a key scope, so [keys.<id>] can bind in it.
func TestEveryPaneIsAKeyScope(t *testing.T) {
	h := fivePanes(t, ui.Options{}, 0)
	for _, p := range h.m.Panes() {
		if !slices.Contains(keys.Panes, keys.Scope(p.ID())) {
			t.Errorf("pane %s (%s) is not in keys.Panes", p.ID(), p.Title())
		}
		if p.Keys().Scope != keys.Scope(p.ID()) {
			t.Errorf("pane %s: table scope %q", p.ID(), p.Keys().Scope)
		}
	}
}

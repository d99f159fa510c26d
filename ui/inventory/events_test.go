package inventory

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
)

func TestEventsOfAServerNewestFirstFiltered(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("web-01")
	r.do(r.press("e"))
	open, evs := r.p.EventsOpen()
	if !open {
		t.Fatalf("e opened no list: %q", r.toasts)
	}
	if len(r.s.EvReads) != 1 || r.s.EvReads[0] != (model.Ref{Provider: "metal-demo", Type: "device", ID: "d-web", Name: "web-01"}) {
		t.Fatalf("asked for %+v", r.s.EvReads)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	if strings.Join(ids, ",") != "ev-3,ev-4,ev-2,ev-1" {
		t.Errorf("order %v, want newest first", ids)
	}
	v := r.p.View()
	if strings.Contains(v, "\x1b[31m") {
		t.Error("provider escape sequences reached the screen")
	}
	if !strings.Contains(v, "bgp_session.down") || !strings.Contains(v, "2025-03-14 09:25:00") {
		t.Errorf("view:\n%s", v)
	}
	// enter shows one event whole; esc goes back to the list.
	r.press("down", "enter")
	if v := r.p.View(); !strings.Contains(v, "port.bonded") || !strings.Contains(v, "ev-4") || !strings.Contains(v, "device d-web") {
		t.Errorf("event detail:\n%s", v)
	}
	r.press("esc")
	if open, _ := r.p.EventsOpen(); !open || !strings.Contains(r.p.View(), "TIME (UTC)") {
		t.Fatalf("esc from the event did not return to the list:\n%s", r.p.View())
	}
	r.press("home")
	// / filters; the filter language applies (type=…).
	r.press("/")
	if !r.p.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	r.typeText("type=bgp")
	r.press("enter")
	if _, evs := r.p.EventsOpen(); len(evs) != 1 || evs[0].ID != "ev-3" {
		t.Errorf("filtered: %+v", evs)
	}
	if !strings.Contains(r.p.View(), "(1 of 4, newest first)") {
		t.Errorf("filtered title:\n%s", r.p.View())
	}
	// esc clears the filter, then closes the list.
	r.press("esc")
	if _, evs := r.p.EventsOpen(); len(evs) != 4 {
		t.Errorf("esc did not clear the filter: %d", len(evs))
	}
	r.press("esc")
	if open, _ := r.p.EventsOpen(); open {
		t.Error("second esc did not close the list")
	}
	if n, _, _ := r.p.Selected(); n == nil || !strings.HasPrefix(n.Label, "web-01") {
		t.Errorf("the tree lost its selection: %+v", n)
	}
}

func TestEventsKeyOffWhereThereAreNone(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("sjc1")
	r.do(r.press("e"))
	if open, _ := r.p.EventsOpen(); open || !strings.Contains(r.lastToast(), "no events of a facility") {
		t.Fatalf("e on a facility: open %v toast %q", open, r.lastToast())
	}
	// A project lists its events; a failed read shows why and keeps the list.
	r.goTo("prod")
	r.s.EvErr = errors.New("HTTP 503: maintenance")
	r.do(r.press("e"))
	if open, _ := r.p.EventsOpen(); !open || !strings.Contains(r.p.View(), "maintenance") {
		t.Fatalf("failed read:\n%s", r.p.View())
	}
	r.s.EvErr = nil
	r.do(r.press("e")) // e again reloads
	if _, evs := r.p.EventsOpen(); len(evs) != 4 || strings.Contains(r.p.View(), "maintenance") {
		t.Errorf("reload: %d events\n%s", len(evs), r.p.View())
	}
	if got := r.s.EvReads; len(got) != 2 || got[1].Type != "project" {
		t.Errorf("reads %+v", got)
	}
}

func TestGoldenEvents(t *testing.T) {
	r := newServerRig(t, false, false)
	r.p.SetSize(100, 12)
	r.goTo("web-01")
	r.do(r.press("e"))
	golden.RequireEqual(t, []byte(r.p.View()))
}

func TestGoldenServerTree(t *testing.T) {
	r := newServerRig(t, false, false)
	r.p.SetSize(110, 16)
	r.goTo("eth1") // expands project › facility › server › bond
	golden.RequireEqual(t, []byte(r.p.View()))
}

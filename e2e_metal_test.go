package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/hub"
	"github.com/noctop/noctop/providers/sim"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/mutate"
)

// Metal end to end, against the simulator over HTTP through the
// registry's audit and read-only guards: a circuit waiting on a customer
// VLAN is resolved from Approvals (the dialog shows the PUT with the
// proposed virtual network), another circuit's VLAN is changed from
// Inventory, a third is deleted from Connections by typing its name; each
// is re-read and followed until it settles as the simulated world moves.
func TestEndToEndMetalCircuits(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	old := mutate.FollowDelays
	mutate.FollowDelays = []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}
	defer func() { mutate.FollowDelays = old }()
	clock := sim.NewFakeClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	still := sim.StillTiming()
	d, err := providers.StartDemo(providers.DemoOptions{Clock: clock, Timing: &still})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	auditPath := filepath.Join(t.TempDir(), "audit.log")
	al, err := audit.Open(auditPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	srcs, err := providers.Build(d.Providers, providers.Options{Audit: al})
	if err != nil {
		t.Fatal(err)
	}
	var met model.Source
	for _, s := range srcs {
		if s.Kind == "metal" {
			met = s
		}
	}
	conns, err := met.Connections.Connections(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var waiting, change, del *model.Connection
	for i := range conns {
		c := &conns[i]
		switch {
		case c.Type != "vlan-vc" || strings.Contains(c.A.Account, "readonly"):
		case waiting == nil && c.RawState == "waiting_on_customer_vlan" && c.HasAction(model.ActionApprove):
			waiting = c
		case c.RawState == "active" && c.HasAction(model.ActionDecommission) && len(c.A.VLANs) == 1:
			if change == nil {
				change = c
			} else if del == nil && c.Name != change.Name {
				del = c
			}
		}
	}
	if waiting == nil || change == nil || del == nil {
		t.Fatalf("the simulator lacks the circuits: waiting %v, active %v %v", waiting != nil, change != nil, del != nil)
	}
	// A free Metro VLAN of change's project, as the provider proposes one.
	prop, err := met.Planner.(model.ActionPreparer).Prepare(context.Background(), model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: met.Name, ID: change.ID}})
	if err != nil || prop.Params[model.ParamVLAN] == "" {
		t.Fatalf("no free Metro VLAN for %s: %v", change.Name, err)
	}
	newVLAN := prop.Params[model.ParamVLAN]

	h := hub.New(srcs, hub.Options{Interval: time.Hour})
	defer h.Close()
	m := ui.New(ui.Options{Hub: h, Now: clock.Now, Refresh: time.Hour, AuditPath: auditPath}, srcs)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(200, 50))
	wait := func(what string, ok func(string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return ok(string(b)) },
			teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(25*time.Millisecond))
	}
	contains := func(s string) func(string) bool { return func(b string) bool { return strings.Contains(b, s) } }
	keys := func(s string) { tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }
	key := func(k tea.KeyType) { tm.Send(tea.KeyMsg{Type: k}) }
	// settle advances the simulated world past provisioning while the
	// dialog's circuit is followed, until the line says it settled.
	settle := func(what string) {
		t.Helper()
		wait(what+": following", contains("following: still"))
		clock.Advance(time.Minute)
		wait(what+": settled", contains("settled after"))
	}

	wait("connections loaded", contains("metal-demo ● ok"))

	// 1. Approvals: the circuit waiting on a customer VLAN.
	keys("2")
	keys("/")
	keys("name==" + waiting.Name)
	key(tea.KeyEnter)
	wait("waiting circuit listed", contains("set VLAN"))
	keys("a")
	wait("set-VLAN dialog with the PUT", contains("PUT /virtual-circuits/"+waiting.ID))
	key(tea.KeyEnd)
	key(tea.KeyTab)
	key(tea.KeyEnter)
	settle("approved circuit")

	// 2. Inventory: another circuit's VLAN, typed.
	keys("4")
	keys("/")
	keys(change.Name)
	key(tea.KeyEnter)
	wait("circuit in the tree", contains("/"+change.Name))
	keys("v")
	wait("update dialog", contains("type the new Metal VLAN"))
	keys(newVLAN)
	wait("the PUT with the typed VLAN", contains(`"vnid": "`+newVLAN+`"`))
	key(tea.KeyEnd)
	key(tea.KeyTab)
	key(tea.KeyEnter)
	settle("changed circuit")

	// 3. Connections: delete a circuit, typing its name.
	keys("1")
	keys("/")
	keys("name==" + del.Name)
	key(tea.KeyEnter)
	wait("circuit to delete", contains("(1/"))
	keys("D")
	wait("delete dialog", contains("Type "+del.Name+" to confirm"))
	keys(del.Name)
	key(tea.KeyEnd)
	key(tea.KeyTab)
	key(tea.KeyEnter)
	wait("deletion following", contains("following: still deleting"))
	clock.Advance(time.Minute)
	wait("gone", contains("now: gone (404)"))
	keys("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	ctx := context.Background()
	if c, err := met.Connection.Connection(ctx, waiting.ID); err != nil || (c.RawState != "active" && c.RawState != "activation_failed") {
		t.Errorf("%s is %s (%v), want settled", waiting.Name, c.RawState, err)
	}
	if c, err := met.Connection.Connection(ctx, change.ID); err != nil || len(c.A.VLANs) != 1 || c.A.VLANs[0] == change.A.VLANs[0] {
		t.Errorf("%s VLANs %v (%v), want %s", change.Name, c.A.VLANs, err, newVLAN)
	}
	if _, err := met.Connection.Connection(ctx, del.ID); err == nil {
		t.Errorf("%s still there", del.Name)
	}
	raw, _ := os.ReadFile(auditPath)
	for _, want := range []string{waiting.ID, change.ID, del.ID, `"PUT"`, `"DELETE"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("audit log lacks %s:\n%s", want, raw)
		}
	}
}

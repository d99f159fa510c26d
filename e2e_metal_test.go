package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/mutate"
)

// Metal end to end, against the simulator over HTTP through the
// registry's audit and read-only guards: a circuit waiting on a customer
// VLAN is resolved from Approvals (the dialog shows the PUT with the
// proposed virtual network), another circuit's VLAN is changed from
// Inventory, a third is deleted from Connections by typing its name; each
// is re-read and followed until it settles as the simulated world moves.
func TestEndToEndMetalCircuits(t *testing.T) {
	old := mutate.FollowDelays
	mutate.FollowDelays = []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}
	defer func() { mutate.FollowDelays = old }()
	e := startE2EDemo(t)
	clock, auditPath := e.clock, e.auditPath
	met := e.source("metal")
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

	tm, wait, keys := e.program(t, 200, 50)
	contains := screenHas
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

package main

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/packet"
)

// The Packet server actions end to end: the simulator on loopback, the
// real client, the registry's audit guard and the program. In Inventory
// the operator disbonds eth1 of a server (the dialog shows the POST and
// what bulk_disable would do), sees the port re-read, then powers the
// server off by typing its hostname; the audit log has both, and the
// provider agrees.
func TestEndToEndPacketDisbondAndPowerOff(t *testing.T) {
	e := startE2EDemo(t)
	auditPath := e.auditPath
	pk := e.source("packet")
	if pk.Inventory == nil {
		t.Fatal("the demo has no packet provider")
	}
	host, portID := activeBondedServer(t, pk)

	tm, wait, keys := e.program(t, 230, 45)
	contains := screenHas
	send := func(k tea.KeyType) { tm.Send(tea.KeyMsg{Type: k}) }

	wait("connections loaded", contains("Connections ("))
	keys("4")
	wait("inventory", contains("Inventory ("))
	keys("/")
	keys(host)
	send(tea.KeyEnter)
	wait("filtered to the server", contains("/"+host+" "))
	send(tea.KeyDown) // the server, then bond0, eth0, eth1
	send(tea.KeyDown)
	send(tea.KeyDown)
	keys("B")
	wait("disbond dialog with the exact request", contains("POST /ports/"+portID+"/disbond", "bulk_disable  false: only eth1 leaves bond0"))
	send(tea.KeyTab)
	send(tea.KeyEnter)
	wait("the port re-read", contains("✓ disbond eth1 of "+host, "now eth1 · not bonded"))

	send(tea.KeyUp) // back to the server
	send(tea.KeyUp)
	send(tea.KeyUp)
	keys("P")
	wait("power-off dialog", contains("actions?type=power_off", "Type "+host+" to confirm"))
	keys(host)
	send(tea.KeyTab)
	send(tea.KeyEnter)
	wait("the server re-read", contains("✓ power off "+host, "(powering_off)"))
	keys("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	nodes, err := pk.Inventory.Inventory(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, bond := findServer(nodes, host)
	if srv == nil || srv.RawState != "powering_off" {
		t.Errorf("the provider says the server is %+v", srv)
	}
	if len(bond.Children) < 2 || !strings.Contains(bond.Children[1].Label, "not bonded") {
		t.Errorf("after the disbond the provider says %+v", bond.Children)
	}
	raw, _ := os.ReadFile(auditPath)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], portID) || !strings.Contains(lines[2], "power_off") {
		t.Fatalf("audit log:\n%s", raw)
	}
	if bytes.Contains(raw, []byte(packet.DemoToken)) {
		t.Fatal("the token in the audit log")
	}
}

// activeBondedServer is an active Packet server whose eth1 can leave
// its bond0.
func activeBondedServer(t *testing.T, s model.Source) (host, portID string) {
	t.Helper()
	nodes, err := s.Inventory.Inventory(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ns []model.Node) bool
	walk = func(ns []model.Node) bool {
		for _, n := range ns {
			if n.Kind == "server" && n.RawState == "active" && len(n.Children) > 0 {
				b := n.Children[0]
				if b.Ref.Name == "bond0" && len(b.Children) == 2 && b.Children[1].Ref.Name == "eth1" &&
					slices.Contains(b.Children[1].Actions, model.ActionDisbondPort) && slices.Contains(n.Actions, model.ActionPowerOff) {
					host, portID = n.Ref.Name, b.Children[1].Ref.ID
					return true
				}
			}
			if walk(n.Children) {
				return true
			}
		}
		return false
	}
	if !walk(nodes) {
		t.Fatal("no active packet server with an eth1 to disbond")
	}
	return host, portID
}

func findServer(ns []model.Node, host string) (*model.Node, *model.Node) {
	for i := range ns {
		n := &ns[i]
		if n.Kind == "server" && n.Ref.Name == host {
			if len(n.Children) > 0 {
				return n, &n.Children[0]
			}
			return n, &model.Node{}
		}
		if s, b := findServer(n.Children, host); s != nil {
			return s, b
		}
	}
	return nil, nil
}

package main

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/noctop/noctop/model"
)

// The whole stack, end to end: simulators on loopback, real clients over
// HTTP, the registry's audit/read-only guards, and the Bubble Tea program.
// The operator approves the oldest pending Fabric connection through the
// dialog; the provider's answer (never assumed) shows the new state, and
// once the simulated world has provisioned it, a refresh shows it active.
func TestEndToEndApproveAgainstSimulator(t *testing.T) {
	e := startE2EDemo(t)
	clock, auditPath := e.clock, e.auditPath
	fab := e.source("fabric")
	target := oldestWaitingCreation(t, fab)

	tm, wait, keys := e.program(t, 230, 45)
	contains := screenHas

	wait("connections loaded", contains("Connections ("))
	keys("2")
	wait("approvals pane", contains("Approvals ("))
	// Narrow the approvals to the target so the cursor is on it.
	keys("/")
	keys(target.Name)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("filtered to the target", contains("(1/"))
	keys("a")
	wait("confirmation dialog with the exact request", func(b string) bool {
		return strings.Contains(b, "/fabric/v4/connections/"+target.ID+"/actions") && strings.Contains(b, "CONNECTION_CREATION_ACCEPTANCE")
	})
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("re-read shows provisioning", contains("now: provisioning"))

	// The simulated world finishes provisioning; a refresh shows it active.
	clock.Advance(30 * time.Second)
	keys("1")
	keys("/")
	keys(target.Name)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	keys("r")
	// The renderer repaints only changed lines: the row is painted once
	// when it turns active, while the title (which carries the filter,
	// the name, and a spinner while other providers refresh) is painted
	// again and again. So look for the row's own line, not the last
	// mention of the name.
	wait("active after refresh", func(b string) bool {
		name := target.Name[:min(len(target.Name), 18)]
		for _, line := range strings.Split(b, "\n") {
			if strings.Contains(line, name) && strings.Contains(line, " active ") && !strings.Contains(line, "Connections (") {
				return true
			}
		}
		return false
	})
	keys("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	got, err := fab.Connection.Connection(context.Background(), target.ID)
	if err != nil || got.State != model.StateActive {
		t.Fatalf("after approval the provider says %v (%v)", got.State, err)
	}
	raw, _ := os.ReadFile(auditPath)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"outcome":"ok"`) || !strings.Contains(lines[0], target.ID) {
		t.Fatalf("audit log:\n%s", raw)
	}
	if bytes.Contains(raw, []byte("noctop-demo-secret")) {
		t.Fatal("credential in the audit log")
	}
}

func oldestWaitingCreation(t *testing.T, s model.Source) model.Connection {
	t.Helper()
	conns, err := s.Connections.Connections(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var waiting []model.Connection
	for _, c := range conns {
		if c.Pending != nil && c.Pending.WaitingOnUs && c.Pending.Kind == model.ChangeCreation && c.HasAction(model.ActionApprove) {
			waiting = append(waiting, c)
		}
	}
	if len(waiting) == 0 {
		t.Fatal("the simulator has no creation waiting for approval")
	}
	sort.Slice(waiting, func(i, j int) bool { return waiting[i].Pending.Since.Before(waiting[j].Pending.Since) })
	return waiting[0]
}

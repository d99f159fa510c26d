package ui_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// The Inventory pane over a bare-metal provider, in the whole app: the
// server tree with its roll-up, the footer's port keys, the events list
// and the power-off dialog. Update with
//   go test ./ui/ -run TestGoldenServers -update

func serversHarness(t *testing.T, opts ui.Options) (*harness, *fake.Servers) {
	t.Helper()
	s := fake.NewServers("packet-demo")
	h := newHarnessSources(t, opts, s.Source(false))
	// Down to eth1: project, facility, web-01, bond0 open on the way.
	h.keys("3", "down", "right", "right", "right", "right", "right", "right", "right", "right", "down")
	if !strings.Contains(h.line("> "), "eth1") {
		t.Fatalf("cursor not on eth1:\n%s", h.view())
	}
	return h, s
}

func TestGoldenServersTree(t *testing.T) {
	h, _ := serversHarness(t, demoOpts())
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenServersEvents(t *testing.T) {
	h, _ := serversHarness(t, demoOpts())
	h.keys("up", "up", "up", "e") // web-01's events
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenServersPowerOffDialog(t *testing.T) {
	h, s := serversHarness(t, demoOpts())
	h.keys("up", "up", "up", "P")
	h.typeText("web-0")
	golden.RequireEqual(t, []byte(h.view()))
	if len(s.SentPaths()) != 0 {
		t.Fatal("sent before confirming")
	}
}

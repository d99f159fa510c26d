package ui_test

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

func withAsyncBuild(t *testing.T, n int) {
	old := connections.AsyncBuild
	connections.AsyncBuild = n
	t.Cleanup(func() { connections.AsyncBuild = old })
}

// Large loads build rows in a command; the app must end up identical.
func TestAsyncRowBuildThroughTheApp(t *testing.T) {
	withAsyncBuild(t, 1)
	w := fake.New("p1", 300, 10, 1)
	h := newHarness(t, ui.Options{}, w)
	if got := connList(h).Table().Total(); got != 300 {
		t.Fatalf("rows = %d", got)
	}
	if got := apprList(h).Table().Total(); got != 30 {
		t.Fatalf("approvals = %d", got)
	}
	h.keys("down", "down")
	sel := selectedKey(connList(h))
	w.Mutate(w.Snapshot()[0].ID, func(c *model.Connection) { c.Status = "X" })
	h.keys("r")
	if got := selectedKey(connList(h)); got != sel {
		t.Fatalf("cursor moved from %s to %s", sel, got)
	}
}

// A build for data that a newer refresh replaced must be dropped.
func TestAsyncBuildSupersededIsDropped(t *testing.T) {
	withAsyncBuild(t, 1)
	w := fake.New("p1", 50, 0, 1)
	now := func() time.Time { return fixedNow }
	fh := fakehub.New(now, w.Source())
	ctx := &pane.Context{Sources: []model.Source{w.Source()}, Hub: fh, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: now}
	p := connections.New(ctx).(*connections.Pane)
	k := pane.Key("p1", pane.ResConnections)
	deliver := func(cs []model.Connection) func() any {
		fh.Set(k, cs)
		_, cmd := p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
		if cmd == nil {
			t.Fatal("no build command")
		}
		return func() any { return cmd() }
	}
	a := w.Snapshot()
	b := w.Snapshot()[:20]
	buildA := deliver(a)
	if !p.List().Building() {
		t.Fatal("not building")
	}
	buildB := deliver(b)
	p.Update(buildA()) // stale: must not install 50 rows
	if got := p.List().Table().Total(); got != 0 {
		t.Fatalf("superseded build installed %d rows", got)
	}
	p.Update(buildB())
	if got := p.List().Table().Total(); got != 20 || p.List().Building() {
		t.Fatalf("current build: %d rows, building=%v", got, p.List().Building())
	}
}

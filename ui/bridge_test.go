package ui

import (
	"context"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakehub"
)

// The bridge is one blocking command per wake-up: changes made before it
// runs come as one message (coalesced per resource, DataChanged kept), and
// it ends, with nothing, when the session quits or the hub closes.
func TestBridge(t *testing.T) {
	now := func() time.Time { return time.Unix(0, 0) }
	a := model.ResourceKey{Provider: "p", Resource: model.ResConnections}
	b := model.ResourceKey{Provider: "q", Resource: model.ResConnections}
	run := func(cmd func() any) (any, bool) {
		got := make(chan any, 1)
		go func() { got <- cmd() }()
		select {
		case m := <-got:
			return m, true
		case <-time.After(200 * time.Millisecond):
			return nil, false
		}
	}
	h := fakehub.New(now)
	h.Define(a)
	h.Define(b)
	sub := h.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	h.Set(a, []model.Connection{{ID: "1"}})
	h.Fail(a, context.DeadlineExceeded) // a status change after a data change
	h.Set(b, []model.Connection{{ID: "2"}})
	m, ok := run(func() any { return bridge(ctx, sub)() })
	hm, isHub := m.(hubMsg)
	if !ok || !isHub || len(hm.changes) != 2 || hm.changes[0].Key != a || !hm.changes[0].DataChanged || hm.changes[1].Key != b {
		t.Fatalf("first wake-up = %+v (returned %v)", m, ok)
	}
	if _, ok := run(func() any { return bridge(ctx, sub)() }); ok {
		t.Fatal("the bridge returned with nothing changed")
	}

	// Quit: the command waiting returns nil.
	waiting := make(chan any, 1)
	go func() { waiting <- bridge(ctx, sub)() }()
	cancel()
	select {
	case m := <-waiting:
		if m != nil {
			t.Fatalf("after quit: %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the bridge outlived the session")
	}

	// The hub closing ends it too.
	sub2 := h.Subscribe()
	go func() { waiting <- bridge(context.Background(), sub2)() }()
	h.Close()
	select {
	case m := <-waiting:
		if m != nil {
			t.Fatalf("after the hub closed: %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the bridge outlived the hub")
	}
}

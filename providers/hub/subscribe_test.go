package hub

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// A subscriber that never reads blocks nothing: the hub goes on, another
// subscriber keeps hearing, and the slow one holds at most one change per
// resource, which says what to re-read.
func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	a, b := newFake("a", 2), newFake("b", 2)
	h := newHub(t, Options{Interval: time.Second}, a.source(), b.source())
	slow, fast := h.Subscribe(), h.Subscribe()
	defer slow.Close()
	defer fast.Close()
	fa, fb := h.connFeed(t, "a"), h.connFeed(t, "b")
	defer fa.Want()()
	defer fb.Want()()
	h.settle(t)
	heard := 0
	for i := range 200 {
		a.set(func(f *fakeSrc) { f.conns[0].BandwidthMbps = int64(i + 1) }) // a real change each time
		done := make(chan struct{})
		go func() { h.clock.Advance(time.Second); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the hub blocked on a subscriber that does not read")
		}
		h.settle(t) // fails when a fetch cannot deliver its result
		heard += len(fast.Changes())
	}
	if heard < 200 {
		t.Errorf("the reading subscriber heard %d changes over 200 refreshes", heard)
	}
	if n := slow.(*subscription).Waiting(); n > len(h.Keys()) {
		t.Fatalf("slow subscriber holds %d changes for %d resources", n, len(h.Keys()))
	}
	got := drain(slow)
	ca := got[fa.Key()]
	if !ca.DataChanged || ca.Version != fa.Snapshot().Version || ca.Version != 201 {
		t.Errorf("coalesced change of a = %+v (version now %d)", ca, fa.Snapshot().Version)
	}
	if cb := got[fb.Key()]; !cb.DataChanged || cb.Version != 1 {
		// b's first load changed data; its later unchanged refreshes must not
		// have erased that from the waiting change.
		t.Errorf("coalesced change of b = %+v", cb)
	}
	if len(slow.Changes()) != 0 {
		t.Error("Changes did not clear")
	}
}

// Changes come in the hub's resource order; one wake-up for many changes.
func TestSubscriptionOrderAndWakeups(t *testing.T) {
	a, b := newFake("a", 1), newFake("b", 1)
	h := newHub(t, Options{}, a.source(), b.source())
	sub := h.Subscribe()
	defer sub.Close()
	fb, fa := h.connFeed(t, "b"), h.connFeed(t, "a")
	defer fb.Want()()
	h.settle(t)
	defer fa.Want()()
	h.settle(t)
	wakeups := 0
	for {
		select {
		case <-sub.C():
			wakeups++
			continue
		default:
		}
		break
	}
	if wakeups != 1 {
		t.Errorf("%d wake-ups waiting, want 1", wakeups)
	}
	cs := sub.Changes()
	if len(cs) != 2 || cs[0].Key != fa.Key() || cs[1].Key != fb.Key() {
		t.Fatalf("changes = %+v", cs)
	}
}

// Next waits for changes, gives up with its context, ends with Close.
func TestSubscriptionNext(t *testing.T) {
	f := newFake("p", 1)
	h := newHub(t, Options{}, f.source())
	sub := h.Subscribe()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := sub.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next without changes: %v", err)
	}
	got := make(chan []model.Change, 1)
	go func() {
		cs, _ := sub.Next(context.Background())
		got <- cs
	}()
	h.RefreshKey(h.key("p", model.ResConnections))
	select {
	case cs := <-got:
		if len(cs) == 0 {
			t.Fatal("Next returned nothing")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next never returned")
	}
	h.settle(t)
	sub.Close()
	sub.Close()
	if _, err := sub.Next(context.Background()); !errors.Is(err, model.ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	h.RefreshKey(h.key("p", model.ResConnections)) // publishing to a closed one is harmless
	h.settle(t)
	late := h.Subscribe()
	h.Close()
	if _, err := late.Next(context.Background()); !errors.Is(err, model.ErrClosed) {
		t.Fatalf("Next after the hub's Close: %v", err)
	}
	if _, err := h.Subscribe().Next(context.Background()); !errors.Is(err, model.ErrClosed) {
		t.Fatalf("Subscribe after Close: %v", err)
	}
}

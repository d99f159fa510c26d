package hub

import (
	"errors"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// pending reports whether a change waits to be read (a UI would wake).
func pending(s model.Subscription) bool {
	select {
	case <-s.C():
		return len(s.Changes()) > 0
	default:
		return false
	}
}

// An idle screen is not woken: an automatic refresh that brings back what
// every resource already holds publishes nothing (neither its start nor
// its end); a change of data, or a failure, is published, and so are the
// retries of a failing resource (the screen says it retries).
func TestIdleRefreshPublishesNothing(t *testing.T) {
	f := newFake("p", 3)
	h := newHub(t, Options{Interval: time.Minute, MinInterval: map[string]time.Duration{}}, f.source())
	keys := h.Keys()
	if len(keys) != 6 {
		t.Fatalf("keys %v", keys)
	}
	for _, k := range keys {
		release, ok := wantKey(h.Hub, k)
		if !ok {
			t.Fatalf("no feed for %s", k)
		}
		defer release()
	}
	h.settle(t)
	sub := h.Subscribe()
	defer sub.Close()

	tests := []struct {
		name    string
		change  func(f *fakeSrc)
		publish map[string]bool // resource -> DataChanged expected; absent: nothing published
	}{
		{"same data", func(*fakeSrc) {}, map[string]bool{}},
		{"same data again", func(*fakeSrc) {}, map[string]bool{}},
		{"a connection changed", func(f *fakeSrc) { f.conns[0].State = model.StateFailed },
			map[string]bool{model.ResConnections: true}},
		{"listing fails", func(f *fakeSrc) { f.listErr = errors.New("boom") },
			map[string]bool{model.ResConnections: false}},
		// Retries of a failing resource show ("retrying…"): published.
		{"still failing, same error", func(*fakeSrc) {}, map[string]bool{model.ResConnections: false}},
		{"recovers with the same data", func(f *fakeSrc) { f.listErr = nil },
			map[string]bool{model.ResConnections: false}},
	}
	for _, tt := range tests {
		f.set(tt.change)
		before := map[model.ResourceKey]int{}
		for _, k := range keys {
			st, _ := h.Status(k)
			before[k] = st.Loads + st.Failures
		}
		h.advance(t, time.Minute)
		got := drain(sub)
		for _, k := range keys {
			st, _ := h.Status(k)
			if st.Loads+st.Failures == before[k] && st.Failures == 0 {
				t.Errorf("%s: %s was not refreshed", tt.name, k)
			}
			want, published := tt.publish[k.Resource]
			ch, ok := got[k]
			switch {
			case ok != published:
				t.Errorf("%s: %s published=%v (%+v), want %v", tt.name, k, ok, ch, published)
			case ok && ch.DataChanged != want:
				t.Errorf("%s: %s DataChanged=%v, want %v", tt.name, k, ch.DataChanged, want)
			}
		}
		if pending(sub) {
			t.Errorf("%s: a wake-up is still waiting", tt.name)
		}
	}
}

// wantKey wants k through its typed feed.
func wantKey(h *Hub, k model.ResourceKey) (func(), bool) {
	p := k.Provider
	switch k.Resource {
	case model.ResConnections:
		f, ok := h.Connections(p)
		return f.Want(), ok
	case model.ResInventory:
		f, ok := h.Inventory(p)
		return f.Want(), ok
	case model.ResIPAMBlocks:
		f, ok := h.Blocks(p)
		return f.Want(), ok
	case model.ResIPAMUtilization:
		f, ok := h.Utilization(p)
		return f.Want(), ok
	case model.ResIPAMMasks:
		f, ok := h.Masks(p)
		return f.Want(), ok
	case model.ResIPAMHolding:
		f, ok := h.Holding(p)
		return f.Want(), ok
	}
	return nil, false
}

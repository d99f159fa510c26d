package hub

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func approve(provider, id string) model.Action {
	return model.Action{
		Request: model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: provider, Type: "connection", ID: id}},
		HTTP:    model.HTTPRequest{Method: "POST", Path: "/connections/" + id + "/actions"},
	}
}

// Run: one request through the runner, the target re-read and merged (not
// assumed), the change published to every session, the listing not
// fetched again, the counts updated.
func TestRunApproveRereadsAndPublishes(t *testing.T) {
	f := newFake("p", 2)
	f.conns = append(f.conns, waiting("w1"))
	f.reread = func(id string) (model.Connection, error) {
		c := conn(id, model.StateProvisioning)
		c.RawState = "PROVISIONING"
		return c, nil
	}
	h := newHub(t, Options{}, f.source())
	s1, s2 := h.Subscribe(), h.Subscribe()
	defer s1.Close()
	defer s2.Close()
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	if p, _ := h.Summary().Provider("p"); p.WaitingOnUs != 1 || h.Summary().WaitingOnUs != 1 {
		t.Fatalf("before: %+v", p)
	}
	drain(s1)
	drain(s2)
	before := feed.Snapshot()

	out, err := h.Run(context.Background(), "p", approve("p", "w1"))
	if err != nil || out.Status != 200 || out.Message != "ok" {
		t.Fatalf("Run = %+v, %v", out.Result, err)
	}
	if f.count("do") != 1 || f.count("read") != 1 || f.count("list") != 1 {
		t.Fatalf("requests: do %d read %d list %d (want 1 1 1)", f.count("do"), f.count("read"), f.count("list"))
	}
	if out.Reread == nil || out.Reread.State != model.StateProvisioning || out.Reread.Provider != "p" || out.RereadErr != nil || len(out.Refreshed) != 0 {
		t.Fatalf("outcome = %+v", out)
	}
	s := feed.Snapshot()
	i := slices.Index(ids(s.Data), "w1")
	if i != 2 || s.Data[i].State != model.StateProvisioning || s.Data[i].FingerprintKey != s.Data[i].Fingerprint() || s.Version != before.Version+1 {
		t.Fatalf("merged: index %d %+v version %d", i, s.Data[i], s.Version)
	}
	if before.Data[2].State != model.StatePending {
		t.Error("the snapshot before the action was modified")
	}
	for n, sub := range []model.Subscription{s1, s2} {
		if ch := drain(sub)[feed.Key()]; !ch.DataChanged || ch.Version != s.Version {
			t.Errorf("session %d: change %+v", n+1, ch)
		}
	}
	if p, _ := h.Summary().Provider("p"); p.WaitingOnUs != 0 || p.Connections != 3 {
		t.Errorf("after: %+v", p)
	}
}

// A failed action is not retried; the target is re-read all the same (the
// outcome of a timeout is unknown), with time of its own.
func TestRunFailureNotRetriedButReread(t *testing.T) {
	tests := []struct {
		name string
		do   func(ctx context.Context, a model.Action) (model.Result, error)
	}{
		{"server error", func(context.Context, model.Action) (model.Result, error) {
			return model.Result{Status: 502}, &model.APIError{Status: 502}
		}},
		{"timeout", func(ctx context.Context, a model.Action) (model.Result, error) {
			<-ctx.Done()
			return model.Result{}, ctx.Err()
		}},
		{"panic", func(context.Context, model.Action) (model.Result, error) { panic("boom") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake("p", 0)
			f.conns = []model.Connection{waiting("w1")}
			f.do = tt.do
			f.reread = func(id string) (model.Connection, error) { return waiting(id), nil }
			h := newHub(t, Options{}, f.source())
			defer h.connFeed(t, "p").Want()()
			h.settle(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			out, err := h.Run(ctx, "p", approve("p", "w1"))
			if err == nil {
				t.Fatal("no error")
			}
			if f.count("do") != 1 {
				t.Fatalf("runner called %d times", f.count("do"))
			}
			if out.Reread == nil || out.RereadErr != nil || !model.WaitingOnUs(out.Reread) {
				t.Fatalf("re-read after failure: %+v", out)
			}
		})
	}
}

// Without a reader, or when the re-read fails, the listing is refreshed
// (the outcome is never assumed).
func TestRunRereadFallsBackToListing(t *testing.T) {
	tests := []struct {
		name   string
		reader bool
		err    error
	}{
		{"no reader", false, nil},
		{"gone", true, model.ErrNotFound},
		{"read fails", true, errors.New("boom")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake("p", 1)
			f.reread = func(string) (model.Connection, error) { return model.Connection{}, tt.err }
			src := f.source()
			if !tt.reader {
				src.Connection = nil
			}
			h := newHub(t, Options{}, src)
			defer h.connFeed(t, "p").Want()()
			h.settle(t)
			out, err := h.Run(context.Background(), "p", approve("p", "c0"))
			h.settle(t)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reader && !errors.Is(out.RereadErr, tt.err) {
				t.Errorf("RereadErr = %v", out.RereadErr)
			}
			if f.count("list") != 2 || !slices.Equal(out.Refreshed, []model.ResourceKey{h.key("p", model.ResConnections)}) {
				t.Errorf("listing fetched %d times, refreshed %v", f.count("list"), out.Refreshed)
			}
		})
	}
}

// A listing in flight when the action ran may carry the state from before
// it: the re-read is merged again over its result, which still brings its
// other rows.
func TestRunDuringListingKeepsReread(t *testing.T) {
	f := newFake("p", 0)
	f.conns = []model.Connection{waiting("w1"), conn("a", model.StateActive)}
	f.reread = func(id string) (model.Connection, error) { return conn(id, model.StateProvisioning), nil }
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	f.set(func(f *fakeSrc) {
		f.gate = make(chan struct{})
		f.conns = append(f.conns, conn("new", model.StateActive)) // w1 still pending: read before the action
	})
	h.clock.Advance(time.Minute)
	waitStarted(t, f, "list")
	if _, err := h.Run(context.Background(), "p", approve("p", "w1")); err != nil {
		t.Fatal(err)
	}
	if s := feed.Snapshot(); s.Data[0].State != model.StateProvisioning {
		t.Fatalf("not merged while loading: %s", s.Data[0].State)
	}
	close(f.gate)
	h.settle(t)
	s := feed.Snapshot()
	if !slices.Equal(ids(s.Data), []string{"w1", "a", "new"}) || s.Data[0].State != model.StateProvisioning {
		t.Fatalf("after the old listing landed: %v, w1 %s", ids(s.Data), s.Data[0].State)
	}
	if p, _ := h.Summary().Provider("p"); p.WaitingOnUs != 0 {
		t.Errorf("counts from before the action: %+v", p)
	}
}

// IPAM actions refresh the provider's IPAM resources that were loaded
// (never-shown ones stay unloaded); the runner is called once.
func TestRunIPAMRefreshesLoadedIPAM(t *testing.T) {
	f := newFake("ipam", 0)
	h := newHub(t, Options{}, f.source())
	bf, _ := h.Blocks("ipam")
	uf, _ := h.Utilization("ipam")
	defer bf.Want()()
	defer uf.Want()()
	h.settle(t)
	sub := h.Subscribe()
	defer sub.Close()
	f.set(func(f *fakeSrc) {
		// The assignment the action makes: 10.128.0.0/9 (utilization, as
		// the fake reports it, stays the same).
		f.do = func(_ context.Context, a model.Action) (model.Result, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.blocks[0].Child2 = 3
			f.blocks = append(f.blocks, model.Block{ID: 3, Family: model.IPv4, Prefix: netip.MustParsePrefix("10.128.0.0/9"), Parent: 1, Status: model.BlockAssigned, Assigned: true})
			return model.Result{Action: a, Status: 200, Message: "ok"}, nil
		}
	})
	a := model.Action{Request: model.ActionRequest{Kind: model.ActionSmartAssign, Target: model.Ref{Provider: "ipam", Type: "block", ID: "1"}}}
	out, err := h.Run(context.Background(), "ipam", a)
	h.settle(t)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.ResourceKey{h.key("ipam", model.ResIPAMBlocks), h.key("ipam", model.ResIPAMUtilization)}
	if !slices.Equal(out.Refreshed, want) || f.count("do") != 1 {
		t.Fatalf("refreshed %v, do %d", out.Refreshed, f.count("do"))
	}
	if f.count("blocks") != 2 || f.count("util") != 4 || f.count("masks") != 0 || f.count("holding") != 0 || f.count("list") != 0 {
		t.Fatalf("fetches: blocks %d util %d masks %d holding %d list %d", f.count("blocks"), f.count("util"), f.count("masks"), f.count("holding"), f.count("list"))
	}
	changes := drain(sub)
	if ch := changes[want[0]]; !ch.DataChanged {
		t.Error("blocks change not published")
	}
	if ch, ok := changes[want[1]]; ok {
		t.Errorf("unchanged utilization published %+v", ch)
	}
	if s := bf.Snapshot(); s.Data == nil || s.Data.Tree.Len() != 3 || len(s.Data.Pools) != 1 || s.Data.List[0].Provider != "ipam" {
		t.Errorf("block set = %+v", s.Data)
	}
}

func TestRunRefusals(t *testing.T) {
	f := newFake("p", 0)
	noRunner := newFake("ro", 0).source()
	noRunner.Runner = nil
	h := newHub(t, Options{}, f.source(), noRunner)
	tests := []struct {
		name     string
		provider string
		a        model.Action
		want     error
	}{
		{"unknown provider", "nope", approve("nope", "x"), ErrUnknownProvider},
		{"no runner", "ro", approve("ro", "x"), model.ErrUnsupported},
	}
	for _, tt := range tests {
		if _, err := h.Run(context.Background(), tt.provider, tt.a); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := h.Run(context.Background(), "p", approve("other", "x")); err == nil {
		t.Error("an action for another provider was sent")
	}
	if f.count("do") != 0 {
		t.Error("a refused action reached the runner")
	}
}

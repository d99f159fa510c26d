package hub

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/hub/hubtest"
)

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// fakeSrc is a provider with every capability the hub uses. Each method
// counts its calls; with gate set, fetches wait for it (or their ctx).
type fakeSrc struct {
	name string

	mu          sync.Mutex
	conns       []model.Connection
	listErr     error
	changed     []model.Connection // what ConnectionChanges returns
	changesErr  error
	sinces      []time.Time
	calls       map[string]int
	inflight    map[string]int
	maxInflight map[string]int
	gate        chan struct{}
	started     chan string
	panicOn     string
	ctxErrs     []error // ctx.Err() seen by fetches that ended by cancellation
	ignoreCtx   bool    // a gated fetch waits for the gate only
	progress    func(p *model.Progress)
	reread      func(id string) (model.Connection, error)
	do          func(ctx context.Context, a model.Action) (model.Result, error)
	blocks      []model.Block
}

func newFake(name string, n int) *fakeSrc {
	f := &fakeSrc{name: name, calls: map[string]int{}, inflight: map[string]int{}, maxInflight: map[string]int{},
		started: make(chan string, 1000)}
	for i := range n {
		f.conns = append(f.conns, conn(fmt.Sprintf("c%d", i), model.StateActive))
	}
	f.blocks = []model.Block{
		{ID: 1, Family: model.IPv4, Prefix: netip.MustParsePrefix("10.0.0.0/8"), Status: model.BlockSplit, Child1: 2},
		{ID: 2, Family: model.IPv4, Prefix: netip.MustParsePrefix("10.0.0.0/9"), Parent: 1, Status: model.BlockAssigned, Assigned: true},
	}
	return f
}

func conn(id string, st model.State) model.Connection {
	return model.Connection{ID: id, Name: "conn " + id, State: st, RawState: string(st), BandwidthMbps: 1000}
}

func waiting(id string) model.Connection {
	c := conn(id, model.StatePending)
	c.Pending = &model.PendingChange{Kind: model.ChangeCreation, WaitingOnUs: true}
	c.Actions = []model.ActionKind{model.ActionApprove, model.ActionReject}
	return c
}

func (f *fakeSrc) source() model.Source {
	return model.Source{Name: f.name, Kind: "fake", Connections: f, Connection: f, Runner: f, IPAM: f, Inventory: f}
}

// incremental is the source with the change listing too.
func (f *fakeSrc) incremental() model.Source {
	s := f.source()
	s.Changes = f
	return s
}

func (f *fakeSrc) set(fn func(f *fakeSrc)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeSrc) count(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[what]
}

func (f *fakeSrc) maxParallel(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInflight[what]
}

// enter records a call and waits at the gate; leave must follow.
func (f *fakeSrc) enter(ctx context.Context, what string, p *model.Progress) error {
	f.mu.Lock()
	f.calls[what]++
	f.inflight[what]++
	f.maxInflight[what] = max(f.maxInflight[what], f.inflight[what])
	gate, pan, prog, ignore := f.gate, f.panicOn, f.progress, f.ignoreCtx
	f.mu.Unlock()
	f.started <- what
	if prog != nil {
		prog(p)
	}
	if gate != nil && what != "read" { // re-reads are never held
		if ignore {
			<-gate
		} else {
			select {
			case <-gate:
			case <-ctx.Done():
				f.mu.Lock()
				f.ctxErrs = append(f.ctxErrs, ctx.Err())
				f.mu.Unlock()
				return ctx.Err()
			}
		}
	}
	if pan == what {
		panic("provider bug: index out of range")
	}
	return nil
}

func (f *fakeSrc) leave(what string) {
	f.mu.Lock()
	f.inflight[what]--
	f.mu.Unlock()
}

func (f *fakeSrc) Connections(ctx context.Context, p *model.Progress) ([]model.Connection, error) {
	defer f.leave("list")
	if err := f.enter(ctx, "list", p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Connection(nil), f.conns...), f.listErr
}

func (f *fakeSrc) ConnectionChanges(ctx context.Context, since time.Time, p *model.Progress) ([]model.Connection, error) {
	defer f.leave("changes")
	if err := f.enter(ctx, "changes", p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sinces = append(f.sinces, since)
	return append([]model.Connection(nil), f.changed...), f.changesErr
}

func (f *fakeSrc) Connection(ctx context.Context, id string) (model.Connection, error) {
	defer f.leave("read")
	if err := f.enter(ctx, "read", nil); err != nil {
		return model.Connection{}, err
	}
	f.mu.Lock()
	rd := f.reread
	f.mu.Unlock()
	if rd != nil {
		return rd(id)
	}
	return model.Connection{}, model.ErrNotFound
}

func (f *fakeSrc) Do(ctx context.Context, a model.Action) (model.Result, error) {
	f.mu.Lock()
	f.calls["do"]++
	do := f.do
	f.mu.Unlock()
	if do != nil {
		return do(ctx, a)
	}
	return model.Result{Action: a, Status: 200, Message: "ok"}, nil
}

func (f *fakeSrc) Inventory(ctx context.Context, p *model.Progress) ([]model.Node, error) {
	defer f.leave("inventory")
	if err := f.enter(ctx, "inventory", p); err != nil {
		return nil, err
	}
	return []model.Node{{Kind: "metro", Label: "AM", Children: []model.Node{{Kind: "port", Label: "p1"}}}}, nil
}

func (f *fakeSrc) Utilization(ctx context.Context, q model.UtilQuery) (model.Utilization, error) {
	defer f.leave("util")
	if err := f.enter(ctx, "util", nil); err != nil {
		return model.Utilization{}, err
	}
	return model.Utilization{Family: q.Family, Total: model.HostsOf(256)}, nil
}

func (f *fakeSrc) Blocks(ctx context.Context, _ model.BlockQuery, p *model.Progress) ([]model.Block, error) {
	defer f.leave("blocks")
	if err := f.enter(ctx, "blocks", p); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Block(nil), f.blocks...), nil
}

func (f *fakeSrc) MaskReport(ctx context.Context, _ model.MaskQuery) (model.MaskReport, error) {
	defer f.leave("masks")
	if err := f.enter(ctx, "masks", nil); err != nil {
		return model.MaskReport{}, err
	}
	return model.MaskReport{Families: []model.MaskFamily{{Family: model.IPv4}}}, nil
}

func (f *fakeSrc) HoldingTank(ctx context.Context) (model.HoldingPreview, error) {
	defer f.leave("holding")
	if err := f.enter(ctx, "holding", nil); err != nil {
		return model.HoldingPreview{}, err
	}
	return model.HoldingPreview{Fingerprint: "fp1"}, nil
}

// partialErr is a warning that comes with good data (like model.Incomplete).
type partialErr struct{ got int }

func (e *partialErr) Error() string { return fmt.Sprintf("listing truncated at %d items", e.got) }
func (e *partialErr) Partial() bool { return true }

// testHub is a hub on a fake clock.
type testHub struct {
	*Hub
	clock *hubtest.FakeClock
}

func newHub(t *testing.T, opts Options, srcs ...model.Source) *testHub {
	t.Helper()
	clk := hubtest.NewFakeClock(t0)
	opts.Clock = clk
	h := New(srcs, opts)
	t.Cleanup(h.Close)
	return &testHub{Hub: h, clock: clk}
}

// settle waits until no fetch is in flight.
func (h *testHub) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		busy := true
		if h.mu.TryLock() { // a hub stuck holding its lock fails here, not by hanging
			busy = false
			for _, c := range h.res {
				busy = busy || c.st.Loading
			}
			h.mu.Unlock()
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("fetches still in flight after 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// advance moves the clock timer by timer, letting the fetches each timer
// starts finish before time moves on (a fetch ends at the time it began),
// so that schedules do not depend on goroutine timing.
func (h *testHub) advance(t *testing.T, d time.Duration) {
	t.Helper()
	end := h.clock.Now().Add(d)
	for {
		h.settle(t)
		next := h.clock.NextAt()
		if next.IsZero() || next.After(end) {
			break
		}
		h.clock.Advance(next.Sub(h.clock.Now()))
	}
	h.clock.Advance(end.Sub(h.clock.Now()))
	h.settle(t)
}

func (h *testHub) connFeed(t *testing.T, provider string) model.Feed[[]model.Connection] {
	t.Helper()
	f, ok := h.Connections(provider)
	if !ok {
		t.Fatalf("no connections feed for %s", provider)
	}
	return f
}

func (h *testHub) key(provider, res string) model.ResourceKey {
	return model.ResourceKey{Provider: provider, Resource: res}
}

// waitStarted waits for a fetch of what to begin.
func waitStarted(t *testing.T, f *fakeSrc, what string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case w := <-f.started:
			if w == what {
				return
			}
		case <-timeout:
			t.Fatalf("no %s fetch started", what)
		}
	}
}

// drain collects a subscription's waiting changes by key.
func drain(s model.Subscription) map[model.ResourceKey]model.Change {
	out := map[model.ResourceKey]model.Change{}
	for _, c := range s.Changes() {
		out[c.Key] = c
	}
	return out
}

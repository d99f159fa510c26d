// Package fakehub is a model.Hub for the UI's tests: the real hub lives in
// providers/hub, which nothing under ui/ may import (tests included). It
// fetches from the given sources in goroutines when a resource is wanted
// or refreshed, keeps the data, publishes changes, runs actions through
// the source's runner and re-reads the target. It never refreshes on a
// timer: tests ask. Its status after a failure follows the real hub's
// first steps (first retry after 5s, never before Retry-After), so the
// status bar's wording can be tested; the schedule itself is tested in
// providers/hub.
package fakehub

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/model"
)

// Hub is a fake model.Hub.
type Hub struct {
	// Every is the reported refresh interval (15s when 0).
	Every time.Duration
	// MinRetry is the first retry delay after a failure (5s when 0).
	MinRetry time.Duration
	// Fetches counts fetches started, over all resources.
	Fetches atomic.Int64

	now    func() time.Time
	srcs   []model.Source
	root   context.Context
	stop   context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	order  []model.ResourceKey
	res    map[model.ResourceKey]*res
	subs   map[*sub]struct{}
	paused bool
	closed bool
}

type res struct {
	idx    int
	st     model.Status
	data   any
	fetch  func(ctx context.Context, p *model.Progress) (any, error)
	wants  int
	seq    uint64
	again  bool
	prog   *model.Progress
	cancel context.CancelFunc
	feed   any // the model.Feed[T] handed out (made once: no allocation per read)
}

var _ model.Hub = (*Hub)(nil)

// New builds a fake hub over srcs; now is its clock (nil: time.Now).
func New(now func() time.Time, srcs ...model.Source) *Hub {
	if now == nil {
		now = time.Now
	}
	h := &Hub{now: now, srcs: srcs, res: map[model.ResourceKey]*res{}, subs: map[*sub]struct{}{}}
	h.root, h.stop = context.WithCancel(context.Background())
	for _, s := range srcs {
		h.addSource(s)
	}
	return h
}

func (h *Hub) add(k model.ResourceKey, f func(ctx context.Context, p *model.Progress) (any, error)) {
	if _, dup := h.res[k]; dup {
		return
	}
	h.res[k] = &res{idx: len(h.order), fetch: f, st: model.Status{Key: k}}
	h.order = append(h.order, k)
}

func (h *Hub) addSource(s model.Source) {
	name := s.Name
	k := func(r string) model.ResourceKey { return model.ResourceKey{Provider: name, Resource: r} }
	if c := s.Connections; c != nil {
		kind := s.Kind
		h.add(k(model.ResConnections), func(ctx context.Context, p *model.Progress) (any, error) {
			cs, err := c.Connections(ctx, p)
			if err != nil && !model.IsPartial(err) {
				return nil, err
			}
			for i := range cs {
				normalise(name, kind, &cs[i])
			}
			return cs, err
		})
	}
	if inv := s.Inventory; inv != nil {
		h.add(k(model.ResInventory), func(ctx context.Context, p *model.Progress) (any, error) {
			ns, err := inv.Inventory(ctx, p)
			if err != nil && !model.IsPartial(err) {
				return nil, err
			}
			return ns, err
		})
	}
	ip := s.IPAM
	if ip == nil {
		return
	}
	h.add(k(model.ResIPAMBlocks), func(ctx context.Context, p *model.Progress) (any, error) {
		bs, err := ip.Blocks(ctx, model.BlockQuery{}, p)
		if err != nil && !model.IsPartial(err) {
			return nil, err
		}
		return model.NewBlockSet(name, bs), err
	})
	h.add(k(model.ResIPAMUtilization), func(ctx context.Context, _ *model.Progress) (any, error) {
		v4, err := ip.Utilization(ctx, model.UtilQuery{Family: model.IPv4})
		if err != nil {
			return nil, err
		}
		v6, err := ip.Utilization(ctx, model.UtilQuery{Family: model.IPv6})
		if err != nil {
			return nil, err
		}
		return model.Utilizations{V4: v4, V6: v6}, nil
	})
	h.add(k(model.ResIPAMMasks), func(ctx context.Context, _ *model.Progress) (any, error) {
		r, err := ip.MaskReport(ctx, model.MaskQuery{})
		if err != nil {
			return nil, err
		}
		return r, nil
	})
	h.add(k(model.ResIPAMHolding), func(ctx context.Context, _ *model.Progress) (any, error) {
		r, err := ip.HoldingTank(ctx)
		if err != nil {
			return nil, err
		}
		return r, nil
	})
}

func normalise(provider, kind string, c *model.Connection) {
	c.Provider = provider
	if c.ProviderKind == "" {
		c.ProviderKind = kind
	}
	c.FingerprintKey = c.Fingerprint()
}

// Define adds a resource without a fetch (its data comes from Set).
func (h *Hub) Define(k model.ResourceKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.add(k, nil)
}

// Set replaces k's data as a successful fetch would and publishes the
// change; it takes data over (connections lacking a provider or a
// fingerprint get them in place).
func (h *Hub) Set(k model.ResourceKey, data any) {
	if cs, ok := data.([]model.Connection); ok {
		for i := range cs {
			if cs[i].Provider == "" || cs[i].FingerprintKey == 0 {
				normalise(k.Provider, "", &cs[i])
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.res[k]
	if r == nil {
		return
	}
	r.seq++ // supersedes a fetch in flight
	r.st.Loading = false
	h.settle(k, r, data, nil, h.now())
}

// Load fetches k synchronously (benchmarks and pane tests).
func (h *Hub) Load(k model.ResourceKey) error {
	h.mu.Lock()
	r := h.res[k]
	if r == nil || r.fetch == nil {
		h.mu.Unlock()
		return fmt.Errorf("fakehub: no fetch for %s", k)
	}
	r.seq++
	seq := r.seq
	r.st.Loading, r.st.Started = true, h.now()
	r.prog = &model.Progress{}
	f, p := r.fetch, r.prog
	h.mu.Unlock()
	h.Fetches.Add(1)
	data, err := f(h.root, p)
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.seq == seq {
		r.st.Loading = false
		h.settle(k, r, data, err, h.now())
	}
	return err
}

func (h *Hub) settle(k model.ResourceKey, r *res, data any, err error, at time.Time) {
	failed := err != nil && !model.IsPartial(err)
	if failed {
		r.st.Err, r.st.ErrAt = err, at
		r.st.Failures++
		r.st.RetryAt = time.Time{}
		var rl *model.RateLimited
		wait := min(h.minRetry(), h.every())
		for i := 1; i < r.st.Failures && wait < 5*time.Minute; i++ {
			wait *= 2
		}
		if errors.As(err, &rl) && rl.RetryAfter > 0 {
			r.st.RetryAt = at.Add(rl.RetryAfter)
			wait = max(wait, rl.RetryAfter)
		}
		r.st.NextAt = at.Add(wait)
	} else {
		r.data = data
		r.st.HasData, r.st.FetchedAt = true, at
		r.st.Loads++
		r.st.Version++
		r.st.Err, r.st.ErrAt, r.st.Failures, r.st.RetryAt = nil, time.Time{}, 0, time.Time{}
		r.st.Warning = err
		r.st.NextAt = at.Add(h.every())
	}
	h.publish(r, !failed)
	if r.again && !h.closed {
		r.again = false
		h.start(k, r)
	}
}

func (h *Hub) every() time.Duration {
	if h.Every > 0 {
		return h.Every
	}
	return 15 * time.Second
}

func (h *Hub) minRetry() time.Duration {
	if h.MinRetry > 0 {
		return h.MinRetry
	}
	return 5 * time.Second
}

// start fetches k in a goroutine (under the lock).
func (h *Hub) start(k model.ResourceKey, r *res) {
	if h.closed || r.fetch == nil {
		return
	}
	if r.st.Loading {
		r.again = true
		return
	}
	r.seq++
	seq := r.seq
	r.st.Loading, r.st.Started, r.st.Due = true, h.now(), false
	r.prog = &model.Progress{}
	ctx, cancel := context.WithCancel(h.root)
	r.cancel = cancel
	f, p := r.fetch, r.prog
	h.Fetches.Add(1)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer cancel()
		data, err := safe(f, ctx, p)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closed || r.seq != seq || !r.st.Loading {
			return
		}
		r.st.Loading = false
		h.settle(k, r, data, err, h.now())
	}()
	h.publish(r, false)
}

func safe(f func(context.Context, *model.Progress) (any, error), ctx context.Context, p *model.Progress) (data any, err error) {
	defer func() {
		if v := recover(); v != nil {
			data, err = nil, errors.New("internal error while fetching (recovered)")
		}
	}()
	return f(ctx, p)
}

// Sources are the hub's sources.
func (h *Hub) Sources() []model.Source { return slices.Clone(h.srcs) }

// Keys lists every resource.
func (h *Hub) Keys() []model.ResourceKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.order)
}

// Status is k's state.
func (h *Hub) Status(k model.ResourceKey) (model.Status, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.res[k]
	if r == nil {
		return model.Status{}, false
	}
	return h.status(k, r), true
}

func (h *Hub) status(k model.ResourceKey, r *res) model.Status {
	s := r.st
	s.Key, s.Every, s.Wanted = k, h.every(), r.wants > 0
	if s.Loading && r.prog != nil {
		s.Done, s.Total = r.prog.Load()
	}
	return s
}

type feed[T any] struct {
	h *Hub
	k model.ResourceKey
}

func (f feed[T]) Key() model.ResourceKey { return f.k }

func (f feed[T]) Snapshot() model.Snapshot[T] {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	r := f.h.res[f.k]
	out := model.Snapshot[T]{Status: f.h.status(f.k, r)}
	if d, ok := r.data.(T); ok {
		out.Data = d
	}
	return out
}

func (f feed[T]) Want() func() {
	h := f.h
	h.mu.Lock()
	r := h.res[f.k]
	r.wants++
	if r.wants == 1 && r.seq == 0 {
		h.start(f.k, r)
	}
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			r.wants--
			h.mu.Unlock()
		})
	}
}

func feedOf[T any](h *Hub, provider, res string) (model.Feed[T], bool) {
	k := model.ResourceKey{Provider: provider, Resource: res}
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.res[k]
	if !ok {
		return nil, false
	}
	if r.feed == nil {
		r.feed = model.Feed[T](feed[T]{h, k})
	}
	f, ok := r.feed.(model.Feed[T])
	return f, ok
}

func (h *Hub) Connections(p string) (model.Feed[[]model.Connection], bool) {
	return feedOf[[]model.Connection](h, p, model.ResConnections)
}
func (h *Hub) Inventory(p string) (model.Feed[[]model.Node], bool) {
	return feedOf[[]model.Node](h, p, model.ResInventory)
}
func (h *Hub) Blocks(p string) (model.Feed[*model.BlockSet], bool) {
	return feedOf[*model.BlockSet](h, p, model.ResIPAMBlocks)
}
func (h *Hub) Utilization(p string) (model.Feed[model.Utilizations], bool) {
	return feedOf[model.Utilizations](h, p, model.ResIPAMUtilization)
}
func (h *Hub) Masks(p string) (model.Feed[model.MaskReport], bool) {
	return feedOf[model.MaskReport](h, p, model.ResIPAMMasks)
}
func (h *Hub) Holding(p string) (model.Feed[model.HoldingPreview], bool) {
	return feedOf[model.HoldingPreview](h, p, model.ResIPAMHolding)
}

// Refresh fetches every wanted resource of provider ("" = all).
func (h *Hub) Refresh(provider string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range h.order {
		if r := h.res[k]; (provider == "" || k.Provider == provider) && r.wants > 0 {
			h.start(k, r)
		}
	}
}

// RefreshKey fetches k.
func (h *Hub) RefreshKey(k model.ResourceKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.res[k]; r != nil {
		h.start(k, r)
	}
}

func (h *Hub) SetPaused(p bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paused = p
}

func (h *Hub) Paused() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.paused
}

// Run sends a through the provider's runner, then re-reads a target
// connection (merged and published) or refreshes the provider.
func (h *Hub) Run(ctx context.Context, provider string, a model.Action) (model.Outcome, error) {
	var src model.Source
	found := false
	for _, s := range h.srcs {
		if s.Name == provider {
			src, found = s, true
		}
	}
	if !found {
		return model.Outcome{}, fmt.Errorf("unknown provider %q", provider)
	}
	if src.Runner == nil {
		return model.Outcome{}, model.ErrUnsupported
	}
	res, err := src.Runner.Do(ctx, a)
	out := model.Outcome{Result: res}
	if model.RereadsAsRow(a.Request.Target.Type) && src.Connections != nil {
		o := h.reread(ctx, src, a.Request.Target.ID)
		out.Reread, out.RereadErr, out.Refreshed = o.Reread, o.RereadErr, o.Refreshed
		return out, err
	}
	h.mu.Lock()
	for _, key := range h.order {
		if r := h.res[key]; key.Provider == provider && (r.wants > 0 || r.seq > 0) {
			h.start(key, r)
			out.Refreshed = append(out.Refreshed, key)
		}
	}
	h.mu.Unlock()
	return out, err
}

// RereadConnection implements model.Hub.
func (h *Hub) RereadConnection(ctx context.Context, provider, id string) model.Outcome {
	for _, s := range h.srcs {
		if s.Name == provider && s.Connections != nil {
			return h.reread(ctx, s, id)
		}
	}
	return model.Outcome{RereadErr: model.ErrUnsupported}
}

// reread reads one row back and merges it, or refreshes the listing.
func (h *Hub) reread(ctx context.Context, src model.Source, id string) model.Outcome {
	var out model.Outcome
	provider := src.Name
	k := model.ResourceKey{Provider: provider, Resource: model.ResConnections}
	if src.Connection == nil {
		h.RefreshKey(k)
		out.Refreshed = []model.ResourceKey{k}
		return out
	}
	c, rerr := src.Connection.Connection(ctx, id)
	if rerr != nil {
		out.RereadErr = rerr
		h.RefreshKey(k)
		out.Refreshed = []model.ResourceKey{k}
		return out
	}
	normalise(provider, src.Kind, &c)
	out.Reread = &c
	h.mu.Lock()
	if r := h.res[k]; r != nil && r.st.HasData {
		cs, _ := r.data.([]model.Connection)
		next := slices.Clone(cs)
		i := slices.IndexFunc(next, func(x model.Connection) bool { return x.ID == c.ID })
		if i >= 0 {
			next[i] = c
		} else {
			next = append(next, c)
		}
		r.data = next
		r.st.Version++
		h.publish(r, true)
	}
	h.mu.Unlock()
	return out
}

// Summary counts connections per provider (health is left to the real hub).
func (h *Hub) Summary() model.Summary {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := model.Summary{Paused: h.paused}
	for _, s := range h.srcs {
		p := model.ProviderSummary{Name: s.Name, Kind: s.Kind, Health: model.HealthIdle}
		if r := h.res[model.ResourceKey{Provider: s.Name, Resource: model.ResConnections}]; r != nil && r.st.HasData {
			cs, _ := r.data.([]model.Connection)
			p.HasConnections, p.Connections, p.Health = true, len(cs), model.HealthOK
			for i := range cs {
				if cs[i].Pending != nil {
					p.Pending++
				}
				if model.WaitingOnUs(&cs[i]) {
					p.WaitingOnUs++
				}
			}
		}
		out.WaitingOnUs += p.WaitingOnUs
		out.Providers = append(out.Providers, p)
	}
	return out
}

// Close cancels every fetch and closes every subscription.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	subs := h.subs
	h.subs = map[*sub]struct{}{}
	h.mu.Unlock()
	h.stop()
	for s := range subs {
		s.Shut()
	}
	h.wg.Wait()
}

// sub is a coalescing subscription, like the real hub's.
// sub is one reader's queue of changes (coalesced per resource, as the
// real hub's).
type sub struct {
	*model.ChangeQueue
	h *Hub
}

func (h *Hub) Subscribe() model.Subscription {
	s := &sub{ChangeQueue: model.NewChangeQueue(), h: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.Shut()
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

func (h *Hub) publish(r *res, dataChanged bool) {
	ch := model.Change{Key: h.order[r.idx], DataChanged: dataChanged, Version: r.st.Version}
	for s := range h.subs {
		s.Add(r.idx, ch)
	}
}

func (s *sub) Close() {
	s.h.mu.Lock()
	delete(s.h.subs, s)
	s.h.mu.Unlock()
	s.Shut()
}

// Fail records err as the result of a fetch of k (the data stays, now
// stale; a partial error keeps the data and warns) and publishes it.
func (h *Hub) Fail(k model.ResourceKey, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.res[k]
	if r == nil {
		return
	}
	r.seq++
	r.st.Loading = false
	data := r.data
	h.settle(k, r, data, err, h.now())
}

// SetIncremental marks k as refreshed incrementally (as the real hub does
// for a provider that lists changes), with its next full resync at next
// (zero: none planned), and publishes the change of status.
func (h *Hub) SetIncremental(k model.ResourceKey, next time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.res[k]
	if r == nil {
		return
	}
	r.st.Incremental, r.st.NextFullAt = !next.IsZero(), next
	h.publish(r, false)
}

// Drop forgets k's data (as if never loaded).
func (h *Hub) Drop(k model.ResourceKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.res[k]; r != nil {
		r.data = nil
		r.st.HasData = false
	}
}

// Data is k's current data (nil before a load).
func (h *Hub) Data(k model.ResourceKey) any {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.res[k]; r != nil {
		return r.data
	}
	return nil
}

// Progress is the progress of k's fetch in flight (nil when none).
func (h *Hub) Progress(k model.ResourceKey) *model.Progress {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.res[k]; r != nil && r.st.Loading {
		return r.prog
	}
	return nil
}

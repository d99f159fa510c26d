// Package hub is noctop's data hub: the one scheduler of every provider's
// refreshes, shared by every UI session, the get CLI and future servers.
// It keeps typed immutable snapshots per provider and resource, publishes
// change notifications, runs actions (then re-reads what they affected) and
// computes the summary counts. It implements model.Hub, is safe for
// concurrent use, and knows nothing about terminals.
//
// The rules, per resource: one fetch at a time (a refresh asked for while
// one is loading becomes one follow-up fetch); automatic refreshes only
// while someone wants the resource; after failures an exponential backoff
// from MinRetry to MaxBackoff, never shorter than a provider's Retry-After
// (manual refreshes wait for Retry-After too); paused, due fetches are
// marked and run on resume; a panicking fetch is an error, not a crash;
// Close cancels everything in flight. A refresh of healthy data that
// brings back what is held (and no new error or warning) publishes
// nothing, not even its start: idle sessions are not woken.
package hub

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Options configure a hub. Zero values take the defaults.
type Options struct {
	// Interval is the default automatic refresh interval (15s).
	Interval time.Duration
	// ProviderInterval overrides Interval per provider name (the config's
	// per-provider refresh).
	ProviderInterval map[string]time.Duration
	// MinInterval is a floor per resource name, whatever the intervals
	// say (default: IPAM block listings, which can be large, at most once
	// a minute). A given map replaces the default.
	MinInterval map[string]time.Duration
	// FullResync is how often a connection listing that can be refreshed
	// incrementally is still listed whole, to catch deletions (10m).
	FullResync time.Duration
	// ChangeOverlap is subtracted from the last refresh's start when asking
	// for changes, so that clock skew or slow commits lose nothing (1m).
	ChangeOverlap time.Duration
	// MinRetry is the first retry delay after a failure (5s); MaxBackoff
	// caps the delay after repeated failures (5m).
	MinRetry, MaxBackoff time.Duration
	// RereadTimeout bounds the re-read after an action whose own context
	// ran out (the outcome is unknown: that is when a re-read matters).
	RereadTimeout time.Duration
	// CloseWait is how long Close waits for fetches to return after
	// cancelling them (5s); a provider that ignores cancellation is left.
	CloseWait time.Duration
	Clock     Clock
	Logger    *slog.Logger
}

// DefaultMinInterval is the default Options.MinInterval.
func DefaultMinInterval() map[string]time.Duration {
	return map[string]time.Duration{model.ResIPAMBlocks: time.Minute}
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Interval, 15*time.Second)
	def(&o.FullResync, 10*time.Minute)
	def(&o.ChangeOverlap, time.Minute)
	def(&o.MinRetry, 5*time.Second)
	def(&o.MaxBackoff, 5*time.Minute)
	def(&o.RereadTimeout, 30*time.Second)
	def(&o.CloseWait, 5*time.Second)
	if o.MinInterval == nil {
		o.MinInterval = DefaultMinInterval()
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Hub implements model.Hub.
type Hub struct {
	opts  Options
	clock Clock
	log   *slog.Logger

	sources []model.Source
	byName  map[string]int

	mu     sync.Mutex // guards everything below and every resource's state
	res    []*core
	byKey  map[model.ResourceKey]*core
	conns  map[string]*connResource
	inv    map[string]*resource[[]model.Node]
	blocks map[string]*resource[*model.BlockSet]
	util   map[string]*resource[model.Utilizations]
	masks  map[string]*resource[model.MaskReport]
	hold   map[string]*resource[model.HoldingPreview]
	subs   map[*subscription]struct{}
	paused bool
	closed bool
	epoch  uint64 // counts fetch starts and patches, to order them

	root context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup // fetch goroutines
}

var _ model.Hub = (*Hub)(nil)

// New builds a hub over sources (already wrapped by the registry's audit
// and read-only guards). Nothing is fetched until a resource is wanted or
// refreshed.
func New(sources []model.Source, opts Options) *Hub {
	opts = opts.withDefaults()
	h := &Hub{
		opts: opts, clock: opts.Clock, log: opts.Logger,
		sources: append([]model.Source(nil), sources...),
		byName:  map[string]int{},
		byKey:   map[model.ResourceKey]*core{},
		conns:   map[string]*connResource{},
		inv:     map[string]*resource[[]model.Node]{},
		blocks:  map[string]*resource[*model.BlockSet]{},
		util:    map[string]*resource[model.Utilizations]{},
		masks:   map[string]*resource[model.MaskReport]{},
		hold:    map[string]*resource[model.HoldingPreview]{},
		subs:    map[*subscription]struct{}{},
	}
	h.root, h.stop = context.WithCancel(context.Background())
	for i, s := range h.sources {
		if _, dup := h.byName[s.Name]; dup {
			// The registry refuses duplicate names; a second one would
			// share keys with the first, so it is left out, loudly.
			h.log.Error("hub: duplicate source name ignored", "name", s.Name)
			continue
		}
		h.byName[s.Name] = i
		h.addResources(s)
	}
	return h
}

// every is the automatic refresh interval of k.
func (h *Hub) every(k model.ResourceKey) time.Duration {
	d := h.opts.Interval
	if p, ok := h.opts.ProviderInterval[k.Provider]; ok && p > 0 {
		d = p
	}
	if m := h.opts.MinInterval[k.Resource]; m > d {
		d = m
	}
	return d
}

func (h *Hub) add(c *core) {
	c.h, c.idx, c.every = h, len(h.res), h.every(c.key)
	h.res = append(h.res, c)
	h.byKey[c.key] = c
}

// Sources are the configured sources, in configuration order.
func (h *Hub) Sources() []model.Source { return append([]model.Source(nil), h.sources...) }

func (h *Hub) source(name string) (model.Source, bool) {
	i, ok := h.byName[name]
	if !ok {
		return model.Source{}, false
	}
	return h.sources[i], true
}

// Keys lists every resource in the hub's order.
func (h *Hub) Keys() []model.ResourceKey {
	out := make([]model.ResourceKey, len(h.res))
	for i, c := range h.res {
		out[i] = c.key
	}
	return out
}

// Status returns the state of k without its data.
func (h *Hub) Status(k model.ResourceKey) (model.Status, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.byKey[k]
	if c == nil {
		return model.Status{}, false
	}
	return c.status(), true
}

// Interval is the automatic refresh interval of k (0 for an unknown key).
func (h *Hub) Interval(k model.ResourceKey) time.Duration {
	if c := h.byKey[k]; c != nil {
		return c.every
	}
	return 0
}

// Refresh fetches every wanted resource of provider ("" = all) now.
func (h *Hub) Refresh(provider string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.res {
		if (provider == "" || c.key.Provider == provider) && c.wants > 0 {
			c.request()
		}
	}
}

// RefreshKey fetches k now, wanted or not.
func (h *Hub) RefreshKey(k model.ResourceKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.byKey[k]; c != nil {
		c.request()
	}
}

// SetPaused pauses or resumes automatic refreshes; resuming fetches what
// fell due while paused.
func (h *Hub) SetPaused(p bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.paused == p {
		return
	}
	h.paused = p
	if p {
		return
	}
	for _, c := range h.res {
		if c.st.Due && c.wants > 0 {
			c.kick()
		}
	}
}

// Paused reports whether automatic refreshes are paused.
func (h *Hub) Paused() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.paused
}

// Close cancels every fetch in flight, stops every timer, closes every
// subscription and waits (up to CloseWait) for the fetches to return.
// The hub stays readable; nothing is fetched any more.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	for _, c := range h.res {
		c.stopTimer()
		c.st.Loading = false // what is in flight is cancelled; its result will be dropped
		c.again = false
	}
	subs := h.subs
	h.subs = map[*subscription]struct{}{}
	h.mu.Unlock()
	h.stop()
	for s := range subs {
		s.Shut()
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	t := time.NewTimer(h.opts.CloseWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		h.log.Warn("hub: fetches still running after close; a provider ignores cancellation")
	}
}

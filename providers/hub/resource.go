package hub

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// core is the scheduling state of one resource, whatever its data type.
// Every field is guarded by the hub's mutex.
type core struct {
	h     *Hub
	idx   int // position in the hub's order
	key   model.ResourceKey
	every time.Duration

	st    model.Status // Loading, times, errors; Wanted and live progress are filled by status()
	wants int          // outstanding Feed.Want calls

	seq        uint64 // of the newest fetch; results with another seq are dropped
	startEpoch uint64 // the hub's epoch when that fetch started
	cancel     context.CancelFunc
	prog       *model.Progress
	// again: a fetch was asked for that could not start yet (one was
	// loading, or the provider's Retry-After had not passed); it starts
	// as soon as it can, once, however often it was asked for.
	again bool
	// quiet: the fetch in flight refreshes healthy data, so its start was
	// not published; its end is published only when something a reader
	// shows changed (data, error, warning, rate limit). An idle screen is
	// not woken by refreshes that bring back what it shows.
	quiet bool

	stopT    func() bool
	timerGen uint64 // invalidates a timer that fires after being replaced

	// launch starts the typed fetch goroutine (set by the resource).
	launch func(ctx context.Context, seq uint64, p *model.Progress, started time.Time)
}

func (c *core) now() time.Time { return c.h.clock.Now() }

// status is the state as readers see it.
func (c *core) status() model.Status {
	s := c.st
	s.Key, s.Every = c.key, c.every
	s.Wanted = c.wants > 0
	if s.Loading {
		s.Done, s.Total = c.prog.Load()
	}
	return s
}

// kick fetches now when allowed, else as soon as allowed: after the fetch
// in flight (never two at once), or when Retry-After has passed (never
// sooner, even when an operator asks).
func (c *core) kick() {
	switch {
	case c.h.closed:
	case c.st.Loading:
		c.again = true
	case c.st.RetryAt.After(c.now()):
		c.again = true
		c.st.NextAt = c.st.RetryAt
		c.setTimer(c.st.RetryAt)
		c.h.publish(c, false)
	default:
		c.start()
	}
}

// request is a manual refresh (Refresh, RefreshKey, an action's re-read).
func (c *core) request() { c.kick() }

// start begins a fetch; the caller has checked that none is loading.
func (c *core) start() {
	if c.h.closed || c.st.Loading {
		return
	}
	c.stopTimer()
	c.seq++
	c.h.epoch++
	c.startEpoch = c.h.epoch
	now := c.now()
	c.st.Loading, c.st.Started, c.st.Due = true, now, false
	c.st.Done, c.st.Total = 0, 0
	c.again = false
	c.quiet = c.st.HasData && c.st.Err == nil
	c.prog = &model.Progress{}
	ctx, cancel := context.WithCancel(c.h.root)
	c.cancel = cancel
	c.h.wg.Add(1)
	c.launch(ctx, c.seq, c.prog, now)
	if !c.quiet {
		c.h.publish(c, false)
	}
}

// finished takes the bookkeeping common to every result: it reports
// whether the result is current (results of superseded fetches, or that
// arrive after Close, are dropped).
func (c *core) finished(seq uint64) bool {
	if c.h.closed || seq != c.seq || !c.st.Loading {
		return false
	}
	c.st.Loading = false
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.st.Done, c.st.Total = c.prog.Load()
	return true
}

// settle records a result's outcome (after the data, if any, was stored),
// publishes it and plans the next fetch.
func (c *core) settle(err error, failed, dataChanged bool, at time.Time) {
	before := c.st
	if failed {
		c.st.Err, c.st.ErrAt = err, at
		c.st.Failures++
		c.h.log.Warn("fetch failed", "provider", c.key.Provider, "resource", c.key.Resource, "err", err)
	} else {
		c.st.HasData, c.st.FetchedAt = true, at
		c.st.Loads++
		c.st.Err, c.st.ErrAt, c.st.Failures, c.st.RetryAt = nil, time.Time{}, 0, time.Time{}
		c.st.Warning = nil
		if err != nil {
			c.st.Warning = err
			c.h.log.Warn("fetch incomplete", "provider", c.key.Provider, "resource", c.key.Resource, "warning", err)
		}
	}
	if d := c.retryAfter(); d > 0 {
		c.st.RetryAt = at.Add(d)
	}
	c.st.NextAt = at.Add(c.delay())
	if !c.quiet || dataChanged || shownChanged(before, c.st) {
		c.h.publish(c, dataChanged)
	}
	c.quiet = false
	c.next()
}

// next arms the timer after a fetch: a pending request first, otherwise
// the automatic refresh, but only while someone wants the resource.
func (c *core) next() {
	switch {
	case c.h.closed:
	case c.again && c.st.RetryAt.After(c.now()):
		c.st.NextAt = c.st.RetryAt
		c.setTimer(c.st.RetryAt)
	case c.again:
		c.start()
	case c.wants > 0:
		c.setTimer(c.st.NextAt)
	}
}

// fire is a timer's callback.
func (c *core) fire(gen uint64) {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	if gen != c.timerGen || c.h.closed || c.st.Loading {
		return
	}
	c.stopT = nil
	switch {
	case c.again:
		c.kick() // asked for by someone: runs paused or not, wanted or not
	case c.wants == 0 || c.h.paused:
		c.st.Due = true
		c.h.publish(c, false)
	default:
		c.start()
	}
}

func (c *core) setTimer(at time.Time) {
	c.stopTimer()
	gen := c.timerGen
	d := max(at.Sub(c.now()), 0)
	c.stopT = c.h.clock.AfterFunc(d, func() { c.fire(gen) })
}

func (c *core) stopTimer() {
	if c.stopT != nil {
		c.stopT()
		c.stopT = nil
	}
	c.timerGen++
}

// shownChanged reports whether a reader would show b differently from a,
// data aside: an error came or went or changed, a warning did, a rate
// limit did.
func shownChanged(a, b model.Status) bool {
	return errText(a.Err) != errText(b.Err) || errText(a.Warning) != errText(b.Warning) ||
		!a.RetryAt.Equal(b.RetryAt) || a.HasData != b.HasData
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "!" + err.Error()
}

// want registers interest; the first one starts the refresh cycle.
func (c *core) want() {
	c.wants++
	if c.wants > 1 || c.h.closed || c.st.Loading {
		return // a running fetch arms the timer when it ends
	}
	now := c.now()
	switch {
	case c.seq == 0:
		c.kick() // never fetched: the first load runs even while paused
	case c.st.Due || !now.Before(c.st.NextAt):
		if c.h.paused {
			c.st.Due = true
			return
		}
		c.kick()
	default:
		c.setTimer(c.st.NextAt)
	}
}

// release drops one interest; the last one stops the timer (a pending
// request keeps its own).
func (c *core) release() {
	if c.wants == 0 {
		return
	}
	c.wants--
	if c.wants == 0 && !c.again {
		c.stopTimer()
	}
}

// delay is the wait before the next automatic fetch: the interval after a
// success; after failures an exponential backoff from MinRetry, capped at
// MaxBackoff; never shorter than the provider's Retry-After.
func (c *core) delay() time.Duration {
	if c.st.Err == nil {
		return c.every
	}
	o := c.h.opts
	d := min(o.MinRetry, c.every)
	for i := 1; i < c.st.Failures && d < o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.MaxBackoff)
	return max(d, c.retryAfter())
}

// retryAfter is the wait the last error asks for (0 when none).
func (c *core) retryAfter() time.Duration {
	var rl *model.RateLimited
	if c.st.Err != nil && errors.As(c.st.Err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	return 0
}

// resource is a core with typed data and the function that fetches it.
type resource[T any] struct {
	core
	data T
	// plan returns the fetch to run now (called under the lock, so it may
	// read the resource's state; the returned function runs without it).
	plan func(now time.Time) fetchFunc[T]
}

type fetchFunc[T any] func(ctx context.Context, p *model.Progress) result[T]

// result is what a fetch brought back.
type result[T any] struct {
	data T
	// keep: the fetch succeeded and found nothing changed; the data and
	// its version stay.
	keep bool
	// err is a failure, or with data a warning (model.IsPartial).
	err error
	// apply, when set, replaces the default store of data (under the lock;
	// it may patch the result) and reports whether data changed.
	apply func(failed bool) (changed bool)
	// incremental: only changes were asked for.
	incremental bool
}

// newResource makes a resource fetched by fetch; same (nil: never) tells
// a result equal to the data held, which is then kept with its version
// and published as no data change. It runs in the fetch goroutine.
func newResource[T any](key model.ResourceKey, fetch func(ctx context.Context, p *model.Progress) (T, error), same func(a, b T) bool) *resource[T] {
	r := &resource[T]{}
	r.key = key
	r.plan = func(time.Time) fetchFunc[T] {
		prev, hasPrev := r.data, r.st.HasData // under the lock: only this fetch replaces data
		return func(ctx context.Context, p *model.Progress) result[T] {
			d, err := fetch(ctx, p)
			if same != nil && hasPrev && (err == nil || model.IsPartial(err)) && same(prev, d) {
				return result[T]{keep: true, err: err}
			}
			return result[T]{data: d, err: err}
		}
	}
	r.launch = r.run
	return r
}

func (r *resource[T]) run(ctx context.Context, seq uint64, p *model.Progress, started time.Time) {
	f := r.plan(started)
	go func() {
		defer r.h.wg.Done()
		res := r.safe(f, ctx, p)
		at := r.h.clock.Now()
		r.h.mu.Lock()
		defer r.h.mu.Unlock()
		if !r.finished(seq) {
			return
		}
		failed := res.err != nil && !model.IsPartial(res.err)
		changed := false
		switch {
		case res.apply != nil:
			changed = res.apply(failed)
		case failed || res.keep:
		default:
			r.data = res.data
			changed = true
		}
		if changed {
			r.st.Version++
		}
		if !failed {
			r.st.Incremental = res.incremental
		}
		r.settle(res.err, failed, changed, at)
	}()
}

// safe turns a panicking provider into an error instead of a crash. The
// panic value is not shown (it may carry anything); the stack is logged.
func (r *resource[T]) safe(f fetchFunc[T], ctx context.Context, p *model.Progress) (res result[T]) {
	defer func() {
		if v := recover(); v != nil {
			r.h.log.Error("fetch panicked (recovered)", "provider", r.key.Provider, "resource", r.key.Resource, "stack", string(debug.Stack()))
			res = result[T]{err: errPanicked}
		}
	}()
	return f(ctx, p)
}

var errPanicked = errors.New("internal error while fetching (recovered)")

func (r *resource[T]) snapshot() model.Snapshot[T] {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	return model.Snapshot[T]{Status: r.status(), Data: r.data}
}

// feed is the read handle the hub hands out.
type feed[T any] struct{ r *resource[T] }

func (f feed[T]) Key() model.ResourceKey      { return f.r.key }
func (f feed[T]) Snapshot() model.Snapshot[T] { return f.r.snapshot() }
func (f feed[T]) String() string              { return "feed " + f.r.key.String() }
func (f feed[T]) Want() (release func())      { return f.r.h.want(&f.r.core) }

var _ model.Feed[int] = feed[int]{}

func (h *Hub) want(c *core) func() {
	h.mu.Lock()
	c.want()
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			c.release()
			h.mu.Unlock()
		})
	}
}

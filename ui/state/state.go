// Package state is the root model's shared data: one Entry per provider and
// resource (data, fetched-at, error, stale, in-flight seq, progress), and the
// scheduling rules around it. Panes read entries; only the root mutates them,
// on the Update goroutine. Two panes that need the same resource share one
// Entry, so it is fetched once.
package state

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
)

// Resource names used by the built-in panes; later panes add their own.
const (
	Connections = "connections"
	Inventory   = "inventory"
)

// Key identifies one resource of one provider.
type Key struct {
	Provider string
	Resource string
}

func (k Key) String() string { return k.Provider + "/" + k.Resource }

// FetchFunc loads a resource. It runs in a tea.Cmd goroutine: it must only
// use the values it captured, honour ctx, and may report into p.
type FetchFunc func(ctx context.Context, p *model.Progress) (any, error)

// Spec registers a resource with the scheduler.
type Spec struct {
	Key   Key
	Fetch FetchFunc
	// Every overrides the app's refresh interval; 0 = default.
	Every time.Duration
}

// Entry is the shared state of one resource.
type Entry struct {
	Key       Key
	Data      any       // last good data (nil until the first success)
	FetchedAt time.Time // when Data was fetched
	Err       error     // last error; nil after a success
	// Incomplete says what Data lacks (items the provider sent that could
	// not be read, a listing cut short at a bound); nil when Data is
	// whole. It describes Data, so it stays while a later fetch fails.
	Incomplete *model.Incomplete
	ErrAt      time.Time
	Loading    bool
	Started    time.Time
	Seq        uint64 // seq of the newest fetch; results with another seq are dropped
	Progress   *model.Progress
	Done       int // progress snapshot (pages done / total), taken on spinner ticks
	Total      int
	Failures   int       // consecutive failures, for backoff
	NextAt     time.Time // when the next automatic fetch is due
	RetryAt    time.Time // rate limited until (zero when not)
	Loads      int       // successful loads so far
	Due        bool      // a tick came while paused

	spec   Spec
	cancel context.CancelFunc
	// untick stops the pending automatic-refresh timer (superseded by a
	// fetch, or the store closed).
	untick context.CancelFunc
}

// Stale reports whether Data is older than the last attempt (the last
// fetch failed but earlier data is still shown).
func (e *Entry) Stale() bool { return e.Err != nil && e.Data != nil }

// FetchedMsg carries a fetch result back to Update.
type FetchedMsg struct {
	Key  Key
	Seq  uint64
	Data any
	Err  error
	At   time.Time
}

// Partial reports whether err comes with usable data (a *model.Incomplete:
// some items could not be read, or the listing was cut short). A FetchFunc
// returns such data together with the error; the store keeps both.
func Partial(err error) bool {
	var in *model.Incomplete
	return errors.As(err, &in)
}

// TickMsg asks for the automatic refresh of Key; Seq ties it to the fetch
// that scheduled it, so superseded ticks die quietly.
type TickMsg struct {
	Key Key
	Seq uint64
}

// ChangedMsg tells panes that an entry changed (data, error or loading).
type ChangedMsg struct {
	Key         Key
	DataChanged bool
}

// Store holds entries and schedules fetches.
type Store struct {
	entries  map[Key]*Entry
	order    []Key
	interval time.Duration
	now      func() time.Time
	root     context.Context
	stop     context.CancelFunc
	paused   bool
	// MaxBackoff caps the delay after repeated failures.
	MaxBackoff time.Duration
	// MinRetry is the first retry delay after a failure.
	MinRetry time.Duration
}

// NewStore makes a store refreshing every interval.
func NewStore(interval time.Duration, now func() time.Time) *Store {
	if interval <= 0 {
		interval = 15 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Store{entries: map[Key]*Entry{}, interval: interval, now: now, root: ctx, stop: cancel,
		MaxBackoff: 5 * time.Minute, MinRetry: 5 * time.Second}
}

// Register adds a resource (once; later registrations of the same key are
// ignored, which is how two panes share a fetch). It reports whether the
// key was new.
func (s *Store) Register(sp Spec) bool {
	if _, ok := s.entries[sp.Key]; ok {
		return false
	}
	s.entries[sp.Key] = &Entry{Key: sp.Key, spec: sp}
	s.order = append(s.order, sp.Key)
	return true
}

// Get returns the entry for k, or nil.
func (s *Store) Get(k Key) *Entry { return s.entries[k] }

// Keys lists registered keys in registration order.
func (s *Store) Keys() []Key { return s.order }

// Paused reports whether auto-refresh is paused.
func (s *Store) Paused() bool { return s.paused }

// Interval is the default refresh interval.
func (s *Store) Interval() time.Duration { return s.interval }

// Start fetches k now, cancelling a fetch in flight (it is superseded).
func (s *Store) Start(k Key) tea.Cmd {
	e := s.entries[k]
	if e == nil || e.spec.Fetch == nil {
		return nil
	}
	if e.cancel != nil {
		e.cancel()
	}
	if e.untick != nil {
		e.untick() // this fetch supersedes the tick
		e.untick = nil
	}
	ctx, cancel := context.WithCancel(s.root)
	e.cancel = cancel
	e.Seq++
	e.Loading = true
	e.Due = false
	e.Started = s.now()
	e.Progress = &model.Progress{}
	e.Done, e.Total = 0, 0
	// Capture values only: the command must not touch the store.
	key, seq, fetch, prog, now := k, e.Seq, e.spec.Fetch, e.Progress, s.now
	return func() tea.Msg {
		data, err := safeFetch(ctx, fetch, prog)
		return FetchedMsg{Key: key, Seq: seq, Data: data, Err: err, At: now()}
	}
}

// safeFetch turns a panicking provider into an error instead of a crash.
func safeFetch(ctx context.Context, f FetchFunc, p *model.Progress) (data any, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, errors.New("internal error while fetching (recovered)")
		}
	}()
	return f(ctx, p)
}

// StartAll fetches every registered resource now.
func (s *Store) StartAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range s.order {
		cmds = append(cmds, s.Start(k))
	}
	return tea.Batch(cmds...)
}

// Apply merges a fetch result. It returns whether the result was current
// (stale seqs are dropped), whether Data changed, and the command that
// schedules the next automatic refresh.
func (s *Store) Apply(m FetchedMsg) (current, dataChanged bool, next tea.Cmd) {
	e := s.entries[m.Key]
	if e == nil || m.Seq != e.Seq || !e.Loading {
		return false, false, nil
	}
	e.Loading = false
	if e.cancel != nil {
		e.cancel()
		e.cancel = nil
	}
	if e.Progress != nil {
		e.Done, e.Total = e.Progress.Load()
	}
	at := m.At
	if at.IsZero() {
		at = s.now()
	}
	var incomplete *model.Incomplete
	if m.Err != nil && !errors.As(m.Err, &incomplete) {
		e.Err, e.ErrAt = m.Err, at
		e.Failures++
	} else {
		// A partial listing is data: shown, and marked with what it lacks.
		e.Data, e.FetchedAt, e.Err, e.Failures, e.RetryAt = m.Data, at, nil, 0, time.Time{}
		e.Incomplete = incomplete
		e.Loads++
		dataChanged = true
	}
	d := s.delay(e)
	if rl := (*model.RateLimited)(nil); errors.As(m.Err, &rl) && rl.RetryAfter > 0 {
		e.RetryAt = at.Add(rl.RetryAfter)
	}
	e.NextAt = at.Add(d)
	tctx, untick := context.WithCancel(s.root)
	e.untick = untick
	return true, dataChanged, after(tctx, d, TickMsg{Key: m.Key, Seq: e.Seq})
}

// delay is the wait before the next automatic fetch: the interval after a
// success; after failures an exponential backoff from MinRetry, capped,
// never shorter than a provider's Retry-After.
func (s *Store) delay(e *Entry) time.Duration {
	every := e.spec.Every
	if every <= 0 {
		every = s.interval
	}
	if e.Err == nil {
		return every
	}
	d := s.MinRetry
	if d > every {
		d = every
	}
	for i := 1; i < e.Failures && d < s.MaxBackoff; i++ {
		d *= 2
	}
	if d > s.MaxBackoff {
		d = s.MaxBackoff
	}
	var rl *model.RateLimited
	if errors.As(e.Err, &rl) && rl.RetryAfter > d {
		d = rl.RetryAfter
	}
	return d
}

// Delay exposes the current wait of k (for tests and the status bar).
func (s *Store) Delay(k Key) time.Duration {
	if e := s.entries[k]; e != nil {
		return s.delay(e)
	}
	return 0
}

// After delivers msg after d, or nothing once the store is closed. Unlike
// tea.Tick, whose goroutine sleeps out its timer after the program has
// quit, its goroutine ends on quit: a program per SSH session, or a test,
// must not leave timers behind.
func (s *Store) After(d time.Duration, msg tea.Msg) tea.Cmd { return after(s.root, d, msg) }

func after(ctx context.Context, d time.Duration, msg tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// Tick handles an automatic refresh tick: superseded ticks are dropped;
// while paused the entry is only marked due.
func (s *Store) Tick(m TickMsg) tea.Cmd {
	e := s.entries[m.Key]
	if e == nil || m.Seq != e.Seq || e.Loading {
		return nil
	}
	if s.paused {
		e.Due = true
		return nil
	}
	return s.Start(m.Key)
}

// SetPaused pauses or resumes auto-refresh; resuming fetches what fell due.
func (s *Store) SetPaused(p bool) tea.Cmd {
	s.paused = p
	if p {
		return nil
	}
	var cmds []tea.Cmd
	for _, k := range s.order {
		if e := s.entries[k]; e.Due {
			cmds = append(cmds, s.Start(k))
		}
	}
	return tea.Batch(cmds...)
}

// Snapshot copies progress counters into entries that are loading (called
// on spinner ticks so View reads plain fields). It reports whether anything
// is loading.
func (s *Store) Snapshot() bool {
	busy := false
	for _, k := range s.order {
		e := s.entries[k]
		if e.Loading {
			busy = true
			e.Done, e.Total = e.Progress.Load()
		}
	}
	return busy
}

// Loading reports whether any fetch is in flight.
func (s *Store) Loading() bool {
	for _, k := range s.order {
		if s.entries[k].Loading {
			return true
		}
	}
	return false
}

// Put replaces an entry's data without a fetch (after an action re-read
// one object). The fetch schedule is unchanged.
func (s *Store) Put(k Key, data any) {
	if e := s.entries[k]; e != nil {
		e.Data = data
	}
}

// Close cancels every fetch in flight (on quit).
func (s *Store) Close() {
	s.stop()
}

// Context is the root context fetches derive from; cancelled by Close.
func (s *Store) Context() context.Context { return s.root }

package sim

import (
	"container/heap"
	"math/rand/v2"
	"sync"
	"time"
)

// Engine is a lazy discrete-event scheduler. Nothing runs in the
// background: each time a simulator handles a request it calls Lock, which
// runs every event due up to the clock's now, in time order, and returns
// with the engine's mutex held so the handler sees (and may change) a
// consistent world. Under a FakeClock the whole history is therefore
// deterministic, and an idle simulator costs nothing.
//
// Events run with the lock held, at their own scheduled time: Now() inside
// an event is the event's time, so timestamps and follow-up events
// scheduled with After are exact, however late the catch-up happens.
type Engine struct {
	mu    sync.Mutex
	clock Clock
	now   time.Time
	q     eventQueue
	seq   uint64
	// prepare, when set, builds the simulator's world the first time the
	// engine is locked (see Prepare).
	prepare func(now time.Time)
	// MaxCatchUp bounds how many events one Lock runs (a fake clock jumped
	// a year ahead must not hang a request); the rest run on later calls.
	MaxCatchUp int
}

// NewEngine returns an engine whose simulated time starts at clock.Now().
func NewEngine(clock Clock) *Engine {
	if clock == nil {
		clock = RealClock{}
	}
	return &Engine{clock: clock, now: clock.Now(), MaxCatchUp: 1_000_000}
}

// Lock takes the engine's mutex, runs every event due at or before the
// clock's now and returns the current simulated time. Call Unlock when done.
func (e *Engine) Lock() time.Time {
	e.mu.Lock()
	if fn := e.prepare; fn != nil {
		e.prepare = nil
		fn(e.now)
	}
	target := e.clock.Now()
	for n := 0; e.q.Len() > 0 && n < e.MaxCatchUp; n++ {
		ev := e.q[0]
		if ev.at.After(target) {
			break
		}
		heap.Pop(&e.q)
		if ev.at.After(e.now) {
			e.now = ev.at
		}
		ev.fn(e.now)
	}
	if target.After(e.now) && (e.q.Len() == 0 || e.q[0].at.After(target)) {
		e.now = target
	}
	return e.now
}

// Prepare registers fn to build a simulator's world lazily: it runs once,
// the first time the engine is locked, with the lock held and before any
// event, at the simulated time the engine was created (so the events it
// schedules are exactly those an eager build would have scheduled, and a
// FakeClock gives the same history). A simulator nobody asks costs
// nothing. Call it before the engine is shared (from a constructor).
func (e *Engine) Prepare(fn func(now time.Time)) { e.prepare = fn }

// Unlock releases the engine.
func (e *Engine) Unlock() { e.mu.Unlock() }

// Run is Lock, fn, Unlock.
func (e *Engine) Run(fn func(now time.Time)) {
	now := e.Lock()
	defer e.Unlock()
	fn(now)
}

// Now returns the simulated time. Call it with the engine locked (from a
// handler between Lock and Unlock, or from an event).
func (e *Engine) Now() time.Time { return e.now }

// At schedules fn at t (at the current simulated time if t is in the past).
// Call it with the engine locked.
func (e *Engine) At(t time.Time, fn func(now time.Time)) {
	if t.Before(e.now) {
		t = e.now
	}
	e.seq++
	heap.Push(&e.q, &event{at: t, seq: e.seq, fn: fn})
}

// After schedules fn d after the current simulated time. Call it with the
// engine locked.
func (e *Engine) After(d time.Duration, fn func(now time.Time)) {
	e.At(e.now.Add(d), fn)
}

// Every runs fn repeatedly, with gaps drawn uniformly from [min, max] by r
// (give it its own stream, e.g. NewRand(seed, "fabric", "arrivals")). The
// first run is one gap from now. A max of zero or less does nothing. Call
// it with the engine locked.
func (e *Engine) Every(r *rand.Rand, min, max time.Duration, fn func(now time.Time)) {
	if max <= 0 {
		return
	}
	if min <= 0 {
		min = time.Millisecond
	}
	var tick func(now time.Time)
	tick = func(now time.Time) {
		fn(now)
		e.After(Between(r, min, max), tick)
	}
	e.After(Between(r, min, max), tick)
}

// Pending returns how many events are scheduled. Call it with the engine
// locked.
func (e *Engine) Pending() int { return e.q.Len() }

// NextAt returns when the next event is due (ok false if none). Call it
// with the engine locked.
func (e *Engine) NextAt() (time.Time, bool) {
	if e.q.Len() == 0 {
		return time.Time{}, false
	}
	return e.q[0].at, true
}

type event struct {
	at  time.Time
	seq uint64 // FIFO among events due at the same instant
	fn  func(now time.Time)
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	ev := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return ev
}

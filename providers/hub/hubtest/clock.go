// Package hubtest holds test helpers for code built on the hub: a fake
// clock whose timers fire only when the test advances it.
package hubtest

import (
	"slices"
	"sync"
	"time"
)

// FakeClock is a manual clock. Timers fire synchronously, in time order,
// inside Advance (each with Now set to its due time).
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
	seq    int
}

type timer struct {
	at      time.Time
	seq     int // creation order, for timers due at the same instant
	f       func()
	stopped bool
}

// NewFakeClock starts at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now is the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock reaches Now()+d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.timers, t)
		if i < 0 || t.stopped {
			return false
		}
		t.stopped = true
		c.timers = slices.Delete(c.timers, i, i+1)
		return true
	}
}

// Advance moves the clock forward by d, firing every timer that falls due
// (including timers those timers set, when they are due within d).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		i := c.next(end)
		if i < 0 {
			c.now = end
			c.mu.Unlock()
			return
		}
		t := c.timers[i]
		c.timers = slices.Delete(c.timers, i, i+1)
		if t.at.After(c.now) {
			c.now = t.at
		}
		c.mu.Unlock()
		t.f()
	}
}

// next is the index of the earliest timer due by end, or -1.
func (c *FakeClock) next(end time.Time) int {
	best := -1
	for i, t := range c.timers {
		if t.at.After(end) {
			continue
		}
		if best < 0 || t.at.Before(c.timers[best].at) || (t.at.Equal(c.timers[best].at) && t.seq < c.timers[best].seq) {
			best = i
		}
	}
	return best
}

// Pending is the number of timers not yet fired or stopped.
func (c *FakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NextAt is when the earliest pending timer fires (zero when none).
func (c *FakeClock) NextAt() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.next(time.Unix(1<<62, 0))
	if i < 0 {
		return time.Time{}
	}
	return c.timers[i].at
}

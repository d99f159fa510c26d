package sim

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestEngineRunsDueEventsInOrderAtTheirOwnTime(t *testing.T) {
	clk := NewFakeClock(t0)
	e := NewEngine(clk)
	var log []string
	var times []time.Time
	rec := func(name string) func(time.Time) {
		return func(now time.Time) { log = append(log, name); times = append(times, now) }
	}
	e.Run(func(now time.Time) {
		e.After(3*time.Second, rec("c"))
		e.After(time.Second, rec("a"))
		e.After(time.Second, rec("b")) // same instant: FIFO
		e.After(time.Second, func(now time.Time) {
			// follow-ups are relative to the event's own time
			e.After(time.Second, rec("a+1"))
		})
		e.After(time.Hour, rec("late"))
	})
	clk.Advance(5 * time.Second)
	now := e.Lock()
	pending := e.Pending()
	e.Unlock()
	want := []string{"a", "b", "a+1", "c"}
	if !slices.Equal(log, want) {
		t.Fatalf("ran %v, want %v", log, want)
	}
	wantT := []time.Duration{time.Second, time.Second, 2 * time.Second, 3 * time.Second}
	for i, d := range wantT {
		if !times[i].Equal(t0.Add(d)) {
			t.Fatalf("event %s ran at %v, want t0+%v", log[i], times[i].Sub(t0), d)
		}
	}
	if !now.Equal(t0.Add(5*time.Second)) || pending != 1 {
		t.Fatalf("now %v pending %d; want t0+5s and the late event still queued", now.Sub(t0), pending)
	}
}

func TestEngineNothingRunsWithoutTime(t *testing.T) {
	clk := NewFakeClock(t0)
	e := NewEngine(clk)
	ran := 0
	e.Run(func(time.Time) { e.After(time.Second, func(time.Time) { ran++ }) })
	for i := 0; i < 3; i++ {
		e.Run(func(time.Time) {})
	}
	if ran != 0 {
		t.Fatal("event ran before its time")
	}
	clk.Set(t0.Add(-time.Hour)) // a clock going backwards must not rewind the world
	if now := e.Lock(); !now.Equal(t0) {
		t.Fatalf("simulated time went backwards to %v", now)
	}
	e.Unlock()
	clk.Set(t0.Add(time.Second))
	e.Run(func(time.Time) {})
	if ran != 1 {
		t.Fatalf("event ran %d times, want 1", ran)
	}
}

func TestEngineEveryIsDeterministicAndWithinBounds(t *testing.T) {
	run := func() []time.Time {
		clk := NewFakeClock(t0)
		e := NewEngine(clk)
		var at []time.Time
		e.Run(func(time.Time) {
			e.Every(NewRand(1, "arrivals"), 20*time.Second, 40*time.Second, func(now time.Time) { at = append(at, now) })
		})
		for i := 0; i < 60; i++ { // ten minutes in uneven steps
			clk.Advance(time.Duration(7+i%5) * time.Second)
			e.Run(func(time.Time) {})
		}
		return at
	}
	a, b := run(), run()
	if !slices.EqualFunc(a, b, time.Time.Equal) {
		t.Fatal("same seed and clock gave different arrival times")
	}
	if len(a) < 9 || len(a) > 28 {
		t.Fatalf("%d arrivals in ~9 minutes with 20-40s gaps", len(a))
	}
	prev := t0
	for _, x := range a {
		if gap := x.Sub(prev); gap < 20*time.Second || gap > 40*time.Second {
			t.Fatalf("gap %v outside 20-40s", gap)
		}
		prev = x
	}
}

func TestEngineCatchUpIsBounded(t *testing.T) {
	clk := NewFakeClock(t0)
	e := NewEngine(clk)
	e.MaxCatchUp = 100
	n := 0
	e.Run(func(time.Time) { e.Every(NewRand(1, "x"), time.Second, time.Second, func(time.Time) { n++ }) })
	clk.Advance(24 * time.Hour)
	e.Run(func(time.Time) {})
	if n != 100 {
		t.Fatalf("ran %d events in one Lock, want the cap of 100", n)
	}
	e.Run(func(time.Time) {})
	if n != 200 {
		t.Fatalf("second Lock should continue catching up, ran %d", n)
	}
}

func TestEngineAtInThePastRunsNow(t *testing.T) {
	clk := NewFakeClock(t0)
	e := NewEngine(clk)
	var got time.Time
	e.Run(func(time.Time) { e.At(t0.Add(-time.Hour), func(now time.Time) { got = now }) })
	e.Run(func(time.Time) {})
	if !got.Equal(t0) {
		t.Fatalf("past event ran at %v, want now", got)
	}
	if _, ok := func() (time.Time, bool) { e.Lock(); defer e.Unlock(); return e.NextAt() }(); ok {
		t.Fatal("queue should be empty")
	}
}

func TestEnginePrepareRunsOnceAtCreationTimeBeforeEvents(t *testing.T) {
	clk := NewFakeClock(t0)
	e := NewEngine(clk)
	var log []string
	built := 0
	e.Prepare(func(now time.Time) {
		built++
		if !now.Equal(t0) {
			t.Errorf("prepare ran at t0+%v, want the engine's creation time", now.Sub(t0))
		}
		e.After(time.Second, func(time.Time) { log = append(log, "first") })
	})
	clk.Advance(time.Hour) // the first request comes much later
	if built != 0 {
		t.Fatal("prepare ran before the engine was locked")
	}
	e.Run(func(now time.Time) {
		if !now.Equal(t0.Add(time.Hour)) {
			t.Errorf("first lock returned t0+%v, want t0+1h", now.Sub(t0))
		}
		log = append(log, "handler")
	})
	e.Run(func(time.Time) {})
	if built != 1 {
		t.Fatalf("prepare ran %d times, want once", built)
	}
	if !slices.Equal(log, []string{"first", "handler"}) {
		t.Fatalf("ran %v: the event prepare scheduled at t0+1s must run before the first handler", log)
	}
}

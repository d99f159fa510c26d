package hubtest

import (
	"slices"
	"testing"
	"time"
)

func TestFakeClock(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewFakeClock(t0)
	var got []string
	var at []time.Duration
	rec := func(name string) func() {
		return func() { got = append(got, name); at = append(at, c.Now().Sub(t0)) }
	}
	c.AfterFunc(2*time.Second, rec("b"))
	c.AfterFunc(time.Second, rec("a"))
	c.AfterFunc(2*time.Second, rec("b2")) // same instant: creation order
	stop := c.AfterFunc(1500*time.Millisecond, rec("stopped"))
	c.AfterFunc(time.Second, func() { c.AfterFunc(500*time.Millisecond, rec("chained")) })
	if !stop() || stop() {
		t.Fatal("stop must report true once")
	}
	c.AfterFunc(10*time.Second, rec("later"))
	c.Advance(3 * time.Second)
	want := []string{"a", "chained", "b", "b2"}
	if !slices.Equal(got, want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	if !slices.Equal(at, []time.Duration{time.Second, 1500 * time.Millisecond, 2 * time.Second, 2 * time.Second}) {
		t.Errorf("fired at %v", at)
	}
	if c.Now().Sub(t0) != 3*time.Second || c.Pending() != 1 || !c.NextAt().Equal(t0.Add(10*time.Second)) {
		t.Errorf("now %s pending %d next %s", c.Now().Sub(t0), c.Pending(), c.NextAt())
	}
}

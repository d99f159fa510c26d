package model

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestIncompleteMessages(t *testing.T) {
	tests := []struct {
		name string
		in   Incomplete
		want string
	}{
		{"dropped", Incomplete{Provider: "fab", What: "connections", Got: 247, Dropped: 3, DropReason: "connection without a uuid"},
			"fab: 3 of 250 connections could not be read: connection without a uuid"},
		{"truncated", Incomplete{Provider: "fab", What: "connections", Got: 1000, Truncated: true, Reason: "the listing has more than max_items (1000)"},
			"fab: connections truncated at 1000 items: the listing has more than max_items (1000)"},
		{"both", Incomplete{What: "blocks", Got: 500, Dropped: 2, DropReason: "block without an id", Truncated: true, Reason: "r"},
			"2 of 502 blocks could not be read: block without an id; blocks truncated at 500 items: r"},
		{"nothing readable", Incomplete{Provider: "ix", What: "ports", Dropped: 7, DropReason: "x", Truncated: true, Reason: "y"},
			"ix: none of 7 ports could be read: x; stopped reading: y"},
		{"no noun", Incomplete{Got: 1, Dropped: 1}, "1 of 2 items could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Error(); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestIncompleteErr(t *testing.T) {
	var nothing *Incomplete
	if nothing.Err() != nil || (&Incomplete{Got: 5}).Err() != nil {
		t.Fatal("a complete listing must not be an error")
	}

	partial := &Incomplete{Got: 5, Dropped: 1, Truncated: true, Cause: ErrTooLarge}
	err := fmt.Errorf("wrapped: %w", partial.Err())
	var in *Incomplete
	if !errors.As(err, &in) || in != partial || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("partial data: %v must be an *Incomplete matching its cause", err)
	}

	// Nothing readable: an error, and not an Incomplete, so no consumer
	// shows the empty result as current data.
	none := &Incomplete{What: "connections", Dropped: 1000, DropReason: "no uuid", Truncated: true, Cause: context.DeadlineExceeded}
	err = none.Err()
	if err == nil || errors.As(err, &in) {
		t.Fatalf("all items failed: %v (is Incomplete: %v)", err, errors.As(err, &in))
	}
	if !errors.Is(err, ErrBadResponse) || !errors.Is(err, context.DeadlineExceeded) || err.Error() != none.Error() {
		t.Fatalf("all items failed: %v", err)
	}
}

func TestIncompleteMerge(t *testing.T) {
	a := &Incomplete{Provider: "ix", What: "connections", Got: 10, Dropped: 1, DropReason: "first"}
	a.Merge(nil)
	a.Merge(&Incomplete{What: "ports", Got: 4, Dropped: 2, DropReason: "second", Truncated: true, Reason: "cut", Cause: ErrTooLarge})
	a.Merge(&Incomplete{What: "ports", Got: 1, Truncated: true, Reason: "later", Cause: ErrBadResponse})
	if a.Got != 15 || a.Dropped != 3 || a.DropReason != "first" || !a.Truncated || a.Reason != "cut" ||
		!errors.Is(a, ErrTooLarge) || a.What != "connections and ports" {
		t.Fatalf("merged: %+v", a)
	}
	for _, w := range []string{"pops", "ports", "devices"} {
		a.Merge(&Incomplete{What: w, Got: 1})
	}
	if a.What != "objects (connections, ports, +2 more)" || a.Got != 18 {
		t.Fatalf("merged four kinds: %q, %d", a.What, a.Got)
	}
}

// Losses keeps the data of incomplete listings (Keep says nil), lets
// real failures through, and reports everything lost at once.
func TestLosses(t *testing.T) {
	var l Losses
	if l.Err() != nil {
		t.Fatal("nothing lost, yet an error")
	}
	boom := errors.New("boom")
	a := &Incomplete{Provider: "p", What: "devices", Got: 10, Dropped: 2, DropReason: "device without an id"}
	b := &Incomplete{Provider: "p", What: "sessions", Got: 5, Truncated: true, Reason: "more than max_items (5)", Cause: ErrTooLarge}
	if l.Keep(nil) != nil || l.Keep(a) != nil || l.Keep(fmt.Errorf("wrapped: %w", b)) != nil || l.Keep(boom) != boom {
		t.Fatal("Keep")
	}
	// The every-item-failed form is an error, not a loss.
	if err := (&Incomplete{What: "x", Dropped: 3}).Err(); l.Keep(err) == nil {
		t.Fatal("an unreadable listing was taken for a partial one")
	}
	err := l.Err()
	var in *Incomplete
	if !errors.As(err, &in) || in.Dropped != 2 || !in.Truncated || !errors.Is(err, ErrTooLarge) ||
		err.Error() != "p: 2 of 17 devices and sessions could not be read: device without an id; devices and sessions truncated at 15 items: more than max_items (5)" {
		t.Fatalf("%v", err)
	}
	if a.What != "devices" || a.Got != 10 {
		t.Fatal("Keep changed the error it was given")
	}
}

package model

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestChangeQueueCoalescesAndCloses(t *testing.T) {
	q := NewChangeQueue()
	k := func(r string) ResourceKey { return ResourceKey{Provider: "p", Resource: r} }
	q.Add(2, Change{Key: k("b"), DataChanged: true, Version: 1})
	q.Add(0, Change{Key: k("a"), Version: 1})
	q.Add(2, Change{Key: k("b"), Version: 2}) // a later status-only change keeps DataChanged
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	cs, err := q.Next(ctx)
	if err != nil || len(cs) != 2 || cs[0].Key != k("a") || cs[1].Key != k("b") || !cs[1].DataChanged || cs[1].Version != 2 {
		t.Fatalf("Next = %+v, %v", cs, err)
	}
	if cs := q.Changes(); cs != nil {
		t.Fatalf("changes left after Next: %+v", cs)
	}
	q.Shut()
	q.Add(1, Change{Key: k("c")})
	if _, err := q.Next(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Shut: %v", err)
	}
}

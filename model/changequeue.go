package model

import (
	"context"
	"slices"
	"sync"
)

// ChangeQueue holds the changes waiting for one subscriber: one per
// resource (DataChanged ORed, the newest Version kept), so its memory is
// bounded by the number of resources however slowly it is read, and
// adding never blocks. It implements Subscription but Close, which
// belongs to whoever hands it out (the hub, or a test's fake of it).
type ChangeQueue struct {
	mu      sync.Mutex
	pending map[int]Change // by resource index
	c       chan struct{}  // capacity 1: "changes are waiting"
	closed  bool
}

// NewChangeQueue returns an empty, open queue.
func NewChangeQueue() *ChangeQueue {
	return &ChangeQueue{pending: map[int]Change{}, c: make(chan struct{}, 1)}
}

// Add records ch for the resource at idx (nothing once shut).
func (q *ChangeQueue) Add(idx int, ch Change) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if old, ok := q.pending[idx]; ok {
		ch.DataChanged = ch.DataChanged || old.DataChanged
	}
	q.pending[idx] = ch
	select {
	case q.c <- struct{}{}:
	default: // a wake-up is already waiting
	}
}

// Waiting is how many resources have changes waiting.
func (q *ChangeQueue) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// C receives a value when changes are waiting; it is closed by Shut.
func (q *ChangeQueue) C() <-chan struct{} { return q.c }

// Changes returns the waiting changes in resource order and clears them.
func (q *ChangeQueue) Changes() []Change {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return nil
	}
	idx := make([]int, 0, len(q.pending))
	for i := range q.pending {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]Change, len(idx))
	for j, i := range idx {
		out[j] = q.pending[i]
	}
	clear(q.pending)
	return out
}

// Next waits for changes (or ctx, or Shut: ErrClosed) and returns them.
func (q *ChangeQueue) Next(ctx context.Context) ([]Change, error) {
	for {
		if cs := q.Changes(); len(cs) > 0 {
			return cs, nil
		}
		select {
		case _, ok := <-q.c:
			if !ok {
				return nil, ErrClosed
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Shut ends the queue: what waits is dropped and C is closed.
func (q *ChangeQueue) Shut() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		clear(q.pending)
		close(q.c)
	}
}

package hub

import (
	"context"
	"slices"
	"sync"

	"github.com/noctop/noctop/model"
)

// subscription collects changes for one reader. Waiting changes are kept
// one per resource, so its memory is bounded by the number of resources
// however slowly it is read, and publishing never blocks.
type subscription struct {
	h       *Hub
	mu      sync.Mutex
	pending map[int]model.Change // by resource index
	c       chan struct{}        // capacity 1: "changes are waiting"
	closed  bool
}

// Subscribe returns a new subscription. After Close (of the hub) it is
// returned already closed.
func (h *Hub) Subscribe() model.Subscription {
	s := &subscription{h: h, pending: map[int]model.Change{}, c: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.shut()
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// publish tells every subscriber that c changed (under the hub's lock).
func (h *Hub) publish(c *core, dataChanged bool) {
	ch := model.Change{Key: c.key, DataChanged: dataChanged, Version: c.st.Version}
	for s := range h.subs {
		s.add(c.idx, ch)
	}
}

func (s *subscription) add(idx int, ch model.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if old, ok := s.pending[idx]; ok {
		ch.DataChanged = ch.DataChanged || old.DataChanged
	}
	s.pending[idx] = ch
	select {
	case s.c <- struct{}{}:
	default: // a wake-up is already waiting
	}
}

func (s *subscription) C() <-chan struct{} { return s.c }

func (s *subscription) Changes() []model.Change {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	idx := make([]int, 0, len(s.pending))
	for i := range s.pending {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]model.Change, len(idx))
	for j, i := range idx {
		out[j] = s.pending[i]
	}
	clear(s.pending)
	return out
}

func (s *subscription) Next(ctx context.Context) ([]model.Change, error) {
	for {
		if cs := s.Changes(); len(cs) > 0 {
			return cs, nil
		}
		select {
		case _, ok := <-s.c:
			if !ok {
				return nil, model.ErrClosed
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close ends the subscription; its channel is closed.
func (s *subscription) Close() {
	s.h.mu.Lock()
	delete(s.h.subs, s)
	s.h.mu.Unlock()
	s.shut()
}

func (s *subscription) shut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		clear(s.pending)
		close(s.c)
	}
}

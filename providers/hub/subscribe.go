package hub

import "github.com/noctop/noctop/model"

// subscription is one reader's queue of changes (model.ChangeQueue:
// coalesced per resource, never blocking the hub).
type subscription struct {
	*model.ChangeQueue
	h *Hub
}

// Subscribe returns a new subscription. After Close (of the hub) it is
// returned already closed.
func (h *Hub) Subscribe() model.Subscription {
	s := &subscription{ChangeQueue: model.NewChangeQueue(), h: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.Shut()
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// publish tells every subscriber that c changed (under the hub's lock).
func (h *Hub) publish(c *core, dataChanged bool) {
	ch := model.Change{Key: c.key, DataChanged: dataChanged, Version: c.st.Version}
	for s := range h.subs {
		s.Add(c.idx, ch)
	}
}

// Close ends the subscription; its channel is closed.
func (s *subscription) Close() {
	s.h.mu.Lock()
	delete(s.h.subs, s)
	s.h.mu.Unlock()
	s.Shut()
}

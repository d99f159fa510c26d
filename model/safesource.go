package model

import (
	"context"
	"sync"
	"time"
)

// SafeSource wraps every capability of s so that what it returns (data
// and errors) has passed the Sanitized methods, whatever the provider
// behind it did. The registry applies it to every source it builds, so a
// new provider cannot forget; applying it twice wraps once.
//
// A planner that is also an ActionPreparer stays one. Action plans keep
// their HTTP request exactly as planned (see Action.Sanitized).
func SafeSource(s Source) Source {
	if s.Connections != nil {
		if _, done := s.Connections.(safeConnections); !done {
			s.Connections = safeConnections{s.Connections}
		}
	}
	if s.Connection != nil {
		if _, done := s.Connection.(safeConnectionReader); !done {
			s.Connection = safeConnectionReader{s.Connection}
		}
	}
	if s.Inventory != nil {
		if _, done := s.Inventory.(*safeInventory); !done {
			s.Inventory = &safeInventory{next: s.Inventory}
		}
	}
	if s.Planner != nil {
		switch p := s.Planner.(type) {
		case safePlanner, safePreparingPlanner:
		case ActionPreparer:
			s.Planner = safePreparingPlanner{safePlanner{s.Planner}, p}
		default:
			s.Planner = safePlanner{s.Planner}
		}
	}
	if s.Runner != nil {
		if _, done := s.Runner.(safeRunner); !done {
			s.Runner = safeRunner{s.Runner}
		}
	}
	if s.Verifier != nil {
		if _, done := s.Verifier.(safeVerifier); !done {
			s.Verifier = safeVerifier{s.Verifier}
		}
	}
	if s.Stats != nil {
		if _, done := s.Stats.(safeStats); !done {
			s.Stats = safeStats{s.Stats}
		}
	}
	if s.Peers != nil {
		if _, done := s.Peers.(safePeers); !done {
			s.Peers = safePeers{s.Peers}
		}
	}
	if s.Changes != nil {
		if _, done := s.Changes.(safeChanges); !done {
			s.Changes = safeChanges{s.Changes}
		}
	}
	if s.Events != nil {
		if _, done := s.Events.(safeEvents); !done {
			s.Events = safeEvents{s.Events}
		}
	}
	if s.IPAM != nil {
		if _, done := s.IPAM.(safeIPAM); !done {
			s.IPAM = safeIPAM{s.IPAM}
		}
	}
	if s.Capacity != nil {
		if _, done := s.Capacity.(safeCapacity); !done {
			s.Capacity = safeCapacity{s.Capacity}
		}
	}
	return s
}

type safeCapacity struct{ next CapacitySource }

func (w safeCapacity) Capacity(ctx context.Context) ([]Capacity, error) {
	cs, err := w.next.Capacity(ctx)
	out := make([]Capacity, len(cs))
	for i, c := range cs {
		c.Provider, c.Location, c.Plan, c.Level = SafeText(c.Provider), SafeText(c.Location), SafeText(c.Plan), SafeText(c.Level)
		out[i] = c
	}
	return out, SafeError(err)
}

type safeConnections struct{ next ConnectionSource }

func (w safeConnections) Connections(ctx context.Context, p *Progress) ([]Connection, error) {
	cs, err := w.next.Connections(ctx, p)
	return SanitizeConnections(cs), SafeError(err)
}

type safeChanges struct{ next ConnectionChangeSource }

func (w safeChanges) ConnectionChanges(ctx context.Context, since time.Time, p *Progress) ([]Connection, error) {
	cs, err := w.next.ConnectionChanges(ctx, since, p)
	return SanitizeConnections(cs), SafeError(err)
}

type safeConnectionReader struct{ next ConnectionReader }

func (w safeConnectionReader) Connection(ctx context.Context, id string) (Connection, error) {
	c, err := w.next.Connection(ctx, id)
	return c.Sanitized(), SafeError(err)
}

// safeInventory remembers its last answer: a provider that returns the
// very slice it returned before (nothing changed; providers never change
// a slice they returned) gets the same sanitised slice back without a
// walk over every node (100k connection nodes under Fabric ports).
type safeInventory struct {
	next    InventorySource
	mu      sync.Mutex
	lastIn  []Node
	lastOut []Node
}

func (w *safeInventory) Inventory(ctx context.Context, p *Progress) ([]Node, error) {
	ns, err := w.next.Inventory(ctx, p)
	if len(ns) == 0 {
		return SanitizeNodes(ns), SafeError(err)
	}
	w.mu.Lock()
	same := len(w.lastIn) == len(ns) && &w.lastIn[0] == &ns[0]
	out := w.lastOut
	w.mu.Unlock()
	if !same {
		out = SanitizeNodes(ns)
		w.mu.Lock()
		w.lastIn, w.lastOut = ns, out
		w.mu.Unlock()
	}
	return out, SafeError(err)
}

type safePlanner struct{ next ActionPlanner }

func (w safePlanner) Plan(req ActionRequest) (Action, error) {
	a, err := w.next.Plan(req)
	return a.Sanitized(), SafeError(err)
}

type safePreparingPlanner struct {
	safePlanner
	prep ActionPreparer
}

func (w safePreparingPlanner) Prepare(ctx context.Context, req ActionRequest) (ActionRequest, error) {
	r, err := w.prep.Prepare(ctx, req)
	return r.Sanitized(), SafeError(err)
}

type safeRunner struct{ next ActionRunner }

func (w safeRunner) Do(ctx context.Context, a Action) (Result, error) {
	r, err := w.next.Do(ctx, a)
	return r.Sanitized(), SafeError(err)
}

type safeVerifier struct{ next ActionVerifier }

func (w safeVerifier) Verify(ctx context.Context, a Action) (bool, string, error) {
	applied, detail, err := w.next.Verify(ctx, a)
	return applied, SafeText(detail), SafeError(err)
}

type safeStats struct{ next StatsSource }

func (w safeStats) Series(ctx context.Context, q SeriesQuery) ([]Series, error) {
	xs, err := w.next.Series(ctx, q)
	return SanitizeSeries(xs), SafeError(err)
}

type safePeers struct{ next PeerSource }

func (w safePeers) Peers(ctx context.Context, config Ref) ([]Peer, error) {
	ps, err := w.next.Peers(ctx, config)
	return SanitizePeers(ps), SafeError(err)
}

// HasPeers passes PeerTargets through the wrapper.
func (w safePeers) HasPeers(config Ref) bool { return HasPeers(w.next, config) }

type safeEvents struct{ next EventSource }

func (w safeEvents) Events(ctx context.Context, about Ref) ([]Event, error) {
	es, err := w.next.Events(ctx, about)
	out := make([]Event, len(es))
	for i, e := range es {
		out[i] = e.Sanitized()
	}
	return out, SafeError(err)
}

type safeIPAM struct{ next IPAMSource }

func (w safeIPAM) Utilization(ctx context.Context, q UtilQuery) (Utilization, error) {
	u, err := w.next.Utilization(ctx, q)
	return u.Sanitized(), SafeError(err)
}

func (w safeIPAM) Blocks(ctx context.Context, q BlockQuery, p *Progress) ([]Block, error) {
	bs, err := w.next.Blocks(ctx, q, p)
	return SanitizeBlocks(bs), SafeError(err)
}

func (w safeIPAM) MaskReport(ctx context.Context, q MaskQuery) (MaskReport, error) {
	r, err := w.next.MaskReport(ctx, q)
	return r.Sanitized(), SafeError(err)
}

func (w safeIPAM) HoldingTank(ctx context.Context) (HoldingPreview, error) {
	h, err := w.next.HoldingTank(ctx)
	return h.Sanitized(), SafeError(err)
}

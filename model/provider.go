package model

import (
	"context"
	"sync/atomic"
)

// Provider is the one thing every configured provider instance implements.
// Everything else is an optional capability discovered by type assertion,
// so the UI shows only what a provider can actually do.
type Provider interface {
	// Name is the instance label from the config ("fabric-prod"); unique.
	Name() string
	// Kind is the provider type: "fabric", "ixapi", "metal", "packet", "provision".
	Kind() string
}

// ConnectionSource lists every connection the provider can see.
// p may be nil; when set, the source reports paging progress into it.
type ConnectionSource interface {
	Connections(ctx context.Context, p *Progress) ([]Connection, error)
}

// ConnectionReader re-reads one connection (used after an action, never
// assuming the outcome).
type ConnectionReader interface {
	Connection(ctx context.Context, id string) (Connection, error)
}

// InventorySource returns the provider's inventory as a tree.
type InventorySource interface {
	Inventory(ctx context.Context, p *Progress) ([]Node, error)
}

// ActionPlanner turns an operator's intent into the exact request that would
// be sent. It performs no I/O, so the confirmation dialog can show the
// request before anything happens.
type ActionPlanner interface {
	Plan(req ActionRequest) (Action, error)
}

// ActionRunner executes a planned action, sending exactly Action.Request.
type ActionRunner interface {
	Do(ctx context.Context, a Action) (Result, error)
}

// ActionVerifier re-reads the target of an action whose outcome is unknown
// (model.ErrOutcomeUnknown) and says whether the change it asked for is
// visible now. It performs reads only. err != nil means the re-read failed
// or cannot tell; detail says what the re-read showed ("state PROVISIONING,
// no change waiting for our decision"). The audit wrapper calls it, so every
// unknown outcome is reconciled and recorded.
type ActionVerifier interface {
	Verify(ctx context.Context, a Action) (applied bool, detail string, err error)
}

// StatsSource returns time series (traffic) for an object.
type StatsSource interface {
	Series(ctx context.Context, q SeriesQuery) ([]Series, error)
}

// Progress is a lock-free progress counter a fetch writes and the UI reads
// on its spinner tick, so Update never blocks on I/O.
type Progress struct {
	done  atomic.Int64
	total atomic.Int64
}

// SetTotal records how many units (pages) the fetch expects; 0 = unknown.
func (p *Progress) SetTotal(n int) {
	if p != nil {
		p.total.Store(int64(n))
	}
}

// Add records n more completed units.
func (p *Progress) Add(n int) {
	if p != nil {
		p.done.Add(int64(n))
	}
}

// Load returns done and total (total 0 when unknown).
func (p *Progress) Load() (done, total int) {
	if p == nil {
		return 0, 0
	}
	return int(p.done.Load()), int(p.total.Load())
}

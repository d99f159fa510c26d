package pane

import (
	"context"
	"fmt"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/state"
)

// The seam between panes and the shared data: every read of what the root
// fetched goes through the functions in this file, typed, so no pane
// type-asserts stored data itself. Replacing ui/state with a data hub
// changes this file, not the panes.

// Resource names of the data the built-in panes share (IPAM adds its own
// in ui/ipam, read through Data).
const (
	ResConnections = state.Connections
	ResInventory   = state.Inventory
)

// Key is the shared-state key of one resource of provider.
func Key(provider, resource string) state.Key {
	return state.Key{Provider: provider, Resource: resource}
}

// Data is the last good data of k as a T (false before the first load, or
// when k holds something else).
func Data[T any](c *Context, k state.Key) (T, bool) {
	var zero T
	if c.Store == nil {
		return zero, false
	}
	e := c.Store.Get(k)
	if e == nil || e.Data == nil {
		return zero, false
	}
	v, ok := e.Data.(T)
	return v, ok
}

// Status is what a pane may know about a resource besides its data: is it
// loading, how far, did the last fetch fail, when is the next one.
type Status struct {
	Loading     bool
	Done, Total int // pages fetched / expected (0 = unknown)
	HasData     bool
	FetchedAt   time.Time
	Err         error // the last fetch's error; nil after a success
	NextAt      time.Time
	Loads       int // successful loads so far
	// Incomplete says what the data lacks (a listing cut short, items
	// that could not be read); nil when it is whole.
	Incomplete *model.Incomplete
}

// Stale reports whether the data shown is older than the last attempt.
func (s Status) Stale() bool { return s.Err != nil && s.HasData }

// StatusOf is k's status; false when no pane registered k.
func (c *Context) StatusOf(k state.Key) (Status, bool) {
	if c.Store == nil {
		return Status{}, false
	}
	e := c.Store.Get(k)
	if e == nil {
		return Status{}, false
	}
	return Status{Loading: e.Loading, Done: e.Done, Total: e.Total, HasData: e.Data != nil, FetchedAt: e.FetchedAt,
		Err: e.Err, NextAt: e.NextAt, Loads: e.Loads, Incomplete: e.Incomplete}, true
}

// ConnectionsOf is provider's connections as last fetched (nil if none).
func (c *Context) ConnectionsOf(provider string) []model.Connection {
	cs, _ := Data[[]model.Connection](c, Key(provider, ResConnections))
	return cs
}

// InventoryOf is provider's inventory as last fetched; false before the
// first load.
func (c *Context) InventoryOf(provider string) ([]model.Node, bool) {
	return Data[[]model.Node](c, Key(provider, ResInventory))
}

// ConnectionSpecs are the connection listings of every source that has one.
func (c *Context) ConnectionSpecs() []state.Spec {
	var out []state.Spec
	for _, s := range c.Sources {
		if s.Connections == nil {
			continue
		}
		src, name := s.Connections, s.Name
		out = append(out, state.Spec{Key: Key(name, ResConnections), Fetch: func(ctx context.Context, p *model.Progress) (any, error) {
			cs, err := src.Connections(ctx, p)
			if err != nil && !state.Partial(err) {
				return nil, err
			}
			// A partial listing keeps what was read, with its warning.
			for i := range cs {
				Fetched(name, &cs[i])
			}
			return cs, err
		}})
	}
	return out
}

// InventorySpecs are the inventories of every source that has one.
func (c *Context) InventorySpecs() []state.Spec {
	var out []state.Spec
	for _, s := range c.Sources {
		if s.Inventory == nil {
			continue
		}
		src := s.Inventory
		out = append(out, state.Spec{Key: Key(s.Name, ResInventory), Fetch: func(ctx context.Context, p *model.Progress) (any, error) {
			return src.Inventory(ctx, p)
		}})
	}
	return out
}

// Fetched completes a connection that just arrived from provider (a
// listing or a re-read): its provider and its fingerprint. This is the
// only place the UI computes a fingerprint, off the Update goroutine; the
// list engine compares them to mark changed rows.
func Fetched(provider string, c *model.Connection) {
	if c.Provider == "" {
		c.Provider = provider
	}
	if c.FingerprintKey == 0 {
		c.FingerprintKey = c.Fingerprint()
	}
}

// ReplaceConnection is an UpdateMsg that swaps in c (matched by ID) in its
// provider's connections, appending it when absent. c must have passed
// Fetched.
func ReplaceConnection(c model.Connection) UpdateMsg {
	return UpdateMsg{Key: Key(c.Provider, ResConnections), Apply: func(old any) any {
		cs, _ := old.([]model.Connection)
		out := make([]model.Connection, len(cs), len(cs)+1)
		copy(out, cs)
		for i := range out {
			if out[i].ID == c.ID {
				out[i] = c
				return out
			}
		}
		return append(out, c)
	}}
}

// ReplaceInventory is an UpdateMsg that swaps in provider's inventory as
// re-read after an action (the whole listing: the provider lists no
// single node).
func ReplaceInventory(provider string, nodes []model.Node) UpdateMsg {
	return UpdateMsg{Key: Key(provider, ResInventory), Apply: func(any) any { return nodes }}
}

// HasEvents reports whether provider keeps an event log the UI can read.
func (c *Context) HasEvents(provider string) bool {
	s, ok := c.Source(provider)
	return ok && s.Events != nil
}

// EventsOf reads provider's events about one object (the zero Ref: every
// event in its scope), newest first. It does I/O: call it from a command.
// The events are not shared data: each list reads its own.
func (c *Context) EventsOf(ctx context.Context, provider string, about model.Ref) ([]model.Event, error) {
	s, ok := c.Source(provider)
	if !ok || s.Events == nil {
		return nil, fmt.Errorf("%w: %s keeps no event log", model.ErrUnsupported, model.SafeText(provider))
	}
	return s.Events.Events(ctx, about)
}

// HasCapacity reports whether provider reports deployable capacity.
func (c *Context) HasCapacity(provider string) bool {
	s, ok := c.Source(provider)
	return ok && s.Capacity != nil
}

// CapacityOf reads provider's capacity report (location × plan → level).
// It does I/O: call it from a command.
func (c *Context) CapacityOf(ctx context.Context, provider string) ([]model.Capacity, error) {
	s, ok := c.Source(provider)
	if !ok || s.Capacity == nil {
		return nil, fmt.Errorf("%w: %s reports no capacity", model.ErrUnsupported, model.SafeText(provider))
	}
	return s.Capacity.Capacity(ctx)
}

package pane

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/noctop/noctop/model"
)

// The seam between panes and the shared data: every read of what the hub
// (model.Hub, shared by every UI session) holds goes through the functions
// in this file, typed. Panes never fetch shared data themselves: they name
// what they read (Pane.Resources), the root wants it from the hub, and the
// hub's changes arrive as ChangedMsg.

// Resource names of the data the built-in panes share (IPAM adds its own
// in ui/ipam).
const (
	ResConnections = model.ResConnections
	ResInventory   = model.ResInventory
)

// IPAMBlocks are the block listings of every IPAM source as last fetched
// (one slice each; none before the first load). The slices are shared with
// the hub and never changed after a fetch, so a command may scan them.
func (c *Context) IPAMBlocks() [][]model.Block {
	var out [][]model.Block
	for _, s := range c.Sources {
		if s.IPAM == nil {
			continue
		}
		if b := c.BlocksOf(s.Name); b != nil && len(b.List) > 0 {
			out = append(out, b.List)
		}
	}
	return out
}

// Key is the hub key of one resource of provider.
func Key(provider, resource string) model.ResourceKey {
	return model.ResourceKey{Provider: provider, Resource: resource}
}

// ChangedMsg tells panes that a resource of the hub changed (data, error
// or loading); the root broadcasts it to every pane.
type ChangedMsg struct {
	Key         model.ResourceKey
	DataChanged bool
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
	// NextFullAt is when the next full resync of a listing refreshed
	// incrementally (only changes since the last fetch) is due; zero for
	// resources always fetched whole.
	NextFullAt time.Time
	// Incomplete says what the data lacks (a listing cut short, items
	// that could not be read); nil when it is whole.
	Incomplete *model.Incomplete
}

// Stale reports whether the data shown is older than the last attempt.
func (s Status) Stale() bool { return s.Err != nil && s.HasData }

// StatusOf is k's status; false when the hub has no such resource.
func (c *Context) StatusOf(k model.ResourceKey) (Status, bool) {
	if c.Hub == nil {
		return Status{}, false
	}
	s, ok := c.Hub.Status(k)
	if !ok {
		return Status{}, false
	}
	return statusOf(s), true
}

func statusOf(s model.Status) Status {
	out := Status{Loading: s.Loading, Done: s.Done, Total: s.Total, HasData: s.HasData, FetchedAt: s.FetchedAt,
		Err: s.Err, NextAt: s.NextAt, Loads: s.Loads, NextFullAt: s.NextFullAt}
	if s.Warning != nil {
		out.Incomplete = IncompleteOf(s.Warning)
	}
	return out
}

// IncompleteOf is the *model.Incomplete err is or wraps (nil if none).
func IncompleteOf(err error) *model.Incomplete {
	if err == nil {
		return nil // no errors.As: its target would be allocated per call
	}
	var in *model.Incomplete
	if errors.As(err, &in) {
		return in
	}
	return nil
}

// snap is the data of a typed feed (false before the first load, or when
// the provider lacks the capability).
func snap[T any](f model.Feed[T], ok bool) (T, bool) {
	var zero T
	if !ok || f == nil {
		return zero, false
	}
	s := f.Snapshot()
	if !s.HasData {
		return zero, false
	}
	return s.Data, true
}

// ConnectionsOf is provider's connections as last fetched (nil if none).
// The slice is shared with the hub and other sessions: never modify it.
func (c *Context) ConnectionsOf(provider string) []model.Connection {
	if c.Hub == nil {
		return nil
	}
	cs, _ := snap(c.Hub.Connections(provider))
	return cs
}

// InventoryOf is provider's inventory as last fetched; false before the
// first load.
func (c *Context) InventoryOf(provider string) ([]model.Node, bool) {
	if c.Hub == nil {
		return nil, false
	}
	return snap(c.Hub.Inventory(provider))
}

// BlocksOf is provider's IPAM block listing with its tree (nil before the
// first load).
func (c *Context) BlocksOf(provider string) *model.BlockSet {
	if c.Hub == nil {
		return nil
	}
	b, _ := snap(c.Hub.Blocks(provider))
	return b
}

// UtilizationOf is provider's IPAM utilization (nil before the first load).
func (c *Context) UtilizationOf(provider string) *model.Utilizations {
	if c.Hub == nil {
		return nil
	}
	f, ok := c.Hub.Utilization(provider)
	return pointerTo(c, f, ok)
}

// MasksOf is provider's IPAM mask report (nil before the first load).
func (c *Context) MasksOf(provider string) *model.MaskReport {
	if c.Hub == nil {
		return nil
	}
	f, ok := c.Hub.Masks(provider)
	return pointerTo(c, f, ok)
}

// HoldingOf is provider's IPAM holding tank preview (nil before the first
// load).
func (c *Context) HoldingOf(provider string) *model.HoldingPreview {
	if c.Hub == nil {
		return nil
	}
	f, ok := c.Hub.Holding(provider)
	return pointerTo(c, f, ok)
}

// pointerTo is a pointer to a copy of f's data, made once per data version
// (nil before the first load): the same data is the same pointer. Readers
// must not modify it.
func pointerTo[T any](c *Context, f model.Feed[T], ok bool) *T {
	if !ok || f == nil {
		return nil
	}
	s := f.Snapshot()
	if !s.HasData {
		return nil
	}
	k := f.Key()
	if v, ok := c.copies[k]; ok && v.version == s.Version {
		if p, ok := v.ptr.(*T); ok {
			return p
		}
	}
	d := s.Data // only a new version is copied to the heap
	p := &d
	if c.copies == nil {
		c.copies = map[model.ResourceKey]versioned{}
	}
	c.copies[k] = versioned{version: s.Version, ptr: p}
	return p
}

// Want declares interest in k on the hub (it then refreshes k on its
// schedule); release ends it. ok is false when the hub has no such
// resource.
func Want(h model.Hub, k model.ResourceKey) (release func(), ok bool) {
	want := func(f interface{ Want() func() }, ok bool) (func(), bool) {
		if !ok || f == nil {
			return nil, false
		}
		return f.Want(), true
	}
	p := k.Provider
	switch k.Resource {
	case model.ResConnections:
		f, ok := h.Connections(p)
		return want(f, ok)
	case model.ResInventory:
		f, ok := h.Inventory(p)
		return want(f, ok)
	case model.ResIPAMBlocks:
		f, ok := h.Blocks(p)
		return want(f, ok)
	case model.ResIPAMUtilization:
		f, ok := h.Utilization(p)
		return want(f, ok)
	case model.ResIPAMMasks:
		f, ok := h.Masks(p)
		return want(f, ok)
	case model.ResIPAMHolding:
		f, ok := h.Holding(p)
		return want(f, ok)
	}
	return nil, false
}

// ConnectionKeys are the connection listings of every source that has one.
func (c *Context) ConnectionKeys() []model.ResourceKey {
	var out []model.ResourceKey
	for _, s := range c.Sources {
		if s.Connections != nil {
			out = append(out, Key(s.Name, ResConnections))
		}
	}
	return out
}

// InventoryKeys are the inventories of every source that has one.
func (c *Context) InventoryKeys() []model.ResourceKey {
	var out []model.ResourceKey
	for _, s := range c.Sources {
		if s.Inventory != nil {
			out = append(out, Key(s.Name, ResInventory))
		}
	}
	return out
}

// Fetched completes a connection that did not come through the hub (a
// test's hand-made rows): its provider and its fingerprint. The hub does
// the same for every row it fetches, off the Update goroutine.
func Fetched(provider string, c *model.Connection) {
	if c.Provider == "" {
		c.Provider = provider
	}
	if c.FingerprintKey == 0 {
		c.FingerprintKey = c.Fingerprint()
	}
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

package model

import (
	"context"
	"errors"
	"time"
)

// This file is the contract between the data hub (providers/hub: the one
// scheduler of every provider's refreshes, shared by every UI session, the
// get CLI and future servers) and whoever reads it. Everything here is a
// plain type or an interface: no I/O.

// Resource names of the hub. A ResourceKey pairs one with a provider name.
const (
	ResConnections     = "connections"
	ResInventory       = "inventory"
	ResIPAMBlocks      = "ipam-blocks"
	ResIPAMUtilization = "ipam-utilization"
	ResIPAMMasks       = "ipam-masks"
	ResIPAMHolding     = "ipam-holding"
)

// ResourceKey identifies one resource of one provider.
type ResourceKey struct {
	Provider string
	Resource string
}

func (k ResourceKey) String() string { return k.Provider + "/" + k.Resource }

// Status is everything a hub knows about one resource except its data.
// All times are the hub's clock.
type Status struct {
	Key ResourceKey
	// HasData is true once a fetch delivered data; it stays true through
	// later failures (the data is then stale, see Stale).
	HasData bool
	// Version increments each time the data changes (0 = no data yet). A
	// refresh that brings back exactly what was there does not change it.
	Version   uint64
	FetchedAt time.Time // when the data was fetched (the fetch's end)
	Loads     int       // successful fetches so far
	// Err is the last fetch's error; nil after a success. ErrAt is when.
	Err   error
	ErrAt time.Time
	// Warning is set when the last fetch returned data together with a
	// partial error (see IsPartial): the data is shown, with the warning.
	Warning error
	Loading bool
	Started time.Time // when the fetch in flight started
	// Done/Total are the fetch's progress (pages), read live; Total 0 =
	// unknown.
	Done, Total int
	Failures    int       // consecutive failures (backoff grows with them)
	NextAt      time.Time // when the next automatic fetch is due (zero: none planned)
	// Every is the resource's automatic refresh interval (the default,
	// the provider's refresh from the config, or a resource's floor).
	Every   time.Duration
	RetryAt time.Time // rate limited until (zero when not)
	// Wanted is true while someone reads the resource (Feed.Want); only
	// wanted resources refresh automatically.
	Wanted bool
	// Due is true when an automatic fetch fell due while paused or while
	// nobody wanted the resource; it is fetched on resume or when wanted.
	Due bool
	// Incremental: the last successful fetch asked only for changes.
	Incremental bool
	// NextFullAt is when the next full resync of an incrementally
	// refreshed resource is due (zero for resources always fetched whole).
	NextFullAt time.Time
}

// Stale reports whether the data shown is older than the last attempt.
func (s Status) Stale() bool { return s.Err != nil && s.HasData }

// Snapshot is an immutable view of one resource: readers must not modify
// Data (slices are shared between snapshots and readers).
type Snapshot[T any] struct {
	Status
	Data T
}

// Feed is a read handle on one resource.
type Feed[T any] interface {
	Key() ResourceKey
	// Snapshot returns the current state; it never blocks on I/O and
	// never starts a fetch.
	Snapshot() Snapshot[T]
	// Want declares interest: while at least one Want is not released the
	// resource refreshes automatically (the first Want fetches at once when
	// there is no data or a fetch fell due). Resources nobody wants cost
	// nothing: no timer, no fetch. release is idempotent.
	Want() (release func())
}

// Change tells a subscriber that a resource changed. DataChanged is false
// for changes of status only (a fetch started, failed, was rate limited).
type Change struct {
	Key         ResourceKey
	DataChanged bool
	Version     uint64 // the data version after the change
}

// ErrClosed is returned by Subscription.Next after Close (of the
// subscription or of the hub), and by Hub.Run after the hub's Close.
var ErrClosed = errors.New("hub closed")

// Subscription delivers changes without ever blocking the hub: changes
// waiting to be read are coalesced per resource (DataChanged ORed, the
// newest Version kept), so a slow reader finds "these resources changed,
// re-read them" rather than a queue.
type Subscription interface {
	// C receives a value when changes are waiting (several changes wake
	// the reader once). It is closed when the subscription is.
	C() <-chan struct{}
	// Changes returns the waiting changes (in the hub's resource order)
	// and clears them.
	Changes() []Change
	// Next waits for changes (or ctx, or Close) and returns them.
	Next(ctx context.Context) ([]Change, error)
	Close()
}

// Hub is what the UI, the get CLI and future servers read: the running set
// of sources, their typed resources, change notifications, the action
// runner and the summary counts. It is safe for concurrent use. Closing it
// belongs to its owner (main), not to the sessions that read it.
type Hub interface {
	// Sources are the configured sources, in configuration order.
	Sources() []Source
	// Keys lists every resource, in the hub's order (sources in order,
	// then connections, inventory, IPAM).
	Keys() []ResourceKey
	// Status is the state of any resource, without its data.
	Status(k ResourceKey) (Status, bool)

	// Typed feeds; ok is false when the provider lacks the capability.
	Connections(provider string) (Feed[[]Connection], bool)
	Inventory(provider string) (Feed[[]Node], bool)
	Blocks(provider string) (Feed[*BlockSet], bool)
	Utilization(provider string) (Feed[Utilizations], bool)
	Masks(provider string) (Feed[MaskReport], bool)
	Holding(provider string) (Feed[HoldingPreview], bool)

	Subscribe() Subscription

	// Refresh fetches every wanted resource of provider now ("" = of all
	// providers). A resource already loading is not fetched twice: one
	// follow-up fetch is queued instead. A rate-limited resource is fetched
	// when its Retry-After has passed, never sooner.
	Refresh(provider string)
	// RefreshKey is Refresh for one resource, wanted or not.
	RefreshKey(k ResourceKey)
	// SetPaused pauses automatic refreshes (manual ones still run);
	// resuming fetches what fell due meanwhile.
	SetPaused(paused bool)
	Paused() bool

	// Run sends a planned action through provider's guarded runner (audit,
	// read-only) exactly once, then re-reads what it affected and publishes
	// the change. The error is the action's; the re-read's is in Outcome.
	Run(ctx context.Context, provider string, a Action) (Outcome, error)
	// RereadConnection reads one row of provider's connection listing back
	// (a connection, a virtual circuit), merges it and publishes the
	// change, as Run does after an action; following an object that is
	// still moving uses it. On failure the listing is refreshed instead.
	RereadConnection(ctx context.Context, provider, id string) Outcome

	Summary() Summary
}

// Outcome is what Run learned: the provider's result and the affected
// object as re-read afterwards (never assumed from the action).
type Outcome struct {
	Result
	// Reread is the target connection as read back after the action (nil
	// when the provider cannot re-read one, or the action is not about a
	// connection, or the re-read failed).
	Reread *Connection
	// RereadErr is why the re-read failed (ErrNotFound: the object is gone
	// or not visible any more); the listing is refreshed instead.
	RereadErr error
	// Refreshed lists the resources re-fetched because of the action
	// (their new data arrives as changes).
	Refreshed []ResourceKey
}

// Health is a provider's state as the status bar words it.
type Health string

const (
	HealthIdle         Health = "idle"         // nothing fetched yet, nothing loading
	HealthLoading      Health = "loading"      // first fetch in flight
	HealthRefreshing   Health = "refreshing"   // data shown, a fetch in flight
	HealthOK           Health = "ok"           // data current
	HealthIncomplete   Health = "incomplete"   // data shown with a partial-data warning
	HealthStale        Health = "stale"        // last fetch failed; older data shown
	HealthError        Health = "error"        // failing, nothing to show
	HealthUnauthorized Health = "unauthorized" // credentials refused
	HealthRateLimited  Health = "rate-limited" // waiting for Retry-After
)

// ProviderSummary is one provider's line of the summary.
type ProviderSummary struct {
	Name   string
	Kind   string
	Health Health
	// Err is the error behind Stale/Error/Unauthorized/RateLimited;
	// Warning the one behind Incomplete.
	Err     error
	Warning error
	// Since: for Stale, when the data shown was fetched; for Error and
	// Unauthorized, when the error happened.
	Since time.Time
	// Until is when a rate limit ends; ResumeAt when auto-refresh will
	// fetch again (never before Until; later when backoff says so).
	Until, ResumeAt time.Time
	// Retrying is true when a fetch is in flight despite the error.
	Retrying bool
	// Done/Total: progress of a first load (Loading).
	Done, Total int
	// HasConnections is true once the connections are loaded; then
	// Connections counts them, Pending those with a change in flight and
	// WaitingOnUs those waiting for our decision (see WaitingOnUs).
	HasConnections bool
	Connections    int
	Pending        int
	WaitingOnUs    int
}

// Summary is every provider's health and counts, computed in one place.
type Summary struct {
	Providers   []ProviderSummary // in source order
	WaitingOnUs int               // over all providers
	Paused      bool
}

// Provider returns the summary of name.
func (s Summary) Provider(name string) (ProviderSummary, bool) {
	for _, p := range s.Providers {
		if p.Name == name {
			return p, true
		}
	}
	return ProviderSummary{}, false
}

// WaitingOnUs is the one decision of whether c waits for this side to
// approve or reject (Approvals lists it, the status bar counts it).
func WaitingOnUs(c *Connection) bool {
	return c != nil && c.Pending != nil && c.Pending.WaitingOnUs
}

// PartialError is implemented by errors returned together with data that is
// good but incomplete (a listing truncated at a bound, items that could not
// be read). Partial reports whether that is the case for this error.
type PartialError interface {
	error
	Partial() bool
}

// IsPartial reports whether err (or an error it wraps) says the data
// returned with it is usable but incomplete. Such data is kept and shown
// with err as a warning; any other error means the data returned with it,
// if any, is discarded and the previous data stays (stale).
func IsPartial(err error) bool {
	var p PartialError
	return err != nil && errors.As(err, &p) && p.Partial()
}

// ConnectionChangeSource is an optional capability: list only the
// connections changed since a time (for Fabric, a search on the change
// log's updated time). The hub uses it for most refreshes, with a safety
// overlap, and still lists everything on a longer interval to catch
// deletions, which a change listing cannot show.
type ConnectionChangeSource interface {
	ConnectionChanges(ctx context.Context, since time.Time, p *Progress) ([]Connection, error)
}

// BlockSet is a fetched block listing with its tree and top-level pools,
// built when the listing arrives (never on a UI goroutine).
type BlockSet struct {
	Provider string
	List     []Block
	Tree     *BlockTree
	Pools    []int32 // the top-level aggregates, in tree order
}

// NewBlockSet fills in the provider and builds the tree of bs.
func NewBlockSet(provider string, bs []Block) *BlockSet {
	for i := range bs {
		if bs[i].Provider == "" {
			bs[i].Provider = provider
		}
	}
	t := BuildBlockTree(bs)
	return &BlockSet{Provider: provider, List: bs, Tree: t, Pools: t.Roots()}
}

// Utilizations holds both families' host utilization reports.
type Utilizations struct {
	V4, V6 Utilization
}

// Family returns the report of f.
func (u Utilizations) Family(f IPFamily) Utilization {
	if f == IPv6 {
		return u.V6
	}
	return u.V4
}

// RereadsAsRow reports whether an action on a target of this type is
// re-read as one row of the connection listing afterwards (the rows are
// connections and, for some providers, their virtual circuits).
func RereadsAsRow(targetType string) bool {
	return targetType == "connection" || targetType == "virtual-circuit"
}

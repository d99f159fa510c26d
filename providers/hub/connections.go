package hub

import (
	"context"
	"maps"
	"time"

	"github.com/noctop/noctop/model"
)

// connResource is a provider's connection listing. When the source can
// list changes (model.ConnectionChangeSource), most refreshes ask only for
// what changed since the last complete refresh (minus ChangeOverlap) and
// merge it by id; a full listing every FullResync catches deletions.
// Rows are normalised in the fetch goroutine (provider name, fingerprint),
// never by a reader.
type connResource struct {
	resource[[]model.Connection]
	name, kind string
	src        model.ConnectionSource
	changes    model.ConnectionChangeSource

	index  map[string]int // connection id -> position in data; never mutated once stored
	counts connCounts
	// lastFull is the start of the last complete full listing (the hub's
	// clock). since is where the next change listing starts: the newest
	// update time in the data (the provider's clock, so a client clock
	// that runs ahead of the server's cannot skip changes), or, with no
	// times in the data, the start of the last complete fetch.
	lastFull, since time.Time
	sinceMarked     bool // since is a time from the data (the provider's clock)
	// patches are re-reads merged while a fetch was in flight: that
	// fetch may carry the state from before the action, so they are
	// merged again over its result.
	patches []model.Connection
}

type connCounts struct{ total, pending, waiting int }

func newConnResource(h *Hub, key model.ResourceKey, s model.Source) *connResource {
	r := &connResource{name: s.Name, kind: s.Kind, src: s.Connections, changes: s.Changes}
	r.key = key
	r.plan = r.planFetch
	r.launch = r.run
	return r
}

// planFetch decides, under the lock, whether this fetch is incremental,
// and captures what the fetch goroutine needs.
func (r *connResource) planFetch(now time.Time) fetchFunc[[]model.Connection] {
	prev, prevIdx, prevCounts := r.data, r.index, r.counts
	hasPrev := r.st.HasData
	incremental := r.changes != nil && hasPrev && !r.lastFull.IsZero() && !r.since.IsZero() &&
		now.Before(r.lastFull.Add(r.h.opts.FullResync))
	since := r.since.Add(-r.h.opts.ChangeOverlap)
	started := now
	return func(ctx context.Context, p *model.Progress) result[[]model.Connection] {
		var cs []model.Connection
		var err error
		if incremental {
			cs, err = r.changes.ConnectionChanges(ctx, since, p)
		} else {
			cs, err = r.src.Connections(ctx, p)
		}
		if err != nil && !model.IsPartial(err) {
			return result[[]model.Connection]{err: err, apply: r.applyFailed}
		}
		r.normalise(cs)
		mark := newestUpdate(cs)
		complete := err == nil
		var out []model.Connection
		var idx map[string]int
		var changed bool
		switch {
		case incremental || (!complete && hasPrev):
			// Changes, or a full listing cut short: merged in, nothing
			// deleted (what is missing may just not have been read).
			out, idx, changed = merge(prev, prevIdx, cs)
		default:
			out, idx = dedup(cs)
			changed = !hasPrev || !same(prev, out)
			if !changed {
				out, idx = prev, prevIdx
			}
		}
		counts := prevCounts
		if changed {
			counts = count(out)
		}
		return result[[]model.Connection]{err: err, incremental: incremental,
			apply: func(bool) bool {
				return r.store(out, idx, counts, changed, complete, incremental, started, mark)
			}}
	}
}

// applyFailed: the data stays; patches are already in it.
func (r *connResource) applyFailed(bool) bool {
	r.patches = nil
	return false
}

// store puts a fetched listing in place (under the lock).
func (r *connResource) store(out []model.Connection, idx map[string]int, counts connCounts, changed, complete, incremental bool, started, mark time.Time) bool {
	if changed {
		if len(r.patches) > 0 {
			// out is this fetch's own slice (changed), so it may be patched.
			out, idx, _ = overlay(out, idx, r.patches)
			counts = count(out)
		}
		r.data, r.index, r.counts = out, idx, counts
	}
	r.patches = nil
	if complete {
		switch {
		case !incremental:
			r.since, r.sinceMarked = started, !mark.IsZero()
			if r.sinceMarked {
				r.since = mark
			}
		case r.sinceMarked && mark.After(r.since):
			r.since = mark // changes only move the mark forward
		case !r.sinceMarked:
			r.since = started
		}
		if !incremental {
			r.lastFull = started
		}
	}
	if r.changes != nil && !r.lastFull.IsZero() {
		r.st.NextFullAt = r.lastFull.Add(r.h.opts.FullResync)
	}
	return changed
}

// newestUpdate is the latest Updated of cs (zero when none carries one).
func newestUpdate(cs []model.Connection) time.Time {
	var t time.Time
	for i := range cs {
		if cs[i].Updated.After(t) {
			t = cs[i].Updated
		}
	}
	return t
}

// normalise names the provider and computes the fingerprint of every row
// (model's one fingerprint; a value a provider set is not trusted).
func (r *connResource) normalise(cs []model.Connection) {
	for i := range cs {
		r.normaliseOne(&cs[i])
	}
}

func (r *connResource) normaliseOne(c *model.Connection) {
	c.Provider = r.name
	if c.ProviderKind == "" {
		c.ProviderKind = r.kind
	}
	c.FingerprintKey = c.Fingerprint()
}

// patch merges one re-read connection (after an action) into the data,
// under the lock. It reports whether the data changed. Without data there
// is nothing to patch: the listing is loaded when wanted.
func (r *connResource) patch(c model.Connection) bool {
	if !r.st.HasData {
		return false
	}
	r.normaliseOne(&c)
	if r.st.Loading {
		r.patches = append(r.patches, c)
	}
	out, idx, changed := merge(r.data, r.index, []model.Connection{c})
	if !changed {
		return false
	}
	r.data, r.index, r.counts = out, idx, count(out)
	r.st.Version++
	r.h.publish(&r.core, true)
	return true
}

// merge returns prev with cs merged in by id (replaced in place, new ones
// appended), as a new slice when anything changed; prev is never modified.
func merge(prev []model.Connection, prevIdx map[string]int, cs []model.Connection) ([]model.Connection, map[string]int, bool) {
	added := 0
	changed := false
	for i := range cs {
		j, ok := prevIdx[cs[i].ID]
		switch {
		case !ok:
			added++
			changed = true
		case prev[j].FingerprintKey != cs[i].FingerprintKey:
			changed = true
		}
	}
	if !changed {
		return prev, prevIdx, false
	}
	out := make([]model.Connection, len(prev), len(prev)+added)
	copy(out, prev)
	return overlay(out, prevIdx, cs)
}

// overlay writes cs into out (which the caller owns) by id, appending the
// ones out lacks; idx is cloned before it is extended.
func overlay(out []model.Connection, idx map[string]int, cs []model.Connection) ([]model.Connection, map[string]int, bool) {
	cloned := false
	for _, c := range cs {
		if j, ok := idx[c.ID]; ok {
			out[j] = c
			continue
		}
		if !cloned {
			idx = maps.Clone(idx)
			if idx == nil {
				idx = map[string]int{}
			}
			cloned = true
		}
		idx[c.ID] = len(out)
		out = append(out, c)
	}
	return out, idx, true
}

// dedup indexes a full listing, keeping one row per id (the last one sent,
// at the first one's place): paging over a list that shifts between pages
// can repeat rows.
func dedup(cs []model.Connection) ([]model.Connection, map[string]int) {
	idx := make(map[string]int, len(cs))
	n := 0
	for i := range cs {
		if j, ok := idx[cs[i].ID]; ok {
			cs[j] = cs[i]
			continue
		}
		idx[cs[i].ID] = n
		cs[n] = cs[i]
		n++
	}
	clear(cs[n:])
	return cs[:n], idx
}

// same reports whether two listings have the same rows, in the same order,
// with the same fingerprints.
func same(a, b []model.Connection) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].FingerprintKey != b[i].FingerprintKey {
			return false
		}
	}
	return true
}

func count(cs []model.Connection) connCounts {
	n := connCounts{total: len(cs)}
	for i := range cs {
		if cs[i].Pending != nil {
			n.pending++
		}
		if model.WaitingOnUs(&cs[i]) {
			n.waiting++
		}
	}
	return n
}

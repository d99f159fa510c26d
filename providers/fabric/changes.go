package fabric

import (
	"context"
	"fmt"
	"time"

	"github.com/noctop/noctop/model"
)

var _ model.ConnectionChangeSource = (*Provider)(nil)

// ConnectionChanges lists the connections updated at or after since. The
// spec's search cannot filter on /changeLog/updatedDateTime (it is not a
// SearchFieldName), but it can sort on it: pages are read newest first,
// one at a time, and paging stops at the first connection updated before
// since, so a refresh costs a page or two when little changed. The caller
// (the hub) subtracts its safety overlap from since and still lists
// everything on a longer interval: deletions do not show here.
//
// Offset paging over a listing sorted by update time while it changes: a
// connection updated mid-listing moves to the front, shifting the rows
// before its old place back by one. Those rows then repeat (kept once);
// none is skipped. The moved connection itself may be missed by this
// listing, but its update time is after the listing started, so the next
// call (since = this one's start, minus the overlap) has it. A connection
// without an update time is kept (it may have changed) and does not stop the paging.
// The listing's bounds (max_items, max pages, listing_timeout) apply; a
// listing cut short is a *model.Incomplete with the rows read.
func (p *Provider) ConnectionChanges(ctx context.Context, since time.Time, prog *model.Progress) ([]model.Connection, error) {
	cfg := p.client.cfg
	b := cfg.Bounds.WithDefaults()
	ctx, cancel := context.WithTimeout(ctx, b.Deadline)
	defer cancel()
	limit := cfg.pageLimit
	seen := map[string]bool{}
	var wire []Connection
	in := &model.Incomplete{Provider: p.name, What: "connection changes"}
	for page := 0; ; page++ {
		if page >= b.MaxPages || len(wire) >= b.MaxItems {
			in.Truncated, in.Cause = true, model.ErrTooLarge
			in.Reason = fmt.Sprintf("more than %d changed connections or %d pages since %s", b.MaxItems, b.MaxPages, since.UTC().Format(time.RFC3339))
			break
		}
		sp, err := p.client.searchPage(ctx, SearchRequest{
			Filter:     cfg.filter,
			Pagination: &PaginationRequest{Offset: page * limit, Limit: limit},
			Sort:       []SortCriteria{{Property: "/changeLog/updatedDateTime", Direction: "DESC"}},
		}, limit)
		if err != nil {
			if len(wire) == 0 {
				return nil, err
			}
			// What was read is newer than what was not: keep it, say so.
			in.Truncated, in.Cause, in.Reason = true, err, "a page of changes failed: "+model.ErrorSummary(err)
			break
		}
		prog.Add(1)
		in.Dropped += sp.Dropped
		if sp.Problem != "" {
			in.DropReason = sp.Problem
		}
		older := false
		for _, c := range sp.Data {
			if t := parseTime(changeTime(c)); !t.IsZero() && t.Before(since) {
				older = true
				break
			}
			if !seen[c.UUID] {
				seen[c.UUID] = true
				wire = append(wire, c)
			}
		}
		if sp.Overfull {
			in.Truncated, in.Cause = true, model.ErrBadResponse
			in.Reason = fmt.Sprintf("the server sent more than the %d connections asked for in one page", limit)
			break
		}
		if older || len(sp.Data)+sp.Dropped < limit {
			break
		}
		if pg := sp.Pagination; pg != nil && pg.Total <= (page+1)*limit {
			break
		}
	}
	out := make([]model.Connection, 0, len(wire))
	for _, c := range wire {
		m := toModel(p.name, c)
		m.Raw = nil // as in Connections: the detail view re-reads the one it shows
		out = append(out, m)
	}
	p.mu.Lock()
	for _, c := range wire {
		p.keep(c)
	}
	if !in.Truncated && !p.connsAt.IsZero() {
		// The cache holds a full listing and every change since: as
		// current as a new listing, but for deletions (the hub's full
		// resync lists those).
		p.currentAt = cfg.Clock()
	}
	p.mu.Unlock()
	in.Got = len(out)
	return out, in.Err()
}

// changeTime is the time the search sorts a connection by.
func changeTime(c Connection) string {
	if c.ChangeLog == nil {
		return ""
	}
	return c.ChangeLog.UpdatedDateTime
}

package packet

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Packet paging: ?page=N&per_page=M (pages from 1, per_page up to 1000)
// and a "meta" block with first/previous/self/next/last links and the
// total. httpx.Numbered reads the pages, bounded whatever the server says
// (the provider's max_items and listing_timeout; empty, short, repeated
// and overfull pages end a listing; an absurd last page is reported, not
// followed), concurrently once the last page number is known; finding
// that number is Packet's business and lives here (lastPageOf). Every
// page is decoded as it streams in (httpx.ListBody): an element of the
// wrong shape is kept, marked, when it still has an id (the operator
// sees a broken row instead of a missing one); one without an id is
// counted and reported in a *model.Incomplete.

// list describes one collection's answers: the key its items are under
// and the noun for messages.
type list[T any, PT listed[T]] struct {
	key, what string // "bgp_sessions", "BGP session"
}

// plural names the items in messages ("bgp sessions").
func (l list[T, PT]) plural() string { return strings.ReplaceAll(l.key, "_", " ") }

func (l list[T, PT]) listing(c *Client, prog *model.Progress) httpx.Listing[T] {
	return httpx.Listing[T]{Provider: c.cfg.Provider, What: l.plural(), Concurrency: c.cfg.concurrency,
		Bounds: c.cfg.Bounds, Progress: prog, ID: func(v *T) string { return PT(v).objectID() }}
}

// decode reads one answer from r: at most max items; meta, when wanted,
// into *meta (a garbled meta is left out: it only costs the page count).
func (l list[T, PT]) decode(r io.Reader, max int, meta **Meta) (httpx.Page[T], error) {
	body := httpx.ListBody[T]{Key: l.key, What: l.what, Max: max,
		ID: func(v *T) string { return PT(v).objectID() },
		Salvage: func(raw json.RawMessage, why *httpx.ValueError) (T, bool) {
			v := decodeLenient[T](raw)
			PT(&v).markUndecodable(why)
			return v, true
		},
	}
	if meta != nil {
		body.Member = httpx.OptionalMember("meta", meta)
	}
	return body.Decode(r)
}

// page reads one answer of the listing at path.
func (l list[T, PT]) page(ctx context.Context, c *Client, path string, q url.Values, max int, meta **Meta) (httpx.Page[T], error) {
	var pg httpx.Page[T]
	_, err := c.api.DoStream(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, func(r io.Reader) error {
		var err error
		pg, err = l.decode(r, max, meta)
		return err
	})
	return pg, err
}

// pagedQuery is q plus page and per_page.
func pagedQuery(q url.Values, pageNo, perPage int) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("page", strconv.Itoa(pageNo))
	out.Set("per_page", strconv.Itoa(perPage))
	return out
}

// numbered reads pages of perPage through httpx.Numbered with listing.
func (l list[T, PT]) numbered(ctx context.Context, c *Client, path string, q url.Values, perPage int, listing httpx.Listing[T]) ([]T, error) {
	listing.Limit = perPage
	return httpx.Numbered(ctx, listing, func(ctx context.Context, n int) (httpx.Page[T], error) {
		var meta *Meta
		pg, err := l.page(ctx, c, path, pagedQuery(q, n, perPage), perPage, &meta)
		if err != nil {
			return pg, err
		}
		pg.Last = lastPageOf(meta, n, len(pg.Items)+pg.Dropped, perPage)
		if meta != nil && meta.Next != nil && meta.Next.Href != "" {
			pg.Next = meta.Next.Href
		}
		return pg, nil
	})
}

// all reads every page of a listing, with bounded concurrency once the
// page count is known; duplicates (an object moving between pages while
// they are read) are dropped.
func (l list[T, PT]) all(ctx context.Context, c *Client, path string, q url.Values, prog *model.Progress) ([]T, error) {
	return l.numbered(ctx, c, path, q, c.cfg.pageSize, l.listing(c, prog))
}

// first reads pages one by one until it has max items or the listing
// ends (event logs: only the newest matter, so stopping at max is no
// loss).
func (l list[T, PT]) first(ctx context.Context, c *Client, path string, q url.Values, max int) ([]T, error) {
	listing := l.listing(c, nil)
	listing.First = max
	return l.numbered(ctx, c, path, q, min(c.cfg.pageSize, max), listing)
}

// whole reads a listing the API does not page, bounded by max_items.
func (l list[T, PT]) whole(ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	return httpx.Unpaged(ctx, l.listing(c, nil), func(ctx context.Context) (httpx.Page[T], error) {
		return l.page(ctx, c, path, q, c.cfg.Bounds.MaxItems, nil)
	})
}

// lastPageOf works out the number of the last page from a page's meta, in
// order of trust: last_page (undocumented, what the API sends), the page
// number in the "last" link, the total over the page size (the page size
// the server actually used, when it capped ours), and "no next link". It
// returns 0 when nothing says: the caller then reads until an empty page.
func lastPageOf(m *Meta, pageNo, got, perPage int) int {
	if m == nil {
		return 0
	}
	if m.LastPage > 0 {
		return max(m.LastPage, 1)
	}
	if m.Last != nil {
		if n := pageOfLink(m.Last.Href); n > 0 {
			return n
		}
	}
	if m.Total > 0 && perPage > 0 {
		size := perPage
		if pageNo == 1 && got > 0 && got < perPage && m.Total > got {
			size = got // the server capped per_page
		}
		return (m.Total + size - 1) / size
	}
	if m.Next == nil && (m.Self != nil || m.First != nil) {
		return pageNo
	}
	return 0
}

// pageOfLink reads page=N from a meta link.
func pageOfLink(href string) int {
	u, err := url.Parse(href)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(u.Query().Get("page"))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// listed is a wire type that can be marked undecodable and has an id.
type listed[T any] interface {
	*T
	markUndecodable(err error)
	objectID() string
}

// decodeLenient decodes what it can of an object that failed as a whole:
// encoding/json stops at the first field whose decoder fails (a garbled
// timestamp), which can leave the id, sorted after it, unread. Each field
// is tried on its own and the ones that decode are kept.
func decodeLenient[T any](raw json.RawMessage) T {
	var out T
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return out
	}
	good := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		var probe T
		one, err := json.Marshal(map[string]json.RawMessage{k: v})
		if err == nil && json.Unmarshal(one, &probe) == nil {
			good[k] = v
		}
	}
	if b, err := json.Marshal(good); err == nil {
		_ = json.Unmarshal(b, &out)
	}
	return out
}

func (p *Project) objectID() string             { return p.ID }
func (f *Facility) objectID() string            { return f.ID }
func (d *Device) objectID() string              { return d.ID }
func (s *BGPSession) objectID() string          { return s.ID }
func (e *Event) objectID() string               { return e.ID }
func (h *HardwareReservation) objectID() string { return h.ID }
func (v *VirtualNetwork) objectID() string      { return v.VirtualNetworkID() }
func (r *IPReservation) objectID() string       { return r.ID }

package packet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Packet paging: ?page=N&per_page=M (pages from 1, per_page up to 1000)
// and a "meta" block with first/previous/self/next/last links and the
// total. httpx.NumberedPages reads the pages once the last page number is
// known; finding that number is Packet's business and lives here.

// page is one decoded listing page: its items still raw, so one bad item
// cannot fail the page (see decodeItems).
type page struct {
	items []json.RawMessage
	meta  *Meta
}

// getPage reads one listing and picks out the list under key.
func (c *Client) getPage(ctx context.Context, path, key string, q url.Values) (page, error) {
	resp, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
	if err != nil {
		return page{}, err
	}
	pg, err := decodePage(resp.Body, key)
	if err != nil {
		return page{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, path, err)
	}
	return pg, nil
}

// decodePage splits a listing body into its raw items and its meta. A
// body without the list under key is malformed; "key": null is an empty
// page; a broken meta only costs the page count (the caller then reads
// until an empty page).
func decodePage(body []byte, key string) (page, error) {
	var env map[string]json.RawMessage
	if err := httpx.DecodeJSON(body, &env); err != nil {
		return page{}, err
	}
	raw, ok := env[key]
	if !ok {
		return page{}, fmt.Errorf("%w: no %q list in the answer", model.ErrBadResponse, key)
	}
	var pg page
	if err := json.Unmarshal(raw, &pg.items); err != nil {
		return page{}, fmt.Errorf("%w: %q is not a list", model.ErrBadResponse, key)
	}
	if m, ok := env["meta"]; ok {
		var meta Meta
		if json.Unmarshal(m, &meta) == nil {
			pg.meta = &meta
		}
	}
	return pg, nil
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

// listAll reads every page of a listing, with bounded concurrency once
// the page count is known, and drops duplicates (an object moving between
// pages while they are read).
func listAll[T any, PT listed[T]](ctx context.Context, c *Client, path, key string, q url.Values, prog *model.Progress) ([]T, error) {
	perPage := c.cfg.pageSize
	items, err := httpx.NumberedPages(ctx, c.cfg.concurrency, prog, func(ctx context.Context, n int) ([]json.RawMessage, int, error) {
		pg, err := c.getPage(ctx, path, key, pagedQuery(q, n, perPage))
		if err != nil {
			return nil, 0, err
		}
		return pg.items, lastPageOf(pg.meta, n, len(pg.items), perPage), nil
	})
	if err != nil {
		return nil, err
	}
	return dedupe[T, PT](decodeItems[T, PT](items)), nil
}

// listFirst reads pages one by one until it has max items or the listing
// ends (event logs: only the newest matter).
func listFirst[T any, PT listed[T]](ctx context.Context, c *Client, path, key string, q url.Values, max int) ([]T, error) {
	perPage := min(c.cfg.pageSize, max)
	var all []json.RawMessage
	for n := 1; len(all) < max; n++ {
		pg, err := c.getPage(ctx, path, key, pagedQuery(q, n, perPage))
		if err != nil {
			return nil, err
		}
		all = append(all, pg.items...)
		last := lastPageOf(pg.meta, n, len(pg.items), perPage)
		if len(pg.items) == 0 || (last > 0 && n >= last) || n >= maxListPages {
			break
		}
	}
	if len(all) > max {
		all = all[:max]
	}
	return dedupe[T, PT](decodeItems[T, PT](all)), nil
}

// maxListPages bounds listFirst against a server that never ends a listing.
const maxListPages = 1000

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

// decodeItems decodes each element on its own. An element of the wrong
// shape is kept with whatever did decode (encoding/json fills the fields
// it can) and marked, so the operator sees a broken row instead of a
// missing one.
func decodeItems[T any, PT listed[T]](raws []json.RawMessage) []T {
	out := make([]T, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			out[i] = decodeLenient[T](raw)
			PT(&out[i]).markUndecodable(fmt.Errorf("%w: %v", model.ErrBadResponse, err))
		}
	}
	return out
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

// dedupe keeps the first of each id (objects without an id are kept).
func dedupe[T any, PT listed[T]](xs []T) []T {
	seen := make(map[string]bool, len(xs))
	out := xs[:0]
	for i := range xs {
		id := PT(&xs[i]).objectID()
		if id != "" {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		out = append(out, xs[i])
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

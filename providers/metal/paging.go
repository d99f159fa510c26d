package metal

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Metal pages with page/per_page and describes the result in a meta object
// (first, previous, self, next, last as hrefs; total, current_page,
// last_page). A listing follows meta.next, one page after the other,
// through httpx.Linked, which bounds it whatever the server says of
// itself (items, pages, time: the provider's max_items and
// listing_timeout; an empty, short, repeated or overfull page ends it;
// last_page, or total, ends it even when next keeps coming; a next link
// back to a page already read ends it, reported). Each page is decoded as
// it streams in (httpx.ListBody): an item without a usable id is counted
// and reported in a *model.Incomplete, never kept as an empty row.
//
// A next link is followed only on the API's own origin (scheme and host)
// and within the same collection path: the token is never sent elsewhere,
// and a link cannot lead to another collection. Such a link fails the
// listing.
//
// Hrefs are relative to the host ("/metal/v1/projects?page=2"), relative
// to the API root ("/projects?page=2"), or absolute URLs on the API's
// origin; all three are accepted.

// list describes one collection's answers: the key its items are under,
// the noun for messages, and what identifies an item.
type list[T any] struct {
	key, what string // "interconnections", "interconnection"
	id        func(*T) string
}

// plural names the items in messages ("virtual circuits").
func (l list[T]) plural() string { return strings.ReplaceAll(l.key, "_", " ") }

// listPaged reads every page of the collection at path, reporting each
// page into p (may be nil).
func listPaged[T any](ctx context.Context, c *Client, path string, q url.Values, p *model.Progress, l list[T]) ([]T, error) {
	query := url.Values{}
	for k, vs := range q {
		query[k] = append([]string(nil), vs...)
	}
	query.Set("page", "1")
	query.Set("per_page", strconv.Itoa(c.cfg.perPage))
	first, err := c.nextURL(path+"?"+query.Encode(), path)
	if err != nil {
		return nil, err
	}
	listing := httpx.Listing[T]{Provider: c.cfg.Provider, What: l.plural(), Limit: c.cfg.perPage, Bounds: c.cfg.Bounds, Progress: p, ID: l.id}
	return httpx.Linked(ctx, listing, first, func(ctx context.Context, link string) (httpx.Page[T], error) {
		var meta *Meta
		page, err := readList(ctx, c, link, c.cfg.perPage, l, &meta)
		if err != nil || meta == nil {
			return page, err
		}
		if meta.LastPage != nil && *meta.LastPage > 0 {
			page.Last = *meta.LastPage
		}
		if meta.Total != nil && *meta.Total >= 0 {
			page.Total, page.TotalKnown = *meta.Total, true
		}
		if meta.Next != nil && strings.TrimSpace(meta.Next.Href) != "" && len(page.Items)+page.Dropped > 0 {
			if page.Next, err = c.nextURL(meta.Next.Href, path); err != nil {
				return httpx.Page[T]{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, path, err)
			}
		}
		return page, nil
	})
}

// listWhole reads a collection the API does not page (an
// interconnection's ports or virtual circuits), bounded by max_items.
func listWhole[T any](ctx context.Context, c *Client, path string, q url.Values, l list[T]) ([]T, error) {
	listing := httpx.Listing[T]{Provider: c.cfg.Provider, What: l.plural(), Bounds: c.cfg.Bounds, ID: l.id}
	return httpx.Unpaged(ctx, listing, func(ctx context.Context) (httpx.Page[T], error) {
		target := path
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		return readList(ctx, c, target, c.cfg.Bounds.MaxItems, l, nil)
	})
}

// readList GETs target (a path, or an absolute URL on the API's origin)
// and streams the answer: at most max items, meta (when wanted) kept.
func readList[T any](ctx context.Context, c *Client, target string, max int, l list[T], meta **Meta) (httpx.Page[T], error) {
	var page httpx.Page[T]
	_, err := c.api.DoStream(ctx, httpx.Request{Method: http.MethodGet, Path: target}, func(r io.Reader) error {
		var err error
		page, err = decodeList(r, max, l, meta)
		return err
	})
	return page, err
}

// decodeList reads one answer of collection l from r: at most max items,
// those without a usable id counted, not kept; meta, when wanted, into
// *meta (a garbled meta is left out: it only costs the page count).
func decodeList[T any](r io.Reader, max int, l list[T], meta **Meta) (httpx.Page[T], error) {
	body := httpx.ListBody[T]{Key: l.key, What: l.what, Max: max, ID: l.id}
	if meta != nil {
		body.Member = httpx.OptionalMember("meta", meta)
	}
	return body.Decode(r)
}

// nextURL resolves a meta.next href against the base URL and returns it as
// an absolute URL, or refuses it (another origin, another collection).
func (c *Client) nextURL(href, collection string) (string, error) {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", fmt.Errorf("%w: meta.next is not a URL", model.ErrBadResponse)
	}
	base, err := url.Parse(c.BaseURL() + "/")
	if err != nil {
		return "", err
	}
	u := base.ResolveReference(ref)
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return "", fmt.Errorf("%w: meta.next points to another origin (%s), refusing to send the token there",
			model.ErrBadResponse, httpx.Sanitize(truncate(u.Scheme+"://"+u.Host, 80)))
	}
	want := strings.TrimSuffix(base.Path, "/") + collection
	switch u.Path {
	case want:
	case collection: // relative to the API root, without the base path
		u.Path = want
		u.RawPath = ""
	default:
		return "", fmt.Errorf("%w: meta.next leaves the collection (%s)", model.ErrBadResponse, httpx.Sanitize(truncate(u.Path, 80)))
	}
	u.Fragment, u.RawFragment, u.User = "", "", nil
	u.RawQuery = u.Query().Encode() // one spelling per page: a link back to one is recognised
	return u.String(), nil
}
